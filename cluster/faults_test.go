package cluster_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/cluster"
	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/sched"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// hog touches far more memory than any test worker may use, then returns its block.
func init() {
	err := darray.RegisterBlockFunc("test.hog", func(_ any, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		big := make([]byte, 600<<20)
		for i := 0; i < len(big); i += 4096 {
			big[i] = 1
		}
		time.Sleep(time.Second) // (held while the supervisor looks)
		return blocks[0], nil
	})
	if err != nil {
		panic(err)
	}
}

// A task that makes every worker it runs on pass its memory limit is killed with it three
// times (the supervisor restarts the workers), then fails the computation with an error
// naming the task.
func TestTaskKillingWorkersFails(t *testing.T) {
	ctx := context.Background()
	lc, err := cluster.NewLocalCluster(ctx, cluster.LocalOptions{Workers: 2, MemoryLimit: 200 << 20, DeadAfter: 2 * time.Second, Dashboard: "off"})
	if err != nil {
		t.Fatal(err)
	}
	defer lc.Close()
	x := darray.Ones([]int{4}, nd.Float64, darray.ChunkSize(4))
	_, err = darray.MapBlocks("test.hog", []*darray.Array{x}).Compute(ctx, darray.WithExecutor(lc.Client()))
	if err == nil || !strings.Contains(err.Error(), "test.hog") || !strings.Contains(err.Error(), "3 workers that died") {
		t.Fatalf("got %v, want an error naming the task that killed 3 workers", err)
	}
	if lc.Restarts() < 3 {
		t.Errorf("%d restarts, want at least 3", lc.Restarts())
	}
}

// Workers may join and leave in the middle of a computation: the results stay exact.
func TestWorkersJoinAndLeave(t *testing.T) {
	ctx := context.Background()
	lc, err := cluster.NewLocalCluster(ctx, cluster.LocalOptions{Workers: 1, Dashboard: "off"})
	if err != nil {
		t.Fatal(err)
	}
	defer lc.Close()
	rng := darray.NewRNG(5)
	x := rng.Random([]int{3000, 3000}, darray.ChunkSize(300, 300))
	a := x.Rechunk(darray.ChunkSize(3000, 60)).Add(1).Sum(darray.Axis(0))
	want, err := a.Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for round := range 3 {
		wctx, leave := context.WithCancel(ctx)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { // an in-process worker joins now and leaves a little later
			defer wg.Done()
			err := cluster.RunWorker(wctx, cluster.WorkerOptions{ConnectOptions: lc.WorkerConnectOptions(), Threads: 2})
			if err != nil {
				t.Error(err)
			}
		}()
		time.AfterFunc(time.Duration(50+100*round)*time.Millisecond, leave)
		got, err := a.Compute(ctx, darray.WithExecutor(lc.Client()))
		if err != nil {
			t.Fatal(err)
		}
		if !same(got, want) {
			t.Errorf("round %d: result differs", round)
		}
		leave()
		wg.Wait()
	}
}

// Two clients share a cluster, computing at the same time.
func TestClientsShareACluster(t *testing.T) {
	ctx := context.Background()
	lc, err := cluster.NewLocalCluster(ctx, cluster.LocalOptions{Workers: 2, Dashboard: "off"})
	if err != nil {
		t.Fatal(err)
	}
	defer lc.Close()
	other, err := cluster.Connect(ctx, cluster.ClientOptions{ConnectOptions: lc.ClientConnectOptions()})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	want := localResults(t)
	var wg sync.WaitGroup
	for _, c := range []*cluster.Client{lc.Client(), other} {
		for name, a := range workloads() {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, err := a.Compute(ctx, darray.WithExecutor(c))
				if err != nil {
					t.Error(err)
					return
				}
				if !same(got, want[name]) {
					t.Errorf("%s: result differs", name)
				}
			}()
		}
	}
	wg.Wait()
}

// A worker of another protocol version is refused with an error naming both versions.
func TestVersionMismatchIsReported(t *testing.T) {
	srv, err := cluster.StartServer(cluster.ServerOptions{Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	ctx := context.Background()
	c, err := cluster.Connect(ctx, cluster.ClientOptions{ConnectOptions: insecure(srv.URL())})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	nc, err := nats.Connect(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	hb, _ := json.Marshal(map[string]any{"Version": "darray-cluster/0", "ID": "old-worker", "Threads": 1})
	go func() {
		for range 20 {
			nc.Publish(cluster.DefaultPrefix+".hb.old-worker", hb)
			time.Sleep(50 * time.Millisecond)
		}
	}()
	wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	err = c.WaitForWorkers(wctx, 1)
	if err == nil || !strings.Contains(err.Error(), "darray-cluster/0") || !strings.Contains(err.Error(), cluster.ProtocolVersion) {
		t.Fatalf("got %v, want an error naming both versions", err)
	}
}

// The progress options of a computation apply on a cluster as locally.
func TestProgressOnACluster(t *testing.T) {
	ctx := context.Background()
	lc, err := cluster.NewLocalCluster(ctx, cluster.LocalOptions{Workers: 2, Dashboard: "off"})
	if err != nil {
		t.Fatal(err)
	}
	defer lc.Close()
	a := workloads()["rechunk"]
	g, _ := darray.Graph(a)
	var mu sync.Mutex
	var last, total int
	cb := func(done, all int, _ time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		if done != last+1 {
			t.Errorf("progress went from %d to %d", last, done)
		}
		last, total = done, all
	}
	if _, err := a.Compute(ctx, darray.WithExecutor(lc.Client()), darray.WithProgress(sched.Callback(cb))); err != nil {
		t.Fatal(err)
	}
	if last != len(g.Tasks) || total != len(g.Tasks) {
		t.Errorf("progress ended at %d/%d, want %d/%d", last, total, len(g.Tasks), len(g.Tasks))
	}
}

// A worker refuses tasks from a client of another protocol version, answering with an
// error that names both versions.
func TestWorkerRefusesOtherVersions(t *testing.T) {
	srv, err := cluster.StartServer(cluster.ServerOptions{Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	wctx, stop := context.WithCancel(ctx)
	ready := make(chan string, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		cluster.RunWorker(wctx, cluster.WorkerOptions{ConnectOptions: insecure(srv.URL()), Ready: func(id string) { ready <- id }})
	}()
	defer func() { stop(); wg.Wait() }()
	id := <-ready
	nc, err := nats.Connect(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	answers, err := nc.SubscribeSync(cluster.DefaultPrefix + ".done.old-client")
	if err != nil {
		t.Fatal(err)
	}
	js, _ := jetstream.New(nc)
	batch := `{"V":"darray-cluster/0","Tasks":[{"C":"c1","Client":"old-client","T":0}]}`
	if _, err := js.Publish(ctx, cluster.DefaultPrefix+".task."+id, []byte(batch)); err != nil {
		t.Fatal(err)
	}
	m, err := answers.NextMsg(10 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var d struct{ Err string }
	json.Unmarshal(m.Data, &d)
	if !strings.Contains(d.Err, "darray-cluster/0") || !strings.Contains(d.Err, cluster.ProtocolVersion) {
		t.Errorf("answer %q does not name both versions", d.Err)
	}
}
