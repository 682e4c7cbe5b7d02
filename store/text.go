package store

import (
	"fmt"
	"strings"
)

// Text is an n-d array of strings, read whole: HDF5 and netCDF-4 string datasets (fixed
// and variable length) and netCDF-3 character arrays. Such data (station names, labels,
// units) is small next to the numbers it names; darray lists, prints and selects it but
// computes nothing with it.
type Text struct {
	Shape  []int
	Values []string // in C order
}

// MaxText bounds the bytes ReadText reads.
var MaxText int64 = 256 << 20

// Preview shows the first strings in NumPy's way, at most n of them.
func (t *Text) Preview(n int) string {
	var b strings.Builder
	b.WriteString("[")
	for i, v := range t.Values {
		if i == n {
			b.WriteString(" ...")
			break
		}
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%q", v)
	}
	b.WriteString("]")
	return b.String()
}
