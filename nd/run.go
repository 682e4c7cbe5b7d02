package nd

// blockLen is how many elements a kernel sees at most per call when operands must be
// gathered or converted first, and the block size of fused programs: large enough to
// amortise the call, small enough that a handful of scratch blocks stay in L1/L2 cache.
const blockLen = 2048

// Kernels see typed slices behind `any`: the type switch happens once per block, never per
// element. A kernel function receives its destination first, then its inputs, all of the
// same length and already converted to the kernel's compute dtype.
type (
	unaryKernel   func(d, x any)
	binaryKernel  func(d, x, y any)
	ternaryKernel func(d, c, x, y any)
)

// sliceAny returns buf[lo:hi] for a typed slice held in an interface.
func sliceAny(buf any, lo, hi int) any {
	switch b := buf.(type) {
	case []bool:
		return b[lo:hi]
	case []int8:
		return b[lo:hi]
	case []int16:
		return b[lo:hi]
	case []int32:
		return b[lo:hi]
	case []int64:
		return b[lo:hi]
	case []uint8:
		return b[lo:hi]
	case []uint16:
		return b[lo:hi]
	case []uint32:
		return b[lo:hi]
	case []uint64:
		return b[lo:hi]
	case []float32:
		return b[lo:hi]
	case []float64:
		return b[lo:hi]
	case []complex64:
		return b[lo:hi]
	case []complex128:
		return b[lo:hi]
	}
	panic("nd: sliceAny of a non-buffer") // unreachable: buffers are made by makeBuffer
}

// operand feeds one input of a kernel: straight from its buffer when the run is contiguous
// and already of the compute dtype, otherwise through a scratch block filled by castInto
// (which gathers strided or broadcast elements and converts in one pass).
type operand struct {
	arr     *Array
	comp    DType
	direct  bool
	scratch *Array
	src     Array // reused views, so feeding a block allocates nothing
	dst     Array
}

func newOperand(a *Array, comp DType) *operand {
	return &operand{arr: a, comp: comp, direct: a.dtype == comp}
}

// block returns m elements starting at offset off with stride st, as the compute dtype.
func (op *operand) block(off, st, m int) any {
	if op.direct && st == 1 {
		return sliceAny(op.arr.data, off, off+m)
	}
	if op.scratch == nil {
		op.scratch, _ = New(op.comp, blockLen)
		op.src = Array{dtype: op.arr.dtype, shape: []int{0}, strides: []int{0}, data: op.arr.data}
		op.dst = Array{dtype: op.comp, shape: []int{0}, strides: []int{1}, data: op.scratch.data}
	}
	op.src.shape[0], op.src.strides[0], op.src.offset = m, st, off
	op.dst.shape[0] = m
	castInto(&op.dst, &op.src)
	return sliceAny(op.scratch.data, 0, m)
}

// runKernel evaluates kernel block by block over the inputs (already broadcast to out's
// shape) into out, which is C-contiguous. Input i is converted to comps[i].
func runKernel(out *Array, inputs []*Array, comps []DType, kernel func(d any, args []any)) {
	strides := [][]int{out.strides}
	base := []int{out.offset}
	ops := make([]*operand, len(inputs))
	for i, in := range inputs {
		strides = append(strides, in.strides)
		base = append(base, in.offset)
		ops[i] = newOperand(in, comps[i])
	}
	w := newWalker(out.shape, strides...)
	n := w.runLen()
	args := make([]any, len(inputs))
	w.each(base, func(o []int) {
		for i := 0; i < n; i += blockLen {
			m := min(blockLen, n-i)
			for k, op := range ops {
				st := w.runStride(k + 1)
				args[k] = op.block(o[k+1]+i*st, st, m)
			}
			kernel(sliceAny(out.data, o[0]+i, o[0]+i+m), args)
		}
	})
}

func runUnary(out, a *Array, comp DType, k unaryKernel) {
	runKernel(out, []*Array{a}, []DType{comp}, func(d any, args []any) { k(d, args[0]) })
}

func runBinary(out, a, b *Array, comp DType, k binaryKernel) {
	runKernel(out, []*Array{a, b}, []DType{comp, comp}, func(d any, args []any) { k(d, args[0], args[1]) })
}
