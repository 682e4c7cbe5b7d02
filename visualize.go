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

// MaxPictureTasks is the largest task graph DOT draws task by task; larger graphs are
// drawn one node per layer.
const MaxPictureTasks = 500

// DOT returns the arrays' task graph (after optimization) in Graphviz's language, or the
// layer graph when it has more than MaxPictureTasks tasks.
func DOT(arrays ...*Array) (string, error) {
	g, err := Graph(arrays...)
	if err != nil {
		return "", err
	}
	if len(g.Tasks) <= MaxPictureTasks {
		return g.DOT(), nil
	}
	layers, _ := layersOf("dot", arrays)
	return graph.LayersDOT(layers...), nil
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
