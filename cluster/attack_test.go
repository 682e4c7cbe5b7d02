package cluster_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/cluster"
	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"
)

// slow takes a while per block, so that a computation runs long enough to be attacked.
func init() {
	err := darray.RegisterBlockFunc("test.slow", func(_ any, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		time.Sleep(20 * time.Millisecond)
		return blocks[0], nil
	})
	if err != nil {
		panic(err)
	}
}

// sealAs signs a message as the client whose key is kp does (the wire form of auth.go:
// public key, signature, body), for a peer that has its own key but not the victim's.
func sealAs(t *testing.T, kp nkeys.KeyPair, v any) []byte {
	body, _ := json.Marshal(v)
	pub, _ := kp.PublicKey()
	sig, err := kp.Sign(body)
	if err != nil {
		t.Fatal(err)
	}
	return append(append([]byte(pub), sig...), body...)
}

// A default LocalCluster, attacked while it computes, by a process without its
// credentials and by one with a client's credentials (another client of the cluster):
// neither gets in, reads a chunk, ends, releases or runs the victim's work, nor speaks as
// a worker; the victim's result is exact.
func TestAttacksOnALocalClusterFail(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	lc, err := cluster.NewLocalCluster(ctx, cluster.LocalOptions{Workers: 2, Dashboard: "off"})
	if err != nil {
		t.Fatal(err)
	}
	defer lc.Close()

	// Without credentials: no NATS connection, guessed passwords included.
	for _, opts := range [][]nats.Option{nil, {nats.UserInfo(cluster.WorkerUser, "guess")}, {nats.UserInfo(cluster.ClientUser, "")}} {
		if nc, err := nats.Connect(lc.URL(), opts...); err == nil {
			nc.Close()
			t.Errorf("connected to the cluster's NATS without its credentials (%d options)", len(opts))
		}
	}

	// A peer with a client's credentials.
	var mu sync.Mutex // guards what the peer's subscriptions collect
	peer, said := peerConn(t, lc.URL(), cluster.ClientUser, lc.ClientConnectOptions().Password)
	comps := make(chan string, 16)
	addrs := map[string]string{}
	hbs, err := peer.Subscribe(cluster.DefaultPrefix+".hb.*", func(m *nats.Msg) {
		var hb struct {
			ID, Addr string
			Running  []struct{ C string }
		}
		if json.Unmarshal(m.Data, &hb) != nil {
			return
		}
		mu.Lock()
		addrs[hb.ID] = hb.Addr
		mu.Unlock()
		for _, r := range hb.Running {
			select {
			case comps <- r.C:
			default:
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer hbs.Unsubscribe()

	for heard := 0; heard < 2; time.Sleep(50 * time.Millisecond) {
		mu.Lock()
		heard = len(addrs)
		mu.Unlock()
	}
	x := darray.Ones([]int{120, 10}, nd.Float64, darray.ChunkSize(1, 10))
	job := darray.MapBlocks("test.slow", []*darray.Array{x}).Mul(2).Sum()
	result := make(chan error, 1)
	var got *nd.Array
	go func() {
		var err error
		got, err = job.Compute(ctx, darray.WithExecutor(lc.Client()))
		result <- err
	}()
	var comp string
	select {
	case comp = <-comps:
	case err := <-result:
		t.Fatalf("the computation ended (%v) before the peer heard of it", err)
	case <-ctx.Done():
		t.Fatal("no heartbeat named a running task")
	}
	victim, _, _ := strings.Cut(comp, "-")
	mine, _ := nkeys.CreateUser()
	mu.Lock()
	workers := map[string]string{}
	for id, a := range addrs {
		workers[id] = a
	}
	mu.Unlock()

	// Ending, releasing and asking about the victim's computation, unsigned and signed
	// with the peer's own key.
	for _, data := range [][]byte{[]byte(`{"C":"` + comp + `"}`), sealAs(t, mine, map[string]any{"C": comp})} {
		peer.Publish(cluster.DefaultPrefix+".end", data)
	}
	for id := range workers {
		release := map[string]any{"C": comp, "Tasks": []int{0, 1, 2, 3, 4, 5, 6, 7}}
		peer.Publish(cluster.DefaultPrefix+".release."+id, sealAs(t, mine, release))
		if _, err := peer.Request(cluster.DefaultPrefix+".status."+id, sealAs(t, mine, map[string]any{"C": comp, "Tasks": []int{0}}), 200*time.Millisecond); err == nil {
			t.Errorf("worker %s answered another client's status question", id)
		}
	}
	// Running a task of the victim's computation (its results would go to the peer).
	js, _ := jetstream.New(peer)
	minePub, _ := mine.PublicKey()
	for id := range workers {
		batch := map[string]any{"V": cluster.ProtocolVersion, "Tasks": []map[string]any{{"C": comp, "Client": minePub, "T": 0}}}
		js.Publish(ctx, cluster.DefaultPrefix+".task."+id, sealAs(t, mine, batch))
	}
	// Reading its chunks (every task's, so that some are held now), with no proof or with
	// a made-up token.
	forbidden := 0
	for id, addr := range workers {
		for task := range 400 {
			req, _ := http.NewRequest(http.MethodGet, addr+"/chunk/"+comp+"/"+strconv.Itoa(task), nil)
			if task%2 == 1 {
				req.Header.Set("Authorization", "Bearer "+cluster.NewSecret())
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			switch resp.StatusCode {
			case http.StatusOK:
				t.Errorf("worker %s handed chunk %s/%d to a peer without proof", id, comp, task)
			case http.StatusForbidden:
				forbidden++
			default:
				t.Logf("%s %d: %d", id, task, resp.StatusCode)
			}
		}
	}
	if forbidden != 2*400 {
		t.Errorf("%d of %d chunk requests refused as forbidden", forbidden, 2*400)
	}
	// Speaking as a worker: a heartbeat moving a worker to the peer's address, a forged
	// completion, listening to the task queues.
	for id := range workers {
		hb, _ := json.Marshal(map[string]any{"Version": cluster.ProtocolVersion, "ID": id, "Addr": "http://127.0.0.1:9", "Threads": 8})
		peer.Publish(cluster.DefaultPrefix+".hb."+id, hb)
		done, _ := json.Marshal(map[string]any{"C": comp, "T": 0, "Worker": id, "Err": "forged failure"})
		peer.Publish(cluster.DefaultPrefix+".done."+victim, done)
	}
	if sub, err := peer.SubscribeSync(cluster.DefaultPrefix + ".task.>"); err == nil {
		defer sub.Unsubscribe()
	}
	peer.Flush()

	if err := <-result; err != nil {
		t.Fatalf("the attacked computation failed: %v", err)
	}
	if v, err := nd.At[float64](got); err != nil || v != 2400 {
		t.Errorf("the attacked computation gave %v, want 2400", v)
	}
	for _, w := range lc.Client().Workers() {
		if w.Addr == "http://127.0.0.1:9" {
			t.Errorf("worker %s was moved to the peer's address", w.ID)
		}
	}
	said.wantRefused(t, ".hb.", ".done.", ".task.>")
}
