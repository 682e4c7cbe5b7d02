package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// lingering runs the command with --dashboard until it says its dashboard stays up, calls
// look with the dashboard's address, then sends SIGINT and requires the command to end
// within 5 seconds. It returns what the command printed and its exit status.
func lingering(t *testing.T, look func(url string), args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var errOut strings.Builder
	addr := regexp.MustCompile(`dashboard: (http://\S+)`)
	url, up := "", make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			line := sc.Text()
			errOut.WriteString(line + "\n")
			if m := addr.FindStringSubmatch(line); m != nil && url == "" {
				url = m[1]
			}
			if strings.Contains(line, "press Ctrl-C") {
				close(up)
			}
		}
	}()
	select {
	case <-up:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("the command never said its dashboard stays up: %s", errOut.String())
	}
	look(url)
	cmd.Process.Signal(syscall.SIGINT)
	ended := make(chan error, 1)
	go func() { ended <- cmd.Wait() }()
	select {
	case err := <-ended:
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the command did not end within 5 s of SIGINT")
	}
	return out.String(), errOut.String(), code
}

// TestDashboardStaysUpUntilCtrlC: `demo --dashboard` prints its result, keeps serving
// the dashboard of the finished computation (all its tasks done, in /api/status and in
// the page as headless Chromium renders it, where installed), and ends at Ctrl-C.
func TestDashboardStaysUpUntilCtrlC(t *testing.T) {
	out, errOut, code := lingering(t, func(url string) {
		resp, err := http.Get(url + "api/status")
		if err != nil {
			t.Fatalf("the dashboard after the result: %v", err)
		}
		defer resp.Body.Close()
		var st struct {
			Computations []struct {
				State       string
				Tasks, Done int
			}
		}
		if err := json.NewDecoder(resp.Body).Decode(&st); err != nil || len(st.Computations) != 1 {
			t.Fatalf("status: %+v, %v", st, err)
		}
		if c := st.Computations[0]; c.State != "done" || c.Done != c.Tasks || c.Tasks == 0 {
			t.Errorf("the dashboard shows %+v", c)
		}
		bin, err := exec.LookPath("chromium")
		if err != nil {
			t.Log("Chromium is not installed: the page is not loaded in a browser")
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		dom, err := exec.CommandContext(ctx, bin, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
			"--no-first-run", "--user-data-dir="+t.TempDir(), "--virtual-time-budget=2000", "--dump-dom", url+"?static").Output()
		m := regexp.MustCompile(`class="count">(\d+)/(\d+)<`).FindSubmatch(dom)
		if err != nil || m == nil || string(m[1]) != string(m[2]) {
			t.Errorf("the page in Chromium (%v): %.1500s", err, dom)
		}
	}, "demo", "-n", "2000", "-chunk", "500", "--dashboard", "127.0.0.1:0")
	if code != 0 || !strings.Contains(out, "z[:5] = ") {
		t.Errorf("exit %d, %q, %q", code, out, errOut)
	}
}
