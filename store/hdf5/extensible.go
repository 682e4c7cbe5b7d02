package hdf5

import "math"

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
