// Package gcstest runs fake-gcs-server, an emulator of Google Cloud Storage's JSON API
// (the Go program, installed by .ci/run with go install), on loopback for tests: started
// per test, stopped when the test ends, with the test's environment pointing package
// store/gcs at it (STORAGE_EMULATOR_HOST, as Google's own client libraries use it).
package gcstest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Version is the fake-gcs-server release .ci/run installs.
const Version = "v1.56.1"

// Server is a running fake-gcs-server.
type Server struct {
	Endpoint string // http://127.0.0.1:PORT
	cmd      *exec.Cmd
	done     chan struct{}
}

// binary finds fake-gcs-server: $DARRAY_FAKE_GCS, Go's bin directory (where go install
// puts it), or on PATH.
func binary() string {
	candidates := []string{os.Getenv("DARRAY_FAKE_GCS")}
	if gopath, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		candidates = append(candidates, filepath.Join(strings.TrimSpace(string(gopath)), "bin", "fake-gcs-server"))
	}
	for _, p := range candidates {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	p, _ := exec.LookPath("fake-gcs-server")
	return p
}

// freePort is a port nothing listens on now.
func freePort(t testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Start runs a server for the test and points STORAGE_EMULATOR_HOST at it. Without
// fake-gcs-server the test is skipped, unless DARRAY_REQUIRE_GCS is set (CI sets it).
func Start(t testing.TB) *Server {
	t.Helper()
	bin := binary()
	if bin == "" {
		how := "fake-gcs-server is not installed (go install github.com/fsouza/fake-gcs-server@" + Version + ")"
		if os.Getenv("DARRAY_REQUIRE_GCS") != "" {
			t.Fatal(how)
		}
		t.Skip(how)
	}
	port := freePort(t)
	cmd := exec.Command(bin, "-scheme", "http", "-host", "127.0.0.1", "-port", fmt.Sprint(port), "-backend", "memory", "-log-level", "error")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var output strings.Builder
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting fake-gcs-server: %v", err)
	}
	s := &Server{Endpoint: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, done: make(chan struct{})}
	go func() { cmd.Wait(); close(s.done) }()
	t.Cleanup(s.Stop)
	for deadline := time.Now().Add(30 * time.Second); ; {
		if c, err := net.DialTimeout("tcp", strings.TrimPrefix(s.Endpoint, "http://"), time.Second); err == nil {
			c.Close()
			break
		}
		select {
		case <-s.done:
			t.Fatalf("fake-gcs-server exited before listening: %s", output.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("fake-gcs-server did not start within 30s")
		}
	}
	t.Setenv("STORAGE_EMULATOR_HOST", s.Endpoint)
	return s
}

// Stop ends the server.
func (s *Server) Stop() {
	if s.cmd.Process == nil {
		return
	}
	syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	<-s.done
}
