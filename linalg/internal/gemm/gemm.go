// Package gemm is darray's own double-precision matrix product, C += A·B on row-major
// matrices, organized as in BLIS and GotoBLAS: B is packed a block of kc rows and nc
// columns at a time into panels of nr columns, A a block of mc rows and kc columns into
// panels of mr rows, and a register-blocked kernel multiplies one A panel by one B panel,
// keeping an mr x nr tile of C in vector registers for all kc steps. The blocks are sized
// so that a B panel stays in the L1 cache and an A block in L2 while they are reused.
//
// The kernels are written in assembly for AVX-512 (14 x 16 tiles) and AVX2 with FMA
// (6 x 8); elsewhere a portable Go kernel runs, and Fast reports false so that callers
// can prefer another BLAS. Rounding differs from other BLAS libraries only in the order
// of the sums, as between any two of them.
package gemm

import "sync"

// The cache blocking, for this machine's Zen 5 (48 KiB L1, 1 MiB L2) and measured best
// among nearby choices: kc steps per packed panel (an AVX-512 B panel of 16 x kc values
// is 48 KiB), about mcTarget rows of A per packed block (about 500 KiB, half of L2), nc
// columns of B per packed block (6 MiB, a share of L3).
const (
	kc       = 384
	mcTarget = 168
	nc       = 2048
)

// kernelFunc adds the product of a packed mr-row panel of A and a packed nr-column panel
// of B, both k steps long, into the mr x nr tile of C at c with ldc values per row.
type kernelFunc func(k int, a, b, c *float64, ldc int)

type kernelSpec struct {
	name   string
	mr, nr int
	run    kernelFunc
	pool   *sync.Pool
}

func newKernelSpec(name string, mr, nr int, run kernelFunc) *kernelSpec {
	s := &kernelSpec{name: name, mr: mr, nr: nr, run: run}
	s.pool = &sync.Pool{New: func() any { return newWorkspace(s) }}
	return s
}

// mc is the rows of A per packed block: a multiple of mr near mcTarget.
func (s *kernelSpec) mc() int { return max(1, mcTarget/s.mr) * s.mr }

// workspace holds the packed blocks and the tile used at the ragged edges of C.
type workspace struct {
	a, b, tile []float64
}

func newWorkspace(s *kernelSpec) *workspace {
	return &workspace{
		a:    make([]float64, s.mc()*kc),
		b:    make([]float64, kc*((nc+s.nr-1)/s.nr*s.nr)),
		tile: make([]float64, s.mr*s.nr),
	}
}

// kernel is the fastest kernel this machine runs; set by the platform's init.
var kernel = newKernelSpec("go", 4, 4, kernelGo)

// Fast reports whether Dgemm runs on a vector kernel in assembly (and so matches an
// optimized BLAS); if not, it runs portable Go.
func Fast() bool { return kernel.name != "go" }

// Kernel names the kernel in use: "avx512", "avx2" or "go".
func Kernel() string { return kernel.name }

// Dgemm adds A·B into C: A is m x k with lda values per row, B is k x n with ldb values
// per row, C is m x n with ldc values per row, all row-major. It panics if a slice is too
// short for its shape, as an index out of range would.
func Dgemm(m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	dgemm(kernel, m, n, k, a, lda, b, ldb, c, ldc)
}

func dgemm(s *kernelSpec, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	if m <= 0 || n <= 0 || k <= 0 {
		return
	}
	checkLen("A", a, m, k, lda)
	checkLen("B", b, k, n, ldb)
	checkLen("C", c, m, n, ldc)
	w := s.pool.Get().(*workspace)
	defer s.pool.Put(w)
	mcMax := s.mc()
	for jc := 0; jc < n; jc += nc {
		ncb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kcb := min(kc, k-pc)
			packB(w.b, b[pc*ldb+jc:], ldb, kcb, ncb, s.nr)
			for ic := 0; ic < m; ic += mcMax {
				mcb := min(mcMax, m-ic)
				packA(w.a, a[ic*lda+pc:], lda, mcb, kcb, s.mr)
				macroKernel(s, w, mcb, ncb, kcb, c[ic*ldc+jc:], ldc)
			}
		}
	}
}

func checkLen(name string, x []float64, rows, cols, ld int) {
	if ld < cols || len(x) < (rows-1)*ld+cols {
		panic("gemm: " + name + " is too short for its shape")
	}
}

// macroKernel multiplies the packed mcb x kcb block of A by the packed kcb x ncb block of
// B into C, one tile at a time; B panels in the outer loop, so each stays in L1 while all
// A panels pass it.
func macroKernel(s *kernelSpec, w *workspace, mcb, ncb, kcb int, c []float64, ldc int) {
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

// packA copies rows x cols of A into panels of mr rows: panel p holds, for each column,
// its mr values one after another; rows past the end are zero.
func packA(dst, a []float64, lda, rows, cols, mr int) {
	for i0 := 0; i0 < rows; i0 += mr {
		panel := dst[i0*cols : (i0+mr)*cols]
		n := min(mr, rows-i0)
		for r := range n {
			src := a[(i0+r)*lda:][:cols]
			for p, v := range src {
				panel[p*mr+r] = v
			}
		}
		for r := n; r < mr; r++ {
			for p := range cols {
				panel[p*mr+r] = 0
			}
		}
	}
}

// packB copies rows x cols of B into panels of nr columns: panel p holds, for each row,
// its nr values one after another; columns past the end are zero.
func packB(dst, b []float64, ldb, rows, cols, nr int) {
	for j0 := 0; j0 < cols; j0 += nr {
		panel := dst[j0*rows : (j0+nr)*rows]
		n := min(nr, cols-j0)
		for p := range rows {
			out := panel[p*nr : (p+1)*nr]
			copy(out, b[p*ldb+j0:][:n])
			clear(out[n:])
		}
	}
}
