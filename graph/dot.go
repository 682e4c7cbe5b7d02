package graph

import (
	"fmt"
	"hash/fnv"
	"strings"
)

// opColor gives each kind of task its own colour in pictures.
var opColor = map[string]string{
	"block": "#9ecae1", "partial": "#fdae6b", "merge": "#fd8d3c", "cumulative": "#a1d99b",
	"take": "#bcbddc", "assemble": "#d9d9d9",
}

// DOT renders the task graph in Graphviz's language: one box per task, labelled with its
// operation and key, arrows from inputs to the tasks that read them.
func (g *Graph) DOT() string {
	var b strings.Builder
	b.WriteString("digraph tasks {\n  rankdir=BT;\n  node [shape=box, style=filled, fontname=\"Helvetica\", fontsize=10];\n")
	for i := range g.Tasks {
		t := &g.Tasks[i]
		color := opColor[t.Op]
		if color == "" {
			color = "#ffffff"
		}
		fmt.Fprintf(&b, "  t%d [label=%q, fillcolor=%q];\n", i, t.Op+"\n"+t.Name(), color)
	}
	for i, t := range g.Tasks {
		for _, d := range t.Deps {
			fmt.Fprintf(&b, "  t%d -> t%d;\n", d, i)
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// LayersDOT renders the high-level graph: one node per layer with its shape and block
// count, readable however many blocks the arrays have, coloured by what the layer does.
func LayersDOT(targets ...*Layer) string { return LayersStateDOT(targets, nil) }

// LayerProgress is how many of a layer's tasks a computation has, and has finished.
type LayerProgress struct{ Done, Total int }

// LayersStateDOT is LayersDOT during a computation: layers with tasks are coloured by
// their state instead (grey waiting, yellow under way, green done) and labelled with
// their progress; progress may be nil.
func LayersStateDOT(targets []*Layer, progress map[*Layer]LayerProgress) string {
	var b strings.Builder
	b.WriteString("digraph layers {\n  rankdir=BT;\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#deebf7\", fontname=\"Helvetica\", fontsize=10];\n")
	WalkLayers(targets, func(l *Layer) {
		label := fmt.Sprintf("%s\n%s\nshape %v, %v\n%d blocks", l.Name, layerDoes(l), l.Shape, l.DType, l.Chunks.TotalBlocks())
		color := layerColor(l)
		if p, ok := progress[l]; ok && p.Total > 0 {
			label += fmt.Sprintf("\n%d/%d tasks done", p.Done, p.Total)
			switch {
			case p.Done == p.Total:
				color = "#a1d99b" // done
			case p.Done > 0:
				color = "#fee391" // under way
			default:
				color = "#e0e0e0" // waiting
			}
		}
		fmt.Fprintf(&b, "  %q [label=%q, fillcolor=%q];\n", l.Name, label, color)
		for _, in := range l.Inputs {
			fmt.Fprintf(&b, "  %q -> %q;\n", in.Name, l.Name)
		}
	})
	b.WriteString("}\n")
	return b.String()
}

// layerDoes says in a few words what a layer does: "random uniform", "add", "mean over
// axes [1]", "transpose"...
func layerDoes(l *Layer) string {
	switch op := l.Op.(type) {
	case Gen:
		if op.Spec.Kind == GenUniform || op.Spec.Kind == GenNormal || op.Spec.Kind == GenIntegers {
			return "random " + string(op.Spec.Kind)
		}
		return string(op.Spec.Kind)
	case Elementwise:
		var ops []string
		for _, st := range op.Program.Steps {
			if len(ops) == 3 {
				ops = append(ops, "...")
				break
			}
			ops = append(ops, st.Op)
		}
		return strings.Join(ops, ", ")
	case Reduce:
		return fmt.Sprintf("%v over axes %v", op.Op, op.Axes)
	case Select:
		return "slice"
	}
	return l.Op.Kind()
}

// layerColor groups layers by what they do: sources, element-wise work, views, data
// movement, reductions, and user block functions (each its own shade of one hue).
func layerColor(l *Layer) string {
	switch op := l.Op.(type) {
	case Gen, Read, Data:
		return "#c7e9c0" // sources: green
	case Elementwise:
		return "#9ecae1" // element-wise: blue
	case Transpose, Select, UnitReshape, BroadcastTo, Concat:
		return "#deebf7" // views: pale blue
	case Rechunk, Overlap, Take:
		return "#d9d9d9" // data movement: grey
	case Reduce, Cumulative:
		return "#fdae6b" // reductions: orange
	case Blockwise:
		h := fnv.New32a()
		h.Write([]byte(op.Func))
		return fmt.Sprintf("#%02x%02x%02x", 0xe0+h.Sum32()%0x20, 0xc0+(h.Sum32()>>8)%0x30, 0xe0+(h.Sum32()>>16)%0x20) // block functions: mauves
	}
	return "#ffffff"
}
