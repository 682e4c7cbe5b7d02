// Package sched runs task graphs. The local scheduler executes a graph.Graph on a pool of
// goroutines in one process: it starts a task as soon as its inputs exist, prefers tasks
// that finish the branch it is working on (a depth-first order toward the results, as
// dask's ordering does) so that few intermediate results are alive at once, and drops each
// result as soon as its last consumer has run. It stops promptly on context cancellation
// or on the first failing task, and always waits for its goroutines before returning.
//
// Executor is the interface other executors (such as a cluster) implement; the local
// scheduler is the default and needs nothing else.
package sched

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"github.com/darray-go/darray/graph"
)

// Executor computes the outputs of a task graph: for each graph.Output, the result of each
// of its tasks, in order.
type Executor interface {
	Execute(ctx context.Context, g *graph.Graph) ([][]any, error)
}

// Reporter is an Executor that also reports on one computation as the options ask: its
// Progress, Observer and Stats (the local scheduler's other options do not apply). An
// executor that is one gets the options given to a computation, such as the progress bar
// of darray.WithProgress.
type Reporter interface {
	Executor
	ExecuteReporting(ctx context.Context, g *graph.Graph, o Options) ([][]any, error)
}

// Progress receives events from a computation. Calls come from the scheduler's goroutines,
// one at a time (never concurrently), so implementations need no locking of their own but
// must return quickly.
type Progress interface {
	Start(tasks int, bytes int64)
	TaskDone(t *graph.Task, elapsed time.Duration)
	Finish(err error)
}

// Options configure the local scheduler.
type Options struct {
	Workers     int      // goroutines running tasks; 0 means runtime.GOMAXPROCS(0)
	Synchronous bool     // run every task in the calling goroutine, in order (for debugging)
	Progress    Progress // optional
	Observer    Observer // optional: every task's run and the memory held, for dashboards

	// MemoryLimit bounds the bytes of results held plus the working sets of running tasks
	// (0: DefaultMemoryLimit; negative: no limit). A task starts only when it fits; held
	// results that are needed least soon are spilled to disk to make room, and read back
	// when a task needs them. A graph whose largest task cannot fit is refused before it
	// starts, with a *PlanError.
	MemoryLimit int64
	SpillDir    string // where spill files go (a private directory is made inside); "" is os.TempDir()
	Stats       *Stats // filled in when Run returns, if not nil
}

// Stats describe a finished computation.
type Stats struct {
	Tasks        int
	PeakBytes    int64 // the most bytes held by results and reserved by running tasks at once
	SpilledBytes int64 // bytes written to spill files
	SpillFiles   int
	Limit        int64
}

// Local is the in-process scheduler.
type Local struct {
	Options
}

// Execute runs g and returns the results of its outputs.
func (l *Local) Execute(ctx context.Context, g *graph.Graph) ([][]any, error) {
	return Run(ctx, g, l.Options)
}

// TaskError is the error of a failing task: it names the task and its operation.
type TaskError struct {
	Key string
	Op  string
	Err error
}

func (e *TaskError) Error() string { return fmt.Sprintf("task %q (%s): %v", e.Key, e.Op, e.Err) }

func (e *TaskError) Unwrap() error { return e.Err }

// Run computes g with the local scheduler.
func Run(ctx context.Context, g *graph.Graph, opt Options) ([][]any, error) {
	s := newRun(g)
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if opt.Synchronous {
		workers = 1
	}
	s.progress = opt.Progress
	s.limit = opt.MemoryLimit
	if s.limit == 0 {
		s.limit = DefaultMemoryLimit()
	}
	if s.limit > 0 {
		if need, t := Project(g); need > s.limit {
			return nil, &PlanError{Task: g.Tasks[t].Name(), Op: g.Tasks[t].Op, Need: need, Limit: s.limit}
		}
	}
	s.spill.parent = opt.SpillDir
	defer s.spill.close()
	if s.limit > 0 {
		defer holdGCLimit(s.limit)()
	}
	s.observer = opt.Observer
	watchers := Watchers{Progress: opt.Progress, Observer: opt.Observer}
	s.id = watchers.Begin(g, workers, s.limit, time.Now())
	err := s.run(ctx, workers, opt.Synchronous)
	if err == nil {
		err = s.loadOutputs()
	}
	if opt.Stats != nil {
		*opt.Stats = Stats{Tasks: len(g.Tasks), PeakBytes: s.peak, SpilledBytes: s.spill.bytes, SpillFiles: s.spill.files, Limit: s.limit}
	}
	watchers.End(s.id, err)
	if err != nil {
		return nil, err
	}
	out := make([][]any, len(g.Outputs))
	for i, o := range g.Outputs {
		out[i] = make([]any, len(o.Tasks))
		for j, t := range o.Tasks {
			out[i][j] = s.results[t]
		}
	}
	return out, nil
}

// state is one computation in progress. Everything below mu is guarded by it.
type state struct {
	g          *graph.Graph
	dependents [][]int32
	priority   []int32
	progress   Progress
	observer   Observer
	id         uint64 // the computation's number, for the observer
	onDisk     int64  // bytes of results spilled now
	lastSample time.Time

	mu      sync.Mutex
	cond    *sync.Cond
	ready   ReadyQueue
	waiting []int32 // inputs not yet computed
	refs    []int32 // consumers not yet run, plus one for an output
	results []any
	left    int // tasks not yet finished
	running int
	err     error

	// Memory accounting (limit <= 0: none).
	limit    int64
	held     int64   // bytes of results in memory
	reserved int64   // working sets of running tasks
	peak     int64   // most of held + reserved
	sizes    []int64 // per task: bytes of its result in memory
	pinned   []int32 // per task: running tasks reading its result
	done     []bool
	spilled  map[int]*spillMeta // results on disk
	spilling map[int]bool       // results being written to disk (still in memory)
	spill    spillStore
}

func newRun(g *graph.Graph) *state {
	n := len(g.Tasks)
	s := &state{g: g, waiting: make([]int32, n), refs: make([]int32, n), results: make([]any, n), left: n,
		sizes: make([]int64, n), pinned: make([]int32, n), done: make([]bool, n), spilled: map[int]*spillMeta{}, spilling: map[int]bool{}}
	s.cond = sync.NewCond(&s.mu)
	counts := make([]int32, n)
	for i := range g.Tasks {
		for _, d := range g.Tasks[i].Deps {
			counts[d]++
		}
		s.waiting[i] = int32(len(g.Tasks[i].Deps))
	}
	s.dependents = make([][]int32, n)
	for i := range s.dependents {
		s.dependents[i] = make([]int32, 0, counts[i])
	}
	for i := range g.Tasks {
		for _, d := range g.Tasks[i].Deps {
			s.dependents[d] = append(s.dependents[d], int32(i))
		}
	}
	copy(s.refs, counts)
	for _, o := range g.Outputs {
		for _, t := range o.Tasks {
			s.refs[t]++
		}
	}
	s.priority = order(g, s.dependents)
	s.ready = ReadyQueue{Prio: s.priority}
	for i := range g.Tasks {
		if s.waiting[i] == 0 {
			s.ready.IDs = append(s.ready.IDs, int32(i))
		}
	}
	heap.Init(&s.ready)
	return s
}

// Order numbers the tasks of g in the order the local scheduler prefers to run them (see
// order), given each task's readers, for other executors to run them in the same order.
func Order(g *graph.Graph, dependents [][]int32) []int32 { return order(g, dependents) }

// order numbers the tasks in a depth-first post-order from the outputs: a task's inputs
// come right before it, and the branch feeding one output block is finished before the
// next is started. Running ready tasks lowest number first keeps few results alive.
//
// One exception keeps splits from holding their input: as soon as a task is numbered, any
// task reading it whose inputs are all numbered and whose result is smaller than its
// inputs together is numbered right after it (and so on from there). A block cut into pieces for
// many later consumers (the first stage of a rechunk) is then split at once and released,
// instead of being kept whole until the last consumer of its last piece runs.
func order(g *graph.Graph, dependents [][]int32) []int32 {
	n := len(g.Tasks)
	prio := make([]int32, n)
	unnumbered := make([]int32, n) // per task: its inputs not yet numbered
	inBytes := make([]int64, n)    // per task: the size of its inputs
	for i := range prio {
		prio[i] = -1
		unnumbered[i] = int32(len(g.Tasks[i].Deps))
		for _, d := range g.Tasks[i].Deps {
			inBytes[i] += g.Tasks[d].Bytes
		}
	}
	next := int32(0)
	assign := func(t int) {
		prio[t] = next
		next++
		for _, c := range dependents[t] {
			unnumbered[c]--
		}
	}
	var pending []int // numbered tasks whose dependents are still to be looked at
	number := func(t int) {
		assign(t)
		pending = append(pending[:0], t)
		for len(pending) > 0 {
			p := pending[len(pending)-1]
			pending = pending[:len(pending)-1]
			for _, c := range dependents[p] {
				if prio[c] == -1 && unnumbered[c] == 0 && g.Tasks[c].Bytes < inBytes[c] {
					assign(int(c))
					pending = append(pending, int(c))
				}
			}
		}
	}
	type frame struct{ task, dep int }
	var stack []frame
	visit := func(root int) {
		if prio[root] >= 0 {
			return
		}
		stack = append(stack[:0], frame{root, 0})
		prio[root] = -2 // on the stack
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			deps := g.Tasks[f.task].Deps
			if f.dep < len(deps) {
				d := deps[f.dep]
				f.dep++
				if prio[d] == -1 {
					prio[d] = -2
					stack = append(stack, frame{d, 0})
				}
				continue
			}
			number(f.task)
			stack = stack[:len(stack)-1]
		}
	}
	for _, o := range g.Outputs {
		for _, t := range o.Tasks {
			visit(t)
		}
	}
	for i := range prio { // tasks no output needs (none, after Lower's culling)
		if prio[i] < 0 {
			prio[i] = next
			next++
		}
	}
	return prio
}

func (s *state) run(ctx context.Context, workers int, synchronous bool) error {
	if s.left == 0 {
		return nil
	}
	if synchronous {
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			s.mu.Lock()
			if s.err != nil || s.left == 0 {
				s.mu.Unlock()
				return s.err
			}
			t, _ := s.next() // alone, the next task always starts
			s.mu.Unlock()
			if t >= 0 {
				s.execute(t, 0)
			}
		}
	}
	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		if s.err == nil {
			s.err = ctx.Err()
		}
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	defer stop()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.worker(w)
		}()
	}
	wg.Wait()
	if s.err == nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return s.err
}

func (s *state) worker(id int) {
	s.mu.Lock()
	for {
		if s.err != nil || s.left == 0 {
			s.mu.Unlock()
			return
		}
		t, ok := s.next()
		if !ok {
			s.cond.Wait()
			continue
		}
		s.mu.Unlock()
		if t >= 0 {
			s.execute(t, id)
		}
		s.mu.Lock()
	}
}

// next takes the highest-priority ready task if it fits in memory, making room by
// spilling when it must, and marks it running with its inputs in memory. It reports false
// when the task has to wait for running tasks to free memory (or nothing is ready); it
// returns -1 when loading an input failed (the error is recorded). Called with mu held.
func (s *state) next() (int, bool) {
	if s.ready.Len() == 0 {
		return 0, false
	}
	t := int(s.ready.IDs[0])
	task := &s.g.Tasks[t]
	need := workingSet(task)
	for _, d := range task.Deps {
		if m, ok := s.spilled[d]; ok {
			need += m.size
		}
	}
	if s.limit > 0 && s.held+s.reserved+need > s.limit {
		if s.makeRoom(t, s.held+s.reserved+need-s.limit) {
			return -1, true // the lock was let go while spilling: look again
		}
		if s.err != nil {
			return -1, true
		}
		if s.held+s.reserved+need > s.limit && (s.running > 0 || len(s.spilling) > 0) {
			return 0, false // wait for running tasks, or spills under way, to free memory
		}
	}
	heap.Pop(&s.ready)
	for _, d := range task.Deps {
		if m, ok := s.spilled[d]; ok {
			v, err := s.spill.read(m)
			if err != nil {
				s.fail(task, err)
				return -1, true
			}
			delete(s.spilled, d)
			s.onDisk -= m.size
			s.results[d], s.sizes[d] = v, m.size
			s.held += m.size
		}
		s.pinned[d]++
	}
	s.running++
	s.reserved += workingSet(task)
	s.notePeak()
	return t, true
}

func (s *state) notePeak() {
	if s.held+s.reserved > s.peak {
		s.peak = s.held + s.reserved
	}
}

// makeRoom spills held results, those needed least soon first, until want bytes are free
// or nothing more can go. Results pinned by running tasks, read by task t or already
// being written stay. The files are written with the lock let go, so that the other
// workers go on computing meanwhile; makeRoom reports whether it did that (the caller
// must then look at the state afresh).
func (s *state) makeRoom(t int, want int64) (unlocked bool) {
	keep := map[int]bool{}
	for _, d := range s.g.Tasks[t].Deps {
		keep[d] = true
	}
	var victims []int
	for want > 0 {
		victim, latest := -1, int32(-1)
		for i, v := range s.results {
			if v == nil || s.pinned[i] > 0 || keep[i] || s.sizes[i] == 0 || s.spilling[i] {
				continue
			}
			if next := s.nextUse(i); next > latest {
				victim, latest = i, next
			}
		}
		if victim < 0 {
			break
		}
		if _, _, err := spillArrays(s.results[victim]); err != nil {
			s.sizes[victim] = 0 // cannot go; stop considering it
			continue
		}
		s.spilling[victim] = true
		victims = append(victims, victim)
		want -= s.sizes[victim]
	}
	if len(victims) == 0 {
		return false
	}
	values := make([]any, len(victims))
	names := make([]string, len(victims))
	for i, v := range victims {
		values[i], names[i] = s.results[v], s.g.Tasks[v].Name()
	}
	s.mu.Unlock()
	metas := make([]*spillMeta, len(victims))
	errs := make([]error, len(victims))
	for i := range victims {
		metas[i], errs[i] = s.spill.write(names[i], values[i])
	}
	s.mu.Lock()
	for i, v := range victims {
		delete(s.spilling, v)
		switch {
		case errs[i] != nil:
			if s.err == nil {
				s.err = fmt.Errorf("memory limit of %s: %w", FormatBytes(s.limit), errs[i])
			}
		case s.results[v] == nil || s.pinned[v] > 0:
			// Dropped by its last consumer, or taken up by a task, while being written:
			// the file is not needed.
			s.spill.discard(metas[i])
		default:
			s.spilled[v] = metas[i]
			s.onDisk += metas[i].size
			s.held -= metas[i].size
			s.results[v], s.sizes[v] = nil, 0
		}
	}
	s.cond.Broadcast()
	return true
}

// nextUse is the priority of the first task still to run that reads result i (outputs
// that no task reads come last).
func (s *state) nextUse(i int) int32 {
	next := int32(1<<31 - 1)
	for _, c := range s.dependents[i] {
		if !s.done[c] && s.priority[c] < next {
			next = s.priority[c]
		}
	}
	return next
}

func (s *state) fail(task *graph.Task, err error) {
	if s.err == nil {
		s.err = &TaskError{Key: task.Name(), Op: task.Op, Err: err}
	}
	s.cond.Broadcast()
}

// loadOutputs reads back outputs that were spilled.
func (s *state) loadOutputs() error {
	for _, o := range s.g.Outputs {
		for _, t := range o.Tasks {
			if m, ok := s.spilled[t]; ok {
				v, err := s.spill.read(m)
				if err != nil {
					return err
				}
				delete(s.spilled, t)
				s.results[t] = v
			}
		}
	}
	return nil
}

// execute runs task t (whose inputs all exist) on worker w and records its result.
func (s *state) execute(t, w int) {
	task := &s.g.Tasks[t]
	s.mu.Lock()
	inputs := make([]any, len(task.Deps))
	for i, d := range task.Deps {
		inputs[i] = s.results[d]
	}
	s.mu.Unlock()
	start := time.Now()
	result, err := SafeExecute(task, inputs)
	elapsed := time.Since(start)
	end := start.Add(elapsed)
	var sample *MemorySample // taken under the lock, reported after it (defers run last first)
	if s.observer != nil {
		// Reported outside the scheduler's lock: observers take their own.
		s.observer.TaskDone(TaskEvent{Computation: s.id, Task: task, Op: task.Op, Worker: w, Start: start, End: end, Bytes: task.Bytes, Err: err})
		defer func() {
			if sample != nil {
				s.observer.Memory(*sample)
			}
		}()
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.running--
	s.reserved -= workingSet(task)
	for _, d := range task.Deps {
		s.pinned[d]--
	}
	if s.observer != nil && end.Sub(s.lastSample) >= MemoryInterval {
		s.lastSample = end
		defer func() { // after the results are accounted, still under the lock
			sample = &MemorySample{Computation: s.id, At: end, Held: s.held + s.reserved, Spilled: s.onDisk, Limit: s.limit}
		}()
	}
	if err != nil {
		s.fail(task, err)
		return
	}
	if s.err != nil {
		return
	}
	s.results[t] = result
	s.done[t] = true
	s.sizes[t] = SizeOf(result)
	s.held += s.sizes[t]
	s.notePeak()
	s.left--
	for _, d := range task.Deps { // inputs whose last consumer this was are dropped
		s.refs[d]--
		if s.refs[d] == 0 {
			s.results[d] = nil
			s.held -= s.sizes[d]
			s.sizes[d] = 0
		}
	}
	if s.refs[t] == 0 {
		s.results[t] = nil
		s.held -= s.sizes[t]
		s.sizes[t] = 0
	}
	s.cond.Broadcast() // memory was freed: waiting workers may now fit their task
	for _, c := range s.dependents[t] {
		s.waiting[c]--
		if s.waiting[c] == 0 {
			heap.Push(&s.ready, c)
		}
	}
	if s.progress != nil {
		s.progress.TaskDone(task, elapsed)
	}
}

// SafeExecute runs a task and turns a panic inside it into an error, so that one bad block
// fails the computation with a message instead of crashing the program (or, on a
// cluster, the worker).
func SafeExecute(task *graph.Task, inputs []any) (result any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	result, err = graph.Execute(task, inputs)
	if err == nil && result == nil {
		err = errors.New("operation returned no result")
	}
	return result, err
}
