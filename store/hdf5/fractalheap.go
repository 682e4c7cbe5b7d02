package hdf5

// fractalHeap is an open fractal heap ("FRHP"): objects addressed by heap IDs.
type fractalHeap struct {
	h          *File
	idLen      int
	maxManaged uint64
	hugeTree   uint64
	width      int
	startBlock uint64
	maxDirect  uint64
	offSize    int // bytes of a heap offset
	lenSize    int // bytes of a managed object's length in its ID
	root       uint64
	rootRows   int
	checksums  bool
}

func (h *File) openHeap(addr uint64) (*fractalHeap, error) {
	b, err := h.read(addr, 22+12*h.lengthSz+3*h.offsetSz+4)
	if err != nil {
		return nil, err
	}
	if string(b[:4]) != "FRHP" || b[4] != 0 {
		return nil, h5err(h.Path, "bad fractal heap header at %d", addr)
	}
	r := reader{b: b[5:], off: h.offsetSz, len: h.lengthSz}
	f := &fractalHeap{h: h, idLen: int(r.u16())}
	filterLen := r.u16()
	flags := r.u8()
	f.maxManaged = uint64(r.u32())
	r.length() // next huge object ID
	f.hugeTree = r.addr()
	r.length() // free space
	r.addr()   // free-space manager
	for range 8 {
		r.length() // managed space, allocated space, iterator offset, object counts and sizes
	}
	f.width = int(r.u16())
	f.startBlock, f.maxDirect = r.length(), r.length()
	maxHeapBits := int(r.u16())
	r.u16() // starting rows of the root indirect block
	f.root, f.rootRows = r.addr(), int(r.u16())
	if filterLen != 0 {
		return nil, h5err(h.Path, "fractal heap at %d is filtered, which is not supported", addr)
	}
	if f.width == 0 || f.startBlock == 0 || f.startBlock&(f.startBlock-1) != 0 || f.maxDirect < f.startBlock ||
		f.maxDirect&(f.maxDirect-1) != 0 || maxHeapBits == 0 || maxHeapBits > 64 || f.rootRows > 64 || f.idLen < 2 {
		return nil, h5err(h.Path, "implausible fractal heap at %d", addr)
	}
	f.checksums = flags&2 != 0
	f.offSize = (maxHeapBits + 7) / 8
	f.lenSize = min((log2(f.maxDirect)+7)/8, encSize(f.maxManaged))
	return f, nil
}

// object returns the bytes a heap ID names.
func (f *fractalHeap) object(id []byte) ([]byte, error) {
	if len(id) != f.idLen {
		return nil, h5err(f.h.Path, "heap ID of %d bytes, want %d", len(id), f.idLen)
	}
	r := reader{b: id[1:], off: f.h.offsetSz, len: f.h.lengthSz}
	switch id[0] >> 4 & 3 {
	case 0: // managed: an offset into the heap's address space and a length
		off, n := r.uint(f.offSize), r.uint(f.lenSize)
		if r.bad || n > f.maxDirect {
			return nil, h5err(f.h.Path, "bad managed heap ID")
		}
		return f.managed(off, int(n))
	case 1: // huge: stored outside the heap, found through a B-tree
		return f.huge(id[1:])
	case 2: // tiny: the object is in the ID itself
		n := int(id[0]&0x0F) + 1
		if 1+n > len(id) {
			return nil, h5err(f.h.Path, "bad tiny heap ID")
		}
		return id[1 : 1+n], nil
	}
	return nil, h5err(f.h.Path, "unknown heap ID type %d", id[0]>>4&3)
}

// rowSize is the block size of a row of the doubling table: two rows of the starting size,
// then doubling.
func (f *fractalHeap) rowSize(row int) uint64 {
	if row == 0 {
		return f.startBlock
	}
	return f.startBlock << (row - 1)
}

func (f *fractalHeap) managed(off uint64, n int) ([]byte, error) {
	if f.root == undefAddr {
		return nil, h5err(f.h.Path, "empty fractal heap")
	}
	if f.rootRows == 0 { // the root is a single direct block
		if off+uint64(n) > f.startBlock {
			return nil, h5err(f.h.Path, "heap object at %d past its block", off)
		}
		return f.h.read(f.root+off, n)
	}
	return f.fromIndirect(f.root, f.rootRows, off, n, 0)
}

// fromIndirect finds an object at offset pos within the span of an indirect block of rows
// rows: direct blocks in its first rows, indirect blocks after them.
func (f *fractalHeap) fromIndirect(addr uint64, rows int, pos uint64, n, depth int) ([]byte, error) {
	if depth > 16 || rows > 64 {
		return nil, h5err(f.h.Path, "fractal heap too deep")
	}
	directRows := log2(f.maxDirect) - log2(f.startBlock) + 2
	for row := range rows {
		size := f.rowSize(row)
		span := size * uint64(f.width)
		if pos >= span {
			pos -= span
			continue
		}
		entry := row*f.width + int(pos/size)
		within := pos % size
		prefix := 5 + f.h.offsetSz + f.offSize
		b, err := f.h.read(addr, prefix+(entry+1)*f.h.offsetSz)
		if err != nil {
			return nil, err
		}
		if string(b[:4]) != "FHIB" {
			return nil, h5err(f.h.Path, "bad fractal heap indirect block at %d", addr)
		}
		r := reader{b: b[prefix+entry*f.h.offsetSz:], off: f.h.offsetSz}
		child := r.addr()
		if child == undefAddr || child == 0 {
			return nil, h5err(f.h.Path, "heap object at an unallocated block")
		}
		if row < directRows {
			if within+uint64(n) > size {
				return nil, h5err(f.h.Path, "heap object past its block")
			}
			return f.h.read(child+within, n)
		}
		childRows := log2(size) - log2(f.startBlock*uint64(f.width)) + 1
		return f.fromIndirect(child, childRows, within, n, depth+1)
	}
	return nil, h5err(f.h.Path, "heap offset outside the heap")
}

// huge reads an object stored outside the heap: by address and length in the ID when
// the ID is wide enough, else through the heap's B-tree of huge objects (type 1 records:
// address, length, ID).
func (f *fractalHeap) huge(rest []byte) ([]byte, error) {
	r := reader{b: rest, off: f.h.offsetSz, len: f.h.lengthSz}
	if len(rest) >= f.h.offsetSz+f.h.lengthSz {
		addr, n := r.addr(), r.length()
		if n > 1<<26 {
			return nil, h5err(f.h.Path, "huge heap object of %d bytes", n)
		}
		return f.h.read(addr, int(n))
	}
	want := r.uint(min(len(rest), 8))
	tree, err := f.h.openBTree2(f.hugeTree, "huge heap objects")
	if err != nil {
		return nil, err
	}
	if tree.typ != 1 {
		return nil, h5err(f.h.Path, "huge heap objects in a B-tree of type %d (filtered), which is not supported", tree.typ)
	}
	var out []byte
	errFound := h5err(f.h.Path, "found")
	err = tree.each(func(rec []byte) error {
		rr := reader{b: rec, off: f.h.offsetSz, len: f.h.lengthSz}
		addr, n, id := rr.addr(), rr.length(), rr.length()
		if id != want {
			return nil
		}
		if n > 1<<26 {
			return h5err(f.h.Path, "huge heap object of %d bytes", n)
		}
		var err error
		if out, err = f.h.read(addr, int(n)); err != nil {
			return err
		}
		return errFound
	})
	if err == errFound {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	return nil, h5err(f.h.Path, "huge heap object %d not found", want)
}

// denseMessages returns the messages (links or attributes) of a dense group or attribute
// list: the heap objects its name-index B-tree points to.
func (h *File) denseMessages(heapAddr, nameIndex uint64, what string) ([][]byte, error) {
	heap, err := h.openHeap(heapAddr)
	if err != nil {
		return nil, err
	}
	tree, err := h.openBTree2(nameIndex, what)
	if err != nil {
		return nil, err
	}
	var idAt int
	switch tree.typ {
	case 5: // link names: hash, heap ID
		idAt = 4
	case 8: // attribute names: heap ID, flags, creation order, hash
		idAt = 0
	default:
		return nil, h5err(h.Path, "%s: name index is a B-tree of type %d", what, tree.typ)
	}
	if idAt+heap.idLen > tree.recSize {
		return nil, h5err(h.Path, "%s: heap IDs of %d bytes do not fit records of %d", what, heap.idLen, tree.recSize)
	}
	var out [][]byte
	err = tree.each(func(rec []byte) error {
		if tree.typ == 8 && rec[heap.idLen]&1 != 0 {
			return nil // a shared attribute message: kept elsewhere, not followed
		}
		obj, err := heap.object(rec[idAt : idAt+heap.idLen])
		if err != nil {
			return err
		}
		out = append(out, obj)
		return nil
	})
	return out, err
}

// denseInfo reads a link info or attribute info message: the fractal heap and name index
// of dense storage (undefAddr when the object keeps them compactly). countBytes is the
// width of the optional maximum creation index (8 for links, 2 for attributes).
func (h *File) denseInfo(data []byte, countBytes int) (heap, names uint64) {
	r := reader{b: data, off: h.offsetSz, len: h.lengthSz}
	r.u8() // version
	if r.u8()&1 != 0 {
		r.take(countBytes)
	}
	heap, names = r.addr(), r.addr()
	if r.bad {
		return undefAddr, undefAddr
	}
	return heap, names
}
