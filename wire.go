package darray

import (
	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
)

// The parameters of darray's own block functions travel with graphs to a cluster's workers.
func init() {
	for _, v := range []any{fftParams{}, gatherParams{}, einsumParams{}, axisParams{}, quantileParams{},
		topkParams{}, histogramParams{}, digitizeParams{}, searchParams{}, contiguous{}} {
		graph.RegisterType(v)
	}
}

// registerBlockFunc registers one of darray's own block functions at start-up; a clash of
// names is a programming error.
func registerBlockFunc(name string, fn graph.BlockFunc) {
	if err := graph.RegisterBlockFunc(name, fn); err != nil {
		panic(err)
	}
}

// registerBlockFuncOf is registerBlockFunc for functions with parameters of type P.
func registerBlockFuncOf[P any](name string, fn func(p P, blocks []*nd.Array, info graph.BlockInfo) (*nd.Array, error)) {
	if err := graph.RegisterBlockFuncOf(name, fn); err != nil {
		panic(err)
	}
}
