package nd

// Transpose permutes the axes; with no axes it reverses them, like NumPy's a.T. The result
// is a view.
func (a *Array) Transpose(axes ...int) (*Array, error) {
	n := len(a.shape)
	if len(axes) == 0 {
		axes = make([]int, n)
		for i := range axes {
			axes[i] = n - 1 - i
		}
	}
	perm, err := normalizePermutation("transpose", axes, n)
	if err != nil {
		return nil, err
	}
	shape, strides := make([]int, n), make([]int, n)
	for i, p := range perm {
		shape[i], strides[i] = a.shape[p], a.strides[p]
	}
	return a.view(shape, strides, a.offset), nil
}

// T is Transpose with the axes reversed.
func (a *Array) T() *Array {
	t, _ := a.Transpose()
	return t
}

func normalizePermutation(op string, axes []int, n int) ([]int, error) {
	if len(axes) != n {
		return nil, newError(op, ErrAxis, "axes %v don't match array of dimension %d", axes, n)
	}
	perm, err := NormalizeAxes(op, axes, n)
	if err != nil {
		return nil, err
	}
	return perm, nil
}

// NormalizeAxes maps negative axes to positive ones and checks that each is in range and
// appears once. The order is kept.
func NormalizeAxes(op string, axes []int, ndim int) ([]int, error) {
	out := make([]int, len(axes))
	seen := make([]bool, ndim)
	for i, ax := range axes {
		if ax < -ndim || ax >= ndim {
			return nil, newError(op, ErrAxis, "axis %d is out of bounds for array of dimension %d", ax, ndim)
		}
		if ax < 0 {
			ax += ndim
		}
		if seen[ax] {
			return nil, newError(op, ErrAxis, "repeated axis %d in %v", ax, axes)
		}
		seen[ax] = true
		out[i] = ax
	}
	return out, nil
}

// MoveAxis moves axis src to position dst, keeping the order of the others.
func (a *Array) MoveAxis(src, dst int) (*Array, error) {
	n := len(a.shape)
	s, err := a.checkAxis("moveaxis", src)
	if err != nil {
		return nil, err
	}
	d, err := a.checkAxis("moveaxis", dst)
	if err != nil {
		return nil, err
	}
	order := make([]int, 0, n)
	for i := range n {
		if i != s {
			order = append(order, i)
		}
	}
	order = append(order[:d], append([]int{s}, order[d:]...)...)
	return a.Transpose(order...)
}

// SwapAxes exchanges two axes.
func (a *Array) SwapAxes(i, j int) (*Array, error) {
	ii, err := a.checkAxis("swapaxes", i)
	if err != nil {
		return nil, err
	}
	jj, err := a.checkAxis("swapaxes", j)
	if err != nil {
		return nil, err
	}
	order := make([]int, len(a.shape))
	for k := range order {
		order[k] = k
	}
	order[ii], order[jj] = jj, ii
	return a.Transpose(order...)
}

// ExpandDims inserts axes of length one at the given positions of the result.
func (a *Array) ExpandDims(axes ...int) (*Array, error) {
	n := len(a.shape) + len(axes)
	pos, err := NormalizeAxes("expand_dims", axes, n)
	if err != nil {
		return nil, err
	}
	isNew := make([]bool, n)
	for _, p := range pos {
		isNew[p] = true
	}
	shape, strides := make([]int, 0, n), make([]int, 0, n)
	j := 0
	for i := range n {
		if isNew[i] {
			shape, strides = append(shape, 1), append(strides, 0)
			continue
		}
		shape, strides = append(shape, a.shape[j]), append(strides, a.strides[j])
		j++
	}
	return a.view(shape, strides, a.offset), nil
}

// Squeeze removes the given axes, which must have length one, or all axes of length one.
func (a *Array) Squeeze(axes ...int) (*Array, error) {
	drop := make([]bool, len(a.shape))
	if len(axes) == 0 {
		for d, s := range a.shape {
			drop[d] = s == 1
		}
	} else {
		norm, err := NormalizeAxes("squeeze", axes, len(a.shape))
		if err != nil {
			return nil, err
		}
		for _, d := range norm {
			if a.shape[d] != 1 {
				return nil, newError("squeeze", ErrShape, "cannot select an axis to squeeze out which has size not equal to one (axis %d of shape %s)", d, ShapeString(a.shape))
			}
			drop[d] = true
		}
	}
	var shape, strides []int
	for d := range a.shape {
		if !drop[d] {
			shape, strides = append(shape, a.shape[d]), append(strides, a.strides[d])
		}
	}
	return a.view(nonNil(shape), nonNil(strides), a.offset), nil
}

func nonNil(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}

// BroadcastShapes returns the shape that arrays of the given shapes broadcast to under
// NumPy's rules: align trailing axes; lengths must match or be one.
func BroadcastShapes(shapes ...[]int) ([]int, error) {
	n := 0
	for _, s := range shapes {
		n = max(n, len(s))
	}
	out := make([]int, n)
	for i := range out {
		out[i] = 1
	}
	for _, s := range shapes {
		for i, l := range s {
			j := n - len(s) + i
			switch {
			case out[j] == l || l == 1:
			case out[j] == 1:
				out[j] = l
			default:
				return nil, broadcastError(shapes)
			}
		}
	}
	return out, nil
}

func broadcastError(shapes [][]int) error {
	msg := "operands could not be broadcast together with shapes"
	for _, s := range shapes {
		msg += " " + ShapeString(s)
	}
	return newError("broadcast", ErrShape, "%s", msg)
}

// BroadcastTo returns a read-only view of a with the given shape, repeating axes of length
// one with stride zero. Writing into such a view writes the same element many times.
func (a *Array) BroadcastTo(shape ...int) (*Array, error) {
	if len(shape) < len(a.shape) {
		return nil, broadcastError([][]int{a.shape, shape})
	}
	strides := make([]int, len(shape))
	lead := len(shape) - len(a.shape)
	for i := range shape {
		if i < lead {
			continue
		}
		switch l := a.shape[i-lead]; {
		case l == shape[i]:
			strides[i] = a.strides[i-lead]
		case l == 1:
			strides[i] = 0
		default:
			return nil, broadcastError([][]int{a.shape, shape})
		}
	}
	return a.view(append([]int{}, shape...), strides, a.offset), nil
}

// BroadcastArrays broadcasts all arrays to their common shape, as views.
func BroadcastArrays(arrays ...*Array) ([]*Array, error) {
	shapes := make([][]int, len(arrays))
	for i, a := range arrays {
		shapes[i] = a.shape
	}
	shape, err := BroadcastShapes(shapes...)
	if err != nil {
		return nil, err
	}
	out := make([]*Array, len(arrays))
	for i, a := range arrays {
		out[i], _ = a.BroadcastTo(shape...)
	}
	return out, nil
}
