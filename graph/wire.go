package graph

import (
	"encoding/gob"
	"fmt"
	"io"

	"github.com/darray-go/darray/nd"
)

// A graph travels between processes (to the workers of a cluster) in encoding/gob: the
// layers once each, in a table, inputs before the layers that read them, and the tasks
// with their references to layers turned into positions in that table. Everything a
// task's parameters hold must therefore be plain data whose concrete types are registered
// with RegisterType: the graph's own are registered here, those of storage formats by
// their packages, and the parameters of user block functions by their authors.

// RegisterType makes a concrete type that travels inside a graph's interface fields
// (the Params of a block function or registered operation, a Source, a LayerOp) known to
// the encoder and decoder. Register at init time, in every process, as for block
// functions; registering a type twice is harmless.
func RegisterType(v any) {
	defer func() {
		// gob.Register panics when a name is taken by another type: surface that, but
		// let a repeated registration of the same type pass.
		if r := recover(); r != nil {
			panic(fmt.Sprintf("graph: RegisterType(%T): %v", v, r))
		}
	}()
	gob.Register(v)
}

func init() {
	for _, v := range []any{
		Gen{}, Read{}, Data{}, Elementwise{}, Transpose{}, Select{}, Concat{}, UnitReshape{},
		BroadcastTo{}, Reduce{}, Cumulative{}, Take{}, Rechunk{}, Overlap{}, Blockwise{},
		&wireBlockTask{}, &wirePartialTask{}, &MergeTask{}, &wireCumulativeTask{}, &TakeTask{},
		&wireAssembleTask{}, &wireBlockwiseTask{},
		map[string]any{}, []any{}, // common user parameters
	} {
		RegisterType(v)
	}
}

// Layer ops with no fields need a binary form: gob refuses structs without exported fields.

func (BroadcastTo) MarshalBinary() ([]byte, error) { return nil, nil }
func (*BroadcastTo) UnmarshalBinary([]byte) error  { return nil }
func (Rechunk) MarshalBinary() ([]byte, error)     { return nil, nil }
func (*Rechunk) UnmarshalBinary([]byte) error      { return nil }

type wireGraph struct {
	Layers  []wireLayer
	Tasks   []wireTask
	Outputs []wireOutput
	Writes  []string
}

type wireLayer struct {
	Name   string
	Op     LayerOp
	Inputs []int32
	Shape  []int
	DType  nd.DType
	Chunks Chunks
}

type wireTask struct {
	Op      string
	Params  any
	Deps    []int
	Bytes   int64
	Working int64
	Key     string
	Layer   int32 // -1: none
	Block   []int
	Role    string
}

type wireOutput struct {
	Layer int32
	Tasks []int
}

type wireRef struct {
	Layer int32
	Block []int
}

type wireBlockTask struct{ Source wireRef }

type wirePartialTask struct {
	Source wireRef
	Op     nd.ReduceOp
	Axes   []int
}

type wireCumulativeTask struct {
	Source wireRef
	Op     nd.CumOp
	Axis   int
	Carry  bool
}

type wireAssembleTask struct {
	Shape  []int
	DType  nd.DType
	Pieces []wirePiece
}

type wirePiece struct {
	Dep    int
	Source *wireRef
	Window Window
	Offset []int
}

type wireBlockwiseTask struct {
	Func   string
	Params any
	Inputs []wireAssembleTask
	Info   BlockInfo
}

// EncodeGraph writes g for DecodeGraph in another process.
func EncodeGraph(w io.Writer, g *Graph) error {
	e := layerEncoder{index: map[*Layer]int32{}}
	wg := wireGraph{Tasks: make([]wireTask, len(g.Tasks)), Writes: g.Writes}
	for i := range g.Tasks {
		t := &g.Tasks[i]
		params, err := e.params(t.Params)
		if err != nil {
			return fmt.Errorf("encode graph: task %s: %w", t.Name(), err)
		}
		wg.Tasks[i] = wireTask{Op: t.Op, Params: params, Deps: t.Deps, Bytes: t.Bytes, Working: t.Working,
			Key: t.Key, Layer: e.ref(t.Layer), Block: t.Block, Role: t.Role}
	}
	for _, o := range g.Outputs {
		wg.Outputs = append(wg.Outputs, wireOutput{Layer: e.ref(o.Layer), Tasks: o.Tasks})
	}
	wg.Layers = e.layers
	if err := gob.NewEncoder(w).Encode(&wg); err != nil {
		return fmt.Errorf("encode graph: %w", err)
	}
	return nil
}

// DecodeGraph reads a graph EncodeGraph wrote.
func DecodeGraph(r io.Reader) (*Graph, error) {
	var wg wireGraph
	if err := gob.NewDecoder(r).Decode(&wg); err != nil {
		return nil, fmt.Errorf("decode graph: %w", err)
	}
	d := layerDecoder{}
	for i, wl := range wg.Layers {
		l := &Layer{Name: wl.Name, Op: wl.Op, Shape: wl.Shape, DType: wl.DType, Chunks: wl.Chunks}
		for _, in := range wl.Inputs {
			if in < 0 || int(in) >= i {
				return nil, fmt.Errorf("decode graph: layer %s reads layer %d", wl.Name, in)
			}
			l.Inputs = append(l.Inputs, d.byIndex[in])
		}
		if l.Op == nil {
			return nil, fmt.Errorf("decode graph: layer %s has no operation", wl.Name)
		}
		d.byIndex = append(d.byIndex, l)
	}
	g := &Graph{Tasks: make([]Task, len(wg.Tasks))}
	for i, wt := range wg.Tasks {
		for _, dep := range wt.Deps {
			if dep < 0 || dep >= len(wg.Tasks) {
				return nil, fmt.Errorf("decode graph: task %d depends on task %d of %d", i, dep, len(wg.Tasks))
			}
		}
		l, err := d.layer(wt.Layer)
		if err != nil {
			return nil, err
		}
		params, err := d.unparams(wt.Params)
		if err != nil {
			return nil, fmt.Errorf("decode graph: task %d: %w", i, err)
		}
		g.Tasks[i] = Task{Op: wt.Op, Params: params, Deps: wt.Deps, Bytes: wt.Bytes, Working: wt.Working,
			Key: wt.Key, Layer: l, Block: wt.Block, Role: wt.Role}
	}
	for _, wo := range wg.Outputs {
		l, err := d.layer(wo.Layer)
		if err != nil {
			return nil, err
		}
		for _, t := range wo.Tasks {
			if t < 0 || t >= len(g.Tasks) {
				return nil, fmt.Errorf("decode graph: output task %d of %d", t, len(g.Tasks))
			}
		}
		g.Outputs = append(g.Outputs, Output{Layer: l, Tasks: wo.Tasks})
	}
	g.Writes = wg.Writes
	return g, nil
}

// layerEncoder numbers layers for the wire, inputs first.
type layerEncoder struct {
	index  map[*Layer]int32
	layers []wireLayer
}

// layerDecoder finds layers by their numbers.
type layerDecoder struct {
	byIndex []*Layer
}

func (e *layerEncoder) ref(l *Layer) int32 {
	if l == nil {
		return -1
	}
	if i, ok := e.index[l]; ok {
		return i
	}
	wl := wireLayer{Name: l.Name, Op: l.Op, Shape: l.Shape, DType: l.DType, Chunks: l.Chunks}
	for _, in := range l.Inputs {
		wl.Inputs = append(wl.Inputs, e.ref(in))
	}
	i := int32(len(e.layers))
	e.layers = append(e.layers, wl)
	e.index[l] = i
	return i
}

func (e *layerEncoder) blockRef(r BlockRef) wireRef {
	return wireRef{Layer: e.ref(r.Layer), Block: r.Block}
}

func (e *layerEncoder) assemble(a *AssembleTask) wireAssembleTask {
	w := wireAssembleTask{Shape: a.Shape, DType: a.DType, Pieces: make([]wirePiece, len(a.Pieces))}
	for i, p := range a.Pieces {
		w.Pieces[i] = wirePiece{Dep: p.Dep, Window: p.Window, Offset: p.Offset}
		if p.Source != nil {
			ref := e.blockRef(*p.Source)
			w.Pieces[i].Source = &ref
		}
	}
	return w
}

// params turns the task parameters that point at layers into their wire forms.
func (e *layerEncoder) params(p any) (any, error) {
	switch p := p.(type) {
	case *BlockTask:
		return &wireBlockTask{Source: e.blockRef(p.Source)}, nil
	case *PartialTask:
		return &wirePartialTask{Source: e.blockRef(p.Source), Op: p.Op, Axes: p.Axes}, nil
	case *CumulativeTask:
		return &wireCumulativeTask{Source: e.blockRef(p.Source), Op: p.Op, Axis: p.Axis, Carry: p.Carry}, nil
	case *AssembleTask:
		w := e.assemble(p)
		return &w, nil
	case *BlockwiseTask:
		w := &wireBlockwiseTask{Func: p.Func, Params: p.Params, Info: p.Info, Inputs: make([]wireAssembleTask, len(p.Inputs))}
		for i := range p.Inputs {
			w.Inputs[i] = e.assemble(&p.Inputs[i])
		}
		return w, nil
	case BlockTask, PartialTask, CumulativeTask, AssembleTask, BlockwiseTask:
		return nil, fmt.Errorf("parameters %T held by value", p)
	}
	return p, nil
}

func (d *layerDecoder) layer(i int32) (*Layer, error) {
	if i == -1 {
		return nil, nil
	}
	if i < 0 || int(i) >= len(d.byIndex) {
		return nil, fmt.Errorf("decode graph: layer %d of %d", i, len(d.byIndex))
	}
	return d.byIndex[i], nil
}

func (d *layerDecoder) blockRef(r wireRef) (BlockRef, error) {
	l, err := d.layer(r.Layer)
	if err == nil && l == nil {
		err = fmt.Errorf("decode graph: a block of no layer")
	}
	if err == nil && len(r.Block) != l.NDim() {
		err = fmt.Errorf("decode graph: block %v of %d-dimensional layer %s", r.Block, l.NDim(), l.Name)
	}
	return BlockRef{Layer: l, Block: r.Block}, err
}

func (d *layerDecoder) unassemble(w *wireAssembleTask) (AssembleTask, error) {
	a := AssembleTask{Shape: w.Shape, DType: w.DType, Pieces: make([]Piece, len(w.Pieces))}
	for i, p := range w.Pieces {
		a.Pieces[i] = Piece{Dep: p.Dep, Window: p.Window, Offset: p.Offset}
		if p.Source != nil {
			ref, err := d.blockRef(*p.Source)
			if err != nil {
				return a, err
			}
			a.Pieces[i].Source = &ref
		}
	}
	return a, nil
}

func (d *layerDecoder) unparams(p any) (any, error) {
	switch p := p.(type) {
	case *wireBlockTask:
		ref, err := d.blockRef(p.Source)
		return &BlockTask{Source: ref}, err
	case *wirePartialTask:
		ref, err := d.blockRef(p.Source)
		return &PartialTask{Source: ref, Op: p.Op, Axes: p.Axes}, err
	case *wireCumulativeTask:
		ref, err := d.blockRef(p.Source)
		return &CumulativeTask{Source: ref, Op: p.Op, Axis: p.Axis, Carry: p.Carry}, err
	case *wireAssembleTask:
		a, err := d.unassemble(p)
		return &a, err
	case *wireBlockwiseTask:
		b := &BlockwiseTask{Func: p.Func, Params: p.Params, Info: p.Info, Inputs: make([]AssembleTask, len(p.Inputs))}
		for i := range p.Inputs {
			var err error
			if b.Inputs[i], err = d.unassemble(&p.Inputs[i]); err != nil {
				return nil, err
			}
		}
		return b, nil
	}
	return p, nil
}
