// Package darray is a blocked n-dimensional array library in the manner of dask.array:
// an Array is a lazy expression over an array cut into blocks (chunks). Building an
// expression is instant, whatever the size of the array; Compute turns it into a task
// graph (keeping only what the result needs, fusing element-wise work into one task per
// block, and pushing slices down to the sources) and runs it in parallel on all cores.
//
//	rng := darray.NewRNG(42)
//	x := rng.Random([]int{10000, 10000}, darray.ChunkSize(1000, 1000))
//	y := x.Add(x.T())
//	z := y.Index("::2, 5000:").Mean(darray.Axis(1))
//	result, err := z.Compute(ctx) // an *nd.Array
//
// Errors are sticky, like bufio.Scanner's: an operation on an invalid Array, or with bad
// arguments, returns an Array that carries the error, and Compute (or Err) reports it,
// naming the operation and the shapes involved. Nothing panics on bad input.
//
// Results equal NumPy's (package nd holds the in-memory arrays and their kernels), and
// they do not depend on the chunking: random numbers are a function of the seed and each
// element's position, and reductions merge exact partial states.
package darray

import (
	"errors"
	"fmt"
	"html"
	"strings"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/sched"
)

// Array is a lazy blocked array.
type Array struct {
	layer  *graph.Layer
	err    error
	ragged *ragged // with err ErrUnknownChunks: what makes the array once its lengths are known
}

// fromLayer wraps a layer, refusing one cut into more blocks than a graph can hold (a
// broadcast of two fine chunkings can multiply their counts).
func fromLayer(l *graph.Layer) *Array {
	if err := l.Chunks.CheckBlocks("the result of shape " + nd.ShapeString(l.Shape)); err != nil {
		return failed(l.Op.Kind(), err)
	}
	return &Array{layer: l}
}

func failed(op string, err error) *Array {
	return &Array{err: fmt.Errorf("darray: %s: %w", op, err)}
}

func failf(op string, format string, args ...any) *Array {
	return failed(op, fmt.Errorf(format, args...))
}

// Err returns the error carried by the array, if an operation that built it failed.
func (a *Array) Err() error {
	if a == nil {
		return errors.New("darray: nil Array")
	}
	return a.err
}

// Shape is the array's shape.
func (a *Array) Shape() []int {
	if a.err != nil {
		return nil
	}
	return append([]int{}, a.layer.Shape...)
}

// NDim is the number of dimensions: 1 for an array of unknown length.
func (a *Array) NDim() int {
	if a.ragged != nil {
		return 1
	}
	return len(a.Shape())
}

// DType is the element type, also of an array of unknown length; 0 for an array whose
// construction failed.
func (a *Array) DType() nd.DType {
	if a.ragged != nil {
		return a.ragged.dtype
	}
	if a.err != nil {
		return 0
	}
	return a.layer.DType
}

// Chunks returns the block lengths along each axis.
func (a *Array) Chunks() [][]int {
	if a.err != nil {
		return nil
	}
	out := make([][]int, len(a.layer.Chunks))
	for i, c := range a.layer.Chunks {
		out[i] = append([]int{}, c...)
	}
	return out
}

// Size is the number of elements.
func (a *Array) Size() int {
	n := 1
	for _, s := range a.Shape() {
		n *= s
	}
	return n
}

// NBytes is the number of bytes of the whole array, were it computed.
func (a *Array) NBytes() int64 { return int64(a.Size()) * int64(a.DType().Size()) }

// NumBlocks is the number of blocks (chunks).
func (a *Array) NumBlocks() int {
	if a.err != nil {
		return 0
	}
	return a.layer.Chunks.TotalBlocks()
}

// Layer exposes the high-level graph node behind the array, for packages that extend
// darray (storage writers, executors).
func (a *Array) Layer() *graph.Layer { return a.layer }

// FromLayer wraps a layer built by an extending package as an Array.
func FromLayer(l *graph.Layer) *Array { return fromLayer(l) }

// layerStats counts the layers of the expression and the tasks they would make before
// optimization (one per block and layer).
func (a *Array) layerStats() (layers, tasks int) {
	graph.WalkLayers([]*graph.Layer{a.layer}, func(l *graph.Layer) {
		layers++
		tasks += l.Chunks.TotalBlocks()
	})
	return layers, tasks
}

// String is a one-glance summary: shape, dtype, chunk shape and count, sizes, and the
// size of the expression.
func (a *Array) String() string {
	if a.err != nil {
		return "darray.Array<error: " + a.err.Error() + ">"
	}
	layers, tasks := a.layerStats()
	return fmt.Sprintf("darray.Array<shape=%s, dtype=%v, chunksize=%s, chunks=%d, nbytes=%s, chunk nbytes=%s, layers=%d, tasks=%d>",
		nd.ShapeString(a.layer.Shape), a.layer.DType, nd.ShapeString(a.chunkSize()), a.NumBlocks(),
		FormatBytes(a.NBytes()), FormatBytes(a.layer.Chunks.MaxBlockBytes(a.layer.DType)), layers, tasks)
}

// chunkSize is the shape of the largest block.
func (a *Array) chunkSize() []int {
	s := make([]int, len(a.layer.Chunks))
	for d, c := range a.layer.Chunks {
		for _, n := range c {
			s[d] = max(s[d], n)
		}
	}
	return s
}

// FormatBytes prints a byte count with a binary unit, as 7.63 MiB (sched.FormatBytes,
// which progress reports and errors use too).
func FormatBytes(n int64) string { return sched.FormatBytes(n) }

// HTML is the notebook summary: a table of the array's and a chunk's sizes beside the
// picture of its chunk grid (SVG).
func (a *Array) HTML() string {
	if a.err != nil {
		return "<pre>" + html.EscapeString(a.err.Error()) + "</pre>"
	}
	layers, tasks := a.layerStats()
	var b strings.Builder
	b.WriteString(`<table><tr><td><table class="darray"><thead><tr><td></td><th>Array</th><th>Chunk</th></tr></thead><tbody>`)
	row := func(name, whole, chunk string) {
		fmt.Fprintf(&b, "<tr><th>%s</th><td>%s</td><td>%s</td></tr>", name, html.EscapeString(whole), html.EscapeString(chunk))
	}
	row("Bytes", FormatBytes(a.NBytes()), FormatBytes(a.layer.Chunks.MaxBlockBytes(a.layer.DType)))
	row("Shape", nd.ShapeString(a.layer.Shape), nd.ShapeString(a.chunkSize()))
	row("Dtype", a.layer.DType.String(), a.layer.DType.String())
	fmt.Fprintf(&b, `<tr><th>Count</th><td colspan="2">%d chunks in %d graph layers, %d tasks before optimization</td></tr>`, a.NumBlocks(), layers, tasks)
	b.WriteString("</tbody></table></td><td>")
	b.WriteString(a.SVG())
	b.WriteString("</td></tr></table>")
	return b.String()
}
