package sched

import (
	"sync/atomic"
	"time"

	"github.com/darray-go/darray/graph"
)

// Observer watches computations closely, for a dashboard: what each task did, on which
// worker and when, and the memory held and spilled as it goes. Its methods are called by
// the scheduler's workers, several at once (not under the scheduler's lock): they must
// be quick and safe for concurrent use (record and return).
type Observer interface {
	Begin(c Computation)
	TaskDone(e TaskEvent)
	Memory(m MemorySample)
	End(id uint64, err error)
}

// Computation describes a computation as it starts.
type Computation struct {
	ID      uint64
	Started time.Time
	Tasks   int
	Ops     map[string]int // tasks per operation
	Workers int
	Limit   int64        // memory limit in bytes (negative: none)
	Graph   *graph.Graph // what it runs (tasks know their layers)
}

// TaskEvent is one task's run (or failure).
type TaskEvent struct {
	Computation uint64
	Task        *graph.Task // Task.Name() is its key, as errors name it
	Op          string
	Worker      int
	Start, End  time.Time
	Bytes       int64
	Err         error // the task failed with this
}

// MemorySample is the memory a computation holds right after a task (at most one every
// MemoryInterval).
type MemorySample struct {
	Computation uint64
	At          time.Time
	Held        int64 // results in memory plus running tasks' working sets
	Spilled     int64 // results on disk now
	Limit       int64
	Workers     []WorkerMemory // per worker process, on a cluster (nil locally)
}

// WorkerMemory is what one worker process of a cluster holds.
type WorkerMemory struct {
	Worker  string `json:"worker"`
	Held    int64  `json:"held"`
	Spilled int64  `json:"spilled"`
	Limit   int64  `json:"limit"`
}

// MemoryInterval is the least time between two memory samples of a computation.
const MemoryInterval = 10 * time.Millisecond

// computationIDs numbers computations in this process.
var computationIDs atomic.Uint64

// NewComputationID numbers a computation for observers, uniquely in this process (other
// executors share the numbering: small numbers, safe in JavaScript).
func NewComputationID() uint64 { return computationIDs.Add(1) }
