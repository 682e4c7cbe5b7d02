package darray

import "github.com/darray-go/darray/graph"

// The parameters of darray's own block functions travel with graphs to a cluster's workers.
func init() {
	for _, v := range []any{fftParams{}, gatherParams{}, einsumParams{}, axisParams{}, quantileParams{},
		topkParams{}, histogramParams{}, digitizeParams{}, searchParams{}, contiguous{}} {
		graph.RegisterType(v)
	}
}
