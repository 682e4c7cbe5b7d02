package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestNumPyConformance evaluates the cases of issue 22 (tools/golden/conformance_golden.py)
// under several chunkings of the inputs: NumPy's printed value, dtype and shape.
func TestNumPyConformance(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "cli", "conformance")
	raw, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var expected map[string]struct {
		Str   string
		DType string
		Shape []int
	}
	if err := json.Unmarshal(raw, &expected); err != nil {
		t.Fatal(err)
	}
	var inputs []string
	for _, name := range []string{"f", "s", "b", "e", "v"} {
		inputs = append(inputs, "-i", name+"="+filepath.Join(dir, name+".npy"))
	}
	exprs := make([]string, 0, len(expected))
	for e := range expected {
		exprs = append(exprs, e)
	}
	sort.Strings(exprs)
	for _, chunks := range [][]string{nil, {"--chunks", "1"}, {"--chunks", "2,3"}} {
		for _, expr := range exprs {
			want := expected[expr]
			label := fmt.Sprintf("%s %v", expr, chunks)
			args := append(append(append([]string{"eval"}, inputs...), chunks...), expr)
			out, e, code := runCLI(t, args...)
			if code != 0 {
				t.Errorf("%s: exit %d: %s", label, code, firstLine(e))
				continue
			}
			if got := strings.TrimSuffix(out, "\n"); got != want.Str {
				t.Errorf("%s printed\n%s\nNumPy prints\n%s", label, got, want.Str)
			}
			args[len(args)-1] = "r = asarray(" + expr + "); (r.dtype, r.shape)"
			out, e, code = runCLI(t, args...)
			shape := make([]string, len(want.Shape))
			for i, n := range want.Shape {
				shape[i] = fmt.Sprint(n)
			}
			wantMeta := fmt.Sprintf("(%s, (%s))", want.DType, strings.Join(shape, ", "))
			if len(shape) == 1 {
				wantMeta = fmt.Sprintf("(%s, (%s,))", want.DType, shape[0])
			}
			if got := strings.TrimSuffix(out, "\n"); code != 0 || got != wantMeta {
				t.Errorf("%s: dtype and shape %s (%s), NumPy's %s", label, got, firstLine(e), wantMeta)
			}
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
