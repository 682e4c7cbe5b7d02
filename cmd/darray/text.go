package main

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/store"
	"github.com/darray-go/darray/store/hdf5"
	"github.com/darray-go/darray/store/netcdf3"
)

// textArray is an input of strings (HDF5 and netCDF-4 string datasets, netCDF-3 character
// arrays), read whole: eval prints it, selects from it and tells its shape, as NumPy does
// with an array of dtype <U; arithmetic on it is an error.
type textArray struct {
	shape  []int
	values []string // C order
}

// openText reads the text variable a spec names (FILE:DATASET of an HDF5 or netCDF-4 file,
// FILE:VARIABLE of a netCDF-3 one, local or a URL); ok is false when it names no text.
func openText(spec string) (t *textArray, ok bool, err error) {
	file, name := splitVariable(spec)
	if name == "" {
		return nil, false, nil
	}
	var text *store.Text
	switch {
	case netcdf3.Is(file):
		nc, err := netcdf3.Open(file)
		if err != nil {
			return nil, false, err
		}
		for _, v := range nc.Vars {
			if v.Name == name && v.DType == 0 { // NC_CHAR
				text, err = nc.ReadText(v)
				if err != nil {
					return nil, true, err
				}
			}
		}
	case hdf5.Is(file):
		h, err := hdf5.Open(file)
		if err != nil {
			return nil, false, err
		}
		defer h.Close()
		nodes, err := h.Walk()
		if err != nil {
			return nil, false, nil // the array reader says what is wrong
		}
		for _, n := range nodes {
			if n.Path == strings.Trim(name, "/") && n.Dataset != nil && n.Dataset.IsText() {
				if text, err = h.ReadText(name); err != nil {
					return nil, true, err
				}
			}
		}
	}
	if text == nil {
		return nil, false, nil
	}
	return &textArray{shape: text.Shape, values: text.Values}, true, nil
}

// splitVariable separates FILE:NAME; a URL's scheme and port are not the separator.
func splitVariable(spec string) (file, name string) {
	from := 0
	if store.IsURL(spec) {
		_, rest, _ := strings.Cut(spec, "://")
		slash := strings.Index(rest, "/")
		if slash < 0 {
			return spec, ""
		}
		from = len(spec) - len(rest) + slash
	}
	i := strings.Index(spec[from:], ":")
	if i < 0 {
		return spec, ""
	}
	return spec[:from+i], spec[from+i+1:]
}

func (t *textArray) size() int {
	n := 1
	for _, s := range t.shape {
		n *= s
	}
	return n
}

// dtype is NumPy's name for it: <U and the longest string's length in characters.
func (t *textArray) dtype() string {
	longest := 0
	for _, v := range t.values {
		longest = max(longest, utf8.RuneCountInString(v))
	}
	return fmt.Sprintf("<U%d", max(longest, 1))
}

// String prints as NumPy's str(): quoted as Python quotes strings, laid out as arrays.
func (t *textArray) String() string {
	if len(t.shape) == 0 {
		return t.values[0]
	}
	reprs := make([]string, len(t.values))
	for i, v := range t.values {
		reprs[i] = pyRepr(v)
	}
	s, err := nd.FormatStrings(t.shape, reprs)
	if err != nil {
		return err.Error()
	}
	return s
}

// index selects as NumPy's basic and integer-array indexing do, by indexing the elements'
// positions; a selection of one element is that string.
func (t *textArray) index(idx []nd.Index) (any, error) {
	pos, err := t.positions().Index(idx...)
	if err != nil {
		return nil, err
	}
	out := t.at(pos)
	if len(out.shape) == 0 {
		return out.values[0], nil
	}
	return out, nil
}

// transposed reverses the axes, as NumPy's .T.
func (t *textArray) transposed() *textArray { return t.at(t.positions().T()) }

// positions is the array of the elements' positions in values, in t's shape: views and
// selections of it say which strings a view or selection of t holds.
func (t *textArray) positions() *nd.Array {
	pos, _ := nd.Arange(nd.Int64, 0, float64(t.size()), 1)
	pos, _ = pos.Reshape(t.shape...) // (t.size() elements: always fits)
	return pos
}

// at is the text whose elements are the strings at pos.
func (t *textArray) at(pos *nd.Array) *textArray {
	picked := nd.Values[int64](pos)
	out := &textArray{shape: pos.Shape(), values: make([]string, len(picked))}
	for i, p := range picked {
		out.values[i] = t.values[p]
	}
	return out
}

// attr answers the attributes NumPy arrays have that mean something for text.
func (t *textArray) attr(name string) (any, bool) {
	switch name {
	case "shape":
		s := make([]any, len(t.shape))
		for i, n := range t.shape {
			s[i] = int64(n)
		}
		return s, true
	case "ndim":
		return int64(len(t.shape)), true
	case "size":
		return int64(t.size()), true
	case "dtype":
		return t.dtype(), true
	case "T":
		return t.transposed(), true
	}
	return nil, false
}

// pyRepr quotes a string as Python's repr does: single quotes unless the string holds a
// single quote and no double one; backslashes and unprintable characters escaped.
func pyRepr(s string) string {
	quote := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte(quote)
	for _, r := range s {
		switch {
		case r == rune(quote) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == utf8.RuneError:
			b.WriteString(`\ufffd`)
		case unicode.IsPrint(r):
			b.WriteRune(r)
		case r < 0x100:
			b.WriteString(`\x` + fmt.Sprintf("%02x", r))
		case r < 0x10000:
			b.WriteString(`\u` + fmt.Sprintf("%04x", r))
		default:
			b.WriteString(`\U` + fmt.Sprintf("%08x", r))
		}
	}
	b.WriteByte(quote)
	return b.String()
}

// textOnly is the error of using text where numbers are needed.
func textOnly(what string) error {
	return fmt.Errorf("%s: the operand is text (strings); darray prints, selects and measures text but does no arithmetic or functions on it", what)
}
