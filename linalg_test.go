package darray_test

import (
	"context"
	"strings"
	"testing"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/internal/ndtest"
	"github.com/darray-go/darray/nd"
)

// Bad arguments to the linear algebra name the operation and what was wrong; singular
// matrices fail their computation with an error saying so.
func TestLinalgErrors(t *testing.T) {
	rng := darray.NewRNG(1)
	m := rng.Random([]int{6, 4}, darray.ChunkSize(3, 2))
	v := rng.Random([]int{5}, darray.ChunkSize(2))
	cube := rng.Random([]int{2, 3, 4}, darray.ChunkSize(-1))
	square := rng.Random([]int{4, 4}, darray.ChunkSize(2))
	_, _, badRank := darray.SVDCompressed(m, 9, 0, 0, 1)
	_, _, badLstsq := darray.Lstsq(m.T(), rng.Random([]int{4}, darray.ChunkSize(2)))
	q, _ := darray.QR(cube)
	cases := []struct {
		got  *darray.Array
		want string
	}{
		{darray.Einsum("ij,jk", m), "2 operands in the notation, 1 given"},
		{darray.Einsum("ij->ik", m), "output letter"},
		{darray.Einsum("i1->i", m), "not a letter"},
		{darray.Einsum("ijk->i", m), "operand 0 has shape (6, 4)"},
		{darray.Einsum("ij,ij->i", m, square), "length 6"},
		{darray.Tensordot(m, square, []int{0}, []int{0}), "shape mismatch"},
		{darray.Tensordot(m, square, []int{0, 1}, []int{0}), "2 axes of a paired with 1"},
		{darray.Dot(m, v), "not aligned"},
		{darray.Matmul(m, m), "last axis of the first (4)"},
		{darray.Matmul(m, darray.Zeros(nil, nd.Float64, darray.ChunkSize())), "at least one dimension"},
		{q, "want a matrix"},
		{darray.Cholesky(m), "not square"},
		{darray.Inv(m), "not square"},
		{darray.Solve(square, v), "must be square and b"},
		{badRank, "rank 9"},
		{badLstsq, "fewer rows than columns"},
		{darray.Norm(m, "bogus"), "invalid ord"},
		{darray.Norm(cube, "1"), "needs a vector or a matrix"},
		{darray.Norm(m, "nuc", 0), "matrix norm"},
		{darray.Norm(m, "", 1, 1), "two different axes"},
	}
	for _, c := range cases {
		err := c.got.Err()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want an error containing %q", err, c.want)
		}
	}
	singular := darray.Zeros([]int{3, 3}, nd.Float64, darray.ChunkSize(2))
	for name, a := range map[string]*darray.Array{
		"solve":    darray.Solve(singular, darray.Ones([]int{3}, nd.Float64, darray.ChunkSize(2))),
		"inv":      darray.Inv(singular),
		"cholesky": darray.Cholesky(darray.Eye(3, 3, 0, nd.Float64, darray.ChunkSize(2)).Neg()),
	} {
		if _, err := a.Compute(context.Background()); err == nil || !strings.Contains(err.Error(), "singular") {
			t.Errorf("%s of a singular matrix: got %v, want an error saying singular", name, err)
		}
	}
}

// A tall-and-skinny QR of many row blocks: q has orthonormal columns, q r rebuilds the
// matrix, r is upper triangular; blocks shorter than the matrix is wide are merged.
func TestTSQRManyBlocks(t *testing.T) {
	a := darray.NewRNG(4).Normal(0, 1, []int{3000, 12}, darray.ChunkSizes([]int{5, 400, 995, 7, 1593}, []int{5, 7}))
	q, r := darray.QR(a)
	eye := compute(t, darray.Eye(12, 12, 0, nd.Float64, darray.ChunkSize(-1)))
	ndtest.CloseAbs(t, "qᵀq", compute(t, darray.Matmul(q.T(), q)), eye, 1e-12)
	ndtest.CloseAbs(t, "qr", compute(t, darray.Matmul(q, r)), compute(t, a), 1e-12)
	rv := nd.Values[float64](compute(t, r))
	for i := range 12 {
		for j := range i {
			if rv[i*12+j] != 0 {
				t.Fatalf("r[%d,%d] = %v below the diagonal", i, j, rv[i*12+j])
			}
		}
	}
}

// The blocked Cholesky (a matrix in several blocks, cut unevenly and differently along
// rows and columns) gives the one-block factor.
func TestBlockedCholesky(t *testing.T) {
	m := darray.NewRNG(9).Normal(0, 1, []int{60, 60}, darray.ChunkSize(-1))
	spd := darray.Matmul(m, m.T()).Add(darray.Eye(60, 60, 0, nd.Float64, darray.ChunkSize(-1)).Mul(60.0))
	want := compute(t, darray.Cholesky(spd))
	blocked := spd.Rechunk(darray.ChunkSizes([]int{13, 20, 7, 20}, []int{25, 25, 10}))
	got := compute(t, darray.Cholesky(blocked))
	ndtest.CloseAbs(t, "blocked cholesky", got, want, 1e-10)
	notPD := darray.Eye(6, 6, 0, nd.Float64, darray.ChunkSize(2)).Neg()
	if _, err := darray.Cholesky(notPD).Compute(context.Background()); err == nil || !strings.Contains(err.Error(), "not positive definite") {
		t.Errorf("blocked cholesky of a negative definite matrix: %v", err)
	}
}

// Triangular solves block by block (uneven cuts; vector and matrix right-hand sides;
// lower and upper) give the one-block solution.
func TestBlockedSolveTriangular(t *testing.T) {
	rng := darray.NewRNG(10)
	m := rng.Normal(0, 1, []int{50, 50}, darray.ChunkSize(-1)).Add(darray.Eye(50, 50, 0, nd.Float64, darray.ChunkSize(-1)).Mul(20.0))
	for _, upper := range []bool{false, true} {
		tri := m.Tril(0)
		if upper {
			tri = m.Triu(0)
		}
		for _, b := range []*darray.Array{rng.Normal(0, 1, []int{50}, darray.ChunkSize(-1)), rng.Normal(0, 1, []int{50, 3}, darray.ChunkSize(-1))} {
			want := compute(t, darray.SolveTriangular(tri, b, upper))
			blocked := tri.Rechunk(darray.ChunkSizes([]int{11, 30, 9}, []int{20, 20, 10}))
			got := compute(t, darray.SolveTriangular(blocked, b.Rechunk(darray.ChunkSize(7)), upper))
			ndtest.CloseAbs(t, "blocked triangular solve", got, want, 1e-10)
		}
	}
}

// Solve and Inv block by block (LU with partial pivoting over column panels; a matrix that
// needs pivoting, cut unevenly) give the one-block results.
func TestBlockedSolveAndInv(t *testing.T) {
	rng := darray.NewRNG(11)
	a := rng.Normal(0, 1, []int{60, 60}, darray.ChunkSize(-1))
	a = a.Mul(darray.Tri(60, 60, 0, nd.Float64, darray.ChunkSize(-1)).Sub(0.5)) // small pivots early on
	b := rng.Normal(0, 1, []int{60, 2}, darray.ChunkSize(-1))
	blocked := a.Rechunk(darray.ChunkSizes([]int{7, 25, 28}, []int{30, 30}))
	ndtest.CloseAbs(t, "blocked solve", compute(t, darray.Solve(blocked, b.Rechunk(darray.ChunkSize(9)))), compute(t, darray.Solve(a, b)), 1e-9)
	ndtest.CloseAbs(t, "blocked solve of a vector", compute(t, darray.Solve(blocked, b.IndexWith(nd.Whole(), nd.Slice(0, 1, 1)).Reshape(60))),
		compute(t, darray.Solve(a, b.IndexWith(nd.Whole(), nd.Slice(0, 1, 1)).Reshape(60))), 1e-9)
	ndtest.CloseAbs(t, "blocked inverse", compute(t, darray.Inv(blocked)), compute(t, darray.Inv(a)), 1e-9)
}
