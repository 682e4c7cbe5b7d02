package darray_test

import (
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
