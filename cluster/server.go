package cluster

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Server is an embedded NATS server with JetStream: a LocalCluster's, or one node of a
// small cluster of them (for tests, and for a single machine serving remote workers).
type Server struct {
	ns  *server.Server
	dir string // JetStream's store, removed by Shutdown
}

// ServerOptions configure an embedded server. The zero value is a single server on
// 127.0.0.1 on a free port that admits nobody: give it credentials (the two roles'
// passwords, a user, or NKeys), or say Insecure.
type ServerOptions struct {
	Host string // "" is 127.0.0.1
	Port int    // 0 picks a free one

	// The cluster's two roles: workers log in as WorkerUser with WorkerPassword, clients as
	// ClientUser with ClientPassword. Clients may not publish what only workers say
	// (heartbeats, completions) nor listen to tasks and control messages. Prefix is the
	// subjects' prefix these permissions are written for ("" is DefaultPrefix).
	WorkerPassword, ClientPassword string
	Prefix                         string
	// Insecure admits anyone without credentials: allowed on a loopback address only.
	Insecure bool

	// TLS: the server's certificate and key, and the CA its clients' certificates must be
	// signed by (mutual TLS). User and Password, if set, are required of every client.
	CertFile, KeyFile, CAFile string
	User, Password            string
	NKeys                     []string // public NKeys of the users allowed in (instead of a password)

	// Clustering: a name shared by the nodes, this node's name, its route port and the
	// routes of the others (nats-route://host:port).
	ClusterName, NodeName string
	ClusterPort           int
	Routes                []string
}

// StartServer starts an embedded NATS server with JetStream.
func StartServer(o ServerOptions) (*Server, error) {
	dir, err := os.MkdirTemp("", "darray-nats-*")
	if err != nil {
		return nil, fmt.Errorf("cluster: nats store: %w", err)
	}
	if o.Host == "" {
		o.Host = "127.0.0.1"
	}
	if o.Port == 0 {
		o.Port = server.RANDOM_PORT
	}
	roles := o.WorkerPassword != "" || o.ClientPassword != ""
	switch {
	case !roles && o.User == "" && len(o.NKeys) == 0 && !o.Insecure:
		os.RemoveAll(dir)
		return nil, errors.New("cluster: a NATS server without credentials would admit anyone: give the roles' passwords, a user or NKeys (or Insecure, on loopback only)")
	case o.Insecure && !loopback(o.Host):
		os.RemoveAll(dir)
		return nil, fmt.Errorf("cluster: an insecure NATS server (no credentials) may listen on loopback only, not %s", o.Host)
	case roles && (o.WorkerPassword == "" || o.ClientPassword == "" || o.User != ""):
		os.RemoveAll(dir)
		return nil, errors.New("cluster: the roles need both passwords, and replace User")
	}
	opts := &server.Options{
		Host: o.Host, Port: o.Port, JetStream: true, StoreDir: dir, ServerName: o.NodeName,
		NoSigs: true, NoLog: true, MaxPayload: 8 << 20, Username: o.User, Password: o.Password,
	}
	if roles {
		opts.Users = roleUsers(o.Prefix, o.WorkerPassword, o.ClientPassword)
	}
	for _, k := range o.NKeys {
		opts.Nkeys = append(opts.Nkeys, &server.NkeyUser{Nkey: k})
	}
	if o.CertFile != "" {
		cfg, err := server.GenTLSConfig(&server.TLSConfigOpts{CertFile: o.CertFile, KeyFile: o.KeyFile, CaFile: o.CAFile, Verify: o.CAFile != ""})
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("cluster: nats tls: %w", err)
		}
		opts.TLS, opts.TLSConfig, opts.TLSVerify = true, cfg, o.CAFile != ""
	}
	if o.ClusterName != "" {
		opts.Cluster = server.ClusterOpts{Name: o.ClusterName, Host: o.Host, Port: o.ClusterPort}
		for _, r := range o.Routes {
			u, err := url.Parse(r)
			if err != nil {
				os.RemoveAll(dir)
				return nil, fmt.Errorf("cluster: route %q: %w", r, err)
			}
			opts.Routes = append(opts.Routes, u)
		}
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("cluster: nats server: %w", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("cluster: nats server did not start within 10 s")
	}
	return &Server{ns: ns, dir: dir}, nil
}

// The NATS users of a cluster's two roles.
const (
	WorkerUser = "darray-worker"
	ClientUser = "darray-client"
)

// roleUsers are the users of the two roles: workers may do anything; clients may not
// speak as workers (heartbeats, completions) nor listen to the subjects that carry tasks
// and other clients' control messages.
func roleUsers(prefix, workerPassword, clientPassword string) []*server.User {
	pub, sub := clientDenied(prefix)
	client := &server.Permissions{
		Publish:   &server.SubjectPermission{Deny: pub},
		Subscribe: &server.SubjectPermission{Deny: sub},
	}
	return []*server.User{
		{Username: WorkerUser, Password: workerPassword},
		{Username: ClientUser, Password: clientPassword, Permissions: client},
	}
}

// clientDenied lists the subjects clients may not publish to (what only workers say)
// and may not subscribe to (tasks and other clients' control messages).
func clientDenied(prefix string) (publish, subscribe []string) {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	n := names{prefix: prefix}
	return []string{n.prefix + ".hb.>", n.prefix + ".done.>"},
		[]string{n.prefix + ".task.>", n.prefix + ".release.>", n.end(), n.prefix + ".status.>", n.prefix + ".client.>"}
}

// URL is where clients and workers connect.
func (s *Server) URL() string { return s.ns.ClientURL() }

// Shutdown stops the server and removes its store.
func (s *Server) Shutdown() {
	s.ns.Shutdown()
	s.ns.WaitForShutdown()
	os.RemoveAll(s.dir)
}

// ConnectOptions say how to reach a NATS deployment.
type ConnectOptions struct {
	URL    string // one or more server URLs, comma-separated
	Prefix string // subject prefix; "" is DefaultPrefix
	Name   string // this connection's name, as the server lists it
	// Replicas is how many servers keep the work queues and graphs (3 on a 3-node NATS
	// cluster, so that losing a server loses nothing); 0 is 1.
	Replicas int
	Security
	// Extra options handed to nats.Connect.
	NATS []nats.Option
}

// connect opens a NATS connection and a JetStream context, waiting for JetStream to answer
// (a fresh cluster elects its leaders first).
func connect(ctx context.Context, o ConnectOptions) (*nats.Conn, jetstream.JetStream, names, error) {
	n := names{prefix: o.Prefix}
	if n.prefix == "" {
		n.prefix = DefaultPrefix
	}
	secure, err := o.Security.natsOptions(o.URL)
	if err != nil {
		return nil, nil, n, err
	}
	opts := append([]nats.Option{nats.Name(o.Name), nats.MaxReconnects(-1), nats.ReconnectWait(100 * time.Millisecond)}, secure...)
	opts = append(opts, o.NATS...)
	nc, err := nats.Connect(o.URL, opts...)
	if err != nil {
		return nil, nil, n, fmt.Errorf("cluster: connect to nats at %s: %w", o.URL, err)
	}
	// A publication whose acknowledgement is lost (its server went down) fails after a
	// while instead of waiting forever, and is sent again.
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncTimeout(3*time.Second))
	if err != nil {
		nc.Close()
		return nil, nil, n, fmt.Errorf("cluster: jetstream: %w", err)
	}
	for {
		actx, cancel := context.WithTimeout(ctx, 2*time.Second)
		_, err = js.AccountInfo(actx)
		cancel()
		if err == nil {
			return nc, js, n, nil
		}
		if ctx.Err() != nil {
			nc.Close()
			return nil, nil, n, fmt.Errorf("cluster: jetstream at %s not ready: %w", o.URL, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// ensureStreams creates the work-queue stream and the graph bucket if they are missing.
// Several processes may do so at once: on a NATS cluster, simultaneous creations of one
// replicated stream can go unanswered, so each attempt is short, looks before it
// creates, and is repeated after a random pause.
func ensureStreams(ctx context.Context, js jetstream.JetStream, n names, replicas int) (jetstream.ObjectStore, error) {
	replicas = max(replicas, 1)
	err := retry(ctx, func(actx context.Context) error {
		if _, err := js.Stream(actx, n.taskStream()); err == nil {
			return nil
		}
		_, err := js.CreateOrUpdateStream(actx, jetstream.StreamConfig{
			Name: n.taskStream(), Subjects: []string{n.prefix + ".task.*"},
			Retention: jetstream.WorkQueuePolicy, Storage: jetstream.MemoryStorage, Replicas: replicas,
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: task stream: %w", err)
	}
	var obs jetstream.ObjectStore
	err = retry(ctx, func(actx context.Context) error {
		var err error
		if obs, err = js.ObjectStore(actx, n.graphBucket()); err == nil {
			return nil
		}
		obs, err = js.CreateOrUpdateObjectStore(actx, jetstream.ObjectStoreConfig{
			Bucket: n.graphBucket(), Storage: jetstream.MemoryStorage, Replicas: replicas, TTL: 24 * time.Hour,
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: graph bucket: %w", err)
	}
	return obs, nil
}

// retry calls f with a 2-second deadline until it succeeds or ctx ends.
func retry(ctx context.Context, f func(context.Context) error) error {
	for {
		actx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err := f(actx)
		cancel()
		if err == nil || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(50+rand.IntN(200)) * time.Millisecond):
		}
	}
}
