package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// naive is the textbook triple loop for op(A)·op(B), with the sum of |a||b| per element
// for the tolerance: a reordered sum differs from it by a few ulps of that bound.
func naive(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int) (c, bound []float64) {
	c, bound = make([]float64, m*n), make([]float64, m*n)
	for i := range m {
		for j := range n {
			var s, abs float64
			for p := range k {
				ia, ib := i*lda+p, p*ldb+j
				if transA {
					ia = p*lda + i
				}
				if transB {
					ib = j*ldb + p
				}
				x, y := a[ia], b[ib]
				s += x * y
				abs += math.Abs(x * y)
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
// tile sizes, across the cache blocks (kc, mc, nc), with padded strides, transposed
// operands, and alpha and beta as BLAS has them.
func TestDgemmMatchesTripleLoop(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	shapes := [][3]int{
		{1, 1, 1}, {14, 16, 1}, {13, 15, 7}, {15, 17, 3}, {6, 8, 5}, {7, 9, 11},
		{29, 33, 385}, {100, 70, 300}, {3, 2100, 20}, {300, 40, 769}, {257, 2049, 2},
		{64, 64, 64}, {5, 5, 0},
	}
	type variant struct {
		transA, transB bool
		pad            int
		alpha, beta    float64
	}
	variants := []variant{
		{false, false, 0, 1, 1}, {false, false, 3, 1, 0}, {true, false, 1, 2, 1},
		{false, true, 2, -0.5, 0.25}, {true, true, 0, 1, -1},
	}
	for _, s := range available() {
		for _, sh := range shapes {
			for _, v := range variants {
				m, n, k := sh[0], sh[1], sh[2]
				name := fmt.Sprintf("%s/%dx%dx%d/%+v", s.name, m, n, k, v)
				t.Run(name, func(t *testing.T) {
					lda, ldb, ldc := k+v.pad, n+v.pad, n+2*v.pad
					aRows, bRows := m, k
					if v.transA {
						lda, aRows = m+v.pad, k
					}
					if v.transB {
						ldb, bRows = k+v.pad, n
					}
					a := randomSlice(r, aRows*lda)
					b := randomSlice(r, bRows*ldb)
					c := randomSlice(r, m*ldc)
					before := append([]float64(nil), c...)
					dgemm(s, v.transA, v.transB, m, n, k, v.alpha, a, lda, b, ldb, v.beta, c, ldc)
					want, bound := naive(v.transA, v.transB, m, n, k, a, lda, b, ldb)
					for i := range m {
						for j := range ldc {
							got := c[i*ldc+j]
							if j >= n {
								if got != before[i*ldc+j] {
									t.Fatalf("C[%d][%d] past the columns changed: %v to %v", i, j, before[i*ldc+j], got)
								}
								continue
							}
							w := v.beta*before[i*ldc+j] + v.alpha*want[i*n+j]
							tol := 1e-14*(math.Abs(v.alpha)*bound[i*n+j]+math.Abs(v.beta*before[i*ldc+j])) + 1e-300
							if math.Abs(got-w) > tol {
								t.Fatalf("C[%d][%d] = %v, want %v", i, j, got, w)
							}
						}
					}
				})
			}
		}
	}
}

// beta = 0 overwrites C, NaNs included, as the BLAS does.
func TestDgemmBetaZeroClearsNaN(t *testing.T) {
	c := []float64{math.NaN(), math.NaN(), math.NaN(), math.NaN()}
	Dgemm(false, false, 2, 2, 1, 1, []float64{1, 2}, 1, []float64{3, 4}, 2, 0, c, 2)
	if want := []float64{3, 4, 6, 8}; fmt.Sprint(c) != fmt.Sprint(want) {
		t.Fatalf("C = %v, want %v", c, want)
	}
}

func TestDgemmShortSlicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("a B too short for 3 x 3 did not panic")
		}
	}()
	Dgemm(false, false, 3, 3, 3, 1, make([]float64, 9), 3, make([]float64, 8), 3, 0, make([]float64, 9), 3)
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
				dgemm(s, false, false, n, n, n, 1, x, n, y, n, 1, z, n)
			}
			b.ReportMetric(2*n*n*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// go test -bench KernelInCache ./linalg/internal/gemm: the kernels alone on panels that
// stay in L1, the most this core does in double precision (two cores double it).
func BenchmarkKernelInCache(b *testing.B) {
	const k = 128
	r := rand.New(rand.NewPCG(1, 2))
	for _, s := range available() {
		if s.name == "go" {
			continue
		}
		a, bp, c := randomSlice(r, s.mr*k), randomSlice(r, s.nr*k), make([]float64, s.mr*s.nr)
		b.Run(s.name, func(b *testing.B) {
			for b.Loop() {
				s.run(k, &a[0], &bp[0], &c[0], s.nr)
			}
			b.ReportMetric(2*float64(s.mr*s.nr*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
