package nd

import (
	"math"
	"strconv"
	"strings"
)

// Omit stands for a missing part of a slice, as in NumPy's "::2" (start and stop omitted).
const Omit = math.MinInt

type indexKind uint8

const (
	intIndex indexKind = iota + 1
	sliceIndex
	ellipsisIndex
	newAxisIndex
	arrayIndex // integer array (fancy) or boolean mask, told apart by the array's dtype
)

// Index selects along one axis (or, for Ellipsis, several; for a mask, as many as the
// mask has). Build one with Int, Slice, Whole, Ellipsis, NewAxis or Take, or parse NumPy
// syntax with ParseIndex.
type Index struct {
	kind              indexKind
	i                 int
	start, stop, step int
	arr               *Array
}

// Int selects one position; the axis disappears. Negative positions count from the end.
func Int(i int) Index { return Index{kind: intIndex, i: i} }

// Slice is NumPy's start:stop:step. Pass Omit for a part that is left out; a step of Omit
// means 1. Negative start and stop count from the end; a negative step walks backwards.
func Slice(start, stop, step int) Index {
	return Index{kind: sliceIndex, start: start, stop: stop, step: step}
}

// Whole is ":", the whole axis.
func Whole() Index { return Slice(Omit, Omit, Omit) }

// Ellipsis is "...", as many ":" as needed to index every axis.
func Ellipsis() Index { return Index{kind: ellipsisIndex} }

// NewAxis is None (np.newaxis): inserts an axis of length one.
func NewAxis() Index { return Index{kind: newAxisIndex} }

// Take selects with an array: an integer array picks positions along one axis (NumPy's
// fancy indexing), a boolean array is a mask over as many axes as it has. Both copy.
func Take(arr *Array) Index { return Index{kind: arrayIndex, arr: arr} }

// IsSlice reports whether the index is a slice (including Whole).
func (ix Index) IsSlice() bool { return ix.kind == sliceIndex }

// IsInt reports whether the index is a single position.
func (ix Index) IsInt() bool { return ix.kind == intIndex }

// IsEllipsis reports whether the index is "...".
func (ix Index) IsEllipsis() bool { return ix.kind == ellipsisIndex }

// IsNewAxis reports whether the index is None (np.newaxis).
func (ix Index) IsNewAxis() bool { return ix.kind == newAxisIndex }

// Array returns the index array of a Take index, and nil for every other kind.
func (ix Index) Array() *Array {
	if ix.kind != arrayIndex {
		return nil
	}
	return ix.arr
}

// Resolve returns the concrete start, step and number of elements a slice selects from an
// axis of the given length, as Python's slice.indices does. For an integer index it
// returns the position, step 1 and count 1.
func (ix Index) Resolve(length int) (start, step, n int, err error) {
	switch ix.kind {
	case intIndex:
		i := ix.i
		if i < -length || i >= length {
			return 0, 0, 0, newError("index", ErrIndex, "index %d is out of bounds for axis with size %d", ix.i, length)
		}
		if i < 0 {
			i += length
		}
		return i, 1, 1, nil
	case sliceIndex:
	default:
		return 0, 0, 0, newError("index", ErrValue, "only integers and slices resolve to positions")
	}
	step = ix.step
	if step == Omit {
		step = 1
	}
	if step == 0 {
		return 0, 0, 0, newError("index", ErrValue, "slice step cannot be zero")
	}
	lower, upper := 0, length
	if step < 0 {
		lower, upper = -1, length-1
	}
	clamp := func(v, def int) int {
		switch {
		case v == Omit:
			return def
		case v < 0:
			return max(v+length, lower)
		default:
			return min(v, upper)
		}
	}
	if step > 0 {
		start, stop := clamp(ix.start, lower), clamp(ix.stop, upper)
		return start, step, max(0, (stop-start+step-1)/step), nil
	}
	start, stop := clamp(ix.start, upper), clamp(ix.stop, lower)
	return start, step, max(0, (start-stop-step-1)/(-step)), nil
}

func (ix Index) String() string {
	part := func(v int) string {
		if v == Omit {
			return ""
		}
		return strconv.Itoa(v)
	}
	switch ix.kind {
	case intIndex:
		return strconv.Itoa(ix.i)
	case sliceIndex:
		s := part(ix.start) + ":" + part(ix.stop)
		if ix.step != Omit {
			s += ":" + part(ix.step)
		}
		return s
	case ellipsisIndex:
		return "..."
	case newAxisIndex:
		return "None"
	case arrayIndex:
		return "<" + ix.arr.describe() + ">"
	}
	return "?"
}

// FormatIndex prints indices in NumPy syntax, such as "::2, 5000:".
func FormatIndex(idx []Index) string {
	parts := make([]string, len(idx))
	for i, ix := range idx {
		parts[i] = ix.String()
	}
	return strings.Join(parts, ", ")
}

// ParseIndex parses NumPy index syntax: integers, slices with optional parts, "...",
// "None" or "newaxis", separated by commas, optionally inside brackets. For example
// "::2, 5000:" or "..., None, -1".
func ParseIndex(s string) ([]Index, error) {
	body := strings.TrimSpace(s)
	if strings.HasPrefix(body, "[") && strings.HasSuffix(body, "]") {
		body = body[1 : len(body)-1]
	}
	if strings.TrimSpace(body) == "" {
		return nil, newError("parse index", ErrValue, "empty index %q", s)
	}
	var out []Index
	col := strings.Index(s, body)
	for _, item := range strings.Split(body, ",") {
		ix, err := parseIndexItem(s, item, col)
		if err != nil {
			return nil, err
		}
		out = append(out, ix)
		col += len(item) + 1
	}
	return out, nil
}

func parseIndexItem(full, item string, col int) (Index, error) {
	t := strings.TrimSpace(item)
	col += strings.Index(item, t)
	bad := func(what string) (Index, error) {
		return Index{}, newError("parse index", ErrValue, "%s in %q at column %d", what, full, col+1)
	}
	switch t {
	case "":
		return bad("empty index")
	case "...":
		return Ellipsis(), nil
	case "None", "newaxis", "np.newaxis":
		return NewAxis(), nil
	}
	parts := strings.Split(t, ":")
	if len(parts) > 3 {
		return bad("too many colons")
	}
	vals := make([]int, 3)
	for i := range vals {
		vals[i] = Omit
	}
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" || p == "None" {
			if len(parts) == 1 {
				return bad("empty index")
			}
			continue
		}
		v, err := strconv.Atoi(p)
		if err != nil || v == Omit {
			return bad("not an integer: " + strconv.Quote(p))
		}
		vals[i] = v
	}
	if len(parts) == 1 {
		return Int(vals[0]), nil
	}
	if vals[2] == 0 {
		return bad("slice step cannot be zero")
	}
	return Slice(vals[0], vals[1], vals[2]), nil
}

// IndexString is Index with indices parsed from NumPy syntax.
func (a *Array) IndexString(s string) (*Array, error) {
	idx, err := ParseIndex(s)
	if err != nil {
		return nil, err
	}
	return a.Index(idx...)
}

// Index selects with NumPy's rules. Integers, slices, Ellipsis and NewAxis give a view;
// one Take index (integer array or boolean mask) gives a copy.
func (a *Array) Index(idx ...Index) (*Array, error) {
	v, advPos, adv, err := a.basicIndex(idx)
	if err != nil {
		return nil, err
	}
	if adv == nil {
		return v, nil
	}
	if adv.dtype == Bool {
		return maskSelect(v, advPos, adv)
	}
	return takeAlong(v, advPos, adv)
}

// basicIndex applies every index but an array one, which it returns with the axis of the
// view where it applies.
func (a *Array) basicIndex(idx []Index) (view *Array, advPos int, adv *Array, err error) {
	consumed, ellipses := 0, 0
	for _, ix := range idx {
		switch ix.kind {
		case intIndex, sliceIndex:
			consumed++
		case ellipsisIndex:
			ellipses++
		case arrayIndex:
			if adv != nil {
				return nil, 0, nil, newError("index", ErrIndex, "only one integer-array or boolean-mask index is supported, got %s", FormatIndex(idx))
			}
			if ix.arr == nil {
				return nil, 0, nil, newError("index", ErrValue, "nil index array")
			}
			adv = ix.arr
			if ix.arr.dtype == Bool {
				consumed += max(ix.arr.NDim(), 1)
			} else if ix.arr.dtype.IsInteger() {
				consumed++
			} else {
				return nil, 0, nil, newError("index", ErrIndex, "arrays used as indices must be of integer or boolean type, not %v", ix.arr.dtype)
			}
		case newAxisIndex:
		default:
			return nil, 0, nil, newError("index", ErrValue, "zero Index value")
		}
	}
	if ellipses > 1 {
		return nil, 0, nil, newError("index", ErrIndex, "an index can only have a single ellipsis ('...'), got %s", FormatIndex(idx))
	}
	if consumed > len(a.shape) {
		return nil, 0, nil, newError("index", ErrIndex, "too many indices for array: array is %d-dimensional, but %d were indexed", len(a.shape), consumed)
	}
	shape, strides := make([]int, 0, len(a.shape)+len(idx)), make([]int, 0, len(a.shape)+len(idx))
	off, axis := a.offset, 0
	keep := func(n int) {
		for ; n > 0; n-- {
			shape, strides = append(shape, a.shape[axis]), append(strides, a.strides[axis])
			axis++
		}
	}
	for _, ix := range idx {
		switch ix.kind {
		case ellipsisIndex:
			keep(len(a.shape) - consumed)
		case newAxisIndex:
			shape, strides = append(shape, 1), append(strides, 0)
		case intIndex:
			start, _, _, err := ix.Resolve(a.shape[axis])
			if err != nil {
				return nil, 0, nil, newError("index", ErrIndex, "index %d is out of bounds for axis %d with size %d", ix.i, axis, a.shape[axis])
			}
			off += start * a.strides[axis]
			axis++
		case sliceIndex:
			start, step, n, err := ix.Resolve(a.shape[axis])
			if err != nil {
				return nil, 0, nil, err
			}
			if n > 0 {
				off += start * a.strides[axis]
			}
			shape, strides = append(shape, n), append(strides, step*a.strides[axis])
			axis++
		case arrayIndex:
			advPos = len(shape)
			k := 1
			if ix.arr.dtype == Bool {
				k = max(ix.arr.NDim(), 1)
			}
			keep(k)
		}
	}
	keep(len(a.shape) - axis)
	return a.view(shape, strides, off), advPos, adv, nil
}

// takeAlong copies the positions listed in idx (an integer array) from axis of a; the
// index array's axes replace that axis.
func takeAlong(a *Array, axis int, idx *Array) (*Array, error) {
	positions := Values[int64](idx)
	n := a.shape[axis]
	for i, p := range positions {
		if p < int64(-n) || p >= int64(n) {
			return nil, newError("index", ErrIndex, "index %d is out of bounds for axis %d with size %d", p, axis, n)
		}
		if p < 0 {
			positions[i] += int64(n)
		}
	}
	return gather(a, axis, positions, idx.shape)
}

// gather builds a new array from a by picking positions along axis, laid out with the
// shape idxShape in place of that axis.
func gather(a *Array, axis int, positions []int64, idxShape []int) (*Array, error) {
	outShape := append(append(append([]int{}, a.shape[:axis]...), idxShape...), a.shape[axis+1:]...)
	out, err := New(a.dtype, outShape...)
	if err != nil {
		return nil, err
	}
	// View out with the index axes flattened, so position i is one axis.
	flat := append(append(append([]int{}, a.shape[:axis]...), len(positions)), a.shape[axis+1:]...)
	o := out.view(flat, cStrides(flat), 0)
	for i, p := range positions {
		dst := o.view(dropAxis(o.shape, axis), dropAxis(o.strides, axis), i*o.strides[axis])
		src := a.view(dropAxis(a.shape, axis), dropAxis(a.strides, axis), a.offset+int(p)*a.strides[axis])
		copyInto(dst, src)
	}
	return out, nil
}

func dropAxis(s []int, axis int) []int {
	return append(append([]int{}, s[:axis]...), s[axis+1:]...)
}

// maskSelect keeps the elements where mask is true; the mask covers the axes of a from
// axis on, and they become one axis of length count_nonzero(mask).
func maskSelect(a *Array, axis int, mask *Array) (*Array, error) {
	k := mask.NDim()
	if k == 0 { // a 0-d mask adds an axis of length 1 or 0
		a, _ = a.ExpandDims(axis)
		mask, _ = mask.Reshape(1)
		k = 1
	}
	for d := range k {
		if mask.shape[d] != a.shape[axis+d] {
			return nil, newError("index", ErrIndex, "boolean index did not match indexed array along dimension %d; dimension is %d but corresponding boolean dimension is %d", axis+d, a.shape[axis+d], mask.shape[d])
		}
	}
	merged := append(append(append([]int{}, a.shape[:axis]...), -1), a.shape[axis+k:]...)
	if a.Size() == 0 {
		merged[axis] = mask.Size()
	}
	flat, err := a.Reshape(merged...)
	if err != nil {
		return nil, err
	}
	var positions []int64
	for i, b := range Values[bool](mask) {
		if b {
			positions = append(positions, int64(i))
		}
	}
	return gather(flat, axis, positions, []int{len(positions)})
}
