package graph

import (
	"testing"

	"github.com/darray-go/darray/nd"
)

func BenchmarkGenerateSlab(b *testing.B) {
	g := &GenSpec{Kind: GenUniform, Low: 0, High: 1, Seed: 1, Shape: []int{31623, 31623}}
	w := FullWindow([]int{16, 1000})
	w.Start[0], w.Start[1] = 5000, 7000
	b.SetBytes(16 * 1000 * 8)
	for b.Loop() {
		a, _ := generate(g, w, nd.Float64)
		a.Recycle()
	}
}

func BenchmarkGenerateSlabTransposed(b *testing.B) {
	g := &GenSpec{Kind: GenUniform, Low: 0, High: 1, Seed: 1, Shape: []int{31623, 31623}}
	w := FullWindow([]int{1000, 16}).Transposed([]int{1, 0})
	b.SetBytes(16 * 1000 * 8)
	for b.Loop() {
		a, _ := generate(g, w, nd.Float64)
		a.Recycle()
	}
}
