package sched

import (
	"time"

	"github.com/darray-go/darray/graph"
)

// ReadyQueue is a min-heap (for container/heap) of the indices of tasks ready to run, by
// priority, lowest first: Order's priorities, depth-first toward the outputs, so that few
// results are held at once. The local scheduler and a cluster's client both take tasks
// from one.
type ReadyQueue struct {
	IDs  []int32
	Prio []int32 // by task index
}

func (q *ReadyQueue) Len() int           { return len(q.IDs) }
func (q *ReadyQueue) Less(i, j int) bool { return q.Prio[q.IDs[i]] < q.Prio[q.IDs[j]] }
func (q *ReadyQueue) Swap(i, j int)      { q.IDs[i], q.IDs[j] = q.IDs[j], q.IDs[i] }
func (q *ReadyQueue) Push(x any)         { q.IDs = append(q.IDs, x.(int32)) }
func (q *ReadyQueue) Pop() any {
	n := len(q.IDs) - 1
	x := q.IDs[n]
	q.IDs = q.IDs[:n]
	return x
}

// Watchers are the optional Progress and Observer of a computation, told of its start and
// end in the same way by every scheduler.
type Watchers struct {
	Progress Progress
	Observer Observer
}

// Begin tells the watchers that a computation of g starts, on workers threads with a
// memory limit (-1 when none is known), and returns the computation's ID.
func (w Watchers) Begin(g *graph.Graph, workers int, limit int64, started time.Time) uint64 {
	id := NewComputationID()
	if w.Progress != nil {
		var total int64
		for i := range g.Tasks {
			total += g.Tasks[i].Bytes
		}
		w.Progress.Start(len(g.Tasks), total)
	}
	if w.Observer != nil {
		ops := map[string]int{}
		for i := range g.Tasks {
			ops[g.Tasks[i].Op]++
		}
		w.Observer.Begin(Computation{ID: id, Started: started, Tasks: len(g.Tasks), Ops: ops, Workers: workers, Limit: limit, Graph: g})
	}
	return id
}

// End tells the watchers that computation id ended, with err.
func (w Watchers) End(id uint64, err error) {
	if w.Observer != nil {
		w.Observer.End(id, err)
	}
	if w.Progress != nil {
		w.Progress.Finish(err)
	}
}
