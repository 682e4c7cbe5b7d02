package linalg

import (
	"errors"
	"fmt"

	"github.com/darray-go/darray/nd"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// Factorizations work in float64 (LAPACK's double precision): integer and boolean inputs
// give float64 results, as NumPy's; float32 inputs give float32, computed in float64.
// Complex matrices are factored by QR, Cholesky and SVD of this package's own
// (complex.go); the others refuse them with an error: gonum's LAPACK is real only.

// ErrSingular reports a matrix that has no inverse (or, for Cholesky, is not positive
// definite).
var ErrSingular = errors.New("singular matrix")

// matrix is a float64 copy of a two-dimensional array in LAPACK's row-major layout.
func matrix(op string, a *nd.Array) (blas64.General, error) {
	if a.NDim() != 2 {
		return blas64.General{}, fmt.Errorf("%s: want a matrix, got shape %s", op, nd.ShapeString(a.Shape()))
	}
	if a.DType().IsComplex() {
		return blas64.General{}, fmt.Errorf("%s: complex matrices are not supported (dtype %v)", op, a.DType())
	}
	f, err := a.AsType(nd.Float64)
	if err != nil {
		return blas64.General{}, err
	}
	if f == a {
		f = a.Copy() // LAPACK works in place
	}
	data, err := nd.Data[float64](f.Contiguous())
	if err != nil {
		return blas64.General{}, err
	}
	r, c := a.Shape()[0], a.Shape()[1]
	return blas64.General{Rows: r, Cols: c, Stride: max(c, 1), Data: data}, nil
}

// resultType is the dtype of a factorization of an array of dtype dt.
func resultType(dt nd.DType) nd.DType {
	if dt == nd.Float32 {
		return nd.Float32
	}
	return nd.Float64
}

// toArray copies the rows x cols top-left of m into a new array of dtype dt.
func toArray(m blas64.General, rows, cols int, dt nd.DType) (*nd.Array, error) {
	out := make([]float64, rows*cols)
	for i := range rows {
		copy(out[i*cols:(i+1)*cols], m.Data[i*m.Stride:i*m.Stride+cols])
	}
	a, err := nd.FromSlice(out, rows, cols)
	if err != nil || dt == nd.Float64 {
		return a, err
	}
	return a.AsType(dt)
}

// QR is the reduced QR factorization of an m x n matrix: q is m x k and r is k x n, with
// k = min(m, n), as numpy.linalg.qr's default mode.
func QR(a *nd.Array) (q, r *nd.Array, err error) {
	if a.DType().IsComplex() {
		return complexQR(a)
	}
	if a.NDim() == 2 {
		m, n := a.Shape()[0], a.Shape()[1]
		if leaf := leafRows(n); m >= 2*leaf && n > 0 && !a.DType().IsComplex() {
			return tallQR(a, leaf, 0)
		}
	}
	return lapackQR(a)
}

// leafRows is the height of the pieces tallQR factors directly: about a megabyte, so that
// LAPACK's column-by-column Householder steps (for fewer than 128 columns, LAPACK does not
// block them) run in cache rather than once over memory per column.
func leafRows(n int) int { return max(2*n, (1<<16)/max(n, 1)) }

// tallQR factors a tall matrix by TSQR within the block: pieces of leaf rows are factored
// on their own, their R factors stacked and factored (recursively), and each piece's Q
// multiplied by its part of the second Q. The Q it returns has extra rows of zeros at the
// end (room for QRStacked to put R in without copying Q).
func tallQR(a *nd.Array, leaf, extra int) (q, r *nd.Array, err error) {
	if a.DType() == nd.Float64 {
		return tallQR64(a, leaf, extra)
	}
	m, n := a.Shape()[0], a.Shape()[1]
	pieces := m / leaf // the last piece takes the remainder: every piece has >= n rows
	qs := make([]*nd.Array, pieces)
	rs := make([]*nd.Array, pieces)
	for i := range pieces {
		hi := (i + 1) * leaf
		if i == pieces-1 {
			hi = m
		}
		piece, err := a.Index(nd.Slice(i*leaf, hi, 1), nd.Whole())
		if err != nil {
			return nil, nil, err
		}
		if qs[i], rs[i], err = lapackQR(piece); err != nil {
			return nil, nil, err
		}
	}
	stacked, err := nd.Concatenate(rs, 0)
	if err != nil {
		return nil, nil, err
	}
	q2, r, err := QR(stacked)
	if err != nil {
		return nil, nil, err
	}
	dt := qs[0].DType()
	out, err := nd.New(dt, m+extra, n)
	if err != nil {
		return nil, nil, err
	}
	row := 0
	for i := range qs {
		part, err := q2.Index(nd.Slice(i*n, (i+1)*n, 1), nd.Whole())
		if err != nil {
			return nil, nil, err
		}
		rows := qs[i].Shape()[0]
		dst, _ := out.Index(nd.Slice(row, row+rows, 1), nd.Whole())
		if dt == nd.Float64 { // straight into place
			qd, _ := nd.Data[float64](qs[i])
			pd, _ := nd.Data[float64](part.Contiguous())
			od, _ := nd.Data[float64](dst)
			gemm64(rows, n, n, qd, pd, od)
		} else {
			prod, err := Einsum("ik,kj->ij", qs[i], part)
			if err != nil {
				return nil, nil, err
			}
			if err := dst.Assign(prod); err != nil {
				return nil, nil, err
			}
		}
		row += rows
	}
	return out, r, nil
}

// tallQR64 is tallQR for float64 without a matrix allocated per piece: each piece is
// copied into its rows of the result and factored there in place (its Q formed over its
// reflectors), and at the end each piece's Q, copied to a scratch that
// stays in cache, multiplied by its part of the second Q straight back into its rows.
func tallQR64(a *nd.Array, leaf, extra int) (q, r *nd.Array, err error) {
	m, n := a.Shape()[0], a.Shape()[1]
	out, err := nd.New(nd.Float64, m+extra, n)
	if err != nil {
		return nil, nil, err
	}
	od, _ := nd.Data[float64](out)
	pieces := m / leaf // the last piece takes the remainder: every piece has >= n rows
	bounds := func(i int) (lo, hi int) {
		if i == pieces-1 {
			return i * leaf, m
		}
		return i * leaf, (i + 1) * leaf
	}
	stacked := make([]float64, pieces*n*n)
	tau := make([]float64, n)
	work := make([]float64, 1)
	lo, hi := bounds(pieces - 1) // the tallest piece sizes the workspace
	big := blas64.General{Rows: hi - lo, Cols: n, Stride: n, Data: od[lo*n : hi*n]}
	lapack64.Geqrf(big, tau, work, -1)
	need := work[0]
	lapack64.Orgqr(big, tau, work, -1)
	work = make([]float64, int(max(need, work[0])))
	for i := range pieces {
		lo, hi := bounds(i)
		// Copied piece by piece, so that each is factored while still in cache.
		src, _ := a.Index(nd.Slice(lo, hi, 1), nd.Whole())
		dst, _ := out.Index(nd.Slice(lo, hi, 1), nd.Whole())
		if err := dst.Assign(src); err != nil {
			return nil, nil, err
		}
		g := blas64.General{Rows: hi - lo, Cols: n, Stride: n, Data: od[lo*n : hi*n]}
		lapack64.Geqrf(g, tau, work, len(work))
		for row := range n {
			copy(stacked[(i*n+row)*n+row:(i*n+row+1)*n], g.Data[row*n+row:(row+1)*n])
		}
		lapack64.Orgqr(g, tau, work, len(work))
	}
	rs, err := nd.FromSlice(stacked, pieces*n, n)
	if err != nil {
		return nil, nil, err
	}
	q2, r, err := QR(rs)
	if err != nil {
		return nil, nil, err
	}
	q2d, _ := nd.Data[float64](q2.Contiguous())
	scratch := make([]float64, (m-(pieces-1)*leaf)*n)
	for i := range pieces {
		lo, hi := bounds(i)
		rows := od[lo*n : hi*n]
		copy(scratch, rows)
		clear(rows)
		gemm64(hi-lo, n, n, scratch[:len(rows)], q2d[i*n*n:(i+1)*n*n], rows)
	}
	return out, r, nil
}

// QRStacked is QR with q and r stacked in one (m+k) x n array (k = min(m, n)), the layout
// the TSQR stages pass between tasks, made without copying q into it afterwards.
func QRStacked(a *nd.Array) (*nd.Array, error) {
	if a.NDim() == 2 {
		m, n := a.Shape()[0], a.Shape()[1]
		if leaf := leafRows(n); m >= 2*leaf && n > 0 && !a.DType().IsComplex() {
			q, r, err := tallQR(a, leaf, n)
			if err != nil {
				return nil, err
			}
			tail, _ := q.Index(nd.Slice(m, m+n, 1), nd.Whole())
			if err := tail.Assign(r); err != nil {
				return nil, err
			}
			return q, nil
		}
	}
	q, r, err := QR(a)
	if err != nil {
		return nil, err
	}
	return nd.Concatenate([]*nd.Array{q, r}, 0)
}

// lapackQR is QR by LAPACK's Householder factorization of the whole matrix. (Blocking it
// in panels below LAPACK's 128-column crossover was tried: no faster with OpenBLAS, and
// slower with gonum's pure-Go products.)
func lapackQR(a *nd.Array) (q, r *nd.Array, err error) {
	g, err := matrix("qr", a)
	if err != nil {
		return nil, nil, err
	}
	m, n := g.Rows, g.Cols
	k := min(m, n)
	dt := resultType(a.DType())
	if k == 0 {
		q, _ = nd.New(dt, m, k)
		r, _ = nd.New(dt, k, n)
		return q, r, nil
	}
	tau := make([]float64, k)
	work := make([]float64, 1)
	lapack64.Geqrf(g, tau, work, -1)
	work = make([]float64, int(work[0]))
	lapack64.Geqrf(g, tau, work, len(work))
	rd := make([]float64, k*n)
	for i := range k {
		for j := i; j < n; j++ {
			rd[i*n+j] = g.Data[i*g.Stride+j]
		}
	}
	if r, err = nd.FromSlice(rd, k, n); err != nil {
		return nil, nil, err
	}
	// Q's first k columns, formed in place over the reflectors.
	qg := blas64.General{Rows: m, Cols: k, Stride: g.Stride, Data: g.Data}
	lapack64.Orgqr(qg, tau, work, -1)
	if need := int(work[0]); need > len(work) {
		work = make([]float64, need)
	}
	lapack64.Orgqr(qg, tau, work, len(work))
	if q, err = toArray(qg, m, k, dt); err != nil {
		return nil, nil, err
	}
	if dt != nd.Float64 {
		r, err = r.AsType(dt)
	}
	return q, r, err
}

// SVD is the reduced singular value decomposition a = u diag(s) vt: u is m x k, s has k
// values in descending order, vt is k x n, with k = min(m, n).
func SVD(a *nd.Array) (u, s, vt *nd.Array, err error) {
	if a.DType().IsComplex() {
		return complexSVD(a)
	}
	g, err := matrix("svd", a)
	if err != nil {
		return nil, nil, nil, err
	}
	m, n := g.Rows, g.Cols
	k := min(m, n)
	dt := resultType(a.DType())
	if k == 0 {
		u, _ = nd.New(dt, m, k)
		s, _ = nd.New(dt, k)
		vt, _ = nd.New(dt, k, n)
		return u, s, vt, nil
	}
	ug := blas64.General{Rows: m, Cols: k, Stride: k, Data: make([]float64, m*k)}
	vg := blas64.General{Rows: k, Cols: n, Stride: n, Data: make([]float64, k*n)}
	sv := make([]float64, k)
	work := make([]float64, 1)
	lapack64.Gesvd(lapack.SVDStore, lapack.SVDStore, g, ug, vg, sv, work, -1)
	work = make([]float64, int(work[0]))
	if !lapack64.Gesvd(lapack.SVDStore, lapack.SVDStore, g, ug, vg, sv, work, len(work)) {
		return nil, nil, nil, fmt.Errorf("svd: did not converge (matrix %s)", nd.ShapeString(a.Shape()))
	}
	if u, err = toArray(ug, m, k, dt); err != nil {
		return nil, nil, nil, err
	}
	if vt, err = toArray(vg, k, n, dt); err != nil {
		return nil, nil, nil, err
	}
	if s, err = nd.FromSlice(sv, k); err == nil && dt != nd.Float64 {
		s, err = s.AsType(dt)
	}
	return u, s, vt, err
}

// Cholesky is the lower-triangular l with a = l lᵀ of a symmetric positive-definite
// matrix (only a's lower triangle is read, as NumPy's).
func Cholesky(a *nd.Array) (*nd.Array, error) {
	if a.DType().IsComplex() {
		return complexCholesky(a)
	}
	g, err := matrix("cholesky", a)
	if err != nil {
		return nil, err
	}
	n := g.Rows
	if g.Cols != n {
		return nil, fmt.Errorf("cholesky: matrix of shape %s is not square", nd.ShapeString(a.Shape()))
	}
	// Row-major lower = column-major upper: factor the upper triangle of the transpose.
	sym := blas64.Symmetric{N: n, Stride: g.Stride, Data: g.Data, Uplo: blas.Lower}
	t, ok := lapack64.Potrf(sym)
	if !ok {
		return nil, fmt.Errorf("cholesky: %w: matrix is not positive definite", ErrSingular)
	}
	out := make([]float64, n*n)
	for i := range n {
		for j := 0; j <= i; j++ {
			out[i*n+j] = t.Data[i*t.Stride+j]
		}
	}
	l, err := nd.FromSlice(out, n, n)
	if err != nil || resultType(a.DType()) == nd.Float64 {
		return l, err
	}
	return l.AsType(nd.Float32)
}

// Solve returns x with a x = b for a square a; b is a vector or a matrix of columns.
func Solve(a, b *nd.Array) (*nd.Array, error) {
	g, err := matrix("solve", a)
	if err != nil {
		return nil, err
	}
	n := g.Rows
	if g.Cols != n {
		return nil, fmt.Errorf("solve: matrix of shape %s is not square", nd.ShapeString(a.Shape()))
	}
	vector := b.NDim() == 1
	bm := b
	if vector {
		if bm, err = b.Reshape(b.Shape()[0], 1); err != nil {
			return nil, err
		}
	}
	rhs, err := matrix("solve", bm)
	if err != nil {
		return nil, err
	}
	if rhs.Rows != n {
		return nil, fmt.Errorf("solve: a of shape %s and b of shape %s do not match", nd.ShapeString(a.Shape()), nd.ShapeString(b.Shape()))
	}
	ipiv := make([]int, n)
	if !lapack64.Getrf(g, ipiv) {
		return nil, fmt.Errorf("solve: %w", ErrSingular)
	}
	if rhs.Cols > 0 && n > 0 {
		lapack64.Getrs(blas.NoTrans, g, rhs, ipiv)
	}
	x, err := toArray(rhs, n, rhs.Cols, resultType(nd.ResultType(a.DType(), b.DType())))
	if err != nil || !vector {
		return x, err
	}
	return x.Reshape(n)
}

// Inv is the inverse of a square matrix.
func Inv(a *nd.Array) (*nd.Array, error) {
	if a.NDim() != 2 || a.Shape()[0] != a.Shape()[1] {
		return nil, fmt.Errorf("inv: matrix of shape %s is not square", nd.ShapeString(a.Shape()))
	}
	n := a.Shape()[0]
	id := make([]float64, n*n)
	for i := range n {
		id[i*n+i] = 1
	}
	eye, _ := nd.FromSlice(id, n, n)
	if a.DType() == nd.Float32 {
		eye, _ = eye.AsType(nd.Float32)
	}
	return Solve(a, eye)
}

// SolveTriangular returns x with r x = b for an upper-triangular (upper) or lower-
// triangular square r.
func SolveTriangular(r, b *nd.Array, upper bool) (*nd.Array, error) {
	g, err := matrix("solve_triangular", r)
	if err != nil {
		return nil, err
	}
	n := g.Rows
	if g.Cols != n {
		return nil, fmt.Errorf("solve_triangular: matrix of shape %s is not square", nd.ShapeString(r.Shape()))
	}
	vector := b.NDim() == 1
	bm := b
	if vector {
		if bm, err = b.Reshape(b.Shape()[0], 1); err != nil {
			return nil, err
		}
	}
	rhs, err := matrix("solve_triangular", bm)
	if err != nil {
		return nil, err
	}
	if rhs.Rows != n {
		return nil, fmt.Errorf("solve_triangular: r of shape %s and b of shape %s do not match", nd.ShapeString(r.Shape()), nd.ShapeString(b.Shape()))
	}
	uplo := blas.Lower
	if upper {
		uplo = blas.Upper
	}
	if n > 0 && rhs.Cols > 0 {
		t := blas64.Triangular{N: n, Stride: g.Stride, Data: g.Data, Uplo: uplo, Diag: blas.NonUnit}
		if !lapack64.Trtrs(blas.NoTrans, t, rhs) {
			return nil, fmt.Errorf("solve_triangular: %w (a zero on the diagonal)", ErrSingular)
		}
	}
	x, err := toArray(rhs, n, rhs.Cols, resultType(nd.ResultType(r.DType(), b.DType())))
	if err != nil || !vector {
		return x, err
	}
	return x.Reshape(n)
}

// LUPanel factors a tall m x c panel with partial pivoting, as LAPACK's getrf: it returns
// the factors in one m x c array (U on and above the diagonal of the top c x c, L below
// it, its unit diagonal implied) and the permutation: row i of P·a is row perm[i] of a.
func LUPanel(a *nd.Array) (lu *nd.Array, perm []int, err error) {
	g, err := matrix("lu", a)
	if err != nil {
		return nil, nil, err
	}
	m, c := g.Rows, g.Cols
	ipiv := make([]int, min(m, c))
	if !lapack64.Getrf(g, ipiv) {
		return nil, nil, fmt.Errorf("lu: %w", ErrSingular)
	}
	perm = make([]int, m)
	for i := range perm {
		perm[i] = i
	}
	for i, p := range ipiv { // LAPACK's interchanges, in order
		perm[i], perm[p] = perm[p], perm[i]
	}
	lu, err = toArray(g, m, c, nd.Float64)
	return lu, perm, err
}
