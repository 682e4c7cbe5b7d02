package hdf5

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/darray-go/darray/nd"
)

// growth is what growing a dataset needs of it as it was.
type growth struct {
	ds   *Dataset
	axis int
	from int       // its length along axis before: where the new values start
	keep []message // its header's messages besides the shape and layout, copied as they are
}

// NewAppender prepares growing dataset in the HDF5 file at path along axis by values of
// the given shape, as h5py's resize followed by an assignment to the new part: the
// dataset must be chunked, with a maximum shape that leaves room. The chunk tasks write
// the dataset's chunks from its old length on (the first of them merging the old values
// of a chunk the old end cuts through); the file changes when Finish commits.
func NewAppender(path, dataset string, axis int, shape []int) (*Writer, error) {
	e, err := openEditor(path)
	if err != nil {
		return nil, err
	}
	w, err := e.appender(dataset, axis, shape)
	if err != nil {
		e.close()
		return nil, err
	}
	writers.Store(w.Tmp, w)
	return w, nil
}

func (e *editor) appender(dataset string, axis int, shape []int) (*Writer, error) {
	at, err := e.pathTo(dataset)
	if err != nil {
		return nil, err
	}
	if at.current == nil || len(at.missing) > 0 {
		return nil, h5err(e.path, "no dataset %s to append to", dataset)
	}
	if !at.current.hard() {
		return nil, h5err(e.path, "%s is a soft or external link; append to the dataset it names", dataset)
	}
	msgs, err := e.h.messages(at.current.addr)
	if err != nil {
		return nil, err
	}
	if _, isGroup, _ := e.h.groupLinks(dataset, msgs); isGroup {
		return nil, h5err(e.path, "%s is a group; append to a dataset", dataset)
	}
	name := strings.Trim(dataset, "/")
	ds, err := e.h.dataset(name, msgs)
	if err != nil {
		return nil, err
	}
	if err := e.singlyLinked(at.current.addr, msgs, ds.Name); err != nil {
		return nil, err
	}
	if err := ds.growable(axis, shape); err != nil {
		return nil, h5err(e.path, "appending to %s: %v", ds.Name, err)
	}
	if axis < 0 {
		axis += len(ds.Shape)
	}
	ds.once.Do(ds.loadIndex)
	if ds.err != nil {
		return nil, ds.err
	}
	w := &Writer{Path: e.path, Tmp: e.path, Dataset: ds.Name, Shape: slices.Clone(ds.Shape), Chunks: ds.Chunks,
		DType: ds.DType, maxShape: ds.maxShape, filters: ds.Filters, base: e.h.base, edit: e, at: at,
		next: e.end, chunks: map[string]writtenChunk{}}
	w.Shape[axis] += shape[axis]
	for key, ref := range ds.index {
		coords := parseChunkKey(key)
		for d := range coords {
			coords[d] *= ds.Chunks[d]
		}
		w.chunks[key] = writtenChunk{coords, ref.addr, ref.size, ref.mask}
	}
	g := &growth{ds: ds, axis: axis, from: ds.Shape[axis]}
	for _, m := range msgs {
		switch m.kind {
		case 0x00, 0x01, 0x08, 0x10, 0x16: // nil, dataspace, layout, continuation, reference count
		default:
			g.keep = append(g.keep, m)
		}
	}
	w.grow = g
	return w, nil
}

// growable checks that the dataset can take values of shape appended along axis.
func (d *Dataset) growable(axis int, shape []int) error {
	rank := len(d.Shape)
	if axis < -rank || axis >= rank {
		return fmt.Errorf("axis %d is out of range for %d dimensions", axis, rank)
	}
	if axis < 0 {
		axis += rank
	}
	if len(shape) != rank {
		return fmt.Errorf("values of shape %s do not match the dataset's shape %s", nd.ShapeString(shape), nd.ShapeString(d.Shape))
	}
	for k := range shape {
		if k != axis && shape[k] != d.Shape[k] {
			return fmt.Errorf("values of shape %s do not match the dataset's shape %s outside axis %d", nd.ShapeString(shape), nd.ShapeString(d.Shape), axis)
		}
	}
	switch {
	case d.Layout != "chunked":
		return fmt.Errorf("it is %s; only chunked datasets can grow (h5py: chunks= or maxshape=)", d.Layout)
	case d.edgeUnfiltered:
		return errors.New("it stores partial edge chunks unfiltered, which darray does not write")
	case !d.elem.plain() || d.BigEndian:
		return fmt.Errorf("its elements are stored as %s; darray appends to little-endian datasets of whole-byte numbers", d.elem.describe())
	case d.maxShape == nil:
		return errors.New("its maximum shape is its shape; it was not made to grow (h5py: maxshape=)")
	}
	if limit := d.maxShape[axis]; limit != undefAddr && uint64(d.Shape[axis])+uint64(shape[axis]) > limit {
		return fmt.Errorf("%d more along axis %d would pass its maximum shape %v", shape[axis], axis, d.maxShape)
	}
	for _, f := range d.Filters {
		if !encodable[f.ID] {
			return fmt.Errorf("its filter %s is one darray reads but does not write (gzip, shuffle and fletcher32 it writes)", f)
		}
	}
	return nil
}

func parseChunkKey(key string) []int {
	var out []int
	for part := range strings.SplitSeq(strings.TrimSuffix(key, ","), ",") {
		v, _ := strconv.Atoi(part)
		out = append(out, v)
	}
	return out
}
