package darray_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/nd"
)

// TestTwoResultUfuncsAndRoundUnderChunkings: Frexp, Ldexp, DivMod and Round give, under
// random chunkings, the values of their definitions computed element by element here
// (NumPy's own results are checked by cmd/darray's goldens), in NumPy's dtypes.
func TestTwoResultUfuncsAndRoundUnderChunkings(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 5))
	shape := []int{7, 9}
	x := randomData(rng, shape...)
	vals := nd.Values[float64](x)
	vals[0], vals[1], vals[2], vals[3] = 0, math.Inf(-1), math.NaN(), 5e-324
	x = must(nd.FromSlice(vals, shape...))
	exps, _ := nd.Arange(nd.Int64, -31, 32, 1)
	exps, _ = exps.Reshape(shape...)
	for trial := range 4 {
		a := darray.FromArray(x, randomChunks(rng, shape))
		e := darray.FromArray(exps, randomChunks(rng, shape))
		m, ex := darray.Frexp(a)
		mv, ev := nd.Values[float64](compute(t, m)), compute(t, ex)
		if ev.DType() != nd.Int32 {
			t.Fatalf("frexp exponents are %v, want int32", ev.DType())
		}
		for i, v := range vals {
			wm, we := math.Frexp(v)
			if !(mv[i] == wm || math.IsNaN(wm) && math.IsNaN(mv[i])) || nd.Values[int32](ev)[i] != int32(we) {
				t.Fatalf("trial %d: frexp(%v) = %v, %v; want %v, %v", trial, v, mv[i], nd.Values[int32](ev)[i], wm, we)
			}
		}
		l := compute(t, darray.Ldexp(a, e))
		for i, v := range vals {
			want := math.Ldexp(v, int(nd.Values[int64](exps)[i]))
			if got := nd.Values[float64](l)[i]; !(got == want || math.IsNaN(got) && math.IsNaN(want)) {
				t.Fatalf("trial %d: ldexp(%v, %d) = %v, want %v", trial, v, nd.Values[int64](exps)[i], got, want)
			}
		}
		if s := compute(t, darray.Ldexp(a.AsType(nd.Float32), 3)); s.DType() != nd.Float32 {
			t.Fatalf("ldexp of float32 by an int gives %v", s.DType())
		}
		q, r := darray.DivMod(e, 4)
		qv, rv := nd.Values[int64](compute(t, q)), nd.Values[int64](compute(t, r))
		for i, v := range nd.Values[int64](exps) {
			if qv[i]*4+rv[i] != v || rv[i] < 0 || rv[i] >= 4 {
				t.Fatalf("divmod(%d, 4) = %d, %d", v, qv[i], rv[i])
			}
		}
		rounded := nd.Values[float64](compute(t, a.Round(1)))
		for i, v := range vals {
			want := math.RoundToEven(v*10) / 10
			if got := rounded[i]; !(got == want || math.IsNaN(got) && math.IsNaN(want)) {
				t.Fatalf("round(%v, 1) = %v, want %v", v, got, want)
			}
		}
		tens := compute(t, e.Mul(7).Round(-1))
		for i, v := range nd.Values[int64](tens) {
			want := int64(math.RoundToEven(float64(nd.Values[int64](exps)[i]*7)/10) * 10)
			if v != want || tens.DType() != nd.Int64 {
				t.Fatalf("round(%d, -1) = %d (%v), want %d", nd.Values[int64](exps)[i]*7, v, tens.DType(), want)
			}
		}
	}
	if err := darray.Ldexp(darray.FromArray(x, darray.ChunkSpec{}), 2.5).Err(); err == nil {
		t.Error("ldexp by a float exponent was accepted")
	}
}
