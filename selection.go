package darray

import (
	"errors"
	"fmt"
	"math"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
)

// selection is what an array made by SelectMask or FlatNonzero is: the elements of
// values (one-dimensional, of known blocks) where mask is true. Its lengths are unknown,
// yet element-wise operations, reductions and running sums and products need none: they
// are those of values with the elements outside the mask made neutral (or carried
// along), selected again by the same mask, as dask computes x[mask].sum() without
// knowing the chunks of x[mask].
type selection struct {
	values, mask *Array       // one-dimensional, cut alike
	key          *graph.Layer // the mask as given: selections by one mask line up element for element
}

// Block functions behind reductions of selections.
const (
	maskedExtremeFunc = "darray.masked-extreme" // x, mask -> x with unselected elements at the dtype's extreme
	requireFunc       = "darray.require"        // result, truth -> result, or the error when truth is false
)

// extremeParams says which extreme fills the unselected elements: the largest value of
// the dtype (for a minimum) or the smallest.
type extremeParams struct{ High bool }

// requireParams is the error of a reduction that found nothing to reduce.
type requireParams struct{ Message string }

func init() {
	registerBlockFuncOf(maskedExtremeFunc, func(p extremeParams, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		fill, err := extremeOf(blocks[0].DType(), p.High)
		if err != nil {
			return nil, err
		}
		return nd.Where(blocks[1], blocks[0], fill)
	})
	registerBlockFuncOf(requireFunc, func(p requireParams, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		for _, ok := range nd.Values[bool](blocks[1]) {
			if !ok {
				return nil, errors.New(p.Message)
			}
		}
		return blocks[0], nil
	})
	graph.RegisterType(extremeParams{})
	graph.RegisterType(requireParams{})
}

// extremeOf is the 0-d array of dt's largest (high) or smallest value, exactly: +-Inf for
// floating point, (+-Inf, +-Inf) for complex numbers (the lexicographic extremes).
func extremeOf(dt nd.DType, high bool) (*nd.Array, error) {
	inf := math.Inf(1)
	switch dt {
	case nd.Bool:
		return nd.Scalar(high), nil
	case nd.Int8:
		return pick(high, int8(math.MinInt8), math.MaxInt8), nil
	case nd.Int16:
		return pick(high, int16(math.MinInt16), math.MaxInt16), nil
	case nd.Int32:
		return pick(high, int32(math.MinInt32), math.MaxInt32), nil
	case nd.Int64:
		return pick(high, int64(math.MinInt64), math.MaxInt64), nil
	case nd.Uint8:
		return pick(high, uint8(0), math.MaxUint8), nil
	case nd.Uint16:
		return pick(high, uint16(0), math.MaxUint16), nil
	case nd.Uint32:
		return pick(high, uint32(0), math.MaxUint32), nil
	case nd.Uint64:
		return pick(high, uint64(0), math.MaxUint64), nil
	case nd.Float32:
		return pick(high, float32(-inf), float32(inf)), nil
	case nd.Float64:
		return pick(high, -inf, inf), nil
	case nd.Complex64:
		return pick(high, complex64(complex(-inf, -inf)), complex64(complex(inf, inf))), nil
	case nd.Complex128:
		return pick(high, complex(-inf, -inf), complex(inf, inf)), nil
	}
	return nil, fmt.Errorf("no extreme value for dtype %v", dt)
}

func pick[T nd.Element](high bool, lo, hi T) *nd.Array {
	if high {
		return nd.Scalar(hi)
	}
	return nd.Scalar(lo)
}

// selectFlat is the selection of the one-dimensional x where m is true, the two cut
// alike first; key identifies the mask as the user gave it.
func selectFlat(x, m *Array, key *graph.Layer) *Array {
	if x.err != nil {
		return x
	}
	if m.err != nil {
		return m
	}
	chunks := graph.Refine(x.layer.Chunks[0], m.layer.Chunks[0])
	x, m = x.Rechunk(ChunkSizes(chunks)), m.Rechunk(ChunkSizes(chunks))
	if x.err != nil {
		return x
	}
	if m.err != nil {
		return m
	}
	return raggedArray(&ragged{inputs: []*graph.Layer{x.layer, m.layer}, fn: compressFunc, count: countNonzero, counted: 1,
		dtype: x.DType(), sel: &selection{values: x, mask: m, key: key}})
}

// selectionArgs finds the selections among an element-wise operation's arguments. With
// none it returns nil. Otherwise every selection must come from the same mask and every
// other array must be a scalar (0-d): plain holds the arguments with each selection
// replaced by its values, to be selected again after the operation.
func selectionArgs(args []any) (sel *selection, plain []any, err error) {
	for _, a := range args {
		arr, ok := a.(*Array)
		if !ok || arr == nil || arr.ragged == nil {
			continue
		}
		s := arr.ragged.sel
		if s == nil {
			return nil, nil, arr.err
		}
		if sel != nil && s.key != sel.key {
			return nil, nil, errors.New("selections by different masks do not line up element for element: call ComputeChunkSizes on them first")
		}
		sel = s
	}
	if sel == nil {
		return nil, args, nil
	}
	plain = make([]any, len(args))
	for i, a := range args {
		plain[i] = a
		var shape []int
		switch arr := a.(type) {
		case *Array:
			switch {
			case arr == nil:
				continue // reported by the operation
			case arr.ragged != nil:
				plain[i] = arr.ragged.sel.values
				continue
			case arr.err == nil:
				shape = arr.Shape()
			}
		case *nd.Array:
			if arr != nil {
				shape = arr.Shape()
			}
		}
		if len(shape) != 0 {
			return nil, nil, fmt.Errorf("a selection of unknown length meets an array of shape %s: only scalars (0-d) combine with it before ComputeChunkSizes", nd.ShapeString(shape))
		}
	}
	return sel, plain, nil
}

// selectAgain is s[t] for a boolean selection t by the same mask: the elements of s's
// values where both masks hold.
func (s *selection) selectAgain(t *selection) *Array {
	if t.values.DType() != nd.Bool {
		return failf("select", "the mask must be boolean, not %v", t.values.DType())
	}
	if s.key != t.key {
		return failf("select", "a selection used as the mask of another must come from the same mask: call ComputeChunkSizes first")
	}
	both := Binary(nd.LogicalAnd, s.mask, t.values)
	if both.err != nil {
		return both
	}
	both = Binary(nd.LogicalAnd, both, t.mask)
	return selectFlat(s.values, both, both.layer)
}

// reduce is a reduction of the selection over its one axis (or, for an empty list of
// axes, of each element on its own).
func (s *selection) reduce(op nd.ReduceOp, cfg reduceConfig) *Array {
	name := op.String()
	if cfg.axes != nil {
		if len(cfg.axes) == 0 {
			return selectFlat(s.values.Reduce(op, Axis(), DDof(cfg.ddof)), s.mask, s.key)
		}
		if _, err := nd.NormalizeAxes(name, cfg.axes, 1); err != nil {
			return failed(name, err)
		}
	}
	opts := []ReduceOption{DDof(cfg.ddof), SplitEvery(cfg.splitEvery)}
	if cfg.keepDims {
		opts = append(opts, KeepDims())
	}
	if op.IsArg() {
		return s.position(op, opts)
	}
	x, m := s.values, s.mask
	dt := x.DType()
	switch op {
	case nd.Sum, nd.NanSum, nd.CountNonzero, nd.Any:
		return s.fill(x, 0).Reduce(op, opts...)
	case nd.Prod, nd.NanProd, nd.All:
		return s.fill(x, 1).Reduce(op, opts...)
	case nd.Mean:
		rdt := reducedDType(op, dt)
		sum := s.fill(x.AsType(rdt), 0).Reduce(nd.Sum, opts...)
		return sum.Div(m.Reduce(nd.Sum, opts...).AsType(rdt)) // 0/0: NaN, as NumPy's mean of nothing
	case nd.NanMean, nd.Var, nd.Std, nd.NanVar, nd.NanStd:
		if !dt.IsInexact() {
			x = x.AsType(nd.Float64) // as NumPy's statistics of integers
		}
		skipping := map[nd.ReduceOp]nd.ReduceOp{nd.Var: nd.NanVar, nd.Std: nd.NanStd}[op]
		if skipping == 0 {
			skipping = op
		}
		r := s.fill(x, math.NaN()).Reduce(skipping, opts...)
		if op == nd.Var || op == nd.Std {
			// The unselected elements were NaN and skipped; a selected NaN must not be.
			nan := Binary(nd.LogicalAnd, m, Unary(nd.IsNaN, x)).Reduce(nd.Any, opts...)
			r = Where(nan, scalar(complex(math.NaN(), 0), r.DType()), r)
		}
		return r
	case nd.Min, nd.Max, nd.NanMin, nd.NanMax:
		return s.extreme(op, fmt.Sprintf("%s of an empty selection: zero-size array to reduction operation %s which has no identity", name, name), opts)
	}
	return failf(name, "not defined on a selection of unknown length")
}

// fill is x (the selection's values, or an array derived from them element by element)
// with the unselected elements at v, in x's dtype.
func (s *selection) fill(x *Array, v float64) *Array {
	return Where(s.mask, x, scalar(complex(v, 0), x.DType()))
}

// extreme is the selection's min, max, nanmin or nanmax, failing with empty when nothing
// is selected.
func (s *selection) extreme(op nd.ReduceOp, empty string, opts []ReduceOption) *Array {
	x, m := s.values, s.mask
	var filled *Array
	if (op == nd.NanMin || op == nd.NanMax) && x.DType().IsInexact() {
		filled = s.fill(x, math.NaN())
	} else {
		filled = MapBlocks(maskedExtremeFunc, []*Array{x, m}, Params(extremeParams{High: op == nd.Min || op == nd.NanMin}), OutDType(x.DType()))
	}
	return require(filled.Reduce(op, opts...), m.Reduce(nd.Any, opts...), empty)
}

// require is r where ok holds everywhere, and otherwise the error message.
func require(r, ok *Array, message string) *Array {
	if r.err != nil {
		return r
	}
	if ok.err != nil {
		return ok
	}
	return MapBlocks(requireFunc, []*Array{r, ok}, Params(requireParams{Message: message}), OutDType(r.DType()))
}

// position is argmin, argmax or a nan-variant of the selection: the extreme first, then
// the first selected element equal to it, numbered by how many selected elements come
// before it.
func (s *selection) position(op nd.ReduceOp, opts []ReduceOption) *Array {
	name := op.String()
	x, m := s.values, s.mask
	of := map[nd.ReduceOp]nd.ReduceOp{nd.ArgMin: nd.Min, nd.ArgMax: nd.Max, nd.NanArgMin: nd.NanMin, nd.NanArgMax: nd.NanMax}[op]
	v := s.extreme(of, "attempt to get "+name+" of an empty selection", nil)
	skipsNaN := op == nd.NanArgMin || op == nd.NanArgMax
	if skipsNaN && x.DType().IsInexact() {
		v = require(v, Unary(nd.LogicalNot, Unary(nd.IsNaN, v)), name+": All-NaN slice encountered")
	}
	hit := Binary(nd.Equal, x, v)
	if !skipsNaN && x.DType().IsInexact() { // a NaN is the extreme: the first one counts
		hit = Binary(nd.LogicalOr, hit, Binary(nd.LogicalAnd, Unary(nd.IsNaN, x), Unary(nd.IsNaN, v)))
	}
	first := Binary(nd.LogicalAnd, m, hit).Reduce(nd.ArgMax) // the first true
	positions := Arange(0, float64(x.layer.Shape[0]), 1, nd.Int64, ChunkSizes(x.layer.Chunks[0]))
	return Binary(nd.LogicalAnd, m, positions.Less(first)).Reduce(nd.Sum, opts...)
}

// reducedDType is the dtype op gives on an array of dtype dt.
func reducedDType(op nd.ReduceOp, dt nd.DType) nd.DType {
	probe, _ := nd.Zeros(dt, 1)
	res, err := nd.Reduce(op, probe, nd.ReduceArgs{})
	if err != nil {
		return dt
	}
	return res.DType()
}

// cumulative is a running sum or product along the selection, itself a selection.
func (s *selection) cumulative(op nd.CumOp, axis int) *Array {
	if _, err := nd.NormalizeAxes(op.String(), []int{axis}, 1); err != nil {
		return failed(op.String(), err)
	}
	neutral := 0.0
	if op == nd.CumProd || op == nd.NanCumProd {
		neutral = 1
	}
	return selectFlat(s.fill(s.values, neutral).Cumulative(op, 0), s.mask, s.key)
}
