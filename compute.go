package darray

import (
	"context"
	"fmt"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/sched"
)

// ComputeOption adjusts how a computation runs.
type ComputeOption func(*computeConfig)

type computeConfig struct {
	opts     sched.Options
	executor sched.Executor
}

// Workers sets the number of goroutines running tasks (default: all cores).
func Workers(n int) ComputeOption { return func(c *computeConfig) { c.opts.Workers = n } }

// Synchronous runs every task in the calling goroutine, one after the other: for
// debugging, and for reading a failing task's stack in order.
func Synchronous() ComputeOption { return func(c *computeConfig) { c.opts.Synchronous = true } }

// MemoryLimit bounds the memory a computation holds (results kept for later tasks plus the
// working sets of running tasks), in bytes; results needed least soon are spilled to disk
// beyond it. 0 means half the machine's memory, a negative limit none. A computation whose
// largest task cannot fit is refused before it starts.
func MemoryLimit(bytes int64) ComputeOption {
	return func(c *computeConfig) { c.opts.MemoryLimit = bytes }
}

// SpillDir sets the directory spill files go in (a private directory is made inside it and
// removed when the computation ends, however it ends).
func SpillDir(dir string) ComputeOption { return func(c *computeConfig) { c.opts.SpillDir = dir } }

// WithStats fills st with the computation's figures (tasks, peak memory, spilling).
func WithStats(st *sched.Stats) ComputeOption { return func(c *computeConfig) { c.opts.Stats = st } }

// WithProgress reports the computation's progress to p.
func WithProgress(p sched.Progress) ComputeOption {
	return func(c *computeConfig) { c.opts.Progress = p }
}

// WithObserver reports every task's run and the memory held to o (a dashboard: package
// dashboard).
func WithObserver(o sched.Observer) ComputeOption {
	return func(c *computeConfig) { c.opts.Observer = o }
}

// WithExecutor runs the graph on another executor (a cluster) instead of the local
// scheduler. The progress, observer and stats options apply to executors that report
// (sched.Reporter, as a cluster's client); the other options are the local scheduler's.
func WithExecutor(e sched.Executor) ComputeOption { return func(c *computeConfig) { c.executor = e } }

func layersOf(op string, arrays []*Array) ([]*graph.Layer, error) {
	layers := make([]*graph.Layer, len(arrays))
	for i, a := range arrays {
		if a == nil {
			return nil, fmt.Errorf("darray: %s: nil Array", op)
		}
		if a.err != nil {
			return nil, a.err
		}
		layers[i] = a.layer
	}
	return layers, nil
}

// computeBlocks lowers and runs the arrays' graph, returning each array's blocks.
func computeBlocks(ctx context.Context, arrays []*Array, opts []ComputeOption) ([][]any, error) {
	layers, err := layersOf("compute", arrays)
	if err != nil {
		return nil, err
	}
	g, err := graph.Lower(layers...)
	if err != nil {
		return nil, fmt.Errorf("darray: compute: %w", err)
	}
	blocks, err := executeGraph(ctx, g, opts)
	if err != nil {
		return nil, fmt.Errorf("darray: compute: %w", err)
	}
	return blocks, nil
}

// graphFilter, when set (by tests), replaces every graph before it runs: the tests send
// each graph through the wire encoding that carries graphs to a cluster's workers.
var graphFilter func(*graph.Graph) (*graph.Graph, error)

// executeGraph runs a lowered graph with the options' executor (the local scheduler by default).
func executeGraph(ctx context.Context, g *graph.Graph, opts []ComputeOption) ([][]any, error) {
	cfg := computeConfig{}
	for _, o := range opts {
		o(&cfg)
	}
	if graphFilter != nil {
		var err error
		if g, err = graphFilter(g); err != nil {
			return nil, err
		}
	}
	exec := cfg.executor
	if r, ok := exec.(sched.Reporter); ok {
		return r.ExecuteReporting(ctx, g, cfg.opts)
	}
	if exec == nil {
		exec = &sched.Local{Options: cfg.opts}
	}
	return exec.Execute(ctx, g)
}

// Compute computes several arrays together, sharing the work they have in common, and
// returns them as in-memory arrays.
func Compute(ctx context.Context, arrays []*Array, opts ...ComputeOption) ([]*nd.Array, error) {
	arrays, err := computeRagged(ctx, arrays, opts)
	if err != nil {
		return nil, err
	}
	blocks, err := computeBlocks(ctx, arrays, opts)
	if err != nil {
		return nil, err
	}
	out := make([]*nd.Array, len(arrays))
	for i, a := range arrays {
		if out[i], err = assemble(a.layer, blocks[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Compute computes the array.
func (a *Array) Compute(ctx context.Context, opts ...ComputeOption) (*nd.Array, error) {
	out, err := Compute(ctx, []*Array{a}, opts...)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// assemble places computed blocks into one array.
func assemble(l *graph.Layer, blocks []any) (*nd.Array, error) {
	if len(blocks) == 1 {
		b, ok := blocks[0].(*nd.Array)
		if !ok {
			return nil, fmt.Errorf("darray: block of %s is %T", l.Name, blocks[0])
		}
		return b.Contiguous(), nil
	}
	out, err := nd.New(l.DType, l.Shape...)
	if err != nil {
		return nil, err
	}
	offsets := l.Chunks.Offsets()
	i := 0
	graph.ForEachBlock(l.Chunks.NumBlocks(), func(b []int) {
		if err != nil {
			return
		}
		blk, ok := blocks[i].(*nd.Array)
		i++
		if !ok {
			err = fmt.Errorf("darray: block %v of %s is %T", b, l.Name, blocks[i-1])
			return
		}
		idx := make([]nd.Index, len(b))
		for d := range b {
			idx[d] = nd.Slice(offsets[d][b[d]], offsets[d][b[d]+1], 1)
		}
		var dst *nd.Array
		if dst, err = out.Index(idx...); err == nil {
			err = dst.Assign(blk)
		}
	})
	return out, err
}

// Persist computes the arrays and returns lazy arrays backed by the computed blocks, held
// in memory, so that later expressions reuse them instead of recomputing.
func Persist(ctx context.Context, arrays []*Array, opts ...ComputeOption) ([]*Array, error) {
	arrays, err := computeRagged(ctx, arrays, opts)
	if err != nil {
		return nil, err
	}
	blocks, err := computeBlocks(ctx, arrays, opts)
	if err != nil {
		return nil, err
	}
	out := make([]*Array, len(arrays))
	for i, a := range arrays {
		bs := make([]*nd.Array, len(blocks[i]))
		for k, b := range blocks[i] {
			bs[k] = b.(*nd.Array)
		}
		l := a.layer
		out[i] = fromLayer(graph.NewLayer(graph.Data{Blocks: bs}, nil, l.Shape, l.DType, l.Chunks))
	}
	return out, nil
}

// Graph lowers the arrays to the optimized task graph Compute would run (for inspection
// and pictures).
func Graph(arrays ...*Array) (*graph.Graph, error) {
	layers, err := layersOf("graph", arrays)
	if err != nil {
		return nil, err
	}
	return graph.Lower(layers...)
}
