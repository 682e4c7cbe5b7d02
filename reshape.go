package darray

import (
	"fmt"
	"slices"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
)

// reshapeFunc is the block function behind Reshape: a block of the (re-cut) input holds
// exactly the elements of one output block, in the same C order.
const reshapeFunc = "darray.reshape"

func init() {
	if err := graph.RegisterBlockFunc(reshapeFunc, func(_ any, blocks []*nd.Array, info graph.BlockInfo) (*nd.Array, error) {
		return blocks[0].Reshape(info.BlockShape...)
	}); err != nil {
		panic(err)
	}
}

// Reshape gives the array a new shape with the same elements in C order, like
// numpy.reshape; one length may be -1 (inferred). The axes are split into groups whose
// lengths multiply to the same number on both sides; within a group the input is re-cut
// only as far as needed (its later axes whole, its first axis in multiples that map to
// whole output rows), so that every output block is one input block reshaped.
func (a *Array) Reshape(shape ...int) *Array {
	if a.err != nil {
		return a
	}
	l := a.layer
	size := a.Size()
	out, err := resolveShape(size, shape)
	if err != nil {
		return failf("reshape", "cannot reshape array of size %d into shape %s: %v", size, nd.ShapeString(shape), err)
	}
	if slices.Equal(out, l.Shape) {
		return a
	}
	if size == 0 {
		return Zeros(out, l.DType, ChunkSize(-1))
	}
	groups := reshapeGroups(l.Shape, out)
	want := append(graph.Chunks{}, l.Chunks...)
	chunks := make(graph.Chunks, len(out))
	axes := make([]int, l.NDim())
	for _, g := range groups {
		for _, d := range g.in {
			want[d], axes[d] = []int{l.Shape[d]}, -1
		}
		for _, o := range g.out {
			chunks[o] = []int{out[o]}
		}
		if len(g.in) == 0 || len(g.out) == 0 {
			continue // axes of length one
		}
		lead, outLead := g.in[0], g.out[0]
		inRest, outRest := 1, 1
		for _, d := range g.in[1:] {
			inRest *= l.Shape[d]
		}
		for _, o := range g.out[1:] {
			outRest *= out[o]
		}
		// Leading-axis chunks must be multiples of m for their rows to fill whole output rows.
		m := outRest / gcd(outRest, inRest)
		want[lead] = multiplesOf(l.Chunks[lead], m, l.Shape[lead], blockElems(l, g.in), inRest)
		axes[lead] = outLead
		chunks[outLead] = nil
		for _, c := range want[lead] {
			chunks[outLead] = append(chunks[outLead], c*inRest/outRest)
		}
	}
	in := rechunkLayer(l, want)
	op := graph.Blockwise{Func: reshapeFunc, Axes: [][]int{axes}}
	return fromLayer(graph.NewLayer(op, []*graph.Layer{in}, out, l.DType, chunks))
}

// Ravel is the array flattened to one axis in C order.
func (a *Array) Ravel() *Array { return a.Reshape(-1) }

// resolveShape checks shape against size and fills in its one -1.
func resolveShape(size int, shape []int) ([]int, error) {
	out := append([]int{}, shape...)
	unknown, known := -1, 1
	for d, n := range out {
		switch {
		case n == -1 && unknown >= 0:
			return nil, fmt.Errorf("can only specify one unknown dimension")
		case n == -1:
			unknown = d
		case n < 0:
			return nil, fmt.Errorf("negative dimension %d", n)
		default:
			known *= n
		}
	}
	if unknown >= 0 {
		if known == 0 || size%known != 0 {
			return nil, fmt.Errorf("the known dimensions do not divide the size")
		}
		out[unknown] = size / known
		known *= out[unknown]
	}
	if known != size {
		return nil, fmt.Errorf("sizes differ")
	}
	return out, nil
}

// reshapeGroup is a run of input axes and a run of output axes with equal products.
type reshapeGroup struct{ in, out []int }

// reshapeGroups pairs runs of axes with equal products, from the first axes on; axes of
// length one left over at either end form groups with an empty other side.
func reshapeGroups(in, out []int) []reshapeGroup {
	var groups []reshapeGroup
	i, j := 0, 0
	for i < len(in) && j < len(out) {
		g := reshapeGroup{in: []int{i}, out: []int{j}}
		pin, pout := in[i], out[j]
		i, j = i+1, j+1
		for pin != pout {
			if pin < pout {
				g.in = append(g.in, i)
				pin *= in[i]
				i++
			} else {
				g.out = append(g.out, j)
				pout *= out[j]
				j++
			}
		}
		groups = append(groups, g)
	}
	for ; i < len(in); i++ {
		groups = append(groups, reshapeGroup{in: []int{i}})
	}
	for ; j < len(out); j++ {
		groups = append(groups, reshapeGroup{out: []int{j}})
	}
	return groups
}

// blockElems is the largest block's number of elements over the given axes.
func blockElems(l *graph.Layer, axes []int) int {
	n := 1
	for _, d := range axes {
		n *= slices.Max(l.Chunks[d])
	}
	return n
}

// multiplesOf keeps an axis's chunks when they are all multiples of m, and otherwise cuts
// the axis of length n (a multiple of m) into multiples of m, each block holding about
// elems elements once the group's other axes, of inRest elements, are whole.
func multiplesOf(chunks []int, m, n, elems, inRest int) []int {
	ok := true
	for _, c := range chunks {
		ok = ok && c%m == 0
	}
	if ok {
		return chunks
	}
	step := max(m, elems/inRest/m*m)
	var out []int
	for lo := 0; lo < n; lo += step {
		out = append(out, min(step, n-lo))
	}
	return out
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// diagonalFunc is the block function behind Diagonal: the main diagonals of the square
// last two axes of a block (a batch of squares).
const diagonalFunc = "darray.diagonal"

func init() {
	if err := graph.RegisterBlockFunc(diagonalFunc, func(_ any, blocks []*nd.Array, info graph.BlockInfo) (*nd.Array, error) {
		shape := blocks[0].Shape()
		n := shape[len(shape)-1]
		batch := 1
		for _, s := range shape[:len(shape)-2] {
			batch *= s
		}
		flat, err := blocks[0].Contiguous().Reshape(batch, n*n)
		if err != nil {
			return nil, err
		}
		positions := make([]int64, n)
		for i := range positions {
			positions[i] = int64(i * (n + 1))
		}
		idx, _ := nd.FromSlice(positions)
		diag, err := flat.Index(nd.Whole(), nd.Take(idx))
		if err != nil {
			return nil, err
		}
		return diag.Reshape(info.BlockShape...)
	}); err != nil {
		panic(err)
	}
}

// Diagonal is diagonal k of the first two axes (above the main one for k > 0, below for
// k < 0), like numpy.diagonal(a, k): DiagonalAxes(k, 0, 1).
func (a *Array) Diagonal(k int) *Array { return a.DiagonalAxes(k, 0, 1) }

// DiagonalAxes is numpy.diagonal(a, k, axis1, axis2): the diagonal of the matrices
// formed by two axes, as the last axis of the result, after the other axes in order.
// Each output block reads only the squares of the input that hold its stretch of the
// diagonal.
func (a *Array) DiagonalAxes(k, axis1, axis2 int) *Array {
	if a.err != nil {
		return a
	}
	if a.NDim() < 2 {
		return failf("diagonal", "diagonal of an array of %d dimensions: at least two are needed", a.NDim())
	}
	ax1, err := a.axisArg("diagonal", axis1)
	if err != nil {
		return failed("diagonal", err)
	}
	ax2, err := a.axisArg("diagonal", axis2)
	if err != nil {
		return failed("diagonal", err)
	}
	if ax1 == ax2 {
		return failf("diagonal", "axis1 and axis2 cannot be the same (%d)", ax1)
	}
	var perm []int
	for d := range a.NDim() {
		if d != ax1 && d != ax2 {
			perm = append(perm, d)
		}
	}
	b := a.Transpose(append(perm, ax1, ax2)...)
	if b.err != nil {
		return b
	}
	l := b.layer
	nb := l.NDim() - 2
	n, m := l.Shape[nb], l.Shape[nb+1]
	length := max(0, min(n, m-k))
	if k < 0 {
		length = max(0, min(n+k, m))
	}
	if length == 0 {
		return Zeros(append(slices.Clone(l.Shape[:nb]), 0), l.DType, ChunkSize(-1))
	}
	step := max(slices.Max(l.Chunks[nb]), 1)
	var chunks []int
	for lo := 0; lo < length; lo += step {
		chunks = append(chunks, min(step, length-lo))
	}
	// The squares along the diagonal, as overlapping windows of the input; the other
	// axes keep their blocks.
	starts := make([][]int, nb+2)
	offsets := l.Offsets()
	for d := range nb {
		starts[d] = offsets[d][:len(offsets[d])-1]
	}
	lo := 0
	for _, c := range chunks {
		starts[nb] = append(starts[nb], lo+max(0, -k))
		starts[nb+1] = append(starts[nb+1], lo+max(0, k))
		lo += c
	}
	sqShape := append(slices.Clone(l.Shape[:nb]), length, length)
	sqChunks := append(slices.Clone(l.Chunks[:nb]), chunks, chunks)
	squares := graph.NewLayer(graph.Overlap{Starts: starts}, []*graph.Layer{l}, sqShape, l.DType, sqChunks)
	axes := make([]int, nb+2)
	for d := range nb {
		axes[d] = d
	}
	axes[nb], axes[nb+1] = nb, nb
	op := graph.Blockwise{Func: diagonalFunc, Axes: [][]int{axes}}
	outShape := append(slices.Clone(l.Shape[:nb]), length)
	outChunks := append(slices.Clone(l.Chunks[:nb]), chunks)
	return fromLayer(graph.NewLayer(op, []*graph.Layer{squares}, outShape, l.DType, outChunks))
}
