package cluster_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/cluster"
	"github.com/darray-go/darray/nd"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// Provision's files set up a cluster on a nats-server of one's own: the server reads the
// authorization block, a worker joins with worker.json, a client computes with
// client.json, and the client's user cannot speak as a worker nor read tasks. The
// secrets are readable by their owner only, and are never overwritten.
func TestProvisionedCluster(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := filepath.Join(t.TempDir(), "secrets")
	if err := cluster.Provision(dir, ""); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{cluster.WorkerCredentialsFile, cluster.ClientCredentialsFile, cluster.NATSAuthFile} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", name, st.Mode().Perm())
		}
	}
	before, _ := os.ReadFile(filepath.Join(dir, cluster.WorkerCredentialsFile))
	if err := cluster.Provision(dir, ""); err == nil || !strings.Contains(err.Error(), "never overwritten") {
		t.Errorf("provisioning again: got %v, want a refusal", err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, cluster.WorkerCredentialsFile)); string(after) != string(before) {
		t.Error("provisioning again changed worker.json")
	}
	workerCreds, err := cluster.ReadCredentials(filepath.Join(dir, cluster.WorkerCredentialsFile))
	if err != nil {
		t.Fatal(err)
	}
	clientCreds, err := cluster.ReadCredentials(filepath.Join(dir, cluster.ClientCredentialsFile))
	if err != nil {
		t.Fatal(err)
	}
	if workerCreds.Secret == "" || clientCreds.Secret != "" {
		t.Errorf("worker secret %q, client secret %q: only workers hold the secret", workerCreds.Secret, clientCreds.Secret)
	}
	auth, _ := os.ReadFile(filepath.Join(dir, cluster.NATSAuthFile))
	if strings.Contains(string(auth), workerCreds.NATSPassword) || strings.Contains(string(auth), clientCreds.NATSPassword) {
		t.Error("nats-auth.conf holds a password in clear")
	}

	conf := filepath.Join(dir, "nats.conf")
	text := "listen: 127.0.0.1:-1\njetstream { store_dir: " + `"` + filepath.Join(dir, "js") + `"` + " }\ninclude ./" + cluster.NATSAuthFile + "\n"
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	opts, err := server.ProcessConfigFile(conf)
	if err != nil {
		t.Fatalf("nats-server cannot read the configuration: %v", err)
	}
	opts.NoSigs, opts.NoLog = true, true
	ns, err := server.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	defer ns.Shutdown()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server did not start")
	}
	url := ns.ClientURL()

	stop := startWorkers(ctx, t, 2, cluster.WorkerOptions{ConnectOptions: cluster.ConnectOptions{URL: url,
		Security: cluster.Security{CredentialsFile: filepath.Join(dir, cluster.WorkerCredentialsFile)}}, Threads: 2})
	defer stop()
	client, err := cluster.Connect(ctx, cluster.ClientOptions{ConnectOptions: cluster.ConnectOptions{URL: url,
		Security: cluster.Security{CredentialsFile: filepath.Join(dir, cluster.ClientCredentialsFile)}}})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if err := client.WaitForWorkers(ctx, 2); err != nil {
		t.Fatal(err)
	}
	x := darray.Ones([]int{60, 40}, nd.Float64, darray.ChunkSize(10, 10))
	got, err := x.Sum().Compute(ctx, darray.WithExecutor(client))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := nd.At[float64](got); v != 2400 {
		t.Errorf("sum on the provisioned cluster: %v, want 2400", v)
	}

	peer, said := peerConn(t, url, clientCreds.NATSUser, clientCreds.NATSPassword)
	peer.Publish(cluster.DefaultPrefix+".hb.forged", []byte("{}"))
	peer.SubscribeSync(cluster.DefaultPrefix + ".task.>")
	peer.Flush()
	said.wantRefused(t, ".hb.forged", ".task.>")
	if nc, err := nats.Connect(url, nats.UserInfo(cluster.WorkerUser, clientCreds.NATSPassword)); err == nil {
		nc.Close()
		t.Error("the client's password let a peer in as a worker")
	}
}
