package darray

import (
	"fmt"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
)

// operand turns an argument of an element-wise operation into an Array. Go's int,
// float64, complex128 and bool are "weak" scalars, as Python's numbers are in NumPy 2
// (NEP 50): they take the dtype of the array they meet where it can hold them (x*2 keeps
// float32, x+0.5 on integers gives float64). Sized Go numbers (float32(2), int8(1)) and
// *nd.Array values are arrays of their own dtype.
func operand(v any, other nd.DType) (*Array, error) {
	switch x := v.(type) {
	case *Array:
		if x == nil {
			return nil, fmt.Errorf("nil Array operand")
		}
		return x, x.err
	case *nd.Array:
		if x == nil {
			return nil, fmt.Errorf("nil nd.Array operand")
		}
		return FromArray(x, ChunkSize(-1)), nil
	case int:
		return scalar(complex(float64(x), 0), weakInt(other)), nil
	case float64:
		return scalar(complex(x, 0), weakFloat(other)), nil
	case complex128:
		return scalar(x, weakComplex(other)), nil
	case bool:
		c := complex128(0)
		if x {
			c = 1
		}
		if other.Valid() {
			return scalar(c, other), nil
		}
		return scalar(c, nd.Bool), nil
	case int8:
		return scalar(complex(float64(x), 0), nd.Int8), nil
	case int16:
		return scalar(complex(float64(x), 0), nd.Int16), nil
	case int32:
		return scalar(complex(float64(x), 0), nd.Int32), nil
	case int64:
		return scalar(complex(float64(x), 0), nd.Int64), nil
	case uint8:
		return scalar(complex(float64(x), 0), nd.Uint8), nil
	case uint16:
		return scalar(complex(float64(x), 0), nd.Uint16), nil
	case uint32:
		return scalar(complex(float64(x), 0), nd.Uint32), nil
	case uint64:
		return scalar(complex(float64(x), 0), nd.Uint64), nil
	case float32:
		return scalar(complex(float64(x), 0), nd.Float32), nil
	case complex64:
		return scalar(complex128(x), nd.Complex64), nil
	}
	return nil, fmt.Errorf("unsupported operand type %T", v)
}

func weakInt(other nd.DType) nd.DType {
	if other.Valid() && other != nd.Bool {
		return other
	}
	return nd.Int64
}

func weakFloat(other nd.DType) nd.DType {
	if other.IsInexact() {
		return other
	}
	return nd.Float64
}

func weakComplex(other nd.DType) nd.DType {
	switch other {
	case nd.Complex64, nd.Float32:
		return nd.Complex64
	}
	return nd.Complex128
}

func scalar(v complex128, dt nd.DType) *Array {
	return Full([]int{}, v, dt, ChunkSpec{})
}

// elementwise builds the layer applying a one-step program to the arguments.
func elementwise(op string, step nd.Step, args ...any) *Array {
	if sel, plain, err := selectionArgs(args); err != nil {
		return failed(op, err)
	} else if sel != nil {
		return selectFlat(elementwise(op, step, plain...), sel.mask, sel.key)
	}
	arrays := make([]*Array, len(args))
	other := nd.DType(0)
	values := args
	if step.Op == "where" {
		values = args[1:] // the condition's booleans are not what the scalars stand beside
	}
	for _, a := range values { // the dtype weak scalars adapt to: the first array's
		if arr, ok := a.(*Array); ok && arr != nil && arr.err == nil {
			other = arr.layer.DType
			break
		}
	}
	for i, a := range args {
		arr, err := operand(a, other)
		if err != nil {
			return failed(op, err)
		}
		arrays[i] = arr
	}
	step.Args = make([]int, len(arrays))
	for i := range step.Args {
		step.Args[i] = i
	}
	return applyProgram(op, nd.Program{NumInputs: len(arrays), Steps: []nd.Step{step}}, arrays)
}

// applyProgram makes an Elementwise layer over the arrays: broadcasting them to a common
// shape, unifying their chunks, and inlining the programs of element-wise inputs so that
// a chain such as a*b + c is one program, evaluated in one pass per block.
func applyProgram(op string, prog nd.Program, arrays []*Array) *Array {
	shapes := make([][]int, len(arrays))
	dts := make([]nd.DType, len(arrays))
	for i, a := range arrays {
		shapes[i], dts[i] = a.layer.Shape, a.layer.DType
	}
	shape, err := nd.BroadcastShapes(shapes...)
	if err != nil {
		return failed(op, fmt.Errorf("operands could not be broadcast together with shapes %s", shapeList(shapes)))
	}
	dt, err := prog.ResultType(dts...)
	if err != nil {
		return failed(op, err)
	}
	layers := make([]*graph.Layer, len(arrays))
	for i, a := range arrays {
		layers[i] = toRank(a.layer, len(shape))
	}
	chunks, layers := unifyChunks(shape, layers)
	prog, layers = inlinePrograms(prog, layers, shape)
	return fromLayer(graph.NewLayer(graph.Elementwise{Program: &prog}, layers, shape, dt, chunks))
}

func shapeList(shapes [][]int) string {
	s := ""
	for i, sh := range shapes {
		if i > 0 {
			s += " "
		}
		s += nd.ShapeString(sh)
	}
	return s
}

// toRank prepends axes of length one so that l has n dimensions.
func toRank(l *graph.Layer, n int) *graph.Layer {
	if l.NDim() == n {
		return l
	}
	lead := n - l.NDim()
	m := make([]int, n)
	shape := make([]int, n)
	chunks := make(graph.Chunks, n)
	for i := range m {
		if i < lead {
			m[i], shape[i], chunks[i] = -1, 1, []int{1}
		} else {
			m[i], shape[i], chunks[i] = i-lead, l.Shape[i-lead], l.Chunks[i-lead]
		}
	}
	return graph.NewLayer(graph.UnitReshape{Map: m}, []*graph.Layer{l}, shape, l.DType, chunks)
}

// unifyChunks gives every non-broadcast axis the common refinement of the operands'
// chunks, re-cutting the operands that differ (for free when they are generators).
func unifyChunks(shape []int, layers []*graph.Layer) (graph.Chunks, []*graph.Layer) {
	chunks := make(graph.Chunks, len(shape))
	for d, n := range shape {
		var axes [][]int
		for _, l := range layers {
			if l.Shape[d] == n {
				axes = append(axes, l.Chunks[d])
			}
		}
		chunks[d] = graph.Refine(axes...)
	}
	out := make([]*graph.Layer, len(layers))
	for i, l := range layers {
		want := make(graph.Chunks, len(shape))
		for d := range shape {
			if l.Shape[d] == shape[d] {
				want[d] = chunks[d]
			} else {
				want[d] = []int{1}
			}
		}
		out[i] = rechunkLayer(l, want)
	}
	return chunks, out
}

// rechunkLayer re-cuts l into chunks. Generators, and files any window of which is cheap
// to read, are simply re-declared; a file stored in chunks is re-declared only when every
// new block is made of whole stored chunks (otherwise each stored chunk would be decoded
// once per block needing a piece of it) and re-cut from its stored chunks otherwise.
// Anything else gets Rechunk layers, through an intermediate chunking when a direct re-cut
// would hold too much (graph.PlanRechunk).
func rechunkLayer(l *graph.Layer, chunks graph.Chunks) *graph.Layer {
	if l.Chunks.Equal(chunks) {
		return l
	}
	switch op := l.Op.(type) {
	case graph.Gen:
		return graph.NewLayer(op, nil, l.Shape, l.DType, chunks)
	case graph.Read:
		stored, ok := op.Src.(graph.ChunkedSource)
		if !ok || wholeChunks(chunks, stored.StoredChunks(), 0) || readsRows(op.Src) && wholeChunks(chunks, stored.StoredChunks(), 1) {
			return graph.NewLayer(op, nil, l.Shape, l.DType, chunks)
		}
		if !wholeChunks(l.Chunks, stored.StoredChunks(), 0) {
			if native, err := graph.RegularChunks(l.Shape, stored.StoredChunks()); err == nil {
				l = graph.NewLayer(op, nil, l.Shape, l.DType, native)
			}
		}
	}
	for _, mid := range graph.PlanRechunk(l.Shape, l.DType.Size(), l.Chunks, chunks, graph.RechunkBudget) {
		l = graph.NewLayer(graph.Rechunk{}, []*graph.Layer{l}, l.Shape, l.DType, mid)
	}
	return graph.NewLayer(graph.Rechunk{}, []*graph.Layer{l}, l.Shape, l.DType, chunks)
}

// wholeChunks reports whether, along every axis from the given one on, every block of
// chunks starts and ends on a boundary of the stored chunk grid (the last block may end at
// the end of the array).
func wholeChunks(chunks graph.Chunks, stored []int, from int) bool {
	if len(stored) != len(chunks) {
		return false
	}
	offsets := chunks.Offsets()
	for d, axis := range chunks[from:] {
		d += from
		if stored[d] <= 0 {
			return false
		}
		for _, off := range offsets[d][1:len(axis)] {
			if off%stored[d] != 0 {
				return false
			}
		}
	}
	return true
}

// readsRows reports whether src reads runs of its chunks' rows on their own.
func readsRows(src graph.Source) bool {
	p, ok := src.(graph.PartialChunkReader)
	return ok && p.ReadsPartialChunks()
}

// inlinePrograms replaces inputs that are element-wise layers of the same shape and chunks
// by their own inputs, splicing their programs into prog.
func inlinePrograms(prog nd.Program, layers []*graph.Layer, shape []int) (nd.Program, []*graph.Layer) {
	var newInputs []*graph.Layer
	index := map[*graph.Layer]int{}
	input := func(l *graph.Layer) int {
		if i, ok := index[l]; ok {
			return i
		}
		newInputs = append(newInputs, l)
		index[l] = len(newInputs) - 1
		return len(newInputs) - 1
	}
	// First pass: decide each input's final value, counting the new inputs.
	type spliced struct {
		steps []nd.Step
		args  []int // the inlined program's inputs, as new input numbers
	}
	plans := make([]*spliced, len(layers))
	for i, l := range layers {
		ew, ok := l.Op.(graph.Elementwise)
		if ok && nd.EqualShapes(l.Shape, shape) && len(ew.Program.Steps) < 64 {
			sp := &spliced{steps: ew.Program.Steps}
			for _, in := range l.Inputs {
				sp.args = append(sp.args, input(in))
			}
			plans[i] = sp
		}
	}
	direct := make([]int, len(layers))
	for i, l := range layers {
		if plans[i] == nil {
			direct[i] = input(l)
		}
	}
	// Second pass: write the steps, inputs first, then each inlined program, then prog.
	nIn := len(newInputs)
	var steps []nd.Step
	value := make([]int, len(layers)) // the value number standing for old input i
	for i := range layers {
		if plans[i] == nil {
			value[i] = direct[i]
			continue
		}
		sp := plans[i]
		base := nIn + len(steps)
		local := func(v int) int {
			if v < len(sp.args) {
				return sp.args[v]
			}
			return base + v - len(sp.args)
		}
		for _, s := range sp.steps {
			ns := nd.Step{Op: s.Op, DType: s.DType, Args: make([]int, len(s.Args))}
			for k, a := range s.Args {
				ns.Args[k] = local(a)
			}
			steps = append(steps, ns)
		}
		value[i] = nIn + len(steps) - 1
	}
	base := nIn + len(steps)
	for _, s := range prog.Steps {
		ns := nd.Step{Op: s.Op, DType: s.DType, Args: make([]int, len(s.Args))}
		for k, a := range s.Args {
			if a < prog.NumInputs {
				ns.Args[k] = value[a]
			} else {
				ns.Args[k] = base + a - prog.NumInputs
			}
		}
		steps = append(steps, ns)
	}
	return nd.Program{NumInputs: nIn, Steps: steps}, newInputs
}

// Binary applies a NumPy binary ufunc element by element with broadcasting. Either side
// may be an *Array, an *nd.Array or a Go number.
func Binary(op nd.BinaryOp, x, y any) *Array {
	return elementwise(op.String(), nd.Step{Op: op.String()}, x, y)
}

// Unary applies a NumPy unary ufunc element by element.
func Unary(op nd.UnaryOp, x any) *Array {
	return elementwise(op.String(), nd.Step{Op: op.String()}, x)
}

// Where picks x where cond is true and y elsewhere, broadcasting all three.
func Where(cond, x, y any) *Array {
	return elementwise("where", nd.Step{Op: "where"}, cond, x, y)
}

// Clip limits values to [lo, hi] as np.clip; pass nil for an open side.
func Clip(a *Array, lo, hi any) *Array {
	out := a
	if lo != nil {
		out = Binary(nd.Maximum, out, lo)
	}
	if hi != nil {
		out = Binary(nd.Minimum, out, hi)
	}
	return out
}

// AsType converts the elements to dt, as NumPy's astype.
func (a *Array) AsType(dt nd.DType) *Array {
	if a.err != nil && a.ragged == nil {
		return a
	}
	if !dt.Valid() {
		return failf("astype", "invalid dtype %v", dt)
	}
	if dt == a.DType() {
		return a
	}
	return elementwise("astype", nd.Step{Op: "astype", DType: dt}, a)
}

// The common operators as methods; y may be an *Array, an *nd.Array or a Go number.

func (a *Array) Add(y any) *Array      { return Binary(nd.Add, a, y) }
func (a *Array) Sub(y any) *Array      { return Binary(nd.Subtract, a, y) }
func (a *Array) Mul(y any) *Array      { return Binary(nd.Multiply, a, y) }
func (a *Array) Div(y any) *Array      { return Binary(nd.Divide, a, y) }
func (a *Array) FloorDiv(y any) *Array { return Binary(nd.FloorDivide, a, y) }
func (a *Array) Mod(y any) *Array      { return Binary(nd.Mod, a, y) }
func (a *Array) Pow(y any) *Array      { return Binary(nd.Power, a, y) }
func (a *Array) Less(y any) *Array     { return Binary(nd.Less, a, y) }
func (a *Array) Greater(y any) *Array  { return Binary(nd.Greater, a, y) }
func (a *Array) Equal(y any) *Array    { return Binary(nd.Equal, a, y) }
func (a *Array) Neg() *Array           { return Unary(nd.Negative, a) }
func (a *Array) Abs() *Array           { return Unary(nd.Absolute, a) }
func (a *Array) Real() *Array          { return Unary(nd.Real, a) }
func (a *Array) Imag() *Array          { return Unary(nd.Imag, a) }
func (a *Array) Conj() *Array          { return Unary(nd.Conjugate, a) }
