package nd

import "fmt"

// Program is a fused element-wise computation over several input arrays, such as
// a*b + c or where(x > 0, x, 0). Eval runs it block by block: every step works on a
// cache-sized block of every value before the next block starts, so intermediates never
// exist as whole arrays and the output is written once. A Program is plain data (operation
// names and value numbers), so it can travel inside a task graph.
type Program struct {
	NumInputs int
	Steps     []Step
}

// Step is one operation of a Program. Args name values: 0 to NumInputs-1 are the inputs,
// NumInputs+k is the result of step k. The last step's result is the program's result.
type Step struct {
	Op    string // a unary or binary ufunc name ("add", "negative", ...), "where" or "astype"
	Args  []int
	DType DType // the target of "astype"; ignored otherwise
}

func (s Step) String() string {
	if s.Op == "astype" {
		return fmt.Sprintf("astype(v%d, %v)", s.Args[0], s.DType)
	}
	return fmt.Sprintf("%s%v", s.Op, s.Args)
}

// compiledStep is a step with its kernel chosen and its arguments converted to the
// kernel's dtypes by implicit astype steps.
type compiledStep struct {
	args  []int
	dtype DType
	// intPower marks an integer power, whose exponents are checked block by block: NumPy
	// refuses negative integer powers, and the kernel alone would return 1 for them.
	intPower bool
	unary    unaryKernel
	binary   binaryKernel
	where    ternaryKernel
	cast     bool
}

type compiledProgram struct {
	inputs []DType
	steps  []compiledStep
	result DType
}

// ResultType returns the dtype Eval produces for inputs of the given dtypes.
func (p *Program) ResultType(inputs ...DType) (DType, error) {
	c, err := p.compile(inputs)
	if err != nil {
		return 0, err
	}
	return c.result, nil
}

func (p *Program) compile(inputs []DType) (*compiledProgram, error) {
	if len(inputs) != p.NumInputs {
		return nil, newError("program", ErrValue, "program takes %d inputs, got %d", p.NumInputs, len(inputs))
	}
	if len(p.Steps) == 0 {
		return nil, newError("program", ErrValue, "program has no steps")
	}
	c := &compiledProgram{inputs: inputs}
	dtypes := append([]DType{}, inputs...) // dtype of each value, by original number
	ids := make([]int, len(inputs))        // original value number -> compiled value number
	for i := range ids {
		ids[i] = i
	}
	// addCast converts compiled value v to dt when needed and returns the value to use.
	valueType := append([]DType{}, inputs...)
	addCast := func(v int, dt DType) int {
		if valueType[v] == dt {
			return v
		}
		c.steps = append(c.steps, compiledStep{args: []int{v}, dtype: dt, cast: true})
		valueType = append(valueType, dt)
		return len(valueType) - 1
	}
	for k, s := range p.Steps {
		for _, a := range s.Args {
			if a < 0 || a >= p.NumInputs+k {
				return nil, newError("program", ErrValue, "step %d (%v) refers to value %d, which is not computed before it", k, s, a)
			}
		}
		arity := map[bool]int{true: 1, false: 2}
		var cs compiledStep
		var argTypes []DType
		switch {
		case s.Op == "astype":
			if len(s.Args) != 1 || !s.DType.Valid() {
				return nil, newError("program", ErrValue, "step %d: astype takes one value and a valid dtype", k)
			}
			cs = compiledStep{dtype: s.DType, cast: true}
			argTypes = []DType{s.DType}
		case s.Op == "where":
			if len(s.Args) != 3 {
				return nil, newError("program", ErrValue, "step %d: where takes 3 values, got %d", k, len(s.Args))
			}
			t := ResultType(dtypes[s.Args[1]], dtypes[s.Args[2]])
			cs = compiledStep{dtype: t, where: whereKernelFor(t)}
			argTypes = []DType{Bool, t, t}
		default:
			if op, ok := UnaryOpNamed(s.Op); ok && len(s.Args) == arity[true] {
				res, comp, err := UnaryResultType(op, dtypes[s.Args[0]])
				if err != nil {
					return nil, err
				}
				cs = compiledStep{dtype: res, unary: unaryKernelFor(op, comp, res)}
				argTypes = []DType{comp}
			} else if op, ok := BinaryOpNamed(s.Op); ok && len(s.Args) == arity[false] {
				res, comp, err := BinaryResultType(op, dtypes[s.Args[0]], dtypes[s.Args[1]])
				if err != nil {
					return nil, err
				}
				cs = compiledStep{dtype: res, binary: binaryKernelFor(op, comp, res), intPower: op == Power && comp.Kind() == 'i'}
				argTypes = []DType{comp, comp}
			} else {
				return nil, newError("program", ErrValue, "step %d: unknown operation %q with %d arguments", k, s.Op, len(s.Args))
			}
		}
		for i, a := range s.Args {
			cs.args = append(cs.args, addCast(ids[a], argTypes[i]))
		}
		if cs.cast && len(cs.args) == 1 && valueType[cs.args[0]] == cs.dtype {
			// astype to the dtype it already has: the value passes through.
			ids = append(ids, cs.args[0])
			dtypes = append(dtypes, cs.dtype)
			continue
		}
		c.steps = append(c.steps, cs)
		valueType = append(valueType, cs.dtype)
		ids = append(ids, len(valueType)-1)
		dtypes = append(dtypes, cs.dtype)
	}
	c.result = dtypes[len(dtypes)-1]
	if ids[len(ids)-1] != len(valueType)-1 { // the result is an earlier value: copy it out
		c.steps = append(c.steps, compiledStep{args: []int{ids[len(ids)-1]}, dtype: c.result, cast: true})
	}
	return c, nil
}

// Eval runs the program over the inputs, broadcast against each other.
func (p *Program) Eval(inputs ...*Array) (*Array, error) {
	dts := make([]DType, len(inputs))
	shapes := make([][]int, len(inputs))
	for i, in := range inputs {
		dts[i], shapes[i] = in.dtype, in.shape
	}
	c, err := p.compile(dts)
	if err != nil {
		return nil, err
	}
	shape, err := BroadcastShapes(shapes...)
	if err != nil {
		return nil, newError("program", ErrShape, "%v", err.(*Error).Detail)
	}
	out, err := Borrow(c.result, shape...) // run writes every element
	if err != nil {
		return nil, err
	}
	if err := c.run(out, inputs); err != nil {
		out.Recycle()
		return nil, err
	}
	return out, nil
}

// EvalInto is Eval writing into out, a C-contiguous array of the program's result dtype
// and the inputs' broadcast shape (a buffer the caller recycles).
func (p *Program) EvalInto(out *Array, inputs ...*Array) error {
	dts := make([]DType, len(inputs))
	for i, in := range inputs {
		dts[i] = in.dtype
	}
	c, err := p.compile(dts)
	if err != nil {
		return err
	}
	if out.dtype != c.result || !out.IsContiguous() {
		return newError("program", ErrValue, "output must be a C-contiguous %v array, got %s", c.result, out.describe())
	}
	return c.run(out, inputs)
}

func (c *compiledProgram) run(out *Array, inputs []*Array) error {
	bs := make([]*Array, len(inputs))
	for i, in := range inputs {
		b, err := in.BroadcastTo(out.shape...)
		if err != nil {
			panic(err) // unreachable: callers broadcast-check first
		}
		bs[i] = b
	}
	scratch := make([]any, len(c.steps))
	for k, s := range c.steps[:len(c.steps)-1] {
		scratch[k] = makeBuffer(s.dtype, min(blockLen, max(out.Size(), 1)))
	}
	vals := make([]any, len(inputs)+len(c.steps))
	last := len(c.steps) - 1
	var failure error
	runKernel(out, bs, c.inputs, func(d any, args []any) {
		if failure != nil {
			return
		}
		copy(vals, args)
		m := lenAny(d)
		for k, s := range c.steps {
			dst := d
			if k < last {
				dst = sliceAny(scratch[k], 0, m)
			}
			a := s.args
			switch {
			case s.cast:
				castBlock(dst, vals[a[0]], s.dtype, c.valueType(a[0]))
			case s.unary != nil:
				s.unary(dst, vals[a[0]])
			case s.binary != nil:
				if s.intPower && hasNegative(vals[a[1]]) {
					failure = newError("power", ErrValue, "integers to negative integer powers are not allowed")
					return
				}
				s.binary(dst, vals[a[0]], vals[a[1]])
			default:
				s.where(dst, vals[a[0]], vals[a[1]], vals[a[2]])
			}
			vals[len(inputs)+k] = dst
		}
	})
	return failure
}

func hasNegative(block any) bool {
	switch b := block.(type) {
	case []int8:
		return anyNegative(b)
	case []int16:
		return anyNegative(b)
	case []int32:
		return anyNegative(b)
	case []int64:
		return anyNegative(b)
	}
	return false
}

func anyNegative[T signed](b []T) bool {
	for _, v := range b {
		if v < 0 {
			return true
		}
	}
	return false
}

func (c *compiledProgram) valueType(v int) DType {
	if v < len(c.inputs) {
		return c.inputs[v]
	}
	return c.steps[v-len(c.inputs)].dtype
}

func lenAny(buf any) int {
	_, n := bufferDType(buf)
	return n
}

// castBlock converts a block of src (dtype from) into dst (dtype to).
func castBlock(dst, src any, to, from DType) {
	n := lenAny(dst)
	d := &Array{dtype: to, shape: []int{n}, strides: []int{1}, data: dst}
	s := &Array{dtype: from, shape: []int{n}, strides: []int{1}, data: src}
	castInto(d, s)
}
