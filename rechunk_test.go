package darray_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/internal/ndtest"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/sched"
)

// Column strips to row strips of a 288 MB array: the plan goes through an intermediate
// cut (graph.PlanRechunk), splits every source block as soon as it is read, and under a
// memory limit spills about the intermediate once. Sources: a compressed
// Zarr array (whose chunks must be decoded whole), an uncompressed one (whose windows are
// read on their own, directly) and a computed array.
func TestRechunkStripsToStripsInBoundedMemory(t *testing.T) {
	ctx := context.Background()
	const n = 6000
	base := darray.NewRNG(5).Random([]int{n, n}, darray.ChunkSize(n, 100))
	want, err := base.Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, c := range []string{"blosc", ""} {
		if err := darray.ToZarr(ctx, base, filepath.Join(dir, "src"+c+".zarr"), "x", darray.ZarrOptions{Compressor: c}); err != nil {
			t.Fatal(err)
		}
	}
	sources := map[string]*darray.Array{
		"blosc zarr":        darray.FromZarr(filepath.Join(dir, "srcblosc.zarr"), "x", darray.ChunkSpec{}),
		"uncompressed zarr": darray.FromZarr(filepath.Join(dir, "src.zarr"), "x", darray.ChunkSpec{}),
		"computed":          base.Add(0.0),
	}
	const limit = 100 << 20
	for name, src := range sources {
		var st sched.Stats
		dst := filepath.Join(t.TempDir(), "dst.zarr")
		err := darray.ToZarr(ctx, src, dst, "x", darray.ZarrOptions{Chunks: []int{100, n}}, darray.MemoryLimit(limit), darray.SpillDir(t.TempDir()), darray.WithStats(&st))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ndtest.Close(t, name, compute(t, darray.FromZarr(dst, "x", darray.ChunkSpec{})), want, 0)
		if st.PeakBytes > limit {
			t.Errorf("%s: peak %d bytes above the limit", name, st.PeakBytes)
		}
		// The intermediate goes to disk about once (a few source blocks may too, when the
		// limit is tight); a plan that kept source blocks whole would spill them again and
		// again (5.5 times the array before splits were ordered first).
		if st.SpilledBytes > int64(n*n*8)*3/2 {
			t.Errorf("%s: spilled %d bytes, more than 1.5 times the array's %d", name, st.SpilledBytes, n*n*8)
		}
		t.Logf("%s: %d tasks, peak %d MB, spilled %d MB", name, st.Tasks, st.PeakBytes>>20, st.SpilledBytes>>20)
	}
}

// Uncompressed and Blosc Zarr chunks are read a run of rows at a time (Blosc: only the
// blocks holding them): any window, with any steps, reads the same elements as indexing
// the whole array. The Blosc chunks here span several Blosc blocks, and some windows fall
// in the padding of edge chunks' last block.
func TestPartialZarrWindows(t *testing.T) {
	ctx := context.Background()
	data := must(darray.NewRNG(8).Random([]int{2000, 23, 5}, darray.ChunkSize(-1)).Compute(ctx))
	for _, zo := range []darray.ZarrOptions{
		{Chunks: []int{1300, 7, 5}},
		{Chunks: []int{1300, 7, 5}, Compressor: "blosc"}, // 364 KB chunks: two 256 KB blocks
		{Chunks: []int{1300, 7, 5}, Compressor: "blosc", BloscCName: "zstd"},
	} {
		dir := filepath.Join(t.TempDir(), "w.zarr")
		if err := darray.ToZarr(ctx, darray.FromArray(data, darray.ChunkSize(1300, 7, 5)), dir, "", zo); err != nil {
			t.Fatal(err)
		}
		checkWindows(t, darray.FromZarr(dir, "", darray.ChunkSpec{}), data)
	}
}

func checkWindows(t *testing.T, x *darray.Array, data *nd.Array) {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	for range 40 {
		idx := make([]nd.Index, 3)
		for d, size := range data.Shape() {
			lo, hi := rng.IntN(size), rng.IntN(size)
			step := 1 + rng.IntN(3)
			if lo > hi {
				step = -step
			}
			idx[d] = nd.Slice(lo, hi, step)
		}
		want := must(data.Index(idx...))
		got := compute(t, x.IndexWith(idx...))
		ndtest.Close(t, "window", got, want, 0)
	}
}
