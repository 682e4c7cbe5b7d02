package darray

import (
	"bytes"
	"os"

	"github.com/darray-go/darray/graph"
)

// DARRAY_TEST_GRAPH_TRAVEL=1 runs the package's tests with every graph encoded and decoded
// before it runs, as a cluster's workers receive it: any parameter type that does not
// survive the trip shows up as a failing test.
func init() {
	if os.Getenv("DARRAY_TEST_GRAPH_TRAVEL") == "" {
		return
	}
	graphFilter = func(g *graph.Graph) (*graph.Graph, error) {
		var buf bytes.Buffer
		if err := graph.EncodeGraph(&buf, g); err != nil {
			return nil, err
		}
		return graph.DecodeGraph(&buf)
	}
}
