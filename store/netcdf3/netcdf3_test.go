package netcdf3

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/internal/corrupt"
)

// FuzzNetCDF3 damages netCDF-3 files (classic, CDF-5) in up to two bytes and may cut them
// short: opening and reading every variable must give data or an error, never a panic, a
// hang or an allocation the file cannot justify.
func FuzzNetCDF3(f *testing.F) {
	files := map[uint8][]byte{}
	for i, name := range []string{"classic.nc", "cdf5.nc", "onerecord.nc"} {
		raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "netcdf", name))
		if err != nil {
			f.Fatal(err)
		}
		files[uint8(i)] = raw
	}
	f.Add(uint8(0), uint32(9), byte(0xff), uint32(0), byte(0), uint32(0))
	f.Add(uint8(1), uint32(200), byte(0x7f), uint32(300), byte(1), uint32(900))
	f.Add(uint8(2), uint32(0), byte(0), uint32(0), byte(0), uint32(60))
	f.Fuzz(func(t *testing.T, which uint8, at1 uint32, v1 byte, at2 uint32, v2 byte, cut uint32) {
		mutated := corrupt.Bytes(files[which%3], at1, v1, at2, v2, cut)
		path := filepath.Join(t.TempDir(), "f.nc")
		if err := os.WriteFile(path, mutated, 0o644); err != nil {
			t.Fatal(err)
		}
		nc, err := Open(path)
		if err != nil {
			return
		}
		for _, v := range nc.Vars {
			src, err := nc.Source(v)
			if err != nil {
				continue
			}
			n := int64(1)
			for _, s := range src.Shape {
				n *= int64(s)
			}
			if n > 1<<20 {
				continue // a header may claim more than the file holds only when checkSize let it
			}
			src.Read(graph.FullWindow(src.Shape))
		}
	})
}
