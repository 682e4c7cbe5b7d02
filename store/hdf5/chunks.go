package hdf5

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/store/codec"
)

type chunkRef struct {
	addr uint64
	size uint32
	mask uint32
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
