package linalg

import (
	"cmp"
	"fmt"
	"math"
	"math/cmplx"
	"slices"

	"github.com/darray-go/darray/nd"
)

// gonum's LAPACK is real, so complex QR, Cholesky and SVD are written here, unblocked, with
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

// complexSVD is the reduced SVD of a complex matrix: QR first (for a wide matrix, of its
// conjugate transpose), then one-sided Jacobi rotations on R, which converge to R's
// singular values to full relative accuracy. s is real and descending, u and vᴴ complex.
func complexSVD(a *nd.Array) (u, s, vt *nd.Array, err error) {
	if a.NDim() != 2 {
		return nil, nil, nil, fmt.Errorf("svd: want a matrix, got shape %s", nd.ShapeString(a.Shape()))
	}
	m, n := a.Shape()[0], a.Shape()[1]
	if m < n { // a = (aᴴ)ᴴ = (U S Vᴴ)ᴴ = V S Uᴴ
		ah, err := conjugateTranspose(a)
		if err != nil {
			return nil, nil, nil, err
		}
		uu, ss, vv, err := complexSVD(ah)
		if err != nil {
			return nil, nil, nil, err
		}
		if u, err = conjugateTranspose(vv); err != nil {
			return nil, nil, nil, err
		}
		vt, err = conjugateTranspose(uu)
		return u, ss, vt, err
	}
	q, r, err := complexQR(a)
	if err != nil {
		return nil, nil, nil, err
	}
	rd, _, _, err := complexMatrix("svd", r)
	if err != nil {
		return nil, nil, nil, err
	}
	ur, sv, v := jacobiSVD(rd, n)
	urA, err := complexResult(ur, a, n, n)
	if err != nil {
		return nil, nil, nil, err
	}
	if u, err = Einsum("ik,kj->ij", q, urA); err != nil {
		return nil, nil, nil, err
	}
	vh := make([]complex128, n*n) // vᴴ
	for i := range n {
		for j := range n {
			vh[i*n+j] = cmplx.Conj(v[j*n+i])
		}
	}
	if vt, err = complexResult(vh, a, n, n); err != nil {
		return nil, nil, nil, err
	}
	if s, err = nd.FromSlice(sv, n); err == nil && a.DType() == nd.Complex64 {
		s, err = s.AsType(nd.Float32)
	}
	return u, s, vt, err
}

func conjugateTranspose(a *nd.Array) (*nd.Array, error) {
	t, err := a.Transpose(1, 0)
	if err != nil {
		return nil, err
	}
	return nd.Unary(nd.Conjugate, t)
}

// jacobiSVD factors the n x n row-major g as u diag(s) vᴴ by one-sided (Hestenes) Jacobi:
// pairs of columns are rotated until all are orthogonal; their norms are then the
// singular values. It returns u and v row-major, s descending. Columns of u for zero
// singular values complete an orthonormal basis.
func jacobiSVD(g []complex128, n int) (u []complex128, s []float64, v []complex128) {
	v = make([]complex128, n*n)
	for i := range n {
		v[i*n+i] = 1
	}
	const eps = 1e-15
	for sweep := 0; sweep < 80; sweep++ {
		rotated := false
		for p := 0; p < n-1; p++ {
			for q := p + 1; q < n; q++ {
				var alpha, beta float64
				var gamma complex128 // g_pᴴ g_q
				for i := range n {
					x, y := g[i*n+p], g[i*n+q]
					alpha += real(x)*real(x) + imag(x)*imag(x)
					beta += real(y)*real(y) + imag(y)*imag(y)
					gamma += cmplx.Conj(x) * y
				}
				abs := cmplx.Abs(gamma)
				if abs == 0 || abs <= eps*math.Sqrt(alpha*beta) {
					continue
				}
				rotated = true
				zeta := (beta - alpha) / (2 * abs)
				t := math.Copysign(1, zeta) / (math.Abs(zeta) + math.Sqrt(1+zeta*zeta))
				c := 1 / math.Sqrt(1+t*t)
				sn := c * t
				phase := cmplx.Conj(gamma) / complex(abs, 0) // turns g_q so that g_pᴴ g_q is real
				rotate(g, n, p, q, c, sn, phase)
				rotate(v, n, p, q, c, sn, phase)
			}
		}
		if !rotated {
			break
		}
	}
	s = make([]float64, n)
	for j := range n {
		var ss float64
		for i := range n {
			x := g[i*n+j]
			ss += real(x)*real(x) + imag(x)*imag(x)
		}
		s[j] = math.Sqrt(ss)
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(s[b], s[a]) })
	u = make([]complex128, n*n)
	vs := make([]complex128, n*n)
	sorted := make([]float64, n)
	for k, j := range order {
		sorted[k] = s[j]
		for i := range n {
			vs[i*n+k] = v[i*n+j]
			if s[j] > 0 {
				u[i*n+k] = g[i*n+j] / complex(s[j], 0)
			}
		}
	}
	completeBasis(u, n, sorted)
	return u, sorted, vs
}

// rotate applies the Jacobi rotation to columns p and q of x (n rows): q is turned by
// phase first, then the pair rotated by (c, s).
func rotate(x []complex128, n, p, q int, c, s float64, phase complex128) {
	cc, ss := complex(c, 0), complex(s, 0)
	for i := range n {
		xp, xq := x[i*n+p], x[i*n+q]*phase
		x[i*n+p] = cc*xp - ss*xq
		x[i*n+q] = ss*xp + cc*xq
	}
}

// completeBasis fills the columns of u whose singular value is zero with unit vectors
// orthogonal to all the others (Gram-Schmidt on the standard basis).
func completeBasis(u []complex128, n int, s []float64) {
	col := func(j int) []complex128 {
		out := make([]complex128, n)
		for i := range n {
			out[i] = u[i*n+j]
		}
		return out
	}
	next := 0
	for j := range n {
		if s[j] > 0 {
			continue
		}
		for ; next < n; next++ {
			w := make([]complex128, n)
			w[next] = 1
			for k := range n {
				if k == j || (s[k] == 0 && k > j) {
					continue
				}
				other := col(k)
				var dot complex128
				for i := range n {
					dot += cmplx.Conj(other[i]) * w[i]
				}
				for i := range n {
					w[i] -= dot * other[i]
				}
			}
			var norm float64
			for _, x := range w {
				norm += real(x)*real(x) + imag(x)*imag(x)
			}
			if norm = math.Sqrt(norm); norm > 0.5 {
				for i := range n {
					u[i*n+j] = w[i] / complex(norm, 0)
				}
				next++
				break
			}
		}
	}
}
