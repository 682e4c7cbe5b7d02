package nd

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The kinds of error nd returns. Every error wraps exactly one of them, so callers can test
// with errors.Is(err, nd.ErrShape) while the message names the operation and the values.
var (
	ErrShape = errors.New("shape mismatch")     // operands cannot be broadcast or reshaped
	ErrAxis  = errors.New("axis out of range")  // an axis is outside [-ndim, ndim) or repeated
	ErrIndex = errors.New("index out of range") // an index or selection is outside the array
	ErrDType = errors.New("unsupported dtype")  // an operation does not accept this dtype
	ErrValue = errors.New("invalid value")      // an argument's value is wrong (bad step, bad syntax, ...)
)

// Error is the error type of package nd: the operation that failed, the kind of failure and
// a message that names the shapes, axes or values involved.
type Error struct {
	Op     string // the operation, e.g. "add" or "sum"
	Kind   error  // one of ErrShape, ErrAxis, ErrIndex, ErrDType, ErrValue
	Detail string
}

func (e *Error) Error() string { return e.Op + ": " + e.Detail }

// Unwrap lets errors.Is match the kind.
func (e *Error) Unwrap() error { return e.Kind }

func newError(op string, kind error, format string, args ...any) error {
	return &Error{Op: op, Kind: kind, Detail: fmt.Sprintf(format, args...)}
}

// ShapeString formats a shape as NumPy prints it: (3, 4), (5,) or ().
func ShapeString(shape []int) string {
	if len(shape) == 1 {
		return "(" + strconv.Itoa(shape[0]) + ",)"
	}
	parts := make([]string, len(shape))
	for i, n := range shape {
		parts[i] = strconv.Itoa(n)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// EqualShapes reports whether two shapes (or any two int lists) are the same.
func EqualShapes(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
