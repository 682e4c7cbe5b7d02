package graph

import (
	"fmt"
	"math"
	"slices"
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
	if err := checkGraphSize(targets); err != nil {
		return nil, err
	}
	lw := &lowerer{g: &Graph{}, memo: map[*Layer][]int32{}}
	lw.g.Tasks = make([]Task, 0, estimateTasks(targets))
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

// MaxTasks bounds the estimated size of a graph before it is lowered: a reduction over
// MaxBlocks blocks (with its tree of merges) fits, anything much bigger is refused.
const MaxTasks = 2 * MaxBlocks

// checkGraphSize refuses, before anything is allocated, graphs with a layer past
// MaxBlocks (lowering keeps a table entry per block of every layer it visits) or with more
// tasks than MaxTasks.
func checkGraphSize(targets []*Layer) error {
	var err error
	WalkLayers(targets, func(l *Layer) {
		if err == nil {
			err = l.Chunks.CheckBlocks(fmt.Sprintf("%s of shape %s", l.Op.Kind(), nd.ShapeString(l.Shape)))
		}
	})
	if err != nil {
		return err
	}
	if n := estimateTasks(targets); n > MaxTasks {
		return fmt.Errorf("the graph would have about %d tasks, more than the %d darray plans for (%w); use larger chunks",
			n, MaxTasks, ErrTooManyBlocks)
	}
	return nil
}

// estimateTasks guesses how many tasks lowering will make, so that the task list is
// allocated once: a block task per target block, and per reachable boundary layer one per
// block (a reduction: one partial per input block, and its merges).
func estimateTasks(targets []*Layer) int {
	n := 16
	WalkLayers(targets, func(l *Layer) {
		switch l.Op.(type) {
		case Reduce:
			in := l.Inputs[0].Chunks.TotalBlocks()
			n = addTasks(n, addTasks(in, in/7), l.Chunks.TotalBlocks())
		case Cumulative, Take, Rechunk, Blockwise: // (not Overlap: Diagonal reads only its diagonal blocks)
			n = addTasks(n, l.Chunks.TotalBlocks())
		}
	})
	for _, t := range targets {
		n = addTasks(n, t.Chunks.TotalBlocks())
	}
	return n
}

// addTasks adds task counts, saturating at math.MaxInt.
func addTasks(counts ...int) int {
	n := 0
	for _, c := range counts {
		if c > math.MaxInt-n {
			return math.MaxInt
		}
		n += c
	}
	return n
}

// LowerBlocks is Lower for some blocks of one layer: only those blocks (and what they
// need) become tasks; the one Output lists them in the order given.
func LowerBlocks(l *Layer, blocks [][]int) (*Graph, error) {
	if err := checkGraphSize([]*Layer{l}); err != nil {
		return nil, err
	}
	lw := &lowerer{g: &Graph{}, memo: map[*Layer][]int32{}}
	out := Output{Layer: l}
	for _, b := range blocks {
		id, err := lw.blockTask(l, b)
		if err != nil {
			return nil, err
		}
		out.Tasks = append(out.Tasks, id)
	}
	lw.g.Outputs = []Output{out}
	return lw.g, nil
}

type lowerer struct {
	g    *Graph
	memo map[*Layer][]int32 // per layer, per flat block: task index + 1, or 0
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
	b = append([]int{}, b...) // callers reuse their index slices; tasks keep theirs
	var id int
	var err error
	switch op := l.Op.(type) {
	case Reduce:
		id, err = lw.reduceTask(l, op, b)
	case Cumulative:
		id, err = lw.cumulativeTask(l, op, b)
	case Take:
		id, err = lw.takeTask(l, op, b)
	case Rechunk:
		id, err = lw.rechunkTask(l, b)
	case Blockwise:
		id, err = lw.blockwiseTask(l, op, b)
	case Overlap:
		id, err = lw.windowTask(l, op.Starts, b)
	default:
		deps, decode, derr := lw.sourceDeps(l, b)
		if derr != nil {
			return 0, derr
		}
		id = lw.add(Task{Layer: l, Block: b, Op: "block", Params: &BlockTask{Source: BlockRef{l, b}}, Deps: deps, Bytes: blockBytes(l, b), Working: addBytes(blockBytes(l, b), decode)})
	}
	if err != nil {
		return 0, err
	}
	memo[flat] = int32(id + 1)
	return id, nil
}

// BlockRef is a fused block: block Block of Layer, computed from the outputs of the task
// boundaries below it. Its expression is built when the task runs (walking a few layers
// costs microseconds there), so that lowering a million blocks only works out
// dependencies.
type BlockRef struct {
	Layer *Layer
	Block []int
}

// Expr builds the block's fused expression. Its "dep" nodes number the boundaries in the
// order sourceDeps met them, which is the order of the task's Deps.
func (s BlockRef) Expr() (Expr, error) {
	e := &exprBuilder{expr: Expr{Nodes: make([]Node, 0, 4)}}
	_, err := e.node(s.Layer, s.Block, FullWindow(s.Layer.Chunks.BlockShape(s.Block)))
	return e.expr, err
}

// WindowExpr builds the expression of the window w (local to the block) of the block.
func (s BlockRef) WindowExpr(w Window) (Expr, error) {
	e := &exprBuilder{expr: Expr{Nodes: make([]Node, 0, 4)}}
	_, err := e.node(s.Layer, s.Block, w)
	return e.expr, err
}

// selfContained reports whether block b of l can be computed from nothing but generators
// and in-memory data through fusable layers: any window of it is then cheap to make on
// the spot, with no task to wait for and no block to keep. (A window of a file's chunk
// costs the whole chunk: those are shared as tasks instead.)
func selfContained(l *Layer, b []int) bool {
	ok := true
	visitFused(l, b, func(*Layer, []int) error { ok = false; return nil }, func(leaf *Layer) {
		if _, isRead := leaf.Op.(Read); isRead {
			ok = false
		}
	})
	return ok
}

// exprBuilder collects the nodes of one fused block.
type exprBuilder struct {
	expr Expr
	deps []depRef
}

type depRef struct {
	layer *Layer
	flat  int
}

// visitFused is walkFused that also shows leaf each generator, data and file layer met.
func visitFused(l *Layer, b []int, boundary func(l *Layer, b []int) error, leaf func(*Layer)) error {
	switch op := l.Op.(type) {
	case Gen, Data, Read:
		if leaf != nil {
			leaf(l)
		}
		return nil
	case Elementwise:
		for _, in := range l.Inputs {
			if err := visitFused(in, broadcastBlock(in, l, b), boundary, leaf); err != nil {
				return err
			}
		}
		return nil
	case Transpose:
		ib := make([]int, len(b))
		for i, p := range op.Perm {
			ib[p] = b[i]
		}
		return visitFused(l.Inputs[0], ib, boundary, leaf)
	case Select:
		ib := make([]int, len(b))
		for d, ax := range op.Axes {
			ib[d] = ax.Block[b[d]]
		}
		return visitFused(l.Inputs[0], ib, boundary, leaf)
	case UnitReshape:
		return visitFused(l.Inputs[0], unitReshapeBlock(l.Inputs[0], op, b), boundary, leaf)
	case Concat:
		in, ib := concatBlock(l, op, b)
		return visitFused(in, ib, boundary, leaf)
	case BroadcastTo:
		return visitFused(l.Inputs[0], broadcastBlock(l.Inputs[0], l, b), boundary, leaf)
	}
	return boundary(l, b)
}

// broadcastBlock is the block of in (broadcast to l's shape) that block b of l reads.
func broadcastBlock(in, l *Layer, b []int) []int {
	ib := append([]int{}, b...)
	for d := range ib {
		if in.Shape[d] == 1 && l.Shape[d] != 1 {
			ib[d] = 0
		}
	}
	return ib
}

// concatBlock is the input block that block b of a concatenation is.
func concatBlock(l *Layer, op Concat, b []int) (*Layer, []int) {
	ib := append([]int{}, b...)
	k := b[op.Axis]
	ib[op.Axis] = op.Block[k]
	return l.Inputs[op.Input[k]], ib
}

func unitReshapeBlock(in *Layer, op UnitReshape, b []int) []int {
	ib := make([]int, in.NDim())
	for i, src := range op.Map {
		if src >= 0 {
			ib[src] = b[i]
		}
	}
	return ib
}

// sourceDeps makes (or finds) the boundary tasks that block b of l reads, and returns what
// decoding the stored chunks of the files it reads costs beyond the block itself (the
// largest such chunk: a task's reads run one after another).
func (lw *lowerer) sourceDeps(l *Layer, b []int) (deps []int, decode int64, err error) {
	err = visitFused(l, b, func(bl *Layer, bb []int) error {
		id, err := lw.blockTask(bl, bb)
		if err != nil {
			return err
		}
		for _, d := range deps {
			if d == id {
				return nil
			}
		}
		deps = append(deps, id)
		return nil
	}, func(leaf *Layer) {
		decode = max(decode, ChunkReadBytes(leaf))
	})
	return deps, decode, err
}

// ChunkReadBytes is the memory a read of l's source holds beyond the block it makes: a
// whole stored chunk (saturating at math.MaxInt64) for a file that must decode chunks
// whole, the rows of one a block spans for one that reads rows of uncompressed chunks,
// nothing for other layers. The scheduler's memory plan counts it, so a file whose chunks
// cannot fit in the memory limit is refused before anything is read.
func ChunkReadBytes(l *Layer) int64 {
	rd, ok := l.Op.(Read)
	if !ok {
		return 0
	}
	src, ok := rd.Src.(ChunkedSource)
	if !ok {
		return 0
	}
	chunks := src.StoredChunks()
	n := int64(l.DType.Size())
	for d, c := range chunks {
		if p, ok := src.(PartialChunkReader); ok && d == 0 && p.ReadsPartialChunks() && len(l.Chunks) > 0 {
			c = min(c, slices.Max(l.Chunks[0]))
		}
		n = mulBytes(n, int64(c))
	}
	return n
}

// addBytes adds non-negative sizes, saturating at math.MaxInt64.
func addBytes(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// mulBytes multiplies non-negative sizes, saturating at math.MaxInt64.
func mulBytes(a, b int64) int64 {
	if b < 0 || a < 0 {
		return math.MaxInt64
	}
	if b != 0 && a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

func (e *exprBuilder) push(n Node) int {
	e.expr.Nodes = append(e.expr.Nodes, n)
	return len(e.expr.Nodes) - 1
}

func (e *exprBuilder) dep(l *Layer, b []int) int {
	ref := depRef{l, flatBlock(l, b)}
	for k, r := range e.deps { // few deps per task: a scan beats a map
		if r == ref {
			return k
		}
	}
	e.deps = append(e.deps, ref)
	return len(e.deps) - 1
}

// node adds the nodes computing the window w (local to block b) of layer l.
func (e *exprBuilder) node(l *Layer, b []int, w Window) (int, error) {
	switch op := l.Op.(type) {
	case Gen:
		g := w.Shift(l.Origin(b))
		return e.push(Node{Kind: NodeGen, Gen: op.Spec, Window: &g, DType: l.DType}), nil
	case Read:
		g := w.Shift(l.Origin(b))
		return e.push(Node{Kind: NodeRead, Src: op.Src, Window: &g, DType: l.DType}), nil
	case Data:
		return e.push(Node{Kind: NodeData, Array: op.Blocks[flatBlock(l, b)], Window: &w}), nil
	case Elementwise:
		args := make([]int, len(l.Inputs))
		for k, in := range l.Inputs {
			ib, iw := broadcastBlock(in, l, b), w
			iw.Start, iw.Step, iw.Count = append([]int{}, w.Start...), append([]int{}, w.Step...), append([]int{}, w.Count...)
			for d := range l.Shape {
				if in.Shape[d] == 1 && l.Shape[d] != 1 { // broadcast axis: its one element
					iw.Start[d], iw.Step[d], iw.Count[d] = 0, 1, 1
				}
			}
			var err error
			if args[k], err = e.node(in, ib, iw); err != nil {
				return 0, err
			}
		}
		return e.push(Node{Kind: NodeProgram, Program: op.Program, Args: args}), nil
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
	case Concat:
		in, ib := concatBlock(l, op, b)
		return e.node(in, ib, w)
	case BroadcastTo:
		in := l.Inputs[0]
		ib := broadcastBlock(in, l, b)
		iw := FullWindow(w.Count)
		copy(iw.Start, w.Start)
		copy(iw.Step, w.Step)
		for d := range b {
			if in.Shape[d] == 1 && l.Shape[d] != 1 {
				iw.Start[d], iw.Step[d], iw.Count[d] = 0, 1, 1
			}
		}
		child, err := e.node(in, ib, iw)
		if err != nil {
			return 0, err
		}
		bc := e.push(Node{Kind: NodeBroadcast, Args: []int{child}, Dims: append([]int{}, w.Count...)})
		return e.permute(bc, w.Perm), nil
	default: // a task boundary: read the dep's output through the window
		return e.push(Node{Kind: NodeDep, Dep: e.dep(l, b), Window: &w}), nil
	}
}

// unitReshape pushes the window through a layer that only adds or drops axes of length one.
func (e *exprBuilder) unitReshape(l *Layer, op UnitReshape, b []int, w Window) (int, error) {
	in := l.Inputs[0]
	ib := unitReshapeBlock(in, op, b)
	iw := FullWindow(make([]int, in.NDim()))
	for d := range iw.Count {
		iw.Count[d] = 1 // axes not in Map have length one
	}
	for i, src := range op.Map {
		if src >= 0 {
			iw.Start[src], iw.Step[src], iw.Count[src] = w.Start[i], w.Step[i], w.Count[i]
		}
	}
	child, err := e.node(in, ib, iw)
	if err != nil {
		return 0, err
	}
	r := e.push(Node{Kind: NodeUnitReshape, Args: []int{child}, Dims: append([]int{}, w.Count...)})
	return e.permute(r, w.Perm), nil
}

// permute adds a transposing view after node n unless perm is the identity.
func (e *exprBuilder) permute(n int, perm []int) int {
	for i, p := range perm {
		if p != i {
			return e.push(Node{Kind: NodeTranspose, Args: []int{n}, Dims: perm})
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
func (lw *lowerer) reduceTask(l *Layer, op Reduce, b []int) (int, error) {
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
		deps, decode, derr := lw.sourceDeps(in, ib)
		if err = derr; err != nil {
			return
		}
		pt := &PartialTask{Source: BlockRef{in, ib}, Op: op.Op, Axes: op.Axes}
		parts = append(parts, lw.add(Task{Layer: in, Block: ib, Role: "partial " + l.Name, Op: "partial", Params: pt, Deps: deps, Bytes: blockBytes(l, b) * 3, Working: addBytes(2*blockBytes(in, ib), decode)}))
	})
	if err != nil {
		return 0, err
	}
	split := max(op.SplitEvery, 2)
	for level := 1; ; level++ {
		if len(parts) <= split {
			args := nd.ReduceArgs{Axes: op.Axes, KeepDims: op.KeepDims, DDof: op.DDof}
			return lw.add(Task{Layer: l, Block: b, Op: "merge", Params: &MergeTask{Finalize: true, Args: args}, Deps: parts, Bytes: blockBytes(l, b)}), nil
		}
		var next []int
		for i := 0; i < len(parts); i += split {
			group := parts[i:min(i+split, len(parts))]
			next = append(next, lw.add(Task{Layer: l, Block: b, Role: fmt.Sprintf("merge %d.%d", level, i/split), Op: "merge", Params: &MergeTask{}, Deps: group, Bytes: blockBytes(l, b) * 3}))
		}
		parts = next
	}
}

func (lw *lowerer) cumulativeTask(l *Layer, op Cumulative, b []int) (int, error) {
	in := l.Inputs[0]
	deps, decode, err := lw.sourceDeps(in, b)
	if err != nil {
		return 0, err
	}
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
	return lw.add(Task{Layer: l, Block: b, Op: "cumulative", Params: &CumulativeTask{Source: BlockRef{in, b}, Op: op.Op, Axis: op.Axis, Carry: carry}, Deps: deps, Bytes: blockBytes(l, b), Working: addBytes(2*blockBytes(in, b), decode)}), nil
}

func (lw *lowerer) takeTask(l *Layer, op Take, b []int) (int, error) {
	in := l.Inputs[0]
	lo := l.Origin(b)[op.Axis]
	positions := op.Positions[lo : lo+l.Chunks[op.Axis][b[op.Axis]]]
	offsets := in.Offsets()[op.Axis]
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
	if len(positions) == 0 && len(in.Chunks[op.Axis]) > 0 {
		used[0] = true // nothing taken: a block of the input, for the other axes' shape
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
	return lw.add(Task{Layer: l, Block: b, Op: "take", Working: int64(pos) * blockBytes(l, b) / int64(max(l.Chunks[op.Axis][b[op.Axis]], 1)), Params: &TakeTask{Axis: op.Axis, Positions: local}, Deps: deps, Bytes: blockBytes(l, b)}), nil
}

func (lw *lowerer) rechunkTask(l *Layer, b []int) (int, error) {
	return lw.windowTask(l, l.Offsets(), b)
}

// windowTask assembles block b of l from the input: along axis d it is the input's
// elements from starts[d][b[d]] on, as many as the block is long. (Rechunks start blocks
// at their offsets; overlaps start them earlier and make them longer, so they overlap.)
func (lw *lowerer) windowTask(l *Layer, starts [][]int, b []int) (int, error) {
	in := l.Inputs[0]
	n := l.NDim()
	outOrigin := make([]int, n)
	for d := range n {
		outOrigin[d] = starts[d][b[d]]
	}
	shape := l.Chunks.BlockShape(b)
	inOffsets := in.Offsets()
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
		if selfContained(in, ib) { // made on the spot: no block to share and keep
			task.Pieces = append(task.Pieces, Piece{Dep: -1, Source: &BlockRef{in, ib}, Window: w, Offset: off})
			return
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
	return lw.add(Task{Layer: l, Block: b, Op: "assemble", Params: task, Deps: deps, Bytes: blockBytes(l, b)}), nil
}
