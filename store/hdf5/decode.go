package hdf5

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// reader decodes little-endian fields from a byte slice, stopping (with bad set) at its end.
type reader struct {
	b        []byte
	i        int
	off, len int
	bad      bool
}

func (r *reader) take(n int) []byte {
	if n < 0 || r.i+n > len(r.b) {
		// Past the end: mark the reader bad and hand back zeros, few enough that a corrupt
		// length cannot make us allocate gigabytes; callers check bad before using them.
		r.bad = true
		r.i = len(r.b)
		return make([]byte, min(max(n, 0), 16))
	}
	s := r.b[r.i : r.i+n]
	r.i += n
	return s
}

func (r *reader) u8() uint8 { return r.take(1)[0] }

func (r *reader) u16() uint16 { return binary.LittleEndian.Uint16(r.take(2)) }

func (r *reader) u32() uint32 { return binary.LittleEndian.Uint32(r.take(4)) }

func (r *reader) u64() uint64 { return binary.LittleEndian.Uint64(r.take(8)) }

func (r *reader) uint(n int) uint64 {
	b := r.take(n) // shorter than n when the reader ran past the end
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

func (r *reader) addr() uint64 {
	v := r.uint(r.off)
	if r.off == 4 && v == math.MaxUint32 {
		return math.MaxUint64
	}
	return v
}

func (r *reader) length() uint64 { return r.uint(r.len) }

func (r *reader) align(n int) { r.i = (r.i + n - 1) / n * n }

// undefAddr is HDF5's "no address", in 8-byte files and (after reader.addr) 4-byte ones.
const undefAddr = math.MaxUint64

// log2 is floor(log2(n)) for n > 0, and 0 for 0.
func log2(n uint64) int {
	if n == 0 {
		return 0
	}
	return bits.Len64(n) - 1
}

// encSize is how many bytes HDF5 gives a count that can reach n.
func encSize(n uint64) int { return log2(n)/8 + 1 }
