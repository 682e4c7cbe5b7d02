package graph

import (
	"fmt"
	"math"

	"github.com/darray-go/darray/nd"
)

// Chunks gives, per axis, the lengths of the blocks an array is cut into. Every axis has at
// least one block, even an axis of length zero (one block of length zero).
type Chunks [][]int

// DefaultChunkBytes is the target size of a block when chunks are chosen automatically,
// as dask's array.chunk-size.
const DefaultChunkBytes = 128 << 20

// RegularChunks cuts each axis of shape into blocks of size[i] (the last block shorter).
func RegularChunks(shape, size []int) (Chunks, error) {
	if len(size) != len(shape) {
		return nil, fmt.Errorf("chunks %v do not match shape %s", size, nd.ShapeString(shape))
	}
	c := make(Chunks, len(shape))
	for d, n := range shape {
		s := size[d]
		if s <= 0 || s > n && n > 0 {
			s = max(n, 1)
		}
		if n == 0 {
			c[d] = []int{0}
			continue
		}
		for lo := 0; lo < n; lo += s {
			c[d] = append(c[d], min(s, n-lo))
		}
	}
	return c, nil
}

// AutoChunks picks near-square blocks of about targetBytes (DefaultChunkBytes when 0), as
// dask's "auto": every axis gets the same block length unless it is shorter than that.
func AutoChunks(shape []int, dt nd.DType, targetBytes int) Chunks {
	if targetBytes <= 0 {
		targetBytes = DefaultChunkBytes
	}
	elems := max(1, targetBytes/max(dt.Size(), 1))
	size := make([]int, len(shape))
	free := len(shape)
	for i := range size {
		size[i] = -1
	}
	// Axes shorter than the even share keep their whole length; the rest share what is left.
	for changed := true; changed && free > 0; {
		changed = false
		side := int(math.Pow(float64(elems), 1/float64(free)))
		for d, n := range shape {
			if size[d] < 0 && n <= side {
				size[d] = max(n, 1)
				elems = max(1, elems/max(n, 1))
				free--
				changed = true
			}
		}
	}
	if free > 0 {
		side := max(1, int(math.Pow(float64(elems), 1/float64(free))))
		for d := range size {
			if size[d] < 0 {
				size[d] = side
			}
		}
	}
	c, _ := RegularChunks(shape, size)
	return c
}

// Validate checks that the chunks cover shape exactly.
func (c Chunks) Validate(shape []int) error {
	if len(c) != len(shape) {
		return fmt.Errorf("chunks for %d axes given for shape %s", len(c), nd.ShapeString(shape))
	}
	for d, sizes := range c {
		sum := 0
		for _, s := range sizes {
			if s < 0 {
				return fmt.Errorf("negative chunk length %d on axis %d", s, d)
			}
			sum += s
		}
		if sum != shape[d] || len(sizes) == 0 {
			return fmt.Errorf("chunks %v on axis %d add up to %d, not the axis length %d", sizes, d, sum, shape[d])
		}
	}
	return nil
}

// NumBlocks is the number of blocks along each axis.
func (c Chunks) NumBlocks() []int {
	n := make([]int, len(c))
	for d, s := range c {
		n[d] = len(s)
	}
	return n
}

// TotalBlocks is the number of blocks of the whole array.
func (c Chunks) TotalBlocks() int {
	n := 1
	for _, s := range c {
		n *= len(s)
	}
	return n
}

// Offsets returns, per axis, the start of each block (one more entry: the axis length).
func (c Chunks) Offsets() [][]int {
	out := make([][]int, len(c))
	for d, sizes := range c {
		o := make([]int, len(sizes)+1)
		for i, s := range sizes {
			o[i+1] = o[i] + s
		}
		out[d] = o
	}
	return out
}

// BlockShape is the shape of the block at index b.
func (c Chunks) BlockShape(b []int) []int {
	s := make([]int, len(c))
	for d := range c {
		s[d] = c[d][b[d]]
	}
	return s
}

// Equal reports whether two chunkings are the same.
func (c Chunks) Equal(o Chunks) bool {
	if len(c) != len(o) {
		return false
	}
	for d := range c {
		if len(c[d]) != len(o[d]) {
			return false
		}
		for i := range c[d] {
			if c[d][i] != o[d][i] {
				return false
			}
		}
	}
	return true
}

// MaxBlockBytes is the size of the largest block for elements of dt.
func (c Chunks) MaxBlockBytes(dt nd.DType) int64 {
	n := int64(dt.Size())
	for _, sizes := range c {
		m := 0
		for _, s := range sizes {
			m = max(m, s)
		}
		n *= int64(m)
	}
	return n
}

// Refine returns the common refinement of several chunkings of one axis: every boundary
// of any of them is a boundary of the result (dask's unify_chunks).
func Refine(axes ...[]int) []int {
	bounds := map[int]bool{}
	total := 0
	for _, sizes := range axes {
		pos := 0
		for _, s := range sizes {
			pos += s
			bounds[pos] = true
		}
		total = pos
	}
	var out []int
	last := 0
	for pos := 1; pos <= total; pos++ {
		if bounds[pos] {
			out = append(out, pos-last)
			last = pos
		}
	}
	if out == nil {
		out = []int{0}
	}
	return out
}

// ForEachBlock calls fn with every block index of a grid, in C order. fn must not keep b.
func ForEachBlock(grid []int, fn func(b []int)) {
	total := 1
	for _, n := range grid {
		total *= n
	}
	b := make([]int, len(grid))
	for range total {
		fn(b)
		for d := len(grid) - 1; d >= 0; d-- {
			b[d]++
			if b[d] < grid[d] {
				break
			}
			b[d] = 0
		}
	}
}
