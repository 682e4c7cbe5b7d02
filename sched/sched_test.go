package sched_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/sched"
)

// Test operations: "const" returns its parameter, "sum" adds its inputs, "sleep" waits,
// "fail" fails, "boom" panics.
var running, maxRunning atomic.Int64

func init() {
	graph.Register("test.const", func(p any, _ []any) (any, error) { return p.(int), nil })
	graph.Register("test.sum", func(_ any, in []any) (any, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			m := maxRunning.Load()
			if n <= m || maxRunning.CompareAndSwap(m, n) {
				break
			}
		}
		s := 0
		for _, v := range in {
			s += v.(int)
		}
		return s, nil
	})
	graph.Register("test.sleep", func(p any, _ []any) (any, error) {
		time.Sleep(p.(time.Duration))
		return 1, nil
	})
	graph.Register("test.fail", func(_ any, _ []any) (any, error) { return nil, errors.New("disk on fire") })
	graph.Register("test.boom", func(_ any, _ []any) (any, error) {
		var m map[string]int
		m["x"] = 1 //lint:ignore SA5000 a panic, on purpose
		return nil, nil
	})
}

// tree builds a reduction tree over n leaves with the given fan-in; the root sums 0..n-1.
func tree(n, fanin int) *graph.Graph {
	g := &graph.Graph{}
	var level []int
	for i := range n {
		g.Tasks = append(g.Tasks, graph.Task{Key: fmt.Sprintf("leaf-%d", i), Op: "test.const", Params: i})
		level = append(level, i)
	}
	for len(level) > 1 {
		var next []int
		for i := 0; i < len(level); i += fanin {
			g.Tasks = append(g.Tasks, graph.Task{Key: fmt.Sprintf("sum-%d", len(g.Tasks)), Op: "test.sum", Deps: append([]int{}, level[i:min(i+fanin, len(level))]...)})
			next = append(next, len(g.Tasks)-1)
		}
		level = next
	}
	g.Outputs = []graph.Output{{Tasks: level}}
	return g
}

func TestTreeResults(t *testing.T) {
	for _, opt := range []sched.Options{{}, {Workers: 1}, {Workers: 7}, {Synchronous: true}} {
		for _, n := range []int{1, 2, 17, 1000} {
			out, err := sched.Run(context.Background(), tree(n, 3), opt)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := out[0][0].(int), n*(n-1)/2; got != want {
				t.Errorf("%+v n=%d: sum %d, want %d", opt, n, got, want)
			}
		}
	}
}

func TestWorkersRunInParallel(t *testing.T) {
	maxRunning.Store(0)
	g := tree(400, 2)
	if _, err := sched.Run(context.Background(), g, sched.Options{Workers: 4}); err != nil {
		t.Fatal(err)
	}
	if maxRunning.Load() > 4 {
		t.Errorf("%d tasks ran at once with 4 workers", maxRunning.Load())
	}
}

func TestFailingTaskIsNamed(t *testing.T) {
	for _, op := range []string{"test.fail", "test.boom"} {
		g := tree(50, 4)
		g.Tasks[17].Op = op
		_, err := sched.Run(context.Background(), g, sched.Options{})
		var te *sched.TaskError
		if !errors.As(err, &te) || te.Key != "leaf-17" || te.Op != op {
			t.Fatalf("%s: error %v, want a TaskError for leaf-17", op, err)
		}
		if !strings.Contains(err.Error(), "leaf-17") {
			t.Errorf("error %q does not name the task", err)
		}
	}
}

func TestCancellationIsPrompt(t *testing.T) {
	g := &graph.Graph{}
	for i := range 1000 {
		g.Tasks = append(g.Tasks, graph.Task{Key: fmt.Sprint(i), Op: "test.sleep", Params: 5 * time.Millisecond})
	}
	all := make([]int, 1000)
	for i := range all {
		all[i] = i
	}
	g.Outputs = []graph.Output{{Tasks: all}}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancel)
	start := time.Now()
	_, err := sched.Run(ctx, g, sched.Options{Workers: 2})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	// 1000 tasks of 5 ms on 2 workers take 2.5 s; cancelled, Run returns after the tasks
	// in flight, a few milliseconds.
	if d := time.Since(start); d > time.Second {
		t.Errorf("Run returned %v after cancellation", d)
	}
}

func TestNoGoroutineLeaks(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 20 {
		sched.Run(context.Background(), tree(100, 3), sched.Options{Workers: 8})
		g := tree(100, 3)
		g.Tasks[5].Op = "test.fail"
		sched.Run(context.Background(), g, sched.Options{Workers: 8})
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines before, %d after", before, n)
	}
}

// TestDepthFirstKeepsFewResults checks the ordering: on a wide tree reduction, the number
// of results alive at once stays near the tree's height, not its width.
func TestDepthFirstKeepsFewResults(t *testing.T) {
	for _, workers := range []int{1, 2, 8} {
		g := tree(4096, 4)
		p := &peak{}
		if _, err := sched.Run(context.Background(), g, sched.Options{Workers: workers, Progress: p}); err != nil {
			t.Fatal(err)
		}
		// Depth-first, a 4-ary tree of height 6 holds at most 4 results per level, plus
		// what the other workers run ahead: not thousands of leaves.
		if p.max > 4*7+8*workers {
			t.Errorf("workers=%d: %d results alive at once on a 4096-leaf tree", workers, p.max)
		}
	}
}

// peak counts results alive (done and not yet consumed) as tasks finish.
type peak struct {
	alive, max int
}

func (p *peak) Start(int, int64) {}
func (p *peak) TaskDone(t *graph.Task, _ time.Duration) {
	p.alive += 1 - len(t.Deps)
	p.max = max(p.max, p.alive)
}
func (p *peak) Finish(error) {}

func BenchmarkTrivialTasks(b *testing.B) {
	g := tree(100_000, 8)
	b.ResetTimer()
	for b.Loop() {
		if _, err := sched.Run(context.Background(), g, sched.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(g.Tasks)), "ns/task")
}

func TestProgressBarAndCallback(t *testing.T) {
	var out strings.Builder
	bar := sched.NewBar(&out)
	bar.Interval = 0
	if _, err := sched.Run(context.Background(), tree(100, 4), sched.Options{Progress: bar}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.Contains(s, "100%") || !strings.Contains(s, "135/135 tasks") || !strings.HasSuffix(s, "\n") {
		t.Errorf("bar output ends %q", s[max(0, len(s)-120):])
	}
	if n := strings.Count(s, "\r"); n < 100 {
		t.Errorf("bar drew %d times for 135 tasks with no throttle", n)
	}
	var last, calls int
	cb := sched.Callback(func(done, total int, _ time.Duration) {
		if done != last+1 || total != 135 {
			t.Errorf("callback got %d/%d after %d", done, total, last)
		}
		last = done
		calls++
	})
	if _, err := sched.Run(context.Background(), tree(100, 4), sched.Options{Progress: cb}); err != nil {
		t.Fatal(err)
	}
	if calls != 135 {
		t.Errorf("callback called %d times, want 135", calls)
	}
}
