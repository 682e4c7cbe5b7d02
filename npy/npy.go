// Package npy reads and writes NumPy's .npy format: a short header (magic, version, and a
// Python dict literal giving dtype, memory order and shape) followed by the raw elements.
// Read loads a whole file; ReadHeader and the header's DataOffset let storage code read
// any range of elements without loading the rest. Every supported dtype is read in either
// byte order and in C or Fortran order; Write always produces little-endian C order, which
// NumPy reads everywhere.
package npy

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/darray-go/darray/nd"
)

const magic = "\x93NUMPY"

// maxHeaderLen bounds the header we accept, so a corrupt length cannot make us allocate
// gigabytes before failing.
const maxHeaderLen = 1 << 20

// ErrFormat is wrapped by every error about a malformed file.
var ErrFormat = errors.New("not a valid .npy file")

// Header is what a .npy file says about its data.
type Header struct {
	DType        nd.DType
	BigEndian    bool
	FortranOrder bool
	Shape        []int
	DataOffset   int64 // bytes from the start of the file to the first element
}

// DataSize is the number of data bytes the header announces.
func (h Header) DataSize() int64 { return int64(h.DType.Size()) * h.elements() }

// elements is the element count (parseShape keeps it within 2^62).
func (h Header) elements() int64 {
	n := int64(1)
	for _, s := range h.Shape {
		n *= int64(s)
	}
	return n
}

func formatError(format string, args ...any) error {
	return fmt.Errorf("npy: %w: %s", ErrFormat, fmt.Sprintf(format, args...))
}

// ReadHeader reads and checks the header at the start of r.
func ReadHeader(r io.Reader) (Header, error) {
	var pre [10]byte
	if _, err := io.ReadFull(r, pre[:8]); err != nil {
		return Header{}, formatError("file too short for the magic string and version: %v", err)
	}
	if string(pre[:6]) != magic {
		return Header{}, formatError("wrong magic %q", pre[:6])
	}
	major := pre[6]
	var hlen int
	var off int64
	switch major {
	case 1:
		if _, err := io.ReadFull(r, pre[8:10]); err != nil {
			return Header{}, formatError("truncated header length: %v", err)
		}
		hlen, off = int(binary.LittleEndian.Uint16(pre[8:10])), 10
	case 2, 3:
		var l [4]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			return Header{}, formatError("truncated header length: %v", err)
		}
		hlen, off = int(binary.LittleEndian.Uint32(l[:])), 12
	default:
		return Header{}, formatError("unsupported format version %d.%d", major, pre[7])
	}
	if hlen > maxHeaderLen {
		return Header{}, formatError("header length %d is implausibly large", hlen)
	}
	text := make([]byte, hlen)
	if _, err := io.ReadFull(r, text); err != nil {
		return Header{}, formatError("truncated header (%d bytes announced): %v", hlen, err)
	}
	h, err := parseHeaderDict(string(text))
	if err != nil {
		return Header{}, err
	}
	h.DataOffset = off + int64(hlen)
	return h, nil
}

// parseHeaderDict parses the Python dict literal of the header, which NumPy writes as
// {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }.
func parseHeaderDict(s string) (Header, error) {
	var h Header
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "{") || !strings.HasSuffix(t, "}") {
		return h, formatError("header is not a dict: %q", truncate(t))
	}
	fields, err := splitDict(t[1 : len(t)-1])
	if err != nil {
		return h, err
	}
	descr, okD := fields["descr"]
	order, okO := fields["fortran_order"]
	shape, okS := fields["shape"]
	if !okD || !okO || !okS || len(fields) != 3 {
		return h, formatError("header must have exactly the keys descr, fortran_order and shape: %q", truncate(t))
	}
	if h.DType, h.BigEndian, err = parseDescr(descr); err != nil {
		return h, err
	}
	switch order {
	case "True":
		h.FortranOrder = true
	case "False":
	default:
		return h, formatError("fortran_order must be True or False, not %q", truncate(order))
	}
	if h.Shape, err = parseShape(shape); err != nil {
		return h, err
	}
	// The element count is bounded by parseShape; the bytes must be too, or DataSize wraps
	// around (shape (2**31, 2**31) of float64 once read as 0 bytes).
	if elems, item := h.elements(), int64(h.DType.Size()); item > 0 && elems > (1<<62)/item {
		return h, formatError("shape %s of %d-byte elements is more bytes than a file can hold", truncate(shape), item)
	}
	return h, nil
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// splitDict splits "'k': v, 'k2': (1, 2), " into keys and raw values, respecting tuples.
func splitDict(body string) (map[string]string, error) {
	out := map[string]string{}
	rest := strings.TrimSpace(body)
	for rest != "" {
		if rest[0] != '\'' && rest[0] != '"' {
			return nil, formatError("expected a quoted key in header at %q", truncate(rest))
		}
		q := rest[0]
		end := strings.IndexByte(rest[1:], q)
		if end < 0 {
			return nil, formatError("unterminated key in header")
		}
		key := rest[1 : 1+end]
		rest = strings.TrimSpace(rest[end+2:])
		if !strings.HasPrefix(rest, ":") {
			return nil, formatError("expected ':' after key %q", key)
		}
		rest = strings.TrimSpace(rest[1:])
		depth, i := 0, 0
	scan:
		for ; i < len(rest); i++ {
			switch rest[i] {
			case '(', '[':
				depth++
			case ')', ']':
				depth--
				if depth < 0 {
					return nil, formatError("unbalanced brackets in header value of %q", key)
				}
			case ',':
				if depth == 0 {
					break scan
				}
			}
		}
		if depth != 0 {
			return nil, formatError("unbalanced brackets in header value of %q", key)
		}
		if _, dup := out[key]; dup {
			return nil, formatError("key %q repeated in header", key)
		}
		out[key] = strings.TrimSpace(rest[:i])
		if i < len(rest) {
			i++
		}
		rest = strings.TrimSpace(rest[i:])
	}
	return out, nil
}

func parseDescr(v string) (nd.DType, bool, error) {
	if len(v) < 3 || (v[0] != '\'' && v[0] != '"') || v[len(v)-1] != v[0] {
		return 0, false, formatError("descr must be a quoted type string such as '<f8', not %q (structured dtypes are not supported)", truncate(v))
	}
	code := v[1 : len(v)-1]
	if code == "" {
		return 0, false, formatError("empty descr")
	}
	big := code[0] == '>'
	if code[0] == '!' {
		big = true
		code = ">" + code[1:]
	}
	dt, err := nd.ParseDType(code)
	if err != nil {
		return 0, false, formatError("unsupported dtype %q: %v", code, err)
	}
	if dt.Size() == 1 {
		big = false
	}
	return dt, big, nil
}

func parseShape(v string) ([]int, error) {
	if !strings.HasPrefix(v, "(") || !strings.HasSuffix(v, ")") {
		return nil, formatError("shape must be a tuple, not %q", truncate(v))
	}
	inner := strings.TrimSpace(v[1 : len(v)-1])
	shape := []int{}
	if inner == "" {
		return shape, nil
	}
	parts := strings.Split(inner, ",")
	if strings.TrimSpace(parts[len(parts)-1]) == "" {
		parts = parts[:len(parts)-1]
	}
	if len(parts) > nd.MaxDims {
		return nil, formatError("shape %q has more than %d dimensions", truncate(v), nd.MaxDims)
	}
	total := int64(1)
	for _, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(p), "L")))
		if err != nil || n < 0 {
			return nil, formatError("bad dimension %q in shape %q", strings.TrimSpace(p), truncate(v))
		}
		if n > 0 && total > (1<<62)/int64(n) {
			return nil, formatError("shape %q is too large", truncate(v))
		}
		total *= int64(n)
		shape = append(shape, n)
	}
	return shape, nil
}

// Read reads a whole .npy stream into a C-contiguous array (Fortran-ordered files are
// transposed into C order).
func Read(r io.Reader) (*nd.Array, error) {
	br := bufio.NewReader(r)
	h, err := ReadHeader(br)
	if err != nil {
		return nil, err
	}
	size := h.DataSize()
	raw, err := readExactly(br, size)
	if err != nil {
		return nil, err
	}
	return h.Decode(raw)
}

// readExactly reads n bytes without trusting n for the allocation: it grows as data
// arrives, so a header that lies about the shape fails fast instead of allocating.
func readExactly(r io.Reader, n int64) ([]byte, error) {
	var buf bytes.Buffer
	got, err := io.CopyN(&buf, r, n)
	if err != nil {
		return nil, formatError("data truncated: header announces %d bytes, file has %d", n, got)
	}
	return buf.Bytes(), nil
}

// Decode turns the data bytes of a file with this header into a C-contiguous array.
func (h Header) Decode(raw []byte) (*nd.Array, error) {
	if h.FortranOrder {
		rev := make([]int, len(h.Shape))
		for i, s := range h.Shape {
			rev[len(rev)-1-i] = s
		}
		a, err := nd.FromBytes(h.DType, raw, h.BigEndian, rev...)
		if err != nil {
			return nil, formatError("%v", err)
		}
		return a.T().Copy(), nil
	}
	a, err := nd.FromBytes(h.DType, raw, h.BigEndian, h.Shape...)
	if err != nil {
		return nil, formatError("%v", err)
	}
	return a, nil
}

// ReadFile reads the .npy file at path.
func ReadFile(path string) (*nd.Array, error) {
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	a, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// EncodeHeader returns the header bytes for an array of the given dtype and shape in
// little-endian C order: version 1.0 when the header fits, else 2.0, padded so the data
// starts on a 64-byte boundary as NumPy does.
func EncodeHeader(dt nd.DType, shape []int) []byte {
	dims := make([]string, len(shape))
	for i, s := range shape {
		dims[i] = strconv.Itoa(s)
	}
	tuple := "(" + strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	tuple += ")"
	order := "<"
	if dt.Size() == 1 {
		order = "|"
	}
	dict := fmt.Sprintf("{'descr': '%s%s', 'fortran_order': False, 'shape': %s, }", order, dt.Code(), tuple)
	for _, version := range []byte{1, 2} {
		pre := 10
		if version == 2 {
			pre = 12
		}
		total := pre + len(dict) + 1
		pad := (64 - total%64) % 64
		hlen := len(dict) + pad + 1
		if version == 1 && hlen > 65535 {
			continue
		}
		var b bytes.Buffer
		b.WriteString(magic)
		b.WriteByte(version)
		b.WriteByte(0)
		if version == 1 {
			binary.Write(&b, binary.LittleEndian, uint16(hlen))
		} else {
			binary.Write(&b, binary.LittleEndian, uint32(hlen))
		}
		b.WriteString(dict)
		b.WriteString(strings.Repeat(" ", pad))
		b.WriteByte('\n')
		return b.Bytes()
	}
	return nil // unreachable: version 2 always fits
}

// Write writes a as a .npy stream.
func Write(w io.Writer, a *nd.Array) error {
	if _, err := w.Write(EncodeHeader(a.DType(), a.Shape())); err != nil {
		return err
	}
	_, err := w.Write(a.ByteView(false))
	return err
}

// WriteFile writes a to path atomically: to a temporary file in the same directory that is
// renamed over path only once complete, so a reader never sees a torn file.
func WriteFile(path string, a *nd.Array) error {
	return writeAtomic(path, func(w io.Writer) error { return Write(w, a) })
}
