package main

import (
	"fmt"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/nd"
)

// defineJoinAPI adds joining, rearranging and counting functions by NumPy's names:
// concatenate, stack, flip, roll, tile, repeat, pad, tril, triu, unique, topk, histogram.
func defineJoinAPI(env map[string]any, def func(string, bool, func([]any, kwargs) (any, error))) {
	joiner := func(name string, join func([]*darray.Array, int) *darray.Array) {
		def(name, false, func(args []any, kw kwargs) (any, error) {
			if err := arity(args, 1, 2); err != nil {
				return nil, err
			}
			arrays, err := arraysArg(args[0])
			if err != nil {
				return nil, err
			}
			ax, err := intOr(optional(args, 1, kw, "axis"), 0)
			if err != nil {
				return nil, err
			}
			return join(arrays, ax), nil
		})
	}
	joiner("concatenate", darray.Concatenate)
	joiner("stack", darray.Stack)
	defineShapeAPI(def)
	defineDifferenceAPI(def)
	def("flatnonzero", false, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 1, 1); err != nil {
			return nil, err
		}
		a, err := arrayArg(args[0])
		if err != nil {
			return nil, err
		}
		return a.FlatNonzero(), nil
	})
	def("nonzero", true, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 1, 1); err != nil {
			return nil, err
		}
		a, err := arrayArg(args[0])
		if err != nil {
			return nil, err
		}
		var out []any
		for _, ix := range a.Nonzero() {
			out = append(out, ix)
		}
		return out, nil
	})
	def("flip", false, func(args []any, kw kwargs) (any, error) {
		a, axes, err := arrayAndAxes(args, kw, 1)
		if err != nil {
			return nil, err
		}
		return a.Flip(axes...), nil
	})
	def("roll", false, func(args []any, kw kwargs) (any, error) {
		a, err := arrayArg(optional(args, 0, kw, "a"))
		if err != nil {
			return nil, err
		}
		shift, err := intOr(optional(args, 1, kw, "shift"), 0)
		if err != nil {
			return nil, fmt.Errorf("shift: %v", err)
		}
		if v := optional(args, 2, kw, "axis"); v != nil {
			ax, err := intOr(v, 0)
			if err != nil {
				return nil, err
			}
			return a.Roll(shift, ax), nil
		}
		// NumPy: without an axis, along the flattened array, then back in shape
		return a.Ravel().Roll(shift, 0).Reshape(a.Shape()...), nil
	})
	def("tile", false, func(args []any, kw kwargs) (any, error) {
		a, err := arrayArg(optional(args, 0, kw, "A"))
		if err != nil {
			return nil, err
		}
		reps, err := shapeArg(optional(args, 1, kw, "reps"))
		if err != nil {
			return nil, fmt.Errorf("reps: %v", err)
		}
		return a.Tile(reps...), nil
	})
	def("repeat", true, func(args []any, kw kwargs) (any, error) {
		a, err := arrayArg(optional(args, 0, kw, "a"))
		if err != nil {
			return nil, err
		}
		n, err := intOr(optional(args, 1, kw, "repeats"), 0)
		if err != nil {
			return nil, fmt.Errorf("repeats must be one integer: %v", err)
		}
		v := optional(args, 2, kw, "axis")
		if v == nil { // NumPy: the flattened array
			return a.Ravel().Repeat(n, 0), nil
		}
		ax, err := intOr(v, 0)
		if err != nil {
			return nil, err
		}
		return a.Repeat(n, ax), nil
	})
	def("pad", false, func(args []any, kw kwargs) (any, error) {
		a, err := arrayArg(optional(args, 0, kw, "array"))
		if err != nil {
			return nil, err
		}
		widths, err := padWidths(optional(args, 1, kw, "pad_width"), a.NDim())
		if err != nil {
			return nil, fmt.Errorf("pad_width: %v", err)
		}
		mode := darray.PadConstant
		if v := optional(args, 2, kw, "mode"); v != nil {
			m, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("mode must be a string, not %s", describe(v))
			}
			mode = darray.PadMode(m)
		}
		var value complex128
		if v := kw.get("constant_values"); v != nil {
			if value, err = numberArg(v); err != nil {
				return nil, fmt.Errorf("constant_values: %v", err)
			}
		}
		return a.Pad(widths, mode, value), nil
	})
	triangle := func(name string, f func(a *darray.Array, k int) *darray.Array) {
		def(name, false, func(args []any, kw kwargs) (any, error) {
			a, err := arrayArg(optional(args, 0, kw, "m"))
			if err != nil {
				return nil, err
			}
			k, err := intOr(optional(args, 1, kw, "k"), 0)
			if err != nil {
				return nil, err
			}
			return f(a, k), nil
		})
	}
	triangle("tril", (*darray.Array).Tril)
	triangle("triu", (*darray.Array).Triu)
	def("unique", false, func(args []any, kw kwargs) (any, error) {
		a, err := arrayArg(optional(args, 0, kw, "ar"))
		if err != nil {
			return nil, err
		}
		counts, err := boolOr(kw.get("return_counts"), false)
		if err != nil {
			return nil, err
		}
		values, n, err := darray.Unique(bgctx, a)
		if err != nil {
			return nil, err
		}
		v := darray.FromArray(values, darray.ChunkSpec{})
		if counts {
			return []any{v, darray.FromArray(n, darray.ChunkSpec{})}, nil
		}
		return v, nil
	})
	def("topk", false, func(args []any, kw kwargs) (any, error) { // dask's topk(a, k, axis=-1)
		a, err := arrayArg(optional(args, 0, kw, "a"))
		if err != nil {
			return nil, err
		}
		k, err := intOr(optional(args, 1, kw, "k"), 0)
		if err != nil {
			return nil, fmt.Errorf("k: %v", err)
		}
		ax, err := intOr(optional(args, 2, kw, "axis"), -1)
		if err != nil {
			return nil, err
		}
		return a.TopK(k, ax), nil
	})
	def("histogram", false, func(args []any, kw kwargs) (any, error) {
		a, err := arrayArg(optional(args, 0, kw, "a"))
		if err != nil {
			return nil, err
		}
		weights, err := optionalArray(kw.get("weights"))
		if err != nil {
			return nil, fmt.Errorf("weights: %v", err)
		}
		density, err := boolOr(kw.get("density"), false)
		if err != nil {
			return nil, err
		}
		bins := optional(args, 1, kw, "bins")
		if edges, ok := bins.([]any); ok { // the bin edges themselves
			e, err := floatsArg(edges)
			if err != nil {
				return nil, fmt.Errorf("bins: %v", err)
			}
			return []any{darray.Histogram(a, weights, e, density), edgesArray(e)}, nil
		}
		n, err := intOr(bins, 10)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bins must be a positive integer or a list of edges")
		}
		lo, hi, err := histogramRange(a, kw.get("range"))
		if err != nil {
			return nil, err
		}
		h, e := darray.HistogramBins(a, weights, n, lo, hi, density)
		return []any{h, edgesArray(e)}, nil
	})
}

// arraysArg is a list of arrays (or values that make arrays).
func arraysArg(v any) ([]*darray.Array, error) {
	items, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("want a list of arrays, not %s", describe(v))
	}
	out := make([]*darray.Array, len(items))
	for i, it := range items {
		a, err := arrayArg(it)
		if err != nil {
			return nil, fmt.Errorf("item %d: %v", i, err)
		}
		out[i] = a
	}
	return out, nil
}

// padWidths reads numpy.pad's pad_width: n, (before, after), or one pair per axis.
func padWidths(v any, ndim int) ([][2]int, error) {
	pair := func(v any) ([2]int, error) {
		switch x := v.(type) {
		case int64:
			return [2]int{int(x), int(x)}, nil
		case []any:
			if len(x) == 1 {
				return pair1(x[0])
			}
			if len(x) == 2 {
				a, ok1 := x[0].(int64)
				b, ok2 := x[1].(int64)
				if ok1 && ok2 {
					return [2]int{int(a), int(b)}, nil
				}
			}
		}
		return [2]int{}, fmt.Errorf("want an integer or a (before, after) pair, not %s", describe(v))
	}
	if items, ok := v.([]any); ok && len(items) > 0 {
		if _, nested := items[0].([]any); nested {
			if len(items) != ndim {
				return nil, fmt.Errorf("%d pairs for %d axes", len(items), ndim)
			}
			out := make([][2]int, ndim)
			for d, it := range items {
				p, err := pair(it)
				if err != nil {
					return nil, err
				}
				out[d] = p
			}
			return out, nil
		}
	}
	p, err := pair(v)
	if err != nil {
		return nil, err
	}
	return [][2]int{p}, nil
}

func pair1(v any) ([2]int, error) {
	if n, ok := v.(int64); ok {
		return [2]int{int(n), int(n)}, nil
	}
	return [2]int{}, fmt.Errorf("want an integer, not %s", describe(v))
}

// histogramRange is range=(lo, hi), or the data's minimum and maximum (computed, as
// NumPy computes them).
func histogramRange(a *darray.Array, v any) (float64, float64, error) {
	if v != nil {
		r, ok := v.([]any)
		if !ok || len(r) != 2 {
			return 0, 0, fmt.Errorf("range must be a (low, high) pair")
		}
		lo, err1 := numberArg(r[0])
		hi, err2 := numberArg(r[1])
		if err := firstErr(err1, err2); err != nil {
			return 0, 0, fmt.Errorf("range: %v", err)
		}
		return real(lo), real(hi), nil
	}
	res, err := darray.Compute(bgctx, []*darray.Array{a.Min(), a.Max()})
	if err != nil {
		return 0, 0, err
	}
	lo, err1 := res[0].Float64()
	hi, err2 := res[1].Float64()
	return lo, hi, firstErr(err1, err2)
}

func edgesArray(e []float64) *darray.Array {
	a, _ := nd.FromSlice(append([]float64{}, e...))
	return darray.FromArray(a, darray.ChunkSpec{})
}

// defineUfuncCompositions adds NumPy's functions built from ufuncs: isclose, allclose,
// nan_to_num, reciprocal, signbit, angle.
func defineUfuncCompositions(def func(string, bool, func([]any, kwargs) (any, error))) {
	closeness := func(name string, f func(a, b any, rtol, atol float64, equalNaN bool) *darray.Array) {
		def(name, false, func(args []any, kw kwargs) (any, error) {
			a, b := optional(args, 0, kw, "a"), optional(args, 1, kw, "b")
			if a == nil || b == nil {
				return nil, fmt.Errorf("takes two arrays")
			}
			rtol, atol := 1e-5, 1e-8
			for _, p := range []struct {
				name string
				at   int
				v    *float64
			}{{"rtol", 2, &rtol}, {"atol", 3, &atol}} {
				if v := optional(args, p.at, kw, p.name); v != nil {
					c, err := numberArg(v)
					if err != nil {
						return nil, fmt.Errorf("%s: %v", p.name, err)
					}
					*p.v = real(c)
				}
			}
			equalNaN, err := boolOr(optional(args, 4, kw, "equal_nan"), false)
			if err != nil {
				return nil, err
			}
			return f(toOperand(a), toOperand(b), rtol, atol, equalNaN), nil
		})
	}
	closeness("isclose", darray.IsClose)
	closeness("allclose", darray.AllClose)
	def("nan_to_num", false, func(args []any, kw kwargs) (any, error) {
		a, err := arrayArg(optional(args, 0, kw, "x"))
		if err != nil {
			return nil, err
		}
		if _, err := boolOr(kw.get("copy"), true); err != nil { // darray never writes in place
			return nil, err
		}
		nan := 0.0
		var limits [2]*float64
		for i, name := range []string{"nan", "posinf", "neginf"} {
			v := kw.get(name)
			if v == nil {
				continue
			}
			c, err := numberArg(v)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", name, err)
			}
			if i == 0 {
				nan = real(c)
			} else {
				x := real(c)
				limits[i-1] = &x
			}
		}
		return darray.NanToNum(a, nan, limits[0], limits[1]), nil
	})
	def("reciprocal", false, ofOneArray(darray.Reciprocal))
	def("signbit", false, ofOneArray(darray.Signbit))
	def("angle", false, func(args []any, kw kwargs) (any, error) {
		a, err := arrayArg(optional(args, 0, kw, "z"))
		if err != nil {
			return nil, err
		}
		deg, err := boolOr(optional(args, 1, kw, "deg"), false)
		if err != nil {
			return nil, err
		}
		return darray.Angle(a, deg), nil
	})
}

// defineShapeAPI adds NumPy's *_like creators, atleast_1d/2d/3d, dstack, broadcast_arrays,
// rot90, append, meshgrid and indices.
func defineShapeAPI(def func(string, bool, func([]any, kwargs) (any, error))) {
	like := func(name string, value complex128, needsValue bool) {
		def(name, false, func(args []any, kw kwargs) (any, error) {
			n := 1
			if needsValue {
				n = 2
			}
			if err := arity(args, n, n); err != nil {
				return nil, err
			}
			a, err := arrayArg(args[0])
			if err != nil {
				return nil, err
			}
			v := value
			if needsValue {
				if v, err = numberArg(args[1]); err != nil {
					return nil, err
				}
			}
			out := darray.FullLike(a, v)
			if d, ok := kw.lookup("dtype"); ok {
				dt, err := dtypeArg(d)
				if err != nil {
					return nil, err
				}
				out = darray.Full(a.Shape(), v, dt, darray.ChunkSizes(a.Chunks()...))
			}
			return out, nil
		})
	}
	like("zeros_like", 0, false)
	like("empty_like", 0, false)
	like("ones_like", 1, false)
	like("full_like", 0, true)
	for name, f := range map[string]func(*darray.Array) *darray.Array{
		"atleast_1d": darray.AtLeast1D, "atleast_2d": darray.AtLeast2D, "atleast_3d": darray.AtLeast3D,
	} {
		def(name, false, func(args []any, kw kwargs) (any, error) {
			if len(args) == 0 {
				return nil, fmt.Errorf("%s takes at least one array", name)
			}
			out := make([]any, len(args))
			for i, v := range args {
				a, err := arrayArg(v)
				if err != nil {
					return nil, err
				}
				out[i] = f(a)
			}
			if len(out) == 1 { // NumPy: one array, not a tuple of one
				return out[0], nil
			}
			return out, nil
		})
	}
	def("dstack", false, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 1, 1); err != nil {
			return nil, err
		}
		arrays, err := arraysArg(args[0])
		if err != nil {
			return nil, err
		}
		return darray.DStack(arrays...), nil
	})
	def("broadcast_arrays", false, func(args []any, kw kwargs) (any, error) {
		arrays := make([]*darray.Array, len(args))
		for i, v := range args {
			a, err := arrayArg(v)
			if err != nil {
				return nil, err
			}
			arrays[i] = a
		}
		var out []any
		for _, a := range darray.BroadcastArrays(arrays...) {
			out = append(out, a)
		}
		return out, nil
	})
	def("rot90", false, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 1, 3); err != nil {
			return nil, err
		}
		a, err := arrayArg(args[0])
		if err != nil {
			return nil, err
		}
		k, err := intOr(optional(args, 1, kw, "k"), 1)
		if err != nil {
			return nil, fmt.Errorf("k: %v", err)
		}
		axes := [2]int{0, 1}
		if v := optional(args, 2, kw, "axes"); v != nil {
			s, err := shapeArg(v)
			if err != nil || len(s) != 2 {
				return nil, fmt.Errorf("axes must be two integers")
			}
			axes = [2]int{s[0], s[1]}
		}
		return darray.Rot90(a, k, axes), nil
	})
	def("append", false, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 2, 3); err != nil {
			return nil, err
		}
		a, err := arrayArg(args[0])
		if err != nil {
			return nil, err
		}
		v, err := arrayArg(args[1])
		if err != nil {
			return nil, err
		}
		var axis *int
		if x := optional(args, 2, kw, "axis"); x != nil {
			ax, err := intOr(x, 0)
			if err != nil {
				return nil, err
			}
			axis = &ax
		}
		return darray.Append(a, v, axis), nil
	})
	def("meshgrid", false, func(args []any, kw kwargs) (any, error) {
		indexing := "xy"
		if v, ok := kw.lookup("indexing"); ok {
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("indexing must be 'xy' or 'ij'")
			}
			indexing = s
		}
		xs := make([]*darray.Array, len(args))
		for i, v := range args {
			a, err := arrayArg(v)
			if err != nil {
				return nil, err
			}
			xs[i] = a
		}
		var out []any
		for _, g := range darray.Meshgrid(indexing, xs...) {
			out = append(out, g)
		}
		return out, nil
	})
	def("indices", false, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 1, 1); err != nil {
			return nil, err
		}
		shape, err := shapeArg(args[0])
		if err != nil {
			return nil, err
		}
		dt := nd.Int64
		if v, ok := kw.lookup("dtype"); ok {
			if dt, err = dtypeArg(v); err != nil {
				return nil, err
			}
		}
		return darray.Indices(shape, dt, darray.ChunkSpec{}), nil
	})
}

// defineDifferenceAPI adds diff, ediff1d, ptp and gradient.
func defineDifferenceAPI(def func(string, bool, func([]any, kwargs) (any, error))) {
	def("diff", false, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 1, 3); err != nil {
			return nil, err
		}
		a, err := arrayArg(args[0])
		if err != nil {
			return nil, err
		}
		n, err := intOr(optional(args, 1, kw, "n"), 1)
		if err != nil {
			return nil, fmt.Errorf("n: %v", err)
		}
		axis, err := intOr(optional(args, 2, kw, "axis"), -1)
		if err != nil {
			return nil, fmt.Errorf("axis: %v", err)
		}
		return a.Diff(n, axis), nil
	})
	def("ediff1d", false, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 1, 1); err != nil {
			return nil, err
		}
		a, err := arrayArg(args[0])
		if err != nil {
			return nil, err
		}
		return a.Ediff1d(), nil
	})
	def("ptp", false, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 1, 2); err != nil {
			return nil, err
		}
		a, err := arrayArg(args[0])
		if err != nil {
			return nil, err
		}
		if len(args) == 2 {
			kw.set("axis", args[1])
		}
		opts, err := reduceOptions(kw)
		if err != nil {
			return nil, err
		}
		return a.Ptp(opts...), nil
	})
	def("gradient", false, func(args []any, kw kwargs) (any, error) {
		if len(args) == 0 {
			return nil, fmt.Errorf("gradient takes an array")
		}
		f, err := arrayArg(args[0])
		if err != nil {
			return nil, err
		}
		axes := make([]int, f.NDim())
		for d := range axes {
			axes[d] = d
		}
		if v, ok := kw.lookup("axis"); ok && v != nil {
			if axes, err = intsArg([]any{v}, nil); err != nil {
				return nil, fmt.Errorf("axis: %v", err)
			}
		}
		// Spacing: none (1), one number for every axis, or one per axis.
		spacing := make([]float64, len(axes))
		for i := range spacing {
			spacing[i] = 1
		}
		switch h := args[1:]; {
		case len(h) == 1:
			v, err := numberArg(h[0])
			if err != nil || imag(v) != 0 {
				return nil, fmt.Errorf("gradient: the spacing must be a real number (coordinate arrays are not supported)")
			}
			for i := range spacing {
				spacing[i] = real(v)
			}
		case len(h) == len(axes):
			for i, x := range h {
				v, err := numberArg(x)
				if err != nil || imag(v) != 0 {
					return nil, fmt.Errorf("gradient: the spacing must be real numbers (coordinate arrays are not supported)")
				}
				spacing[i] = real(v)
			}
		case len(h) > 1:
			return nil, fmt.Errorf("gradient: %d spacings for %d axes", len(h), len(axes))
		}
		var out []any
		for i, ax := range axes {
			out = append(out, f.Gradient(ax, spacing[i]))
		}
		if len(out) == 1 { // NumPy: one axis, one array
			return out[0], nil
		}
		return out, nil
	})
}
