package hdf5

import (
	"bytes"
	"encoding/gob"
	"fmt"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/internal/lazy"
)

func init() {
	for _, v := range []any{&Dataset{}, &ChunkWrite{}} {
		graph.RegisterType(v)
	}
}

func encodeLocation(v any) ([]byte, error) {
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode(v)
	return b.Bytes(), err
}

type location struct{ File, Name string }

// MarshalBinary gives the dataset's file and name.
func (d *Dataset) MarshalBinary() ([]byte, error) {
	return encodeLocation(location{d.File, d.Name})
}

// UnmarshalBinary keeps the dataset's file and name, to open it again on first use.
func (d *Dataset) UnmarshalBinary(data []byte) error {
	var loc location
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&loc); err != nil {
		return fmt.Errorf("hdf5 dataset: %w", err)
	}
	d.File, d.Name = loc.File, loc.Name
	d.reopen = lazy.New(func() (*Dataset, error) {
		f, err := Open(loc.File)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return f.Dataset(loc.Name)
	})
	return nil
}
