// Command remotemean times the mean of a netCDF variable or a Zarr array with darray, for
// bench/netcdf_s3.sh. Either may be a local path or a URL (s3:// reads with package
// store/s3, from the AWS_* environment).
//
//	remotemean -netcdf FILE -var NAME
//	remotemean -zarr STORE -array PATH
//	remotemean -netcdf FILE -var NAME -to-zarr STORE -array PATH   (copy, for the setup)
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime/pprof"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/nd"
	_ "github.com/darray-go/darray/store/s3"
)

func main() {
	netcdf := flag.String("netcdf", "", "the netCDF file")
	variable := flag.String("var", "t", "the netCDF variable")
	zarr := flag.String("zarr", "", "the Zarr store")
	array := flag.String("array", "t", "the array in the Zarr store")
	toZarr := flag.String("to-zarr", "", "copy the netCDF variable to this Zarr store (zlib, the file's chunks)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile here")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	ctx := context.Background()
	start := time.Now()
	var x *darray.Array
	label := "darray-netcdf"
	if *netcdf != "" {
		x = darray.FromNetCDF(*netcdf, *variable, darray.ChunkSpec{})
	} else {
		x, label = darray.FromZarr(*zarr, *array, darray.ChunkSpec{}), "darray-zarr"
	}
	if *toZarr != "" {
		var chunks []int // the file's chunks: the first block's shape
		for _, c := range x.Chunks() {
			chunks = append(chunks, c[0])
		}
		err := darray.ToZarr(ctx, x, *toZarr, *array, darray.ZarrOptions{Chunks: chunks, Compressor: "zlib", Level: 1})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("copied to %s/%s in %.3f s\n", *toZarr, *array, time.Since(start).Seconds())
		return
	}
	m, err := x.Mean().Compute(ctx)
	if err != nil {
		log.Fatal(err)
	}
	v, _ := nd.At[float64](m)
	fmt.Printf("%s seconds=%.3f mean=%.9f\n", label, time.Since(start).Seconds(), v)
}
