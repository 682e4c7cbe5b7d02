// Package hdf5 reads HDF5 files (netCDF-4 files among them) in pure Go, without the HDF5
// library, and writes them: new files with one chunked dataset, datasets added to an
// existing file, and datasets grown along an axis (as h5py's resize), crash-safely (see
// edit.go). A Dataset is a graph.Source whose windows read only the chunks they overlap,
// each decompressed by the task that needs it. Every address and size a file gives is
// checked against the file before it is used, and every decoder stops at the size its
// chunk should have: a damaged or hostile file is an error naming the object and the
// reason, never a panic or an allocation the file chose.
package hdf5

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/internal/lazy"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/store"
	"github.com/darray-go/darray/store/codec"
)

// HDF5 files, read in pure Go. Supported: the file layouts HDF5 1.8-1.10 write by default
// and with libver="latest" (h5py's too): superblock versions 0-3, version 1 and 2 object
// headers with continuations, groups as symbol tables (B-tree and local heap), as link
// messages or densely (fractal heap, see btree2.go, fractalheap.go), attributes compact or dense,
// datasets stored contiguous, compact or chunked (version 3 layouts with a B-tree chunk
// index; version 4 with single-chunk, implicit, fixed-array, extensible-array and
// version 2 B-tree indexes), the deflate,
// shuffle, fletcher32 and LZF filters, integers, floats, complex numbers (h5py's {r, i}
// compounds), booleans (h5py's enum), fixed-length strings for attributes. Chunk indexes
// are read once; the chunks themselves are read and decompressed by each task that needs
// them, so decompression runs on every core.

// ErrFormat is wrapped by every error about a malformed or unsupported HDF5 file.
var ErrFormat = errors.New("hdf5")

// File is an open HDF5 file.
type File struct {
	Path string

	f        store.File
	size     uint64 // of the file, which every address and length must lie within
	base     uint64
	offsetSz int
	lengthSz int
	root     uint64 // the root group's object header
	depth    int    // how many external links led to this file
	opened   *int   // files opened for external links, shared along a chain of them
}

// Node is a group or dataset.
type Node struct {
	Path     string
	Group    bool
	Dataset  *Dataset // datasets darray can read
	Datatype bool     // a committed (named) datatype, which datasets may share
	Err      error    // why an object is not readable (an unsupported layout, say)
	Attrs    map[string]any
}

func h5err(path, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrFormat, path, fmt.Sprintf(format, args...))
}

var signature = []byte{0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'}

// Open opens a file and reads its superblock. Close it when done.
func Open(path string) (*File, error) {
	f, err := store.OpenFile(path)
	if err != nil {
		return nil, err
	}
	h := &File{Path: path, f: f, size: uint64(f.Size())}
	if err := h.readSuperblock(); err != nil {
		f.Close()
		return nil, err
	}
	return h, nil
}

// Close closes the file.
func (h *File) Close() error { return h.f.Close() }

func (h *File) read(addr uint64, n int) ([]byte, error) {
	if n < 0 || n > 64<<20 { // metadata reads: no structure we read is this large
		return nil, h5err(h.Path, "implausible read of %d bytes at %d", n, addr)
	}
	if n > 1<<30 {
		return nil, h5err(h.Path, "implausible read of %d bytes at %d", n, addr)
	}
	b := make([]byte, n)
	if _, err := h.f.ReadAt(b, int64(h.base+addr)); err != nil {
		return nil, h5err(h.Path, "reading %d bytes at %d: %v", n, addr, err)
	}
	return b, nil
}

// signatureAt finds the HDF5 signature where the format allows it: at 0, or after a user
// block of 512, 1024, 2048... bytes. It is -1 when the file has none.
func signatureAt(f io.ReaderAt, size int64) int64 {
	var sig [8]byte
	for off := int64(0); off+8 <= size; off = max(512, 2*off) {
		if _, err := f.ReadAt(sig[:], off); err != nil {
			return -1
		}
		if bytes.Equal(sig[:], signature) {
			return off
		}
	}
	return -1
}

// Is reports whether the file at path is an HDF5 file (netCDF-4, MATLAB v7.3, AnnData
// and others are), by its signature, whatever its name.
func Is(path string) bool {
	f, err := store.OpenFile(path)
	if err != nil {
		return false
	}
	defer f.Close()
	return signatureAt(f, f.Size()) >= 0
}

func (h *File) readSuperblock() error {
	at := signatureAt(h.f, int64(h.size))
	if at < 0 {
		return h5err(h.Path, "not an HDF5 file (no signature)")
	}
	var hdr [16]byte
	if _, err := h.f.ReadAt(hdr[:], at+8); err != nil {
		return h5err(h.Path, "truncated superblock")
	}
	version := hdr[0]
	switch version {
	case 0, 1:
		// version, free-space, root entry and shared-header versions, sizes, reserved,
		// then the B-tree K values and flags (and, in version 1, the chunk B-tree K).
		h.offsetSz, h.lengthSz = int(hdr[5]), int(hdr[6])
		if err := h.checkSizes(); err != nil {
			return err
		}
		skip := 8
		if version == 1 {
			skip = 12
		}
		rest := make([]byte, skip+6*h.offsetSz+24)
		if _, err := h.f.ReadAt(rest, at+16); err != nil {
			return h5err(h.Path, "truncated superblock")
		}
		r := reader{b: rest[skip:], off: h.offsetSz, len: h.lengthSz}
		r.addr()          // base address: see below
		r.addr()          // free-space info
		r.addr()          // end of file
		r.addr()          // driver info
		r.length()        // root entry: link name offset (a length, as in every symbol table entry)
		h.root = r.addr() // root entry: object header
	case 2, 3:
		h.offsetSz, h.lengthSz = int(hdr[1]), int(hdr[2])
		if err := h.checkSizes(); err != nil {
			return err
		}
		rest := make([]byte, 4*h.offsetSz)
		if _, err := h.f.ReadAt(rest, at+12); err != nil {
			return h5err(h.Path, "truncated superblock")
		}
		r := reader{b: rest, off: h.offsetSz, len: h.lengthSz}
		r.addr() // base address: see below
		r.addr() // superblock extension
		r.addr() // end of file
		h.root = r.addr()
	default:
		return h5err(h.Path, "superblock version %d is not supported", version)
	}
	// Addresses count from the superblock, after any user block (as MATLAB's v7.3 files
	// have); the HDF5 library itself uses the superblock's position when the base address
	// field says otherwise, as tools that prepend a user block leave it.
	h.base = uint64(at)
	return nil
}

func (h *File) checkSizes() error {
	if h.offsetSz != 8 && h.offsetSz != 4 || h.lengthSz != 8 && h.lengthSz != 4 {
		return h5err(h.Path, "sizes of offsets %d and lengths %d are not supported", h.offsetSz, h.lengthSz)
	}
	return nil
}

// reader decodes little-endian fields from a byte slice, stopping (with bad set) at its end.
type reader struct {
	b        []byte
	i        int
	off, len int
	bad      bool
}

func (r *reader) take(n int) []byte {
	if n < 0 || r.i+n > len(r.b) {
		// Past the end: mark the reader bad and hand back zeros, few enough that a corrupt
		// length cannot make us allocate gigabytes; callers check bad before using them.
		r.bad = true
		r.i = len(r.b)
		return make([]byte, min(max(n, 0), 16))
	}
	s := r.b[r.i : r.i+n]
	r.i += n
	return s
}

func (r *reader) u8() uint8   { return r.take(1)[0] }
func (r *reader) u16() uint16 { return binary.LittleEndian.Uint16(r.take(2)) }
func (r *reader) u32() uint32 { return binary.LittleEndian.Uint32(r.take(4)) }
func (r *reader) u64() uint64 { return binary.LittleEndian.Uint64(r.take(8)) }

func (r *reader) uint(n int) uint64 {
	b := r.take(n) // shorter than n when the reader ran past the end
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

func (r *reader) addr() uint64 {
	v := r.uint(r.off)
	if r.off == 4 && v == math.MaxUint32 {
		return math.MaxUint64
	}
	return v
}

func (r *reader) length() uint64 { return r.uint(r.len) }

func (r *reader) align(n int) { r.i = (r.i + n - 1) / n * n }

// message is one object header message.
type message struct {
	kind  uint16
	flags uint8 // bit 1: the data is a reference to a shared message (a committed datatype)
	data  []byte
}

// messages reads an object header (version 1 or 2) with its continuations.
func (h *File) messages(addr uint64) ([]message, error) {
	pre, err := h.read(addr, 16)
	if err != nil {
		return nil, err
	}
	var out []message
	if string(pre[:4]) == "OHDR" {
		return h.messagesV2(addr, pre)
	}
	if pre[0] != 1 {
		return nil, h5err(h.Path, "object header at %d has version %d", addr, pre[0])
	}
	count := int(binary.LittleEndian.Uint16(pre[2:]))
	size := int(binary.LittleEndian.Uint32(pre[8:]))
	blocks := [][2]uint64{{addr + 16, uint64(size)}}
	for read := 0; len(blocks) > 0 && len(out) < count; read++ {
		if read > 4096 {
			return nil, h5err(h.Path, "object header at %d has too many continuation blocks", addr)
		}
		blk := blocks[0]
		blocks = blocks[1:]
		data, err := h.read(blk[0], int(blk[1]))
		if err != nil {
			return nil, err
		}
		r := reader{b: data, off: h.offsetSz, len: h.lengthSz}
		for r.i+8 <= len(data) && len(out) < count {
			kind := r.u16()
			n := int(r.u16())
			mflags := r.u8()
			r.take(3) // reserved
			body := r.take(n)
			if r.bad {
				return nil, h5err(h.Path, "object header at %d: message overruns its block", addr)
			}
			r.align(8)
			if kind == 0x10 { // continuation
				c := reader{b: body, off: h.offsetSz, len: h.lengthSz}
				blocks = append(blocks, [2]uint64{c.addr(), c.length()})
			}
			out = append(out, message{kind, mflags, body})
		}
	}
	return out, nil
}

func (h *File) messagesV2(addr uint64, pre []byte) ([]message, error) {
	flags := pre[5]
	i := 6
	if flags&0x20 != 0 {
		i += 16
	}
	if flags&0x10 != 0 {
		i += 4
	}
	sizeLen := 1 << (flags & 3)
	head, err := h.read(addr, i+sizeLen)
	if err != nil {
		return nil, err
	}
	r := reader{b: head[i:], off: h.offsetSz, len: h.lengthSz}
	chunk0 := r.uint(sizeLen)
	var out []message
	blocks := [][2]uint64{{addr + uint64(i+sizeLen), chunk0}}
	first := true
	for read := 0; len(blocks) > 0; read++ {
		if read > 4096 { // continuations that loop back on themselves
			return nil, h5err(h.Path, "object header at %d has too many continuation blocks", addr)
		}
		blk := blocks[0]
		blocks = blocks[1:]
		data, err := h.read(blk[0], int(blk[1]))
		if err != nil {
			return nil, err
		}
		if !first { // "OCHK" continuation block: signature, messages, checksum
			if len(data) < 8 || string(data[:4]) != "OCHK" {
				return nil, h5err(h.Path, "bad object header continuation at %d", blk[0])
			}
			data = data[4 : len(data)-4]
		}
		first = false
		r := reader{b: data, off: h.offsetSz, len: h.lengthSz}
		for r.i+4 <= len(data) {
			kind := uint16(r.u8())
			n := int(r.u16())
			mflags := r.u8()
			if flags&0x04 != 0 {
				r.u16() // creation order, when the header tracks it
			}
			body := r.take(n)
			if r.bad {
				break // the gap at the end of a chunk
			}
			if kind == 0x10 {
				c := reader{b: body, off: h.offsetSz, len: h.lengthSz}
				blocks = append(blocks, [2]uint64{c.addr(), c.length()})
			}
			out = append(out, message{kind, mflags, body})
		}
	}
	return out, nil
}

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

// Dataset finds a dataset by its path ("group/name"; a leading slash is allowed).
func (h *File) Dataset(path string) (*Dataset, error) {
	want := strings.Trim(path, "/")
	nodes, err := h.Walk()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, n := range nodes {
		if n.Path == want && n.Err != nil {
			return nil, n.Err
		}
		if n.Path == want && n.Dataset != nil {
			return n.Dataset, nil
		}
		if n.Dataset != nil {
			names = append(names, "/"+n.Path)
		}
	}
	return nil, h5err(h.Path, "no dataset %q (datasets: %s)", path, strings.Join(names, ", "))
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

func (h *File) dataspace(data []byte) ([]int, error) {
	shape, _, err := h.dataspaceMax(data)
	return shape, err
}

// dataspaceMax reads a dataspace message: the shape and, when the file gives them, the
// maximum dimensions (math.MaxUint64 for an unlimited one).
func (h *File) dataspaceMax(data []byte) ([]int, []uint64, error) {
	r := reader{b: data, off: h.offsetSz, len: h.lengthSz}
	version := r.u8()
	rank := int(r.u8())
	flags := r.u8()
	switch version {
	case 1:
		r.take(5)
	case 2:
		if t := r.u8(); t == 2 { // null dataspace
			return nil, nil, h5err(h.Path, "null dataspace")
		}
	default:
		return nil, nil, h5err(h.Path, "dataspace version %d", version)
	}
	shape := make([]int, rank)
	for d := range shape {
		n := r.length()
		if n > 1<<48 {
			return nil, nil, h5err(h.Path, "implausible dimension %d", n)
		}
		shape[d] = int(n)
	}
	var maxShape []uint64
	if flags&1 != 0 {
		maxShape = make([]uint64, rank)
		for d := range maxShape {
			if maxShape[d] = r.length(); h.lengthSz == 4 && maxShape[d] == math.MaxUint32 {
				maxShape[d] = math.MaxUint64
			}
		}
	}
	if r.bad {
		return nil, nil, h5err(h.Path, "truncated dataspace")
	}
	return shape, maxShape, nil
}

func (h *File) attribute(data []byte) (string, any, error) {
	r := reader{b: data, off: h.offsetSz, len: h.lengthSz}
	version := r.u8()
	flags := r.u8() // version 2 on: bit 0, the datatype is shared (committed)
	nameLen, typeSize, spaceLen := int(r.u16()), int(r.u16()), int(r.u16())
	if version == 3 {
		r.u8()
	}
	pad := func(n int) int {
		if version == 1 {
			return (n + 7) / 8 * 8
		}
		return n
	}
	name := string(bytes.TrimRight(r.take(pad(nameLen)), "\x00"))
	typeData := r.take(pad(typeSize))
	spaceData := r.take(pad(spaceLen))
	if r.bad {
		return "", nil, h5err(h.Path, "truncated attribute")
	}
	var sharedFlag uint8
	if version > 1 && flags&0x01 != 0 {
		sharedFlag = 0x02
	}
	dt, err := h.messageType(message{kind: 0x03, flags: sharedFlag, data: typeData})
	if err != nil {
		return name, nil, err
	}
	shape, err := h.dataspace(spaceData)
	if err != nil {
		return name, nil, err
	}
	n := 1
	for _, s := range shape {
		n *= s
	}
	raw := r.b[r.i:]
	if dt.vlenStr && len(shape) == 0 {
		v, err := h.vlenString(raw)
		return name, v, err
	}
	if dt.str {
		if len(raw) < dt.size {
			return name, nil, h5err(h.Path, "truncated attribute %q", name)
		}
		return name, string(bytes.TrimRight(raw[:dt.size], "\x00 ")), nil
	}
	if len(raw) < n*dt.size {
		return name, nil, h5err(h.Path, "truncated attribute %q", name)
	}
	a, err := dt.fromBytes(raw[:n*dt.size], shape...)
	if err != nil {
		return name, nil, err
	}
	if len(shape) == 0 {
		return name, nd.Values[complex128](a)[0], nil
	}
	return name, a, nil
}

// vlenString reads a variable-length string stored as (length, global heap collection
// address, object index).
func (h *File) vlenString(raw []byte) (string, error) {
	return h.vlenStringCached(raw, nil)
}

// vlenStringCached reads a variable-length string, keeping the global heap collections it
// parses in cache (when not nil) for the next.
func (h *File) vlenStringCached(raw []byte, cache map[uint64]map[uint32][]byte) (string, error) {
	r := reader{b: raw, off: h.offsetSz, len: h.lengthSz}
	n := int(r.u32())
	collection := r.addr()
	index := r.u32()
	if r.bad {
		return "", h5err(h.Path, "truncated variable-length string")
	}
	if n == 0 && (collection == 0 || collection == undefAddr) {
		return "", nil // an empty string, or one never written
	}
	objects, ok := cache[collection]
	if !ok {
		var err error
		if objects, err = h.globalHeap(collection); err != nil {
			return "", err
		}
		if cache != nil {
			cache[collection] = objects
		}
	}
	data, ok := objects[index]
	if !ok {
		return "", h5err(h.Path, "global heap object %d not found in the collection at %d", index, collection)
	}
	return string(data[:min(n, len(data))]), nil
}

// globalHeap parses a global heap collection ("GCOL"): its objects by index.
func (h *File) globalHeap(collection uint64) (map[uint32][]byte, error) {
	head, err := h.read(collection, 8+h.lengthSz)
	if err != nil {
		return nil, err
	}
	if string(head[:4]) != "GCOL" {
		return nil, h5err(h.Path, "bad global heap at %d", collection)
	}
	sr := reader{b: head[8:], off: h.offsetSz, len: h.lengthSz}
	size := sr.length()
	if size < uint64(8+h.lengthSz) || size > 1<<24 {
		return nil, h5err(h.Path, "global heap at %d claims %d bytes", collection, size)
	}
	body, err := h.read(collection, int(size))
	if err != nil {
		return nil, err
	}
	objects := map[uint32][]byte{}
	g := reader{b: body[8+h.lengthSz:], off: h.offsetSz, len: h.lengthSz}
	for !g.bad {
		id := g.u16()
		g.u16()
		g.u32()
		objSize := g.length()
		if objSize > uint64(len(g.b)) {
			break
		}
		data := g.take(int(objSize+7) / 8 * 8)
		if id == 0 || g.bad {
			break
		}
		objects[uint32(id)] = data[:objSize]
	}
	return objects, nil
}

// Dataset is a dataset of an HDF5 file; a graph.Source (a ChunkedSource when chunked).
type Dataset struct {
	File      string // the file's path (each read opens it: safe in parallel and in other processes)
	Name      string
	Shape     []int
	DType     nd.DType
	BigEndian bool
	Chunks    []int      // nil unless chunked
	Filters   []Filter   // in the order they were applied when writing
	Fill      complex128 // for display: see fill
	Layout    string     // "contiguous", "chunked" or "compact"

	addr    uint64 // contiguous data, or the chunk index
	compact []byte
	// Version 4 layouts: the chunk index type (0 for the version 3 B-tree), and the
	// size and filter mask of a single filtered chunk.
	index4     uint8
	maxShape   []uint64 // nil when the file gives none; math.MaxUint64 for unlimited
	eaParams   [5]uint8 // extensible array creation parameters (index type 4)
	singleSize uint64
	singleMask uint32
	// edgeUnfiltered: partial edge chunks are stored without the filters (a version 4
	// layout option h5py does not use).
	edgeUnfiltered bool
	offSz          int
	lenSz          int
	elem           dtypeInfo       // how elements are stored
	fill           *nd.Array       // the fill value exactly (a complex128 cannot hold every int64 and uint64), or nil for zero
	base           uint64          // where the file's addresses start (after a user block)
	external       []store.Segment // contiguous data kept in other files
	text           *dtypeInfo      // for a dataset of strings: their type (Shape and Chunks then end in each element's bytes)

	once  *sync.Once // shared by copies: see UnmarshalBinary
	index map[string]chunkRef
	err   error

	reopen *lazy.Value[*Dataset] // a decoded dataset, opened on first use
}

// Filter is one filter of a dataset's pipeline.
type Filter struct {
	ID     uint16
	Name   string
	Params []uint32
}

type chunkRef struct {
	addr uint64
	size uint32
	mask uint32
}

func (h *File) dataset(path string, msgs []message) (*Dataset, error) {
	ds := &Dataset{File: h.Path, Name: "/" + path, offSz: h.offsetSz, lenSz: h.lengthSz, base: h.base, once: new(sync.Once)}
	var haveType, haveSpace, haveLayout bool
	var fillRaw []byte
	for _, m := range msgs {
		switch m.kind {
		case 0x01:
			shape, maxShape, err := h.dataspaceMax(m.data)
			if err != nil {
				return nil, fmt.Errorf("dataset %s: %w", ds.Name, err)
			}
			ds.Shape, ds.maxShape, haveSpace = shape, maxShape, true
		case 0x03:
			dt, err := h.messageType(m)
			if err != nil {
				return nil, fmt.Errorf("dataset %s: %w", ds.Name, err)
			}
			if dt.str || dt.vlenStr { // read as bytes, an axis of each element's, by ReadText
				text := dt
				ds.text = &text
				dt = dtypeInfo{dt: nd.Uint8, stored: nd.Uint8, size: 1}
			}
			ds.DType, ds.BigEndian, ds.elem, haveType = dt.dt, dt.bigEndian, dt, true
		case 0x05:
			fillRaw = h.fillValue(m.data)
		case 0x08:
			if err := h.layout(ds, m.data); err != nil {
				return nil, err
			}
			haveLayout = true
		case 0x07:
			segs, err := h.externalFiles(m.data)
			if err != nil {
				return nil, fmt.Errorf("dataset %s: %w", ds.Name, err)
			}
			ds.external = segs
		case 0x0B:
			filters, err := h.filters(m.data)
			if err != nil {
				return nil, fmt.Errorf("dataset %s: %w", ds.Name, err)
			}
			ds.Filters = filters
		}
	}
	if !haveType || !haveSpace || !haveLayout {
		return nil, h5err(h.Path, "object %s is neither a group nor a complete dataset", ds.Name)
	}
	if ds.text != nil {
		ds.Shape = append(append([]int{}, ds.Shape...), ds.text.size)
	}
	if len(fillRaw) == ds.elem.size && ds.text == nil {
		if a, err := ds.elem.fromBytes(fillRaw); err == nil {
			ds.Fill, ds.fill = nd.Values[complex128](a)[0], a
		}
	}
	if ds.Chunks != nil {
		if len(ds.Chunks) == len(ds.Shape)+1 {
			ds.Chunks = ds.Chunks[:len(ds.Shape)] // the last "dimension" is the element size
		}
		if ds.text != nil && len(ds.Chunks) == len(ds.Shape) { // text: that axis is the element's bytes
			ds.Chunks[len(ds.Chunks)-1] = ds.text.size
		}
		if len(ds.Chunks) != len(ds.Shape) {
			return nil, h5err(h.Path, "dataset %s: chunk rank %d for shape %v", ds.Name, len(ds.Chunks), ds.Shape)
		}
	}
	if err := h.checkExtent(ds); err != nil {
		return nil, err
	}
	for _, f := range ds.Filters {
		if !undoable[f.ID] {
			return nil, h5err(h.Path, "dataset %s uses filter %d (%s), which is not supported (gzip, shuffle, fletcher32, nbit, scaleoffset, lzf, blosc and bzip2 are)", ds.Name, f.ID, f)
		}
	}
	if ds.text != nil { // listed, and readable by ReadText, but not an array of numbers
		return ds, h5err(h.Path, "dataset %s holds text (strings), which darray reads whole as text (hdf5.File.ReadText; darray info and eval print and select it), not as an array of numbers", ds.Name)
	}
	return ds, nil
}

// inFile reports whether n bytes at addr lie within the file.
func (h *File) inFile(addr, n uint64) bool {
	end, carry := bits.Add64(h.base, addr, 0)
	end, carry2 := bits.Add64(end, n, 0)
	return carry == 0 && carry2 == 0 && end <= h.size
}

// checkExtent checks that the dataset's sizes do not overflow and that its contiguous data
// lies within the file: a damaged address must be an error, not a read of other bytes.
func (h *File) checkExtent(ds *Dataset) error {
	total, ok := store.ByteSize(ds.elem.size, ds.Shape)
	if !ok {
		return h5err(h.Path, "dataset %s: shape %v of %d-byte elements overflows", ds.Name, ds.Shape, ds.elem.size)
	}
	if ds.Chunks != nil {
		if _, ok := store.ByteSize(ds.elem.size, ds.Chunks); !ok {
			return h5err(h.Path, "dataset %s: chunks %v of %d-byte elements overflow", ds.Name, ds.Chunks, ds.elem.size)
		}
	}
	switch ds.Layout {
	case "contiguous":
		if ds.external != nil {
			var held uint64
			for _, s := range ds.external {
				held = min(held+uint64(s.Size), math.MaxInt64) // each size is at most MaxInt64
			}
			if held < total {
				return h5err(h.Path, "dataset %s: its external files hold %d bytes of its %d", ds.Name, held, total)
			}
			break
		}
		if ds.addr != math.MaxUint64 && total > 0 && !h.inFile(ds.addr, total) {
			return h5err(h.Path, "dataset %s: its %d bytes of data at address %d lie past the end of the file (%d bytes)", ds.Name, total, ds.addr, h.size)
		}
	case "compact":
		if uint64(len(ds.compact)) != total {
			return h5err(h.Path, "dataset %s: %d bytes of compact data for %d", ds.Name, len(ds.compact), total)
		}
	}
	return nil
}

func (h *File) fillValue(data []byte) []byte {
	if len(data) < 2 {
		return nil
	}
	r := reader{b: data, off: h.offsetSz, len: h.lengthSz}
	// Versions 1 and 2 spend three bytes (allocation time, write time,
	// defined flag) before the size; version 3 packs them in one flag byte.
	switch r.u8() {
	case 1, 2:
		r.u8()
		r.u8()
		if defined := r.u8(); defined == 0 {
			return nil
		}
	case 3:
		if flags := r.u8(); flags&0x20 == 0 {
			return nil
		}
	default:
		return nil
	}
	v := r.take(int(r.u32()))
	if r.bad {
		return nil
	}
	return v
}

func (h *File) layout(ds *Dataset, data []byte) error {
	r := reader{b: data, off: h.offsetSz, len: h.lengthSz}
	version := r.u8()
	if version != 3 && version != 4 {
		return h5err(h.Path, "dataset %s: data layout version %d is not supported (3 and 4 are)", ds.Name, version)
	}
	// Compact and contiguous layouts read alike in both versions; chunked
	// ones differ in how they encode chunk sizes and which index they use.
	switch r.u8() {
	case 0:
		n := int(r.u16())
		ds.compact, ds.Layout = r.take(n), "compact"
	case 1:
		ds.addr, ds.Layout = r.addr(), "contiguous"
		r.length()
	case 2:
		ds.Layout = "chunked"
		var err error
		if version == 3 {
			rank := int(r.u8())
			ds.addr = r.addr()
			err = h.chunkDims(ds, &r, rank, 4)
		} else {
			err = h.chunkedV4(ds, &r)
		}
		if err != nil {
			return err
		}
	default:
		return h5err(h.Path, "dataset %s: unknown layout class", ds.Name)
	}
	if r.bad {
		return h5err(h.Path, "dataset %s: truncated layout message", ds.Name)
	}
	return nil
}

// chunkDims reads rank chunk sizes of width bytes each.
func (h *File) chunkDims(ds *Dataset, r *reader, rank, width int) error {
	ds.Chunks = make([]int, rank)
	for d := range ds.Chunks {
		ds.Chunks[d] = int(r.uint(width))
		if ds.Chunks[d] <= 0 {
			return h5err(h.Path, "dataset %s: chunk dimension %d", ds.Name, ds.Chunks[d])
		}
	}
	return nil
}

// chunkedV4 reads the chunked part of HDF5 1.10's layout message (libver "latest"),
// which comes with a choice of chunk index. Supported: a single chunk, implicit
// (unfiltered, all chunks allocated in order) and fixed arrays (fixed-size datasets);
// extensible arrays and version 2 B-trees (datasets that can grow) are not.
func (h *File) chunkedV4(ds *Dataset, r *reader) error {
	flags := r.u8()
	ds.edgeUnfiltered = flags&0x01 != 0
	rank := int(r.u8())
	encLen := int(r.u8())
	if err := h.chunkDims(ds, r, rank, encLen); err != nil {
		return err
	}
	ds.index4 = r.u8()
	switch ds.index4 {
	case 1: // single chunk
		if flags&0x02 != 0 {
			ds.singleSize = r.length()
			ds.singleMask = r.u32()
		}
		ds.addr = r.addr()
	case 2: // implicit
		ds.addr = r.addr()
	case 3: // fixed array
		r.u8() // page bits (the header repeats them)
		ds.addr = r.addr()
	case 4: // extensible array: its creation parameters, repeated in its header
		copy(ds.eaParams[:], r.take(5))
		ds.addr = r.addr()
	case 5: // version 2 B-tree: node size, split and merge percentages, repeated in its header
		r.take(6)
		ds.addr = r.addr()
	default:
		return h5err(h.Path, "dataset %s: unknown chunk index type %d", ds.Name, ds.index4)
	}
	return nil
}

func (h *File) filters(data []byte) ([]Filter, error) {
	r := reader{b: data, off: h.offsetSz, len: h.lengthSz}
	version := r.u8()
	n := int(r.u8())
	if version == 1 {
		r.take(6)
	}
	var out []Filter
	for range n {
		f := Filter{ID: r.u16()}
		nameLen := 0
		if version == 1 || f.ID >= 256 {
			nameLen = int(r.u16())
		}
		r.u16() // flags
		nvals := int(r.u16())
		if nameLen > 0 {
			if version == 1 {
				nameLen = (nameLen + 7) / 8 * 8
			}
			f.Name = string(bytes.TrimRight(r.take(nameLen), "\x00"))
		}
		for range nvals {
			f.Params = append(f.Params, r.u32())
		}
		if version == 1 && nvals%2 == 1 {
			r.u32()
		}
		if r.bad {
			return nil, errors.New("truncated filter pipeline")
		}
		out = append(out, f)
	}
	return out, nil
}

// Describe names the dataset.
func (d *Dataset) Describe() string { return d.File + ":" + d.Name }

// StoredChunks is the chunk shape (the whole shape when not chunked).
func (d *Dataset) StoredChunks() []int {
	d = lazy.Or(d, d.reopen)
	if d.Chunks != nil {
		return d.Chunks
	}
	return d.Shape
}

// Read reads the window's elements.
func (d *Dataset) Read(w graph.Window) (*nd.Array, error) {
	if d.reopen != nil {
		opened, err := d.reopen.Get()
		if err != nil {
			return nil, err
		}
		return opened.Read(w)
	}
	switch d.Layout {
	case "contiguous":
		if d.addr == math.MaxUint64 && d.external == nil { // never written: all fill value
			out, err := d.filled(w.Count)
			if err != nil {
				return nil, err
			}
			return out.Transpose(w.Perm...)
		}
		flat := &store.Flat{Path: d.File, Offset: int64(d.base + d.addr), DType: d.elem.stored, Shape: d.Shape, BigEndian: d.BigEndian}
		if d.external != nil {
			flat.Offset, flat.Segments = 0, d.external
		}
		a, err := flat.Read(w)
		if err != nil {
			return nil, err
		}
		return d.elem.finish(a)
	case "compact":
		a, err := d.elem.fromBytes(d.compact, d.Shape...)
		if err != nil {
			return nil, h5err(d.File, "dataset %s: %v", d.Name, err)
		}
		return w.Apply(a)
	}
	d.once.Do(d.loadIndex)
	if d.err != nil {
		return nil, d.err
	}
	f, err := store.OpenFile(d.File)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return store.ReadChunked(w, d.Shape, d.Chunks, d.DType, func(c []int) (*nd.Array, error) { return d.readChunk(f, c) })
}

// filled makes an array of the fill value, for data never written.
func (d *Dataset) filled(shape []int) (*nd.Array, error) {
	out, err := nd.New(d.DType, shape...)
	if err != nil || d.fill == nil {
		return out, err
	}
	return out, out.Assign(d.fill)
}

func chunkKey(c []int) string {
	var b strings.Builder
	for _, v := range c {
		fmt.Fprintf(&b, "%d,", v)
	}
	return b.String()
}

// loadIndex reads the chunk B-tree once: chunk grid position -> address, size, filter mask.
func (d *Dataset) loadIndex() {
	h, err := Open(d.File)
	if err != nil {
		d.err = err
		return
	}
	defer h.Close()
	d.index = map[string]chunkRef{}
	defer func() {
		if d.err == nil {
			d.err = d.checkChunkAddresses(h)
		}
	}()
	if d.index4 != 0 {
		d.err = d.loadIndexV4(h)
		return
	}
	rank := len(d.Shape) + 1
	keySize := 8 + 8*rank
	var walk func(addr uint64, depth int) error
	walk = func(addr uint64, depth int) error {
		if addr == math.MaxUint64 {
			return nil // no chunk written yet
		}
		if depth > 64 {
			return h5err(d.File, "dataset %s: chunk B-tree too deep", d.Name)
		}
		head, err := h.read(addr, 8+2*h.offsetSz)
		if err != nil {
			return err
		}
		if string(head[:4]) != "TREE" || head[4] != 1 {
			return h5err(d.File, "dataset %s: bad chunk B-tree node at %d", d.Name, addr)
		}
		level := head[5]
		entries := int(binary.LittleEndian.Uint16(head[6:]))
		body, err := h.read(addr+8+2*uint64(h.offsetSz), (entries+1)*keySize+entries*h.offsetSz)
		if err != nil {
			return err
		}
		r := reader{b: body, off: h.offsetSz, len: h.lengthSz}
		for range entries {
			size := r.u32()
			mask := r.u32()
			coords := make([]int, rank-1)
			for k := range coords {
				coords[k] = int(r.u64())
			}
			r.u64() // the element-size "dimension"
			child := r.addr()
			if level > 0 {
				if err := walk(child, depth+1); err != nil {
					return err
				}
				continue
			}
			grid := make([]int, len(coords))
			for k := range coords {
				if coords[k]%d.Chunks[k] != 0 {
					return h5err(d.File, "dataset %s: chunk at %v is not on the chunk grid", d.Name, coords)
				}
				grid[k] = coords[k] / d.Chunks[k]
			}
			d.index[chunkKey(grid)] = chunkRef{child, size, mask}
		}
		return nil
	}
	d.err = walk(d.addr, 0)
}

// checkChunkAddresses checks that every indexed chunk lies within the file.
func (d *Dataset) checkChunkAddresses(h *File) error {
	for key, ref := range d.index {
		if !h.inFile(ref.addr, uint64(ref.size)) {
			return h5err(d.File, "dataset %s: chunk (%s) of %d bytes at address %d lies past the end of the file (%d bytes)",
				d.Name, strings.TrimSuffix(key, ","), ref.size, ref.addr, h.size)
		}
	}
	return nil
}

// grid is the number of chunks along each axis.
func (d *Dataset) grid() []int {
	g := make([]int, len(d.Shape))
	for k := range g {
		g[k] = (d.Shape[k] + d.Chunks[k] - 1) / d.Chunks[k]
	}
	return g
}

// loadIndexV4 reads the chunk indexes of version 4 layouts.
func (d *Dataset) loadIndexV4(h *File) error {
	grid := d.grid()
	chunkBytes := uint64(d.elem.size)
	for _, c := range d.Chunks {
		chunkBytes *= uint64(c)
	}
	filtered := len(d.Filters) > 0
	switch d.index4 {
	case 1: // the whole dataset is one chunk
		if d.addr != math.MaxUint64 {
			size := chunkBytes
			if filtered && d.singleSize > 0 {
				size = d.singleSize
			}
			d.index[chunkKey(make([]int, len(grid)))] = chunkRef{d.addr, uint32(size), d.singleMask}
		}
		return nil
	case 2: // implicit: every chunk allocated, in C order, unfiltered
		if d.addr == math.MaxUint64 {
			return nil
		}
		k := uint64(0)
		graph.ForEachBlock(grid, func(c []int) {
			d.index[chunkKey(c)] = chunkRef{d.addr + k*chunkBytes, uint32(chunkBytes), 0}
			k++
		})
		return nil
	}
	if d.addr == math.MaxUint64 {
		return nil // no chunk written yet
	}
	switch d.index4 {
	case 3:
		return d.loadFixedArray(h, grid, chunkBytes)
	case 4:
		return d.loadExtensibleArray(h, grid, chunkBytes)
	}
	return d.loadBTree2Chunks(h, grid, chunkBytes)
}

// chunkEntry decodes a chunk index entry of fixed and extensible arrays: an address, then
// for filtered datasets the stored size and the filter mask. ok is false for a chunk never
// written.
func (d *Dataset) chunkEntry(entry []byte, chunkBytes uint64) (ref chunkRef, ok bool, err error) {
	r := reader{b: entry, off: d.offSz, len: d.lenSz}
	addr := r.addr()
	size, mask := chunkBytes, uint32(0)
	if len(d.Filters) > 0 {
		size = r.uint(len(entry) - d.offSz - 4)
		mask = r.u32()
	}
	if addr == math.MaxUint64 || addr == 0 {
		return chunkRef{}, false, nil
	}
	if size > 1<<31 || r.bad {
		return chunkRef{}, false, h5err(d.File, "dataset %s: chunk index entry of %d bytes", d.Name, size)
	}
	return chunkRef{addr, uint32(size), mask}, true, nil
}

// loadFixedArray reads a fixed array index: a header ("FAHD") and a data block ("FADB") of
// one entry per chunk in C order, paged when there are more than 2^page bits entries.
func (d *Dataset) loadFixedArray(h *File, grid []int, chunkBytes uint64) error {
	head, err := h.read(d.addr, 12+h.lengthSz+h.offsetSz)
	if err != nil {
		return err
	}
	if string(head[:4]) != "FAHD" {
		return h5err(d.File, "dataset %s: bad fixed array header", d.Name)
	}
	entrySize, pageBits := int(head[6]), uint(head[7])
	hr := reader{b: head[8:], off: h.offsetSz, len: h.lengthSz}
	count := int(hr.length())
	block := hr.addr()
	if count > 1<<26 || entrySize < h.offsetSz || pageBits > 32 {
		return h5err(d.File, "dataset %s: implausible fixed array (%d entries of %d bytes)", d.Name, count, entrySize)
	}
	prefix := 6 + h.offsetSz // signature, version, client id, header address
	perPage := 1 << pageBits
	var entries []byte
	if count <= perPage {
		b, err := h.read(block, prefix+count*entrySize)
		if err != nil {
			return err
		}
		if string(b[:4]) != "FADB" {
			return h5err(d.File, "dataset %s: bad fixed array data block", d.Name)
		}
		entries = b[prefix:]
	} else {
		pages := (count + perPage - 1) / perPage
		bitmap := (pages + 7) / 8
		at := block + uint64(prefix+bitmap+4) // the block's own checksum follows the bitmap
		for p := range pages {
			n := min(perPage, count-p*perPage)
			b, err := h.read(at, n*entrySize)
			if err != nil {
				return err
			}
			entries = append(entries, b...)
			at += uint64(n*entrySize + 4) // each page ends with a checksum
		}
	}
	k := 0
	var failure error
	graph.ForEachBlock(grid, func(c []int) {
		if failure != nil || k >= count {
			return
		}
		ref, ok, err := d.chunkEntry(entries[k*entrySize:(k+1)*entrySize], chunkBytes)
		k++
		if err != nil {
			failure = err
		} else if ok {
			d.index[chunkKey(c)] = ref
		}
	})
	return failure
}

func (d *Dataset) readChunk(f io.ReaderAt, c []int) (*nd.Array, error) {
	ref, ok := d.index[chunkKey(c)]
	if !ok {
		return d.filled(d.Chunks)
	}
	size := d.elem.size
	for _, s := range d.Chunks {
		size *= s
	}
	if int64(ref.size) > 2*int64(size)+1<<20 {
		return nil, h5err(d.File, "dataset %s chunk %v: stored size %d is implausible for %d bytes of data", d.Name, c, ref.size, size)
	}
	if d.unfiltered(ref) { // read straight into the chunk's array
		if int(ref.size) != size {
			return nil, h5err(d.File, "dataset %s chunk %v: %d bytes stored for %d", d.Name, c, ref.size, size)
		}
		a, err := nd.FromReader(d.elem.stored, d.BigEndian, d.Chunks, func(raw []byte) error {
			if _, err := f.ReadAt(raw, int64(d.base+ref.addr)); err != nil {
				return h5err(d.File, "dataset %s chunk %v: reading %d bytes at %d: %v", d.Name, c, len(raw), ref.addr, err)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		return d.elem.finish(a)
	}
	raw := make([]byte, ref.size)
	if _, err := f.ReadAt(raw, int64(d.base+ref.addr)); err != nil {
		return nil, h5err(d.File, "dataset %s chunk %v: reading %d bytes at %d: %v", d.Name, c, len(raw), ref.addr, err)
	}
	var err error
	sizes := stageSizes(d.Filters, ref.mask, size)
	first := 0 // the last filter undone; a shuffle there writes straight into the array
	for first < len(d.Filters) && ref.mask&(1<<uint(first)) != 0 {
		first++
	}
	intoArray := first < len(d.Filters) && d.Filters[first].ID == 2 && shuffleTypesize(d.Filters[first], d.elem.size) == d.elem.size
	for i := len(d.Filters) - 1; i >= 0; i-- {
		if ref.mask&(1<<uint(i)) != 0 || (intoArray && i == first) {
			continue // this filter was skipped for this chunk, or is undone below
		}
		if raw, err = undoFilter(d.Filters[i], raw, sizes[i], d.elem.size); err != nil {
			return nil, h5err(d.File, "dataset %s chunk %v: %v", d.Name, c, err)
		}
	}
	if intoArray {
		a, err := nd.FromReader(d.elem.stored, d.BigEndian, d.Chunks, func(dst []byte) error {
			if len(raw) != len(dst) {
				return h5err(d.File, "dataset %s chunk %v: %d bytes after the filters for %d", d.Name, c, len(raw), len(dst))
			}
			codec.Unshuffle(dst, raw, d.elem.size)
			return nil
		})
		if err != nil {
			return nil, err
		}
		return d.elem.finish(a)
	}
	a, err := d.elem.fromBytes(raw, d.Chunks...)
	if err != nil {
		return nil, h5err(d.File, "dataset %s chunk %v: %v", d.Name, c, err)
	}
	return a, nil
}

// unfiltered reports whether no filter applies to a chunk.
func (d *Dataset) unfiltered(ref chunkRef) bool {
	for i := range d.Filters {
		if ref.mask&(1<<uint(i)) == 0 {
			return false
		}
	}
	return true
}

// externalFiles reads an external data files message (format spec IV.A.2.h): the runs of
// other files that hold a contiguous dataset's bytes. Names are taken relative to the HDF5
// file's directory (as the HDF5 library's "${ORIGIN}" prefix does); a name that is absolute
// or climbs out of that directory is refused, so a file cannot make darray read elsewhere.
func (h *File) externalFiles(data []byte) ([]store.Segment, error) {
	r := reader{b: data, off: h.offsetSz, len: h.lengthSz}
	if version := r.u8(); version != 1 {
		return nil, h5err(h.Path, "external data files message of version %d", version)
	}
	r.take(3)
	r.u16() // slots allocated
	used := int(r.u16())
	names, err := h.localHeap(r.addr())
	if err != nil {
		return nil, err
	}
	unlimited := uint64(1)<<(8*h.lengthSz) - 1
	var segs []store.Segment
	for range used {
		nameOff, offset, size := r.length(), r.length(), r.length()
		if r.bad {
			return nil, h5err(h.Path, "truncated external data files message")
		}
		end := bytes.IndexByte(names[min(nameOff, uint64(len(names))):], 0)
		if nameOff >= uint64(len(names)) || end < 0 {
			return nil, h5err(h.Path, "bad external file name offset %d", nameOff)
		}
		name := string(names[nameOff : nameOff+uint64(end)])
		if store.IsURL(h.Path) {
			return nil, h5err(h.Path, "dataset's elements are in an external data file (%q) beside a file in remote storage, which darray does not read", name)
		}
		if name == "" || filepath.IsAbs(name) || !filepath.IsLocal(name) {
			return nil, h5err(h.Path, "external data file %q is outside the HDF5 file's directory, which darray does not read", name)
		}
		if size == unlimited || size > math.MaxInt64 {
			size = math.MaxInt64 // the rest of the file
		}
		if offset > math.MaxInt64 {
			return nil, h5err(h.Path, "external data file %q: offset %d", name, offset)
		}
		segs = append(segs, store.Segment{Path: filepath.Join(filepath.Dir(h.Path), name), Offset: int64(offset), Size: int64(size)})
	}
	if len(segs) == 0 {
		return nil, h5err(h.Path, "external data files message lists no file")
	}
	return segs, nil
}
