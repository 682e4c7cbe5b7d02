package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/dashboard"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/npy"
	"github.com/darray-go/darray/sched"
	"github.com/darray-go/darray/store"
	"github.com/darray-go/darray/store/hdf5"
	"github.com/darray-go/darray/store/netcdf3"
	"github.com/darray-go/darray/store/zarr"
)

// printLimit is NumPy's threshold: larger results are printed summarised, as NumPy does.
const printLimit = 1000

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", "", "Runs the dask tutorial workflow with timings.", stderr)
	n := fs.Int("n", 10000, "the array is n x n")
	chunk := fs.Int("chunk", 1000, "square chunks of this side")
	var cf computeFlags
	cf.register(fs)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	defer cf.linger(ctx, stderr)
	start := time.Now()
	x := darray.NewRNG(42).Random([]int{*n, *n}, darray.ChunkSize(*chunk, *chunk))
	y := x.Add(x.T())
	z := y.Index(fmt.Sprintf("::2, %d:", *n/2)).Mean(darray.Axis(1))
	built := time.Since(start)
	fmt.Fprintf(stdout, "x = random((%d, %d), chunks=(%d, %d))\n  %v\n", *n, *n, *chunk, *chunk, x)
	fmt.Fprintf(stdout, "y = x + x.T\nz = y[::2, %d:].mean(axis=1)\n  %v\n", *n/2, z)
	fmt.Fprintf(stdout, "built lazily in %s\n", formatDuration(built))
	g, err := darray.Graph(z)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "optimized graph: %d tasks (culled, fused, slices pushed into the generator)\n", len(g.Tasks))
	var st sched.Stats
	opts, err := cf.options(ctx, stderr, &st)
	if err != nil {
		return err
	}
	start = time.Now()
	defer cf.report(stderr, start, &st)
	res, err := z.Compute(ctx, opts...)
	if err != nil {
		return err
	}
	if cf.cluster.url != "" || cf.cluster.local > 0 {
		fmt.Fprintf(stdout, "computed in %s on the cluster, %d tasks\n", formatDuration(time.Since(start)), st.Tasks)
	} else {
		fmt.Fprintf(stdout, "computed in %s on all cores, peak memory held %s\n", formatDuration(time.Since(start)), darray.FormatBytes(st.PeakBytes))
	}
	head, _ := res.IndexString(":5")
	fmt.Fprintf(stdout, "z[:5] = %v\n", head)
	return nil
}

// inputSpec opens "file.npy", "store.zarr" or "store.zarr/path/to/array" (a directory or
// an http(s) URL), or an HDF5 or netCDF file's "FILE:dataset".
func openInput(spec string, chunks darray.ChunkSpec) (*darray.Array, error) {
	if store.IsURL(spec) {
		if a, ok, err := openRemoteFile(spec, chunks); ok {
			return a, err
		}
		root, inner := splitURLStore(spec)
		if inner == "" {
			arrays, err := remoteArrays(root)
			if err != nil {
				return nil, err
			}
			if len(arrays) > 1 {
				return nil, fmt.Errorf("%s holds the arrays %s: name one as %s/ARRAY", root, strings.Join(arrays, ", "), root)
			}
			inner = arrays[0]
		}
		a := darray.FromZarr(root, inner, chunks)
		return a, a.Err()
	}
	path, inner := splitStore(spec)
	switch {
	case strings.HasSuffix(strings.ToLower(path), ".npy"):
		a := darray.FromNPY(path, chunks)
		return a, a.Err()
	case isZarr(path):
		if inner == "" { // the store's only array, if it has one
			arrays, err := zarr.Arrays(store.Dir{Root: path})
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			switch {
			case len(arrays) == 1:
				inner = arrays[0]
			case len(arrays) > 1:
				return nil, fmt.Errorf("%s holds the arrays %s: name one as %s/ARRAY", path, strings.Join(arrays, ", "), path)
			}
		}
		a := darray.FromZarr(path, inner, chunks)
		return a, a.Err()
	case isNetCDF3(spec):
		file, variable, ok := strings.Cut(spec, ":")
		if !ok || variable == "" {
			return nil, usagef("%s: name the variable as FILE.nc:VARIABLE", spec)
		}
		a := darray.FromNetCDF(file, variable, chunks)
		return a, a.Err()
	case isHDF5(spec):
		file, dataset, ok := strings.Cut(spec, ":")
		if !ok || dataset == "" {
			return nil, usagef("%s: name the dataset as FILE.h5:/path/to/dataset", spec)
		}
		a := darray.FromHDF5(file, dataset, chunks)
		return a, a.Err()
	}
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("%s: unknown format (darray reads .npy files, Zarr stores and HDF5 files)", spec)
}

// openRemoteFile opens a file in remote storage, read by byte ranges: URL.npy, or
// URL:VARIABLE of a netCDF or HDF5 file. ok is false when spec names neither (a Zarr
// store, then).
func openRemoteFile(spec string, chunks darray.ChunkSpec) (a *darray.Array, ok bool, err error) {
	scheme, rest, _ := strings.Cut(spec, "://")
	file, inner := spec, ""
	if slash := strings.Index(rest, "/"); slash >= 0 { // past the host (and its port)
		if i := strings.Index(rest[slash:], ":"); i >= 0 {
			file, inner = scheme+"://"+rest[:slash+i], rest[slash+i+1:]
		}
	}
	switch {
	case inner == "" && strings.HasSuffix(strings.ToLower(file), ".npy"):
		a = darray.FromNPY(file, chunks)
	case inner != "" && netcdf3.Is(file):
		a = darray.FromNetCDF(file, inner, chunks)
	case inner != "" && hdf5.Is(file):
		a = darray.FromHDF5(file, inner, chunks)
	case inner != "":
		if _, err := store.OpenFile(file); err != nil {
			return nil, true, err
		}
		return nil, true, fmt.Errorf("%s: neither an HDF5 nor a netCDF file", file)
	default:
		return nil, false, nil
	}
	return a, true, a.Err()
}

// splitURLStore separates a published store's root URL from the array path in it, at the
// last path segment named *.zarr ("https://h/d/s.zarr/g/x" is the store https://h/d/s.zarr
// and the array g/x). A URL without one is the store.
func splitURLStore(spec string) (string, string) {
	parts := strings.Split(strings.TrimSuffix(spec, "/"), "/")
	for i := len(parts) - 1; i >= 3; i-- { // after the scheme's "https:", "", "host"
		if strings.HasSuffix(strings.ToLower(parts[i]), ".zarr") {
			return strings.Join(parts[:i+1], "/"), strings.Join(parts[i+1:], "/")
		}
	}
	return strings.TrimSuffix(spec, "/"), ""
}

// remoteArrays lists the arrays of a published store: its root when the root is an array,
// else what its consolidated metadata names (a web server cannot list).
func remoteArrays(root string) ([]string, error) {
	kv, err := store.Open(root)
	if err != nil {
		return nil, err
	}
	if _, err := zarr.Open(kv, ""); err == nil {
		return []string{""}, nil
	}
	arrays, err := zarr.Arrays(kv)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", root, err)
	}
	if len(arrays) == 0 {
		return nil, fmt.Errorf("%s: no Zarr array found", root)
	}
	return arrays, nil
}

// splitStore separates a Zarr store's directory from the array path inside it:
// "data.zarr/group/x" is ("data.zarr", "group/x"). Other paths come back whole.
func splitStore(spec string) (string, string) {
	parts := strings.Split(filepath.ToSlash(spec), "/")
	for i := range parts {
		root := strings.Join(parts[:i+1], "/")
		if isZarr(root) && i < len(parts)-1 {
			if _, err := os.Stat(filepath.Join(root, strings.Join(parts[i+1:], "/"))); err == nil || strings.HasSuffix(strings.ToLower(parts[i]), ".zarr") {
				return root, strings.Join(parts[i+1:], "/")
			}
		}
	}
	return spec, ""
}

// isNetCDF3 reports whether spec (FILE or FILE:VARIABLE) names a netCDF-3 file.
func isNetCDF3(spec string) bool {
	file, _, _ := strings.Cut(spec, ":")
	return netcdf3.Is(file)
}

// isHDF5 reports whether spec (FILE or FILE:/dataset) names an HDF5 file: one that exists
// and has the signature (.nc4, .mat, .h5ad and any other name), or, for an output, a name
// ending in .h5, .hdf5 or .he5.
func isHDF5(spec string) bool {
	file, _, _ := strings.Cut(spec, ":")
	if hdf5.Is(file) {
		return true
	}
	l := strings.ToLower(file)
	return strings.HasSuffix(l, ".h5") || strings.HasSuffix(l, ".hdf5") || strings.HasSuffix(l, ".he5") || strings.HasSuffix(l, ".nc")
}

func isZarr(path string) bool {
	for _, meta := range []string{".zgroup", ".zarray", "zarr.json"} {
		if _, err := os.Stat(filepath.Join(path, meta)); err == nil {
			return true
		}
	}
	return strings.HasSuffix(strings.ToLower(strings.TrimSuffix(path, "/")), ".zarr")
}

type computeFlags struct {
	chunks      string
	memoryLimit string
	workers     int
	progress    bool
	noProgress  bool
	verbose     bool
	dashboard   string
	dash        *dashboard.Dashboard
	server      *dashboard.Server
	cluster     clusterFlags
	stopCluster func()
}

func (c *computeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.chunks, "chunks", "", "re-cut the inputs into chunks of this shape, such as 1000,1000 (one length: every axis; lengths apply to arrays of as many axes; default: the files' own)")
	fs.StringVar(&c.memoryLimit, "memory-limit", "", "bound the memory the computation holds, such as 1GB (default: half the machine's)")
	fs.IntVar(&c.workers, "workers", 0, "goroutines running tasks (default: all cores)")
	fs.BoolVar(&c.progress, "progress", false, "draw a progress bar on standard error")
	fs.BoolVar(&c.noProgress, "no-progress", false, "never draw a progress bar (default: draw one when standard error is a terminal)")
	fs.BoolVar(&c.verbose, "v", false, "print the elapsed time, task count and peak memory at the end")
	fs.StringVar(&c.dashboard, "dashboard", "", "serve a live dashboard of the computation at this address, such as 127.0.0.1:8787 (loopback unless told otherwise); it stays up after the result until Ctrl-C")
	c.cluster.register(fs)
}

func (c *computeFlags) chunkSpec() (darray.ChunkSpec, error) {
	if c.chunks == "auto" {
		return darray.AutoChunks(0), nil
	}
	sizes, err := c.chunkLengths()
	if err != nil || sizes == nil {
		return darray.ChunkSpec{}, err
	}
	return darray.ChunkSize(sizes...), nil
}

// chunkLengths are the block lengths --chunks gives (nil for none or "auto").
func (c *computeFlags) chunkLengths() ([]int, error) {
	if c.chunks == "" || c.chunks == "auto" {
		return nil, nil
	}
	var sizes []int
	for _, p := range strings.Split(c.chunks, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n == 0 || n < -1 {
			return nil, usagef("--chunks %q: want lengths such as 1000,1000 (-1 for a whole axis)", c.chunks)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

func (c *computeFlags) options(ctx context.Context, stderr io.Writer, st *sched.Stats) (_ []darray.ComputeOption, err error) {
	defer func() {
		if err != nil { // a cluster or dashboard started before the error stops again
			c.release()
		}
	}()
	opts := []darray.ComputeOption{darray.WithStats(st)}
	ownDashboard := c.dashboard
	if c.cluster.local > 0 { // the local cluster's own dashboard, at the address asked for
		c.cluster.dashboard, ownDashboard = c.dashboard, ""
	}
	exec, stop, err := c.cluster.executor(ctx, stderr)
	if err != nil {
		return nil, err
	}
	c.stopCluster = stop
	if exec != nil {
		opts = append(opts, darray.WithExecutor(exec))
	}
	if c.memoryLimit != "" {
		n, err := sched.ParseBytes(c.memoryLimit)
		if err != nil {
			return nil, usageError{err}
		}
		opts = append(opts, darray.MemoryLimit(n))
	}
	if c.workers < 0 {
		return nil, usagef("--workers must be positive")
	}
	if c.workers > 0 {
		opts = append(opts, darray.Workers(c.workers))
	}
	if ownDashboard != "" {
		if c.server == nil { // one dashboard for all the command's computations
			c.dash = dashboard.New()
			srv, err := c.dash.Serve(ownDashboard)
			if err != nil {
				return nil, usageError{err}
			}
			c.server = srv
			fmt.Fprintf(stderr, "dashboard: %s\n", srv.URL)
		}
		opts = append(opts, darray.WithObserver(c.dash))
	}
	switch {
	case c.progress:
		opts = append(opts, darray.WithProgress(sched.NewBar(stderr)))
	case !c.noProgress && isTerminal(stderr):
		bar := sched.NewBar(stderr)
		bar.Delay = time.Second // only for computations longer than a second
		opts = append(opts, darray.WithProgress(bar))
	}
	return opts, nil
}

func (c *computeFlags) report(stderr io.Writer, start time.Time, st *sched.Stats) {
	if c.dashboard == "" { // a dashboard lingers (see linger)
		c.release()
	}
	if c.verbose {
		where := ""
		if c.cluster.local > 0 || c.cluster.url != "" {
			where = " in results on the workers"
		}
		fmt.Fprintf(stderr, "elapsed %s, %d tasks, peak memory held%s %s, spilled %s\n",
			formatDuration(time.Since(start)), st.Tasks, where, darray.FormatBytes(st.PeakBytes), darray.FormatBytes(st.SpilledBytes))
	}
}

// linger keeps the dashboard --dashboard asked for up once the command's work is done,
// until Ctrl-C or SIGTERM: as dask's lives as long as its client, whoever opens the
// printed address then finds the finished computation. Then it stops the dashboard and
// the cluster serving it. Commands defer it.
func (c *computeFlags) linger(ctx context.Context, stderr io.Writer) {
	started := c.server != nil || c.cluster.local > 0 && c.stopCluster != nil
	if c.dashboard != "" && started && ctx.Err() == nil {
		fmt.Fprintln(stderr, "dashboard: still up, showing the finished computation; press Ctrl-C to stop")
		<-ctx.Done()
	}
	c.release()
}

// release stops the dashboard and the cluster the options started, once.
func (c *computeFlags) release() {
	if c.server != nil {
		c.server.Close()
		c.server = nil
	}
	if c.stopCluster != nil {
		c.stopCluster()
		c.stopCluster = nil
	}
}

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("eval", "[flags] EXPR", "Evaluates NumPy-syntax statements over named inputs; the last one's value is the result.\nExample: darray eval -i x=data.npy -i y=store.zarr/y \"z = x - y; z[::2].std(axis=0)\"", stderr)
	var inputs listFlag
	fs.Var(&inputs, "i", "an input NAME=PATH: a .npy file, a Zarr store or store/array, FILE.h5:/dataset, FILE.nc:variable, or any of them at an s3://, gs://, az:// or https:// URL; repeatable")
	out := fs.String("o", "", "store the result: OUT.npy, OUT.zarr[/array] or OUT.h5:/dataset (added to an existing file)")
	var hf hdf5Flags
	hf.register(fs)
	var cf computeFlags
	cf.register(fs)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	defer cf.linger(ctx, stderr)
	if len(rest) != 1 {
		return usagef("want one expression (quote it), got %d arguments", len(rest))
	}
	result, err := evaluate(rest[0], inputs, &cf)
	if err != nil {
		return err
	}
	return emit(ctx, result, *out, output{compressor: "zstd", zarrVersion: 2, hdf5: hf}, &cf, stdout, stderr)
}

func evaluate(src string, inputs []string, cf *computeFlags) (any, error) {
	chunks, err := cf.chunkSpec()
	if err != nil {
		return nil, err
	}
	lengths, _ := cf.chunkLengths() // (checked by chunkSpec)
	named := map[string]any{}
	for _, in := range inputs {
		name, path, ok := strings.Cut(in, "=")
		if !ok || name == "" || path == "" {
			return nil, usagef("-i %q: want NAME=PATH", in)
		}
		if text, ok, err := openText(path); ok || err != nil {
			if err != nil {
				return nil, err
			}
			named[name] = text
			continue
		}
		// Lengths for several axes apply to the inputs of that many axes only.
		spec := chunks
		if len(lengths) > 1 {
			spec = darray.ChunkSpec{}
		}
		a, err := openInput(path, spec)
		if err != nil {
			return nil, err
		}
		if len(lengths) > 1 && a.NDim() == len(lengths) {
			a = a.Rechunk(chunks)
		}
		named[name] = a
	}
	stmts, err := parseProgram(src)
	if err != nil {
		return nil, usageError{err}
	}
	e := newEvaluator(src, named)
	e.chunks = lengths
	v, err := e.run(stmts)
	if err != nil {
		var ee *EvalError
		if errors.As(err, &ee) && strings.HasPrefix(ee.Msg, "unknown name") {
			return nil, usageError{err}
		}
		return nil, err
	}
	return v, nil
}

// emit prints the result or stores it.
func emit(ctx context.Context, v any, out string, o output, cf *computeFlags, stdout, stderr io.Writer) error {
	if items, ok := v.([]any); ok && out == "" && slices.ContainsFunc(items, isArray) {
		return emitTuple(ctx, items, cf, stdout, stderr)
	}
	a, ok := v.(*darray.Array)
	if !ok {
		if out != "" {
			return fmt.Errorf("the result is %s, not an array of numbers: nothing darray stores", describe(v))
		}
		fmt.Fprintln(stdout, formatValue(v))
		return nil
	}
	return cf.computing(ctx, stderr, func(opts []darray.ComputeOption) error {
		// A selection's block lengths are known only once computed (nonzero, x[mask]):
		// storing and the printed edges need them.
		a, err := a.ComputeChunkSizes(ctx, opts...)
		if err != nil {
			return err
		}
		if out != "" {
			return writeArray(ctx, a, out, o, opts)
		}
		edges, long := printed(a)
		res, err := edges.Compute(ctx, opts...)
		if err != nil {
			return err
		}
		text, err := nd.FormatEdges(res, long)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, text)
		return nil
	})
}

// printed is the part of a that NumPy prints: all of it, or, past NumPy's threshold of
// printLimit elements, the first and last three along every axis longer than six, the
// rest elided with "..." (long marks those axes). Only that part is computed.
func printed(a *darray.Array) (*darray.Array, []bool) {
	long := make([]bool, a.NDim())
	if a.Size() <= printLimit {
		return a, long
	}
	for d, n := range a.Shape() {
		if n <= 6 {
			continue
		}
		long[d] = true
		pos, _ := nd.FromSlice([]int64{0, 1, 2, int64(n - 3), int64(n - 2), int64(n - 1)})
		idx := make([]nd.Index, d+1)
		for k := range d {
			idx[k] = nd.Whole()
		}
		idx[d] = nd.Take(pos)
		a = a.IndexWith(idx...)
	}
	return a, long
}

// computing runs work with the compute options the flags give, then reports time, tasks
// and memory as the flags ask.
func (cf *computeFlags) computing(ctx context.Context, stderr io.Writer, work func(opts []darray.ComputeOption) error) error {
	var st sched.Stats
	opts, err := cf.options(ctx, stderr, &st)
	if err != nil {
		return err
	}
	defer cf.report(stderr, time.Now(), &st)
	return work(opts)
}

func isArray(v any) bool { _, ok := v.(*darray.Array); return ok }

// emitTuple computes the arrays of a tuple together (shared work done once, as
// dask.compute does) and prints the tuple.
func emitTuple(ctx context.Context, items []any, cf *computeFlags, stdout, stderr io.Writer) error {
	var arrays []*darray.Array
	var longs [][]bool
	for _, it := range items {
		if a, ok := it.(*darray.Array); ok {
			edges, long := printed(a)
			arrays, longs = append(arrays, edges), append(longs, long)
		}
	}
	var res []*nd.Array
	err := cf.computing(ctx, stderr, func(opts []darray.ComputeOption) (err error) {
		res, err = darray.Compute(ctx, arrays, opts...)
		return err
	})
	if err != nil {
		return err
	}
	parts := make([]string, len(items))
	next := 0
	for i, it := range items {
		if isArray(it) {
			if parts[i], err = nd.FormatEdges(res[next], longs[next]); err != nil {
				return err
			}
			next++
		} else {
			parts[i] = formatValue(it)
		}
	}
	if len(parts) == 1 {
		fmt.Fprintf(stdout, "(%s,)\n", parts[0])
		return nil
	}
	fmt.Fprintf(stdout, "(%s)\n", strings.Join(parts, ", "))
	return nil
}

// output says how to store a result.
type output struct {
	compressor  string // Zarr
	zarrVersion int
	hdf5        hdf5Flags
}

// hdf5Flags are the choices of an HDF5 output: a dataset that can grow, or growing one.
type hdf5Flags struct {
	growable bool
	append   string // an axis, or "" for a new dataset
}

func (h *hdf5Flags) register(fs *flag.FlagSet) {
	fs.BoolVar(&h.growable, "growable", false, "HDF5 output: make the dataset able to grow along every axis (h5py's maxshape=None), for --append")
	fs.StringVar(&h.append, "append", "", "HDF5 output: grow the existing dataset along `AXIS` by the result (h5py's resize), instead of adding a new one")
}

// writeArray stores a at dst: FILE.npy, FILE.h5:/dataset or STORE.zarr[/array].
func writeArray(ctx context.Context, a *darray.Array, dst string, o output, opts []darray.ComputeOption) error {
	compressor, zarrVersion := o.compressor, o.zarrVersion
	if o.hdf5 != (hdf5Flags{}) && !isHDF5(dst) {
		return usagef("%s: --append and --growable are for HDF5 outputs (FILE.h5:/dataset)", dst)
	}
	root, inner := splitStore(dst)
	switch {
	case store.IsURL(dst):
		root, inner = splitURLStore(dst)
		if !strings.HasSuffix(strings.ToLower(root), ".zarr") {
			return usagef("%s: darray writes Zarr stores to object storage (URL.zarr[/array]); .npy and HDF5 outputs are local files", dst)
		}
	case strings.HasSuffix(strings.ToLower(dst), ".npy"):
		return darray.ToNPY(ctx, a, dst, opts...)
	case isHDF5(dst):
		file, dataset, ok := strings.Cut(dst, ":")
		if !ok || dataset == "" {
			return usagef("%s: name the dataset as FILE.h5:/path/to/dataset", dst)
		}
		if o.hdf5.append != "" {
			axis, err := strconv.Atoi(o.hdf5.append)
			if err != nil {
				return usagef("--append %q: want an axis number", o.hdf5.append)
			}
			return darray.AppendHDF5(ctx, a, file, dataset, axis, opts...)
		}
		ho := darray.HDF5Options{Gzip: 4, Shuffle: true}
		if o.hdf5.growable {
			ho.MaxShape = slices.Repeat([]int{-1}, a.NDim())
		}
		return darray.ToHDF5(ctx, a, file, dataset, ho, opts...)
	}
	if !strings.HasSuffix(strings.ToLower(root), ".zarr") {
		return usagef("%s: want a .npy file, a .zarr store or FILE.h5:/dataset", dst)
	}
	if inner == "" {
		inner = "data"
	}
	if compressor == "none" {
		compressor = ""
	}
	return darray.ToZarr(ctx, a, root, inner, darray.ZarrOptions{Compressor: compressor, Version: zarrVersion}, opts...)
}

func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case []any:
		parts := make([]string, len(x))
		for i, it := range x {
			parts[i] = formatValue(it)
		}
		if len(x) == 1 {
			return "(" + parts[0] + ",)"
		}
		return "(" + strings.Join(parts, ", ") + ")"
	case complex128:
		return strings.Trim(strconv.FormatComplex(x, 'g', -1, 128), "()")
	case float64:
		switch { // as Python prints them
		case math.IsNaN(x):
			return "nan"
		case math.IsInf(x, 1):
			return "inf"
		case math.IsInf(x, -1):
			return "-inf"
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

func runGraph(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("graph", "[flags] -o FILE EXPR", "Draws the optimized task graph of an expression (one node per layer when it has many tasks).", stderr)
	var inputs listFlag
	fs.Var(&inputs, "i", "an input NAME=PATH, as for eval; repeatable")
	out := fs.String("o", "", "the picture: FILE.dot, FILE.svg or FILE.png (SVG and PNG need Graphviz)")
	var cf computeFlags // drawing computes nothing: only --chunks applies
	fs.StringVar(&cf.chunks, "chunks", "", "re-cut the inputs into chunks of this shape, such as 1000,1000")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 || *out == "" {
		return usagef("want -o FILE and one expression")
	}
	v, err := evaluate(rest[0], inputs, &cf)
	if err != nil {
		return err
	}
	a, ok := v.(*darray.Array)
	if !ok {
		return fmt.Errorf("the expression gives %s, which has no task graph", describe(v))
	}
	if err := darray.Visualize(*out, a); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", *out)
	return nil
}

func runConvert(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("convert", "[flags] SRC DST", "Copies an array between formats (.npy, Zarr, HDF5 as FILE.h5:/dataset), re-cut into --chunks, in bounded memory.", stderr)
	compressor := fs.String("compressor", "zstd", "Zarr output: blosc, zstd, zlib, gzip, lz4 or none")
	version := fs.Int("zarr-version", 2, "Zarr output: format version 2 or 3")
	var hf hdf5Flags
	hf.register(fs)
	var cf computeFlags
	cf.register(fs)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	defer cf.linger(ctx, stderr)
	if len(rest) != 2 {
		return usagef("want SRC and DST")
	}
	chunks, err := cf.chunkSpec()
	if err != nil {
		return err
	}
	src, err := openInput(rest[0], darray.ChunkSpec{})
	if err != nil {
		return err
	}
	if !chunks.IsDefault() {
		src = src.Rechunk(chunks)
	}
	dst := rest[1]
	err = cf.computing(ctx, stderr, func(opts []darray.ComputeOption) error {
		return writeArray(ctx, src, dst, output{compressor: *compressor, zarrVersion: *version, hdf5: hf}, opts)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%s %v, chunks %v)\n", dst, nd.ShapeString(src.Shape()), src.DType(), chunkShape(src))
	return nil
}

func chunkShape(a *darray.Array) []int {
	out := make([]int, a.NDim())
	for d, c := range a.Chunks() {
		for _, n := range c {
			out[d] = max(out[d], n)
		}
	}
	return out
}

func runInfo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("info", "PATH", "Shows the arrays in a .npy file, a Zarr store, an HDF5 or a netCDF file.", stderr)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("want one PATH")
	}
	path := rest[0]
	stdout = printableWriter{stdout}
	if store.IsURL(path) {
		switch {
		case strings.HasSuffix(strings.ToLower(path), ".npy"):
			return infoNPY(path, stdout)
		case netcdf3.Is(path):
			return infoNetCDF3(path, stdout)
		case hdf5.Is(path):
			return infoHDF5(path, stdout)
		}
		return infoZarr(path, stdout)
	}
	if _, err := os.Stat(path); err != nil {
		return err
	}
	switch {
	case strings.HasSuffix(strings.ToLower(path), ".npy"):
		return infoNPY(path, stdout)
	case isZarr(path):
		return infoZarr(path, stdout)
	case isNetCDF3(path):
		return infoNetCDF3(path, stdout)
	case isHDF5(path):
		return infoHDF5(path, stdout)
	}
	return fmt.Errorf("%s: unknown format (darray reads .npy files, Zarr stores, HDF5 and netCDF files)", path)
}

// fileSize is the size of the file at path (or URL), 0 when it cannot be told.
func fileSize(path string) int64 {
	f, err := store.OpenFile(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	return f.Size()
}

func infoNPY(path string, w io.Writer) error {
	f, err := store.OpenFile(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h, err := npy.ReadHeader(io.NewSectionReader(f, 0, f.Size()))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	order := "C"
	if h.FortranOrder {
		order = "F"
	}
	endian := "little-endian"
	if h.BigEndian {
		endian = "big-endian"
	}
	fmt.Fprintf(w, "%s: NumPy .npy, shape %s, %v (%s), order %s, %s in memory, %s on disk\n",
		path, nd.ShapeString(h.Shape), h.DType, endian, order, darray.FormatBytes(h.DataSize()), darray.FormatBytes(f.Size()))
	return nil
}

func infoZarr(path string, w io.Writer) error {
	kv, err := store.Open(path)
	if err != nil {
		return err
	}
	if _, err := kv.Get("zarr.json"); err == nil {
		return infoZarr3(path, kv, w)
	}
	nodes, err := zarr.List(kv)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	fmt.Fprintf(w, "%s: Zarr v2 store\n", path)
	for _, n := range nodes {
		indent := strings.Repeat("  ", strings.Count(n.Path, "/")+1)
		name := printable(n.Path)
		if name == "" {
			name = "/"
		}
		if n.Group {
			fmt.Fprintf(w, "%s%s (group)%s\n", indent, name, attrs(n.Attrs))
			continue
		}
		if n.Err != nil {
			fmt.Fprintf(w, "%s%s: not readable: %s\n", indent, name, printable(n.Err.Error()))
			continue
		}
		m := n.Meta
		dt, _ := nd.ParseDType(m.DType)
		comp := "none"
		if len(m.Compressor) > 0 && string(m.Compressor) != "null" {
			var compact bytes.Buffer
			json.Compact(&compact, m.Compressor)
			comp = compact.String()
		}
		mem := int64(dt.Size())
		for _, s := range m.Shape {
			mem *= int64(s)
		}
		fmt.Fprintf(w, "%s%s: shape %s, %s, chunks %s, order %s, compressor %s, %s in memory%s%s\n",
			indent, name, nd.ShapeString(m.Shape), m.DType, nd.ShapeString(m.Chunks), m.Order, comp,
			darray.FormatBytes(mem), onDisk(path, n.Path), attrs(n.Attrs))
	}
	return nil
}

func infoZarr3(path string, kv store.KV, w io.Writer) error {
	fmt.Fprintf(w, "%s: Zarr v3 store\n", path)
	keys, err := kv.List("")
	if err != nil {
		return err
	}
	for _, k := range keys {
		if filepath.Base(k) != "zarr.json" {
			continue
		}
		arrPath := strings.TrimSuffix(strings.TrimSuffix(k, "zarr.json"), "/")
		z, err := zarr.OpenV3(kv, arrPath)
		if err != nil {
			continue // a group
		}
		codecs := make([]string, len(z.Meta.Codecs))
		for i, c := range z.Meta.Codecs {
			codecs[i] = c.Name
		}
		mem := int64(z.DType().Size())
		for _, s := range z.Meta.Shape {
			mem *= int64(s)
		}
		fmt.Fprintf(w, "  %s: shape %s, %v, stored chunks %s, codecs %s, %s in memory%s\n", arrPath,
			nd.ShapeString(z.Meta.Shape), z.DType(), nd.ShapeString(z.StoredChunks()), strings.Join(codecs, "+"),
			darray.FormatBytes(mem), onDisk(path, arrPath))
	}
	return nil
}

func attrs(a map[string]any) string {
	if len(a) == 0 {
		return ""
	}
	return printable(fmt.Sprintf(", attributes %v", a))
}

// printable escapes what a terminal would act on in text from a file (control
// characters, line breaks, invalid UTF-8), so that info shows a hostile file's names and
// attributes rather than obeying them.
func printable(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unicode.IsPrint(r):
			b.WriteString(s[i : i+n])
		default:
			b.WriteString(strings.Trim(strconv.QuoteRune(r), "'"))
		}
		i += n
	}
	return b.String()
}

// printableWriter passes lines on with whatever is not printable in them escaped.
type printableWriter struct{ w io.Writer }

func (p printableWriter) Write(b []byte) (int, error) {
	lines := strings.Split(string(b), "\n")
	for i := range lines {
		lines[i] = printable(lines[i])
	}
	if _, err := io.WriteString(p.w, strings.Join(lines, "\n")); err != nil {
		return 0, err
	}
	return len(b), nil
}

func diskSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

func infoHDF5(path string, w io.Writer) error {
	f, err := hdf5.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	nodes, err := f.Walk()
	if err != nil {
		return err
	}
	size := fileSize(path)
	dims := netcdf4Dims(nodes)
	kind := "HDF5"
	if len(dims) > 0 {
		kind = "netCDF-4 (HDF5)"
	}
	fmt.Fprintf(w, "%s: %s, %s on disk\n", path, kind, darray.FormatBytes(size))
	for _, n := range nodes {
		if len(dims) > 0 { // the library's bookkeeping stays out of the listing
			if name, ok := n.Attrs["NAME"].(string); ok && strings.HasPrefix(name, "This is a netCDF dimension but not a netCDF variable") {
				length := "" // (an unlimited dimension's scale stays empty: its variables say its length)
				if l := datasetLen(n); l > 0 {
					length = fmt.Sprintf(", length %d", l)
				}
				fmt.Fprintf(w, "%s/%s (dimension%s)\n", strings.Repeat("  ", strings.Count(n.Path, "/")+1), printable(n.Path), length)
				continue
			}
			for k := range n.Attrs {
				if netcdfInternal[k] {
					delete(n.Attrs, k)
				}
			}
		}
		indent := strings.Repeat("  ", strings.Count(n.Path, "/")+1)
		name := printable("/" + n.Path)
		if n.Err != nil && n.Dataset != nil && n.Dataset.IsText() {
			if txt, err := f.ReadText(n.Path); err == nil {
				if d, ok := dims[n.Path]; ok {
					name += "(" + printable(strings.Join(d, ", ")) + ")"
				}
				fmt.Fprintf(w, "%s%s: shape %s, text, values %s%s\n", indent, name, nd.ShapeString(txt.Shape), printable(txt.Preview(8)), attrs(n.Attrs))
				continue
			}
		}
		if n.Err != nil {
			fmt.Fprintf(w, "%s%s: not readable: %v\n", indent, name, n.Err)
			continue
		}
		if n.Datatype {
			fmt.Fprintf(w, "%s%s (committed datatype)\n", indent, name)
			continue
		}
		if n.Dataset == nil {
			fmt.Fprintf(w, "%s%s (group)%s\n", indent, name, attrs(n.Attrs))
			continue
		}
		ds := n.Dataset
		filters := make([]string, len(ds.Filters))
		for i, fl := range ds.Filters {
			filters[i] = fl.String()
		}
		layout := ds.Layout
		if ds.Chunks != nil {
			layout = "chunks " + nd.ShapeString(ds.Chunks)
		}
		mem := int64(ds.DType.Size())
		for _, s := range ds.Shape {
			mem *= int64(s)
		}
		if d, ok := dims[n.Path]; ok {
			name += "(" + printable(strings.Join(d, ", ")) + ")"
		}
		fmt.Fprintf(w, "%s%s: shape %s, %v, %s, filters [%s], %s in memory%s\n", indent, name, nd.ShapeString(ds.Shape), ds.DType,
			layout, strings.Join(filters, " "), darray.FormatBytes(mem), attrs(n.Attrs))
	}
	return nil
}

// infoNetCDF3 lists a netCDF-3 file's dimensions, attributes and variables.
func infoNetCDF3(path string, w io.Writer) error {
	nc, err := netcdf3.Open(path)
	if err != nil {
		return err
	}
	size := fileSize(path)
	format := map[int]string{1: "classic", 2: "64-bit offset", 5: "64-bit data (CDF-5)"}[nc.Version]
	fmt.Fprintf(w, "%s: netCDF-3 %s, %s on disk%s\n", path, format, darray.FormatBytes(size), attrs(nc.Attrs))
	dims := make([]string, len(nc.Dims))
	for i, d := range nc.Dims {
		dims[i] = fmt.Sprintf("%s = %d", d.Name, d.Len)
		if d.Unlimited {
			dims[i] += " (unlimited)"
		}
	}
	fmt.Fprintf(w, "  dimensions: %s\n", printable(strings.Join(dims, ", ")))
	for _, v := range nc.Vars {
		mem := int64(max(v.DType.Size(), 1))
		for _, s := range v.Shape {
			mem *= int64(s)
		}
		values := ""
		if v.DType == 0 {
			if txt, err := nc.ReadText(v); err == nil {
				values = ", values " + txt.Preview(8)
			}
		}
		fmt.Fprintf(w, "  %s(%s): shape %s, %s, %s in memory%s%s\n", printable(v.Name), printable(strings.Join(v.DimNames, ", ")),
			nd.ShapeString(v.Shape), v.TypeName, darray.FormatBytes(mem), printable(values), attrs(v.Attrs))
	}
	return nil
}

// netcdf4Dims names the dimensions of a netCDF-4 file's variables: dimension scales carry
// _Netcdf4Dimid, variables _Netcdf4Coordinates (their dimensions' ids).
func netcdf4Dims(nodes []hdf5.Node) map[string][]string {
	byID := map[int]string{}
	for _, n := range nodes {
		if id, ok := n.Attrs["_Netcdf4Dimid"]; ok {
			if ids := attrInts(id); len(ids) == 1 {
				byID[ids[0]] = n.Path[strings.LastIndexByte(n.Path, '/')+1:]
			}
		}
	}
	out := map[string][]string{}
	for _, n := range nodes {
		ids := attrInts(n.Attrs["_Netcdf4Coordinates"])
		if len(ids) == 0 {
			if _, isScale := n.Attrs["_Netcdf4Dimid"]; isScale && n.Dataset != nil && len(n.Dataset.Shape) == 1 {
				out[n.Path] = []string{n.Path[strings.LastIndexByte(n.Path, '/')+1:]}
			}
			continue
		}
		var names []string
		for _, id := range ids {
			name, ok := byID[id]
			if !ok {
				name = fmt.Sprintf("dim%d", id)
			}
			names = append(names, name)
		}
		out[n.Path] = names
	}
	return out
}

func attrInts(v any) []int {
	switch v := v.(type) {
	case complex128:
		return []int{int(real(v))}
	case *nd.Array:
		var out []int
		for _, x := range nd.Values[int64](v) {
			out = append(out, int(x))
		}
		return out
	}
	return nil
}

// netcdfInternal are the attributes the netCDF-4 library keeps for itself.
var netcdfInternal = map[string]bool{"_Netcdf4Coordinates": true, "_Netcdf4Dimid": true, "CLASS": true, "NAME": true,
	"DIMENSION_LIST": true, "REFERENCE_LIST": true, "_NCProperties": true}

func datasetLen(n hdf5.Node) int {
	if n.Dataset != nil && len(n.Dataset.Shape) == 1 {
		return n.Dataset.Shape[0]
	}
	return 0
}

// onDisk is ", SIZE on disk" for an array of a directory store (a web server's stores
// cannot be measured without reading them).
func onDisk(location, array string) string {
	if store.IsURL(location) {
		return ""
	}
	return ", " + darray.FormatBytes(diskSize(filepath.Join(location, array))) + " on disk"
}
