package graph

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/darray-go/darray/nd"
)

func TestChunks(t *testing.T) {
	c, err := RegularChunks([]int{10, 0, 3}, []int{4, 5, 5})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Equal(Chunks{{4, 4, 2}, {0}, {3}}) || c.TotalBlocks() != 3 {
		t.Errorf("RegularChunks = %v", c)
	}
	if err := (Chunks{{4, 4}}).Validate([]int{10}); err == nil {
		t.Error("chunks adding up to 8 accepted for length 10")
	}
	if r := Refine([]int{4, 6}, []int{5, 5}, []int{10}); !(Chunks{r}).Equal(Chunks{{4, 1, 5}}) {
		t.Errorf("Refine = %v, want [4 1 5]", r)
	}
	a, err := AutoChunks([]int{100000, 100000}, nd.Float64, 8<<20)
	if err != nil {
		t.Fatal(err)
	}
	if a.MaxBlockBytes(nd.Float64) > 8<<20 || a.MaxBlockBytes(nd.Float64) < 4<<20 {
		t.Errorf("AutoChunks blocks of %d bytes for a target of 8 MiB", a.MaxBlockBytes(nd.Float64))
	}
	if s, _ := AutoChunks([]int{3, 1000000}, nd.Float64, 8<<20); s[0][0] != 3 {
		t.Errorf("a short axis should stay whole: %v", s[0])
	}
}

// TestWindowComposition checks Window.Then and Transposed against nd's own indexing: a
// window followed by another selects what the two selections select one after the other.
func TestWindowComposition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base, _ := nd.Arange(nd.Int64, 0, 6*7*8, 1)
	base, _ = base.Reshape(6, 7, 8)
	random := func(shape []int) Window {
		w := FullWindow(shape)
		for d, n := range shape {
			w.Step[d] = []int{1, 2, -1, 3}[rng.IntN(4)]
			if w.Step[d] > 0 {
				w.Start[d] = rng.IntN(n)
				w.Count[d] = 1 + rng.IntN((n-1-w.Start[d])/w.Step[d]+1)
			} else {
				w.Start[d] = rng.IntN(n)
				w.Count[d] = 1 + rng.IntN(w.Start[d]/(-w.Step[d])+1)
			}
		}
		perm := rng.Perm(len(shape))
		return w.Transposed(perm)
	}
	for range 200 {
		w1 := random(base.Shape())
		v1, err := w1.Apply(base)
		if err != nil {
			t.Fatal(err)
		}
		w2 := random(v1.Shape())
		v2, err := w2.Apply(v1)
		if err != nil {
			t.Fatal(err)
		}
		direct, err := w1.Then(w2).Apply(base)
		if err != nil {
			t.Fatal(err)
		}
		if direct.String() != v2.String() {
			t.Fatalf("w1.Then(w2) selects %v, applying one after the other %v", direct, v2)
		}
	}
}

func TestPlanRechunk(t *testing.T) {
	regular := func(shape, size []int) Chunks {
		c, err := RegularChunks(shape, size)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	n := []int{20000, 20000}
	// Column strips to row strips: every target block needs every source block, so the
	// plan goes through blocks grouping 4 source columns and 4 target rows (64 MB reads).
	plan := PlanRechunk(n, 8, regular(n, []int{20000, 100}), regular(n, []int{100, 20000}), 64<<20)
	if len(plan) != 1 || !plan[0].Equal(regular(n, []int{400, 400})) {
		t.Errorf("strips to strips: plan %v, want one stage of 400x400 blocks", plan)
	}
	// Splitting, merging and shifting boundaries are direct.
	for _, c := range [][2][]int{{{1000, 1000}, {500, 500}}, {{500, 500}, {1000, 1000}}, {{1000, 1000}, {1500, 1500}}, {{20000, 100}, {20000, 1000}}} {
		if plan := PlanRechunk(n, 8, regular(n, c[0]), regular(n, c[1]), 64<<20); plan != nil {
			t.Errorf("%v -> %v: plan %v, want a direct re-cut", c[0], c[1], plan)
		}
	}
	// A budget below one block is raised to it rather than splitting blocks finer.
	plan = PlanRechunk(n, 8, regular(n, []int{20000, 100}), regular(n, []int{100, 20000}), 1)
	if len(plan) != 1 || !plan[0].Equal(regular(n, []int{100, 100})) {
		t.Errorf("tiny budget: plan %v, want 100x100 blocks", plan)
	}
}

// TestAbsurdChunkingsAreRefusedAtOnce: chunkings past MaxBlocks are errors before any list
// is made (a terabyte axis in one-element chunks used to allocate 8 TB of chunk lengths),
// block counts that overflow int saturate, and a large but sane chunking still works.
func TestAbsurdChunkingsAreRefusedAtOnce(t *testing.T) {
	for _, tc := range []struct{ shape, size []int }{
		{[]int{1 << 40}, []int{1}},
		{[]int{1 << 62, 1 << 62}, []int{1, 1}},       // 2^124 blocks: the count overflows
		{[]int{1 << 31, 1 << 31}, []int{4096, 4096}}, // 2.7e11 blocks of 128 MiB
	} {
		start := time.Now()
		_, err := RegularChunks(tc.shape, tc.size)
		if !errors.Is(err, ErrTooManyBlocks) {
			t.Errorf("RegularChunks(%v, %v) = %v, want ErrTooManyBlocks", tc.shape, tc.size, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("RegularChunks(%v, %v) took %v to refuse", tc.shape, tc.size, d)
		}
	}
	if _, err := AutoChunks([]int{1 << 31, 1 << 31}, nd.Float64, 0); !errors.Is(err, ErrTooManyBlocks) {
		t.Errorf("AutoChunks of an 32 EB array: %v, want ErrTooManyBlocks", err)
	}
	c, err := RegularChunks([]int{10_000_000}, []int{1})
	if err != nil || c.TotalBlocks() != 10_000_000 {
		t.Fatalf("1e7 blocks: %v, %d blocks", err, c.TotalBlocks())
	}
	if n := mulBlocks(mulBlocks(1<<32, 1<<31), 1<<1); n != math.MaxInt {
		t.Errorf("2^32 * 2^31 * 2 blocks = %d, want the count saturated at MaxInt", n)
	}
	huge := Chunks{{math.MaxInt, math.MaxInt, 2}}
	if err := huge.Validate([]int{math.MaxInt}); err == nil {
		t.Error("chunk lengths whose sum overflows were accepted")
	}
}

// TestRefineCostsBlocksNotElements: refining two chunkings of a 10^12-long axis is as quick
// as refining short ones (it used to walk every position), and agrees with a brute force
// refinement on random small chunkings.
func TestRefineCostsBlocksNotElements(t *testing.T) {
	start := time.Now()
	r := Refine([]int{5e11, 5e11}, []int{1e12})
	if !slices.Equal(r, []int{5e11, 5e11}) {
		t.Errorf("Refine of a 10^12 axis = %v", r)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Refine of two 2-block chunkings took %v", d)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		n := rng.IntN(30)
		var axes [][]int
		cut := map[int]bool{}
		for range 1 + rng.IntN(3) {
			var sizes []int
			for pos := 0; pos < n; {
				s := 1 + rng.IntN(n-pos)
				sizes = append(sizes, s)
				pos += s
				cut[pos] = true
			}
			if n == 0 {
				sizes = []int{0}
			}
			axes = append(axes, sizes)
		}
		var want []int
		last := 0
		for pos := 1; pos <= n; pos++ {
			if cut[pos] {
				want = append(want, pos-last)
				last = pos
			}
		}
		if want == nil {
			want = []int{0}
		}
		if got := Refine(axes...); !slices.Equal(got, want) {
			t.Fatalf("Refine(%v) = %v, want %v", axes, got, want)
		}
	}
}

// TestBlockFuncOfRefusesOtherParameters: a registered typed block function given
// parameters of another type (a damaged or hostile graph) fails with an error naming it.
func TestBlockFuncOfRefusesOtherParameters(t *testing.T) {
	type scale struct{ By float64 }
	if err := RegisterBlockFuncOf("test.typed-scale", func(p scale, blocks []*nd.Array, _ BlockInfo) (*nd.Array, error) {
		return nd.Binary(nd.Multiply, blocks[0], nd.Scalar(p.By))
	}); err != nil {
		t.Fatal(err)
	}
	fn, _ := LookupBlockFunc("test.typed-scale")
	x, _ := nd.FromSlice([]float64{1, 2}, 2)
	got, err := fn(scale{By: 3}, []*nd.Array{x}, BlockInfo{})
	if err != nil || nd.Values[float64](got)[1] != 6 {
		t.Fatalf("%v %v", got, err)
	}
	if _, err := fn("3", []*nd.Array{x}, BlockInfo{}); err == nil || !strings.Contains(err.Error(), "test.typed-scale") || !strings.Contains(err.Error(), "string") {
		t.Fatalf("wrong parameters: %v", err)
	}
}
