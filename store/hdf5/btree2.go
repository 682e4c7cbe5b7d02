package hdf5

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
