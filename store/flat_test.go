package store

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/npy"
)

// FuzzFlatWindows reads random windows (start, step, count, order) of .npy files in every
// layout and requires exactly the elements NumPy's own indexing picks, or an error for a
// window outside the array.
func FuzzFlatWindows(f *testing.F) {
	f.Add(uint8(0), 0, 1, 2, 1, 1, 3, true)
	f.Add(uint8(3), 1, -1, 2, 2, 2, 1, false)
	f.Fuzz(func(t *testing.T, variant uint8, s0, st0, c0, s1, st1, c1 int, transpose bool) {
		names := []string{"float64_le_C", "float64_be_F", "int16_be_C", "complex64_le_F", "bool_le_C", "uint32_be_F"}
		path := filepath.Join("..", "nd", "testdata", "golden", "npy", names[int(variant)%len(names)]+".npy")
		src, err := NPY(path)
		if err != nil {
			t.Fatal(err)
		}
		whole, err := npy.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// Window over the first two axes; the third is taken whole.
		w := graph.FullWindow(src.Shape)
		w.Start[0], w.Step[0], w.Count[0] = s0, st0, c0
		w.Start[1], w.Step[1], w.Count[1] = s1, st1, c1
		if transpose {
			w = w.Transposed([]int{2, 1, 0})
		}
		inside := true
		for d := 0; d < 2; d++ {
			last := w.Start[d] + w.Step[d]*(w.Count[d]-1)
			if w.Count[d] <= 0 || w.Step[d] == 0 || w.Count[d] > 64 || w.Start[d] < 0 || w.Start[d] >= src.Shape[d] || last < 0 || last >= src.Shape[d] {
				inside = false
			}
		}
		if !inside {
			return // Read's behaviour outside the array is an error; windows come from lowering
		}
		got, err := src.Read(w)
		if err != nil {
			t.Fatalf("%s window %+v: %v", path, w, err)
		}
		want, err := w.Apply(whole)
		if err != nil {
			t.Fatal(err)
		}
		if nd.ShapeString(got.Shape()) != nd.ShapeString(want.Shape()) || !bytes.Equal(got.Bytes(false), want.Bytes(false)) {
			t.Fatalf("%s window %+v: got %v, want %v", path, w, got, want)
		}
	})
}

// A file shorter than its header says (here: cut short after it was opened) is an error naming the file and the offset at every
// read that reaches past its end, never the previous row's bytes again (a window over a
// truncated 13 x 5 .npy once returned its last rows as copies of an earlier one).
func TestShortReadIsAnError(t *testing.T) {
	a, _ := nd.Arange(nd.Float64, 0, 65, 1)
	a, _ = a.Reshape(13, 5)
	path := filepath.Join(t.TempDir(), "short.npy")
	if err := npy.WriteFile(path, a); err != nil {
		t.Fatal(err)
	}
	src, err := NPY(path) // (opening checks the size: the file shrinks after that)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if err := os.Truncate(path, st.Size()-3*8*5-4); err != nil { // three rows and a half
		t.Fatal(err)
	}
	full := graph.FullWindow(src.Shape)
	if _, err := src.Read(full); err == nil || !strings.Contains(err.Error(), "short.npy") || !strings.Contains(err.Error(), "offset") {
		t.Errorf("whole array of a truncated file: got %v, want an error naming the file and offset", err)
	}
	head := graph.FullWindow(src.Shape)
	head.Count[0] = 9 // rows wholly in the file read as written
	got, err := src.Read(head)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := nd.At[float64](got, 8, 4); v != 44 {
		t.Errorf("element (8, 4): %v, want 44", v)
	}
	strided := graph.FullWindow(src.Shape)
	strided.Start[1], strided.Step[1], strided.Count[1] = 4, -2, 3
	if _, err := src.Read(strided); err == nil {
		t.Error("a reversed, strided window over the truncated rows read without error")
	}
}
