package cluster_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/cluster"
	"github.com/nats-io/nkeys"
)

// testPKI writes a CA and a certificate it signed for 127.0.0.1 (server and client use)
// into dir, and returns their paths.
func testPKI(t *testing.T, dir string) (ca, cert, key string) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "darray test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	leafKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leafTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "darray node"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, caCert, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(leafKey)
	write := func(name, kind string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	return write("ca.pem", "CERTIFICATE", caDER), write("node.pem", "CERTIFICATE", leafDER), write("node.key", "EC PRIVATE KEY", keyDER)
}

// A cluster configured with TLS and a password computes over TLS (chunks over mutual
// TLS), and refuses clients without the certificate or the password.
func TestTLSAndCredentialsRequired(t *testing.T) {
	ca, cert, key := testPKI(t, t.TempDir())
	srv, err := cluster.StartServer(cluster.ServerOptions{CertFile: cert, KeyFile: key, CAFile: ca, User: "darray", Password: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	url := strings.Replace(srv.URL(), "nats://", "tls://", 1)
	good := cluster.ConnectOptions{URL: url, Security: cluster.Security{CAFile: ca, CertFile: cert, KeyFile: key, User: "darray", Password: "s3cret"}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	for name, co := range map[string]cluster.ConnectOptions{
		"no TLS":                {URL: srv.URL(), Security: cluster.Security{User: "darray", Password: "s3cret"}},
		"no password":           {URL: url, Security: cluster.Security{CAFile: ca, CertFile: cert, KeyFile: key}},
		"wrong password":        {URL: url, Security: cluster.Security{CAFile: ca, CertFile: cert, KeyFile: key, User: "darray", Password: "guess"}},
		"no client certificate": {URL: url, Security: cluster.Security{CAFile: ca, User: "darray", Password: "s3cret"}},
	} {
		cctx, ccancel := context.WithTimeout(ctx, 3*time.Second)
		c, err := cluster.Connect(cctx, cluster.ClientOptions{ConnectOptions: co})
		ccancel()
		if err == nil {
			c.Close()
			t.Errorf("%s: connected", name)
		}
	}

	asWorker := good
	asWorker.Credentials = &cluster.Credentials{Secret: cluster.NewSecret()}
	defer startWorkers(ctx, t, 2, cluster.WorkerOptions{ConnectOptions: asWorker})()
	c, err := cluster.Connect(ctx, cluster.ClientOptions{ConnectOptions: good})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.WaitForWorkers(ctx, 2); err != nil {
		t.Fatal(err)
	}
	for _, w := range c.Workers() {
		if !strings.HasPrefix(w.Addr, "https://") {
			t.Errorf("worker %s serves chunks at %s, not over TLS", w.ID, w.Addr)
		}
	}
	want := localResults(t)
	for name, a := range workloads() {
		got, err := a.Compute(ctx, darray.WithExecutor(c))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !same(got, want[name]) {
			t.Errorf("%s: result differs", name)
		}
	}
}

// Plain text to a cluster on another machine is refused before anything is sent, unless
// explicitly allowed.
func TestPlainTextToRemoteRefused(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := cluster.Connect(ctx, cluster.ClientOptions{ConnectOptions: cluster.ConnectOptions{URL: "nats://192.0.2.10:4222"}})
	if err == nil || !strings.Contains(err.Error(), "plain text") {
		t.Errorf("got %v, want a refusal naming plain text", err)
	}
	_, err = cluster.Connect(ctx, cluster.ClientOptions{ConnectOptions: cluster.ConnectOptions{URL: "nats://192.0.2.10:4222", Security: cluster.Security{Insecure: true, User: "u", Password: "p"}}})
	if err == nil || strings.Contains(err.Error(), "plain text") || strings.Contains(err.Error(), "credentials") {
		t.Errorf("with Insecure and credentials: got %v, want a connection error, not a refusal", err)
	}
	// Insecure never does without credentials beyond loopback.
	_, err = cluster.Connect(ctx, cluster.ClientOptions{ConnectOptions: cluster.ConnectOptions{URL: "nats://192.0.2.10:4222", Security: cluster.Security{Insecure: true}}})
	if err == nil || !strings.Contains(err.Error(), "no credentials") {
		t.Errorf("with Insecure and no credentials: got %v, want a refusal naming the credentials", err)
	}
}

// A server that admits NKey users only refuses a client without the seed and serves one
// with it.
func TestNKeyCredentials(t *testing.T) {
	user, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := user.PublicKey()
	seed, _ := user.Seed()
	seedFile := filepath.Join(t.TempDir(), "user.nk")
	if err := os.WriteFile(seedFile, seed, 0o600); err != nil {
		t.Fatal(err)
	}
	srv, err := cluster.StartServer(cluster.ServerOptions{NKeys: []string{pub}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if c, err := cluster.Connect(ctx, cluster.ClientOptions{ConnectOptions: insecure(srv.URL())}); err == nil {
		c.Close()
		t.Error("connected without the NKey")
	}
	c, err := cluster.Connect(ctx, cluster.ClientOptions{ConnectOptions: cluster.ConnectOptions{URL: srv.URL(), Security: cluster.Security{NKeyFile: seedFile}}})
	if err != nil {
		t.Fatalf("with the NKey: %v", err)
	}
	c.Close()
}
