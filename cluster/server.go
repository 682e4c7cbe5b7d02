package cluster

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Server is an embedded NATS server with JetStream, on loopback, for a LocalCluster and tests.
type Server struct {
	ns  *server.Server
	dir string // JetStream's store, removed by Shutdown
}

// StartServer starts an embedded NATS server with JetStream on 127.0.0.1 (a free port).
func StartServer() (*Server, error) {
	dir, err := os.MkdirTemp("", "darray-nats-*")
	if err != nil {
		return nil, fmt.Errorf("cluster: nats store: %w", err)
	}
	opts := &server.Options{
		Host: "127.0.0.1", Port: server.RANDOM_PORT, JetStream: true, StoreDir: dir,
		NoSigs: true, NoLog: true, MaxPayload: 8 << 20,
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
	// Extra options (credentials, TLS) handed to nats.Connect.
	NATS []nats.Option
}

// connect opens a NATS connection and a JetStream context, waiting for JetStream to answer
// (a fresh cluster elects its leaders first).
func connect(ctx context.Context, o ConnectOptions) (*nats.Conn, jetstream.JetStream, names, error) {
	n := names{prefix: o.Prefix}
	if n.prefix == "" {
		n.prefix = DefaultPrefix
	}
	opts := append([]nats.Option{nats.Name(o.Name), nats.MaxReconnects(-1), nats.ReconnectWait(100 * time.Millisecond)}, o.NATS...)
	nc, err := nats.Connect(o.URL, opts...)
	if err != nil {
		return nil, nil, n, fmt.Errorf("cluster: connect to nats at %s: %w", o.URL, err)
	}
	js, err := jetstream.New(nc)
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
func ensureStreams(ctx context.Context, js jetstream.JetStream, n names, replicas int) (jetstream.ObjectStore, error) {
	replicas = max(replicas, 1)
	_, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: n.taskStream(), Subjects: []string{n.prefix + ".task.*"},
		Retention: jetstream.WorkQueuePolicy, Storage: jetstream.MemoryStorage, Replicas: replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: task stream: %w", err)
	}
	obs, err := js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{
		Bucket: n.graphBucket(), Storage: jetstream.MemoryStorage, Replicas: replicas, TTL: 24 * time.Hour,
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: graph bucket: %w", err)
	}
	return obs, nil
}
