package hdf5

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/darray-go/darray/nd"
)

// h5enc lays out metadata blocks after the chunks; addresses are absolute.
type h5enc struct {
	buf  *bytes.Buffer
	base uint64
}

// alloc appends b (padded to 8 bytes) and returns its address.
func (e *h5enc) alloc(b []byte) uint64 {
	addr := e.base + uint64(e.buf.Len())
	e.buf.Write(b)
	for e.buf.Len()%8 != 0 {
		e.buf.WriteByte(0)
	}
	return addr
}

type h5buf struct{ bytes.Buffer }

func (b *h5buf) u8(v uint8) { b.WriteByte(v) }

func (b *h5buf) u16(v uint16) { binary.Write(b, binary.LittleEndian, v) }

func (b *h5buf) u32(v uint32) { binary.Write(b, binary.LittleEndian, v) }

func (b *h5buf) u64(v uint64) { binary.Write(b, binary.LittleEndian, v) }

func (b *h5buf) pad8() {
	for b.Len()%8 != 0 {
		b.WriteByte(0)
	}
}

func superblock(eof, rootHeader, rootBTree, rootHeap uint64) []byte {
	var b h5buf
	b.Write(signature)
	b.Write([]byte{0, 0, 0, 0, 0, 8, 8, 0}) // versions, sizes of offsets and lengths
	b.u16(4)                                // group leaf node K
	b.u16(16)                               // group internal node K
	b.u32(0)                                // consistency flags
	b.u64(0)                                // base address
	b.u64(undefAddr)                        // free-space info
	b.u64(eof)
	b.u64(undefAddr) // driver info
	// The root group's symbol table entry, with its B-tree and heap cached.
	b.u64(0)
	b.u64(rootHeader)
	b.u32(1)
	b.u32(0)
	b.u64(rootBTree)
	b.u64(rootHeap)
	return b.Bytes()
}

// objectHeader writes a version 1 object header holding the messages.
func (e *h5enc) objectHeader(msgs []message) uint64 {
	var body h5buf
	for _, m := range msgs {
		body.u16(m.kind)
		size := (len(m.data) + 7) / 8 * 8
		body.u16(uint16(size))
		body.u8(m.flags)
		body.Write([]byte{0, 0, 0})
		body.Write(m.data)
		for range size - len(m.data) {
			body.WriteByte(0)
		}
	}
	var h h5buf
	h.u8(1)
	h.u8(0)
	h.u16(uint16(len(msgs)))
	h.u32(1)
	h.u32(uint32(body.Len()))
	h.u32(0) // padding to 8
	h.Write(body.Bytes())
	return e.alloc(h.Bytes())
}

// groupHeader writes a group's object header: its symbol table and any other messages
// (attributes) it keeps.
func (e *h5enc) groupHeader(btree, heap uint64, others []message) uint64 {
	var st h5buf
	st.u64(btree)
	st.u64(heap)
	return e.objectHeader(append([]message{{kind: 0x11, data: st.Bytes()}}, others...))
}

// symbolTable writes a group's links in the classic style: a local heap of their names
// (and soft links' paths), symbol table nodes of up to 2*leafK links in name order, and a
// group B-tree over the nodes. Every node is written at the full size the file's K values
// give, as the HDF5 library reads and later fills them.
func (e *h5enc) symbolTable(links []link, leafK, internalK int) (btree, heap uint64, err error) {
	links = slices.Clone(links)
	slices.SortFunc(links, func(a, b link) int { return strings.Compare(a.name, b.name) })
	var names h5buf
	names.WriteByte(0) // offset 0: the empty name, the B-tree's first key
	names.pad8()
	put := func(s string) uint64 {
		off := uint64(names.Len())
		names.WriteString(s)
		names.WriteByte(0)
		names.pad8()
		return off
	}
	nameOffs := make([]uint64, len(links))
	valueOffs := make([]uint64, len(links))
	for i, l := range links {
		if l.file != "" {
			return 0, 0, fmt.Errorf("external link %q cannot be kept in a group of the classic style", l.name)
		}
		nameOffs[i] = put(l.name)
		if l.soft != "" {
			valueOffs[i] = put(l.soft)
		}
	}
	dataAddr := e.alloc(names.Bytes())
	var hp h5buf
	hp.WriteString("HEAP")
	hp.Write([]byte{0, 0, 0, 0})
	hp.u64(uint64(names.Len()))
	hp.u64(1) // no free block: HDF5 marks the end of the free list with offset 1
	hp.u64(dataAddr)
	heap = e.alloc(hp.Bytes())
	per := 2 * leafK
	var nodes []btreeEntry
	for i := 0; i < len(links); i += per {
		part := links[i:min(i+per, len(links))]
		var sn h5buf
		sn.WriteString("SNOD")
		sn.Write([]byte{1, 0})
		sn.u16(uint16(len(part)))
		for k, l := range part {
			sn.u64(nameOffs[i+k])
			if l.soft != "" { // cache type 2: the link's path is in the heap
				sn.u64(undefAddr)
				sn.u32(2)
				sn.u32(0)
				sn.u32(uint32(valueOffs[i+k]))
				sn.Write(make([]byte, 12))
				continue
			}
			sn.u64(l.addr)
			sn.u32(0)
			sn.u32(0)
			sn.Write(make([]byte, 16))
		}
		sn.Write(make([]byte, (per-len(part))*40))
		left := uint64(0) // the node holds names after the previous node's last
		if len(nodes) > 0 {
			left = binary.LittleEndian.Uint64(nodes[len(nodes)-1].right)
		}
		nodes = append(nodes, btreeEntry{u64Key(left), u64Key(nameOffs[i+len(part)-1]), e.alloc(sn.Bytes())})
	}
	if len(nodes) == 0 { // an empty group still has a (leaf) B-tree node
		return e.emptyBTree(0, internalK, 8), heap, nil
	}
	return e.btree(0, internalK, 8, nodes), heap, nil
}

func u64Key(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

// btreeEntry is a child of a version 1 B-tree node with the keys on either side of it: a
// chunk's coordinates and those of the next, or the last name of the previous group node
// and its own last name.
type btreeEntry struct {
	left, right []byte
	addr        uint64
}

// btree writes a version 1 B-tree (kind 0 for groups, 1 for chunks) over children in
// order, bottom-up, nodes of up to 2*k children each, with their sibling addresses (which
// older HDF5 libraries follow when they iterate) and returns the root's address.
func (e *h5enc) btree(kind uint8, k, keySize int, level []btreeEntry) uint64 {
	nodeSize := 24 + (2*k+1)*keySize + 2*k*8
	for depth := 0; ; depth++ {
		count := (len(level) + 2*k - 1) / (2 * k)
		first := e.base + uint64(e.buf.Len()) // nodeSize is a multiple of 8: nodes lie back to back
		var up []btreeEntry
		for j := range count {
			group := level[j*2*k : min((j+1)*2*k, len(level))]
			var n h5buf
			n.WriteString("TREE")
			n.u8(kind)
			n.u8(uint8(depth))
			n.u16(uint16(len(group)))
			sibling := func(i int) uint64 {
				if i < 0 || i >= count {
					return undefAddr
				}
				return first + uint64(i*nodeSize)
			}
			n.u64(sibling(j - 1))
			n.u64(sibling(j + 1))
			for _, g := range group {
				n.Write(g.left)
				n.u64(g.addr)
			}
			n.Write(group[len(group)-1].right)
			n.Write(make([]byte, nodeSize-n.Len()))
			up = append(up, btreeEntry{group[0].left, group[len(group)-1].right, e.alloc(n.Bytes())})
		}
		if len(up) == 1 {
			return up[0].addr
		}
		level = up
	}
}

// emptyBTree writes a B-tree leaf with no children.
func (e *h5enc) emptyBTree(kind uint8, k, keySize int) uint64 {
	var n h5buf
	n.WriteString("TREE")
	n.u8(kind)
	n.u8(0)
	n.u16(0)
	n.u64(undefAddr)
	n.u64(undefAddr)
	n.Write(make([]byte, (2*k+1)*keySize+2*k*8))
	return e.alloc(n.Bytes())
}

// filterPipeline encodes a filter pipeline message (version 1), each filter optional as
// h5py marks them.
func filterPipeline(filters []Filter) []byte {
	var fp h5buf
	fp.u8(1)
	fp.u8(uint8(len(filters)))
	fp.Write(make([]byte, 6))
	for _, f := range filters {
		fp.u16(f.ID)
		fp.u16(0) // no name
		fp.u16(1) // optional
		fp.u16(uint16(len(f.Params)))
		for _, p := range f.Params {
			fp.u32(p)
		}
		if len(f.Params)%2 == 1 {
			fp.u32(0) // pad to an even count of values
		}
	}
	return fp.Bytes()
}

// paddedName is a name, null-terminated, padded with zeros to a multiple of 8 bytes.
func paddedName(name string) []byte {
	b := make([]byte, (len(name)+8)/8*8)
	copy(b, name)
	return b
}

// h5datatype encodes a dtype as a version 1 datatype message, as the HDF5 library does for
// the native little-endian types (h5py's conventions for bool and complex).
func h5datatype(dt nd.DType) ([]byte, error) {
	var b h5buf
	switch {
	case dt.IsInteger():
		b.u8(0x10) // version 1, class 0
		flags := uint8(0)
		if dt.Kind() == 'i' {
			flags = 0x08
		}
		b.Write([]byte{flags, 0, 0})
		b.u32(uint32(dt.Size()))
		b.u16(0)
		b.u16(uint16(8 * dt.Size()))
	case dt.IsFloat():
		// IEEE 754 layout: sign bit at the top, then exponent, then mantissa.
		bits, expBits, bias := 64, 11, 1023
		if dt == nd.Float32 {
			bits, expBits, bias = 32, 8, 127
		}
		mantBits := bits - 1 - expBits
		b.u8(0x11)
		b.Write([]byte{0x20, byte(bits - 1), 0}) // flags (sign location), reserved
		b.u32(uint32(bits / 8))
		b.u16(0) // bit offset
		b.u16(uint16(bits))
		b.Write([]byte{byte(mantBits), byte(expBits), 0, byte(mantBits)}) // exponent location, size; mantissa location, size
		b.u32(uint32(bias))
	case dt.IsComplex():
		part := nd.Float32
		if dt == nd.Complex128 {
			part = nd.Float64
		}
		inner, _ := h5datatype(part)
		b.u8(0x16) // version 1, class 6 (compound)
		b.Write([]byte{2, 0, 0})
		b.u32(uint32(dt.Size()))
		for i, name := range []string{"r", "i"} {
			b.Write(paddedName(name)) // the name, null-terminated, padded to 8 bytes of its own
			b.u32(uint32(i * part.Size()))
			b.Write(make([]byte, 28))
			b.Write(inner)
		}
	case dt == nd.Bool:
		base, _ := h5datatype(nd.Int8)
		b.u8(0x18) // version 1, class 8 (enumeration)
		b.Write([]byte{2, 0, 0})
		b.u32(1)
		b.Write(base)
		for _, name := range []string{"FALSE", "TRUE"} {
			b.Write(paddedName(name))
		}
		b.Write([]byte{0, 1})
	default:
		return nil, fmt.Errorf("dtype %v cannot be written to HDF5", dt)
	}
	return b.Bytes(), nil
}
