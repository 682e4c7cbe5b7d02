package darray_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/internal/ndtest"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/npy"
	"github.com/darray-go/darray/store"
	"github.com/darray-go/darray/store/zarr"
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
		ndtest.Close(t, name, compute(t, darray.FromZarr(dir, "data", darray.ChunkSpec{})), want, 0)
		x := darray.FromZarr(dir, "data", randomChunks(rng, want.Shape()))
		sel := strings.Repeat("::-2, ", want.NDim()-1) + "1:"
		ndtest.Close(t, name+"["+sel+"]", compute(t, x.Index(sel)), must(want.IndexString(sel)), 0)
	}
}

func TestZarrRoundTrip(t *testing.T) {
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
		ndtest.Close(t, comp, compute(t, darray.FromZarr(dir, "a/b", darray.ChunkSpec{})), want, 0)
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

	// What peers rejected (issue 24): zstd chunks under 256 bytes (a reduction's small
	// result), complex arrays (their fill value), empty arrays; xarray finds the axes' names.
	ctx := context.Background()
	small := darray.Arange(0, 40, 1, nd.Float64, darray.ChunkSize(10)).Reshape(4, 10).Sum(darray.Axis(1))
	cplx := darray.Arange(0, 6, 1, nd.Float64, darray.ChunkSize(4)).Mul(complex(1, -2))
	empty := darray.Zeros([]int{0, 3}, nd.Int16, darray.ChunkSpec{})
	for name, a := range map[string]*darray.Array{"small": small, "cplx": cplx, "empty": empty} {
		zo := darray.ZarrOptions{Compressor: "zstd", Chunks: []int{max(a.Shape()[0], 1), 3}[:a.NDim()]}
		switch name { // names of their own: xarray puts them in one dataset
		case "small":
			zo.Chunks, zo.DimensionNames = []int{2}, []string{"row"}
		case "empty":
			zo.DimensionNames = []string{"e0", "e1"}
		}
		if err := darray.ToZarr(ctx, a, dir, "peers/"+name, zo); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ndtest.Close(t, name, compute(t, darray.FromZarr(dir, "peers/"+name, darray.ChunkSpec{})), compute(t, a), 0)
	}
	script = `import sys, zarr, numpy as np
root = zarr.open_group(sys.argv[1], mode="r")
assert (root["peers/small"][...] == np.arange(40.0).reshape(4, 10).sum(axis=1)).all()
assert (root["peers/cplx"][...] == np.arange(6.0) * (1 - 2j)).all()
assert root["peers/empty"].shape == (0, 3) and root["peers/empty"][...].dtype == np.int16
assert root["peers/small"].attrs["_ARRAY_DIMENSIONS"] == ["row"]
assert root["peers/cplx"].attrs["_ARRAY_DIMENSIONS"] == ["dim_0"]
print("zarr ok")
try:
    import xarray
except ImportError:
    sys.exit(0)
ds = xarray.open_zarr(sys.argv[1] + "/peers", consolidated=False)
assert ds["small"].dims == ("row",) and ds["empty"].dims == ("e0", "e1") and ds["cplx"].dims == ("dim_0",), ds
assert (ds["small"].values == np.arange(40.0).reshape(4, 10).sum(axis=1)).all()
print("xarray ok")
`
	out, err = exec.Command(py, "-c", script, dir).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "zarr ok") {
		t.Fatalf("zarr-python: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// TestZstdFramesRecordTheirSize: numcodecs' zstd decoder needs the frame content size,
// which the encoder left out of frames of under 256 bytes.
func TestZstdFramesRecordTheirSize(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []int{1, 7, 31, 255, 256, 4000} {
		a := darray.Arange(0, float64(n), 1, nd.Uint8, darray.ChunkSpec{})
		if err := darray.ToZarr(context.Background(), a, dir, fmt.Sprint(n), darray.ZarrOptions{Compressor: "zstd"}); err != nil {
			t.Fatal(err)
		}
		frame, err := os.ReadFile(filepath.Join(dir, fmt.Sprint(n), "0"))
		if err != nil {
			t.Fatal(err)
		}
		// Frame header descriptor: the size is there when the single-segment flag (bit 5) or
		// a content-size field (bits 6-7) is set.
		if fhd := frame[4]; fhd&0x20 == 0 && fhd>>6 == 0 {
			t.Errorf("%d bytes: zstd frame without its content size (descriptor %#x)", n, fhd)
		}
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

func TestZarr3RoundTripSharded(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(35, 36))
	for i, comp := range []string{"", "gzip", "zstd", "blosc"} {
		for _, shards := range [][]int{nil, {8, 14}} {
			dir := t.TempDir()
			shape := []int{5 + rng.IntN(30), 5 + rng.IntN(30)}
			x := darray.NewRNG(uint64(i)).Normal(0, 1, shape, randomChunks(rng, shape))
			// Part of it is fill value, so that whole inner chunks are left out of shards.
			y := darray.Where(x.Greater(1.5), x, 0.0)
			want := compute(t, y)
			zo := darray.ZarrOptions{Version: 3, Chunks: []int{4, 7}, Shards: shards, Compressor: comp}
			if err := darray.ToZarr(ctx, y, dir, "g/arr", zo); err != nil {
				t.Fatal(err)
			}
			label := fmt.Sprintf("v3 %q shards %v", comp, shards)
			ndtest.Close(t, label, compute(t, darray.FromZarr(dir, "g/arr", darray.ChunkSpec{})), want, 0)
			ndtest.Close(t, label+" strided", compute(t, darray.FromZarr(dir, "g/arr", randomChunks(rng, shape)).Index("::-3, 1::2")), must(want.IndexString("::-3, 1::2")), 0)
			kv := store.Dir{Root: dir}
			keys, _ := kv.List("g/arr/c/")
			if len(keys) == 0 {
				t.Fatalf("%s: no chunk keys under g/arr/c/", label)
			}
			if shards != nil { // a flipped byte in a shard is caught by its checksum
				raw, _ := kv.Get(keys[0])
				raw[len(raw)-6] ^= 0xff
				kv.Set(keys[0], raw)
				_, err := darray.FromZarr(dir, "g/arr", darray.ChunkSpec{}).Compute(ctx)
				if err == nil || !strings.Contains(err.Error(), "checksum") {
					t.Errorf("%s: corrupt shard gave error %v", label, err)
				}
			}
		}
	}
}

// TestReadsZarritaV3Arrays reads v3 arrays another implementation wrote
// (tools/zarrita/write_goldens.mjs): element i (in C order) is i*0.25-3 for float64 and
// (i*7919)%1000 for integers.
func TestReadsZarritaV3Arrays(t *testing.T) {
	rng := rand.New(rand.NewPCG(37, 38))
	for _, tc := range []struct {
		name  string
		dt    nd.DType
		shape []int
	}{{"plain_f8", nd.Float64, []int{13, 17}}, {"zstd_i4", nd.Int32, []int{9, 4, 6}}, {"big_u2", nd.Uint16, []int{11, 7}}} {
		n := 1
		for _, s := range tc.shape {
			n *= s
		}
		vals := make([]float64, n)
		for i := range vals {
			if tc.dt == nd.Float64 {
				vals[i] = float64(i)*0.25 - 3
			} else {
				vals[i] = float64((i * 7919) % 1000)
			}
		}
		want := must(must(nd.FromSlice(vals, tc.shape...)).AsType(tc.dt))
		x := darray.FromZarr(filepath.Join("testdata", "zarr3"), tc.name, darray.ChunkSpec{})
		ndtest.Close(t, tc.name, compute(t, x), want, 0)
		y := darray.FromZarr(filepath.Join("testdata", "zarr3"), tc.name, randomChunks(rng, tc.shape))
		ndtest.Close(t, tc.name+" reversed", compute(t, y.Index("::-1")), must(want.IndexString("::-1")), 0)
	}
}

// TestZarritaReadsOurShardedArrays runs zarrita (npm) on sharded v3 arrays darray wrote,
// where it is installed (.ci/run installs it into tools/zarrita).
func TestZarritaReadsOurShardedArrays(t *testing.T) {
	modules, _ := filepath.Abs(filepath.Join("tools", "zarrita", "node_modules", "zarrita"))
	if _, err := os.Stat(modules); err != nil {
		t.Skip("zarrita is not installed (npm install --prefix tools/zarrita zarrita@0.7.5); skipping")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed; skipping")
	}
	dir := t.TempDir()
	x := darray.Arange(0, 600, 1, nd.Float64, darray.ChunkSize(64))
	y := x.Add(darray.Zeros([]int{5, 600}, nd.Float64, darray.ChunkSize(2, 100)))
	for _, comp := range []string{"zstd", "gzip", ""} {
		zo := darray.ZarrOptions{Version: 3, Chunks: []int{2, 50}, Shards: []int{4, 200}, Compressor: comp}
		if err := darray.ToZarr(context.Background(), y, dir, "s"+comp, zo); err != nil {
			t.Fatal(err)
		}
		script, _ := filepath.Abs(filepath.Join("tools", "zarrita", "read_sum.mjs"))
		out, err := exec.Command("node", script, dir, "/s"+comp).CombinedOutput()
		if err != nil {
			t.Fatalf("zarrita on %q: %v\n%s", comp, err, out)
		}
		if want := `{"shape":[5,600],"sum":898500}`; strings.TrimSpace(string(out)) != want {
			t.Errorf("zarrita read %s from %q, want %s", out, comp, want)
		}
	}
}

// cancelAfterWrites is a progress that cancels the computation once n chunk writes are
// done, and counts the writes it saw.
type cancelAfterWrites struct {
	n      int
	cancel context.CancelFunc
	writes int
}

func (c *cancelAfterWrites) Start(int, int64) {}
func (c *cancelAfterWrites) Finish(error)     {}
func (c *cancelAfterWrites) TaskDone(t *graph.Task, _ time.Duration) {
	if t.Op != zarr.WriteOp {
		return
	}
	if c.writes++; c.writes == c.n && c.cancel != nil {
		c.cancel()
	}
}

// TestZarrOverwriteIsAtomicAndResumable: replacing an array (v2, v3, v3 sharded) with one
// of another chunking, a write interrupted after three chunks leaves the old array reading
// back exactly as before; the same write with Resume computes only the chunks still
// missing and publishes the new array whole, with none of the old array's chunks left;
// a resumed write of different metadata starts afresh instead of adopting chunks.
func TestZarrOverwriteIsAtomicAndResumable(t *testing.T) {
	for _, version := range []struct {
		v      int
		shards []int
	}{{2, nil}, {3, nil}, {3, []int{8, 10}}} {
		label := fmt.Sprintf("v%d shards %v", version.v, version.shards)
		dir := t.TempDir()
		old := darray.NewRNG(1).Normal(0, 1, []int{30, 20}, darray.ChunkSize(7))
		oldWant := compute(t, old)
		zo := darray.ZarrOptions{Version: version.v, Chunks: []int{3, 6}, Compressor: "zstd"}
		if err := darray.ToZarr(context.Background(), old, dir, "g/a", zo); err != nil {
			t.Fatal(err)
		}
		oldKeys, _ := store.Dir{Root: dir}.List("g/a/")

		fresh := darray.NewRNG(2).Uniform(0, 1, []int{30, 20}, darray.ChunkSize(9))
		want := compute(t, fresh)
		zo = darray.ZarrOptions{Version: version.v, Chunks: []int{4, 5}, Shards: version.shards, Compressor: "gzip"}
		ctx, cancel := context.WithCancel(context.Background())
		stop := &cancelAfterWrites{n: 3, cancel: cancel}
		err := darray.ToZarr(ctx, fresh, dir, "g/a", zo, darray.Synchronous(), darray.WithProgress(stop))
		cancel()
		if err == nil || !strings.Contains(err.Error(), "Resume") {
			t.Fatalf("%s: interrupted write gave %v, want an error pointing at Resume", label, err)
		}
		ndtest.Close(t, label+": old array after an interrupted overwrite", compute(t, darray.FromZarr(dir, "g/a", darray.ChunkSpec{})), oldWant, 0)

		total := 0
		count := &cancelAfterWrites{}
		zo.Resume = true
		if err := darray.ToZarr(context.Background(), fresh, dir, "g/a", zo, darray.WithProgress(count)); err != nil {
			t.Fatal(err)
		}
		ndtest.Close(t, label+": resumed", compute(t, darray.FromZarr(dir, "g/a", darray.ChunkSpec{})), want, 0)
		grid := []int{(30 + 3) / 4, 20 / 5} // of what one task writes: chunks, or shards
		if version.shards != nil {
			grid = []int{(30 + 7) / 8, 20 / 10}
		}
		total = grid[0] * grid[1]
		if count.writes != total-stop.writes {
			t.Errorf("%s: the resumed write wrote %d chunks, want %d of %d (%d were written before the interruption)",
				label, count.writes, total-stop.writes, total, stop.writes)
		}
		keys, _ := store.Dir{Root: dir}.List("g/a/")
		for _, k := range keys {
			if !strings.HasSuffix(k, ".zarray") && !strings.HasSuffix(k, ".zattrs") && !strings.HasSuffix(k, "zarr.json") && !newChunkKey(k, grid, version.v) {
				t.Errorf("%s: %s, not a chunk of the new array, is still there", label, k)
			}
		}
		metadata := 1 // zarr.json, or .zarray and .zattrs
		if version.v == 2 {
			metadata = 2
		}
		if len(keys) != total+metadata || len(oldKeys) <= total+metadata {
			t.Errorf("%s: %d keys after the overwrite (%d before), want the metadata and %d chunks", label, len(keys), len(oldKeys), total)
		}
		entries, _ := os.ReadDir(filepath.Join(dir, "g"))
		for _, e := range entries {
			if strings.Contains(e.Name(), "darray-") {
				t.Errorf("%s: %s left beside the array", label, e.Name())
			}
		}

		// A resumed write whose metadata differs from the interrupted one starts afresh.
		ctx, cancel = context.WithCancel(context.Background())
		stop = &cancelAfterWrites{n: 2, cancel: cancel}
		zo.Resume = false
		darray.ToZarr(ctx, old, dir, "g/a", zo, darray.Synchronous(), darray.WithProgress(stop))
		cancel()
		zo.Resume, zo.Compressor = true, "zstd"
		count = &cancelAfterWrites{}
		if err := darray.ToZarr(context.Background(), old, dir, "g/a", zo, darray.WithProgress(count)); err != nil {
			t.Fatal(err)
		}
		if count.writes != total {
			t.Errorf("%s: a resume with other codecs wrote %d chunks, want all %d", label, count.writes, total)
		}
		ndtest.Close(t, label+": rewritten", compute(t, darray.FromZarr(dir, "g/a", darray.ChunkSpec{})), oldWant, 0)
	}
}

// newChunkKey reports whether a key names a chunk of the new grid.
func newChunkKey(key string, grid []int, version int) bool {
	name := strings.TrimPrefix(key, "g/a/")
	sep := "."
	if version == 3 {
		name, sep = strings.TrimPrefix(name, "c/"), "/"
	}
	parts := strings.Split(name, sep)
	if len(parts) != len(grid) {
		return false
	}
	for d, p := range parts {
		i, err := strconv.Atoi(p)
		if err != nil || i < 0 || i >= grid[d] {
			return false
		}
	}
	return true
}
