// Command tutorial is dask's array tutorial in Go: a lazy 10000 x 10000 random array,
// y = x + x.T, the mean of a strided slice of y along axis 1, its graph and its value.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/darray-go/darray"
)

func main() {
	ctx := context.Background()
	start := time.Now()
	rng := darray.NewRNG(42)
	x := rng.Random([]int{10000, 10000}, darray.ChunkSize(1000, 1000)) // lazy
	y := x.Add(x.T())
	z := y.Index("::2, 5000:").Mean(darray.Axis(1)) // lazy
	fmt.Println("x:", x)
	fmt.Println("z:", z)
	fmt.Printf("built in %v\n", time.Since(start))

	if err := darray.Visualize("tutorial-graph.svg", z); err != nil {
		fmt.Fprintln(os.Stderr, "graph picture:", err)
	} else {
		fmt.Println("graph picture: tutorial-graph.svg")
	}

	start = time.Now()
	result, err := z.Compute(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("computed in %v\n", time.Since(start))
	fmt.Println("z[:5] =", must(result.IndexString(":5")))
}

func must[T any](v T, err error) T {
	if err != nil {
		log.Fatal(err)
	}
	return v
}
