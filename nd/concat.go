package nd

// Concatenate joins arrays along an existing axis, as np.concatenate. The arrays must
// agree on every other axis; the result's dtype is their common one.
func Concatenate(arrays []*Array, axis int) (*Array, error) {
	if len(arrays) == 0 {
		return nil, newError("concatenate", ErrValue, "need at least one array to concatenate")
	}
	first := arrays[0]
	ax, err := first.checkAxis("concatenate", axis)
	if err != nil {
		return nil, err
	}
	shape := first.Shape()
	dt := first.dtype
	shape[ax] = 0
	for i, a := range arrays {
		if a.NDim() != first.NDim() {
			return nil, newError("concatenate", ErrShape, "all the input arrays must have the same number of dimensions: array 0 has %d, array %d has %d", first.NDim(), i, a.NDim())
		}
		for d := range shape {
			if d != ax && a.shape[d] != first.shape[d] {
				return nil, newError("concatenate", ErrShape, "all the input array dimensions except for the concatenation axis must match exactly: array 0 has shape %s, array %d has shape %s (axis %d)", ShapeString(first.shape), i, ShapeString(a.shape), ax)
			}
		}
		shape[ax] += a.shape[ax]
		dt = ResultType(dt, a.dtype)
	}
	out, err := New(dt, shape...)
	if err != nil {
		return nil, err
	}
	pos := 0
	for _, a := range arrays {
		dst := out.view(append([]int{}, a.shape...), out.strides, pos*out.strides[ax])
		castInto(dst, a)
		pos += a.shape[ax]
	}
	return out, nil
}

// ConcatPartials joins partial states of disjoint parts that lie side by side along axis
// (an axis the reduction keeps): the state of the parts together.
func ConcatPartials(parts []*Partial, axis int) (*Partial, error) {
	if len(parts) == 1 {
		return parts[0], nil
	}
	out := &Partial{Op: parts[0].Op, Axes: parts[0].Axes, flat: parts[0].flat}
	field := func(get func(p *Partial) *Array) (*Array, error) {
		if get(parts[0]) == nil {
			return nil, nil
		}
		arrays := make([]*Array, len(parts))
		for i, p := range parts {
			arrays[i] = get(p)
		}
		return Concatenate(arrays, axis)
	}
	var err error
	if out.Count, err = field(func(p *Partial) *Array { return p.Count }); err != nil {
		return nil, err
	}
	if out.Value, err = field(func(p *Partial) *Array { return p.Value }); err != nil {
		return nil, err
	}
	if out.M2, err = field(func(p *Partial) *Array { return p.M2 }); err != nil {
		return nil, err
	}
	if out.Index, err = field(func(p *Partial) *Array { return p.Index }); err != nil {
		return nil, err
	}
	return out, nil
}
