package nd

// CumOp names a cumulative reduction.
type CumOp uint8

// The cumulative reductions.
const (
	CumSum CumOp = iota + 1
	CumProd
	NanCumSum  // NaN counts as zero
	NanCumProd // NaN counts as one
)

func (op CumOp) String() string {
	switch op {
	case CumSum:
		return "cumsum"
	case CumProd:
		return "cumprod"
	case NanCumSum:
		return "nancumsum"
	case NanCumProd:
		return "nancumprod"
	}
	return "CumOp(?)"
}

// CumOpNamed finds a cumulative reduction by its NumPy name.
func CumOpNamed(name string) (CumOp, bool) {
	for op := CumSum; op <= NanCumProd; op++ {
		if op.String() == name {
			return op, true
		}
	}
	return 0, false
}

func (op CumOp) isProd() bool { return op == CumProd || op == NanCumProd }

// CumResultType is the dtype cumsum and cumprod give for input dtype t: NumPy's sum
// accumulator (int64 for small signed integers and bool, uint64 for small unsigned).
func CumResultType(t DType) DType { return computeDType(Sum, t) }

// Cumulative computes the running sum or product along axis. carry, if not nil, is the
// running total of everything before a along that axis (a blocked cumsum passes the
// previous block's last row): it has a's shape without the axis, or with the axis at
// length one, and is folded into the first element of every run.
func Cumulative(op CumOp, a *Array, axis int, carry *Array) (*Array, error) {
	if op < CumSum || op > NanCumProd {
		return nil, newError("cumulative", ErrValue, "unknown cumulative operation %d", op)
	}
	ax, err := a.checkAxis(op.String(), axis)
	if err != nil {
		return nil, err
	}
	out := a.convert(CumResultType(a.dtype)) // a private C-contiguous copy, updated in place
	if op == NanCumSum || op == NanCumProd {
		replaceNaN(out, op.isProd())
	}
	if carry != nil {
		first := out.view(dropAxis(out.shape, ax), dropAxis(out.strides, ax), 0)
		c, err := carry.Reshape(first.shape...)
		if err != nil {
			return nil, newError(op.String(), ErrShape, "carry of shape %s does not fit array of shape %s along axis %d", ShapeString(carry.shape), ShapeString(a.shape), ax)
		}
		if out.shape[ax] > 0 {
			bop := Add
			if op.isProd() {
				bop = Multiply
			}
			folded, err := Binary(bop, first, c)
			if err != nil {
				return nil, err
			}
			castInto(first, folded)
		}
	}
	outer, n, inner := 1, out.shape[ax], 1
	for d, s := range out.shape {
		if d < ax {
			outer *= s
		} else if d > ax {
			inner *= s
		}
	}
	switch d := out.data.(type) {
	case []int64:
		cumulate(d, outer, n, inner, op.isProd())
	case []uint64:
		cumulate(d, outer, n, inner, op.isProd())
	case []float32:
		cumulate(d, outer, n, inner, op.isProd())
	case []float64:
		cumulate(d, outer, n, inner, op.isProd())
	case []complex64:
		cumulate(d, outer, n, inner, op.isProd())
	case []complex128:
		cumulate(d, outer, n, inner, op.isProd())
	}
	return out, nil
}

// cumulate runs row by row along the middle axis of an (outer, n, inner) C-ordered block,
// so the inner loops are contiguous.
func cumulate[T number](d []T, outer, n, inner int, prod bool) {
	for o := range outer {
		base := o * n * inner
		for j := 1; j < n; j++ {
			prev := d[base+(j-1)*inner : base+j*inner]
			row := d[base+j*inner : base+(j+1)*inner]
			if prod {
				for i := range row {
					row[i] *= prev[i]
				}
			} else {
				for i := range row {
					row[i] += prev[i]
				}
			}
		}
	}
}

// replaceNaN sets NaN elements of the contiguous array a to 0, or to 1 for products.
func replaceNaN(a *Array, one bool) {
	var v complex128
	if one {
		v = 1
	}
	switch d := a.data.(type) {
	case []float32:
		replaceNaNTyped(d, float32(real(v)))
	case []float64:
		replaceNaNTyped(d, real(v))
	case []complex64:
		replaceNaNTyped(d, complex64(v))
	case []complex128:
		replaceNaNTyped(d, v)
	}
}

func replaceNaNTyped[T number](d []T, v T) {
	for i := range d {
		if d[i] != d[i] {
			d[i] = v
		}
	}
}
