package darray

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// Pictures of arrays, as dask's notebook repr: the outline of the array with its chunk
// grid drawn on it (SVG), beside a table of sizes (HTML).

// pictureSize is the length in pixels of the array's longest side.
const pictureSize = 120.0

// maxGridLines is the most block boundaries drawn along one axis; beyond it the axis is
// shaded instead of lined.
const maxGridLines = 100

// SVG draws the array's shape and chunk grid: a bar for one dimension, a rectangle for
// two, a box in perspective for three (the last three axes, for more, after as many
// small outlines as there are leading axes).
func (a *Array) SVG() string {
	if a.err != nil {
		return ""
	}
	shape, chunks := a.layer.Shape, [][]int(a.layer.Chunks)
	var b strings.Builder
	switch n := len(shape); {
	case n == 0:
		return `<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><rect x="2" y="2" width="16" height="16" style="fill:#8B4903A0;stroke-width:1;stroke:black"/></svg>`
	case n == 1:
		w := pictureSize
		drawBox(&b, 10, 10, w, 20, offsetsOf(chunks[0], shape[0], w), []float64{0, 20})
		return wrapSVG(b.String(), w+20, 40+labelHeight, []label{{10 + w/2, 45, fmt.Sprint(shape[0]), false}})
	case n == 2:
		h, w := sides(shape)
		drawBox(&b, 10, 10, w, h, offsetsOf(chunks[1], shape[1], w), offsetsOf(chunks[0], shape[0], h))
		return wrapSVG(b.String(), w+40, h+40, []label{{10 + w/2, h + 30, fmt.Sprint(shape[1]), false}, {w + 25, 10 + h/2, fmt.Sprint(shape[0]), true}})
	default:
		lead := shape[:n-3]
		s3, c3 := shape[n-3:], chunks[n-3:]
		d, h, w := sides3(s3)
		x0 := 10.0
		// One small outline per leading axis, as dask draws the axes it cannot show.
		for _, l := range lead {
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="12" height="%.1f" style="fill:#ECB172A0;stroke-width:1;stroke:black"/>`, x0, 10+d, h)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="9" text-anchor="middle">%d</text>`, x0+6, 10+d+h+14, l)
			x0 += 20
		}
		drawCube(&b, x0, 10, d, h, w, c3, s3)
		width := x0 + d + w + 40
		return wrapSVG(b.String(), width, d+h+50, []label{
			{x0 + w/2, 10 + d + h + 18, fmt.Sprint(s3[2]), false},
			{x0 + w + d + 18, 10 + d/2 + h/2, fmt.Sprint(s3[1]), true},
			{x0 + d/2 - 8, 10 + d/2 - 4, fmt.Sprint(s3[0]), false},
		})
	}
}

type label struct {
	x, y   float64
	text   string
	rotate bool // read bottom to top, along a vertical side
}

const labelHeight = 14

func wrapSVG(body string, width, height float64, labels []label) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" style="stroke:rgb(0,0,0);stroke-width:1">`, width, height)
	b.WriteString(body)
	for _, l := range labels {
		turn := ""
		if l.rotate {
			turn = fmt.Sprintf(` transform="rotate(-90,%.1f,%.1f)"`, l.x, l.y)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="12" text-anchor="middle" style="stroke:none"%s>%s</text>`, l.x, l.y, turn, html.EscapeString(l.text))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// sides are the picture's height and width for a 2-d shape: proportional, but no side
// less than a fifth of the other (very long arrays would vanish into a line).
func sides(shape []int) (h, w float64) {
	ratio := func(n, m int) float64 { return math.Max(0.2, float64(max(n, 1))/float64(max(n, m, 1))) }
	return pictureSize * ratio(shape[0], shape[1]), pictureSize * ratio(shape[1], shape[0])
}

func sides3(shape []int) (d, h, w float64) {
	mx := float64(max(shape[0], shape[1], shape[2], 1))
	f := func(n int) float64 { return pictureSize * math.Max(0.2, float64(max(n, 1))/mx) }
	return f(shape[0]) * 0.5, f(shape[1]), f(shape[2]) // depth drawn at 45 degrees, shortened
}

// offsetsOf scales block boundaries to a side of the given length; nil when there are too
// many to draw.
func offsetsOf(chunks []int, n int, length float64) []float64 {
	if len(chunks) > maxGridLines {
		return nil
	}
	out := []float64{0}
	pos := 0
	for _, c := range chunks {
		pos += c
		out = append(out, length*float64(pos)/float64(max(n, 1)))
	}
	return out
}

// drawBox draws a rectangle with vertical lines at xs and horizontal lines at ys (relative
// offsets; nil: shade the side instead of lining it).
func drawBox(b *strings.Builder, x, y, w, h float64, xs, ys []float64) {
	fill := "#ECB172A0"
	if xs == nil || ys == nil {
		fill = "#8B4903A0" // too many blocks to draw: a darker fill says so
	}
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" style="fill:%s;stroke-width:0"/>`, x, y, w, h, fill)
	for _, dx := range xs {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, x+dx, y, x+dx, y+h)
	}
	for _, dy := range ys {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, x, y+dy, x+w, y+dy)
	}
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" style="fill:none;stroke-width:2"/>`, x, y, w, h)
}

// drawCube draws a box in oblique projection: the front face (axes 1 and 2) and the top
// and right faces receding along axis 0, each with its chunk lines.
func drawCube(b *strings.Builder, x, y, d, h, w float64, chunks [][]int, shape []int) {
	fx, fy := x, y+d // the front face's top-left corner; depth recedes up and right
	zs := offsetsOf(chunks[0], shape[0], d)
	ys := offsetsOf(chunks[1], shape[1], h)
	xs := offsetsOf(chunks[2], shape[2], w)
	fill := "#ECB172A0"
	if zs == nil || ys == nil || xs == nil {
		fill = "#8B4903A0"
	}
	poly := func(pts ...float64) {
		var p []string
		for i := 0; i < len(pts); i += 2 {
			p = append(p, fmt.Sprintf("%.1f,%.1f", pts[i], pts[i+1]))
		}
		fmt.Fprintf(b, `<polygon points="%s" style="fill:%s;stroke-width:0"/>`, strings.Join(p, " "), fill)
	}
	line := func(x1, y1, x2, y2 float64) {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, x1, y1, x2, y2)
	}
	// Top face: from the front's top edge back by d.
	poly(fx, fy, fx+w, fy, fx+w+d, fy-d, fx+d, fy-d)
	// Right face.
	poly(fx+w, fy, fx+w+d, fy-d, fx+w+d, fy-d+h, fx+w, fy+h)
	// Front face.
	poly(fx, fy, fx+w, fy, fx+w, fy+h, fx, fy+h)
	for _, dx := range xs { // lines along depth on the top face, and down the front
		line(fx+dx, fy, fx+dx+d, fy-d)
		line(fx+dx, fy, fx+dx, fy+h)
	}
	for _, dy := range ys { // across the front, and back along the right face
		line(fx, fy+dy, fx+w, fy+dy)
		line(fx+w, fy+dy, fx+w+d, fy+dy-d)
	}
	for _, dz := range zs { // depth boundaries on the top and right faces
		line(fx+dz, fy-dz, fx+w+dz, fy-dz)
		line(fx+w+dz, fy-dz, fx+w+dz, fy-dz+h)
	}
}
