package darray

import (
	"slices"

	"github.com/darray-go/darray/nd"
)

// Creation and joining routines of NumPy's that are compositions of darray's own lazy
// operations (issue 19): each result is a view, a broadcast or a concatenation, so it keeps
// its inputs' blocks and costs no more than the operations it is made of.

// FullLike is numpy.full_like: an array of a's shape, dtype and blocks holding value
// (dask keeps the blocks too).
func FullLike(a *Array, value complex128) *Array {
	if a.err != nil {
		return a
	}
	return Full(a.Shape(), value, a.DType(), ChunkSizes(a.Chunks()...))
}

// ZerosLike is numpy.zeros_like (and empty_like: darray's empty arrays are zeros).
func ZerosLike(a *Array) *Array { return FullLike(a, 0) }

// OnesLike is numpy.ones_like.
func OnesLike(a *Array) *Array { return FullLike(a, 1) }

// AtLeast1D is numpy.atleast_1d: a 0-d array becomes shape (1,).
func AtLeast1D(a *Array) *Array {
	if a.err == nil && a.NDim() == 0 {
		return a.ExpandDims(0)
	}
	return a
}

// AtLeast2D is numpy.atleast_2d: (N,) becomes (1, N), a 0-d array (1, 1).
func AtLeast2D(a *Array) *Array {
	if a.err != nil {
		return a
	}
	return atLeast2D([]*Array{a})[0]
}

// AtLeast3D is numpy.atleast_3d: (N,) becomes (1, N, 1), (M, N) becomes (M, N, 1), a 0-d
// array (1, 1, 1).
func AtLeast3D(a *Array) *Array {
	if a.err != nil {
		return a
	}
	switch a.NDim() {
	case 0:
		return a.ExpandDims(0, 1, 2)
	case 1:
		return a.ExpandDims(0, 2)
	case 2:
		return a.ExpandDims(2)
	}
	return a
}

// DStack is numpy.dstack: arrays joined along the third axis, after AtLeast3D.
func DStack(arrays ...*Array) *Array {
	out := make([]*Array, len(arrays))
	for i, a := range arrays {
		out[i] = AtLeast3D(a)
	}
	return Concatenate(out, 2)
}

// BroadcastArrays is numpy.broadcast_arrays: the arrays broadcast against each other, as
// views. An array that cannot be broadcast makes every result carry the error.
func BroadcastArrays(arrays ...*Array) []*Array {
	shapes := make([][]int, len(arrays))
	for i, a := range arrays {
		if a.err != nil {
			return repeatFailed(a, len(arrays))
		}
		shapes[i] = a.Shape()
	}
	shape, err := nd.BroadcastShapes(shapes...)
	if err != nil {
		return repeatFailed(failed("broadcast_arrays", err), len(arrays))
	}
	out := make([]*Array, len(arrays))
	for i, a := range arrays {
		out[i] = a.BroadcastTo(shape...)
	}
	return out
}

func repeatFailed(a *Array, n int) []*Array {
	out := make([]*Array, n)
	for i := range out {
		out[i] = a
	}
	return out
}

// Rot90 is numpy.rot90: a rotated by 90 degrees k times in the plane of axes (from the
// first toward the second), as views.
func Rot90(a *Array, k int, axes [2]int) *Array {
	if a.err != nil {
		return a
	}
	if a.NDim() < 2 {
		return failf("rot90", "the array must have at least 2 dimensions, it has %d", a.NDim())
	}
	ax0, err := a.axisArg("rot90", axes[0])
	if err != nil {
		return failed("rot90", err)
	}
	ax1, err := a.axisArg("rot90", axes[1])
	if err != nil {
		return failed("rot90", err)
	}
	if ax0 == ax1 {
		return failf("rot90", "axes must be different, both are %d", ax0)
	}
	switch ((k % 4) + 4) % 4 {
	case 0:
		return a
	case 1:
		return a.Flip(ax1).SwapAxes(ax0, ax1)
	case 2:
		return a.Flip(ax0, ax1)
	}
	return a.SwapAxes(ax0, ax1).Flip(ax1)
}

// Append is numpy.append: values joined after a along axis; with axis nil both are
// flattened first.
func Append(a, values *Array, axis *int) *Array {
	if axis == nil {
		return Concatenate([]*Array{a.Ravel(), values.Ravel()}, 0)
	}
	return Concatenate([]*Array{a, values}, *axis)
}

// Meshgrid is numpy.meshgrid: coordinate arrays from one-dimensional ones, each broadcast
// (a view, not a copy) to the grid's shape. Indexing "xy" (NumPy's default) swaps the
// first two axes of the grid, as Cartesian plots want; "ij" keeps them in order.
func Meshgrid(indexing string, xs ...*Array) []*Array {
	if indexing != "xy" && indexing != "ij" {
		return repeatFailed(failf("meshgrid", "indexing must be \"xy\" or \"ij\", not %q", indexing), len(xs))
	}
	shape := make([]int, len(xs))
	for i, x := range xs {
		if x.err != nil {
			return repeatFailed(x, len(xs))
		}
		x = x.Ravel()
		xs[i], shape[i] = x, x.Shape()[0]
	}
	pos := make([]int, len(xs)) // where each input's axis goes in the grid
	for i := range pos {
		pos[i] = i
	}
	if indexing == "xy" && len(xs) >= 2 {
		pos[0], pos[1] = 1, 0
		shape[0], shape[1] = shape[1], shape[0]
	}
	out := make([]*Array, len(xs))
	for i, x := range xs {
		var others []int
		for d := range shape {
			if d != pos[i] {
				others = append(others, d)
			}
		}
		out[i] = x.ExpandDims(others...).BroadcastTo(shape...)
	}
	return out
}

// Indices is numpy.indices: an array of shape (len(shape), *shape) whose [k] is each
// element's index along axis k, blocked by chunks along the grid's axes.
func Indices(shape []int, dt nd.DType, chunks ChunkSpec) *Array {
	if len(shape) == 0 {
		return Zeros([]int{0}, dt, ChunkSize(-1))
	}
	grids := make([]*Array, len(shape))
	for k, n := range shape {
		ax := Arange(0, float64(n), 1, dt, ChunkSize(-1))
		others := slices.DeleteFunc(slices.Clone(axesUpTo(len(shape))), func(d int) bool { return d == k })
		grids[k] = ax.ExpandDims(others...).BroadcastTo(shape...)
	}
	out := Stack(grids, 0)
	if chunks.IsDefault() {
		return out
	}
	sized, err := chunks.resolve(shape, dt)
	if err != nil {
		return failed("indices", err)
	}
	return out.Rechunk(ChunkSizes(append([][]int{{len(shape)}}, sized...)...))
}

func axesUpTo(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
