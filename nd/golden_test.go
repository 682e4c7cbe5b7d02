package nd_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/darray-go/darray/internal/ndtest"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/npy"
)

// The golden files come from tools/golden/nd_golden.py (NumPy); see that script.
type goldenCase struct {
	Kind     string `json:"kind"`
	Op       string `json:"op"`
	In       []string
	Out      string
	Error    string
	Half     bool
	DType    string `json:"dtype"`
	Axis     any    `json:"axis"`
	KeepDims bool   `json:"keepdims"`
	DDof     int    `json:"ddof"`
	Index    string `json:"index"`
}

type goldenFile struct {
	NumPy     string            `json:"numpy"`
	Promotion map[string]string `json:"promotion"`
	Pairwise  map[string]any    `json:"pairwise"`
	Cases     []goldenCase      `json:"cases"`
}

var (
	goldenOnce   sync.Once
	goldenMeta   goldenFile
	goldenArrays map[string]*nd.Array
	goldenErr    error
)

func loadGolden(t *testing.T) (goldenFile, map[string]*nd.Array) {
	t.Helper()
	goldenOnce.Do(func() {
		dir := filepath.Join("testdata", "golden")
		raw, err := os.ReadFile(filepath.Join(dir, "cases.json"))
		if err != nil {
			goldenErr = err
			return
		}
		if goldenErr = json.Unmarshal(raw, &goldenMeta); goldenErr != nil {
			return
		}
		bundle, err := os.ReadFile(filepath.Join(dir, "arrays.bin"))
		if err != nil {
			goldenErr = err
			return
		}
		goldenArrays = map[string]*nd.Array{}
		for len(bundle) > 0 {
			n := binary.LittleEndian.Uint32(bundle)
			name := string(bundle[4 : 4+n])
			bundle = bundle[4+n:]
			size := binary.LittleEndian.Uint64(bundle)
			a, err := npy.Read(bytes.NewReader(bundle[8 : 8+size]))
			if err != nil {
				goldenErr = fmt.Errorf("%s: %w", name, err)
				return
			}
			goldenArrays[name] = a
			bundle = bundle[8+size:]
		}
	})
	if goldenErr != nil {
		t.Fatalf("loading golden files: %v", goldenErr)
	}
	return goldenMeta, goldenArrays
}

func closeFloat(g, w, rtol float64) bool {
	switch {
	case math.IsNaN(w):
		return math.IsNaN(g)
	case math.IsInf(w, 0) || w == 0:
		return g == w || math.Abs(g) <= rtol*1e-300
	}
	return math.Abs(g-w) <= rtol*math.Abs(w) || math.Abs(g-w) < 1e-300
}

// tolerance is the relative error allowed against NumPy: float32 results may differ by an
// ulp or so where NumPy computes in float32 and darray in float64, and reductions add in
// a different order when they run over several axes.
func tolerance(dt nd.DType, reduction bool) float64 {
	single := dt == nd.Float32 || dt == nd.Complex64
	switch {
	case single && reduction:
		return 2e-5
	case single:
		return 2e-6
	case reduction:
		return 1e-12
	}
	return 1e-14 // a few ulps: Go's math and the C library may round transcendentals differently
}

// checkError asserts that err is the counterpart of NumPy's exception.
func checkError(t *testing.T, label string, err error, numpyErr string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: NumPy raises %s, darray returned no error", label, numpyErr)
		return
	}
	var ndErr *nd.Error
	if !errors.As(err, &ndErr) {
		t.Errorf("%s: error %q is not an *nd.Error", label, err)
		return
	}
	want := map[string]error{"TypeError": nd.ErrDType, "IndexError": nd.ErrIndex, "AxisError": nd.ErrAxis}[numpyErr]
	if want != nil && !errors.Is(err, want) {
		t.Errorf("%s: NumPy raises %s, darray's error %q is of kind %v", label, numpyErr, err, ndErr.Kind)
	}
}

func TestGoldenPromotion(t *testing.T) {
	meta, _ := loadGolden(t)
	if len(meta.Promotion) != len(nd.DTypes)*len(nd.DTypes) {
		t.Fatalf("promotion table has %d entries", len(meta.Promotion))
	}
	for _, a := range nd.DTypes {
		for _, b := range nd.DTypes {
			want := meta.Promotion[a.String()+","+b.String()]
			if got := nd.ResultType(a, b).String(); got != want {
				t.Errorf("ResultType(%v, %v) = %v, NumPy gives %v", a, b, got, want)
			}
		}
	}
}

func runGolden(t *testing.T, kind string, compute func(c goldenCase, in []*nd.Array) (*nd.Array, error)) {
	meta, arrays := loadGolden(t)
	n := 0
	for _, c := range meta.Cases {
		if c.Kind != kind {
			continue
		}
		n++
		in := make([]*nd.Array, len(c.In))
		for i, name := range c.In {
			in[i] = arrays[name]
		}
		label := fmt.Sprintf("%s %s %v axis=%v keepdims=%v index=%q", kind, c.Op, inputDTypes(in), c.Axis, c.KeepDims, c.Index)
		got, err := compute(c, in)
		if c.Error != "" {
			checkError(t, label, err, c.Error)
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", label, err)
			continue
		}
		want := arrays[c.Out]
		rtol := tolerance(want.DType(), kind == "reduce")
		if c.Op == "power" && want.DType() == nd.Complex64 {
			rtol = 1e-5 // NumPy's single-precision cpowf loses digits that darray keeps
		}
		ndtest.Close(t, label, got, want, halfTol(c.Half, rtol))
	}
	if n == 0 {
		t.Fatalf("no %s cases in the golden file", kind)
	}
}

func inputDTypes(in []*nd.Array) []string {
	s := make([]string, len(in))
	for i, a := range in {
		s[i] = a.DType().String()
	}
	return s
}

func TestGoldenAsType(t *testing.T) {
	runGolden(t, "astype", func(c goldenCase, in []*nd.Array) (*nd.Array, error) {
		dt, err := nd.ParseDType(c.DType)
		if err != nil {
			return nil, err
		}
		return in[0].AsType(dt)
	})
}

func TestGoldenBinary(t *testing.T) {
	runGolden(t, "binary", func(c goldenCase, in []*nd.Array) (*nd.Array, error) {
		op, ok := nd.BinaryOpNamed(c.Op)
		if !ok {
			return nil, fmt.Errorf("no binary op %q", c.Op)
		}
		return nd.Binary(op, in[0], in[1])
	})
}

func TestGoldenUnary(t *testing.T) {
	runGolden(t, "unary", func(c goldenCase, in []*nd.Array) (*nd.Array, error) {
		op, ok := nd.UnaryOpNamed(c.Op)
		if !ok {
			return nil, fmt.Errorf("no unary op %q", c.Op)
		}
		return nd.Unary(op, in[0])
	})
}

func goldenAxes(axis any) []int {
	switch v := axis.(type) {
	case nil:
		return nil
	case float64:
		return []int{int(v)}
	case []any:
		out := []int{}
		for _, x := range v {
			out = append(out, int(x.(float64)))
		}
		return out
	}
	panic(fmt.Sprintf("axis %v", axis))
}

func TestGoldenReduce(t *testing.T) {
	runGolden(t, "reduce", func(c goldenCase, in []*nd.Array) (*nd.Array, error) {
		op, ok := nd.ReduceOpNamed(c.Op)
		if !ok {
			return nil, fmt.Errorf("no reduction %q", c.Op)
		}
		return nd.Reduce(op, in[0], nd.ReduceArgs{Axes: goldenAxes(c.Axis), KeepDims: c.KeepDims, DDof: c.DDof})
	})
}

func TestGoldenCumulative(t *testing.T) {
	runGolden(t, "cumulative", func(c goldenCase, in []*nd.Array) (*nd.Array, error) {
		op, ok := nd.CumOpNamed(c.Op)
		if !ok {
			return nil, fmt.Errorf("no cumulative op %q", c.Op)
		}
		return nd.Cumulative(op, in[0], goldenAxes(c.Axis)[0], nil)
	})
}

func TestGoldenIndex(t *testing.T) {
	runGolden(t, "index", func(c goldenCase, in []*nd.Array) (*nd.Array, error) {
		return in[0].IndexString(c.Index)
	})
}

func TestGoldenTake(t *testing.T) {
	runGolden(t, "take", func(c goldenCase, in []*nd.Array) (*nd.Array, error) {
		idx := make([]nd.Index, goldenAxes(c.Axis)[0]+1)
		for i := range idx {
			idx[i] = nd.Whole()
		}
		idx[len(idx)-1] = nd.Take(in[1])
		return in[0].Index(idx...)
	})
}

func TestGoldenMask(t *testing.T) {
	runGolden(t, "mask", func(c goldenCase, in []*nd.Array) (*nd.Array, error) {
		idx := make([]nd.Index, goldenAxes(c.Axis)[0]+1)
		for i := range idx {
			idx[i] = nd.Whole()
		}
		idx[len(idx)-1] = nd.Take(in[1])
		return in[0].Index(idx...)
	})
}

// TestPairwiseSumMatchesNumPy sums 1e7 values that NumPy and Go both compute bit for bit
// and requires NumPy's result to 1e-12 relative (the algorithms match, so it is usually exact).
func TestPairwiseSumMatchesNumPy(t *testing.T) {
	meta, _ := loadGolden(t)
	n := int(meta.Pairwise["n"].(float64))
	x := make([]float64, n)
	for i := range x {
		x[i] = math.Mod(float64(i)*0.6180339887498949, 1.0)
	}
	a, _ := nd.FromSlice(x)
	for _, tc := range []struct {
		op  nd.ReduceOp
		key string
	}{{nd.Sum, "sum"}, {nd.Mean, "mean"}, {nd.Var, "var"}} {
		want, _ := strconv.ParseFloat(meta.Pairwise[tc.key].(string), 64)
		r, err := nd.Reduce(tc.op, a, nd.ReduceArgs{})
		if err != nil {
			t.Fatal(err)
		}
		got := nd.Values[float64](r)[0]
		if rel := math.Abs(got-want) / math.Abs(want); rel > 1e-12 {
			t.Errorf("%v of 1e7 values = %.17g, NumPy gives %.17g (relative error %.3g)", tc.op, got, want, rel)
		}
	}
	// A naive running sum is measurably worse, which shows the test can tell them apart.
	naive := 0.0
	for _, v := range x {
		naive += v
	}
	want, _ := strconv.ParseFloat(meta.Pairwise["sum"].(string), 64)
	if naive == want {
		t.Logf("naive summation happens to match NumPy exactly")
	}
}

// halfTol is the tolerance against NumPy where NumPy computed in float16 (darray in
// float32): a few of its ulps.
func halfTol(half bool, rtol float64) float64 {
	if half {
		return max(rtol, 2e-3)
	}
	return rtol
}
