package darray_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/nd"
)

// Bad arguments to the Fourier transforms name the transform and what was wrong.
func TestFFTErrors(t *testing.T) {
	x := darray.NewRNG(1).Random([]int{4, 6}, darray.ChunkSize(2, 3))
	scalar := darray.Full(nil, 1, nd.Float64, darray.ChunkSize())
	cases := []struct {
		got  *darray.Array
		want string
	}{
		{darray.FFT(x, 2, darray.FFTOptions{}), "fft: axis 2 out of range"},
		{darray.FFT(x, 0, darray.FFTOptions{N: -3}), "invalid number of points -3"},
		{darray.IFFT(x, 0, darray.FFTOptions{Norm: "half"}), "invalid norm"},
		{darray.RFFT(x.AsType(nd.Complex128), 0, darray.FFTOptions{}), "input must be real"},
		{darray.IRFFT(darray.Ones([]int{1}, nd.Complex128, darray.ChunkSize(1)), 0, darray.FFTOptions{}), "invalid number of points 0"},
		{darray.FFT(scalar, 0, darray.FFTOptions{}), "0-dimensional"},
		{darray.FFTN(x, []int{3}, []int{0, 1}, ""), "1 lengths for 2 axes"},
		{darray.FFTFreq(0, 1, darray.ChunkSize(1)), "invalid length 0"},
		{darray.FFTShift(x, 5), "axis 5 out of range"},
	}
	for _, c := range cases {
		err := c.got.Err()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want an error containing %q", err, c.want)
		}
	}
}

// Bad arguments to the general reduction and the statistics helpers are named.
func TestStatsErrors(t *testing.T) {
	x := darray.NewRNG(1).Random([]int{4, 6}, darray.ChunkSize(2, 3))
	cube := darray.NewRNG(1).Random([]int{2, 3, 4}, darray.ChunkSize(-1))
	cases := []struct {
		got  *darray.Array
		want string
	}{
		{darray.Reduction(x, darray.ReductionSpec{Chunk: "test-sumsq"}), "Chunk and Aggregate functions are required"},
		{darray.Reduction(x, darray.ReductionSpec{Chunk: "test-top2", Aggregate: "test-top2", OutputSize: 2}), "needs a Combine function"},
		{darray.Reduction(x, darray.ReductionSpec{Chunk: "test-sumsq", Aggregate: "test-sum-keep", Axes: []int{2}}), "axis 2"},
		{darray.Reduction(x, darray.ReductionSpec{Chunk: "no-such-func", Aggregate: "test-sum-keep"}), "not registered"},
		{darray.Moment(x, -1, 0), "order must be non-negative"},
		{darray.Cov(cube, nil, true, false, -1), "more than 2 dimensions"},
		{darray.Cov(x, darray.NewRNG(2).Random([]int{2, 5}, darray.ChunkSize(-1)), true, false, -1), "m has 6 observations and y 5"},
	}
	for _, c := range cases {
		err := c.got.Err()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want an error containing %q", err, c.want)
		}
	}
}

// Bad arguments to sorting, selection and counting are named; a bincount value beyond
// the length given fails the computation, naming it.
func TestSortingErrors(t *testing.T) {
	x := darray.NewRNG(1).Random([]int{4, 6}, darray.ChunkSize(2, 3))
	ints := darray.Arange(0, 10, 1, nd.Int64, darray.ChunkSize(4))
	cases := []struct {
		got  *darray.Array
		want string
	}{
		{x.Sort(2), "axis 2"},
		{x.ArgSort(-3), "axis -3"},
		{x.Quantile([]float64{1.5}, 0), "outside [0, 1]"},
		{x.Percentile([]float64{-1}), "outside [0, 100]"},
		{x.Median(0, 1), "one axis or none"},
		{x.AsType(nd.Complex128).Median(), "complex input"},
		{x.TopK(0, 0), "k=0"},
		{x.TopK(7, 1), "k=7 for axis 1 of length 6"},
		{darray.Histogram(x, nil, []float64{1}, false), "at least 2 are needed"},
		{darray.Histogram(x, nil, []float64{0, 2, 1}, false), "must increase monotonically"},
		{darray.Histogram(x, x.T(), []float64{0, 1}, false), "has shape (6, 4)"},
		{func() *darray.Array { h, _ := darray.HistogramBins(x, nil, 3, 1, 0, false); return h }(), "not finite and increasing"},
		{darray.Bincount(x, nil, 3), "non-negative integers"},
		{darray.Bincount(ints, nil, 0), "length 0"},
		{darray.Digitize(x, []float64{0, 2, 1}, false), "monotonically increasing or decreasing"},
		{darray.SearchSorted(x, x, false), "one dimension"},
	}
	for _, c := range cases {
		err := c.got.Err()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want an error containing %q", err, c.want)
		}
	}
	if _, err := darray.Bincount(ints, nil, 8).Compute(context.Background()); err == nil || !strings.Contains(err.Error(), "value 8 outside [0, 8)") {
		t.Errorf("bincount of values up to 9 with length 8: got %v", err)
	}
}

// Lazy index arrays: bad arguments are named, and an index out of range fails the
// computation naming the index.
func TestGatherErrors(t *testing.T) {
	ctx := context.Background()
	x := darray.NewRNG(1).Random([]int{4, 6}, darray.ChunkSize(2, 3))
	idx := darray.FromArray(must(nd.FromSlice([]int64{0, 5, -7})), darray.ChunkSize(2))
	cases := []struct {
		got  *darray.Array
		want string
	}{
		{x.TakeArray(x, 0), "indices must be integers"},
		{x.TakeArray(idx, 2), "axis 2"},
		{x.VIndex(), "0 index arrays"},
		{x.VIndex(idx, idx.Reshape(3, 1).BroadcastTo(3, 2)), "do not broadcast"},
	}
	for _, c := range cases {
		err := c.got.Err()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want an error containing %q", err, c.want)
		}
	}
	if _, err := x.TakeArray(idx, 1).Compute(ctx); err == nil || !strings.Contains(err.Error(), "index -7 is out of bounds for axis 1 with size 6") {
		t.Errorf("take of -7 along 6: got %v", err)
	}
	if _, err := x.VIndex(idx, idx).Compute(ctx); err == nil || !strings.Contains(err.Error(), "out of bounds") {
		t.Errorf("vindex out of range: got %v", err)
	}
}

// An array of unknown block lengths computes, but other operations report that its
// lengths are unknown until ComputeChunkSizes; bad masks are named.
func TestUnknownChunks(t *testing.T) {
	ctx := context.Background()
	x := darray.NewRNG(1).Random([]int{4, 6}, darray.ChunkSize(2, 3))
	sel := x.SelectMask(x.Greater(0.5))
	if err := sel.Err(); !errors.Is(err, darray.ErrUnknownChunks) {
		t.Fatalf("selection error %v, want ErrUnknownChunks", err)
	}
	if err := sel.Reshape(2, -1).Err(); !errors.Is(err, darray.ErrUnknownChunks) {
		t.Errorf("a reshape of unknown lengths: %v", err)
	}
	if err := sel.Add(1).Sum().Err(); err != nil {
		t.Errorf("a sum of a selection plus one: %v", err)
	}
	got, err := sel.Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	known, err := sel.ComputeChunkSizes(ctx)
	if err != nil || known.Err() != nil {
		t.Fatal(err, known.Err())
	}
	if known.Shape()[0] != got.Size() || got.Size() == 0 || got.Size() == 24 {
		t.Errorf("known length %v, computed %d elements", known.Shape(), got.Size())
	}
	for _, v := range nd.Values[float64](got) {
		if v <= 0.5 {
			t.Fatalf("selected %v, which the mask excludes", v)
		}
	}
	for _, c := range []struct {
		got  *darray.Array
		want string
	}{
		{x.SelectMask(x), "mask must be boolean"},
		{x.SelectMask(x.T().Greater(0.5)), "mask of shape (6, 4)"},
		{sel.Add(x), "meets an array of shape (4, 6): only scalars"},
		{sel.Add(x.SelectMask(x.Less(0.2))), "selections by different masks"},
		{sel.SelectMask(sel), "mask must be boolean"},
		{sel.Sum(darray.Axis(1)), "axis 1 is out of bounds"},
	} {
		if err := c.got.Err(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want an error containing %q", err, c.want)
		}
	}
	// Reductions without an identity fail on an empty selection, as NumPy's do; those
	// with one give it.
	none := x.SelectMask(x.Greater(2))
	for _, r := range []*darray.Array{none.Min(), none.NanMax()} {
		if _, err := r.Compute(ctx); err == nil || !strings.Contains(err.Error(), "of an empty selection: zero-size array") {
			t.Errorf("extreme of an empty selection: got %v", err)
		}
	}
	if _, err := none.ArgMin().Compute(ctx); err == nil || !strings.Contains(err.Error(), "attempt to get argmin of an empty selection") {
		t.Errorf("argmin of an empty selection: got %v", err)
	}
	allNaN := x.Mul(math.NaN()).SelectMask(x.Greater(0.5))
	if _, err := allNaN.Reduce(nd.NanArgMax).Compute(ctx); err == nil || !strings.Contains(err.Error(), "nanargmax: All-NaN slice encountered") {
		t.Errorf("nanargmax of an all-NaN selection: got %v", err)
	}
	if got := compute(t, none.Sum()); nd.Values[float64](got)[0] != 0 {
		t.Errorf("sum of an empty selection = %v, want 0", got)
	}
	if got := compute(t, none.Mean()); !math.IsNaN(nd.Values[float64](got)[0]) {
		t.Errorf("mean of an empty selection = %v, want NaN", got)
	}
}

// Go numbers beside arrays in Where take the dtype of the values, not of the boolean
// condition, as NumPy's np.where(c, x, 0.5) keeps float32.
func TestWhereScalarsTakeTheValuesDType(t *testing.T) {
	c := darray.FromArray(must(nd.FromSlice([]bool{true, false}, 2)), darray.ChunkSize(1))
	x := darray.Ones([]int{2}, nd.Float32, darray.ChunkSize(1))
	i8 := darray.Ones([]int{2}, nd.Int8, darray.ChunkSize(1))
	for _, tc := range []struct {
		got  *darray.Array
		want nd.DType
	}{
		{darray.Where(c, x, 0.5), nd.Float32},
		{darray.Where(c, 0.5, x), nd.Float32},
		{darray.Where(c, i8, 3), nd.Int8},
		{darray.Where(c, 3, 2), nd.Int64},
	} {
		if got := compute(t, tc.got).DType(); got != tc.want {
			t.Errorf("where: dtype %v, want %v (NumPy)", got, tc.want)
		}
	}
}

// Empty arrays reshape (to any shape of no elements, -1 included) and select as NumPy's:
// nothing selected, a sum of 0 and a mean of NaN.
func TestEmptyArraysReshapeAndSelect(t *testing.T) {
	x := darray.Zeros([]int{0, 3}, nd.Float64, darray.ChunkSize(-1))
	if got := compute(t, x.Reshape(3, 0, 2)).Shape(); !slices.Equal(got, []int{3, 0, 2}) {
		t.Errorf("reshape (0, 3) to (3, 0, 2): shape %v", got)
	}
	if got := compute(t, x.FlatNonzero()).Shape(); !slices.Equal(got, []int{0}) {
		t.Errorf("flatnonzero of (0, 3): shape %v", got)
	}
	if got := nd.Values[int64](compute(t, x.FlatNonzero().Sum())); got[0] != 0 {
		t.Errorf("sum of the flatnonzero of (0, 3) = %v", got)
	}
	if got := nd.Values[float64](compute(t, x.SelectMask(x.Greater(0)).Mean())); !math.IsNaN(got[0]) {
		t.Errorf("mean of nothing = %v, want NaN", got)
	}
}
