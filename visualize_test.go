package darray_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/darray-go/darray"
)

func TestVisualize(t *testing.T) {
	dir := t.TempDir()
	x := darray.NewRNG(1).Random([]int{40, 40}, darray.ChunkSize(20))
	z := x.Add(x.T()).Index("::2, 20:").Mean(darray.Axis(1))
	dot := filepath.Join(dir, "g.dot")
	if err := darray.Visualize(dot, z); err != nil {
		t.Fatal(err)
	}
	text, _ := os.ReadFile(dot)
	if !strings.HasPrefix(string(text), "digraph") || !strings.Contains(string(text), "merge") {
		t.Errorf("DOT file: %.200s", text)
	}
	// A graph too large to draw task by task is drawn one node per layer.
	big := darray.NewRNG(1).Random([]int{1000, 1000}, darray.ChunkSize(10)).Sum()
	text2, err := darray.DOT(big)
	if err != nil || !strings.HasPrefix(text2, "digraph layers") || strings.Count(text2, "->") > 5 {
		t.Errorf("large graph: %v %.300s", err, text2)
	}
	// Layers are coloured by what they do: the generator green, the reduction orange.
	if !strings.Contains(text2, `fillcolor="#c7e9c0"`) || !strings.Contains(text2, `fillcolor="#fdae6b"`) {
		t.Errorf("layer colours missing: %.400s", text2)
	}
	if _, err := exec.LookPath("dot"); err == nil {
		svg := filepath.Join(dir, "g.svg")
		if err := darray.Visualize(svg, z); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(svg)
		if !strings.Contains(string(b), "<svg") {
			t.Errorf("not an SVG: %.100s", b)
		}
	} else {
		t.Log("Graphviz is not installed: SVG rendering not checked")
	}
	t.Setenv("PATH", "")
	err = darray.Visualize(filepath.Join(dir, "g.png"), z)
	if err == nil || !strings.Contains(err.Error(), "apt-get install graphviz") {
		t.Errorf("without dot: error %v", err)
	}
	if err := darray.Visualize(filepath.Join(dir, "g.bmp"), z); err == nil || !strings.Contains(err.Error(), ".bmp") {
		t.Errorf("unknown format: error %v", err)
	}
}

// The tutorial at 10000 x 10000 fuses into a few dozen tasks side by side, a strip no one
// can read: it is drawn by layers, each saying what it does.
func TestWideGraphsAreDrawnByLayers(t *testing.T) {
	x := darray.NewRNG(42).Random([]int{10000, 10000}, darray.ChunkSize(1000, 1000))
	z := x.Add(x.T()).Index("::2, 5000:").Mean(darray.Axis(1))
	text, err := darray.DOT(z)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(text, "digraph layers") {
		t.Fatalf("the tutorial is drawn task by task: %.300s", text)
	}
	for _, want := range []string{"random uniform", "transpose", "add", "slice", "mean over axes [1]"} {
		if !strings.Contains(text, want) {
			t.Errorf("no layer says %q: %s", want, text)
		}
	}
	// A narrow graph is still drawn task by task.
	small := darray.NewRNG(1).Random([]int{40, 40}, darray.ChunkSize(20)).Sum()
	if text, _ := darray.DOT(small); strings.HasPrefix(text, "digraph layers") {
		t.Errorf("a four-task graph is drawn by layers")
	}
}
