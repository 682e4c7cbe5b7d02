package linalg

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/darray-go/darray/nd"
)

// A matrix tall enough to be factored in pieces (tallQR) gives a q with
// orthonormal columns and an upper-triangular r whose product is the matrix.
func TestTallQRInPieces(t *testing.T) {
	m, n := 3*leafTest+17, 8
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]float64, m*n)
	for i := range data {
		data[i] = rng.NormFloat64()
	}
	a, _ := nd.FromSlice(data, m, n)
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
