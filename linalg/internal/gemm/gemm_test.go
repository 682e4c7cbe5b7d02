package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// naive is the textbook triple loop, with the sum of |a||b| per element for the
// tolerance: a reordered sum differs from it by a few ulps of that bound.
func naive(m, n, k int, a []float64, lda int, b []float64, ldb int) (c, bound []float64) {
	c, bound = make([]float64, m*n), make([]float64, m*n)
	for i := range m {
		for j := range n {
			var s, abs float64
			for p := range k {
				s += a[i*lda+p] * b[p*ldb+j]
				abs += math.Abs(a[i*lda+p] * b[p*ldb+j])
			}
			c[i*n+j], bound[i*n+j] = s, abs
		}
	}
	return c, bound
}

func randomSlice(r *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = r.Float64()*2 - 1
	}
	return x
}

// Every kernel this machine runs gives the textbook product for shapes on and off its
// tile sizes, across the cache blocks (kc, mc, nc), with padded strides, adding into
// what C held.
func TestDgemmMatchesTripleLoop(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	shapes := [][3]int{
		{1, 1, 1}, {14, 16, 1}, {13, 15, 7}, {15, 17, 3}, {6, 8, 5}, {7, 9, 11},
		{29, 33, 257}, {100, 70, 300}, {3, 2100, 20}, {300, 40, 513}, {257, 2049, 2},
		{64, 64, 64},
	}
	for _, s := range available() {
		for _, sh := range shapes {
			m, n, k := sh[0], sh[1], sh[2]
			for _, pad := range []int{0, 3} {
				t.Run(fmt.Sprintf("%s/%dx%dx%d/pad%d", s.name, m, n, k, pad), func(t *testing.T) {
					lda, ldb, ldc := k+pad, n+pad, n+2*pad
					a := randomSlice(r, m*lda)
					b := randomSlice(r, k*ldb)
					c := randomSlice(r, m*ldc)
					before := append([]float64(nil), c...)
					dgemm(s, m, n, k, a, lda, b, ldb, c, ldc)
					want, bound := naive(m, n, k, a, lda, b, ldb)
					for i := range m {
						for j := range ldc {
							got := c[i*ldc+j]
							if j >= n {
								if got != before[i*ldc+j] {
									t.Fatalf("C[%d][%d] past the columns changed: %v to %v", i, j, before[i*ldc+j], got)
								}
								continue
							}
							w := before[i*ldc+j] + want[i*n+j]
							if math.Abs(got-w) > 1e-14*(bound[i*n+j]+math.Abs(before[i*ldc+j]))+1e-300 {
								t.Fatalf("C[%d][%d] = %v, want %v", i, j, got, w)
							}
						}
					}
				})
			}
		}
	}
}

func TestDgemmShortSlicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("a B too short for 3 x 3 did not panic")
		}
	}()
	Dgemm(3, 3, 3, make([]float64, 9), 3, make([]float64, 8), 3, make([]float64, 9), 3)
}

// go test -bench Dgemm ./linalg/internal/gemm: GFLOP/s of one core on 2000 x 2000.
func BenchmarkDgemm(b *testing.B) {
	const n = 2000
	r := rand.New(rand.NewPCG(1, 2))
	x, y, z := randomSlice(r, n*n), randomSlice(r, n*n), make([]float64, n*n)
	for _, s := range available() {
		if s.name == "go" {
			continue
		}
		b.Run(s.name, func(b *testing.B) {
			for b.Loop() {
				dgemm(s, n, n, n, x, n, y, n, z, n)
			}
			b.ReportMetric(2*n*n*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
