// Command tsvd times the SVD of a tall-and-skinny m x n random array in blocks of rows
// (TSQR), for bench/tsvd.sh: it computes u (summed, so that it is made block by block
// but not kept), s and vt. Build with -tags openblas to use OpenBLAS.
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
	"github.com/darray-go/darray/sched"
)

func main() {
	m := flag.Int("m", 2000000, "rows")
	n := flag.Int("n", 100, "columns")
	rows := flag.Int("rows", 100000, "rows per block")
	mem := flag.String("mem", "0", "memory limit (0: half the machine's)")
	profile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	stop, err := proc.Profile(*profile)
	if err != nil {
		log.Fatal(err)
	}
	defer stop()
	start := time.Now()
	x := darray.NewRNG(1).Random([]int{*m, *n}, darray.ChunkSize(*rows, *n))
	u, s, vt := darray.SVD(x)
	limit, err := sched.ParseBytes(*mem)
	if err != nil {
		log.Fatal(err)
	}
	res, err := darray.Compute(context.Background(), []*darray.Array{u.Sum(), s, vt}, darray.MemoryLimit(limit))
	if err != nil {
		log.Fatal(err)
	}
	s0, _ := nd.At[float64](res[1], 0)
	fmt.Printf("darray tsvd (%s) m=%d n=%d rows=%d limit=%s seconds=%.2f s0=%.6f peak_rss=%s\n", linalg.Backend, *m, *n, *rows, *mem, time.Since(start).Seconds(), s0, proc.PeakRSS())
}
