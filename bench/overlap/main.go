// Command overlap times a 3x3 mean filter over an n x n random array with map_overlap
// (reflecting boundary) and the mean of the result, for bench/overlap.sh.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/bench/internal/proc"
	"github.com/darray-go/darray/nd"
)

// mean3x3 replaces every element but the block's border by the mean of its 3x3
// neighbourhood: column sums of three rows, then sums of three column sums.
func mean3x3(_ any, blocks []*nd.Array, info darray.BlockInfo) (*nd.Array, error) {
	in, err := nd.Data[float64](blocks[0].Contiguous())
	if err != nil {
		return nil, err
	}
	h, w := info.BlockShape[0], info.BlockShape[1]
	out := make([]float64, len(in))
	copy(out[:w], in[:w])
	copy(out[(h-1)*w:], in[(h-1)*w:])
	cols := make([]float64, w)
	for i := 1; i < h-1; i++ {
		r0, r1, r2 := in[(i-1)*w:i*w], in[i*w:(i+1)*w], in[(i+1)*w:(i+2)*w]
		for j := range cols {
			cols[j] = r0[j] + r1[j] + r2[j]
		}
		o := out[i*w : (i+1)*w]
		o[0], o[w-1] = r1[0], r1[w-1]
		for j := 1; j < w-1; j++ {
			o[j] = (cols[j-1] + cols[j] + cols[j+1]) * (1.0 / 9)
		}
	}
	return nd.FromSlice(out, h, w)
}

func main() {
	n := flag.Int("n", 20000, "rows and columns")
	chunk := flag.Int("chunk", 2000, "block rows and columns")
	flag.Parse()
	if err := darray.RegisterBlockFunc("mean3x3", mean3x3); err != nil {
		log.Fatal(err)
	}
	start := time.Now()
	x := darray.NewRNG(1).Random([]int{*n, *n}, darray.ChunkSize(*chunk, *chunk))
	m, err := darray.MapOverlap("mean3x3", x, []int{1}, darray.BoundaryReflect).Mean().Compute(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	v, _ := nd.At[float64](m)
	fmt.Printf("darray map_overlap n=%d chunk=%d seconds=%.2f mean=%.9f peak_rss=%s\n", *n, *chunk, time.Since(start).Seconds(), v, proc.PeakRSS())
}
