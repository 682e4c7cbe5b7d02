// Command rechunk times re-cutting a Zarr array into other chunks, Zarr to Zarr, for
// bench/rechunk.sh: with -make it first writes the source, an n x n random float64 array
// in (n, cols) chunks; then it re-cuts the source into (rows, n) chunks under a memory
// limit and prints the time, the scheduler's figures and the peak resident memory.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/bench/internal/proc"
	"github.com/darray-go/darray/sched"
)

func main() {
	n := flag.Int("n", 20000, "rows and columns")
	from := flag.Int("from", 100, "source chunks: (n, from)")
	to := flag.Int("to", 100, "target chunks: (to, n)")
	src := flag.String("src", "/tmp/rechunk-src.zarr", "source Zarr store")
	dst := flag.String("dst", "/tmp/rechunk-dst.zarr", "target Zarr store")
	mem := flag.String("mem", "1GB", "memory limit")
	make := flag.Bool("make", false, "write the source first")
	compressor := flag.String("compressor", "", "the source's compressor with -make (\"\": none)")
	profile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	stop, err := proc.Profile(*profile)
	if err != nil {
		log.Fatal(err)
	}
	defer stop()
	ctx := context.Background()
	if *make {
		x := darray.NewRNG(1).Random([]int{*n, *n}, darray.ChunkSize(*n, *from))
		if err := darray.ToZarr(ctx, x, *src, "x", darray.ZarrOptions{Compressor: *compressor}); err != nil {
			log.Fatal(err)
		}
		return
	}
	limit, err := sched.ParseBytes(*mem)
	if err != nil {
		log.Fatal(err)
	}
	os.RemoveAll(*dst)
	start := time.Now()
	var st sched.Stats
	x := darray.FromZarr(*src, "x", darray.ChunkSpec{})
	if err := darray.ToZarr(ctx, x, *dst, "x", darray.ZarrOptions{Chunks: []int{*to, *n}}, darray.MemoryLimit(limit), darray.WithStats(&st)); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("darray rechunk %s n=%d (%d,%d)->(%d,%d) limit=%s seconds=%.2f tasks=%d peak_held=%dMB spilled=%dMB peak_rss=%s\n",
		*src, *n, *n, *from, *to, *n, *mem, time.Since(start).Seconds(), st.Tasks, st.PeakBytes>>20, st.SpilledBytes>>20, proc.PeakRSS())
}
