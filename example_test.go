package darray_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/nd"
)

// The dask tutorial of README's tour, at a size that prints: building the expression is
// lazy and instant, Compute runs the fused, culled task graph on every core.
func Example_tour() {
	ctx := context.Background()
	rng := darray.NewRNG(42)
	x := rng.Random([]int{1000, 1000}, darray.ChunkSize(100, 100)) // lazy, instant
	y := x.Add(x.T())
	z := y.Index("::2, 500:").Mean(darray.Axis(1)) // lazy, instant
	fmt.Println(x)
	result, err := z.Compute(ctx) // parallel; an *nd.Array
	if err != nil {
		fmt.Println(err)
		return
	}
	first, _ := result.Index(nd.Int(0)) // an element, 0-d
	v, _ := first.Float64()             // a number out of a result
	fmt.Println(nd.ShapeString(result.Shape()), v > 0.9 && v < 1.1)
	// Output:
	// darray.Array<shape=(1000, 1000), dtype=float64, chunksize=(100, 100), chunks=100, nbytes=7.63 MiB, chunk nbytes=78.12 KiB, layers=1, tasks=100>
	// (500,) true
}

// Results go to files block by block, and come back lazily: .npy, Zarr and HDF5 (which
// takes more datasets, and grows the ones made to grow).
func Example_storage() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "darray-example")
	defer os.RemoveAll(dir)
	x := darray.Arange(0, 12, 1, nd.Float64, darray.ChunkSize(5)).Reshape(3, 4)
	darray.ToNPY(ctx, x, filepath.Join(dir, "x.npy"))
	darray.ToZarr(ctx, x, filepath.Join(dir, "x.zarr"), "x", darray.ZarrOptions{Compressor: "zstd"})
	file := filepath.Join(dir, "x.h5")
	darray.ToHDF5(ctx, x, file, "/series", darray.HDF5Options{MaxShape: []int{-1, 4}, Chunks: []int{2, 4}})
	darray.AppendHDF5(ctx, x.Mul(10), file, "/series", 0)
	for _, a := range []*darray.Array{
		darray.FromNPY(filepath.Join(dir, "x.npy"), darray.ChunkSpec{}),
		darray.FromZarr(filepath.Join(dir, "x.zarr"), "x", darray.ChunkSpec{}),
		darray.FromHDF5(file, "/series", darray.ChunkSpec{}).Index("3:"),
	} {
		sum, err := a.Sum().Compute(ctx)
		fmt.Println(sum, err)
	}
	// Output:
	// 66.0 <nil>
	// 66.0 <nil>
	// 660.0 <nil>
}
