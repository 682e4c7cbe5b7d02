package darray

import (
	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
)

// ReduceOption adjusts a reduction.
type ReduceOption func(*reduceConfig)

type reduceConfig struct {
	axes       []int
	keepDims   bool
	ddof       int
	splitEvery int
}

// Axis reduces over the given axes (all axes when the option is absent).
func Axis(axes ...int) ReduceOption {
	return func(c *reduceConfig) { c.axes = append([]int{}, axes...) }
}

// KeepDims keeps the reduced axes with length one.
func KeepDims() ReduceOption { return func(c *reduceConfig) { c.keepDims = true } }

// DDof sets var's and std's delta degrees of freedom.
func DDof(n int) ReduceOption { return func(c *reduceConfig) { c.ddof = n } }

// SplitEvery sets the fan-in of the reduction tree: how many partial results one merge
// task combines (default 8).
func SplitEvery(n int) ReduceOption { return func(c *reduceConfig) { c.splitEvery = n } }

// DefaultSplitEvery is the reduction tree's fan-in when SplitEvery is not given.
const DefaultSplitEvery = 8

// Reduce applies a NumPy reduction as a tree: every block is reduced to a partial state,
// partial states are merged SplitEvery at a time, and the last merge finalizes. Results
// are exact, not approximations: var and std merge (count, mean, M2) states with Chan's
// formula, arg reductions keep the first position of the extreme value.
func (a *Array) Reduce(op nd.ReduceOp, opts ...ReduceOption) *Array {
	cfg := reduceConfig{splitEvery: DefaultSplitEvery}
	for _, o := range opts {
		o(&cfg)
	}
	if a.ragged != nil && a.ragged.sel != nil {
		return a.ragged.sel.reduce(op, cfg)
	}
	if a.err != nil {
		return a
	}
	l := a.layer
	var axes []int
	if cfg.axes == nil {
		axes = make([]int, l.NDim())
		for i := range axes {
			axes[i] = i
		}
	} else {
		if len(cfg.axes) == 0 {
			// NumPy's axis=(): every element reduced on its own. That is the reduction over
			// a new axis of length one (dtype rules, var's ddof and all).
			if op == nd.ArgMin || op == nd.ArgMax || op == nd.NanArgMin || op == nd.NanArgMax {
				return failf(op.String(), "an empty list of axes: %s takes one axis or none", op)
			}
			return a.ExpandDims(-1).Reduce(op, Axis(-1), DDof(cfg.ddof)) // (KeepDims: the same shape)
		}
		if op.IsArg() && len(cfg.axes) != 1 {
			return failf(op.String(), "takes a single axis or all axes, not %v", cfg.axes)
		}
		var err error
		if axes, err = nd.NormalizeAxes(op.String(), cfg.axes, l.NDim()); err != nil {
			return failed(op.String(), err)
		}
		sortInts(axes)
	}
	if cfg.splitEvery < 2 {
		return failf(op.String(), "split_every must be at least 2, not %d", cfg.splitEvery)
	}
	// The result's dtype, from a one-element stand-in.
	probe, _ := nd.Zeros(l.DType, ones(l.NDim())...)
	res, err := nd.Reduce(op, probe, nd.ReduceArgs{Axes: axes, KeepDims: cfg.keepDims, DDof: cfg.ddof})
	if err != nil {
		return failed(op.String(), err)
	}
	reduced := make([]bool, l.NDim())
	for _, ax := range axes {
		reduced[ax] = true
	}
	var shape []int
	var chunks graph.Chunks
	for d := range l.Shape {
		switch {
		case !reduced[d]:
			shape, chunks = append(shape, l.Shape[d]), append(chunks, l.Chunks[d])
		case cfg.keepDims:
			shape, chunks = append(shape, 1), append(chunks, []int{1})
		}
	}
	if shape == nil {
		shape, chunks = []int{}, graph.Chunks{}
	}
	for _, ax := range axes {
		if l.Shape[ax] == 0 && (op.IsArg() || op == nd.Min || op == nd.Max || op == nd.NanMin || op == nd.NanMax) {
			return failf(op.String(), "zero-size array to reduction operation %s which has no identity (shape %s)", op, nd.ShapeString(l.Shape))
		}
	}
	r := graph.Reduce{Op: op, Axes: axes, KeepDims: cfg.keepDims, DDof: cfg.ddof, SplitEvery: cfg.splitEvery}
	return fromLayer(graph.NewLayer(r, []*graph.Layer{l}, shape, res.DType(), chunks))
}

func ones(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = 1
	}
	return s
}

func sortInts(s []int) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// The reductions by name.

func (a *Array) Sum(opts ...ReduceOption) *Array     { return a.Reduce(nd.Sum, opts...) }
func (a *Array) Prod(opts ...ReduceOption) *Array    { return a.Reduce(nd.Prod, opts...) }
func (a *Array) Mean(opts ...ReduceOption) *Array    { return a.Reduce(nd.Mean, opts...) }
func (a *Array) Var(opts ...ReduceOption) *Array     { return a.Reduce(nd.Var, opts...) }
func (a *Array) Std(opts ...ReduceOption) *Array     { return a.Reduce(nd.Std, opts...) }
func (a *Array) Min(opts ...ReduceOption) *Array     { return a.Reduce(nd.Min, opts...) }
func (a *Array) Max(opts ...ReduceOption) *Array     { return a.Reduce(nd.Max, opts...) }
func (a *Array) ArgMin(opts ...ReduceOption) *Array  { return a.Reduce(nd.ArgMin, opts...) }
func (a *Array) ArgMax(opts ...ReduceOption) *Array  { return a.Reduce(nd.ArgMax, opts...) }
func (a *Array) Any(opts ...ReduceOption) *Array     { return a.Reduce(nd.Any, opts...) }
func (a *Array) All(opts ...ReduceOption) *Array     { return a.Reduce(nd.All, opts...) }
func (a *Array) NanSum(opts ...ReduceOption) *Array  { return a.Reduce(nd.NanSum, opts...) }
func (a *Array) NanMean(opts ...ReduceOption) *Array { return a.Reduce(nd.NanMean, opts...) }
func (a *Array) NanMin(opts ...ReduceOption) *Array  { return a.Reduce(nd.NanMin, opts...) }
func (a *Array) NanMax(opts ...ReduceOption) *Array  { return a.Reduce(nd.NanMax, opts...) }

// Cumulative computes a running sum or product along axis, block after block, each block
// starting from the previous one's last slice.
func (a *Array) Cumulative(op nd.CumOp, axis int) *Array {
	if a.ragged != nil && a.ragged.sel != nil {
		return a.ragged.sel.cumulative(op, axis)
	}
	if a.err != nil {
		return a
	}
	ax, err := nd.NormalizeAxes(op.String(), []int{axis}, a.layer.NDim())
	if err != nil {
		return failed(op.String(), err)
	}
	l := a.layer
	return fromLayer(graph.NewLayer(graph.Cumulative{Op: op, Axis: ax[0]}, []*graph.Layer{l}, l.Shape, nd.CumResultType(l.DType), l.Chunks))
}

// CumSum is the running sum along axis.
func (a *Array) CumSum(axis int) *Array { return a.Cumulative(nd.CumSum, axis) }

// CumProd is the running product along axis.
func (a *Array) CumProd(axis int) *Array { return a.Cumulative(nd.CumProd, axis) }

// Rechunk re-cuts the array into new blocks.
func (a *Array) Rechunk(chunks ChunkSpec) *Array {
	if a.err != nil {
		return a
	}
	ch, err := chunks.resolve(a.layer.Shape, a.layer.DType)
	if err != nil {
		return failed("rechunk", err)
	}
	return fromLayer(rechunkLayer(a.layer, ch))
}
