package darray_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/darray-go/darray"
)

// mutationCase is one file's entry in testdata/mutations.json (tools/golden/mutation_golden.py).
type mutationCase struct {
	Copies    []string
	Arrays    []string
	Original  map[string]readOutcome
	Mutations []struct {
		File      string
		Kind      string // "bytes", "cut" or "append"
		At        []int
		Values    []int
		Reference map[string]readOutcome // what NumPy, zarr-python or h5py read
	}
}

// readOutcome is an error, or the dtype, shape and SHA-256 (C order, little-endian) of
// the values read.
type readOutcome struct {
	Error  string
	DType  string
	Shape  []int
	SHA256 string
}

func (o readOutcome) String() string {
	if o.Error != "" {
		return "error " + o.Error
	}
	return fmt.Sprintf("%s%v %s", o.DType, o.Shape, o.SHA256[:12])
}

func (o readOutcome) same(p readOutcome) bool {
	return o.Error == "" && p.Error == "" && o.DType == p.DType && o.SHA256 == p.SHA256 && fmt.Sprint(o.Shape) == fmt.Sprint(p.Shape)
}

// readMutated reads an array the way the command line opens it: a .npy file, a Zarr
// store's array, or FILE.h5:/dataset.
func readMutated(root, name string) readOutcome {
	var a *darray.Array
	switch {
	case strings.HasSuffix(name, ".npy"):
		a = darray.FromNPY(filepath.Join(root, name), darray.ChunkSpec{})
	case strings.Contains(name, ".h5:"):
		file, dataset, _ := strings.Cut(name, ":")
		a = darray.FromHDF5(filepath.Join(root, file), dataset, darray.ChunkSpec{})
	default:
		store, array, _ := strings.Cut(name, ".zarr/")
		a = darray.FromZarr(filepath.Join(root, store+".zarr"), array, darray.ChunkSpec{})
	}
	got, err := a.Compute(context.Background(), darray.MemoryLimit(256<<20))
	if err != nil {
		return readOutcome{Error: err.Error()}
	}
	sum := sha256.Sum256(got.Bytes(false))
	return readOutcome{DType: got.DType().String(), Shape: got.Shape(), SHA256: hex.EncodeToString(sum[:])}
}

// TestDamagedFilesGiveErrorsNotOtherNumbers damages small valid .npy, Zarr (zlib, and
// Blosc, which has no checksum) and HDF5 files at random (bytes overwritten, the file cut
// short, bytes appended: 480 seeded mutations, tools/golden/mutation_golden.py) and reads
// every array of each damaged copy. darray must give an error, the original values, or
// exactly what the reference reader (NumPy, zarr-python, h5py) reads from the same damaged
// file: damage to data that no checksum covers changes the numbers for every reader, but
// never into numbers that only darray would print. Each read runs under a memory limit
// and must allocate a bounded amount.
func TestDamagedFilesGiveErrorsNotOtherNumbers(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "mutations.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases map[string]mutationCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	for label, c := range cases {
		clean := t.TempDir()
		copyInto(t, clean, c.Copies)
		for _, name := range c.Arrays {
			if got := readMutated(clean, name); !got.same(c.Original[name]) {
				t.Fatalf("%s: %s reads as %v undamaged, NumPy as %v", label, name, got, c.Original[name])
			}
		}
		errors, references := 0, 0
		for i, m := range c.Mutations {
			work := filepath.Join(t.TempDir(), "m")
			copyInto(t, work, c.Copies)
			path := filepath.Join(work, m.File)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			switch m.Kind {
			case "bytes":
				for k, at := range m.At {
					data[at] = byte(m.Values[k])
				}
			case "cut":
				data = data[:m.At[0]]
			case "append":
				for _, v := range m.Values {
					data = append(data, byte(v))
				}
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, name := range c.Arrays {
				var got readOutcome
				bytes := allocated(func() { got = readMutated(work, name) })
				ref := m.Reference[name]
				switch {
				case got.Error != "":
					errors++
				case got.same(c.Original[name]):
				case got.same(ref):
					references++
				default:
					t.Errorf("%s mutation %d (%s of %s at %v): %s reads as %v; the original is %v and the reference reader gives %v",
						label, i, m.Kind, m.File, m.At, name, got, c.Original[name], ref)
				}
				if bytes > 512<<20 {
					t.Errorf("%s mutation %d: reading %s allocated %d MiB", label, i, name, bytes>>20)
				}
			}
		}
		t.Logf("%s: %d mutations: %d reads failed, %d gave the reference reader's changed values", label, len(c.Mutations), errors, references)
	}
}

func copyInto(t *testing.T, dir string, paths []string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if out, err := exec.Command("cp", "-r", filepath.Join("testdata", p), dir).CombinedOutput(); err != nil {
			t.Fatalf("%s", out)
		}
	}
}
