package nd

import "math"

// ReduceOp names a reduction, by its NumPy function name.
type ReduceOp uint8

// The reductions.
const (
	Sum ReduceOp = iota + 1
	Prod
	Mean
	Var
	Std
	Min
	Max
	ArgMin
	ArgMax
	Any
	All
	CountNonzero
	NanSum
	NanProd
	NanMean
	NanVar
	NanStd
	NanMin
	NanMax
	NanArgMin
	NanArgMax
	numReduceOps
)

var reduceNames = [...]string{
	Sum: "sum", Prod: "prod", Mean: "mean", Var: "var", Std: "std", Min: "min", Max: "max",
	ArgMin: "argmin", ArgMax: "argmax", Any: "any", All: "all", CountNonzero: "count_nonzero",
	NanSum: "nansum", NanProd: "nanprod", NanMean: "nanmean", NanVar: "nanvar", NanStd: "nanstd",
	NanMin: "nanmin", NanMax: "nanmax", NanArgMin: "nanargmin", NanArgMax: "nanargmax",
}

func (op ReduceOp) String() string {
	if op == 0 || op >= numReduceOps {
		return "ReduceOp(?)"
	}
	return reduceNames[op]
}

// ReduceOpNamed finds a reduction by its NumPy name.
func ReduceOpNamed(name string) (ReduceOp, bool) {
	for op := Sum; op < numReduceOps; op++ {
		if reduceNames[op] == name {
			return op, true
		}
	}
	return 0, false
}

// IsArg reports whether op returns positions (argmin and friends).
func (op ReduceOp) IsArg() bool {
	return op == ArgMin || op == ArgMax || op == NanArgMin || op == NanArgMax
}

// skipsNaN reports whether op is a nan-variant, which ignores NaN values.
func (op ReduceOp) skipsNaN() bool { return op >= NanSum }

// base maps a nan-variant to the plain reduction it resembles.
func (op ReduceOp) base() ReduceOp {
	switch op {
	case NanSum:
		return Sum
	case NanProd:
		return Prod
	case NanMean:
		return Mean
	case NanVar:
		return Var
	case NanStd:
		return Std
	case NanMin:
		return Min
	case NanMax:
		return Max
	case NanArgMin:
		return ArgMin
	case NanArgMax:
		return ArgMax
	}
	return op
}

// ReduceArgs are a reduction's parameters. Axes nil means every axis; an empty, non-nil
// slice means none. Arg reductions accept nil or a single axis, as NumPy's do.
type ReduceArgs struct {
	Axes     []int
	KeepDims bool
	DDof     int // delta degrees of freedom for var and std
}

// Reduce computes op over the given axes, as NumPy's function of the same name. Float sums
// are pairwise as NumPy's; var and std are two-pass within the data and merged with Chan's
// formula across partial results, so Reduce(Var) equals merging the partials of any split.
func Reduce(op ReduceOp, a *Array, args ReduceArgs) (*Array, error) {
	p, err := ReducePartial(op, a, args.Axes, nil, nil)
	if err != nil {
		return nil, err
	}
	return p.Finalize(args)
}

// Partial is the mergeable state of a reduction over part of an array: what a blocked
// reduction computes per chunk, merges in a tree, and finalizes once. Every field has the
// shape of the part with the reduced axes kept at length one.
type Partial struct {
	Op    ReduceOp
	Axes  []int  // the reduced axes, normalized; for an arg reduction over all axes, all of them
	Count *Array // int64: elements seen (non-NaN ones for nan-variants); mean, var, std only
	Value *Array // sum (also behind a mean), product, extreme, mean (var, std), or the value behind an arg position
	M2    *Array // sum of squared deviations from Value (var, std)
	Index *Array // int64 global positions (arg reductions)
	flat  bool   // the arg reduction runs over all axes, and Index holds flat positions
}

// ReducePartial computes the partial state of op over axes of a. For arg reductions,
// origin is the position of a's first element within the whole array and whole is the
// whole array's shape, so that positions come out global; nil means a is the whole array.
func ReducePartial(op ReduceOp, a *Array, axes []int, origin, whole []int) (*Partial, error) {
	if op == 0 || op >= numReduceOps {
		return nil, newError("reduce", ErrValue, "unknown reduction %d", op)
	}
	norm, err := reduceAxes(op, a, axes)
	if err != nil {
		return nil, err
	}
	if origin == nil {
		origin, whole = make([]int, a.NDim()), a.shape
	}
	if len(origin) != a.NDim() || len(whole) != a.NDim() {
		return nil, newError(op.String(), ErrShape, "origin %v and whole shape %v do not match a part of %d dimensions", origin, whole, a.NDim())
	}
	kind := op.base()
	if (kind == Min || kind == Max || op.IsArg()) && reducedSize(a, norm) == 0 {
		return nil, newError(op.String(), ErrValue, "zero-size array to reduction operation %s which has no identity (shape %s, axes %v)", op, ShapeString(a.shape), norm)
	}
	p := &Partial{Op: op, Axes: norm, flat: op.IsArg() && len(norm) == a.NDim() && a.NDim() != 1}
	src, keptShape, m := prepareReduction(a, norm, computeDType(op, a.dtype))
	switch kind {
	case Sum, Prod:
		p.Value = sumProd(kind == Prod, op.skipsNaN(), src, m, keptShape)
	case Mean, Var, Std:
		p.Count, p.Value, p.M2 = moments(kind != Mean, op.skipsNaN(), src, m, keptShape)
	case Min, Max:
		p.Value = extremes(kind == Max, op.skipsNaN(), src, m, keptShape)
	case ArgMin, ArgMax:
		p.Value, p.Index = argExtremes(kind == ArgMax, op.skipsNaN(), src, m, keptShape)
		globalPositions(p, a.shape, norm, origin, whole)
	case Any, All, CountNonzero:
		p.Value = truthReduce(kind, src, m, keptShape)
	}
	return p, nil
}

func reducedSize(a *Array, axes []int) int {
	n := 1
	for _, ax := range axes {
		n *= a.shape[ax]
	}
	return n
}

func reduceAxes(op ReduceOp, a *Array, axes []int) ([]int, error) {
	if axes == nil {
		all := make([]int, a.NDim())
		for i := range all {
			all[i] = i
		}
		return all, nil
	}
	if op.IsArg() && len(axes) != 1 && len(axes) != a.NDim() { // every axis is the same as None
		return nil, newError(op.String(), ErrAxis, "takes a single axis or all axes, not %v", axes)
	}
	norm, err := NormalizeAxes(op.String(), axes, a.NDim())
	if err != nil {
		return nil, err
	}
	sortInts(norm)
	return norm, nil
}

func sortInts(s []int) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// computeDType is the dtype a reduction reads its input as: NumPy's accumulator dtypes.
func computeDType(op ReduceOp, t DType) DType {
	switch op.base() {
	case Sum, Prod:
		switch {
		case t == Bool || t.Kind() == 'i':
			return Int64
		case t.Kind() == 'u':
			return Uint64
		}
	case Mean, Var, Std:
		if !t.IsInexact() {
			return Float64
		}
	case Any, All, CountNonzero:
		return Bool
	}
	return t
}

// prepareReduction returns the input as a C-contiguous array of dtype dt whose reduced axes
// come last, so that each output element reduces one contiguous run of m elements; and the
// shape of the result with the reduced axes kept at length one.
func prepareReduction(a *Array, axes []int, dt DType) (src *Array, keptShape []int, m int) {
	isReduced := make([]bool, a.NDim())
	for _, ax := range axes {
		isReduced[ax] = true
	}
	perm := make([]int, 0, a.NDim())
	keptShape = make([]int, a.NDim())
	m = 1
	for d := range a.shape {
		keptShape[d] = a.shape[d]
		if !isReduced[d] {
			perm = append(perm, d)
		} else {
			keptShape[d] = 1
			m *= a.shape[d]
		}
	}
	perm = append(perm, axes...)
	t, _ := a.Transpose(perm...)
	switch {
	case t.dtype != dt:
		src = t.convert(dt)
	default:
		src = t.Contiguous()
	}
	return src, keptShape, m
}

// sumProd reduces runs by addition (pairwise, as NumPy) or multiplication; the
// nan-variants treat NaN as the identity.
func sumProd(prod, skipNaN bool, src *Array, m int, keptShape []int) *Array {
	out, _ := New(src.dtype, keptShape...)
	switch x := src.data.(type) {
	case []int64:
		sumProdRuns(prod, false, x[src.offset:], m, out.data.([]int64))
	case []uint64:
		sumProdRuns(prod, false, x[src.offset:], m, out.data.([]uint64))
	case []float32:
		sumProdRuns(prod, skipNaN, x[src.offset:], m, out.data.([]float32))
	case []float64:
		sumProdRuns(prod, skipNaN, x[src.offset:], m, out.data.([]float64))
	case []complex64:
		sumProdRuns(prod, skipNaN, x[src.offset:], m, out.data.([]complex64))
	case []complex128:
		sumProdRuns(prod, skipNaN, x[src.offset:], m, out.data.([]complex128))
	}
	return out
}

func sumProdRuns[T number](prod, skipNaN bool, x []T, m int, d []T) {
	if m == 1 && !prod { // runs of one, as where a blocked product sums one block per step
		var zero T // NumPy's sums start from +0, so a run of -0 sums to +0
		for i, v := range x[:len(d)] {
			if skipNaN && v != v {
				v = 0
			}
			d[i] = zero + v
		}
		return
	}
	var scratch []T
	for i := range d {
		run := x[i*m : (i+1)*m]
		if skipNaN && hasNaN(run) {
			scratch = append(scratch[:0], run...)
			identity := T(0)
			if prod {
				identity = 1
			}
			for j, v := range scratch {
				if v != v {
					scratch[j] = identity
				}
			}
			run = scratch
		}
		if prod {
			p := T(1)
			for _, v := range run {
				p *= v
			}
			d[i] = p
		} else {
			d[i] = PairwiseSum(run)
		}
	}
}

func hasNaN[T number](x []T) bool {
	for _, v := range x {
		if v != v {
			return true
		}
	}
	return false
}

// pairwiseBlock is the run length below which PairwiseSum adds with eight accumulators
// instead of splitting further: NumPy's PW_BLOCKSIZE.
const pairwiseBlock = 128

// PairwiseSum adds x with NumPy's pairwise algorithm: rounding error grows as O(log n)
// instead of O(n), and the result matches np.sum on the same contiguous data.
func PairwiseSum[T number](x []T) T {
	n := len(x)
	switch {
	case n < 8:
		var s T
		for _, v := range x {
			s += v
		}
		return s
	case n <= pairwiseBlock:
		r0, r1, r2, r3 := x[0], x[1], x[2], x[3]
		r4, r5, r6, r7 := x[4], x[5], x[6], x[7]
		i := 8
		for ; i <= n-8; i += 8 {
			b := x[i : i+8 : i+8]
			r0 += b[0]
			r1 += b[1]
			r2 += b[2]
			r3 += b[3]
			r4 += b[4]
			r5 += b[5]
			r6 += b[6]
			r7 += b[7]
		}
		s := (r0 + r1) + (r2 + r3) + ((r4 + r5) + (r6 + r7))
		for ; i < n; i++ {
			s += x[i]
		}
		return s
	}
	half := n / 2
	half -= half % 8
	return PairwiseSum(x[:half]) + PairwiseSum(x[half:])
}

// moments computes count, mean and (when withM2) the sum of squared deviations per run.
func moments(withM2, skipNaN bool, src *Array, m int, keptShape []int) (count, mean, m2 *Array) {
	count, _ = New(Int64, keptShape...)
	mean, _ = New(src.dtype, keptShape...)
	c := count.data.([]int64)
	switch x := src.data.(type) {
	case []float32:
		m2 = floatMoments(withM2, skipNaN, x[src.offset:], m, c, mean.data.([]float32), keptShape)
	case []float64:
		m2 = floatMoments(withM2, skipNaN, x[src.offset:], m, c, mean.data.([]float64), keptShape)
	case []complex64:
		m2 = complexMoments[complex64, float32](withM2, skipNaN, x[src.offset:], m, c, mean.data.([]complex64), keptShape)
	case []complex128:
		m2 = complexMoments[complex128, float64](withM2, skipNaN, x[src.offset:], m, c, mean.data.([]complex128), keptShape)
	}
	return count, mean, m2
}

func floatMoments[T float](withM2, skipNaN bool, x []T, m int, c []int64, mean []T, keptShape []int) *Array {
	var m2a *Array
	var m2 []T
	if withM2 {
		m2a, _ = New(DTypeOf[T](), keptShape...)
		m2 = m2a.data.([]T)
	}
	var scratch []T
	for i := range c {
		run := x[i*m : (i+1)*m]
		if skipNaN && hasNaN(run) {
			scratch = scratch[:0]
			for _, v := range run {
				if v == v {
					scratch = append(scratch, v)
				}
			}
			run = scratch
		}
		c[i] = int64(len(run))
		sum := PairwiseSum(run)
		if !withM2 { // a mean keeps the sum: merging sums is exact in the order NumPy adds
			mean[i] = sum
			continue
		}
		mu := sum / T(len(run)) // NaN for an empty run, as NumPy
		mean[i] = mu
		m2[i] = sumSquaredDeviations(run, mu)
	}
	return m2a
}

// sumSquaredDeviations is the pairwise sum of (x-mu)^2, the second pass of a variance.
func sumSquaredDeviations[T float](x []T, mu T) T {
	n := len(x)
	if n <= pairwiseBlock {
		var r [8]T
		i := 0
		for ; i <= n-8; i += 8 {
			b := x[i : i+8 : i+8]
			for k := range 8 {
				d := b[k] - mu
				r[k] += d * d
			}
		}
		s := (r[0] + r[1]) + (r[2] + r[3]) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < n; i++ {
			d := x[i] - mu
			s += d * d
		}
		return s
	}
	half := n / 2
	half -= half % 8
	return sumSquaredDeviations(x[:half], mu) + sumSquaredDeviations(x[half:], mu)
}

func complexMoments[T complexNumber, R float](withM2, skipNaN bool, x []T, m int, c []int64, mean []T, keptShape []int) *Array {
	var m2a *Array
	var m2 []R
	if withM2 {
		m2a, _ = New(DTypeOf[R](), keptShape...)
		m2 = m2a.data.([]R)
	}
	var scratch []T
	for i := range c {
		run := x[i*m : (i+1)*m]
		if skipNaN && hasNaN(run) {
			scratch = scratch[:0]
			for _, v := range run {
				//lint:ignore SA4000 false only for NaN, for every float type T
				if v == v {
					scratch = append(scratch, v)
				}
			}
			run = scratch
		}
		c[i] = int64(len(run))
		sum := PairwiseSum(run)
		if !withM2 {
			mean[i] = sum
			continue
		}
		mu := sum / T(complex(float64(len(run)), 0))
		mean[i] = mu
		{
			var s R
			for _, v := range run {
				d := complex128(v - mu)
				s += R(real(d)*real(d) + imag(d)*imag(d))
			}
			m2[i] = s
		}
	}
	return m2a
}

// extremes computes min or max per run. NaN propagates, except in the nan-variants, which
// skip NaN and give NaN only for runs that hold nothing else.
func extremes(isMax, skipNaN bool, src *Array, m int, keptShape []int) *Array {
	out, _ := New(src.dtype, keptShape...)
	switch x := src.data.(type) {
	case []bool:
		boolExtremes(isMax, x[src.offset:], m, out.data.([]bool))
	case []int8:
		extremeRuns(isMax, false, x[src.offset:], m, out.data.([]int8))
	case []int16:
		extremeRuns(isMax, false, x[src.offset:], m, out.data.([]int16))
	case []int32:
		extremeRuns(isMax, false, x[src.offset:], m, out.data.([]int32))
	case []int64:
		extremeRuns(isMax, false, x[src.offset:], m, out.data.([]int64))
	case []uint8:
		extremeRuns(isMax, false, x[src.offset:], m, out.data.([]uint8))
	case []uint16:
		extremeRuns(isMax, false, x[src.offset:], m, out.data.([]uint16))
	case []uint32:
		extremeRuns(isMax, false, x[src.offset:], m, out.data.([]uint32))
	case []uint64:
		extremeRuns(isMax, false, x[src.offset:], m, out.data.([]uint64))
	case []float32:
		extremeRuns(isMax, skipNaN, x[src.offset:], m, out.data.([]float32))
	case []float64:
		extremeRuns(isMax, skipNaN, x[src.offset:], m, out.data.([]float64))
	case []complex64:
		complexExtremeRuns(isMax, skipNaN, x[src.offset:], m, out.data.([]complex64))
	case []complex128:
		complexExtremeRuns(isMax, skipNaN, x[src.offset:], m, out.data.([]complex128))
	}
	return out
}

func boolExtremes(isMax bool, x []bool, m int, d []bool) {
	for i := range d {
		r := !isMax
		for _, v := range x[i*m : (i+1)*m] {
			if v == isMax {
				r = v
				break
			}
		}
		d[i] = r
	}
}

func extremeRuns[T realNumber](isMax, skipNaN bool, x []T, m int, d []T) {
	for i := range d {
		run := x[i*m : (i+1)*m]
		r := run[0]
		if skipNaN {
			nan := T(math.NaN())
			r = nan
			for _, v := range run {
				if v == v {
					if r != r || (isMax && v > r) || (!isMax && v < r) {
						r = v
					}
				}
			}
		} else if isMax {
			for _, v := range run[1:] {
				r = max(r, v) // Go's max propagates NaN, as np.maximum does
			}
		} else {
			for _, v := range run[1:] {
				r = min(r, v)
			}
		}
		d[i] = r
	}
}

func complexExtremeRuns[T complexNumber](isMax, skipNaN bool, x []T, m int, d []T) {
	op := map[[2]bool]BinaryOp{{false, false}: Minimum, {true, false}: Maximum, {false, true}: Fmin, {true, true}: Fmax}[[2]bool{isMax, skipNaN}]
	for i := range d {
		run := x[i*m : (i+1)*m]
		r := complex128(run[0])
		for _, v := range run[1:] {
			r = complexPick(op, r, complex128(v))
		}
		d[i] = T(r)
	}
}

// argExtremes finds, per run, the first position of the extreme value (of the first NaN
// when NaN is not skipped, as NumPy). A run of nothing but NaN, when NaN is skipped, gets
// position -1, which Finalize reports unless a merge found a value elsewhere.
func argExtremes(isMax, skipNaN bool, src *Array, m int, keptShape []int) (vals, idx *Array) {
	vals, _ = New(src.dtype, keptShape...)
	idx, _ = New(Int64, keptShape...)
	ix := idx.data.([]int64)
	switch x := src.data.(type) {
	case []bool:
		argRuns(isMax, false, boolsAsUint8(x[src.offset:]), m, make([]uint8, len(ix)), ix)
		for i, p := range ix {
			vals.data.([]bool)[i] = x[src.offset+i*m+int(p)]
		}
	case []int8:
		argRuns(isMax, false, x[src.offset:], m, vals.data.([]int8), ix)
	case []int16:
		argRuns(isMax, false, x[src.offset:], m, vals.data.([]int16), ix)
	case []int32:
		argRuns(isMax, false, x[src.offset:], m, vals.data.([]int32), ix)
	case []int64:
		argRuns(isMax, false, x[src.offset:], m, vals.data.([]int64), ix)
	case []uint8:
		argRuns(isMax, false, x[src.offset:], m, vals.data.([]uint8), ix)
	case []uint16:
		argRuns(isMax, false, x[src.offset:], m, vals.data.([]uint16), ix)
	case []uint32:
		argRuns(isMax, false, x[src.offset:], m, vals.data.([]uint32), ix)
	case []uint64:
		argRuns(isMax, false, x[src.offset:], m, vals.data.([]uint64), ix)
	case []float32:
		argRuns(isMax, skipNaN, x[src.offset:], m, vals.data.([]float32), ix)
	case []float64:
		argRuns(isMax, skipNaN, x[src.offset:], m, vals.data.([]float64), ix)
	case []complex64:
		complexArgRuns(isMax, skipNaN, x[src.offset:], m, vals.data.([]complex64), ix)
	case []complex128:
		complexArgRuns(isMax, skipNaN, x[src.offset:], m, vals.data.([]complex128), ix)
	}
	return vals, idx
}

func boolsAsUint8(x []bool) []uint8 {
	out := make([]uint8, len(x))
	for i, v := range x {
		if v {
			out[i] = 1
		}
	}
	return out
}

func argRuns[T realNumber](isMax, skipNaN bool, x []T, m int, vals []T, idx []int64) {
	for i := range vals {
		run := x[i*m : (i+1)*m]
		best, bi := run[0], 0
		if skipNaN {
			bi = -1
			for j, v := range run {
				if v == v && (bi < 0 || (isMax && v > best) || (!isMax && v < best)) {
					best, bi = v, j
				}
			}
			if bi < 0 {
				best = run[0] // NaN
			}
		} else if best == best {
			for j, v := range run {
				if v != v { // the first NaN wins
					best, bi = v, j
					break
				}
				if (isMax && v > best) || (!isMax && v < best) {
					best, bi = v, j
				}
			}
		}
		vals[i], idx[i] = best, int64(bi)
	}
}

func complexArgRuns[T complexNumber](isMax, skipNaN bool, x []T, m int, vals []T, idx []int64) {
	for i := range vals {
		run := x[i*m : (i+1)*m]
		best, bi := complex128(run[0]), -1
		for j, v := range run {
			c := complex128(v)
			switch {
			case complexIsNaN(c):
				if !skipNaN { // the first NaN wins
					best, bi = c, j
				}
			case bi < 0 || (isMax && complexLess(best, c)) || (!isMax && complexLess(c, best)):
				best, bi = c, j
			}
			if !skipNaN && complexIsNaN(best) && bi >= 0 {
				break
			}
		}
		vals[i], idx[i] = T(best), int64(bi)
	}
}

// globalPositions turns run-local positions into positions in the whole array: along the
// axis for a single-axis reduction, flat C-order positions for a reduction over all axes.
func globalPositions(p *Partial, shape, axes, origin, whole []int) {
	ix := p.Index.data.([]int64)
	if !p.flat {
		ax := axes[0]
		for i := range ix {
			if ix[i] >= 0 {
				ix[i] += int64(origin[ax])
			}
		}
		return
	}
	local := cStrides(shape)
	global := cStrides(whole)
	for i, pos := range ix {
		if pos < 0 {
			continue
		}
		var g int64
		for d := range shape {
			c := int(pos) / local[d] % max(shape[d], 1)
			g += int64((c + origin[d]) * global[d])
		}
		ix[i] = g
	}
}

// truthReduce computes any, all or count_nonzero per run of booleans.
func truthReduce(op ReduceOp, src *Array, m int, keptShape []int) *Array {
	x := src.data.([]bool)[src.offset:]
	if op == CountNonzero {
		out, _ := New(Int64, keptShape...)
		d := out.data.([]int64)
		for i := range d {
			var n int64
			for _, v := range x[i*m : (i+1)*m] {
				if v {
					n++
				}
			}
			d[i] = n
		}
		return out
	}
	out, _ := New(Bool, keptShape...)
	d := out.data.([]bool)
	for i := range d {
		r := op == All
		for _, v := range x[i*m : (i+1)*m] {
			if v != r {
				r = v
				break
			}
		}
		d[i] = r
	}
	return out
}
