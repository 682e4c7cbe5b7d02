package darray

import (
	"math"

	"github.com/darray-go/darray/nd"
)

// Differences along an axis (issue 19, item 7): compositions of slices, which are views,
// and element-wise arithmetic, so a block needs only its neighbour's edge.

// sliceAlong is a[lo:hi] along axis (hi may count from the end, as Python's).
func (a *Array) sliceAlong(axis, lo, hi int) *Array {
	idx := make([]nd.Index, a.NDim())
	for d := range idx {
		idx[d] = nd.Whole()
	}
	idx[axis] = nd.Slice(lo, hi, 1)
	return a.IndexWith(idx...)
}

// Diff is numpy.diff: the n-th discrete difference along axis, a[1:] - a[:-1] taken n
// times (booleans differ by "not equal", as NumPy's).
func (a *Array) Diff(n, axis int) *Array {
	if a.err != nil {
		return a
	}
	if n < 0 {
		return failf("diff", "order must be non-negative but got %d", n)
	}
	ax, err := a.axisArg("diff", axis)
	if err != nil {
		return failed("diff", err)
	}
	out := a
	for range n {
		hi, lo := out.sliceAlong(ax, 1, math.MaxInt), out.sliceAlong(ax, 0, -1)
		if out.DType() == nd.Bool {
			out = Binary(nd.NotEqual, hi, lo)
		} else {
			out = hi.Sub(lo)
		}
	}
	return out
}

// Ediff1d is numpy.ediff1d: the differences between consecutive elements of the
// flattened array.
func (a *Array) Ediff1d() *Array { return a.Ravel().Diff(1, 0) }

// Ptp is numpy.ptp: the range, maximum minus minimum, over the axes given (all without).
func (a *Array) Ptp(opts ...ReduceOption) *Array { return a.Max(opts...).Sub(a.Min(opts...)) }

// Gradient is numpy.gradient along one axis with uniform spacing h: central differences
// (f[i+1] - f[i-1]) / 2h inside, one-sided first differences at the two ends (NumPy's
// edge_order=1); floats of the array's precision (float64 for integers).
func (a *Array) Gradient(axis int, h float64) *Array {
	if a.err != nil {
		return a
	}
	ax, err := a.axisArg("gradient", axis)
	if err != nil {
		return failed("gradient", err)
	}
	n := a.Shape()[ax]
	if n < 2 {
		return failf("gradient", "shape of the array along axis %d is %d: at least 2 elements are needed", ax, n)
	}
	f := a
	if !f.DType().IsInexact() {
		f = f.AsType(nd.Float64)
	}
	first := f.sliceAlong(ax, 1, 2).Sub(f.sliceAlong(ax, 0, 1)).Div(h)
	last := f.sliceAlong(ax, -1, math.MaxInt).Sub(f.sliceAlong(ax, -2, -1)).Div(h)
	if n == 2 {
		return Concatenate([]*Array{first, last}, ax)
	}
	inside := f.sliceAlong(ax, 2, math.MaxInt).Sub(f.sliceAlong(ax, 0, -2)).Div(2 * h)
	return Concatenate([]*Array{first, inside, last}, ax)
}
