package dashboard_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/dashboard"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/sched"
)

func status(t *testing.T, url string) dashboard.Status {
	t.Helper()
	resp, err := http.Get(url + "/api/status")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st dashboard.Status
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

// The JSON endpoint agrees with the scheduler's own counts: tasks, tasks per operation,
// the stream of task runs, memory samples, and a failing computation's error and task.
func TestStatusMatchesTheScheduler(t *testing.T) {
	d := dashboard.New()
	srv := httptest.NewServer(d.Handler())
	defer srv.Close()
	ctx := context.Background()
	x := darray.NewRNG(1).Random([]int{400, 400}, darray.ChunkSize(50))
	var stats sched.Stats
	if _, err := x.Add(x.T()).Rechunk(darray.ChunkSize(70)).Sum(darray.Axis(0)).Compute(ctx, darray.WithObserver(d), darray.WithStats(&stats)); err != nil {
		t.Fatal(err)
	}
	st := status(t, srv.URL)
	if len(st.Computations) != 1 {
		t.Fatalf("%d computations", len(st.Computations))
	}
	c := st.Computations[0]
	if c.State != "done" || c.Tasks != stats.Tasks || c.Done != stats.Tasks || c.Failed != 0 {
		t.Errorf("computation %+v, scheduler ran %d tasks", c, stats.Tasks)
	}
	total, done := 0, 0
	for _, o := range c.Ops {
		total += o.Total
		done += o.Done
	}
	if total != stats.Tasks || done != stats.Tasks || len(c.Ops) < 3 {
		t.Errorf("per operation: %d of %d tasks in %d operations, scheduler %d", done, total, len(c.Ops), stats.Tasks)
	}
	if len(st.Stream) != stats.Tasks {
		t.Errorf("stream of %d runs for %d tasks", len(st.Stream), stats.Tasks)
	}
	for _, r := range st.Stream {
		if r.End < r.Start || r.Worker < 0 || r.Worker >= c.Workers || r.Task == "" {
			t.Fatalf("bad run %+v", r)
		}
	}
	if len(st.Memory[c.ID]) == 0 {
		t.Error("no memory samples")
	}
	// A failing computation: its state, its error, and the failed task's key.
	bad := darray.Bincount(darray.Arange(0, 10, 1, nd.Int64, darray.ChunkSize(4)), nil, 5)
	if _, err := bad.Compute(ctx, darray.WithObserver(d)); err == nil {
		t.Fatal("bincount beyond its length succeeded")
	}
	st = status(t, srv.URL)
	last := st.Computations[len(st.Computations)-1]
	if last.State != "failed" || !strings.Contains(last.Error, "outside [0, 5)") || last.Failed == 0 {
		t.Errorf("failed computation reported as %+v", last)
	}
	if len(st.Errors) == 0 || st.Errors[0].Task == "" || !strings.Contains(st.Errors[0].Error, "outside") {
		t.Errorf("errors: %+v", st.Errors)
	}
}

// The page and its live updates: the page is served from the embedded files, and the
// event stream sends the status as it changes, while a computation runs.
func TestPageAndEvents(t *testing.T) {
	d := dashboard.New()
	s, err := d.Serve("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Errorf("served at %s, not on loopback", s.URL)
	}
	resp, err := http.Get(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "EventSource") {
		t.Fatalf("page: %d %.200s", resp.StatusCode, page)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"api/events", nil)
	ev, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Body.Close()
	if ct := ev.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("content type %q", ct)
	}
	go func() {
		x := darray.NewRNG(2).Random([]int{300, 300}, darray.ChunkSize(30))
		x.Mul(2).Sum().Compute(context.Background(), darray.WithObserver(d))
	}()
	lines := bufio.NewScanner(ev.Body)
	lines.Buffer(make([]byte, 1<<20), 1<<24)
	for lines.Scan() {
		data, ok := strings.CutPrefix(lines.Text(), "data: ")
		if !ok {
			continue
		}
		var st dashboard.Status
		if err := json.Unmarshal([]byte(data), &st); err != nil {
			t.Fatalf("event is not the status: %v", err)
		}
		if len(st.Computations) == 1 && st.Computations[0].State == "done" {
			if st.Computations[0].Done != st.Computations[0].Tasks {
				t.Errorf("done with %d of %d tasks", st.Computations[0].Done, st.Computations[0].Tasks)
			}
			return // the stream followed the computation to its end
		}
	}
	t.Fatalf("the event stream ended before the computation did: %v", lines.Err())
}

// The layer graph of a computation, coloured by progress: after it ends every layer with
// tasks is done; unknown computations are 404.
func TestGraphByState(t *testing.T) {
	d := dashboard.New()
	srv := httptest.NewServer(d.Handler())
	defer srv.Close()
	x := darray.NewRNG(1).Random([]int{100, 100}, darray.ChunkSize(25))
	if _, err := x.Add(x.T()).Sum().Compute(context.Background(), darray.WithObserver(d)); err != nil {
		t.Fatal(err)
	}
	text, ok := d.GraphDOT("latest")
	if !ok || !strings.Contains(text, "tasks done") || strings.Contains(text, "#fee391") || strings.Contains(text, "#e0e0e0") {
		t.Errorf("graph after the computation:\n%s", text)
	}
	if n := strings.Count(text, "#a1d99b"); n < 2 {
		t.Errorf("%d layers shown done:\n%s", n, text)
	}
	for path, want := range map[string]int{"/api/graph.dot": 200, "/api/graph.dot?id=99": 404} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

// A result stored to a file (.npy, Zarr, HDF5) shows its layers in the Graph panel as a
// printed one does: the write tasks' graph names what they compute.
func TestGraphOfAStoredResult(t *testing.T) {
	dir := t.TempDir()
	x := darray.NewRNG(1).Random([]int{100, 100}, darray.ChunkSize(25))
	y := x.Add(x.T())
	for name, store := range map[string]func(d *dashboard.Dashboard) error{
		"npy": func(d *dashboard.Dashboard) error {
			return darray.ToNPY(context.Background(), y, filepath.Join(dir, "y.npy"), darray.WithObserver(d))
		},
		"zarr": func(d *dashboard.Dashboard) error {
			return darray.ToZarr(context.Background(), y, filepath.Join(dir, "y.zarr"), "y", darray.ZarrOptions{}, darray.WithObserver(d))
		},
		"hdf5": func(d *dashboard.Dashboard) error {
			return darray.ToHDF5(context.Background(), y, filepath.Join(dir, "y.h5"), "/y", darray.HDF5Options{}, darray.WithObserver(d))
		},
	} {
		d := dashboard.New()
		if err := store(d); err != nil {
			t.Fatal(err)
		}
		text, ok := d.GraphDOT("latest")
		if !ok || !strings.Contains(text, "random uniform") || !strings.Contains(text, "add") {
			t.Errorf("%s: the graph of a stored result:\n%s", name, text)
		}
	}
}

// TestServeAnswersLoopbackNamesOnly: served on loopback, the dashboard answers requests
// for 127.0.0.1, localhost and [::1] and refuses any other Host header, as a page that
// rebound its own name to 127.0.0.1 would send (DNS rebinding).
func TestServeAnswersLoopbackNamesOnly(t *testing.T) {
	srv, err := dashboard.New().Serve("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1 : len(srv.URL)-1]
	for host, want := range map[string]int{
		"127.0.0.1:" + port: 200, "localhost:" + port: 200, "LOCALHOST": 200, "[::1]:" + port: 200, "127.0.0.2": 200,
		"evil.example:" + port: 403, "evil.example": 403, "127.0.0.1.evil.example": 403, "10.0.0.1:" + port: 403,
	} {
		req, _ := http.NewRequest("GET", srv.URL+"api/status", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %q: %d %s, want %d", host, resp.StatusCode, body, want)
		}
	}
}

// TestGraphPicturesOneAtATime: many requests for the picture at once start Graphviz one
// after another; each is answered (a picture, or 503 when the wait is too long), none
// runs beside another. The test counts the concurrent runs with a dot of its own.
func TestGraphPicturesOneAtATime(t *testing.T) {
	dir := t.TempDir()
	script := `#!/bin/sh
mkdir "` + dir + `/running" 2>/dev/null || { echo overlap >> "` + dir + `/log"; }
sleep 0.1
cat >/dev/null
echo '<svg/>'
rmdir "` + dir + `/running"
`
	if err := os.WriteFile(filepath.Join(dir, "dot"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	d := dashboard.New()
	x := darray.NewRNG(1).Random([]int{40, 40}, darray.ChunkSize(20))
	if _, err := x.Sum().Compute(context.Background(), darray.WithObserver(d)); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(d.Handler())
	defer srv.Close()
	var wg sync.WaitGroup
	codes := make(chan int, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(srv.URL + "/api/graph.svg")
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			codes <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != 200 {
			t.Errorf("status %d", c)
		}
	}
	if log, err := os.ReadFile(filepath.Join(dir, "log")); err == nil {
		t.Errorf("Graphviz ran beside itself: %s", log)
	}
}
