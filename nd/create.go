package nd

import "math"

// Arange returns evenly spaced values in [start, stop) with the given step, as np.arange:
// element i is start + i*step, and there are ceil((stop-start)/step) of them.
func Arange(dt DType, start, stop, step float64) (*Array, error) {
	if step == 0 || math.IsNaN(step) || math.IsNaN(start) || math.IsNaN(stop) {
		return nil, newError("arange", ErrValue, "invalid range start=%v stop=%v step=%v", start, stop, step)
	}
	n := max(0, int(math.Ceil((stop-start)/step)))
	vals := make([]float64, n)
	for i := range vals {
		vals[i] = start + float64(i)*step
	}
	return fromFloats("arange", dt, vals)
}

// Linspace returns num evenly spaced values from start to stop, including stop when
// endpoint is set, as np.linspace.
func Linspace(dt DType, start, stop float64, num int, endpoint bool) (*Array, error) {
	if num < 0 {
		return nil, newError("linspace", ErrValue, "number of samples, %d, must be non-negative", num)
	}
	div := num
	if endpoint {
		div = num - 1
	}
	vals := make([]float64, num)
	step := (stop - start) / float64(max(div, 1))
	for i := range vals {
		vals[i] = start + float64(i)*step
	}
	if endpoint && num > 1 {
		vals[num-1] = stop
	}
	return fromFloats("linspace", dt, vals)
}

func fromFloats(op string, dt DType, vals []float64) (*Array, error) {
	if !dt.Valid() {
		return nil, newError(op, ErrDType, "invalid dtype %v", dt)
	}
	a, _ := FromSlice(vals)
	return a.convert(dt), nil
}

// Eye returns an n x m array with ones on diagonal k (0 the main one, positive above).
func Eye(dt DType, n, m, k int) (*Array, error) {
	a, err := New(dt, n, m)
	if err != nil {
		return nil, err
	}
	one := Scalar(true).convert(dt)
	for i := range n {
		if j := i + k; j >= 0 && j < m {
			copyInto(a.view([]int{}, []int{}, i*m+j), one)
		}
	}
	return a, nil
}
