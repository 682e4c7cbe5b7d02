// Package nd is darray's in-memory n-dimensional array, the block every task of a graph
// computes: NumPy's ndarray semantics in Go, for the dtypes NumPy's numeric code uses
// (bool, signed and unsigned integers of 8 to 64 bits, float32, float64, complex64,
// complex128). It imports nothing else of darray's.
//
// # Arrays, shapes and views
//
// An Array is a typed buffer seen through a shape, strides and an offset, all counted in
// elements, as NumPy's are in bytes:
//
//	a, _ := nd.Arange(nd.Float64, 0, 12, 1) // [0 1 ... 11], shape (12,)
//	m, _ := a.Reshape(3, 4)                  // a view: the same buffer, shape (3, 4)
//	t, _ := m.Transpose()                    // a view with swapped strides, shape (4, 3)
//	row, _ := m.IndexString("1, ::2")        // basic indexing gives views too: [4 6]
//
// Slicing, transposing, broadcasting and reshaping contiguous data never copy; an index
// array (nd.Take) or a boolean mask copies, as in NumPy. Several arrays may share a
// buffer: SharesMemory tells, and Assign writes through a view into the buffer beneath.
// An Array is safe for any number of concurrent readers, not for concurrent writers.
//
// # Computing
//
// Element-wise operations (Unary, Binary, Where, Clip) broadcast their operands, promote
// dtypes by NumPy 2's rules (ResultType, BinaryResultType) and allocate the result;
// reductions (Reduce with a ReduceOp and ReduceArgs for axes, keepdims, ddof, dtype)
// follow NumPy's, including NaN-skipping variants and pairwise summation for floats;
// Sort, ArgSort, Quantile and Cumulative work along one axis. Kernels are generic
// functions instantiated per element type and chosen once per call by dtype, so no
// interface call is made per element. A Program fuses a chain of element-wise steps
// (a*b + c) and evaluates it over cache-sized slices of its inputs, so that the chain's
// intermediates never exist whole.
//
// Blocked reductions combine per-block partial results: ReducePartial reduces one block
// into a Partial (a sum and count, a running mean and M2, a min with its position...),
// MergePartials and ConcatPartials combine them, and the result does not depend on how
// the array was cut into blocks (up to floating-point rounding for sums).
//
// # Bytes and errors
//
// FromBytes, FromReader and WrapBytes make arrays from raw little- or big-endian bytes
// (what file readers decode); Bytes gives them back. WriteArray and ReadArray carry an
// array between processes, ReadArray bounded by the size the caller allows. Every error
// is an *Error naming the operation, with ErrShape, ErrDType, ErrIndex and the like to
// test for with errors.Is; no function panics on bad input.
package nd
