package hdf5

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
)

// Walk lists every group and dataset below the root, sorted by path.
func (h *File) Walk() ([]Node, error) {
	var out []Node
	seen := map[uint64]bool{}
	var pending []pendingLink
	var visit func(path string, addr uint64) error
	visit = func(path string, addr uint64) error {
		msgs, err := h.messages(addr)
		if err != nil {
			return err
		}
		node := Node{Path: path, Attrs: map[string]any{}}
		links, isGroup, err := h.groupLinks("/"+path, msgs)
		if err != nil {
			return err
		}
		for _, m := range msgs {
			switch m.kind {
			case 0x0C:
				name, v, err := h.attribute(m.data)
				if err == nil {
					node.Attrs[name] = v
				}
			case 0x15: // attribute info: attributes kept densely when it names a heap
				if heap, names := h.denseInfo(m.data, 2); heap != undefAddr {
					msgs, err := h.denseMessages(heap, names, fmt.Sprintf("attributes of %q", "/"+path))
					if err != nil {
						return err
					}
					for _, data := range msgs {
						if name, v, err := h.attribute(data); err == nil {
							node.Attrs[name] = v
						}
					}
				}
			}
		}
		if isGroup {
			if seen[addr] {
				return nil // a hard link to a group already listed (or a cycle)
			}
			seen[addr] = true
			node.Group = true
			out = append(out, node)
			sort.Slice(links, func(i, j int) bool { return links[i].name < links[j].name })
			for _, l := range links {
				at := strings.TrimPrefix(path+"/"+l.name, "/")
				if !l.hard() {
					pending = append(pending, pendingLink{at, path, l})
					continue
				}
				if err := visit(at, l.addr); err != nil {
					return err
				}
			}
			return nil
		}
		if len(msgs) > 0 && isCommittedType(msgs) {
			node.Datatype = true
			out = append(out, node)
			return nil
		}
		ds, err := h.dataset(path, msgs)
		if err != nil { // list it anyway: other objects stay readable
			node.Err = err
		}
		node.Dataset = ds
		out = append(out, node)
		return nil
	}
	if err := visit("", h.root); err != nil {
		return nil, err
	}
	return h.resolveLinks(out, pending), nil
}

// groupLinks reads the links of a group from its header's messages, and whether the
// messages are a group's at all.
func (h *File) groupLinks(path string, msgs []message) (links []link, isGroup bool, err error) {
	for _, m := range msgs {
		switch m.kind {
		case 0x11: // symbol table
			isGroup = true
			r := reader{b: m.data, off: h.offsetSz, len: h.lengthSz}
			bt, heap := r.addr(), r.addr()
			l, err := h.symbolTable(bt, heap)
			if err != nil {
				return nil, true, err
			}
			links = append(links, l...)
		case 0x06: // link
			isGroup = true
			if l, ok := h.linkMessage(m.data); ok {
				links = append(links, l)
			}
		case 0x02: // link info: a group in the new style, its links dense when it has a heap
			isGroup = true
			if heap, names := h.denseInfo(m.data, 8); heap != undefAddr {
				msgs, err := h.denseMessages(heap, names, fmt.Sprintf("links of group %q", path))
				if err != nil {
					return nil, true, err
				}
				for _, data := range msgs {
					if l, ok := h.linkMessage(data); ok {
						links = append(links, l)
					}
				}
			}
		}
	}
	return links, isGroup, nil
}

// link is a group's entry: a hard link to an object header, or a soft link (a path in
// the file) or an external link (a file and a path in it), which Walk resolves after the
// objects they may name are found.
type link struct {
	name string
	addr uint64
	soft string // the path a soft link names
	file string // the file an external link names (its path is in soft)

	raw     []byte // the link message, for groups in the new style (an edit copies it)
	order   uint64 // its creation order, when ordered
	ordered bool
}

func (l link) hard() bool { return l.soft == "" && l.file == "" }

// localHeap reads the data of a local heap, where groups and external file lists keep
// their names.
func (h *File) localHeap(heap uint64) ([]byte, error) {
	hh, err := h.read(heap, 8+2*h.lengthSz+h.offsetSz)
	if err != nil {
		return nil, err
	}
	if string(hh[:4]) != "HEAP" {
		return nil, h5err(h.Path, "bad local heap at %d", heap)
	}
	r := reader{b: hh[8:], off: h.offsetSz, len: h.lengthSz}
	size := r.length()
	r.length()
	dataAddr := r.addr()
	if size > 64<<20 {
		return nil, h5err(h.Path, "local heap at %d claims %d bytes", heap, size)
	}
	return h.read(dataAddr, int(size))
}

func (h *File) symbolTable(btree, heap uint64) ([]link, error) {
	names, err := h.localHeap(heap)
	if err != nil {
		return nil, err
	}
	var out []link
	var walk func(addr uint64, depth int) error
	walk = func(addr uint64, depth int) error {
		if depth > 64 {
			return h5err(h.Path, "group B-tree too deep")
		}
		head, err := h.read(addr, 8+2*h.offsetSz)
		if err != nil {
			return err
		}
		if string(head[:4]) == "SNOD" {
			n := int(binary.LittleEndian.Uint16(head[6:]))
			entrySize := h.lengthSz + h.offsetSz + 24 // name offset (a length), header address, cache
			body, err := h.read(addr+8, n*entrySize)
			if err != nil {
				return err
			}
			for k := range n {
				e := reader{b: body[k*entrySize:], off: h.offsetSz, len: h.lengthSz}
				nameOff := e.length()
				obj := e.addr()
				cache := e.u32()
				e.u32() // reserved
				valueOff := uint64(e.u32())
				name, ok := heapString(names, nameOff)
				if !ok {
					return h5err(h.Path, "bad link name offset %d", nameOff)
				}
				l := link{name: name, addr: obj}
				if cache == 2 { // a soft link: its value is in the heap too
					if l.soft, ok = heapString(names, valueOff); !ok || l.soft == "" {
						return h5err(h.Path, "bad soft link value offset %d", valueOff)
					}
				}
				out = append(out, l)
			}
			return nil
		}
		if string(head[:4]) != "TREE" {
			return h5err(h.Path, "bad group B-tree node at %d", addr)
		}
		entries := int(binary.LittleEndian.Uint16(head[6:]))
		body, err := h.read(addr+8+2*uint64(h.offsetSz), (entries+1)*h.lengthSz+entries*h.offsetSz)
		if err != nil {
			return err
		}
		br := reader{b: body, off: h.offsetSz, len: h.lengthSz}
		for k := 0; k <= entries; k++ {
			// Keys are offsets of names in the heap; readers that search by name follow them,
			// so a key outside the heap means a damaged group, not just a slower lookup.
			if key := br.length(); key >= uint64(len(names)) {
				return h5err(h.Path, "bad group B-tree key %d at node %d (heap holds %d bytes)", key, addr, len(names))
			}
			if k == entries {
				break
			}
			if err := walk(br.addr(), depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return out, walk(btree, 0)
}

// heapString is the NUL-terminated string at off in a local heap.
func heapString(heap []byte, off uint64) (string, bool) {
	if off >= uint64(len(heap)) {
		return "", false
	}
	end := bytes.IndexByte(heap[off:], 0)
	if end < 0 {
		return "", false
	}
	return string(heap[off : off+uint64(end)]), true
}

func (h *File) linkMessage(data []byte) (link, bool) {
	r := reader{b: data, off: h.offsetSz, len: h.lengthSz}
	r.u8() // version
	flags := r.u8()
	ltype := uint8(0)
	if flags&0x08 != 0 {
		ltype = r.u8()
	}
	var order uint64
	if flags&0x04 != 0 {
		order = r.u64()
	}
	if flags&0x10 != 0 {
		r.u8()
	}
	n := int(r.uint(1 << (flags & 3)))
	name := string(r.take(n))
	if r.bad {
		return link{}, false
	}
	switch ltype {
	case 0:
		addr := r.addr()
		return link{name: name, addr: addr, raw: data, order: order, ordered: flags&0x04 != 0}, !r.bad
	case 1: // soft: a path
		target := string(r.take(int(r.u16())))
		return link{name: name, soft: target, raw: data}, !r.bad && target != ""
	case 64: // external: flags, then the file's name and the object's path, each NUL-ended
		value := r.take(int(r.u16()))
		if r.bad || len(value) < 1 {
			return link{}, false
		}
		file, path, ok := bytes.Cut(value[1:], []byte{0})
		path, _, ok2 := bytes.Cut(path, []byte{0})
		if !ok || !ok2 || len(file) == 0 || len(path) == 0 {
			return link{}, false
		}
		return link{name: name, file: string(file), soft: string(path), raw: data}, true
	}
	return link{name: name, file: fmt.Sprintf("(link type %d)", ltype), raw: data}, true // listed as unreadable
}
