package darray

import (
	"slices"
	"strings"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
)

// User functions over blocks. A function is registered once under a name
// (RegisterBlockFunc, typically in an init function); graphs refer to it by that name and
// carry its parameters as plain data, so they can run in other processes that registered
// the same function.

// BlockFunc computes one output block from one block (or joined blocks) per input.
type BlockFunc = graph.BlockFunc

// BlockInfo says where the block a BlockFunc computes lies in the output.
type BlockInfo = graph.BlockInfo

// RegisterBlockFunc registers fn under name for MapBlocks, Blockwise and MapOverlap.
func RegisterBlockFunc(name string, fn BlockFunc) error { return graph.RegisterBlockFunc(name, fn) }

// MapOption adjusts MapBlocks, Blockwise and MapOverlap.
type MapOption func(*mapConfig)

type mapConfig struct {
	params any
	dtype  nd.DType
	chunks [][]int
}

// Params hands plain data (numbers, strings, slices and maps of them) to the function. A
// struct of your own travels to a cluster's workers once its type is registered with
// graph.RegisterType (at init time, like the function).
func Params(p any) MapOption { return func(c *mapConfig) { c.params = p } }

// OutDType declares the dtype the function returns (default: the inputs' common dtype).
func OutDType(dt nd.DType) MapOption { return func(c *mapConfig) { c.dtype = dt } }

// OutChunks declares the output's block sizes per axis, for functions that change the
// shape of blocks (the number of blocks along each axis stays the same).
func OutChunks(sizes ...[]int) MapOption { return func(c *mapConfig) { c.chunks = sizes } }

// MapBlocks applies the registered function fn to corresponding blocks of arrays of one
// shape (their chunks are unified first), like dask.array.map_blocks.
func MapBlocks(fn string, arrays []*Array, opts ...MapOption) *Array {
	if len(arrays) == 0 {
		return failf("map_blocks", "%s: no arrays", fn)
	}
	for _, a := range arrays {
		if a.err != nil {
			return a
		}
	}
	letters := "abcdefghijklmnopqrstuvwxyz"[:arrays[0].NDim()]
	for i, a := range arrays {
		if !slices.Equal(a.Shape(), arrays[0].Shape()) {
			return failf("map_blocks", "%s: array %d has shape %s, array 0 %s (map_blocks needs one shape)", fn, i, nd.ShapeString(a.Shape()), nd.ShapeString(arrays[0].Shape()))
		}
	}
	spec := strings.Repeat(letters+",", len(arrays))
	return blockwise("map_blocks", fn, spec[:len(spec)-1]+"->"+letters, arrays, opts)
}

// Blockwise applies the registered function fn to blocks chosen by index notation, like
// dask.array.blockwise: "ij,jk->ik" names the axes of each input and of the output. Axes
// with one letter are cut alike (their chunks unified); the function gets, for each
// output block, the matching block of every input, joined whole along the axes that do
// not appear in the output (so "ij,jk->ik" hands it a row band of the first input and a
// column band of the second).
func Blockwise(fn, spec string, arrays []*Array, opts ...MapOption) *Array {
	for _, a := range arrays {
		if a.err != nil {
			return a
		}
	}
	return blockwise("blockwise", fn, spec, arrays, opts)
}

func blockwise(op, fn, spec string, arrays []*Array, opts []MapOption) *Array {
	cfg := mapConfig{}
	for _, o := range opts {
		o(&cfg)
	}
	if _, ok := graph.LookupBlockFunc(fn); !ok {
		return failf(op, "block function %q is not registered (RegisterBlockFunc)", fn)
	}
	ins, out, ok := strings.Cut(strings.ReplaceAll(spec, " ", ""), "->")
	inSpecs := strings.Split(ins, ",")
	if !ok || len(inSpecs) != len(arrays) {
		return failf(op, "%s: index notation %q does not describe %d inputs (want like \"ij,jk->ik\")", fn, spec, len(arrays))
	}
	// Per letter: its length and the chunkings the inputs give it.
	size := map[rune]int{}
	cuts := map[rune][][]int{}
	for i, s := range inSpecs {
		l := arrays[i].layer
		if len([]rune(s)) != l.NDim() {
			return failf(op, "%s: input %d has %d dimensions but index %q has %d letters", fn, i, l.NDim(), s, len([]rune(s)))
		}
		for d, r := range []rune(s) {
			if n, seen := size[r]; seen && n != l.Shape[d] {
				return failf(op, "%s: index %q has length %d in one input and %d in input %d", fn, string(r), n, l.Shape[d], i)
			}
			size[r] = l.Shape[d]
			cuts[r] = append(cuts[r], l.Chunks[d])
		}
	}
	outRunes := []rune(out)
	position := map[rune]int{}
	shape := make([]int, len(outRunes))
	chunks := make(graph.Chunks, len(outRunes))
	for k, r := range outRunes {
		if _, dup := position[r]; dup {
			return failf(op, "%s: output index %q repeats %q", fn, out, string(r))
		}
		if _, ok := size[r]; !ok {
			return failf(op, "%s: output index %q has %q, which no input has", fn, out, string(r))
		}
		position[r] = k
		shape[k] = size[r]
		chunks[k] = graph.Refine(cuts[r]...)
	}
	layerOp := graph.Blockwise{Func: fn, Params: cfg.params}
	inputs := make([]*graph.Layer, len(arrays))
	dt := arrays[0].layer.DType
	for i, s := range inSpecs {
		l := arrays[i].layer
		dt = nd.ResultType(dt, l.DType)
		want := append(graph.Chunks{}, l.Chunks...)
		axes := make([]int, l.NDim())
		for d, r := range []rune(s) {
			axes[d] = -1
			if k, ok := position[r]; ok {
				axes[d], want[d] = k, chunks[k]
			}
		}
		layerOp.Axes = append(layerOp.Axes, axes)
		inputs[i] = rechunkLayer(l, want)
	}
	if cfg.dtype.Valid() {
		dt = cfg.dtype
	}
	if cfg.chunks != nil {
		if len(cfg.chunks) != len(shape) {
			return failf(op, "%s: %d axes of output chunks for an output of %d dimensions", fn, len(cfg.chunks), len(shape))
		}
		for d, c := range cfg.chunks {
			if len(c) != len(chunks[d]) {
				return failf(op, "%s: output chunks %v along axis %d, but the inputs make %d blocks there", fn, c, d, len(chunks[d]))
			}
			shape[d] = 0
			for _, n := range c {
				if n < 0 {
					return failf(op, "%s: negative output chunk %d", fn, n)
				}
				shape[d] += n
			}
			chunks[d] = append([]int{}, c...)
		}
	}
	return fromLayer(graph.NewLayer(layerOp, inputs, shape, dt, chunks))
}

// Boundary is how MapOverlap fills the halo beyond the array's edges.
type Boundary struct {
	Mode  string     // "reflect", "periodic", "nearest", "constant" or "none"
	Value complex128 // the constant, for "constant"
}

// The boundary modes of MapOverlap, named as dask names them. Reflect mirrors including
// the edge element (numpy.pad's "symmetric"); none gives edge blocks a halo only inward.
var (
	BoundaryReflect  = Boundary{Mode: "reflect"}
	BoundaryPeriodic = Boundary{Mode: "periodic"}
	BoundaryNearest  = Boundary{Mode: "nearest"}
	BoundaryNone     = Boundary{Mode: "none"}
)

// BoundaryConstant fills the halo beyond the edges with v.
func BoundaryConstant(v complex128) Boundary { return Boundary{Mode: "constant", Value: v} }

// MapOverlap applies the registered function fn to each block of a extended by depth[d]
// elements of its neighbours on both sides of axis d (beyond the array's edges, filled as
// boundary says), then trims the halo off what fn returns, like
// dask.array.map_overlap. fn must return a block of the shape it was given; every block
// must be at least depth long, as the neighbours' halos come from it alone.
func MapOverlap(fn string, a *Array, depth []int, boundary Boundary, opts ...MapOption) *Array {
	if a.err != nil {
		return a
	}
	l := a.layer
	n := l.NDim()
	if len(depth) == 1 && n > 1 {
		for len(depth) < n {
			depth = append(depth, depth[0])
		}
	}
	if len(depth) != n {
		return failf("map_overlap", "%s: %d depths for an array of %d dimensions", fn, len(depth), n)
	}
	for d, h := range depth {
		if h < 0 {
			return failf("map_overlap", "%s: negative depth %d along axis %d", fn, h, d)
		}
		for k, c := range l.Chunks[d] {
			if c < h && l.Shape[d] > 0 && len(l.Chunks[d]) > 1 {
				return failf("map_overlap", "%s: block %d along axis %d has %d elements, fewer than the depth %d (rechunk to larger blocks)", fn, k, d, c, h)
			}
		}
	}
	padded := a
	var mode PadMode
	switch boundary.Mode {
	case "reflect":
		mode = PadSymmetric
	case "periodic":
		mode = PadWrap
	case "nearest":
		mode = PadEdge
	case "constant":
		mode = PadConstant
	case "none":
	default:
		return failf("map_overlap", "%s: unknown boundary %q (reflect, periodic, nearest, constant, none)", fn, boundary.Mode)
	}
	// Pad the whole array by depth (boundary "none" does not), then cut blocks that reach
	// depth into their neighbours or the padding.
	pad := make([]int, n)
	if mode != "" {
		widths := make([][2]int, n)
		for d, h := range depth {
			widths[d] = [2]int{h, h}
			pad[d] = h
		}
		if padded = a.Pad(widths, mode, boundary.Value); padded.err != nil {
			return failed("map_overlap", padded.err)
		}
	}
	starts := make([][]int, n)
	chunks := make(graph.Chunks, n)
	trim := make([]graph.SelectAxis, n)
	offsets := l.Offsets()
	for d := range n {
		trim[d].Step = 1
		for k, c := range l.Chunks[d] {
			lo := max(offsets[d][k]+pad[d]-depth[d], 0)
			hi := min(offsets[d][k]+c+pad[d]+depth[d], l.Shape[d]+2*pad[d])
			starts[d] = append(starts[d], lo)
			chunks[d] = append(chunks[d], hi-lo)
			trim[d].Block = append(trim[d].Block, k)
			trim[d].Start = append(trim[d].Start, offsets[d][k]+pad[d]-lo)
		}
	}
	overlapShape := make([]int, n)
	for d := range n {
		for _, c := range chunks[d] {
			overlapShape[d] += c
		}
	}
	pl := padded.layer
	overlapped := fromLayer(graph.NewLayer(graph.Overlap{Starts: starts}, []*graph.Layer{pl}, overlapShape, pl.DType, chunks))
	mapped := MapBlocks(fn, []*Array{overlapped}, opts...)
	if mapped.err != nil {
		return failed("map_overlap", mapped.err)
	}
	ml := mapped.layer
	if !ml.Chunks.Equal(chunks) {
		return failf("map_overlap", "%s: the function must keep block shapes (output chunks cannot change)", fn)
	}
	return fromLayer(graph.NewLayer(graph.Select{Axes: trim}, []*graph.Layer{ml}, l.Shape, ml.DType, l.Chunks))
}
