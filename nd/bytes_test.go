package nd

import (
	"bytes"
	"testing"
)

// WrapBytes gives what FromBytes gives, sharing the bytes when they are aligned and
// copying them when not; ByteView gives Bytes' bytes, sharing only when it can.
func TestWrapBytesAndByteView(t *testing.T) {
	for _, dt := range []DType{Bool, Int16, Uint32, Float64, Complex64, Complex128} {
		for _, big := range []bool{false, true} {
			src, _ := Arange(dt, 0, 12, 1)
			if dt == Bool {
				src, _ = src.AsType(Bool)
			}
			src, _ = src.Reshape(3, 4)
			raw := src.Bytes(big)
			want, err := FromBytes(dt, raw, big, 3, 4)
			if err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, len(raw)+1) // one spare byte to make an unaligned copy
			for _, off := range []int{0, 1} {
				in := buf[off : off+len(raw)]
				copy(in, raw)
				got, err := WrapBytes(dt, in, big, 3, 4)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(false), want.Bytes(false)) || !EqualShapes(got.Shape(), want.Shape()) {
					t.Fatalf("%v big=%v offset %d: WrapBytes differs from FromBytes", dt, big, off)
				}
				shared := len(in) > 0 && &got.rawBytes()[0] == &in[0]
				if aligned := off == 0 || componentSize(dt) == 1; shared != aligned {
					t.Errorf("%v offset %d: shares memory %v, want %v", dt, off, shared, aligned)
				}
			}
			if !bytes.Equal(want.ByteView(big), raw) {
				t.Errorf("%v big=%v: ByteView differs from Bytes", dt, big)
			}
		}
	}
	a, _ := Arange(Float64, 0, 12, 1)
	a, _ = a.Reshape(3, 4)
	if v := a.ByteView(false); &v[0] != &a.rawBytes()[0] || cap(v) != len(v) {
		t.Error("ByteView of a contiguous little-endian array should be its memory, capped at its length")
	}
	col, _ := a.Index(Whole(), Slice(1, 2, 1))
	if !bytes.Equal(col.ByteView(false), col.Bytes(false)) {
		t.Error("ByteView of a strided view differs from Bytes")
	}
	if _, err := WrapBytes(Float64, make([]byte, 7), false, 1); err == nil {
		t.Error("WrapBytes accepted 7 bytes for one float64")
	}
}
