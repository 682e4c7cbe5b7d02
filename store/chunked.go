package store

import (
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
)

// Helpers of the chunked formats (Zarr, HDF5): reading a window of an array stored in
// chunks, and padding a block to a whole chunk for writing.

// ReadChunked assembles a window of an array stored in chunks of the given shape: each
// chunk the window touches is decoded once by readChunk and the window's part copied out.
func ReadChunked(w graph.Window, shape, chunks []int, dt nd.DType, readChunk func(c []int) (*nd.Array, error)) (*nd.Array, error) {
	return ReadChunkedRows(w, shape, chunks, dt, readChunk, nil)
}

// ReadChunkedRows is readChunked for formats that can also read a run of rows (along the
// first axis) of a chunk on its own: a window that needs only some of a chunk's rows reads
// only those.
func ReadChunkedRows(w graph.Window, shape, chunks []int, dt nd.DType, readChunk func(c []int) (*nd.Array, error), readRows func(c []int, r0, r1 int) (*nd.Array, error)) (*nd.Array, error) {
	n := len(shape)
	if c, ok := wholeChunk(w, shape, chunks); ok { // the usual case: a block is a chunk
		a, err := readChunk(c)
		if err != nil {
			return nil, err
		}
		return a.Transpose(w.Perm...)
	}
	out, err := nd.New(dt, w.Count...)
	if err != nil || out.Size() == 0 {
		return EmptyWindow(dt, w, err)
	}
	// Per axis: the chunks the window touches and, for each, the window positions in it.
	type part struct{ chunk, j0, j1 int }
	parts := make([][]part, n)
	for d := range n {
		c := chunks[d]
		for j := 0; j < w.Count[d]; {
			p := w.Start[d] + w.Step[d]*j
			if p < 0 || p >= shape[d] {
				return nil, fmt.Errorf("window position %d is outside axis %d of length %d", p, d, shape[d])
			}
			k := p / c
			j1 := j + 1
			for j1 < w.Count[d] && (w.Start[d]+w.Step[d]*j1)/c == k {
				j1++
			}
			parts[d] = append(parts[d], part{k, j, j1})
			j = j1
		}
	}
	grid := make([]int, n)
	for d := range n {
		grid[d] = len(parts[d])
	}
	graph.ForEachBlock(grid, func(g []int) {
		if err != nil {
			return
		}
		c := make([]int, n)
		src := make([]nd.Index, n)
		dst := make([]nd.Index, n)
		var first0, stop0 int
		var rows [2]int // the chunk rows (first axis) the part touches
		for d := range n {
			pt := parts[d][g[d]]
			c[d] = pt.chunk
			first := w.Start[d] + w.Step[d]*pt.j0 - pt.chunk*chunks[d]
			last := first + w.Step[d]*(pt.j1-pt.j0-1)
			stop := last + 1
			if w.Step[d] < 0 {
				stop = last - 1
				if stop < 0 {
					stop = nd.Omit
				}
			}
			src[d] = nd.Slice(first, stop, w.Step[d])
			dst[d] = nd.Slice(pt.j0, pt.j1, 1)
			if d == 0 {
				first0, stop0 = first, stop
				rows = [2]int{min(first, last), max(first, last) + 1}
			}
		}
		var chunk, s, t *nd.Array
		if readRows != nil && n > 0 && rows[1]-rows[0] < chunks[0] {
			// Only these rows: read them, and index them from the first one read; the
			// rows' buffer is ours alone, and goes back to the pool once copied out.
			if chunk, err = readRows(c, rows[0], rows[1]); err != nil {
				return
			}
			defer chunk.Recycle()
			start, stop, step := first0-rows[0], stop0-rows[0], w.Step[0]
			if stop0 == nd.Omit || stop < 0 {
				stop = nd.Omit
			}
			src[0] = nd.Slice(start, stop, step)
		} else if chunk, err = readChunk(c); err != nil {
			return
		}
		if s, err = chunk.Index(src...); err != nil {
			return
		}
		if t, err = out.Index(dst...); err != nil {
			return
		}
		err = t.Assign(s)
	})
	if err != nil {
		return nil, err
	}
	return out.Transpose(w.Perm...)
}

// wholeChunk reports whether the window is exactly one whole chunk (not an edge chunk,
// which is stored padded), and which.
func wholeChunk(w graph.Window, shape, chunks []int) ([]int, bool) {
	c := make([]int, len(shape))
	for d := range shape {
		if w.Step[d] != 1 || w.Count[d] != chunks[d] || w.Start[d]%chunks[d] != 0 || w.Start[d]+chunks[d] > shape[d] {
			return nil, false
		}
		c[d] = w.Start[d] / chunks[d]
	}
	return c, true
}

// PadChunk returns block in a chunk-shaped array, the rest filled with fill (Zarr stores
// edge chunks whole).
func PadChunk(block *nd.Array, chunks []int, dt nd.DType, fill complex128) (*nd.Array, error) {
	if slices.Equal(block.Shape(), chunks) {
		return block, nil
	}
	full, err := nd.Full(dt, fill, chunks...)
	if err != nil {
		return nil, err
	}
	idx := make([]nd.Index, len(chunks))
	for d := range chunks {
		idx[d] = nd.Slice(0, block.Shape()[d], 1)
	}
	region, err := full.Index(idx...)
	if err != nil {
		return nil, err
	}
	if err := region.Assign(block); err != nil {
		return nil, fmt.Errorf("block of shape %s does not fit chunks %v: %w", nd.ShapeString(block.Shape()), chunks, err)
	}
	return full, nil
}

// ByteSize is the size of count elements of a given shape, or false when it overflows.
func ByteSize(elem int, shape []int) (uint64, bool) {
	n := uint64(elem)
	for _, s := range shape {
		hi, lo := bits.Mul64(n, uint64(s))
		if s < 0 || hi != 0 || lo > math.MaxInt64 {
			return 0, false
		}
		n = lo
	}
	return n, true
}
