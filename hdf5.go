package darray

import (
	"context"
	"fmt"

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
		return fromSource("from hdf5", contiguous{DS: ds}, ds.Shape, ds.DType, chunks)
	}
	return fromSource("from hdf5", ds, ds.Shape, ds.DType, chunks)
}

// contiguous shows an unchunked dataset as a plain graph.Source (not a chunked one), so
// that reductions over it read cache-sized slabs like any flat file.
type contiguous struct{ DS *store.HDF5Dataset }

func (c contiguous) Read(w graph.Window) (*nd.Array, error) { return c.DS.Read(w) }
func (c contiguous) Describe() string                       { return c.DS.Describe() }

// HDF5Options describe an HDF5 dataset to write.
type HDF5Options struct {
	Chunks  []int // chunk shape; nil: the array's own largest block
	Gzip    int   // deflate level 1-9; 0 for none
	Shuffle bool  // byte-shuffle before deflating (compresses numbers better)
	// Overwrite replaces a file already at the path. Without it ToHDF5 refuses to touch an
	// existing file: it writes whole files, so replacing one loses every other object in it.
	Overwrite bool
}

// ToHDF5 computes a and writes it as a chunked dataset of a new HDF5 file, in pure Go; an
// existing file is an error unless ho.Overwrite. The array is re-cut to the dataset's
// chunks so that each task compresses and appends exactly one chunk, in parallel; the file
// appears at path only when complete. h5py and every HDF5 library read it.
func ToHDF5(ctx context.Context, a *Array, path, dataset string, ho HDF5Options, opts ...ComputeOption) (err error) {
	if a == nil || a.err != nil {
		return a.Err()
	}
	l := a.layer
	chunks := ho.Chunks
	if chunks == nil {
		chunks = a.chunkSize()
	}
	for d := range chunks { // HDF5 has no zero-length chunks
		chunks[d] = max(chunks[d], 1)
	}
	w, err := store.NewHDF5Writer(path, dataset, l.Shape, chunks, l.DType,
		store.HDF5WriteOptions{Gzip: ho.Gzip, Shuffle: ho.Shuffle, Overwrite: ho.Overwrite})
	if err != nil {
		return fmt.Errorf("darray: to hdf5 %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			w.Abort()
		}
	}()
	aligned := a.Rechunk(ChunkSize(chunks...))
	if aligned.err != nil {
		return aligned.err
	}
	var blocks [][]int
	if a.Size() > 0 {
		graph.ForEachBlock(aligned.layer.Chunks.NumBlocks(), func(b []int) { blocks = append(blocks, append([]int{}, b...)) })
	}
	g, err := graph.LowerBlocks(aligned.layer, blocks)
	if err != nil {
		return fmt.Errorf("darray: to hdf5: %w", err)
	}
	var writes []int
	for i, b := range blocks {
		g.Tasks = append(g.Tasks, graph.Task{
			Key:    fmt.Sprintf("write %s:%s chunk %v", path, dataset, b),
			Op:     store.HDF5WriteOp,
			Params: &store.HDF5ChunkWrite{Tmp: w.Tmp, Chunk: b},
			Deps:   []int{g.Outputs[0].Tasks[i]},
		})
		writes = append(writes, len(g.Tasks)-1)
	}
	g.Outputs, g.Writes = []graph.Output{{Layer: aligned.layer, Tasks: writes}}, []string{w.Tmp}
	if _, err = executeGraph(ctx, g, opts); err != nil {
		return fmt.Errorf("darray: to hdf5 %s: %w", path, err)
	}
	if err = w.Finish(); err != nil {
		return fmt.Errorf("darray: to hdf5 %s: %w", path, err)
	}
	return nil
}
