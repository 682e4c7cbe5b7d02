// Package gemm is darray's own matrix product, the BLAS Dgemm and Sgemm on row-major
// matrices, organized as in BLIS and GotoBLAS: B is packed a block of kc rows and nc
// columns at a time into panels of nr columns, A a block of mc rows and kc columns into
// panels of mr rows, and a register-blocked kernel multiplies one A panel by one B panel,
// keeping an mr x nr tile of C in vector registers for all kc steps. The blocks are sized
// so that a B panel stays in the L1 cache and an A block in L2 while they are reused.
//
// The kernels are written in assembly for AVX-512 (14 x 16 tiles in float64, 14 x 32 in
// float32) and AVX2 with FMA (6 x 8, 6 x 16); elsewhere a portable Go kernel runs, and Fast reports false so that callers
// can prefer another BLAS. Rounding differs from other BLAS libraries only in the order
// of the sums, as between any two of them.
package gemm

import "sync"

// The cache blocking, measured best on this machine's Zen 5 (48 KiB L1, 1 MiB L2) among
// kc from 128 to 1024: kc steps per packed panel (fewer loads and stores of C per
// product), about mcTarget rows of A per packed block (kc x mc values, 448 KiB, within
// L2), nc columns of B per packed block (8 MiB, a share of L3).
const (
	kc       = 512
	mcTarget = 112
	nc       = 2048
)

// float is what the product is defined on.
type float interface{ ~float32 | ~float64 }

// kernelFunc adds the product of a packed mr-row panel of A and a packed nr-column panel
// of B, both k steps long, into the mr x nr tile of C at c with ldc values per row.
type kernelFunc[T float] func(k int, a, b, c *T, ldc int)

type kernelSpec[T float] struct {
	name   string
	mr, nr int
	run    kernelFunc[T]
	pool   *sync.Pool
}

func newKernelSpec[T float](name string, mr, nr int, run kernelFunc[T]) *kernelSpec[T] {
	s := &kernelSpec[T]{name: name, mr: mr, nr: nr, run: run}
	s.pool = &sync.Pool{New: func() any { return newWorkspace(s) }}
	return s
}

// mc is the rows of A per packed block: a multiple of mr near mcTarget.
func (s *kernelSpec[T]) mc() int { return max(1, mcTarget/s.mr) * s.mr }

// workspace holds the packed blocks and the tile used at the ragged edges of C.
type workspace[T float] struct {
	a, b, tile []T
}

func newWorkspace[T float](s *kernelSpec[T]) *workspace[T] {
	return &workspace[T]{
		a:    make([]T, s.mc()*kc),
		b:    make([]T, kc*((nc+s.nr-1)/s.nr*s.nr)),
		tile: make([]T, s.mr*s.nr),
	}
}

// The fastest kernels this machine runs; set by the platform's init.
var (
	kernel64 = newKernelSpec("go", 4, 4, kernelGo[float64])
	kernel32 = newKernelSpec("go", 4, 4, kernelGo[float32])
)

// Fast reports whether Dgemm and Sgemm run on vector kernels in assembly (and so match
// an optimized BLAS); if not, they run portable Go.
func Fast() bool { return kernel64.name != "go" }

// Kernel names the kernels in use: "avx512", "avx2" or "go".
func Kernel() string { return kernel64.name }

// Dgemm computes C = alpha·op(A)·op(B) + beta·C on row-major matrices, as the BLAS
// routine of the same name: op(A) is m x k (A itself, or the transpose of a k x m A when
// transA), op(B) is k x n, C is m x n; lda, ldb and ldc are the values per stored row. It
// panics if a slice is too short for its shape, as an index out of range would.
func Dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	gemm(kernel64, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Sgemm is Dgemm in single precision.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemm(kernel32, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// matrix is a stored operand: element (i, p) of op(A) is at i*rs + p*cs.
type matrix[T float] struct {
	data   []T
	rs, cs int
}

func operand[T float](x []T, ld int, trans bool) matrix[T] {
	if trans {
		return matrix[T]{x, 1, ld}
	}
	return matrix[T]{x, ld, 1}
}

func (x matrix[T]) at(i, p int) []T { return x.data[i*x.rs+p*x.cs:] }

func gemm[T float](s *kernelSpec[T], transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if m <= 0 || n <= 0 {
		return
	}
	checkLen("C", c, m, n, ldc)
	if k > 0 { // every check before C is touched
		if transA {
			checkLen("A", a, k, m, lda)
		} else {
			checkLen("A", a, m, k, lda)
		}
		if transB {
			checkLen("B", b, n, k, ldb)
		} else {
			checkLen("B", b, k, n, ldb)
		}
	}
	scaleC(c, m, n, ldc, beta)
	if k <= 0 || alpha == 0 {
		return
	}
	am, bm := operand(a, lda, transA), operand(b, ldb, transB)
	w := s.pool.Get().(*workspace[T])
	defer s.pool.Put(w)
	mcMax := s.mc()
	for jc := 0; jc < n; jc += nc {
		ncb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kcb := min(kc, k-pc)
			packB(w.b, bm, pc, jc, kcb, ncb, s.nr)
			for ic := 0; ic < m; ic += mcMax {
				mcb := min(mcMax, m-ic)
				packA(w.a, am, ic, pc, mcb, kcb, s.mr, alpha)
				macroKernel(s, w, mcb, ncb, kcb, c[ic*ldc+jc:], ldc)
			}
		}
	}
}

// scaleC multiplies C by beta; beta 0 clears it (NaNs in C do not survive, as in BLAS).
func scaleC[T float](c []T, m, n, ldc int, beta T) {
	if beta == 1 {
		return
	}
	for i := range m {
		row := c[i*ldc:][:n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

func checkLen[T float](name string, x []T, rows, cols, ld int) {
	if ld < max(cols, 1) || len(x) < (rows-1)*ld+cols {
		panic("gemm: " + name + " is too short for its shape")
	}
}

// macroKernel multiplies the packed mcb x kcb block of A by the packed kcb x ncb block of
// B into C, one tile at a time; B panels in the outer loop, so each stays in L1 while all
// A panels pass it.
func macroKernel[T float](s *kernelSpec[T], w *workspace[T], mcb, ncb, kcb int, c []T, ldc int) {
	for jr := 0; jr < ncb; jr += s.nr {
		cols := min(s.nr, ncb-jr)
		bp := &w.b[jr*kcb]
		for ir := 0; ir < mcb; ir += s.mr {
			rows := min(s.mr, mcb-ir)
			ap := &w.a[ir*kcb]
			if rows == s.mr && cols == s.nr {
				s.run(kcb, ap, bp, &c[ir*ldc+jr], ldc)
				continue
			}
			// A ragged edge: the kernel writes a whole tile, so it works on a spare one.
			clear(w.tile)
			s.run(kcb, ap, bp, &w.tile[0], s.nr)
			for r := range rows {
				row := c[(ir+r)*ldc+jr:][:cols]
				for j, v := range w.tile[r*s.nr:][:cols] {
					row[j] += v
				}
			}
		}
	}
}

// packA copies alpha times the rows x cols block of op(A) at (i0, p0) into panels of mr
// rows: a panel holds, for each column, its mr values one after another; rows past the
// end are zero.
func packA[T float](dst []T, a matrix[T], i0, p0, rows, cols, mr int, alpha T) {
	for ip := 0; ip < rows; ip += mr {
		panel := dst[ip*cols : (ip+mr)*cols]
		n := min(mr, rows-ip)
		if a.cs == 1 { // rows of A are contiguous
			for r := range n {
				for p, v := range a.at(i0+ip+r, p0)[:cols] {
					panel[p*mr+r] = alpha * v
				}
			}
		} else { // columns of op(A) are contiguous: A is stored transposed
			for p := range cols {
				out := panel[p*mr : p*mr+n]
				for r, v := range a.at(i0+ip, p0+p)[:n] {
					out[r] = alpha * v
				}
			}
		}
		for p := range cols {
			clear(panel[p*mr+n : (p+1)*mr])
		}
	}
}

// packB copies the rows x cols block of op(B) at (p0, j0) into panels of nr columns: a
// panel holds, for each row, its nr values one after another; columns past the end are
// zero.
func packB[T float](dst []T, b matrix[T], p0, j0, rows, cols, nr int) {
	for jp := 0; jp < cols; jp += nr {
		panel := dst[jp*rows : (jp+nr)*rows]
		n := min(nr, cols-jp)
		for p := range rows {
			out := panel[p*nr : (p+1)*nr]
			if b.cs == 1 {
				copy(out, b.at(p0+p, j0+jp)[:n])
			} else {
				for j := range n {
					out[j] = b.data[(p0+p)*b.rs+(j0+jp+j)*b.cs]
				}
			}
			clear(out[n:])
		}
	}
}
