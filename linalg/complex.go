package linalg

import (
	"fmt"
	"math"
	"math/cmplx"

	"github.com/darray-go/darray/nd"
)

// gonum's LAPACK is real, so complex QR and Cholesky are written here, unblocked, with
// LAPACK's conventions (zgeqr2, zung2r, zpotf2), so that results agree with NumPy's in
// the same way real ones do: Householder reflectors H = I - tau v v^H with v[0] = 1 and a
// real diagonal of R; L with a real, positive diagonal. They compute in complex128;
// complex64 inputs give complex64 results.

// complexMatrix is a row-major complex128 copy of a complex matrix, with its shape.
func complexMatrix(op string, a *nd.Array) (data []complex128, m, n int, err error) {
	if a.NDim() != 2 {
		return nil, 0, 0, fmt.Errorf("%s: want a matrix, got shape %s", op, nd.ShapeString(a.Shape()))
	}
	c, err := a.AsType(nd.Complex128) // a copy: the factorization works in place
	if err != nil {
		return nil, 0, 0, err
	}
	return nd.Values[complex128](c), a.Shape()[0], a.Shape()[1], nil
}

// complexResult wraps row-major data as an array of a's complex dtype.
func complexResult(data []complex128, like *nd.Array, shape ...int) (*nd.Array, error) {
	out, err := nd.FromSlice(data, shape...)
	if err != nil || like.DType() == nd.Complex128 {
		return out, err
	}
	return out.AsType(nd.Complex64)
}

// complexQR is the reduced QR factorization of a complex matrix.
func complexQR(a *nd.Array) (q, r *nd.Array, err error) {
	d, m, n, err := complexMatrix("qr", a)
	if err != nil {
		return nil, nil, err
	}
	k := min(m, n)
	tau := make([]complex128, k)
	for i := range k {
		tau[i] = reflector(d, m, n, i)
		// Apply H^H (conj(tau), as zgeqr2) to the columns to the right.
		for col := i + 1; col < n; col++ {
			applyReflector(d, m, n, i, col, cmplx.Conj(tau[i]), d, n)
		}
	}
	rd := make([]complex128, k*n)
	for i := range k {
		copy(rd[i*n+i:(i+1)*n], d[i*n+i:(i+1)*n])
	}
	// Q = H(0) H(1) ... H(k-1) times the first k columns of the identity (zung2r).
	qd := make([]complex128, m*k)
	for i := range k {
		qd[i*k+i] = 1
	}
	for i := k - 1; i >= 0; i-- {
		for col := i; col < k; col++ {
			applyReflector(d, m, n, i, col, tau[i], qd, k)
		}
	}
	if q, err = complexResult(qd, a, m, k); err != nil {
		return nil, nil, err
	}
	r, err = complexResult(rd, a, k, n)
	return q, r, err
}

// reflector makes the Householder reflector of column i of d (rows i..m-1) as zlarfg:
// it stores v below the diagonal (v[0] = 1 implied), beta on the diagonal, and returns
// tau (0 when the column is already reduced and its diagonal real).
func reflector(d []complex128, m, n, i int) complex128 {
	alpha := d[i*n+i]
	var ssq float64
	for j := i + 1; j < m; j++ {
		v := d[j*n+i]
		ssq += real(v)*real(v) + imag(v)*imag(v)
	}
	if ssq == 0 && imag(alpha) == 0 {
		return 0
	}
	beta := -math.Copysign(math.Sqrt(real(alpha)*real(alpha)+imag(alpha)*imag(alpha)+ssq), real(alpha))
	tau := complex((beta-real(alpha))/beta, -imag(alpha)/beta)
	scale := 1 / (alpha - complex(beta, 0))
	for j := i + 1; j < m; j++ {
		d[j*n+i] *= scale
	}
	d[i*n+i] = complex(beta, 0)
	return tau
}

// applyReflector multiplies column col of x (rows i..m-1, ldx values per row) by
// I - t v v^H, v being reflector i stored in column i of d below the diagonal.
func applyReflector(d []complex128, m, n, i, col int, t complex128, x []complex128, ldx int) {
	w := x[i*ldx+col]
	for j := i + 1; j < m; j++ {
		w += cmplx.Conj(d[j*n+i]) * x[j*ldx+col]
	}
	w *= t
	x[i*ldx+col] -= w
	for j := i + 1; j < m; j++ {
		x[j*ldx+col] -= d[j*n+i] * w
	}
}

// complexCholesky is the lower-triangular l with l l^H = a for a Hermitian positive-
// definite a, reading only a's lower triangle.
func complexCholesky(a *nd.Array) (*nd.Array, error) {
	d, m, n, err := complexMatrix("cholesky", a)
	if err != nil {
		return nil, err
	}
	if m != n {
		return nil, fmt.Errorf("cholesky: matrix of shape %s is not square", nd.ShapeString(a.Shape()))
	}
	l := make([]complex128, n*n)
	for j := range n {
		diag := real(d[j*n+j])
		for k := range j {
			v := l[j*n+k]
			diag -= real(v)*real(v) + imag(v)*imag(v)
		}
		if !(diag > 0) { // also NaN
			return nil, fmt.Errorf("cholesky: %w: matrix is not positive definite", ErrSingular)
		}
		ljj := math.Sqrt(diag)
		l[j*n+j] = complex(ljj, 0)
		for i := j + 1; i < n; i++ {
			s := d[i*n+j]
			for k := range j {
				s -= l[i*n+k] * cmplx.Conj(l[j*n+k])
			}
			l[i*n+j] = s / complex(ljj, 0)
		}
	}
	return complexResult(l, a, n, n)
}
