package graph

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/darray-go/darray/crng"
	"github.com/darray-go/darray/nd"
)

// Expr computes one block from the outputs of a task's dependencies, fused from every
// element-wise, view and generator layer between them: a list of nodes, each built from
// earlier ones; the last node is the block.
type Expr struct {
	Nodes []Node
}

// NodeKind is what an expression node does.
type NodeKind string

// The kinds of expression nodes.
const (
	NodeDep         NodeKind = "dep"          // a task input, seen through a window
	NodeGen         NodeKind = "gen"          // a generator's elements (random numbers, ranges)
	NodeRead        NodeKind = "read"         // a source's elements, read through a window
	NodeData        NodeKind = "data"         // an array in the graph, seen through a window
	NodeProgram     NodeKind = "program"      // a fused element-wise program over other nodes
	NodeUnitReshape NodeKind = "unit-reshape" // axes of length 1 added or removed
	NodeBroadcast   NodeKind = "broadcast"    // broadcast to a shape
	NodeTranspose   NodeKind = "transpose"    // axes permuted
)

// Node is one step of an Expr. It is kept small: lowering makes several per task.
type Node struct {
	Kind NodeKind
	// dep: the task input at position Dep, seen through Window.
	Dep int
	// gen: the generator (shared by every block of its layer) over the global Window;
	// data: Array seen through Window.
	Gen    *GenSpec
	Src    Source // read: the source, over the global Window
	Array  *nd.Array
	Window *Window
	// program, unit-reshape, broadcast, transpose: the arguments and parameters.
	Args    []int
	Program *nd.Program // shared by every block of its layer
	Dims    []int       // unit-reshape, broadcast: the resulting shape; transpose: the permutation
	DType   nd.DType
}

// Eval computes the block from the task's inputs.
func (e *Expr) Eval(inputs []any) (*nd.Array, error) {
	a, _, err := e.eval(inputs)
	return a, err
}

// EvalTransient is Eval for a block that the caller uses and drops at once (a reduction
// reads it into a partial state): release gives its buffer back for reuse.
func (e *Expr) EvalTransient(inputs []any) (a *nd.Array, release func(), err error) {
	a, owner, err := e.eval(inputs)
	if err != nil {
		return nil, nil, err
	}
	return a, func() {
		if owner != nil {
			owner.Recycle()
		}
	}, nil
}

// eval computes every node; the buffers of generator and program nodes are borrowed and
// recycled as soon as the result does not need them. It returns the result and, when the
// result lives in a borrowed buffer, that buffer's array.
func (e *Expr) eval(inputs []any) (*nd.Array, *nd.Array, error) {
	vals := make([]*nd.Array, len(e.Nodes))
	owner := make([]int, len(e.Nodes)) // the node whose borrowed buffer node i lives in, or -1
	for i, n := range e.Nodes {
		owner[i] = -1
		switch n.Kind {
		case NodeGen, NodeProgram, NodeRead:
			owner[i] = i
		case NodeUnitReshape, NodeBroadcast, NodeTranspose:
			owner[i] = owner[n.Args[0]]
		}
		var err error
		switch n.Kind {
		case NodeDep:
			a, ok := inputs[n.Dep].(*nd.Array)
			if !ok {
				return nil, nil, fmt.Errorf("input %d is %T, not an array", n.Dep, inputs[n.Dep])
			}
			vals[i], err = n.Window.Apply(a)
		case NodeData:
			vals[i], err = n.Window.Apply(n.Array)
		case NodeGen:
			vals[i], err = generate(n.Gen, *n.Window, n.DType)
		case NodeRead:
			vals[i], err = readSource(n.Src, *n.Window)
		case NodeProgram:
			args := make([]*nd.Array, len(n.Args))
			for k, a := range n.Args {
				args[k] = vals[a]
			}
			vals[i], err = n.Program.Eval(args...)
		case NodeUnitReshape:
			vals[i], err = vals[n.Args[0]].Reshape(n.Dims...)
		case NodeBroadcast:
			vals[i], err = vals[n.Args[0]].BroadcastTo(n.Dims...)
		case NodeTranspose:
			vals[i], err = vals[n.Args[0]].Transpose(n.Dims...)
		default:
			err = fmt.Errorf("unknown expression node %q", n.Kind)
		}
		if err != nil {
			return nil, nil, err
		}
	}
	last := len(vals) - 1
	for i := range vals {
		if owner[i] == i && i != owner[last] {
			vals[i].Recycle() // a no-op for arrays that are views rather than whole buffers
		}
	}
	if owner[last] < 0 {
		return vals[last], nil, nil
	}
	return vals[last], vals[owner[last]], nil
}

func readSource(src Source, w Window) (*nd.Array, error) {
	a, err := src.Read(w)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", src.Describe(), err)
	}
	return a, nil
}

// generate produces the elements of a generator at the global positions of a window.
func generate(g *GenSpec, w Window, dt nd.DType) (*nd.Array, error) {
	if g.isSplitMix() {
		return generateSplitMix(g, w, dt)
	}
	// Generate in the source's own axis order (the innermost axis contiguous, so random
	// streams run in long stretches), then view through the window's permutation.
	shape := append([]int{}, w.Count...)
	out, err := nd.New(nd.Float64, shape...)
	if err != nil {
		return nil, err
	}
	if g.Kind == GenIntegers || g.Kind == GenEye || g.Kind == GenTri || (g.Kind == GenFull && dt != nd.Float64) {
		out, _ = nd.New(dt, shape...)
	}
	if out.Size() > 0 {
		if err := fill(g, w, out); err != nil {
			return nil, err
		}
	}
	if out.DType() != dt {
		if out, err = out.AsType(dt); err != nil {
			return nil, err
		}
	}
	return out.Transpose(w.Perm...)
}

// fill writes the generator's values into out (shaped like w.Count, C-contiguous), row by
// row along the innermost axis.
func fill(g *GenSpec, w Window, out *nd.Array) error {
	n := len(w.Count)
	if g.Kind == GenFull {
		out.Fill(g.Value)
		return nil
	}
	whole := g.Shape
	if len(whole) != n {
		return fmt.Errorf("generator %q without a shape", g.Kind)
	}
	var stream crng.Stream
	var stream2 crng.Stream
	switch g.Kind { // Philox, NumPy's stream; SplitMix64 never comes here
	case GenUniform, GenIntegers:
		stream = crng.New(g.Seed, 0)
	case GenNormal:
		stream = crng.New(g.Seed, 1)
		stream2 = crng.New(g.Seed, 2)
	}
	// Strides of the whole array, to turn a position into a flat index.
	strides := make([]int, n)
	s := 1
	for d := n - 1; d >= 0; d-- {
		strides[d] = s
		s *= max(whole[d], 1)
	}
	rowLen := 1
	if n > 0 {
		rowLen = w.Count[n-1]
	}
	rows := out.Size() / max(rowLen, 1)
	idx := make([]int, max(n-1, 0))
	var words, words2 []uint64
	var f64 []float64
	var i64 []int64
	switch out.DType() {
	case nd.Float64:
		f64, _ = nd.Data[float64](out)
	case nd.Int64:
		i64, _ = nd.Data[int64](out)
	}
	for r := 0; r < rows; r++ {
		// Global position of the row's first element.
		pos := 0
		for d := 0; d < n-1; d++ {
			pos += (w.Start[d] + w.Step[d]*idx[d]) * strides[d]
		}
		var first, step int
		if n > 0 {
			first, step = pos+w.Start[n-1]*strides[n-1], w.Step[n-1]
		}
		switch g.Kind {
		case GenUniform, GenNormal, GenIntegers:
			// The words of the row's whole span, from its lowest position: for small steps
			// generating the gaps costs less than one Philox block per element would.
			span := (rowLen-1)*abs(step) + 1
			lo := min(first, first+step*(rowLen-1))
			words = randomWords(&stream, words, lo, span, step, rowLen)
			if g.Kind == GenNormal {
				words2 = randomWords(&stream2, words2, lo, span, step, rowLen)
			}
			// Word of element j: words[off + stride*j].
			off, stride := 0, 1
			if abs(step) <= maxSpanStep {
				off, stride = first-lo, step
			}
			row := r * rowLen
			switch g.Kind {
			case GenUniform:
				scale := g.High - g.Low
				for j := range rowLen {
					f64[row+j] = g.Low + scale*crng.Float64(words[off+stride*j])
				}
			case GenNormal:
				for j := range rowLen {
					f64[row+j] = boxMuller(words[off+stride*j], words2[off+stride*j])
				}
			case GenIntegers:
				for j := range rowLen {
					i64[row+j] = boundedInt(words[off+stride*j], g.Low, g.High)
				}
			}
		case GenArange, GenLinspace:
			for j := range rowLen {
				f64[r*rowLen+j] = g.Low + g.Step*float64(first+j*step)
			}
			if g.Kind == GenLinspace && g.K == 1 && whole[0] > 1 { // endpoint: the last element is exactly High
				for j := range rowLen {
					if first+j*step == whole[0]-1 {
						f64[r*rowLen+j] = g.High
					}
				}
			}
		case GenEye:
			row := w.Start[0] + w.Step[0]*idx[0]
			for j := range rowLen {
				col := w.Start[1] + w.Step[1]*j
				if col-row == g.K {
					setOne(out, r*rowLen+j)
				}
			}
		case GenTri: // ones on and below diagonal K
			row := w.Start[0] + w.Step[0]*idx[0]
			for j := range rowLen {
				if col := w.Start[1] + w.Step[1]*j; col-row <= g.K {
					setOne(out, r*rowLen+j)
				}
			}
		default:
			return fmt.Errorf("unknown generator %q", g.Kind)
		}
		for d := n - 2; d >= 0; d-- {
			idx[d]++
			if idx[d] < w.Count[d] {
				break
			}
			idx[d] = 0
		}
	}
	return nil
}

func (g *GenSpec) isSplitMix() bool {
	random := g.Kind == GenUniform || g.Kind == GenNormal || g.Kind == GenIntegers
	return random && (g.Engine == "" || g.Engine == EngineSplitMix)
}

// generateSplitMix fills the window's output directly in its own (permuted) order: every
// SplitMix64 word costs the same wherever it is, so a transposed or strided window is
// generated exactly, contiguous, with no wasted words and no gather afterwards.
func generateSplitMix(g *GenSpec, w Window, dt nd.DType) (*nd.Array, error) {
	shape := w.Shape()
	kind := nd.Float64
	if g.Kind == GenIntegers {
		kind = nd.Int64
	}
	out, err := nd.Borrow(kind, shape...) // every element is written below
	if err != nil || out.Size() == 0 {
		if err != nil {
			return nil, err
		}
		return nd.New(dt, shape...)
	}
	n := len(shape)
	strides := make([]int, len(g.Shape)) // of the whole array, per source axis
	st := 1
	for d := len(g.Shape) - 1; d >= 0; d-- {
		strides[d] = st
		st *= max(g.Shape[d], 1)
	}
	rowLen, delta := 1, 0
	if n > 0 {
		p := w.Perm[n-1]
		rowLen, delta = shape[n-1], w.Step[p]*strides[p]
	}
	s1 := crng.NewSplitMix(g.Seed, 0)
	s2 := crng.NewSplitMix(g.Seed, 1)
	dz := uint64(delta) * crng.Gamma
	var f64 []float64
	var i64 []int64
	if kind == nd.Float64 {
		f64, _ = nd.Data[float64](out)
	} else {
		i64, _ = nd.Data[int64](out)
	}
	idx := make([]int, max(n-1, 0))
	for r := 0; r < out.Size()/rowLen; r++ {
		pos := 0
		for i := range n {
			p := w.Perm[i]
			k := 0
			if i < n-1 {
				k = idx[i]
			}
			pos += (w.Start[p] + w.Step[p]*k) * strides[p]
		}
		row := r * rowLen
		z := s1.Weyl(uint64(pos))
		switch g.Kind {
		case GenUniform:
			dst := f64[row : row+rowLen]
			if low, high := g.Low, g.High; low == 0 && high == 1 {
				for j := range dst {
					dst[j] = crng.Float64(crng.Mix64(z))
					z += dz
				}
			} else {
				scale := high - low
				for j := range dst {
					dst[j] = low + scale*crng.Float64(crng.Mix64(z))
					z += dz
				}
			}
		case GenNormal:
			z2 := s2.Weyl(uint64(pos))
			dst := f64[row : row+rowLen]
			for j := range dst {
				dst[j] = boxMuller(crng.Mix64(z), crng.Mix64(z2))
				z += dz
				z2 += dz
			}
		case GenIntegers:
			dst := i64[row : row+rowLen]
			for j := range dst {
				dst[j] = boundedInt(crng.Mix64(z), g.Low, g.High)
				z += dz
			}
		}
		for d := n - 2; d >= 0; d-- {
			idx[d]++
			if idx[d] < shape[d] {
				break
			}
			idx[d] = 0
		}
	}
	if out.DType() != dt {
		return out.AsType(dt)
	}
	return out, nil
}

// maxSpanStep is the largest step along a row for which generating the whole span is
// cheaper than generating each element's Philox block separately (4 words each).
const maxSpanStep = 4

// randomWords returns the stream's words for a row of n elements at positions lo + k*step:
// the whole span when the step is small (indexed by offset from lo), otherwise one word
// per element (indexed by element, in row order from first = the row's first position).
func randomWords(s *crng.Stream, buf []uint64, lo, span, step, n int) []uint64 {
	if abs(step) <= maxSpanStep {
		buf = grow(buf, span)
		s.Uint64s(buf, uint64(lo))
		return buf
	}
	buf = grow(buf, n)
	first := lo
	if step < 0 {
		first = lo + (-step)*(n-1)
	}
	for j := range n {
		s.Uint64s(buf[j:j+1], uint64(first+step*j))
	}
	return buf
}

func grow(b []uint64, n int) []uint64 {
	if cap(b) < n {
		return make([]uint64, n)
	}
	return b[:n]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// boxMuller turns two independent uniform words into a standard normal deviate.
func boxMuller(a, b uint64) float64 {
	u := 1 - crng.Float64(a) // (0, 1]: the logarithm stays finite
	v := crng.Float64(b)
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*v)
}

// boundedInt maps a word to an integer in [low, high) by a 128-bit multiply (Lemire's
// method without rejection: the bias is below range/2^64).
func boundedInt(w uint64, low, high float64) int64 {
	span := uint64(int64(high) - int64(low))
	hi, _ := bits.Mul64(w, span)
	return int64(low) + int64(hi)
}

func setOne(a *nd.Array, flat int) {
	buf := a.Buffer()
	switch b := buf.(type) {
	case []bool:
		b[flat] = true
	case []int8:
		b[flat] = 1
	case []int16:
		b[flat] = 1
	case []int32:
		b[flat] = 1
	case []int64:
		b[flat] = 1
	case []uint8:
		b[flat] = 1
	case []uint16:
		b[flat] = 1
	case []uint32:
		b[flat] = 1
	case []uint64:
		b[flat] = 1
	case []float32:
		b[flat] = 1
	case []float64:
		b[flat] = 1
	case []complex64:
		b[flat] = 1
	case []complex128:
		b[flat] = 1
	}
}
