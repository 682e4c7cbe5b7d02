package store

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"sync"

	"github.com/darray-go/darray/graph"
)

// Sources travel inside graphs to a cluster's workers as the way to open them again (a
// store and a path), not as what an open one has read: each worker reads the metadata
// itself, from the same files (a shared file system, or the same paths on every machine),
// when a task first reads it: decoding a graph never opens a file.

// reopen opens a decoded source on first use, once however many tasks use it.
type reopen[T any] struct {
	once sync.Once
	open func() (T, error)
	v    T
	err  error
}

func newReopen[T any](open func() (T, error)) *reopen[T] { return &reopen[T]{open: open} }

func (r *reopen[T]) get() (T, error) {
	r.once.Do(func() { r.v, r.err = r.open() })
	return r.v, r.err
}

// use is the opened source, or the decoded one (with no metadata) when opening failed: for
// the methods that return no error (the read that follows reports it).
func use[T any](self T, r *reopen[T]) T {
	if r == nil {
		return self
	}
	if v, err := r.get(); err == nil {
		return v
	}
	return self
}

func init() {
	for _, v := range []any{Dir{}, HTTP{}, &Flat{}, &Zarr{}, &Zarr3{}, &HDF5Dataset{}, &FlatWrite{}, &ZarrChunkWrite{}, &HDF5ChunkWrite{}} {
		graph.RegisterType(v)
	}
}

// zarrLocation is where an array is: its store and its path in it.
type zarrLocation struct {
	KV   KV
	Path string
}

func encodeLocation(v any) ([]byte, error) {
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode(v)
	return b.Bytes(), err
}

// MarshalBinary gives the array's store and path.
func (z *Zarr) MarshalBinary() ([]byte, error) { return encodeLocation(zarrLocation{z.KV, z.Path}) }

// UnmarshalBinary keeps the array's store and path, to open it again on first use.
func (z *Zarr) UnmarshalBinary(data []byte) (err error) {
	z.KV, z.Path, err = decodeZarrLocation(data)
	if err != nil {
		return err
	}
	kv, path := z.KV, z.Path
	z.reopen = newReopen(func() (*Zarr, error) { return OpenZarr(kv, path) })
	return nil
}

func decodeZarrLocation(data []byte) (KV, string, error) {
	var loc zarrLocation
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&loc); err != nil {
		return nil, "", fmt.Errorf("zarr array: %w", err)
	}
	return loc.KV, loc.Path, nil
}

// MarshalBinary gives the array's store and path.
func (z *Zarr3) MarshalBinary() ([]byte, error) { return encodeLocation(zarrLocation{z.KV, z.Path}) }

// UnmarshalBinary keeps the array's store and path, to open it again on first use.
func (z *Zarr3) UnmarshalBinary(data []byte) (err error) {
	z.KV, z.Path, err = decodeZarrLocation(data)
	if err != nil {
		return err
	}
	kv, path := z.KV, z.Path
	z.reopen = newReopen(func() (*Zarr3, error) { return OpenZarr3(kv, path) })
	return nil
}

type hdf5Location struct{ File, Name string }

// MarshalBinary gives the dataset's file and name.
func (d *HDF5Dataset) MarshalBinary() ([]byte, error) {
	return encodeLocation(hdf5Location{d.File, d.Name})
}

// UnmarshalBinary keeps the dataset's file and name, to open it again on first use.
func (d *HDF5Dataset) UnmarshalBinary(data []byte) error {
	var loc hdf5Location
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&loc); err != nil {
		return fmt.Errorf("hdf5 dataset: %w", err)
	}
	d.File, d.Name = loc.File, loc.Name
	d.reopen = newReopen(func() (*HDF5Dataset, error) {
		f, err := OpenHDF5(loc.File)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return f.Dataset(loc.Name)
	})
	return nil
}
