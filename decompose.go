package darray

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/linalg"
	"github.com/darray-go/darray/nd"
)

// Block functions of the decompositions. A function that makes several matrices returns
// them stacked along the first axis; the lazy code slices them apart.
const (
	qrStackFunc  = "darray.qr-stack"  // a block -> [Q; R]
	svdStackFunc = "darray.svd-stack" // a block -> [U; S as a row; Vt]
	tailRowsFunc = "darray.tail-rows" // a block -> its last Params.(int) rows
	tsqrQFunc    = "darray.tsqr-q"    // [Q1; R1] block, Q2 block -> Q1 @ Q2
	solveFunc    = "darray.solve"     // a, b -> x with a x = b
	triSolveFunc = "darray.solve-triangular"
	choleskyFunc = "darray.cholesky"
	invFunc      = "darray.inv"
	luPanelFunc  = "darray.lu-panel" // a column panel -> [its LU factors | the row permutation]
	permuteFunc  = "darray.permute-rows"
)

func init() {
	registerBlockFunc(qrStackFunc, func(_ any, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		return linalg.QRStacked(blocks[0])
	})
	registerBlockFunc(svdStackFunc, func(_ any, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		u, s, vt, err := linalg.SVD(blocks[0])
		if err != nil {
			return nil, err
		}
		row, err := s.Reshape(1, s.Size())
		if err != nil {
			return nil, err
		}
		return nd.Concatenate([]*nd.Array{u, row, vt}, 0)
	})
	registerBlockFuncOf(tailRowsFunc, func(n int, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		rows := blocks[0].Shape()[0]
		return blocks[0].Index(nd.Slice(rows-n, rows, 1), nd.Whole())
	})
	registerBlockFunc(tsqrQFunc, func(params any, blocks []*nd.Array, info graph.BlockInfo) (*nd.Array, error) {
		q1, err := blocks[0].Index(nd.Slice(0, info.BlockShape[0], 1), nd.Whole())
		if err != nil {
			return nil, err
		}
		return linalg.Einsum("ik,kj->ij", q1, blocks[1])
	})
	registerBlockFunc(solveFunc, func(_ any, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		return linalg.Solve(blocks[0], blocks[1])
	})
	registerBlockFuncOf(triSolveFunc, func(lower bool, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		return linalg.SolveTriangular(blocks[0], blocks[1], lower)
	})
	registerBlockFunc(choleskyFunc, func(_ any, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		return linalg.Cholesky(blocks[0])
	})
	registerBlockFunc(invFunc, func(_ any, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		return linalg.Inv(blocks[0])
	})
	registerBlockFunc(permuteFunc, func(_ any, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		idx := make([]nd.Index, blocks[0].NDim())
		for d := range idx {
			idx[d] = nd.Whole()
		}
		idx[0] = nd.Take(blocks[1])
		return blocks[0].Index(idx...)
	})
	registerBlockFunc(luPanelFunc, func(_ any, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		lu, perm, err := linalg.LUPanel(blocks[0])
		if err != nil {
			return nil, err
		}
		p := make([]float64, len(perm))
		for i, v := range perm {
			p[i] = float64(v)
		}
		col, err := nd.FromSlice(p, len(p), 1)
		if err != nil {
			return nil, err
		}
		return nd.Concatenate([]*nd.Array{lu, col}, 1)
	})
}

// blockLayer applies a registered block function through a Blockwise layer built
// directly, for block structures index notation cannot say (inputs whose blocks pair up by
// position but whose lengths differ).
func blockLayer(fn string, params any, inputs []*Array, axes [][]int, shape []int, chunks graph.Chunks, dt nd.DType) *Array {
	layers := make([]*graph.Layer, len(inputs))
	for i, a := range inputs {
		if a.err != nil {
			return a
		}
		layers[i] = a.layer
	}
	return fromLayer(graph.NewLayer(graph.Blockwise{Func: fn, Params: params, Axes: axes}, layers, shape, dt, chunks))
}

// factorDType is the dtype decompositions give for an input of dtype dt (NumPy's).
func factorDType(dt nd.DType) nd.DType {
	switch dt {
	case nd.Float32, nd.Complex64, nd.Complex128:
		return dt
	}
	return nd.Float64
}

// adjoint is the conjugate transpose of a matrix (the transpose of a real one).
func adjoint(a *Array) *Array {
	if a.DType().IsComplex() {
		return a.T().Conj()
	}
	return a.T()
}

// checkMatrix reports what makes a unfit for op: a nil or failed array, or not a matrix.
func checkMatrix(op string, a *Array) *Array {
	if a == nil {
		return failf(op, "nil Array")
	}
	if a.err != nil {
		return a
	}
	if a.NDim() != 2 {
		return failf(op, "want a matrix (two dimensions), got shape %s", nd.ShapeString(a.Shape()))
	}
	return nil
}

// Complex systems are solved through their real embedding: a complex n x m matrix
// a = re + i im acts on x = xr + i xi as the real 2n x 2m matrix [[re, -im], [im, re]] on
// [xr; xi], so a solution, an inverse or a least-squares fit of the real problem gives the
// complex one, and its singular values are a's, each twice. That costs twice the
// arithmetic of complex LU or QR, on the real blocked algorithms as they are.

// complexResult is the complex dtype of an operation on arrays any of which is complex,
// and whether one is.
func complexResult(arrays ...*Array) (nd.DType, bool) {
	dt, isComplex := arrays[0].DType(), false
	for _, a := range arrays {
		dt = nd.ResultType(dt, a.DType())
		isComplex = isComplex || a.DType().IsComplex()
	}
	if dt == nd.Complex64 {
		return dt, isComplex
	}
	return nd.Complex128, isComplex
}

// realEmbedding is [[re, -im], [im, re]] for the matrix a = re + i im.
func realEmbedding(a *Array) *Array {
	re, im := a.Real(), a.Imag()
	return Block([]*Array{re, im.Neg()}, []*Array{im, re})
}

// stackParts is [re; im] along the first axis, the right-hand side of an embedded system.
func stackParts(b *Array) *Array { return Concatenate([]*Array{b.Real(), b.Imag()}, 0) }

// joinParts is x[:n] + i x[n:] in dtype dt: the complex solution of an embedded system.
func joinParts(x *Array, n int, dt nd.DType) *Array {
	re, im := x.Index(fmt.Sprintf(":%d", n)), x.Index(fmt.Sprintf("%d:", n))
	return re.Add(im.Mul(complex(0, 1))).AsType(dt)
}

// QR is the reduced QR factorization of a matrix, as numpy.linalg.qr: q (m x k) has
// orthonormal columns, r (k x n) is upper triangular, k = min(m, n), and q r = a. A tall
// matrix (m >= n) is factored by TSQR (Benson, Gleich and Demmel): each block of rows
// (the columns joined into one block) is factored on its own, their small R factors are
// stacked and factored again, and each block's Q is multiplied by its part of the second
// Q; memory is a block of rows per task. A short, wide matrix is factored through its
// first m columns: q from them, r = qᴴ a. Complex matrices too.
func QR(a *Array) (q, r *Array) {
	if bad := checkMatrix("qr", a); bad != nil {
		return bad, bad
	}
	m, n := a.Shape()[0], a.Shape()[1]
	if m >= n {
		return tsqr(a)
	}
	square := a.IndexWith(nd.Whole(), nd.Slice(0, m, 1)).Rechunk(ChunkSize(-1, -1))
	q, _ = tsqr(square)
	return q, Matmul(adjoint(q), a).Triu(0)
}

// tsqr factors a tall matrix.
func tsqr(a *Array) (q, r *Array) {
	t := newTSQR(a)
	if t.err != nil {
		return t.err, t.err
	}
	return t.q(t.q2), t.r
}

// tsqrPlan holds the stages of a TSQR: first stacks each row block's Q and R, q2 is the
// Q of the stacked R factors (k·n x n, one block), r the final R.
type tsqrPlan struct {
	first, q2, r *Array
	rows         []int
	m, n         int
	dt           nd.DType
	err          *Array
}

func newTSQR(a *Array) tsqrPlan {
	m, n := a.Shape()[0], a.Shape()[1]
	dt := factorDType(a.DType())
	// One block of columns; blocks of rows at least n long (so each block's R is n x n).
	a = a.Rechunk(ChunkSizes(rowsAtLeast(a.layer.Chunks[0], n), []int{n}))
	if a.err != nil {
		return tsqrPlan{err: a}
	}
	rows := a.layer.Chunks[0]
	k := len(rows)
	stacked := make([]int, k)
	for i, c := range rows {
		stacked[i] = c + n
	}
	first := blockLayer(qrStackFunc, nil, []*Array{a}, [][]int{{0, 1}}, []int{m + k*n, n}, graph.Chunks{stacked, {n}}, dt)
	tails := blockLayer(tailRowsFunc, n, []*Array{first}, [][]int{{0, 1}}, []int{k * n, n}, graph.Chunks{slices.Repeat([]int{n}, k), {n}}, dt)
	whole := tails.Rechunk(ChunkSize(-1, -1))
	second := blockLayer(qrStackFunc, nil, []*Array{whole}, [][]int{{0, 1}}, []int{k*n + n, n}, graph.Chunks{{k*n + n}, {n}}, dt)
	return tsqrPlan{
		first: first, rows: rows, m: m, n: n, dt: dt,
		q2: second.IndexWith(nd.Slice(0, k*n, 1), nd.Whole()),
		r:  second.IndexWith(nd.Slice(k*n, k*n+n, 1), nd.Whole()),
	}
}

// q multiplies each row block's Q by its n rows of small (k·n x c): with small = q2 it is
// the Q factor; with q2 times a c-column matrix it is Q times that matrix, without ever
// making Q.
func (t tsqrPlan) q(small *Array) *Array {
	k, c := len(t.rows), small.Shape()[1]
	parts := small.Rechunk(ChunkSizes(slices.Repeat([]int{t.n}, k), []int{c}))
	return blockLayer(tsqrQFunc, nil, []*Array{t.first, parts}, [][]int{{0, -1}, {0, 1}}, []int{t.m, c}, graph.Chunks{t.rows, {c}}, t.dt)
}

// rowsAtLeast merges neighbouring blocks until each is at least n long (the last may
// join its predecessor).
func rowsAtLeast(rows []int, n int) []int {
	var out []int
	acc := 0
	for _, c := range rows {
		acc += c
		if acc >= n {
			out, acc = append(out, acc), 0
		}
	}
	if acc > 0 {
		if len(out) == 0 {
			out = append(out, acc)
		} else {
			out[len(out)-1] += acc
		}
	}
	if len(out) == 0 {
		out = []int{0}
	}
	return out
}

// SVD is the reduced singular value decomposition a = u diag(s) vt, as
// numpy.linalg.svd(a, full_matrices=False): s descending. A tall matrix goes through TSQR
// (u = q u_r from the SVD of the small r), a short, wide one through its conjugate transpose. Like
// dask's, this is meant for matrices one of whose sides fits in a block; for big square
// ones use SVDCompressed.
func SVD(a *Array) (u, s, vt *Array) {
	if bad := checkMatrix("svd", a); bad != nil {
		return bad, bad, bad
	}
	m, n := a.Shape()[0], a.Shape()[1]
	if m < n { // a = (aᴴ)ᴴ = (U S Vᴴ)ᴴ = V S Uᴴ
		ut, st, vtt := SVD(adjoint(a))
		return adjoint(vtt), st, adjoint(ut)
	}
	t := newTSQR(a)
	if t.err != nil {
		return t.err, t.err, t.err
	}
	parts := blockLayer(svdStackFunc, nil, []*Array{t.r}, [][]int{{0, 1}}, []int{2*n + 1, n}, graph.Chunks{{2*n + 1}, {n}}, t.dt)
	ur := parts.IndexWith(nd.Slice(0, n, 1), nd.Whole())
	s = parts.IndexWith(nd.Slice(n, n+1, 1), nd.Whole()).Reshape(n)
	if s.DType().IsComplex() { // stacked with complex u and vᴴ; singular values are real
		s = s.Real()
	}
	vt = parts.IndexWith(nd.Slice(n+1, 2*n+1, 1), nd.Whole())
	return t.q(Matmul(t.q2, ur)), s, vt // u = Q u_r, as each block's Q times (Q2 u_r)
}

// SVDCompressed is an approximate SVD of rank k by randomized projection (Halko,
// Martinsson and Tropp), for any chunking, as dask's svd_compressed: a is multiplied by a
// random n x (k+oversample) matrix, optionally refined by powerIters power iterations,
// orthonormalized by TSQR, and the small projection qᵀa decomposed exactly. seed makes it
// repeatable. It returns u (m x k), s (k) and vt (k x n).
func SVDCompressed(a *Array, k, oversample, powerIters int, seed uint64) (u, s, vt *Array) {
	if bad := checkMatrix("svd_compressed", a); bad != nil {
		return bad, bad, bad
	}
	m, n := a.Shape()[0], a.Shape()[1]
	if k < 1 || k > min(m, n) || oversample < 0 || powerIters < 0 {
		bad := failf("svd_compressed", "rank %d, oversampling %d and %d power iterations for a matrix of shape %s (want 1 <= rank <= %d)", k, oversample, powerIters, nd.ShapeString(a.Shape()), min(m, n))
		return bad, bad, bad
	}
	l := min(k+oversample, m, n)
	af := a
	if dt := factorDType(a.DType()); a.DType() != dt {
		af = a.AsType(dt)
	}
	omega := NewRNG(seed).Normal(0, 1, []int{n, l}, ChunkSizes(af.layer.Chunks[1], []int{l}))
	if dt := af.DType(); dt == nd.Float32 || dt == nd.Complex64 {
		omega = omega.AsType(nd.Float32) // a real test matrix serves complex ones too
	}
	y := Matmul(af, omega)
	for range powerIters {
		q, _ := tsqr(y)
		z, _ := tsqr(Matmul(adjoint(af), q))
		y = Matmul(af, z)
	}
	q, _ := tsqr(y)
	ub, sb, vtb := SVD(Matmul(adjoint(q), af))
	u = Matmul(q, ub).IndexWith(nd.Whole(), nd.Slice(0, k, 1))
	return u, sb.IndexWith(nd.Slice(0, k, 1)), vtb.IndexWith(nd.Slice(0, k, 1), nd.Whole())
}

// whole gathers a matrix into one block for an in-memory LAPACK routine: the solvers and
// inverses below are for matrices that fit in one task's memory (a plan that cannot is
// refused before it runs, naming the task).
func whole(a *Array) *Array { return a.Rechunk(ChunkSize(-1, -1)) }

// Solve is numpy.linalg.solve for a square matrix a: x with a x = b, for b a vector or a
// matrix of columns (a is gathered into one block and factored by LU with pivoting).
func Solve(a, b *Array) *Array {
	if bad := checkMatrix("solve", a); bad != nil {
		return bad
	}
	if b.err != nil {
		return b
	}
	n := a.Shape()[0]
	if a.Shape()[1] != n || b.NDim() < 1 || b.NDim() > 2 || b.Shape()[0] != n {
		return failf("solve", "a of shape %s must be square and b (shape %s) a vector or matrix with as many rows", nd.ShapeString(a.Shape()), nd.ShapeString(b.Shape()))
	}
	if dt, isComplex := complexResult(a, b); isComplex {
		return joinParts(Solve(realEmbedding(a), stackParts(b)), n, dt)
	}
	cuts := graph.Refine(a.layer.Chunks[0], a.layer.Chunks[1])
	if len(cuts) <= 1 {
		return solveWith(solveFunc, nil, a, b)
	}
	return blockedSolve(a, b, cuts)
}

// permuteRows reorders x's rows by perm (row i of the result is row perm[i] of x): one
// task per strip of columns, each holding the strip whole.
func permuteRows(x, perm *Array) *Array {
	m := x.Shape()[0]
	sizes := slices.Clone([][]int(x.layer.Chunks))
	sizes[0] = []int{m}
	strips := x.Rechunk(ChunkSizes(slices.Clone(sizes)...))
	axes := [][]int{make([]int, x.NDim()), {0}}
	for d := range axes[0] {
		axes[0][d] = d
	}
	return blockLayer(permuteFunc, nil, []*Array{strips, perm.Rechunk(ChunkSize(-1))}, axes, x.Shape(), sizes, x.DType())
}

// blockedSolve solves a x = b by LU with partial pivoting, a column panel at a time (as
// LAPACK's right-looking getrf): the panel below the diagonal is factored in one task
// (pivoting over all its rows), its row permutation is applied lazily to the rest of the
// matrix and to b, a row of U and a block of the forward substitution follow, and the
// rest of the matrix is updated; x comes from back substitution over the blocks of U.
// A task holds at most a column panel.
func blockedSolve(a, b *Array, cuts []int) *Array {
	dt := factorDType(nd.ResultType(a.DType(), b.DType()))
	nb := len(cuts)
	off := make([]int, nb+1)
	for i, c := range cuts {
		off[i+1] = off[i] + c
	}
	n := off[nb]
	rest := a.AsType(dt).Rechunk(ChunkSizes(cuts, cuts)) // the part still to factor
	rhs := b.AsType(dt)                                  // its right-hand side, permuted as it goes
	all := func(x *Array, lo, hi int) *Array {           // rows [lo, hi) of x
		idx := []nd.Index{nd.Slice(lo, hi, 1)}
		for range x.NDim() - 1 {
			idx = append(idx, nd.Whole())
		}
		return x.IndexWith(idx...)
	}
	uRows := make([]*Array, nb) // row k of U: blocks k.. of it, as one strip
	y := make([]*Array, nb)     // the forward substitution's blocks
	for k := range nb {
		c, m := cuts[k], n-off[k] // rest is m x m
		panel := rest.IndexWith(nd.Whole(), nd.Slice(0, c, 1)).Rechunk(ChunkSize(-1, -1))
		f := blockLayer(luPanelFunc, nil, []*Array{panel}, [][]int{{0, 1}}, []int{m, c + 1}, graph.Chunks{{m}, {c + 1}}, nd.Float64)
		perm := f.IndexWith(nd.Whole(), nd.Slice(c, c+1, 1)).Reshape(m).AsType(nd.Int64)
		lu := f.IndexWith(nd.Whole(), nd.Slice(0, c, 1)).AsType(dt)
		lkk := lu.IndexWith(nd.Slice(0, c, 1), nd.Whole()).Tril(-1).Add(Eye(c, c, 0, dt, ChunkSize(-1)))
		ukk := lu.IndexWith(nd.Slice(0, c, 1), nd.Whole()).Triu(0)
		permuted := permuteRows(rest, perm)
		rhsP := permuteRows(rhs, perm)
		y[k] = SolveTriangular(lkk, all(rhsP, 0, c), false)
		if k == nb-1 {
			uRows[k] = ukk
			break
		}
		right := permuted.IndexWith(nd.Slice(0, c, 1), nd.Slice(c, m, 1))
		ukRest := SolveTriangular(lkk, right, false)
		uRows[k] = Concatenate([]*Array{ukk, ukRest}, 1)
		below := lu.IndexWith(nd.Slice(c, m, 1), nd.Whole())
		rest = permuted.IndexWith(nd.Slice(c, m, 1), nd.Slice(c, m, 1)).Sub(Matmul(below, ukRest))
		rest = rest.Rechunk(ChunkSizes(cuts[k+1:], cuts[k+1:]))
		rhs = all(rhsP, c, m).Sub(Matmul(below, y[k]))
	}
	// Back substitution: x_k = u_kk⁻¹ (y_k - Σ_{j>k} u_kj x_j).
	x := make([]*Array, nb)
	for k := nb - 1; k >= 0; k-- {
		c := cuts[k]
		acc := y[k]
		for j := k + 1; j < nb; j++ {
			ukj := uRows[k].IndexWith(nd.Whole(), nd.Slice(off[j]-off[k], off[j+1]-off[k], 1))
			acc = acc.Sub(Matmul(ukj, x[j]))
		}
		x[k] = SolveTriangular(uRows[k].IndexWith(nd.Whole(), nd.Slice(0, c, 1)), acc, true)
	}
	return Concatenate(x, 0)
}

// SolveTriangular solves r x = b for an upper-triangular (upper) or lower-triangular
// square r, as scipy.linalg.solve_triangular.
func SolveTriangular(r, b *Array, upper bool) *Array {
	if bad := checkMatrix("solve_triangular", r); bad != nil {
		return bad
	}
	if b.err != nil {
		return b
	}
	n := r.Shape()[0]
	if r.Shape()[1] != n || b.NDim() < 1 || b.NDim() > 2 || b.Shape()[0] != n {
		return failf("solve_triangular", "r of shape %s must be square and b (shape %s) a vector or matrix with as many rows", nd.ShapeString(r.Shape()), nd.ShapeString(b.Shape()))
	}
	if dt, isComplex := complexResult(r, b); isComplex {
		// The embedding of a triangular matrix is not triangular: solved as a general one,
		// from r's triangle alone.
		tri := r.Tril(0)
		if upper {
			tri = r.Triu(0)
		}
		return joinParts(Solve(realEmbedding(tri), stackParts(b)), n, dt)
	}
	cuts := graph.Refine(r.layer.Chunks[0], r.layer.Chunks[1])
	if len(cuts) <= 1 {
		return solveWith(triSolveFunc, upper, r, b)
	}
	// Block substitution: each block of x solves its diagonal block against b's block less
	// the blocks of x already found, times the blocks of r beside it.
	dt := factorDType(nd.ResultType(r.DType(), b.DType()))
	nb := len(cuts)
	off := make([]int, nb+1)
	for i, c := range cuts {
		off[i+1] = off[i] + c
	}
	rows := func(a *Array, i int) *Array {
		idx := []nd.Index{nd.Slice(off[i], off[i+1], 1)}
		if a.NDim() == 2 {
			idx = append(idx, nd.Whole())
		}
		return a.IndexWith(idx...)
	}
	rb := func(i, j int) *Array {
		return r.IndexWith(nd.Slice(off[i], off[i+1], 1), nd.Slice(off[j], off[j+1], 1))
	}
	x := make([]*Array, nb)
	order := make([]int, nb)
	for i := range order {
		order[i] = i
		if upper {
			order[i] = nb - 1 - i
		}
	}
	for step, i := range order {
		rhs := rows(b, i).AsType(dt)
		for _, j := range order[:step] {
			rhs = rhs.Sub(Matmul(rb(i, j), x[j]))
		}
		x[i] = solveWith(triSolveFunc, upper, rb(i, i), rhs)
	}
	return Concatenate(x, 0)
}

func solveWith(fn string, params any, a, b *Array) *Array {
	dt := factorDType(nd.ResultType(a.DType(), b.DType()))
	bw := b.Rechunk(ChunkSize(slices.Repeat([]int{-1}, b.NDim())...))
	axes := [][]int{{-1, -1}, {0}}
	if b.NDim() == 2 {
		axes[1] = []int{0, 1}
	}
	chunks := make(graph.Chunks, b.NDim())
	for d, s := range b.Shape() {
		chunks[d] = []int{s}
	}
	return blockLayer(fn, params, []*Array{whole(a), bw}, axes, b.Shape(), chunks, dt)
}

// Inv is numpy.linalg.inv of a square matrix (gathered into one block).
func Inv(a *Array) *Array {
	if bad := checkMatrix("inv", a); bad != nil {
		return bad
	}
	n := a.Shape()[0]
	if a.Shape()[1] != n {
		return failf("inv", "matrix of shape %s is not square", nd.ShapeString(a.Shape()))
	}
	if dt, isComplex := complexResult(a); isComplex {
		// The inverse of the embedding is the embedding of the inverse: its first n columns
		// are [re; im].
		return joinParts(Inv(realEmbedding(a)).Index(fmt.Sprintf(":, :%d", n)), n, dt)
	}
	cuts := graph.Refine(a.layer.Chunks[0], a.layer.Chunks[1])
	if len(cuts) > 1 { // a x = I, block by block
		return blockedSolve(a, Eye(n, n, 0, factorDType(a.DType()), ChunkSizes(cuts, cuts)), cuts)
	}
	return blockLayer(invFunc, nil, []*Array{whole(a)}, [][]int{{0, 1}}, []int{n, n}, graph.Chunks{{n}, {n}}, factorDType(a.DType()))
}

// Cholesky is numpy.linalg.cholesky: the lower-triangular l with l lᴴ = a, for a
// Hermitian (real: symmetric) positive-definite a (only its lower triangle is read). A matrix in one block
// is factored there; one in several is factored block by block (right-looking blocked
// Cholesky): each diagonal block, less the products of the blocks left of it, is
// factored on its own, and each block below it is solved against that factor, so no task
// holds more than a few blocks.
func Cholesky(a *Array) *Array {
	if bad := checkMatrix("cholesky", a); bad != nil {
		return bad
	}
	n := a.Shape()[0]
	if a.Shape()[1] != n {
		return failf("cholesky", "matrix of shape %s is not square", nd.ShapeString(a.Shape()))
	}
	dt := factorDType(a.DType())
	// Square diagonal blocks: the rows' and columns' cuts, merged.
	cuts := graph.Refine(a.layer.Chunks[0], a.layer.Chunks[1])
	if len(cuts) <= 1 {
		return blockLayer(choleskyFunc, nil, []*Array{whole(a)}, [][]int{{0, 1}}, []int{n, n}, graph.Chunks{{n}, {n}}, dt)
	}
	a = a.AsType(dt).Rechunk(ChunkSizes(cuts, cuts))
	nb := len(cuts)
	off := make([]int, nb+1)
	for i, c := range cuts {
		off[i+1] = off[i] + c
	}
	blockOf := func(i, j int) *Array {
		return a.IndexWith(nd.Slice(off[i], off[i+1], 1), nd.Slice(off[j], off[j+1], 1))
	}
	l := make([][]*Array, nb)
	for i := range l {
		l[i] = make([]*Array, nb)
	}
	for k := range nb {
		s := blockOf(k, k)
		for j := range k {
			s = s.Sub(Matmul(l[k][j], adjoint(l[k][j])))
		}
		l[k][k] = blockLayer(choleskyFunc, nil, []*Array{s}, [][]int{{0, 1}}, []int{cuts[k], cuts[k]}, graph.Chunks{{cuts[k]}, {cuts[k]}}, dt)
		for i := k + 1; i < nb; i++ {
			b := blockOf(i, k)
			for j := range k {
				b = b.Sub(Matmul(l[i][j], adjoint(l[k][j])))
			}
			// l_ik l_kkᴴ = b, so l_kk l_ikᴴ = bᴴ.
			l[i][k] = adjoint(SolveTriangular(l[k][k], adjoint(b), false))
		}
		for j := k + 1; j < nb; j++ {
			l[k][j] = Zeros([]int{cuts[k], cuts[j]}, dt, ChunkSize(-1))
		}
	}
	return Block(l...)
}

// Lstsq is numpy.linalg.lstsq for a tall matrix a of full column rank: x minimizing
// |a x - b|, the sums of squared residuals (one per column of b; empty unless a has more
// rows than columns), and a's singular values. It goes through TSQR: x solves r x = qᵀ b.
func Lstsq(a, b *Array) (x, residuals, s *Array) {
	if bad := checkMatrix("lstsq", a); bad != nil {
		return bad, bad, bad
	}
	if b.err != nil {
		return b, b, b
	}
	m, n := a.Shape()[0], a.Shape()[1]
	if b.NDim() < 1 || b.NDim() > 2 || b.Shape()[0] != m {
		bad := failf("lstsq", "a of shape %s and b of shape %s: b must be a vector or matrix with as many rows as a", nd.ShapeString(a.Shape()), nd.ShapeString(b.Shape()))
		return bad, bad, bad
	}
	if m < n {
		bad := failf("lstsq", "a of shape %s has fewer rows than columns: only full-column-rank tall matrices are supported", nd.ShapeString(a.Shape()))
		return bad, bad, bad
	}
	if dt, isComplex := complexResult(a, b); isComplex {
		// Sums of squares and singular values carry over: the embedding's are a's, its
		// singular values each twice.
		x2, residuals, s2 := Lstsq(realEmbedding(a), stackParts(b))
		return joinParts(x2, n, dt), residuals, s2.Index("::2")
	}
	q, r := tsqr(a)
	x = SolveTriangular(r, Tensordot(q, b, []int{0}, []int{0}), true)
	_, s, _ = SVD(r)
	if m > n {
		resid := b.Sub(Dot(a, x))
		residuals = resid.Mul(resid).Sum(Axis(0))
		if b.NDim() == 1 {
			residuals = residuals.Reshape(1)
		}
	} else {
		residuals = Zeros([]int{0}, factorDType(a.DType()), ChunkSize(-1))
	}
	return x, residuals, s
}

// Norm is numpy.linalg.norm. ord is "" (the default: 2-norm of vectors, Frobenius of
// matrices), "fro", "nuc", "inf", "-inf" or a number ("1", "2", "-1", "-2", "0", "3",
// "0.5", ...). With no axes, a vector's or a matrix's norm by its number of dimensions;
// with one axis, vector norms along it; with two, matrix norms over them.
func Norm(a *Array, ord string, axes ...int) *Array {
	if a == nil {
		return failf("norm", "nil Array")
	}
	if a.err != nil {
		return a
	}
	if a.DType().IsComplex() || a.DType() == nd.Bool || a.DType().IsInteger() {
		a = a.AsType(nd.ResultType(a.DType(), nd.Float64))
	}
	if len(axes) == 0 {
		switch {
		case ord == "":
			return a.Abs().Pow(2).Sum().Pow(0.5) // any dimensions: the flattened 2-norm
		case a.NDim() != 1 && a.NDim() != 2:
			return failf("norm", "ord %q needs a vector or a matrix (shape %s) or explicit axes", ord, nd.ShapeString(a.Shape()))
		}
		axes = make([]int, a.NDim())
		for i := range axes {
			axes[i] = i
		}
	}
	abs := a.Abs()
	switch len(axes) {
	case 1:
		ax := Axis(axes[0])
		switch ord {
		case "", "2":
			return abs.Pow(2).Sum(ax).Pow(0.5)
		case "inf":
			return abs.Max(ax)
		case "-inf":
			return abs.Min(ax)
		case "0":
			return abs.Greater(0).AsType(a.DType()).Sum(ax)
		case "1":
			return abs.Sum(ax)
		case "fro", "nuc":
			return failf("norm", "ord %q is a matrix norm; one axis given", ord)
		}
		p, err := strconv.ParseFloat(ord, 64)
		if err != nil || math.IsNaN(p) {
			return failf("norm", "invalid ord %q", ord)
		}
		return abs.Pow(p).Sum(ax).Pow(1 / p)
	case 2:
		r, c := axes[0], axes[1]
		if r < 0 {
			r += a.NDim()
		}
		if c < 0 {
			c += a.NDim()
		}
		if r == c || r < 0 || c < 0 || r >= a.NDim() || c >= a.NDim() {
			return failf("norm", "axes %v are not two different axes of shape %s", axes, nd.ShapeString(a.Shape()))
		}
		switch ord {
		case "", "fro":
			return abs.Pow(2).Sum(Axis(r, c)).Pow(0.5)
		case "1", "-1", "inf", "-inf":
			sumAxis, keepAxis := r, c
			if strings.HasSuffix(ord, "inf") {
				sumAxis, keepAxis = c, r
			}
			if keepAxis > sumAxis {
				keepAxis--
			}
			sums := abs.Sum(Axis(sumAxis))
			if strings.HasPrefix(ord, "-") {
				return sums.Min(Axis(keepAxis))
			}
			return sums.Max(Axis(keepAxis))
		case "2", "-2", "nuc":
			if a.NDim() != 2 {
				return failf("norm", "ord %q over axes of a %d-dimensional array is not supported", ord, a.NDim())
			}
			m := a
			if r > c {
				m = a.T()
			}
			_, s, _ := SVD(m)
			switch ord {
			case "2":
				return s.Max()
			case "-2":
				return s.Min()
			}
			return s.Sum()
		}
		return failf("norm", "invalid ord %q for a matrix norm", ord)
	}
	return failf("norm", "%d axes given: want one (vector norms) or two (matrix norms)", len(axes))
}
