package graph

import (
	"fmt"
	"slices"
	"sync"

	"github.com/darray-go/darray/nd"
)

// BlockFunc is a user function over blocks, registered by name so that a graph that uses
// it stays plain data (the name and the parameters travel; the code is in every process
// that registered it). It gets one array per input of the layer, and must return the
// output block: of shape info.BlockShape and the layer's dtype.
type BlockFunc func(params any, blocks []*nd.Array, info BlockInfo) (*nd.Array, error)

// BlockInfo tells a block function where its block is, as dask's block_info does.
type BlockInfo struct {
	Block      []int    // the block's grid position
	Origin     []int    // its first element in the output
	BlockShape []int    // its shape
	Shape      []int    // the whole output's shape
	DType      nd.DType // the output's dtype
}

var (
	blockFuncsMu sync.RWMutex
	blockFuncs   = map[string]BlockFunc{}
)

// RegisterBlockFunc makes fn available to Blockwise layers by name. Registering a name
// twice is an error: two functions under one name would make graphs ambiguous.
func RegisterBlockFunc(name string, fn BlockFunc) error {
	blockFuncsMu.Lock()
	defer blockFuncsMu.Unlock()
	if name == "" || fn == nil {
		return fmt.Errorf("register block function: empty name or nil function")
	}
	if _, dup := blockFuncs[name]; dup {
		return fmt.Errorf("register block function: %q is already registered", name)
	}
	blockFuncs[name] = fn
	return nil
}

// RegisterBlockFuncOf registers a block function whose parameters are a P: a task whose
// parameters are anything else (a damaged or hostile graph) fails with an error naming the
// function and both types, and the function itself needs no check.
func RegisterBlockFuncOf[P any](name string, fn func(p P, blocks []*nd.Array, info BlockInfo) (*nd.Array, error)) error {
	return RegisterBlockFunc(name, func(params any, blocks []*nd.Array, info BlockInfo) (*nd.Array, error) {
		p, ok := params.(P)
		if !ok {
			return nil, fmt.Errorf("block function %s: parameters are %T, want %T", name, params, p)
		}
		return fn(p, blocks, info)
	})
}

// LookupBlockFunc finds a registered block function.
func LookupBlockFunc(name string) (BlockFunc, bool) {
	blockFuncsMu.RLock()
	defer blockFuncsMu.RUnlock()
	fn, ok := blockFuncs[name]
	return fn, ok
}

// Blockwise applies the registered block function Func to blocks of its inputs. Axis d of
// input i follows output axis Axes[i][d] (its block is the output block's position there),
// or is contracted when that is -1: the function gets all of that axis, its blocks joined.
// Params is plain data handed to the function.
type Blockwise struct {
	Func   string
	Params any
	Axes   [][]int
}

func (b Blockwise) Kind() string { return b.Func }

// BlockwiseTask runs a block function on its inputs, each assembled from its deps.
type BlockwiseTask struct {
	Func   string
	Params any
	Inputs []AssembleTask
	Info   BlockInfo
}

func (lw *lowerer) blockwiseTask(l *Layer, op Blockwise, b []int) (int, error) {
	task := &BlockwiseTask{Func: op.Func, Params: op.Params, Info: BlockInfo{
		Block: append([]int{}, b...), Origin: l.Origin(b), BlockShape: l.Chunks.BlockShape(b),
		Shape: l.Shape, DType: l.DType,
	}}
	var deps []int
	var working int64
	for i, in := range l.Inputs {
		n := in.NDim()
		grid := make([]int, n)
		shape := make([]int, n)
		for d := range n {
			if o := op.Axes[i][d]; o >= 0 {
				grid[d], shape[d] = 1, in.Chunks[d][b[o]]
			} else {
				grid[d], shape[d] = len(in.Chunks[d]), in.Shape[d]
			}
		}
		asm := AssembleTask{Shape: shape, DType: in.DType}
		offsets := in.Offsets()
		var err error
		ForEachBlock(grid, func(g []int) {
			if err != nil {
				return
			}
			ib := make([]int, n)
			off := make([]int, n)
			for d := range n {
				if o := op.Axes[i][d]; o >= 0 {
					ib[d] = b[o]
				} else {
					ib[d], off[d] = g[d], offsets[d][g[d]]
				}
			}
			window := FullWindow(in.Chunks.BlockShape(ib))
			if selfContained(in, ib) {
				// Generated on the spot (a few nanoseconds an element), not kept as a task
				// result: a matrix product reads each block of a random array many times.
				asm.Pieces = append(asm.Pieces, Piece{Dep: -1, Source: &BlockRef{in, ib}, Window: window, Offset: off})
				working += blockBytes(in, ib)
				return
			}
			var id int
			if id, err = lw.blockTask(in, ib); err != nil {
				return
			}
			deps = append(deps, id)
			asm.Pieces = append(asm.Pieces, Piece{Dep: len(deps) - 1, Window: window, Offset: off})
		})
		if err != nil {
			return 0, err
		}
		if len(asm.Pieces) > 1 {
			size := int64(in.DType.Size())
			for _, s := range shape {
				size *= int64(s)
			}
			working += size
		}
		task.Inputs = append(task.Inputs, asm)
	}
	return lw.add(Task{Layer: l, Block: b, Op: "blockwise", Params: task, Deps: deps, Bytes: blockBytes(l, b), Working: working}), nil
}

func runBlockwise(p *BlockwiseTask, inputs []any) (any, error) {
	fn, ok := LookupBlockFunc(p.Func)
	if !ok {
		return nil, fmt.Errorf("block function %q is not registered in this process", p.Func)
	}
	blocks := make([]*nd.Array, len(p.Inputs))
	// Blocks made here (generated, read, assembled) go back to the buffer pool afterwards,
	// unless the function's result is one of them or a view of one.
	type madeHere struct {
		block   *nd.Array
		release func()
	}
	var made []madeHere
	defer func() {
		for _, m := range made {
			m.release()
		}
	}()
	for i := range p.Inputs {
		asm := &p.Inputs[i]
		if len(asm.Pieces) == 1 { // one block: no copy
			a, release, err := asm.Pieces[0].values(inputs)
			if err != nil {
				return nil, err
			}
			blocks[i] = a
			made = append(made, madeHere{a, release})
			continue
		}
		a, err := runAssemble(asm, inputs)
		if err != nil {
			return nil, err
		}
		blocks[i] = a.(*nd.Array)
		made = append(made, madeHere{blocks[i], blocks[i].Recycle})
	}
	out, err := fn(p.Params, blocks, p.Info)
	if err != nil {
		return nil, fmt.Errorf("block function %q: %w", p.Func, err)
	}
	if out == nil {
		return nil, fmt.Errorf("block function %q returned no array for block %v", p.Func, p.Info.Block)
	}
	made = slices.DeleteFunc(made, func(m madeHere) bool { return nd.SharesMemory(out, m.block) })
	if !slices.Equal(out.Shape(), p.Info.BlockShape) {
		return nil, fmt.Errorf("block function %q returned shape %s for block %v, which should be %s (give the output chunks when a function changes block shapes)",
			p.Func, nd.ShapeString(out.Shape()), p.Info.Block, nd.ShapeString(p.Info.BlockShape))
	}
	if out.DType() != p.Info.DType {
		return nil, fmt.Errorf("block function %q returned %v for block %v, declared %v", p.Func, out.DType(), p.Info.Block, p.Info.DType)
	}
	return out, nil
}
