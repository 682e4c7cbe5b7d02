package store

import "github.com/darray-go/darray/graph"

// Sources travel inside graphs to a cluster's workers as the way to open them again (a
// store and a path), not as what an open one has read: each worker reads the metadata
// itself, from the same files (a shared file system, or the same paths on every machine),
// when a task first reads it: decoding a graph never opens a file (see internal/lazy).

func init() {
	for _, v := range []any{Dir{}, HTTP{}, &Flat{}, &FlatWrite{}} {
		graph.RegisterType(v)
	}
}
