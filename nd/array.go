package nd

import (
	"fmt"
	"math"
)

// MaxDims is the largest number of dimensions an array may have (NumPy's limit).
const MaxDims = 32

// Array is a dense n-dimensional array: a typed buffer seen through a shape, strides and an
// offset, all counted in elements. Several arrays may share one buffer; views made by
// slicing, transposing or broadcasting never copy. An Array is not safe for concurrent
// writes, but any number of goroutines may read it.
type Array struct {
	dtype   DType
	shape   []int
	strides []int
	offset  int
	data    any // []T for the dtype's Go element type
}

// New returns a C-contiguous array of zeros.
func New(dt DType, shape ...int) (*Array, error) {
	if !dt.Valid() {
		return nil, newError("new", ErrDType, "invalid dtype %v", dt)
	}
	n, err := checkShape("new", shape)
	if err != nil {
		return nil, err
	}
	return &Array{dtype: dt, shape: append([]int{}, shape...), strides: cStrides(shape), data: makeBuffer(dt, n)}, nil
}

// Zeros is New: an array of zeros.
func Zeros(dt DType, shape ...int) (*Array, error) { return New(dt, shape...) }

// Ones returns an array filled with one.
func Ones(dt DType, shape ...int) (*Array, error) { return Full(dt, 1, shape...) }

// Full returns an array filled with value, converted to dt as NumPy's astype would.
func Full(dt DType, value complex128, shape ...int) (*Array, error) {
	a, err := New(dt, shape...)
	if err != nil {
		return nil, err
	}
	fillValue(a, value)
	return a, nil
}

// FromSlice wraps data, without copying, as a C-contiguous array of the given shape.
// With no shape the array is one-dimensional.
func FromSlice[T Element](data []T, shape ...int) (*Array, error) {
	if shape == nil {
		shape = []int{len(data)}
	}
	n, err := checkShape("from slice", shape)
	if err != nil {
		return nil, err
	}
	if n != len(data) {
		return nil, newError("from slice", ErrShape, "%d elements do not fill shape %s", len(data), ShapeString(shape))
	}
	return &Array{dtype: DTypeOf[T](), shape: append([]int{}, shape...), strides: cStrides(shape), data: data}, nil
}

// Scalar returns a 0-d array holding v.
func Scalar[T Element](v T) *Array {
	return &Array{dtype: DTypeOf[T](), shape: []int{}, strides: []int{}, data: []T{v}}
}

// FromBuffer makes an array from a typed buffer ([]float64, []int32, ...) with explicit
// strides and offset in elements. It checks that every element the view can reach lies
// inside the buffer; storage readers use it to wrap decoded chunks.
func FromBuffer(buf any, shape, strides []int, offset int) (*Array, error) {
	dt, n := bufferDType(buf)
	if dt == 0 {
		return nil, newError("from buffer", ErrDType, "unsupported buffer type %T", buf)
	}
	if strides == nil {
		strides = cStrides(shape)
	}
	if len(strides) != len(shape) {
		return nil, newError("from buffer", ErrShape, "%d strides for shape %s", len(strides), ShapeString(shape))
	}
	size, err := checkShape("from buffer", shape)
	if err != nil {
		return nil, err
	}
	if size > 0 {
		lo, hi := offset, offset
		for d, s := range strides {
			if s > 0 {
				hi += s * (shape[d] - 1)
			} else {
				lo += s * (shape[d] - 1)
			}
		}
		if lo < 0 || hi >= n {
			return nil, newError("from buffer", ErrIndex, "shape %s with strides %v at offset %d reaches outside a buffer of %d elements", ShapeString(shape), strides, offset, n)
		}
	}
	return &Array{dtype: dt, shape: append([]int{}, shape...), strides: append([]int{}, strides...), offset: offset, data: buf}, nil
}

func bufferDType(buf any) (DType, int) {
	switch b := buf.(type) {
	case []bool:
		return Bool, len(b)
	case []int8:
		return Int8, len(b)
	case []int16:
		return Int16, len(b)
	case []int32:
		return Int32, len(b)
	case []int64:
		return Int64, len(b)
	case []uint8:
		return Uint8, len(b)
	case []uint16:
		return Uint16, len(b)
	case []uint32:
		return Uint32, len(b)
	case []uint64:
		return Uint64, len(b)
	case []float32:
		return Float32, len(b)
	case []float64:
		return Float64, len(b)
	case []complex64:
		return Complex64, len(b)
	case []complex128:
		return Complex128, len(b)
	}
	return 0, 0
}

func checkShape(op string, shape []int) (int, error) {
	if len(shape) > MaxDims {
		return 0, newError(op, ErrShape, "%d dimensions is more than the maximum of %d", len(shape), MaxDims)
	}
	n := 1
	for _, s := range shape {
		if s < 0 {
			return 0, newError(op, ErrShape, "negative dimension in shape %s", ShapeString(shape))
		}
		if s > 0 && n > math.MaxInt/s {
			return 0, newError(op, ErrShape, "shape %s has too many elements", ShapeString(shape))
		}
		n *= s
	}
	return n, nil
}

func cStrides(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for d := len(shape) - 1; d >= 0; d-- {
		st[d] = s
		s *= max(shape[d], 1)
	}
	return st
}

// DType returns the element type.
func (a *Array) DType() DType { return a.dtype }

// Shape returns a copy of the shape.
func (a *Array) Shape() []int { return append([]int{}, a.shape...) }

// Strides returns a copy of the strides, in elements.
func (a *Array) Strides() []int { return append([]int{}, a.strides...) }

// Offset is the position of the first element in the buffer, in elements.
func (a *Array) Offset() int { return a.offset }

// NDim is the number of dimensions.
func (a *Array) NDim() int { return len(a.shape) }

// Size is the number of elements.
func (a *Array) Size() int {
	n := 1
	for _, s := range a.shape {
		n *= s
	}
	return n
}

// NBytes is the number of bytes the elements occupy (not the buffer behind a view).
func (a *Array) NBytes() int { return a.Size() * a.dtype.Size() }

// Buffer returns the whole underlying typed slice ([]float64, ...), shared, not copied.
func (a *Array) Buffer() any { return a.data }

// IsContiguous reports whether the elements lie in C order, back to back, in the buffer.
func (a *Array) IsContiguous() bool {
	s := 1
	for d := len(a.shape) - 1; d >= 0; d-- {
		if a.shape[d] != 1 && a.strides[d] != s {
			return a.Size() == 0
		}
		s *= a.shape[d]
	}
	return true
}

// String prints small arrays like NumPy's repr and large ones as a summary.
func (a *Array) String() string { return format(a) }

// Data returns the elements of a C-contiguous array as a slice sharing its buffer, or an
// error when the dtype is not T's or the array is not contiguous (call Copy first).
func Data[T Element](a *Array) ([]T, error) {
	buf, ok := a.data.([]T)
	if !ok {
		return nil, newError("data", ErrDType, "array of %v read as %v", a.dtype, DTypeOf[T]())
	}
	if !a.IsContiguous() {
		return nil, newError("data", ErrValue, "array of shape %s with strides %v is not contiguous", ShapeString(a.shape), a.strides)
	}
	return buf[a.offset : a.offset+a.Size()], nil
}

// Values returns a new slice with the elements in C order, converted to T.
func Values[T Element](a *Array) []T {
	c := a
	if a.dtype != DTypeOf[T]() {
		c = a.convert(DTypeOf[T]())
	} else {
		c = a.Copy()
	}
	return c.data.([]T)
}

// At returns the element at the given index (negative indices count from the end) as T.
func At[T Element](a *Array, index ...int) (T, error) {
	var zero T
	off, err := a.elementOffset("at", index)
	if err != nil {
		return zero, err
	}
	v := &Array{dtype: a.dtype, shape: []int{}, strides: []int{}, offset: off, data: a.data}
	return Values[T](v)[0], nil
}

// Float64 is the value of an array of one element (a reduction's result, such as a mean),
// as float64, as NumPy's float(x) or x.item(): the way to get a number out of a result.
// Complex values give their real part only when the imaginary part is zero.
func (a *Array) Float64() (float64, error) {
	if a.Size() != 1 {
		return 0, newError("float64", ErrShape, "only an array of one element has one value, not shape %s", ShapeString(a.shape))
	}
	v := Values[complex128](a)
	if imag(v[0]) != 0 {
		return 0, newError("float64", ErrDType, "the value %v is complex", v[0])
	}
	return real(v[0]), nil
}

func (a *Array) elementOffset(op string, index []int) (int, error) {
	if len(index) != len(a.shape) {
		return 0, newError(op, ErrIndex, "%d indices for an array of %d dimensions", len(index), len(a.shape))
	}
	off := a.offset
	for d, i := range index {
		if i < -a.shape[d] || i >= a.shape[d] {
			return 0, newError(op, ErrIndex, "index %d is out of bounds for axis %d with size %d", i, d, a.shape[d])
		}
		if i < 0 {
			i += a.shape[d]
		}
		off += i * a.strides[d]
	}
	return off, nil
}

// view returns an array sharing a's buffer with new geometry.
func (a *Array) view(shape, strides []int, offset int) *Array {
	return &Array{dtype: a.dtype, shape: shape, strides: strides, offset: offset, data: a.data}
}

// Copy returns a C-contiguous copy with its own buffer.
func (a *Array) Copy() *Array {
	out, _ := New(a.dtype, a.shape...)
	copyInto(out, a)
	return out
}

// Contiguous returns a itself when it is already C-contiguous, otherwise a copy.
func (a *Array) Contiguous() *Array {
	if a.IsContiguous() {
		return a
	}
	return a.Copy()
}

// Assign copies src into a, broadcasting src to a's shape and converting its dtype as
// NumPy's a[...] = src does. a is usually a view into a larger array.
func (a *Array) Assign(src *Array) error {
	b, err := src.BroadcastTo(a.shape...)
	if err != nil {
		return newError("assign", ErrShape, "could not broadcast input of shape %s into shape %s", ShapeString(src.shape), ShapeString(a.shape))
	}
	if b.dtype != a.dtype {
		b = b.convert(a.dtype)
	}
	copyInto(a, b)
	return nil
}

// Fill sets every element to value, converted to a's dtype.
func (a *Array) Fill(value complex128) { fillValue(a, value) }

// Reshape returns an array of the new shape with the same elements in C order: a view when
// the layout allows it, otherwise a copy. One dimension may be -1 and is then inferred.
func (a *Array) Reshape(shape ...int) (*Array, error) {
	shape, err := inferShape("reshape", a.shape, shape)
	if err != nil {
		return nil, err
	}
	if st, ok := reshapeStrides(a.shape, a.strides, shape); ok {
		return a.view(shape, st, a.offset), nil
	}
	c := a.Copy()
	return c.view(shape, cStrides(shape), 0), nil
}

// Ravel returns the elements as a 1-d array, a view when possible.
func (a *Array) Ravel() *Array {
	r, _ := a.Reshape(-1)
	return r
}

func inferShape(op string, old, shape []int) ([]int, error) {
	shape = append([]int{}, shape...)
	total := 1
	for _, s := range old {
		total *= s
	}
	known, unknown := 1, -1
	for i, s := range shape {
		switch {
		case s == -1 && unknown < 0:
			unknown = i
		case s < 0:
			return nil, newError(op, ErrValue, "invalid shape %s", ShapeString(shape))
		default:
			known *= s
		}
	}
	if unknown >= 0 {
		if known == 0 || total%known != 0 {
			return nil, newError(op, ErrShape, "cannot reshape array of size %d into shape %s", total, ShapeString(shape))
		}
		shape[unknown] = total / known
	}
	if n, err := checkShape(op, shape); err != nil || n != total {
		return nil, newError(op, ErrShape, "cannot reshape array of size %d into shape %s", total, ShapeString(shape))
	}
	return shape, nil
}

// reshapeStrides finds strides that show the old layout in the new shape without copying,
// as NumPy's _attempt_nocopy_reshape does: groups of old and new dimensions with equal
// products must each be contiguous among themselves.
func reshapeStrides(oldShape, oldStrides, newShape []int) ([]int, bool) {
	var os, ost []int
	for d, n := range oldShape {
		if n != 1 {
			os, ost = append(os, n), append(ost, oldStrides[d])
		}
	}
	st := make([]int, len(newShape))
	size := 1
	for _, n := range newShape {
		size *= n
	}
	if size == 0 {
		return cStrides(newShape), true
	}
	oi, ni := 0, 0
	for ni < len(newShape) && oi < len(os) {
		np, op := newShape[ni], os[oi]
		nj, oj := ni+1, oi+1
		for np != op {
			if np < op {
				np *= newShape[nj]
				nj++
			} else {
				op *= os[oj]
				oj++
			}
		}
		for k := oi; k < oj-1; k++ {
			if ost[k] != os[k+1]*ost[k+1] {
				return nil, false
			}
		}
		st[nj-1] = ost[oj-1]
		for k := nj - 1; k > ni; k-- {
			st[k-1] = st[k] * newShape[k]
		}
		ni, oi = nj, oj
	}
	for ; ni < len(newShape); ni++ { // trailing ones
		st[ni] = 1
	}
	return st, true
}

func (a *Array) checkAxis(op string, axis int) (int, error) {
	n := len(a.shape)
	if axis < -n || axis >= n {
		return 0, newError(op, ErrAxis, "axis %d is out of bounds for array of dimension %d", axis, n)
	}
	if axis < 0 {
		axis += n
	}
	return axis, nil
}

func (a *Array) describe() string {
	return fmt.Sprintf("%s array of shape %s", a.dtype, ShapeString(a.shape))
}
