package darray_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/darray-go/darray"
)

// interopExpectation is one dataset's entry in testdata/hdf5/interop.json
// (tools/golden/hdf5_interop_golden.py): what NumPy reads through h5py, or the words a
// refusal must contain.
type interopExpectation struct {
	DType  string
	Shape  []int
	SHA256 string
	Sum    string   // NumPy's sum, for integers and booleans
	Refuse []string // set when darray must refuse the dataset
}

// TestHDF5ReadsEveryDtypeAsNumPyDoes reads every dataset of files h5py wrote with every
// datatype it can write (integers and floats of both byte orders, float16, complex,
// booleans, enumerations, compounds, strings, arrays, opaque, references) and files
// behind a user block: darray reads the values NumPy reads (float16 as float32), with
// NumPy's sum for integers, or refuses with an error naming the file, the dataset and
// what it cannot read.
func TestHDF5ReadsEveryDtypeAsNumPyDoes(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "hdf5", "interop.json"))
	if err != nil {
		t.Fatal(err)
	}
	var files map[string]map[string]interopExpectation
	if err := json.Unmarshal(raw, &files); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for file, datasets := range files {
		path := filepath.Join("testdata", "hdf5", file)
		names := make([]string, 0, len(datasets))
		for name := range datasets {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			want := datasets[name]
			a := darray.FromHDF5(path, name, darray.ChunkSpec{})
			got, err := a.Compute(ctx)
			if want.Refuse != nil {
				if err == nil {
					t.Errorf("%s:%s: read as %v %v, want a refusal", file, name, got.DType(), got.Shape())
					continue
				}
				msg := err.Error()
				if !strings.Contains(msg, file) || !strings.Contains(msg, name) {
					t.Errorf("%s:%s: refusal %q does not name the file and dataset", file, name, msg)
				}
				// The reason must be said apart from the names (which may contain the words).
				reason := strings.ReplaceAll(strings.ReplaceAll(msg, path, ""), name, "")
				for _, word := range want.Refuse {
					if !strings.Contains(reason, word) {
						t.Errorf("%s:%s: refusal %q does not say %q", file, name, msg, word)
					}
				}
				continue
			}
			if err != nil {
				t.Errorf("%s:%s: %v", file, name, err)
				continue
			}
			sum := sha256.Sum256(got.Bytes(false))
			if got.DType().String() != want.DType || !slices.Equal(got.Shape(), want.Shape) || hex.EncodeToString(sum[:]) != want.SHA256 {
				t.Errorf("%s:%s: read %v %v with other values than NumPy's %s %v", file, name, got.DType(), got.Shape(), want.DType, want.Shape)
				continue
			}
			if want.Sum != "" {
				s, err := a.Sum().Compute(ctx)
				if err != nil {
					t.Errorf("%s:%s: sum: %v", file, name, err)
				} else if s.String() != want.Sum {
					t.Errorf("%s:%s: sum %s, NumPy's %s", file, name, s, want.Sum)
				}
			}
		}
	}
}
