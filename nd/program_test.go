package nd_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/darray-go/darray/internal/ndtest"
	"github.com/darray-go/darray/nd"
)

// TestProgramMatchesStepByStep evaluates random fused programs over inputs of mixed dtypes
// and broadcastable shapes and compares with applying each operation to whole arrays.
func TestProgramMatchesStepByStep(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	binary := []string{"add", "subtract", "multiply", "divide", "maximum", "less", "power", "mod"}
	unary := []string{"negative", "exp", "sqrt", "absolute", "floor", "isnan"}
	dtypes := []nd.DType{nd.Float64, nd.Float32, nd.Int32, nd.Int8, nd.Complex128}
	shapes := [][]int{{5000, 3}, {3}, {5000, 1}, {}}
	for trial := range 200 {
		nin := 1 + rng.IntN(3)
		inputs := make([]*nd.Array, nin)
		for i := range inputs {
			x := randomFloats(rng, shapes[rng.IntN(len(shapes))]...)
			x = must(nd.Binary(nd.Multiply, x, nd.Scalar(3.0)))
			inputs[i] = must(x.AsType(dtypes[rng.IntN(len(dtypes))]))
		}
		if trial%4 == 0 { // a non-contiguous input
			inputs[0] = must(randomFloats(rng, 3, 5000).Transpose())
		}
		p := &nd.Program{NumInputs: nin}
		vals := append([]*nd.Array{}, inputs...)
		for k := 0; k < 1+rng.IntN(5); k++ {
			var s nd.Step
			var want *nd.Array
			var err error
			switch r := rng.IntN(10); {
			case r < 5:
				op := binary[rng.IntN(len(binary))]
				s = nd.Step{Op: op, Args: []int{rng.IntN(len(vals)), rng.IntN(len(vals))}}
				bop, _ := nd.BinaryOpNamed(op)
				want, err = nd.Binary(bop, vals[s.Args[0]], vals[s.Args[1]])
			case r < 8:
				op := unary[rng.IntN(len(unary))]
				s = nd.Step{Op: op, Args: []int{rng.IntN(len(vals))}}
				uop, _ := nd.UnaryOpNamed(op)
				want, err = nd.Unary(uop, vals[s.Args[0]])
			case r < 9:
				s = nd.Step{Op: "astype", Args: []int{rng.IntN(len(vals))}, DType: dtypes[rng.IntN(len(dtypes))]}
				want, err = vals[s.Args[0]].AsType(s.DType)
			default:
				cond := must(nd.Binary(nd.Greater, vals[0], nd.Scalar(0.0)))
				if cond.DType() != nd.Bool {
					continue
				}
				// where(v0 > 0, a, b) needs the comparison as a step first.
				p.Steps = append(p.Steps, nd.Step{Op: "greater", Args: []int{0, 0}})
				vals = append(vals, must(nd.Binary(nd.Greater, vals[0], vals[0])))
				s = nd.Step{Op: "where", Args: []int{len(vals) - 1, rng.IntN(len(vals)), rng.IntN(len(vals))}}
				want, err = nd.Where(vals[s.Args[0]], vals[s.Args[1]], vals[s.Args[2]])
			}
			if err != nil {
				continue // a step NumPy would refuse (say, mod of complex): leave it out
			}
			p.Steps = append(p.Steps, s)
			vals = append(vals, want)
		}
		if len(p.Steps) == 0 {
			continue
		}
		got, err := p.Eval(inputs...)
		if err != nil {
			t.Fatalf("program %v: %v", p.Steps, err)
		}
		want := vals[len(vals)-1]
		if bs, err := nd.BroadcastArrays(append(append([]*nd.Array{}, inputs...), want)...); err == nil {
			want = bs[len(bs)-1].Copy()
		}
		ndtest.Close(t, "program", got, want, 1e-12)
		if rt, _ := p.ResultType(inputDTypesOf(inputs)...); rt != got.DType() {
			t.Errorf("ResultType %v, Eval gives %v", rt, got.DType())
		}
	}
}

func inputDTypesOf(in []*nd.Array) []nd.DType {
	out := make([]nd.DType, len(in))
	for i, a := range in {
		out[i] = a.DType()
	}
	return out
}

func TestProgramRejectsBadPrograms(t *testing.T) {
	x := must(nd.Ones(nd.Float64, 3))
	bad := []*nd.Program{
		{NumInputs: 1},
		{NumInputs: 1, Steps: []nd.Step{{Op: "add", Args: []int{0, 1}}}},
		{NumInputs: 1, Steps: []nd.Step{{Op: "frobnicate", Args: []int{0}}}},
		{NumInputs: 1, Steps: []nd.Step{{Op: "bitwise_and", Args: []int{0, 0}}}},
		{NumInputs: 2, Steps: []nd.Step{{Op: "add", Args: []int{0, 1}}}},
	}
	for _, p := range bad {
		if _, err := p.Eval(x); err == nil || !errors.As(err, new(*nd.Error)) {
			t.Errorf("program %+v: error %v, want an *nd.Error", p, err)
		}
	}
}
