package darray

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/darray-go/darray/graph"
)

// MaxPictureTasks is the largest task graph DOT draws task by task, and MaxPictureWidth
// the most tasks it draws side by side; larger or wider graphs (a reduction over a few
// dozen blocks is already a strip thousands of pixels wide) are drawn one node per layer:
// random, transpose, add, slice, mean.
const (
	MaxPictureTasks = 500
	MaxPictureWidth = 16
)

// DOT returns the arrays' task graph (after optimization) in Graphviz's language, or the
// layer graph when the task graph would not be readable (see MaxPictureTasks).
func DOT(arrays ...*Array) (string, error) {
	g, err := Graph(arrays...)
	if err != nil {
		return "", err
	}
	if len(g.Tasks) <= MaxPictureTasks && widestRank(g) <= MaxPictureWidth {
		return g.DOT(), nil
	}
	layers, _ := layersOf("dot", arrays)
	return graph.LayersDOT(layers...), nil
}

// widestRank is the most tasks at one depth (the longest path from a task without
// dependencies), as Graphviz lays them out in a row.
func widestRank(g *graph.Graph) int {
	depth := make([]int, len(g.Tasks))
	count := map[int]int{}
	widest := 0
	for i, t := range g.Tasks { // dependencies come before their tasks
		for _, d := range t.Deps {
			depth[i] = max(depth[i], depth[d]+1)
		}
		count[depth[i]]++
		widest = max(widest, count[depth[i]])
	}
	return widest
}

// Visualize writes a picture of the arrays' task graph to path: DOT text for ".dot", and
// an image rendered by Graphviz's dot for ".svg" and ".png".
func Visualize(path string, arrays ...*Array) error {
	text, err := DOT(arrays...)
	if err != nil {
		return err
	}
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	switch format {
	case "dot", "gv":
		return os.WriteFile(path, []byte(text), 0o644)
	case "svg", "png", "pdf":
	default:
		return fmt.Errorf("darray: visualize: unknown picture format %q (use .dot, .svg, .png or .pdf)", filepath.Ext(path))
	}
	dot, err := exec.LookPath("dot")
	if err != nil {
		return fmt.Errorf("darray: visualize: Graphviz's dot is not installed (apt-get install graphviz), so %s cannot be rendered; a .dot file needs nothing", path)
	}
	cmd := exec.Command(dot, "-T"+format, "-o", path)
	cmd.Stdin = strings.NewReader(text)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("darray: visualize: dot failed: %v: %s", err, stderr.String())
	}
	return nil
}
