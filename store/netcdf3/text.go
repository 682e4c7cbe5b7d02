package netcdf3

import (
	"bytes"
	"fmt"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/store"
)

// ReadText reads a character variable whole: its last dimension is each string's length,
// as netCDF-3 keeps text.
func (nc *File) ReadText(v *Var) (*store.Text, error) {
	if v.DType != 0 {
		return nil, fmt.Errorf("%w: %s: variable %q holds numbers, not text", ErrFormat, nc.Path, v.Name)
	}
	f := nc.flat(v, nd.Uint8) // characters, one byte each
	if n, ok := store.ByteSize(1, f.Shape); !ok || int64(n) > store.MaxText {
		return nil, fmt.Errorf("%w: %s: variable %q is more text than darray reads whole", ErrFormat, nc.Path, v.Name)
	}
	if err := f.CheckSize(); err != nil {
		return nil, err
	}
	shape := f.Shape
	if len(shape) == 0 { // a single character
		shape = []int{1}
		f.Shape = shape
	}
	raw, err := f.Read(graph.FullWindow(f.Shape))
	if err != nil {
		return nil, err
	}
	b := raw.Bytes(false)
	width := shape[len(shape)-1]
	t := &store.Text{Shape: append([]int{}, shape[:len(shape)-1]...)}
	for at := 0; at+width <= len(b) && width > 0; at += width {
		t.Values = append(t.Values, string(bytes.TrimRight(b[at:at+width], "\x00")))
	}
	return t, nil
}
