package fft

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/darray-go/darray/nd"
)

// The inverse undoes the forward transform for every length (primes too) and
// normalization, and a direct sum agrees with the forward transform.
func TestRoundTripsAndDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 5, 8, 13, 30, 97} {
		x := make([]complex128, n)
		for i := range x {
			x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
		a, _ := nd.FromSlice(x, n)
		for _, norm := range []string{"", "ortho", "forward"} {
			f, err := Transform(a, Forward, n, 0, norm)
			if err != nil {
				t.Fatal(err)
			}
			back, err := Transform(f, Inverse, n, 0, norm)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range nd.Values[complex128](back) {
				if cmplx.Abs(v-x[i]) > 1e-12 {
					t.Fatalf("n=%d norm=%q: round trip element %d is %v, want %v", n, norm, i, v, x[i])
				}
			}
		}
		f, _ := Transform(a, Forward, n, 0, "")
		for k, got := range nd.Values[complex128](f) {
			var want complex128
			for j, v := range x {
				want += v * cmplx.Exp(complex(0, -2*math.Pi*float64(j*k)/float64(n)))
			}
			if cmplx.Abs(got-want) > 1e-9 {
				t.Fatalf("n=%d: coefficient %d is %v, the sum %v", n, k, got, want)
			}
		}
		re := make([]float64, n)
		for i := range re {
			re[i] = real(x[i])
		}
		r, _ := nd.FromSlice(re, n)
		c, err := Transform(r, RealForward, n, 0, "")
		if err != nil {
			t.Fatal(err)
		}
		if c.Shape()[0] != n/2+1 {
			t.Fatalf("rfft of %d gave %d coefficients", n, c.Shape()[0])
		}
		back, err := Transform(c, RealInverse, n, 0, "")
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range nd.Values[float64](back) {
			if math.Abs(v-re[i]) > 1e-12 {
				t.Fatalf("n=%d: irfft(rfft) element %d is %v, want %v", n, i, v, re[i])
			}
		}
	}
}

func TestTransformErrors(t *testing.T) {
	a, _ := nd.FromSlice([]float64{1, 2, 3, 4}, 2, 2)
	c, _ := a.AsType(nd.Complex128)
	s, _ := nd.FromSlice([]float64{1})
	s, _ = s.Reshape()
	for _, tc := range []struct {
		a    *nd.Array
		k    Kind
		n    int
		axis int
		norm string
		want string
	}{
		{a, "dct", 2, 0, "", "unknown transform"},
		{a, Forward, 2, 2, "", "axis 2 out of range"},
		{a, Forward, 0, 0, "", "invalid number of points 0"},
		{a, Forward, 2, 0, "half", "invalid norm"},
		{c, RealForward, 2, 0, "", "input must be real"},
		{s, Forward, 1, 0, "", "0-dimensional"},
	} {
		_, err := Transform(tc.a, tc.k, tc.n, tc.axis, tc.norm)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.k, err, tc.want)
		}
	}
}
