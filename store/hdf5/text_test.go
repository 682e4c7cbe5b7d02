package hdf5

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestReadText reads string data as h5py and netCDF4-python wrote it: fixed- and
// variable-length HDF5 strings and netCDF-4 character arrays.
func TestReadText(t *testing.T) {
	h, err := Open(filepath.Join("..", "..", "testdata", "hdf5", "dtypes.h5"))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	for name, want := range map[string]string{
		"/string_fixed": "ab cde  f",           // tools/golden/hdf5_interop_golden.py: each row
		"/string_vlen":  "x yz  \u00e9t\u00e9", // the same
	} {
		txt, err := h.ReadText(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(txt.Shape) != 2 || txt.Shape[0] != 6 || txt.Shape[1] != 4 || len(txt.Values) != 24 {
			t.Fatalf("%s: shape %v, %d values", name, txt.Shape, len(txt.Values))
		}
		if got := strings.Join(txt.Values[:4], " "); got != want {
			t.Errorf("%s: first row %q, want %q", name, got, want)
		}
	}
	if _, err := h.ReadText("/i4_le"); err == nil {
		t.Error("a numeric dataset read as text")
	}
	if _, err := h.Dataset("/string_vlen"); err == nil || !strings.Contains(err.Error(), "text") {
		t.Errorf("a string dataset opened as numbers: %v", err)
	}
	h4, err := Open(filepath.Join("..", "..", "testdata", "netcdf", "nc4.nc"))
	if err != nil {
		t.Fatal(err)
	}
	defer h4.Close()
	txt, err := h4.ReadText("label") // netCDF-4 keeps characters as 1-byte strings, shape (4, 6)
	if err != nil || len(txt.Values) != 24 || strings.Join(txt.Values[:6], "") != "north" {
		t.Errorf("netCDF-4 label: %+v %v", txt, err)
	}
}
