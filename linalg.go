package darray

import (
	"fmt"
	"slices"
	"strings"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/linalg"
	"github.com/darray-go/darray/nd"
)

// einsumFunc is the block function behind Einsum and the products built on it: the
// in-memory summation of one block of each operand. Letters summed over stay in the
// block's output as axes of length one (one per block along them), which a tree sum then
// removes: every block product is a task of its own, and no task holds more than its
// blocks.
const einsumFunc = "darray.einsum"

// einsumParams travel with the graph: the summation, with the output letters of the block
// (the result's, then the summed ones).
type einsumParams struct {
	Spec string
}

func init() {
	registerBlockFuncOf(einsumFunc, func(p einsumParams, blocks []*nd.Array, info graph.BlockInfo) (*nd.Array, error) {
		out, err := linalg.Einsum(p.Spec, blocks...)
		if err != nil {
			return nil, err
		}
		if out.DType() != info.DType {
			if out, err = out.AsType(info.DType); err != nil {
				return nil, err
			}
		}
		return out.Reshape(info.BlockShape...)
	})
}

// Einsum evaluates Einstein summation over blocked arrays, as numpy.einsum: "ij,jk->ik"
// is a matrix product, "ii->i" a diagonal, "ij->" a total, "bij,bjk->bik" a stack of
// products; without "->" the output is the letters used once, in alphabetical order.
// Every block product is one task (on gonum's BLAS for floating point) and the sums over
// contracted letters are tree reductions, so memory stays a few blocks per task.
func Einsum(spec string, arrays ...*Array) *Array {
	for _, a := range arrays {
		if a == nil {
			return failf("einsum", "nil Array")
		}
		if a.err != nil {
			return a
		}
	}
	sp, err := linalg.ParseSpec(spec, len(arrays))
	if err != nil {
		return failed("einsum", err)
	}
	dt := arrays[0].layer.DType
	for i, a := range arrays {
		dt = nd.ResultType(dt, a.layer.DType)
		if len(sp.Inputs[i]) != a.NDim() {
			return failf("einsum", "%s: operand %d has shape %s, its letters %q are %d", spec, i, nd.ShapeString(a.Shape()), sp.Inputs[i], len(sp.Inputs[i]))
		}
	}
	// Letters summed over that span several blocks stay in the block products as axes
	// of one element per block; those whole in one block are summed inside the product.
	var summed []rune
	for i, in := range sp.Inputs {
		for d, r := range in {
			if !strings.ContainsRune(sp.Output, r) && !slices.Contains(summed, r) && len(arrays[i].layer.Chunks[d]) > 1 {
				summed = append(summed, r)
			}
		}
	}
	blockOut := sp.Output + string(summed)
	opts := []MapOption{Params(einsumParams{Spec: strings.Join(sp.Inputs, ",") + "->" + sp.Output}), OutDType(dt)}
	if len(summed) > 0 {
		// The output letters keep their blocks (the operands' cuts merged, as Blockwise
		// does); the summed letters' axes have one element per block.
		out := make([][]int, 0, len(blockOut))
		for i, r := range blockOut {
			var cuts [][]int
			for k, in := range sp.Inputs {
				for d, q := range in {
					if q == r {
						cuts = append(cuts, arrays[k].layer.Chunks[d])
					}
				}
			}
			c := graph.Refine(cuts...)
			if i >= len(sp.Output) {
				c = slices.Repeat([]int{1}, len(c))
			}
			out = append(out, c)
		}
		opts = append(opts, OutChunks(out...))
	}
	partial := Blockwise(einsumFunc, strings.Join(sp.Inputs, ",")+"->"+blockOut, arrays, opts...)
	if partial.err != nil || len(summed) == 0 {
		return partial
	}
	axes := make([]int, len(summed))
	for i := range axes {
		axes[i] = len(sp.Output) + i
	}
	total := partial.Sum(Axis(axes...))
	if total.DType() != dt { // sums of small integers and booleans widen; einsum's do not
		total = total.AsType(dt)
	}
	return total
}

// letters returns n distinct letters starting at from.
func letters(from, n int) string {
	const all = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	return all[from : from+n]
}

// Tensordot sums products over axesA of a and axesB of b (pairwise), as numpy.tensordot:
// the result's axes are a's other axes, then b's.
func Tensordot(a, b *Array, axesA, axesB []int) *Array {
	if a.err != nil {
		return a
	}
	if b.err != nil {
		return b
	}
	if len(axesA) != len(axesB) {
		return failf("tensordot", "%d axes of a paired with %d axes of b", len(axesA), len(axesB))
	}
	na, nb := a.NDim(), b.NDim()
	if na+nb > 52 {
		return failf("tensordot", "too many dimensions (%d and %d)", na, nb)
	}
	la := []byte(letters(0, na))
	lb := []byte(letters(na, nb))
	for i := range axesA {
		x, y := axesA[i], axesB[i]
		if x < 0 {
			x += na
		}
		if y < 0 {
			y += nb
		}
		if x < 0 || x >= na || y < 0 || y >= nb {
			return failf("tensordot", "axes %v and %v out of range for shapes %s and %s", axesA, axesB, nd.ShapeString(a.Shape()), nd.ShapeString(b.Shape()))
		}
		if a.Shape()[x] != b.Shape()[y] {
			return failf("tensordot", "shape mismatch: axis %d of a (%s) has length %d, axis %d of b (%s) %d", x, nd.ShapeString(a.Shape()), a.Shape()[x], y, nd.ShapeString(b.Shape()), b.Shape()[y])
		}
		lb[y] = la[x]
	}
	var out []byte
	for _, r := range la {
		if !slices.Contains(lb, r) {
			out = append(out, r)
		}
	}
	for _, r := range lb {
		if !slices.Contains(la, r) {
			out = append(out, r)
		}
	}
	return Einsum(string(la)+","+string(lb)+"->"+string(out), a, b)
}

// Dot is numpy.dot: the inner product of vectors, the matrix product of matrices, and in
// general a sum over a's last axis and b's second-to-last (its last, for a vector).
func Dot(a, b *Array) *Array {
	if a.err != nil {
		return a
	}
	if b.err != nil {
		return b
	}
	if a.NDim() == 0 || b.NDim() == 0 {
		return a.Mul(b)
	}
	ax := a.NDim() - 1
	bx := max(b.NDim()-2, 0)
	if a.Shape()[ax] != b.Shape()[bx] {
		return failf("dot", "shapes %s and %s not aligned: %d (axis %d) != %d (axis %d)", nd.ShapeString(a.Shape()), nd.ShapeString(b.Shape()), a.Shape()[ax], ax, b.Shape()[bx], bx)
	}
	return Tensordot(a, b, []int{ax}, []int{bx})
}

// Matmul is numpy.matmul (the @ operator): matrix products over the last two axes,
// broadcast over the others; a vector operand is a row (first) or column (second) and its
// axis is dropped from the result.
func Matmul(a, b *Array) *Array {
	if a.err != nil {
		return a
	}
	if b.err != nil {
		return b
	}
	if a.NDim() == 0 || b.NDim() == 0 {
		return failf("matmul", "operands must have at least one dimension (shapes %s and %s)", nd.ShapeString(a.Shape()), nd.ShapeString(b.Shape()))
	}
	vecA, vecB := a.NDim() == 1, b.NDim() == 1
	if vecA {
		a = a.ExpandDims(0)
	}
	if vecB {
		b = b.ExpandDims(1)
	}
	sa, sb := a.Shape(), b.Shape()
	k := sa[len(sa)-1]
	if k != sb[len(sb)-2] {
		return failf("matmul", "shapes %s and %s: the last axis of the first (%d) must equal the second-to-last of the second (%d)", nd.ShapeString(sa), nd.ShapeString(sb), k, sb[len(sb)-2])
	}
	batch, err := broadcastShapes(sa[:len(sa)-2], sb[:len(sb)-2])
	if err != nil {
		return failf("matmul", "shapes %s and %s: batch axes do not broadcast: %v", nd.ShapeString(sa), nd.ShapeString(sb), err)
	}
	if len(batch) > 0 {
		a = a.BroadcastTo(append(slices.Clone(batch), sa[len(sa)-2:]...)...)
		b = b.BroadcastTo(append(slices.Clone(batch), sb[len(sb)-2:]...)...)
	}
	nb := len(batch)
	bl := letters(0, nb)
	r := Einsum(bl+"ik,"+bl+"kj->"+bl+"ij", a, b)
	if vecB {
		r = r.Squeeze(r.NDim() - 1)
	}
	if vecA {
		r = r.Squeeze(r.NDim() - 1 - boolInt(!vecB))
	}
	return r
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// broadcastShapes is NumPy's broadcasting of two shapes.
func broadcastShapes(a, b []int) ([]int, error) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := range n {
		x, y := 1, 1
		if j := len(a) - n + i; j >= 0 {
			x = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			y = b[j]
		}
		switch {
		case x == y || y == 1:
			out[i] = x
		case x == 1:
			out[i] = y
		default:
			return nil, fmt.Errorf("lengths %d and %d", x, y)
		}
	}
	return out, nil
}

// Outer is numpy.outer: every element of a (flattened) times every element of b.
func Outer(a, b *Array) *Array {
	if a.err != nil {
		return a
	}
	if b.err != nil {
		return b
	}
	return Einsum("i,j->ij", a.Ravel(), b.Ravel())
}
