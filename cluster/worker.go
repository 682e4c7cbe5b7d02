package cluster

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/sched"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// WorkerOptions configure a worker.
type WorkerOptions struct {
	ConnectOptions
	Threads     int    // tasks run at once; 0 is 1
	MemoryLimit int64  // bytes; 0 is 1 GiB
	Listen      string // the data server's address; "" is 127.0.0.1 on a free port
	Advertise   string // host:port others reach its data server at, if not the listener's
	SpillDir    string // "" is os.TempDir()

	// Results beyond SpillFraction of the limit go to disk; beyond PauseFraction the worker
	// takes no new tasks. Zero values are 0.6 and 0.8, as dask's worker defaults.
	SpillFraction, PauseFraction float64
	AckWait                      time.Duration // a task's lease; 0 is 10 s (renewed while it runs)
	HeartbeatInterval            time.Duration // 0 is HeartbeatInterval
	// Ready, if set, is called once the worker is taking tasks, with its ID.
	Ready func(id string)
	// WholeProcess says the worker is all this process does (a LocalCluster's worker, the
	// darray worker command): its garbage collector is then tuned to the memory limit.
	WholeProcess bool
}

func (o *WorkerOptions) defaults() {
	if o.Threads <= 0 {
		o.Threads = 1
	}
	if o.MemoryLimit <= 0 {
		o.MemoryLimit = 1 << 30
	}
	if o.SpillFraction <= 0 {
		o.SpillFraction = 0.6
	}
	if o.PauseFraction <= 0 {
		o.PauseFraction = 0.8
	}
	if o.AckWait <= 0 {
		o.AckWait = 10 * time.Second
	}
	if o.HeartbeatInterval <= 0 {
		o.HeartbeatInterval = HeartbeatInterval
	}
	if o.Listen == "" {
		o.Listen = "127.0.0.1:0"
	}
}

// HeartbeatInterval is how often a worker tells the cluster about itself by default.
const HeartbeatInterval = 250 * time.Millisecond

type worker struct {
	o      WorkerOptions
	id     string
	nc     *nats.Conn
	js     jetstream.JetStream
	n      names
	graphs jetstream.ObjectStore
	store  *chunkStore
	// buffers recycles the memory of blocks received from other workers.
	buffers *bufferPool
	addr    string
	httpc   *http.Client
	slots   chan struct{}
	// secret is the cluster's: it proves this worker to others' data servers and others to
	// its own (nil only for an insecure worker on loopback, whose data server serves anyone).
	secret []byte

	mu       sync.Mutex
	running  map[taskRef]bool
	failed   map[taskRef]string   // errors of failed tasks, until their computation ends
	ended    map[string]bool      // computations over (their late task messages are dropped)
	owners   map[string]string    // computation -> its client
	seen     map[string]time.Time // client -> when last heard
	cache    map[string]*graphEntry
	computed int
	leaving  atomic.Bool
	started  time.Time
}

type graphEntry struct {
	once sync.Once
	g    *graph.Graph
	err  error
}

// RunWorker joins the cluster behind o.URL and runs its tasks until ctx is cancelled; then
// it stops taking tasks, finishes the ones it runs, and leaves.
func RunWorker(ctx context.Context, o WorkerOptions) error {
	o.defaults()
	id := workerID()
	if o.Name == "" {
		o.Name = "darray worker " + id
	}
	var err error
	if o.Security, err = o.Security.resolve(); err != nil {
		return err
	}
	secret, err := o.Security.secret()
	if err != nil {
		return fmt.Errorf("cluster: %w", err)
	}
	if err := o.Security.listenerCheck(o.Listen, secret != nil); err != nil {
		return err
	}
	serverTLS, clientTLS, err := o.Security.tlsConfigs()
	if err != nil {
		return err
	}
	nc, js, n, err := connect(ctx, o.ConnectOptions)
	if err != nil {
		return err
	}
	defer nc.Close()
	graphs, err := ensureStreams(ctx, js, n, o.Replicas)
	if err != nil {
		return err
	}
	w := &worker{
		o: o, id: id, nc: nc, js: js, n: n, graphs: graphs,
		store:   newChunkStore(o.SpillDir, int64(o.SpillFraction*float64(o.MemoryLimit))),
		buffers: newBufferPool(o.MemoryLimit / 10),
		httpc:   dataClient(clientTLS),
		secret:  secret,
		slots:   make(chan struct{}, o.Threads),
		running: map[taskRef]bool{}, failed: map[taskRef]string{}, ended: map[string]bool{}, owners: map[string]string{}, seen: map[string]time.Time{}, cache: map[string]*graphEntry{}, started: time.Now(),
	}
	defer w.store.close()
	if o.WholeProcess {
		// The garbage collector works against the memory limit rather than after every
		// doubling of a small heap: a worker's garbage is mostly messages and small
		// blocks, and collecting them often costs more than the memory they hold.
		debug.SetMemoryLimit(int64(0.8 * float64(o.MemoryLimit)))
		debug.SetGCPercent(400)
	}
	srv, err := w.serveData(serverTLS)
	if err != nil {
		return err
	}
	defer srv.Close()

	if err := w.subscribe(); err != nil {
		return err
	}
	cons, err := js.CreateOrUpdateConsumer(ctx, n.taskStream(), jetstream.ConsumerConfig{
		Durable: n.consumer(id), FilterSubject: n.taskSubject(id), AckPolicy: jetstream.AckExplicitPolicy,
		AckWait: o.AckWait, MaxAckPending: 64 * o.Threads, InactiveThreshold: time.Hour,
	})
	if err != nil {
		return fmt.Errorf("cluster: worker queue: %w", err)
	}
	// A client that took this worker for dead deleted its queue and wrote its results off:
	// then it stops, to be started again (by its supervisor) as a new worker.
	ctx, writeOff := context.WithCancelCause(ctx)
	defer writeOff(nil)
	var tasks taskGroup
	cc, err := w.consume(ctx, cons, &tasks, func() { writeOff(errWrittenOff) })
	if err != nil {
		return fmt.Errorf("cluster: worker queue: %w", err)
	}
	hbDone := make(chan struct{})
	queueGone := func() bool {
		ictx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		_, err := cons.Info(ictx)
		return errors.Is(err, jetstream.ErrConsumerNotFound)
	}
	go w.heartbeats(ctx, hbDone, queueGone, func() { writeOff(errWrittenOff) })
	if o.Ready != nil {
		o.Ready(id)
	}
	<-ctx.Done()
	w.leaving.Store(true)
	cc.Stop()
	tasks.closeAndWait()
	<-hbDone
	w.beat() // the last word: leaving
	nc.Flush()
	if errors.Is(context.Cause(ctx), errWrittenOff) {
		return errWrittenOff
	}
	return nil
}

// taskGroup counts running tasks. Unlike a bare WaitGroup it may see a task start while
// the worker waits for the running ones to finish (a message the consumer was handing over
// as it stopped): that task is refused, never added to a Wait in progress.
type taskGroup struct {
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

// start counts a task in, unless the group is closed.
func (g *taskGroup) start() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.wg.Add(1)
	return true
}

func (g *taskGroup) done() { g.wg.Done() }

// closeAndWait refuses further tasks and waits for the running ones.
func (g *taskGroup) closeAndWait() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	g.wg.Wait()
}

// workerID names a worker: its host (reduced to the characters IDs may hold), process and
// a random part.
func workerID() string {
	host, _ := os.Hostname()
	clean := []byte(host)
	for i, c := range clean {
		if !validID(string(c)) {
			clean[i] = '_'
		}
	}
	if len(clean) == 0 || clean[0] == '-' {
		clean = append([]byte("w"), clean...)
	}
	return fmt.Sprintf("%.60s-%d-%s", clean, os.Getpid(), NewSecret()[:8])
}

// errWrittenOff ends a worker whose queue a client deleted, taking it for dead.
var errWrittenOff = errors.New("cluster: this worker was taken for dead by a client (its queue is gone): starting over")

// serveData starts the HTTP(S) server other workers and clients fetch results from.
func (w *worker) serveData(serverTLS *tls.Config) (*http.Server, error) {
	ln, err := net.Listen("tcp", w.o.Listen)
	if err != nil {
		return nil, fmt.Errorf("cluster: worker data server: %w", err)
	}
	scheme := "http://"
	if serverTLS != nil {
		scheme = "https://"
		ln = tls.NewListener(ln, serverTLS)
	}
	w.addr = scheme + ln.Addr().String()
	if w.o.Advertise != "" {
		w.addr = scheme + w.o.Advertise
	}
	srv := &http.Server{Handler: http.HandlerFunc(w.serveChunk), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return srv, nil
}

// consume takes task messages from the worker's queue and runs each of their tasks on a
// thread of its own as threads free up; writtenOff is called if the queue is deleted.
func (w *worker) consume(ctx context.Context, cons jetstream.Consumer, tasks *taskGroup, writtenOff func()) (jetstream.ConsumeContext, error) {
	return cons.Consume(func(msg jetstream.Msg) {
		batch, ok := w.openBatch(msg.Data())
		if !ok {
			msg.Term() // not ours to run: never deliver it again
			return
		}
		l := newLease(msg, w.o.AckWait/3, len(batch.Tasks))
		for _, tm := range batch.Tasks {
			if !w.waitForRoom(ctx) {
				return // leaving: the message goes to another worker once its lease ends
			}
			if !tasks.start() { // leaving: the consumer was stopped while this message came in
				<-w.slots
				return
			}
			go func() {
				defer tasks.done()
				defer func() { <-w.slots }()
				w.run(ctx, tm)
				l.done()
			}()
		}
	}, jetstream.PullMaxMessages(w.o.Threads+1), jetstream.PullExpiry(5*time.Second), jetstream.PullHeartbeat(time.Second),
		jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
			if errors.Is(err, jetstream.ErrConsumerDeleted) || errors.Is(err, jetstream.ErrConsumerNotFound) {
				writtenOff()
			}
		}))
}

// openBatch checks a task message: signed by a client, of this protocol version, and
// every task of a computation of that client's. A batch of another darray version is
// answered with an error naming both versions (the client ignores such an answer unless
// it speaks that version: a peer cannot fail another's computation with one).
func (w *worker) openBatch(data []byte) (taskBatch, bool) {
	var batch taskBatch
	signer, body, err := openSealed(data)
	if err != nil {
		var old taskBatch
		if json.Unmarshal(data, &old) == nil && old.V != "" && old.V != ProtocolVersion {
			w.refuse(old)
		}
		return batch, false
	}
	if json.Unmarshal(body, &batch) != nil || len(batch.Tasks) == 0 {
		return batch, false
	}
	if batch.V != ProtocolVersion {
		w.refuse(batch)
		return batch, false
	}
	for _, tm := range batch.Tasks {
		if !ownedBy(tm.C, signer) || tm.Client != signer || !validInputs(tm.In) {
			return batch, false
		}
	}
	return batch, true
}

// validInputs checks the places a task is told to fetch its inputs from.
func validInputs(in []input) bool {
	for _, i := range in {
		if !validID(i.From) || !(strings.HasPrefix(i.Addr, "http://") || strings.HasPrefix(i.Addr, "https://")) {
			return false
		}
	}
	return true
}

// refuse answers the tasks of a client of another darray version with an error naming
// both versions, and runs none of them.
func (w *worker) refuse(batch taskBatch) {
	for _, tm := range batch.Tasks {
		if !validID(tm.Client) || !validID(tm.C) {
			continue
		}
		data, _ := json.Marshal(doneMsg{C: tm.C, T: tm.T, Worker: w.id, ClientVersion: batch.V,
			Err: fmt.Sprintf("cluster: worker %s speaks %q, its client %q: run the same darray version on both sides", w.id, ProtocolVersion, batch.V)})
		w.nc.Publish(w.n.done(tm.Client), data)
	}
}

// openControl checks a client's control message (release, end, status) and decodes it:
// it must be signed by the client that owns the computation it names.
func openControl(data []byte, v any, comp func() string) bool {
	signer, body, err := openSealed(data)
	if err != nil || json.Unmarshal(body, v) != nil {
		return false
	}
	return ownedBy(comp(), signer)
}

// waitForRoom blocks until a thread is free and the results held are under the pause
// fraction of the limit (or nothing runs that could bring them down), and takes the
// thread; it reports false, taking nothing, if ctx ends first.
func (w *worker) waitForRoom(ctx context.Context) bool {
	for ctx.Err() == nil && len(w.slots) > 0 {
		if held, _ := w.store.usage(); float64(held) < w.o.PauseFraction*float64(w.o.MemoryLimit) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case w.slots <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (w *worker) subscribe() error {
	if _, err := w.nc.Subscribe(w.n.release(w.id), func(m *nats.Msg) {
		var r releaseMsg
		if !openControl(m.Data, &r, func() string { return r.C }) {
			return
		}
		refs := make([]taskRef, len(r.Tasks))
		for i, t := range r.Tasks {
			refs[i] = taskRef{r.C, t}
		}
		w.store.drop(refs...)
	}); err != nil {
		return err
	}
	_, err := w.nc.Subscribe(w.n.end(), func(m *nats.Msg) {
		var e endMsg
		if !openControl(m.Data, &e, func() string { return e.C }) {
			return
		}
		w.store.dropComputation(e.C)
		w.mu.Lock()
		delete(w.cache, e.C)
		delete(w.owners, e.C)
		w.ended[e.C] = true
		for r := range w.failed {
			if r.C == e.C {
				delete(w.failed, r)
			}
		}
		w.mu.Unlock()
	})
	if err != nil {
		return err
	}
	if _, err = w.nc.Subscribe(w.n.status(w.id), w.answerStatus); err != nil {
		return err
	}
	_, err = w.nc.Subscribe(w.n.clientBeats(), func(m *nats.Msg) {
		client := m.Subject[strings.LastIndexByte(m.Subject, '.')+1:]
		if signer, _, err := openSealed(m.Data); err != nil || signer != client {
			return
		}
		w.mu.Lock()
		w.seen[client] = time.Now()
		w.mu.Unlock()
	})
	return err
}

// OrphanAfter is how long a worker keeps the results of a client it no longer hears from.
const OrphanAfter = 30 * time.Second

// dropOrphans forgets the computations of clients gone silent (a client process that died
// never says its computations ended).
func (w *worker) dropOrphans() {
	w.mu.Lock()
	var orphans []string
	for comp, client := range w.owners {
		if time.Since(w.seen[client]) > OrphanAfter {
			orphans = append(orphans, comp)
			delete(w.owners, comp)
			delete(w.cache, comp)
			w.ended[comp] = true
		}
	}
	for client, t := range w.seen {
		if time.Since(t) > 2*OrphanAfter {
			delete(w.seen, client)
		}
	}
	w.mu.Unlock()
	for _, comp := range orphans {
		w.store.dropComputation(comp)
	}
}

// answerStatus tells a client which of the tasks it asks about are finished.
func (w *worker) answerStatus(m *nats.Msg) {
	var q statusMsg
	if !openControl(m.Data, &q, func() string { return q.C }) {
		return
	}
	var out []doneMsg
	for _, t := range q.Tasks {
		ref := taskRef{q.C, t}
		w.mu.Lock()
		msg, failed := w.failed[ref]
		w.mu.Unlock()
		if failed {
			out = append(out, doneMsg{C: q.C, T: t, Worker: w.id, Err: msg})
		} else if v, ok, _ := w.store.get(ref); ok {
			out = append(out, doneMsg{C: q.C, T: t, Worker: w.id, Bytes: sizeOf(v)})
		}
	}
	data, _ := json.Marshal(out)
	m.Respond(data)
}

// heartbeats says the worker is alive every HeartbeatInterval, drops the results of
// silent clients now and then, and looks whether its queue is still there: after a long
// silence (the process was stopped, or starved) a client may have written it off, and then
// it must start over (writtenOff) rather than hold on to results nobody will ask for.
func (w *worker) heartbeats(ctx context.Context, done chan struct{}, queueGone func() bool, writtenOff func()) {
	defer close(done)
	t := time.NewTicker(w.o.HeartbeatInterval)
	defer t.Stop()
	w.beat()
	last := time.Now()
	for i := 1; ; i++ {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			w.beat()
			if i%20 == 0 {
				w.dropOrphans()
			}
			if (now.Sub(last) > time.Second || i%16 == 0) && queueGone() {
				writtenOff()
				return
			}
			last = now
		}
	}
}

func (w *worker) beat() {
	held, spilled := w.store.usage()
	w.mu.Lock()
	hb := heartbeat{Version: ProtocolVersion, ID: w.id, Addr: w.addr, Threads: w.o.Threads, Limit: w.o.MemoryLimit,
		Held: held, Spilled: spilled, PeakRSS: peakRSS(), Leaving: w.leaving.Load(), Started: w.started, Computed: w.computed,
		Paused: float64(held) >= w.o.PauseFraction*float64(w.o.MemoryLimit)}
	for r := range w.running {
		hb.Running = append(hb.Running, r)
	}
	w.mu.Unlock()
	data, _ := json.Marshal(hb)
	w.nc.Publish(w.n.heartbeat(w.id), data)
}

// run runs one task and publishes its completion.
func (w *worker) run(ctx context.Context, tm taskMsg) {
	ref := taskRef{tm.C, tm.T}
	w.mu.Lock()
	over := w.ended[tm.C]
	if _, known := w.owners[tm.C]; !known && !over {
		w.owners[tm.C] = tm.Client
		if _, heard := w.seen[tm.Client]; !heard {
			w.seen[tm.Client] = time.Now()
		}
	}
	w.mu.Unlock()
	if over {
		return // a copy of a task that arrived after its computation ended
	}
	d := doneMsg{C: tm.C, T: tm.T, Worker: w.id, Start: time.Now().UnixNano()}
	defer func() {
		d.End = time.Now().UnixNano()
		if d.Err != "" {
			w.mu.Lock()
			w.failed[ref] = d.Err
			w.mu.Unlock()
		}
		data, _ := json.Marshal(d)
		w.nc.Publish(w.n.done(tm.Client), data)
	}()
	if v, ok, _ := w.store.get(ref); ok { // a redelivery of a task already run
		d.Bytes = sizeOf(v)
		return
	}
	w.mu.Lock()
	w.running[ref] = true
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		delete(w.running, ref)
		w.computed++
		w.mu.Unlock()
	}()
	g, err := w.graph(ctx, tm.C)
	if err != nil {
		d.Err = err.Error()
		return
	}
	if tm.T < 0 || tm.T >= len(g.Tasks) || len(tm.In) != len(g.Tasks[tm.T].Deps) {
		d.Err = fmt.Sprintf("task %d does not match graph %s", tm.T, tm.C)
		return
	}
	task := &g.Tasks[tm.T]
	if err := graph.CheckWrite(g, task); err != nil {
		d.Err = err.Error()
		return
	}
	inputs, missing, received := w.inputs(tm)
	if len(missing) > 0 {
		d.Missing = missing
		w.buffers.recycle(received, nil)
		return
	}
	d.Start = time.Now().UnixNano()
	// A task still running after a moment is announced at once, not at the next beat: if
	// it kills its worker, the clients know which task to blame.
	announce := time.AfterFunc(50*time.Millisecond, w.beat)
	v, err := sched.SafeExecute(task, inputs)
	announce.Stop()
	w.buffers.recycle(received, v)
	if err != nil {
		d.Err = fmt.Sprintf("task %s: %v", task.Name(), err)
		return
	}
	w.store.put(ref, v)
	d.Bytes = sizeOf(v)
}

// lease keeps a task message leased while its tasks run, telling JetStream every interval
// that they are still running (so that long tasks are not handed out again), and
// acknowledges it once the last has published its completion.
type lease struct {
	left atomic.Int32
	stop chan struct{}
	msg  jetstream.Msg
}

func newLease(msg jetstream.Msg, every time.Duration, tasks int) *lease {
	l := &lease{stop: make(chan struct{}), msg: msg}
	l.left.Store(int32(tasks))
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-t.C:
				msg.InProgress()
			}
		}
	}()
	return l
}

// done counts one task finished; the last one acknowledges the message. (An
// acknowledgement lost with a NATS server leaves the message to come again after the ack
// wait: the worker then finds its tasks done and acknowledges it again.)
func (l *lease) done() {
	if l.left.Add(-1) == 0 {
		close(l.stop)
		l.msg.Ack()
	}
}

// graph returns a computation's graph, fetched and decoded once (unless ctx, the worker's
// life, ends first).
func (w *worker) graph(ctx context.Context, comp string) (*graph.Graph, error) {
	w.mu.Lock()
	e, ok := w.cache[comp]
	if !ok {
		e = &graphEntry{}
		w.cache[comp] = e
	}
	w.mu.Unlock()
	e.once.Do(func() {
		// Right after a NATS server is lost, the graph may be briefly out of reach (or
		// not yet on the replica that answers): try again for a while.
		ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		defer cancel()
		var raw []byte
		err := retry(ctx, func(actx context.Context) error {
			var err error
			raw, err = w.graphs.GetBytes(actx, comp)
			return err
		})
		if err != nil {
			e.err = fmt.Errorf("graph of computation %s: %w", comp, err)
			return
		}
		// Only the computation's own client may have stored its graph.
		signer, body, err := openSealed(raw)
		if err != nil || !ownedBy(comp, signer) {
			e.err = fmt.Errorf("graph of computation %s: not signed by its client", comp)
			return
		}
		e.g, e.err = graph.DecodeGraph(bytes.NewReader(body))
	})
	if e.err != nil {
		w.mu.Lock()
		delete(w.cache, comp) // try again next time
		w.mu.Unlock()
	}
	return e.g, e.err
}

// inputs gathers a task's inputs, fetching the ones other workers hold in parallel. It
// returns the deps that could not be had, and the arrays received (into recycled buffers).
func (w *worker) inputs(tm taskMsg) (inputs []any, missing []int, received []*nd.Array) {
	inputs = make([]any, len(tm.In))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, in := range tm.In {
		ref := taskRef{tm.C, in.T}
		if in.From == w.id {
			v, ok, err := w.store.get(ref)
			if !ok || err != nil {
				missing = append(missing, in.T)
			}
			inputs[i] = v
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := fetch(w.httpc, in.Addr, ref, w.authorize, w.buffers.get)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				missing = append(missing, in.T)
				return
			}
			inputs[i] = v
			if a, ok := v.(*nd.Array); ok {
				received = append(received, a)
			}
		}()
	}
	wg.Wait()
	return inputs, missing, received
}

// errGone is a result its holder no longer has.
var errGone = errors.New("result not held")

// authorize proves this worker to another's data server.
func (w *worker) authorize(req *http.Request, comp string) {
	if w.secret != nil {
		req.Header.Set("Authorization", "Bearer "+chunkToken(w.secret, comp))
	}
}

// fetch gets a result from the worker serving at addr, an array's elements into a buffer
// from buf (when not nil); auth proves the fetcher to the server. A server that does not
// answer, or stops sending, within the data timeouts fails the fetch.
func fetch(c *http.Client, addr string, r taskRef, auth func(*http.Request, string), buf func(int) []byte) (any, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, addr+"/chunk/"+r.C+"/"+strconv.Itoa(r.T), nil)
	if err != nil {
		return nil, err
	}
	auth(req, r.C)
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body := newStallReader(resp.Body, cancel)
	defer body.stop()
	if resp.StatusCode == http.StatusNotFound {
		io.Copy(io.Discard, io.LimitReader(body, 1024))
		return nil, errGone
	}
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(body, 1024))
		return nil, fmt.Errorf("fetch %v from %s: %s: %s", r, addr, resp.Status, msg)
	}
	limit := resp.ContentLength
	if limit < 0 {
		limit = 1 << 40
	}
	v, err := readResult(body, limit, buf)
	// Read to the end, so that the connection is kept for the next fetch.
	io.Copy(io.Discard, io.LimitReader(body, 1<<20))
	return v, err
}

// serveChunk answers GET /chunk/<computation>/<task> with the result, to a peer that
// proves it belongs to the computation.
func (w *worker) serveChunk(rw http.ResponseWriter, req *http.Request) {
	comp, task, ok := strings.Cut(strings.TrimPrefix(req.URL.Path, "/chunk/"), "/")
	t, err := strconv.Atoi(task)
	if !ok || err != nil || t < 0 || !validID(comp) || req.Method != http.MethodGet {
		http.Error(rw, "bad request", http.StatusBadRequest)
		return
	}
	if !w.mayRead(req, comp) {
		http.Error(rw, "not a member of this computation", http.StatusForbidden)
		return
	}
	v, ok, err := w.store.get(taskRef{comp, t})
	if !ok {
		http.NotFound(rw, req)
		return
	}
	if err != nil {
		http.Error(rw, err.Error(), http.StatusInternalServerError)
		return
	}
	if n := resultSize(v); n >= 0 {
		rw.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	}
	bw := bufio.NewWriterSize(rw, 64<<10)
	if writeResult(bw, v) == nil {
		bw.Flush()
	}
}

// mayRead reports whether a request proves its sender belongs to computation comp:
// another worker of the cluster (the secret's token for comp) or the computation's client
// (its signature). An insecure worker on loopback, which has no secret, serves anyone.
func (w *worker) mayRead(req *http.Request, comp string) bool {
	if tok, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer "); ok && w.secret != nil {
		return hmac.Equal([]byte(tok), []byte(chunkToken(w.secret, comp)))
	}
	if req.Header.Get(hdrClient) != "" {
		return ownedBy(comp, signedBy(req))
	}
	return w.secret == nil
}

// peakRSS is this process's peak resident memory, from /proc (0 where there is none).
func peakRSS() int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
