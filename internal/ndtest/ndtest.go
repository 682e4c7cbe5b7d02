// Package ndtest compares arrays in tests: the one set of helpers the tests of every
// package use, each failing the test with the label, the element and both values.
package ndtest

import (
	"math"
	"math/cmplx"
	"testing"

	"github.com/darray-go/darray/nd"
)

// sameKind requires equal dtypes and shapes.
func sameKind(t testing.TB, label string, got, want *nd.Array) {
	t.Helper()
	if got == nil || want == nil {
		t.Fatalf("%s: got %v, want %v", label, got, want)
	}
	if got.DType() != want.DType() || nd.ShapeString(got.Shape()) != nd.ShapeString(want.Shape()) {
		t.Fatalf("%s: got %v %s, want %v %s", label, got.DType(), nd.ShapeString(got.Shape()), want.DType(), nd.ShapeString(want.Shape()))
	}
}

// Close requires got to have want's dtype and shape, equal integers and booleans, and
// floating values (each part of complex ones) within rtol of want's: NaN matches NaN,
// infinities themselves, and differences under 1e-300 pass (results at zero).
func Close(t testing.TB, label string, got, want *nd.Array, rtol float64) {
	t.Helper()
	sameKind(t, label, got, want)
	switch dt := want.DType(); {
	case dt == nd.Uint64:
		g, w := nd.Values[uint64](got), nd.Values[uint64](want)
		for i := range g {
			if g[i] != w[i] {
				t.Fatalf("%s: element %d is %d, want %d", label, i, g[i], w[i])
			}
		}
	case !dt.IsInexact():
		g, w := nd.Values[int64](got), nd.Values[int64](want)
		for i := range g {
			if g[i] != w[i] {
				t.Fatalf("%s: element %d is %d, want %d", label, i, g[i], w[i])
			}
		}
	default:
		g, w := nd.Values[complex128](got), nd.Values[complex128](want)
		for i := range g {
			if !closeFloat(real(g[i]), real(w[i]), rtol) || !closeFloat(imag(g[i]), imag(w[i]), rtol) {
				t.Fatalf("%s: element %d is %v, want %v (rtol %g)", label, i, g[i], w[i], rtol)
			}
		}
	}
}

func closeFloat(g, w, rtol float64) bool {
	switch {
	case math.IsNaN(w):
		return math.IsNaN(g)
	case g == w:
		return true
	case math.IsInf(w, 0):
		return false
	}
	return math.Abs(g-w) <= rtol*math.Abs(w) || math.Abs(g-w) < 1e-300
}

// CloseAbs requires want's dtype and shape and values within atol of want's.
func CloseAbs(t testing.TB, label string, got, want *nd.Array, atol float64) {
	t.Helper()
	sameKind(t, label, got, want)
	g, w := nd.Values[complex128](got), nd.Values[complex128](want)
	for i := range g {
		if cmplx.Abs(g[i]-w[i]) > atol && !(cmplx.IsNaN(g[i]) && cmplx.IsNaN(w[i])) {
			t.Fatalf("%s: element %d is %v, want %v (atol %g)", label, i, g[i], w[i], atol)
		}
	}
}

// CloseScaled requires want's dtype and shape and values within atol times the largest
// magnitude in want (at least 1): for results whose error grows with their scale, as
// matrix decompositions'.
func CloseScaled(t testing.TB, label string, got, want *nd.Array, atol float64) {
	t.Helper()
	scale := 1.0
	for _, v := range nd.Values[complex128](want) {
		scale = max(scale, cmplx.Abs(v))
	}
	CloseAbs(t, label, got, want, atol*scale)
}
