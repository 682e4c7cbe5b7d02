package graph

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"

	"github.com/darray-go/darray/nd"
)

// Chunks gives, per axis, the lengths of the blocks an array is cut into. Every axis has at
// least one block, even an axis of length zero (one block of length zero).
type Chunks [][]int

// DefaultChunkBytes is the target size of a block when chunks are chosen automatically,
// as dask's array.chunk-size.
const DefaultChunkBytes = 128 << 20

// MaxBlocks is the most blocks one array may be cut into. Planning costs about a kilobyte
// per task, so 2^24 blocks is already a graph of some 16 GB; chunkings past it (a
// terabyte axis in chunks of one element, an 8 PB array in 128 MiB chunks) are refused
// before anything is allocated for them, with an error wrapping ErrTooManyBlocks.
const MaxBlocks = 1 << 24

// ErrTooManyBlocks is wrapped by the errors for chunkings and graphs past MaxBlocks.
var ErrTooManyBlocks = errors.New("too many blocks")

// mulBlocks multiplies block counts, saturating at math.MaxInt instead of overflowing.
func mulBlocks(a, b int) int {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > math.MaxInt {
		return math.MaxInt
	}
	return int(lo)
}

func tooManyBlocks(what string, n int) error {
	count := strconv.Itoa(n)
	if n == math.MaxInt {
		count = "more than 2^63"
	}
	return fmt.Errorf("%s makes %s blocks, more than the %d darray plans for (%w); use larger chunks",
		what, count, MaxBlocks, ErrTooManyBlocks)
}

// CheckBlocks returns an error wrapping ErrTooManyBlocks if c has more than MaxBlocks
// blocks; what names the array in the message.
func (c Chunks) CheckBlocks(what string) error {
	if n := c.TotalBlocks(); n > MaxBlocks {
		return tooManyBlocks(what, n)
	}
	return nil
}

// RegularChunks cuts each axis of shape into blocks of size[i] (the last block shorter).
// It counts the blocks before making the lists, so an absurd chunking is an error at once.
func RegularChunks(shape, size []int) (Chunks, error) {
	if len(size) != len(shape) {
		return nil, fmt.Errorf("chunks %v do not match shape %s", size, nd.ShapeString(shape))
	}
	sizes := make([]int, len(shape))
	total := 1
	for d, n := range shape {
		if n < 0 {
			return nil, fmt.Errorf("negative dimension in shape %s", nd.ShapeString(shape))
		}
		s := size[d]
		if s <= 0 || s > n && n > 0 {
			s = max(n, 1)
		}
		sizes[d] = s
		total = mulBlocks(total, max(1, n/s+min(n%s, 1)))
	}
	if total > MaxBlocks {
		return nil, tooManyBlocks(fmt.Sprintf("shape %s in chunks %v", nd.ShapeString(shape), size), total)
	}
	c := make(Chunks, len(shape))
	for d, n := range shape {
		s := sizes[d]
		if n == 0 {
			c[d] = []int{0}
			continue
		}
		c[d] = make([]int, 0, n/s+1)
		for lo := 0; lo < n; lo += s {
			c[d] = append(c[d], min(s, n-lo))
		}
	}
	return c, nil
}

// AutoChunks picks near-square blocks of about targetBytes (DefaultChunkBytes when 0), as
// dask's "auto": every axis gets the same block length unless it is shorter than that.
func AutoChunks(shape []int, dt nd.DType, targetBytes int) (Chunks, error) {
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
	return RegularChunks(shape, size)
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
			if s > shape[d] {
				return fmt.Errorf("chunk length %d on axis %d is longer than the axis (%d)", s, d, shape[d])
			}
			sum += s // cannot overflow: both are at most the axis length, and stop past it
			if sum > shape[d] {
				break
			}
		}
		if sum != shape[d] || len(sizes) == 0 {
			if sum > shape[d] || len(sizes) > 20 {
				return fmt.Errorf("the %d chunks on axis %d add up to more or less than the axis length %d", len(sizes), d, shape[d])
			}
			return fmt.Errorf("chunks %v on axis %d add up to %d, not the axis length %d", sizes, d, sum, shape[d])
		}
	}
	return c.CheckBlocks(fmt.Sprintf("chunking of shape %s", nd.ShapeString(shape)))
}

// NumBlocks is the number of blocks along each axis.
func (c Chunks) NumBlocks() []int {
	n := make([]int, len(c))
	for d, s := range c {
		n[d] = len(s)
	}
	return n
}

// TotalBlocks is the number of blocks of the whole array, math.MaxInt if that overflows.
func (c Chunks) TotalBlocks() int {
	n := 1
	for _, s := range c {
		n = mulBlocks(n, len(s))
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
// of any of them is a boundary of the result (dask's unify_chunks). It merges the sorted
// boundary lists, so it costs the number of blocks, not the axis length.
func Refine(axes ...[]int) []int {
	if len(axes) == 0 {
		return []int{0}
	}
	same, n := true, 0
	for _, sizes := range axes {
		same = same && slices.Equal(sizes, axes[0])
		n += len(sizes)
	}
	if same && len(axes[0]) > 0 {
		return slices.Clone(axes[0]) // the usual case: operands chunked alike
	}
	bounds := make([]int, 0, n)
	for _, sizes := range axes {
		pos := 0
		for _, s := range sizes {
			pos += s
			bounds = append(bounds, pos)
		}
	}
	total := 0
	for _, s := range axes[len(axes)-1] {
		total += s
	}
	slices.Sort(bounds)
	var out []int
	last := 0
	for _, pos := range bounds {
		if pos > last && pos <= total {
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
