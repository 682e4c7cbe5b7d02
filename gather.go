package darray

import (
	"fmt"
	"slices"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
)

// Gathering with lazy index arrays: which blocks an index needs is known only once the
// indices are computed, so every block of indices meets every block of the indexed axis.
// Each meeting yields, for every index, the element when the block holds it and a miss
// otherwise (value and hit side by side along a trailing axis of two); a tree reduction
// then keeps the hit. Memory stays a block of each per task.
const (
	gatherPartFunc = "darray.gather-part" // an x block, an index block -> [value, hit]
	gatherPickFunc = "darray.gather-pick" // joined [value, hit] pairs -> the hit one
	gatherLastFunc = "darray.gather-last" // [value, hit] -> value
)

type gatherParams struct {
	Axis    int   // the indexed axis of x
	Length  int   // its length
	Offsets []int // where each of x's blocks starts along it, and the end
}

func init() {
	registerBlockFuncOf(gatherPartFunc, runGatherPart)
	registerBlockFunc(gatherPickFunc, func(_ any, blocks []*nd.Array, info graph.BlockInfo) (*nd.Array, error) {
		return pickHits(blocks[0], info, true)
	})
	registerBlockFunc(gatherLastFunc, func(_ any, blocks []*nd.Array, info graph.BlockInfo) (*nd.Array, error) {
		return pickHits(blocks[0], info, false)
	})
}

// TakeArray is numpy.take(a, indices, axis) with indices a lazy integer array of any
// shape: the result's axes are a's before axis, then indices', then a's after axis.
// Negative indices count from the end; an index out of range fails the computation,
// naming it.
func (a *Array) TakeArray(indices *Array, axis int) *Array {
	if a.err != nil {
		return a
	}
	if indices == nil {
		return failf("take", "nil indices")
	}
	if indices.err != nil {
		return indices
	}
	if !indices.DType().IsInteger() {
		return failf("take", "indices must be integers, not %v", indices.DType())
	}
	ax, err := a.axisArg("take", axis)
	if err != nil {
		return failed("take", err)
	}
	if a.NDim()+indices.NDim() > 50 {
		return failf("take", "too many dimensions (%d and %d)", a.NDim(), indices.NDim())
	}
	xl := []byte(letters(0, a.NDim()))
	il := letters(a.NDim(), indices.NDim())
	out := string(xl[:ax]) + il + string(xl[ax+1:]) + string(xl[ax])
	l := a.layer
	chunks := make([][]int, 0, len(out))
	for _, c := range l.Chunks[:ax] {
		chunks = append(chunks, c)
	}
	chunks = append(chunks, indices.layer.Chunks...)
	chunks = append(chunks, l.Chunks[ax+1:]...)
	chunks = append(chunks, slices.Repeat([]int{2}, len(l.Chunks[ax])))
	p := gatherParams{Axis: ax, Length: l.Shape[ax], Offsets: l.Offsets()[ax]}
	parts := Blockwise(gatherPartFunc, string(xl)+","+il+"->"+out, []*Array{a, indices}, Params(p), OutDType(a.DType()), OutChunks(chunks...))
	if parts.err != nil {
		return failed("take", parts.err)
	}
	last := parts.NDim() - 1
	return Reduction(parts, ReductionSpec{Chunk: gatherPickFunc, Combine: gatherPickFunc, Aggregate: gatherLastFunc,
		Axes: []int{last}, OutputSize: 2, DType: a.DType()})
}

// runGatherPart looks up an index block in one block of x.
func runGatherPart(p gatherParams, blocks []*nd.Array, info graph.BlockInfo) (*nd.Array, error) {
	x, idx := blocks[0], blocks[1]
	kb := info.Block[len(info.Block)-1] // which block of x along the axis
	lo, hi := p.Offsets[kb], p.Offsets[kb+1]
	raw := nd.Values[int64](idx)
	pos := make([]int64, len(raw))
	hit := make([]bool, len(raw))
	for i, v := range raw {
		g := v
		if g < 0 {
			g += int64(p.Length)
		}
		if g < 0 || g >= int64(p.Length) {
			return nil, fmt.Errorf("index %d is out of bounds for axis %d with size %d", v, p.Axis, p.Length)
		}
		if g >= int64(lo) && g < int64(hi) {
			pos[i], hit[i] = g-int64(lo), true
		}
	}
	if hi == lo { // an empty block holds nothing: every index misses
		return missBlock(info)
	}
	positions, err := nd.FromSlice(pos)
	if err != nil {
		return nil, err
	}
	index := make([]nd.Index, x.NDim())
	for d := range index {
		index[d] = nd.Whole()
	}
	index[p.Axis] = nd.Take(positions)
	vals, err := x.Index(index...)
	if err != nil {
		return nil, err
	}
	// vals: x's axes with the indexed one replaced by the flat indices; lay the indices
	// out in their own shape, and the hits alongside.
	shape := append(slices.Clone(x.Shape()[:p.Axis]), idx.Shape()...)
	shape = append(shape, x.Shape()[p.Axis+1:]...)
	if vals, err = vals.Contiguous().Reshape(shape...); err != nil {
		return nil, err
	}
	hits, err := nd.FromSlice(hit, idx.Shape()...)
	if err != nil {
		return nil, err
	}
	for range p.Axis {
		hits, _ = hits.ExpandDims(0)
	}
	for range x.NDim() - p.Axis - 1 {
		hits, _ = hits.ExpandDims(hits.NDim())
	}
	if hits, err = hits.BroadcastTo(shape...); err != nil {
		return nil, err
	}
	if hits, err = hits.AsType(x.DType()); err != nil {
		return nil, err
	}
	v1, _ := vals.ExpandDims(vals.NDim())
	h1, _ := hits.ExpandDims(hits.NDim())
	return nd.Concatenate([]*nd.Array{v1, h1}, v1.NDim()-1)
}

func missBlock(info graph.BlockInfo) (*nd.Array, error) {
	return nd.New(info.DType, info.BlockShape...)
}

// pickHits reduces joined [value, hit] pairs along the last axis to the pair that hit
// (keepPair) or to its value alone.
func pickHits(joined *nd.Array, info graph.BlockInfo, keepPair bool) (*nd.Array, error) {
	shape := joined.Shape()
	n := shape[len(shape)-1]
	flat, err := joined.Contiguous().Reshape(-1, n)
	if err != nil {
		return nil, err
	}
	rows := flat.Shape()[0]
	width := 1
	if keepPair {
		width = 2
	}
	out, err := nd.New(joined.DType(), rows, width)
	if err != nil {
		return nil, err
	}
	truth, err := flat.AsType(nd.Bool)
	if err != nil {
		return nil, err
	}
	hits := nd.Values[bool](truth)
	for r := range rows {
		found := -1
		for g := 0; g+1 < n; g += 2 {
			if hits[r*n+g+1] {
				found = g
				break
			}
		}
		if found < 0 {
			if !keepPair {
				return nil, fmt.Errorf("take: an index matched no block") // unreachable: indices are checked
			}
			continue // a miss stays a miss (zeros)
		}
		src, _ := flat.Index(nd.Slice(r, r+1, 1), nd.Slice(found, found+width, 1))
		dst, _ := out.Index(nd.Slice(r, r+1, 1), nd.Whole())
		if err := dst.Assign(src); err != nil {
			return nil, err
		}
	}
	return out.Reshape(info.BlockShape...)
}

// VIndex is dask's vindex (NumPy's fancy indexing of several axes at once): index arrays
// for the first len(indices) axes, lazy and broadcast together, pick one element each;
// the result's axes are the broadcast index shape, then a's remaining axes.
func (a *Array) VIndex(indices ...*Array) *Array {
	if a.err != nil {
		return a
	}
	k := len(indices)
	if k == 0 || k > a.NDim() {
		return failf("vindex", "%d index arrays for an array of %d dimensions", k, a.NDim())
	}
	shapes := make([][]int, k)
	for i, ix := range indices {
		if ix == nil {
			return failf("vindex", "nil index array")
		}
		if ix.err != nil {
			return ix
		}
		if !ix.DType().IsInteger() {
			return failf("vindex", "index array %d must be integers, not %v", i, ix.DType())
		}
		shapes[i] = ix.Shape()
	}
	shape := shapes[0]
	for _, s := range shapes[1:] {
		var err error
		if shape, err = broadcastShapes(shape, s); err != nil {
			return failf("vindex", "index arrays do not broadcast: %v", err)
		}
	}
	// Merge the indexed axes into one and index it with the linear positions.
	dims := a.Shape()[:k]
	total := 1
	for _, d := range dims {
		total *= d
	}
	rest := a.Shape()[k:]
	merged := a.Reshape(append([]int{total}, rest...)...)
	var linear *Array
	for i, ix := range indices {
		n := int64(dims[i])
		// Negative indices count from the end; out-of-range ones must not wrap into a
		// neighbouring row, so they become an index past the end (an error when taken).
		pos := ix.AsType(nd.Int64)
		pos = Where(pos.Less(int64(0)), pos.Add(n), pos)
		pos = Where(Binary(nd.LogicalOr, pos.Less(int64(0)), pos.Greater(n-1)), int64(total), pos)
		if linear == nil {
			linear = pos
		} else {
			linear = Where(Binary(nd.LogicalOr, linear.Greater(int64(total-1)), pos.Greater(n-1)), int64(total), linear.Mul(n).Add(pos))
		}
	}
	return merged.TakeArray(linear.BroadcastTo(shape...), 0)
}
