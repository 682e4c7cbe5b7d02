package darray_test

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/nd"
)

// svgCounts parses an SVG (failing the test if it is not well-formed XML) and counts its
// elements by name.
func svgCounts(t *testing.T, svg string) map[string]int {
	t.Helper()
	counts := map[string]int{}
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed SVG: %v\n%s", err, svg)
		}
		if s, ok := tok.(xml.StartElement); ok {
			counts[s.Name.Local]++
		}
	}
	return counts
}

// The chunk picture draws a line at every block boundary (both edges included), up to
// maxGridLines per axis; beyond, the axis is shaded darker instead. Every dimension count
// gets a picture, and HTML puts it beside the table.
func TestChunkPictures(t *testing.T) {
	r := darray.NewRNG(1)
	cases := []struct {
		a     *darray.Array
		lines int
		dark  bool
	}{
		{r.Random([]int{1000}, darray.ChunkSize(300)), 5 + 2, false},                        // 4 blocks: 5 lines, and the 2 bar edges
		{r.Random([]int{40, 30}, darray.ChunkSize(10, 10)), 4 + 1 + 3 + 1, false},           // 4x3 blocks
		{r.Random([]int{100000, 100}, darray.ChunkSize(500, 100)), 2, true},                 // 200 row blocks: shaded
		{r.Random([]int{50, 40, 30}, darray.ChunkSize(10, 10, 10)), 2*4 + 2*5 + 2*6, false}, // 4, 5 and 6 boundaries, each on two faces
	}
	for i, c := range cases {
		counts := svgCounts(t, c.a.SVG())
		if counts["line"] != c.lines {
			t.Errorf("case %d: %d lines, want %d", i, counts["line"], c.lines)
		}
		if dark := strings.Contains(c.a.SVG(), "#8B4903"); dark != c.dark {
			t.Errorf("case %d: shaded %v, want %v", i, dark, c.dark)
		}
	}
	for _, shape := range [][]int{nil, {3, 4, 5, 6}} {
		a := darray.Zeros(shape, nd.Float64, darray.ChunkSize(-1))
		if counts := svgCounts(t, a.SVG()); counts["svg"] != 1 {
			t.Errorf("shape %v: %v", shape, counts)
		}
	}
	h := r.Random([]int{40, 30}, darray.ChunkSize(10, 10)).HTML()
	for _, want := range []string{"<svg", "(40, 30)", "(10, 10)", "12 chunks", "float64"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}
