package darray_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/internal/ndtest"
	"github.com/darray-go/darray/nd"
)

// TestShapeRoutinesUnderChunkings: the *_like creators, atleast_nd, dstack,
// broadcast_arrays, rot90, append, meshgrid, indices, diff, ediff1d, ptp and gradient give under random chunkings what
// they give on one block (NumPy's own results are cmd/darray's goldens).
func TestShapeRoutinesUnderChunkings(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 9))
	x := randomData(rng, 5, 7)
	v := randomData(rng, 7)
	one := func(a *nd.Array) *darray.Array { return darray.FromArray(a, darray.ChunkSize(-1)) }
	cases := map[string]func(x, v *darray.Array) *darray.Array{
		"full_like":         func(x, _ *darray.Array) *darray.Array { return darray.FullLike(x, 2.5) },
		"ones_like":         func(x, _ *darray.Array) *darray.Array { return darray.OnesLike(x).Add(x) },
		"atleast_3d":        func(x, _ *darray.Array) *darray.Array { return darray.AtLeast3D(x) },
		"atleast_2d vector": func(_, v *darray.Array) *darray.Array { return darray.AtLeast2D(v) },
		"dstack":            func(x, _ *darray.Array) *darray.Array { return darray.DStack(x, x.Mul(2)) },
		"broadcast_arrays":  func(x, v *darray.Array) *darray.Array { return darray.BroadcastArrays(x, v)[1] },
		"rot90 1":           func(x, _ *darray.Array) *darray.Array { return darray.Rot90(x, 1, [2]int{0, 1}) },
		"rot90 2":           func(x, _ *darray.Array) *darray.Array { return darray.Rot90(x, 2, [2]int{0, 1}) },
		"rot90 -1, 1 0":     func(x, _ *darray.Array) *darray.Array { return darray.Rot90(x, -1, [2]int{1, 0}) },
		"append flat":       func(x, v *darray.Array) *darray.Array { return darray.Append(x, v, nil) },
		"append rows":       func(x, v *darray.Array) *darray.Array { ax := 0; return darray.Append(x, v.Reshape(1, 7), &ax) },
		"meshgrid xy":       func(x, v *darray.Array) *darray.Array { return darray.Meshgrid("xy", x.Index("0"), v)[0] },
		"meshgrid ij":       func(x, v *darray.Array) *darray.Array { return darray.Meshgrid("ij", x.Index("0"), v)[1] },
		"diff":              func(x, _ *darray.Array) *darray.Array { return x.Diff(1, 1) },
		"diff 2 axis 0":     func(x, _ *darray.Array) *darray.Array { return x.Diff(2, 0) },
		"ediff1d":           func(x, _ *darray.Array) *darray.Array { return x.Ediff1d() },
		"ptp":               func(x, _ *darray.Array) *darray.Array { return x.Ptp(darray.Axis(0)) },
		"gradient 0":        func(x, _ *darray.Array) *darray.Array { return x.Gradient(0, 0.5) },
		"gradient 1":        func(x, _ *darray.Array) *darray.Array { return x.Gradient(1, 2) },
	}
	for name, f := range cases {
		want := compute(t, f(one(x), one(v)))
		for trial := range 4 {
			got := compute(t, f(darray.FromArray(x, randomChunks(rng, x.Shape())), darray.FromArray(v, randomChunks(rng, v.Shape()))))
			ndtest.Close(t, fmt.Sprintf("%s, chunking %d", name, trial), got, want, 0)
		}
	}
	want := compute(t, darray.Indices([]int{4, 6}, nd.Int32, darray.ChunkSize(-1)))
	for trial := range 4 {
		shape := []int{4, 6}
		got := compute(t, darray.Indices(shape, nd.Int32, randomChunks(rng, shape)))
		ndtest.Close(t, fmt.Sprintf("indices, chunking %d", trial), got, want, 0)
	}
	if got := nd.Values[int32](want); got[6] != 1 || got[24+5] != 5 || got[13] != 2 {
		t.Errorf("indices((4, 6)) = %v", want)
	}
	if err := darray.Rot90(one(v), 1, [2]int{0, 1}).Err(); err == nil {
		t.Error("rot90 of a vector was accepted")
	}
	if err := darray.BroadcastArrays(one(x), one(randomData(rng, 3)))[0].Err(); err == nil {
		t.Error("broadcast_arrays of (5, 7) and (3,) was accepted")
	}
}

// TestNonzeroUnderChunkings: the indices Nonzero gives along each axis, under random
// chunkings, are those of the non-zero elements in C order.
func TestNonzeroUnderChunkings(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 6))
	shape := []int{6, 5, 4}
	vals := make([]float64, 120)
	for i := range vals {
		if rng.IntN(3) == 0 {
			vals[i] = float64(1 + rng.IntN(5))
		}
	}
	x := must(nd.FromSlice(vals, shape...))
	var want [3][]int64
	for i, v := range vals {
		if v != 0 {
			want[0] = append(want[0], int64(i/20))
			want[1] = append(want[1], int64(i/4%5))
			want[2] = append(want[2], int64(i%4))
		}
	}
	for trial := range 4 {
		idx := darray.FromArray(x, randomChunks(rng, shape)).Nonzero()
		for k, ix := range idx {
			got := nd.Values[int64](compute(t, ix))
			if fmt.Sprint(got) != fmt.Sprint(want[k]) {
				t.Fatalf("chunking %d, axis %d: %v, want %v", trial, k, got, want[k])
			}
		}
	}
}
