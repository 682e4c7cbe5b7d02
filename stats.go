package darray

import (
	"slices"

	"github.com/darray-go/darray/nd"
)

// Average is the weighted mean over the given axes (all of them when none are given),
// like numpy.average: sum(a*weights)/sum(weights). weights nil is the plain mean;
// otherwise it has a's shape, or is one-dimensional along the one axis given. (Weights
// summing to zero give inf or nan, where NumPy raises.)
func (a *Array) Average(weights *Array, axes ...int) *Array {
	if a.err != nil {
		return a
	}
	if weights == nil && len(axes) == 0 {
		return a.Mean()
	}
	if weights == nil {
		return a.Mean(Axis(axes...))
	}
	if weights.err != nil {
		return weights
	}
	w := weights
	if !slices.Equal(w.Shape(), a.Shape()) {
		if len(axes) != 1 {
			return failf("average", "axis must be specified when shapes of a %s and weights %s differ", nd.ShapeString(a.Shape()), nd.ShapeString(w.Shape()))
		}
		ax, err := a.axisArg("average", axes[0])
		if err != nil {
			return failed("average", err)
		}
		if w.NDim() != 1 {
			return failf("average", "1D weights expected when shapes of a %s and weights %s differ", nd.ShapeString(a.Shape()), nd.ShapeString(w.Shape()))
		}
		if w.Shape()[0] != a.Shape()[ax] {
			return failf("average", "length of weights %d not compatible with axis %d of length %d", w.Shape()[0], ax, a.Shape()[ax])
		}
		var others []int
		for d := range a.NDim() {
			if d != ax {
				others = append(others, d)
			}
		}
		w = w.ExpandDims(others...)
	}
	var over []ReduceOption // all axes unless some are given
	if len(axes) > 0 {
		over = append(over, Axis(axes...))
	}
	return a.Mul(w).Sum(over...).Div(w.Sum(over...))
}

// ReductionSpec describes a reduction made of user functions (registered with
// RegisterBlockFunc), as dask's reduction: Chunk reduces each block, Combine merges
// partial results a few at a time (a tree, SplitEvery wide), Aggregate makes the final
// result from the last merged partial.
//
// Every function keeps the reduced axes: Chunk and Combine return OutputSize elements
// along each reduced axis (default 1; a top-k keeps k, say), and Aggregate returns
// AggregateSize (default 1, and then the axes are dropped unless KeepDims).
// Combine and Aggregate get the partial results of neighbouring blocks joined along the
// reduced axes. Params is handed to every function unchanged.
type ReductionSpec struct {
	Chunk, Combine, Aggregate string // Combine "" is Aggregate (then OutputSize must be 1)
	Axes                      []int
	KeepDims                  bool
	DType                     nd.DType // of the result; the input's when unset
	PartialDType              nd.DType // of the partial results; DType when unset
	OutputSize                int
	AggregateSize             int
	SplitEvery                int
	Params                    any
}

// Reduction reduces a over spec.Axes (all axes when none) with user functions; see
// ReductionSpec.
func Reduction(a *Array, spec ReductionSpec) *Array {
	if a == nil {
		return failf("reduction", "nil Array")
	}
	if a.err != nil {
		return a
	}
	axes := spec.Axes
	if axes == nil {
		for d := range a.NDim() {
			axes = append(axes, d)
		}
	}
	axes, err := nd.NormalizeAxes("reduction", axes, a.NDim())
	if err != nil {
		return failed("reduction", err)
	}
	size := max(spec.OutputSize, 1)
	combine := spec.Combine
	if combine == "" {
		if size != 1 {
			return failf("reduction", "output size %d needs a Combine function (Aggregate returns one element per reduced axis)", size)
		}
		combine = spec.Aggregate
	}
	if spec.Chunk == "" || spec.Aggregate == "" {
		return failf("reduction", "Chunk and Aggregate functions are required")
	}
	every := spec.SplitEvery
	if every < 2 {
		every = DefaultSplitEvery
	}
	dt := spec.DType
	if !dt.Valid() {
		dt = a.DType()
	}
	pdt := spec.PartialDType
	if !pdt.Valid() {
		pdt = dt
	}
	reduced := func(chunks [][]int, lengths func(d, k int) int) [][]int {
		out := make([][]int, len(chunks))
		for d, c := range chunks {
			out[d] = c
			if slices.Contains(axes, d) {
				out[d] = make([]int, len(c))
				for k := range c {
					out[d][k] = lengths(d, k)
				}
			}
		}
		return out
	}
	opts := func(chunks [][]int, dtype nd.DType) []MapOption {
		return []MapOption{Params(spec.Params), OutDType(dtype), OutChunks(chunks...)}
	}
	// Chunk: each block to OutputSize elements along each reduced axis.
	part := MapBlocks(spec.Chunk, []*Array{a}, opts(reduced(a.layer.Chunks, func(int, int) int { return size }), pdt)...)
	// Combine: join SplitEvery neighbouring partials along each reduced axis and merge,
	// until one remains along each.
	for part.err == nil && slices.ContainsFunc(axes, func(d int) bool { return len(part.layer.Chunks[d]) > 1 }) {
		joined := make([]int, part.NDim())
		counts := make([][]int, part.NDim())
		for d := range joined {
			joined[d] = -2 // keep
			counts[d] = part.layer.Chunks[d]
			if slices.Contains(axes, d) {
				var c []int
				for k := 0; k < len(part.layer.Chunks[d]); k += every {
					c = append(c, min(every, len(part.layer.Chunks[d])-k)*size)
				}
				counts[d] = c
			}
		}
		grouped := part.Rechunk(ChunkSizes(counts...))
		part = MapBlocks(combine, []*Array{grouped}, opts(reduced(grouped.layer.Chunks, func(int, int) int { return size }), pdt)...)
	}
	if part.err != nil {
		return part
	}
	final := max(spec.AggregateSize, 1)
	out := MapBlocks(spec.Aggregate, []*Array{part}, opts(reduced(part.layer.Chunks, func(int, int) int { return final }), dt)...)
	if spec.KeepDims || final > 1 || out.err != nil {
		return out
	}
	return out.Squeeze(axes...)
}

// Moment is the central moment of the given order over axes (all when none), as
// dask.array.moment: sum((a - mean)^order) / (n - ddof).
func Moment(a *Array, order, ddof int, axes ...int) *Array {
	if a == nil || a.err != nil {
		return a
	}
	if order < 0 {
		return failf("moment", "order must be non-negative, not %d", order)
	}
	var over []ReduceOption
	n := a.Size()
	if len(axes) > 0 {
		over = append(over, Axis(axes...))
		norm, err := nd.NormalizeAxes("moment", axes, a.NDim())
		if err != nil {
			return failed("moment", err)
		}
		n = 1
		for _, d := range norm {
			n *= a.Shape()[d]
		}
	}
	mean := a.Mean(append(over, KeepDims())...)
	switch order {
	case 0:
		return mean.Mul(0).Add(1).Sum(over...) // ones of the result's shape
	case 1:
		return mean.Mul(0).Sum(over...) // exactly zero, as scipy's and dask's
	}
	return a.Sub(mean).Pow(order).Sum(over...).Div(float64(n - ddof))
}

// Cov is numpy.cov: the covariance matrix of the variables in m's rows (in its columns
// when rowVar is false), with the variables of y (may be nil) appended; normalized by
// N-1, or by N when bias (ddof, when not negative, overrides both).
func Cov(m, y *Array, rowVar, bias bool, ddof int) *Array {
	if m == nil || m.err != nil {
		return m
	}
	if m.NDim() > 2 {
		return failf("cov", "m has more than 2 dimensions (shape %s)", nd.ShapeString(m.Shape()))
	}
	x := asRows(m)
	if !rowVar && m.NDim() == 2 {
		x = x.T()
	}
	if y != nil {
		if y.err != nil {
			return y
		}
		if y.NDim() > 2 {
			return failf("cov", "y has more than 2 dimensions (shape %s)", nd.ShapeString(y.Shape()))
		}
		yy := asRows(y)
		if !rowVar && y.NDim() == 2 {
			yy = yy.T()
		}
		if yy.Shape()[1] != x.Shape()[1] {
			return failf("cov", "m has %d observations and y %d", x.Shape()[1], yy.Shape()[1])
		}
		x = Concatenate([]*Array{x, yy}, 0)
	}
	if ddof < 0 {
		ddof = 1
		if bias {
			ddof = 0
		}
	}
	switch { // NumPy computes in at least double precision
	case x.DType() == nd.Complex64:
		x = x.AsType(nd.Complex128)
	case !x.DType().IsComplex() && x.DType() != nd.Float64:
		x = x.AsType(nd.Float64)
	}
	n := x.Shape()[1]
	centered := x.Sub(x.Mean(Axis(1), KeepDims()))
	conj := centered
	if centered.DType().IsComplex() {
		conj = Unary(nd.Conjugate, centered)
	}
	fact := float64(n - ddof)
	if fact <= 0 {
		fact = 0 // NumPy: too few observations for ddof give inf and nan, not negative numbers
	}
	c := Matmul(centered, conj.T()).Div(fact)
	if c.NDim() == 2 && c.Shape()[0] == 1 && c.Shape()[1] == 1 {
		return c.Reshape() // numpy squeezes a single variable's 1x1 matrix
	}
	return c
}

// Corrcoef is numpy.corrcoef: Pearson correlation coefficients, the covariance matrix
// divided by the outer product of the standard deviations (real parts clipped to
// [-1, 1]).
func Corrcoef(x, y *Array, rowVar bool) *Array {
	c := Cov(x, y, rowVar, false, -1)
	if c.err != nil || c.NDim() == 0 {
		if c.err == nil {
			return c.Div(c) // one variable: 1 (nan for a constant one), as NumPy
		}
		return c
	}
	d := c.Diagonal(0)
	if c.DType().IsComplex() {
		d = d.AsType(nd.Float64) // the real part: variances are real
	}
	sd := d.Pow(0.5)
	r := c.Div(sd.ExpandDims(1)).Div(sd.ExpandDims(0))
	if r.DType().IsComplex() {
		return r
	}
	return Where(r.Greater(1.0), 1.0, Where(r.Less(-1.0), -1.0, r))
}

// asRows views a vector (or a scalar) as one row.
func asRows(a *Array) *Array {
	if a.NDim() < 2 {
		return a.Reshape(1, -1)
	}
	return a
}
