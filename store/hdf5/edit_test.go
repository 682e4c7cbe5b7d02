package hdf5

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/internal/corrupt"
	"github.com/darray-go/darray/nd"
)

// readDatasets reads every dataset of a file that reads as an array.
func readDatasets(t *testing.T, path string) map[string]*nd.Array {
	t.Helper()
	f, err := Open(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	nodes, err := f.Walk()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := map[string]*nd.Array{}
	for _, n := range nodes {
		if n.Dataset == nil || n.Err != nil {
			continue
		}
		a, err := n.Dataset.Read(graph.FullWindow(n.Dataset.Shape))
		if err != nil {
			t.Fatalf("%s %s: %v", path, n.Path, err)
		}
		out[n.Path] = a
	}
	return out
}

func sameValues(t *testing.T, label string, got, want map[string]*nd.Array) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d datasets, want %d", label, len(got), len(want))
	}
	for name, w := range want {
		g := got[name]
		if g == nil || !bytes.Equal(g.Bytes(false), w.Bytes(false)) || nd.ShapeString(g.Shape()) != nd.ShapeString(w.Shape()) {
			t.Fatalf("%s: dataset %s differs", label, name)
		}
	}
}

// fillNewRows writes the chunks of an append along axis 0 of rows: the one the old end cuts
// through, and those after it.
func fillNewRows(w *Writer, rows *nd.Array) error {
	c0, cols := w.Chunks[0], rows.Shape()[1]
	for start := 0; start < rows.Shape()[0]; {
		n := min(c0-(w.grow.from+start)%c0, rows.Shape()[0]-start)
		part, err := rows.Index(nd.Slice(start, start+n, 1), nd.Slice(0, cols, 1))
		if err != nil {
			return err
		}
		if err := w.WriteChunk([]int{(w.grow.from + start) / c0, 0}, part); err != nil {
			return err
		}
		start += n
	}
	return nil
}

// appendRows grows /t (7 x 5, chunks 4 x 5) by rows, writing the chunks an append task
// would: the one the old end cuts through and those after it.
func appendRows(t *testing.T, path string, rows *nd.Array) error {
	t.Helper()
	w, err := NewAppender(path, "/t", 0, rows.Shape())
	if err != nil {
		t.Fatal(err)
	}
	if err := fillNewRows(w, rows); err != nil {
		t.Fatal(err)
	}
	return w.Finish()
}

// TestInterruptedEditLeavesOldOrNew: an append stopped at each step of its commit, as if
// the process died there (nothing after it written, nothing cleaned up), leaves a file
// whose every dataset reads as before, until the superblock is written, and as after,
// once it is; either way the next append works.
func TestInterruptedEditLeavesOldOrNew(t *testing.T) {
	defer func() { crashAt = nil }()
	rows, err := nd.Arange(nd.Float64, 0, 15, 1)
	if err != nil {
		t.Fatal(err)
	}
	if rows, err = rows.Reshape(3, 5); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"grow.h5", "grow_latest.h5"} {
		for _, step := range []string{"chunks", "metadata", "superblock"} {
			path := filepath.Join(t.TempDir(), name)
			data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hdf5", name))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(path, data, 0o644)
			before := readDatasets(t, path)
			grown, err := nd.Concatenate([]*nd.Array{before["t"], rows}, 0)
			if err != nil {
				t.Fatal(err)
			}
			after := map[string]*nd.Array{}
			for k, v := range before {
				after[k] = v
			}
			after["t"], after["soft"] = grown, grown
			crashAt = func(s string) bool { return s == step }
			if err := appendRows(t, path, rows); !errors.Is(err, errCrashed) {
				t.Fatalf("%s %s: %v", name, step, err)
			}
			crashAt = nil
			want := before
			if step == "superblock" {
				want = after
			}
			sameValues(t, name+" stopped after "+step, readDatasets(t, path), want)
			if err := appendRows(t, path, rows); err != nil {
				t.Fatalf("%s %s: the next append: %v", name, step, err)
			}
			again, _ := nd.Concatenate([]*nd.Array{want["t"], rows}, 0)
			want = maps(want)
			want["t"], want["soft"] = again, again
			sameValues(t, name+" appended after a stop at "+step, readDatasets(t, path), want)
		}
	}
}

func maps(m map[string]*nd.Array) map[string]*nd.Array {
	out := map[string]*nd.Array{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// TestEditRefusesALockedFile: while another program holds the file's lock (h5py holds it
// while a file is open), an edit fails at once, naming the file, and changes nothing.
func TestEditRefusesALockedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "grow.h5")
	data, _ := os.ReadFile(filepath.Join("..", "..", "testdata", "hdf5", "grow.h5"))
	os.WriteFile(path, data, 0o644)
	other, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := lockFile(other); err != nil {
		t.Skipf("no file locks here: %v", err)
	}
	_, err = NewAppender(path, "/t", 0, []int{1, 5})
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("grow.h5")) || !bytes.Contains([]byte(err.Error()), []byte("lock")) {
		t.Fatalf("got %v, want an error saying another program holds the file", err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, data) {
		t.Fatal("the file changed")
	}
}

// TestLookup3MatchesHDF5: the checksum of h5py's version 2+ superblocks, and lookup3's
// published test value.
func TestLookup3MatchesHDF5(t *testing.T) {
	if got := lookup3([]byte("Four score and seven years ago"), 0); got != 0x17770551 {
		t.Errorf("lookup3 = %#x, want 0x17770551", got)
	}
	for _, name := range []string{"latest.h5", "grow_latest.h5"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hdf5", name))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := lookup3(data[:44], 0), uint32(data[44])|uint32(data[45])<<8|uint32(data[46])<<16|uint32(data[47])<<24; got != want {
			t.Errorf("%s: superblock checksum %#x, stored %#x", name, got, want)
		}
	}
}

// FuzzHDF5Edit edits damaged files: appending rows to /t and adding a dataset must end in
// an error or a file that opens, never a panic or a hang.
func FuzzHDF5Edit(f *testing.F) {
	for _, name := range []string{"grow.h5", "grow_latest.h5"} {
		raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hdf5", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw, uint32(0), byte(0), uint32(0), byte(0), uint32(0))
		f.Add(raw, uint32(60), byte(0xff), uint32(0), byte(0), uint32(0))
	}
	rows, _ := nd.Full(nd.Float64, 2, 3, 5)
	f.Fuzz(func(t *testing.T, raw []byte, at1 uint32, v1 byte, at2 uint32, v2 byte, cut uint32) {
		path := filepath.Join(t.TempDir(), "f.h5")
		if err := os.WriteFile(path, corrupt.Bytes(raw, at1, v1, at2, v2, cut), 0o644); err != nil {
			t.Fatal(err)
		}
		if w, err := NewAppender(path, "/t", 0, rows.Shape()); err == nil {
			if fillNewRows(w, rows) == nil {
				w.Finish()
			} else {
				w.Abort()
			}
		}
		if w, err := NewWriter(path, "/g/added", []int{3, 5}, []int{3, 5}, nd.Float64, WriteOptions{}); err == nil {
			if w.WriteChunk([]int{0, 0}, rows) != nil {
				w.Abort()
			} else if w.Finish() == nil {
				if h, err := Open(path); err == nil {
					h.Walk()
					h.Close()
				}
			}
		}
	})
}
