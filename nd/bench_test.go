package nd_test

import (
	"math/rand/v2"
	"testing"

	"github.com/darray-go/darray/nd"
)

// The issue-2 benchmark set: 1e7 float64 on one core (run with GOMAXPROCS=1 -cpu 1),
// compared with NumPy by bench/nd.sh.
const benchN = 10_000_000

func benchInputs() (a, b, c *nd.Array) {
	rng := rand.New(rand.NewPCG(1, 1))
	mk := func() *nd.Array {
		x, _ := nd.New(nd.Float64, benchN) // allocated by nd, as NumPy allocates its own
		v, _ := nd.Data[float64](x)
		for i := range v {
			v[i] = rng.Float64()
		}
		return x
	}
	return mk(), mk(), mk()
}

func BenchmarkAdd1e7(bm *testing.B) {
	a, b, _ := benchInputs()
	bm.SetBytes(3 * 8 * benchN)
	for bm.Loop() {
		nd.Binary(nd.Add, a, b)
	}
}

func BenchmarkMulAdd1e7(bm *testing.B) {
	a, b, c := benchInputs()
	for bm.Loop() {
		ab, _ := nd.Binary(nd.Multiply, a, b)
		nd.Binary(nd.Add, ab, c)
	}
}

func benchReduce(bm *testing.B, op nd.ReduceOp) {
	a, _, _ := benchInputs()
	bm.SetBytes(8 * benchN)
	for bm.Loop() {
		nd.Reduce(op, a, nd.ReduceArgs{})
	}
}

func BenchmarkSum1e7(bm *testing.B)  { benchReduce(bm, nd.Sum) }
func BenchmarkMean1e7(bm *testing.B) { benchReduce(bm, nd.Mean) }
func BenchmarkVar1e7(bm *testing.B)  { benchReduce(bm, nd.Var) }

// BenchmarkTransposeCopy1e7 copies a 2500x4000 array's transpose into C order: np.ascontiguousarray(a.T).
func BenchmarkTransposeCopy1e7(bm *testing.B) {
	a, _, _ := benchInputs()
	m, _ := a.Reshape(2500, 4000)
	t := m.T()
	bm.SetBytes(2 * 8 * benchN)
	for bm.Loop() {
		t.Copy()
	}
}

// BenchmarkMulAddFused1e7 computes a*b + c as one fused program: one output, no temporary.
func BenchmarkMulAddFused1e7(bm *testing.B) {
	a, b, c := benchInputs()
	p := &nd.Program{NumInputs: 3, Steps: []nd.Step{{Op: "multiply", Args: []int{0, 1}}, {Op: "add", Args: []int{3, 2}}}}
	for bm.Loop() {
		p.Eval(a, b, c)
	}
}
