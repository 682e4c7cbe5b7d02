package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/darray-go/darray/cluster"
	"github.com/darray-go/darray/sched"
)

// securityFlags are the TLS and NATS credential settings shared by clients and workers.
type securityFlags struct {
	sec      cluster.Security
	prefix   string
	replicas int
}

func (s *securityFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.sec.CAFile, "tls-ca", "", "PEM file of the CA that signed the cluster's certificates (turns TLS on)")
	fs.StringVar(&s.sec.CertFile, "tls-cert", "", "PEM certificate of this process (mutual TLS)")
	fs.StringVar(&s.sec.KeyFile, "tls-key", "", "PEM key of this process")
	fs.StringVar(&s.sec.User, "nats-user", "", "NATS user name (the password comes from $DARRAY_NATS_PASSWORD)")
	fs.StringVar(&s.sec.CredsFile, "nats-creds", "", "NATS credentials file (user JWT and NKey seed)")
	fs.StringVar(&s.sec.NKeyFile, "nats-nkey", "", "NATS NKey seed file")
	fs.StringVar(&s.sec.CredentialsFile, "credentials", "", "file of the cluster's credentials (mode 0600: NATS user and password, and the secret workers need)")
	fs.BoolVar(&s.sec.Insecure, "insecure", false, "allow plain text to other machines, and no credentials on loopback")
	fs.StringVar(&s.prefix, "prefix", "", "subject prefix, to share one NATS deployment between clusters (default DARRAY)")
	fs.IntVar(&s.replicas, "replicas", 0, "servers keeping the work queues: 3 on a 3-node NATS cluster (default 1)")
}

func (s *securityFlags) connect(url string) cluster.ConnectOptions {
	sec := s.sec
	sec.Password = os.Getenv("DARRAY_NATS_PASSWORD")
	return cluster.ConnectOptions{URL: url, Prefix: s.prefix, Replicas: s.replicas, Security: sec}
}

// clusterFlags choose where a command computes: in this process (the default), on a
// cluster behind a NATS URL, or on a local cluster it starts.
type clusterFlags struct {
	url          string
	local        int
	threads      int
	workerMemory string
	security     securityFlags
	dashboard    string // --dashboard, which a local cluster serves itself
}

func (c *clusterFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.url, "cluster", "", "compute on the cluster behind this NATS URL (workers started with darray worker)")
	fs.IntVar(&c.local, "local-cluster", 0, "compute on a local cluster of this many worker processes, started and stopped with the command")
	fs.IntVar(&c.threads, "threads-per-worker", 1, "threads of each local-cluster worker")
	fs.StringVar(&c.workerMemory, "worker-memory", "1GB", "memory limit of each local-cluster worker")
	c.security.register(fs)
}

// executor connects to or starts the cluster, if asked for one; stop disconnects or
// shuts it down.
func (c *clusterFlags) executor(ctx context.Context, stderr io.Writer) (exec sched.Executor, stop func(), err error) {
	switch {
	case c.url != "" && c.local > 0:
		return nil, nil, usagef("--cluster and --local-cluster exclude each other")
	case c.url != "":
		cl, err := cluster.Connect(ctx, cluster.ClientOptions{ConnectOptions: c.security.connect(c.url)})
		if err != nil {
			return nil, nil, err
		}
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := cl.WaitForWorkers(wctx, 1); err != nil {
			cl.Close()
			return nil, nil, err
		}
		time.Sleep(2 * cluster.HeartbeatInterval) // (hear from the others too)
		alive := 0
		for _, w := range cl.Workers() {
			if w.Alive {
				alive++
			}
		}
		fmt.Fprintf(stderr, "cluster at %s: %d workers\n", c.url, alive)
		return cl, cl.Close, nil
	case c.local > 0:
		limit, err := sched.ParseBytes(c.workerMemory)
		if err != nil {
			return nil, nil, usageError{err}
		}
		self, err := os.Executable()
		if err != nil {
			return nil, nil, err
		}
		lc, err := cluster.NewLocalCluster(ctx, cluster.LocalOptions{Workers: c.local, ThreadsPerWorker: c.threads,
			MemoryLimit: limit, Command: []string{self, "worker", "--from-env"}, Dashboard: c.dashboard,
			OwnSignals: true}) // ctx ends on SIGINT/SIGTERM; the command then closes the cluster
		if err != nil {
			return nil, nil, err
		}
		fmt.Fprintln(stderr, lc)
		return lc.Client(), func() { lc.Close() }, nil
	}
	return nil, func() {}, nil
}

func runWorker(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("worker", "--nats URL [flags]", "Joins the cluster behind a NATS URL (several, comma-separated, for a NATS cluster) and runs its tasks\nuntil interrupted; then it finishes the tasks it runs and leaves. A supervising process restarts it\nwhen it dies or passes its memory limit.", stderr)
	url := fs.String("nats", "", "the NATS server(s), such as tls://nats1:4222,tls://nats2:4222")
	threads := fs.Int("threads", 1, "tasks run at once")
	memory := fs.String("memory-limit", "1GB", "memory limit: results spill to disk beyond 60% of it, no new tasks beyond 80%, restart beyond 100%")
	listen := fs.String("listen", "", "address of the data server other workers fetch chunks from (default 127.0.0.1, a free port; use :PORT on a real cluster)")
	advertise := fs.String("advertise", "", "host:port other workers reach the data server at, if not the listening address")
	spill := fs.String("spill-dir", "", "directory for spilled results (default the system's temporary directory)")
	noNanny := fs.Bool("no-supervisor", false, "run the worker in this process, without a supervising process")
	fromEnv := fs.Bool("from-env", false, "take the settings a local cluster put in the environment (used by --local-cluster)")
	var sf securityFlags
	sf.register(fs)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *fromEnv {
		cluster.MaybeRunWorker() // exits
		return usagef("--from-env: no local-cluster settings in the environment")
	}
	if *url == "" {
		return usagef("--nats URL is required")
	}
	limit, err := sched.ParseBytes(*memory)
	if err != nil {
		return usageError{err}
	}
	if !*noNanny {
		// This process supervises; a copy of it, told not to, is the worker.
		self, err := os.Executable()
		if err != nil {
			return err
		}
		sv := cluster.Supervisor{MemoryLimit: limit, SpillDir: *spill, Command: func(spillDir string) *exec.Cmd {
			cmd := exec.Command(self, append(append([]string{"worker", "--no-supervisor"}, args...), "--spill-dir", spillDir)...)
			cmd.Stdout, cmd.Stderr = stderr, stderr
			return cmd
		}}
		sctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
		defer stop()
		sv.Run(sctx)
		return nil
	}
	wctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()
	return cluster.RunWorker(wctx, cluster.WorkerOptions{ConnectOptions: sf.connect(*url), Threads: *threads, MemoryLimit: limit,
		Listen: *listen, Advertise: *advertise, SpillDir: *spill, WholeProcess: true,
		Ready: func(id string) { fmt.Fprintf(stderr, "darray worker %s: joined %s\n", id, *url) }})
}

func runCredentials(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("credentials", "[--prefix P] DIR", "Makes a new cluster's secrets in DIR (created if missing; nothing is overwritten), each file mode 0600:\n"+
		"  worker.json     for every worker: darray worker --credentials worker.json\n"+
		"  client.json     for clients: --cluster URL --credentials client.json\n"+
		"  nats-auth.conf  the two NATS users (passwords hashed) and the clients' permissions:\n"+
		"                  'include nats-auth.conf' in nats-server's configuration", stderr)
	prefix := fs.String("prefix", "", "subject prefix the cluster uses (default DARRAY)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("credentials: want one directory, got %d arguments", len(pos))
	}
	if err := cluster.Provision(pos[0], *prefix); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s, %s and %s in %s\n", cluster.WorkerCredentialsFile, cluster.ClientCredentialsFile, cluster.NATSAuthFile, pos[0])
	return nil
}
