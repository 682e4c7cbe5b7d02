package hdf5

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/internal/corrupt"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/npy"
)

// walkTestFile lists the groups and datasets of a test file made by hdf5_golden.py.
func walkTestFile(t *testing.T, name string) (dir string, nodes []Node) {
	t.Helper()
	dir = filepath.Join("..", "..", "testdata", "hdf5")
	h, err := Open(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if nodes, err = h.Walk(); err != nil {
		t.Fatal(err)
	}
	return dir, nodes
}

// TestReadsH5pyFile reads every dataset of a file h5py wrote (tools/golden/hdf5_golden.py)
// and compares with what h5py read back.
func TestReadsH5pyFile(t *testing.T) {
	dir, nodes := walkTestFile(t, "golden.h5")
	datasets := 0
	for _, n := range nodes {
		if n.Path == "" {
			if n.Attrs["title"] != "darray golden file" || n.Attrs["version"] != complex(3, 0) {
				t.Errorf("root attributes %v", n.Attrs)
			}
		}
		if n.Path == "group/nested" && n.Attrs["units"] != "m/s" {
			t.Errorf("group attributes %v", n.Attrs)
		}
		if n.Dataset == nil {
			continue
		}
		datasets++
		want, err := npy.ReadFile(filepath.Join(dir, strings.ReplaceAll(n.Path, "/", "__")+".npy"))
		if err != nil {
			t.Fatal(err)
		}
		ds := n.Dataset
		got, err := ds.Read(graph.FullWindow(ds.Shape))
		if err != nil {
			t.Fatalf("%s: %v", n.Path, err)
		}
		if got.DType() != want.DType() || !bytes.Equal(got.Bytes(false), want.Bytes(false)) {
			t.Errorf("%s (%s, chunks %v, filters %v): got %v, want %v", n.Path, ds.Layout, ds.Chunks, ds.Filters, got, want)
		}
		// A strided, reversed window reads the same elements as h5py's slicing.
		if ds.DType != nd.Bool && len(ds.Shape) == 2 && ds.Shape[0] > 2 {
			w := graph.FullWindow(ds.Shape)
			w.Start[0], w.Step[0], w.Count[0] = ds.Shape[0]-1, -2, (ds.Shape[0]+1)/2
			part, err := ds.Read(w)
			if err != nil {
				t.Fatal(err)
			}
			wantPart, _ := want.IndexString("::-2")
			if !bytes.Equal(part.Bytes(false), wantPart.Bytes(false)) {
				t.Errorf("%s[::-2] differs", n.Path)
			}
		}
	}
	if datasets != 11 {
		t.Errorf("found %d datasets, want 11", datasets)
	}
}

func TestHDF5Errors(t *testing.T) {
	if _, err := Open(filepath.Join("..", "..", "testdata", "zarr", "zlib_c.npy")); err == nil || !strings.Contains(err.Error(), "not an HDF5 file") {
		t.Errorf("non-HDF5 file: %v", err)
	}
	h, err := Open(filepath.Join("..", "..", "testdata", "hdf5", "golden.h5"))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if _, err := h.Dataset("/nope"); err == nil || !strings.Contains(err.Error(), "/contiguous_f8") {
		t.Errorf("missing dataset: %v", err)
	}
}

// FuzzHDF5 corrupts a real file in up to two bytes and may cut it short: opening, walking
// and reading must give data or an error, never a panic or a hang. (The inputs are the
// corruptions, not the file, which keeps the fuzzer fast.)
func FuzzHDF5(f *testing.F) {
	f.Add(uint32(800), byte(0xff), uint32(2075), byte(0xff), uint32(0))
	f.Add(uint32(1803), byte(0xff), uint32(96), byte(3), uint32(5000))
	fuzzFile(f, "golden.h5")
}

// FuzzHDF5Latest does the same to the libver="latest" file: version 4 layouts, extensible
// arrays, version 2 B-trees, fractal heaps.
func FuzzHDF5Latest(f *testing.F) {
	f.Add(uint32(64369), byte(0xff), uint32(73565), byte(7), uint32(0))
	f.Add(uint32(1000), byte(0x80), uint32(0), byte(0), uint32(60000))
	fuzzFile(f, "latest.h5")
}

// FuzzHDF5Dtypes does the same to the file of every datatype h5py writes (compounds,
// enumerations, arrays, strings, references, half precision) and to the one behind a user
// block.
func FuzzHDF5Dtypes(f *testing.F) {
	f.Add(uint32(3000), byte(0x06), uint32(0), byte(0), uint32(0))
	f.Add(uint32(5000), byte(0xff), uint32(5001), byte(0x7f), uint32(90000))
	fuzzFile(f, "dtypes.h5")
}

func FuzzHDF5UserBlock(f *testing.F) {
	f.Add(uint32(520), byte(0x01), uint32(0), byte(0), uint32(0))
	f.Add(uint32(0), byte(0), uint32(0), byte(0), uint32(600))
	fuzzFile(f, "userblock.h5")
}

// FuzzHDF5Features damages the file of other tools' features (external data, committed
// types, N-bit and scale-offset filters, 4-byte addresses) and PyTables' filtered file.
func FuzzHDF5Features(f *testing.F) {
	f.Add(uint32(9000), byte(0x10), uint32(0), byte(0), uint32(0))
	f.Add(uint32(12000), byte(0xff), uint32(0), byte(0), uint32(13000))
	fuzzFile(f, "features.h5")
}

func FuzzHDF5Links(f *testing.F) {
	f.Add(uint32(700), byte(0x10), uint32(0), byte(0), uint32(0))
	f.Add(uint32(1500), byte(0xff), uint32(0), byte(0), uint32(2000))
	fuzzFile(f, "links_latest.h5", "links_target.h5")
}

// TestExternalLinksToThemselves: a file whose external links name the file itself (each
// listing would open it again, without end, or exponentially often with several links)
// is listed with those links marked unreadable, after a bounded number of opens.
func TestExternalLinksToThemselves(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hdf5", "links_latest.h5"))
	if err != nil {
		t.Fatal(err)
	}
	self := bytes.ReplaceAll(raw, []byte("links_target.h5"), []byte("links_latest.h5")) // same length
	if bytes.Equal(self, raw) {
		t.Fatal("no external link name to replace")
	}
	path := filepath.Join(t.TempDir(), "links_latest.h5")
	if err := os.WriteFile(path, self, 0o644); err != nil {
		t.Fatal(err)
	}
	h, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	nodes, err := h.Walk()
	if err != nil {
		t.Fatal(err)
	}
	var refused int
	for _, n := range nodes {
		if strings.HasPrefix(n.Path, "ext") && n.Err != nil {
			refused++
		}
	}
	if refused < 2 {
		t.Errorf("%d of the self-referring external links were refused: %v", refused, nodes)
	}
	if *h.opened > maxExternalOpens {
		t.Errorf("%d files opened to list one file", *h.opened)
	}
	if _, err := h.Dataset("/soft_g/x"); err != nil {
		t.Errorf("a soft link beside them: %v", err)
	}
}

func FuzzHDF5PyTables(f *testing.F) {
	f.Add(uint32(40000), byte(0x10), uint32(0), byte(0), uint32(0))
	f.Add(uint32(90000), byte(0xff), uint32(0), byte(0), uint32(100000))
	fuzzFile(f, "pytables.h5")
}

func fuzzFile(f *testing.F, name string, beside ...string) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hdf5", name))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, at1 uint32, v1 byte, at2 uint32, v2 byte, cut uint32) {
		mutated := corrupt.Bytes(raw, at1, v1, at2, v2, cut)
		dir := t.TempDir()
		path := filepath.Join(dir, "f.h5")
		if err := os.WriteFile(path, mutated, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, other := range beside { // files its external links name, undamaged
			b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hdf5", other))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, other), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		h, err := Open(path)
		if err != nil {
			return
		}
		defer h.Close()
		nodes, err := h.Walk()
		if err != nil {
			return
		}
		for _, n := range nodes {
			ds := n.Dataset
			if ds == nil || elements(ds.Shape) > 1<<14 || elements(ds.StoredChunks()) > 1<<14 {
				continue
			}
			ds.Read(graph.FullWindow(ds.Shape))
		}
	})
}

func elements(shape []int) int {
	n := 1
	for _, s := range shape {
		if s < 0 || s > 1<<20 {
			return 1 << 30
		}
		n *= s
		if n > 1<<30 {
			return n
		}
	}
	return n
}

// TestReadsLatestFormat reads datasets h5py wrote with libver="latest" (version 4 layouts).
func TestReadsLatestFormat(t *testing.T) {
	dir, nodes := walkTestFile(t, "latest.h5")
	read := 0
	for _, n := range nodes {
		if n.Group {
			continue
		}
		if n.Err != nil {
			t.Errorf("%s: %v", n.Path, n.Err)
			continue
		}
		want, err := npy.ReadFile(filepath.Join(dir, "latest__"+strings.ReplaceAll(n.Path, "/", "__")+".npy"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := n.Dataset.Read(graph.FullWindow(n.Dataset.Shape))
		if err != nil {
			t.Fatalf("%s: %v", n.Path, err)
		}
		if got.DType() != want.DType() || !bytes.Equal(got.Bytes(false), want.Bytes(false)) {
			t.Errorf("%s: got %v, want %v", n.Path, got, want)
		}
		read++
	}
	if read != 33 {
		t.Errorf("read %d datasets, want 33", read)
	}
	// The dense group's attributes, one of them a huge heap object.
	for _, n := range nodes {
		if n.Path != "dense" {
			continue
		}
		if len(n.Attrs) != 13 {
			t.Errorf("dense: %d attributes, want 13: %v", len(n.Attrs), n.Attrs)
		}
		if v, ok := n.Attrs["a07"].(complex128); !ok || v != 7.0/4 {
			t.Errorf("dense: a07 = %v, want 1.75", n.Attrs["a07"])
		}
		big, ok := n.Attrs["big"].(*nd.Array)
		if !ok || big.Size() != 1000 || nd.Values[float64](big)[999] != 999 {
			t.Errorf("dense: big = %v, want arange(1000)", n.Attrs["big"])
		}
	}
}

// TestTruncatedLayoutWideChunkSizes feeds a version 4 layout message that ends inside
// chunk sizes claimed to be 20 bytes wide: an error, not a panic.
func TestTruncatedLayoutWideChunkSizes(t *testing.T) {
	h := &File{Path: "corrupt.h5", offsetSz: 8, lengthSz: 8}
	ds := &Dataset{Name: "x"}
	msg := []byte{4, 2, 0, 1, 20, 1, 2, 3} // version 4, chunked, flags, rank 1, 20-byte sizes
	err := h.layout(ds, msg)
	if err == nil || !strings.Contains(err.Error(), "corrupt.h5") {
		t.Fatalf("got %v, want an error naming the file", err)
	}
}

// patchedCopy copies a test file into a temporary directory with the little-endian
// address old, where it follows the bytes prefix, replaced by new (the pair must occur
// exactly once).
func patchedCopy(t *testing.T, name string, prefix []byte, old, new uint64) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hdf5", name))
	if err != nil {
		t.Fatal(err)
	}
	from := binary.LittleEndian.AppendUint64(slices.Clone(prefix), old)
	to := binary.LittleEndian.AppendUint64(slices.Clone(prefix), new)
	if n := bytes.Count(raw, from); n != 1 {
		t.Fatalf("address %d after % x occurs %d times in %s", old, prefix, n, name)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, bytes.Replace(raw, from, to, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestHDF5AddressesPastTheEndAreErrors: data addresses and lengths are checked against the
// file's size. A contiguous dataset whose address points past the end, and a chunk whose
// address does, are errors naming the file, the dataset and the address; before the check
// the first gave thirteen identical rows and the second recycled buffer contents.
func TestHDF5AddressesPastTheEndAreErrors(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "hdf5", "golden.h5")
	h, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	contiguous, err := h.Dataset("/contiguous_f8")
	if err != nil {
		t.Fatal(err)
	}
	chunked, err := h.Dataset("/many_chunks")
	h.Close()
	if err != nil {
		t.Fatal(err)
	}
	if contiguous.Layout != "contiguous" || chunked.Layout != "chunked" {
		t.Fatalf("layouts %s and %s, want contiguous and chunked", contiguous.Layout, chunked.Layout)
	}
	layout := []byte{3, 1} // a version 3 layout message of the contiguous class
	bad := patchedCopy(t, "golden.h5", layout, contiguous.addr, contiguous.addr+1<<20)
	h, err = Open(bad)
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.Dataset("/contiguous_f8")
	h.Close()
	if err == nil || !strings.Contains(err.Error(), "past the end of the file") || !strings.Contains(err.Error(), "/contiguous_f8") {
		t.Errorf("contiguous data past the end: %v", err)
	}

	chunked.once.Do(chunked.loadIndex)
	if chunked.err != nil {
		t.Fatal(chunked.err)
	}
	var ref chunkRef
	for _, r := range chunked.index {
		ref = r
		break
	}
	// In the chunk B-tree, a chunk's address follows its key, whose last coordinate (along
	// the element "dimension") is always zero.
	bad = patchedCopy(t, "golden.h5", make([]byte, 8), ref.addr, 1<<40)
	h, err = Open(bad)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := h.Dataset("/many_chunks")
	h.Close()
	if err != nil {
		t.Fatal(err)
	}
	_, err = ds.Read(graph.FullWindow(ds.Shape))
	if err == nil || !strings.Contains(err.Error(), "past the end of the file") || !strings.Contains(err.Error(), "1099511627776") {
		t.Errorf("a chunk past the end: %v", err)
	}
}

// TestHDF5TruncatedFileIsAnError: a file cut short anywhere in its data gives an error
// for the datasets whose bytes are gone, never their values with zeros or stale bytes.
func TestHDF5TruncatedFileIsAnError(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hdf5", "golden.h5"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, cut := range []int{len(raw) - 1, len(raw) * 9 / 10, len(raw) * 3 / 4} {
		path := filepath.Join(dir, "cut.h5")
		if err := os.WriteFile(path, raw[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		h, err := Open(path)
		if err != nil {
			continue
		}
		nodes, err := h.Walk()
		h.Close()
		if err != nil {
			continue
		}
		for _, n := range nodes {
			if n.Dataset == nil {
				continue
			}
			got, err := n.Dataset.Read(graph.FullWindow(n.Dataset.Shape))
			if err != nil {
				continue
			}
			want, err := npy.ReadFile(filepath.Join("..", "..", "testdata", "hdf5", strings.ReplaceAll(n.Path, "/", "__")+".npy"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(false), want.Bytes(false)) {
				t.Errorf("cut at %d of %d: %s read without error but differs from h5py's values", cut, len(raw), n.Path)
			}
		}
	}
}
