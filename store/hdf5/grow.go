package hdf5

import (
	"math"
	"math/bits"
)

// The structures HDF5 1.10 writes under libver="latest" for things that grow: extensible
// arrays (the chunk index of datasets with one unlimited dimension), version 2 B-trees (the
// chunk index of datasets with several, and the name index of dense groups and attribute
// lists) and fractal heaps (where dense groups keep their link messages and dense attribute
// lists their attribute messages). All of them are read once, when an index or a group is
// opened; none is on the path of reading chunk data.

// undefAddr is HDF5's "no address", in 8-byte files and (after reader.addr) 4-byte ones.
const undefAddr = math.MaxUint64

// log2 is floor(log2(n)) for n > 0, and 0 for 0.
func log2(n uint64) int {
	if n == 0 {
		return 0
	}
	return bits.Len64(n) - 1
}

// encSize is how many bytes HDF5 gives a count that can reach n.
func encSize(n uint64) int { return log2(n)/8 + 1 }

// btree2 is an open version 2 B-tree.
type btree2 struct {
	h        *File
	typ      uint8
	recSize  int
	nodeSize int
	depth    int
	root     uint64
	rootRecs int
	total    uint64
	// Per depth: the most records a node holds, and how wide an internal node's count of
	// the records below one child is.
	maxRecs   []int
	totalSize []int
	countSize int
}

// openBTree2 reads a version 2 B-tree header ("BTHD").
func (h *File) openBTree2(addr uint64, what string) (*btree2, error) {
	b, err := h.read(addr, 16+h.offsetSz+2+h.lengthSz+4)
	if err != nil {
		return nil, err
	}
	if string(b[:4]) != "BTHD" || b[4] != 0 {
		return nil, h5err(h.Path, "%s: bad version 2 B-tree header at %d", what, addr)
	}
	r := reader{b: b[5:], off: h.offsetSz, len: h.lengthSz}
	t := &btree2{h: h, typ: r.u8(), nodeSize: int(r.u32()), recSize: int(r.u16()), depth: int(r.u16())}
	r.u8() // split and merge percentages: only writers need them
	r.u8()
	t.root, t.rootRecs, t.total = r.addr(), int(r.u16()), r.length()
	if t.recSize == 0 || t.nodeSize < 10+t.recSize || t.nodeSize > 1<<24 || t.depth > 32 {
		return nil, h5err(h.Path, "%s: implausible version 2 B-tree (node size %d, record size %d, depth %d)", what, t.nodeSize, t.recSize, t.depth)
	}
	const prefix = 10 // signature, version, type and checksum
	t.maxRecs = make([]int, t.depth+1)
	t.totalSize = make([]int, t.depth+1)
	cum := make([]uint64, t.depth+1)
	t.maxRecs[0] = (t.nodeSize - prefix) / t.recSize
	cum[0] = uint64(t.maxRecs[0])
	t.countSize = encSize(uint64(t.maxRecs[0]))
	for d := 1; d <= t.depth; d++ {
		ptr := h.offsetSz + t.countSize
		if d > 1 {
			ptr += t.totalSize[d-1]
		}
		t.maxRecs[d] = (t.nodeSize - prefix - ptr) / (t.recSize + ptr)
		if t.maxRecs[d] <= 0 {
			return nil, h5err(h.Path, "%s: version 2 B-tree nodes of %d bytes hold no records", what, t.nodeSize)
		}
		cum[d] = (uint64(t.maxRecs[d])+1)*cum[d-1] + uint64(t.maxRecs[d])
		t.totalSize[d] = encSize(cum[d])
	}
	return t, nil
}

// each calls visit with every record, in key order.
func (t *btree2) each(visit func(rec []byte) error) error {
	if t.root == undefAddr || t.rootRecs == 0 {
		return nil
	}
	budget := t.total + 1 // nodes to read at most: a cycle in a corrupt file ends here
	var walk func(addr uint64, depth, n int) error
	walk = func(addr uint64, depth, n int) error {
		if budget == 0 {
			return h5err(t.h.Path, "version 2 B-tree has more nodes than records")
		}
		budget--
		if n > t.maxRecs[depth] {
			return h5err(t.h.Path, "version 2 B-tree node at %d claims %d records (at most %d)", addr, n, t.maxRecs[depth])
		}
		b, err := t.h.read(addr, t.nodeSize)
		if err != nil {
			return err
		}
		sig := "BTLF"
		if depth > 0 {
			sig = "BTIN"
		}
		if string(b[:4]) != sig || b[5] != t.typ {
			return h5err(t.h.Path, "bad version 2 B-tree node at %d", addr)
		}
		recs := b[6 : 6+n*t.recSize]
		if depth == 0 {
			for i := range n {
				if err := visit(recs[i*t.recSize : (i+1)*t.recSize]); err != nil {
					return err
				}
			}
			return nil
		}
		r := reader{b: b[6+n*t.recSize:], off: t.h.offsetSz, len: t.h.lengthSz}
		for i := 0; i <= n; i++ {
			child := r.addr()
			childN := int(r.uint(t.countSize))
			if depth > 1 {
				r.uint(t.totalSize[depth-1])
			}
			if r.bad {
				return h5err(t.h.Path, "truncated version 2 B-tree node at %d", addr)
			}
			if err := walk(child, depth-1, childN); err != nil {
				return err
			}
			if i < n {
				if err := visit(recs[i*t.recSize : (i+1)*t.recSize]); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(t.root, t.depth, t.rootRecs)
}

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

// unlimitedAxis is the one axis of a dataset that can grow without bound, as extensible
// array indexes need.
func (d *Dataset) unlimitedAxis() (int, error) {
	axis := -1
	for k, m := range d.maxShape {
		if m == math.MaxUint64 {
			if axis >= 0 {
				return 0, h5err(d.File, "dataset %s: an extensible array index for more than one unlimited axis", d.Name)
			}
			axis = k
		}
	}
	if axis < 0 {
		return 0, h5err(d.File, "dataset %s: an extensible array index without an unlimited axis", d.Name)
	}
	return axis, nil
}

// loadExtensibleArray reads an extensible array index. Its elements are chunk entries in C
// order over the chunk grid of the dataset's maximum shape, with the unlimited axis moved
// first (so that growing it appends). The array keeps its first elements in an index
// block, the rest in data blocks that double in size every other super block; the data
// block addresses of the first super blocks are in the index block, the others in
// secondary blocks. Data blocks larger than a page are split into checksummed pages.
func (d *Dataset) loadExtensibleArray(h *File, grid []int, chunkBytes uint64) error {
	unlimited, err := d.unlimitedAxis()
	if err != nil {
		return err
	}
	// The element order: axes with the unlimited one first, and the grid of maximum shape.
	order := []int{unlimited}
	maxGrid := make([]uint64, len(grid))
	bound := uint64(grid[unlimited]) // elements that can fall inside the current shape
	for k := range grid {
		if k == unlimited {
			continue
		}
		order = append(order, k)
		maxGrid[k] = (d.maxShape[k] + uint64(d.Chunks[k]) - 1) / uint64(d.Chunks[k])
		if maxGrid[k] > 1<<40 || bound > 0 && maxGrid[k] > math.MaxUint64/bound {
			return h5err(d.File, "dataset %s: implausible maximum shape %v", d.Name, d.maxShape)
		}
		bound *= maxGrid[k]
	}
	place := func(idx uint64, entry []byte) error {
		if idx >= bound {
			return nil
		}
		c := make([]int, len(grid))
		for j := len(order) - 1; j > 0; j-- {
			k := order[j]
			c[k] = int(idx % maxGrid[k])
			idx /= maxGrid[k]
		}
		c[unlimited] = int(idx)
		for k := range c {
			if c[k] >= grid[k] {
				return nil // a chunk beyond the current shape (the dataset shrank)
			}
		}
		ref, ok, err := d.chunkEntry(entry, chunkBytes)
		if ok {
			d.index[chunkKey(c)] = ref
		}
		return err
	}
	ea, err := h.openExtensibleArray(d.addr, d.Name)
	if err != nil {
		return err
	}
	return ea.each(min(bound, ea.maxIndexSet), place)
}

// extensibleArray is an open extensible array header ("EAHD").
type extensibleArray struct {
	h                *File
	what             string
	filtered         bool
	elemSize         int
	indexElems       uint64
	pageElems        uint64
	offSize          int // bytes of a block's offset in the array
	maxIndexSet      uint64
	indexBlock       uint64
	superBlocks      []eaSuperBlock
	indexSuperBlocks int // super blocks whose data block addresses are in the index block
	indexDataBlocks  int
}

// eaSuperBlock describes one super block: its data blocks, their size, and the index of
// its first element (counted after the index block's elements).
type eaSuperBlock struct {
	dataBlocks, blockElems, start uint64
	firstBlock                    int
}

func (h *File) openExtensibleArray(addr uint64, what string) (*extensibleArray, error) {
	b, err := h.read(addr, 12+6*h.lengthSz+h.offsetSz+4)
	if err != nil {
		return nil, err
	}
	if string(b[:4]) != "EAHD" || b[4] != 0 {
		return nil, h5err(h.Path, "dataset %s: bad extensible array header at %d", what, addr)
	}
	ea := &extensibleArray{h: h, what: what, filtered: b[5] == 1, elemSize: int(b[6])}
	maxBits, indexElems, minDataElems, minSuperPtrs, pageBits := int(b[7]), uint64(b[8]), uint64(b[9]), uint64(b[10]), uint(b[11])
	r := reader{b: b[12:], off: h.offsetSz, len: h.lengthSz}
	for range 4 {
		r.length() // counts and sizes of super and data blocks
	}
	ea.maxIndexSet = r.length()
	r.length() // elements realized
	ea.indexBlock = r.addr()
	isPow2 := func(n uint64) bool { return n > 0 && n&(n-1) == 0 }
	if ea.elemSize < h.offsetSz || maxBits == 0 || maxBits > 64 || !isPow2(minDataElems) || !isPow2(minSuperPtrs) ||
		log2(minDataElems) > maxBits || pageBits > 32 || 2*log2(minSuperPtrs) > 1+maxBits-log2(minDataElems) {
		return nil, h5err(h.Path, "dataset %s: implausible extensible array header", what)
	}
	ea.indexElems = indexElems
	ea.pageElems = 1 << pageBits
	ea.offSize = (maxBits + 7) / 8
	var start uint64
	first := 0
	for u := range 1 + maxBits - log2(minDataElems) {
		sb := eaSuperBlock{dataBlocks: 1 << (u / 2), blockElems: minDataElems << ((u + 1) / 2), start: start, firstBlock: first}
		ea.superBlocks = append(ea.superBlocks, sb)
		start += sb.dataBlocks * sb.blockElems
		first += int(sb.dataBlocks)
	}
	ea.indexSuperBlocks = 2 * log2(minSuperPtrs)
	ea.indexDataBlocks = 2 * int(minSuperPtrs-1)
	return ea, nil
}

// each calls visit with the index and bytes of every stored element below n.
func (ea *extensibleArray) each(n uint64, visit func(idx uint64, entry []byte) error) error {
	h := ea.h
	if ea.indexBlock == undefAddr || n == 0 {
		return nil
	}
	superAddrs := len(ea.superBlocks) - ea.indexSuperBlocks
	prefix := 6 + h.offsetSz
	ib, err := h.read(ea.indexBlock, prefix+int(ea.indexElems)*ea.elemSize+(ea.indexDataBlocks+superAddrs)*h.offsetSz)
	if err != nil {
		return err
	}
	if string(ib[:4]) != "EAIB" {
		return h5err(h.Path, "dataset %s: bad extensible array index block", ea.what)
	}
	elems := ib[prefix:]
	for i := range min(ea.indexElems, n) {
		if err := visit(i, elems[i*uint64(ea.elemSize):(i+1)*uint64(ea.elemSize)]); err != nil {
			return err
		}
	}
	addrs := reader{b: elems[ea.indexElems*uint64(ea.elemSize):], off: h.offsetSz}
	dataAddrs := make([]uint64, ea.indexDataBlocks)
	for i := range dataAddrs {
		dataAddrs[i] = addrs.addr()
	}
	for u, sb := range ea.superBlocks {
		first := ea.indexElems + sb.start
		if first >= n {
			break
		}
		var blocks []uint64
		var pageInit []byte // nil: every page of every block is initialized
		if u < ea.indexSuperBlocks {
			if sb.firstBlock+int(sb.dataBlocks) > len(dataAddrs) {
				return h5err(h.Path, "dataset %s: extensible array geometry does not fit its index block", ea.what)
			}
			blocks = dataAddrs[sb.firstBlock : sb.firstBlock+int(sb.dataBlocks)]
		} else {
			at := addrs.addr()
			if at == undefAddr {
				continue
			}
			if blocks, pageInit, err = ea.superBlock(at, sb); err != nil {
				return err
			}
		}
		for k, at := range blocks {
			base := first + uint64(k)*sb.blockElems
			if at == undefAddr || base >= n {
				continue
			}
			if err := ea.dataBlock(at, sb, base, n, pageInit, uint64(k), visit); err != nil {
				return err
			}
		}
	}
	return nil
}

// superBlock reads a secondary block ("EASB"): the page bitmaps of its data blocks when
// they are paged, then their addresses.
func (ea *extensibleArray) superBlock(at uint64, sb eaSuperBlock) (blocks []uint64, pageInit []byte, err error) {
	h := ea.h
	prefix := 6 + h.offsetSz + ea.offSize
	bitmaps := 0
	if sb.blockElems > ea.pageElems {
		bitmaps = int(sb.dataBlocks * ((sb.blockElems/ea.pageElems + 7) / 8))
	}
	if sb.dataBlocks > 1<<20 {
		return nil, nil, h5err(h.Path, "dataset %s: extensible array super block of %d data blocks", ea.what, sb.dataBlocks)
	}
	b, err := h.read(at, prefix+bitmaps+int(sb.dataBlocks)*h.offsetSz)
	if err != nil {
		return nil, nil, err
	}
	if string(b[:4]) != "EASB" {
		return nil, nil, h5err(h.Path, "dataset %s: bad extensible array super block at %d", ea.what, at)
	}
	if bitmaps > 0 {
		pageInit = b[prefix : prefix+bitmaps]
	}
	r := reader{b: b[prefix+bitmaps:], off: h.offsetSz}
	blocks = make([]uint64, sb.dataBlocks)
	for i := range blocks {
		blocks[i] = r.addr()
	}
	return blocks, pageInit, nil
}

// dataBlock visits the elements of a data block ("EADB") whose first element is base.
// pageInit, when not nil, is its super block's bitmap of initialized pages: one bit per
// page of each data block in turn (block is this one's number), the first in a byte's
// high bit.
func (ea *extensibleArray) dataBlock(at uint64, sb eaSuperBlock, base, n uint64, pageInit []byte, block uint64, visit func(uint64, []byte) error) error {
	h := ea.h
	prefix := 6 + h.offsetSz + ea.offSize
	head, err := h.read(at, prefix)
	if err != nil {
		return err
	}
	if string(head[:4]) != "EADB" {
		return h5err(h.Path, "dataset %s: bad extensible array data block at %d", ea.what, at)
	}
	size := uint64(ea.elemSize)
	emit := func(b []byte, first uint64) error {
		for i := uint64(0); i*size < uint64(len(b)) && first+i < n; i++ {
			if err := visit(first+i, b[i*size:(i+1)*size]); err != nil {
				return err
			}
		}
		return nil
	}
	if sb.blockElems <= ea.pageElems {
		count := min(sb.blockElems, n-base)
		b, err := h.read(at+uint64(prefix), int(count*size))
		if err != nil {
			return err
		}
		return emit(b, base)
	}
	// Paged: the prefix has its own checksum, then each page of elements ends with one.
	pageBytes := ea.pageElems*size + 4
	pages := sb.blockElems / ea.pageElems
	for p := range pages {
		first := base + p*ea.pageElems
		if first >= n {
			break
		}
		if bit := block*pages + p; pageInit != nil && pageInit[bit/8]&(0x80>>(bit%8)) == 0 {
			continue // a page never written: no chunk in it
		}
		b, err := h.read(at+uint64(prefix)+4+p*pageBytes, int(min(ea.pageElems, n-first)*size))
		if err != nil {
			return err
		}
		if err := emit(b, first); err != nil {
			return err
		}
	}
	return nil
}

// loadBTree2Chunks reads a version 2 B-tree chunk index (datasets with more than one
// unlimited axis): records of type 10 (address, chunk grid position) or 11 (address,
// stored size, filter mask, grid position).
func (d *Dataset) loadBTree2Chunks(h *File, grid []int, chunkBytes uint64) error {
	tree, err := h.openBTree2(d.addr, "dataset "+d.Name)
	if err != nil {
		return err
	}
	rank := len(grid)
	if tree.typ != 10 && tree.typ != 11 {
		return h5err(d.File, "dataset %s: chunk B-tree of record type %d", d.Name, tree.typ)
	}
	sizeBytes := tree.recSize - h.offsetSz - 8*rank
	if tree.typ == 11 {
		sizeBytes -= 4
	}
	if sizeBytes < 0 || tree.typ == 10 && sizeBytes != 0 {
		return h5err(d.File, "dataset %s: chunk B-tree records of %d bytes for rank %d", d.Name, tree.recSize, rank)
	}
	return tree.each(func(rec []byte) error {
		r := reader{b: rec, off: h.offsetSz, len: h.lengthSz}
		ref := chunkRef{addr: r.addr(), size: uint32(chunkBytes)}
		if tree.typ == 11 {
			size := r.uint(sizeBytes)
			if size > 1<<31 {
				return h5err(d.File, "dataset %s: chunk of %d bytes", d.Name, size)
			}
			ref.size, ref.mask = uint32(size), r.u32()
		}
		c := make([]int, rank)
		for k := range c {
			v := r.u64()
			if v >= uint64(grid[k]) {
				return nil // beyond the current shape
			}
			c[k] = int(v)
		}
		if ref.addr != undefAddr {
			d.index[chunkKey(c)] = ref
		}
		return nil
	})
}
