// Command matmul times the sum of a matrix product of two n x n random arrays in square
// blocks, for bench/matmul.sh; build with -tags openblas to use OpenBLAS.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/bench/internal/proc"
	"github.com/darray-go/darray/linalg"
	"github.com/darray-go/darray/nd"
)

func main() {
	n := flag.Int("n", 20000, "rows and columns")
	chunk := flag.Int("chunk", 2000, "block rows and columns")
	profile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	stop, err := proc.Profile(*profile)
	if err != nil {
		log.Fatal(err)
	}
	defer stop()
	start := time.Now()
	rng := darray.NewRNG(1)
	x := rng.Random([]int{*n, *n}, darray.ChunkSize(*chunk, *chunk))
	y := rng.Random([]int{*n, *n}, darray.ChunkSize(*chunk, *chunk)).Sub(0.5)
	s, err := darray.Matmul(x, y).Sum().Compute(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	v, _ := nd.At[float64](s)
	secs := time.Since(start).Seconds()
	fmt.Printf("darray matmul (%s kernel) n=%d chunk=%d seconds=%.2f gflops=%.1f sum=%.6g peak_rss=%s\n", linalg.ProductKernel(), *n, *chunk, secs, 2*float64(*n)*float64(*n)*float64(*n)/secs/1e9, v, proc.PeakRSS())
}
