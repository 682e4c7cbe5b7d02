package linalg

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
)

// LAPACK factors and forms Q column by column (matrix-vector steps) for fewer than 128
// columns, its crossover to blocked code: a tall block of 100 columns never gets matrix
// products. These two do what dgeqrf and dorgqr do, in panels of panelWidth columns
// always, so that most of the work goes through the BLAS's matrix product.

var lapackImpl gonum.Implementation

const panelWidth = 32

// householderQR factors the m x n row-major matrix a (lda its stride) in place into
// Householder reflectors below the diagonal and R on and above it, with their scales in
// tau (min(m, n) long), as dgeqrf.
func householderQR(m, n int, a []float64, lda int, tau []float64) {
	k := min(m, n)
	nb := panelWidth
	work := make([]float64, max(n, 1)*nb)
	t := make([]float64, nb*nb)
	for i := 0; i < k; i += nb {
		ib := min(k-i, nb)
		lapackImpl.Dgeqr2(m-i, ib, a[i*lda+i:], lda, tau[i:i+ib], work)
		if i+ib < n {
			lapackImpl.Dlarft(lapack.Forward, lapack.ColumnWise, m-i, ib, a[i*lda+i:], lda, tau[i:i+ib], t, nb)
			lapackImpl.Dlarfb(blas.Left, blas.Trans, lapack.Forward, lapack.ColumnWise, m-i, n-i-ib, ib,
				a[i*lda+i:], lda, t, nb, a[i*lda+i+ib:], lda, work, nb)
		}
	}
}

// householderQ overwrites the first n columns of a (m x n, holding k reflectors from
// householderQR) with the first n columns of Q, as dorgqr.
func householderQ(m, n, k int, a []float64, lda int, tau []float64) {
	nb := panelWidth
	work := make([]float64, max(n, 1)*nb)
	if nb >= k {
		lapackImpl.Dorg2r(m, n, k, a, lda, tau[:k], work)
		return
	}
	t := make([]float64, nb*nb)
	ki := ((k - 1) / nb) * nb // the last panel's first column
	kk := min(k, ki+nb)
	for i := range kk {
		for j := kk; j < n; j++ {
			a[i*lda+j] = 0
		}
	}
	if kk < n {
		lapackImpl.Dorg2r(m-kk, n-kk, k-kk, a[kk*lda+kk:], lda, tau[kk:k], work)
	}
	for i := ki; i >= 0; i -= nb {
		ib := min(nb, k-i)
		if i+ib < n {
			lapackImpl.Dlarft(lapack.Forward, lapack.ColumnWise, m-i, ib, a[i*lda+i:], lda, tau[i:i+ib], t, nb)
			lapackImpl.Dlarfb(blas.Left, blas.NoTrans, lapack.Forward, lapack.ColumnWise, m-i, n-i-ib, ib,
				a[i*lda+i:], lda, t, nb, a[i*lda+i+ib:], lda, work, nb)
		}
		lapackImpl.Dorg2r(m-i, ib, ib, a[i*lda+i:], lda, tau[i:i+ib], work)
		for j := i; j < i+ib; j++ {
			for l := range i {
				a[l*lda+j] = 0
			}
		}
	}
}
