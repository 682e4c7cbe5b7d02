package store

import (
	"bytes"
	"path/filepath"
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
