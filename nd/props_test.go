package nd_test

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/darray-go/darray/internal/ndtest"
	"github.com/darray-go/darray/nd"
)

// must unwraps a result that the test expects to succeed; a failure panics, which the
// test runner reports with the stack.
func must(a *nd.Array, err error) *nd.Array {
	if err != nil {
		panic(err)
	}
	return a
}

func randomFloats(rng *rand.Rand, shape ...int) *nd.Array {
	n := 1
	for _, s := range shape {
		n *= s
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	a, _ := nd.FromSlice(v, shape...)
	return a
}

// views returns non-contiguous views of a: transposed, reversed, strided, broadcast.
func views(t *testing.T, rng *rand.Rand) []*nd.Array {
	base := randomFloats(rng, 6, 7, 8)
	out := []*nd.Array{
		base.T(),
		must(base.IndexString("::-1, 1:6, ::-3")),
		must(base.IndexString("..., ::2")),
		must(base.Transpose(1, 0, 2)),
	}
	b, err := must(base.IndexString(":, 0:1, :")).BroadcastTo(6, 7, 8)
	if err != nil {
		t.Fatal(err)
	}
	return append(out, b)
}

func TestViewsMatchContiguousCopies(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i, v := range views(t, rng) {
		c := v.Copy()
		if !c.IsContiguous() {
			t.Fatalf("Copy is not contiguous")
		}
		for _, op := range []nd.UnaryOp{nd.Negative, nd.Exp, nd.Floor, nd.IsNaN} {
			ndtest.Close(t, op.String(), must(nd.Unary(op, v)), must(nd.Unary(op, c)), 0)
		}
		other := randomFloats(rng, v.Shape()[2])
		for _, op := range []nd.BinaryOp{nd.Add, nd.Multiply, nd.Less, nd.Mod} {
			ndtest.Close(t, op.String(), must(nd.Binary(op, v, other)), must(nd.Binary(op, c, other)), 0)
			ndtest.Close(t, op.String()+" swapped", must(nd.Binary(op, other, v)), must(nd.Binary(op, other, c)), 0)
			ndtest.Close(t, op.String()+" with itself transposed", must(nd.Binary(op, v, v.T().T())), must(nd.Binary(op, c, c)), 0)
		}
		for _, op := range []nd.ReduceOp{nd.Sum, nd.Var, nd.ArgMax, nd.Min} {
			for _, axes := range [][]int{nil, {0}, {2}} {
				ndtest.Close(t, op.String(), must(nd.Reduce(op, v, nd.ReduceArgs{Axes: axes})), must(nd.Reduce(op, c, nd.ReduceArgs{Axes: axes})), 1e-12)
			}
		}
		if i == 0 {
			// x + x.T on a square block: the tutorial's kernel, against an element loop.
			sq := randomFloats(rng, 50, 50)
			sum := must(nd.Binary(nd.Add, sq, sq.T()))
			for r := range 50 {
				for c := range 50 {
					a, _ := nd.At[float64](sq, r, c)
					b, _ := nd.At[float64](sq, c, r)
					s, _ := nd.At[float64](sum, r, c)
					if s != a+b {
						t.Fatalf("x + x.T at (%d, %d) = %v, want %v", r, c, s, a+b)
					}
				}
			}
		}
	}
}

// splitAxis cuts [0, n) into random consecutive pieces.
func splitAxis(rng *rand.Rand, n int) [][2]int {
	var out [][2]int
	for lo := 0; lo < n; {
		hi := min(n, lo+1+rng.IntN(n))
		out = append(out, [2]int{lo, hi})
		lo = hi
	}
	return out
}

// TestPartialsMergeToWhole splits arrays into random chunks along the reduced axes, reduces
// each chunk to a partial, merges the partials in random order and requires the same
// result as reducing the whole array: the combine steps a blocked reduction relies on.
func TestPartialsMergeToWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ops := []nd.ReduceOp{nd.Sum, nd.Prod, nd.Mean, nd.Var, nd.Std, nd.Min, nd.Max, nd.ArgMin, nd.ArgMax,
		nd.Any, nd.All, nd.CountNonzero, nd.NanSum, nd.NanProd, nd.NanMean, nd.NanVar, nd.NanStd,
		nd.NanMin, nd.NanMax, nd.NanArgMin, nd.NanArgMax}
	for trial := range 30 {
		x := randomFloats(rng, 5, 9, 4)
		vals := nd.Values[float64](x)
		for i := range vals {
			if rng.IntN(7) == 0 {
				vals[i] = math.NaN()
			}
			if trial%3 == 0 {
				vals[i] = math.Round(vals[i]) // ties for the arg reductions
			}
		}
		x, _ = nd.FromSlice(vals, 5, 9, 4)
		axis := rng.IntN(3)
		for _, op := range ops {
			for _, axes := range [][]int{{axis}, nil} {
				want, wantErr := nd.Reduce(op, x, nd.ReduceArgs{Axes: axes, DDof: 1})
				got, err := reduceInPieces(rng, op, x, axes)
				if (err != nil) != (wantErr != nil) {
					t.Fatalf("%v axes %v: whole gives error %v, pieces give %v", op, axes, wantErr, err)
				}
				if err != nil {
					continue
				}
				ndtest.Close(t, op.String(), got, want, 1e-12)
			}
		}
	}
}

func reduceInPieces(rng *rand.Rand, op nd.ReduceOp, x *nd.Array, axes []int) (*nd.Array, error) {
	shape := x.Shape()
	var parts []*nd.Partial
	if axes == nil { // a grid of chunks over every axis
		s0, s1, s2 := splitAxis(rng, shape[0]), splitAxis(rng, shape[1]), splitAxis(rng, shape[2])
		for _, a := range s0 {
			for _, b := range s1 {
				for _, c := range s2 {
					chunk, _ := x.Index(nd.Slice(a[0], a[1], 1), nd.Slice(b[0], b[1], 1), nd.Slice(c[0], c[1], 1))
					p, err := nd.ReducePartial(op, chunk, nil, []int{a[0], b[0], c[0]}, shape)
					if err != nil {
						return nil, err
					}
					parts = append(parts, p)
				}
			}
		}
	} else {
		ax := axes[0]
		for _, piece := range splitAxis(rng, shape[ax]) {
			idx := []nd.Index{nd.Whole(), nd.Whole(), nd.Whole()}
			idx[ax] = nd.Slice(piece[0], piece[1], 1)
			chunk, _ := x.Index(idx...)
			origin := []int{0, 0, 0}
			origin[ax] = piece[0]
			p, err := nd.ReducePartial(op, chunk, axes, origin, shape)
			if err != nil {
				return nil, err
			}
			parts = append(parts, p)
		}
	}
	rng.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	// Merge as a tree with fan-in 2 to 4, as the blocked layer does; merging must leave
	// the merged states as they were (merges after the first work in place, in the
	// merge's own arrays).
	for len(parts) > 1 {
		k := min(len(parts), 2+rng.IntN(3))
		before := encodePartials(parts[:k])
		m, err := nd.MergePartials(parts[:k])
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(before, encodePartials(parts[:k])) {
			return nil, fmt.Errorf("%v: merging changed the states merged", op)
		}
		parts = append(parts[k:], m)
	}
	return parts[0].Finalize(nd.ReduceArgs{Axes: axes, DDof: 1})
}

func TestCumulativeCarryChainsBlocks(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	x := randomFloats(rng, 4, 10, 3)
	for _, op := range []nd.CumOp{nd.CumSum, nd.CumProd} {
		for axis := range 3 {
			whole := must(nd.Cumulative(op, x, axis, nil))
			n := x.Shape()[axis]
			var carry *nd.Array
			for _, piece := range splitAxis(rng, n) {
				idx := []nd.Index{nd.Whole(), nd.Whole(), nd.Whole()}
				idx[axis] = nd.Slice(piece[0], piece[1], 1)
				got := must(nd.Cumulative(op, must(x.Index(idx...)), axis, carry))
				ndtest.Close(t, op.String(), got, must(whole.Index(idx...)), 1e-12)
				last := []nd.Index{nd.Whole(), nd.Whole(), nd.Whole()}
				last[axis] = nd.Int(-1)
				carry = must(got.Index(last...))
			}
		}
	}
}

func TestEmptyAndZeroLengthAxes(t *testing.T) {
	z := must(nd.New(nd.Float64, 0, 3))
	s := must(nd.Reduce(nd.Sum, z, nd.ReduceArgs{Axes: []int{0}}))
	if got := nd.Values[float64](s); len(got) != 3 || got[0] != 0 {
		t.Errorf("sum over a zero-length axis = %v, want [0 0 0]", got)
	}
	p := must(nd.Reduce(nd.Prod, z, nd.ReduceArgs{}))
	if nd.Values[float64](p)[0] != 1 {
		t.Errorf("prod of empty = %v, want 1", p)
	}
	m := must(nd.Reduce(nd.Mean, z, nd.ReduceArgs{}))
	if !math.IsNaN(nd.Values[float64](m)[0]) {
		t.Errorf("mean of empty = %v, want nan", m)
	}
	if _, err := nd.Reduce(nd.Max, z, nd.ReduceArgs{Axes: []int{0}}); !errors.Is(err, nd.ErrValue) || !strings.Contains(err.Error(), "zero-size") {
		t.Errorf("max over a zero-length axis: error %v, want a zero-size error", err)
	}
	sum := must(nd.Binary(nd.Add, z, must(nd.Ones(nd.Float64, 3))))
	if nd.ShapeString(sum.Shape()) != "(0, 3)" {
		t.Errorf("(0,3) + (3,) has shape %s", nd.ShapeString(sum.Shape()))
	}
	e := must(z.IndexString("1:, ::-1"))
	if e.Size() != 0 {
		t.Errorf("slicing an empty array gave %d elements", e.Size())
	}
	if _, err := z.Reshape(3, 0, -1); !errors.Is(err, nd.ErrShape) { // ambiguous, as in NumPy
		t.Errorf("reshape of size 0 to (3, 0, -1): error %v, want a shape error", err)
	}
	if r := must(z.Reshape(3, 0)); nd.ShapeString(r.Shape()) != "(3, 0)" {
		t.Errorf("reshape (0, 3) to (3, 0) gave %s", nd.ShapeString(r.Shape()))
	}
}

func TestErrorsNameTheProblem(t *testing.T) {
	a := must(nd.Ones(nd.Float64, 3, 4))
	b := must(nd.Ones(nd.Float64, 5))
	cases := []struct {
		name string
		err  func() error
		kind error
		says []string
	}{
		{"broadcast", func() error { _, err := nd.Binary(nd.Add, a, b); return err }, nd.ErrShape, []string{"add", "(3, 4)", "(5,)"}},
		{"axis", func() error { _, err := nd.Reduce(nd.Sum, a, nd.ReduceArgs{Axes: []int{2}}); return err }, nd.ErrAxis, []string{"sum", "axis 2", "dimension 2"}},
		{"repeated axis", func() error { _, err := nd.Reduce(nd.Sum, a, nd.ReduceArgs{Axes: []int{0, -2}}); return err }, nd.ErrAxis, []string{"repeated"}},
		{"index", func() error { _, err := a.IndexString("3"); return err }, nd.ErrIndex, []string{"index 3", "axis 0", "size 3"}},
		{"too many", func() error { _, err := a.IndexString("1, 2, 3"); return err }, nd.ErrIndex, []string{"too many indices"}},
		{"syntax", func() error { _, err := a.IndexString("1, x:"); return err }, nd.ErrValue, []string{"column 4", `"x"`}},
		{"dtype", func() error { _, err := nd.Binary(nd.BitwiseAnd, a, a); return err }, nd.ErrDType, []string{"bitwise_and", "float64"}},
		{"reshape", func() error { _, err := a.Reshape(5, -1); return err }, nd.ErrShape, []string{"size 12", "(5, -1)"}},
		{"negative power", func() error {
			i := must(nd.FromSlice([]int64{2, 3}))
			j := must(nd.FromSlice([]int64{1, -1}))
			_, err := nd.Binary(nd.Power, i, j)
			return err
		}, nd.ErrValue, []string{"negative integer powers"}},
		{"parse dtype", func() error { _, err := nd.ParseDType("float16"); return err }, nd.ErrDType, []string{"float16"}},
		{"from slice", func() error { _, err := nd.FromSlice([]float64{1, 2, 3}, 2, 2); return err }, nd.ErrShape, []string{"3 elements", "(2, 2)"}},
		{"squeeze", func() error { _, err := a.Squeeze(0); return err }, nd.ErrShape, []string{"axis 0"}},
		{"too many dims", func() error { _, err := nd.New(nd.Float64, make([]int, 33)...); return err }, nd.ErrShape, []string{"33 dimensions"}},
		{"nanargmin all nan", func() error {
			x := must(nd.FromSlice([]float64{math.NaN(), math.NaN()}))
			_, err := nd.Reduce(nd.NanArgMin, x, nd.ReduceArgs{})
			return err
		}, nd.ErrValue, []string{"All-NaN"}},
	}
	for _, c := range cases {
		err := c.err()
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if !errors.Is(err, c.kind) {
			t.Errorf("%s: error %q is not %v", c.name, err, c.kind)
		}
		for _, s := range c.says {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s: error %q does not mention %q", c.name, err, s)
			}
		}
	}
}

func TestReshapeViewsWhenPossible(t *testing.T) {
	a := must(nd.Arange(nd.Int64, 0, 24, 1))
	r := must(a.Reshape(2, 3, 4))
	r2 := must(r.Reshape(6, -1))
	// A view shares the buffer: writing through it changes the original.
	if err := must(r2.IndexString("0, 0")).Assign(nd.Scalar(int64(99))); err != nil {
		t.Fatal(err)
	}
	if v, _ := nd.At[int64](a, 0); v != 99 {
		t.Errorf("reshape of a contiguous array copied instead of viewing")
	}
	tr := r.T()
	flat := tr.Ravel() // a transposed array cannot be flattened without a copy
	want := []int64{99, 12, 4, 16, 8, 20, 1, 13, 5, 17, 9, 21, 2, 14, 6, 18, 10, 22, 3, 15, 7, 19, 11, 23}
	for i, v := range nd.Values[int64](flat) {
		if v != want[i] {
			t.Fatalf("ravel of transpose = %v, want %v", nd.Values[int64](flat), want)
		}
	}
	// Splitting a strided axis keeps a view.
	s := must(a.IndexString("::2"))
	v := must(s.Reshape(3, 4))
	if got := nd.Values[int64](v)[5]; got != 10 {
		t.Errorf("reshape of a strided view: element 5 = %d, want 10", got)
	}
}

func TestStringPrintsLikeNumPy(t *testing.T) {
	a := must(nd.Arange(nd.Float64, 0, 6, 1))
	r := must(a.Reshape(2, 3))
	if got, want := r.String(), "[[0. 1. 2.]\n [3. 4. 5.]]"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	big := must(nd.Arange(nd.Int64, 0, 2000, 1))
	if got, want := big.String(), "[   0    1    2 ... 1997 1998 1999]"; got != want {
		t.Errorf("String() of 2000 elements = %q, want %q", got, want)
	}
	b := must(nd.FromSlice([]bool{true, false}))
	if got, want := b.String(), "[ True False]"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestBytesRoundTripBothOrders(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	x := randomFloats(rng, 3, 5)
	for _, dt := range nd.DTypes {
		a := must(x.AsType(dt))
		for _, big := range []bool{false, true} {
			back := must(nd.FromBytes(dt, a.Bytes(big), big, 3, 5))
			ndtest.Close(t, dt.String(), back, a, 0)
		}
	}
	if _, err := nd.FromBytes(nd.Float64, make([]byte, 7), false, 1); !errors.Is(err, nd.ErrShape) {
		t.Errorf("7 bytes as one float64: error %v", err)
	}
}

func TestWhereAndClip(t *testing.T) {
	x := must(nd.FromSlice([]float64{-2, -1, 0, 1, 2, math.NaN()}))
	zero := nd.Scalar(0.0)
	pos := must(nd.Binary(nd.Greater, x, zero))
	w := must(nd.Where(pos, x, must(nd.FromSlice([]int32{7}))))
	want := []float64{7, 7, 7, 1, 2, 7}
	for i, v := range nd.Values[float64](w) {
		if v != want[i] {
			t.Fatalf("where = %v, want %v", w, want)
		}
	}
	c := must(nd.Clip(x, nd.Scalar(-1.0), nd.Scalar(1.0)))
	wantC := []float64{-1, -1, 0, 1, 1, math.NaN()}
	for i, v := range nd.Values[float64](c) {
		if !closeFloat(v, wantC[i], 0) {
			t.Fatalf("clip = %v, want %v", c, wantC)
		}
	}
}

// Sums along an axis of length one (a blocked product sums one block per step this way)
// keep NumPy's rules: a sum starts from +0, so -0 sums to +0, and nansum reads NaN as 0;
// a complex product multiplies into 1, so NaN+0i comes out NaN+NaNi.
func TestReductionsOverLengthOne(t *testing.T) {
	negZero := math.Copysign(0, -1)
	a := must(nd.FromSlice([]float64{negZero, math.NaN(), 2.5}, 3, 1))
	sum := must(nd.Reduce(nd.Sum, a, nd.ReduceArgs{Axes: []int{1}}))
	got, _ := nd.Data[float64](sum)
	if math.Signbit(got[0]) || !math.IsNaN(got[1]) || got[2] != 2.5 {
		t.Errorf("sum over a length-one axis of [-0 NaN 2.5] = %v, want [0 NaN 2.5] with +0", got)
	}
	nansum := must(nd.Reduce(nd.NanSum, a, nd.ReduceArgs{Axes: []int{1}}))
	if got, _ := nd.Data[float64](nansum); got[1] != 0 {
		t.Errorf("nansum over a length-one axis of NaN = %v, want 0", got[1])
	}
	c := must(nd.FromSlice([]complex128{complex(math.NaN(), 0)}, 1, 1))
	prod := must(nd.Reduce(nd.Prod, c, nd.ReduceArgs{Axes: []int{1}}))
	if got, _ := nd.Data[complex128](prod); !math.IsNaN(imag(got[0])) {
		t.Errorf("prod over a length-one axis of NaN+0i = %v, want NaN+NaNi as NumPy", got[0])
	}
}

func encodePartials(parts []*nd.Partial) []byte {
	var buf bytes.Buffer
	for _, p := range parts {
		if err := nd.WritePartial(&buf, p); err != nil {
			panic(err)
		}
	}
	return buf.Bytes()
}
