package graph

import (
	"math/rand/v2"
	"testing"

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
	a := AutoChunks([]int{100000, 100000}, nd.Float64, 8<<20)
	if a.MaxBlockBytes(nd.Float64) > 8<<20 || a.MaxBlockBytes(nd.Float64) < 4<<20 {
		t.Errorf("AutoChunks blocks of %d bytes for a target of 8 MiB", a.MaxBlockBytes(nd.Float64))
	}
	if s := AutoChunks([]int{3, 1000000}, nd.Float64, 8<<20); s[0][0] != 3 {
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
