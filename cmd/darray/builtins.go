package main

import (
	"context"
	"fmt"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/nd"
)

var bgctx = context.Background()

// methodNames are the functions also callable as array methods (x.sum(axis=1)).
var methodNames = map[string]bool{}

func builtins(e *evaluator) map[string]any {
	env := map[string]any{}
	def := func(name string, method bool, call func(args []any, kw kwargs) (any, error)) {
		env[name] = &fn{name: name, call: call}
		if method {
			methodNames[name] = true
		}
	}
	// Element-wise ufuncs, by NumPy's names.
	for op := nd.Negative; op.String() != "UnaryOp(?)"; op++ {
		op := op
		if op == nd.FrexpMantissa || op == nd.FrexpExponent {
			continue // the two results of frexp, below
		}
		def(op.String(), false, func(args []any, kw kwargs) (any, error) {
			if err := arity(args, 1, 1); err != nil {
				return nil, err
			}
			return darray.Unary(op, toOperand(args[0])), nil
		})
	}
	env["abs"], env["conj"] = env["absolute"], env["conjugate"]
	env["radians"], env["degrees"], env["asinh"] = env["deg2rad"], env["rad2deg"], env["arcsinh"]
	env["acosh"], env["atanh"] = env["arccosh"], env["arctanh"]
	// round(a, decimals) as NumPy: integers stay integers (rounded to tens, hundreds... for
	// negative decimals), floats are scaled, rounded half to even and scaled back.
	def("round", true, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 1, 2); err != nil {
			return nil, err
		}
		a, err := arrayArg(args[0])
		if err != nil {
			return nil, err
		}
		decimals, err := intOr(optional(args, 1, kw, "decimals"), 0)
		if err != nil {
			return nil, fmt.Errorf("decimals: %v", err)
		}
		return a.Round(decimals), nil
	})
	// The ufuncs with two results give tuples, as NumPy's.
	def("divmod", false, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 2, 2); err != nil {
			return nil, err
		}
		q, r := darray.DivMod(toOperand(args[0]), toOperand(args[1]))
		return []any{q, r}, nil
	})
	def("ldexp", false, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 2, 2); err != nil {
			return nil, err
		}
		return darray.Ldexp(toOperand(args[0]), toOperand(args[1])), nil
	})
	def("frexp", false, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 1, 1); err != nil {
			return nil, err
		}
		m, e := darray.Frexp(toOperand(args[0]))
		return []any{m, e}, nil
	})
	env["around"], env["round_"] = env["round"], env["round"]
	for op := nd.Add; op.String() != "BinaryOp(?)"; op++ {
		op := op
		if op == nd.Ldexp {
			continue // its exponent stays an integer: above
		}
		def(op.String(), false, func(args []any, kw kwargs) (any, error) {
			if err := arity(args, 2, 2); err != nil {
				return nil, err
			}
			return darray.Binary(op, toOperand(args[0]), toOperand(args[1])), nil
		})
	}
	env["true_divide"], env["remainder"], env["pow"] = env["divide"], env["mod"], env["power"]
	// Reductions, also as methods.
	for op := nd.Sum; op.String() != "ReduceOp(?)"; op++ {
		op := op
		def(op.String(), true, func(args []any, kw kwargs) (any, error) {
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
			if v, _ := kw.take("dtype"); v != nil { // the accumulator's and the result's dtype
				dt, err := dtypeArg(v)
				if err != nil {
					return nil, err
				}
				a = a.AsType(dt)
			}
			initial, hasInitial := kw.take("initial")
			opts, err := reduceOptions(kw)
			if err != nil || !hasInitial {
				return a.Reduce(op, opts...), err
			}
			return withInitial(a, op, opts, initial)
		})
	}
	env["amin"], env["amax"] = env["min"], env["max"]
	for _, op := range []nd.CumOp{nd.CumSum, nd.CumProd, nd.NanCumSum, nd.NanCumProd} {
		op := op
		def(op.String(), true, func(args []any, kw kwargs) (any, error) {
			if err := arity(args, 1, 2); err != nil {
				return nil, err
			}
			a, err := arrayArg(args[0])
			if err != nil {
				return nil, err
			}
			if v := kw.get("dtype"); v != nil { // the accumulator's and the result's dtype
				dt, err := dtypeArg(v)
				if err != nil {
					return nil, err
				}
				a = a.AsType(dt)
			}
			v := optional(args, 1, kw, "axis")
			if v == nil { // axis=None: along the flattened array
				return a.Ravel().Cumulative(op, 0), nil
			}
			ax, err := intOr(v, 0)
			if err != nil {
				return nil, err
			}
			return a.Cumulative(op, ax), nil
		})
	}
	def("where", false, func(args []any, kw kwargs) (any, error) {
		if len(args) == 1 { // where(condition): the indices of its non-zero elements, as nonzero
			a, err := arrayArg(args[0])
			if err != nil {
				return nil, err
			}
			var out []any
			for _, ix := range a.Nonzero() {
				out = append(out, ix)
			}
			return out, nil
		}
		if err := arity(args, 3, 3); err != nil {
			return nil, fmt.Errorf("where takes a condition, or a condition and two values: %v", err)
		}
		return darray.Where(toOperand(args[0]), toOperand(args[1]), toOperand(args[2])), nil
	})
	def("clip", true, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 1, 3); err != nil {
			return nil, err
		}
		a, err := arrayArg(args[0])
		if err != nil {
			return nil, err
		}
		lo, hi := optional(args, 1, kw, "a_min"), optional(args, 2, kw, "a_max")
		return darray.Clip(a, toOperand(lo), toOperand(hi)), nil
	})
	def("astype", true, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 2, 2); err != nil {
			return nil, err
		}
		a, err := arrayArg(args[0])
		if err != nil {
			return nil, err
		}
		dt, err := dtypeArg(args[1])
		if err != nil {
			return nil, err
		}
		return a.AsType(dt), nil
	})
	def("transpose", true, func(args []any, kw kwargs) (any, error) {
		a, err := arrayArg(first(args))
		if err != nil {
			return nil, err
		}
		axes, err := intsArg(args[1:], kw.get("axes"))
		if err != nil {
			return nil, err
		}
		return a.Transpose(axes...), nil
	})
	def("reshape", true, func(args []any, kw kwargs) (any, error) {
		a, err := arrayArg(first(args))
		if err != nil {
			return nil, err
		}
		shapeKw := kw.get("shape")
		if shapeKw == nil {
			shapeKw = kw.get("newshape")
		}
		shape, err := intsArg(args[1:], shapeKw)
		if err != nil {
			return nil, err
		}
		return a.Reshape(shape...), nil
	})
	def("ravel", true, ofOneArray(func(a *darray.Array) *darray.Array { return a.Reshape(-1) }))
	def("moveaxis", false, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 3, 3); err != nil {
			return nil, err
		}
		a, err := arrayArg(args[0])
		if err != nil {
			return nil, err
		}
		s, ok1 := args[1].(int64)
		d, ok2 := args[2].(int64)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("source and destination must be integers")
		}
		return a.MoveAxis(int(s), int(d)), nil
	})
	def("swapaxes", true, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 3, 3); err != nil {
			return nil, err
		}
		a, err := arrayArg(args[0])
		if err != nil {
			return nil, err
		}
		i, ok1 := args[1].(int64)
		j, ok2 := args[2].(int64)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("axes must be integers")
		}
		return a.SwapAxes(int(i), int(j)), nil
	})
	def("expand_dims", false, func(args []any, kw kwargs) (any, error) {
		a, err := arrayArg(first(args))
		if err != nil {
			return nil, err
		}
		axes, err := intsArg(args[1:], kw.get("axis"))
		if err != nil || len(axes) == 0 {
			return nil, fmt.Errorf("expand_dims needs an axis")
		}
		return a.ExpandDims(axes...), nil
	})
	def("squeeze", true, func(args []any, kw kwargs) (any, error) {
		a, err := arrayArg(first(args))
		if err != nil {
			return nil, err
		}
		axes, err := intsArg(args[1:], kw.get("axis"))
		if err != nil {
			return nil, err
		}
		return a.Squeeze(axes...), nil
	})
	def("broadcast_to", false, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 2, 2); err != nil {
			return nil, err
		}
		a, err := arrayArg(args[0])
		if err != nil {
			return nil, err
		}
		shape, err := shapeArg(args[1])
		if err != nil {
			return nil, err
		}
		return a.BroadcastTo(shape...), nil
	})
	def("rechunk", true, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 2, 2); err != nil {
			return nil, err
		}
		a, err := arrayArg(args[0])
		if err != nil {
			return nil, err
		}
		c, err := chunksArg(args[1])
		if err != nil {
			return nil, err
		}
		return a.Rechunk(c), nil
	})
	// Creation.
	creator := func(name string, value complex128) {
		def(name, false, func(args []any, kw kwargs) (any, error) {
			if err := arity(args, 1, 2); err != nil {
				return nil, err
			}
			shape, err := shapeArg(args[0])
			if err != nil {
				return nil, err
			}
			dt, chunks, err := dtypeAndChunks(kw, e, nd.Float64, len(shape))
			if err != nil {
				return nil, err
			}
			if len(args) == 2 {
				if dt, err = dtypeArg(args[1]); err != nil {
					return nil, err
				}
			}
			return darray.Full(shape, value, dt, chunks), nil
		})
	}
	creator("zeros", 0)
	creator("ones", 1)
	creator("empty", 0)
	def("full", false, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 2, 2); err != nil {
			return nil, err
		}
		shape, err := shapeArg(args[0])
		if err != nil {
			return nil, err
		}
		v, err := numberArg(args[1])
		if err != nil {
			return nil, err
		}
		def := nd.Float64
		switch args[1].(type) {
		case int64:
			def = nd.Int64
		case bool:
			def = nd.Bool
		case complex128:
			def = nd.Complex128
		}
		dt, chunks, err := dtypeAndChunks(kw, e, def, len(shape))
		if err != nil {
			return nil, err
		}
		return darray.Full(shape, v, dt, chunks), nil
	})
	def("arange", false, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 1, 3); err != nil {
			return nil, err
		}
		nums := make([]float64, len(args))
		allInt := true
		for i, a := range args {
			v, err := numberArg(a)
			if err != nil {
				return nil, err
			}
			nums[i] = real(v)
			_, isInt := a.(int64)
			allInt = allInt && isInt
		}
		start, stop, step := 0.0, nums[0], 1.0
		if len(nums) >= 2 {
			start, stop = nums[0], nums[1]
		}
		if len(nums) == 3 {
			step = nums[2]
		}
		def := nd.Float64
		if allInt {
			def = nd.Int64
		}
		dt, chunks, err := dtypeAndChunks(kw, e, def, 1)
		if err != nil {
			return nil, err
		}
		return darray.Arange(start, stop, step, dt, chunks), nil
	})
	def("linspace", false, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 2, 3); err != nil {
			return nil, err
		}
		start, err1 := numberArg(args[0])
		stop, err2 := numberArg(args[1])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("start and stop must be numbers")
		}
		num := int64(50)
		if v := optional(args, 2, kw, "num"); v != nil {
			n, ok := v.(int64)
			if !ok {
				return nil, fmt.Errorf("num must be an integer")
			}
			num = n
		}
		endpoint := true
		if v, ok := kw.get("endpoint").(bool); ok {
			endpoint = v
		}
		dt, chunks, err := dtypeAndChunks(kw, e, nd.Float64, 1)
		if err != nil {
			return nil, err
		}
		return darray.Linspace(real(start), real(stop), int(num), endpoint, dt, chunks), nil
	})
	def("eye", false, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 1, 2); err != nil {
			return nil, err
		}
		n, ok := args[0].(int64)
		if !ok {
			return nil, fmt.Errorf("eye: N must be an integer")
		}
		m := n
		if v := optional(args, 1, kw, "M"); v != nil {
			if m, ok = v.(int64); !ok {
				return nil, fmt.Errorf("eye: M must be an integer")
			}
		}
		k, _ := kw.get("k").(int64)
		dt, chunks, err := dtypeAndChunks(kw, e, nd.Float64, 2)
		if err != nil {
			return nil, err
		}
		return darray.Eye(int(n), int(m), int(k), dt, chunks), nil
	})
	def("array", false, func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 1, 1); err != nil {
			return nil, err
		}
		if x, ok := args[0].(*darray.Array); ok { // np.asarray of an array is the array
			if v, ok := kw.lookup("dtype"); ok {
				dt, err := dtypeArg(v)
				if err != nil {
					return nil, err
				}
				return x.AsType(dt), nil
			}
			return x, nil
		}
		a, err := literalArray(args[0])
		if err != nil {
			return nil, err
		}
		if v, ok := kw.lookup("dtype"); ok {
			dt, err := dtypeArg(v)
			if err != nil {
				return nil, err
			}
			if a, err = a.AsType(dt); err != nil {
				return nil, err
			}
		}
		return darray.FromArray(a, e.chunksFor(a.NDim())), nil
	})
	env["asarray"] = env["array"]
	env["random"] = randomModule(e)
	defineArrayAPI(env, def)
	defineJoinAPI(env, def)
	defineUfuncCompositions(def)
	// dtype names, so that astype(x, np.float32) and dtype=float work as in NumPy.
	for _, d := range nd.DTypes {
		env[d.String()] = d.String()
	}
	env["float"], env["int"], env["bool"], env["complex"] = "float64", "int64", "bool", "complex128"
	return env
}

// randomModule is np.random: random, uniform, normal, integers, each taking seed= (default
// 0) and philox=True for NumPy's exact Philox stream.
func randomModule(e *evaluator) module {
	rng := func(kw kwargs) (darray.RNG, error) {
		seed, _ := kw.get("seed").(int64)
		if seed < 0 {
			return darray.RNG{}, fmt.Errorf("seed must be non-negative")
		}
		if p, _ := kw.get("philox").(bool); p {
			return darray.NewPhiloxRNG(uint64(seed)), nil
		}
		return darray.NewRNG(uint64(seed)), nil
	}
	sizeAndChunks := func(v any, kw kwargs) ([]int, darray.ChunkSpec, error) {
		if v == nil {
			v = kw.get("size")
		}
		shape, err := shapeArg(v)
		if err != nil {
			return nil, darray.ChunkSpec{}, err
		}
		_, chunks, err := dtypeAndChunks(kw, e, nd.Float64, len(shape))
		return shape, chunks, err
	}
	m := module{}
	m["random"] = &fn{"random.random", func(args []any, kw kwargs) (any, error) {
		r, err := rng(kw)
		if err != nil {
			return nil, err
		}
		shape, chunks, err := sizeAndChunks(first(args), kw)
		if err != nil {
			return nil, err
		}
		return r.Random(shape, chunks), nil
	}}
	two := func(name string, make func(r darray.RNG, a, b any, shape []int, c darray.ChunkSpec) (*darray.Array, error)) {
		m[name] = &fn{"random." + name, func(args []any, kw kwargs) (any, error) {
			r, err := rng(kw)
			if err != nil {
				return nil, err
			}
			shape, chunks, err := sizeAndChunks(optional(args, 2, kw, "size"), kw)
			if err != nil {
				return nil, err
			}
			return make(r, optional(args, 0, kw, "low"), optional(args, 1, kw, "high"), shape, chunks)
		}}
	}
	two("uniform", func(r darray.RNG, a, b any, shape []int, c darray.ChunkSpec) (*darray.Array, error) {
		lo, hi := 0.0, 1.0
		if a != nil {
			v, err := numberArg(a)
			if err != nil {
				return nil, err
			}
			lo = real(v)
		}
		if b != nil {
			v, err := numberArg(b)
			if err != nil {
				return nil, err
			}
			hi = real(v)
		}
		return r.Uniform(lo, hi, shape, c), nil
	})
	two("normal", func(r darray.RNG, a, b any, shape []int, c darray.ChunkSpec) (*darray.Array, error) {
		loc, scale := 0.0, 1.0
		if a != nil {
			v, err := numberArg(a)
			if err != nil {
				return nil, err
			}
			loc = real(v)
		}
		if b != nil {
			v, err := numberArg(b)
			if err != nil {
				return nil, err
			}
			scale = real(v)
		}
		return r.Normal(loc, scale, shape, c), nil
	})
	two("integers", func(r darray.RNG, a, b any, shape []int, c darray.ChunkSpec) (*darray.Array, error) {
		lo, ok1 := a.(int64)
		hi, ok2 := b.(int64)
		if a != nil && b == nil {
			lo, hi, ok2 = 0, lo, ok1
		}
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("low and high must be integers")
		}
		return r.Integers(lo, hi, shape, c), nil
	})
	return m
}

func first(args []any) any {
	if len(args) == 0 {
		return nil
	}
	return args[0]
}

func optional(args []any, i int, kw kwargs, name string) any {
	if i < len(args) {
		return args[i]
	}
	return kw.get(name)
}

func arity(args []any, lo, hi int) error {
	if len(args) < lo || len(args) > hi {
		if lo == hi {
			return fmt.Errorf("takes %d positional arguments, %d given", lo, len(args))
		}
		return fmt.Errorf("takes %d to %d positional arguments, %d given", lo, hi, len(args))
	}
	return nil
}

func arrayArg(v any) (*darray.Array, error) {
	switch x := v.(type) {
	case *darray.Array:
		return x, x.Err()
	case int64, float64, complex128, bool:
		a := darray.Binary(nd.Add, toOperand(x), darray.Zeros([]int{}, weakDType(x), darray.ChunkSpec{}))
		return a, a.Err()
	}
	return nil, fmt.Errorf("expected an array, got %s", describe(v))
}

func weakDType(v any) nd.DType {
	switch v.(type) {
	case int64:
		return nd.Int64
	case bool:
		return nd.Bool
	case complex128:
		return nd.Complex128
	}
	return nd.Float64
}

func numberArg(v any) (complex128, error) {
	switch x := v.(type) {
	case int64:
		return complex(float64(x), 0), nil
	case float64:
		return complex(x, 0), nil
	case complex128:
		return x, nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	}
	return 0, fmt.Errorf("expected a number, got %s", describe(v))
}

func dtypeArg(v any) (nd.DType, error) {
	switch x := v.(type) {
	case string:
		return nd.ParseDType(x)
	case *fn: // np.float32 and friends are functions here; take their names
		return nd.ParseDType(x.name)
	}
	return 0, fmt.Errorf("expected a dtype name such as \"float32\", got %s", describe(v))
}

func shapeArg(v any) ([]int, error) {
	switch x := v.(type) {
	case int64:
		return []int{int(x)}, nil
	case []any:
		shape := make([]int, len(x))
		for i, it := range x {
			n, ok := it.(int64)
			if !ok {
				return nil, fmt.Errorf("shape entries must be integers, not %s", describe(it))
			}
			shape[i] = int(n)
		}
		return shape, nil
	}
	return nil, fmt.Errorf("expected a shape (an integer or a tuple of integers), got %s", describe(v))
}

func intsArg(args []any, kwv any) ([]int, error) {
	if kwv != nil {
		args = []any{kwv}
	}
	if len(args) == 1 {
		if t, ok := args[0].([]any); ok {
			args = t
		} else if args[0] == nil {
			return nil, nil
		}
	}
	out := make([]int, len(args))
	for i, a := range args {
		n, ok := a.(int64)
		if !ok {
			return nil, fmt.Errorf("expected integers, got %s", describe(a))
		}
		out[i] = int(n)
	}
	return out, nil
}

// ofOneArray is a builtin of one array argument and no keywords.
func ofOneArray(f func(*darray.Array) *darray.Array) func([]any, kwargs) (any, error) {
	return func(args []any, kw kwargs) (any, error) {
		if err := arity(args, 1, 1); err != nil {
			return nil, err
		}
		a, err := arrayArg(args[0])
		if err != nil {
			return nil, err
		}
		return f(a), nil
	}
}

// withInitial is a reduction with NumPy's initial=: the value the reduction starts from,
// which also makes reductions without identity (max, min) defined on empty axes.
func withInitial(a *darray.Array, op nd.ReduceOp, opts []darray.ReduceOption, initial any) (any, error) {
	v, err := numberArg(initial)
	if err != nil {
		return nil, fmt.Errorf("initial: %w", err)
	}
	var combine nd.BinaryOp
	switch op {
	case nd.Sum, nd.NanSum:
		combine = nd.Add
	case nd.Prod, nd.NanProd:
		combine = nd.Multiply
	case nd.Max, nd.NanMax:
		combine = nd.Maximum
	case nd.Min, nd.NanMin:
		combine = nd.Minimum
	default:
		return nil, fmt.Errorf("initial= is not an argument of %s", op)
	}
	if a.Size() == 0 { // nothing to reduce: the initial value, in the result's shape
		shape := a.Reduce(nd.Sum, opts...).Shape()
		return darray.Full(shape, v, a.DType(), darray.ChunkSpec{}), nil
	}
	return darray.Binary(combine, a.Reduce(op, opts...), toOperand(initial)), nil
}

func reduceOptions(kw kwargs) ([]darray.ReduceOption, error) {
	var opts []darray.ReduceOption
	for k, v := range kw.all() {
		switch k {
		case "axis":
			if v == nil {
				continue
			}
			axes, err := intsArg([]any{v}, nil)
			if err != nil {
				return nil, err
			}
			opts = append(opts, darray.Axis(axes...))
		case "keepdims":
			if b, _ := v.(bool); b {
				opts = append(opts, darray.KeepDims())
			}
		case "ddof":
			n, ok := v.(int64)
			if !ok {
				return nil, fmt.Errorf("ddof must be an integer")
			}
			opts = append(opts, darray.DDof(int(n)))
		case "split_every":
			n, ok := v.(int64)
			if !ok {
				return nil, fmt.Errorf("split_every must be an integer")
			}
			opts = append(opts, darray.SplitEvery(int(n)))
		default:
			return nil, fmt.Errorf("unexpected keyword argument %q", k)
		}
	}
	return opts, nil
}

// dtypeAndChunks reads dtype= and chunks= keywords of a creation of ndim axes.
func dtypeAndChunks(kw kwargs, e *evaluator, def nd.DType, ndim int) (nd.DType, darray.ChunkSpec, error) {
	dt := def
	if v, ok := kw.lookup("dtype"); ok && v != nil {
		var err error
		if dt, err = dtypeArg(v); err != nil {
			return 0, darray.ChunkSpec{}, err
		}
	}
	chunks := e.chunksFor(ndim)
	if v, ok := kw.lookup("chunks"); ok {
		var err error
		if chunks, err = chunksArg(v); err != nil {
			return 0, darray.ChunkSpec{}, err
		}
	}
	return dt, chunks, nil
}

// chunksArg reads chunks given as dask does: an int, a tuple of ints (or of tuples), or "auto".
func chunksArg(v any) (darray.ChunkSpec, error) {
	switch x := v.(type) {
	case nil:
		return darray.ChunkSpec{}, nil
	case string:
		if x == "auto" {
			return darray.ChunkSpec{}, nil
		}
	case int64:
		return darray.ChunkSize(int(x)), nil
	case []any:
		sizes := make([]int, len(x))
		var explicit [][]int
		for i, it := range x {
			switch n := it.(type) {
			case int64:
				sizes[i] = int(n)
			case []any:
				ax, err := intsArg(n, nil)
				if err != nil {
					return darray.ChunkSpec{}, err
				}
				if explicit == nil {
					explicit = make([][]int, len(x))
				}
				explicit[i] = ax
			default:
				return darray.ChunkSpec{}, fmt.Errorf("chunks entries must be integers or tuples, not %s", describe(it))
			}
		}
		if explicit != nil {
			return darray.ChunkSizes(explicit...), nil
		}
		return darray.ChunkSize(sizes...), nil
	}
	return darray.ChunkSpec{}, fmt.Errorf("chunks must be an integer, a tuple or \"auto\", not %s", describe(v))
}

// literalArray builds an in-memory array from nested tuples or lists of numbers.
func literalArray(v any) (*nd.Array, error) {
	shape := []int{} // a bare number is a 0-d array, as in NumPy
	var flat []any
	var walk func(v any, depth int) error
	walk = func(v any, depth int) error {
		items, ok := v.([]any)
		if !ok {
			if depth != len(shape) {
				return fmt.Errorf("ragged nested sequence")
			}
			flat = append(flat, v)
			return nil
		}
		if depth == len(shape) {
			if len(flat) > 0 {
				return fmt.Errorf("ragged nested sequence")
			}
			shape = append(shape, len(items))
		} else if depth > len(shape) || shape[depth] != len(items) {
			return fmt.Errorf("ragged nested sequence")
		}
		for _, it := range items {
			if err := walk(it, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(v, 0); err != nil {
		return nil, err
	}
	dt := nd.Bool
	vals := make([]complex128, len(flat))
	for i, x := range flat {
		c, err := numberArg(x)
		if err != nil {
			return nil, err
		}
		vals[i] = c
		switch x.(type) {
		case int64:
			dt = nd.ResultType(dt, nd.Int64)
		case float64:
			dt = nd.ResultType(dt, nd.Float64)
		case complex128:
			dt = nd.ResultType(dt, nd.Complex128)
		}
	}
	if dt == nd.Int64 { // exactly: a complex128 holds integers only up to 2**53
		ints := make([]int64, len(flat))
		for i, x := range flat {
			if n, ok := x.(int64); ok {
				ints[i] = n
			} else if x == true {
				ints[i] = 1
			}
		}
		return nd.FromSlice(ints, shape...)
	}
	a, err := nd.FromSlice(vals, shape...)
	if err != nil {
		return nil, err
	}
	return a.AsType(dt)
}
