package nd

import (
	"math"
	"math/cmplx"
)

// UnaryOp names an element-wise operation of one array, by its NumPy ufunc name.
type UnaryOp uint8

// The unary element-wise operations.
const (
	Negative UnaryOp = iota + 1
	Positive
	Absolute
	Sign
	Square
	Sqrt
	Exp
	Expm1
	Log
	Log1p
	Log2
	Log10
	Sin
	Cos
	Tan
	Arcsin
	Arccos
	Arctan
	Sinh
	Cosh
	Tanh
	Arcsinh
	Arccosh
	Arctanh
	Exp2
	Cbrt    // real only
	Deg2rad // real only; also np.radians
	Rad2deg // real only; also np.degrees
	Floor
	Ceil
	Trunc
	Rint // round half to even, as np.rint and np.round
	IsNaN
	IsInf
	IsFinite
	LogicalNot
	Invert // bitwise not; logical not for bool
	Conjugate
	Real // the real part; the value itself for real numbers
	Imag // the imaginary part; zero for real numbers
	// FrexpMantissa and FrexpExponent are the two results of np.frexp: x = m * 2**e with
	// 0.5 <= |m| < 1 (m = x, e = 0 for zero, infinities and NaN).
	FrexpMantissa
	FrexpExponent // int32
	numUnaryOps
)

var unaryNames = [...]string{
	Negative: "negative", Positive: "positive", Absolute: "absolute", Sign: "sign", Square: "square",
	Sqrt: "sqrt", Exp: "exp", Expm1: "expm1", Log: "log", Log1p: "log1p", Log2: "log2", Log10: "log10",
	Sin: "sin", Cos: "cos", Tan: "tan", Arcsin: "arcsin", Arccos: "arccos", Arctan: "arctan",
	Sinh: "sinh", Cosh: "cosh", Tanh: "tanh", Arcsinh: "arcsinh", Arccosh: "arccosh", Arctanh: "arctanh",
	Exp2: "exp2", Cbrt: "cbrt", Deg2rad: "deg2rad", Rad2deg: "rad2deg", Floor: "floor", Ceil: "ceil", Trunc: "trunc", Rint: "rint",
	IsNaN: "isnan", IsInf: "isinf", IsFinite: "isfinite", LogicalNot: "logical_not", Invert: "invert",
	Conjugate: "conjugate", Real: "real", Imag: "imag",
	FrexpMantissa: "frexp_mantissa", FrexpExponent: "frexp_exponent",
}

func (op UnaryOp) String() string {
	if op == 0 || op >= numUnaryOps {
		return "UnaryOp(?)"
	}
	return unaryNames[op]
}

// UnaryOpNamed finds a unary operation by its NumPy name.
func UnaryOpNamed(name string) (UnaryOp, bool) {
	for op := Negative; op < numUnaryOps; op++ {
		if unaryNames[op] == name {
			return op, true
		}
	}
	return 0, false
}

// isMath reports whether op is a transcendental or rounding function computed in floats.
func (op UnaryOp) isMath() bool { return op >= Sqrt && op <= Rint }

// UnaryResultType returns the dtype of op(a) and the dtype the computation runs in.
func UnaryResultType(op UnaryOp, t DType) (result, compute DType, err error) {
	fail := func() (DType, DType, error) {
		return 0, 0, newError(op.String(), ErrDType, "not supported for the input type %v", t)
	}
	switch {
	case op == IsNaN || op == IsInf || op == IsFinite || op == LogicalNot:
		return Bool, t, nil
	case op == Negative && t == Bool:
		return fail()
	case op == Invert:
		if t.IsInexact() {
			return fail()
		}
		return t, t, nil
	case (op == Absolute || op == Real || op == Imag) && t.IsComplex():
		if t == Complex64 {
			return Float32, t, nil
		}
		return Float64, t, nil
	case (op == FrexpMantissa || op == FrexpExponent) && t.IsComplex():
		return fail()
	case op == FrexpMantissa:
		c := inexactFor(t)
		return c, c, nil
	case op == FrexpExponent:
		return Int32, inexactFor(t), nil
	case op.isMath():
		if (op == Floor || op == Ceil || op == Trunc || op == Cbrt || op == Deg2rad || op == Rad2deg) && t.IsComplex() {
			return fail()
		}
		c := inexactFor(t)
		return c, c, nil
	case op == Sign && t == Bool:
		return fail()
	case (op == Square || op == Conjugate) && t == Bool:
		return Int8, Int8, nil
	case op > 0 && op < numUnaryOps:
		return t, t, nil
	}
	return 0, 0, newError("unary", ErrValue, "unknown operation %d", op)
}

// Unary applies op element by element.
func Unary(op UnaryOp, a *Array) (*Array, error) {
	res, comp, err := UnaryResultType(op, a.dtype)
	if err != nil {
		return nil, err
	}
	out, _ := New(res, a.shape...)
	unaryDispatch(op, comp, out, a)
	return out, nil
}

func unaryDispatch(op UnaryOp, comp DType, out, a *Array) {
	runUnary(out, a, comp, unaryKernelFor(op, comp, out.dtype))
}

// unaryKernelFor picks the typed kernel of op computing in comp and producing res.
func unaryKernelFor(op UnaryOp, comp, res DType) unaryKernel {
	switch {
	case op == IsNaN || op == IsInf || op == IsFinite || op == LogicalNot:
		return predicateKernelFor(op, comp)
	case op == FrexpExponent && comp == Float32:
		return typedUnary(op, frexpExponent[float32])
	case op == FrexpExponent:
		return typedUnary(op, frexpExponent[float64])
	case comp == Complex64 && res == Float32: // absolute, real or imaginary part of complex
		return typedUnary(op, complexToReal[float32, complex64])
	case comp == Complex128 && res == Float64:
		return typedUnary(op, complexToReal[float64, complex128])
	}
	switch comp {
	case Bool:
		return typedUnary(op, boolUnary)
	case Int8:
		return typedUnary(op, intUnary[int8])
	case Int16:
		return typedUnary(op, intUnary[int16])
	case Int32:
		return typedUnary(op, intUnary[int32])
	case Int64:
		return typedUnary(op, intUnary[int64])
	case Uint8:
		return typedUnary(op, intUnary[uint8])
	case Uint16:
		return typedUnary(op, intUnary[uint16])
	case Uint32:
		return typedUnary(op, intUnary[uint32])
	case Uint64:
		return typedUnary(op, intUnary[uint64])
	case Float32:
		return typedUnary(op, floatUnary[float32])
	case Float64:
		return typedUnary(op, floatUnary[float64])
	case Complex64:
		return typedUnary(op, complexUnary[complex64])
	case Complex128:
		return typedUnary(op, complexUnary[complex128])
	}
	return nil
}

func typedUnary[T, R Element](op UnaryOp, k func(UnaryOp, []R, []T)) unaryKernel {
	return func(d, x any) { k(op, d.([]R), x.([]T)) }
}

func predicateKernelFor(op UnaryOp, comp DType) unaryKernel {
	switch comp {
	case Float32:
		return typedUnary(op, floatPredicate[float32])
	case Float64:
		return typedUnary(op, floatPredicate[float64])
	case Complex64:
		return typedUnary(op, complexPredicate[complex64])
	case Complex128:
		return typedUnary(op, complexPredicate[complex128])
	}
	// Integers and bool are never NaN or infinite; logical_not reads them as truth values.
	return func(d, x any) { integerPredicate(op, d.([]bool), x) }
}

func integerPredicate(op UnaryOp, d []bool, x any) {
	switch op {
	case IsNaN, IsInf:
		clear(d)
	case IsFinite:
		for i := range d {
			d[i] = true
		}
	case LogicalNot:
		src, _ := FromBuffer(x, []int{len(d)}, nil, 0)
		dst := &Array{dtype: Bool, shape: []int{len(d)}, strides: []int{1}, data: d}
		castInto(dst, src)
		for i := range d {
			d[i] = !d[i]
		}
	}
}

func boolUnary(op UnaryOp, d, x []bool) {
	d = d[:len(x)]
	for i := range x {
		switch op {
		case Invert, LogicalNot:
			d[i] = !x[i]
		case Imag:
			d[i] = false
		default: // positive, absolute, conjugate, maximum-like identities
			d[i] = x[i]
		}
	}
}

func intUnary[T integer](op UnaryOp, d, x []T) {
	d = d[:len(x)]
	switch op {
	case Negative:
		for i := range x {
			d[i] = -x[i]
		}
	case Absolute:
		for i := range x {
			if x[i] < 0 {
				d[i] = -x[i]
			} else {
				d[i] = x[i]
			}
		}
	case Sign:
		for i := range x {
			switch {
			case x[i] > 0:
				d[i] = 1
			case x[i] < 0:
				d[i] = 0
				d[i]-- // -1, written so that it compiles for unsigned types too
			default:
				d[i] = 0
			}
		}
	case Square:
		for i := range x {
			d[i] = x[i] * x[i]
		}
	case Invert:
		for i := range x {
			d[i] = ^x[i]
		}
	case Imag:
		clear(d)
	default: // positive, conjugate, real
		copy(d, x)
	}
}

func floatUnary[T float](op UnaryOp, d, x []T) {
	d = d[:len(x)]
	switch op {
	case Negative:
		for i := range x {
			d[i] = -x[i]
		}
	case Absolute:
		for i := range x {
			d[i] = T(math.Abs(float64(x[i])))
		}
	case Sign:
		for i := range x {
			switch v := x[i]; {
			case v > 0:
				d[i] = 1
			case v < 0:
				d[i] = -1
			default:
				d[i] = v // 0, -0 or NaN
			}
		}
	case Square:
		for i := range x {
			d[i] = x[i] * x[i]
		}
	case Positive, Conjugate, Real:
		copy(d, x)
	case Imag:
		clear(d)
	case FrexpMantissa:
		for i := range x {
			m, _ := math.Frexp(float64(x[i]))
			d[i] = T(m)
		}
	default:
		f := mathFunc(op)
		for i := range x {
			d[i] = T(f(float64(x[i])))
		}
	}
}

// frexpExponent is the exponent np.frexp gives: e with x = m * 2**e, 0.5 <= |m| < 1.
func frexpExponent[T float](_ UnaryOp, d []int32, x []T) {
	d = d[:len(x)]
	for i := range x {
		_, e := math.Frexp(float64(x[i]))
		d[i] = int32(e)
	}
}

// mathFunc returns the float64 function for a math op. The per-element call through a func
// value costs little next to the function itself.
func mathFunc(op UnaryOp) func(float64) float64 {
	switch op {
	case Sqrt:
		return math.Sqrt
	case Exp:
		return math.Exp
	case Expm1:
		return math.Expm1
	case Log:
		return math.Log
	case Log1p:
		return math.Log1p
	case Log2:
		return math.Log2
	case Log10:
		return math.Log10
	case Sin:
		return math.Sin
	case Cos:
		return math.Cos
	case Tan:
		return math.Tan
	case Arcsin:
		return math.Asin
	case Arccos:
		return math.Acos
	case Arctan:
		return math.Atan
	case Sinh:
		return math.Sinh
	case Cosh:
		return math.Cosh
	case Tanh:
		return math.Tanh
	case Arcsinh:
		return math.Asinh
	case Arccosh:
		return math.Acosh
	case Arctanh:
		return math.Atanh
	case Exp2:
		return math.Exp2
	case Cbrt:
		return math.Cbrt
	case Deg2rad:
		return func(v float64) float64 { return v * (math.Pi / 180) }
	case Rad2deg:
		return func(v float64) float64 { return v * (180 / math.Pi) }
	case Floor:
		return math.Floor
	case Ceil:
		return math.Ceil
	case Trunc:
		return math.Trunc
	case Rint:
		return math.RoundToEven
	}
	return func(v float64) float64 { return v }
}

func complexUnary[T complexNumber](op UnaryOp, d, x []T) {
	d = d[:len(x)]
	var f func(complex128) complex128
	switch op {
	case Negative:
		f = func(v complex128) complex128 { return -v }
	case Positive:
		f = func(v complex128) complex128 { return v }
	case Conjugate:
		f = cmplx.Conj
	case Square:
		f = func(v complex128) complex128 { return v * v }
	case Sign: // NumPy 2's definition: z / |z|, and 0 for 0
		f = func(v complex128) complex128 {
			if v == 0 {
				return 0
			}
			return v / complex(cmplx.Abs(v), 0)
		}
	case Sqrt:
		f = cmplx.Sqrt
	case Exp:
		f = cmplx.Exp
	case Expm1:
		f = func(v complex128) complex128 { return cmplx.Exp(v) - 1 }
	case Log:
		f = cmplx.Log
	case Log1p:
		f = func(v complex128) complex128 { return cmplx.Log(1 + v) }
	case Log2:
		f = func(v complex128) complex128 { return cmplx.Log(v) / math.Ln2 }
	case Log10:
		f = cmplx.Log10
	case Sin:
		f = cmplx.Sin
	case Cos:
		f = cmplx.Cos
	case Tan:
		f = cmplx.Tan
	case Arcsin:
		f = cmplx.Asin
	case Arccos:
		f = cmplx.Acos
	case Arctan:
		f = cmplx.Atan
	case Sinh:
		f = cmplx.Sinh
	case Cosh:
		f = cmplx.Cosh
	case Tanh:
		f = cmplx.Tanh
	case Arcsinh:
		f = cmplx.Asinh
	case Arccosh:
		f = cmplx.Acosh
	case Arctanh:
		f = cmplx.Atanh
	case Exp2:
		f = func(v complex128) complex128 { return cmplx.Pow(2, v) }
	case Rint:
		f = func(v complex128) complex128 { return complex(math.RoundToEven(real(v)), math.RoundToEven(imag(v))) }
	default:
		f = func(v complex128) complex128 { return v }
	}
	for i := range x {
		d[i] = T(f(complex128(x[i])))
	}
}

// complexToReal is absolute, real or imag of complex numbers.
func complexToReal[R float, T complexNumber](op UnaryOp, d []R, x []T) {
	d = d[:len(x)]
	switch op {
	case Real:
		for i, v := range x {
			d[i] = R(real(complex128(v)))
		}
	case Imag:
		for i, v := range x {
			d[i] = R(imag(complex128(v)))
		}
	default:
		complexAbs(d, x)
	}
}

func complexAbs[R float, T complexNumber](d []R, x []T) {
	d = d[:len(x)]
	for i := range x {
		d[i] = R(cmplx.Abs(complex128(x[i])))
	}
}

func floatPredicate[T float](op UnaryOp, d []bool, x []T) {
	d = d[:len(x)]
	for i := range x {
		v := float64(x[i])
		switch op {
		case IsNaN:
			d[i] = v != v
		case IsInf:
			d[i] = math.IsInf(v, 0)
		case IsFinite:
			d[i] = !math.IsNaN(v) && !math.IsInf(v, 0)
		case LogicalNot:
			d[i] = v == 0
		}
	}
}

func complexPredicate[T complexNumber](op UnaryOp, d []bool, x []T) {
	d = d[:len(x)]
	for i := range x {
		v := complex128(x[i])
		switch op {
		case IsNaN:
			d[i] = math.IsNaN(real(v)) || math.IsNaN(imag(v))
		case IsInf:
			d[i] = math.IsInf(real(v), 0) || math.IsInf(imag(v), 0)
		case IsFinite:
			d[i] = !math.IsNaN(real(v)) && !math.IsNaN(imag(v)) && !math.IsInf(real(v), 0) && !math.IsInf(imag(v), 0)
		case LogicalNot:
			d[i] = v == 0
		}
	}
}
