// Package aztest runs Azurite, Microsoft's Azure Storage emulator (the npm package,
// installed by .ci/run in tools/azurite), on loopback for tests: started per test in its
// own directory, stopped when the test ends, with the test's environment pointing
// package store/azure at it.
package aztest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/darray-go/darray/internal/toolbin"
)

// Azurite's well-known development account and key (published in its documentation).
const (
	Account = "devstoreaccount1"
	Key     = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)

// Server is a running Azurite blob service.
type Server struct {
	Endpoint string // http://127.0.0.1:PORT/devstoreaccount1
	cmd      *exec.Cmd
	done     chan struct{}
}

// binary finds azurite-blob: $DARRAY_AZURITE, tools/azurite of this module (where .ci/run
// installs it), /opt/darray-tools, or on PATH.
func binary() string {
	return toolbin.Find("DARRAY_AZURITE", "tools/azurite/node_modules/.bin/azurite-blob", "azurite-blob")
}

var listening = regexp.MustCompile(`listens on (http://[0-9.]+:[0-9]+)`)

// Start runs a server for the test and sets AZURE_STORAGE_CONNECTION_STRING in the test's
// environment to use it. Without Azurite the test is skipped, unless DARRAY_REQUIRE_AZURE
// is set (CI sets it).
func Start(t testing.TB) *Server {
	t.Helper()
	bin := binary()
	if bin == "" {
		const how = "Azurite is not installed (see tools/azurite/README.md)"
		if os.Getenv("DARRAY_REQUIRE_AZURE") != "" {
			t.Fatal(how)
		}
		t.Skip(how)
	}
	dir := t.TempDir()
	cmd := exec.Command(bin, "--blobHost", "127.0.0.1", "--blobPort", "0", "--location", dir,
		"--skipApiVersionCheck", "--disableTelemetry")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting Azurite: %v", err)
	}
	s := &Server{cmd: cmd, done: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	go func() { cmd.Wait(); close(s.done) }()
	t.Cleanup(s.Stop)
	select {
	case a := <-addr:
		s.Endpoint = a + "/" + Account
	case <-s.done:
		t.Fatalf("Azurite exited before listening: %s", stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("Azurite did not start within 30s")
	}
	Use(t, s.Endpoint, Key)
	return s
}

// Use points the test's Azure configuration at endpoint with the development account and
// the given key, and nowhere else.
func Use(t testing.TB, endpoint, key string) {
	t.Setenv("AZURE_STORAGE_CONNECTION_STRING", fmt.Sprintf(
		"DefaultEndpointsProtocol=http;AccountName=%s;AccountKey=%s;BlobEndpoint=%s;", Account, key, endpoint))
	for _, name := range []string{"AZURE_STORAGE_ACCOUNT", "AZURE_STORAGE_ACCOUNT_NAME", "AZURE_STORAGE_KEY",
		"AZURE_STORAGE_ACCOUNT_KEY", "AZURE_STORAGE_SAS_TOKEN"} {
		t.Setenv(name, "")
	}
}

// Stop ends the server (its whole process group: npm's shim runs node under it).
func (s *Server) Stop() {
	if s.cmd.Process == nil {
		return
	}
	syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	<-s.done
}
