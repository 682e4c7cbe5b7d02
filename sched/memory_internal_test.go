package sched

import (
	"bytes"
	"testing"

	"github.com/darray-go/darray/nd"
)

// A partial state comes back from its spill file whole: the same arrays and the same
// hidden bookkeeping (an arg reduction over all axes keeps flat positions), which the
// encoding used between processes writes out, so equal encodings mean equal states.
func TestSpillKeepsPartialStates(t *testing.T) {
	a, err := nd.Arange(nd.Float64, 0, 24, 1)
	if err != nil {
		t.Fatal(err)
	}
	a, err = a.Reshape(2, 3, 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		op   nd.ReduceOp
		axes []int
	}{{nd.ArgMax, nil}, {nd.ArgMin, []int{1}}, {nd.Var, []int{0, 2}}, {nd.Sum, nil}} {
		p, err := nd.ReducePartial(tc.op, a, tc.axes, []int{2, 0, 4}, []int{6, 3, 8})
		if err != nil {
			t.Fatal(err)
		}
		store := &spillStore{parent: t.TempDir()}
		meta, err := store.write("k", p)
		if err != nil {
			t.Fatal(err)
		}
		back, err := store.read(meta)
		if err != nil {
			t.Fatal(err)
		}
		var want, got bytes.Buffer
		if err := nd.WritePartial(&want, p); err != nil {
			t.Fatal(err)
		}
		if err := nd.WritePartial(&got, back.(*nd.Partial)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want.Bytes(), got.Bytes()) {
			t.Errorf("%v over %v: the partial state read back from its spill file differs from the one written", tc.op, tc.axes)
		}
		store.close()
	}
}
