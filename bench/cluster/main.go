// Command cluster runs the tutorial workload on a LocalCluster (worker processes started
// from this program) and prints the best compute time, each worker's peak resident memory,
// and the cluster's per-task overhead on a graph of trivial tasks, for bench/cluster.sh:
//
//	go run ./bench/cluster -n 10000 -workers 2 -threads 1 -memory-limit 1GB
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/bench/internal/proc"
	"github.com/darray-go/darray/cluster"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/sched"
)

func main() {
	cluster.MaybeRunWorker()
	n := flag.Int("n", 10000, "the array is n x n")
	chunk := flag.Int("chunk", 1000, "square chunks of this side")
	workers := flag.Int("workers", 2, "worker processes")
	threads := flag.Int("threads", 1, "threads per worker")
	limit := flag.String("memory-limit", "1GB", "memory limit per worker")
	rounds := flag.Int("rounds", 3, "runs of the workload (the best is reported)")
	trivial := flag.Int("trivial", 0, "also time a sum over this many one-element chunks (per-task overhead)")
	transfer := flag.Bool("transfer", false, "also time a rechunk of x to column strips and their sums (blocks move between workers)")
	profile := flag.String("cpuprofile", "", "write the client's CPU profile (of the trivial run) here")
	flag.Parse()
	lim, err := sched.ParseBytes(*limit)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	start := time.Now()
	lc, err := cluster.NewLocalCluster(ctx, cluster.LocalOptions{Workers: *workers, ThreadsPerWorker: *threads, MemoryLimit: lim, Dashboard: "off"})
	if err != nil {
		log.Fatal(err)
	}
	defer lc.Close()
	fmt.Printf("cluster up in %.3f s\n%s\n", time.Since(start).Seconds(), lc)
	exec := darray.WithExecutor(lc.Client())

	rng := darray.NewRNG(42)
	x := rng.Random([]int{*n, *n}, darray.ChunkSize(*chunk, *chunk))
	z := x.Add(x.T()).Index(fmt.Sprintf("::2, %d:", *n/2)).Mean(darray.Axis(1))
	best, first := time.Duration(1<<62), time.Duration(0)
	var res *nd.Array
	for i := range *rounds {
		t := time.Now()
		if res, err = z.Compute(ctx, exec); err != nil {
			log.Fatal(err)
		}
		best = min(best, time.Since(t))
		if i == 0 {
			first = time.Since(t)
		}
	}
	head, _ := res.IndexString(":3")
	fmt.Printf("tutorial %dx%d chunks %d: first %.3f s, best of %d %.3f s (z[:3] = %v)\n", *n, *n, *chunk, first.Seconds(), *rounds, best.Seconds(), head)

	if *transfer {
		x := rng.Random([]int{*n, *n}, darray.ChunkSize(*chunk, *chunk))
		s := x.CumSum(1).Rechunk(darray.ChunkSize(*n, *chunk/4)).Sum(darray.Axis(0))
		best := time.Duration(1 << 62)
		for range *rounds {
			t := time.Now()
			if _, err := s.Compute(ctx, exec); err != nil {
				log.Fatal(err)
			}
			best = min(best, time.Since(t))
		}
		fmt.Printf("transfer: cumsum along rows of %dx%d from %d² blocks to %d-column strips and sum: best of %d %.3f s\n", *n, *n, *chunk, *chunk/4, *rounds, best.Seconds())
	}
	if *trivial > 0 {
		ones := darray.Ones([]int{*trivial}, nd.Float64, darray.ChunkSize(1))
		g, _ := darray.Graph(ones.Sum())
		stop, err := proc.Profile(*profile)
		if err != nil {
			log.Fatal(err)
		}
		t := time.Now()
		if _, err := ones.Sum().Compute(ctx, exec); err != nil {
			log.Fatal(err)
		}
		el := time.Since(t)
		stop()
		fmt.Printf("trivial: %d tasks in %.3f s: %.1f us a task\n", len(g.Tasks), el.Seconds(), float64(el.Microseconds())/float64(len(g.Tasks)))
	}
	time.Sleep(600 * time.Millisecond) // a last heartbeat with the peaks
	for _, w := range lc.Client().Workers() {
		if w.Alive {
			fmt.Printf("worker %s: peak RSS %.0f MB (limit %.0f MB), %d tasks\n", w.ID, float64(w.PeakRSS)/1e6, float64(w.Limit)/1e6, w.Computed)
		}
	}
}
