package darray_test

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/internal/ndtest"
	"github.com/darray-go/darray/internal/s3test"
	"github.com/darray-go/darray/npy"
	"github.com/darray-go/darray/store/netcdf3"
	"github.com/darray-go/darray/store/s3"
)

// upload copies a local file or directory tree to the bucket under prefix.
func upload(t *testing.T, local, bucket, prefix string) {
	t.Helper()
	kv := s3.Store{Bucket: bucket}
	err := filepath.WalkDir(local, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(local, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		key := prefix
		if rel != "." {
			key += "/" + filepath.ToSlash(rel)
		}
		return kv.Set(key, b)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func startS3(t *testing.T) *s3test.Server {
	srv := s3test.Start(t)
	if err := s3.CreateBucket("data"); err != nil {
		t.Fatal(err)
	}
	return srv
}

// TestZarrInObjectStorage reads Zarr stores written by zarr-python and zarrita from an S3
// server, with the values NumPy saved, under random chunkings.
func TestZarrInObjectStorage(t *testing.T) {
	startS3(t)
	rng := rand.New(rand.NewPCG(41, 42))
	for _, name := range []string{"zlib_c", "gzip_f", "zstd_missing", "zlib_c8_nested", "blosc_lz4_1", "blosc_zstd_2"} {
		upload(t, filepath.Join("testdata", "zarr", name+".zarr"), "data", "zarr/"+name+".zarr")
		want, err := npy.ReadFile(filepath.Join("testdata", "zarr", name+".npy"))
		if err != nil {
			t.Fatal(err)
		}
		url := "s3://data/zarr/" + name + ".zarr"
		ndtest.Close(t, url, compute(t, darray.FromZarr(url, "data", randomChunks(rng, want.Shape()))), want, 0)
	}
	upload(t, filepath.Join("testdata", "zarr3"), "data", "v3.zarr")
	for _, array := range []string{"zstd_i4", "big_u2"} {
		want := compute(t, darray.FromZarr(filepath.Join("testdata", "zarr3"), array, darray.ChunkSpec{}))
		got := compute(t, darray.FromZarr("s3://data/v3.zarr", array, randomChunks(rng, want.Shape())))
		ndtest.Close(t, "s3 v3 "+array, got, want, 0)
	}
	err := darray.FromZarr("s3://data/nowhere.zarr", "data", darray.ChunkSpec{}).Err()
	if err == nil || !strings.Contains(err.Error(), "s3://data/nowhere.zarr") {
		t.Errorf("a missing store: %v", err)
	}
	err = darray.FromZarr("s3://no-such-bucket/x.zarr", "data", darray.ChunkSpec{}).Err()
	if err == nil || !strings.Contains(err.Error(), `bucket "no-such-bucket" does not exist`) {
		t.Errorf("a missing bucket: %v", err)
	}
}

// TestZarrWrittenToObjectStorage writes v2, v3 and sharded arrays into a bucket and reads
// them back; the groups on the way are made, and no staging object is left.
func TestZarrWrittenToObjectStorage(t *testing.T) {
	startS3(t)
	rng := rand.New(rand.NewPCG(43, 44))
	for i, zo := range []darray.ZarrOptions{
		{Chunks: []int{7, 5}, Compressor: "zstd"},
		{Chunks: []int{4, 6}, Compressor: "blosc", Order: "F"},
		{Version: 3, Chunks: []int{5, 5}, Compressor: "gzip"},
		{Version: 3, Chunks: []int{3, 4}, Shards: []int{6, 8}, Compressor: "zstd"},
	} {
		shape := []int{10 + rng.IntN(20), 10 + rng.IntN(20)}
		x := darray.NewRNG(uint64(i)).Normal(0, 1, shape, randomChunks(rng, shape))
		want := compute(t, x)
		if err := darray.ToZarr(context.Background(), x, "s3://data/out.zarr", "g/a", zo); err != nil {
			t.Fatal(err)
		}
		label := fmt.Sprintf("written with %+v", zo)
		ndtest.Close(t, label, compute(t, darray.FromZarr("s3://data/out.zarr", "g/a", randomChunks(rng, shape))), want, 0)
		keys, err := s3.Store{Bucket: "data", Prefix: "out.zarr"}.List("")
		if err != nil {
			t.Fatal(err)
		}
		group := ".zgroup"
		if zo.Version == 3 {
			group = "zarr.json"
		}
		found := map[string]bool{}
		for _, k := range keys {
			found[k] = true
			if strings.Contains(k, "darray-") {
				t.Errorf("%s: %s left in the bucket", label, k)
			}
		}
		if !found[group] || !found["g/"+group] {
			t.Errorf("%s: the groups' metadata is missing: %q", label, keys)
		}
	}
	// An array at the bucket's root has nowhere beside it to be staged.
	err := darray.ToZarr(context.Background(), darray.NewRNG(1).Normal(0, 1, []int{3}, darray.ChunkSpec{}), "s3://data", "", darray.ZarrOptions{})
	if err == nil || !strings.Contains(err.Error(), "below the bucket") {
		t.Errorf("writing at a bucket's root: %v", err)
	}
}

// TestZarrOverwriteInObjectStorage: an interrupted replacement leaves the old array whole;
// the same write with Resume writes only the missing chunks and publishes the new array,
// with none of the old one's chunks left. Object stores cannot rename: this is the
// copy-and-publish protocol of store.StagedArray.
func TestZarrOverwriteInObjectStorage(t *testing.T) {
	startS3(t)
	const loc = "s3://data/over.zarr"
	old := darray.NewRNG(1).Normal(0, 1, []int{30, 20}, darray.ChunkSize(7))
	oldWant := compute(t, old)
	if err := darray.ToZarr(context.Background(), old, loc, "a", darray.ZarrOptions{Chunks: []int{3, 6}, Compressor: "zstd"}); err != nil {
		t.Fatal(err)
	}
	fresh := darray.NewRNG(2).Uniform(0, 1, []int{30, 20}, darray.ChunkSize(9))
	want := compute(t, fresh)
	zo := darray.ZarrOptions{Chunks: []int{4, 5}, Compressor: "gzip"}
	ctx, cancel := context.WithCancel(context.Background())
	stop := &cancelAfterWrites{n: 3, cancel: cancel}
	err := darray.ToZarr(ctx, fresh, loc, "a", zo, darray.Synchronous(), darray.WithProgress(stop))
	cancel()
	if err == nil || !strings.Contains(err.Error(), "Resume") {
		t.Fatalf("an interrupted write gave %v, want an error pointing at Resume", err)
	}
	ndtest.Close(t, "old array after an interrupted overwrite", compute(t, darray.FromZarr(loc, "a", darray.ChunkSpec{})), oldWant, 0)

	count := &cancelAfterWrites{}
	zo.Resume = true
	if err := darray.ToZarr(context.Background(), fresh, loc, "a", zo, darray.WithProgress(count)); err != nil {
		t.Fatal(err)
	}
	ndtest.Close(t, "resumed", compute(t, darray.FromZarr(loc, "a", darray.ChunkSpec{})), want, 0)
	total := 8 * 4
	if count.writes != total-stop.writes {
		t.Errorf("the resumed write wrote %d chunks, want %d", count.writes, total-stop.writes)
	}
	keys, err := s3.Store{Bucket: "data", Prefix: "over.zarr"}.List("")
	if err != nil {
		t.Fatal(err)
	}
	// .zgroup, the array's .zarray and .zattrs, and its chunks: nothing of the old grid
	// (10 x 4 chunks of 3 x 6), nothing staged.
	if len(keys) != 3+total {
		t.Errorf("%d keys after the overwrite, want %d: %q", len(keys), 3+total, keys)
	}
	for _, k := range keys {
		if strings.Contains(k, "darray-") || strings.HasPrefix(k, "a/9.") {
			t.Errorf("%s left after the overwrite", k)
		}
	}
}

// TestFilesInObjectStorage reads HDF5 (libver latest: dense links, extensible arrays,
// version 2 B-trees) and netCDF-3 files from a bucket by byte ranges: the values NumPy
// saved, or those of the local file.
func TestFilesInObjectStorage(t *testing.T) {
	startS3(t)
	upload(t, filepath.Join("testdata", "hdf5", "latest.h5"), "data", "files/latest.h5")
	npys, _ := filepath.Glob(filepath.Join("testdata", "hdf5", "latest__*.npy"))
	if len(npys) < 10 {
		t.Fatalf("%d golden arrays for latest.h5", len(npys))
	}
	rng := rand.New(rand.NewPCG(45, 46))
	for _, p := range npys {
		want, err := npy.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		name := "/" + strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), "latest__"), ".npy"), "__", "/")
		got := compute(t, darray.FromHDF5("s3://data/files/latest.h5", name, randomChunks(rng, want.Shape())))
		ndtest.Close(t, "s3 latest.h5:"+name, got, want, 0)
	}
	for _, file := range []string{"classic.nc", "cdf5.nc"} {
		local := filepath.Join("testdata", "netcdf", file)
		upload(t, local, "data", "files/"+file)
		nc, err := netcdf3.Open(local)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range nc.Vars {
			want, err := darray.FromNetCDF(local, v.Name, darray.ChunkSpec{}).Compute(context.Background())
			if err != nil {
				continue // text variables and the like: their errors are tested elsewhere
			}
			got := compute(t, darray.FromNetCDF("s3://data/files/"+file, v.Name, randomChunks(rng, want.Shape())))
			ndtest.Close(t, "s3 "+file+":"+v.Name, got, want, 0)
		}
	}
	if err := darray.FromHDF5("s3://data/files/absent.h5", "/x", darray.ChunkSpec{}).Err(); err == nil || !strings.Contains(err.Error(), "s3://data/files/absent.h5") {
		t.Errorf("an absent file: %v", err)
	}
}

// TestStoppedServerFailsTheComputation: the server goes away during a computation; it
// ends with an error naming an object, promptly, rather than hanging or giving numbers.
func TestStoppedServerFailsTheComputation(t *testing.T) {
	srv := startS3(t)
	x := darray.NewRNG(5).Normal(0, 1, []int{400, 400}, darray.ChunkSize(20))
	if err := darray.ToZarr(context.Background(), x, "s3://data/s.zarr", "a", darray.ZarrOptions{Chunks: []int{20, 20}}); err != nil {
		t.Fatal(err)
	}
	y := darray.FromZarr("s3://data/s.zarr", "a", darray.ChunkSpec{}).Sum()
	stopped := &stopAfterReads{n: 50, stop: srv.Stop}
	done := make(chan error, 1)
	go func() { _, err := y.Compute(context.Background(), darray.WithProgress(stopped)); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "s3://data/s.zarr/a/") {
			t.Fatalf("a computation whose server stopped: %v", err)
		}
	case <-time.After(3 * time.Minute):
		t.Fatal("a computation whose server stopped hangs")
	}
}

// stopAfterReads stops the server once n tasks are done.
type stopAfterReads struct {
	n    int32
	done atomic.Int32
	stop func()
}

func (s *stopAfterReads) Start(int, int64) {}
func (s *stopAfterReads) Finish(error)     {}
func (s *stopAfterReads) TaskDone(*graph.Task, time.Duration) {
	if s.done.Add(1) == s.n {
		go s.stop()
	}
}
