package nd

import (
	"encoding/binary"
	"unsafe"
)

// nativeLittle is true on little-endian hosts, where raw little-endian data can be copied
// straight into typed buffers.
var nativeLittle = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// FromBytes decodes raw element bytes (C order, as files store them) into a new
// C-contiguous array. Complex numbers are stored as real then imaginary part, each in the
// given byte order; booleans are one byte, non-zero meaning true.
func FromBytes(dt DType, raw []byte, bigEndian bool, shape ...int) (*Array, error) {
	n, err := checkShape("from bytes", shape)
	if err != nil {
		return nil, err
	}
	if !dt.Valid() {
		return nil, newError("from bytes", ErrDType, "invalid dtype %v", dt)
	}
	if len(raw) != n*dt.Size() {
		return nil, newError("from bytes", ErrShape, "%d bytes do not hold %d elements of %v for shape %s (need %d)", len(raw), n, dt, ShapeString(shape), n*dt.Size())
	}
	a, _ := New(dt, shape...)
	dst := a.rawBytes()
	if dt == Bool {
		for i, b := range raw {
			dst[i] = b2u8(b != 0)
		}
		return a, nil
	}
	copy(dst, raw)
	if bigEndian == nativeLittle {
		swapBytes(dst, componentSize(dt))
	}
	return a, nil
}

// WrapBytes is FromBytes without the copy: the array takes raw over and shares its
// memory, after swapping it in place to the host's byte order (and normalizing booleans).
// Decoders hand over freshly decoded buffers this way. When raw is not aligned for dt it
// is copied as FromBytes would.
func WrapBytes(dt DType, raw []byte, bigEndian bool, shape ...int) (*Array, error) {
	n, err := checkShape("wrap bytes", shape)
	if err != nil {
		return nil, err
	}
	if !dt.Valid() {
		return nil, newError("wrap bytes", ErrDType, "invalid dtype %v", dt)
	}
	if len(raw) != n*dt.Size() {
		return nil, newError("wrap bytes", ErrShape, "%d bytes do not hold %d elements of %v for shape %s (need %d)", len(raw), n, dt, ShapeString(shape), n*dt.Size())
	}
	if n == 0 || uintptr(unsafe.Pointer(&raw[0]))%uintptr(componentSize(dt)) != 0 {
		return FromBytes(dt, raw, bigEndian, shape...)
	}
	if dt == Bool {
		for i, b := range raw {
			raw[i] = b2u8(b != 0)
		}
	} else if bigEndian == nativeLittle {
		swapBytes(raw, componentSize(dt))
	}
	p := unsafe.Pointer(&raw[0])
	var data any
	switch dt {
	case Bool:
		data = unsafe.Slice((*bool)(p), n)
	case Int8:
		data = unsafe.Slice((*int8)(p), n)
	case Int16:
		data = unsafe.Slice((*int16)(p), n)
	case Int32:
		data = unsafe.Slice((*int32)(p), n)
	case Int64:
		data = unsafe.Slice((*int64)(p), n)
	case Uint8:
		data = unsafe.Slice((*uint8)(p), n)
	case Uint16:
		data = unsafe.Slice((*uint16)(p), n)
	case Uint32:
		data = unsafe.Slice((*uint32)(p), n)
	case Uint64:
		data = unsafe.Slice((*uint64)(p), n)
	case Float32:
		data = unsafe.Slice((*float32)(p), n)
	case Float64:
		data = unsafe.Slice((*float64)(p), n)
	case Complex64:
		data = unsafe.Slice((*complex64)(p), n)
	case Complex128:
		data = unsafe.Slice((*complex128)(p), n)
	}
	return &Array{dtype: dt, shape: append([]int{}, shape...), strides: cStrides(shape), data: data}, nil
}

func b2u8(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// FromReader makes a C-contiguous array of the given shape whose element bytes fill writes
// (in the given byte order) straight into the array's buffer: file readers use it to read
// into place instead of reading into a byte slice and copying.
func FromReader(dt DType, bigEndian bool, shape []int, fill func(raw []byte) error) (*Array, error) {
	if !dt.Valid() {
		return nil, newError("from reader", ErrDType, "invalid dtype %v", dt)
	}
	a, err := Borrow(dt, shape...)
	if err != nil {
		return nil, err
	}
	raw := a.rawBytes()
	if err := fill(raw); err != nil {
		a.Recycle()
		return nil, err
	}
	if dt == Bool {
		for i, b := range raw {
			raw[i] = b2u8(b != 0)
		}
	} else if bigEndian == nativeLittle {
		swapBytes(raw, componentSize(dt))
	}
	return a, nil
}

// componentSize is the width of the numbers a byte swap reverses: half an element for
// complex dtypes.
func componentSize(dt DType) int {
	if dt.IsComplex() {
		return dt.Size() / 2
	}
	return dt.Size()
}

// Bytes returns the elements in C order as raw bytes in the given byte order.
func (a *Array) Bytes(bigEndian bool) []byte {
	raw := a.Contiguous().rawBytes()
	out := make([]byte, len(raw))
	copy(out, raw)
	if bigEndian == nativeLittle {
		swapBytes(out, componentSize(a.dtype))
	}
	return out
}

// ByteView is Bytes without a copy where it can: for a C-contiguous array in the host's
// byte order it returns the array's own memory, which the caller must only read (encoders
// and writers use it); otherwise a new slice as Bytes.
func (a *Array) ByteView(bigEndian bool) []byte {
	if (a.dtype.Size() == 1 || bigEndian != nativeLittle) && a.IsContiguous() {
		return a.rawBytes()
	}
	return a.Bytes(bigEndian)
}

// rawBytes views the bytes of a C-contiguous array's elements, sharing its buffer.
func (a *Array) rawBytes() []byte {
	n := a.Size() * a.dtype.Size()
	if n == 0 {
		return nil
	}
	var p unsafe.Pointer
	switch b := a.data.(type) {
	case []bool:
		p = unsafe.Pointer(&b[a.offset])
	case []int8:
		p = unsafe.Pointer(&b[a.offset])
	case []int16:
		p = unsafe.Pointer(&b[a.offset])
	case []int32:
		p = unsafe.Pointer(&b[a.offset])
	case []int64:
		p = unsafe.Pointer(&b[a.offset])
	case []uint8:
		p = unsafe.Pointer(&b[a.offset])
	case []uint16:
		p = unsafe.Pointer(&b[a.offset])
	case []uint32:
		p = unsafe.Pointer(&b[a.offset])
	case []uint64:
		p = unsafe.Pointer(&b[a.offset])
	case []float32:
		p = unsafe.Pointer(&b[a.offset])
	case []float64:
		p = unsafe.Pointer(&b[a.offset])
	case []complex64:
		p = unsafe.Pointer(&b[a.offset])
	case []complex128:
		p = unsafe.Pointer(&b[a.offset])
	}
	return unsafe.Slice((*byte)(p), n)
}

func swapBytes(b []byte, width int) {
	if width == 1 {
		return
	}
	for i := 0; i+width <= len(b); i += width {
		for j, k := i, i+width-1; j < k; j, k = j+1, k-1 {
			b[j], b[k] = b[k], b[j]
		}
	}
}
