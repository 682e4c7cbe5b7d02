package cluster

import (
	"bytes"
	"container/heap"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/sched"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// A run is one computation as its client schedules it: the state of every task, which
// worker holds which result, and what is queued where.

// Task states, as the client sees them.
const (
	waiting  = iota // for inputs
	ready           // in the ready queue
	queued          // published to a worker
	done            // its result is on Holders
	released        // its result was dropped: nothing needs it
)

type taskState struct {
	state    uint8
	waitFor  int32 // inputs not yet available
	left     int32 // consumers not yet done
	worker   string
	holders  []string
	kills    int
	fetching bool
	started  time.Time
}

type run struct {
	noWorkersSince time.Time // when the last worker went, while none has come since

	c        *Client
	g        *graph.Graph
	comp     string
	id       uint64
	tasks    []taskState
	users    [][]int32 // consumers of each task
	output   []bool
	results  map[int]any
	outLeft  int
	ready    sched.ReadyQueue
	load     map[string]int // tasks queued per worker
	lastRoot string         // the worker given the last root task
	roots    int            // root tasks assigned so far
	// rootGroup is how many root tasks in a row go to one worker: up to 16, when there are
	// enough of them to keep every thread busy that way.
	rootGroup int
	release   map[string][]int
	fetched   chan fetchResult
	outbox    map[string][]taskMsg // tasks queued, not yet published, per worker
	futures   []pubFuture
	unsent    []pubFuture
	finished  int
	started   time.Time
	progress  sched.Progress
	observer  sched.Observer
	lanes     map[string]int // worker -> its lane in the observer's task stream
	// lastReconcile is when reconcile last asked the workers.
	lastReconcile time.Time
	stats         *sched.Stats
	// what the workers held together at most during the run (from their heartbeats),
	// what they had spilled, and their memory limits summed
	peakHeld, peakSpilled, limit int64
	// the bytes of the results the workers hold now, by the completions' account
	held        int64
	resultBytes []int64
}

type fetchResult struct {
	t   int
	v   any
	err error
}

type pubFuture struct {
	f    jetstream.PubAckFuture
	subj string
	data []byte
}

func newRun(c *Client, g *graph.Graph) (*run, error) {
	r := &run{
		c: c, g: g, tasks: make([]taskState, len(g.Tasks)), users: make([][]int32, len(g.Tasks)),
		output: make([]bool, len(g.Tasks)), results: map[int]any{}, load: map[string]int{},
		release: map[string][]int{}, outbox: map[string][]taskMsg{}, lanes: map[string]int{}, fetched: make(chan fetchResult, 64), started: time.Now(),
	}
	r.comp = c.id + "-" + strconv.FormatUint(clientSeq.Add(1), 36)
	for i := range g.Tasks {
		for _, d := range g.Tasks[i].Deps {
			if d >= i {
				return nil, fmt.Errorf("cluster: task %d depends on later task %d", i, d)
			}
			r.users[d] = append(r.users[d], int32(i))
		}
	}
	for _, o := range g.Outputs {
		for _, t := range o.Tasks {
			if !r.output[t] {
				r.output[t] = true
				r.outLeft++
			}
		}
	}
	r.ready.Prio = sched.Order(g, r.users)
	roots := 0
	for i := range g.Tasks {
		if len(g.Tasks[i].Deps) == 0 {
			roots++
		}
	}
	r.rootGroup = max(1, min(16, roots/(2*max(1, r.threads()))))
	var buf bytes.Buffer
	if err := graph.EncodeGraph(&buf, g); err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	// Right after a NATS server is lost the bucket may have no leader for a moment: retry.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := retry(ctx, func(actx context.Context) error {
		_, err := c.graphs.PutBytes(actx, r.comp, c.key.seal(buf.Bytes()))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: store graph: %w", err)
	}
	r.recount()
	return r, nil
}

// sealed encodes a message to the workers and signs it.
func (c *Client) sealed(v any) []byte {
	data, _ := json.Marshal(v)
	return c.key.seal(data)
}

// cleanup tells the workers the computation is over and forgets its graph.
func (r *run) cleanup() {
	r.c.nc.Publish(r.c.n.end(), r.c.sealed(endMsg{C: r.comp}))
	r.c.nc.Flush()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r.c.graphs.Delete(ctx, r.comp)
}

func (r *run) available(t int) bool {
	return r.tasks[t].state == done && len(r.tasks[t].holders) > 0
}

// recount works out, from what is available now, which tasks are needed and which are
// ready: at the start, and again whenever results were lost with a worker. A needed task
// whose result is gone is computed again, and so, recursively, are the inputs it needs.
func (r *run) recount() {
	n := len(r.tasks)
	needed := make([]bool, n)
	for t := n - 1; t >= 0; t-- {
		if r.output[t] && r.results[t] == nil {
			needed[t] = true
		}
		if needed[t] && !r.available(t) {
			for _, d := range r.g.Tasks[t].Deps {
				needed[d] = true
			}
		}
	}
	r.ready.IDs = r.ready.IDs[:0]
	for t := range r.tasks {
		ts := &r.tasks[t]
		ts.left = 0
		for _, u := range r.users[t] {
			if needed[u] && !r.available(int(u)) {
				ts.left++
			}
		}
		if r.available(t) {
			continue
		}
		if !needed[t] {
			if ts.state == done || ts.state == waiting || ts.state == ready {
				ts.state = released
			}
			continue
		}
		if ts.state == queued {
			continue // its worker still has it; lost inputs come back as Missing
		}
		ts.state, ts.waitFor = waiting, 0
		for _, d := range r.g.Tasks[t].Deps {
			if !r.available(d) {
				ts.waitFor++
			}
		}
		if ts.waitFor == 0 {
			ts.state = ready
			r.ready.IDs = append(r.ready.IDs, int32(t))
		}
	}
	heap.Init(&r.ready)
}

func (r *run) loop(ctx context.Context) ([][]any, error) {
	watchers := sched.Watchers{Progress: r.progress, Observer: r.observer}
	r.id = watchers.Begin(r.g, r.threads(), -1, r.started)
	err := r.drive(ctx)
	r.sampleMemory() // at least one sample, however short the computation
	watchers.End(r.id, err)
	if err != nil {
		return nil, err
	}
	if r.stats != nil {
		r.sampleMemory() // the last word of each worker
		*r.stats = sched.Stats{Tasks: r.finished, PeakBytes: r.peakHeld, SpilledBytes: r.peakSpilled, Limit: r.limit}
	}
	out := make([][]any, len(r.g.Outputs))
	for i, o := range r.g.Outputs {
		out[i] = make([]any, len(o.Tasks))
		for k, t := range o.Tasks {
			out[i][k] = r.results[t]
		}
	}
	return out, nil
}

// sampleMemory reports the memory the live workers hold, each and in all, from their
// heartbeats.
func (r *run) sampleMemory() {
	m := sched.MemorySample{Computation: r.id, At: time.Now()}
	for _, w := range r.c.Workers() {
		if w.Alive {
			m.Held += w.Held
			m.Spilled += w.Spilled
			m.Limit += w.Limit
			m.Workers = append(m.Workers, sched.WorkerMemory{Worker: w.ID, Held: w.Held, Spilled: w.Spilled, Limit: w.Limit})
		}
	}
	// The run's figures for Stats: the most the workers held together, as they said.
	r.peakHeld, r.peakSpilled, r.limit = max(r.peakHeld, m.Held), max(r.peakSpilled, m.Spilled), max(r.limit, m.Limit)
	if r.observer != nil {
		r.observer.Memory(m)
	}
}

func (r *run) threads() int {
	n := 0
	for _, w := range r.c.Workers() {
		if w.Alive {
			n += w.Threads
		}
	}
	return n
}

func (r *run) drive(ctx context.Context) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for r.outLeft > 0 {
		if err := r.assign(); err != nil {
			return err
		}
		r.flushReleases()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-r.c.stopBeat:
			return errors.New("cluster: the client was closed during the computation")
		case m := <-r.c.done:
			if err := r.onDone(m); err != nil {
				return err
			}
			// take every completion already here before assigning again
			for more := true; more; {
				select {
				case m := <-r.c.done:
					if err := r.onDone(m); err != nil {
						return err
					}
				default:
					more = false
				}
			}
		case f := <-r.fetched:
			r.onFetched(f)
		case <-tick.C:
			r.sampleMemory()
			if err := r.checkWorkers(); err != nil {
				return err
			}
			if err := r.checkAnyWorker(); err != nil {
				return err
			}
			r.checkPublished()
			if err := r.reconcile(); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkAnyWorker fails the computation when no worker has been there for WorkerWait
// (workers stopped by a Ctrl-C to their process group, say): waiting on would be waiting
// forever.
func (r *run) checkAnyWorker() error {
	if len(r.live()) > 0 {
		r.noWorkersSince = time.Time{}
		return nil
	}
	if r.noWorkersSince.IsZero() {
		r.noWorkersSince = time.Now()
		return nil
	}
	if gone := time.Since(r.noWorkersSince); gone > r.c.o.WorkerWait {
		return fmt.Errorf("cluster: no worker for %v, with %d results still to compute: the workers are gone", gone.Round(time.Second), r.outLeft)
	}
	return nil
}

// live lists the workers that may be given tasks, with their threads.
func (r *run) live() map[string]int {
	c := r.c
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for id, w := range c.workers {
		if !w.dead && !w.hb.Leaving && !w.hb.Paused && time.Since(w.seen) < c.o.DeadAfter {
			out[id] = w.hb.Threads
		}
	}
	return out
}

// assign publishes ready tasks, in priority order, to workers with room: the worker
// holding the most bytes of a task's inputs if it has room, else the least loaded.
func (r *run) assign() error {
	if r.ready.Len() == 0 {
		return nil
	}
	defer r.sendQueued()
	workers := r.live()
	room := func(id string) int { return 2*workers[id] + prefetch - r.load[id] }
	for r.ready.Len() > 0 {
		t := int(r.ready.IDs[0])
		best := r.holder(t, workers, room)
		if best != "" && room(best) <= 0 {
			// The task waits for the worker holding its inputs, unless another would go
			// idle meanwhile: then moving the inputs is cheaper than waiting.
			if !r.starving(workers) {
				return nil
			}
			best = ""
		}
		root := len(r.g.Tasks[t].Deps) == 0
		if _, ok := workers[r.lastRoot]; best == "" && root && r.roots%r.rootGroup != 0 && ok {
			// Root tasks go in groups to one worker, as dask co-assigns them: neighbours
			// in priority order feed the same reductions and joins, which then need no
			// transfers. The group waits for its worker unless another would go idle.
			if room(r.lastRoot) > 0 {
				best = r.lastRoot
			} else if !r.starving(workers) {
				return nil
			}
		}
		if best == "" {
			best = leastLoaded(workers, room)
		}
		if best == "" {
			return nil // everyone is busy
		}
		heap.Pop(&r.ready)
		if root {
			r.lastRoot = best
			r.roots++
		}
		r.queue(t, best)
	}
	return nil
}

// holder is the live worker holding the most bytes of task t's inputs ("" for a task
// without inputs, or whose inputs only dead workers held).
func (r *run) holder(t int, workers map[string]int, room func(string) int) string {
	deps := r.g.Tasks[t].Deps
	if len(deps) == 0 {
		return ""
	}
	held := map[string]int64{}
	for _, d := range deps {
		for _, h := range r.tasks[d].holders {
			held[h] += r.g.Tasks[d].Bytes
		}
	}
	best, bestBytes := "", int64(-1)
	for id, b := range held {
		if _, ok := workers[id]; ok && (b > bestBytes || (b == bestBytes && room(id) > room(best))) {
			best, bestBytes = id, b
		}
	}
	return best
}

// leastLoaded is the worker with the most room ("" when none has any).
func leastLoaded(workers map[string]int, room func(string) int) string {
	best := ""
	for id := range workers {
		if room(id) > 0 && (best == "" || room(id) > room(best) || (room(id) == room(best) && id < best)) {
			best = id
		}
	}
	return best
}

// starving reports whether a worker has fewer tasks queued than threads to run them.
func (r *run) starving(workers map[string]int) bool {
	for id, threads := range workers {
		if r.load[id] < threads {
			return true
		}
	}
	return false
}

// queue marks a task as given to worker and puts it in that worker's next message.
func (r *run) queue(t int, worker string) {
	tm := taskMsg{C: r.comp, Client: r.c.id, T: t}
	r.c.mu.Lock()
	for _, d := range r.g.Tasks[t].Deps {
		h := r.tasks[d].holders[0]
		for _, cand := range r.tasks[d].holders {
			if cand == worker {
				h = cand
			}
		}
		tm.In = append(tm.In, input{T: d, From: h, Addr: r.c.workers[h].hb.Addr})
	}
	r.c.mu.Unlock()
	r.outbox[worker] = append(r.outbox[worker], tm)
	ts := &r.tasks[t]
	ts.state, ts.worker, ts.started = queued, worker, time.Now()
	r.load[worker]++
}

// prefetch is how many tasks beyond twice its threads a worker may have queued: enough to
// keep it busy while completions travel back and new tasks travel out (measured: the
// per-task overhead of tiny tasks halves from a window of 2 x threads to this one).
const prefetch = 64

// maxBatch is the most tasks one work-queue message carries.
const maxBatch = 32

// sendQueued publishes the tasks queued for each worker, several to a message.
func (r *run) sendQueued() {
	for w, tasks := range r.outbox {
		for len(tasks) > 0 {
			n := min(len(tasks), maxBatch)
			r.publish(r.c.n.taskSubject(w), r.c.sealed(taskBatch{V: ProtocolVersion, Tasks: tasks[:n]}))
			tasks = tasks[n:]
		}
		delete(r.outbox, w)
	}
}

// publish puts a message on the work queue; checkPublished sends it again if JetStream
// did not take it.
func (r *run) publish(subj string, data []byte) {
	f, err := r.c.js.PublishAsync(subj, data)
	if err != nil {
		r.unsent = append(r.unsent, pubFuture{subj: subj, data: data})
		return
	}
	r.futures = append(r.futures, pubFuture{f, subj, data})
}

// checkPublished republishes messages JetStream did not take (a server lost mid-flight).
func (r *run) checkPublished() {
	keep := r.futures[:0]
	for _, p := range r.futures {
		select {
		case <-p.f.Ok():
		case <-p.f.Err():
			r.unsent = append(r.unsent, p)
		default:
			keep = append(keep, p)
		}
	}
	r.futures = keep
	unsent := r.unsent
	r.unsent = nil
	for _, p := range unsent {
		r.publish(p.subj, p.data)
	}
}

// reconcile asks, every second, the workers of tasks queued for a while without news
// whether they finished them: a completion lost with a NATS server is found again.
func (r *run) reconcile() error {
	if time.Since(r.lastReconcile) < time.Second {
		return nil
	}
	r.lastReconcile = time.Now()
	ask := map[string][]int{}
	for t := range r.tasks {
		ts := &r.tasks[t]
		if ts.state == queued && time.Since(ts.started) > 2*time.Second && len(ask[ts.worker]) < 4096 {
			ask[ts.worker] = append(ask[ts.worker], t)
		}
	}
	for w, tasks := range ask {
		reply, err := r.c.nc.Request(r.c.n.status(w), r.c.sealed(statusMsg{C: r.comp, Tasks: tasks}), time.Second)
		if err != nil {
			continue // it may be gone: checkWorkers will tell
		}
		var done []doneMsg
		if json.Unmarshal(reply.Data, &done) != nil {
			continue
		}
		for _, d := range done {
			if err := r.handleDone(d); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *run) onDone(m *nats.Msg) error {
	var d doneMsg
	if json.Unmarshal(m.Data, &d) != nil {
		return nil
	}
	return r.handleDone(d)
}

// handleDone takes in a task's completion (or failure, or missing inputs).
func (r *run) handleDone(d doneMsg) error {
	if d.C != r.comp || d.T < 0 || d.T >= len(r.tasks) {
		return nil
	}
	if d.ClientVersion != "" && d.ClientVersion != ProtocolVersion {
		return nil // a refusal of a message this client did not send
	}
	for _, dep := range d.Missing {
		if !slices.Contains(r.g.Tasks[d.T].Deps, dep) {
			return nil // not an input of the task: a garbled completion
		}
	}
	ts := &r.tasks[d.T]
	if ts.state == queued && ts.worker == d.Worker {
		r.load[d.Worker]--
	}
	if ts.state != queued || ts.worker != d.Worker {
		// A duplicate, or the answer of a worker we gave up on: keep nothing of it.
		if d.Err == "" && len(d.Missing) == 0 && !r.holds(d.T, d.Worker) {
			r.release[d.Worker] = append(r.release[d.Worker], d.T)
		}
		return nil
	}
	if d.Err != "" {
		return fmt.Errorf("cluster: %s (on worker %s)", d.Err, d.Worker)
	}
	if len(d.Missing) > 0 {
		// Inputs whose holder is gone: forget those copies and compute them again.
		for _, dep := range d.Missing {
			r.dropHolder(dep, r.inputHolder(dep, d.Worker))
		}
		ts.state = waiting
		r.recount()
		return nil
	}
	ts.state, ts.holders, ts.worker = done, []string{d.Worker}, ""
	r.finished++
	if r.resultBytes == nil {
		r.resultBytes = make([]int64, len(r.tasks))
	}
	r.resultBytes[d.T] = d.Bytes
	r.held += d.Bytes
	r.peakHeld = max(r.peakHeld, r.held)
	task := &r.g.Tasks[d.T]
	if r.progress != nil {
		r.progress.TaskDone(task, time.Duration(d.End-d.Start))
	}
	if r.observer != nil {
		r.observer.TaskDone(sched.TaskEvent{Computation: r.id, Task: task, Op: task.Op, Worker: r.workerIndex(d.Worker),
			Start: time.Unix(0, d.Start), End: time.Unix(0, d.End), Bytes: d.Bytes})
	}
	for _, u := range r.users[d.T] {
		us := &r.tasks[u]
		if us.state == waiting {
			if us.waitFor--; us.waitFor == 0 {
				us.state = ready
				heap.Push(&r.ready, u)
			}
		}
	}
	for _, dep := range task.Deps {
		ds := &r.tasks[dep]
		if ds.left--; ds.left == 0 && !r.output[dep] && ds.state == done {
			r.drop(dep)
		}
	}
	if r.output[d.T] {
		r.startFetch(d.T)
	} else if ts.left == 0 {
		r.drop(d.T)
	}
	return nil
}

// inputHolder is the worker a task was told to fetch dep from: the first holder that is
// not the task's own worker, or that one.
func (r *run) inputHolder(dep int, worker string) string {
	hs := r.tasks[dep].holders
	for _, h := range hs {
		if h == worker {
			return h
		}
	}
	if len(hs) > 0 {
		return hs[0]
	}
	return ""
}

func (r *run) holds(t int, w string) bool {
	for _, h := range r.tasks[t].holders {
		if h == w {
			return true
		}
	}
	return false
}

func (r *run) dropHolder(t int, w string) {
	hs := r.tasks[t].holders[:0]
	for _, h := range r.tasks[t].holders {
		if h != w {
			hs = append(hs, h)
		}
	}
	r.tasks[t].holders = hs
}

// drop releases a result nothing needs any more, on every worker holding it.
func (r *run) drop(t int) {
	ts := &r.tasks[t]
	for _, h := range ts.holders {
		r.release[h] = append(r.release[h], t)
	}
	ts.holders, ts.state = nil, released
	if r.resultBytes != nil {
		r.held -= r.resultBytes[t]
		r.resultBytes[t] = 0
	}
}

func (r *run) flushReleases() {
	for w, ts := range r.release {
		r.c.nc.Publish(r.c.n.release(w), r.c.sealed(releaseMsg{C: r.comp, Tasks: ts}))
		delete(r.release, w)
	}
}

// workerIndex is the worker's lane in the observer's task stream: workers are numbered
// in the order they first complete a task of the computation, so lanes stay put as
// workers join.
func (r *run) workerIndex(id string) int {
	i, ok := r.lanes[id]
	if !ok {
		i = len(r.lanes)
		r.lanes[id] = i
	}
	return i
}

// startFetch brings an output's result to the client.
func (r *run) startFetch(t int) {
	ts := &r.tasks[t]
	if ts.fetching || len(ts.holders) == 0 {
		return
	}
	ts.fetching = true
	h := ts.holders[0]
	r.c.mu.Lock()
	addr := r.c.workers[h].hb.Addr
	r.c.mu.Unlock()
	ref := taskRef{r.comp, t}
	go func() {
		v, err := fetch(r.c.httpc, addr, ref, func(req *http.Request, _ string) { r.c.key.signRequest(req) }, nil)
		r.fetched <- fetchResult{t, v, err}
	}()
}

func (r *run) onFetched(f fetchResult) {
	ts := &r.tasks[f.t]
	ts.fetching = false
	if f.err != nil {
		// Its holder went away: compute it again.
		if len(ts.holders) > 0 {
			r.dropHolder(f.t, ts.holders[0])
		}
		if len(ts.holders) == 0 {
			r.recount()
		} else {
			r.startFetch(f.t)
		}
		return
	}
	if _, had := r.results[f.t]; !had {
		r.results[f.t] = f.v
		r.outLeft--
	}
	if ts.left == 0 {
		r.drop(f.t)
	}
}

// checkWorkers writes off workers that went silent: their queued tasks go elsewhere, the
// results only they held are computed again, and a task running on too many workers that
// died fails the computation.
func (r *run) checkWorkers() error {
	c := r.c
	var gone []string
	var killed []taskRef
	c.mu.Lock()
	for id, w := range c.workers {
		silent := time.Since(w.seen) > c.o.DeadAfter
		if !w.dead && (silent || w.hb.Leaving) {
			// A worker that leaves has finished its tasks and takes its results with it.
			w.dead = true
			gone = append(gone, id)
			if silent && !w.hb.Leaving {
				killed = append(killed, w.hb.Running...)
			}
		}
	}
	c.mu.Unlock()
	if len(gone) == 0 {
		return nil
	}
	for _, k := range killed {
		if k.C != r.comp || k.T < 0 || k.T >= len(r.tasks) {
			continue
		}
		if r.tasks[k.T].kills++; r.tasks[k.T].kills >= c.o.AllowedKills {
			return fmt.Errorf("cluster: task %s was running on %d workers that died", r.g.Tasks[k.T].Name(), r.tasks[k.T].kills)
		}
	}
	for _, w := range gone {
		r.forget(w)
		delete(r.load, w)
		go c.removeQueue(w)
	}
	for t := range r.tasks {
		ts := &r.tasks[t]
		if ts.state == queued && slices.Contains(gone, ts.worker) {
			ts.state, ts.worker = waiting, ""
		}
	}
	r.recount()
	return nil
}

func (r *run) forget(w string) {
	for t := range r.tasks {
		if r.holds(t, w) {
			r.dropHolder(t, w)
		}
	}
}

// removeQueue deletes a dead worker's queue and the tasks still in it.
func (c *Client) removeQueue(w string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c.js.DeleteConsumer(ctx, c.n.taskStream(), c.n.consumer(w))
	c.stream.Purge(ctx, jetstream.WithPurgeSubject(c.n.taskSubject(w)))
}
