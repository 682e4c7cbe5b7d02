package nd

import (
	"bytes"
	"testing"
)

// An array read back from its binary form has the same dtype, shape and elements, whatever
// its layout was (a transposed, strided view is written in C order).
func TestWriteReadArray(t *testing.T) {
	for _, dt := range []DType{Bool, Int8, Int64, Uint16, Float32, Float64, Complex64, Complex128} {
		src, _ := Arange(dt, 0, 24, 1)
		if dt == Bool {
			src, _ = src.AsType(Bool)
		}
		src, _ = src.Reshape(2, 3, 4)
		view, _ := src.Transpose(2, 0, 1)
		view, _ = view.Index(Slice(0, 4, 2), Whole(), Whole())
		for _, a := range []*Array{src, view} {
			var buf bytes.Buffer
			if err := WriteArray(&buf, a); err != nil {
				t.Fatal(err)
			}
			if int64(buf.Len()) != EncodedSize(a) {
				t.Errorf("%v: wrote %d bytes, EncodedSize says %d", dt, buf.Len(), EncodedSize(a))
			}
			got, err := ReadArray(&buf, int64(buf.Len()))
			if err != nil {
				t.Fatal(err)
			}
			if got.DType() != dt || !EqualShapes(got.Shape(), a.Shape()) || !bytes.Equal(got.Bytes(false), a.Bytes(false)) {
				t.Errorf("%v %v: read back %v %v", dt, a.Shape(), got.DType(), got.Shape())
			}
		}
	}
}

// MarshalBinary and UnmarshalBinary round-trip, and trailing bytes are refused.
func TestArrayMarshalBinary(t *testing.T) {
	a, _ := Arange(Float64, 0, 6, 0.5)
	raw, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var b Array
	if err := b.UnmarshalBinary(raw); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(false), a.Bytes(false)) {
		t.Error("unmarshalled array differs")
	}
	if err := b.UnmarshalBinary(append(raw, 0)); err == nil {
		t.Error("a trailing byte was accepted")
	}
	if err := b.UnmarshalBinary(raw[:len(raw)-1]); err == nil {
		t.Error("a truncated array was accepted")
	}
}

// A partial state survives the trip, including the flat-position flag of an arg
// reduction over all axes, so that merging read-back partials finalizes as the originals.
func TestWriteReadPartial(t *testing.T) {
	a, _ := Arange(Float64, 0, 12, 1)
	a, _ = a.Reshape(3, 4)
	for _, op := range []ReduceOp{Sum, Var, ArgMax, Min} {
		for _, axes := range [][]int{nil, {1}} {
			left, _ := a.Index(Slice(0, 2, 1), Whole())
			right, _ := a.Index(Slice(2, 3, 1), Whole())
			p1, err := ReducePartial(op, left, axes, []int{0, 0}, []int{3, 4})
			if err != nil {
				t.Fatal(err)
			}
			if len(axes) == 1 {
				// a split along a kept axis does not merge; use one partial only
				right = nil
			}
			parts := []*Partial{p1}
			if right != nil {
				p2, _ := ReducePartial(op, right, axes, []int{2, 0}, []int{3, 4})
				parts = append(parts, p2)
			}
			var back []*Partial
			for _, p := range parts {
				var buf bytes.Buffer
				if err := WritePartial(&buf, p); err != nil {
					t.Fatal(err)
				}
				q, err := ReadPartial(&buf, int64(buf.Len()))
				if err != nil {
					t.Fatal(err)
				}
				back = append(back, q)
			}
			want := finalizeAll(t, parts, axes)
			got := finalizeAll(t, back, axes)
			if !bytes.Equal(got.Bytes(false), want.Bytes(false)) || !EqualShapes(got.Shape(), want.Shape()) {
				t.Errorf("%v over %v: %v after the trip, %v before", op, axes, got, want)
			}
		}
	}
}

func finalizeAll(t *testing.T, parts []*Partial, axes []int) *Array {
	t.Helper()
	m, err := MergePartials(parts)
	if err != nil {
		t.Fatal(err)
	}
	out, err := m.Finalize(ReduceArgs{Axes: axes})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// FuzzReadArray: any bytes give an array or an error, never a panic or a huge allocation.
func FuzzReadArray(f *testing.F) {
	a, _ := Arange(Int32, 0, 6, 1)
	a, _ = a.Reshape(2, 3)
	raw, _ := a.MarshalBinary()
	f.Add(raw)
	p, _ := ReducePartial(Mean, a, nil, nil, nil)
	var buf bytes.Buffer
	_ = WritePartial(&buf, p)
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 8 && data[0] == 'n' {
			// keep claimed sizes small: a header may ask for terabytes
			if b, err := ReadArray(bytes.NewReader(data), int64(len(data))); err == nil && b.NBytes() > len(data) {
				t.Fatalf("read %d bytes of elements from %d bytes", b.NBytes(), len(data))
			}
			return
		}
		_, _ = ReadPartial(bytes.NewReader(data), int64(len(data)))
	})
}

// ReadArrayInto reads into the buffer it is given (and the array shares it); a buffer of
// the wrong size is not used. SharesMemory tells views from copies.
func TestReadArrayIntoAndSharesMemory(t *testing.T) {
	a, _ := Arange(Float64, 0, 12, 1)
	var enc bytes.Buffer
	WriteArray(&enc, a)
	raw := enc.Bytes()
	pool := make([]byte, 96)
	got, err := ReadArrayInto(bytes.NewReader(raw), int64(len(raw)), func(n int) []byte { return pool[:n] })
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(false), a.Bytes(false)) || &got.BufferBytes()[0] != &pool[0] {
		t.Error("the array is not the given buffer's contents")
	}
	other, err := ReadArrayInto(bytes.NewReader(raw), int64(len(raw)), func(n int) []byte { return make([]byte, n+1) })
	if err != nil || !bytes.Equal(other.Bytes(false), a.Bytes(false)) {
		t.Errorf("with a wrong-sized buffer: %v", err)
	}
	view, _ := got.Index(Slice(3, 9, 2))
	copied := view.Copy()
	if !SharesMemory(view, got) || SharesMemory(copied, got) || SharesMemory(other, got) {
		t.Error("SharesMemory: want true for a view, false for copies")
	}
}
