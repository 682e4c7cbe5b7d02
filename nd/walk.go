package nd

// walker visits an n-d index space shared by several operands, each with its own strides,
// one innermost run at a time. Kernels then work on whole runs, never on single elements
// through an interface. Dimensions of length 1 are dropped and neighbouring dimensions
// that are contiguous for every operand are merged, so a C-contiguous array of any rank
// is walked as one long run.
type walker struct {
	shape   []int   // outermost first; the last entry is the run length
	strides [][]int // strides[k][d]: operand k's stride along dimension d, in elements
	size    int
}

func newWalker(shape []int, strides ...[]int) walker {
	w := walker{size: 1, strides: make([][]int, len(strides))}
	for _, n := range shape {
		w.size *= n
	}
	for d, n := range shape {
		if n == 1 {
			continue
		}
		if m := len(w.shape); m > 0 && mergeable(w, strides, d, n, m-1) {
			w.shape[m-1] *= n
			for k := range strides {
				w.strides[k][m-1] = strides[k][d]
			}
			continue
		}
		w.shape = append(w.shape, n)
		for k := range strides {
			w.strides[k] = append(w.strides[k], strides[k][d])
		}
	}
	if len(w.shape) == 0 { // a single element
		w.shape = []int{1}
		for k := range w.strides {
			w.strides[k] = []int{0}
		}
	}
	return w
}

// mergeable reports whether original dimension d, of length n, can be folded into walker
// dimension m: for every operand, one step along m equals n steps along d.
func mergeable(w walker, strides [][]int, d, n, m int) bool {
	for k := range strides {
		if w.strides[k][m] != strides[k][d]*n {
			return false
		}
	}
	return true
}

// runLen is the length of each innermost run.
func (w walker) runLen() int { return w.shape[len(w.shape)-1] }

// runStride is operand k's stride within a run.
func (w walker) runStride(k int) int { return w.strides[k][len(w.shape)-1] }

// each calls visit once per innermost run with the element offset of each operand's run
// start, starting from the operands' base offsets. offs is reused between calls.
func (w walker) each(base []int, visit func(offs []int)) {
	if w.size == 0 {
		return
	}
	outer := len(w.shape) - 1
	offs := append([]int(nil), base...)
	idx := make([]int, outer)
	for {
		visit(offs)
		d := outer - 1
		for ; d >= 0; d-- {
			idx[d]++
			for k := range offs {
				offs[k] += w.strides[k][d]
			}
			if idx[d] < w.shape[d] {
				break
			}
			for k := range offs {
				offs[k] -= w.strides[k][d] * w.shape[d]
			}
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}
