package darray_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/internal/ndtest"
	"github.com/darray-go/darray/nd"
)

// TestZarrOverHTTP reads Zarr stores (v2 with zlib, Blosc and missing chunks; v3 with
// zstd) published by a web server, as zarr-python's HTTP store would: the same values as
// from the directory, under random chunkings and strided windows, reading only the chunks
// a window needs.
func TestZarrOverHTTP(t *testing.T) {
	var requests atomic.Int32 // of chunks, not metadata
	files := http.FileServer(http.Dir("testdata"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if base := path.Base(r.URL.Path); !strings.HasPrefix(base, ".z") && base != "zarr.json" {
			requests.Add(1)
		}
		files.ServeHTTP(w, r)
	}))
	defer srv.Close()
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range []struct{ store, array string }{
		{"zarr/zlib_c.zarr", "data"}, {"zarr/blosc_lz4_1.zarr", "data"}, {"zarr/zstd_missing.zarr", "data"},
		{"zarr/gzip_f.zarr", "data"}, {"zarr3", "zstd_i4"}, {"zarr3", "big_u2"},
	} {
		local := darray.FromZarr(filepath.Join("testdata", c.store), c.array, darray.ChunkSpec{})
		want := compute(t, local)
		url := srv.URL + "/" + c.store
		got := compute(t, darray.FromZarr(url, c.array, randomChunks(rng, want.Shape())))
		ndtest.Close(t, url, got, want, 0)
		if want.NDim() == 2 {
			ndtest.Close(t, url+" strided", compute(t, darray.FromZarr(url, c.array, darray.ChunkSpec{}).Index("::-2, 1::3")), must(want.IndexString("::-2, 1::3")), 0)
		}
	}
	// One element reads one chunk, not the array.
	before := requests.Load()
	one := darray.FromZarr(srv.URL+"/zarr/zlib_c.zarr", "data", darray.ChunkSpec{}).Index("0, 0")
	if _, err := one.Compute(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := requests.Load() - before; n != 1 {
		t.Errorf("reading one element read %d chunks", n)
	}
	err := darray.FromZarr(srv.URL+"/zarr/nowhere.zarr", "data", darray.ChunkSpec{}).Err()
	if err == nil || !strings.Contains(err.Error(), "nowhere.zarr") {
		t.Errorf("a missing store: %v", err)
	}
	if err := darray.ToZarr(context.Background(), darray.Zeros([]int{2}, nd.Float64, darray.ChunkSpec{}), srv.URL+"/out.zarr", "", darray.ZarrOptions{}); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("writing over http: %v", err)
	}
}
