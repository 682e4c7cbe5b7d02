package crng

import (
	"bufio"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// Known-answer vectors of Random123 (kat_vectors) for philox4x64_10.
func TestKnownAnswers(t *testing.T) {
	cases := []struct{ in, want [6]uint64 }{
		{[6]uint64{0, 0, 0, 0, 0, 0}, [6]uint64{0x16554d9eca36314c, 0xdb20fe9d672d0fdc, 0xd7e772cee186176b, 0x7e68b68aec7ba23b}},
		{[6]uint64{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}, [6]uint64{0x87b092c3013fe90b, 0x438c3c67be8d0224, 0x9cc7d7c69cd777b6, 0xa09caebf594f0ba0}},
		{[6]uint64{0x243f6a8885a308d3, 0x13198a2e03707344, 0xa4093822299f31d0, 0x082efa98ec4e6c89, 0x452821e638d01377, 0xbe5466cf34e90c6c}, [6]uint64{0xa528f45403e61d95, 0x38c72dbd566e9788, 0xa5a1610e72fd18b5, 0x57bd43b5e52b7fe6}},
	}
	for _, c := range cases {
		a, b, d, e := Block(c.in[0], c.in[1], c.in[2], c.in[3], c.in[4], c.in[5])
		if got := [4]uint64{a, b, d, e}; got != [4]uint64(c.want[:4]) {
			t.Errorf("Block(%x) = %x, want %x", c.in, got, c.want[:4])
		}
	}
}

// TestPositionsAreIndependent checks that any range of the stream equals the same
// positions taken from a longer run, whatever the alignment: the chunking invariance.
func TestPositionsAreIndependent(t *testing.T) {
	s := New(42, 0)
	whole := make([]uint64, 1000)
	s.Uint64s(whole, 0)
	for _, r := range [][2]int{{0, 1}, {1, 9}, {3, 700}, {17, 18}, {400, 1000}, {5, 13}} {
		part := make([]uint64, r[1]-r[0])
		s.Uint64s(part, uint64(r[0]))
		for i := range part {
			if part[i] != whole[r[0]+i] {
				t.Fatalf("positions [%d, %d): word %d differs", r[0], r[1], i)
			}
		}
	}
	s43, s421 := New(43, 0), New(42, 1)
	if whole[0] == whole[1] || whole[0] == s43.word(0) || whole[0] == s421.word(0) {
		t.Errorf("streams or positions collide")
	}
}

// TestMatchesNumPy compares with numpy.random.Generator(numpy.random.Philox(key=seed)).random().
func TestMatchesNumPy(t *testing.T) {
	const py = "/usr/bin/python3"
	if exec.Command(py, "-c", "import numpy").Run() != nil {
		t.Skip("NumPy not installed (apt-get install python3-numpy)")
	}
	script := `import numpy as np
for seed in (0, 1, 123456789):
    g = np.random.Generator(np.random.Philox(key=seed))
    print(seed, " ".join(x.hex() for x in g.random(23)))`
	out, err := exec.Command(py, "-c", script).Output()
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	lines := 0
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		seed, _ := strconv.ParseUint(f[0], 10, 64)
		got := make([]float64, len(f)-1)
		s := New(seed, 0)
		s.Float64s(got, 0)
		for i, h := range f[1:] {
			want, _ := strconv.ParseFloat(h, 64)
			if got[i] != want {
				t.Fatalf("seed %d element %d: %v, NumPy gives %v", seed, i, got[i], want)
			}
		}
		lines++
	}
	if lines != 3 {
		t.Fatalf("NumPy printed %d lines", lines)
	}
}

func BenchmarkFloat64s(b *testing.B) {
	s := New(1, 0)
	dst := make([]float64, 4096)
	b.SetBytes(8 * 4096)
	for b.Loop() {
		s.Float64s(dst, 12345)
	}
}

func TestSplitMixPositions(t *testing.T) {
	s := NewSplitMix(7, 0)
	// The reference SplitMix64 sequence from the same starting state, advanced by hand.
	state := s.base - Gamma
	for i := range uint64(100) {
		state += Gamma
		if got, want := s.At(i), Mix64(state); got != want {
			t.Fatalf("position %d: %x, want %x", i, got, want)
		}
	}
	// Evenly spaced positions by one addition each.
	z, step := s.Weyl(5), uint64(3)
	for k := range uint64(50) {
		if got, want := Mix64(z), s.At(5+k*step); got != want {
			t.Fatalf("k=%d: %x, want %x", k, got, want)
		}
		z += step * Gamma
	}
	if NewSplitMix(7, 0).At(0) == NewSplitMix(8, 0).At(0) || NewSplitMix(7, 0).At(0) == NewSplitMix(7, 1).At(0) {
		t.Error("seeds or streams collide")
	}
	// The known first output of SplitMix64 seeded with 0 (state 0 + gamma): e220a8397b1dcdaf.
	if got := Mix64(Gamma); got != 0xe220a8397b1dcdaf {
		t.Errorf("Mix64(gamma) = %x, want e220a8397b1dcdaf", got)
	}
}

// TestSplitMixUniformity is a coarse sanity check (the generator's real credentials are
// the published BigCrush results): bucket counts of a million doubles within 5 sigma.
func TestSplitMixUniformity(t *testing.T) {
	s := NewSplitMix(1, 0)
	const n, buckets = 1 << 20, 64
	var count [buckets]int
	for i := range uint64(n) {
		count[int(Float64(s.At(i))*buckets)]++
	}
	mean := float64(n) / buckets
	for b, c := range count {
		if d := float64(c) - mean; d*d > 25*mean {
			t.Errorf("bucket %d has %d, expected about %.0f", b, c, mean)
		}
	}
}
