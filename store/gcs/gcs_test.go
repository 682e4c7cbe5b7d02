package gcs

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/internal/faultnet"
	"github.com/darray-go/darray/internal/gcstest"
	"github.com/darray-go/darray/store"
)

func open(t *testing.T, location string) store.KV {
	t.Helper()
	kv, err := store.Open(location)
	if err != nil {
		t.Fatal(err)
	}
	return kv
}

func TestStoreRoundTrip(t *testing.T) {
	gcstest.Start(t)
	if err := CreateBucket("test", "data"); err != nil {
		t.Fatal(err)
	}
	if err := CreateBucket("test", "data"); err != nil {
		t.Fatalf("creating it again: %v", err)
	}
	kv := open(t, "gs://data/some/prefix")
	if kv.(Store) != (Store{Bucket: "data", Prefix: "some/prefix"}) {
		t.Fatalf("opened %#v", kv)
	}
	value := bytes.Repeat([]byte("0123456789"), 100_000) // 1 MB
	for _, k := range []string{"a/.zarray", "a/0.0", "a/0.1", "b", "a b/c"} {
		if err := kv.Set(k, append([]byte(k), value...)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := kv.Get("a/0.1")
	if err != nil || !bytes.Equal(got, append([]byte("a/0.1"), value...)) {
		t.Fatalf("Get: %d bytes, %v", len(got), err)
	}
	part, err := kv.GetRange("a b/c", 5+123_457, 1000)
	if err != nil || !bytes.Equal(part, value[123_457:124_457]) {
		t.Fatalf("GetRange: %q, %v", part, err)
	}
	if size, err := kv.(store.Sizer).Size("b"); err != nil || size != int64(1+len(value)) {
		t.Fatalf("Size: %d, %v", size, err)
	}
	keys, err := kv.List("a/")
	if err != nil || !slices.Equal(keys, []string{"a/.zarray", "a/0.0", "a/0.1"}) {
		t.Fatalf("List(a/): %q, %v", keys, err)
	}
	if err := kv.(store.Copier).Copy("a b/c", "copied/c"); err != nil {
		t.Fatal(err)
	}
	if got, err := kv.Get("copied/c"); err != nil || !bytes.Equal(got, append([]byte("a b/c"), value...)) {
		t.Fatalf("copy: %d bytes, %v", len(got), err)
	}
	if err := kv.Delete("b"); err != nil {
		t.Fatal(err)
	}
	if err := kv.Delete("never-there"); err != nil {
		t.Fatalf("deleting an absent key: %v", err)
	}
	if _, err := kv.Get("b"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get of a deleted key: %v", err)
	}
	all, err := kv.List("")
	if err != nil || !slices.Equal(all, []string{"a b/c", "a/.zarray", "a/0.0", "a/0.1", "copied/c"}) {
		t.Fatalf("List: %q, %v", all, err)
	}
	if other, err := open(t, "gs://data/some").List("prefix2"); err != nil || len(other) != 0 {
		t.Fatalf("List outside: %q, %v", other, err)
	}
}

func TestBadLocationsAndKeys(t *testing.T) {
	for _, loc := range []string{"gs://", "gs:///path", "gs://c/x/../y", "gs://c/p?sv=2020", "gs://user@c/p"} {
		if _, err := store.Open(loc); err == nil {
			t.Errorf("%s opened", loc)
		}
	}
	kv := Store{Bucket: "c", Prefix: "p"}
	for _, k := range []string{"../x", "a//b", "", "a/./b"} {
		if _, err := kv.Get(k); err == nil || !strings.Contains(err.Error(), "not a plain path") {
			t.Errorf("key %q: %v", k, err)
		}
	}
}

func TestErrorsNameTheCause(t *testing.T) {
	gcstest.Start(t)
	if err := CreateBucket("test", "data"); err != nil {
		t.Fatal(err)
	}
	_, err := open(t, "gs://missing/x").List("")
	if err == nil || !strings.Contains(err.Error(), `bucket "missing" does not exist`) {
		t.Errorf("missing container: %v", err)
	}
	if _, err := open(t, "gs://data/x").Get("absent"); !errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), "gs://data/x/absent") {
		t.Errorf("missing key: %v", err)
	}
	if err := open(t, "gs://data/x").Set("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
}

// TestRefusalsAndFailuresNameTheCause: a service that refuses the credentials is not
// retried and the error says what to set; one that keeps failing is retried, then its
// error says so.
func TestRefusalsAndFailuresNameTheCause(t *testing.T) {
	var calls atomic.Int32
	status := http.StatusUnauthorized
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(status)
		w.Write([]byte(`{"error": {"code": 401, "message": "Anonymous caller does not have storage.objects.get access"}}`))
	}))
	defer srv.Close()
	t.Setenv("STORAGE_EMULATOR_HOST", srv.URL)
	_, err := open(t, "gs://data/x").Get("k")
	if err == nil || !strings.Contains(err.Error(), "refused the credentials") || !strings.Contains(err.Error(), "GOOGLE_APPLICATION_CREDENTIALS") || calls.Load() != 1 {
		t.Errorf("refused: %v after %d calls", err, calls.Load())
	}
	status, calls = http.StatusServiceUnavailable, atomic.Int32{}
	_, err = open(t, "gs://data/x").Get("k")
	if err == nil || !strings.Contains(err.Error(), "after 5 attempts") || !strings.Contains(err.Error(), "gs://data/x/k") || calls.Load() != 5 {
		t.Errorf("unavailable: %v after %d calls", err, calls.Load())
	}
}

func TestCutAnswersAreRetried(t *testing.T) {
	srv := gcstest.Start(t)
	if err := CreateBucket("test", "data"); err != nil {
		t.Fatal(err)
	}
	kv := open(t, "gs://data")
	value := bytes.Repeat([]byte{1, 2, 3, 4, 5, 6, 7}, 300_000)
	if err := kv.Set("big", value); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(srv.Endpoint)
	t.Setenv("STORAGE_EMULATOR_HOST", faultnet.CutProxy(t, u.Host, 2))
	got, err := kv.Get("big")
	if err != nil || !bytes.Equal(got, value) {
		t.Fatalf("after two cut answers: %d bytes, %v", len(got), err)
	}
	saved := store.MaxObject
	store.MaxObject = 1 << 20
	defer func() { store.MaxObject = saved }()
	if _, err := kv.Get("big"); !errors.Is(err, store.ErrTooLarge) {
		t.Errorf("a blob past MaxObject: %v", err)
	}
}

func TestStoppedServerFailsPromptly(t *testing.T) {
	srv := gcstest.Start(t)
	if err := CreateBucket("test", "data"); err != nil {
		t.Fatal(err)
	}
	kv := open(t, "gs://data")
	if err := kv.Set("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	done := make(chan error, 1)
	go func() { _, err := kv.Get("k"); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "gs://data/k") {
			t.Fatalf("read from a stopped server: %v", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("a read from a stopped server hangs")
	}
}

// TestArraysInGCS: Zarr v2 and v3 (sharded) written to and read from gs:// URLs, an
// HDF5 file read by byte ranges, each under a random chunking, equal to the values.
func TestArraysInGCS(t *testing.T) {
	gcstest.Start(t)
	if err := CreateBucket("test", "arrays"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	x := darray.NewRNG(18).Normal(0, 1, []int{60, 40}, darray.ChunkSize(16, 15))
	want, err := x.Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, opts := range []darray.ZarrOptions{{Compressor: "zstd"}, {Version: 3, Shards: []int{32, 30}, Compressor: "gzip"}} {
		if err := darray.ToZarr(ctx, x, "gs://arrays/store.zarr", "x", opts); err != nil {
			t.Fatal(err)
		}
		got, err := darray.FromZarr("gs://arrays/store.zarr", "x", darray.ChunkSize(7, 9)).Compute(ctx)
		if err != nil || !bytes.Equal(got.Bytes(false), want.Bytes(false)) {
			t.Fatalf("Zarr %+v in GCS: %v", opts, err)
		}
	}
	path := t.TempDir() + "/x.h5"
	if err := darray.ToHDF5(ctx, x, path, "/x", darray.HDF5Options{Chunks: []int{16, 15}, Gzip: 1}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := open(t, "gs://arrays").Set("files/x.h5", raw); err != nil {
		t.Fatal(err)
	}
	got, err := darray.FromHDF5("gs://arrays/files/x.h5", "/x", darray.ChunkSize(11, 13)).Compute(ctx)
	if err != nil || !bytes.Equal(got.Bytes(false), want.Bytes(false)) {
		t.Fatalf("HDF5 in GCS: %v", err)
	}
	if _, err := darray.FromHDF5("gs://arrays/files/none.h5", "/x", darray.ChunkSpec{}).Compute(ctx); err == nil || !strings.Contains(err.Error(), "gs://arrays/files/none.h5") {
		t.Errorf("a missing file: %v", err)
	}
}
