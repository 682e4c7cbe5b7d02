package codec

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

// The byte shuffle has fast paths for 4- and 8-byte elements: they must agree with the
// plain definition (byte i of element j at i*n + j) for every length, including lengths
// with bytes of no whole element at the end.
func TestShuffleBytesMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, typesize := range []int{1, 2, 3, 4, 5, 8, 16} {
		for _, length := range []int{0, 1, 7, 8, 9, 64, 1000, 4099} {
			src := make([]byte, length)
			for i := range src {
				src[i] = byte(rng.Uint32())
			}
			want := make([]byte, length)
			copy(want, src)
			if n := length / typesize; typesize > 1 && typesize <= length {
				for j := range n {
					for i := range typesize {
						want[i*n+j] = src[j*typesize+i]
					}
				}
			}
			got := make([]byte, length)
			Shuffle(got, src, typesize)
			if !bytes.Equal(got, want) {
				t.Fatalf("shuffle typesize=%d length=%d differs from the definition", typesize, length)
			}
			back := make([]byte, length)
			Unshuffle(back, got, typesize)
			if !bytes.Equal(back, src) {
				t.Fatalf("unshuffle typesize=%d length=%d does not invert the shuffle", typesize, length)
			}
		}
	}
}

// Reading a byte range of a Blosc chunk decodes only its blocks and gives the bytes a
// whole decode gives, for ranges inside one block, across blocks and at the ends.
func TestBloscRanges(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	kv := memKV{}
	raw := make([]byte, 1<<20+136) // not a whole number of blocks
	for i := range raw {
		raw[i] = byte(i / 64 % 7)
		if i%3 == 0 {
			raw[i] = byte(rng.Uint32())
		}
	}
	for _, c := range []Blosc{
		{cname: "lz4", clevel: 5, shuffle: 1, typesize: 8, blocksize: 64 << 10},
		{cname: "zstd", clevel: 3, shuffle: 2, typesize: 4, blocksize: 100 << 10},
	} {
		enc, err := c.Encode(raw)
		if err != nil {
			t.Fatal(err)
		}
		kv["c"] = enc
		r := NewBloscRanges()
		r.limit = 200 << 10 // small: blocks get dropped and decoded again
		for range 200 {
			lo := rng.IntN(len(raw))
			n := rng.IntN(min(len(raw)-lo, 300<<10) + 1)
			got := make([]byte, n)
			if err := r.Read(kv, "c", lo, got); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, raw[lo:lo+n]) {
				t.Fatalf("%s: bytes [%d, %d) differ from the whole decode", c.cname, lo, lo+n)
			}
		}
		if r.used > r.limit {
			t.Errorf("%s: %d bytes of decoded blocks kept, limit %d", c.cname, r.used, r.limit)
		}
		if err := r.Read(kv, "c", len(raw)-10, make([]byte, 11)); err == nil {
			t.Errorf("%s: a range past the end was read", c.cname)
		}
	}
}

// memKV holds values in memory and reads ranges of them, as a store does.
type memKV map[string][]byte

func (m memKV) GetRange(key string, off, n int64) ([]byte, error) {
	v, ok := m[key]
	if !ok || off < 0 || n < 0 || off+n > int64(len(v)) {
		return nil, fmt.Errorf("%s: no bytes [%d, %d)", key, off, off+n)
	}
	return v[off : off+n], nil
}
