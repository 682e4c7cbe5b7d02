package darray

import (
	"slices"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
)

// Transpose permutes the axes (reverses them when none are given).
func (a *Array) Transpose(axes ...int) *Array {
	if a.err != nil {
		return a
	}
	n := a.layer.NDim()
	if len(axes) == 0 {
		axes = make([]int, n)
		for i := range axes {
			axes[i] = n - 1 - i
		}
	}
	if len(axes) != n {
		return failf("transpose", "axes %v don't match array of dimension %d", axes, n)
	}
	perm, err := nd.NormalizeAxes("transpose", axes, n)
	if err != nil {
		return failed("transpose", err)
	}
	shape := make([]int, n)
	chunks := make(graph.Chunks, n)
	identity := true
	for i, p := range perm {
		shape[i], chunks[i] = a.layer.Shape[p], a.layer.Chunks[p]
		identity = identity && p == i
	}
	if identity {
		return a
	}
	return fromLayer(graph.NewLayer(graph.Transpose{Perm: perm}, []*graph.Layer{a.layer}, shape, a.layer.DType, chunks))
}

// T is the transpose with reversed axes, NumPy's a.T.
func (a *Array) T() *Array { return a.Transpose() }

// MoveAxis moves axis src to position dst.
func (a *Array) MoveAxis(src, dst int) *Array {
	if a.err != nil {
		return a
	}
	n := a.layer.NDim()
	s, err1 := nd.NormalizeAxes("moveaxis", []int{src}, n)
	d, err2 := nd.NormalizeAxes("moveaxis", []int{dst}, n)
	if err1 != nil || err2 != nil {
		return failf("moveaxis", "axes %d and %d must be within an array of dimension %d", src, dst, n)
	}
	var order []int
	for i := range n {
		if i != s[0] {
			order = append(order, i)
		}
	}
	order = append(order[:d[0]], append([]int{s[0]}, order[d[0]:]...)...)
	return a.Transpose(order...)
}

// SwapAxes exchanges two axes.
func (a *Array) SwapAxes(i, j int) *Array {
	if a.err != nil {
		return a
	}
	n := a.layer.NDim()
	ax := []int{i, j}
	for k, v := range ax { // each on its own: swapaxes(x, 1, -1) of a matrix names one axis twice
		norm, err := nd.NormalizeAxes("swapaxes", []int{v}, n)
		if err != nil {
			return failed("swapaxes", err)
		}
		ax[k] = norm[0]
	}
	if ax[0] == ax[1] {
		return a
	}
	order := make([]int, n)
	for k := range order {
		order[k] = k
	}
	order[ax[0]], order[ax[1]] = ax[1], ax[0]
	return a.Transpose(order...)
}

// unitReshape builds a layer that adds (Map -1) and drops axes of length one.
func (a *Array) unitReshape(m []int) *Array {
	shape := make([]int, len(m))
	chunks := make(graph.Chunks, len(m))
	for i, src := range m {
		if src < 0 {
			shape[i], chunks[i] = 1, []int{1}
		} else {
			shape[i], chunks[i] = a.layer.Shape[src], a.layer.Chunks[src]
		}
	}
	return fromLayer(graph.NewLayer(graph.UnitReshape{Map: m}, []*graph.Layer{a.layer}, shape, a.layer.DType, chunks))
}

// ExpandDims inserts axes of length one at the given positions of the result.
func (a *Array) ExpandDims(axes ...int) *Array {
	if a.err != nil {
		return a
	}
	n := a.layer.NDim() + len(axes)
	pos, err := nd.NormalizeAxes("expand_dims", axes, n)
	if err != nil {
		return failed("expand_dims", err)
	}
	isNew := make([]bool, n)
	for _, p := range pos {
		isNew[p] = true
	}
	m := make([]int, n)
	j := 0
	for i := range m {
		if isNew[i] {
			m[i] = -1
		} else {
			m[i] = j
			j++
		}
	}
	return a.unitReshape(m)
}

// Squeeze removes the given axes of length one, or all of them.
func (a *Array) Squeeze(axes ...int) *Array {
	if a.err != nil {
		return a
	}
	drop := make([]bool, a.layer.NDim())
	if len(axes) == 0 {
		for d, s := range a.layer.Shape {
			drop[d] = s == 1
		}
	} else {
		norm, err := nd.NormalizeAxes("squeeze", axes, a.layer.NDim())
		if err != nil {
			return failed("squeeze", err)
		}
		for _, d := range norm {
			if a.layer.Shape[d] != 1 {
				return failf("squeeze", "cannot select an axis to squeeze out which has size not equal to one (axis %d of shape %s)", d, nd.ShapeString(a.layer.Shape))
			}
			drop[d] = true
		}
	}
	m := []int{}
	for d := range drop {
		if !drop[d] {
			m = append(m, d)
		}
	}
	return a.unitReshape(m)
}

// BroadcastTo repeats the array to shape under NumPy's broadcasting rules.
func (a *Array) BroadcastTo(shape ...int) *Array {
	if a.err != nil {
		return a
	}
	if _, err := nd.BroadcastShapes(a.layer.Shape, shape); err != nil || len(shape) < a.layer.NDim() {
		return failf("broadcast_to", "cannot broadcast shape %s to %s", nd.ShapeString(a.layer.Shape), nd.ShapeString(shape))
	}
	l := toRank(a.layer, len(shape))
	chunks := make(graph.Chunks, len(shape))
	for d := range shape {
		if l.Shape[d] != shape[d] {
			if l.Shape[d] != 1 {
				return failf("broadcast_to", "cannot broadcast shape %s to %s", nd.ShapeString(a.layer.Shape), nd.ShapeString(shape))
			}
			chunks[d] = []int{shape[d]}
			if shape[d] == 0 {
				chunks[d] = []int{0}
			}
		} else {
			chunks[d] = l.Chunks[d]
		}
	}
	if nd.EqualShapes(l.Shape, shape) {
		return fromLayer(l)
	}
	return fromLayer(graph.NewLayer(graph.BroadcastTo{}, []*graph.Layer{l}, append([]int{}, shape...), l.DType, chunks))
}

// Index selects with NumPy syntax, such as "::2, 5000:" or "..., None, -1".
func (a *Array) Index(expr string) *Array {
	if a.err != nil {
		return a
	}
	idx, err := nd.ParseIndex(expr)
	if err != nil {
		return failed("index", err)
	}
	return a.IndexWith(idx...)
}

// IndexWith selects with typed indices: integers, slices, Ellipsis and NewAxis are lazy
// views; one Take index (an in-memory integer array or boolean mask) gathers.
func (a *Array) IndexWith(idx ...nd.Index) *Array {
	if a.err != nil {
		return a
	}
	// Resolve the index against the shape with nd's own rules, on a stand-in array of the
	// same shape whose strides are zero, so that no data is touched.
	probe, _ := nd.Zeros(nd.Bool, 1)
	stand, err := probe.BroadcastTo(a.layer.Shape...)
	if err != nil && a.layer.NDim() > 0 {
		return failed("index", err)
	}
	if a.layer.NDim() == 0 {
		stand, _ = probe.Reshape()
	}
	if _, err := stand.Index(idx...); err != nil {
		return failed("index", err)
	}
	// Expand the ellipsis and split the index into per-axis selections.
	consumed := 0
	for _, ix := range idx {
		switch {
		case ix.IsSlice(), isInt(ix):
			consumed++
		case isTake(ix):
			consumed += takeAxes(ix)
		}
	}
	var full []nd.Index
	for _, ix := range idx {
		if isEllipsis(ix) {
			for range a.layer.NDim() - consumed {
				full = append(full, nd.Whole())
			}
			continue
		}
		full = append(full, ix)
	}
	for range a.layer.NDim() - consumed - countEllipsisFill(idx, a.layer.NDim()-consumed) {
		full = append(full, nd.Whole())
	}
	// A boolean mask over several axes selects along those axes merged into one: merge
	// them (a lazy reshape) and gather the flat positions of its true elements.
	axis := 0
	for j, ix := range full {
		if isTake(ix) && ix.Array().DType() == nd.Bool && ix.Array().NDim() > 1 {
			mask := ix.Array()
			k := mask.NDim()
			if !slices.Equal(mask.Shape(), a.layer.Shape[axis:axis+k]) {
				return failf("index", "boolean index of shape %s does not match the indexed array's axes %d to %d of shape %s", nd.ShapeString(mask.Shape()), axis, axis+k-1, nd.ShapeString(a.layer.Shape))
			}
			var positions []int64
			for i, b := range nd.Values[bool](mask) {
				if b {
					positions = append(positions, int64(i))
				}
			}
			flat, _ := nd.FromSlice(positions, len(positions))
			merged := append(slices.Clone(a.layer.Shape[:axis]), mask.Size())
			merged = append(merged, a.layer.Shape[axis+k:]...)
			rest := append(slices.Clone(full[:j]), nd.Take(flat))
			rest = append(rest, full[j+1:]...)
			b := a.Reshape(merged...)
			if b.err != nil {
				return b
			}
			return b.applyIndex(rest)
		}
		switch {
		case ix.IsSlice(), isInt(ix):
			axis++
		case isTake(ix):
			axis += takeAxes(ix)
		}
	}
	return a.applyIndex(full)
}

func countEllipsisFill(idx []nd.Index, fill int) int {
	for _, ix := range idx {
		if isEllipsis(ix) {
			return fill
		}
	}
	return 0
}

func isInt(ix nd.Index) bool      { return ix.IsInt() }
func isEllipsis(ix nd.Index) bool { return ix.IsEllipsis() }
func isNewAxis(ix nd.Index) bool  { return ix.IsNewAxis() }
func isTake(ix nd.Index) bool     { return ix.Array() != nil }

func takeAxes(ix nd.Index) int {
	if ix.Array().DType() == nd.Bool {
		return max(ix.Array().NDim(), 1)
	}
	return 1
}

// applyIndex applies a full index (no ellipsis; every axis covered by a slice, an integer
// or an array, plus new axes) as a Select layer, a UnitReshape for integers and new axes,
// and a Take for an array index.
func (a *Array) applyIndex(idx []nd.Index) *Array {
	l := a.layer
	n := l.NDim()
	sel := graph.Select{Axes: make([]graph.SelectAxis, n)}
	shape := make([]int, n)
	chunks := make(graph.Chunks, n)
	var m []int  // output axis -> selected axis, -1 for new axes
	takeAt := -1 // output axis of the array index
	var take nd.Index
	axis := 0
	trivial := true
	for _, ix := range idx {
		switch {
		case isNewAxis(ix):
			m = append(m, -1)
			trivial = false
			continue
		case isTake(ix):
			if ix.Array().DType() == nd.Bool && ix.Array().NDim() != 1 {
				return failf("index", "a boolean mask over %d axes of a lazy array is not supported; index one axis at a time", ix.Array().NDim())
			}
			takeAt, take = len(m), ix
			m = append(m, axis)
			sel.Axes[axis], shape[axis], chunks[axis] = wholeAxis(l.Chunks[axis])
			axis++
			continue
		}
		start, step, count, err := ix.Resolve(l.Shape[axis])
		if err != nil {
			return failed("index", err)
		}
		if isInt(ix) {
			count = 1
		} else {
			m = append(m, axis)
		}
		sel.Axes[axis], shape[axis], chunks[axis] = selectAxis(l.Chunks[axis], start, step, count)
		if !(start == 0 && step == 1 && count == l.Shape[axis]) || isInt(ix) {
			trivial = false
		}
		axis++
	}
	out := a
	if !trivial {
		selected := fromLayer(graph.NewLayer(sel, []*graph.Layer{l}, shape, l.DType, chunks))
		if isIdentityMap(m, n) {
			out = selected
		} else {
			out = selected.unitReshape(m)
		}
	}
	if takeAt >= 0 {
		out = out.take(takeAt, take.Array())
	}
	return out
}

func isIdentityMap(m []int, n int) bool {
	if len(m) != n {
		return false
	}
	for i, v := range m {
		if v != i {
			return false
		}
	}
	return true
}

func wholeAxis(chunks []int) (graph.SelectAxis, int, []int) {
	total := 0
	ax := graph.SelectAxis{Step: 1}
	for k, c := range chunks {
		ax.Block = append(ax.Block, k)
		ax.Start = append(ax.Start, 0)
		total += c
	}
	return ax, total, append([]int{}, chunks...)
}

// selectAxis groups the selected positions start + j*step (j < count) by the input block
// holding them: each group becomes one output block.
func selectAxis(chunks []int, start, step, count int) (graph.SelectAxis, int, []int) {
	offsets := make([]int, len(chunks)+1)
	for i, c := range chunks {
		offsets[i+1] = offsets[i] + c
	}
	ax := graph.SelectAxis{Step: step}
	var out []int
	j := 0
	for j < count {
		p := start + j*step
		k := blockContaining(offsets, p)
		// How many consecutive selected positions stay in block k.
		var m int
		if step > 0 {
			m = (offsets[k+1]-1-p)/step + 1
		} else {
			m = (p-offsets[k])/(-step) + 1
		}
		m = min(m, count-j)
		ax.Block = append(ax.Block, k)
		ax.Start = append(ax.Start, p-offsets[k])
		out = append(out, m)
		j += m
	}
	if count == 0 {
		ax.Block, ax.Start, out = []int{0}, []int{0}, []int{0}
	}
	return ax, count, out
}

func blockContaining(offsets []int, p int) int {
	lo, hi := 0, len(offsets)-2
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if offsets[mid] <= p {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// take gathers positions (an integer array, or a one-axis boolean mask) along axis.
func (a *Array) take(axis int, index *nd.Array) *Array {
	l := a.layer
	n := l.Shape[axis]
	var positions []int64
	if index.DType() == nd.Bool {
		if index.Size() != n {
			return failf("index", "boolean index did not match indexed array along dimension %d; dimension is %d but corresponding boolean dimension is %d", axis, n, index.Size())
		}
		for i, b := range nd.Values[bool](index) {
			if b {
				positions = append(positions, int64(i))
			}
		}
		index, _ = nd.FromSlice(positions)
	}
	if index.NDim() != 1 { // gather the flattened positions, then lay them out in its shape
		flat, err := index.Contiguous().Reshape(index.Size())
		if err != nil {
			return failed("index", err)
		}
		taken := a.take(axis, flat)
		if taken.err != nil {
			return taken
		}
		shape := append(slices.Clone(l.Shape[:axis]), index.Shape()...)
		return taken.Reshape(append(shape, l.Shape[axis+1:]...)...)
	}
	positions = nd.Values[int64](index)
	for i, p := range positions {
		if p < int64(-n) || p >= int64(n) {
			return failf("index", "index %d is out of bounds for axis %d with size %d", p, axis, n)
		}
		if p < 0 {
			positions[i] += int64(n)
		}
	}
	chunks := append(graph.Chunks{}, l.Chunks...)
	size := 0
	for _, c := range l.Chunks[axis] {
		size = max(size, c)
	}
	var ax []int
	for lo := 0; lo < len(positions); lo += max(size, 1) {
		ax = append(ax, min(size, len(positions)-lo))
	}
	if len(positions) == 0 {
		ax = []int{0}
	}
	chunks[axis] = ax
	shape := append([]int{}, l.Shape...)
	shape[axis] = len(positions)
	return fromLayer(graph.NewLayer(graph.Take{Axis: axis, Positions: positions}, []*graph.Layer{l}, shape, l.DType, chunks))
}
