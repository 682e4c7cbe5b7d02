package graph

import (
	"fmt"
	"strconv"

	"github.com/darray-go/darray/nd"
)

// Lower turns layers into the task graph that computes every block of the targets, and
// optimizes it on the way:
//
//   - culling: tasks are made on demand, starting from the targets' blocks, so nothing a
//     target does not need is ever built;
//   - fusion: element-wise, view and generator layers are folded into the task of the
//     block that consumes them (one task per output block, no intermediate blocks);
//   - pushdown: slices and transposes travel down to the sources as Windows, so a
//     generator makes only the elements a result uses.
//
// Reductions, cumulative sums, takes and rechunks are task boundaries: their blocks are
// tasks of their own, shared by every consumer.
func Lower(targets ...*Layer) (*Graph, error) {
	lw := &lowerer{g: &Graph{}, memo: map[*Layer][]int32{}, offsets: map[*Layer][][]int{}}
	total := 0
	for _, t := range targets {
		total += t.Chunks.TotalBlocks()
	}
	lw.g.Tasks = make([]Task, 0, 2*total)
	for _, t := range targets {
		out := Output{Layer: t}
		var err error
		ForEachBlock(t.Chunks.NumBlocks(), func(b []int) {
			if err != nil {
				return
			}
			var id int
			id, err = lw.blockTask(t, b)
			out.Tasks = append(out.Tasks, id)
		})
		if err != nil {
			return nil, err
		}
		lw.g.Outputs = append(lw.g.Outputs, out)
	}
	return lw.g, nil
}

type lowerer struct {
	g       *Graph
	memo    map[*Layer][]int32 // per layer, per flat block: task index + 1, or 0
	offsets map[*Layer][][]int // per layer, the chunk offsets along each axis
}

// origin is the position of block b's first element in l.
func (lw *lowerer) origin(l *Layer, b []int) []int {
	off, ok := lw.offsets[l]
	if !ok {
		off = l.Chunks.Offsets()
		lw.offsets[l] = off
	}
	o := make([]int, len(b))
	for d := range b {
		o[d] = off[d][b[d]]
	}
	return o
}

func blockKey(l *Layer, b []int) string {
	buf := make([]byte, 0, len(l.Name)+4+6*len(b))
	buf = append(buf, l.Name...)
	buf = append(buf, " ("...)
	for i, v := range b {
		if i > 0 {
			buf = append(buf, ", "...)
		}
		buf = strconv.AppendInt(buf, int64(v), 10)
	}
	return string(append(buf, ')'))
}

func (lw *lowerer) add(t Task) int {
	lw.g.Tasks = append(lw.g.Tasks, t)
	return len(lw.g.Tasks) - 1
}

func blockBytes(l *Layer, b []int) int64 {
	n := int64(l.DType.Size())
	for d := range b {
		n *= int64(l.Chunks[d][b[d]])
	}
	return n
}

// blockTask returns the task that computes block b of l, making it (and what it needs)
// the first time.
func (lw *lowerer) blockTask(l *Layer, b []int) (int, error) {
	memo, ok := lw.memo[l]
	if !ok {
		memo = make([]int32, l.Chunks.TotalBlocks())
		lw.memo[l] = memo
	}
	flat := flatBlock(l, b)
	if memo[flat] > 0 {
		return int(memo[flat] - 1), nil
	}
	key := blockKey(l, b)
	var id int
	var err error
	switch op := l.Op.(type) {
	case Reduce:
		id, err = lw.reduceTask(l, op, b, key)
	case Cumulative:
		id, err = lw.cumulativeTask(l, op, b, key)
	case Take:
		id, err = lw.takeTask(l, op, b, key)
	case Rechunk:
		id, err = lw.rechunkTask(l, b, key)
	default:
		e := lw.newExpr()
		if _, err = e.node(l, b, FullWindow(l.Chunks.BlockShape(b))); err != nil {
			return 0, err
		}
		id = lw.add(Task{Key: key, Op: "block", Params: &BlockTask{Expr: e.expr}, Deps: e.deps, Bytes: blockBytes(l, b)})
	}
	if err != nil {
		return 0, err
	}
	memo[flat] = int32(id + 1)
	return id, nil
}

// exprBuilder collects the nodes and dependencies of one fused task.
type exprBuilder struct {
	lw   *lowerer
	expr Expr
	deps []int
}

func (lw *lowerer) newExpr() *exprBuilder {
	return &exprBuilder{lw: lw, expr: Expr{Nodes: make([]Node, 0, 4)}}
}

func (e *exprBuilder) push(n Node) int {
	e.expr.Nodes = append(e.expr.Nodes, n)
	return len(e.expr.Nodes) - 1
}

func (e *exprBuilder) dep(task int) int {
	for k, t := range e.deps { // few deps per task: a scan beats a map
		if t == task {
			return k
		}
	}
	e.deps = append(e.deps, task)
	return len(e.deps) - 1
}

// node adds the nodes computing the window w (local to block b) of layer l.
func (e *exprBuilder) node(l *Layer, b []int, w Window) (int, error) {
	switch op := l.Op.(type) {
	case Gen:
		g := w.Shift(e.lw.origin(l, b))
		return e.push(Node{Kind: "gen", Gen: op.Spec, Window: &g, DType: l.DType}), nil
	case Data:
		return e.push(Node{Kind: "data", Array: op.Blocks[flatBlock(l, b)], Window: &w}), nil
	case Elementwise:
		args := make([]int, len(l.Inputs))
		for k, in := range l.Inputs {
			ib, iw := append([]int{}, b...), w
			iw.Start, iw.Step, iw.Count = append([]int{}, w.Start...), append([]int{}, w.Step...), append([]int{}, w.Count...)
			for d := range l.Shape {
				if in.Shape[d] == 1 && l.Shape[d] != 1 { // broadcast axis: its one element
					ib[d], iw.Start[d], iw.Step[d], iw.Count[d] = 0, 0, 1, 1
				}
			}
			var err error
			if args[k], err = e.node(in, ib, iw); err != nil {
				return 0, err
			}
		}
		return e.push(Node{Kind: "program", Program: op.Program, Args: args}), nil
	case Transpose:
		in := l.Inputs[0]
		ib := make([]int, len(b))
		for i, p := range op.Perm {
			ib[p] = b[i]
		}
		return e.node(in, ib, FullWindow(in.Chunks.BlockShape(ib)).Transposed(op.Perm).Then(w))
	case Select:
		in := l.Inputs[0]
		n := len(b)
		ib := make([]int, n)
		local := Window{Start: make([]int, n), Step: make([]int, n), Count: make([]int, n), Perm: identity(n)}
		for d, ax := range op.Axes {
			ib[d] = ax.Block[b[d]]
			local.Start[d], local.Step[d], local.Count[d] = ax.Start[b[d]], ax.Step, l.Chunks[d][b[d]]
		}
		return e.node(in, ib, local.Then(w))
	case UnitReshape:
		return e.unitReshape(l, op, b, w)
	case BroadcastTo:
		in := l.Inputs[0]
		ib := append([]int{}, b...)
		iw := FullWindow(w.Count)
		copy(iw.Start, w.Start)
		copy(iw.Step, w.Step)
		for d := range b {
			if in.Shape[d] == 1 && l.Shape[d] != 1 {
				ib[d], iw.Start[d], iw.Step[d], iw.Count[d] = 0, 0, 1, 1
			}
		}
		child, err := e.node(in, ib, iw)
		if err != nil {
			return 0, err
		}
		bc := e.push(Node{Kind: "broadcast", Args: []int{child}, Dims: append([]int{}, w.Count...)})
		return e.permute(bc, w.Perm), nil
	default: // a task boundary: depend on its block and view it
		id, err := e.lw.blockTask(l, b)
		if err != nil {
			return 0, err
		}
		return e.push(Node{Kind: "dep", Dep: e.dep(id), Window: &w}), nil
	}
}

// unitReshape pushes the window through a layer that only adds or drops axes of length one.
func (e *exprBuilder) unitReshape(l *Layer, op UnitReshape, b []int, w Window) (int, error) {
	in := l.Inputs[0]
	ib := make([]int, in.NDim())
	iw := FullWindow(make([]int, in.NDim()))
	for d := range iw.Count {
		iw.Count[d] = 1 // axes not in Map have length one
	}
	for i, src := range op.Map {
		if src >= 0 {
			ib[src] = b[i]
			iw.Start[src], iw.Step[src], iw.Count[src] = w.Start[i], w.Step[i], w.Count[i]
		}
	}
	child, err := e.node(in, ib, iw)
	if err != nil {
		return 0, err
	}
	r := e.push(Node{Kind: "unit-reshape", Args: []int{child}, Dims: append([]int{}, w.Count...)})
	return e.permute(r, w.Perm), nil
}

// permute adds a transposing view after node n unless perm is the identity.
func (e *exprBuilder) permute(n int, perm []int) int {
	for i, p := range perm {
		if p != i {
			return e.push(Node{Kind: "transpose", Args: []int{n}, Dims: perm})
		}
	}
	return n
}

func identity(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}

func flatBlock(l *Layer, b []int) int {
	f := 0
	for d := range b {
		f = f*len(l.Chunks[d]) + b[d]
	}
	return f
}

// reduceTask builds the tree of partial and merge tasks for one output block.
func (lw *lowerer) reduceTask(l *Layer, op Reduce, b []int, key string) (int, error) {
	in := l.Inputs[0]
	reduced := make([]bool, in.NDim())
	for _, ax := range op.Axes {
		reduced[ax] = true
	}
	// The input blocks feeding this output block: kept axes fixed, reduced axes all.
	grid := make([]int, in.NDim())
	fixed := make([]int, in.NDim())
	j := 0
	for d := range grid {
		switch {
		case reduced[d]:
			grid[d] = len(in.Chunks[d])
			if op.KeepDims {
				j++
			}
		default:
			grid[d], fixed[d] = 1, b[j]
			j++
		}
	}
	var parts []int
	var err error
	ForEachBlock(grid, func(g []int) {
		if err != nil {
			return
		}
		ib := make([]int, len(g))
		for d := range g {
			ib[d] = g[d] + fixed[d]
		}
		e := lw.newExpr()
		if _, err = e.node(in, ib, FullWindow(in.Chunks.BlockShape(ib))); err != nil {
			return
		}
		pt := &PartialTask{Expr: e.expr, Op: op.Op, Axes: op.Axes, Origin: lw.origin(in, ib), Whole: in.Shape}
		parts = append(parts, lw.add(Task{Key: blockKey(in, ib) + " " + op.Op.String() + "-partial of " + l.Name, Op: "partial", Params: pt, Deps: e.deps, Bytes: blockBytes(l, b) * 3}))
	})
	if err != nil {
		return 0, err
	}
	split := max(op.SplitEvery, 2)
	for level := 1; ; level++ {
		if len(parts) <= split {
			args := nd.ReduceArgs{Axes: op.Axes, KeepDims: op.KeepDims, DDof: op.DDof}
			return lw.add(Task{Key: key, Op: "merge", Params: &MergeTask{Finalize: true, Args: args}, Deps: parts, Bytes: blockBytes(l, b)}), nil
		}
		var next []int
		for i := 0; i < len(parts); i += split {
			group := parts[i:min(i+split, len(parts))]
			next = append(next, lw.add(Task{Key: fmt.Sprintf("%s merge %d.%d", key, level, i/split), Op: "merge", Params: &MergeTask{}, Deps: group, Bytes: blockBytes(l, b) * 3}))
		}
		parts = next
	}
}

func (lw *lowerer) cumulativeTask(l *Layer, op Cumulative, b []int, key string) (int, error) {
	in := l.Inputs[0]
	e := lw.newExpr()
	if _, err := e.node(in, b, FullWindow(in.Chunks.BlockShape(b))); err != nil {
		return 0, err
	}
	deps := e.deps
	carry := b[op.Axis] > 0
	if carry {
		prev := append([]int{}, b...)
		prev[op.Axis]--
		id, err := lw.blockTask(l, prev)
		if err != nil {
			return 0, err
		}
		deps = append(append([]int{}, deps...), id)
	}
	return lw.add(Task{Key: key, Op: "cumulative", Params: &CumulativeTask{Expr: e.expr, Op: op.Op, Axis: op.Axis, Carry: carry}, Deps: deps, Bytes: blockBytes(l, b)}), nil
}

func (lw *lowerer) takeTask(l *Layer, op Take, b []int, key string) (int, error) {
	in := l.Inputs[0]
	lo := lw.origin(l, b)[op.Axis]
	positions := op.Positions[lo : lo+l.Chunks[op.Axis][b[op.Axis]]]
	offsets := in.Chunks.Offsets()[op.Axis]
	// The input blocks the positions fall in, in order, and where each starts in their concatenation.
	blockOf := func(p int64) int {
		k := 0
		for int64(offsets[k+1]) <= p {
			k++
		}
		return k
	}
	used := map[int]bool{}
	for _, p := range positions {
		used[blockOf(p)] = true
	}
	var deps []int
	concatStart := map[int]int{}
	pos := 0
	for k := range len(in.Chunks[op.Axis]) {
		if !used[k] {
			continue
		}
		ib := append([]int{}, b...)
		ib[op.Axis] = k
		id, err := lw.blockTask(in, ib)
		if err != nil {
			return 0, err
		}
		deps = append(deps, id)
		concatStart[k] = pos
		pos += in.Chunks[op.Axis][k]
	}
	local := make([]int64, len(positions))
	for i, p := range positions {
		k := blockOf(p)
		local[i] = p - int64(offsets[k]) + int64(concatStart[k])
	}
	return lw.add(Task{Key: key, Op: "take", Params: &TakeTask{Axis: op.Axis, Positions: local}, Deps: deps, Bytes: blockBytes(l, b)}), nil
}

func (lw *lowerer) rechunkTask(l *Layer, b []int, key string) (int, error) {
	in := l.Inputs[0]
	n := l.NDim()
	outOrigin := lw.origin(l, b)
	shape := l.Chunks.BlockShape(b)
	inOffsets := in.Chunks.Offsets()
	// Per axis, the input blocks overlapping [lo, hi).
	ranges := make([][]int, n)
	grid := make([]int, n)
	for d := range n {
		lo, hi := outOrigin[d], outOrigin[d]+shape[d]
		for k := range len(in.Chunks[d]) {
			if inOffsets[d][k] < hi && inOffsets[d][k+1] > lo || (shape[d] == 0 && k == 0) {
				ranges[d] = append(ranges[d], k)
			}
		}
		grid[d] = len(ranges[d])
	}
	task := &AssembleTask{Shape: shape, DType: l.DType}
	var deps []int
	var err error
	ForEachBlock(grid, func(g []int) {
		if err != nil {
			return
		}
		ib := make([]int, n)
		w := FullWindow(make([]int, n))
		off := make([]int, n)
		for d := range n {
			k := ranges[d][g[d]]
			ib[d] = k
			lo := max(outOrigin[d], inOffsets[d][k])
			hi := min(outOrigin[d]+shape[d], inOffsets[d][k+1])
			w.Start[d], w.Count[d] = lo-inOffsets[d][k], max(hi-lo, 0)
			off[d] = lo - outOrigin[d]
		}
		var id int
		if id, err = lw.blockTask(in, ib); err != nil {
			return
		}
		deps = append(deps, id)
		task.Pieces = append(task.Pieces, Piece{Dep: len(deps) - 1, Window: w, Offset: off})
	})
	if err != nil {
		return 0, err
	}
	return lw.add(Task{Key: key, Op: "assemble", Params: task, Deps: deps, Bytes: blockBytes(l, b)}), nil
}
