// Package dashboard shows computations as they run, in a web page served over HTTP: the
// progress of each computation and of each operation in it, a task stream (which worker
// ran what, when), the memory held and spilled over time, throughput, and the errors with
// the keys of the tasks that failed. A Dashboard is a sched.Observer: pass it to a
// computation (darray.WithObserver) and serve it (Serve, or Handler in a server of your
// own). The page updates live from server-sent events; its files are embedded, so it
// works offline; /api/status gives the same data as JSON. It is read-only, and Serve binds
// to loopback unless given another address, answering there only to loopback host names
// (so that other web pages cannot reach it through DNS rebinding).
package dashboard

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/sched"
)

//go:embed static
var static embed.FS

// How much history a dashboard keeps.
const (
	streamLength  = 2000 // task runs, the most recent
	memoryLength  = 2000 // memory samples per computation (thinned as they come)
	errorsLength  = 100
	computationsN = 20 // the most recent computations
	graphsKept    = 3  // of which the task graphs, for the graph picture
)

// Dashboard collects what computations report. The zero value is not usable: use New.
type Dashboard struct {
	mu      sync.Mutex
	version uint64 // bumped on every change, for the event stream
	comps   []*computation
	stream  []run // a ring of the most recent task runs
	next    int   // where the ring writes next
	errs    []TaskError
	origin  time.Time
}

// run is a task run as kept: its name is made only when the status is asked for.
type run struct {
	TaskRun
	task *graph.Task
}

type computation struct {
	Computation
	memory  []Sample
	lastMem time.Time
	graph   *graph.Graph
	layers  map[*graph.Layer]*graph.LayerProgress
}

// Computation is one computation's progress, as /api/status reports it.
type Computation struct {
	ID        uint64             `json:"id"`
	Started   time.Time          `json:"started"`
	Elapsed   float64            `json:"elapsed"` // seconds
	State     string             `json:"state"`   // running, done or failed
	Error     string             `json:"error,omitempty"`
	Tasks     int                `json:"tasks"`
	Done      int                `json:"done"`
	Failed    int                `json:"failed"`
	Bytes     int64              `json:"bytes"` // made by the tasks done
	Workers   int                `json:"workers"`
	Limit     int64              `json:"limit"`
	Ops       map[string]*OpStat `json:"ops"`
	PerSecond float64            `json:"per_second"` // tasks a second over the last second
	recent    rate
}

// rate counts events in the last second, in ten buckets of 100 ms.
type rate struct {
	counts [10]int
	slot   [10]int64 // which 100 ms each bucket counts
}

func (r *rate) add(t time.Time) {
	s := t.UnixMilli() / 100
	i := s % 10
	if r.slot[i] != s {
		r.slot[i], r.counts[i] = s, 0
	}
	r.counts[i]++
}

func (r *rate) lastSecond(now time.Time) int {
	s := now.UnixMilli() / 100
	n := 0
	for i, slot := range r.slot {
		if s-slot < 10 {
			n += r.counts[i]
		}
	}
	return n
}

// OpStat counts one operation's tasks.
type OpStat struct {
	Total int     `json:"total"`
	Done  int     `json:"done"`
	Time  float64 `json:"time"` // seconds spent in its tasks
}

// TaskRun is one task's run in the task stream; times are seconds since the dashboard
// started.
type TaskRun struct {
	Computation uint64  `json:"computation"`
	Task        string  `json:"task"`
	Op          string  `json:"op"`
	Worker      int     `json:"worker"`
	Start       float64 `json:"start"`
	End         float64 `json:"end"`
	Failed      bool    `json:"failed,omitempty"`
}

// Sample is the memory a computation held at a time (seconds since the dashboard started).
type Sample struct {
	T       float64              `json:"t"`
	Held    int64                `json:"held"`
	Spilled int64                `json:"spilled"`
	Workers []sched.WorkerMemory `json:"workers,omitempty"` // per worker process, on a cluster
}

// TaskError is a failed task.
type TaskError struct {
	Computation uint64 `json:"computation"`
	Task        string `json:"task"`
	Error       string `json:"error"`
}

// Status is everything /api/status returns.
type Status struct {
	Now          float64             `json:"now"` // seconds since the dashboard started
	Computations []Computation       `json:"computations"`
	Stream       []TaskRun           `json:"stream"`
	Memory       map[uint64][]Sample `json:"memory"`
	Errors       []TaskError         `json:"errors"`
}

// New returns an empty dashboard.
func New() *Dashboard { return &Dashboard{origin: time.Now()} }

var _ sched.Observer = (*Dashboard)(nil)

func (d *Dashboard) since(t time.Time) float64 { return t.Sub(d.origin).Seconds() }

func (d *Dashboard) find(id uint64) *computation {
	for i := len(d.comps) - 1; i >= 0; i-- {
		if d.comps[i].ID == id {
			return d.comps[i]
		}
	}
	return nil
}

// Begin records a computation starting (sched.Observer).
func (d *Dashboard) Begin(c sched.Computation) {
	d.mu.Lock()
	defer d.mu.Unlock()
	ops := map[string]*OpStat{}
	for op, n := range c.Ops {
		ops[op] = &OpStat{Total: n}
	}
	layers := map[*graph.Layer]*graph.LayerProgress{}
	if c.Graph != nil {
		for i := range c.Graph.Tasks {
			if l := c.Graph.Tasks[i].Layer; l != nil {
				if layers[l] == nil {
					layers[l] = &graph.LayerProgress{}
				}
				layers[l].Total++
			}
		}
	}
	d.comps = append(d.comps, &computation{Computation: Computation{ID: c.ID, Started: c.Started, State: "running",
		Tasks: c.Tasks, Workers: c.Workers, Limit: c.Limit, Ops: ops}, graph: c.Graph, layers: layers})
	if len(d.comps) > computationsN {
		d.comps = d.comps[len(d.comps)-computationsN:]
	}
	for _, old := range d.comps[:max(0, len(d.comps)-graphsKept)] {
		old.graph, old.layers = nil, nil // task graphs can be large: keep the newest few
	}
	d.version++
}

// TaskDone records a task's run (sched.Observer).
func (d *Dashboard) TaskDone(e sched.TaskEvent) {
	d.mu.Lock()
	defer d.mu.Unlock()
	r := run{TaskRun{Computation: e.Computation, Op: e.Op, Worker: e.Worker, Start: d.since(e.Start), End: d.since(e.End), Failed: e.Err != nil}, e.Task}
	if len(d.stream) < streamLength {
		d.stream = append(d.stream, r)
	} else {
		d.stream[d.next] = r
	}
	d.next = (d.next + 1) % streamLength
	if c := d.find(e.Computation); c != nil {
		op := c.Ops[e.Op]
		if op == nil {
			op = &OpStat{}
			c.Ops[e.Op] = op
		}
		if e.Err != nil {
			c.Failed++
		} else {
			c.Done++
			op.Done++
			c.Bytes += e.Bytes
			if p := c.layers[e.Task.Layer]; p != nil {
				p.Done++
			}
		}
		op.Time += e.End.Sub(e.Start).Seconds()
		c.recent.add(e.End)
	}
	if e.Err != nil && len(d.errs) < errorsLength {
		d.errs = append(d.errs, TaskError{Computation: e.Computation, Task: e.Task.Name(), Error: e.Err.Error()})
	}
	d.version++
}

// Memory records a memory sample (sched.Observer); samples closer than 10 ms to the
// previous one are skipped, and the history is thinned to memoryLength.
func (d *Dashboard) Memory(m sched.MemorySample) {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.find(m.Computation)
	if c == nil || m.At.Sub(c.lastMem) < 10*time.Millisecond {
		return
	}
	c.lastMem = m.At
	c.memory = append(c.memory, Sample{T: d.since(m.At), Held: m.Held, Spilled: m.Spilled, Workers: m.Workers})
	if len(c.memory) > memoryLength { // keep every other sample: the picture stays whole
		thin := c.memory[:0]
		for i, s := range c.memory {
			if i%2 == 0 {
				thin = append(thin, s)
			}
		}
		c.memory = thin
	}
	d.version++
}

// End records a computation ending (sched.Observer).
func (d *Dashboard) End(id uint64, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c := d.find(id); c != nil {
		c.State = "done"
		c.Elapsed = time.Since(c.Started).Seconds()
		if err != nil {
			c.State, c.Error = "failed", err.Error()
		}
	}
	d.version++
}

// Status returns a copy of everything the dashboard holds.
func (d *Dashboard) Status() Status {
	d.mu.Lock()
	defer d.mu.Unlock()
	st, _ := d.statusLocked()
	return st
}

func (d *Dashboard) statusLocked() (Status, uint64) {
	now := time.Now()
	st := Status{Now: d.since(now), Memory: map[uint64][]Sample{}, Errors: append([]TaskError{}, d.errs...)}
	for _, c := range d.comps {
		cc := c.Computation
		cc.Ops = map[string]*OpStat{}
		for k, v := range c.Ops {
			o := *v
			cc.Ops[k] = &o
		}
		if cc.State == "running" {
			cc.Elapsed = now.Sub(c.Started).Seconds()
		}
		cc.PerSecond = float64(c.recent.lastSecond(now))
		cc.recent = rate{}
		st.Computations = append(st.Computations, cc)
		st.Memory[c.ID] = append([]Sample{}, c.memory...)
	}
	// The stream oldest first.
	ordered := d.stream
	if len(d.stream) == streamLength {
		ordered = append(append([]run{}, d.stream[d.next:]...), d.stream[:d.next]...)
	}
	st.Stream = make([]TaskRun, len(ordered))
	for i, r := range ordered {
		st.Stream[i] = r.TaskRun
		st.Stream[i].Task = r.task.Name()
	}
	return st, d.version
}

// Handler serves the page ("/"), the status as JSON ("/api/status") and the status as a
// stream of server-sent events, sent when it changes, at most every 200 ms
// ("/api/events").
func (d *Dashboard) Handler() http.Handler {
	mux := http.NewServeMux()
	files, _ := fs.Sub(static, "static")
	mux.Handle("GET /", http.FileServerFS(files))
	mux.HandleFunc("GET /api/status", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(d.Status())
	})
	mux.HandleFunc("GET /api/events", d.events)
	mux.HandleFunc("GET /api/graph.dot", func(w http.ResponseWriter, r *http.Request) {
		text, ok := d.GraphDOT(r.URL.Query().Get("id"))
		if !ok {
			http.Error(w, "no such computation", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "text/vnd.graphviz")
		fmt.Fprint(w, text)
	})
	mux.HandleFunc("GET /api/graph.svg", func(w http.ResponseWriter, r *http.Request) {
		text, ok := d.GraphDOT(r.URL.Query().Get("id"))
		if !ok {
			http.Error(w, "no such computation", http.StatusNotFound)
			return
		}
		dot, err := exec.LookPath("dot")
		if err != nil {
			http.Error(w, "Graphviz's dot is not installed: see /api/graph.dot", http.StatusNotImplemented)
			return
		}
		// One render at a time, each for at most renderTimeout: a page reloaded in a loop
		// (or a hostile one) cannot start a Graphviz process per request.
		ctx, cancel := context.WithTimeout(r.Context(), renderTimeout)
		defer cancel()
		select {
		case rendering <- struct{}{}:
			defer func() { <-rendering }()
		case <-ctx.Done():
			http.Error(w, "another graph picture is being drawn; try again", http.StatusServiceUnavailable)
			return
		}
		cmd := exec.CommandContext(ctx, dot, "-Tsvg")
		cmd.Stdin = strings.NewReader(text)
		svg, err := cmd.Output()
		if err != nil {
			http.Error(w, "dot failed: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Write(svg)
	})
	return mux
}

// rendering holds a token while Graphviz draws a picture, for all dashboards of the process.
var rendering = make(chan struct{}, 1)

// renderTimeout bounds one Graphviz run (and the wait for the one before it).
const renderTimeout = 30 * time.Second

// GraphDOT is the layer graph of computation id ("" or "latest": the newest), coloured by
// each layer's progress.
func (d *Dashboard) GraphDOT(id string) (string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var c *computation
	if id == "" || id == "latest" {
		if len(d.comps) > 0 {
			c = d.comps[len(d.comps)-1]
		}
	} else if n, err := strconv.ParseUint(id, 10, 64); err == nil {
		c = d.find(n)
	}
	if c == nil || c.graph == nil {
		return "", false
	}
	progress := map[*graph.Layer]graph.LayerProgress{}
	var targets []*graph.Layer
	for l, p := range c.layers {
		progress[l] = *p
	}
	for _, o := range c.graph.Outputs {
		if o.Layer != nil {
			targets = append(targets, o.Layer)
		}
	}
	return graph.LayersStateDOT(targets, progress), true
}

func (d *Dashboard) events(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	sent := ^uint64(0)
	for {
		d.mu.Lock()
		st, v := d.statusLocked()
		d.mu.Unlock()
		if v != sent {
			b, err := json.Marshal(st)
			if err != nil {
				return
			}
			if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
				return
			}
			flusher.Flush()
			sent = v
		}
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
		}
	}
}

// Server is a dashboard being served.
type Server struct {
	URL string
	srv *http.Server
}

// DefaultAddr is where Serve listens when given no address: loopback only.
const DefaultAddr = "127.0.0.1:8787"

// Serve serves the dashboard on addr ("" is DefaultAddr; port 0 picks a free one) until
// Close.
func (d *Dashboard) Serve(addr string) (*Server, error) {
	if addr == "" {
		addr = DefaultAddr
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	h := d.Handler()
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && tcp.IP.IsLoopback() {
		h = loopbackHostsOnly(h, ln.Addr().String())
	}
	s := &Server{URL: "http://" + ln.Addr().String() + "/", srv: &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}}
	go s.srv.Serve(ln) // returns http.ErrServerClosed once closed
	return s, nil
}

// loopbackHostsOnly refuses requests whose Host header is not a loopback name: a web page
// elsewhere that points a name of its own at 127.0.0.1 (DNS rebinding) can make the
// browser send it requests, but only with that name as their Host. A dashboard bound to
// another address is meant to be reached by other names and is not checked.
func loopbackHostsOnly(next http.Handler, addr string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.Trim(host, "[]")
		ip := net.ParseIP(host)
		if !strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback()) {
			http.Error(w, fmt.Sprintf("this dashboard answers at %s, localhost and 127.0.0.1, not as %q", addr, r.Host), http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Close stops serving and closes open connections (event streams included).
func (s *Server) Close() error { return s.srv.Close() }
