package main

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/nd"
)

// EvalError is an error of evaluation, pointing at the part of the expression at fault.
type EvalError struct {
	Src string
	Col int
	Msg string
}

func (e *EvalError) Error() string {
	// The same layout as a syntax error: the message, then the line with a caret.
	return strings.Replace((&SyntaxError{e.Src, e.Col, e.Msg}).Error(), "syntax error at", "at", 1)
}

// fn is a function value of the language: a builtin, or a method bound to its array.
type fn struct {
	name string
	call func(args []any, kw kwargs) (any, error)
}

// kwargs are a call's keyword arguments. Functions read the ones they take; a keyword no
// function read is an error after the call, as Python's is before it, so that a keyword
// darray does not implement is never silently ignored.
type kwargs struct {
	vals map[string]any
	used map[string]bool
}

func newKwargs() kwargs { return kwargs{vals: map[string]any{}, used: map[string]bool{}} }

// get is the keyword's value, nil when absent.
func (k kwargs) get(name string) any {
	v, _ := k.lookup(name)
	return v
}

func (k kwargs) lookup(name string) (any, bool) {
	if k.vals == nil {
		return nil, false
	}
	k.used[name] = true
	v, ok := k.vals[name]
	return v, ok
}

func (k kwargs) set(name string, v any) { k.vals[name] = v }

// take reads a keyword and removes it, for a function that handles it before passing
// the rest on.
func (k kwargs) take(name string) (any, bool) {
	v, ok := k.lookup(name)
	delete(k.vals, name)
	return v, ok
}

// all hands every keyword to a function that checks them itself.
func (k kwargs) all() map[string]any {
	for name := range k.vals {
		k.used[name] = true
	}
	return k.vals
}

// unused lists the keywords no one read, sorted.
func (k kwargs) unused() []string {
	var out []string
	for name := range k.vals {
		if !k.used[name] {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// module is a namespace such as np or random.
type module map[string]any

type evaluator struct {
	src    string
	env    map[string]any
	chunks []int // --chunks: block lengths for arrays created without saying, and inputs
}

func newEvaluator(src string, inputs map[string]any) *evaluator {
	e := &evaluator{src: src, env: map[string]any{}}
	for k, v := range builtins(e) {
		e.env[k] = v
	}
	np := module{}
	for k, v := range e.env {
		np[k] = v
	}
	e.env["np"], e.env["numpy"], e.env["da"] = np, np, np // as pasted from NumPy or dask.array code
	for name, a := range inputs {
		e.env[name] = a
	}
	return e
}

func (e *evaluator) errAt(n node, format string, args ...any) error {
	return &EvalError{e.src, n.pos() + 1, fmt.Sprintf(format, args...)}
}

// chunksFor is --chunks for an array of ndim axes: one length applies to every axis;
// lengths for another number of axes do not apply (the array keeps its own chunks).
func (e *evaluator) chunksFor(ndim int) darray.ChunkSpec {
	if len(e.chunks) == 1 || len(e.chunks) == ndim && ndim > 0 {
		return darray.ChunkSize(e.chunks...)
	}
	return darray.ChunkSpec{}
}

// run evaluates every statement and returns the last value.
func (e *evaluator) run(stmts []node) (any, error) {
	var last any
	for _, s := range stmts {
		v, err := e.eval(s)
		if err != nil {
			return nil, err
		}
		last = v
	}
	if a, ok := last.(*darray.Array); ok && a.Err() != nil && !errors.Is(a.Err(), darray.ErrUnknownChunks) {
		return nil, a.Err()
	}
	return last, nil
}

func (e *evaluator) eval(n node) (any, error) {
	switch x := n.(type) {
	case *assignStmt:
		v, err := e.eval(x.x)
		if err != nil {
			return nil, err
		}
		if len(x.names) == 1 {
			e.env[x.names[0]] = v
			return v, nil
		}
		items, ok := v.([]any)
		if !ok || len(items) != len(x.names) {
			return nil, e.errAt(x, "cannot unpack %s into %d names", describe(v), len(x.names))
		}
		for i, name := range x.names {
			e.env[name] = items[i]
		}
		return v, nil
	case *numLit:
		v, err := parseNumber(x.text)
		if err != nil {
			if strings.Contains(err.Error(), "64 bits") {
				return nil, e.errAt(x, "%v", err)
			}
			return nil, e.errAt(x, "bad number %q", x.text)
		}
		return v, nil
	case *strLit:
		return x.text, nil
	case *nameRef:
		switch x.name {
		case "None":
			return nil, nil
		case "True":
			return true, nil
		case "False":
			return false, nil
		}
		v, ok := e.env[x.name]
		if !ok {
			return nil, e.errAt(x, "unknown name %q%s", x.name, suggest(x.name, keys(e.env)))
		}
		return v, nil
	case *tupleExpr:
		items := make([]any, len(x.items))
		for i, it := range x.items {
			v, err := e.eval(it)
			if err != nil {
				return nil, err
			}
			items[i] = v
		}
		return items, nil
	case *unaryExpr:
		v, err := e.eval(x.x)
		if err != nil {
			return nil, err
		}
		return e.unary(x, v)
	case *binaryExpr:
		a, err := e.eval(x.x)
		if err != nil {
			return nil, err
		}
		b, err := e.eval(x.y)
		if err != nil {
			return nil, err
		}
		return e.binary(x, a, b)
	case *attrExpr:
		v, err := e.eval(x.x)
		if err != nil {
			return nil, err
		}
		return e.attr(x, v)
	case *callExpr:
		f, err := e.eval(x.fn)
		if err != nil {
			return nil, err
		}
		callee, ok := f.(*fn)
		if !ok {
			return nil, e.errAt(x, "%s is not a function", describe(f))
		}
		args := make([]any, len(x.args))
		for i, a := range x.args {
			if args[i], err = e.eval(a); err != nil {
				return nil, err
			}
		}
		kw := newKwargs()
		for _, k := range x.kwList {
			v, err := e.eval(x.kwargs[k])
			if err != nil {
				return nil, err
			}
			kw.set(k, v)
		}
		v, err := callee.call(args, kw)
		if err == nil {
			if unused := kw.unused(); len(unused) > 0 {
				err = fmt.Errorf("unexpected keyword argument %q", unused[0])
			}
		}
		if err != nil {
			return nil, e.errAt(x, "%s: %v", callee.name, err)
		}
		if a, ok := v.(*darray.Array); ok && a.Err() != nil && !errors.Is(a.Err(), darray.ErrUnknownChunks) {
			return nil, e.errAt(x, "%v", a.Err())
		}
		return v, nil
	case *indexExpr:
		v, err := e.eval(x.x)
		if err != nil {
			return nil, err
		}
		return e.index(x, v)
	}
	return nil, e.errAt(n, "cannot evaluate this here")
}

func (e *evaluator) unary(x *unaryExpr, v any) (any, error) {
	if _, ok := v.(*textArray); ok {
		return nil, e.errAt(x, "%v", textOnly("unary "+x.op))
	}
	switch x.op {
	case "+":
		if b, ok := v.(bool); ok { // Python: +True is 1
			return boolInt(b), nil
		}
		return v, nil
	case "-":
		switch n := v.(type) {
		case bool: // Python: -True is -1
			return -boolInt(n), nil
		case int64:
			if n == math.MinInt64 {
				return nil, e.errAt(x, "integer overflow: -(%d) does not fit in 64 bits", n)
			}
			return -n, nil
		case float64:
			return -n, nil
		case complex128:
			return -n, nil
		}
		return e.arrayResult(x, darray.Unary(nd.Negative, toOperand(v)))
	case "~":
		if b, ok := v.(bool); ok {
			return !b, nil
		}
		return e.arrayResult(x, darray.Unary(nd.Invert, toOperand(v)))
	}
	return nil, e.errAt(x, "unknown operator %s", x.op)
}

var binaryOps = map[string]nd.BinaryOp{"+": nd.Add, "-": nd.Subtract, "*": nd.Multiply, "/": nd.Divide,
	"//": nd.FloorDivide, "%": nd.Mod, "**": nd.Power, "<": nd.Less, "<=": nd.LessEqual, ">": nd.Greater,
	">=": nd.GreaterEqual, "==": nd.Equal, "!=": nd.NotEqual, "&": nd.BitwiseAnd, "|": nd.BitwiseOr, "^": nd.BitwiseXor}

func (e *evaluator) binary(x *binaryExpr, a, b any) (any, error) {
	_, aText := a.(*textArray)
	_, bText := b.(*textArray)
	if aText || bText {
		return nil, e.errAt(x, "%v", textOnly(x.op))
	}
	if x.op == "@" {
		aa, err1 := arrayArg(a)
		bb, err2 := arrayArg(b)
		if err := firstErr(err1, err2); err != nil {
			return nil, e.errAt(x, "@: %v", err)
		}
		return e.arrayResult(x, darray.Matmul(aa, bb))
	}
	op, ok := binaryOps[x.op]
	if !ok {
		return nil, e.errAt(x, "unknown operator %s", x.op)
	}
	_, aArr := a.(*darray.Array)
	_, bArr := b.(*darray.Array)
	if i, ok := a.(int64); ok {
		if j, ok := b.(int64); ok {
			// Python's integers do not wrap: a sum, product or power past 64 bits (such as
			// a shape of 2**70) is an error, never a silently wrong number.
			if r, handled, ok := checkedIntOp(x.op, i, j); handled {
				if !ok {
					return nil, e.errAt(x, "integer overflow: %d %s %d does not fit in 64 bits", i, x.op, j)
				}
				return r, nil
			}
		}
	}
	if !aArr && !bArr { // two numbers: compute them as 0-d arrays, the result a number
		r, err := darray.Binary(op, toOperand(a), toOperand(b)).Compute(bgctx)
		if err != nil {
			return nil, e.errAt(x, "%v", err)
		}
		return scalarOf(r), nil
	}
	if op == nd.BitwiseAnd || op == nd.BitwiseOr || op == nd.BitwiseXor {
		// On booleans NumPy's & | ^ are the logical operations.
		if isBoolish(a) && isBoolish(b) {
			op = map[nd.BinaryOp]nd.BinaryOp{nd.BitwiseAnd: nd.LogicalAnd, nd.BitwiseOr: nd.LogicalOr, nd.BitwiseXor: nd.LogicalXor}[op]
		}
	}
	return e.arrayResult(x, darray.Binary(op, toOperand(a), toOperand(b)))
}

// checkedIntOp does +, -, * and ** (by a non-negative power) on 64-bit integers, and
// reports whether it handled op and whether the result fit.
func checkedIntOp(op string, a, b int64) (r int64, handled, ok bool) {
	switch op {
	case "+":
		r = a + b
		return r, true, (r > a) == (b > 0)
	case "-":
		r = a - b
		return r, true, (r < a) == (b > 0)
	case "*":
		r, ok = checkedMul(a, b)
		return r, true, ok
	case "**":
		if b < 0 {
			return 0, false, false // NumPy's rules (an error for integers) apply
		}
		switch a {
		case 0, 1:
			if b == 0 {
				return 1, true, true
			}
			return a, true, true
		case -1:
			return 1 - 2*(b&1), true, true
		}
		r = 1
		for range b { // |a| >= 2: at most 63 rounds before overflowing
			if r, ok = checkedMul(r, a); !ok {
				return 0, true, false
			}
		}
		return r, true, true
	}
	return 0, false, false
}

func checkedMul(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	r := a * b
	if r/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return 0, false
	}
	return r, true
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// isBoolish reports whether v is a boolean array or a Python bool.
func isBoolish(v any) bool {
	_, ok := v.(bool)
	return ok || isBoolArray(v)
}

func isBoolArray(v any) bool {
	a, ok := v.(*darray.Array)
	return ok && a.DType() == nd.Bool
}

func (e *evaluator) arrayResult(n node, a *darray.Array) (any, error) {
	// A selection of unknown block lengths (nonzero, flatnonzero) is a value: printing
	// computes its lengths, and what needs them before says so.
	if err := a.Err(); err != nil && !errors.Is(err, darray.ErrUnknownChunks) {
		return nil, e.errAt(n, "%v", err)
	}
	return a, nil
}

// toOperand turns a language value into what darray's element-wise functions take: Go's
// int, float64, complex128 and bool are NumPy's weak Python scalars.
func toOperand(v any) any {
	switch x := v.(type) {
	case int64:
		return int(x)
	}
	return v
}

func scalarOf(a *nd.Array) any {
	switch {
	case a.DType() == nd.Bool:
		return nd.Values[bool](a)[0]
	case a.DType().IsInteger():
		return nd.Values[int64](a)[0]
	case a.DType().IsComplex():
		return nd.Values[complex128](a)[0]
	}
	return nd.Values[float64](a)[0]
}

func (e *evaluator) attr(x *attrExpr, v any) (any, error) {
	switch m := v.(type) {
	case *textArray:
		if a, ok := m.attr(x.name); ok {
			return a, nil
		}
		return nil, e.errAt(x, "%v", textOnly("."+x.name))
	case module:
		if f, ok := m[x.name]; ok {
			return f, nil
		}
		return nil, e.errAt(x, "module has no %q%s", x.name, suggest(x.name, keys(m)))
	case *darray.Array:
		switch x.name {
		case "T":
			return m.T(), nil
		case "shape":
			s := make([]any, m.NDim())
			for i, n := range m.Shape() {
				s[i] = int64(n)
			}
			return s, nil
		case "ndim":
			return int64(m.NDim()), nil
		case "size":
			return int64(m.Size()), nil
		case "dtype":
			return m.DType().String(), nil
		case "nbytes":
			return m.NBytes(), nil
		case "real":
			return m.Real(), nil
		case "imag":
			return m.Imag(), nil
		case "chunks": // dask's form: per axis, the blocks' lengths
			out := make([]any, m.NDim())
			for d, c := range m.Chunks() {
				lengths := make([]any, len(c))
				for i, n := range c {
					lengths[i] = int64(n)
				}
				out[d] = lengths
			}
			return out, nil
		}
		// Methods are the functions of the same name with the array first.
		if f, ok := e.env[x.name].(*fn); ok && methodNames[x.name] {
			return &fn{name: x.name, call: func(args []any, kw kwargs) (any, error) {
				return f.call(append([]any{m}, args...), kw)
			}}, nil
		}
		return nil, e.errAt(x, "array has no attribute %q%s", x.name, suggest(x.name, append(keys(methodNames), "T", "shape", "ndim", "size", "dtype", "nbytes", "real", "imag", "chunks")))
	}
	return nil, e.errAt(x, "%s has no attribute %q", describe(v), x.name)
}

func (e *evaluator) index(x *indexExpr, v any) (any, error) {
	if t, ok := v.(*textArray); ok {
		idx, err := e.indices(x)
		if err != nil {
			return nil, err
		}
		r, err := t.index(idx)
		if err != nil {
			return nil, e.errAt(x, "%v", err)
		}
		return r, nil
	}
	a, ok := v.(*darray.Array)
	if !ok {
		if items, ok := v.([]any); ok && len(x.idx) == 1 { // indexing a tuple, such as x.shape[0]
			i, err := e.eval(x.idx[0])
			if err != nil {
				return nil, err
			}
			k, ok := i.(int64)
			if !ok || k < -int64(len(items)) || k >= int64(len(items)) {
				return nil, e.errAt(x, "tuple index %v out of range", i)
			}
			if k < 0 {
				k += int64(len(items))
			}
			return items[k], nil
		}
		return nil, e.errAt(x, "%s cannot be indexed", describe(v))
	}
	idx, err := e.indices(x)
	if err != nil {
		return nil, err
	}
	return e.arrayResult(x, a.IndexWith(idx...))
}

// indices evaluates the index expressions of x[...].
func (e *evaluator) indices(x *indexExpr) ([]nd.Index, error) {
	var idx []nd.Index
	for _, it := range x.idx {
		switch s := it.(type) {
		case *ellipsisLit:
			idx = append(idx, nd.Ellipsis())
		case *sliceExpr:
			parts := [3]int{nd.Omit, nd.Omit, nd.Omit}
			for k, p := range []node{s.start, s.stop, s.step} {
				if p == nil {
					continue
				}
				pv, err := e.eval(p)
				if err != nil {
					return nil, err
				}
				if pv == nil {
					continue
				}
				n, ok := pv.(int64)
				if !ok {
					return nil, e.errAt(p, "slice indices must be integers or None, not %s", describe(pv))
				}
				parts[k] = int(n)
			}
			if parts[2] == 0 {
				return nil, e.errAt(s, "slice step cannot be zero")
			}
			idx = append(idx, nd.Slice(parts[0], parts[1], parts[2]))
		default:
			iv, err := e.eval(it)
			if err != nil {
				return nil, err
			}
			switch k := iv.(type) {
			case nil:
				idx = append(idx, nd.NewAxis())
			case int64:
				idx = append(idx, nd.Int(int(k)))
			case []any:
				arr, err := intArray(k)
				if err != nil {
					return nil, e.errAt(it, "%v", err)
				}
				idx = append(idx, nd.Take(arr))
			case *darray.Array:
				computed, err := k.Compute(bgctx) // an index array is computed first
				if err != nil {
					return nil, e.errAt(it, "%v", err)
				}
				idx = append(idx, nd.Take(computed))
			default:
				return nil, e.errAt(it, "an index must be an integer, a slice, ..., None or an array, not %s", describe(iv))
			}
		}
	}
	return idx, nil
}

func intArray(items []any) (*nd.Array, error) {
	vals := make([]int64, len(items))
	allBool := len(items) > 0
	for i, it := range items {
		switch v := it.(type) {
		case int64:
			vals[i], allBool = v, false
		case bool:
			if v {
				vals[i] = 1
			}
		default:
			return nil, fmt.Errorf("index lists hold integers or booleans, not %s", describe(it))
		}
	}
	if allBool {
		b := make([]bool, len(vals))
		for i, v := range vals {
			b[i] = v != 0
		}
		return nd.FromSlice(b)
	}
	return nd.FromSlice(vals)
}

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case *darray.Array:
		return fmt.Sprintf("array of shape %s", nd.ShapeString(x.Shape()))
	case *textArray:
		return fmt.Sprintf("text (strings) of shape %s", nd.ShapeString(x.shape))
	case *fn:
		return "function " + x.name
	case module:
		return "module"
	case []any:
		return "tuple"
	case string:
		return fmt.Sprintf("string %q", x)
	}
	return fmt.Sprintf("%T %v", v, v)
}

// keys are a map's keys, sorted.
func keys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// suggest names the known name nearest to an unknown one, when one is near enough.
func suggest(name string, known []string) string {
	best, bestD := "", len(name)/2+2
	for _, k := range known {
		if d := editDistance(strings.ToLower(name), strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
