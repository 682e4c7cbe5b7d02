package darray

import (
	"math"

	"github.com/darray-go/darray/nd"
)

// NumPy functions built from the ufuncs: each fuses, like any element-wise expression,
// into one program per block.

// IsClose is numpy.isclose: |a - b| <= atol + rtol*|b| element by element; infinities
// are close only to themselves, NaNs to nothing unless equalNaN.
func IsClose(a, b any, rtol, atol float64, equalNaN bool) *Array {
	diff := Unary(nd.Absolute, Binary(nd.Subtract, a, b))
	bound := Binary(nd.Add, Binary(nd.Multiply, Unary(nd.Absolute, b), rtol), atol)
	finite := Binary(nd.LogicalAnd, Unary(nd.IsFinite, a), Unary(nd.IsFinite, b))
	close := Where(finite, Binary(nd.LessEqual, diff, bound), Binary(nd.Equal, a, b))
	if equalNaN {
		close = Binary(nd.LogicalOr, close, Binary(nd.LogicalAnd, Unary(nd.IsNaN, a), Unary(nd.IsNaN, b)))
	}
	return close
}

// AllClose is numpy.allclose: whether IsClose holds everywhere (a 0-d boolean array).
func AllClose(a, b any, rtol, atol float64, equalNaN bool) *Array {
	return IsClose(a, b, rtol, atol, equalNaN).All()
}

// NanToNum is numpy.nan_to_num: NaN becomes nan, +inf posinf and -inf neginf (nil: the
// dtype's largest and smallest finite values); integers are unchanged.
func NanToNum(a *Array, nan float64, posinf, neginf *float64) *Array {
	if a.err != nil || !a.DType().IsInexact() {
		return a
	}
	big := math.MaxFloat64
	if a.DType() == nd.Float32 || a.DType() == nd.Complex64 {
		big = math.MaxFloat32
	}
	hi, lo := big, -big
	if posinf != nil {
		hi = *posinf
	}
	if neginf != nil {
		lo = *neginf
	}
	fix := func(x *Array) *Array {
		x = Where(Unary(nd.IsNaN, x), nan, x)
		x = Where(Binary(nd.Equal, x, math.Inf(1)), hi, x)
		return Where(Binary(nd.Equal, x, math.Inf(-1)), lo, x)
	}
	if a.DType().IsComplex() { // each part on its own
		re, im := fix(a.Real()), fix(a.Imag())
		return Binary(nd.Add, re, Binary(nd.Multiply, im, complex(0, 1))).AsType(a.DType())
	}
	return fix(a).AsType(a.DType())
}

// Reciprocal is numpy.reciprocal: 1/x, in x's dtype (integers: 1 and -1 keep their value,
// every other integer gives 0, as C's integer division).
func Reciprocal(a *Array) *Array {
	if a.err != nil {
		return a
	}
	if a.DType().IsInexact() {
		return Binary(nd.Divide, 1.0, a).AsType(a.DType())
	}
	one := Binary(nd.Equal, a, 1)
	minusOne := Binary(nd.Equal, a, -1)
	return Where(one, 1, Where(minusOne, -1, 0)).AsType(a.DType())
}

// Signbit is numpy.signbit: whether the sign bit is set (true for -0.0 and negative NaNs).
func Signbit(a *Array) *Array {
	if a.err != nil {
		return a
	}
	if a.DType().IsComplex() {
		return failf("signbit", "complex input is not supported (dtype %v)", a.DType())
	}
	if !a.DType().IsInexact() {
		return Binary(nd.Less, a, 0)
	}
	return Binary(nd.Less, Binary(nd.Copysign, 1.0, a), 0.0)
}

// Angle is numpy.angle: the argument of complex numbers, in radians (degrees with deg).
func Angle(a *Array, deg bool) *Array {
	if a.err != nil {
		return a
	}
	r := Binary(nd.Arctan2, a.Imag(), a.Real())
	if deg {
		return Unary(nd.Rad2deg, r)
	}
	return r
}

// Round is numpy.round (around): half to even at the given number of decimals; integers
// stay integers (negative decimals round them to tens, hundreds...).
func (a *Array) Round(decimals int) *Array {
	if a.err != nil {
		return a
	}
	scale := math.Pow(10, float64(decimals))
	switch dt := a.DType(); {
	case dt.IsInteger() || dt == nd.Bool:
		if decimals >= 0 {
			return a
		}
		down := Binary(nd.Divide, a, 1/scale)
		return Binary(nd.Multiply, Unary(nd.Rint, down), 1/scale).AsType(dt)
	case decimals == 0:
		return Unary(nd.Rint, a)
	}
	return Binary(nd.Divide, Unary(nd.Rint, Binary(nd.Multiply, a, scale)), scale)
}

// DivMod is numpy.divmod: the floor quotient and the remainder (with the divisor's sign),
// element by element; x == q*y + r.
func DivMod(x, y any) (q, r *Array) {
	return Binary(nd.FloorDivide, x, y), Binary(nd.Mod, x, y)
}

// Frexp is numpy.frexp: mantissas m (0.5 <= |m| < 1) and exponents e (int32) with
// x == m * 2**e; zeros, infinities and NaN give themselves and 0.
func Frexp(x any) (m, e *Array) {
	return Unary(nd.FrexpMantissa, x), Unary(nd.FrexpExponent, x)
}

// Ldexp is numpy.ldexp: x * 2**e for integer exponents e, in x's floating type. An
// exponent given as a Go integer stays an integer (other operations would take it as a
// number of the array's dtype, as NumPy 2 takes Python scalars).
func Ldexp(x, e any) *Array {
	switch v := e.(type) {
	case int:
		e = FromArray(nd.Scalar(int64(v)), ChunkSpec{})
	case int64:
		e = FromArray(nd.Scalar(v), ChunkSpec{})
	case int32:
		e = FromArray(nd.Scalar(v), ChunkSpec{})
	}
	return Binary(nd.Ldexp, x, e)
}
