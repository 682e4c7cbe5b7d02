package darray_test

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/sched"
)

// allocated returns how many bytes fn allocated on the heap.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestAbsurdGraphsAreRefusedBeforeAllocating: expressions whose chunkings or graphs could
// not be held are errors wrapping graph.ErrTooManyBlocks, raised before any per-block
// memory is allocated (each of these used to die of out-of-memory within seconds).
func TestAbsurdGraphsAreRefusedBeforeAllocating(t *testing.T) {
	ctx := context.Background()
	cases := map[string]func() *darray.Array{
		"zeros((10**12,), chunks=1)[0]": func() *darray.Array {
			return darray.Zeros([]int{1e12}, nd.Float64, darray.ChunkSize(1)).Index("0")
		},
		"random((2**31, 2**31)).sum()": func() *darray.Array {
			return darray.NewRNG(1).Random([]int{1 << 31, 1 << 31}, darray.ChunkSpec{}).Sum()
		},
		"outer sum of two million-block vectors": func() *darray.Array {
			v := darray.Zeros([]int{1 << 20}, nd.Float64, darray.ChunkSize(1))
			return v.Index(":, None").Add(v)
		},
		"a 2^40-element Zarr array in one-element chunks": func() *darray.Array {
			return darray.FromZarr(filepath.Join("testdata", "untrusted", "shape-2p40-chunks-1.zarr"), "", darray.ChunkSpec{})
		},
	}
	for name, build := range cases {
		var err error
		bytes := allocated(func() {
			_, err = build().Compute(ctx)
		})
		if !errors.Is(err, graph.ErrTooManyBlocks) {
			t.Errorf("%s: error %v, want one wrapping ErrTooManyBlocks", name, err)
		} else if !strings.Contains(err.Error(), "use larger chunks") {
			t.Errorf("%s: error %q does not say what to do", name, err)
		}
		if bytes > 256<<20 {
			t.Errorf("%s: allocated %d MiB before refusing", name, bytes>>20)
		}
	}
}

// TestHugeAxesStayCheap: element-wise operations on long axes cost their blocks, not
// their elements (unifying the chunks of (zeros((10**10,))+1) walked all 10^10 positions).
func TestHugeAxesStayCheap(t *testing.T) {
	var got float64
	var err error
	bytes := allocated(func() {
		var a *nd.Array
		a, err = darray.Zeros([]int{1e10}, nd.Float64, darray.ChunkSpec{}).Add(1).Index("0").Compute(context.Background())
		if err == nil {
			got = nd.Values[float64](a)[0]
		}
	})
	if err != nil || got != 1 {
		t.Fatalf("(zeros((10**10,))+1)[0] = %v, %v; want 1", got, err)
	}
	if bytes > 64<<20 {
		t.Errorf("(zeros((10**10,))+1)[0] allocated %d MiB", bytes>>20)
	}
}

// TestOversizedStoredChunksAreRefusedAtOpen: a Zarr array whose declared chunks could
// never be decoded on this machine is refused when opened, with the scheduler's PlanError
// (it used to allocate the chunk: out of memory, or a recovered panic for 2^50 elements);
// chunks that fit the machine but not the memory limit are refused by the plan before any
// chunk is read.
func TestOversizedStoredChunksAreRefusedAtOpen(t *testing.T) {
	for _, name := range []string{"chunks-2p40.zarr", "chunks-2p50.zarr"} {
		var err error
		bytes := allocated(func() {
			_, err = darray.FromZarr(filepath.Join("testdata", "untrusted", name), "", darray.ChunkSpec{}).Index("0").Compute(context.Background())
		})
		var pe *sched.PlanError
		if !errors.As(err, &pe) || !pe.Machine || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v, want a PlanError naming the file and this machine's memory", name, err)
		}
		if bytes > 64<<20 {
			t.Errorf("%s: allocated %d MiB before refusing", name, bytes>>20)
		}
	}
	x := darray.FromZarr(filepath.Join("testdata", "untrusted", "chunks-32MB.zarr"), "", darray.ChunkSize(100))
	_, err := x.Index("0, 0").Compute(context.Background(), darray.MemoryLimit(16<<20))
	var pe *sched.PlanError
	if !errors.As(err, &pe) || pe.Machine || pe.Need < 32e6 {
		t.Fatalf("a 100x100 block of 32 MB chunks under a 16 MiB limit: error %v, want a PlanError counting the chunk", err)
	}
	v, err := x.Index("0, 0").Compute(context.Background(), darray.MemoryLimit(256<<20))
	if err != nil || nd.Values[float64](v)[0] != 1.0 {
		t.Fatalf("the same under 256 MiB: %v, %v; want the fill value 1", v, err)
	}
}
