package nd

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"reflect"
	"unsafe"
)

// The binary form of an array, for moving blocks between processes: the bytes "nd", a
// format version, the dtype, the number of dimensions as a uint32, each length as a
// uint64, then the elements in C order, little-endian. It is meant for machines talking to
// each other, not for files (package npy writes those).
const (
	encodeMagic0, encodeMagic1 = 'n', 'd'
	encodeVersion              = 1
	maxEncodedDims             = 64
)

// WriteArray writes a's binary form to w, streaming a C-contiguous little-endian array's
// elements straight from its memory.
func WriteArray(w io.Writer, a *Array) error {
	head := make([]byte, 8+8*a.NDim())
	head[0], head[1], head[2], head[3] = encodeMagic0, encodeMagic1, encodeVersion, byte(a.dtype)
	binary.LittleEndian.PutUint32(head[4:], uint32(a.NDim()))
	for i, n := range a.shape {
		binary.LittleEndian.PutUint64(head[8+8*i:], uint64(n))
	}
	if _, err := w.Write(head); err != nil {
		return err
	}
	_, err := w.Write(a.ByteView(false))
	return err
}

// EncodedSize is the number of bytes WriteArray writes for a.
func EncodedSize(a *Array) int64 { return int64(8+8*a.NDim()) + int64(a.NBytes()) }

// ReadArray reads an array WriteArray wrote, into a new array of its own. It refuses an
// array whose elements would take more than maxBytes (the length of the message it comes
// in, say), so that a damaged header cannot make it allocate without bound.
func ReadArray(r io.Reader, maxBytes int64) (*Array, error) {
	return ReadArrayInto(r, maxBytes, nil)
}

// ReadArrayInto is ReadArray reading the elements into a buffer that buf gives for their
// byte length (a recycled one, say: fresh memory costs page faults on first touch); the
// array then shares it. A nil buf, or a buffer of the wrong length or alignment, means a
// new array.
func ReadArrayInto(r io.Reader, maxBytes int64, buf func(n int) []byte) (*Array, error) {
	var head [8]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, decodeError(err)
	}
	if head[0] != encodeMagic0 || head[1] != encodeMagic1 || head[2] != encodeVersion {
		return nil, newError("read array", ErrValue, "not an encoded array (header % x)", head[:3])
	}
	dt := DType(head[3])
	if !dt.Valid() {
		return nil, newError("read array", ErrDType, "invalid dtype %d", head[3])
	}
	ndim := binary.LittleEndian.Uint32(head[4:])
	if ndim > maxEncodedDims {
		return nil, newError("read array", ErrShape, "%d dimensions", ndim)
	}
	dims := make([]byte, 8*ndim)
	if _, err := io.ReadFull(r, dims); err != nil {
		return nil, decodeError(err)
	}
	shape := make([]int, ndim)
	size := uint64(dt.Size())
	for i := range shape {
		n := binary.LittleEndian.Uint64(dims[8*i:])
		if n > uint64(maxBytes) || (n > 0 && size > uint64(maxBytes)/n) {
			return nil, newError("read array", ErrShape, "shape claims more than the %d bytes available", maxBytes)
		}
		shape[i] = int(n)
		size *= max(n, 1)
	}
	n, err := checkShape("read array", shape)
	if err != nil {
		return nil, err
	}
	if buf != nil && n > 0 {
		if raw := buf(n * dt.Size()); len(raw) == n*dt.Size() && uintptr(unsafe.Pointer(&raw[0]))%uintptr(componentSize(dt)) == 0 {
			if _, err := io.ReadFull(r, raw); err != nil {
				return nil, decodeError(err)
			}
			return WrapBytes(dt, raw, false, shape...)
		}
	}
	a, err := New(dt, shape...)
	if err != nil {
		return nil, err
	}
	raw := a.rawBytes()
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, decodeError(err)
	}
	if !nativeLittle {
		swapBytes(raw, componentSize(dt))
	}
	if dt == Bool {
		for i, b := range raw {
			raw[i] = b2u8(b != 0)
		}
	}
	return a, nil
}

func decodeError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return newError("read array", ErrValue, "truncated encoded array")
	}
	return err
}

// MarshalBinary is WriteArray into a byte slice (for encoding/gob and friends).
func (a *Array) MarshalBinary() ([]byte, error) {
	var b bytes.Buffer
	b.Grow(int(EncodedSize(a)))
	err := WriteArray(&b, a)
	return b.Bytes(), err
}

// UnmarshalBinary sets a to the array encoded in data.
func (a *Array) UnmarshalBinary(data []byte) error {
	r := bytes.NewReader(data)
	b, err := ReadArray(r, int64(len(data)))
	if err != nil {
		return err
	}
	if r.Len() != 0 {
		return newError("read array", ErrValue, "%d bytes after the encoded array", r.Len())
	}
	*a = *b
	return nil
}

// WritePartial writes a partial reduction state: op, flags, axes, then its four arrays
// (each preceded by a presence byte).
func WritePartial(w io.Writer, p *Partial) error {
	head := []byte{byte(p.Op), b2u8(p.flat), byte(len(p.Axes))}
	for _, ax := range p.Axes {
		head = append(head, byte(ax))
	}
	if _, err := w.Write(head); err != nil {
		return err
	}
	for _, a := range []*Array{p.Count, p.Value, p.M2, p.Index} {
		if _, err := w.Write([]byte{b2u8(a != nil)}); err != nil {
			return err
		}
		if a != nil {
			if err := WriteArray(w, a); err != nil {
				return err
			}
		}
	}
	return nil
}

// ReadPartial reads a state WritePartial wrote, its arrays limited as ReadArray's.
func ReadPartial(r io.Reader, maxBytes int64) (*Partial, error) {
	var head [3]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, decodeError(err)
	}
	p := &Partial{Op: ReduceOp(head[0]), flat: head[1] != 0, Axes: make([]int, head[2])}
	if p.Op == 0 || p.Op >= numReduceOps {
		return nil, newError("read partial", ErrValue, "unknown reduction %d", head[0])
	}
	axes := make([]byte, head[2])
	if _, err := io.ReadFull(r, axes); err != nil {
		return nil, decodeError(err)
	}
	for i, ax := range axes {
		p.Axes[i] = int(ax)
	}
	for _, dst := range []**Array{&p.Count, &p.Value, &p.M2, &p.Index} {
		var present [1]byte
		if _, err := io.ReadFull(r, present[:]); err != nil {
			return nil, decodeError(err)
		}
		if present[0] == 0 {
			continue
		}
		a, err := ReadArray(r, maxBytes)
		if err != nil {
			return nil, fmt.Errorf("read partial: %w", err)
		}
		*dst = a
	}
	return p, nil
}

// BufferBytes returns the bytes of the memory the array's elements are in (all of its
// buffer, not only the part a view uses), for recycling once nothing refers to the array
// or any view of it.
func (a *Array) BufferBytes() []byte {
	v := reflect.ValueOf(a.data)
	n := v.Cap() * int(v.Type().Elem().Size())
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(v.UnsafePointer()), n)
}

// SharesMemory reports whether the elements of a and b lie in overlapping memory (one is
// a view of the other, or both of a third), as NumPy's shares_memory.
func SharesMemory(a, b *Array) bool {
	x, y := a.BufferBytes(), b.BufferBytes()
	if len(x) == 0 || len(y) == 0 {
		return false
	}
	x0, y0 := uintptr(unsafe.Pointer(&x[0])), uintptr(unsafe.Pointer(&y[0]))
	return x0 < y0+uintptr(len(y)) && y0 < x0+uintptr(len(x))
}
