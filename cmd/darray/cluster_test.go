package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/darray-go/darray/cluster"
)

// darray credentials makes a cluster's secrets; darray worker joins a cluster behind a
// NATS URL with the workers' file (supervised), darray eval --cluster computes on it with
// the clients' file and the same answer as in-process, and the worker leaves on SIGTERM.
// Without credentials, neither gets in.
func TestWorkerCommandAndClusterFlag(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "secrets")
	if out, errOut, code := runCLI(t, "credentials", dir); code != 0 || !strings.Contains(out, "worker.json") {
		t.Fatalf("darray credentials: exit %d, %q %q", code, out, errOut)
	}
	if _, errOut, code := runCLI(t, "credentials", dir); code == 0 || !strings.Contains(errOut, "overwritten") {
		t.Errorf("darray credentials again: exit %d, stderr %q; want a refusal", code, errOut)
	}
	workerCreds, clientCreds := filepath.Join(dir, "worker.json"), filepath.Join(dir, "client.json")
	wc, err := cluster.ReadCredentials(workerCreds)
	if err != nil {
		t.Fatal(err)
	}
	cc, err := cluster.ReadCredentials(clientCreds)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := cluster.StartServer(cluster.ServerOptions{WorkerPassword: wc.NATSPassword, ClientPassword: cc.NATSPassword})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	if _, errOut, code := runCLI(t, "eval", "--cluster", srv.URL(), "ones((4,)).sum()"); code == 0 || !strings.Contains(errOut, "credentials") {
		t.Errorf("a client without credentials: exit %d, stderr %q; want a refusal naming the credentials", code, errOut)
	}
	if _, errOut, code := runCLI(t, "worker", "--no-supervisor", "--nats", srv.URL()); code == 0 || !strings.Contains(errOut, "credentials") {
		t.Errorf("a worker without credentials: exit %d, stderr %q; want a refusal naming the credentials", code, errOut)
	}
	var logs bytes.Buffer
	w := exec.Command(binary, "worker", "--nats", srv.URL(), "--credentials", workerCreds, "--threads", "2", "--memory-limit", "512MB")
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
	got, errOut, code := runCLI(t, "eval", "--cluster", srv.URL(), "--credentials", clientCreds, expr)
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
	// With --dashboard, the cluster serves its dashboard there: one address, not two; -v
	// reports what the workers held.
	_, errOut, code = lingering(t, func(string) {}, "demo", "-n", "2000", "-chunk", "500", "--local-cluster", "2", "--dashboard", "127.0.0.1:0", "-v")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if n := strings.Count(errOut, "dashboard: http://"); n != 1 {
		t.Errorf("%d dashboard addresses printed: %q", n, errOut)
	}
	if !strings.Contains(errOut, "peak memory held in results on the workers") || strings.Contains(errOut, "workers 0 B") {
		t.Errorf("-v on a cluster: %q", errOut)
	}
}

// Interrupted in the middle of a computation, a command with a local cluster stops every
// worker process it started and leaves no temporary file.
func TestInterruptStopsLocalCluster(t *testing.T) {
	tmp := t.TempDir()
	cmd := exec.Command(binary, "demo", "-n", "60000", "--local-cluster", "2")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "LocalCluster:") {
			break
		}
	}
	workers := workerProcesses(t)
	if len(workers) != 2 {
		t.Fatalf("%d worker processes running, want 2", len(workers))
	}
	time.Sleep(300 * time.Millisecond) // computing now
	cmd.Process.Signal(os.Interrupt)
	go io.Copy(io.Discard, stderr)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("the command did not stop within 15 s of the interrupt")
	}
	for deadline := time.Now().Add(3 * time.Second); len(workerProcesses(t)) > 0 && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	if left := workerProcesses(t); len(left) > 0 {
		t.Errorf("worker processes %v still running", left)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// workerProcesses lists the running processes of this test's binary started as workers.
func workerProcesses(t *testing.T) []int {
	t.Helper()
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		raw, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		args := strings.Split(string(raw), "\x00")
		stat, _ := os.ReadFile("/proc/" + e.Name() + "/stat")
		if len(args) > 2 && args[0] == binary && args[1] == "worker" && args[2] == "--from-env" && !bytes.Contains(stat, []byte(") Z ")) {
			pids = append(pids, pid)
		}
	}
	return pids
}
