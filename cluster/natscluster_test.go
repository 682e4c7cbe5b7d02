package cluster_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/cluster"
	"github.com/darray-go/darray/nd"
)

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// A NATS server shut down in the middle of a computation, out of a 3-node cluster with
// replicated queues, costs only time: the result is exact and nothing is left queued.
// Each round builds a new cluster and shuts a random server down at a random point.
func TestNATSServerLostMidRun(t *testing.T) {
	for round := range 2 {
		t.Run(fmt.Sprint("round ", round), serverLostRound)
	}
}

func serverLostRound(t *testing.T) {
	ports := []int{freePort(t), freePort(t), freePort(t)}
	var servers []*cluster.Server
	var urls []string
	for i := range 3 {
		var routes []string
		for k, p := range ports {
			if k != i {
				routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", p))
			}
		}
		s, err := cluster.StartServer(cluster.ServerOptions{Insecure: true, ClusterName: "darray-test", NodeName: fmt.Sprintf("n%d", i), ClusterPort: ports[i], Routes: routes})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Shutdown()
		servers = append(servers, s)
		urls = append(urls, s.URL())
	}
	co := insecure(strings.Join(urls, ","))
	co.Replicas = 3
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	defer startWorkers(ctx, t, 2, cluster.WorkerOptions{ConnectOptions: co})()
	c, err := cluster.Connect(ctx, cluster.ClientOptions{ConnectOptions: co, DeadAfter: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.WaitForWorkers(ctx, 2); err != nil {
		t.Fatal(err)
	}
	rng := darray.NewRNG(11)
	x := rng.Random([]int{3000, 3000}, darray.ChunkSize(300, 300))
	a := x.Rechunk(darray.ChunkSize(3000, 60)).Mul(2).Sum(darray.Axis(0))
	want, err := a.Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := a.Compute(ctx, darray.WithExecutor(c)); err != nil {
		t.Fatal(err)
	}
	span := time.Since(start)
	seed := time.Now().UnixNano()
	r := rand.New(rand.NewPCG(uint64(seed), 2))
	victim := r.IntN(3)
	delay := time.Duration(r.Float64() * float64(span))
	t.Logf("one run %v; server n%d shut down after %v (seed %d)", span, victim, delay, seed)
	time.AfterFunc(delay, servers[victim].Shutdown)
	var got *nd.Array
	if got, err = a.Compute(ctx, darray.WithExecutor(c)); err != nil {
		t.Fatal(err)
	}
	if !same(got, want) {
		t.Error("result differs after losing a server")
	}
	// and the cluster goes on with two servers
	if got, err = a.Compute(ctx, darray.WithExecutor(c)); err != nil || !same(got, want) {
		t.Errorf("after the loss: %v", err)
	}
	// Copies of tasks published twice while the server went down are dropped by the
	// workers as they come, and messages whose delivery was cut off come again after the
	// ack wait (10 s) and are dropped then: the queues empty.
	var n uint64
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if n, err = c.Queued(ctx); err == nil && n == 0 {
			break
		}
	}
	if err != nil || n != 0 {
		t.Errorf("%d tasks left queued (%v)", n, err)
	}
}
