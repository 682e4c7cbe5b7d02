package nd

import "math"

// MergePartials combines partial states of the same reduction over disjoint parts of the
// data that map to the same output elements (so all have the same shape): the combine
// step of a tree reduction.
func MergePartials(parts []*Partial) (*Partial, error) {
	if len(parts) == 0 {
		return nil, newError("merge partials", ErrValue, "nothing to merge")
	}
	acc := parts[0]
	owned := false // whether acc's arrays were made here, and so may be updated in place
	for _, p := range parts[1:] {
		if p.Op != acc.Op || !EqualShapes(p.Value.shape, acc.Value.shape) {
			return nil, newError("merge partials", ErrShape, "cannot merge %s partial of shape %s with %s partial of shape %s", acc.Op, ShapeString(acc.Value.shape), p.Op, ShapeString(p.Value.shape))
		}
		if owned && mergeInPlace(acc, p) {
			continue
		}
		var err error
		if acc, err = mergeTwo(acc, p); err != nil {
			return nil, err
		}
		owned = true
	}
	return acc, nil
}

// mergeInPlace merges b into a's own arrays for the reductions whose merge is one
// element-wise operation (a sum, product, extreme or truth value; a mean's sum and
// count), sparing a new array per merged partial. It reports false for the others.
func mergeInPlace(a, b *Partial) bool {
	ops := map[ReduceOp]BinaryOp{
		Sum: Add, NanSum: Add, CountNonzero: Add, Prod: Multiply, NanProd: Multiply,
		Min: Minimum, Max: Maximum, NanMin: Fmin, NanMax: Fmax, Any: LogicalOr, All: LogicalAnd,
		Mean: Add, NanMean: Add,
	}
	op, ok := ops[a.Op]
	if !ok || !updatable(op, a.Value, b.Value) || (a.Count != nil && !updatable(Add, a.Count, b.Count)) {
		return false
	}
	applyInPlace(op, a.Value, b.Value)
	if a.Count != nil {
		applyInPlace(Add, a.Count, b.Count)
	}
	return true
}

// updatable reports whether dst = op(dst, src) can be computed in dst's memory: dst is
// contiguous, of src's shape, and of op's result dtype.
func updatable(op BinaryOp, dst, src *Array) bool {
	res, _, err := BinaryResultType(op, dst.dtype, src.dtype)
	return err == nil && res == dst.dtype && dst.IsContiguous() && EqualShapes(dst.shape, src.shape)
}

func applyInPlace(op BinaryOp, dst, src *Array) {
	_, comp, _ := BinaryResultType(op, dst.dtype, src.dtype)
	binaryDispatch(op, comp, dst, dst, src) // element i is read before it is written
}

func mergeTwo(a, b *Partial) (*Partial, error) {
	out := &Partial{Op: a.Op, Axes: a.Axes, flat: a.flat}
	elementwise := func(op BinaryOp) (*Array, error) { return Binary(op, a.Value, b.Value) }
	var err error
	switch a.Op {
	case Sum, NanSum, CountNonzero:
		out.Value, err = elementwise(Add)
	case Prod, NanProd:
		out.Value, err = elementwise(Multiply)
	case Min:
		out.Value, err = elementwise(Minimum)
	case Max:
		out.Value, err = elementwise(Maximum)
	case NanMin:
		out.Value, err = elementwise(Fmin)
	case NanMax:
		out.Value, err = elementwise(Fmax)
	case Any:
		out.Value, err = elementwise(LogicalOr)
	case All:
		out.Value, err = elementwise(LogicalAnd)
	case Mean, NanMean:
		out.Value, err = elementwise(Add)
		if err == nil {
			out.Count, err = Binary(Add, a.Count, b.Count)
		}
	case Var, Std, NanVar, NanStd:
		out.Count, out.Value, out.M2 = chanMerge(a, b)
	default: // arg reductions
		out.Value, out.Index = mergeArg(a, b)
	}
	return out, err
}

// chanMerge combines two (count, mean, M2) states with Chan, Golub and LeVeque's formula.
func chanMerge(a, b *Partial) (count, mean, m2 *Array) {
	count, _ = Binary(Add, a.Count, b.Count)
	mean, _ = New(a.Value.dtype, a.Value.shape...)
	m2, _ = New(a.M2.dtype, a.M2.shape...)
	na, nb := Values[int64](a.Count), Values[int64](b.Count)
	switch mean.dtype {
	case Float32:
		chanLoop(na, nb, Values[float32](a.Value), Values[float32](b.Value), Values[float32](a.M2), Values[float32](b.M2), mean.data.([]float32), m2.data.([]float32))
	case Float64:
		chanLoop(na, nb, Values[float64](a.Value), Values[float64](b.Value), Values[float64](a.M2), Values[float64](b.M2), mean.data.([]float64), m2.data.([]float64))
	case Complex64:
		complexChanLoop(na, nb, Values[complex64](a.Value), Values[complex64](b.Value), Values[float32](a.M2), Values[float32](b.M2), mean.data.([]complex64), m2.data.([]float32))
	case Complex128:
		complexChanLoop(na, nb, Values[complex128](a.Value), Values[complex128](b.Value), Values[float64](a.M2), Values[float64](b.M2), mean.data.([]complex128), m2.data.([]float64))
	}
	return count, mean, m2
}

func chanLoop[T float](na, nb []int64, ma, mb, qa, qb, mean, m2 []T) {
	for i := range mean {
		switch {
		case na[i] == 0:
			mean[i], m2[i] = mb[i], qb[i]
		case nb[i] == 0:
			mean[i], m2[i] = ma[i], qa[i]
		default:
			n := T(na[i] + nb[i])
			delta := mb[i] - ma[i]
			mean[i] = ma[i] + delta*T(nb[i])/n
			m2[i] = qa[i] + qb[i] + delta*delta*T(na[i])*T(nb[i])/n
		}
	}
}

func complexChanLoop[T complexNumber, R float](na, nb []int64, ma, mb []T, qa, qb []R, mean []T, m2 []R) {
	for i := range mean {
		switch {
		case na[i] == 0:
			mean[i], m2[i] = mb[i], qb[i]
		case nb[i] == 0:
			mean[i], m2[i] = ma[i], qa[i]
		default:
			n := float64(na[i] + nb[i])
			delta := complex128(mb[i] - ma[i])
			mean[i] = T(complex128(ma[i]) + delta*complex(float64(nb[i])/n, 0))
			d2 := real(delta)*real(delta) + imag(delta)*imag(delta)
			m2[i] = qa[i] + qb[i] + R(d2*float64(na[i])*float64(nb[i])/n)
		}
	}
}

// mergeArg keeps, per element, the better of two (value, position) pairs: the more extreme
// value, NaN first unless skipped, and the smaller position on ties, so the result is the
// first occurrence as NumPy's.
func mergeArg(a, b *Partial) (vals, idx *Array) {
	isMax := a.Op.base() == ArgMax
	skip := a.Op.skipsNaN()
	ia, ib := Values[int64](a.Index), Values[int64](b.Index)
	cmp := valueComparer(a.Value, b.Value)
	pick := make([]bool, len(ia)) // true: take b's pair
	for i := range ia {
		c, nanA, nanB := cmp(i)
		switch {
		case skip && ia[i] < 0:
			pick[i] = true
		case skip && ib[i] < 0:
		case !skip && (nanA || nanB):
			pick[i] = nanB && (!nanA || ib[i] < ia[i])
		case c == 0:
			pick[i] = ib[i] < ia[i]
		case isMax:
			pick[i] = c < 0
		default:
			pick[i] = c > 0
		}
	}
	mask, _ := FromSlice(pick, a.Value.shape...)
	vals, _ = Where(mask, b.Value, a.Value)
	idx, _ = Where(mask, b.Index, a.Index)
	return vals, idx
}

// valueComparer returns a function comparing element i of x and y (-1, 0, 1, in NumPy's
// order for the dtype) and telling which of them is NaN. Integers compare exactly.
func valueComparer(x, y *Array) func(i int) (c int, nanX, nanY bool) {
	switch {
	case x.dtype.Kind() == 'u':
		a, b := Values[uint64](x), Values[uint64](y)
		return func(i int) (int, bool, bool) { return compareOrdered(a[i], b[i]), false, false }
	case !x.dtype.IsInexact():
		a, b := Values[int64](x), Values[int64](y)
		return func(i int) (int, bool, bool) { return compareOrdered(a[i], b[i]), false, false }
	}
	a, b := Values[complex128](x), Values[complex128](y)
	return func(i int) (int, bool, bool) {
		c := 0
		if complexLess(a[i], b[i]) {
			c = -1
		} else if complexLess(b[i], a[i]) {
			c = 1
		}
		return c, complexIsNaN(a[i]), complexIsNaN(b[i])
	}
}

func compareOrdered[T int64 | uint64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Finalize turns a partial state into the reduction's result: divides sums by counts,
// variances by count - ddof, and drops the reduced axes unless args.KeepDims is set.
func (p *Partial) Finalize(args ReduceArgs) (*Array, error) {
	var out *Array
	switch p.Op.base() {
	case Mean:
		out = divideByCount(p.Value, p.Count, 0)
	case Var, Std:
		out = divideByCount(p.M2, p.Count, args.DDof)
		if p.Op.base() == Std {
			out, _ = Unary(Sqrt, out)
		}
	case ArgMin, ArgMax:
		for _, i := range Values[int64](p.Index) {
			if i < 0 {
				return nil, newError(p.Op.String(), ErrValue, "All-NaN slice encountered")
			}
		}
		out = p.Index
	default:
		out = p.Value
	}
	if args.KeepDims {
		return out, nil
	}
	return out.Squeeze(p.Axes...)
}

// divideByCount divides v (float or complex) by max(count - ddof, 0), elementwise.
func divideByCount(v, count *Array, ddof int) *Array {
	n := Values[int64](count)
	denom := make([]float64, len(n))
	for i, c := range n {
		denom[i] = math.Max(float64(c-int64(ddof)), 0)
	}
	d, _ := FromSlice(denom, count.shape...)
	dt := v.dtype
	if dt == Float32 || dt == Complex64 { // keep single precision, as NumPy
		d = d.convert(Float32)
	}
	out, _ := Binary(Divide, v, d)
	return out
}
