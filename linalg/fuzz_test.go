package linalg

import (
	"strings"
	"testing"

	"github.com/darray-go/darray/nd"
)

// FuzzEinsum: any notation either is refused with an error or evaluates on operands of
// the shapes it names, giving the output shape its letters say; nothing panics.
func FuzzEinsum(f *testing.F) {
	for _, s := range []string{"ij,jk->ik", "ii->i", "ij->", "bij,bjk->bik", "ij,jk", "i,i", "->", "ab,ba->", "i1->i", "ijk,,->", "a->aa", "Ab,bC->AC"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		if len(spec) > 40 {
			return
		}
		ins, _, _ := strings.Cut(strings.ReplaceAll(spec, " ", ""), "->")
		parts := strings.Split(ins, ",")
		ops := make([]*nd.Array, len(parts))
		size := map[rune]int{}
		for i, p := range parts {
			var shape []int
			for _, r := range p {
				if _, ok := size[r]; !ok {
					size[r] = 1 + int(r)%3
				}
				shape = append(shape, size[r])
			}
			if len(shape) > 6 {
				return
			}
			a, err := nd.Ones(nd.Float64, shape...)
			if err != nil {
				return
			}
			ops[i] = a
		}
		sp, err := ParseSpec(spec, len(ops))
		if err != nil {
			return
		}
		out, err := sp.Eval(ops...)
		if err != nil {
			return
		}
		if out.NDim() != len([]rune(sp.Output)) {
			t.Fatalf("%q: result of %d dimensions for output %q", spec, out.NDim(), sp.Output)
		}
		for i, r := range sp.Output {
			if out.Shape()[i] != size[r] {
				t.Fatalf("%q: output axis %d has length %d, letter %q %d", spec, i, out.Shape()[i], r, size[r])
			}
		}
	})
}
