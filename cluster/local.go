package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/darray-go/darray/dashboard"
)

// LocalOptions shape a LocalCluster, as dask's LocalCluster(n_workers, threads_per_worker,
// memory_limit).
type LocalOptions struct {
	Workers          int   // worker processes; 0 is 2
	ThreadsPerWorker int   // 0 is 1
	MemoryLimit      int64 // bytes per worker; 0 is 1 GiB. A worker past it is restarted.
	// DeadAfter is how long a silent worker is waited for before its work is redone
	// elsewhere (0: 3 s).
	DeadAfter time.Duration
	// Dashboard is the dashboard's address: "" is 127.0.0.1 on a free port, "off" none.
	Dashboard string
	// Command starts a worker; it gets its settings in the environment. nil runs this
	// program again (which must call NewLocalCluster or MaybeRunWorker early in main, before
	// anything with side effects); {"darray", "worker"} runs the darray command.
	Command []string
	// OwnSignals says the program handles SIGINT and SIGTERM itself (by cancelling and
	// calling Close, as the darray command does). Otherwise the cluster, on either signal,
	// stops its workers and removes its files, then ends the program as the signal would
	// have: no worker outlives a program that forgot to close its cluster.
	OwnSignals bool
}

// LocalCluster is an embedded NATS server and worker processes on this machine, supervised:
// a worker that dies or passes its memory limit is started again.
type LocalCluster struct {
	o        LocalOptions
	creds    Credentials // the workers'; the client logs in as ClientUser
	clientPW string
	server   *Server
	dir      string // spill files of every worker, removed by Close
	client   *Client
	dash     *dashboard.Dashboard
	dashSrv  *dashboard.Server
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	mu       sync.Mutex
	procs    map[int]*os.Process // slot -> running worker
	restarts int
	closed   bool
	// Close runs once; later and concurrent calls wait for it and return its error.
	closeOnce sync.Once
	closeErr  error
	signals   chan os.Signal
}

// workerEnv carries a worker process's settings from the cluster that starts it.
const workerEnv = "DARRAY_CLUSTER_WORKER"

type workerSpec struct {
	URL         string
	Threads     int
	MemoryLimit int64
	SpillDir    string
	Credentials string // the file of the workers' credentials (mode 0600, in a 0700 directory)
}

// MaybeRunWorker turns this process into a worker and exits, if a LocalCluster started it
// as one; otherwise it returns at once. NewLocalCluster calls it; call it yourself first
// thing in main (or TestMain) if main does anything before.
func MaybeRunWorker() {
	spec := os.Getenv(workerEnv)
	if spec == "" {
		return
	}
	var s workerSpec
	if err := json.Unmarshal([]byte(spec), &s); err != nil {
		fmt.Fprintln(os.Stderr, "darray worker: bad", workerEnv, err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	err := RunWorker(ctx, WorkerOptions{ConnectOptions: ConnectOptions{URL: s.URL, Security: Security{CredentialsFile: s.Credentials}}, Threads: s.Threads,
		MemoryLimit: s.MemoryLimit, SpillDir: s.SpillDir, WholeProcess: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, "darray worker:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// NewLocalCluster starts a NATS server and the workers, and waits until every worker has
// joined.
func NewLocalCluster(ctx context.Context, o LocalOptions) (*LocalCluster, error) {
	MaybeRunWorker()
	if o.Workers <= 0 {
		o.Workers = 2
	}
	if o.ThreadsPerWorker <= 0 {
		o.ThreadsPerWorker = 1
	}
	if o.MemoryLimit <= 0 {
		o.MemoryLimit = 1 << 30
	}
	if o.Command == nil {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("cluster: find this program to start workers: %w", err)
		}
		o.Command = []string{exe}
	}
	// Credentials of its own, that only this user can read: the workers get theirs in a
	// file in the cluster's private directory.
	creds := Credentials{NATSUser: WorkerUser, NATSPassword: NewSecret(), Secret: NewSecret()}
	clientPW := NewSecret()
	dir, err := os.MkdirTemp("", "darray-cluster-*") // (mode 0700)
	if err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	if err := creds.WriteFile(filepath.Join(dir, "credentials.json")); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	srv, err := StartServer(ServerOptions{WorkerPassword: creds.NATSPassword, ClientPassword: clientPW})
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	lc := &LocalCluster{o: o, creds: creds, clientPW: clientPW, server: srv, dir: dir, procs: map[int]*os.Process{}}
	if !o.OwnSignals {
		lc.signals = make(chan os.Signal, 1)
		signal.Notify(lc.signals, syscall.SIGINT, syscall.SIGTERM)
		go lc.closeOnSignal()
	}
	fail := func(err error) (*LocalCluster, error) {
		lc.Close()
		return nil, err
	}
	if o.Dashboard != "off" {
		lc.dash = dashboard.New()
		addr := o.Dashboard
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		if lc.dashSrv, err = lc.dash.Serve(addr); err != nil {
			return fail(err)
		}
	}
	copts := ClientOptions{ConnectOptions: lc.ClientConnectOptions(), DeadAfter: o.DeadAfter}
	if lc.dash != nil {
		copts.Observer = lc.dash
	}
	if lc.client, err = Connect(ctx, copts); err != nil {
		return fail(err)
	}
	sctx, cancel := context.WithCancel(context.Background())
	lc.cancel = cancel
	for slot := range o.Workers {
		lc.wg.Add(1)
		go lc.supervise(sctx, slot)
	}
	wctx, wcancel := context.WithTimeout(ctx, 60*time.Second)
	defer wcancel()
	if err := lc.client.WaitForWorkers(wctx, o.Workers); err != nil {
		return fail(err)
	}
	return lc, nil
}

// supervise keeps the worker of one slot running.
func (lc *LocalCluster) supervise(ctx context.Context, slot int) {
	defer lc.wg.Done()
	sv := Supervisor{
		Command: func(spill string) *exec.Cmd {
			spec, _ := json.Marshal(workerSpec{URL: lc.server.URL(), Threads: lc.o.ThreadsPerWorker,
				MemoryLimit: lc.o.MemoryLimit, SpillDir: spill, Credentials: filepath.Join(lc.dir, "credentials.json")})
			cmd := exec.Command(lc.o.Command[0], lc.o.Command[1:]...)
			cmd.Env = append(os.Environ(), workerEnv+"="+string(spec))
			return cmd
		},
		SpillDir:    lc.dir,
		MemoryLimit: lc.o.MemoryLimit,
		Started: func(p *os.Process) {
			lc.mu.Lock()
			lc.procs[slot] = p
			lc.mu.Unlock()
		},
		Exited: func(*os.Process) {
			lc.mu.Lock()
			delete(lc.procs, slot)
			if !lc.closed {
				lc.restarts++
			}
			lc.mu.Unlock()
		},
	}
	sv.Run(ctx)
}

func (lc *LocalCluster) closeOnSignal() {
	sig, ok := <-lc.signals
	if !ok {
		return
	}
	lc.Close()
	// Then what the signal would have done: end the program.
	signal.Reset(sig)
	syscall.Kill(os.Getpid(), sig.(syscall.Signal))
}

// Client is the cluster's client: pass it to darray.WithExecutor.
func (lc *LocalCluster) Client() *Client { return lc.client }

// URL is the NATS server's address, for more clients or workers.
func (lc *LocalCluster) URL() string { return lc.server.URL() }

// ClientConnectOptions reach the cluster as a client: for more clients in this program.
func (lc *LocalCluster) ClientConnectOptions() ConnectOptions {
	return ConnectOptions{URL: lc.URL(), Security: Security{User: ClientUser, Password: lc.clientPW}}
}

// WorkerConnectOptions reach the cluster as a worker (with the cluster's secret): for
// more workers in this program.
func (lc *LocalCluster) WorkerConnectOptions() ConnectOptions {
	creds := lc.creds
	return ConnectOptions{URL: lc.URL(), Security: Security{Credentials: &creds}}
}

// DashboardURL is the dashboard's address ("" when off).
func (lc *LocalCluster) DashboardURL() string {
	if lc.dashSrv == nil {
		return ""
	}
	return lc.dashSrv.URL
}

// Restarts counts workers started again after they died or passed their memory limit.
func (lc *LocalCluster) Restarts() int {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	return lc.restarts
}

// Pids lists the worker processes running now.
func (lc *LocalCluster) Pids() []int {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	var out []int
	for _, p := range lc.procs {
		out = append(out, p.Pid)
	}
	return out
}

// String is the one-glance summary: workers, threads, memory, addresses.
func (lc *LocalCluster) String() string {
	mem := float64(lc.o.MemoryLimit) / (1 << 30)
	s := fmt.Sprintf("LocalCluster: %d workers x %d threads, %.3g GiB memory each (%.3g GiB in all)\n  nats: %s",
		lc.o.Workers, lc.o.ThreadsPerWorker, mem, mem*float64(lc.o.Workers), lc.URL())
	if u := lc.DashboardURL(); u != "" {
		s += "\n  dashboard: " + u
	}
	return s
}

// Close stops every worker (asking first, then killing), the NATS server and the
// dashboard, and removes every temporary file. It is safe to call more than once and from
// several goroutines: every call returns once all of that is done.
func (lc *LocalCluster) Close() error {
	lc.closeOnce.Do(func() { lc.closeErr = lc.shutdown() })
	return lc.closeErr
}

func (lc *LocalCluster) shutdown() error {
	lc.mu.Lock()
	lc.closed = true
	lc.mu.Unlock()
	if lc.signals != nil {
		signal.Stop(lc.signals)
		close(lc.signals)
	}
	if lc.cancel != nil {
		lc.cancel()
	}
	lc.wg.Wait() // each supervisor stops its worker (asking first, then killing)
	var errs []error
	if lc.client != nil {
		lc.client.Close()
	}
	if lc.dashSrv != nil {
		errs = append(errs, lc.dashSrv.Close())
	}
	lc.server.Shutdown()
	errs = append(errs, os.RemoveAll(lc.dir))
	return errors.Join(errs...)
}

// Shutdown is Close, by dask's name.
func (lc *LocalCluster) Shutdown() error { return lc.Close() }
