package darray

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
)

// Block functions of sorting, selection and counting.
const (
	sortFunc      = "darray.sort"
	argsortFunc   = "darray.argsort"
	quantileFunc  = "darray.quantile"
	topkFunc      = "darray.topk"       // merges partial results
	topkChunkFunc = "darray.topk-chunk" // a block's own k best
	histogramFunc = "darray.histogram"
	digitizeFunc  = "darray.digitize"
	searchFunc    = "darray.searchsorted"
)

type axisParams struct{ Axis int }

type quantileParams struct {
	Axis   int
	Q      []float64
	Median bool
	Method nd.QuantileMethod
}

// topkParams: K elements (largest when positive, smallest when negative) along Axis;
// with Arg, partial results hold the values' first K and their global indices after.
type topkParams struct {
	K       int
	Axis    int
	Arg     bool
	Offsets []int // where each block starts along Axis (for Chunk; nil for the merges)
}

type histogramParams struct {
	Edges    [][]float64 // per sample dimension
	Weighted bool
	Strict   bool // a value outside the edges is an error (bincount), not skipped
}

type digitizeParams struct {
	Bins  []float64
	Right bool
}

type searchParams struct {
	Right bool
}

func init() {
	registerBlockFuncOf(sortFunc, func(p axisParams, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		return nd.Sort(blocks[0], p.Axis)
	})
	registerBlockFuncOf(argsortFunc, func(p axisParams, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		return nd.ArgSort(blocks[0], p.Axis)
	})
	registerBlockFuncOf(quantileFunc, func(qp quantileParams, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		var out *nd.Array
		var err error
		if qp.Median {
			if out, err = nd.Median(blocks[0], qp.Axis); err == nil {
				out, err = out.ExpandDims(0)
			}
		} else {
			out, err = nd.Quantile(blocks[0], qp.Q, qp.Axis, qp.Method)
		}
		if err != nil {
			return nil, err
		}
		return out.MoveAxis(0, qp.Axis)
	})
	registerBlockFuncOf(topkFunc, func(p topkParams, blocks []*nd.Array, info graph.BlockInfo) (*nd.Array, error) {
		p.Offsets = nil
		return runTopK(p, blocks, info)
	})
	registerBlockFuncOf(topkChunkFunc, runTopK)
	registerBlockFuncOf(histogramFunc, runHistogram)
	registerBlockFuncOf(digitizeFunc, runDigitize)
	registerBlockFuncOf(searchFunc, runSearchSorted)
}

// wholeAlong re-cuts a so that axis is one block (the others keep theirs).
func wholeAlong(a *Array, axis int) (*Array, [][]int) {
	sizes := slices.Clone([][]int(a.layer.Chunks))
	sizes[axis] = []int{a.Shape()[axis]}
	return a.Rechunk(ChunkSizes(slices.Clone(sizes)...)), sizes // (the caller changes sizes)
}

// Sort returns a sorted along axis (NaNs last, as NumPy). The axis is re-cut into one
// block: a sort along it needs all of it.
func (a *Array) Sort(axis int) *Array { return a.sortLike("sort", sortFunc, axis, a.DType()) }

// ArgSort returns the int64 indices that sort a along axis; it is stable (equal elements
// keep their order, as numpy.argsort(kind="stable")).
func (a *Array) ArgSort(axis int) *Array {
	return a.sortLike("argsort", argsortFunc, axis, nd.Int64)
}

func (a *Array) sortLike(op, fn string, axis int, dt nd.DType) *Array {
	if a.err != nil {
		return a
	}
	ax, err := a.axisArg(op, axis)
	if err != nil {
		return failed(op, err)
	}
	whole, sizes := wholeAlong(a, ax)
	return MapBlocks(fn, []*Array{whole}, Params(axisParams{Axis: ax}), OutDType(dt), OutChunks(sizes...))
}

// Quantile is numpy.quantile with q in [0, 1] along one axis (all axes, flattened, when
// none is given): linear interpolation between closest ranks. The result's first axis
// runs along q. Along an axis, the axis is re-cut into one block; over all elements of
// an array in several blocks, exact radix selection reads the blocks four times and
// holds one at a time (quantile.go).
func (a *Array) Quantile(q []float64, axes ...int) *Array {
	return a.quantile("quantile", q, 1, nd.Linear, axes)
}

// Percentile is numpy.percentile: Quantile with q in [0, 100].
func (a *Array) Percentile(q []float64, axes ...int) *Array {
	return a.quantile("percentile", q, 100, nd.Linear, axes)
}

// QuantileBy is Quantile with another of NumPy's methods (method="lower", ...). The exact
// methods (Lower, Higher, Nearest) give elements of a, in a's dtype.
func (a *Array) QuantileBy(method nd.QuantileMethod, q []float64, axes ...int) *Array {
	return a.quantile("quantile", q, 1, method, axes)
}

// PercentileBy is Percentile with another of NumPy's methods.
func (a *Array) PercentileBy(method nd.QuantileMethod, q []float64, axes ...int) *Array {
	return a.quantile("percentile", q, 100, method, axes)
}

// Median is numpy.median along one axis (all axes, flattened, when none is given).
func (a *Array) Median(axes ...int) *Array { return a.quantile("median", nil, 0, nd.Linear, axes) }

func (a *Array) quantile(op string, q []float64, scale float64, method nd.QuantileMethod, axes []int) *Array {
	if a.err != nil {
		return a
	}
	if a.DType().IsComplex() {
		return failf(op, "complex input is not supported (dtype %v)", a.DType())
	}
	x, ax := a, 0
	switch len(axes) {
	case 0:
		x = a.Ravel()
	case 1:
		var err error
		if ax, err = a.axisArg(op, axes[0]); err != nil {
			return failed(op, err)
		}
	default:
		return failf(op, "one axis or none, not %d", len(axes))
	}
	p := quantileParams{Axis: ax, Median: scale == 0, Method: method}
	if x.Shape()[ax] == 0 {
		if method.Exact() && !p.Median { // NumPy: no element to pick
			return failf(op, "axis %d of shape %s is empty: method %v has no element to give", ax, nd.ShapeString(x.Shape()), method)
		}
		// NumPy: NaN for every quantile of an empty lane (with a warning)
		shape := append(append([]int{}, x.Shape()[:ax]...), x.Shape()[ax+1:]...)
		if !p.Median {
			shape = append([]int{len(q)}, shape...)
		}
		dt := nd.Float64
		if a.DType() == nd.Float32 {
			dt = nd.Float32
		}
		return Full(shape, complex(math.NaN(), 0), dt, ChunkSpec{})
	}
	for _, v := range q {
		if !(v >= 0 && v <= scale) {
			return failf(op, "%v is outside [0, %v]", v, scale)
		}
		p.Q = append(p.Q, v/scale)
	}
	n := len(q)
	if p.Median {
		n = 1
	}
	dt := nd.Float64
	if a.DType() == nd.Float32 {
		dt = nd.Float32
	}
	// The exact methods give elements: in the elements' dtype.
	keep := func(r *Array) *Array {
		if method.Exact() && !p.Median && r.DType() != a.DType() {
			return r.AsType(a.DType())
		}
		return r
	}
	if len(axes) == 0 && a.NumBlocks() > 1 { // all elements, in several blocks
		out := radixQuantiles(a, p.Q, p.Median, method, dt)
		if p.Median {
			return out.Reshape()
		}
		return keep(out)
	}
	whole, sizes := wholeAlong(x, ax)
	sizes[ax] = []int{n}
	out := MapBlocks(quantileFunc, []*Array{whole}, Params(p), OutDType(dt), OutChunks(sizes...))
	if p.Median {
		return out.Squeeze(ax)
	}
	return keep(out.MoveAxis(ax, 0))
}

// TopK returns the k largest elements along axis in descending order, or with k negative
// the -k smallest in ascending order, as dask's topk. It is a tree reduction: each block
// keeps its own k, merged a few at a time, so memory stays a few blocks per task.
func (a *Array) TopK(k, axis int) *Array { return a.topk("topk", k, axis, false) }

// ArgTopK returns the int64 indices along axis of TopK's elements.
func (a *Array) ArgTopK(k, axis int) *Array { return a.topk("argtopk", k, axis, true) }

func (a *Array) topk(op string, k, axis int, arg bool) *Array {
	if a.err != nil {
		return a
	}
	ax, err := a.axisArg(op, axis)
	if err != nil {
		return failed(op, err)
	}
	n := k
	if n < 0 {
		n = -n
	}
	if n == 0 || n > a.Shape()[ax] {
		return failf(op, "k=%d for axis %d of length %d", k, ax, a.Shape()[ax])
	}
	if a.DType().IsComplex() {
		return failf(op, "complex input is not supported (dtype %v)", a.DType())
	}
	pdt := topkPartialType(a.DType())
	size := n
	if arg {
		size = 2 * n
	}
	offsets := a.layer.Offsets()[ax]
	out := Reduction(a.AsType(pdt), ReductionSpec{
		Chunk: topkChunkFunc, Combine: topkFunc, Aggregate: topkFunc, Axes: []int{ax},
		OutputSize: size, AggregateSize: size, PartialDType: pdt, DType: pdt,
		Params: topkParams{K: k, Axis: ax, Arg: arg, Offsets: offsets[:len(offsets)-1]},
	})
	idx := make([]nd.Index, a.NDim())
	for d := range idx {
		idx[d] = nd.Whole()
	}
	if arg {
		idx[ax] = nd.Slice(n, 2*n, 1)
		return out.IndexWith(idx...).AsType(nd.Int64)
	}
	idx[ax] = nd.Slice(0, n, 1)
	return out.IndexWith(idx...).AsType(a.DType())
}

// topkPartialType holds both the values and (for ArgTopK) their indices exactly.
func topkPartialType(dt nd.DType) nd.DType {
	switch dt {
	case nd.Int64, nd.Uint64, nd.Float64:
		return dt
	case nd.Float32:
		return nd.Float64
	}
	return nd.Int64 // booleans and narrower integers
}

// runTopK keeps the k best along the axis of a block (Chunk: Offsets says where the
// block starts), or of joined partial results (Combine and Aggregate: Offsets is nil).
// Partial results are the k best values, best first, then with Arg their global indices
// (-1 marking padding, for blocks shorter than k).
func runTopK(p topkParams, blocks []*nd.Array, info graph.BlockInfo) (*nd.Array, error) {
	moved, err := blocks[0].MoveAxis(p.Axis, blocks[0].NDim()-1)
	if err != nil {
		return nil, err
	}
	moved = moved.Copy()
	shape := moved.Shape()
	var out *nd.Array
	switch moved.DType() {
	case nd.Float64:
		out, err = topkLanes(moved, p, info, math.Inf(-1), math.NaN(), nd.CompareNaNLast[float64])
	case nd.Int64:
		out, err = topkLanes(moved, p, info, math.MinInt64, math.MaxInt64, cmp.Compare[int64])
	case nd.Uint64:
		out, err = topkLanes(moved, p, info, 0, math.MaxUint64, cmp.Compare[uint64])
	default:
		return nil, fmt.Errorf("topk: partial results of dtype %v", moved.DType())
	}
	if err != nil {
		return nil, err
	}
	shape[len(shape)-1] = out.Shape()[out.NDim()-1]
	if out, err = out.Reshape(shape...); err != nil {
		return nil, err
	}
	return out.MoveAxis(out.NDim()-1, p.Axis)
}

type candidate[T any] struct {
	v   T
	idx int64
}

func topkLanes[T int64 | uint64 | float64](moved *nd.Array, p topkParams, info graph.BlockInfo, low, high T, compare func(x, y T) int) (*nd.Array, error) {
	data, err := nd.Data[T](moved)
	if err != nil {
		return nil, err
	}
	length := moved.Shape()[moved.NDim()-1]
	n, largest := p.K, p.K > 0
	if n < 0 {
		n = -n
	}
	worst := high // padding loses every comparison
	if largest {
		worst = low
	}
	size := n
	if p.Arg {
		size = 2 * n
	}
	lanes := 0
	if length > 0 {
		lanes = len(data) / length
	}
	if length == 0 {
		lanes = moved.Size() // no elements at all
	}
	out := make([]T, 0, lanes*size)
	cands := make([]candidate[T], 0, length)
	for l := range lanes {
		lane := data[l*length : (l+1)*length]
		cands = cands[:0]
		if p.Offsets != nil { // a block: every element, indices from the block's start
			origin := int64(p.Offsets[info.Block[p.Axis]])
			for j, v := range lane {
				cands = append(cands, candidate[T]{v, origin + int64(j)})
			}
		} else { // joined partials: groups of size
			for g := 0; g+size <= len(lane); g += size {
				for j := range n {
					c := candidate[T]{lane[g+j], 0}
					if p.Arg {
						if c.idx = int64(lane[g+n+j]); c.idx < 0 {
							continue
						}
					}
					cands = append(cands, c)
				}
			}
		}
		slices.SortStableFunc(cands, func(x, y candidate[T]) int {
			c := compare(x.v, y.v)
			if largest {
				c = -c
			}
			if c == 0 {
				return cmp.Compare(x.idx, y.idx)
			}
			return c
		})
		for j := range n {
			if j < len(cands) {
				out = append(out, cands[j].v)
			} else {
				out = append(out, worst)
			}
		}
		if p.Arg {
			for j := range n {
				if j < len(cands) {
					out = append(out, T(cands[j].idx))
				} else {
					var one T = 1
					out = append(out, -one) // padding: -1 (for uint64 its largest value, no index)
				}
			}
		}
	}
	return nd.FromSlice(out, lanes, size)
}

// HistogramDD is numpy.histogramdd over samples given as arrays of one shape (one per
// dimension), with the bin edges of each dimension (increasing); weights may be nil.
// Bins are half-open [e_i, e_i+1) except the last, closed; values outside the edges and
// NaNs are not counted. Each block counts its own elements into a small partial
// histogram, and those are summed. The result is float64 when weighted or density,
// int64 counts otherwise; with density, counts are divided by the total and the bin
// volumes.
func HistogramDD(samples []*Array, weights *Array, edges [][]float64, density bool) *Array {
	return histogram(samples, weights, edges, density, false, "histogramdd")
}

func histogram(samples []*Array, weights *Array, edges [][]float64, density, strict bool, op string) *Array {
	if len(samples) == 0 || len(samples) != len(edges) {
		return failf(op, "%d sample arrays for %d lists of edges", len(samples), len(edges))
	}
	inputs := slices.Clone(samples)
	if weights != nil {
		inputs = append(inputs, weights)
	}
	for i, s := range inputs {
		if s == nil {
			return failf(op, "nil Array")
		}
		if s.err != nil {
			return s
		}
		if !slices.Equal(s.Shape(), inputs[0].Shape()) {
			return failf(op, "array %d has shape %s, the first %s", i, nd.ShapeString(s.Shape()), nd.ShapeString(inputs[0].Shape()))
		}
		if s.DType().IsComplex() {
			return failf(op, "complex input is not supported (dtype %v)", s.DType())
		}
	}
	bins := make([]int, len(edges))
	total := 1
	for d, e := range edges {
		if len(e) < 2 {
			return failf(op, "dimension %d has %d edges: at least 2 are needed", d, len(e))
		}
		for i := 1; i < len(e); i++ {
			if !(e[i] >= e[i-1]) {
				return failf(op, "edges of dimension %d must increase monotonically (%v after %v)", d, e[i], e[i-1])
			}
		}
		bins[d] = len(e) - 1
		total *= bins[d]
	}
	for i, s := range inputs {
		if s.NDim() == 0 {
			inputs[i] = s.Reshape(1)
		}
	}
	// One chunking for all: the finest cut of theirs (as element-wise operations unify).
	n := inputs[0].NDim()
	common := make([][]int, n)
	for d := range n {
		var cuts [][]int
		for _, s := range inputs {
			cuts = append(cuts, s.layer.Chunks[d])
		}
		common[d] = graph.Refine(cuts...)
	}
	for i, s := range inputs {
		inputs[i] = s.Rechunk(ChunkSizes(common...))
	}
	first := inputs[0]
	// Each block makes total counts, laid along the last axis (one element along the
	// others): the partials form an array of the block grid with the counts last.
	out := make([][]int, n)
	for d, c := range first.layer.Chunks {
		out[d] = slices.Repeat([]int{1}, len(c))
		if d == n-1 {
			out[d] = slices.Repeat([]int{total}, len(c))
		}
	}
	dt := nd.Int64
	if weights != nil {
		dt = nd.Float64
	}
	part := MapBlocks(histogramFunc, inputs, Params(histogramParams{Edges: edges, Weighted: weights != nil, Strict: strict}), OutDType(dt), OutChunks(out...))
	if part.err != nil {
		return part
	}
	grid := first.layer.Chunks.NumBlocks()
	shape := append(slices.Clone(grid), bins...)
	sumAxes := make([]int, n)
	for d := range sumAxes {
		sumAxes[d] = d
	}
	hist := part.Reshape(shape...).Sum(Axis(sumAxes...))
	if dt == nd.Int64 {
		hist = hist.AsType(nd.Int64)
	}
	if !density {
		return hist
	}
	// density: counts / total / bin volume
	vol := []float64{1}
	for _, e := range edges {
		var next []float64
		for _, v := range vol {
			for i := 1; i < len(e); i++ {
				next = append(next, v*(e[i]-e[i-1]))
			}
		}
		vol = next
	}
	volumes, err := nd.FromSlice(vol, bins...)
	if err != nil {
		return failed(op, err)
	}
	h := hist.AsType(nd.Float64)
	return h.Div(h.Sum()).Div(FromArray(volumes, ChunkSize(-1)))
}

// Histogram is numpy.histogram with explicit bin edges: the count (or weighted sum) of a's
// elements in each bin.
func Histogram(a, weights *Array, edges []float64, density bool) *Array {
	return HistogramDD([]*Array{a}, weights, [][]float64{edges}, density)
}

// HistogramBins returns numpy.histogram(a, bins, range=(lo, hi)) and its edges: bins equal
// bins between lo and hi (a lazy histogram needs its range up front, as dask's).
func HistogramBins(a, weights *Array, bins int, lo, hi float64, density bool) (*Array, []float64) {
	edges, err := uniformEdges(bins, lo, hi)
	if err != nil {
		return failed("histogram", err), nil
	}
	return Histogram(a, weights, edges, density), edges
}

// Histogram2D is numpy.histogram2d(x, y, bins=[xedges, yedges]).
func Histogram2D(x, y, weights *Array, xEdges, yEdges []float64, density bool) *Array {
	return HistogramDD([]*Array{x, y}, weights, [][]float64{xEdges, yEdges}, density)
}

// uniformEdges are NumPy's edges for bins equal bins over [lo, hi] (np.linspace).
func uniformEdges(bins int, lo, hi float64) ([]float64, error) {
	if bins < 1 {
		return nil, fmt.Errorf("histogram: %d bins: at least one is needed", bins)
	}
	if !(lo <= hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return nil, fmt.Errorf("histogram: range [%v, %v] is not finite and increasing", lo, hi)
	}
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	edges := make([]float64, bins+1)
	step := (hi - lo) / float64(bins)
	for i := range edges {
		edges[i] = lo + float64(i)*step
	}
	edges[bins] = hi
	return edges, nil
}

// binOf is the bin of v among edges ([e_i, e_i+1), the last bin closed), or -1.
func binOf(edges []float64, v float64) int {
	n := len(edges)
	if !(v >= edges[0] && v <= edges[n-1]) { // NaNs fail both
		return -1
	}
	if v == edges[n-1] {
		return n - 2
	}
	return sort.SearchFloat64s(edges, math.Nextafter(v, math.Inf(1))) - 1
}

func runHistogram(p histogramParams, blocks []*nd.Array, info graph.BlockInfo) (*nd.Array, error) {
	dims := len(p.Edges)
	samples := make([][]float64, dims)
	for d := range dims {
		samples[d] = nd.Values[float64](blocks[d])
	}
	var w []float64
	if p.Weighted {
		w = nd.Values[float64](blocks[dims])
	}
	total := 1
	for _, e := range p.Edges {
		total *= len(e) - 1
	}
	counts := make([]float64, total)
	for i := range samples[0] {
		flat := 0
		for d := range dims {
			b := binOf(p.Edges[d], samples[d][i])
			if b < 0 && p.Strict {
				return nil, fmt.Errorf("value %v outside [0, %d): give a larger length", samples[d][i], len(p.Edges[d])-1)
			}
			if b < 0 {
				flat = -1
				break
			}
			flat = flat*(len(p.Edges[d])-1) + b
		}
		if flat < 0 {
			continue
		}
		if w != nil {
			counts[flat] += w[i]
		} else {
			counts[flat]++
		}
	}
	out, err := nd.FromSlice(counts, info.BlockShape...)
	if err != nil {
		return nil, err
	}
	return out.AsType(info.DType)
}

// Bincount is numpy.bincount(x, weights, minlength=length) for non-negative integers x of
// one dimension, with the length of the result given up front (a lazy array's shape must
// be known before it is computed): a value of length or more fails the computation,
// naming it.
func Bincount(x, weights *Array, length int) *Array {
	if x == nil || x.err != nil {
		return x
	}
	if x.NDim() != 1 || !(x.DType().IsInteger() || x.DType() == nd.Bool) {
		return failf("bincount", "want a one-dimensional array of non-negative integers, got %v %s", x.DType(), nd.ShapeString(x.Shape()))
	}
	if length < 1 {
		return failf("bincount", "length %d: give the result's length, at least the largest value plus one", length)
	}
	edges := make([]float64, length+1)
	for i := range edges {
		edges[i] = float64(i) - 0.5
	}
	return histogram([]*Array{x.AsType(nd.Float64)}, weights, [][]float64{edges}, false, true, "bincount")
}

// Digitize is numpy.digitize: for each element, the index of the bin it falls in among
// increasing or decreasing bins (right: intervals closed on the right).
func Digitize(x *Array, bins []float64, right bool) *Array {
	if x == nil || x.err != nil {
		return x
	}
	if x.DType().IsComplex() {
		return failf("digitize", "complex input is not supported (dtype %v)", x.DType())
	}
	inc, dec := true, true
	for i := 1; i < len(bins); i++ {
		inc = inc && bins[i] >= bins[i-1]
		dec = dec && bins[i] <= bins[i-1]
	}
	if !inc && !dec {
		return failf("digitize", "bins must be monotonically increasing or decreasing")
	}
	return MapBlocks(digitizeFunc, []*Array{x}, Params(digitizeParams{Bins: bins, Right: right}), OutDType(nd.Int64))
}

// searchSorted is numpy.searchsorted's count over one sorted slice.
func searchSorted(sorted []float64, v float64, right bool) int {
	return sort.Search(len(sorted), func(i int) bool {
		if right {
			return nd.CompareNaNLast(sorted[i], v) > 0
		}
		return nd.CompareNaNLast(sorted[i], v) >= 0
	})
}

func runDigitize(p digitizeParams, blocks []*nd.Array, info graph.BlockInfo) (*nd.Array, error) {
	x := nd.Values[float64](blocks[0])
	out := make([]int64, len(x))
	bins := p.Bins
	decreasing := len(bins) > 1 && bins[0] > bins[len(bins)-1]
	if decreasing {
		bins = slices.Clone(bins)
		slices.Reverse(bins)
	}
	for i, v := range x {
		// As NumPy: half-open bins search on the right (closed on the right: on the left);
		// decreasing ones count from the end of the reversed bins.
		if decreasing {
			out[i] = int64(len(bins) - searchSorted(bins, v, !p.Right))
		} else {
			out[i] = int64(searchSorted(bins, v, !p.Right))
		}
	}
	return nd.FromSlice(out, info.BlockShape...)
}

// SearchSorted is numpy.searchsorted(sorted, v, side): for each element of v, the index
// at which it would be inserted into the increasing one-dimensional sorted to keep it
// sorted (before equal elements, or after them with right). Every block of sorted counts
// its elements below each value and the counts are summed, so sorted may be any size.
func SearchSorted(sorted, v *Array, right bool) *Array {
	if sorted == nil || v == nil {
		return failf("searchsorted", "nil Array")
	}
	if sorted.err != nil {
		return sorted
	}
	if v.err != nil {
		return v
	}
	if sorted.NDim() != 1 {
		return failf("searchsorted", "the sorted array must have one dimension, not shape %s", nd.ShapeString(sorted.Shape()))
	}
	if sorted.DType().IsComplex() || v.DType().IsComplex() {
		return failf("searchsorted", "complex input is not supported")
	}
	vl := letters(1, v.NDim())
	out := slices.Clone([][]int(v.layer.Chunks))
	out = append(out, slices.Repeat([]int{1}, len(sorted.layer.Chunks[0])))
	counts := Blockwise(searchFunc, "a,"+vl+"->"+vl+"a", []*Array{sorted, v}, Params(searchParams{Right: right}), OutDType(nd.Int64), OutChunks(out...))
	return counts.Sum(Axis(v.NDim())).AsType(nd.Int64)
}

func runSearchSorted(p searchParams, blocks []*nd.Array, info graph.BlockInfo) (*nd.Array, error) {
	sorted := nd.Values[float64](blocks[0])
	v := nd.Values[float64](blocks[1])
	out := make([]int64, len(v))
	for i, x := range v {
		out[i] = int64(searchSorted(sorted, x, p.Right))
	}
	return nd.FromSlice(out, info.BlockShape...)
}
