package darray_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/internal/ndtest"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/npy"
	"github.com/darray-go/darray/store/hdf5"
)

// editedFiles are HDF5 files of every style the tests add datasets to: h5py's two formats
// (symbol-table groups; link-info groups with creation order and dense links), netCDF-4,
// user blocks of both formats, and darray's own.
var editedFiles = []string{"grow.h5", "grow_latest.h5", "golden.h5", "latest.h5", "netcdf4.nc", "userblock.h5", "userblock_latest.h5"}

// copyTestFile copies testdata/hdf5/name into dir.
func copyTestFile(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "hdf5", name))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// readAllHDF5 reads every dataset of a file darray reads as an array.
func readAllHDF5(t *testing.T, path string) map[string]*nd.Array {
	t.Helper()
	f, err := hdf5.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	nodes, err := f.Walk()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := map[string]*nd.Array{}
	for _, n := range nodes {
		if n.Dataset != nil && n.Err == nil {
			out[n.Path] = compute(t, darray.FromHDF5(path, n.Path, darray.ChunkSpec{}))
		}
	}
	return out
}

// sameDatasets requires every dataset of before to read the same in after.
func sameDatasets(t *testing.T, label string, before, after map[string]*nd.Array) {
	t.Helper()
	for name, want := range before {
		got, ok := after[name]
		if !ok {
			t.Fatalf("%s: dataset %s is gone", label, name)
		}
		ndtest.Close(t, label+" "+name, got, want, 0)
	}
}

// h5pyCheck has h5py read datasets of edited files, comparing them with .npy files of the
// values darray wrote, then add a dataset to each file, which darray must read. It is
// skipped without h5py, unless DARRAY_REQUIRE_H5PY is set (CI sets it).
type h5pyCheck struct {
	dir   string
	items []string // file, dataset, .npy file, ...
	files map[string]bool
}

func (c *h5pyCheck) expect(t *testing.T, file, dataset string, want *nd.Array) {
	t.Helper()
	if c.files == nil {
		c.files = map[string]bool{}
	}
	p := filepath.Join(c.dir, fmt.Sprintf("want%d.npy", len(c.items)))
	if err := npy.WriteFile(p, want); err != nil {
		t.Fatal(err)
	}
	c.items = append(c.items, file, dataset, p)
	c.files[file] = true
}

func (c *h5pyCheck) run(t *testing.T) {
	t.Helper()
	py := "/usr/bin/python3"
	if exec.Command(py, "-c", "import h5py").Run() != nil {
		if os.Getenv("DARRAY_REQUIRE_H5PY") != "" {
			t.Fatal("h5py is required (DARRAY_REQUIRE_H5PY) but not installed: apt-get install python3-h5py")
		}
		t.Skip("h5py not installed (apt-get install python3-h5py); skipping h5py's read-back")
	}
	script := `import sys, h5py, numpy as np
args = sys.argv[1:]
files = set()
for path, name, want in zip(args[0::3], args[1::3], args[2::3]):
    with h5py.File(path, "r") as f:
        a = f[name][()]
    b = np.load(want)
    assert a.dtype == b.dtype and a.shape == b.shape and (a == b).all(), (path, name, a.dtype, b.dtype, a.shape, b.shape)
    files.add(path)
for path in sorted(files):
    with h5py.File(path, "a") as f:  # the HDF5 library edits the file darray edited
        f.create_dataset("after_darray", data=np.arange(5.0))
        f.visititems(lambda n, o: None)
    print("ok", path)
`
	out, err := exec.Command(py, append([]string{"-c", script}, c.items...)...).CombinedOutput()
	if err != nil || strings.Count(string(out), "ok ") != len(c.files) {
		t.Fatalf("h5py: %v\n%s", err, out)
	}
	for file := range c.files {
		got := compute(t, darray.FromHDF5(file, "/after_darray", darray.ChunkSpec{}))
		ndtest.Close(t, file+" after h5py", got, must(nd.FromSlice([]float64{0, 1, 2, 3, 4}, 5)), 0)
	}
}

// TestToHDF5AddsToExistingFiles: ToHDF5 into a file that exists adds the dataset (in the
// root, in an existing group, in groups it creates), and every dataset the file held reads
// as before. Adding a dataset that exists is refused with the file left byte for byte.
func TestToHDF5AddsToExistingFiles(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(18, 1))
	dir := t.TempDir()
	check := &h5pyCheck{dir: dir}
	for _, name := range editedFiles {
		path := copyTestFile(t, dir, name)
		before := readAllHDF5(t, path)
		written := map[string]*nd.Array{}
		targets := []string{"/added", "/new/group/deep", "/many/extra", "/added2"}
		for i, target := range targets {
			shape := []int{1 + rng.IntN(20), 1 + rng.IntN(6)}
			x := darray.FromArray(randomData(rng, shape...), randomChunks(rng, shape))
			if i == 1 {
				x = x.AsType(nd.Int32)
			}
			opts := darray.HDF5Options{Gzip: i % 2 * 4, Shuffle: i == 3, Chunks: []int{1 + rng.IntN(shape[0]), shape[1]}}
			if i == 2 {
				opts.MaxShape = []int{-1, shape[1]}
			}
			if err := darray.ToHDF5(ctx, x, path, target, opts, darray.Workers(1+i%2)); err != nil {
				t.Fatalf("%s %s: %v", name, target, err)
			}
			written[strings.TrimPrefix(target, "/")] = compute(t, x)
		}
		after := readAllHDF5(t, path)
		sameDatasets(t, name, before, after)
		sameDatasets(t, name+" (added)", written, after)
		for target, want := range written {
			check.expect(t, path, target, want)
		}
		if len(after) != len(before)+len(written) {
			t.Errorf("%s: %d datasets after adding %d to %d", name, len(after), len(written), len(before))
		}
		// A dataset of that name exists: refused, nothing changes.
		held, _ := os.ReadFile(path)
		err := darray.ToHDF5(ctx, darray.Ones([]int{3}, nd.Float64, darray.ChunkSize(2)), path, "/added", darray.HDF5Options{})
		if !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), "/added") {
			t.Fatalf("%s: adding /added again: %v, want an error naming it", name, err)
		}
		if now, _ := os.ReadFile(path); !bytes.Equal(now, held) {
			t.Fatalf("%s: a refused write changed the file", name)
		}
	}
	check.run(t)
}

// TestAppendHDF5Grows appends to datasets h5py made to grow (every chunk index h5py uses
// for them, gzip, shuffle and fletcher32, chunks the old end cuts through) and to darray's
// own, several times along each axis that allows it, under random chunkings: each dataset
// reads as the concatenation, the others as before, and h5py agrees.
func TestAppendHDF5Grows(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(18, 2))
	dir := t.TempDir()
	check := &h5pyCheck{dir: dir}
	cases := []struct {
		dataset string
		axes    []int
	}{{"t", []int{0}}, {"f", []int{0}}, {"both", []int{0, 1, -1}}, {"empty", []int{0}}, {"many/series", []int{0}}}
	for _, name := range []string{"grow.h5", "grow_latest.h5", "mine.h5"} {
		var path string
		if name == "mine.h5" {
			path = filepath.Join(dir, name)
			x := darray.FromArray(randomData(rng, 5, 6), darray.ChunkSize(2, 4))
			for _, c := range cases {
				shape := []int{5, 6}
				if c.dataset == "f" || c.dataset == "many/series" {
					shape = []int{5}
				}
				opts := darray.HDF5Options{MaxShape: []int{-1, -1}[:len(shape)], Chunks: []int{3, 4}[:len(shape)], Gzip: 1}
				v := x
				if len(shape) == 1 {
					v = x.Index("[:, 0]")
				}
				if err := darray.ToHDF5(ctx, v, path, c.dataset, opts); err != nil {
					t.Fatal(err)
				}
			}
		} else {
			path = copyTestFile(t, dir, name)
		}
		before := readAllHDF5(t, path)
		for _, c := range cases {
			want := before[c.dataset]
			for round, axis := range append(c.axes, c.axes...) {
				shape := want.Shape()
				ax := (axis + len(shape)) % len(shape)
				shape[ax] = 1 + rng.IntN(9)
				vals, err := randomData(rng, shape...).AsType(want.DType())
				if err != nil {
					t.Fatal(err)
				}
				if err := darray.AppendHDF5(ctx, darray.FromArray(vals, randomChunks(rng, shape)), path, "/"+c.dataset, axis, darray.Workers(1+round%2)); err != nil {
					t.Fatalf("%s %s axis %d: %v", name, c.dataset, axis, err)
				}
				if want, err = nd.Concatenate([]*nd.Array{want, vals}, ax); err != nil {
					t.Fatal(err)
				}
				got := compute(t, darray.FromHDF5(path, c.dataset, darray.ChunkSpec{}))
				ndtest.Close(t, fmt.Sprintf("%s %s round %d", name, c.dataset, round), got, want, 0)
			}
			before[c.dataset] = want
			check.expect(t, path, c.dataset, want)
		}
		if _, ok := before["soft"]; ok { // a soft link to /t: it names the grown dataset
			before["soft"] = before["t"]
		}
		sameDatasets(t, name, before, readAllHDF5(t, path))
	}
	check.run(t)
}

// TestAppendHDF5Refusals: what cannot be appended is refused with the reason, and the
// file stays byte for byte.
func TestAppendHDF5Refusals(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, name := range []string{"grow.h5", "grow_latest.h5"} {
		path := copyTestFile(t, dir, name)
		held, _ := os.ReadFile(path)
		ones := func(dt nd.DType, shape ...int) *darray.Array {
			return darray.Ones(shape, dt, darray.ChunkSize(shape...))
		}
		cases := []struct {
			values  *darray.Array
			dataset string
			axis    int
			want    string
		}{
			{ones(nd.Float64, 2, 4), "/fixed", 0, "maximum shape"},
			{ones(nd.Int64, 2), "/contiguous", 0, "contiguous"},
			{ones(nd.Float64, 2), "/lzf", 0, "lzf"},
			{ones(nd.Int32, 2), "/big", 0, "big-endian"},
			{ones(nd.Float64, 2, 4), "/t", 0, "do not match"},
			{ones(nd.Float64, 7, 2), "/t", 1, "maximum shape"},
			{ones(nd.Float64, 2, 5), "/t", 2, "out of range"},
			{ones(nd.Float64, 2), "/f", 0, "without loss"},
			{ones(nd.Float64, 2), "/nothing", 0, "no dataset"},
			{ones(nd.Float64, 2), "/many", 0, "is a group"},
			{ones(nd.Float64, 2, 5), "/soft", 0, "soft or external link"},
		}
		for _, c := range cases {
			err := darray.AppendHDF5(ctx, c.values, path, c.dataset, c.axis)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), name) {
				t.Errorf("%s %s: %v, want an error naming the file and saying %q", name, c.dataset, err, c.want)
			}
			if now, _ := os.ReadFile(path); !bytes.Equal(now, held) {
				t.Fatalf("%s %s: a refused append changed the file", name, c.dataset)
			}
		}
	}
}
