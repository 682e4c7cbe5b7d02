package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/npy"
)

// The tests run the real binary, built once.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "darray-cmd-test-*")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "darray")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		panic(string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

// fixture writes x = arange(24).reshape(4, 6) * 0.5 as x.npy in a temporary directory.
func fixture(t *testing.T) (dir string, x *nd.Array) {
	dir = t.TempDir()
	a, _ := nd.Arange(nd.Float64, 0, 24, 1)
	a, _ = a.Reshape(4, 6)
	x, _ = nd.Binary(nd.Multiply, a, nd.Scalar(0.5))
	if err := npy.WriteFile(filepath.Join(dir, "x.npy"), x); err != nil {
		t.Fatal(err)
	}
	return dir, x
}

func TestEvalPrintsLikeNumPy(t *testing.T) {
	dir, x := fixture(t)
	in := "x=" + filepath.Join(dir, "x.npy")
	cases := []struct {
		expr string
		want func() *nd.Array
	}{
		{"x[::2].sum(axis=0)", func() *nd.Array {
			v, _ := x.IndexString("::2")
			r, _ := nd.Reduce(nd.Sum, v, nd.ReduceArgs{Axes: []int{0}})
			return r
		}},
		{"y = x.T * 2; y[1:3, ::-1]", func() *nd.Array {
			y, _ := nd.Binary(nd.Multiply, x.T(), nd.Scalar(2.0))
			r, _ := y.IndexString("1:3, ::-1")
			return r
		}},
		{"where(x > 5, x, 0).astype(\"int32\")", func() *nd.Array {
			c, _ := nd.Binary(nd.Greater, x, nd.Scalar(5.0))
			w, _ := nd.Where(c, x, nd.Scalar(0.0))
			r, _ := w.AsType(nd.Int32)
			return r
		}},
		{"sum(x, axis=(0, 1), keepdims=True)", func() *nd.Array {
			r, _ := nd.Reduce(nd.Sum, x, nd.ReduceArgs{Axes: []int{0, 1}, KeepDims: true})
			return r
		}},
	}
	for _, c := range cases {
		for _, chunks := range []string{"", "--chunks=3,2"} {
			args := []string{"eval", "-i", in}
			if chunks != "" {
				args = append(args, chunks)
			}
			out, errOut, code := runCLI(t, append(args, c.expr)...)
			if code != 0 {
				t.Fatalf("%s: exit %d: %s", c.expr, code, errOut)
			}
			if want := c.want().String() + "\n"; out != want {
				t.Errorf("%s printed\n%s\nwant\n%s", c.expr, out, want)
			}
		}
	}
	out, _, _ := runCLI(t, "eval", "(3 + 4) * 2, 2 ** 10, 7 // 2")
	if strings.TrimSpace(out) != "(14, 1024, 3)" {
		t.Errorf("scalar arithmetic printed %q", out)
	}
}

func TestEvalStoresResults(t *testing.T) {
	dir, x := fixture(t)
	in := "x=" + filepath.Join(dir, "x.npy")
	outNPY := filepath.Join(dir, "y.npy")
	if _, e, code := runCLI(t, "eval", "-i", in, "-o", outNPY, "x * 3"); code != 0 {
		t.Fatal(e)
	}
	y, err := npy.ReadFile(outNPY)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := nd.Binary(nd.Multiply, x, nd.Scalar(3.0))
	if y.String() != want.String() {
		t.Errorf("stored %v, want %v", y, want)
	}
	store := filepath.Join(dir, "out.zarr")
	if _, e, code := runCLI(t, "eval", "-i", in, "-o", store+"/y", "x - 1"); code != 0 {
		t.Fatal(e)
	}
	out, e, code := runCLI(t, "eval", "-i", "z="+store+"/y", "z.max()")
	if code != 0 || strings.TrimSpace(out) != "10.5" {
		t.Errorf("reading the stored Zarr back: %q %q %d", out, e, code)
	}
	// convert the Zarr array to .npy with new chunks, and back to Zarr v3
	if _, e, code := runCLI(t, "convert", store+"/y", filepath.Join(dir, "c.npy"), "--chunks", "3,3"); code != 0 {
		t.Fatal(e)
	}
	if _, e, code := runCLI(t, "convert", filepath.Join(dir, "c.npy"), filepath.Join(dir, "v3.zarr"), "--zarr-version", "3"); code != 0 {
		t.Fatal(e)
	}
	out, _, _ = runCLI(t, "eval", "-i", "c="+filepath.Join(dir, "v3.zarr"), "c.sum()")
	if strings.TrimSpace(out) != "114.0" {
		t.Errorf("sum after two conversions = %q, want 114.0", out)
	}
}

func TestInfoGraphDemoHelp(t *testing.T) {
	dir, _ := fixture(t)
	out, e, code := runCLI(t, "info", filepath.Join(dir, "x.npy"))
	if code != 0 || !strings.Contains(out, "shape (4, 6)") || !strings.Contains(out, "float64") {
		t.Errorf("info: %q %q", out, e)
	}
	runCLI(t, "eval", "-i", "x="+filepath.Join(dir, "x.npy"), "-o", filepath.Join(dir, "s.zarr", "grp", "a"), "x")
	out, e, code = runCLI(t, "info", filepath.Join(dir, "s.zarr"))
	if code != 0 || !strings.Contains(out, "grp/a: shape (4, 6)") || !strings.Contains(out, "zstd") {
		t.Errorf("info of a Zarr store: %q %q", out, e)
	}
	dot := filepath.Join(dir, "g.dot")
	if _, e, code := runCLI(t, "graph", "-o", dot, "random.random((100, 100), chunks=(50, 50)).sum()"); code != 0 {
		t.Fatal(e)
	}
	text, _ := os.ReadFile(dot)
	if !strings.Contains(string(text), "digraph") || strings.Count(string(text), `[label="partial`) != 4 {
		t.Errorf("graph file: %s", text)
	}
	_, e, code = runCLI(t, "eval", "--progress", "-v", "random.random((300, 300), chunks=50).std()")
	if code != 0 || !strings.Contains(e, "100%") || !strings.Contains(e, "tasks, peak memory held") {
		t.Errorf("--progress -v: %q", e)
	}
	out, _, code = runCLI(t, "demo", "-n", "2000", "-chunk", "500")
	if code != 0 || !strings.Contains(out, "computed in") || !strings.Contains(out, "z[:5] = [") {
		t.Errorf("demo: %q", out)
	}
	out, _, code = runCLI(t, "help")
	if code != 0 || !strings.Contains(out, "darray eval") || !strings.Contains(out, "darray convert") {
		t.Errorf("help: %d %q", code, out)
	}
	_, e, code = runCLI(t, "eval", "-h")
	if code != 0 || !strings.Contains(e, "-memory-limit") {
		t.Errorf("eval -h: %d %q", code, e)
	}
}

var h5 = filepath.Join("..", "..", "testdata", "hdf5", "golden.h5")

func TestHDF5Inputs(t *testing.T) {
	out, e, code := runCLI(t, "info", h5)
	if code != 0 || !strings.Contains(out, "/gzip_shuffle_f4: shape (9, 10, 11), float32, chunks (4, 5, 3), filters [shuffle gzip]") || !strings.Contains(out, "units") {
		t.Errorf("info: %q %q", out, e)
	}
	want, _ := npy.ReadFile(filepath.Join("..", "..", "testdata", "hdf5", "many_chunks.npy"))
	s, _ := nd.Reduce(nd.Sum, want, nd.ReduceArgs{Axes: []int{0}})
	out, e, code = runCLI(t, "eval", "-i", "m="+h5+":/many_chunks", "m.sum(axis=0)")
	if code != 0 || out != s.String()+"\n" {
		t.Errorf("eval over HDF5: %q %q, want %v", out, e, s)
	}
	dir := t.TempDir()
	written := filepath.Join(dir, "out.h5") + ":/g/m2"
	if _, e, code := runCLI(t, "eval", "-i", "m="+h5+":/many_chunks", "-o", written, "m * 2"); code != 0 {
		t.Fatal(e)
	}
	if _, e, code := runCLI(t, "convert", written, filepath.Join(dir, "back.npy")); code != 0 {
		t.Fatal(e)
	}
	back, err := npy.ReadFile(filepath.Join(dir, "back.npy"))
	twice, _ := nd.Binary(nd.Multiply, want, nd.Scalar(int32(2)))
	if err != nil || back.String() != twice.String() {
		t.Errorf("HDF5 written by eval -o, converted to .npy: %v %v", err, back)
	}
	// HDF5 files under other names (netCDF-4 as .nc4, MATLAB v7.3 .mat, AnnData .h5ad, or
	// none) are known by their signature, also behind a user block.
	for _, name := range []string{"data.nc4", "data.mat", "data.h5ad", "data"} {
		renamed := filepath.Join(dir, name)
		raw, _ := os.ReadFile(filepath.Join("..", "..", "testdata", "hdf5", "userblock.h5"))
		if err := os.WriteFile(renamed, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		out, e, code := runCLI(t, "eval", "-i", "c="+renamed+":chunked", "c.sum()")
		if code != 0 || strings.TrimSpace(out) != "19900" {
			t.Errorf("%s: %q %q (exit %d), want the sum of arange(200), 19900", name, out, e, code)
		}
	}
}

// TestNetCDFInputs: info lists netCDF-3 and netCDF-4 variables with their dimensions'
// names, and eval reads a variable by name from either.
func TestNetCDFInputs(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "netcdf")
	for file, want := range map[string][]string{
		"classic.nc": {"netCDF-3 classic", "dimensions: time = 5 (unlimited), y = 4, x = 3", "temperature(time, y, x): shape (5, 4, 3), float", "units:K",
			`label(y, nchar): shape (4, 6), char, 24 B in memory, values ["north" "up" "south" "down"]`},
		"cdf5.nc": {"netCDF-3 64-bit data (CDF-5)", "big(y): shape (4,), int64"},
		"nc4.nc":  {"netCDF-4 (HDF5)", "/temperature(time, y, x): shape (5, 4, 3), float32, chunks (1, 4, 3)", "/x (dimension, length 3)", `/label(y, nchar): shape (4, 6), text, values ["n" "o"`},
	} {
		out, e, code := runCLI(t, "info", filepath.Join(dir, file))
		for _, w := range want {
			if code != 0 || !strings.Contains(out, w) {
				t.Errorf("info %s: missing %q in\n%s%s", file, w, out, e)
			}
		}
		if strings.Contains(out, "_Netcdf4Dimid") {
			t.Errorf("info %s shows the library's own attributes:\n%s", file, out)
		}
	}
	var sums []string
	for _, file := range []string{"classic.nc", "offset64.nc", "cdf5.nc", "nc4classic.nc", "nc4.nc"} {
		out, e, code := runCLI(t, "eval", "-i", "c="+filepath.Join(dir, file)+":count", "c.sum()")
		if code != 0 {
			t.Fatalf("%s: %s", file, e)
		}
		sums = append(sums, strings.TrimSpace(out))
	}
	for _, s := range sums[1:] {
		if s != sums[0] {
			t.Errorf("the same variable sums differently across formats: %v", sums)
		}
	}
}

func TestErrorsAUserCanActOn(t *testing.T) {
	dir, _ := fixture(t)
	in := "x=" + filepath.Join(dir, "x.npy")
	cases := []struct {
		args []string
		code int
		says []string
	}{
		{[]string{"eval", "ones(3) + * 2"}, 2, []string{"syntax error at column 11", "^"}},
		{[]string{"eval", "-i", in, "mena(x)"}, 2, []string{`unknown name "mena"`, `did you mean "mean"`, "column 1"}},
		{[]string{"eval", "-i", in, "x.summ()"}, 1, []string{`did you mean "sum"`}},
		{[]string{"eval", "-i", "x=" + filepath.Join(dir, "nope.npy"), "x"}, 1, []string{"nope.npy"}},
		{[]string{"eval", "-i", in, "x + ones((5,))"}, 1, []string{"(4, 6)", "(5,)"}},
		{[]string{"eval", "-i", in, "x[9]"}, 1, []string{"index 9", "size 4"}},
		{[]string{"eval", "-i", "bad", "x"}, 2, []string{"NAME=PATH"}},
		{[]string{"eval", "--frobnicate", "x"}, 2, []string{"frobnicate"}},
		{[]string{"evl", "x"}, 2, []string{`unknown command "evl"`, `did you mean "eval"`}},
		{[]string{"info", filepath.Join(dir, "missing.zarr")}, 1, []string{"missing.zarr"}},
		{[]string{"eval", "-i", "x=" + filepath.Join(dir, "f.h5") + ":/a", "x"}, 1, []string{"f.h5"}},
		{[]string{"eval", "-i", "x=" + h5 + ":/nope", "x"}, 1, []string{"no dataset", "/contiguous_f8"}},
	}
	for _, c := range cases {
		_, e, code := runCLI(t, c.args...)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d (%s)", c.args, code, c.code, e)
		}
		for _, s := range c.says {
			if !strings.Contains(e, s) {
				t.Errorf("%v: error %q does not say %q", c.args, e, s)
			}
		}
		if strings.Contains(e, "goroutine ") || strings.Contains(e, "panic") {
			t.Errorf("%v: a Go stack trace reached the user: %s", c.args, e)
		}
	}
}

// FuzzParse feeds arbitrary text to the expression parser: a syntax error or a program,
// never a panic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"x[::2, 5000:].mean(axis=1)", "a = 1; b = a ** -2", "where(x > 0, x, 0)", "f(a=(1, 2))[...]", "q, r = 1, (2,); r"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		stmts, err := parseProgram(src)
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("error %v is not a SyntaxError", err)
			}
			_ = err.Error()
			return
		}
		e := newEvaluator(src, nil)
		e.run(stmts) // errors are fine; panics are not
	})
}

// TestEvalMatchesNumPyPrinting runs expressions over NumPy-written inputs and requires
// NumPy's own printed result (tools/golden/cli_golden.py).
func TestEvalMatchesNumPyPrinting(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "cli")
	raw, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var expected map[string]string
	if err := json.Unmarshal(raw, &expected); err != nil {
		t.Fatal(err)
	}
	for expr, want := range expected {
		out, e, code := runCLI(t, "eval", "-i", "x="+filepath.Join(dir, "x.npy"), "-i", "y="+filepath.Join(dir, "y.npy"), "--chunks", "3", expr)
		if code != 0 {
			t.Errorf("%s: exit %d: %s", expr, code, e)
			continue
		}
		if strings.TrimSuffix(out, "\n") != want {
			t.Errorf("%s printed\n%s\nNumPy prints\n%s", expr, out, want)
		}
	}
}

// A tuple of arrays is computed in one go and printed element by element, as NumPy's str
// of the same values, in parentheses: lstsq's x, residuals, rank and singular values.
func TestEvalPrintsTuples(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "cli")
	out, e, code := runCLI(t, "eval", "-i", "x="+filepath.Join(dir, "x.npy"), "-i", "y="+filepath.Join(dir, "y.npy"), "--chunks", "3",
		"(linalg.lstsq(x[:, :2], y[:4])[2], x[x > 0].max(), 'done')")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	if want := "(2, 8.5, done)\n"; out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
	out, e, code = runCLI(t, "eval", "-i", "x="+filepath.Join(dir, "x.npy"), "--chunks", "3", "linalg.svd(x[:, :2])")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	if !strings.HasPrefix(out, "([[") || strings.Count(out, "], [") < 1 || !strings.HasSuffix(out, "]])\n") {
		t.Errorf("svd printed %q, want a tuple of u, s and vt", out)
	}
}

// Tuples unpack into names, as in Python; a value that is not a tuple of as many is an
// error naming what it was.
func TestEvalUnpacksTuples(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "cli")
	in := "x=" + filepath.Join(dir, "x.npy")
	out, e, code := runCLI(t, "eval", "-i", in, "--chunks", "3", "q, r = linalg.qr(x[:, :2]); abs(q @ r - x[:, :2]).max() < 1e-12")
	if code != 0 || out != "True\n" {
		t.Errorf("q r rebuilds x: exit %d, printed %q (%s)", code, out, e)
	}
	out, e, code = runCLI(t, "eval", "a, b = 1, 2; a - b")
	if code != 0 || out != "-1\n" {
		t.Errorf("a, b = 1, 2: exit %d, printed %q (%s)", code, out, e)
	}
	_, e, code = runCLI(t, "eval", "-i", in, "a, b = x")
	if code == 0 || !strings.Contains(e, "cannot unpack array of shape (4, 6) into 2 names") {
		t.Errorf("unpacking an array: exit %d, %s", code, e)
	}
}

// info shows a hostile file's names and attributes escaped: a Zarr store whose group
// attribute and array name hold terminal escape sequences and a line break prints none
// of them raw.
func TestInfoEscapesControlCharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "evil.zarr")
	evilName := "a\x1b[2Jb\nfake line"
	if err := os.MkdirAll(filepath.Join(dir, evilName), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".zgroup", `{"zarr_format":2}`)
	write(".zattrs", `{"title":"\u001b]0;pwned\u0007\u001b[31mred\u009b"}`)
	write(filepath.Join(evilName, ".zarray"), `{"zarr_format":2,"shape":[4],"chunks":[2],"dtype":"<f8","compressor":null,"fill_value":0,"order":"C","filters":null}`)
	out, errOut, code := runCLI(t, "info", dir)
	if code != 0 {
		t.Fatalf("info: exit %d, %s", code, errOut)
	}
	for _, raw := range []string{"\x1b", "\x07", "\u009b", "\nfake line"} {
		if strings.Contains(out, raw) {
			t.Errorf("info printed %q raw:\n%s", raw, out)
		}
	}
	for _, shown := range []string{`\x1b]0;pwned\a`, `\x1b[31mred\u009b`, `a\x1b[2Jb\nfake line`} {
		if !strings.Contains(out, shown) {
			t.Errorf("info does not show %q:\n%s", shown, out)
		}
	}
}

// SIGTERM cancels a command as Ctrl-C does: a big output being written (.npy or HDF5) is removed, no
// temporary or spill file is left, and the exit status says it failed.
func TestTerminateLeavesNothing(t *testing.T) {
	for i, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM, os.Interrupt, syscall.SIGTERM} {
		dir, tmp := t.TempDir(), t.TempDir()
		out := filepath.Join(dir, []string{"out.npy", "out.h5:/x"}[i/2])
		cmd := exec.Command(binary, "eval", "--memory-limit", "1GB", "-o", out,
			"random.random((40000, 40000), chunks=2000) + 1") // 12.8 GB: still being written when signalled
		cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait until the output is being written.
		writing := false
		for deadline := time.Now().Add(20 * time.Second); !writing && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			entries, _ := os.ReadDir(dir)
			writing = len(entries) > 0
		}
		if !writing {
			cmd.Process.Kill()
			t.Fatalf("%v: %s was never started", sig, out)
		}
		time.Sleep(200 * time.Millisecond)
		cmd.Process.Signal(sig)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err == nil {
				t.Errorf("%v: exit status 0 for a cancelled command", sig)
			}
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%v: the command did not stop within 20 s", sig)
		}
		for _, d := range []string{dir, tmp} {
			if left, _ := os.ReadDir(d); len(left) != 0 {
				t.Errorf("%v while writing %s: files left in %s: %v", sig, out, d, left)
			}
		}
	}
}

// TestOverflowingNumbersAreErrors: integer arithmetic in expressions does not wrap (a shape
// of 2**70 used to become 0, an empty array with exit status 0), and shapes, chunks and
// limits that are NaN, infinite, negative or too large are refused with a message.
func TestOverflowingNumbersAreErrors(t *testing.T) {
	for _, c := range []struct{ args []string }{
		{[]string{"eval", "zeros((2**70,))"}},
		{[]string{"eval", "zeros((10,), chunks=2**70)"}},
		{[]string{"eval", "ones((3, 3)).rechunk(2**63)"}},
		{[]string{"eval", "9223372036854775807 + 1"}},
		{[]string{"eval", "2**62 * 4"}},
		{[]string{"eval", "zeros((nan,))"}},
		{[]string{"eval", "zeros((10,), chunks=(inf,))"}},
		{[]string{"eval", "zeros((-1,))"}},
		{[]string{"eval", "zeros((10**12,), chunks=1)"}},
		{[]string{"eval", "--chunks", "nan", "-i", "x=../../testdata/cli/x.npy", "x.sum()"}},
		{[]string{"eval", "--chunks", "99999999999999999999", "-i", "x=../../testdata/cli/x.npy", "x.sum()"}},
		{[]string{"eval", "--memory-limit", "inf", "zeros((3,)).sum()"}},
		{[]string{"eval", "--memory-limit", "-1GB", "zeros((3,)).sum()"}},
		{[]string{"eval", "--memory-limit", "1e-300", "zeros((3,)).sum()"}},
	} {
		out, stderr, code := runCLI(t, c.args...)
		if code == 0 || out != "" || !strings.Contains(stderr, "darray") {
			t.Errorf("%q: exit %d, output %q, error %q; want a failure with a message", c.args, code, out, stderr)
		}
	}
	if out, _, code := runCLI(t, "eval", "--", "-9223372036854775807 - 1"); code != 0 || strings.TrimSpace(out) != "-9223372036854775808" {
		t.Errorf("the smallest int64: %q, exit %d", out, code)
	}
}

// TestPublishedZarrInputs: eval and info take the URL of a store on a web server; a store
// of several arrays is browsed through its consolidated metadata.
func TestPublishedZarrInputs(t *testing.T) {
	srv := httptest.NewServer(http.FileServer(http.Dir(filepath.Join("..", "..", "testdata"))))
	defer srv.Close()
	want, _ := npy.ReadFile(filepath.Join("..", "..", "testdata", "zarr", "zlib_c.npy"))
	s, _ := nd.Reduce(nd.Sum, want, nd.ReduceArgs{Axes: []int{0}})
	out, e, code := runCLI(t, "eval", "-i", "x="+srv.URL+"/zarr/zlib_c.zarr/data", "x.sum(axis=0)")
	if code != 0 || out != s.String()+"\n" {
		t.Errorf("eval over http: %q %q, want %v", out, e, s)
	}
	out, e, code = runCLI(t, "info", srv.URL+"/zarr/tree.zarr")
	if code != 0 || !strings.Contains(out, "Zarr v2 store") || !strings.Contains(out, "(group)") {
		t.Errorf("info over http: %q %q", out, e)
	}
	_, e, code = runCLI(t, "eval", "-i", "x="+srv.URL+"/zarr/tree.zarr", "x.sum()")
	if code == 0 || !strings.Contains(e, "holds the arrays") {
		t.Errorf("a store of several arrays: exit %d, %q", code, e)
	}
}
