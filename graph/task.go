package graph

import (
	"fmt"
	"slices"
	"sync"

	"github.com/darray-go/darray/nd"
)

// Task is one unit of work: an operation, named by Op and parameterised by plain data in
// Params, applied to the outputs of the tasks listed in Deps (indices into Graph.Tasks).
type Task struct {
	Op     string
	Params any
	Deps   []int
	Bytes  int64 // size of the output, for memory accounting
	// Working is the memory the task needs while it runs, beyond its inputs and output:
	// the blocks its fused expression makes on the way.
	Working int64

	// The task's name: Key when set, otherwise made from the layer, the block and the
	// role only when asked for (a million tasks need no million strings).
	Key   string
	Layer *Layer
	Block []int
	Role  string
}

// Name is the task's readable, unique name, such as "uniform-3 (0, 4) partial sum-7".
func (t *Task) Name() string {
	if t.Key != "" || t.Layer == nil {
		return t.Key
	}
	k := blockKey(t.Layer, t.Block)
	if t.Role != "" {
		k += " " + t.Role
	}
	return k
}

// Graph is the low-level task graph of a computation, made by Lower.
type Graph struct {
	Tasks   []Task
	Outputs []Output
	// Writes declares where the graph stores its results (files, directory stores): the
	// only places its tasks may write to. A cluster's worker refuses a task that would
	// write elsewhere (CheckWrite).
	Writes []string
}

// A Writer is the parameters of a task that writes to storage.
type Writer interface {
	// WritesTo is the file or directory store the task writes into.
	WritesTo() string
}

// CheckWrite refuses a task that writes somewhere its graph does not declare.
func CheckWrite(g *Graph, t *Task) error {
	w, ok := t.Params.(Writer)
	if !ok {
		return nil
	}
	if slices.Contains(g.Writes, w.WritesTo()) {
		return nil
	}
	return fmt.Errorf("task %s writes to %q, which its graph does not declare as an output", t.Name(), w.WritesTo())
}

// Output lists, for one requested layer, the task computing each block (C order).
type Output struct {
	Layer *Layer
	Tasks []int
}

// BlockTask computes a fused block from the deps' outputs.
type BlockTask struct {
	Source BlockRef
}

// PartialTask computes a fused block and reduces it to a partial state.
type PartialTask struct {
	Source BlockRef
	Op     nd.ReduceOp
	Axes   []int
}

// MergeTask merges the deps' partial states; the last merge of a tree also finalizes.
type MergeTask struct {
	Finalize bool
	Args     nd.ReduceArgs
}

// CumulativeTask computes a block, then its running sum or product along Axis, starting
// from the carry (the last dep's last slice along Axis) when Carry is set.
type CumulativeTask struct {
	Source BlockRef
	Op     nd.CumOp
	Axis   int
	Carry  bool
}

// TakeTask concatenates its deps along Axis and picks Positions (relative to that
// concatenation) along it.
type TakeTask struct {
	Axis      int
	Positions []int64
}

// AssembleTask builds a block of the given shape from pieces of its deps.
type AssembleTask struct {
	Shape  []int
	DType  nd.DType
	Pieces []Piece
}

// Piece copies the part of a dep's output selected by Window to Offset in the new block;
// or, when Source is set (and Dep is -1), that window of a self-contained fused block,
// computed on the spot.
type Piece struct {
	Dep    int
	Source *BlockRef
	Window Window
	Offset []int
}

// Execute runs a task on its inputs (the outputs of its deps, in order).
func Execute(t *Task, inputs []any) (any, error) {
	switch p := t.Params.(type) {
	case *BlockTask:
		e, err := p.Source.Expr()
		if err != nil {
			return nil, err
		}
		return e.Eval(inputs)
	case *PartialTask:
		e, err := p.Source.Expr()
		if err != nil {
			return nil, err
		}
		origin, whole := p.Source.Layer.Origin(p.Source.Block), p.Source.Layer.Shape
		if part, ok, err := reduceInSlabs(&e, p, origin, whole, inputs); ok {
			return part, err
		}
		a, release, err := e.EvalTransient(inputs)
		if err != nil {
			return nil, err
		}
		defer release()
		return nd.ReducePartial(p.Op, a, p.Axes, origin, whole)
	case *MergeTask:
		parts := make([]*nd.Partial, len(inputs))
		for i, in := range inputs {
			var ok bool
			if parts[i], ok = in.(*nd.Partial); !ok {
				return nil, fmt.Errorf("input %d is %T, not a partial reduction", i, in)
			}
		}
		m, err := nd.MergePartials(parts)
		if err != nil || !p.Finalize {
			return m, err
		}
		return m.Finalize(p.Args)
	case *CumulativeTask:
		return runCumulative(p, inputs)
	case *TakeTask:
		return runTake(p, inputs)
	case *AssembleTask:
		return runAssemble(p, inputs)
	case *BlockwiseTask:
		return runBlockwise(p, inputs)
	}
	if fn, ok := lookupOp(t.Op); ok {
		return fn(t.Params, inputs)
	}
	return nil, fmt.Errorf("no operation %q is registered", t.Op)
}

func runCumulative(p *CumulativeTask, inputs []any) (any, error) {
	n := len(inputs)
	exprInputs := inputs
	var carry *nd.Array
	if p.Carry {
		prev, ok := inputs[n-1].(*nd.Array)
		if !ok {
			return nil, fmt.Errorf("carry is %T, not an array", inputs[n-1])
		}
		exprInputs = inputs[:n-1]
		idx := make([]nd.Index, prev.NDim())
		for i := range idx {
			idx[i] = nd.Whole()
		}
		idx[p.Axis] = nd.Int(-1)
		var err error
		if carry, err = prev.Index(idx...); err != nil {
			return nil, err
		}
	}
	e, err := p.Source.Expr()
	if err != nil {
		return nil, err
	}
	a, err := e.Eval(exprInputs)
	if err != nil {
		return nil, err
	}
	return nd.Cumulative(p.Op, a, p.Axis, carry)
}

func runTake(p *TakeTask, inputs []any) (any, error) {
	arrays, err := asArrays(inputs)
	if err != nil {
		return nil, err
	}
	whole, err := concatenate(arrays, p.Axis)
	if err != nil {
		return nil, err
	}
	pos, _ := nd.FromSlice(p.Positions)
	idx := make([]nd.Index, p.Axis+1)
	for i := range idx {
		idx[i] = nd.Whole()
	}
	idx[p.Axis] = nd.Take(pos)
	return whole.Index(idx...)
}

func runAssemble(p *AssembleTask, inputs []any) (any, error) {
	out, err := nd.New(p.DType, p.Shape...)
	if err != nil {
		return nil, err
	}
	for _, pc := range p.Pieces {
		v, release, err := pc.values(inputs)
		if err != nil {
			return nil, err
		}
		err = region(out, pc.Offset, v.Shape()).Assign(v)
		release()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// values is the piece's part of its source. A piece computed from a source here (a
// generator, a file) lives in a borrowed buffer: release gives it back once the caller
// no longer needs the piece; for a piece of an input, release does nothing.
func (pc *Piece) values(inputs []any) (a *nd.Array, release func(), err error) {
	if pc.Source != nil {
		e, err := pc.Source.WindowExpr(pc.Window)
		if err != nil {
			return nil, nil, err
		}
		return e.EvalTransient(nil)
	}
	src, ok := inputs[pc.Dep].(*nd.Array)
	if !ok {
		return nil, nil, fmt.Errorf("input %d is %T, not an array", pc.Dep, inputs[pc.Dep])
	}
	a, err = pc.Window.Apply(src)
	return a, func() {}, err
}

// region views the box of out starting at offset with the given shape.
func region(out *nd.Array, offset, shape []int) *nd.Array {
	idx := make([]nd.Index, len(offset))
	for d := range idx {
		idx[d] = nd.Slice(offset[d], offset[d]+shape[d], 1)
	}
	v, _ := out.Index(idx...)
	return v
}

func asArrays(inputs []any) ([]*nd.Array, error) {
	out := make([]*nd.Array, len(inputs))
	for i, in := range inputs {
		a, ok := in.(*nd.Array)
		if !ok {
			return nil, fmt.Errorf("input %d is %T, not an array", i, in)
		}
		out[i] = a
	}
	return out, nil
}

// concatenate joins arrays along axis into a new array (or returns the only one).
func concatenate(arrays []*nd.Array, axis int) (*nd.Array, error) {
	if len(arrays) == 1 {
		return arrays[0], nil
	}
	shape := arrays[0].Shape()
	shape[axis] = 0
	for _, a := range arrays {
		shape[axis] += a.Shape()[axis]
	}
	out, err := nd.New(arrays[0].DType(), shape...)
	if err != nil {
		return nil, err
	}
	offset := make([]int, len(shape))
	for _, a := range arrays {
		if err := region(out, offset, a.Shape()).Assign(a); err != nil {
			return nil, err
		}
		offset[axis] += a.Shape()[axis]
	}
	return out, nil
}

// OpFunc is an operation registered by name for tasks whose Params the graph package does
// not know (user functions over blocks, storage writers).
type OpFunc func(params any, inputs []any) (any, error)

var registry = struct {
	sync.RWMutex
	ops map[string]OpFunc
}{ops: map[string]OpFunc{}}

// Register makes fn available to tasks whose Op is name, as zip.RegisterCompressor does:
// safe from any goroutine (though init time is the place), and registering a name twice
// (or an empty name, or a nil function) panics, being a programming error.
func Register(name string, fn OpFunc) {
	registry.Lock()
	defer registry.Unlock()
	if name == "" || fn == nil {
		panic("graph: Register with an empty name or a nil function")
	}
	if _, dup := registry.ops[name]; dup {
		panic("graph: operation " + name + " registered twice")
	}
	registry.ops[name] = fn
}

func lookupOp(name string) (OpFunc, bool) {
	registry.RLock()
	defer registry.RUnlock()
	fn, ok := registry.ops[name]
	return fn, ok
}
