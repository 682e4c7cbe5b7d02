package store

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
)

// Text is an n-d array of strings, read whole: HDF5 and netCDF-4 string datasets (fixed
// and variable length) and netCDF-3 character arrays. Such data (station names, labels,
// units) is small next to the numbers it names; darray lists, prints and selects it but
// computes nothing with it.
type Text struct {
	Shape  []int
	Values []string // in C order
}

// MaxText bounds the bytes ReadText reads.
var MaxText int64 = 256 << 20

// ReadText reads a dataset of strings whole.
func (h *HDF5File) ReadText(path string) (*Text, error) {
	want := strings.Trim(path, "/")
	nodes, err := h.Walk()
	if err != nil {
		return nil, err
	}
	for _, n := range nodes {
		if n.Path != want || n.Dataset == nil {
			continue
		}
		ds := n.Dataset
		if ds.text == nil {
			return nil, h5err(h.Path, "dataset %s holds numbers, not text", ds.Name)
		}
		return h.readText(ds)
	}
	return nil, h5err(h.Path, "no dataset %q", path)
}

func (h *HDF5File) readText(ds *HDF5Dataset) (*Text, error) {
	total, ok := byteSize(1, ds.Shape)
	if !ok || int64(total) > MaxText {
		return nil, h5err(h.Path, "dataset %s: %v strings are more text than darray reads whole (%d bytes at most)", ds.Name, ds.Shape[:len(ds.Shape)-1], MaxText)
	}
	raw, err := ds.Read(graph.FullWindow(ds.Shape))
	if err != nil {
		return nil, err
	}
	b := raw.Bytes(false)
	elem := ds.text.size
	t := &Text{Shape: append([]int{}, ds.Shape[:len(ds.Shape)-1]...)}
	heap := map[uint64]map[uint32][]byte{} // global heap collections, parsed once each
	for at := 0; at+elem <= len(b); at += elem {
		e := b[at : at+elem]
		if !ds.text.vlenStr {
			t.Values = append(t.Values, string(bytes.TrimRight(e, "\x00 ")))
			continue
		}
		s, err := h.vlenStringCached(e, heap)
		if err != nil {
			return nil, fmt.Errorf("dataset %s: %w", ds.Name, err)
		}
		t.Values = append(t.Values, s)
	}
	return t, nil
}

// ReadText reads a character variable whole: its last dimension is each string's length,
// as netCDF-3 keeps text.
func (nc *NetCDF3File) ReadText(v *NetCDF3Var) (*Text, error) {
	if v.DType != 0 {
		return nil, fmt.Errorf("%w: %s: variable %q holds numbers, not text", ErrNetCDF, nc.Path, v.Name)
	}
	f := nc.flat(v, nd.Uint8) // characters, one byte each
	if n, ok := byteSize(1, f.Shape); !ok || int64(n) > MaxText {
		return nil, fmt.Errorf("%w: %s: variable %q is more text than darray reads whole", ErrNetCDF, nc.Path, v.Name)
	}
	if err := f.checkSize(); err != nil {
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
	t := &Text{Shape: append([]int{}, shape[:len(shape)-1]...)}
	for at := 0; at+width <= len(b) && width > 0; at += width {
		t.Values = append(t.Values, string(bytes.TrimRight(b[at:at+width], "\x00")))
	}
	return t, nil
}

// IsText reports whether the dataset holds strings (read them with ReadText).
func (d *HDF5Dataset) IsText() bool { return d.text != nil }

// Preview shows the first strings in NumPy's way, at most n of them.
func (t *Text) Preview(n int) string {
	var b strings.Builder
	b.WriteString("[")
	for i, v := range t.Values {
		if i == n {
			b.WriteString(" ...")
			break
		}
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%q", v)
	}
	b.WriteString("]")
	return b.String()
}
