package graph

import "github.com/darray-go/darray/nd"

// Window selects a strided box of an array and orders its axes: output axis i runs along
// source axis Perm[i], with element j of that axis at source position Start+j*Step. Slices
// and transposes pushed down toward a block's sources travel as Windows, so a generator or
// a file reader produces only the elements a computation uses.
type Window struct {
	Start, Step, Count []int // per source axis
	Perm               []int // output axis -> source axis
}

// newWindow allocates a window over n source axes with m output axes, in one allocation
// (lowering makes one or more per task, so this matters at a million tasks).
func newWindow(n, m int) Window {
	buf := make([]int, 3*n+m)
	return Window{Start: buf[:n:n], Step: buf[n : 2*n : 2*n], Count: buf[2*n : 3*n : 3*n], Perm: buf[3*n:]}
}

// FullWindow selects a whole array of the given shape, unchanged.
func FullWindow(shape []int) Window {
	w := newWindow(len(shape), len(shape))
	copy(w.Count, shape)
	for i := range shape {
		w.Step[i], w.Perm[i] = 1, i
	}
	return w
}

// Shape is the shape of the window's output.
func (w Window) Shape() []int {
	s := make([]int, len(w.Perm))
	for i, p := range w.Perm {
		s[i] = w.Count[p]
	}
	return s
}

// IsFull reports whether w is the whole of an array of the given shape, unchanged.
func (w Window) IsFull(shape []int) bool {
	for i := range shape {
		if w.Start[i] != 0 || w.Count[i] != shape[i] || (w.Step[i] != 1 && shape[i] > 1) || w.Perm[i] != i {
			return false
		}
	}
	return true
}

// Then returns the window that applies w and then v (v's Start, Step and Count are per
// axis of w's output).
func (w Window) Then(v Window) Window {
	out := newWindow(len(w.Start), len(v.Perm))
	copy(out.Start, w.Start)
	copy(out.Step, w.Step)
	copy(out.Count, w.Count)
	for a := range v.Start { // a: an axis of w's output, which is source axis w.Perm[a]
		s := w.Perm[a]
		out.Start[s] = w.Start[s] + w.Step[s]*v.Start[a]
		out.Step[s] = w.Step[s] * v.Step[a]
		out.Count[s] = v.Count[a]
	}
	for i, a := range v.Perm {
		out.Perm[i] = w.Perm[a]
	}
	return out
}

// Transposed returns w followed by a transpose of its output axes by perm.
func (w Window) Transposed(perm []int) Window {
	out := newWindow(len(w.Start), len(perm))
	copy(out.Start, w.Start)
	copy(out.Step, w.Step)
	copy(out.Count, w.Count)
	for i, p := range perm {
		out.Perm[i] = w.Perm[p]
	}
	return out
}

// Apply views a through the window, without copying.
func (w Window) Apply(a *nd.Array) (*nd.Array, error) {
	if w.IsFull(a.Shape()) {
		return a, nil
	}
	idx := make([]nd.Index, len(w.Start))
	for d := range idx {
		if w.Count[d] == 0 {
			idx[d] = nd.Slice(0, 0, 1)
			continue
		}
		stop := w.Start[d] + w.Step[d]*(w.Count[d]-1) + 1
		if w.Step[d] < 0 {
			stop = w.Start[d] + w.Step[d]*(w.Count[d]-1) - 1
			if stop < 0 {
				stop = nd.Omit
			}
		}
		idx[d] = nd.Slice(w.Start[d], stop, w.Step[d])
	}
	v, err := a.Index(idx...)
	if err != nil {
		return nil, err
	}
	return v.Transpose(w.Perm...)
}

// Shift moves the window's start by offset per source axis (local to global coordinates).
func (w Window) Shift(offset []int) Window {
	out := newWindow(len(w.Start), len(w.Perm))
	copy(out.Step, w.Step)
	copy(out.Count, w.Count)
	copy(out.Perm, w.Perm)
	for d := range w.Start {
		out.Start[d] = w.Start[d] + offset[d]
	}
	return out
}
