package dashboard_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/dashboard"
	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
)

// chromium runs headless Chromium on url with the given extra flags and returns what it
// printed on standard output and standard error.
func chromium(t *testing.T, bin, url string, extra ...string) (stdout, stderr string) {
	t.Helper()
	args := append([]string{"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--window-size=1000,700", "--virtual-time-budget=2000",
		"--enable-logging=stderr", "--v=0"}, extra...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append(args, url)...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil && ctx.Err() != nil {
		t.Fatalf("chromium did not finish: %v\n%s", err, errOut.String())
	}
	return out.String(), errOut.String()
}

// gate holds the blocks of the second half of the test's computation until the browser
// has seen the first half's progress (however slowly the browser starts).
var gate = make(chan struct{})

func init() {
	err := darray.RegisterBlockFunc("test.gate", func(_ any, blocks []*nd.Array, info graph.BlockInfo) (*nd.Array, error) {
		if info.Block[0] >= 32 {
			<-gate
		}
		return blocks[0], nil
	})
	if err != nil {
		panic(err)
	}
}

// The page in a real browser: it renders without console errors, the progress it shows
// advances while a computation runs and reaches every task at the end, and its screenshot
// is kept (in $DARRAY_ARTIFACTS, or the test's temporary directory).
func TestInHeadlessChromium(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("Chromium is not installed (Debian's chromium package; .ci/run installs it): the page is not checked in a browser")
	}
	d := dashboard.New()
	srv, err := d.Serve("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	done := make(chan error, 1)
	go func() {
		x := darray.NewRNG(3).Random([]int{16000, 16000}, darray.ChunkSize(250))
		x = darray.MapBlocks("test.gate", []*darray.Array{x})
		_, err := x.Mul(x.T()).Std().Compute(context.Background(), darray.WithObserver(d), darray.Workers(1))
		done <- err
	}()
	count := regexp.MustCompile(`class="count">(\d+)/(\d+)<`)
	progress := func() (int, int) {
		dom, logs := chromium(t, bin, srv.URL+"?static", "--dump-dom")
		if strings.Contains(logs, "Uncaught") {
			t.Fatalf("console errors:\n%s", logs)
		}
		m := count.FindStringSubmatch(dom)
		if m == nil {
			t.Fatalf("no progress in the page:\n%.2000s", dom)
		}
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		return a, b
	}
	time.Sleep(300 * time.Millisecond)
	first, total := progress()
	close(gate) // the second half of the computation may go on now
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	last, total2 := progress()
	if !(first < last && last == total && total == total2) {
		t.Errorf("progress in the page went from %d/%d to %d/%d", first, total, last, total2)
	}
	dir := os.Getenv("DARRAY_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	shot := filepath.Join(dir, "dashboard.png")
	chromium(t, bin, srv.URL+"?static", "--screenshot="+shot)
	if info, err := os.Stat(shot); err != nil || info.Size() < 1000 {
		t.Errorf("screenshot %s: %v", shot, err)
	}
	t.Logf("screenshot: %s", shot)
}
