package darray_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/sched"
)

// BenchmarkTutorial is the tutorial workload: random 10000x10000 in 1000x1000 chunks,
// y = x + x.T, y[::2, 5000:].mean(axis=1), compute only (bench/tutorial.sh runs dask beside it).
func BenchmarkTutorial(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		x := darray.NewRNG(42).Random([]int{10000, 10000}, darray.ChunkSize(1000, 1000))
		z := x.Add(x.T()).Index("::2, 5000:").Mean(darray.Axis(1))
		if _, err := z.Compute(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildAndLower1MChunks builds the tutorial expression over a 1,000,000-block
// array and lowers it to its optimized task graph (the blocks the result needs).
func BenchmarkBuildAndLower1MChunks(b *testing.B) {
	for b.Loop() {
		x := darray.NewRNG(42).Random([]int{100000, 100000}, darray.ChunkSize(100, 100))
		z := x.Add(x.T()).Index("::2, 50000:").Mean(darray.Axis(1))
		if _, err := darray.Graph(z); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildAndLowerWhole1MChunks lowers an expression that needs every one of the
// 1,000,000 blocks: (x + 1).sum().
func BenchmarkBuildAndLowerWhole1MChunks(b *testing.B) {
	for b.Loop() {
		x := darray.NewRNG(42).Random([]int{100000, 100000}, darray.ChunkSize(100, 100))
		if _, err := darray.Graph(x.Add(1).Sum()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTutorialPhilox is the tutorial on NumPy's Philox stream (same numbers as NumPy).
func BenchmarkTutorialPhilox(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		x := darray.NewPhiloxRNG(42).Random([]int{10000, 10000}, darray.ChunkSize(1000, 1000))
		z := x.Add(x.T()).Index("::2, 5000:").Mean(darray.Axis(1))
		if _, err := z.Compute(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWorkload1e9 is the tutorial expression at 31623 x 31623 (1e9 elements).
func BenchmarkWorkload1e9(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		x := darray.NewRNG(42).Random([]int{31623, 31623}, darray.ChunkSize(1000, 1000))
		z := x.Add(x.T()).Index("::2, 15811:").Mean(darray.Axis(1))
		if _, err := z.Compute(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTutorialProgress is BenchmarkTutorial with a progress bar drawing (to nowhere),
// to show the bar costs nothing measurable.
func BenchmarkTutorialProgress(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		x := darray.NewRNG(42).Random([]int{10000, 10000}, darray.ChunkSize(1000, 1000))
		z := x.Add(x.T()).Index("::2, 5000:").Mean(darray.Axis(1))
		if _, err := z.Compute(ctx, darray.WithProgress(sched.NewBar(io.Discard))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMapOverlap is bench/overlap.sh at a fifth of the size: a 3x3 mean filter (the
// test's test-mean3x3) with map_overlap over 4000x4000 random numbers in 1000x1000 blocks,
// then the mean.
func BenchmarkMapOverlap(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		x := darray.NewRNG(1).Random([]int{4000, 4000}, darray.ChunkSize(1000, 1000))
		m := darray.MapOverlap("test-mean3x3", x, []int{1}, darray.BoundaryReflect).Mean()
		if _, err := m.Compute(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRechunkStrips re-cuts a Blosc-compressed 4000 x 4000 Zarr array from column
// strips to row strips (partial Blosc reads; bench/rechunk.sh runs 20000 x 20000 against
// dask).
func BenchmarkRechunkStrips(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	src := filepath.Join(dir, "src.zarr")
	x := darray.NewRNG(1).Random([]int{4000, 4000}, darray.ChunkSize(4000, 20))
	if err := darray.ToZarr(ctx, x, src, "x", darray.ZarrOptions{Compressor: "blosc"}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		dst := filepath.Join(dir, "dst.zarr")
		os.RemoveAll(dst)
		if err := darray.ToZarr(ctx, darray.FromZarr(src, "x", darray.ChunkSpec{}), dst, "x", darray.ZarrOptions{Chunks: []int{20, 4000}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatmul sums a 2000 x 2000 matrix product in 500 x 500 blocks
// (bench/matmul.sh runs 20000 x 20000 against dask).
func BenchmarkMatmul(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		rng := darray.NewRNG(1)
		x := rng.Random([]int{2000, 2000}, darray.ChunkSize(500, 500))
		y := rng.Random([]int{2000, 2000}, darray.ChunkSize(500, 500))
		if _, err := darray.Matmul(x, y).Sum().Compute(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTallSkinnySVD decomposes 200,000 x 50 in blocks of 20,000 rows (bench/tsvd.sh
// runs 2,000,000 x 100 against dask).
func BenchmarkTallSkinnySVD(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		x := darray.NewRNG(1).Random([]int{200000, 50}, darray.ChunkSize(20000, 50))
		u, s, vt := darray.SVD(x)
		if _, err := darray.Compute(ctx, []*darray.Array{u.Sum(), s, vt}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMedianAll finds the median of all 4e6 elements of 2000 x 2000 in 500 x 500
// blocks by radix selection (bench/median.sh runs 20000 x 20000 against NumPy and dask).
func BenchmarkMedianAll(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		x := darray.NewRNG(1).Random([]int{2000, 2000}, darray.ChunkSize(500, 500))
		if _, err := x.Median().Compute(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
