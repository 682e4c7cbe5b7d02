package sched

import (
	"testing"

	"github.com/darray-go/darray/graph"
)

// A block cut into pieces for later consumers is split right after it is made: its
// pieces are numbered before the first consumer, so the block can be released at once.
// Without that, the depth-first order would keep it until the last consumer's turn.
func TestOrderSplitsRightAway(t *testing.T) {
	// Task 0: a 100-byte block; tasks 1-4: 10-byte pieces of it; tasks 5-8: each piece's
	// consumer, which also needs a 50-byte block of its own (9-12).
	g := &graph.Graph{Tasks: []graph.Task{{Bytes: 100}}}
	for range 4 {
		g.Tasks = append(g.Tasks, graph.Task{Bytes: 10, Deps: []int{0}})
	}
	var outs []int
	for i := range 4 {
		g.Tasks = append(g.Tasks, graph.Task{Bytes: 60, Deps: []int{1 + i, 9 + i}})
		outs = append(outs, 5+i)
	}
	for range 4 {
		g.Tasks = append(g.Tasks, graph.Task{Bytes: 50})
	}
	g.Outputs = []graph.Output{{Tasks: outs}}
	dependents := make([][]int32, len(g.Tasks))
	for i, tk := range g.Tasks {
		for _, d := range tk.Deps {
			dependents[d] = append(dependents[d], int32(i))
		}
	}
	prio := order(g, dependents)
	for piece := 1; piece <= 4; piece++ {
		if prio[piece] > prio[5] {
			t.Errorf("piece %d numbered %d, after the first consumer (%d): %v", piece, prio[piece], prio[5], prio)
		}
	}
	if prio[5] > prio[6] || prio[6] > prio[7] {
		t.Errorf("consumers out of order: %v", prio)
	}
}
