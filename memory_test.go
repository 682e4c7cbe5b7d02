package darray_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/internal/ndtest"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/sched"
)

// heldExpression keeps many blocks alive: each output block of y + y.T reads a block of y
// that the depth-first order finishes long before its mirror image is needed.
func heldExpression() *darray.Array {
	data, err := darray.NewRNG(3).Random([]int{800, 800}, darray.ChunkSize(-1)).Compute(context.Background())
	if err != nil {
		panic(err)
	}
	x := darray.FromArray(data, darray.ChunkSize(50))
	y := x.Rechunk(darray.ChunkSize(40)).Mul(3) // rechunk blocks are tasks whose results are held
	return y.Add(y.T()).Var(darray.Axis(0))
}

func TestSpillingGivesIdenticalResults(t *testing.T) {
	ctx := context.Background()
	var free sched.Stats
	want, err := heldExpression().Compute(ctx, darray.MemoryLimit(-1), darray.WithStats(&free))
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2, 4} {
		dir := t.TempDir()
		var st sched.Stats
		limit := int64(100 << 10) // 100 KiB: a few 12.5 KiB blocks at a time
		got, err := heldExpression().Compute(ctx, darray.MemoryLimit(limit), darray.SpillDir(dir), darray.Workers(workers), darray.WithStats(&st))
		if err != nil {
			t.Fatal(err)
		}
		ndtest.Close(t, "spilled", got, want, 0)
		if st.SpillFiles == 0 || st.SpilledBytes == 0 {
			t.Errorf("workers=%d: nothing was spilled (stats %+v; unlimited peak %d)", workers, st, free.PeakBytes)
		}
		if st.PeakBytes > limit {
			t.Errorf("workers=%d: peak %d bytes above the limit of %d", workers, st.PeakBytes, limit)
		}
		if free.PeakBytes <= limit {
			t.Errorf("the unlimited run peaked at %d bytes: the test does not force spilling", free.PeakBytes)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 0 {
			t.Errorf("spill directory left behind: %v", entries)
		}
	}
}

func TestImpossiblePlansAreRefused(t *testing.T) {
	x := darray.NewRNG(1).Random([]int{1000, 1000}, darray.ChunkSize(500))
	_, err := x.Add(1).Sum().Compute(context.Background(), darray.MemoryLimit(1<<20))
	var pe *sched.PlanError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v, want a PlanError", err)
	}
	for _, s := range []string{"smaller chunks", "memory limit", "1.00 MiB"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %q", err, s)
		}
	}
}

func TestUnwritableSpillDirectoryFails(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "missing", "deeper")
	_, err := heldExpression().Compute(context.Background(), darray.MemoryLimit(100<<10), darray.SpillDir(dir))
	if err == nil || !strings.Contains(err.Error(), "spill") {
		t.Fatalf("error %v, want one about the spill directory", err)
	}
}

func TestCancelledComputationRemovesSpillFiles(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	p := &cancelAfter{n: 40, cancel: cancel}
	_, err := heldExpression().Compute(ctx, darray.MemoryLimit(100<<10), darray.SpillDir(dir), darray.WithProgress(p))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("spill directory left behind after cancellation: %v", entries)
	}
}

// cancelAfter cancels the computation after n tasks.
type cancelAfter struct {
	n      int
	cancel func()
}

func (c *cancelAfter) Start(int, int64) {}

func (c *cancelAfter) TaskDone(*graph.Task, time.Duration) {
	c.n--
	if c.n == 0 {
		c.cancel()
	}
}
func (c *cancelAfter) Finish(error) {}

// A median of all elements of an array larger than the memory limit: radix selection
// holds a block and its counters at a time, never the array, and finds NumPy's median of
// the whole.
func TestMedianOfAllInBoundedMemory(t *testing.T) {
	x := darray.NewRNG(9).Normal(0, 1, []int{2000, 2000}, darray.ChunkSize(500, 500)) // 32 MB in 2 MB blocks
	whole := compute(t, x)
	want, err := nd.Median(must(whole.Reshape(-1)), 0)
	if err != nil {
		t.Fatal(err)
	}
	var st sched.Stats
	limit := int64(12 << 20)
	got, err := x.Median().Compute(context.Background(), darray.MemoryLimit(limit), darray.WithStats(&st))
	if err != nil {
		t.Fatal(err)
	}
	ndtest.Close(t, "median", got, want, 0)
	if st.PeakBytes > limit {
		t.Errorf("peak %d bytes above the limit of %d", st.PeakBytes, limit)
	}
	if st.SpilledBytes != 0 {
		t.Errorf("spilled %d bytes: the selection should need no more than a few blocks", st.SpilledBytes)
	}
}
