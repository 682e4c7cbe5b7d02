package darray

import (
	"fmt"
	"math"
	"slices"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
)

// ChunkSpec says how to cut an array into blocks. Make one with ChunkSize, ChunkSizes or
// AutoChunks; the zero value means automatic chunks of graph.DefaultChunkBytes.
type ChunkSpec struct {
	size     []int
	explicit [][]int
	bytes    int
}

// IsDefault reports whether c is the zero ChunkSpec: automatic chunks, or a file's own.
func (c ChunkSpec) IsDefault() bool { return c.size == nil && c.explicit == nil && c.bytes == 0 }

// ChunkSize cuts every axis into blocks of the given length (the last one shorter). One
// length applies to every axis; -1 keeps an axis whole.
func ChunkSize(size ...int) ChunkSpec { return ChunkSpec{size: size} }

// ChunkSizes gives the block lengths of every axis explicitly, as dask's tuple of tuples.
func ChunkSizes(sizes ...[]int) ChunkSpec { return ChunkSpec{explicit: sizes} }

// AutoChunks picks near-square blocks of about the given number of bytes (0: 128 MiB).
func AutoChunks(bytes int) ChunkSpec { return ChunkSpec{bytes: max(bytes, 0)} }

// resolve turns the spec into chunks for an array of the given shape and dtype.
func (c ChunkSpec) resolve(shape []int, dt nd.DType) (graph.Chunks, error) {
	switch {
	case c.explicit != nil:
		ch := make(graph.Chunks, len(c.explicit)) // a copy: the caller may reuse its slices
		for d, axis := range c.explicit {
			ch[d] = slices.Clone(axis)
		}
		if err := ch.Validate(shape); err != nil {
			return nil, err
		}
		return ch, nil
	case c.size != nil:
		size := c.size
		if len(size) == 1 && len(shape) != 1 {
			size = make([]int, len(shape))
			for i := range size {
				size[i] = c.size[0]
			}
		}
		if len(size) != len(shape) {
			return nil, fmt.Errorf("chunk size %v does not match shape %s", c.size, nd.ShapeString(shape))
		}
		full := make([]int, len(size))
		for d, s := range size {
			switch {
			case s == -1:
				full[d] = max(shape[d], 1)
			case s <= 0:
				return nil, fmt.Errorf("chunk size %v has a length %d; lengths must be positive (or -1 for the whole axis)", c.size, s)
			default:
				full[d] = s
			}
		}
		return graph.RegularChunks(shape, full)
	}
	return graph.AutoChunks(shape, dt, c.bytes)
}

func checkShape(op string, shape []int) error {
	if len(shape) > nd.MaxDims {
		return fmt.Errorf("%d dimensions is more than the maximum of %d", len(shape), nd.MaxDims)
	}
	for _, s := range shape {
		if s < 0 {
			return fmt.Errorf("negative dimension in shape %s", nd.ShapeString(shape))
		}
	}
	return nil
}

// generator makes a source layer of the given kind.
func generator(spec graph.GenSpec, shape []int, dt nd.DType, chunks ChunkSpec) *Array {
	op := string(spec.Kind)
	if err := checkShape(op, shape); err != nil {
		return failed(op, err)
	}
	if !dt.Valid() {
		return failf(op, "invalid dtype %v", dt)
	}
	ch, err := chunks.resolve(shape, dt)
	if err != nil {
		return failed(op, err)
	}
	spec.Shape = append([]int{}, shape...)
	return fromLayer(graph.NewLayer(graph.Gen{Spec: &spec}, nil, append([]int{}, shape...), dt, ch))
}

// Full returns an array filled with value (converted to dt).
func Full(shape []int, value complex128, dt nd.DType, chunks ChunkSpec) *Array {
	return generator(graph.GenSpec{Kind: graph.GenFull, Value: value}, shape, dt, chunks)
}

// Zeros returns an array of zeros.
func Zeros(shape []int, dt nd.DType, chunks ChunkSpec) *Array { return Full(shape, 0, dt, chunks) }

// Ones returns an array of ones.
func Ones(shape []int, dt nd.DType, chunks ChunkSpec) *Array { return Full(shape, 1, dt, chunks) }

// Empty returns an array whose values do not matter; darray gives zeros.
func Empty(shape []int, dt nd.DType, chunks ChunkSpec) *Array { return Zeros(shape, dt, chunks) }

// Arange returns start, start+step, ... below stop, as np.arange.
func Arange(start, stop, step float64, dt nd.DType, chunks ChunkSpec) *Array {
	n := (stop - start) / step
	if step == 0 || math.IsNaN(n) || math.IsInf(n, 0) || n > math.MaxInt32*float64(math.MaxInt32) {
		return failf("arange", "invalid range start=%v stop=%v step=%v", start, stop, step)
	}
	return generator(graph.GenSpec{Kind: graph.GenArange, Low: start, Step: step}, []int{max(0, int(math.Ceil(n)))}, dt, chunks)
}

// Linspace returns num evenly spaced values from start to stop (included when endpoint).
func Linspace(start, stop float64, num int, endpoint bool, dt nd.DType, chunks ChunkSpec) *Array {
	if num < 0 {
		return failf("linspace", "number of samples, %d, must be non-negative", num)
	}
	div := num
	k := 0
	if endpoint {
		div, k = num-1, 1
	}
	step := (stop - start) / float64(max(div, 1))
	if dt.IsInteger() { // NumPy floors the samples before the cast (-4.33 is -5, not -4)
		f := generator(graph.GenSpec{Kind: graph.GenLinspace, Low: start, High: stop, Step: step, K: k}, []int{num}, nd.Float64, chunks)
		return Unary(nd.Floor, f).AsType(dt)
	}
	return generator(graph.GenSpec{Kind: graph.GenLinspace, Low: start, High: stop, Step: step, K: k}, []int{num}, dt, chunks)
}

// Eye returns an n x m array with ones on diagonal k.
func Eye(n, m, k int, dt nd.DType, chunks ChunkSpec) *Array {
	return generator(graph.GenSpec{Kind: graph.GenEye, K: k}, []int{n, m}, dt, chunks)
}

// Tri returns an n x m array with ones on and below diagonal k and zeros above, like
// numpy.tri.
func Tri(n, m, k int, dt nd.DType, chunks ChunkSpec) *Array {
	return generator(graph.GenSpec{Kind: graph.GenTri, K: k}, []int{n, m}, dt, chunks)
}

// Tril keeps the elements on and below diagonal k of the last two axes and zeros the
// rest, like numpy.tril.
func (a *Array) Tril(k int) *Array { return a.triangle("tril", k, true) }

// Triu keeps the elements on and above diagonal k of the last two axes and zeros the
// rest, like numpy.triu.
func (a *Array) Triu(k int) *Array { return a.triangle("triu", k, false) }

func (a *Array) triangle(op string, k int, lower bool) *Array {
	if a.err != nil {
		return a
	}
	n := a.NDim()
	if n < 2 {
		return failf(op, "array of %d dimensions has no matrix to take a triangle of", n)
	}
	rows, cols := a.Shape()[n-2], a.Shape()[n-1]
	chunks := a.Chunks()
	zero := Zeros(nil, a.DType(), ChunkSpec{})
	if lower {
		mask := Tri(rows, cols, k, nd.Bool, ChunkSizes(chunks[n-2], chunks[n-1]))
		return Where(mask, a, zero)
	}
	mask := Tri(rows, cols, k-1, nd.Bool, ChunkSizes(chunks[n-2], chunks[n-1]))
	return Where(mask, zero, a)
}

// RNG makes random arrays whose values depend only on the seed and each element's
// position: the same seed gives the same array under any chunking (which dask's do not).
// NewRNG uses SplitMix64 read as a counter-based generator, about 1 ns a number;
// NewPhiloxRNG uses Philox4x64-10 in NumPy's layout, so that
// NewPhiloxRNG(seed).Random(shape, ...) equals
// numpy.random.Generator(numpy.random.Philox(key=seed)).random(shape) exactly, at about
// 4 ns a number. See package crng.
type RNG struct {
	seed   uint64
	engine graph.Engine
}

// NewRNG returns the default (SplitMix64) generator for the seed.
func NewRNG(seed uint64) RNG { return RNG{seed: seed, engine: graph.EngineSplitMix} }

// NewPhiloxRNG returns a generator of NumPy's Philox streams for the seed.
func NewPhiloxRNG(seed uint64) RNG { return RNG{seed: seed, engine: graph.EnginePhilox} }

// Random returns uniform float64 numbers in [0, 1).
func (r RNG) Random(shape []int, chunks ChunkSpec) *Array {
	return r.Uniform(0, 1, shape, chunks)
}

// Uniform returns uniform float64 numbers in [low, high).
func (r RNG) Uniform(low, high float64, shape []int, chunks ChunkSpec) *Array {
	return generator(graph.GenSpec{Kind: graph.GenUniform, Engine: r.engine, Seed: r.seed, Low: low, High: high}, shape, nd.Float64, chunks)
}

// Normal returns normally distributed float64 numbers (Box-Muller on two independent
// Philox streams of the seed, so also chunking-independent; not NumPy's ziggurat stream).
func (r RNG) Normal(loc, scale float64, shape []int, chunks ChunkSpec) *Array {
	a := generator(graph.GenSpec{Kind: graph.GenNormal, Engine: r.engine, Seed: r.seed}, shape, nd.Float64, chunks)
	if loc == 0 && scale == 1 {
		return a
	}
	return a.Mul(scale).Add(loc)
}

// Integers returns int64 numbers in [low, high).
func (r RNG) Integers(low, high int64, shape []int, chunks ChunkSpec) *Array {
	if high <= low {
		return failf("integers", "low (%d) must be below high (%d)", low, high)
	}
	return generator(graph.GenSpec{Kind: graph.GenIntegers, Engine: r.engine, Seed: r.seed, Low: float64(low), High: float64(high)}, shape, nd.Int64, chunks)
}

// FromArray cuts an in-memory array into blocks (views, not copies; the array must not be
// modified while the lazy array is in use).
func FromArray(a *nd.Array, chunks ChunkSpec) *Array {
	if a == nil {
		return failf("from array", "nil array")
	}
	ch, err := chunks.resolve(a.Shape(), a.DType())
	if err != nil {
		return failed("from array", err)
	}
	return fromLayer(graph.NewLayer(graph.Data{Blocks: cutBlocks(a, ch)}, nil, a.Shape(), a.DType(), ch))
}

// cutBlocks views a's blocks in C order of the block grid.
func cutBlocks(a *nd.Array, ch graph.Chunks) []*nd.Array {
	offsets := ch.Offsets()
	var blocks []*nd.Array
	graph.ForEachBlock(ch.NumBlocks(), func(b []int) {
		idx := make([]nd.Index, len(b))
		for d := range b {
			idx[d] = nd.Slice(offsets[d][b[d]], offsets[d][b[d]+1], 1)
		}
		v, _ := a.Index(idx...)
		blocks = append(blocks, v)
	})
	return blocks
}
