package main

import (
	"bytes"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/darray-go/darray/cluster"
)

// darray worker joins a cluster behind a NATS URL (supervised), darray eval --cluster
// computes on it with the same answer as in-process, and the worker leaves on SIGTERM.
func TestWorkerCommandAndClusterFlag(t *testing.T) {
	srv, err := cluster.StartServer(cluster.ServerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	var logs bytes.Buffer
	w := exec.Command(binary, "worker", "--nats", srv.URL(), "--threads", "2", "--memory-limit", "512MB")
	w.Stderr = &logs
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Process.Kill()
	expr := "x = random.random((400, 300), chunks=(50, 70)); (x + 1).T.sum(axis=0)[::7]"
	want, _, code := runCLI(t, "eval", expr)
	if code != 0 {
		t.Fatalf("local eval exit %d", code)
	}
	got, errOut, code := runCLI(t, "eval", "--cluster", srv.URL(), expr)
	if code != 0 || got != want {
		t.Fatalf("cluster eval exit %d: %q (stderr %s), want %q", code, got, errOut, want)
	}
	if !strings.Contains(errOut, "1 workers") {
		t.Errorf("stderr %q does not name the cluster's workers", errOut)
	}
	w.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- w.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("worker did not stop within 10 s of SIGTERM")
	}
	if !strings.Contains(logs.String(), "joined") {
		t.Errorf("worker log %q", logs.String())
	}
}

// A local cluster started by the command computes the demo's answer.
func TestLocalClusterFlag(t *testing.T) {
	want, _, code := runCLI(t, "demo", "-n", "2000", "-chunk", "500")
	if code != 0 {
		t.Fatal("demo failed")
	}
	got, errOut, code := runCLI(t, "demo", "-n", "2000", "-chunk", "500", "--local-cluster", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	line := func(s string) string {
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, "z[:5]") {
				return l
			}
		}
		return ""
	}
	if line(got) == "" || line(got) != line(want) {
		t.Errorf("cluster demo says %q, local %q", line(got), line(want))
	}
	if !strings.Contains(errOut, "LocalCluster: 2 workers") || !strings.Contains(errOut, "dashboard: http://127.0.0.1:") {
		t.Errorf("no cluster summary with its dashboard in %q", errOut)
	}
}
