package cluster

import (
	"encoding/gob"
	"fmt"
	"io"

	"github.com/darray-go/darray/nd"
)

// A task's result travels (and is spilled) as one kind byte, then: 'a' an array in nd's
// binary form, 'p' a partial reduction state, 'g' anything else in encoding/gob (the
// byte counts storage writers return).

func writeResult(w io.Writer, v any) error {
	switch x := v.(type) {
	case *nd.Array:
		if _, err := w.Write([]byte{'a'}); err != nil {
			return err
		}
		return nd.WriteArray(w, x)
	case *nd.Partial:
		if _, err := w.Write([]byte{'p'}); err != nil {
			return err
		}
		return nd.WritePartial(w, x)
	}
	if _, err := w.Write([]byte{'g'}); err != nil {
		return err
	}
	return gob.NewEncoder(w).Encode(&v)
}

// resultSize is the number of bytes writeResult writes, or -1 when it cannot tell.
func resultSize(v any) int64 {
	if a, ok := v.(*nd.Array); ok {
		return 1 + nd.EncodedSize(a)
	}
	return -1
}

func readResult(r io.Reader, maxBytes int64) (any, error) {
	var kind [1]byte
	if _, err := io.ReadFull(r, kind[:]); err != nil {
		return nil, fmt.Errorf("result: %w", err)
	}
	switch kind[0] {
	case 'a':
		return nd.ReadArray(r, maxBytes)
	case 'p':
		return nd.ReadPartial(r, maxBytes)
	case 'g':
		var v any
		err := gob.NewDecoder(io.LimitReader(r, maxBytes)).Decode(&v)
		return v, err
	}
	return nil, fmt.Errorf("result of unknown kind %q", kind[0])
}

// sizeOf is the memory a result holds.
func sizeOf(v any) int64 {
	switch x := v.(type) {
	case *nd.Array:
		return int64(x.NBytes())
	case *nd.Partial:
		var n int64
		for _, a := range []*nd.Array{x.Count, x.Value, x.M2, x.Index} {
			if a != nil {
				n += int64(a.NBytes())
			}
		}
		return n
	}
	return 64
}

func init() {
	gob.Register(int64(0))
}
