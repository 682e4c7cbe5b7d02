package graph

import (
	"fmt"
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
// count, readable however many blocks the arrays have.
func LayersDOT(targets ...*Layer) string {
	var b strings.Builder
	b.WriteString("digraph layers {\n  rankdir=BT;\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#deebf7\", fontname=\"Helvetica\", fontsize=10];\n")
	WalkLayers(targets, func(l *Layer) {
		fmt.Fprintf(&b, "  %q [label=%q];\n", l.Name, fmt.Sprintf("%s\nshape %v, %v\n%d blocks", l.Name, l.Shape, l.DType, l.Chunks.TotalBlocks()))
		for _, in := range l.Inputs {
			fmt.Fprintf(&b, "  %q -> %q;\n", in.Name, l.Name)
		}
	})
	b.WriteString("}\n")
	return b.String()
}
