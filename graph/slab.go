package graph

import (
	"fmt"

	"github.com/darray-go/darray/nd"
)

// slabElements is the size of the pieces a reduction task computes its block in: small
// enough that the fused expression's intermediates stay in the L2 cache between the step
// that writes them and the step that reads them, large enough to amortise each piece's
// fixed costs.
const slabElements = 1 << 14

// readSlabElements is the piece size when the expression reads a file: each piece is a
// read (a system call, a buffer), whose fixed costs want pieces of megabytes, not of the
// cache's kilobytes; the memory a task holds stays bounded all the same.
const readSlabElements = 1 << 20

// shapes returns the shape of every node's value.
func (e *Expr) shapes(inputs []any) ([][]int, error) {
	s := make([][]int, len(e.Nodes))
	for i, n := range e.Nodes {
		switch n.Kind {
		case NodeDep, NodeData, NodeGen, NodeRead:
			s[i] = n.Window.Shape()
		case NodeProgram:
			args := make([][]int, len(n.Args))
			for k, a := range n.Args {
				args[k] = s[a]
			}
			b, err := nd.BroadcastShapes(args...)
			if err != nil {
				return nil, err
			}
			s[i] = b
		case NodeUnitReshape, NodeBroadcast:
			s[i] = n.Dims
		case NodeTranspose:
			s[i] = make([]int, len(n.Dims))
			for k, p := range n.Dims {
				s[i][k] = s[n.Args[0]][p]
			}
		default:
			return nil, fmt.Errorf("unknown expression node %q", n.Kind)
		}
	}
	return s, nil
}

// evalRange computes node i restricted to positions [lo, hi) along its axis ax, or whole
// when ax is -1. Buffers it borrows for intermediates go to spent, for the caller to recycle.
func (e *Expr) evalRange(i int, shapes [][]int, ax, lo, hi int, inputs []any, spent *[]*nd.Array) (*nd.Array, error) {
	n := e.Nodes[i]
	if ax >= 0 && lo == 0 && hi == shapes[i][ax] {
		ax = -1 // all of it
	}
	restrict := func(w *Window) Window {
		if ax < 0 {
			return *w
		}
		out := *w
		p := w.Perm[ax]
		out.Start = append([]int{}, w.Start...)
		out.Count = append([]int{}, w.Count...)
		out.Start[p] += w.Step[p] * lo
		out.Count[p] = hi - lo
		return out
	}
	switch n.Kind {
	case NodeDep:
		a, ok := inputs[n.Dep].(*nd.Array)
		if !ok {
			return nil, fmt.Errorf("input %d is %T, not an array", n.Dep, inputs[n.Dep])
		}
		return restrict(n.Window).Apply(a)
	case NodeData:
		return restrict(n.Window).Apply(n.Array)
	case NodeGen:
		a, err := generate(n.Gen, restrict(n.Window), n.DType)
		if err == nil {
			*spent = append(*spent, a)
		}
		return a, err
	case NodeRead:
		a, err := readSource(n.Src, restrict(n.Window))
		if err == nil {
			*spent = append(*spent, a)
		}
		return a, err
	case NodeProgram:
		args := make([]*nd.Array, len(n.Args))
		for k, a := range n.Args {
			sh := shapes[a]
			var err error
			if ax < 0 || sh[ax] == 1 && shapes[i][ax] != 1 { // whole, or broadcast along the axis
				args[k], err = e.evalRange(a, shapes, -1, 0, 0, inputs, spent)
			} else {
				args[k], err = e.evalRange(a, shapes, ax, lo, hi, inputs, spent)
			}
			if err != nil {
				return nil, err
			}
		}
		out, err := n.Program.Eval(args...)
		if err == nil {
			*spent = append(*spent, out)
		}
		return out, err
	case NodeTranspose:
		inAx := -1
		if ax >= 0 {
			inAx = n.Dims[ax]
		}
		a, err := e.evalRange(n.Args[0], shapes, inAx, lo, hi, inputs, spent)
		if err != nil {
			return nil, err
		}
		return a.Transpose(n.Dims...)
	case NodeBroadcast:
		arg := shapes[n.Args[0]]
		var a *nd.Array
		var err error
		if ax < 0 || arg[ax] == 1 && n.Dims[ax] != 1 {
			a, err = e.evalRange(n.Args[0], shapes, -1, 0, 0, inputs, spent)
		} else {
			a, err = e.evalRange(n.Args[0], shapes, ax, lo, hi, inputs, spent)
		}
		if err != nil {
			return nil, err
		}
		dims := append([]int{}, n.Dims...)
		if ax >= 0 {
			dims[ax] = hi - lo
		}
		return a.BroadcastTo(dims...)
	case NodeUnitReshape:
		if ax < 0 {
			a, err := e.evalRange(n.Args[0], shapes, -1, 0, 0, inputs, spent)
			if err != nil {
				return nil, err
			}
			return a.Reshape(n.Dims...)
		}
		// Only axes of length one come and go, so the k-th longer axis of the output is
		// the k-th longer axis of the input.
		k := 0
		for d := 0; d < ax; d++ {
			if n.Dims[d] != 1 {
				k++
			}
		}
		arg := shapes[n.Args[0]]
		in := -1
		for d, s := range arg {
			if s != 1 {
				if k == 0 {
					in = d
					break
				}
				k--
			}
		}
		if in < 0 || n.Dims[ax] == 1 {
			return nil, fmt.Errorf("cannot restrict a unit reshape along axis %d", ax)
		}
		a, err := e.evalRange(n.Args[0], shapes, in, lo, hi, inputs, spent)
		if err != nil {
			return nil, err
		}
		dims := append([]int{}, n.Dims...)
		dims[ax] = hi - lo
		return a.Reshape(dims...)
	}
	return nil, fmt.Errorf("unknown expression node %q", n.Kind)
}

// reduceInSlabs computes a partial reduction of the expression's block piece by piece
// along the first reduced axis of length greater than one, merging as it goes, so that
// the block never exists whole. It reports false when slabs would not help.
func reduceInSlabs(e *Expr, p *PartialTask, blockOrigin, whole []int, inputs []any) (*nd.Partial, bool, error) {
	shapes, err := e.shapes(inputs)
	if err != nil {
		return nil, false, err
	}
	shape := shapes[len(shapes)-1]
	size := 1
	for _, s := range shape {
		size *= s
	}
	if size < 4*slabElements || viewsOnly(e) {
		return nil, false, nil
	}
	// Slabs along the outermost kept axis give partial states side by side (joined at the
	// end) and keep the innermost axis whole, where generators and kernels run longest;
	// when every long axis is reduced, slabs along the first of them are merged.
	reduced := make([]bool, len(shape))
	for _, a := range p.Axes {
		reduced[a] = true
	}
	ax, side := -1, false
	for d, s := range shape {
		if s > 1 && !reduced[d] && d < len(shape)-1 {
			ax, side = d, true
			break
		}
	}
	if ax < 0 {
		for _, a := range p.Axes {
			if shape[a] > 1 {
				ax = a
				break
			}
		}
	}
	if ax < 0 {
		return nil, false, nil
	}
	pieceElements := slabElements
	if readsFile(e) {
		pieceElements = readSlabElements
	}
	if size < 2*pieceElements {
		return nil, false, nil // one piece: the block itself
	}
	rows := max(1, pieceElements/(size/shape[ax]))
	var acc *nd.Partial
	var pieces []*nd.Partial
	for lo := 0; lo < shape[ax]; lo += rows {
		hi := min(lo+rows, shape[ax])
		var spent []*nd.Array
		slab, err := e.evalRange(len(e.Nodes)-1, shapes, ax, lo, hi, inputs, &spent)
		if err != nil {
			return nil, true, err
		}
		origin := append([]int{}, blockOrigin...)
		origin[ax] += lo
		part, err := nd.ReducePartial(p.Op, slab, p.Axes, origin, whole)
		for _, a := range spent {
			a.Recycle()
		}
		if err != nil {
			return nil, true, err
		}
		switch {
		case side:
			pieces = append(pieces, part)
		case acc == nil:
			acc = part
		default:
			if acc, err = nd.MergePartials([]*nd.Partial{acc, part}); err != nil {
				return nil, true, err
			}
		}
	}
	if side {
		acc, err = nd.ConcatPartials(pieces, ax)
	}
	return acc, true, err
}

// viewsOnly reports whether slabs would not pay: the expression only views its inputs (no
// generator or program, so nothing to fuse), or it reads a chunked source, which would
// decode its chunks once per slab.
// readsFile reports whether the expression reads from a file source.
func readsFile(e *Expr) bool {
	for _, n := range e.Nodes {
		if n.Kind == NodeRead {
			return true
		}
	}
	return false
}

func viewsOnly(e *Expr) bool {
	for _, n := range e.Nodes {
		if _, chunked := n.Src.(ChunkedSource); chunked {
			return true
		}
	}
	for _, n := range e.Nodes {
		if n.Kind == NodeGen || n.Kind == NodeProgram || n.Kind == NodeRead {
			return false
		}
	}
	return true
}
