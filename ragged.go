package darray

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
)

// ErrUnknownChunks is carried by an array whose block lengths depend on values not yet
// computed (a lazy boolean mask's selection, say), as dask's chunks of nan. Compute and
// ComputeChunkSizes work on it, and on a selection by a mask (SelectMask, FlatNonzero)
// so do element-wise operations with scalars and selections by the same mask,
// reductions (arg reductions too), running sums and products, and selecting again; other
// operations report this error.
var ErrUnknownChunks = errors.New("chunk sizes are unknown until computed: call ComputeChunkSizes first")

// ragged describes an array of unknown block lengths: one-dimensional, one block per
// block of its one-dimensional inputs, made by the block function fn, whose lengths
// the block function Count (one int64 per block) tells.
type ragged struct {
	inputs  []*graph.Layer // one-dimensional, cut alike
	fn      string
	count   string // reads inputs[counted]
	counted int
	params  any
	dtype   nd.DType
	sel     *selection // for a selection by a mask (SelectMask, FlatNonzero): what it selects from
}

// Block functions of the selections of unknown length.
const (
	compressFunc   = "darray.compress"      // x, mask -> x[mask]
	countTrueFunc  = "darray.count-true"    // mask -> [number of trues]
	countNonzero   = "darray.count-nonzero" // x (or a mask) -> [number of non-zeros]
	uniqueFunc     = "darray.unique"        // x -> its sorted distinct values
	uniqueCountsFn = "darray.unique-counts" // x -> how often each distinct value occurs
	countUniqueFn  = "darray.count-unique"  // x -> [number of distinct values]
)

func init() {
	registerBlockFunc(compressFunc, func(_ any, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		return blocks[0].Index(nd.Take(blocks[1]))
	})
	registerBlockFunc(countNonzero, func(_ any, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		truth, err := blocks[0].AsType(nd.Bool)
		if err != nil {
			return nil, err
		}
		n := int64(0)
		for _, v := range nd.Values[bool](truth) {
			if v {
				n++
			}
		}
		return nd.FromSlice([]int64{n}, 1)
	})
	registerBlockFunc(uniqueFunc, func(_ any, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		v, _, err := uniqueOf(blocks[0])
		return v, err
	})
	registerBlockFunc(uniqueCountsFn, func(_ any, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		_, c, err := uniqueOf(blocks[0])
		return c, err
	})
	registerBlockFunc(countUniqueFn, func(_ any, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		v, _, err := uniqueOf(blocks[0])
		if err != nil {
			return nil, err
		}
		return nd.FromSlice([]int64{int64(v.Size())}, 1)
	})
}

func raggedArray(r *ragged) *Array {
	return &Array{err: fmt.Errorf("darray: %w", ErrUnknownChunks), ragged: r}
}

// SelectMask is a[mask] for a lazy boolean mask of a's shape, as dask's x[mask]: the
// selected elements in C order, one dimension. Its block lengths are unknown until the
// mask is computed: Compute it, or call ComputeChunkSizes to use it further.
func (a *Array) SelectMask(mask *Array) *Array {
	if mask == nil {
		return failf("select", "nil mask")
	}
	if a.ragged != nil && a.ragged.sel != nil && mask.ragged != nil && mask.ragged.sel != nil {
		return a.ragged.sel.selectAgain(mask.ragged.sel)
	}
	if a.err != nil {
		return a
	}
	if mask.err != nil {
		return mask
	}
	if mask.DType() != nd.Bool {
		return failf("select", "the mask must be boolean, not %v", mask.DType())
	}
	if !slices.Equal(mask.Shape(), a.Shape()) {
		return failf("select", "mask of shape %s for an array of shape %s", nd.ShapeString(mask.Shape()), nd.ShapeString(a.Shape()))
	}
	return selectFlat(a.Ravel(), mask.Ravel(), mask.layer)
}

// FlatNonzero is numpy.flatnonzero: the positions, in the flattened array, of the
// non-zero elements (int64), of unknown block lengths until computed: the selection of
// the positions where a is not zero.
func (a *Array) FlatNonzero() *Array {
	if a.err != nil {
		return a
	}
	x := a.Ravel()
	if x.err != nil {
		return x
	}
	nonzero := Binary(nd.NotEqual, x, 0)
	positions := Arange(0, float64(x.layer.Shape[0]), 1, nd.Int64, ChunkSizes(x.layer.Chunks[0]))
	return selectFlat(positions, nonzero, nonzero.layer)
}

// ComputeChunkSizes computes the block lengths of an array whose lengths are unknown and
// returns it as an ordinary array (its blocks still lazy); an array whose lengths are
// known is returned as it is.
func (a *Array) ComputeChunkSizes(ctx context.Context, opts ...ComputeOption) (*Array, error) {
	if a == nil {
		return nil, errors.New("darray: nil Array")
	}
	if a.ragged == nil {
		return a, a.err
	}
	r := a.ragged
	in := make([]*Array, len(r.inputs))
	for i, l := range r.inputs {
		in[i] = fromLayer(l)
	}
	blocks := len(r.inputs[0].Chunks[0])
	counts, err := MapBlocks(r.count, in[r.counted:r.counted+1], Params(r.params), OutDType(nd.Int64), OutChunks(slices.Repeat([]int{1}, blocks))).Compute(ctx, opts...)
	if err != nil {
		return nil, err
	}
	sizes := make([]int, blocks)
	total := 0
	for i, n := range nd.Values[int64](counts) {
		sizes[i] = int(n)
		total += sizes[i]
	}
	axes := make([][]int, len(in))
	for i := range axes {
		axes[i] = []int{0}
	}
	op := graph.Blockwise{Func: r.fn, Params: r.params, Axes: axes}
	return fromLayer(graph.NewLayer(op, r.inputs, []int{total}, r.dtype, graph.Chunks{sizes})), nil
}

// computeRagged computes arrays of unknown block lengths by learning the lengths first
// (a pass over what decides them), then computing as usual.
func computeRagged(ctx context.Context, arrays []*Array, opts []ComputeOption) ([]*Array, error) {
	out := slices.Clone(arrays)
	for i, a := range arrays {
		if a != nil && a.ragged != nil {
			known, err := a.ComputeChunkSizes(ctx, opts...)
			if err != nil {
				return nil, err
			}
			out[i] = known
		}
	}
	return out, nil
}

// Unique is numpy.unique(a, return_counts=True): the sorted distinct values of a
// (flattened; NaNs last, as one value) and how often each occurs. Each
// block finds its own; the results are merged in memory, so the distinct values must fit
// there.
func Unique(ctx context.Context, a *Array, opts ...ComputeOption) (values, counts *nd.Array, err error) {
	if a == nil {
		return nil, nil, errors.New("darray: unique: nil Array")
	}
	if a.err != nil {
		return nil, nil, a.err
	}
	x := a.Ravel()
	if x.err != nil {
		return nil, nil, x.err
	}
	vals, err := raggedArray(&ragged{inputs: []*graph.Layer{x.layer}, fn: uniqueFunc, count: countUniqueFn, dtype: a.DType()}).ComputeChunkSizes(ctx, opts...)
	if err != nil {
		return nil, nil, err
	}
	cnts := fromLayer(graph.NewLayer(graph.Blockwise{Func: uniqueCountsFn, Axes: [][]int{{0}}}, []*graph.Layer{x.layer}, vals.layer.Shape, nd.Int64, vals.layer.Chunks))
	res, err := Compute(ctx, []*Array{vals, cnts}, opts...)
	if err != nil {
		return nil, nil, err
	}
	// Merge the blocks' distinct values: sort them all and add up equal ones.
	order, err := nd.ArgSort(res[0], 0)
	if err != nil {
		return nil, nil, err
	}
	sorted, err := res[0].Index(nd.Take(order))
	if err != nil {
		return nil, nil, err
	}
	c, err := res[1].Index(nd.Take(order))
	if err != nil {
		return nil, nil, err
	}
	return mergeEqual(sorted, nd.Values[int64](c))
}

// uniqueOf returns the sorted distinct values of a block and their counts.
func uniqueOf(a *nd.Array) (*nd.Array, *nd.Array, error) {
	flat, err := a.Contiguous().Reshape(-1)
	if err != nil {
		return nil, nil, err
	}
	sorted, err := nd.Sort(flat, 0)
	if err != nil {
		return nil, nil, err
	}
	ones := make([]int64, sorted.Size())
	for i := range ones {
		ones[i] = 1
	}
	return mergeEqual(sorted, ones)
}

// mergeEqual collapses runs of equal values of a sorted one-dimensional array, adding up
// their counts (NaNs count as equal, as numpy.unique's equal_nan).
func mergeEqual(sorted *nd.Array, counts []int64) (*nd.Array, *nd.Array, error) {
	n := sorted.Size()
	keep := make([]int64, 0, n)
	var out []int64
	same := equalNeighbours(sorted)
	for i := 0; i < n; i++ {
		if len(keep) > 0 && same(i, int(keep[len(keep)-1])) {
			out[len(out)-1] += counts[i]
			continue
		}
		keep = append(keep, int64(i))
		out = append(out, counts[i])
	}
	idx, err := nd.FromSlice(keep, len(keep))
	if err != nil {
		return nil, nil, err
	}
	v, err := sorted.Index(nd.Take(idx))
	if err != nil {
		return nil, nil, err
	}
	c, err := nd.FromSlice(out, len(out))
	return v, c, err
}

// equalNeighbours compares elements of a one-dimensional array: integers exactly, floats
// and complex numbers by value with NaN equal to NaN.
func equalNeighbours(a *nd.Array) func(i, j int) bool {
	if a.DType().IsFloat() || a.DType().IsComplex() {
		v := nd.Values[complex128](a)
		return func(i, j int) bool {
			x, y := v[i], v[j]
			return x == y || (x != x && y != y) //lint:ignore SA4000 x != x: x holds a NaN
		}
	}
	raw := a.Bytes(false)
	w := a.DType().Size()
	return func(i, j int) bool { return string(raw[i*w:(i+1)*w]) == string(raw[j*w:(j+1)*w]) }
}

// Nonzero is numpy.nonzero: for each axis, the indices of a's non-zero elements along it
// (int64, in C order), of unknown block lengths until computed; numpy.where with one
// argument gives the same. They are FlatNonzero's positions unravelled.
func (a *Array) Nonzero() []*Array {
	if a.err != nil {
		return []*Array{a}
	}
	if a.NDim() == 0 {
		return []*Array{failf("nonzero", "a 0-d array has no axes to give indices along (use AtLeast1D)")}
	}
	flat := a.FlatNonzero()
	shape := a.Shape()
	out := make([]*Array, len(shape))
	stride := 1
	for k := len(shape) - 1; k >= 0; k-- {
		out[k] = flat.FloorDiv(int64(stride)).Mod(int64(max(shape[k], 1)))
		stride *= max(shape[k], 1)
	}
	return out
}
