package darray

import (
	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/store"
)

// FromHDF5 opens a dataset of an HDF5 file lazily (pure Go; no HDF5 library needed). With
// the zero ChunkSpec the blocks are the dataset's chunks (or automatic for contiguous
// data), so every task reads and decompresses its own chunks, on every core at once.
func FromHDF5(path, dataset string, chunks ChunkSpec) *Array {
	f, err := store.OpenHDF5(path)
	if err != nil {
		return failed("from hdf5", err)
	}
	defer f.Close()
	ds, err := f.Dataset(dataset)
	if err != nil {
		return failed("from hdf5", err)
	}
	if chunks.IsDefault() && ds.Chunks != nil {
		chunks = ChunkSize(ds.Chunks...)
	}
	if ds.Chunks == nil { // contiguous or compact: any window reads just its bytes
		return fromSource("from hdf5", contiguous{ds}, ds.Shape, ds.DType, chunks)
	}
	return fromSource("from hdf5", ds, ds.Shape, ds.DType, chunks)
}

// contiguous shows an unchunked dataset as a plain graph.Source (not a chunked one), so
// that reductions over it read cache-sized slabs like any flat file.
type contiguous struct{ ds *store.HDF5Dataset }

func (c contiguous) Read(w graph.Window) (*nd.Array, error) { return c.ds.Read(w) }
func (c contiguous) Describe() string                       { return c.ds.Describe() }
