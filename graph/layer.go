package graph

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/darray-go/darray/nd"
)

// Layer is one node of the high-level graph: an array produced by one operation from the
// arrays of its input layers, cut into blocks by Chunks. Layers are cheap: building an
// expression over a million blocks builds a handful of layers and no tasks. Tasks are made
// only by Lower, only for the blocks a result needs.
type Layer struct {
	Name   string
	Op     LayerOp
	Inputs []*Layer
	Shape  []int
	DType  nd.DType
	Chunks Chunks

	offsetsOnce sync.Once
	offsets     [][]int
}

// Offsets returns, per axis, where each block starts (computed once; do not modify).
func (l *Layer) Offsets() [][]int {
	l.offsetsOnce.Do(func() { l.offsets = l.Chunks.Offsets() })
	return l.offsets
}

// Origin is the position of block b's first element.
func (l *Layer) Origin(b []int) []int {
	off := l.Offsets()
	o := make([]int, len(b))
	for d := range b {
		o[d] = off[d][b[d]]
	}
	return o
}

// LayerOp is the operation of a layer with its parameters: plain data, no functions.
type LayerOp interface {
	Kind() string
}

var layerCounter atomic.Uint64

// NewLayer makes a layer with a fresh unique name derived from the operation's kind.
func NewLayer(op LayerOp, inputs []*Layer, shape []int, dt nd.DType, chunks Chunks) *Layer {
	return &Layer{
		Name:   fmt.Sprintf("%s-%d", op.Kind(), layerCounter.Add(1)),
		Op:     op,
		Inputs: inputs,
		Shape:  shape,
		DType:  dt,
		Chunks: chunks,
	}
}

// WalkLayers calls fn once for every layer the targets are built from, inputs before the
// layers that read them.
func WalkLayers(targets []*Layer, fn func(l *Layer)) {
	seen := map[*Layer]bool{}
	var walk func(l *Layer)
	walk = func(l *Layer) {
		if seen[l] {
			return
		}
		seen[l] = true
		for _, in := range l.Inputs {
			walk(in)
		}
		fn(l)
	}
	for _, t := range targets {
		walk(t)
	}
}

// NDim is the number of dimensions of the layer's array.
func (l *Layer) NDim() int { return len(l.Shape) }

// Gen is a source whose values are a function of each element's global position: random
// numbers, constants, ranges. Generators are fused into the tasks that read them and
// produce only the elements those tasks use.
type Gen struct {
	Spec *GenSpec // shared, never modified
}

// GenKind is what a generator makes.
type GenKind string

// The generators.
const (
	GenUniform  GenKind = "uniform"  // random numbers in [Low, High)
	GenNormal   GenKind = "normal"   // standard normal random numbers
	GenIntegers GenKind = "integers" // random integers in [Low, High)
	GenFull     GenKind = "full"     // Value everywhere
	GenArange   GenKind = "arange"   // Low, Low+Step, ...
	GenLinspace GenKind = "linspace" // evenly spaced from Low to High
	GenEye      GenKind = "eye"      // ones on diagonal K
	GenTri      GenKind = "tri"      // ones on and below diagonal K
)

// Engine is the random number stream of a random generator.
type Engine string

// The random engines: darray's counter-based SplitMix (chunk-independent, fast), and
// NumPy's Philox stream (the values np.random.Generator(np.random.Philox(seed)) gives).
const (
	EngineSplitMix Engine = "splitmix"
	EnginePhilox   Engine = "philox"
)

// GenSpec describes a generator.
type GenSpec struct {
	Kind   GenKind
	Engine Engine     // random kinds: EngineSplitMix (the default, also "") or EnginePhilox
	Seed   uint64     // random kinds
	Low    float64    // uniform/integers: lower bound; arange/linspace: start
	High   float64    // uniform/integers: upper bound (exclusive); linspace: stop
	Step   float64    // arange/linspace: the step between elements
	Value  complex128 // full: the fill value
	K      int        // eye: the diagonal; linspace: 1 when the endpoint is included
	Shape  []int      // the whole array's shape, which positions are counted in
}

func (Gen) Kind() string { return "gen" }

// Source is a leaf whose elements can be produced for any window of global positions:
// a file read by region, say. Implementations are plain data (a path, an offset, a dtype)
// so that a graph holding them can travel; they must be safe for concurrent use.
type Source interface {
	// Read returns the elements at the window's global positions, shaped w.Shape().
	Read(w Window) (*nd.Array, error)
	// Describe names the source in errors and pictures, such as "data.npy".
	Describe() string
}

// ChunkedSource is a Source that must decode whole stored chunks to produce any window
// (Zarr, HDF5). Tasks reading one evaluate their block whole rather than in cache-sized
// slabs, which would decode each chunk once per slab.
type ChunkedSource interface {
	Source
	StoredChunks() []int
}

// PartialChunkReader is a ChunkedSource that can read a run of a stored chunk's rows (along
// the first axis) without the rest, as uncompressed chunks allow: a window spanning its
// chunks' other axes whole costs only its own bytes.
type PartialChunkReader interface {
	ChunkedSource
	ReadsPartialChunks() bool
}

// Read is a layer whose blocks come from a Source. Like generators, reads are fused into
// the tasks that use them and read only the elements those tasks need.
type Read struct {
	Src Source
}

func (Read) Kind() string { return "read" }

// Data is an in-memory array held in the graph, one array per block in C order of the
// block grid (views of one source array for FromArray, computed blocks for Persist).
type Data struct {
	Blocks []*nd.Array
}

func (Data) Kind() string { return "data" }

// Elementwise applies a fused program to its inputs block by block. Inputs have the
// output's number of dimensions; an axis of length one broadcasts (its only block is reused).
type Elementwise struct {
	Program *nd.Program // shared, never modified
}

func (Elementwise) Kind() string { return "elementwise" }

// Transpose permutes axes: output axis i is input axis Perm[i].
type Transpose struct {
	Perm []int
}

func (Transpose) Kind() string { return "transpose" }

// Select takes a strided selection along every axis (basic slicing). Output block k of an
// axis comes from input block Axes[d].Block[k], starting at Axes[d].Start[k] within it.
type Select struct {
	Axes []SelectAxis
}

// SelectAxis is the selection along one axis.
type SelectAxis struct {
	Step  int
	Block []int // per output block: the input block
	Start []int // per output block: the first position, local to that input block
}

func (Select) Kind() string { return "select" }

// Concat joins its inputs along Axis block for block, without copying: output block k
// along Axis is block Block[k] of input Input[k]. The inputs' chunks agree on every other
// axis.
type Concat struct {
	Axis  int
	Input []int
	Block []int
}

func (Concat) Kind() string { return "concatenate" }

// UnitReshape inserts and removes axes of length one: output axis i is input axis Map[i],
// or a new axis of length one where Map[i] is -1. Input axes missing from Map have length one.
type UnitReshape struct {
	Map []int
}

func (UnitReshape) Kind() string { return "unit-reshape" }

// BroadcastTo repeats axes of length one up to the layer's shape.
type BroadcastTo struct{}

func (BroadcastTo) Kind() string { return "broadcast" }

// Reduce is a tree reduction over Axes, merging partial results SplitEvery at a time.
type Reduce struct {
	Op         nd.ReduceOp
	Axes       []int // normalized, sorted
	KeepDims   bool
	DDof       int
	SplitEvery int
}

func (r Reduce) Kind() string { return r.Op.String() }

// Cumulative is a running sum or product along Axis, chained block to block.
type Cumulative struct {
	Op   nd.CumOp
	Axis int
}

func (c Cumulative) Kind() string { return c.Op.String() }

// Take picks positions along Axis (integer-array indexing); output blocks follow Chunks.
type Take struct {
	Axis      int
	Positions []int64 // non-negative, each below the input's length along Axis
}

func (Take) Kind() string { return "take" }

// Rechunk re-cuts its input into the layer's Chunks.
type Rechunk struct{}

func (Rechunk) Kind() string { return "rechunk" }

// Overlap cuts its input into blocks that overlap: block k along axis d starts at input
// position Starts[d][k] and is Chunks[d][k] long. Its "shape" is the sum of its block
// lengths: it is only read block by block (map_overlap's blocks with their halos).
type Overlap struct {
	Starts [][]int
}

func (Overlap) Kind() string { return "overlap" }
