package nd

// blockLen is how many elements a kernel sees at most per call when operands must be
// gathered or converted first: large enough to amortise the call, small enough that the
// scratch buffers stay in L1/L2 cache.
const blockLen = 2048

// operand feeds one input of a kernel: either straight from its buffer when the run is
// contiguous and of the kernel's type, or through a scratch buffer filled by castInto.
type operand[T Element] struct {
	arr     *Array
	buf     []T // a.data when the dtype matches, else nil
	scratch *Array
	k       int // index in the walker
}

func newOperand[T Element](a *Array, k int) operand[T] {
	op := operand[T]{arr: a, k: k}
	op.buf, _ = a.data.([]T)
	return op
}

// block returns the kernel's view of m elements starting at offset off with stride st.
func (op *operand[T]) block(off, st, m int) []T {
	if op.buf != nil && st == 1 {
		return op.buf[off : off+m]
	}
	if op.scratch == nil {
		op.scratch, _ = New(DTypeOf[T](), blockLen)
	}
	dst := op.scratch.view([]int{m}, []int{1}, 0)
	src := op.arr.view([]int{m}, []int{st}, off)
	castInto(dst, src)
	return op.scratch.data.([]T)[:m]
}

// runUnary fills out (C-contiguous) with kernel(x) where x is a converted to T.
func runUnary[T, R Element](out, a *Array, kernel func(d []R, x []T)) {
	d := out.data.([]R)
	x := newOperand[T](a, 1)
	w := newWalker(out.shape, out.strides, a.strides)
	n, sx := w.runLen(), w.runStride(1)
	w.each([]int{out.offset, a.offset}, func(o []int) {
		for i := 0; i < n; i += blockLen {
			m := min(blockLen, n-i)
			if x.buf == nil || sx != 1 {
				kernel(d[o[0]+i:o[0]+i+m], x.block(o[1]+i*sx, sx, m))
			} else {
				kernel(d[o[0]+i:o[0]+i+m], x.buf[o[1]+i:o[1]+i+m])
			}
		}
	})
}

// runBinary fills out (C-contiguous, already of the broadcast shape) with kernel(x, y)
// where x and y are a and b broadcast to out's shape and converted to T.
func runBinary[T, R Element](out, a, b *Array, kernel func(d []R, x, y []T)) {
	d := out.data.([]R)
	x, y := newOperand[T](a, 1), newOperand[T](b, 2)
	w := newWalker(out.shape, out.strides, a.strides, b.strides)
	n, sx, sy := w.runLen(), w.runStride(1), w.runStride(2)
	direct := x.buf != nil && y.buf != nil && sx == 1 && sy == 1
	w.each([]int{out.offset, a.offset, b.offset}, func(o []int) {
		if direct { // the common case: whole runs, no blocking needed
			kernel(d[o[0]:o[0]+n], x.buf[o[1]:o[1]+n], y.buf[o[2]:o[2]+n])
			return
		}
		for i := 0; i < n; i += blockLen {
			m := min(blockLen, n-i)
			kernel(d[o[0]+i:o[0]+i+m], x.block(o[1]+i*sx, sx, m), y.block(o[2]+i*sy, sy, m))
		}
	})
}

// runTernary is runBinary for three inputs; where() is its only user.
func runTernary[T, R Element](out, c, a, b *Array, kernel func(d []R, cond []bool, x, y []T)) {
	d := out.data.([]R)
	cc := newOperand[bool](c, 1)
	x, y := newOperand[T](a, 2), newOperand[T](b, 3)
	w := newWalker(out.shape, out.strides, c.strides, a.strides, b.strides)
	n, sc, sx, sy := w.runLen(), w.runStride(1), w.runStride(2), w.runStride(3)
	w.each([]int{out.offset, c.offset, a.offset, b.offset}, func(o []int) {
		for i := 0; i < n; i += blockLen {
			m := min(blockLen, n-i)
			kernel(d[o[0]+i:o[0]+i+m], cc.block(o[1]+i*sc, sc, m), x.block(o[2]+i*sx, sx, m), y.block(o[3]+i*sy, sy, m))
		}
	})
}
