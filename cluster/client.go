package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/sched"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ClientOptions configure a client.
type ClientOptions struct {
	ConnectOptions
	Progress sched.Progress // optional: the same events the local scheduler gives
	Observer sched.Observer // optional: per-task events for a dashboard
	// A worker silent for DeadAfter is taken for dead (0: 3 s).
	DeadAfter time.Duration
	// Execute waits up to WorkerWait for a first worker (0: 30 s).
	WorkerWait time.Duration
	// A task running on this many workers that died fails the computation (0: 3).
	AllowedKills int
}

// Client schedules graphs on a cluster's workers. It is a sched.Executor: pass it to
// darray.WithExecutor. One client runs one computation at a time; several clients may
// share a cluster.
type Client struct {
	o   ClientOptions
	id  string    // the public half of key
	key *identity // signs what the client sends

	nc     *nats.Conn
	js     jetstream.JetStream
	n      names
	graphs jetstream.ObjectStore
	stream jetstream.Stream
	httpc  *http.Client
	done   chan *nats.Msg
	subs   []*nats.Subscription

	mu       sync.Mutex
	workers  map[string]*workerInfo
	errs     []error // workers refused (version mismatch)
	running  sync.Mutex
	stopBeat chan struct{}
}

type workerInfo struct {
	hb   heartbeat
	seen time.Time
	dead bool
}

var clientSeq atomic.Uint64

// Connect opens a client of the cluster behind o.URL.
func Connect(ctx context.Context, o ClientOptions) (*Client, error) {
	if o.DeadAfter <= 0 {
		o.DeadAfter = 3 * time.Second
	}
	if o.WorkerWait <= 0 {
		o.WorkerWait = 30 * time.Second
	}
	if o.AllowedKills <= 0 {
		o.AllowedKills = 3
	}
	if o.Name == "" {
		o.Name = "darray client"
	}
	var err error
	if o.Security, err = o.Security.resolve(); err != nil {
		return nil, err
	}
	_, clientTLS, err := o.Security.tlsConfigs()
	if err != nil {
		return nil, err
	}
	key, err := newIdentity()
	if err != nil {
		return nil, err
	}
	nc, js, n, err := connect(ctx, o.ConnectOptions)
	if err != nil {
		return nil, err
	}
	graphs, err := ensureStreams(ctx, js, n, o.Replicas)
	if err != nil {
		nc.Close()
		return nil, err
	}
	stream, err := js.Stream(ctx, n.taskStream())
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("cluster: task stream: %w", err)
	}
	c := &Client{
		o: o, nc: nc, js: js, n: n, graphs: graphs, stream: stream,
		id: key.pub, key: key,
		httpc:   dataClient(clientTLS),
		done:    make(chan *nats.Msg, 1<<16),
		workers: map[string]*workerInfo{},
	}
	hb, err := nc.Subscribe(n.heartbeats(), c.heartbeat)
	if err != nil {
		nc.Close()
		return nil, err
	}
	done, err := nc.ChanSubscribe(n.done(c.id), c.done)
	if err != nil {
		nc.Close()
		return nil, err
	}
	for _, s := range []*nats.Subscription{hb, done} {
		s.SetPendingLimits(-1, -1) // a slow moment must not drop completions
	}
	c.subs = []*nats.Subscription{hb, done}
	c.stopBeat = make(chan struct{})
	go c.beat()
	return c, nil
}

// beat tells the workers this client is alive: they drop the results of a client silent
// for OrphanAfter.
func (c *Client) beat() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		c.nc.Publish(c.n.clientBeat(c.id), c.key.seal([]byte(strconv.FormatInt(time.Now().Unix(), 10))))
		select {
		case <-c.stopBeat:
			return
		case <-t.C:
		}
	}
}

func (c *Client) heartbeat(m *nats.Msg) {
	var hb heartbeat
	if json.Unmarshal(m.Data, &hb) != nil || !validID(hb.ID) || m.Subject != c.n.heartbeat(hb.ID) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if hb.Version != ProtocolVersion {
		if _, seen := c.workers[hb.ID]; !seen {
			c.errs = append(c.errs, versionError("worker "+hb.ID, hb.Version))
			c.workers[hb.ID] = &workerInfo{hb: hb, seen: time.Now(), dead: true}
		}
		return
	}
	w, ok := c.workers[hb.ID]
	if !ok {
		w = &workerInfo{}
		c.workers[hb.ID] = w
	}
	if w.dead {
		return // a worker taken for dead stays so: its results were written off
	}
	if ok && hb.Addr != w.hb.Addr {
		return // a worker's address never changes: this heartbeat is not its own
	}
	w.hb, w.seen = hb, time.Now()
}

// WorkerStatus is what a client knows of a worker.
type WorkerStatus struct {
	ID       string
	Addr     string
	Threads  int
	Limit    int64
	Held     int64
	Spilled  int64
	PeakRSS  int64 // the worker process's peak resident memory
	Running  int
	Computed int
	Alive    bool
}

// Workers lists the workers this client has heard from, live ones first.
func (c *Client) Workers() []WorkerStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []WorkerStatus
	for _, w := range c.workers {
		out = append(out, WorkerStatus{ID: w.hb.ID, Addr: w.hb.Addr, Threads: w.hb.Threads, Limit: w.hb.Limit,
			Held: w.hb.Held, Spilled: w.hb.Spilled, PeakRSS: w.hb.PeakRSS, Running: len(w.hb.Running), Computed: w.hb.Computed,
			Alive: !w.dead && time.Since(w.seen) < c.o.DeadAfter && !w.hb.Leaving})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Alive != out[j].Alive {
			return out[i].Alive
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// WaitForWorkers waits until n workers are alive.
func (c *Client) WaitForWorkers(ctx context.Context, n int) error {
	for {
		alive := 0
		for _, w := range c.Workers() {
			if w.Alive {
				alive++
			}
		}
		if alive >= n {
			return nil
		}
		c.mu.Lock()
		errs := c.errs
		c.mu.Unlock()
		if len(errs) > 0 {
			return errs[0]
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster: %d of %d workers after waiting: %w", alive, n, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Queued counts the task messages waiting in the cluster's work queues (of every client).
func (c *Client) Queued(ctx context.Context) (uint64, error) {
	info, err := c.stream.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("cluster: task stream: %w", err)
	}
	return info.State.Msgs, nil
}

// Close disconnects the client (the cluster goes on).
func (c *Client) Close() {
	close(c.stopBeat)
	for _, s := range c.subs {
		s.Unsubscribe()
	}
	c.nc.Close()
}

// Execute runs g on the cluster and returns its outputs' results.
func (c *Client) Execute(ctx context.Context, g *graph.Graph) ([][]any, error) {
	return c.ExecuteReporting(ctx, g, sched.Options{})
}

// ExecuteReporting is Execute, reporting to o's Progress and Observer (or the client's
// own, when o has none) and filling o.Stats.
func (c *Client) ExecuteReporting(ctx context.Context, g *graph.Graph, o sched.Options) ([][]any, error) {
	c.running.Lock()
	defer c.running.Unlock()
	wctx, cancel := context.WithTimeout(ctx, c.o.WorkerWait)
	err := c.WaitForWorkers(wctx, 1)
	cancel()
	if err != nil {
		return nil, err
	}
	r, err := newRun(c, g)
	if err != nil {
		return nil, err
	}
	r.progress, r.observer, r.stats = c.o.Progress, c.o.Observer, o.Stats
	if o.Progress != nil {
		r.progress = o.Progress
	}
	if o.Observer != nil {
		r.observer = o.Observer
	}
	defer r.cleanup()
	return r.loop(ctx)
}
