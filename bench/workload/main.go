// Command workload runs the tutorial workload at any size and prints the wall time and the
// peak resident memory of the whole process, for bench/bigger.sh:
//
//	go run ./bench/workload -n 100000 -chunk 1000
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"syscall"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/sched"
)

func main() {
	n := flag.Int("n", 10000, "the array is n x n")
	chunk := flag.Int("chunk", 1000, "square chunks of this side")
	philox := flag.Bool("philox", false, "use NumPy's Philox stream")
	limit := flag.String("memory-limit", "", "memory limit, such as 256MB (default: half the machine's memory)")
	progress := flag.Bool("progress", false, "draw a progress bar on standard error")
	flag.Parse()
	var opts []darray.ComputeOption
	if *limit != "" {
		b, err := sched.ParseBytes(*limit)
		if err != nil {
			log.Fatal(err)
		}
		opts = append(opts, darray.MemoryLimit(b))
	}
	if *progress {
		opts = append(opts, darray.WithProgress(sched.NewBar(os.Stderr)))
	}
	var st sched.Stats
	opts = append(opts, darray.WithStats(&st))
	rng := darray.NewRNG(42)
	if *philox {
		rng = darray.NewPhiloxRNG(42)
	}
	start := time.Now()
	x := rng.Random([]int{*n, *n}, darray.ChunkSize(*chunk, *chunk))
	z := x.Add(x.T()).Index(fmt.Sprintf("::2, %d:", *n/2)).Mean(darray.Axis(1))
	res, err := z.Compute(context.Background(), opts...)
	if err != nil {
		log.Fatal(err)
	}
	elapsed := time.Since(start)
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	first, _ := nd.At[float64](res, 0)
	fmt.Printf("n=%d chunk=%d elements=%.3g seconds=%.3f peak_rss_mb=%.1f tasks=%d limit_mb=%.0f scheduler_peak_mb=%.1f spilled_mb=%.1f z[0]=%.6f\n",
		*n, *chunk, float64(*n)*float64(*n), elapsed.Seconds(), float64(ru.Maxrss)/1024, st.Tasks,
		float64(st.Limit)/(1<<20), float64(st.PeakBytes)/(1<<20), float64(st.SpilledBytes)/(1<<20), first)
}
