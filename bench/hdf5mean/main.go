// Command hdf5mean times the mean of an HDF5 dataset with darray, for bench/hdf5.sh.
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
	file := flag.String("file", "/tmp/darray-bench.h5", "the HDF5 file")
	dataset := flag.String("dataset", "/x", "the dataset")
	flag.Parse()
	start := time.Now()
	m, err := darray.FromHDF5(*file, *dataset, darray.ChunkSpec{}).Mean().Compute(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	v, _ := nd.At[float64](m)
	fmt.Printf("darray seconds=%.3f mean=%.12f\n", time.Since(start).Seconds(), v)
}
