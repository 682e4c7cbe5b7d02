package cluster_test

import (
	"context"
	"fmt"
	"log"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/cluster"
)

// The tutorial on a local cluster of two worker processes (this program started again as
// workers: in a program of your own, call NewLocalCluster early in main).
func ExampleNewLocalCluster() {
	ctx := context.Background()
	lc, err := cluster.NewLocalCluster(ctx, cluster.LocalOptions{Workers: 2, ThreadsPerWorker: 1, MemoryLimit: 1 << 30, Dashboard: "off"})
	if err != nil {
		log.Fatal(err)
	}
	defer lc.Close()

	x := darray.NewRNG(42).Random([]int{2000, 2000}, darray.ChunkSize(500, 500))
	z := x.Add(x.T()).Index("::2, 1000:").Mean(darray.Axis(1))
	res, err := z.Compute(ctx, darray.WithExecutor(lc.Client()))
	if err != nil {
		log.Fatal(err)
	}
	head, _ := res.IndexString(":3")
	fmt.Println(res.Shape(), head)
	// Output: [1000] [0.99524305 1.00078111 0.99249322]
}
