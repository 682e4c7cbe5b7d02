package nd

import (
	"math"
	"math/cmplx"
)

// BinaryOp names an element-wise operation of two arrays. The names are NumPy's ufunc
// names, which the task graph uses to refer to them.
type BinaryOp uint8

// The binary element-wise operations.
const (
	Add BinaryOp = iota + 1
	Subtract
	Multiply
	Divide // true division: integers give float64
	FloorDivide
	Mod // remainder with the sign of the divisor, as NumPy's % and np.mod
	Power
	Maximum // propagates NaN
	Minimum // propagates NaN
	Fmax    // ignores NaN
	Fmin    // ignores NaN
	Arctan2
	Hypot
	Logaddexp  // log(exp(x) + exp(y)), without overflow
	Logaddexp2 // log2(2**x + 2**y)
	Copysign
	Nextafter  // the next float after x toward y
	Heaviside  // 0 below zero, 1 above, y at zero
	Fmod       // remainder with the sign of the dividend, as C's fmod
	FloatPower // power in float64 (complex128 for complex)
	Ldexp      // x * 2**y for integer y, in x's floating type
	BitwiseAnd
	BitwiseOr
	BitwiseXor
	LeftShift
	RightShift
	LogicalAnd
	LogicalOr
	LogicalXor
	Equal
	NotEqual
	Less
	LessEqual
	Greater
	GreaterEqual
	numBinaryOps
)

var binaryNames = [...]string{
	Add: "add", Subtract: "subtract", Multiply: "multiply", Divide: "divide", FloorDivide: "floor_divide",
	Mod: "mod", Power: "power", Maximum: "maximum", Minimum: "minimum", Fmax: "fmax", Fmin: "fmin",
	Arctan2: "arctan2", Hypot: "hypot", Logaddexp: "logaddexp", Logaddexp2: "logaddexp2",
	Copysign: "copysign", Nextafter: "nextafter", Heaviside: "heaviside", Fmod: "fmod", FloatPower: "float_power", Ldexp: "ldexp",
	BitwiseAnd: "bitwise_and", BitwiseOr: "bitwise_or",
	BitwiseXor: "bitwise_xor", LeftShift: "left_shift", RightShift: "right_shift",
	LogicalAnd: "logical_and", LogicalOr: "logical_or", LogicalXor: "logical_xor", Equal: "equal",
	NotEqual: "not_equal", Less: "less", LessEqual: "less_equal", Greater: "greater", GreaterEqual: "greater_equal",
}

func (op BinaryOp) String() string {
	if op == 0 || op >= numBinaryOps {
		return "BinaryOp(?)"
	}
	return binaryNames[op]
}

// BinaryOpNamed finds a binary operation by its NumPy name.
func BinaryOpNamed(name string) (BinaryOp, bool) {
	for op := Add; op < numBinaryOps; op++ {
		if binaryNames[op] == name {
			return op, true
		}
	}
	return 0, false
}

// BinaryResultType returns the dtype of op(a, b) for operands of dtypes a and b, and the
// dtype the computation runs in, or an error when op does not accept them.
func BinaryResultType(op BinaryOp, a, b DType) (result, compute DType, err error) {
	t := ResultType(a, b)
	fail := func() (DType, DType, error) {
		return 0, 0, newError(op.String(), ErrDType, "not supported for the input types %v and %v", a, b)
	}
	switch op {
	case Add, Multiply, Maximum, Minimum, Fmax, Fmin:
		return t, t, nil
	case Subtract:
		if t == Bool {
			return fail()
		}
		return t, t, nil
	case FloorDivide, Mod, Power:
		if t.IsComplex() && op != Power {
			return fail()
		}
		if t == Bool {
			return Int8, Int8, nil
		}
		return t, t, nil
	case Divide: // NumPy's true_divide has no single-precision loops for integers
		if !t.IsInexact() {
			t = Float64
		}
		return t, t, nil
	case Arctan2, Hypot, Logaddexp, Logaddexp2, Copysign, Nextafter, Heaviside:
		if t.IsComplex() {
			return fail()
		}
		t = inexactFor(t)
		return t, t, nil
	case Fmod:
		if t.IsComplex() {
			return fail()
		}
		if t == Bool {
			return Int8, Int8, nil
		}
		return t, t, nil
	case FloatPower:
		if t.IsComplex() {
			return Complex128, Complex128, nil
		}
		return Float64, Float64, nil
	case Ldexp: // the exponent must be an integer; the result has x's floating type
		if a.IsComplex() || b.IsInexact() || b == Bool {
			return fail()
		}
		x := inexactFor(a)
		return x, x, nil
	case BitwiseAnd, BitwiseOr, BitwiseXor:
		if t.IsInexact() {
			return fail()
		}
		return t, t, nil
	case LeftShift, RightShift:
		if t == Bool {
			return Int8, Int8, nil
		}
		if !t.IsInteger() {
			return fail()
		}
		return t, t, nil
	case LogicalAnd, LogicalOr, LogicalXor:
		return Bool, Bool, nil
	case Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual:
		return Bool, t, nil
	}
	return 0, 0, newError("binary", ErrValue, "unknown operation %d", op)
}

// inexactFor is the float dtype NumPy's math functions compute in for inputs of dtype t.
// NumPy picks float16 for bool, int8 and uint8; darray has no float16 and uses float32.
func inexactFor(t DType) DType {
	switch {
	case t.IsInexact():
		return t
	case t.Size() <= 2:
		return Float32
	}
	return Float64
}

// Binary applies op element by element, broadcasting a and b against each other.
func Binary(op BinaryOp, a, b *Array) (*Array, error) {
	res, comp, err := BinaryResultType(op, a.dtype, b.dtype)
	if err != nil {
		return nil, err
	}
	shape, err := BroadcastShapes(a.shape, b.shape)
	if err != nil {
		return nil, newError(op.String(), ErrShape, "operands could not be broadcast together with shapes %s %s", ShapeString(a.shape), ShapeString(b.shape))
	}
	if op == Power && comp.Kind() == 'i' {
		if err := checkNonNegative(b); err != nil {
			return nil, err
		}
	}
	out, err := New(res, shape...)
	if err != nil {
		return nil, err
	}
	ab, _ := a.BroadcastTo(shape...)
	bb, _ := b.BroadcastTo(shape...)
	binaryDispatch(op, comp, out, ab, bb)
	return out, nil
}

func checkNonNegative(b *Array) error {
	if b.dtype.Kind() != 'i' {
		return nil
	}
	for _, v := range Values[int64](b) {
		if v < 0 {
			return newError("power", ErrValue, "integers to negative integer powers are not allowed")
		}
	}
	return nil
}

// binaryDispatch runs op over a and b (broadcast to out's shape) into out.
func binaryDispatch(op BinaryOp, comp DType, out, a, b *Array) {
	runBinary(out, a, b, comp, binaryKernelFor(op, comp, out.dtype))
}

// binaryKernelFor picks the typed kernel of op computing in comp and producing res.
func binaryKernelFor(op BinaryOp, comp, res DType) binaryKernel {
	if res == Bool && comp != Bool {
		return compareKernelFor(op, comp)
	}
	switch comp {
	case Bool:
		return typedBinary(op, boolKernel)
	case Int8:
		return typedBinary(op, intKernel[int8])
	case Int16:
		return typedBinary(op, intKernel[int16])
	case Int32:
		return typedBinary(op, intKernel[int32])
	case Int64:
		return typedBinary(op, intKernel[int64])
	case Uint8:
		return typedBinary(op, intKernel[uint8])
	case Uint16:
		return typedBinary(op, intKernel[uint16])
	case Uint32:
		return typedBinary(op, intKernel[uint32])
	case Uint64:
		return typedBinary(op, intKernel[uint64])
	case Float32:
		return typedBinary(op, floatKernel[float32])
	case Float64:
		return typedBinary(op, floatKernel[float64])
	case Complex64:
		return typedBinary(op, complexKernel[complex64])
	case Complex128:
		return typedBinary(op, complexKernel[complex128])
	}
	return nil
}

func typedBinary[T, R Element](op BinaryOp, k func(BinaryOp, []R, []T, []T)) binaryKernel {
	return func(d, x, y any) { k(op, d.([]R), x.([]T), y.([]T)) }
}

func compareKernelFor(op BinaryOp, comp DType) binaryKernel {
	switch comp {
	case Int8:
		return typedBinary(op, compareKernel[int8])
	case Int16:
		return typedBinary(op, compareKernel[int16])
	case Int32:
		return typedBinary(op, compareKernel[int32])
	case Int64:
		return typedBinary(op, compareKernel[int64])
	case Uint8:
		return typedBinary(op, compareKernel[uint8])
	case Uint16:
		return typedBinary(op, compareKernel[uint16])
	case Uint32:
		return typedBinary(op, compareKernel[uint32])
	case Uint64:
		return typedBinary(op, compareKernel[uint64])
	case Float32:
		return typedBinary(op, compareKernel[float32])
	case Float64:
		return typedBinary(op, compareKernel[float64])
	case Complex64:
		return typedBinary(op, complexCompareKernel[complex64])
	case Complex128:
		return typedBinary(op, complexCompareKernel[complex128])
	}
	return nil
}

func boolKernel(op BinaryOp, d, x, y []bool) {
	y, d = y[:len(x)], d[:len(x)]
	switch op {
	case Add, Maximum, Fmax, BitwiseOr, LogicalOr:
		for i := range x {
			d[i] = x[i] || y[i]
		}
	case Multiply, Minimum, Fmin, BitwiseAnd, LogicalAnd:
		for i := range x {
			d[i] = x[i] && y[i]
		}
	case BitwiseXor, LogicalXor, NotEqual:
		for i := range x {
			d[i] = x[i] != y[i]
		}
	case Equal:
		for i := range x {
			d[i] = x[i] == y[i]
		}
	case Less:
		for i := range x {
			d[i] = !x[i] && y[i]
		}
	case LessEqual:
		for i := range x {
			d[i] = !x[i] || y[i]
		}
	case Greater:
		for i := range x {
			d[i] = x[i] && !y[i]
		}
	case GreaterEqual:
		for i := range x {
			d[i] = x[i] || !y[i]
		}
	}
}

// arithKernel holds the operations whose loops are the same for every real dtype.
func arithKernel[T realNumber](op BinaryOp, d, x, y []T) bool {
	y, d = y[:len(x)], d[:len(x)]
	switch op {
	// The hottest loops are unrolled by four: the loads and stores of independent lanes
	// overlap better, worth about a fifth of the time on memory-bound arrays.
	case Add:
		i := 0
		for ; i <= len(x)-4; i += 4 {
			xx, yy, dd := x[i:i+4:i+4], y[i:i+4:i+4], d[i:i+4:i+4]
			dd[0], dd[1], dd[2], dd[3] = xx[0]+yy[0], xx[1]+yy[1], xx[2]+yy[2], xx[3]+yy[3]
		}
		for ; i < len(x); i++ {
			d[i] = x[i] + y[i]
		}
	case Subtract:
		i := 0
		for ; i <= len(x)-4; i += 4 {
			xx, yy, dd := x[i:i+4:i+4], y[i:i+4:i+4], d[i:i+4:i+4]
			dd[0], dd[1], dd[2], dd[3] = xx[0]-yy[0], xx[1]-yy[1], xx[2]-yy[2], xx[3]-yy[3]
		}
		for ; i < len(x); i++ {
			d[i] = x[i] - y[i]
		}
	case Multiply:
		i := 0
		for ; i <= len(x)-4; i += 4 {
			xx, yy, dd := x[i:i+4:i+4], y[i:i+4:i+4], d[i:i+4:i+4]
			dd[0], dd[1], dd[2], dd[3] = xx[0]*yy[0], xx[1]*yy[1], xx[2]*yy[2], xx[3]*yy[3]
		}
		for ; i < len(x); i++ {
			d[i] = x[i] * y[i]
		}
	case Maximum:
		for i := range x {
			d[i] = max(x[i], y[i])
		}
	case Minimum:
		for i := range x {
			d[i] = min(x[i], y[i])
		}
	default:
		return false
	}
	return true
}

func intKernel[T integer](op BinaryOp, d, x, y []T) {
	if arithKernel(op, d, x, y) {
		return
	}
	y, d = y[:len(x)], d[:len(x)]
	nbits := uint64(8 * sizeOf[T]())
	switch op {
	case Fmax:
		for i := range x {
			d[i] = max(x[i], y[i])
		}
	case Fmin:
		for i := range x {
			d[i] = min(x[i], y[i])
		}
	case FloorDivide:
		for i := range x {
			d[i] = floorDivInt(x[i], y[i])
		}
	case Mod:
		for i := range x {
			d[i] = modInt(x[i], y[i])
		}
	case Fmod: // C's %: the dividend's sign; NumPy gives 0 for a zero divisor
		for i := range x {
			if y[i] != 0 {
				d[i] = x[i] % y[i]
			} else {
				d[i] = 0
			}
		}
	case Power:
		for i := range x {
			d[i] = powInt(x[i], y[i])
		}
	case BitwiseAnd:
		for i := range x {
			d[i] = x[i] & y[i]
		}
	case BitwiseOr:
		for i := range x {
			d[i] = x[i] | y[i]
		}
	case BitwiseXor:
		for i := range x {
			d[i] = x[i] ^ y[i]
		}
	case LeftShift:
		for i := range x {
			if y[i] < 0 || uint64(y[i]) >= nbits {
				d[i] = 0
			} else {
				d[i] = x[i] << uint64(y[i])
			}
		}
	case RightShift:
		for i := range x {
			if y[i] < 0 || uint64(y[i]) >= nbits {
				d[i] = 0
				if x[i] < 0 {
					d[i]--
				}
			} else {
				d[i] = x[i] >> uint64(y[i])
			}
		}
	}
}

func sizeOf[T Element]() int { return DTypeOf[T]().Size() }

// floorDivInt is NumPy's integer //: rounds toward negative infinity, and gives 0 on
// division by zero (NumPy warns; it does not fail).
func floorDivInt[T integer](x, y T) T {
	if y == 0 {
		return 0
	}
	q := x / y // Go defines MinInt / -1 as MinInt, which is NumPy's result too
	if (x%y != 0) && ((x < 0) != (y < 0)) {
		q--
	}
	return q
}

// modInt is NumPy's integer %: the sign of the divisor, 0 on division by zero.
func modInt[T integer](x, y T) T {
	if y == 0 {
		return 0
	}
	r := x % y
	if r != 0 && ((r < 0) != (y < 0)) {
		r += y
	}
	return r
}

// powInt raises by repeated squaring with wrapping overflow, as NumPy's integer power.
// Negative exponents are rejected before the kernel runs.
func powInt[T integer](x, y T) T {
	r := T(1)
	for y > 0 {
		if y&1 == 1 {
			r *= x
		}
		x *= x
		y >>= 1
	}
	return r
}

func floatKernel[T float](op BinaryOp, d, x, y []T) {
	if arithKernel(op, d, x, y) {
		return
	}
	y, d = y[:len(x)], d[:len(x)]
	switch op {
	case Divide:
		for i := range x {
			d[i] = x[i] / y[i]
		}
	case FloorDivide:
		for i := range x {
			q, _ := divmodFloat(float64(x[i]), float64(y[i]))
			d[i] = T(q)
		}
	case Mod:
		for i := range x {
			_, m := divmodFloat(float64(x[i]), float64(y[i]))
			d[i] = T(m)
		}
	case Power:
		for i := range x {
			d[i] = T(math.Pow(float64(x[i]), float64(y[i])))
		}
	case Fmax:
		for i := range x {
			d[i] = fmaxOf(x[i], y[i])
		}
	case Fmin:
		for i := range x {
			d[i] = fminOf(x[i], y[i])
		}
	case Arctan2:
		for i := range x {
			d[i] = T(math.Atan2(float64(x[i]), float64(y[i])))
		}
	case Hypot:
		for i := range x {
			d[i] = T(math.Hypot(float64(x[i]), float64(y[i])))
		}
	case Logaddexp, Logaddexp2:
		for i := range x {
			d[i] = T(logAddExp(float64(x[i]), float64(y[i]), op == Logaddexp2))
		}
	case Copysign:
		for i := range x {
			d[i] = T(math.Copysign(float64(x[i]), float64(y[i])))
		}
	case Nextafter: // in the array's own precision
		for i := range x {
			if sizeOf[T]() == 4 {
				d[i] = T(math.Nextafter32(float32(x[i]), float32(y[i])))
			} else {
				d[i] = T(math.Nextafter(float64(x[i]), float64(y[i])))
			}
		}
	case Heaviside:
		for i := range x {
			switch v := x[i]; {
			case v < 0:
				d[i] = 0
			case v > 0:
				d[i] = 1
			case v == 0:
				d[i] = y[i]
			default:
				d[i] = v // NaN
			}
		}
	case Fmod:
		for i := range x {
			d[i] = T(math.Mod(float64(x[i]), float64(y[i])))
		}
	case FloatPower:
		for i := range x {
			d[i] = T(math.Pow(float64(x[i]), float64(y[i])))
		}
	case Ldexp: // exponents past the range of any float saturate (to 0 or infinity)
		for i := range x {
			e := max(min(float64(y[i]), 1<<20), -1<<20)
			d[i] = T(math.Ldexp(float64(x[i]), int(e)))
		}
	}
}

// logAddExp is log(exp(x) + exp(y)) (base 2 with two), computed from the larger so that
// neither exponential overflows, as NumPy's npy_logaddexp.
func logAddExp(x, y float64, two bool) float64 {
	if x == y { // also both infinite of one sign
		if two {
			return x + 1
		}
		return x + math.Ln2
	}
	hi, lo := max(x, y), min(x, y)
	if math.IsNaN(x) || math.IsNaN(y) {
		return math.NaN()
	}
	if two {
		return hi + math.Log1p(math.Exp2(lo-hi))/math.Ln2
	}
	return hi + math.Log1p(math.Exp(lo-hi))
}

func fmaxOf[T float](x, y T) T {
	if x != x || y > x {
		return y
	}
	return x
}

func fminOf[T float](x, y T) T {
	if x != x || y < x {
		return y
	}
	return x
}

// divmodFloat is NumPy's npy_divmod: floor division and a remainder with the divisor's sign,
// computed from fmod so that x == q*y + m holds as closely as floating point allows.
func divmodFloat(x, y float64) (q, m float64) {
	m = math.Mod(x, y)
	if y == 0 {
		return x / y, m
	}
	div := (x - m) / y
	if m != 0 {
		if (y < 0) != (m < 0) {
			m += y
			div -= 1
		}
	} else {
		m = math.Copysign(0, y)
	}
	if div != 0 {
		q = math.Floor(div)
		if div-q > 0.5 {
			q += 1
		}
	} else {
		q = math.Copysign(0, x/y)
	}
	return q, m
}

func complexKernel[T complexNumber](op BinaryOp, d, x, y []T) {
	y, d = y[:len(x)], d[:len(x)]
	switch op {
	case Add:
		for i := range x {
			d[i] = x[i] + y[i]
		}
	case Subtract:
		for i := range x {
			d[i] = x[i] - y[i]
		}
	case Multiply:
		for i := range x {
			d[i] = x[i] * y[i]
		}
	case Divide:
		for i := range x {
			d[i] = x[i] / y[i]
		}
	case Power, FloatPower:
		for i := range x {
			d[i] = T(complexPow(complex128(x[i]), complex128(y[i])))
		}
	case Maximum, Minimum, Fmax, Fmin:
		for i := range x {
			d[i] = T(complexPick(op, complex128(x[i]), complex128(y[i])))
		}
	}
}

// complexPow follows NumPy's npy_cpow: x**0 is 1, 0**y is 0 for real positive y and NaN
// otherwise, integral exponents below 100 multiply exactly; the rest is cmplx.Pow.
func complexPow(x, y complex128) complex128 {
	switch {
	case y == 0:
		return 1
	case x == 0 && real(y) > 0 && imag(y) == 0:
		return 0
	case x == 0:
		return complex(math.NaN(), math.NaN())
	}
	if imag(y) == 0 && real(y) == math.Trunc(real(y)) && math.Abs(real(y)) < 100 {
		n := int(real(y))
		r := complex128(1)
		b := x
		for m := abs(n); m > 0; m >>= 1 {
			if m&1 == 1 {
				r *= b
			}
			b *= b
		}
		if n < 0 {
			return 1 / r
		}
		return r
	}
	return cmplx.Pow(x, y)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// complexLess orders complex numbers as NumPy does: by real part, then imaginary part.
func complexLess(x, y complex128) bool {
	return real(x) < real(y) || (real(x) == real(y) && imag(x) < imag(y))
}

func complexIsNaN(x complex128) bool { return math.IsNaN(real(x)) || math.IsNaN(imag(x)) }

func complexPick(op BinaryOp, x, y complex128) complex128 {
	switch op {
	case Maximum, Minimum:
		if complexIsNaN(x) {
			return x
		}
		if complexIsNaN(y) {
			return y
		}
	default:
		if complexIsNaN(x) {
			return y
		}
		if complexIsNaN(y) {
			return x
		}
	}
	if (op == Maximum || op == Fmax) == complexLess(x, y) {
		return y
	}
	return x
}

func compareKernel[T realNumber](op BinaryOp, d []bool, x, y []T) {
	y, d = y[:len(x)], d[:len(x)]
	switch op {
	case Equal:
		for i := range x {
			d[i] = x[i] == y[i]
		}
	case NotEqual:
		for i := range x {
			d[i] = x[i] != y[i]
		}
	case Less:
		for i := range x {
			d[i] = x[i] < y[i]
		}
	case LessEqual:
		for i := range x {
			d[i] = x[i] <= y[i]
		}
	case Greater:
		for i := range x {
			d[i] = x[i] > y[i]
		}
	case GreaterEqual:
		for i := range x {
			d[i] = x[i] >= y[i]
		}
	}
}

func complexCompareKernel[T complexNumber](op BinaryOp, d []bool, x, y []T) {
	y, d = y[:len(x)], d[:len(x)]
	for i := range x {
		a, b := complex128(x[i]), complex128(y[i])
		nan := complexIsNaN(a) || complexIsNaN(b)
		switch op {
		case Equal:
			d[i] = a == b
		case NotEqual:
			d[i] = a != b
		case Less:
			d[i] = !nan && complexLess(a, b)
		case LessEqual:
			d[i] = !nan && !complexLess(b, a)
		case Greater:
			d[i] = !nan && complexLess(b, a)
		case GreaterEqual:
			d[i] = !nan && !complexLess(a, b)
		}
	}
}

// Where picks x where cond is true and y elsewhere, broadcasting all three.
func Where(cond, x, y *Array) (*Array, error) {
	shape, err := BroadcastShapes(cond.shape, x.shape, y.shape)
	if err != nil {
		return nil, newError("where", ErrShape, "operands could not be broadcast together with shapes %s %s %s", ShapeString(cond.shape), ShapeString(x.shape), ShapeString(y.shape))
	}
	t := ResultType(x.dtype, y.dtype)
	out, _ := New(t, shape...)
	c, _ := cond.BroadcastTo(shape...)
	xb, _ := x.BroadcastTo(shape...)
	yb, _ := y.BroadcastTo(shape...)
	k := whereKernelFor(t)
	runKernel(out, []*Array{c, xb, yb}, []DType{Bool, t, t}, func(d any, args []any) { k(d, args[0], args[1], args[2]) })
	return out, nil
}

func whereKernelFor(t DType) ternaryKernel {
	switch t {
	case Bool:
		return typedWhere[bool]
	case Int8:
		return typedWhere[int8]
	case Int16:
		return typedWhere[int16]
	case Int32:
		return typedWhere[int32]
	case Int64:
		return typedWhere[int64]
	case Uint8:
		return typedWhere[uint8]
	case Uint16:
		return typedWhere[uint16]
	case Uint32:
		return typedWhere[uint32]
	case Uint64:
		return typedWhere[uint64]
	case Float32:
		return typedWhere[float32]
	case Float64:
		return typedWhere[float64]
	case Complex64:
		return typedWhere[complex64]
	case Complex128:
		return typedWhere[complex128]
	}
	return nil
}

func typedWhere[T Element](d, c, x, y any) { whereKernel(d.([]T), c.([]bool), x.([]T), y.([]T)) }

func whereKernel[T Element](d []T, c []bool, x, y []T) {
	c, x, y = c[:len(d)], x[:len(d)], y[:len(d)]
	for i := range d {
		if c[i] {
			d[i] = x[i]
		} else {
			d[i] = y[i]
		}
	}
}

// Clip limits values to [lo, hi], as np.clip: minimum(maximum(a, lo), hi). Either bound
// may be nil for no limit on that side.
func Clip(a, lo, hi *Array) (*Array, error) {
	out := a
	var err error
	if lo != nil {
		if out, err = Binary(Maximum, out, lo); err != nil {
			return nil, newError("clip", ErrShape, "%v", err)
		}
	}
	if hi != nil {
		if out, err = Binary(Minimum, out, hi); err != nil {
			return nil, newError("clip", ErrShape, "%v", err)
		}
	}
	if out == a {
		out = a.Copy()
	}
	return out, nil
}
