package darray_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/darray-go/darray"
)

// TestFromNetCDFReadsAsNumPyAndXarray reads every variable of files netCDF4-python wrote in
// each format (classic, 64-bit offset, CDF-5, netCDF-4 classic and netCDF-4; one with a
// lone, unpadded record variable): raw, the values NumPy reads, under random chunkings;
// with DecodeCF, the values and dtype xarray decodes (fill and missing values to NaN,
// scale_factor and add_offset). Text variables are refused, naming the type.
func TestFromNetCDFReadsAsNumPyAndXarray(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "netcdf", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var files map[string]map[string]struct {
		Dims    []string
		Raw, CF *readOutcome
		Refuse  []string
	}
	if err := json.Unmarshal(raw, &files); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(18, 24))
	for file, vars := range files {
		path := filepath.Join("testdata", "netcdf", file)
		for name, want := range vars {
			if want.Refuse != nil {
				err := darray.FromNetCDF(path, name, darray.ChunkSpec{}).Err()
				if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), want.Refuse[0]) {
					t.Errorf("%s:%s: %v, want a refusal naming the file and %q", file, name, err, want.Refuse[0])
				}
				continue
			}
			for _, c := range []struct {
				label string
				want  *readOutcome
				opts  []darray.NetCDFOption
			}{{"raw", want.Raw, nil}, {"CF-decoded", want.CF, []darray.NetCDFOption{darray.DecodeCF()}}} {
				chunks := darray.ChunkSpec{}
				if shape := want.Raw.Shape; len(shape) > 0 && rng.IntN(2) == 0 {
					chunks = randomChunks(rng, shape)
				}
				got, err := darray.FromNetCDF(path, name, chunks, c.opts...).Compute(ctx)
				if err != nil {
					t.Errorf("%s:%s %s: %v", file, name, c.label, err)
					continue
				}
				sum := sha256.Sum256(got.Bytes(false))
				if got.DType().String() != c.want.DType || !slices.Equal(got.Shape(), c.want.Shape) || hex.EncodeToString(sum[:]) != c.want.SHA256 {
					t.Errorf("%s:%s %s: %v %v %v, NumPy/xarray read %s %v", file, name, c.label, got.DType(), got.Shape(), got, c.want.DType, c.want.Shape)
				}
			}
		}
	}
}
