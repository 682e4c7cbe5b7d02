package main

import (
	"fmt"
	"math"
	"strconv"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/nd"
)

// defineArrayAPI adds the products, sorting, statistics and the linalg and fft modules
// to the environment, by NumPy's names and keyword arguments.
func defineArrayAPI(env map[string]any, def func(string, bool, func([]any, kwargs) (any, error))) {
	inf := math.Inf(1)
	env["inf"], env["nan"], env["pi"], env["e"] = inf, math.NaN(), math.Pi, math.E
	two := func(name string, f func(a, b *darray.Array) *darray.Array) {
		def(name, false, func(args []any, kw kwargs) (any, error) {
			a, b, err := twoArrays(args, kw, "a", "b")
			if err != nil {
				return nil, err
			}
			return f(a, b), nil
		})
	}
	two("matmul", darray.Matmul)
	two("dot", darray.Dot)
	two("outer", darray.Outer)
	def("einsum", false, func(args []any, kw kwargs) (any, error) {
		if len(args) < 2 {
			return nil, fmt.Errorf("takes a subscripts string and at least one array")
		}
		spec, ok := args[0].(string)
		if !ok {
			return nil, fmt.Errorf("subscripts must be a string, not %s", describe(args[0]))
		}
		arrays := make([]*darray.Array, len(args)-1)
		for i, v := range args[1:] {
			a, err := arrayArg(v)
			if err != nil {
				return nil, err
			}
			arrays[i] = a
		}
		return darray.Einsum(spec, arrays...), nil
	})
	def("tensordot", false, func(args []any, kw kwargs) (any, error) {
		a, b, err := twoArrays(args, kw, "a", "b")
		if err != nil {
			return nil, err
		}
		axes := optional(args, 2, kw, "axes")
		if axes == nil {
			axes = int64(2)
		}
		switch x := axes.(type) {
		case int64: // the last x axes of a with the first x of b
			var aa, bb []int
			for i := range int(x) {
				aa = append(aa, a.NDim()-int(x)+i)
				bb = append(bb, i)
			}
			return darray.Tensordot(a, b, aa, bb), nil
		case []any:
			if len(x) == 2 {
				aa, err1 := intsArg([]any{x[0]}, nil)
				bb, err2 := intsArg([]any{x[1]}, nil)
				if err1 == nil && err2 == nil {
					return darray.Tensordot(a, b, aa, bb), nil
				}
			}
		}
		return nil, fmt.Errorf("axes must be an integer or a pair of axis lists, not %s", describe(axes))
	})
	axisMethod := func(name string, f func(a *darray.Array, axis int) *darray.Array) {
		def(name, true, func(args []any, kw kwargs) (any, error) {
			if err := arity(args, 1, 2); err != nil {
				return nil, err
			}
			a, err := arrayArg(args[0])
			if err != nil {
				return nil, err
			}
			if err := sortKind(kw); err != nil {
				return nil, err
			}
			v, given := argGiven(args, 1, kw, "axis")
			if given && v == nil { // axis=None: the flattened array
				return f(a.Ravel(), 0), nil
			}
			ax, err := intOr(v, -1)
			if err != nil {
				return nil, err
			}
			return f(a, ax), nil
		})
	}
	axisMethod("sort", (*darray.Array).Sort)
	axisMethod("argsort", (*darray.Array).ArgSort)
	def("median", true, func(args []any, kw kwargs) (any, error) {
		a, axes, err := arrayAndAxes(args, kw, 1)
		if err != nil {
			return nil, err
		}
		if _, err := boolOr(kw.get("overwrite_input"), false); err != nil { // no effect: inputs are never written
			return nil, err
		}
		keep, err := boolOr(kw.get("keepdims"), false)
		if err != nil || !keep {
			return a.Median(axes...), err
		}
		return keptDims(a.Median(axes...), a.Shape(), axes, 0), nil
	})
	quantile := func(name string, f func(a *darray.Array, method nd.QuantileMethod, q []float64, axes ...int) *darray.Array) {
		def(name, false, func(args []any, kw kwargs) (any, error) {
			a, axes, err := arrayAndAxes(args, kw, 2)
			if err != nil {
				return nil, err
			}
			method := nd.Linear
			if v := kw.get("method"); v != nil {
				name, ok := v.(string)
				if !ok {
					return nil, fmt.Errorf("method must be a string, not %s", describe(v))
				}
				if method, err = nd.ParseQuantileMethod(name); err != nil {
					return nil, err
				}
			}
			keep, err := boolOr(kw.get("keepdims"), false)
			if err != nil {
				return nil, err
			}
			qv := optional(args, 1, kw, "q")
			if list, ok := qv.([]any); ok {
				q, err := floatsArg(list)
				if err != nil {
					return nil, err
				}
				if a.DType() == nd.Float32 && !method.Exact() {
					a = a.AsType(nd.Float64) // an array of q is float64: so is the result, as in NumPy
				}
				r := f(a, method, q, axes...)
				if keep {
					r = keptDims(r, a.Shape(), axes, 1)
				}
				return r, nil
			}
			q, err := numberArg(qv)
			if err != nil {
				return nil, fmt.Errorf("q: %w", err)
			}
			r := f(a, method, []float64{real(q)}, axes...).Squeeze(0) // a scalar q: no q axis
			if keep {
				r = keptDims(r, a.Shape(), axes, 0)
			}
			return r, nil
		})
	}
	quantile("quantile", (*darray.Array).QuantileBy)
	quantile("percentile", (*darray.Array).PercentileBy)
	def("cov", false, func(args []any, kw kwargs) (any, error) {
		m, err := arrayArg(optional(args, 0, kw, "m"))
		if err != nil {
			return nil, err
		}
		y, err := optionalArray(optional(args, 1, kw, "y"))
		if err != nil {
			return nil, err
		}
		rowvar, err1 := boolOr(kw.get("rowvar"), true)
		bias, err2 := boolOr(kw.get("bias"), false)
		ddof, err3 := intOr(kw.get("ddof"), -1)
		if err := firstErr(err1, err2, err3); err != nil {
			return nil, err
		}
		return darray.Cov(m, y, rowvar, bias, ddof), nil
	})
	def("corrcoef", false, func(args []any, kw kwargs) (any, error) {
		x, err := arrayArg(optional(args, 0, kw, "x"))
		if err != nil {
			return nil, err
		}
		y, err := optionalArray(optional(args, 1, kw, "y"))
		if err != nil {
			return nil, err
		}
		rowvar, err := boolOr(kw.get("rowvar"), true)
		if err != nil {
			return nil, err
		}
		return darray.Corrcoef(x, y, rowvar), nil
	})
	def("diagonal", true, func(args []any, kw kwargs) (any, error) {
		a, err := arrayArg(optional(args, 0, kw, "a"))
		if err != nil {
			return nil, err
		}
		k, err1 := intOr(optional(args, 1, kw, "offset"), 0)
		ax1, err2 := intOr(optional(args, 2, kw, "axis1"), 0)
		ax2, err3 := intOr(optional(args, 3, kw, "axis2"), 1)
		if err := firstErr(err1, err2, err3); err != nil {
			return nil, err
		}
		return a.DiagonalAxes(k, ax1, ax2), nil
	})
	def("take", true, func(args []any, kw kwargs) (any, error) {
		a, err := arrayArg(optional(args, 0, kw, "a"))
		if err != nil {
			return nil, err
		}
		idx, err := indexArrayArg(optional(args, 1, kw, "indices"))
		if err != nil {
			return nil, fmt.Errorf("indices: %w", err)
		}
		v := optional(args, 2, kw, "axis")
		if v == nil { // NumPy: indices into the flattened array
			a = a.Ravel()
		}
		ax, err := intOr(v, 0)
		if err != nil {
			return nil, err
		}
		if ax < -a.NDim() || ax >= a.NDim() {
			return nil, fmt.Errorf("axis %d is out of bounds for array of dimension %d", ax, a.NDim())
		}
		n := int64(a.Shape()[(ax+a.NDim())%a.NDim()])
		switch mode := kw.get("mode"); mode {
		case nil, "raise":
		case "clip": // positions past either end take the end's element
			idx = darray.Clip(idx, int64(0), max(n-1, 0))
		case "wrap": // positions count around the axis
			if n == 0 {
				return nil, fmt.Errorf("cannot take from an empty axis with mode='wrap'")
			}
			idx = darray.Binary(nd.Mod, idx, n)
		default:
			return nil, fmt.Errorf("mode must be 'raise', 'clip' or 'wrap', not %s", describe(mode))
		}
		return a.TakeArray(idx, ax), nil
	})
	def("bincount", false, func(args []any, kw kwargs) (any, error) {
		x, err := arrayArg(optional(args, 0, kw, "x"))
		if err != nil {
			return nil, err
		}
		w, err := optionalArray(optional(args, 1, kw, "weights"))
		if err != nil {
			return nil, err
		}
		n, err := intOr(kw.get("minlength"), 0)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("give minlength= (at least the largest value plus one): a lazy result's length is needed up front")
		}
		return darray.Bincount(x, w, n), nil
	})
	def("digitize", false, func(args []any, kw kwargs) (any, error) {
		x, err := arrayArg(optional(args, 0, kw, "x"))
		if err != nil {
			return nil, err
		}
		list, ok := optional(args, 1, kw, "bins").([]any)
		if !ok {
			return nil, fmt.Errorf("bins must be a list of numbers")
		}
		bins, err := floatsArg(list)
		if err != nil {
			return nil, err
		}
		right, err := boolOr(optional(args, 2, kw, "right"), false)
		if err != nil {
			return nil, err
		}
		return darray.Digitize(x, bins, right), nil
	})
	def("searchsorted", false, func(args []any, kw kwargs) (any, error) {
		a, v, err := twoArrays(args, kw, "a", "v")
		if err != nil {
			return nil, err
		}
		side, _ := optional(args, 2, kw, "side").(string)
		if side != "" && side != "left" && side != "right" {
			return nil, fmt.Errorf("side must be 'left' or 'right', not %q", side)
		}
		return darray.SearchSorted(a, v, side == "right"), nil
	})
	env["linalg"] = linalgModule()
	env["fft"] = fftModule()
}

func linalgModule() module {
	m := module{}
	one := func(name string, f func(a *darray.Array) *darray.Array) {
		m[name] = &fn{"linalg." + name, ofOneArray(f)}
	}
	one("inv", darray.Inv)
	one("cholesky", darray.Cholesky)
	m["qr"] = &fn{"linalg.qr", func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 1, 1); err != nil {
			return nil, err
		}
		a, err := arrayArg(args[0])
		if err != nil {
			return nil, err
		}
		q, r := darray.QR(a)
		switch mode := kw.get("mode"); mode {
		case nil, "reduced":
			return []any{q, r}, nil
		case "r":
			return r, nil
		default:
			return nil, fmt.Errorf("mode %s is not supported ('reduced' and 'r' are)", describe(mode))
		}
	}}
	m["svd"] = &fn{"linalg.svd", func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 1, 1); err != nil {
			return nil, err
		}
		a, err := arrayArg(args[0])
		if err != nil {
			return nil, err
		}
		if full, _ := optional(args, 1, kw, "full_matrices").(bool); full {
			return nil, fmt.Errorf("full_matrices=True is not supported: darray's svd is the reduced one")
		}
		u, s, vt := darray.SVD(a)
		if uv, err := boolOr(kw.get("compute_uv"), true); err != nil || !uv {
			return s, err // the singular values alone
		}
		return []any{u, s, vt}, nil
	}}
	m["lstsq"] = &fn{"linalg.lstsq", func(args []any, kw kwargs) (any, error) {
		a, b, err := twoArrays(args, kw, "a", "b")
		if err != nil {
			return nil, err
		}
		x, residuals, s := darray.Lstsq(a, b)
		if err := x.Err(); err != nil {
			return nil, err
		}
		// darray's lstsq takes matrices of full column rank: the rank is the columns.
		return []any{x, residuals, int64(a.Shape()[1]), s}, nil
	}}
	m["solve"] = &fn{"linalg.solve", func(args []any, kw kwargs) (any, error) {
		a, b, err := twoArrays(args, kw, "a", "b")
		if err != nil {
			return nil, err
		}
		return darray.Solve(a, b), nil
	}}
	m["norm"] = &fn{"linalg.norm", func(args []any, kw kwargs) (any, error) {
		a, err := arrayArg(optional(args, 0, kw, "x"))
		if err != nil {
			return nil, err
		}
		ord := ""
		switch o := optional(args, 1, kw, "ord").(type) {
		case nil:
		case string:
			ord = o
		case int64:
			ord = strconv.FormatInt(o, 10)
		case float64:
			ord = strconv.FormatFloat(o, 'g', -1, 64) // inf and -inf print as +Inf, -Inf
			if math.IsInf(o, 1) {
				ord = "inf"
			} else if math.IsInf(o, -1) {
				ord = "-inf"
			}
		default:
			return nil, fmt.Errorf("ord must be a number, inf, 'fro' or 'nuc', not %s", describe(o))
		}
		var axes []int
		if v := optional(args, 2, kw, "axis"); v != nil {
			if axes, err = intsArg([]any{v}, nil); err != nil {
				return nil, err
			}
		}
		keep, err := boolOr(kw.get("keepdims"), false)
		if err != nil || !keep {
			return darray.Norm(a, ord, axes...), err
		}
		return keptDims(darray.Norm(a, ord, axes...), a.Shape(), axes, 0), nil
	}}
	return m
}

func fftModule() module {
	m := module{}
	oneAxis := func(name string, f func(a *darray.Array, axis int, o darray.FFTOptions) *darray.Array) {
		m[name] = &fn{"fft." + name, func(args []any, kw kwargs) (any, error) {
			a, err := arrayArg(optional(args, 0, kw, "a"))
			if err != nil {
				return nil, err
			}
			n, err1 := intOr(optional(args, 1, kw, "n"), 0)
			ax, err2 := intOr(optional(args, 2, kw, "axis"), -1)
			if err := firstErr(err1, err2); err != nil {
				return nil, err
			}
			norm, _ := optional(args, 3, kw, "norm").(string)
			return f(a, ax, darray.FFTOptions{N: n, Norm: norm}), nil
		}}
	}
	oneAxis("fft", darray.FFT)
	oneAxis("ifft", darray.IFFT)
	oneAxis("rfft", darray.RFFT)
	oneAxis("irfft", darray.IRFFT)
	manyAxes := func(name string, defaultAxes []int, f func(a *darray.Array, s, axes []int, norm string) *darray.Array) {
		m[name] = &fn{"fft." + name, func(args []any, kw kwargs) (any, error) {
			a, err := arrayArg(optional(args, 0, kw, "a"))
			if err != nil {
				return nil, err
			}
			var s, axes []int
			if v := optional(args, 1, kw, "s"); v != nil {
				if s, err = intsArg([]any{v}, nil); err != nil {
					return nil, err
				}
			}
			axes = defaultAxes
			if v := optional(args, 2, kw, "axes"); v != nil {
				if axes, err = intsArg([]any{v}, nil); err != nil {
					return nil, err
				}
			}
			norm, _ := optional(args, 3, kw, "norm").(string)
			return f(a, s, axes, norm), nil
		}}
	}
	last2 := []int{-2, -1}
	manyAxes("fft2", last2, darray.FFTN)
	manyAxes("ifft2", last2, darray.IFFTN)
	manyAxes("rfft2", last2, darray.RFFTN)
	manyAxes("irfft2", last2, darray.IRFFTN)
	manyAxes("fftn", nil, darray.FFTN)
	manyAxes("ifftn", nil, darray.IFFTN)
	manyAxes("rfftn", nil, darray.RFFTN)
	manyAxes("irfftn", nil, darray.IRFFTN)
	freq := func(name string, f func(n int, d float64, c darray.ChunkSpec) *darray.Array) {
		m[name] = &fn{"fft." + name, func(args []any, kw kwargs) (any, error) {
			n, err := intOr(optional(args, 0, kw, "n"), 0)
			if err != nil {
				return nil, err
			}
			d := 1.0
			if v := optional(args, 1, kw, "d"); v != nil {
				c, err := numberArg(v)
				if err != nil {
					return nil, err
				}
				d = real(c)
			}
			return f(n, d, darray.ChunkSize(-1)), nil
		}}
	}
	freq("fftfreq", darray.FFTFreq)
	freq("rfftfreq", darray.RFFTFreq)
	shift := func(name string, f func(a *darray.Array, axes ...int) *darray.Array) {
		m[name] = &fn{"fft." + name, func(args []any, kw kwargs) (any, error) {
			a, err := arrayArg(optional(args, 0, kw, "x"))
			if err != nil {
				return nil, err
			}
			var axes []int
			if v := optional(args, 1, kw, "axes"); v != nil {
				if axes, err = intsArg([]any{v}, nil); err != nil {
					return nil, err
				}
			}
			return f(a, axes...), nil
		}}
	}
	shift("fftshift", darray.FFTShift)
	shift("ifftshift", darray.IFFTShift)
	return m
}

func twoArrays(args []any, kw kwargs, n1, n2 string) (*darray.Array, *darray.Array, error) {
	a, err := arrayArg(optional(args, 0, kw, n1))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", n1, err)
	}
	b, err := arrayArg(optional(args, 1, kw, n2))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", n2, err)
	}
	return a, b, nil
}

// arrayAndAxes reads an array and an optional axis (positional at axisPos, or axis=).
func arrayAndAxes(args []any, kw kwargs, axisPos int) (*darray.Array, []int, error) {
	a, err := arrayArg(optional(args, 0, kw, "a"))
	if err != nil {
		return nil, nil, err
	}
	v := optional(args, axisPos, kw, "axis")
	if v == nil {
		return a, nil, nil
	}
	ax, err := intOr(v, 0)
	if err != nil {
		return nil, nil, err
	}
	return a, []int{ax}, nil
}

// optionalArray is an array argument that may be absent (nil).
func optionalArray(v any) (*darray.Array, error) {
	if v == nil {
		return nil, nil
	}
	return arrayArg(v)
}

func intOr(v any, def int) (int, error) {
	switch x := v.(type) {
	case nil:
		return def, nil
	case int64:
		return int(x), nil
	}
	return 0, fmt.Errorf("expected an integer, got %s", describe(v))
}

func boolOr(v any, def bool) (bool, error) {
	switch x := v.(type) {
	case nil:
		return def, nil
	case bool:
		return x, nil
	}
	return false, fmt.Errorf("expected True or False, got %s", describe(v))
}

func floatsArg(list []any) ([]float64, error) {
	out := make([]float64, len(list))
	for i, v := range list {
		c, err := numberArg(v)
		if err != nil {
			return nil, err
		}
		out[i] = real(c)
	}
	return out, nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// argGiven is argument i or keyword name, and whether the call gave it (None included).
func argGiven(args []any, i int, kw kwargs, name string) (any, bool) {
	if i < len(args) {
		return args[i], true
	}
	return kw.lookup(name)
}

// sortKind accepts NumPy's kind= of sort and argsort: darray's sorts are stable, which
// every kind is allowed to be.
func sortKind(kw kwargs) error {
	switch k := kw.get("kind"); k {
	case nil, "quicksort", "mergesort", "heapsort", "stable":
		return nil
	default:
		return fmt.Errorf("kind must be 'quicksort', 'mergesort', 'heapsort' or 'stable', not %s", describe(k))
	}
}

// keptDims reshapes a reduction's result r as keepdims=True does: the reduced axes of
// the input shape in (all when axes is empty) stay, with length one, after lead leading
// axes of r (a quantile's q axis).
func keptDims(r *darray.Array, in []int, axes []int, lead int) *darray.Array {
	if r.Err() != nil {
		return r
	}
	reduced := make([]bool, len(in))
	for _, ax := range axes {
		reduced[(ax%len(in)+len(in))%len(in)] = true
	}
	shape := append([]int{}, r.Shape()[:lead]...)
	for d, n := range in {
		if len(axes) == 0 || reduced[d] {
			n = 1
		}
		shape = append(shape, n)
	}
	return r.Reshape(shape...)
}

// indexArrayArg is an array of positions: an array, a list of integers, or one integer.
func indexArrayArg(v any) (*darray.Array, error) {
	switch x := v.(type) {
	case []any:
		a, err := intArray(x)
		if err != nil {
			return nil, err
		}
		return darray.FromArray(a, darray.ChunkSpec{}), nil
	case int64:
		return darray.FromArray(nd.Scalar(x), darray.ChunkSpec{}), nil
	}
	return arrayArg(v)
}
