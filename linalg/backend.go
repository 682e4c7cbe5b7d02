//go:build !openblas

package linalg

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/darray-go/darray/linalg/internal/gemm"
)

// Backend names the BLAS in use: gonum's pure Go, unless built with -tags openblas.
const Backend = "gonum"

func init() {
	if gemm.Fast() {
		blas64.Use(productBLAS{})
		blas32.Use(productBLAS32{})
	}
}

// productBLAS is gonum's pure Go BLAS with darray's own matrix product, where gonum's
// LAPACK spends most of its time in blocked factorizations (QR, SVD, Cholesky, LU).
type productBLAS struct{ gonum.Implementation }

func (productBLAS) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	gemm.Dgemm(tA != blas.NoTrans, tB != blas.NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// productBLAS32 is productBLAS in single precision.
type productBLAS32 struct{ gonum.Implementation }

func (productBLAS32) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemm.Sgemm(tA != blas.NoTrans, tB != blas.NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
