package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// naive is the textbook triple loop for op(A)·op(B) in float64, with the sum of |a||b|
// per element for the tolerance: a reordered sum differs from it by a few ulps of that
// bound.
func naive[T float](transA, transB bool, m, n, k int, a []T, lda int, b []T, ldb int) (c, bound []float64) {
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
				x, y := float64(a[ia]), float64(b[ib])
				s += x * y
				abs += math.Abs(x * y)
			}
			c[i*n+j], bound[i*n+j] = s, abs
		}
	}
	return c, bound
}

func randomSlice[T float](r *rand.Rand, n int) []T {
	x := make([]T, n)
	for i := range x {
		x[i] = T(r.Float64()*2 - 1)
	}
	return x
}

// Every kernel this machine runs gives the textbook product for shapes on and off its
// tile sizes, across the cache blocks (kc, mc, nc), with padded strides, transposed
// operands, and alpha and beta as BLAS has them.
func TestGemmMatchesTripleLoop(t *testing.T) {
	k64, k32 := available()
	for _, s := range k64 {
		checkKernel(t, s, 1e-14)
	}
	for _, s := range k32 {
		checkKernel(t, s, 1e-5)
	}
}

func checkKernel[T float](t *testing.T, s *kernelSpec[T], eps float64) {
	r := rand.New(rand.NewPCG(1, 2))
	shapes := [][3]int{
		{1, 1, 1}, {14, 16, 1}, {14, 32, 2}, {13, 15, 7}, {15, 33, 3}, {6, 8, 5}, {7, 17, 11},
		{29, 33, 513}, {100, 70, 300}, {3, 2100, 20}, {300, 40, 1025}, {257, 2049, 2},
		{64, 64, 64}, {5, 5, 0},
	}
	type variant struct {
		transA, transB bool
		pad            int
		alpha, beta    T
	}
	variants := []variant{
		{false, false, 0, 1, 1}, {false, false, 3, 1, 0}, {true, false, 1, 2, 1},
		{false, true, 2, -0.5, 0.25}, {true, true, 0, 1, -1},
	}
	for _, sh := range shapes {
		for _, v := range variants {
			m, n, k := sh[0], sh[1], sh[2]
			name := fmt.Sprintf("%T/%s/%dx%dx%d/%+v", T(0), s.name, m, n, k, v)
			t.Run(name, func(t *testing.T) {
				lda, ldb, ldc := k+v.pad, n+v.pad, n+2*v.pad
				aRows, bRows := m, k
				if v.transA {
					lda, aRows = m+v.pad, k
				}
				if v.transB {
					ldb, bRows = k+v.pad, n
				}
				a := randomSlice[T](r, aRows*lda)
				b := randomSlice[T](r, bRows*ldb)
				c := randomSlice[T](r, m*ldc)
				before := append([]T(nil), c...)
				gemm(s, v.transA, v.transB, m, n, k, v.alpha, a, lda, b, ldb, v.beta, c, ldc)
				want, bound := naive(v.transA, v.transB, m, n, k, a, lda, b, ldb)
				alpha, beta := float64(v.alpha), float64(v.beta)
				for i := range m {
					for j := range ldc {
						got := float64(c[i*ldc+j])
						old := float64(before[i*ldc+j])
						if j >= n {
							if got != old {
								t.Fatalf("C[%d][%d] past the columns changed: %v to %v", i, j, old, got)
							}
							continue
						}
						w := beta*old + alpha*want[i*n+j]
						tol := eps*(math.Abs(alpha)*bound[i*n+j]+math.Abs(beta*old)) + 1e-300
						if math.Abs(got-w) > tol {
							t.Fatalf("C[%d][%d] = %v, want %v", i, j, got, w)
						}
					}
				}
			})
		}
	}
}

// beta = 0 overwrites C, NaNs included, as the BLAS does.
func TestGemmBetaZeroClearsNaN(t *testing.T) {
	c := []float64{math.NaN(), math.NaN(), math.NaN(), math.NaN()}
	Dgemm(false, false, 2, 2, 1, 1, []float64{1, 2}, 1, []float64{3, 4}, 2, 0, c, 2)
	if want := []float64{3, 4, 6, 8}; fmt.Sprint(c) != fmt.Sprint(want) {
		t.Fatalf("C = %v, want %v", c, want)
	}
	c32 := []float32{float32(math.NaN()), 0, 0, 0}
	Sgemm(false, false, 2, 2, 1, 1, []float32{1, 2}, 1, []float32{3, 4}, 2, 0, c32, 2)
	if want := []float32{3, 4, 6, 8}; fmt.Sprint(c32) != fmt.Sprint(want) {
		t.Fatalf("C = %v, want %v", c32, want)
	}
}

// A slice too short for its shape panics, as an index out of range would, before C is
// touched.
func TestGemmShortSlicePanics(t *testing.T) {
	c := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}
	defer func() {
		if recover() == nil {
			t.Fatal("a B too short for 3 x 3 did not panic")
		}
		if c[0] != 1 || c[8] != 9 {
			t.Errorf("C changed before the panic: %v", c)
		}
	}()
	Dgemm(false, false, 3, 3, 3, 1, make([]float64, 9), 3, make([]float64, 8), 3, 0, c, 3)
}

// go test -bench Gemm ./linalg/internal/gemm: GFLOP/s of one core on 2000 x 2000.
func BenchmarkGemm(b *testing.B) {
	k64, k32 := vectorKernels()
	for _, s := range k64 {
		benchGemm(b, s)
	}
	for _, s := range k32 {
		benchGemm(b, s)
	}
}

// vectorKernels are the kernels in assembly this machine runs (available lists the
// portable Go one first).
func vectorKernels() ([]*kernelSpec[float64], []*kernelSpec[float32]) {
	k64, k32 := available()
	return k64[1:], k32[1:]
}

func benchGemm[T float](b *testing.B, s *kernelSpec[T]) {
	const n = 2000
	r := rand.New(rand.NewPCG(1, 2))
	x, y, z := randomSlice[T](r, n*n), randomSlice[T](r, n*n), make([]T, n*n)
	b.Run(fmt.Sprintf("%T/%s", T(0), s.name), func(b *testing.B) {
		for b.Loop() {
			gemm(s, false, false, n, n, n, 1, x, n, y, n, 1, z, n)
		}
		b.ReportMetric(2*n*n*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
}

// go test -bench KernelInCache ./linalg/internal/gemm: the kernels alone on panels that
// stay in L1, the most this core does (two cores double it).
func BenchmarkKernelInCache(b *testing.B) {
	k64, k32 := vectorKernels()
	for _, s := range k64 {
		benchKernel(b, s)
	}
	for _, s := range k32 {
		benchKernel(b, s)
	}
}

func benchKernel[T float](b *testing.B, s *kernelSpec[T]) {
	const k = 128
	r := rand.New(rand.NewPCG(1, 2))
	a, bp, c := randomSlice[T](r, s.mr*k), randomSlice[T](r, s.nr*k), make([]T, s.mr*s.nr)
	b.Run(fmt.Sprintf("%T/%s", T(0), s.name), func(b *testing.B) {
		for b.Loop() {
			s.run(k, &a[0], &bp[0], &c[0], s.nr)
		}
		b.ReportMetric(2*float64(s.mr*s.nr*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
}
