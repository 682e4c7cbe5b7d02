package darray_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/internal/ndtest"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/npy"
	"github.com/darray-go/darray/store/hdf5"
)

// TestFromNPYReadsAnyWindow reads NumPy's files (every dtype, both byte orders, C and
// Fortran order) lazily under random chunkings and selections.
func TestFromNPYReadsAnyWindow(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	dir := filepath.Join("nd", "testdata", "golden", "npy")
	for _, dt := range nd.DTypes {
		for _, variant := range []string{"le_C", "be_F", "be_C", "le_F"} {
			path := filepath.Join(dir, dt.String()+"_"+variant+".npy")
			want, err := npy.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, sel := range []string{"...", "1, ::-1, 1:", ":, ::2, ::-3", "-1", "::-1, 2, None, 1:3"} {
				x := darray.FromNPY(path, randomChunks(rng, want.Shape()))
				got := compute(t, x.Index(sel))
				ndtest.Close(t, fmt.Sprintf("%s[%s]", path, sel), got, must(want.IndexString(sel)), 0)
			}
			x := darray.FromNPY(path, randomChunks(rng, want.Shape()))
			ndtest.Close(t, path+" transposed", compute(t, x.T().Index("::2")), must(want.T().IndexString("::2")), 0)
		}
	}
}

func TestToNPYRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	dir := t.TempDir()
	ctx := context.Background()
	for trial := range 5 {
		shape := []int{1 + rng.IntN(40), 1 + rng.IntN(30), 1 + rng.IntN(5)}
		x := darray.NewRNG(uint64(trial)).Normal(0, 1, shape, randomChunks(rng, shape))
		y := x.Mul(10).AsType([]nd.DType{nd.Float64, nd.Int16, nd.Float32, nd.Complex64, nd.Uint8}[trial])
		path := filepath.Join(dir, fmt.Sprintf("out%d.npy", trial))
		if err := darray.ToNPY(ctx, y, path, darray.Workers(1+trial%3)); err != nil {
			t.Fatal(err)
		}
		back, err := npy.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		ndtest.Close(t, "round trip", back, compute(t, y), 0)
		// Reading it back lazily under other chunks gives the same.
		ndtest.Close(t, "lazy read back", compute(t, darray.FromNPY(path, randomChunks(rng, shape))), back, 0)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestToNPYFailureLeavesOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keep.npy")
	old := must(nd.Arange(nd.Int64, 0, 5, 1))
	if err := npy.WriteFile(path, old); err != nil {
		t.Fatal(err)
	}
	bad := darray.Arange(0, 10, 1, nd.Int64, darray.ChunkSize(3)).Pow(darray.Arange(-5, 5, 1, nd.Int64, darray.ChunkSize(3)))
	if err := darray.ToNPY(context.Background(), bad, path); err == nil {
		t.Fatal("writing a failing computation succeeded")
	}
	back, err := npy.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ndtest.Close(t, "old file", back, old, 0)
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left behind: %v", entries)
	}
}

func TestFromRaw(t *testing.T) {
	dir := t.TempDir()
	data := must(nd.Arange(nd.Float32, 0, 60, 1))
	raw := append([]byte("HEADER--"), data.Bytes(true)...) // 8 bytes of header, big-endian data
	path := filepath.Join(dir, "data.bin")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	x := darray.FromRaw(path, nd.Float32, []int{6, 10}, 8, true, darray.ChunkSize(4, 3))
	want := must(must(data.Reshape(6, 10)).IndexString("1::2, ::-4"))
	ndtest.Close(t, "raw", compute(t, x.Index("1::2, ::-4")), want, 0)
	// A description the file is too small for is refused, naming the file.
	bad := darray.FromRaw(path, nd.Float64, []int{6, 10}, 8, false, darray.ChunkSize(4))
	if err := bad.Err(); err == nil || !strings.Contains(err.Error(), "data.bin") || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("error %v, want one naming the file and its size", err)
	}
	if err := darray.FromNPY(filepath.Join(dir, "missing.npy"), darray.ChunkSpec{}).Err(); err == nil || !strings.Contains(err.Error(), "missing.npy") {
		t.Errorf("missing file: error %v", err)
	}
}

// countingSource is a chunked source that counts its reads. The count lives outside it,
// so that the copy a graph's trip through its wire encoding makes counts too.
type countingSource struct {
	Counter int
}

var sourceReads [8]atomic.Int64

func init() { graph.RegisterType(&countingSource{}) }

func (c *countingSource) Read(w graph.Window) (*nd.Array, error) {
	sourceReads[c.Counter].Add(1)
	a, err := nd.Full(nd.Float64, 2, w.Count...)
	if err != nil {
		return nil, err
	}
	return a.Transpose(w.Perm...)
}
func (c *countingSource) Describe() string    { return "counting" }
func (c *countingSource) StoredChunks() []int { return []int{1, 1 << 20} }

// TestChunkedSourcesAreReadOncePerBlock guards against reducing blocks of a chunked source
// in slabs, which would decode every chunk once per slab.
func TestChunkedSourcesAreReadOncePerBlock(t *testing.T) {
	src := &countingSource{Counter: 1}
	shape := []int{4, 1 << 20}
	ch, _ := graph.RegularChunks(shape, []int{1, 1 << 20})
	x := darray.FromLayer(graph.NewLayer(graph.Read{Src: src}, nil, shape, nd.Float64, ch))
	m := compute(t, x.Mul(3).Mean())
	if v := nd.Values[float64](m)[0]; v != 6 {
		t.Fatalf("mean %v, want 6", v)
	}
	if n := sourceReads[1].Load(); n != 4 {
		t.Errorf("%d reads for 4 blocks", n)
	}
}

// TestFromHDF5 reads h5py's datasets lazily under random chunkings and selections.
func TestFromHDF5(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	file := filepath.Join("testdata", "hdf5", "golden.h5")
	for _, name := range []string{"contiguous_f8", "gzip_shuffle_f4", "fletcher_i2", "lzf_u1", "big_endian_i8", "group/nested/partial", "many_chunks"} {
		want, err := npy.ReadFile(filepath.Join("testdata", "hdf5", strings.ReplaceAll(name, "/", "__")+".npy"))
		if err != nil {
			t.Fatal(err)
		}
		ndtest.Close(t, name, compute(t, darray.FromHDF5(file, "/"+name, darray.ChunkSpec{})), want, 0)
		x := darray.FromHDF5(file, name, randomChunks(rng, want.Shape()))
		sel := "::-2, 1:"
		ndtest.Close(t, name+"["+sel+"]", compute(t, x.Index(sel)), must(want.IndexString(sel)), 0)
		m := compute(t, x.AsType(nd.Float64).Mean(darray.Axis(0)))
		ndtest.Close(t, name+" mean", m, must(nd.Reduce(nd.Mean, must(want.AsType(nd.Float64)), nd.ReduceArgs{Axes: []int{0}})), 1e-12)
	}
	if err := darray.FromHDF5(file, "/missing", darray.ChunkSpec{}).Err(); err == nil || !strings.Contains(err.Error(), "no dataset") {
		t.Errorf("missing dataset: %v", err)
	}
}

func TestToHDF5RoundTrip(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(43, 44))
	dir := os.Getenv("DARRAY_KEEP")
	if dir == "" {
		dir = t.TempDir()
	}
	cases := []struct {
		dt      nd.DType
		opts    darray.HDF5Options
		dataset string
	}{
		{nd.Float64, darray.HDF5Options{Chunks: []int{7, 9}}, "/x"},
		{nd.Float32, darray.HDF5Options{Chunks: []int{8, 8}, Gzip: 4, Shuffle: true}, "/g/h/y"},
		{nd.Int16, darray.HDF5Options{Gzip: 1}, "/z"},
		{nd.Uint8, darray.HDF5Options{Chunks: []int{1, 3}}, "/many"},
		{nd.Complex128, darray.HDF5Options{Chunks: []int{5, 5}, Shuffle: true}, "/c"},
		{nd.Bool, darray.HDF5Options{Chunks: []int{16, 16}, Gzip: 9}, "/b"},
	}
	for i, c := range cases {
		shape := []int{20 + rng.IntN(30), 10 + rng.IntN(40)}
		x := darray.NewRNG(uint64(i)).Normal(0, 50, shape, randomChunks(rng, shape)).AsType(c.dt)
		if c.dt == nd.Complex128 {
			x = x.Add(darray.NewRNG(99).Normal(0, 1, shape, darray.ChunkSize(13)).Mul(complex(0, 1)))
		}
		want := compute(t, x)
		path := filepath.Join(dir, fmt.Sprintf("f%d.h5", i))
		if err := darray.ToHDF5(ctx, x, path, c.dataset, c.opts, darray.Workers(1+i%3)); err != nil {
			t.Fatal(err)
		}
		got := compute(t, darray.FromHDF5(path, c.dataset, darray.ChunkSpec{}))
		ndtest.Close(t, fmt.Sprintf("%v %+v", c.dt, c.opts), got, want, 0)
		if err := npy.WriteFile(path+".npy", want); err != nil {
			t.Fatal(err)
		}
	}
	// h5py reads every file back and finds the same values, where it is installed.
	py := "/usr/bin/python3"
	if exec.Command(py, "-c", "import h5py").Run() != nil {
		t.Skip("h5py not installed (apt-get install python3-h5py); skipping the h5py read-back")
	}
	script := `import sys, h5py, numpy as np
for path, name in zip(sys.argv[1::2], sys.argv[2::2]):
    with h5py.File(path, "r") as f:
        a = f[name][()]
    b = np.load(path + ".npy")
    assert a.dtype == b.dtype and a.shape == b.shape and (a == b).all(), (path, a.dtype, b.dtype)
    print("ok", path)
`
	args := []string{"-c", script}
	for i, c := range cases {
		args = append(args, filepath.Join(dir, fmt.Sprintf("f%d.h5", i)), c.dataset)
	}
	out, err := exec.Command(py, args...).CombinedOutput()
	if err != nil || strings.Count(string(out), "ok ") != len(cases) {
		t.Fatalf("h5py: %v\n%s", err, out)
	}
}

// TestToHDF5OverwriteReplacesTheFile: without Overwrite a write adds its dataset to the
// file there (see hdf5_edit_test.go); with it the whole file is replaced.
func TestToHDF5OverwriteReplacesTheFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "data.h5")
	first := darray.Arange(0, 12, 1, nd.Float64, darray.ChunkSize(4))
	if err := darray.ToHDF5(ctx, first, path, "/first", darray.HDF5Options{}); err != nil {
		t.Fatal(err)
	}
	second := darray.Arange(0, 5, 1, nd.Int32, darray.ChunkSize(2))
	if err := darray.ToHDF5(ctx, second, path, "/second", darray.HDF5Options{}); err != nil {
		t.Fatal(err)
	}
	ndtest.Close(t, "kept", compute(t, darray.FromHDF5(path, "/first", darray.ChunkSpec{})), compute(t, first), 0)
	ndtest.Close(t, "added", compute(t, darray.FromHDF5(path, "/second", darray.ChunkSpec{})), compute(t, second), 0)
	if err := darray.ToHDF5(ctx, second, path, "/third", darray.HDF5Options{Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	got := compute(t, darray.FromHDF5(path, "/third", darray.ChunkSpec{}))
	ndtest.Close(t, "overwritten", got, compute(t, second), 0)
	if darray.FromHDF5(path, "/first", darray.ChunkSpec{}).Err() == nil {
		t.Error("the replaced file still holds /first")
	}
}

// Outputs get the usual permissions, 0666 less the umask (they were 0600 whatever the
// umask, so a group sharing a directory could not read them): .npy, Zarr and HDF5.
func TestOutputsFollowUmask(t *testing.T) {
	old := syscall.Umask(0o027)
	defer syscall.Umask(old)
	ctx := context.Background()
	dir := t.TempDir()
	x := darray.Ones([]int{6, 4}, nd.Float64, darray.ChunkSize(3, 2))
	npyPath := filepath.Join(dir, "x.npy")
	if err := darray.ToNPY(ctx, x, npyPath); err != nil {
		t.Fatal(err)
	}
	if err := darray.ToZarr(ctx, x, filepath.Join(dir, "x.zarr"), "", darray.ZarrOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := darray.ToHDF5(ctx, x, filepath.Join(dir, "x.h5"), "x", darray.HDF5Options{}); err != nil {
		t.Fatal(err)
	}
	files := []string{npyPath, filepath.Join(dir, "x.zarr", ".zarray"), filepath.Join(dir, "x.zarr", "0.0"), filepath.Join(dir, "x.h5")}
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o640 {
			t.Errorf("%s: mode %v, want 0640 under umask 027", filepath.Base(f), st.Mode().Perm())
		}
	}
}

// TestToHDF5Scalars writes 0-d arrays. HDF5 allows no chunks (and so no filters) on a
// scalar: h5py read the chunked scalars darray once wrote as zeros. The element is stored
// contiguous whatever the options say, exactly (integers past 2**53 too), and h5py reads
// the same values where it is installed.
func TestToHDF5Scalars(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	values := []*nd.Array{nd.Scalar(int64(1<<62 + 1)), nd.Scalar(-2.75), nd.Scalar(complex64(1 - 3i)), nd.Scalar(true), nd.Scalar(uint16(65535))}
	var args []string
	for i, v := range values {
		path := filepath.Join(dir, fmt.Sprintf("s%d.h5", i))
		opts := darray.HDF5Options{Gzip: 5 * (i % 2), Shuffle: i%3 == 0}
		if err := darray.ToHDF5(ctx, darray.FromArray(v, darray.ChunkSpec{}), path, "/v", opts); err != nil {
			t.Fatal(err)
		}
		f, err := hdf5.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		ds, err := f.Dataset("/v")
		f.Close()
		if err != nil || ds.Layout != "contiguous" || len(ds.Shape) != 0 || len(ds.Filters) != 0 {
			t.Fatalf("%v: stored as %+v (%v), want a contiguous scalar without filters", v, ds, err)
		}
		got := compute(t, darray.FromHDF5(path, "/v", darray.ChunkSpec{}))
		if got.DType() != v.DType() || len(got.Shape()) != 0 || got.String() != v.String() {
			t.Errorf("%v %v read back as %v %v", v.DType(), v, got.DType(), got)
		}
		args = append(args, path, v.String())
	}
	py := "/usr/bin/python3"
	if exec.Command(py, "-c", "import h5py").Run() != nil {
		t.Skip("h5py not installed (apt-get install python3-h5py); skipping the h5py read-back")
	}
	script := `import sys, h5py, numpy as np
for path, want in zip(sys.argv[1::2], sys.argv[2::2]):
    with h5py.File(path, "r") as f:
        v = f["v"][()]
    for parse in ({"True": True, "False": False}.__getitem__, int, float, complex):
        try:
            w = parse(want)
            break
        except (KeyError, ValueError):
            pass
    assert np.ndim(v) == 0 and v == w and type(v.item()) == type(w), (path, v, want)
    print("ok", path)
`
	out, err := exec.Command(py, append([]string{"-c", script}, args...)...).CombinedOutput()
	if err != nil || strings.Count(string(out), "ok ") != len(values) {
		t.Fatalf("h5py: %v\n%s", err, out)
	}
}

// TestNetCDFToolsReadWhatToHDF5Writes: netCDF4-python and xarray (netcdf4 engine) open the
// HDF5 files darray writes, nested groups included, and read the same values.
func TestNetCDFToolsReadWhatToHDF5Writes(t *testing.T) {
	py := "/usr/bin/python3"
	if exec.Command(py, "-c", "import netCDF4, xarray").Run() != nil {
		t.Skip("netCDF4-python or xarray not installed (apt-get install python3-netcdf4 python3-xarray)")
	}
	path := filepath.Join(t.TempDir(), "out.h5")
	x := darray.Arange(0, 60, 1, nd.Float32, darray.ChunkSize(7)).Reshape(6, 10).Mul(0.5)
	if err := darray.ToHDF5(context.Background(), x, path, "/g/x", darray.HDF5Options{Chunks: []int{4, 4}, Gzip: 3, Shuffle: true}); err != nil {
		t.Fatal(err)
	}
	script := `import sys, netCDF4, xarray, numpy as np
want = np.arange(60, dtype=np.float32).reshape(6, 10) * np.float32(0.5)
with netCDF4.Dataset(sys.argv[1]) as nc:
    v = nc.groups["g"].variables["x"][...]
    assert v.dtype == np.float32 and (v == want).all(), v
ds = xarray.open_dataset(sys.argv[1], group="g", engine="netcdf4")
assert (ds["x"].values == want).all()
print("ok")
`
	out, err := exec.Command(py, "-c", script, path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ok") {
		t.Fatalf("netCDF4-python/xarray: %v\n%s", err, out)
	}
}
