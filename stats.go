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
