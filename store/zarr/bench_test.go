package zarr

import (
	"os"
	"testing"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/store"
)

// BenchmarkZarrGzipChunk reads one 1e6-element gzip chunk of the bench/zarr.sh store.
func BenchmarkZarrGzipChunk(b *testing.B) {
	dir := "/tmp/darray-bench-50000000.zarr"
	if _, err := os.Stat(dir); err != nil {
		b.Skip("run bash bench/zarr.sh 50000000 first")
	}
	z, err := OpenV2(store.Dir{Root: dir}, "x")
	if err != nil {
		b.Fatal(err)
	}
	w := graph.FullWindow([]int{1, 1_000_000})
	b.SetBytes(8_000_000)
	for b.Loop() {
		if _, err := z.Read(w); err != nil {
			b.Fatal(err)
		}
	}
}
