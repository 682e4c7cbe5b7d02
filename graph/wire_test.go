package graph

import (
	"bytes"
	"testing"

	"github.com/darray-go/darray/nd"
)

// travelGraph lowers a sum over a transposed random array plus in-memory data: generator,
// data, element-wise, transpose and reduction layers, and partial, merge and block tasks.
func travelGraph(t testing.TB) *Graph {
	shape := []int{6, 6}
	ch, _ := RegularChunks(shape, []int{4, 3})
	x := NewLayer(Gen{Spec: &GenSpec{Kind: GenUniform, Seed: 3, High: 1, Shape: shape}}, nil, shape, nd.Float64, ch)
	xt := NewLayer(Transpose{Perm: []int{1, 0}}, []*Layer{x}, shape, nd.Float64, Chunks{ch[1], ch[0]})
	ones, _ := nd.Full(nd.Float64, 1, 6, 6)
	var blocks []*nd.Array
	ForEachBlock(xt.Chunks.NumBlocks(), func(b []int) {
		o := xt.Origin(b)
		s := xt.Chunks.BlockShape(b)
		v, _ := ones.Index(nd.Slice(o[0], o[0]+s[0], 1), nd.Slice(o[1], o[1]+s[1], 1))
		blocks = append(blocks, v)
	})
	data := NewLayer(Data{Blocks: blocks}, nil, shape, nd.Float64, xt.Chunks)
	add := NewLayer(Elementwise{Program: &nd.Program{NumInputs: 2, Steps: []nd.Step{{Op: "add", Args: []int{0, 1}}}}},
		[]*Layer{xt, data}, shape, nd.Float64, xt.Chunks)
	sum := NewLayer(Reduce{Op: nd.Sum, Axes: []int{0}, SplitEvery: 2}, []*Layer{add}, []int{6}, nd.Float64, Chunks{xt.Chunks[1]})
	g, err := Lower(sum, add)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// runAll executes a graph's tasks in order and returns its outputs' blocks.
func runAll(t testing.TB, g *Graph) [][]*nd.Array {
	results := make([]any, len(g.Tasks))
	for i := range g.Tasks {
		in := make([]any, len(g.Tasks[i].Deps))
		for k, d := range g.Tasks[i].Deps {
			in[k] = results[d]
		}
		var err error
		if results[i], err = Execute(&g.Tasks[i], in); err != nil {
			t.Fatal(err)
		}
	}
	var out [][]*nd.Array
	for _, o := range g.Outputs {
		var blocks []*nd.Array
		for _, id := range o.Tasks {
			blocks = append(blocks, results[id].(*nd.Array))
		}
		out = append(out, blocks)
	}
	return out
}

// A decoded graph has the same tasks, names and dependencies, and computes the same blocks.
func TestGraphTravels(t *testing.T) {
	g := travelGraph(t)
	var buf bytes.Buffer
	if err := EncodeGraph(&buf, g); err != nil {
		t.Fatal(err)
	}
	back, err := DecodeGraph(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Tasks) != len(g.Tasks) || len(back.Outputs) != len(g.Outputs) {
		t.Fatalf("%d tasks and %d outputs back, want %d and %d", len(back.Tasks), len(back.Outputs), len(g.Tasks), len(g.Outputs))
	}
	for i := range g.Tasks {
		a, b := &g.Tasks[i], &back.Tasks[i]
		if a.Name() != b.Name() || a.Op != b.Op || a.Bytes != b.Bytes || len(a.Deps) != len(b.Deps) {
			t.Errorf("task %d: %s %s %v back as %s %s %v", i, a.Name(), a.Op, a.Deps, b.Name(), b.Op, b.Deps)
		}
	}
	want, got := runAll(t, g), runAll(t, back)
	for o := range want {
		for k := range want[o] {
			if !bytes.Equal(want[o][k].Bytes(false), got[o][k].Bytes(false)) {
				t.Errorf("output %d block %d differs after the trip", o, k)
			}
		}
	}
}

// A parameter type nobody registered is an error naming it, not a silent loss.
func TestGraphTravelNeedsRegisteredTypes(t *testing.T) {
	type unregistered struct{ N int }
	g := &Graph{Tasks: []Task{{Op: "x", Key: "k", Params: unregistered{1}}}}
	err := EncodeGraph(&bytes.Buffer{}, g)
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("unregistered")) {
		t.Errorf("got %v, want an error naming the type", err)
	}
}

// FuzzDecodeGraph: damaged encodings give an error, never a panic or a graph whose
// references point outside it.
func FuzzDecodeGraph(f *testing.F) {
	var buf bytes.Buffer
	if err := EncodeGraph(&buf, travelGraph(f)); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := DecodeGraph(bytes.NewReader(data))
		if err != nil {
			return
		}
		for i, task := range g.Tasks {
			for _, d := range task.Deps {
				if d < 0 || d >= len(g.Tasks) {
					t.Fatalf("task %d depends on %d", i, d)
				}
			}
		}
	})
}
