package hdf5

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/store"
)

// ReadText reads a dataset of strings whole.
func (h *File) ReadText(path string) (*store.Text, error) {
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

func (h *File) readText(ds *Dataset) (*store.Text, error) {
	total, ok := store.ByteSize(1, ds.Shape)
	if !ok || int64(total) > store.MaxText {
		return nil, h5err(h.Path, "dataset %s: %v strings are more text than darray reads whole (%d bytes at most)", ds.Name, ds.Shape[:len(ds.Shape)-1], store.MaxText)
	}
	raw, err := ds.Read(graph.FullWindow(ds.Shape))
	if err != nil {
		return nil, err
	}
	b := raw.Bytes(false)
	elem := ds.text.size
	t := &store.Text{Shape: append([]int{}, ds.Shape[:len(ds.Shape)-1]...)}
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

// IsText reports whether the dataset holds strings (read them with ReadText).
func (d *Dataset) IsText() bool { return d.text != nil }
