package darray_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/npy"
	"github.com/darray-go/darray/store"
)

var zarrCases = func() []string {
	cases := []string{"zlib_c", "gzip_f", "zstd_missing", "lz4_i4", "raw_bool", "zlib_c8_nested", "u2_single_chunk", "blosc_i2_default"}
	for _, cname := range []string{"lz4", "zstd", "zlib", "blosclz"} {
		for shuffle := range 3 {
			cases = append(cases, fmt.Sprintf("blosc_%s_%d", cname, shuffle))
		}
	}
	return cases
}()

// TestReadsZarrPythonArrays reads what zarr-python wrote (tools/golden/zarr_golden.py):
// every codec, C and F order, big-endian, missing chunks, nested keys; under the file's
// chunks, random chunks and selections.
func TestReadsZarrPythonArrays(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for _, name := range zarrCases {
		want, err := npy.ReadFile(filepath.Join("testdata", "zarr", name+".npy"))
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join("testdata", "zarr", name+".zarr")
		sameArray(t, name, compute(t, darray.FromZarr(dir, "data", darray.ChunkSpec{})), want, 0)
		x := darray.FromZarr(dir, "data", randomChunks(rng, want.Shape()))
		sel := strings.Repeat("::-2, ", want.NDim()-1) + "1:"
		sameArray(t, name+"["+sel+"]", compute(t, x.Index(sel)), must(want.IndexString(sel)), 0)
	}
}

func TestZarrRoundTripAndResume(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(33, 34))
	for i, comp := range []string{"", "zlib", "gzip", "zstd", "lz4", "blosc"} {
		dir := t.TempDir()
		shape := []int{5 + rng.IntN(30), 5 + rng.IntN(30)}
		x := darray.NewRNG(uint64(i)).Normal(0, 1, shape, randomChunks(rng, shape))
		want := compute(t, x)
		zo := darray.ZarrOptions{Chunks: []int{4 + i, 7}, Compressor: comp, Order: []string{"C", "F"}[i%2]}
		if err := darray.ToZarr(ctx, x, dir, "a/b", zo); err != nil {
			t.Fatal(err)
		}
		sameArray(t, comp, compute(t, darray.FromZarr(dir, "a/b", darray.ChunkSpec{})), want, 0)
		// Resume: delete two chunks; only they are computed and written again.
		kv := store.Dir{Root: dir}
		keys, _ := kv.List("a/b/")
		var chunks []string
		for _, k := range keys {
			if !strings.HasSuffix(k, ".zarray") {
				chunks = append(chunks, k)
			}
		}
		kv.Delete(chunks[0])
		kv.Delete(chunks[len(chunks)-1])
		zo.Resume = true
		if err := darray.ToZarr(ctx, x, dir, "a/b", zo); err != nil {
			t.Fatal(err)
		}
		after, _ := kv.List("a/b/")
		if len(after) != len(keys) {
			t.Errorf("resume left %d keys, want %d", len(after), len(keys))
		}
		sameArray(t, comp+" resumed", compute(t, darray.FromZarr(dir, "a/b", darray.ChunkSpec{})), want, 0)
	}
}

// TestZarrPythonReadsWhatWeWrite checks with zarr-python where it is installed.
func TestZarrPythonReadsWhatWeWrite(t *testing.T) {
	py := "/usr/bin/python3"
	if exec.Command(py, "-c", "import zarr").Run() != nil {
		t.Skip("zarr-python not installed (apt-get install python3-zarr); skipping the read-back check")
	}
	dir := t.TempDir()
	x := darray.Arange(0, 300, 1, nd.Int32, darray.ChunkSize(7)).Add(darray.Zeros([]int{4, 300}, nd.Int32, darray.ChunkSize(3, 50)))
	for _, comp := range []string{"zstd", "lz4", "zlib", "blosc"} {
		if err := darray.ToZarr(context.Background(), x, dir, comp, darray.ZarrOptions{Chunks: []int{3, 64}, Compressor: comp}); err != nil {
			t.Fatal(err)
		}
	}
	script := `import sys, zarr, numpy as np
root = zarr.open_group(sys.argv[1], mode="r")
for name in ("zstd", "lz4", "zlib", "blosc"):
    a = root[name][...]
    assert a.shape == (4, 300) and a.dtype == np.int32, (a.shape, a.dtype)
    assert (a == np.arange(300, dtype=np.int32)[None, :]).all(), name
    print(name, "ok")
`
	out, err := exec.Command(py, "-c", script, dir).CombinedOutput()
	if err != nil || strings.Count(string(out), "ok") != 4 {
		t.Fatalf("zarr-python: %v\n%s", err, out)
	}
}

func TestBadZarrChunksAreNamed(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join("testdata", "zarr", "zlib_c.zarr")
	if err := exec.Command("cp", "-r", src+"/.", dir).Run(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data", "1.1"), []byte("not zlib at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := darray.FromZarr(dir, "data", darray.ChunkSpec{}).Compute(context.Background())
	if err == nil || !strings.Contains(err.Error(), "data/1.1") || !strings.Contains(err.Error(), "zlib") {
		t.Fatalf("error %v, want one naming the chunk and the codec", err)
	}
	if err := darray.FromZarr(filepath.Join(dir, "nowhere"), "data", darray.ChunkSpec{}).Err(); err == nil {
		t.Error("a missing store gave no error")
	}
}
