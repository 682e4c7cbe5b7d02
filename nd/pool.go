package nd

import "sync"

// Buffers of blocks come and go by the thousand in a blocked computation, most of the
// same few sizes. Borrow and Recycle reuse them instead of asking the allocator (and its
// zeroing, which costs as much as filling the block) every time.

type poolKey struct {
	dt DType
	n  int
}

var pools sync.Map // poolKey -> *sync.Pool of typed buffers

// Borrow returns a C-contiguous array whose elements are unspecified: the caller must
// write every one. Recycle gives its buffer back when it is no longer used.
func Borrow(dt DType, shape ...int) (*Array, error) {
	n, err := checkShape("borrow", shape)
	if err != nil {
		return nil, err
	}
	if !dt.Valid() {
		return nil, newError("borrow", ErrDType, "invalid dtype %v", dt)
	}
	var buf any
	if p, ok := pools.Load(poolKey{dt, n}); ok {
		buf = p.(*sync.Pool).Get()
	}
	if buf == nil {
		buf = makeBuffer(dt, n)
	}
	return &Array{dtype: dt, shape: append([]int{}, shape...), strides: cStrides(shape), data: buf}, nil
}

// Recycle hands a's buffer to later Borrow calls. Neither a nor any view of its buffer
// may be used afterwards. Arrays that do not own a whole buffer are left alone.
func (a *Array) Recycle() {
	_, n := bufferDType(a.data)
	if a.offset != 0 || n != a.Size() || n == 0 || !a.IsContiguous() {
		return
	}
	key := poolKey{a.dtype, n}
	p, ok := pools.Load(key)
	if !ok {
		p, _ = pools.LoadOrStore(key, &sync.Pool{})
	}
	p.(*sync.Pool).Put(a.data)
	a.data = makeBuffer(a.dtype, 0) // a dangling a must not reach the buffer again
	a.shape = []int{0}
	a.strides = []int{1}
}
