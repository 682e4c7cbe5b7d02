package darray_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/internal/ndtest"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/npy"
)

func must(a *nd.Array, err error) *nd.Array {
	if err != nil {
		panic(err)
	}
	return a
}

// randomChunks cuts every axis of shape into random block lengths.
func randomChunks(rng *rand.Rand, shape []int) darray.ChunkSpec {
	sizes := make([][]int, len(shape))
	for d, n := range shape {
		if n == 0 {
			sizes[d] = []int{0}
			continue
		}
		for left := n; left > 0; {
			c := min(left, 1+rng.IntN(max(n/2, 1)+1))
			sizes[d] = append(sizes[d], c)
			left -= c
		}
	}
	return darray.ChunkSizes(sizes...)
}

func randomData(rng *rand.Rand, shape ...int) *nd.Array {
	n := 1
	for _, s := range shape {
		n *= s
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = math.Round(rng.NormFloat64()*100) / 8 // exact in binary: element-wise results compare exactly
	}
	return must(nd.FromSlice(v, shape...))
}

func compute(t *testing.T, a *darray.Array) *nd.Array {
	t.Helper()
	got, err := a.Compute(context.Background())
	if err != nil {
		t.Fatalf("compute %v: %v", a, err)
	}
	return got
}

func closeTo(g, w, rtol float64) bool {
	if math.IsNaN(w) {
		return math.IsNaN(g)
	}
	if g == w {
		return true
	}
	return math.Abs(g-w) <= rtol*math.Abs(w)
}

// expression pairs a lazy expression with the same computation on in-memory arrays.
type expression struct {
	name  string
	lazy  func(x, y *darray.Array) *darray.Array
	eager func(x, y *nd.Array) (*nd.Array, error)
	exact bool
}

func reduceEager(op nd.ReduceOp, axes []int, keep bool) func(x, y *nd.Array) (*nd.Array, error) {
	return func(x, _ *nd.Array) (*nd.Array, error) {
		return nd.Reduce(op, x, nd.ReduceArgs{Axes: axes, KeepDims: keep})
	}
}

func expressions() []expression {
	ex := []expression{
		{"x + y", func(x, y *darray.Array) *darray.Array { return x.Add(y) },
			func(x, y *nd.Array) (*nd.Array, error) { return nd.Binary(nd.Add, x, y) }, true},
		{"x * 2 - y[0]", func(x, y *darray.Array) *darray.Array { return x.Mul(2).Sub(y.Index("0")) },
			func(x, y *nd.Array) (*nd.Array, error) {
				a, _ := nd.Binary(nd.Multiply, x, nd.Scalar(2.0))
				return nd.Binary(nd.Subtract, a, must(y.IndexString("0")))
			}, true},
		{"x + x.T", func(x, _ *darray.Array) *darray.Array { return x.Add(x.T()) },
			func(x, _ *nd.Array) (*nd.Array, error) { return nd.Binary(nd.Add, x, x.T()) }, true},
		{"(x + x.T)[::2, 7:]", func(x, _ *darray.Array) *darray.Array { return x.Add(x.T()).Index("::2, 7:") },
			func(x, _ *nd.Array) (*nd.Array, error) {
				return must(nd.Binary(nd.Add, x, x.T())).IndexString("::2, 7:")
			}, true},
		{"x[::-3, 1:-1].T", func(x, _ *darray.Array) *darray.Array { return x.Index("::-3, 1:-1").T() },
			func(x, _ *nd.Array) (*nd.Array, error) { return must(x.IndexString("::-3, 1:-1")).T(), nil }, true},
		{"x[2, None, ..., ::4]", func(x, _ *darray.Array) *darray.Array { return x.Index("2, None, ..., ::4") },
			func(x, _ *nd.Array) (*nd.Array, error) { return x.IndexString("2, None, ..., ::4") }, true},
		{"exp(x/10) > y", func(x, y *darray.Array) *darray.Array { return darray.Unary(nd.Exp, x.Div(10)).Greater(y) },
			func(x, y *nd.Array) (*nd.Array, error) {
				return nd.Binary(nd.Greater, must(nd.Unary(nd.Exp, must(nd.Binary(nd.Divide, x, nd.Scalar(10.0))))), y)
			}, true},
		{"where(x > 0, x, y).astype(float32)", func(x, y *darray.Array) *darray.Array { return darray.Where(x.Greater(0), x, y).AsType(nd.Float32) },
			func(x, y *nd.Array) (*nd.Array, error) {
				return must(nd.Where(must(nd.Binary(nd.Greater, x, nd.Scalar(0.0))), x, y)).AsType(nd.Float32)
			}, true},
		{"expand_dims(x, 1).squeeze()", func(x, _ *darray.Array) *darray.Array { return x.ExpandDims(1).Squeeze(1).ExpandDims(0) },
			func(x, _ *nd.Array) (*nd.Array, error) { return x.ExpandDims(0) }, true},
		{"broadcast_to(x[0], (3, n))", func(x, _ *darray.Array) *darray.Array { return x.Index("0").BroadcastTo(3, x.Shape()[1]) },
			func(x, _ *nd.Array) (*nd.Array, error) { return must(x.IndexString("0")).BroadcastTo(3, x.Shape()[1]) }, true},
		{"moveaxis", func(x, _ *darray.Array) *darray.Array { return x.ExpandDims(0).MoveAxis(0, 2).SwapAxes(0, 1) },
			func(x, _ *nd.Array) (*nd.Array, error) {
				e := must(x.ExpandDims(0))
				m := must(e.MoveAxis(0, 2))
				return m.SwapAxes(0, 1)
			}, true},
		{"cumsum axis 0", func(x, _ *darray.Array) *darray.Array { return x.CumSum(0) },
			func(x, _ *nd.Array) (*nd.Array, error) { return nd.Cumulative(nd.CumSum, x, 0, nil) }, false},
		{"cumprod axis 1 of x/8", func(x, _ *darray.Array) *darray.Array { return x.Div(8).CumProd(1) },
			func(x, _ *nd.Array) (*nd.Array, error) {
				return nd.Cumulative(nd.CumProd, must(nd.Binary(nd.Divide, x, nd.Scalar(8.0))), 1, nil)
			}, false},
		{"take", func(x, _ *darray.Array) *darray.Array {
			return x.IndexWith(nd.Whole(), nd.Take(must(nd.FromSlice([]int64{3, 0, 0, -1, 5}))))
		}, func(x, _ *nd.Array) (*nd.Array, error) {
			return x.Index(nd.Whole(), nd.Take(must(nd.FromSlice([]int64{3, 0, 0, -1, 5}))))
		}, true},
		{"mask", func(x, _ *darray.Array) *darray.Array {
			m := make([]bool, x.Shape()[0])
			for i := range m {
				m[i] = i%3 != 1
			}
			return x.IndexWith(nd.Take(must(nd.FromSlice(m))))
		}, func(x, _ *nd.Array) (*nd.Array, error) {
			m := make([]bool, x.Shape()[0])
			for i := range m {
				m[i] = i%3 != 1
			}
			return x.Index(nd.Take(must(nd.FromSlice(m))))
		}, true},
	}
	for _, op := range []nd.ReduceOp{nd.Sum, nd.Prod, nd.Mean, nd.Var, nd.Std, nd.Min, nd.Max, nd.ArgMin,
		nd.ArgMax, nd.Any, nd.All, nd.CountNonzero, nd.NanSum, nd.NanMean, nd.NanVar, nd.NanMin, nd.NanMax, nd.NanArgMax} {
		for _, axes := range [][]int{nil, {0}, {1}} {
			for _, keep := range []bool{false, true} {
				if op.IsArg() && keep {
					continue
				}
				opts := []darray.ReduceOption{darray.SplitEvery(2 + len(ex)%4)}
				if axes != nil {
					opts = append(opts, darray.Axis(axes...))
				}
				if keep {
					opts = append(opts, darray.KeepDims())
				}
				input := func(x *darray.Array) *darray.Array { return x }
				eagerIn := func(x *nd.Array) *nd.Array { return x }
				if op == nd.Prod {
					input = func(x *darray.Array) *darray.Array { return x.Div(20) }
					eagerIn = func(x *nd.Array) *nd.Array { return must(nd.Binary(nd.Divide, x, nd.Scalar(20.0))) }
				}
				ex = append(ex, expression{
					name:  fmt.Sprintf("%v axes=%v keepdims=%v", op, axes, keep),
					lazy:  func(x, _ *darray.Array) *darray.Array { return input(x).Reduce(op, opts...) },
					eager: func(x, y *nd.Array) (*nd.Array, error) { return reduceEager(op, axes, keep)(eagerIn(x), y) },
				})
			}
		}
	}
	return ex
}

// TestChunkingNeverChangesResults computes every expression under many random chunkings
// of its inputs and compares with the in-memory computation: exactly for element-wise
// work, to 1e-12 for float reductions.
func TestChunkingNeverChangesResults(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, e := range expressions() {
		for trial := range 6 {
			n, m := 5+rng.IntN(20), 5+rng.IntN(20)
			if strings.Contains(e.name, "x.T") || strings.Contains(e.name, "x + x.T") {
				m = n
			}
			xd, yd := randomData(rng, n, m), randomData(rng, m)
			if trial%2 == 1 { // NaNs for the nan-reductions and NaN propagation
				vals := must(xd.Copy(), nil)
				v, _ := nd.Data[float64](vals)
				v[rng.IntN(len(v))] = math.NaN()
				xd = vals
			}
			want, err := e.eager(xd, yd)
			if err != nil {
				t.Fatalf("%s: eager: %v", e.name, err)
			}
			x := darray.FromArray(xd, randomChunks(rng, xd.Shape()))
			y := darray.FromArray(yd, randomChunks(rng, yd.Shape()))
			lazy := e.lazy(x, y)
			got := compute(t, lazy)
			rtol := 1e-12
			if e.exact {
				rtol = 0
			}
			ndtest.Close(t, fmt.Sprintf("%s with chunks %v", e.name, x.Chunks()), got, want, rtol)
			if nd.ShapeString(lazy.Shape()) != nd.ShapeString(want.Shape()) || lazy.DType() != want.DType() {
				t.Fatalf("%s: lazy metadata %v %v, result %v %v", e.name, lazy.Shape(), lazy.DType(), want.Shape(), want.DType())
			}
		}
	}
}

func TestRandomDoesNotDependOnChunks(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, gen := range []darray.RNG{darray.NewRNG(7), darray.NewPhiloxRNG(7)} {
		for _, kind := range []string{"random", "normal", "integers"} {
			make := func(c darray.ChunkSpec) *darray.Array {
				switch kind {
				case "normal":
					return gen.Normal(1, 2, []int{37, 23}, c)
				case "integers":
					return gen.Integers(-5, 50, []int{37, 23}, c)
				}
				return gen.Random([]int{37, 23}, c)
			}
			ref := compute(t, make(darray.ChunkSize(-1)))
			for range 5 {
				c := randomChunks(rng, []int{37, 23})
				ndtest.Close(t, kind+" under other chunks", compute(t, make(c)), ref, 0)
				// Transposed and strided selections generate exactly the same elements.
				sel := compute(t, make(c).T().Index("::-2, 3::5"))
				ndtest.Close(t, kind+" selection", sel, must(ref.T().IndexString("::-2, 3::5")), 0)
			}
		}
	}
	a := compute(t, darray.NewRNG(1).Random([]int{1000}, darray.ChunkSize(100)))
	b := compute(t, darray.NewRNG(2).Random([]int{1000}, darray.ChunkSize(100)))
	if nd.Values[float64](a)[0] == nd.Values[float64](b)[0] {
		t.Error("different seeds give the same numbers")
	}
	mean := compute(t, darray.NewRNG(3).Random([]int{100000}, darray.ChunkSize(7000)).Mean())
	if m := nd.Values[float64](mean)[0]; math.Abs(m-0.5) > 0.005 {
		t.Errorf("mean of 1e5 uniform numbers is %v", m)
	}
}

func TestCreationFunctions(t *testing.T) {
	c := darray.ChunkSize(3)
	cases := []struct {
		lazy *darray.Array
		want *nd.Array
	}{
		{darray.Arange(2, 20, 1.5, nd.Float64, c), must(nd.Arange(nd.Float64, 2, 20, 1.5))},
		{darray.Arange(0, 10, 1, nd.Int32, c), must(nd.Arange(nd.Int32, 0, 10, 1))},
		{darray.Linspace(0, 1, 11, true, nd.Float64, c), must(nd.Linspace(nd.Float64, 0, 1, 11, true))},
		{darray.Linspace(0, 1, 10, false, nd.Float32, c), must(nd.Linspace(nd.Float32, 0, 1, 10, false))},
		{darray.Eye(5, 7, 1, nd.Int64, c), must(nd.Eye(nd.Int64, 5, 7, 1))},
		{darray.Full([]int{4, 5}, 2.5, nd.Float32, c), must(nd.Full(nd.Float32, 2.5, 4, 5))},
		{darray.Ones([]int{4}, nd.Bool, c), must(nd.Ones(nd.Bool, 4))},
		{darray.Zeros([]int{0, 3}, nd.Int8, c), must(nd.Zeros(nd.Int8, 0, 3))},
	}
	for i, tc := range cases {
		ndtest.Close(t, fmt.Sprintf("case %d", i), compute(t, tc.lazy), tc.want, 1e-15)
		ndtest.Close(t, fmt.Sprintf("case %d transposed", i), compute(t, tc.lazy.T()), tc.want.T().Copy(), 1e-15)
	}
}

func TestErrorsAreStickyAndNamed(t *testing.T) {
	x := darray.Ones([]int{4, 5}, nd.Float64, darray.ChunkSize(2))
	cases := []struct {
		a    *darray.Array
		says []string
	}{
		{x.Add(darray.Ones([]int{3}, nd.Float64, darray.ChunkSize(2))), []string{"add", "(4, 5)", "(3,)"}},
		{x.Index("0, 0, 0"), []string{"index", "too many indices"}},
		{x.Index("9"), []string{"index", "out of bounds"}},
		{x.Sum(darray.Axis(2)), []string{"sum", "axis 2"}},
		{x.Transpose(0, 0), []string{"transpose", "repeated"}},
		{x.Rechunk(darray.ChunkSize(0)), []string{"rechunk", "positive"}},
		{darray.Binary(nd.BitwiseAnd, x, x), []string{"bitwise_and", "float64"}},
		{x.Add("text"), []string{"add", "string"}},
		{x.Squeeze(0), []string{"squeeze"}},
		{x.Add(x.Index("9")).Mean(), []string{"index"}},
		{darray.Ones([]int{-1}, nd.Float64, darray.ChunkSize(2)), []string{"negative dimension"}},
		{x.Rechunk(darray.ChunkSizes([]int{1, 1}, []int{5})), []string{"add up to 2", "length 4"}},
	}
	for _, c := range cases {
		err := c.a.Err()
		if err == nil {
			_, err = c.a.Compute(context.Background())
		}
		if err == nil {
			t.Errorf("%v: no error", c.says)
			continue
		}
		for _, s := range c.says {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("error %q does not mention %q", err, s)
			}
		}
	}
}

func TestPersistReusesBlocks(t *testing.T) {
	ctx := context.Background()
	x := darray.NewRNG(5).Random([]int{30, 40}, darray.ChunkSize(7, 9))
	y := x.Mul(3).Add(1)
	ps, err := darray.Persist(ctx, []*darray.Array{y})
	if err != nil {
		t.Fatal(err)
	}
	g, err := darray.Graph(ps[0].Sum(darray.Axis(0)))
	if err != nil {
		t.Fatal(err)
	}
	for i := range g.Tasks {
		name := g.Tasks[i].Name()
		if strings.Contains(name, "uniform") || strings.Contains(name, "elementwise") && g.Tasks[i].Op != "partial" {
			t.Errorf("persisted array still computes %q", name)
		}
	}
	ndtest.Close(t, "persisted sum", compute(t, ps[0].Sum(darray.Axis(0))), compute(t, y.Sum(darray.Axis(0))), 1e-12)
}

func TestComputeSeveralSharesWork(t *testing.T) {
	x := darray.NewRNG(9).Random([]int{50, 50}, darray.ChunkSize(10))
	s := x.CumSum(0) // a boundary layer: its blocks are tasks shared by both results
	a, b := s.Sum(), s.Max(darray.Axis(1))
	g, err := darray.Graph(a, b)
	if err != nil {
		t.Fatal(err)
	}
	cum := 0
	for _, task := range g.Tasks {
		if task.Op == "cumulative" {
			cum++
		}
	}
	if cum != 25 {
		t.Errorf("two results over one cumsum make %d cumulative tasks, want 25 (shared)", cum)
	}
	res, err := darray.Compute(context.Background(), []*darray.Array{a, b})
	if err != nil {
		t.Fatal(err)
	}
	ndtest.Close(t, "shared sum", res[0], compute(t, a), 1e-12)
	ndtest.Close(t, "shared max", res[1], compute(t, b), 0)
}

// TestLargeBlocksReduceInSlabs covers reductions of blocks large enough to be reduced in
// cache-sized slabs (side by side along kept axes, merged along reduced ones).
func TestLargeBlocksReduceInSlabs(t *testing.T) {
	x := darray.NewRNG(11).Normal(0, 1, []int{300, 700}, darray.ChunkSize(300, 700))
	xd := compute(t, x)
	yd := must(nd.Binary(nd.Add, xd, must(nd.Binary(nd.Multiply, must(xd.IndexString("::-1, :")), nd.Scalar(2.0)))))
	for _, op := range []nd.ReduceOp{nd.Sum, nd.Mean, nd.Var, nd.Min, nd.ArgMax, nd.ArgMin, nd.Any} {
		for _, axes := range [][]int{nil, {0}, {1}} {
			var opts []darray.ReduceOption
			if axes != nil {
				opts = append(opts, darray.Axis(axes...))
			}
			for _, chunks := range []darray.ChunkSpec{darray.ChunkSize(300, 700), darray.ChunkSize(128, 300)} {
				xc := darray.NewRNG(11).Normal(0, 1, []int{300, 700}, chunks) // the same numbers, other blocks
				lazy := xc.Add(xc.Index("::-1, :").Mul(2))
				want := must(nd.Reduce(op, yd, nd.ReduceArgs{Axes: axes}))
				ndtest.Close(t, fmt.Sprintf("%v axes %v", op, axes), compute(t, lazy.Reduce(op, opts...)), want, 1e-12)
			}
		}
	}
}

// TestTutorialMatchesNumPy runs the tutorial on NumPy's Philox stream and compares with
// the goldens tools/golden/darray_golden.py made with NumPy.
func TestTutorialMatchesNumPy(t *testing.T) {
	for _, tc := range []struct{ seed, n int }{{42, 60}, {7, 37}} {
		read := func(name string) *nd.Array {
			a, err := npy.ReadFile(fmt.Sprintf("testdata/golden/%s_seed%d_n%d.npy", name, tc.seed, tc.n))
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		rng := rand.New(rand.NewPCG(uint64(tc.seed), 0))
		for range 4 {
			chunks := randomChunks(rng, []int{tc.n, tc.n})
			x := darray.NewPhiloxRNG(uint64(tc.seed)).Random([]int{tc.n, tc.n}, chunks)
			y := x.Add(x.T())
			z := y.Index(fmt.Sprintf("::2, %d:", tc.n/2)).Mean(darray.Axis(1))
			ndtest.Close(t, "tutorial", compute(t, z), read("tutorial"), 1e-12)
			ndtest.Close(t, "random", compute(t, x.Index(":5, :7")), read("random"), 0)
			stats := []*darray.Array{y.Sum(), y.Std(darray.DDof(1)), y.ArgMax().AsType(nd.Float64), y.Index("3:, ::3").Var(darray.Axis(0)).Max()}
			got, err := darray.Compute(context.Background(), stats)
			if err != nil {
				t.Fatal(err)
			}
			want := nd.Values[float64](read("stats"))
			for i, g := range got {
				if v := nd.Values[float64](g)[0]; !closeTo(v, want[i], 1e-12) {
					t.Errorf("statistic %d = %v, NumPy gives %v", i, v, want[i])
				}
			}
		}
	}
}

func TestTaskErrorsNameTheTask(t *testing.T) {
	x := darray.Arange(0, 100, 1, nd.Int64, darray.ChunkSize(10))
	e := darray.Arange(-50, 50, 1, nd.Int64, darray.ChunkSize(25))
	_, err := x.Pow(e).Sum().Compute(context.Background())
	if err == nil || !strings.Contains(err.Error(), "negative integer powers") || !strings.Contains(err.Error(), "task") {
		t.Fatalf("error %v, want the failing task and NumPy's complaint", err)
	}
}

func TestComputeCancels(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	x := darray.NewRNG(1).Random([]int{20000, 20000}, darray.ChunkSize(500))
	done := make(chan error)
	go func() {
		_, err := x.Add(x.T()).Std().Compute(ctx)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("Compute returned %v after cancellation", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Compute did not return after cancellation")
	}
}
