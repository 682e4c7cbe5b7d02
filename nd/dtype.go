package nd

import (
	"fmt"
	"strings"
	"unsafe"
)

// DType is the element type of an array. The zero value is not a valid dtype.
type DType uint8

// The dtypes darray supports, in NumPy's names.
const (
	Bool DType = iota + 1
	Int8
	Int16
	Int32
	Int64
	Uint8
	Uint16
	Uint32
	Uint64
	Float32
	Float64
	Complex64
	Complex128
)

// DTypes lists every supported dtype, in promotion order within each kind.
var DTypes = []DType{Bool, Int8, Int16, Int32, Int64, Uint8, Uint16, Uint32, Uint64, Float32, Float64, Complex64, Complex128}

var dtypeInfo = [...]struct {
	name string
	code string // NumPy's array-protocol type string without byte order, e.g. "f8"
	size int
	kind byte // NumPy's kind character: b, i, u, f, c
}{
	Bool:       {"bool", "b1", 1, 'b'},
	Int8:       {"int8", "i1", 1, 'i'},
	Int16:      {"int16", "i2", 2, 'i'},
	Int32:      {"int32", "i4", 4, 'i'},
	Int64:      {"int64", "i8", 8, 'i'},
	Uint8:      {"uint8", "u1", 1, 'u'},
	Uint16:     {"uint16", "u2", 2, 'u'},
	Uint32:     {"uint32", "u4", 4, 'u'},
	Uint64:     {"uint64", "u8", 8, 'u'},
	Float32:    {"float32", "f4", 4, 'f'},
	Float64:    {"float64", "f8", 8, 'f'},
	Complex64:  {"complex64", "c8", 8, 'c'},
	Complex128: {"complex128", "c16", 16, 'c'},
}

// Valid reports whether d is one of the supported dtypes.
func (d DType) Valid() bool { return d >= Bool && d <= Complex128 }

// String returns NumPy's name for the dtype, such as "float64".
func (d DType) String() string {
	if !d.Valid() {
		return fmt.Sprintf("DType(%d)", uint8(d))
	}
	return dtypeInfo[d].name
}

// Size is the number of bytes of one element.
func (d DType) Size() int {
	if !d.Valid() {
		return 0
	}
	return dtypeInfo[d].size
}

// Kind is NumPy's kind character: 'b' bool, 'i' signed, 'u' unsigned, 'f' float, 'c' complex.
func (d DType) Kind() byte {
	if !d.Valid() {
		return 0
	}
	return dtypeInfo[d].kind
}

// Code is NumPy's type string without byte order, such as "f8"; the .npy and Zarr formats use it.
func (d DType) Code() string {
	if !d.Valid() {
		return ""
	}
	return dtypeInfo[d].code
}

// IsInteger reports whether d is a signed or unsigned integer dtype.
func (d DType) IsInteger() bool { k := d.Kind(); return k == 'i' || k == 'u' }

// IsFloat reports whether d is float32 or float64.
func (d DType) IsFloat() bool { return d.Kind() == 'f' }

// IsComplex reports whether d is complex64 or complex128.
func (d DType) IsComplex() bool { return d.Kind() == 'c' }

// IsInexact reports whether d is a float or complex dtype.
func (d DType) IsInexact() bool { return d.IsFloat() || d.IsComplex() }

// ParseDType accepts NumPy's names ("float64", "int", "float", "complex", "bool") and
// type strings with or without byte order ("f8", "<i4", "|b1", "?"). A byte order that is
// not native little-endian is accepted and ignored here: callers that read bytes handle it.
func ParseDType(s string) (DType, error) {
	name := strings.TrimSpace(s)
	switch name {
	case "int", "int_", "intp":
		return Int64, nil
	case "uint", "uintp":
		return Uint64, nil
	case "float", "double", "float_":
		return Float64, nil
	case "complex", "cdouble", "complex_":
		return Complex128, nil
	case "bool_", "?", "|b1", "b1":
		return Bool, nil
	case "single":
		return Float32, nil
	case "csingle":
		return Complex64, nil
	}
	code := name
	if len(code) > 0 && strings.ContainsRune("<>|=", rune(code[0])) {
		code = code[1:]
	}
	for _, d := range DTypes {
		if name == dtypeInfo[d].name || code == dtypeInfo[d].code {
			return d, nil
		}
	}
	return 0, newError("ParseDType", ErrDType, "unknown or unsupported dtype %q", s)
}

// ResultType is NumPy's np.result_type for two arrays of dtypes a and b: the smallest dtype
// that can hold every value of both. Mixing int64 with uint64 gives float64, as in NumPy.
func ResultType(a, b DType) DType {
	if a == b {
		return a
	}
	ka, kb := a.Kind(), b.Kind()
	if kindRank(ka) > kindRank(kb) || (kindRank(ka) == kindRank(kb) && ka == 'u' && kb == 'i') {
		a, b, ka, kb = b, a, kb, ka
	}
	// Now a's kind ranks no higher than b's; among integers a is the signed one when they differ.
	switch {
	case ka == 'b':
		return b
	case ka == kb: // same kind: the wider one
		if a.Size() > b.Size() {
			return a
		}
		return b
	case ka == 'i' && kb == 'u':
		if a.Size() > b.Size() {
			return a
		}
		return signedOfSize(2 * b.Size())
	case kb == 'f':
		if a.Size() <= 2 && b == Float32 {
			return Float32
		}
		return Float64
	case ka == 'f': // float with complex
		if a == Float32 && b == Complex64 {
			return Complex64
		}
		return Complex128
	default: // integer with complex
		if a.Size() <= 2 && b == Complex64 {
			return Complex64
		}
		return Complex128
	}
}

func kindRank(k byte) int {
	switch k {
	case 'b':
		return 0
	case 'i', 'u':
		return 1
	case 'f':
		return 2
	}
	return 3
}

func signedOfSize(n int) DType {
	switch n {
	case 1:
		return Int8
	case 2:
		return Int16
	case 4:
		return Int32
	case 8:
		return Int64
	}
	return Float64 // no signed integer holds both int64 and uint64
}

// Element is the set of Go types that back an array's elements, one per DType.
type Element interface {
	~bool | number
}

type signed interface {
	~int8 | ~int16 | ~int32 | ~int64
}

type unsigned interface {
	~uint8 | ~uint16 | ~uint32 | ~uint64
}

type integer interface{ signed | unsigned }

type float interface{ ~float32 | ~float64 }

type realNumber interface{ integer | float }

type complexNumber interface{ ~complex64 | ~complex128 }

type number interface{ realNumber | complexNumber }

// DTypeOf returns the dtype whose elements are Go values of type T.
func DTypeOf[T Element]() DType {
	var z T
	switch any(z).(type) {
	case bool:
		return Bool
	case int8:
		return Int8
	case int16:
		return Int16
	case int32:
		return Int32
	case int64:
		return Int64
	case uint8:
		return Uint8
	case uint16:
		return Uint16
	case uint32:
		return Uint32
	case uint64:
		return Uint64
	case float32:
		return Float32
	case float64:
		return Float64
	case complex64:
		return Complex64
	case complex128:
		return Complex128
	}
	return 0
}

// makeBuffer allocates a zeroed []T of n elements for dtype d.
func makeBuffer(d DType, n int) any {
	var buf any
	switch d {
	case Bool:
		buf = make([]bool, n)
	case Int8:
		buf = make([]int8, n)
	case Int16:
		buf = make([]int16, n)
	case Int32:
		buf = make([]int32, n)
	case Int64:
		buf = make([]int64, n)
	case Uint8:
		buf = make([]uint8, n)
	case Uint16:
		buf = make([]uint16, n)
	case Uint32:
		buf = make([]uint32, n)
	case Uint64:
		buf = make([]uint64, n)
	case Float32:
		buf = make([]float32, n)
	case Float64:
		buf = make([]float64, n)
	case Complex64:
		buf = make([]complex64, n)
	case Complex128:
		buf = make([]complex128, n)
	default:
		panic("nd: makeBuffer of invalid dtype") // unreachable: dtypes are validated at the API boundary
	}
	if n*d.Size() >= hugePageMin {
		a := &Array{dtype: d, shape: []int{n}, strides: []int{1}, data: buf}
		raw := a.rawBytes()
		adviseHugePages(unsafe.Pointer(&raw[0]), len(raw))
	}
	return buf
}
