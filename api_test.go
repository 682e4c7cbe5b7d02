package darray_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/npy"
)

// apiCases applies the darray operation behind each golden case of
// tools/golden/api_golden.py to its inputs.
var apiCases = map[string]func(in []*darray.Array) *darray.Array{
	"concatenate_axis0":    func(in []*darray.Array) *darray.Array { return darray.Concatenate(in, 0) },
	"concatenate_promotes": func(in []*darray.Array) *darray.Array { return darray.Concatenate(in, -1) },
	"stack_axis1":          func(in []*darray.Array) *darray.Array { return darray.Stack(in, 1) },
	"hstack_1d":            func(in []*darray.Array) *darray.Array { return darray.HStack(in...) },
	"hstack_2d":            func(in []*darray.Array) *darray.Array { return darray.HStack(in...) },
	"vstack_1d":            func(in []*darray.Array) *darray.Array { return darray.VStack(in...) },
	"block":                func(in []*darray.Array) *darray.Array { return darray.Block(in[:2], in[2:]) },
	"flip_axis0":           func(in []*darray.Array) *darray.Array { return in[0].Flip(0) },
	"flip_all":             func(in []*darray.Array) *darray.Array { return in[0].Flip() },
	"roll_positive":        func(in []*darray.Array) *darray.Array { return in[0].Roll(3, 1) },
	"roll_negative":        func(in []*darray.Array) *darray.Array { return in[0].Roll(-17, 0) },
	"tile":                 func(in []*darray.Array) *darray.Array { return in[0].Tile(2, 1, 3) },
	"repeat":               func(in []*darray.Array) *darray.Array { return in[0].Repeat(3, 1) },
	"pad_reflect_one": func(in []*darray.Array) *darray.Array {
		return in[0].Pad([][2]int{{3, 2}}, darray.PadReflect, 0)
	},
}

func init() {
	for _, mode := range []darray.PadMode{darray.PadConstant, darray.PadEdge, darray.PadReflect, darray.PadSymmetric, darray.PadWrap} {
		apiCases["pad_"+string(mode)] = func(in []*darray.Array) *darray.Array {
			return in[0].Pad([][2]int{{2, 3}, {4, 1}}, mode, 1.5)
		}
		apiCases["pad_wide_"+string(mode)] = func(in []*darray.Array) *darray.Array {
			return in[0].Pad([][2]int{{7, 5}, {0, 9}}, mode, 1.5)
		}
	}
}

// TestAPIMatchesNumPy checks every golden case under several random chunkings of its
// inputs, and that every case the script wrote has a darray counterpart.
func TestAPIMatchesNumPy(t *testing.T) {
	dir := filepath.Join("testdata", "golden", "api")
	wants, err := filepath.Glob(filepath.Join(dir, "*.want.npy"))
	if err != nil || len(wants) == 0 {
		t.Fatalf("no golden cases in %s (%v)", dir, err)
	}
	sort.Strings(wants)
	rng := rand.New(rand.NewPCG(7, 70))
	for _, wantPath := range wants {
		name := strings.TrimSuffix(filepath.Base(wantPath), ".want.npy")
		apply, ok := apiCases[name]
		if !ok {
			t.Errorf("%s: golden case without a darray counterpart", name)
			continue
		}
		want, err := npy.ReadFile(wantPath)
		if err != nil {
			t.Fatal(err)
		}
		var inputs []*nd.Array
		for i := 0; ; i++ {
			p := filepath.Join(dir, name+".in"+string(rune('0'+i))+".npy")
			if _, err := os.Stat(p); err != nil {
				break
			}
			x, err := npy.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			inputs = append(inputs, x)
		}
		for trial := range 4 {
			in := make([]*darray.Array, len(inputs))
			for i, x := range inputs {
				in[i] = darray.FromArray(x, randomChunks(rng, x.Shape()))
			}
			got := compute(t, apply(in))
			if got.DType() != want.DType() {
				t.Errorf("%s: dtype %v, want %v", name, got.DType(), want.DType())
			}
			sameArray(t, name+" trial "+string(rune('0'+trial)), got, want, 0)
		}
	}
}

// TestJoinErrors: bad arguments name the operation and what was wrong.
func TestJoinErrors(t *testing.T) {
	a := darray.Zeros([]int{3, 4}, nd.Float64, darray.ChunkSize(2))
	b := darray.Zeros([]int{3, 5}, nd.Float64, darray.ChunkSize(2))
	c := darray.Zeros([]int{3}, nd.Float64, darray.ChunkSize(2))
	cases := []struct {
		got  *darray.Array
		want string
	}{
		{darray.Concatenate(nil, 0), "at least one array"},
		{darray.Concatenate([]*darray.Array{a, b}, 0), "along dimension 1, array 0 has size 4 and array 1 has size 5"},
		{darray.Concatenate([]*darray.Array{a, c}, 0), "same number of dimensions"},
		{darray.Concatenate([]*darray.Array{a, a}, 2), "axis 2"},
		{darray.Stack([]*darray.Array{a, b}, 0), "same shape"},
		{a.Pad([][2]int{{1, 1}}, "mirror", 0), `unknown mode "mirror"`},
		{a.Pad([][2]int{{1, 1}, {1, 1}, {1, 1}}, darray.PadEdge, 0), "3 pad widths"},
		{a.Pad([][2]int{{-1, 1}}, darray.PadEdge, 0), "negative pad width"},
		{darray.Zeros([]int{0, 2}, nd.Float64, darray.ChunkSize(2)).Pad([][2]int{{1, 1}}, darray.PadWrap, 0), "empty axis 0"},
		{a.Roll(1, 5), "axis 5"},
		{a.Tile(-1), "negative"},
		{a.Repeat(-2, 0), "negative repeats"},
	}
	for _, c := range cases {
		err := c.got.Err()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want an error containing %q", err, c.want)
		}
	}
}
