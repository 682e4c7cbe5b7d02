package nd

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// printThreshold and edgeItems follow NumPy's print options: arrays with more elements
// are summarised with "..." showing edgeItems at each end of every axis.
const (
	printThreshold = 1000
	edgeItems      = 3
)

// format renders a like NumPy's str(): nested brackets, elements right-aligned to a common
// width, large axes summarised.
func format(a *Array) string {
	if a == nil {
		return "<nil>"
	}
	if a.NDim() == 0 {
		return formatScalar(a)
	}
	if a.Size() == 0 { // NumPy prints every empty array so, whatever its shape
		return "[]"
	}
	return formatSummarised(summarised(a))
}

// FormatEdges prints, as NumPy prints a large array, the array of its edges alone: along
// every axis marked long, edges holds the first three and the last three elements, and
// "..." stands between them. A caller computes only those elements of a result too large
// to compute whole for printing.
func FormatEdges(edges *Array, long []bool) (string, error) {
	if len(long) != edges.NDim() {
		return "", fmt.Errorf("%d axes marked for an array of %d", len(long), edges.NDim())
	}
	for d, l := range long {
		if l && edges.shape[d] != 2*edgeItems {
			return "", fmt.Errorf("axis %d marked long holds %d elements, not %d", d, edges.shape[d], 2*edgeItems)
		}
	}
	if edges.NDim() == 0 || edges.Size() == 0 {
		return format(edges), nil
	}
	return formatSummarised(edges, long), nil
}

// formatSummarised prints small, the edges of the long axes of a larger array (or the
// whole array when none is long).
func formatSummarised(small *Array, long []bool) string {
	strs := make([]string, small.Size())
	width := 0
	switch {
	case small.dtype.IsInteger() && small.dtype.Kind() == 'u':
		for i, v := range Values[uint64](small) {
			strs[i] = strconv.FormatUint(v, 10)
		}
	case small.dtype.IsInteger():
		for i, v := range Values[int64](small) {
			strs[i] = strconv.FormatInt(v, 10)
		}
	case small.dtype.IsFloat():
		strs = formatFloats(Values[float64](small), small.dtype)
	case small.dtype.IsComplex():
		strs = formatComplexes(Values[complex128](small), small.dtype)
	default:
		for i, v := range Values[complex128](small) {
			strs[i] = formatElement(small.dtype, v)
		}
	}
	for _, s := range strs {
		width = max(width, len(s))
	}
	if small.dtype == Bool {
		width = len("False") // NumPy pads True even when no element is False
	}
	return layout(small.shape, strs, width, long)
}

// summarised keeps only the edge items of every long axis of an array too large to print
// whole, as NumPy does, and says which axes it cut.
func summarised(a *Array) (*Array, []bool) {
	long := make([]bool, len(a.shape))
	small := a
	if a.Size() > printThreshold {
		for d, n := range a.shape {
			if n > 2*edgeItems {
				long[d] = true
				pos := []int64{0, 1, 2, int64(n - 3), int64(n - 2), int64(n - 1)}
				small, _ = gather(small, d, pos, []int{len(pos)})
			}
		}
	}
	return small, long
}

// FormatStrings lays out elements already rendered as text (one per element of shape, in
// C order) as NumPy's str() does, without aligning them, as NumPy prints arrays of
// strings: nested brackets, rows wrapped at the line width, long axes summarised.
func FormatStrings(shape []int, elems []string) (string, error) {
	n := 1
	for _, s := range shape {
		n *= s
	}
	if n != len(elems) || len(shape) == 0 {
		return "", fmt.Errorf("%d strings for shape %s", len(elems), ShapeString(shape))
	}
	pos, err := Arange(Int64, 0, float64(n), 1)
	if err != nil {
		return "", err
	}
	if pos, err = pos.Reshape(shape...); err != nil {
		return "", err
	}
	small, long := summarised(pos)
	kept := Values[int64](small)
	strs := make([]string, len(kept))
	for i, p := range kept {
		strs[i] = elems[p]
	}
	return layout(small.shape, strs, -1, long), nil
}

// layout nests the element strings of an array of shape in brackets; width > 0 aligns
// them to the right.
func layout(shape []int, strs []string, width int, long []bool) string {
	var b strings.Builder
	cs := cStrides(shape)
	last := len(shape) - 1
	var rec func(d, off int, indent string)
	rec = func(d, off int, indent string) {
		if d == last {
			b.WriteString(formatRow(strs, off, cs[d], shape[d], width, d, long[d]))
			return
		}
		sep := " "
		if d < last {
			sep = strings.Repeat("\n", last-d) + indent + " "
		}
		b.WriteByte('[')
		for i := range shape[d] {
			if i > 0 {
				b.WriteString(sep)
			}
			if long[d] && i == edgeItems {
				b.WriteString("..." + sep)
			}
			rec(d+1, off+i*cs[d], indent+" ")
		}
		b.WriteByte(']')
	}
	rec(0, 0, "")
	return b.String()
}

func formatElement(dt DType, v complex128) string {
	switch {
	case dt == Bool:
		if real(v) != 0 {
			return "True"
		}
		return "False"
	case dt.IsComplex():
		im := formatFloat(imag(v), 64)
		if !strings.HasPrefix(im, "-") {
			im = "+" + im
		}
		return formatFloat(real(v), 64) + im + "j"
	}
	bits := 64
	if dt == Float32 {
		bits = 32
	}
	return formatFloat(real(v), bits)
}

// formatFloat prints the shortest representation that reads back exactly, in NumPy's style:
// "1." for integral values, "nan", "inf".
func formatFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(f, 'g', -1, bits)
	if abs := math.Abs(f); abs != 0 && (abs >= 1e16 || abs < 1e-4) {
		s = strconv.FormatFloat(f, 'e', -1, bits)
		return s
	}
	if strings.ContainsAny(s, "e") {
		s = strconv.FormatFloat(f, 'f', -1, bits)
	}
	if !strings.Contains(s, ".") {
		s += "."
	}
	return s
}

// formatFloats formats float elements as NumPy's default print options do: at most eight
// fractional digits, fewer when a value is exact with fewer ("maxprec"), fractional parts
// padded on the right to line up; scientific notation when the values span more than
// three orders of magnitude or reach 1e8 or fall below 1e-4.
func formatFloats(vals []float64, dt DType) []string {
	const precision = 8
	bits := 64
	if dt == Float32 {
		bits = 32
	}
	lo, hi := math.Inf(1), 0.0
	for _, v := range vals {
		if a := math.Abs(v); a != 0 && !math.IsInf(a, 0) && !math.IsNaN(a) {
			lo, hi = min(lo, a), max(hi, a)
		}
	}
	scientific := hi >= 1e8 || lo < 1e-4 || hi/lo > 1e3 && hi > 0
	out := make([]string, len(vals))
	if scientific {
		// Every value with the digits the most demanding one needs (at most eight), as
		// NumPy pads mantissas to a common precision: [1.5e-05 1.0e+03].
		digits := 0
		for _, v := range vals {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			m, _, _ := strings.Cut(strconv.FormatFloat(v, 'e', -1, bits), "e")
			if dot := strings.IndexByte(m, '.'); dot >= 0 {
				digits = max(digits, min(len(m)-dot-1, precision))
			}
		}
		expWidth := 2 // NumPy widens every exponent to three digits when one needs them
		for _, v := range vals {
			if !math.IsNaN(v) && !math.IsInf(v, 0) && v != 0 && math.Abs(math.Log10(math.Abs(v))) >= 99.5 {
				expWidth = 3
			}
		}
		for i, v := range vals {
			out[i] = formatFloat(v, bits)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			m, e, _ := strings.Cut(strconv.FormatFloat(v, 'e', digits, 64), "e")
			if !strings.Contains(m, ".") {
				m += "."
			}
			exp, _ := strconv.Atoi(e)
			out[i] = m + fmt.Sprintf("e%+0*d", expWidth+1, exp)
		}
		return out
	}
	frac := 0
	for i, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			out[i] = formatFloat(v, bits)
			continue
		}
		s := strconv.FormatFloat(v, 'f', -1, bits)
		if dot := strings.IndexByte(s, '.'); dot >= 0 && len(s)-dot-1 > precision {
			s = strings.TrimRight(strconv.FormatFloat(v, 'f', precision, bits), "0")
		}
		if !strings.Contains(s, ".") {
			s += "."
		}
		out[i] = s
		frac = max(frac, len(s)-strings.IndexByte(s, '.')-1)
	}
	for i, s := range out {
		if dot := strings.IndexByte(s, '.'); dot >= 0 {
			out[i] = s + strings.Repeat(" ", frac-(len(s)-dot-1))
		}
	}
	return out
}

// lineWidth is NumPy's default print line width.
const lineWidth = 75

// formatRow prints the innermost axis at depth d as NumPy does: elements right-aligned to
// width, separated by spaces, wrapped before a line would pass the line width (less one
// column per closing bracket), continuation lines indented past the opening bracket.
func formatRow(strs []string, off, stride, n, width, d int, long bool) string {
	hanging := strings.Repeat(" ", d+1)
	limit := lineWidth - 1 - d
	var b strings.Builder
	line := hanging
	extend := func(word string) { // widths in characters: strings may hold any letters
		// (as NumPy: a word too long for any line is not wrapped onto a line of its own)
		if len(line) > len(hanging) && utf8.RuneCountInString(line)+utf8.RuneCountInString(word) > limit {
			b.WriteString(strings.TrimRight(line, " ") + "\n")
			line = hanging
		}
		line += word
	}
	for i := range n {
		if long && i == edgeItems {
			extend("...")
			line += " "
		}
		s := strs[off+i*stride]
		extend(strings.Repeat(" ", max(width-len(s), 0)) + s)
		if i < n-1 {
			line += " "
		}
	}
	b.WriteString(line)
	return "[" + b.String()[d+1:] + "]"
}

// formatComplexes formats complex elements as NumPy does: the real parts as one column of
// floats and the imaginary parts as another, always signed, each aligned on its own, with
// the "j" before the imaginary part's padding.
func formatComplexes(vals []complex128, dt DType) []string {
	part := Float64
	if dt == Complex64 {
		part = Float32
	}
	re := make([]float64, len(vals))
	im := make([]float64, len(vals))
	for i, v := range vals {
		re[i], im[i] = real(v), imag(v)
	}
	rs, is := formatFloats(re, part), formatFloats(im, part)
	for i, s := range is {
		if !strings.HasPrefix(s, "-") {
			is[i] = "+" + s
		}
	}
	alignLeft(rs)
	alignLeft(is)
	out := make([]string, len(vals))
	for i := range vals {
		body := strings.TrimRight(is[i], " ")
		out[i] = rs[i] + body + "j" + is[i][len(body):]
	}
	return out
}

// alignLeft pads strings on the left to a common length.
func alignLeft(strs []string) {
	width := 0
	for _, s := range strs {
		width = max(width, len(s))
	}
	for i, s := range strs {
		strs[i] = strings.Repeat(" ", width-len(s)) + s
	}
}

// formatScalar prints a 0-d array as NumPy prints a scalar: Python's repr of the number.
func formatScalar(a *Array) string {
	switch {
	case a.dtype == Bool:
		if Values[bool](a)[0] {
			return "True"
		}
		return "False"
	case a.dtype.Kind() == 'u':
		return strconv.FormatUint(Values[uint64](a)[0], 10)
	case a.dtype.IsInteger():
		return strconv.FormatInt(Values[int64](a)[0], 10)
	case a.dtype.IsComplex():
		v := Values[complex128](a)[0]
		bits := 64
		if a.dtype == Complex64 {
			bits = 32
		}
		im := pyFloat(imag(v), bits)
		if !strings.HasPrefix(im, "-") {
			im = "+" + im
		}
		return "(" + pyFloat(real(v), bits) + im + "j)"
	}
	bits := 64
	if a.dtype == Float32 {
		bits = 32
	}
	return pyFloat(Values[float64](a)[0], bits)
}

// pyFloat is Python's repr of a float: shortest round-trip digits, ".0" on integral values,
// exponents from 1e16 up and below 1e-4.
func pyFloat(v float64, bits int) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	if abs := math.Abs(v); abs != 0 && (abs >= 1e16 || abs < 1e-4) {
		s := strconv.FormatFloat(v, 'e', -1, bits)
		m, e, _ := strings.Cut(s, "e")
		exp, _ := strconv.Atoi(e)
		return m + fmt.Sprintf("e%+03d", exp)
	}
	s := strconv.FormatFloat(v, 'f', -1, bits)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}
