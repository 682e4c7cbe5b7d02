package zarr

import (
	"bytes"
	"encoding/gob"
	"fmt"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/internal/lazy"
	"github.com/darray-go/darray/store"
)

func init() {
	for _, v := range []any{&V2{}, &V3{}, &ChunkWrite{}} {
		graph.RegisterType(v)
	}
}

// location is where an array is: its store and its path in it.
type location struct {
	KV   store.KV
	Path string
}

func encodeLocation(v any) ([]byte, error) {
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode(v)
	return b.Bytes(), err
}

// MarshalBinary gives the array's store and path.
func (z *V2) MarshalBinary() ([]byte, error) { return encodeLocation(location{z.KV, z.Path}) }

// UnmarshalBinary keeps the array's store and path, to open it again on first use.
func (z *V2) UnmarshalBinary(data []byte) (err error) {
	z.KV, z.Path, err = decodeLocation(data)
	if err != nil {
		return err
	}
	kv, path := z.KV, z.Path
	z.reopen = lazy.New(func() (*V2, error) { return OpenV2(kv, path) })
	return nil
}

func decodeLocation(data []byte) (store.KV, string, error) {
	var loc location
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&loc); err != nil {
		return nil, "", fmt.Errorf("zarr array: %w", err)
	}
	return loc.KV, loc.Path, nil
}

// MarshalBinary gives the array's store and path.
func (z *V3) MarshalBinary() ([]byte, error) { return encodeLocation(location{z.KV, z.Path}) }

// UnmarshalBinary keeps the array's store and path, to open it again on first use.
func (z *V3) UnmarshalBinary(data []byte) (err error) {
	z.KV, z.Path, err = decodeLocation(data)
	if err != nil {
		return err
	}
	kv, path := z.KV, z.Path
	z.reopen = lazy.New(func() (*V3, error) { return OpenV3(kv, path) })
	return nil
}
