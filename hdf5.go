package darray

import (
	"context"
	"fmt"
	"slices"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/store/hdf5"
)

// FromHDF5 opens a dataset of an HDF5 file lazily (pure Go; no HDF5 library needed). With
// the zero ChunkSpec the blocks are the dataset's chunks (or automatic for contiguous
// data), so every task reads and decompresses its own chunks, on every core at once.
func FromHDF5(path, dataset string, chunks ChunkSpec) *Array {
	f, err := hdf5.Open(path)
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
type contiguous struct{ DS *hdf5.Dataset }

func (c contiguous) Read(w graph.Window) (*nd.Array, error) { return c.DS.Read(w) }
func (c contiguous) Describe() string                       { return c.DS.Describe() }

// HDF5Options describe an HDF5 dataset to write.
type HDF5Options struct {
	Chunks  []int // chunk shape; nil: the array's own largest block
	Gzip    int   // deflate level 1-9; 0 for none
	Shuffle bool  // byte-shuffle before deflating (compresses numbers better)
	// MaxShape lets the dataset grow (AppendHDF5) up to this shape, -1 on an axis for no
	// limit, as h5py's maxshape with None. nil: the shape is fixed.
	MaxShape []int
	// Overwrite replaces a file already at the path, losing every other object in it.
	// Without it ToHDF5 adds the dataset to an existing file.
	Overwrite bool
}

// ToHDF5 computes a and writes it as a chunked dataset of an HDF5 file, in pure Go. The
// array is re-cut to the dataset's chunks so that each task compresses and appends exactly
// one chunk, in parallel. A new file appears at path only when complete. An existing file
// gains the dataset (an error if it has one of that name), as dask's to_hdf5 adds to a
// file: nothing in the file is rewritten or moved, and an interrupted write leaves the
// file as it was (see store's HDF5 editing). h5py and every HDF5 library read the result.
func ToHDF5(ctx context.Context, a *Array, path, dataset string, ho HDF5Options, opts ...ComputeOption) (err error) {
	if a == nil || a.err != nil {
		return a.Err()
	}
	l := a.layer
	chunks := slices.Clone(ho.Chunks)
	if chunks == nil {
		chunks = a.chunkSize()
	}
	for d := range chunks { // HDF5 has no zero-length chunks
		chunks[d] = max(chunks[d], 1)
	}
	w, err := hdf5.NewWriter(path, dataset, l.Shape, chunks, l.DType,
		hdf5.WriteOptions{Gzip: ho.Gzip, Shuffle: ho.Shuffle, Overwrite: ho.Overwrite, MaxShape: ho.MaxShape})
	if err != nil {
		return fmt.Errorf("darray: to hdf5 %s: %w", path, err)
	}
	aligned := a.Rechunk(ChunkSize(chunks...))
	if err := writeHDF5(ctx, aligned, w, func(b []int) []int { return b }, opts); err != nil {
		return fmt.Errorf("darray: to hdf5 %s: %w", path, err)
	}
	return nil
}

// AppendHDF5 grows an HDF5 dataset along axis by a's values, as h5py's resize followed by
// an assignment to the new part (dask has no equivalent). The dataset must be chunked with
// room to grow (h5py's maxshape, ToHDF5's MaxShape), a must match its shape on the other
// axes, and a's dtype must convert to the dataset's without loss. Only the chunks from the
// old end on are written (the one the old end cuts through is read and rewritten
// whole), in parallel; the file changes at once when everything is on disk, so that an
// interrupted append leaves the dataset as it was.
func AppendHDF5(ctx context.Context, a *Array, path, dataset string, axis int, opts ...ComputeOption) (err error) {
	if a == nil || a.err != nil {
		return a.Err()
	}
	w, err := hdf5.NewAppender(path, dataset, axis, a.Shape())
	if err != nil {
		return fmt.Errorf("darray: append to hdf5 %s: %w", path, err)
	}
	if axis < 0 {
		axis += a.NDim()
	}
	if got := nd.ResultType(a.DType(), w.DType); got != w.DType {
		w.Abort()
		return fmt.Errorf("darray: append to hdf5 %s: values of %v do not fit dataset %s of %v without loss; convert them with AsType first", path, a.DType(), dataset, w.DType)
	}
	// Blocks that fill the dataset's chunks from the old end on: along axis the first
	// block reaches the next chunk boundary, the rest are chunk long.
	from := w.Shape[axis] - a.Shape()[axis]
	lengths := make([][]int, a.NDim())
	for d, n := range a.Shape() {
		c, at := w.Chunks[d], 0
		if d == axis {
			at = from
		}
		for pos := 0; pos < n; {
			step := min(c-(at+pos)%c, n-pos)
			lengths[d] = append(lengths[d], step)
			pos += step
		}
		if n == 0 {
			lengths[d] = []int{0}
		}
	}
	aligned := a.AsType(w.DType).Rechunk(ChunkSizes(lengths...))
	first := from / w.Chunks[axis]
	err = writeHDF5(ctx, aligned, w, func(b []int) []int {
		c := slices.Clone(b)
		c[axis] += first
		return c
	}, opts)
	if err != nil {
		return fmt.Errorf("darray: append to hdf5 %s: %w", path, err)
	}
	return nil
}

// writeHDF5 computes aligned, each of its blocks the part of one chunk of w's dataset
// (chunkOf tells which), has each task write its chunk, and finishes the file.
func writeHDF5(ctx context.Context, aligned *Array, w *hdf5.Writer, chunkOf func([]int) []int, opts []ComputeOption) (err error) {
	defer func() {
		if err != nil {
			w.Abort()
		}
	}()
	if aligned.err != nil {
		return aligned.err
	}
	var blocks [][]int
	if aligned.Size() > 0 { // HDF5 has no empty chunks to write
		blocks = allBlocks(aligned)
	}
	err = storeBlocks(ctx, aligned, blocks, blockWriter{op: hdf5.WriteOp, writes: w.Tmp,
		task: func(b []int) (string, any) {
			c := chunkOf(b)
			return fmt.Sprintf("write %s:%s chunk %v", w.Path, w.Dataset, c), &hdf5.ChunkWrite{Tmp: w.Tmp, Chunk: c}
		}}, opts)
	if err != nil {
		return err
	}
	return w.Finish()
}
