package cluster_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/cluster"
	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/store"
)

func init() {
	err := darray.RegisterBlockFunc("test.panic", func(_ any, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		var m map[string]int
		m["boom"]++ //lint:ignore SA5000 a bug in a block function, on purpose
		return blocks[0], nil
	})
	if err != nil {
		panic(err)
	}
}

// A task that panics fails the computation promptly with an error naming it, as on the
// local scheduler; the worker recovers and is not restarted.
func TestPanickingTaskFailsTheComputation(t *testing.T) {
	ctx := context.Background()
	lc, err := cluster.NewLocalCluster(ctx, cluster.LocalOptions{Workers: 2, Dashboard: "off"})
	if err != nil {
		t.Fatal(err)
	}
	defer lc.Close()
	x := darray.Ones([]int{8}, nd.Float64, darray.ChunkSize(2))
	start := time.Now()
	_, err = darray.MapBlocks("test.panic", []*darray.Array{x}).Sum().Compute(ctx, darray.WithExecutor(lc.Client()))
	took := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "test.panic") || !strings.Contains(err.Error(), "panic") {
		t.Fatalf("got %v, want an error naming the panicking task", err)
	}
	if took > 10*time.Second {
		t.Errorf("the computation failed after %v, want under 10 s", took)
	}
	time.Sleep(500 * time.Millisecond) // (a crashed worker would be restarted by now)
	if n := lc.Restarts(); n != 0 {
		t.Errorf("%d worker restarts after a panicking task, want 0", n)
	}
	// The workers go on computing.
	got, err := x.Sum().Compute(ctx, darray.WithExecutor(lc.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := nd.At[float64](got); v != 8 {
		t.Errorf("after the failure: sum %v, want 8", v)
	}
}

// A graph whose task writes somewhere it does not declare as an output is refused by the
// workers, and the file is left as it was; declared, the same write is done.
func TestUndeclaredWriteRefused(t *testing.T) {
	ctx := context.Background()
	lc, err := cluster.NewLocalCluster(ctx, cluster.LocalOptions{Workers: 1, Dashboard: "off"})
	if err != nil {
		t.Fatal(err)
	}
	defer lc.Close()
	target := filepath.Join(t.TempDir(), "victim")
	original := bytes.Repeat([]byte{7}, 64)
	if err := os.WriteFile(target, original, 0o600); err != nil {
		t.Fatal(err)
	}
	g, err := darray.Graph(darray.Ones([]int{8}, nd.Float64, darray.ChunkSize(8)))
	if err != nil {
		t.Fatal(err)
	}
	g.Tasks = append(g.Tasks, graph.Task{Key: "write", Op: store.FlatWriteOp, Deps: []int{g.Outputs[0].Tasks[0]},
		Params: &store.FlatWrite{Path: target, Shape: []int{8}, Origin: []int{0}}})
	g.Outputs = []graph.Output{{Tasks: []int{len(g.Tasks) - 1}}}
	if _, err := lc.Client().Execute(ctx, g); err == nil || !strings.Contains(err.Error(), "does not declare") {
		t.Fatalf("got %v, want a refusal of the undeclared write", err)
	}
	if now, _ := os.ReadFile(target); !bytes.Equal(now, original) {
		t.Fatal("the undeclared write changed the file")
	}
	g.Writes = []string{target}
	if _, err := lc.Client().Execute(ctx, g); err != nil {
		t.Fatalf("the declared write: %v", err)
	}
	if now, _ := os.ReadFile(target); bytes.Equal(now, original) {
		t.Fatal("the declared write did not happen")
	}
}

// A worker stopped (SIGSTOP: alive to the kernel, silent to everyone) in the middle of
// the tutorial's computation costs only time: the others finish it with the exact result.
// Each round stops a worker at a random point (seeds logged), then lets it go on; it finds
// itself written off and is started afresh. Nothing is left behind.
func TestStoppedWorkerDuringTutorial(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	x := darray.NewRNG(11).Random([]int{6000, 6000}, darray.ChunkSize(500, 500))
	tutorial := x.Add(x.T()).Index("::2, 3000:").Mean(darray.Axis(1))
	want, err := tutorial.Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lc, err := cluster.NewLocalCluster(ctx, cluster.LocalOptions{Workers: 3, Dashboard: "off", DeadAfter: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	// An undisturbed run on the cluster tells how long the computation takes: each round
	// stops a worker somewhere in its first half.
	start := time.Now()
	if _, err := tutorial.Compute(ctx, darray.WithExecutor(lc.Client())); err != nil {
		t.Fatal(err)
	}
	span := time.Since(start) / 2
	var pids []int
	for round := range 2 {
		seed := uint64(time.Now().UnixNano())
		rng := rand.New(rand.NewPCG(seed, uint64(round)))
		live := lc.Pids()
		victim := live[rng.IntN(len(live))]
		delay := time.Duration(rng.Int64N(int64(span)))
		t.Logf("round %d: seed %d, stopping worker %d after %v", round, seed, victim, delay)
		var stopped atomic.Bool
		stop := time.AfterFunc(delay, func() { stopped.Store(syscall.Kill(victim, syscall.SIGSTOP) == nil) })
		start := time.Now()
		got, err := tutorial.Compute(ctx, darray.WithExecutor(lc.Client()))
		stop.Stop()
		syscall.Kill(victim, syscall.SIGCONT)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if !stopped.Load() {
			t.Fatalf("round %d: the computation ended in %v, before the worker was stopped", round, time.Since(start))
		}
		if !same(got, want) {
			t.Fatalf("round %d: result differs from the local one", round)
		}
		t.Logf("round %d: finished in %v", round, time.Since(start))
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err = lc.Client().WaitForWorkers(wctx, 3)
		cancel()
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		pids = append(pids, lc.Pids()...)
	}
	closeLeavesNothing(t, lc, pids, tmp)
}
