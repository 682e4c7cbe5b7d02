package linalg

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/darray-go/darray/nd"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// A matrix tall enough to be factored in pieces (tallQR) gives a q with
// orthonormal columns and an upper-triangular r whose product is the matrix.
func TestTallQRInPieces(t *testing.T) {
	m, n := 3*leafTest+17, 8
	rng := rand.New(rand.NewPCG(1, 2))
	a, _ := randomMatrix(rng, m, n)
	q, r, err := QR(a)
	if err != nil {
		t.Fatal(err)
	}
	if s := q.Shape(); s[0] != m || s[1] != n {
		t.Fatalf("q has shape %v", s)
	}
	qtq, _ := Einsum("ki,kj->ij", q, q)
	qr, _ := Einsum("ik,kj->ij", q, r)
	want := nd.Values[float64](a)
	for i, v := range nd.Values[float64](qr) {
		if math.Abs(v-want[i]) > 1e-12 {
			t.Fatalf("q r differs from a at %d: %v, want %v", i, v, want[i])
		}
	}
	for i, v := range nd.Values[float64](qtq) {
		id := 0.0
		if i/n == i%n {
			id = 1
		}
		if math.Abs(v-id) > 1e-12 {
			t.Fatalf("qᵀq[%d] = %v, want %v", i, v, id)
		}
	}
	for i, v := range nd.Values[float64](r) {
		if i/n > i%n && v != 0 {
			t.Fatalf("r[%d,%d] = %v below the diagonal", i/n, i%n, v)
		}
	}
}

var leafTest = leafRows(8)

// Tall, square and wide matrices: LAPACK's R, and a Q with orthonormal columns that
// rebuilds the matrix.
func TestQRShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, shape := range [][2]int{{300, 70}, {97, 97}, {40, 150}} {
		m, n := shape[0], shape[1]
		a, data := randomMatrix(rng, m, n)
		q, r, err := lapackQR(a)
		if err != nil {
			t.Fatal(err)
		}
		k := min(m, n)
		g := blas64.General{Rows: m, Cols: n, Stride: n, Data: append([]float64{}, data...)}
		tau := make([]float64, k)
		work := make([]float64, 1)
		lapack64.Geqrf(g, tau, work, -1)
		work = make([]float64, int(work[0]))
		lapack64.Geqrf(g, tau, work, len(work))
		rv := nd.Values[float64](r)
		for i := range k {
			for j := range n {
				want := 0.0
				if j >= i {
					want = g.Data[i*n+j]
				}
				if math.Abs(rv[i*n+j]-want) > 1e-10 {
					t.Fatalf("%dx%d: r[%d,%d] = %v, LAPACK %v", m, n, i, j, rv[i*n+j], want)
				}
			}
		}
		qr, _ := Einsum("ik,kj->ij", q, r)
		for i, v := range nd.Values[float64](qr) {
			if math.Abs(v-data[i]) > 1e-10 {
				t.Fatalf("%dx%d: q r differs from a at %d", m, n, i)
			}
		}
		qtq, _ := Einsum("ki,kj->ij", q, q)
		for i, v := range nd.Values[float64](qtq) {
			id := 0.0
			if i/k == i%k {
				id = 1
			}
			if math.Abs(v-id) > 1e-12 {
				t.Fatalf("%dx%d: qᵀq[%d] = %v", m, n, i, v)
			}
		}
	}
}

// QRStacked gives QR's q and r one above the other, for tall matrices factored in pieces
// and for small ones alike.
func TestQRStacked(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, shape := range [][2]int{{3*leafRows(6) + 5, 6}, {20, 6}} {
		m, n := shape[0], shape[1]
		a, _ := randomMatrix(rng, m, n)
		q, r, err := QR(a)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := nd.Concatenate([]*nd.Array{q, r}, 0)
		got, err := QRStacked(a)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Shape(), want.Shape()) {
			t.Fatalf("%dx%d: shape %v, want %v", m, n, got.Shape(), want.Shape())
		}
		w := nd.Values[float64](want)
		for i, v := range nd.Values[float64](got) {
			if math.Abs(v-w[i]) > 1e-12 {
				t.Fatalf("%dx%d: element %d is %v, want %v", m, n, i, v, w[i])
			}
		}
	}
}

// randomMatrix is an m x n matrix of standard normal values, and its data.
func randomMatrix(rng *rand.Rand, m, n int) (*nd.Array, []float64) {
	data := make([]float64, m*n)
	for i := range data {
		data[i] = rng.NormFloat64()
	}
	a, _ := nd.FromSlice(data, m, n)
	return a, data
}

// Complex QR and Cholesky (complex.go): Q has orthonormal columns, R is upper triangular
// with a real diagonal (LAPACK's convention) and Q R rebuilds A; L is lower triangular
// with a positive real diagonal and L Lᴴ rebuilds A; a matrix that is not positive
// definite is reported.
func TestComplexFactorizations(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	m, n := 11, 4
	vals := make([]complex128, m*n)
	for i := range vals {
		vals[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	a, _ := nd.FromSlice(vals, m, n)
	q, r, err := QR(a)
	if err != nil {
		t.Fatal(err)
	}
	qh, _ := Einsum("ki,kj->ij", conj(q), q)
	for i, v := range nd.Values[complex128](qh) {
		if id := identity(i, n); cmplx.Abs(v-id) > 1e-12 {
			t.Fatalf("qᴴq[%d] = %v", i, v)
		}
	}
	qr, _ := Einsum("ik,kj->ij", q, r)
	for i, v := range nd.Values[complex128](qr) {
		if cmplx.Abs(v-vals[i]) > 1e-12 {
			t.Fatalf("q r differs from a at %d: %v, want %v", i, v, vals[i])
		}
	}
	for i, v := range nd.Values[complex128](r) {
		if (i/n > i%n && v != 0) || (i/n == i%n && imag(v) != 0) {
			t.Fatalf("r[%d,%d] = %v", i/n, i%n, v)
		}
	}
	ah, _ := Einsum("ki,kj->ij", conj(a), a) // Hermitian positive definite
	l, err := Cholesky(ah)
	if err != nil {
		t.Fatal(err)
	}
	llh, _ := Einsum("ik,jk->ij", l, conj(l))
	want := nd.Values[complex128](ah)
	for i, v := range nd.Values[complex128](llh) {
		if cmplx.Abs(v-want[i]) > 1e-10 {
			t.Fatalf("l lᴴ differs at %d: %v, want %v", i, v, want[i])
		}
	}
	for i, v := range nd.Values[complex128](l) {
		if (i/n < i%n && v != 0) || (i/n == i%n && (imag(v) != 0 || real(v) <= 0)) {
			t.Fatalf("l[%d,%d] = %v", i/n, i%n, v)
		}
	}
	neg, _ := nd.FromSlice([]complex128{1, 2i, -2i, 1}, 2, 2)
	if _, err := Cholesky(neg); err == nil || !strings.Contains(err.Error(), "not positive definite") {
		t.Errorf("cholesky of an indefinite matrix: %v", err)
	}
}

func conj(a *nd.Array) *nd.Array {
	c, err := nd.Unary(nd.Conjugate, a)
	if err != nil {
		panic(err)
	}
	return c
}

// identity is element i of the n x n identity, row-major.
func identity(i, n int) complex128 {
	if i/n == i%n {
		return 1
	}
	return 0
}

// A rank-deficient complex matrix: its SVD has zero singular values, and u still has
// orthonormal columns (completed past the rank) and rebuilds the matrix.
func TestComplexSVDRankDeficient(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m, n, rank := 7, 4, 2
	x := make([]complex128, m*rank)
	y := make([]complex128, rank*n)
	for i := range x {
		x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	for i := range y {
		y[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	xa, _ := nd.FromSlice(x, m, rank)
	ya, _ := nd.FromSlice(y, rank, n)
	a, _ := Einsum("ik,kj->ij", xa, ya)
	u, s, vt, err := SVD(a)
	if err != nil {
		t.Fatal(err)
	}
	sv := nd.Values[float64](s)
	for i := 1; i < n; i++ {
		if sv[i] > sv[i-1] {
			t.Fatalf("singular values not descending: %v", sv)
		}
	}
	if sv[rank] > 1e-12*sv[0] {
		t.Fatalf("singular values %v: want %d zeros at the end", sv, n-rank)
	}
	uhu, _ := Einsum("ki,kj->ij", conj(u), u)
	for i, v := range nd.Values[complex128](uhu) {
		if cmplx.Abs(v-identity(i, n)) > 1e-12 {
			t.Fatalf("uᴴu[%d] = %v", i, v)
		}
	}
	us, _ := nd.Binary(nd.Multiply, u, s)
	back, _ := Einsum("ik,kj->ij", us, vt)
	want := nd.Values[complex128](a)
	for i, v := range nd.Values[complex128](back) {
		if cmplx.Abs(v-want[i]) > 1e-12 {
			t.Fatalf("u s vᴴ differs at %d: %v, want %v", i, v, want[i])
		}
	}
}
