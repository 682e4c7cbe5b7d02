package cluster_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/cluster"
	"github.com/darray-go/darray/dashboard"
	"github.com/darray-go/darray/nd"
	"github.com/nats-io/nats.go"
)

// The test binary is also the workers' program: LocalCluster starts it again as a worker.
func TestMain(m *testing.M) {
	cluster.MaybeRunWorker()
	if os.Getenv(interruptedProgram) != "" {
		runInterruptedProgram()
	}
	os.Exit(m.Run())
}

// workloads are the expressions the cluster must compute exactly as the local scheduler.
func workloads() map[string]*darray.Array {
	rng := darray.NewRNG(42)
	x := rng.Random([]int{2000, 2000}, darray.ChunkSize(500, 500))
	y := x.Add(x.T())
	data, _ := nd.Arange(nd.Float64, 0, 600*400, 1)
	data, _ = data.Reshape(600, 400)
	d := darray.FromArray(data, darray.ChunkSize(100, 400))
	return map[string]*darray.Array{
		// the tutorial: fused generators, partial means merged across workers
		"tutorial": y.Index("::2, 1000:").Mean(darray.Axis(1)),
		// blocks that move between workers: a rechunk, then a reduction of the pieces
		"rechunk": d.Rechunk(darray.ChunkSize(600, 50)).Mul(2).Sum(darray.Axis(0)),
		// a cumulative sum chains block to block
		"cumsum": d.CumSum(0).Index("::7, ::9"),
	}
}

func localResults(t *testing.T) map[string]*nd.Array {
	out := map[string]*nd.Array{}
	for name, a := range workloads() {
		v, err := a.Compute(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out[name] = v
	}
	return out
}

func same(a, b *nd.Array) bool {
	return a.DType() == b.DType() && nd.EqualShapes(a.Shape(), b.Shape()) && bytes.Equal(a.Bytes(false), b.Bytes(false))
}

// A LocalCluster of two worker processes gives exactly the local scheduler's results, and
// leaves no process or file behind.
func TestLocalClusterMatchesLocalScheduler(t *testing.T) {
	ctx := context.Background()
	want := localResults(t)
	// Its temporary files go in a directory of the test's: it must be empty at the end.
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	lc, err := cluster.NewLocalCluster(ctx, cluster.LocalOptions{Workers: 2, ThreadsPerWorker: 2, MemoryLimit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(lc)
	pids := lc.Pids()
	if len(pids) != 2 {
		t.Errorf("%d worker processes, want 2", len(pids))
	}
	for name, a := range workloads() {
		got, err := a.Compute(ctx, darray.WithExecutor(lc.Client()))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !same(got, want[name]) {
			t.Errorf("%s: cluster result differs from the local one", name)
		}
	}
	busy := 0
	for deadline := time.Now().Add(2 * time.Second); busy < 2 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		busy = 0 // (the counts come with the workers' heartbeats)
		for _, w := range lc.Client().Workers() {
			if w.Computed > 0 {
				busy++
			}
		}
	}
	if busy != 2 {
		t.Errorf("%d of 2 workers ran tasks", busy)
	}
	closeLeavesNothing(t, lc, pids, tmp)
}

func processAlive(pid int) bool {
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil || bytes.Contains(raw, []byte(") Z ")) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}

// A worker SIGKILLed at a random point of a computation costs only time: its queued tasks
// run elsewhere, the results only it held are computed again, the result is exact, and
// nothing is left queued. The supervisor starts a new worker in its place.
func TestWorkerKilledMidRun(t *testing.T) {
	ctx := context.Background()
	rng := darray.NewRNG(7)
	x := rng.Random([]int{4000, 4000}, darray.ChunkSize(400, 400))
	cases := map[string]*darray.Array{
		"moving blocks": x.Rechunk(darray.ChunkSize(4000, 100)).Mul(3).Sum(darray.Axis(0)),
		"tutorial":      x.Add(x.T()).Index("::2, 2000:").Mean(darray.Axis(1)),
	}
	want := map[string]*nd.Array{}
	for name, a := range cases {
		v, err := a.Compute(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want[name] = v
	}
	lc, err := cluster.NewLocalCluster(ctx, cluster.LocalOptions{Workers: 2, ThreadsPerWorker: 1, DeadAfter: 2 * time.Second, Dashboard: "off"})
	if err != nil {
		t.Fatal(err)
	}
	defer lc.Close()
	// How long one run takes, to place the kills inside it.
	start := time.Now()
	if _, err := cases["moving blocks"].Compute(ctx, darray.WithExecutor(lc.Client())); err != nil {
		t.Fatal(err)
	}
	span := time.Since(start)
	seed := time.Now().UnixNano()
	t.Logf("one run: %v; kill points from seed %d", span, seed)
	r := rand.New(rand.NewPCG(uint64(seed), 1))
	for round := range 3 {
		for _, name := range []string{"moving blocks", "tutorial"} {
			if err := lc.Client().WaitForWorkers(ctx, 2); err != nil {
				t.Fatal(err)
			}
			pids := lc.Pids()
			victim := pids[r.IntN(len(pids))]
			delay := time.Duration(r.Float64() * float64(span))
			go func() {
				time.Sleep(delay)
				syscall.Kill(victim, syscall.SIGKILL)
			}()
			got, err := cases[name].Compute(ctx, darray.WithExecutor(lc.Client()))
			if err != nil {
				t.Fatalf("round %d %s (kill after %v): %v", round, name, delay, err)
			}
			if !same(got, want[name]) {
				t.Errorf("round %d %s (kill after %v): result differs", round, name, delay)
			}
			// The dead worker's queue is removed as the computation goes on: it empties.
			var n uint64
			for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				if n, err = lc.Client().Queued(ctx); err == nil && n == 0 {
					break
				}
			}
			if err != nil || n != 0 {
				t.Errorf("round %d %s: %d tasks left queued (%v)", round, name, n, err)
			}
		}
	}
	if lc.Restarts() == 0 {
		t.Error("no worker was restarted")
	}
}

// insecure reaches a server on loopback without credentials.
func insecure(url string) cluster.ConnectOptions {
	return cluster.ConnectOptions{URL: url, Security: cluster.Security{Insecure: true}}
}

// startWorkers runs n workers in this process until the returned function stops them.
func startWorkers(ctx context.Context, t *testing.T, n int, o cluster.WorkerOptions) (stop func()) {
	wctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := cluster.RunWorker(wctx, o); err != nil {
				t.Error(err)
			}
		}()
	}
	return func() { cancel(); wg.Wait() }
}

// A LocalCluster's dashboard shows its computations: every task, run by both workers, and
// each worker's memory.
func TestLocalClusterDashboard(t *testing.T) {
	ctx := context.Background()
	lc, err := cluster.NewLocalCluster(ctx, cluster.LocalOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer lc.Close()
	a := workloads()["tutorial"]
	g, _ := darray.Graph(a)
	if _, err := a.Compute(ctx, darray.WithExecutor(lc.Client())); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(lc.DashboardURL() + "api/status")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st dashboard.Status
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	if len(st.Computations) != 1 || st.Computations[0].Done != len(g.Tasks) || st.Computations[0].State != "done" {
		t.Fatalf("dashboard computations %+v, want one done with %d tasks", st.Computations, len(g.Tasks))
	}
	if id := st.Computations[0].ID; id >= 1<<53 {
		t.Errorf("computation ID %d is beyond what the page's JavaScript numbers hold exactly", id)
	}
	workers := map[int]bool{}
	for _, r := range st.Stream {
		workers[r.Worker] = true
	}
	if len(workers) != 2 {
		t.Errorf("task stream shows %d workers, want 2", len(workers))
	}
	seen := map[string]bool{}
	for _, s := range st.Memory[st.Computations[0].ID] {
		for _, w := range s.Workers {
			seen[w.Worker] = true
		}
	}
	if len(seen) != 2 {
		t.Errorf("memory samples name %d workers, want 2", len(seen))
	}
}

// peerConn connects to NATS as user, keeping the errors the server sends back (its
// refusals arrive asynchronously); wantRefused checks they name each subject.
func peerConn(t *testing.T, url, user, password string) (*nats.Conn, *serverErrors) {
	t.Helper()
	errs := &serverErrors{}
	nc, err := nats.Connect(url, nats.UserInfo(user, password),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			errs.mu.Lock()
			errs.said = append(errs.said, err.Error())
			errs.mu.Unlock()
		}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return nc, errs
}

type serverErrors struct {
	mu   sync.Mutex
	said []string
}

func (e *serverErrors) wantRefused(t *testing.T, subjects ...string) {
	t.Helper()
	time.Sleep(200 * time.Millisecond) // (the server's refusals arrive asynchronously)
	e.mu.Lock()
	all := strings.Join(e.said, "\n")
	e.mu.Unlock()
	for _, subject := range subjects {
		if !strings.Contains(all, "Permissions Violation") || !strings.Contains(all, subject) {
			t.Errorf("no permissions violation for %q; the server said:\n%s", subject, all)
		}
	}
}

// closeLeavesNothing closes lc and checks that none of pids runs and tmp is empty.
func closeLeavesNothing(t *testing.T, lc *cluster.LocalCluster, pids []int, tmp string) {
	t.Helper()
	if err := lc.Close(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if processAlive(pid) {
			t.Errorf("worker %d still running after Close", pid)
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("%d temporary files or directories left after Close: %v", len(left), left)
	}
}
