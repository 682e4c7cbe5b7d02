package darray

import (
	"slices"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
)

// Joining, repeating and padding arrays. Concatenation is a view: an output block is a
// block of one input, so joining costs nothing until something reads it; stacking, tiling,
// rolling and padding are built from concatenations, slices and takes.

// Concatenate joins arrays along an existing axis, like numpy.concatenate. The result has
// the arrays' common dtype; along the other axes their chunks are unified.
func Concatenate(arrays []*Array, axis int) *Array {
	if len(arrays) == 0 {
		return failf("concatenate", "need at least one array to concatenate")
	}
	for _, a := range arrays {
		if a.err != nil {
			return a
		}
	}
	first := arrays[0].layer
	if first.NDim() == 0 {
		return failf("concatenate", "zero-dimensional arrays cannot be concatenated")
	}
	ax, err := nd.NormalizeAxes("concatenate", []int{axis}, first.NDim())
	if err != nil {
		return failed("concatenate", err)
	}
	axis = ax[0]
	dt := first.DType
	shape := append([]int{}, first.Shape...)
	shape[axis] = 0
	for i, a := range arrays {
		l := a.layer
		if l.NDim() != first.NDim() {
			return failf("concatenate", "all the input arrays must have the same number of dimensions, but array 0 has %d and array %d has %d", first.NDim(), i, l.NDim())
		}
		for d := range shape {
			if d != axis && l.Shape[d] != first.Shape[d] {
				return failf("concatenate", "all the input array dimensions except for the concatenation axis must match exactly, but along dimension %d, array 0 has size %d and array %d has size %d", d, first.Shape[d], i, l.Shape[d])
			}
		}
		shape[axis] += l.Shape[axis]
		dt = nd.ResultType(dt, l.DType)
	}
	if len(arrays) == 1 {
		return arrays[0].AsType(dt)
	}
	// Unify the chunks of every axis but the joined one.
	chunks := make(graph.Chunks, len(shape))
	for d := range shape {
		if d == axis {
			continue
		}
		var axes [][]int
		for _, a := range arrays {
			axes = append(axes, a.layer.Chunks[d])
		}
		chunks[d] = graph.Refine(axes...)
	}
	op := graph.Concat{Axis: axis}
	inputs := make([]*graph.Layer, len(arrays))
	for i, a := range arrays {
		want := append(graph.Chunks{}, chunks...)
		want[axis] = a.layer.Chunks[axis]
		inputs[i] = rechunkLayer(a.AsType(dt).layer, want)
		for k, c := range want[axis] {
			if c > 0 {
				op.Input = append(op.Input, i)
				op.Block = append(op.Block, k)
				chunks[axis] = append(chunks[axis], c)
			}
		}
	}
	if len(op.Input) == 0 { // every input is empty along the axis
		op.Input, op.Block, chunks[axis] = []int{0}, []int{0}, []int{0}
	}
	return fromLayer(graph.NewLayer(op, inputs, shape, dt, chunks))
}

// Stack joins arrays of one shape along a new axis, like numpy.stack.
func Stack(arrays []*Array, axis int) *Array {
	if len(arrays) == 0 {
		return failf("stack", "need at least one array to stack")
	}
	expanded := make([]*Array, len(arrays))
	for i, a := range arrays {
		if a.err != nil {
			return a
		}
		if !slices.Equal(a.Shape(), arrays[0].Shape()) {
			return failf("stack", "all input arrays must have the same shape, but array 0 has shape %s and array %d has shape %s", nd.ShapeString(arrays[0].Shape()), i, nd.ShapeString(a.Shape()))
		}
		expanded[i] = a.ExpandDims(axis)
	}
	if err := expanded[0].Err(); err != nil {
		return failed("stack", err)
	}
	return Concatenate(expanded, axis)
}

// HStack joins arrays column-wise: along axis 1, or axis 0 for one-dimensional arrays.
func HStack(arrays ...*Array) *Array {
	for _, a := range arrays {
		if a.err != nil {
			return a
		}
	}
	if len(arrays) > 0 && arrays[0].NDim() == 1 {
		return Concatenate(arrays, 0)
	}
	return Concatenate(atLeast2D(arrays), 1)
}

// VStack joins arrays row-wise, along axis 0, one-dimensional arrays becoming rows.
func VStack(arrays ...*Array) *Array { return Concatenate(atLeast2D(arrays), 0) }

func atLeast2D(arrays []*Array) []*Array {
	out := make([]*Array, len(arrays))
	for i, a := range arrays {
		switch a.NDim() {
		case 0:
			out[i] = a.ExpandDims(0, 1)
		case 1:
			out[i] = a.ExpandDims(0)
		default:
			out[i] = a
		}
	}
	return out
}

// Block assembles an array from a grid of blocks, like numpy.block with two levels of
// nesting: each row is joined along the last axis, then the rows along the one before.
func Block(rows ...[]*Array) *Array {
	if len(rows) == 0 {
		return failf("block", "need at least one row")
	}
	joined := make([]*Array, len(rows))
	for i, row := range rows {
		if len(row) == 0 {
			return failf("block", "row %d is empty", i)
		}
		row = atLeast2D(row)
		joined[i] = Concatenate(row, -1)
	}
	return Concatenate(joined, -2)
}

// axisArg normalizes one axis argument for op.
func (a *Array) axisArg(op string, axis int) (int, error) {
	ax, err := nd.NormalizeAxes(op, []int{axis}, a.NDim())
	if err != nil {
		return 0, err
	}
	return ax[0], nil
}

// sliceAxis is a[..., lo:hi:step, ...] along axis.
func (a *Array) sliceAxis(axis, lo, hi, step int) *Array {
	idx := make([]nd.Index, a.NDim())
	for d := range idx {
		idx[d] = nd.Whole()
	}
	idx[axis] = nd.Slice(lo, hi, step)
	return a.IndexWith(idx...)
}

// Flip reverses the order of elements along the given axes (all of them when none are
// given), like numpy.flip. It is a view.
func (a *Array) Flip(axes ...int) *Array {
	if a.err != nil {
		return a
	}
	if len(axes) == 0 {
		axes = identityAxes(a.NDim())
	}
	norm, err := nd.NormalizeAxes("flip", axes, a.NDim())
	if err != nil {
		return failed("flip", err)
	}
	idx := make([]nd.Index, a.NDim())
	for d := range idx {
		idx[d] = nd.Whole()
	}
	for _, d := range norm {
		idx[d] = nd.Slice(nd.Omit, nd.Omit, -1)
	}
	return a.IndexWith(idx...)
}

func identityAxes(n int) []int {
	axes := make([]int, n)
	for i := range axes {
		axes[i] = i
	}
	return axes
}

// Roll shifts elements along axis by shift places, those pushed off one end coming back
// at the other, like numpy.roll with an axis.
func (a *Array) Roll(shift, axis int) *Array {
	if a.err != nil {
		return a
	}
	ax, err := a.axisArg("roll", axis)
	if err != nil {
		return failed("roll", err)
	}
	n := a.Shape()[ax]
	if n == 0 {
		return a
	}
	s := ((shift % n) + n) % n
	if s == 0 {
		return a
	}
	return Concatenate([]*Array{a.sliceAxis(ax, n-s, n, 1), a.sliceAxis(ax, 0, n-s, 1)}, ax)
}

// Tile repeats the whole array reps[i] times along axis i, like numpy.tile: with more
// reps than axes the array gains leading axes of length one; with fewer, the reps apply
// to the last axes.
func (a *Array) Tile(reps ...int) *Array {
	if a.err != nil {
		return a
	}
	for _, r := range reps {
		if r < 0 {
			return failf("tile", "negative repetitions %v", reps)
		}
	}
	x := a
	for x.NDim() < len(reps) {
		x = x.ExpandDims(0)
	}
	full := make([]int, x.NDim())
	for i := range full {
		full[i] = 1
	}
	copy(full[len(full)-len(reps):], reps)
	for d, r := range full {
		if r == 1 {
			continue
		}
		if r == 0 {
			x = x.sliceAxis(d, 0, 0, 1)
			continue
		}
		copies := make([]*Array, r)
		for i := range copies {
			copies[i] = x
		}
		x = Concatenate(copies, d)
	}
	return x
}

// Repeat repeats each element repeats times along axis, like numpy.repeat with an axis.
func (a *Array) Repeat(repeats, axis int) *Array {
	if a.err != nil {
		return a
	}
	if repeats < 0 {
		return failf("repeat", "negative repeats %d", repeats)
	}
	ax, err := a.axisArg("repeat", axis)
	if err != nil {
		return failed("repeat", err)
	}
	n := a.Shape()[ax]
	positions := make([]int64, 0, n*repeats)
	for i := range n {
		for range repeats {
			positions = append(positions, int64(i))
		}
	}
	idx, _ := nd.FromSlice(positions)
	return a.take(ax, idx)
}

// PadMode is how Pad fills the margin.
type PadMode string

// The padding modes, as numpy.pad names them.
const (
	PadConstant  PadMode = "constant"  // a constant value
	PadEdge      PadMode = "edge"      // the edge value repeated
	PadReflect   PadMode = "reflect"   // mirrored about the edge element: 3 2 | 1 2 3 | 2 1
	PadSymmetric PadMode = "symmetric" // mirrored including the edge: 2 1 | 1 2 3 | 3 2
	PadWrap      PadMode = "wrap"      // the other end: 2 3 | 1 2 3 | 1 2
)

// Pad adds widths[d][0] elements before and widths[d][1] after axis d, filled as mode
// says (value is the constant of PadConstant), like numpy.pad. One pair of widths applies
// to every axis. The interior stays as it was; the margins are blocks of their own.
func (a *Array) Pad(widths [][2]int, mode PadMode, value complex128) *Array {
	if a.err != nil {
		return a
	}
	n := a.NDim()
	if len(widths) == 1 && n > 1 {
		for len(widths) < n {
			widths = append(widths, widths[0])
		}
	}
	if len(widths) != n {
		return failf("pad", "%d pad widths for an array of %d dimensions", len(widths), n)
	}
	switch mode {
	case PadConstant, PadEdge, PadReflect, PadSymmetric, PadWrap:
	default:
		return failf("pad", "unknown mode %q (constant, edge, reflect, symmetric, wrap)", mode)
	}
	x := a
	for d, w := range widths {
		if w[0] < 0 || w[1] < 0 {
			return failf("pad", "negative pad width %v along axis %d", w, d)
		}
		if w[0] == 0 && w[1] == 0 {
			continue
		}
		size := x.Shape()[d]
		if size == 0 && mode != PadConstant {
			return failf("pad", "can't extend empty axis %d using modes other than 'constant'", d)
		}
		parts := []*Array{x}
		if w[0] > 0 {
			parts = append([]*Array{x.margin(d, -w[0], 0, mode, value)}, parts...)
		}
		if w[1] > 0 {
			parts = append(parts, x.margin(d, size, size+w[1], mode, value))
		}
		x = Concatenate(parts, d)
	}
	return x
}

// margin makes positions [lo, hi) of axis d (outside [0, n)) of the padded array.
func (a *Array) margin(d, lo, hi int, mode PadMode, value complex128) *Array {
	l := a.layer
	if mode == PadConstant {
		shape := append([]int{}, l.Shape...)
		shape[d] = hi - lo
		sizes := make([][]int, len(shape))
		for k := range sizes {
			sizes[k] = l.Chunks[k]
		}
		sizes[d] = []int{hi - lo}
		return Full(shape, value, l.DType, ChunkSizes(sizes...))
	}
	n := l.Shape[d]
	if v := a.marginView(d, lo, hi, mode); v != nil {
		return v
	}
	positions := make([]int64, 0, hi-lo)
	for p := lo; p < hi; p++ {
		positions = append(positions, int64(padSource(p, n, mode)))
	}
	idx, _ := nd.FromSlice(positions)
	return a.take(d, idx)
}

// marginView is the margin as a view (a slice, reversed or broadcast) when it is no wider
// than the modes' one period, nil otherwise. Views fuse into whatever reads them, so a
// margin of a generator is made on the spot, not taken from a materialized block.
func (a *Array) marginView(d, lo, hi int, mode PadMode) *Array {
	n := a.Shape()[d]
	w := hi - lo
	left := lo < 0
	switch mode {
	case PadEdge:
		edge := a.sliceAxis(d, 0, 1, 1)
		if !left {
			edge = a.sliceAxis(d, n-1, n, 1)
		}
		shape := append([]int{}, a.Shape()...)
		shape[d] = w
		return edge.BroadcastTo(shape...)
	case PadWrap:
		if w > n {
			return nil
		}
		if left {
			return a.sliceAxis(d, n-w, n, 1)
		}
		return a.sliceAxis(d, 0, w, 1)
	case PadSymmetric:
		if w > n {
			return nil
		}
		if left { // w-1 down to 0
			return a.sliceAxis(d, w-1, nd.Omit, -1)
		}
		return a.sliceAxis(d, n-1, stopBefore(n-1-w), -1) // n-1 down to n-w
	case PadReflect:
		if w > n-1 {
			return nil
		}
		if left { // w down to 1
			return a.sliceAxis(d, w, 0, -1)
		}
		return a.sliceAxis(d, n-2, stopBefore(n-2-w), -1) // n-2 down to n-1-w
	}
	return nil
}

// stopBefore is the stop of a reversed slice that ends just after position p: p itself,
// or "no stop" when p is -1 (which a slice would read as the last element).
func stopBefore(p int) int {
	if p < 0 {
		return nd.Omit
	}
	return p
}

// padSource is the position of an axis of length n that position p of the padded axis
// copies, for the modes that copy.
func padSource(p, n int, mode PadMode) int {
	switch mode {
	case PadEdge:
		return min(max(p, 0), n-1)
	case PadWrap:
		return ((p % n) + n) % n
	case PadSymmetric: // period 2n: 0..n-1, then n-1..0
		q := ((p % (2 * n)) + 2*n) % (2 * n)
		if q >= n {
			q = 2*n - 1 - q
		}
		return q
	}
	// Reflect: period 2n-2 (an axis of one element reflects onto itself).
	if n == 1 {
		return 0
	}
	period := 2*n - 2
	q := ((p % period) + period) % period
	if q >= n {
		q = period - q
	}
	return q
}
