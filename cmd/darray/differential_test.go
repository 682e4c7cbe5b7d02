package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/npy"
)

// TestRandomExpressionsMatchNumPy evaluates 300 random expressions
// (tools/golden/differential_golden.py: element-wise operations, reductions with axes and
// keepdims, slices, fancy indices, casts, over float64, float32, integer and boolean
// inputs with empty and length-one axes), each under a random chunking of the inputs, and
// compares dtype, shape and values with NumPy's: integers and booleans exactly, floats
// within their precision (sums may add in another order).
func TestRandomExpressionsMatchNumPy(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "cli", "differential")
	raw, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Expr   string
		DType  string
		Shape  []int
		Values []any
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 250 {
		t.Fatalf("%d cases", len(cases))
	}
	var inputs []string
	for _, name := range []string{"a", "b", "i", "j", "k", "m", "w", "z"} {
		inputs = append(inputs, "-i", name+"="+filepath.Join(dir, name+".npy"))
	}
	chunkings := [][]string{nil, {"--chunks", "1"}, {"--chunks", "2"}, {"--chunks", "3,2"}, {"--chunks", "4,-1"}, {"--chunks", "-1,3"}}
	rng := rand.New(rand.NewPCG(22, 12))
	out := filepath.Join(t.TempDir(), "out.npy")
	failures := 0
	for _, c := range cases {
		chunks := chunkings[rng.IntN(len(chunkings))]
		args := append(append(append([]string{"eval"}, inputs...), chunks...), "-o", out, "asarray("+c.Expr+")")
		label := fmt.Sprintf("%s %v", c.Expr, chunks)
		os.Remove(out)
		_, e, code := runCLI(t, args...)
		if code != 0 {
			t.Errorf("%s: exit %d: %s", label, code, firstLine(e))
			failures++
			continue
		}
		got, err := npy.ReadFile(out)
		if err != nil {
			t.Errorf("%s: %v", label, err)
			continue
		}
		if msg := compareToNumPy(got, c.DType, c.Shape, c.Values); msg != "" {
			t.Errorf("%s: %s", label, msg)
			failures++
		}
		if failures > 20 {
			t.Fatal("too many failures")
		}
	}
}

// compareToNumPy says how got differs from NumPy's dtype, shape and values, or "".
func compareToNumPy(got *nd.Array, dtype string, shape []int, values []any) string {
	if got.DType().String() != dtype {
		return fmt.Sprintf("dtype %v, NumPy's %s", got.DType(), dtype)
	}
	if nd.ShapeString(got.Shape()) != nd.ShapeString(shape) {
		return fmt.Sprintf("shape %s, NumPy's %s", nd.ShapeString(got.Shape()), nd.ShapeString(shape))
	}
	vals := nd.Values[float64](got)
	rtol := 1e-9
	if got.DType() == nd.Float32 {
		rtol = 3e-5
	}
	for i, w := range values {
		var want float64
		switch x := w.(type) {
		case bool:
			if x {
				want = 1
			}
		case float64:
			want = x
		case string:
			want = map[string]float64{"nan": math.NaN(), "inf": math.Inf(1), "-inf": math.Inf(-1)}[x]
		}
		g := vals[i]
		switch {
		case math.IsNaN(want) || math.IsNaN(g):
			if math.IsNaN(want) != math.IsNaN(g) {
				return fmt.Sprintf("element %d is %v, NumPy's %v", i, g, want)
			}
		case math.IsInf(want, 0) || !got.DType().IsFloat():
			if g != want {
				return fmt.Sprintf("element %d is %v, NumPy's %v", i, g, want)
			}
		case math.Abs(g-want) > rtol*math.Max(math.Abs(want), 1):
			return fmt.Sprintf("element %d is %v, NumPy's %v", i, g, want)
		}
	}
	return ""
}
