package store

import (
	"bytes"
	"encoding/gob"
	"fmt"

	"github.com/darray-go/darray/graph"
)

// Sources travel inside graphs to a cluster's workers as the way to open them again (a
// store and a path), not as what an open one has read: each worker reads the metadata
// itself, from the same files (a shared file system, or the same paths on every machine).

func init() {
	for _, v := range []any{Dir{}, &Flat{}, &Zarr{}, &Zarr3{}, &HDF5Dataset{}, &FlatWrite{}, &ZarrChunkWrite{}, &HDF5ChunkWrite{}} {
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

// UnmarshalBinary opens the array again from its store and path.
func (z *Zarr) UnmarshalBinary(data []byte) (err error) {
	z.KV, z.Path, err = decodeZarrLocation(data)
	if err != nil {
		return err
	}
	return z.load()
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

// UnmarshalBinary opens the array again from its store and path.
func (z *Zarr3) UnmarshalBinary(data []byte) (err error) {
	z.KV, z.Path, err = decodeZarrLocation(data)
	if err != nil {
		return err
	}
	return z.load()
}

type hdf5Location struct{ File, Name string }

// MarshalBinary gives the dataset's file and name.
func (d *HDF5Dataset) MarshalBinary() ([]byte, error) {
	return encodeLocation(hdf5Location{d.File, d.Name})
}

// UnmarshalBinary opens the dataset again from its file and name.
func (d *HDF5Dataset) UnmarshalBinary(data []byte) error {
	var loc hdf5Location
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&loc); err != nil {
		return fmt.Errorf("hdf5 dataset: %w", err)
	}
	f, err := OpenHDF5(loc.File)
	if err != nil {
		return err
	}
	defer f.Close()
	opened, err := f.Dataset(loc.Name)
	if err != nil {
		return err
	}
	*d = *opened
	return nil
}
