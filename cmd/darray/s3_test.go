package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/darray-go/darray/internal/aztest"
	"github.com/darray-go/darray/internal/gcstest"
	"github.com/darray-go/darray/internal/s3test"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/store"
	"github.com/darray-go/darray/store/azure"
	"github.com/darray-go/darray/store/gcs"
	"github.com/darray-go/darray/store/s3"
)

// TestObjectStorageInputsAndOutputs runs the command on s3:// URLs: a .npy file and an
// HDF5 dataset read by ranges, a Zarr array written and read back, info on a file.
func TestObjectStorageInputsAndOutputs(t *testing.T) {
	s3test.Start(t)
	if err := s3.CreateBucket("data"); err != nil {
		t.Fatal(err)
	}
	dir, x := fixture(t)
	bucket := s3.Store{Bucket: "data"}
	for key, local := range map[string]string{
		"x.npy":     filepath.Join(dir, "x.npy"),
		"latest.h5": filepath.Join("..", "..", "testdata", "hdf5", "latest.h5"),
	} {
		b, err := os.ReadFile(local)
		if err != nil {
			t.Fatal(err)
		}
		if err := bucket.Set(key, b); err != nil {
			t.Fatal(err)
		}
	}
	sum0, _ := nd.Reduce(nd.Sum, x, nd.ReduceArgs{Axes: []int{0}})
	out, e, code := runCLI(t, "eval", "-i", "x=s3://data/x.npy", "x.sum(axis=0)")
	if code != 0 || out != sum0.String()+"\n" {
		t.Errorf("eval of s3://data/x.npy: %q %q, want %v", out, e, sum0)
	}
	if _, e, code := runCLI(t, "eval", "-i", "x=s3://data/x.npy", "-o", "s3://data/out.zarr/y", "x * 2"); code != 0 {
		t.Fatalf("eval -o s3://data/out.zarr/y: exit %d, %q", code, e)
	}
	out, e, code = runCLI(t, "eval", "-i", "y=s3://data/out.zarr/y", "y.sum()")
	if code != 0 || out != "276.0\n" { // 2 * 0.5 * (0 + 1 + ... + 23)
		t.Errorf("the array written to s3 sums to %q (%q), want 276.0", out, e)
	}
	local, _, _ := runCLI(t, "eval", "-i", "t="+filepath.Join("..", "..", "testdata", "hdf5", "latest.h5")+":/bt2", "t.sum()")
	remote, e, code := runCLI(t, "eval", "-i", "t=s3://data/latest.h5:/bt2", "t.sum()")
	if code != 0 || remote != local || local == "" {
		t.Errorf("an HDF5 dataset in s3 sums to %q (%q), the local file to %q", remote, e, local)
	}
	out, e, code = runCLI(t, "info", "s3://data/latest.h5")
	if code != 0 || !strings.Contains(out, "s3://data/latest.h5: HDF5") || !strings.Contains(out, "bt2") {
		t.Errorf("info of an HDF5 file in s3: %q %q", out, e)
	}
	_, e, code = runCLI(t, "eval", "-i", "x=s3://data/x.npy", "-o", "s3://data/out.npy", "x")
	if code == 0 || !strings.Contains(e, "object storage") {
		t.Errorf(".npy output to s3: exit %d, %q", code, e)
	}
	_, e, code = runCLI(t, "eval", "-i", "x=s3://data/absent.h5:/x", "x")
	if code == 0 || !strings.Contains(e, "s3://data/absent.h5") {
		t.Errorf("an absent object: exit %d, %q", code, e)
	}
}

// TestAzureAndGCSURLs: the command reads and writes az:// and gs:// URLs (Azurite and
// fake-gcs-server on loopback): a Zarr array written and read back, an HDF5 dataset read
// by ranges.
func TestAzureAndGCSURLs(t *testing.T) {
	aztest.Start(t)
	gcstest.Start(t)
	if err := azure.CreateContainer("data"); err != nil {
		t.Fatal(err)
	}
	if err := gcs.CreateBucket("test", "data"); err != nil {
		t.Fatal(err)
	}
	dir, _ := fixture(t)
	h5, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hdf5", "latest.h5"))
	if err != nil {
		t.Fatal(err)
	}
	local, _, _ := runCLI(t, "eval", "-i", "t="+filepath.Join("..", "..", "testdata", "hdf5", "latest.h5")+":/bt2", "t.sum()")
	for _, kv := range []store.KV{azure.Store{Container: "data"}, gcs.Store{Bucket: "data"}} {
		root := fmt.Sprint(kv)
		if err := kv.Set("latest.h5", h5); err != nil {
			t.Fatal(err)
		}
		if _, e, code := runCLI(t, "eval", "-i", "x="+filepath.Join(dir, "x.npy"), "-o", root+"/out.zarr/y", "x * 2"); code != 0 {
			t.Fatalf("eval -o %s/out.zarr/y: exit %d, %q", root, code, e)
		}
		out, e, code := runCLI(t, "eval", "-i", "y="+root+"/out.zarr/y", "y.sum()")
		if code != 0 || out != "276.0\n" {
			t.Errorf("the array written to %s sums to %q (%q), want 276.0", root, out, e)
		}
		remote, e, code := runCLI(t, "eval", "-i", "t="+root+"/latest.h5:/bt2", "t.sum()")
		if code != 0 || remote != local || local == "" {
			t.Errorf("an HDF5 dataset in %s sums to %q (%q), the local file to %q", root, remote, e, local)
		}
	}
}
