package netcdf3

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestReadText reads a character array as netCDF4-python wrote it.
func TestReadText(t *testing.T) {
	want := []string{"north", "up", "south", "down"}
	nc, err := Open(filepath.Join("..", "..", "testdata", "netcdf", "classic.nc"))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := nc.Var("label")
	txt, err := nc.ReadText(v)
	if err != nil || strings.Join(txt.Values, ",") != strings.Join(want, ",") || len(txt.Shape) != 1 || txt.Shape[0] != 4 {
		t.Errorf("netCDF-3 label: %+v %v", txt, err)
	}
}
