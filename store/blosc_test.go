package store

import (
	"bytes"
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
			shuffleBytes(got, src, typesize)
			if !bytes.Equal(got, want) {
				t.Fatalf("shuffle typesize=%d length=%d differs from the definition", typesize, length)
			}
			back := make([]byte, length)
			unshuffleBytes(back, got, typesize)
			if !bytes.Equal(back, src) {
				t.Fatalf("unshuffle typesize=%d length=%d does not invert the shuffle", typesize, length)
			}
		}
	}
}
