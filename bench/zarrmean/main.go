// Command zarrmean writes a gzip-compressed Zarr array of random numbers (-write) or times
// the mean of one (the default), for bench/zarr.sh.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/nd"
)

func main() {
	dir := flag.String("dir", "/tmp/darray-bench.zarr", "the Zarr store")
	write := flag.Bool("write", false, "write the array instead of reading it")
	n := flag.Int("n", 200_000_000, "elements (written as n/1e6 rows of 1e6)")
	flag.Parse()
	ctx := context.Background()
	if *write {
		rows := *n / 1_000_000
		x := darray.NewRNG(1).Random([]int{rows, 1_000_000}, darray.ChunkSize(1, 1_000_000))
		if err := darray.ToZarr(ctx, x, *dir, "x", darray.ZarrOptions{Chunks: []int{1, 1_000_000}, Compressor: "gzip", Level: 1}); err != nil {
			log.Fatal(err)
		}
		return
	}
	start := time.Now()
	m, err := darray.FromZarr(*dir, "x", darray.ChunkSpec{}).Mean().Compute(ctx)
	if err != nil {
		log.Fatal(err)
	}
	v, _ := nd.At[float64](m)
	fmt.Printf("darray seconds=%.3f mean=%.9f\n", time.Since(start).Seconds(), v)
}
