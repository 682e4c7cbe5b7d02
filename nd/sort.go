package nd

import (
	"cmp"
	"fmt"
	"math"
	"math/cmplx"
	"slices"
)

// Sorting follows NumPy: NaNs sort after everything else (and complex numbers
// lexicographically, real part first, with NaNs last); ArgSort is stable, as
// numpy.argsort(kind="stable"), so equal elements keep their order.

// lanes moves axis to the end and returns a C-contiguous copy with the lane length.
func lanes(op string, a *Array, axis int) (*Array, int, int, error) {
	if a.NDim() == 0 {
		return nil, 0, 0, newError(op, ErrAxis, "a 0-dimensional array has no axis")
	}
	ax, err := normalizeAxis(op, axis, a.NDim())
	if err != nil {
		return nil, 0, 0, err
	}
	moved, err := a.MoveAxis(ax, a.NDim()-1)
	if err != nil {
		return nil, 0, 0, err
	}
	return moved.Copy(), ax, a.shape[ax], nil
}

func normalizeAxis(op string, axis, n int) (int, error) {
	if axis < 0 {
		axis += n
	}
	if axis < 0 || axis >= n {
		return 0, newError(op, ErrAxis, "axis %d is out of bounds for %d dimensions", axis, n)
	}
	return axis, nil
}

// CompareNaNLast orders floats as NumPy's sort does: NaNs after every number.
func CompareNaNLast[T float](x, y T) int {
	xn, yn := x != x, y != y
	switch {
	case xn && yn:
		return 0
	case xn:
		return 1
	case yn:
		return -1
	}
	return cmp.Compare(x, y)
}

func compareComplex[T complexNumber](x, y T) int {
	a, b := complex128(x), complex128(y)
	an, bn := cmplx.IsNaN(a), cmplx.IsNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	}
	if c := cmp.Compare(real(a), real(b)); c != 0 {
		return c
	}
	return cmp.Compare(imag(a), imag(b))
}

func compareBool(x, y bool) int { return cmp.Compare(b2u8(x), b2u8(y)) }

// Sort returns a sorted copy of a along axis.
func Sort(a *Array, axis int) (*Array, error) {
	c, ax, n, err := lanes("sort", a, axis)
	if err != nil {
		return nil, err
	}
	size := c.Size()
	if n > 0 {
		switch d := c.data.(type) {
		case []float64:
			sortEach(d, n, size, CompareNaNLast[float64])
		case []float32:
			sortEach(d, n, size, CompareNaNLast[float32])
		case []complex128:
			sortEach(d, n, size, compareComplex[complex128])
		case []complex64:
			sortEach(d, n, size, compareComplex[complex64])
		case []bool:
			sortEach(d, n, size, compareBool)
		case []int8:
			sortEach(d, n, size, cmp.Compare[int8])
		case []int16:
			sortEach(d, n, size, cmp.Compare[int16])
		case []int32:
			sortEach(d, n, size, cmp.Compare[int32])
		case []int64:
			sortEach(d, n, size, cmp.Compare[int64])
		case []uint8:
			sortEach(d, n, size, cmp.Compare[uint8])
		case []uint16:
			sortEach(d, n, size, cmp.Compare[uint16])
		case []uint32:
			sortEach(d, n, size, cmp.Compare[uint32])
		case []uint64:
			sortEach(d, n, size, cmp.Compare[uint64])
		}
	}
	return c.MoveAxis(c.NDim()-1, ax)
}

func sortEach[T any](d []T, n, size int, compare func(x, y T) int) {
	for i := 0; i < size; i += n {
		slices.SortFunc(d[i:i+n], compare)
	}
}

// ArgSort returns the int64 indices that sort a along axis (stable).
func ArgSort(a *Array, axis int) (*Array, error) {
	c, ax, n, err := lanes("argsort", a, axis)
	if err != nil {
		return nil, err
	}
	idx := make([]int64, c.Size())
	if n > 0 {
		switch d := c.data.(type) {
		case []float64:
			argsortEach(d, idx, n, CompareNaNLast[float64])
		case []float32:
			argsortEach(d, idx, n, CompareNaNLast[float32])
		case []complex128:
			argsortEach(d, idx, n, compareComplex[complex128])
		case []complex64:
			argsortEach(d, idx, n, compareComplex[complex64])
		case []bool:
			argsortEach(d, idx, n, compareBool)
		case []int8:
			argsortEach(d, idx, n, cmp.Compare[int8])
		case []int16:
			argsortEach(d, idx, n, cmp.Compare[int16])
		case []int32:
			argsortEach(d, idx, n, cmp.Compare[int32])
		case []int64:
			argsortEach(d, idx, n, cmp.Compare[int64])
		case []uint8:
			argsortEach(d, idx, n, cmp.Compare[uint8])
		case []uint16:
			argsortEach(d, idx, n, cmp.Compare[uint16])
		case []uint32:
			argsortEach(d, idx, n, cmp.Compare[uint32])
		case []uint64:
			argsortEach(d, idx, n, cmp.Compare[uint64])
		}
	}
	out, err := FromSlice(idx, c.shape...)
	if err != nil {
		return nil, err
	}
	return out.MoveAxis(out.NDim()-1, ax)
}

func argsortEach[T any](d []T, idx []int64, n int, compare func(x, y T) int) {
	for i := 0; i < len(d); i += n {
		lane, ix := d[i:i+n], idx[i:i+n]
		for j := range ix {
			ix[j] = int64(j)
		}
		slices.SortStableFunc(ix, func(x, y int64) int { return compare(lane[x], lane[y]) })
	}
}

// Quantile returns, for each q in [0, 1], the q-th quantile of a along axis by linear
// interpolation between the closest ranks (NumPy's default method), as
// numpy.quantile(a, q, axis): the result's first axis runs along q, the others are a's
// without axis. A lane holding a NaN gives NaN. Results are float64 (float32 for float32
// input); complex input is refused.
//
// method picks NumPy's estimate between the two closest ranks: Linear (the default),
// Lower, Higher, Midpoint or Nearest.
func Quantile(a *Array, q []float64, axis int, method QuantileMethod) (*Array, error) {
	return quantiles("quantile", a, q, axis, false, method)
}

// QuantileMethod is how a quantile that falls between two order statistics is estimated,
// by NumPy's names for them.
type QuantileMethod uint8

const (
	Linear   QuantileMethod = iota // interpolate between the two
	Lower                          // the lower one
	Higher                         // the higher one
	Midpoint                       // their mean
	Nearest                        // the nearer one, the even rank on a tie
)

var quantileMethodNames = [...]string{"linear", "lower", "higher", "midpoint", "nearest"}

func (m QuantileMethod) String() string {
	if int(m) < len(quantileMethodNames) {
		return quantileMethodNames[m]
	}
	return fmt.Sprintf("QuantileMethod(%d)", uint8(m))
}

// ParseQuantileMethod reads NumPy's name of a method.
func ParseQuantileMethod(name string) (QuantileMethod, error) {
	for i, n := range quantileMethodNames {
		if n == name {
			return QuantileMethod(i), nil
		}
	}
	return 0, newError("quantile", ErrValue, "method %q is not one of %v", name, quantileMethodNames)
}

// Exact reports whether the method's estimate is always one of the values (so it can keep
// their dtype).
func (m QuantileMethod) Exact() bool { return m == Lower || m == Higher || m == Nearest }

// Median is numpy.median along axis: the middle element, or the mean of the two middle
// ones.
func Median(a *Array, axis int) (*Array, error) {
	out, err := quantiles("median", a, []float64{0.5}, axis, true, Linear)
	if err != nil {
		return nil, err
	}
	return out.Reshape(out.shape[1:]...)
}

func quantiles(op string, a *Array, q []float64, axis int, median bool, method QuantileMethod) (*Array, error) {
	if a.dtype.IsComplex() {
		return nil, newError(op, ErrDType, "complex input is not supported")
	}
	for _, v := range q {
		if !(v >= 0 && v <= 1) {
			return nil, newError(op, ErrValue, "quantiles must be in the range [0, 1], got %v", v)
		}
	}
	f, err := a.AsType(Float64)
	if err != nil {
		return nil, err
	}
	c, ax, n, err := lanes(op, f, axis)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, newError(op, ErrValue, "axis %d is empty", ax)
	}
	d := c.data.([]float64)
	nl := len(d) / n
	out := make([]float64, len(q)*nl)
	for l := range nl {
		lane := d[l*n : (l+1)*n]
		slices.SortFunc(lane, CompareNaNLast[float64])
		for i, p := range q {
			out[i*nl+l] = interpolate(lane, p, median, method)
		}
	}
	rest := append([]int{len(q)}, c.shape[:c.NDim()-1]...)
	res, err := FromSlice(out, rest...)
	if err != nil {
		return nil, err
	}
	if a.dtype == Float32 {
		return res.AsType(Float32)
	}
	return res, nil
}

// interpolate is the p-th quantile of a sorted lane (NaNs last).
func interpolate(lane []float64, p float64, median bool, method QuantileMethod) float64 {
	n := len(lane)
	if math.IsNaN(lane[n-1]) {
		return math.NaN()
	}
	lo, hi := QuantileRanks(n, p, median)
	return QuantileBetween(lane[lo], lane[hi], n, p, median, method)
}

// QuantileRanks are the positions, in n sorted values, of the two order statistics the
// p-th quantile (or the median) lies between; they may be equal.
func QuantileRanks(n int, p float64, median bool) (lo, hi int) {
	if median {
		if n%2 == 1 {
			return n / 2, n / 2
		}
		return n/2 - 1, n / 2
	}
	lo = int(math.Floor(p * float64(n-1)))
	return lo, min(lo+1, n-1)
}

// QuantileBetween is the p-th quantile (or the median) of n values given its two order
// statistics a and b (at QuantileRanks), as NumPy interpolates it.
func QuantileBetween(a, b float64, n int, p float64, median bool, method QuantileMethod) float64 {
	if median {
		if n%2 == 1 {
			return a
		}
		return (a + b) / 2
	}
	pos := p * float64(n-1)
	t := pos - math.Floor(pos)
	switch {
	case method == Linear:
	case method == Lower || t == 0:
		return a
	case method == Higher:
		return b
	case method == Midpoint:
		return (a + b) / 2
	case method == Nearest: // NumPy rounds the position half to even
		if t < 0.5 || t == 0.5 && int(math.Floor(pos))%2 == 0 {
			return a
		}
		return b
	}
	// Linear, NumPy's lerp: from the nearer end, so that t = 0 and t = 1 give a and b exactly.
	diff := b - a
	if t >= 0.5 {
		return b - diff*(1-t)
	}
	return a + diff*t
}
