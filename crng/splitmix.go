package crng

// Gamma is SplitMix64's Weyl increment, the odd integer closest to 2^64 / golden ratio.
const Gamma = 0x9E3779B97F4A7C15

// Mix64 is SplitMix64's output function (David Stafford's "Mix13" variant of MurmurHash3's
// finalizer): a bijection of 64-bit words that spreads every input bit over the output.
func Mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// SplitMix is a SplitMix64 stream, addressable by position.
type SplitMix struct {
	base uint64
}

// NewSplitMix returns the stream for seed and a stream number, so that one seed gives
// several independent streams (a normal deviate uses two). The starting point of the Weyl
// sequence is itself mixed, so that nearby seeds give unrelated streams.
func NewSplitMix(seed, stream uint64) SplitMix {
	return SplitMix{base: Mix64(seed^Mix64(stream+Gamma)) + Gamma}
}

// At is the word at position pos.
func (s SplitMix) At(pos uint64) uint64 { return Mix64(s.base + pos*Gamma) }

// Weyl is the sequence state of position pos: Mix64(Weyl(pos) + k*Gamma*step) is the word
// at pos + k*step, which lets a loop over evenly spaced positions advance with one addition.
func (s SplitMix) Weyl(pos uint64) uint64 { return s.base + pos*Gamma }
