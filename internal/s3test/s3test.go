// Package s3test runs a real S3-compatible server on loopback for tests: s3rver, the
// npm package (installed by .ci/run, see tools/s3rver), started per test in its own directory and stopped
// when the test ends. The test's environment points the AWS SDK at it.
package s3test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/darray-go/darray/internal/toolbin"
)

// Credentials s3rver accepts (it checks every request's signature against them).
const (
	AccessKey = "S3RVER"
	SecretKey = "S3RVER"
)

// Server is a running s3rver.
type Server struct {
	Endpoint string // http://127.0.0.1:PORT
	cmd      *exec.Cmd
	done     chan struct{}
}

// binary finds s3rver: $DARRAY_S3RVER, tools/s3rver of this module (where .ci/run
// installs it), /opt/darray-tools, or on PATH.
func binary() string {
	return toolbin.Find("DARRAY_S3RVER", "tools/s3rver/node_modules/.bin/s3rver", "s3rver")
}

var listening = regexp.MustCompile(`listening on ([0-9.]+:[0-9]+)`)

// Start runs a server for the test and sets AWS_* in the test's environment to use it.
// Without s3rver the test is skipped, unless DARRAY_REQUIRE_S3 is set (CI sets it).
func Start(t testing.TB) *Server {
	t.Helper()
	bin := binary()
	if bin == "" {
		const how = "s3rver is not installed (see tools/s3rver/README.md)"
		if os.Getenv("DARRAY_REQUIRE_S3") != "" {
			t.Fatal(how)
		}
		t.Skip(how)
	}
	dir := t.TempDir()
	cmd := exec.Command(bin, "-d", filepath.Join(dir, "data"), "-a", "127.0.0.1", "-p", "0")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr // s3rver reports every dropped connection; shown only if it fails to start
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting s3rver: %v", err)
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
		s.Endpoint = "http://" + a
	case <-s.done:
		t.Fatalf("s3rver exited before listening: %s", stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("s3rver did not start within 30s")
	}
	Use(t, s.Endpoint, AccessKey, SecretKey)
	return s
}

// Use points the test's AWS configuration at endpoint with the given keys, and nowhere
// else (no profile or credentials file of the machine is read).
func Use(t testing.TB, endpoint, accessKey, secretKey string) {
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_S3": endpoint, "AWS_ACCESS_KEY_ID": accessKey, "AWS_SECRET_ACCESS_KEY": secretKey,
		"AWS_REGION": "us-east-1", "AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
		"AWS_SESSION_TOKEN": "", "AWS_PROFILE": "", "AWS_EC2_METADATA_DISABLED": "true",
	} {
		t.Setenv(k, v)
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

// String is the endpoint.
func (s *Server) String() string {
	return fmt.Sprintf("s3rver at %s", strings.TrimPrefix(s.Endpoint, "http://"))
}
