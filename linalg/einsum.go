// Package linalg is linear algebra on in-memory blocks: Einstein summation (and through it
// matrix products of every dtype), QR, SVD, Cholesky, solving and inverting, for the lazy
// operations of the darray package to run inside tasks. float64 and float32 products run
// on darray's own kernels (package linalg/internal/gemm: AVX-512 or AVX2 where the
// processor has them), complex products on gonum's BLAS (pure Go, or
// OpenBLAS with the openblas build tag); real factorizations on gonum's LAPACK in
// float64, whose matrix products also go to darray's kernels unless built with openblas,
// complex QR, Cholesky and SVD on this package's own (complex.go). Arrays are nd arrays;
// results are new C-contiguous arrays.
package linalg

import (
	"fmt"
	"slices"
	"strings"

	"github.com/darray-go/darray/linalg/internal/gemm"
	"github.com/darray-go/darray/nd"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/cblas128"
	"gonum.org/v1/gonum/blas/cblas64"
)

// Spec is a parsed Einstein summation: the letters of each operand and of the output.
type Spec struct {
	Inputs []string
	Output string
}

// ParseSpec reads NumPy's notation, "ij,jk->ik", or the implicit form "ij,jk" whose output
// is the letters used exactly once, in alphabetical order. Letters are a-z and A-Z.
func ParseSpec(spec string, operands int) (Spec, error) {
	s := strings.ReplaceAll(spec, " ", "")
	ins, out, explicit := strings.Cut(s, "->")
	var sp Spec
	sp.Inputs = strings.Split(ins, ",")
	if len(sp.Inputs) != operands {
		return Spec{}, fmt.Errorf("einsum %q: %d operands in the notation, %d given", spec, len(sp.Inputs), operands)
	}
	count := map[rune]int{}
	for _, in := range sp.Inputs {
		for _, r := range in {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return Spec{}, fmt.Errorf("einsum %q: %q is not a letter (ellipses are not supported)", spec, r)
			}
			count[r]++
		}
	}
	if !explicit {
		var once []rune
		for r, n := range count {
			if n == 1 {
				once = append(once, r)
			}
		}
		slices.Sort(once)
		out = string(once)
	}
	for i, r := range out {
		if count[r] == 0 {
			return Spec{}, fmt.Errorf("einsum %q: output letter %q is in no operand", spec, r)
		}
		if strings.ContainsRune(out[i+1:], r) {
			return Spec{}, fmt.Errorf("einsum %q: output letter %q repeats", spec, r)
		}
	}
	sp.Output = out
	return sp, nil
}

// Einsum evaluates the summation spec over the operands, as numpy.einsum does. The result
// has the operands' common dtype (booleans: any of the products, as NumPy).
func Einsum(spec string, ops ...*nd.Array) (*nd.Array, error) {
	sp, err := ParseSpec(spec, len(ops))
	if err != nil {
		return nil, err
	}
	return sp.Eval(ops...)
}

// Eval evaluates the parsed summation.
func (sp Spec) Eval(ops ...*nd.Array) (*nd.Array, error) {
	if len(ops) != len(sp.Inputs) {
		return nil, fmt.Errorf("einsum: %d operands for %d in the notation", len(ops), len(sp.Inputs))
	}
	size := map[rune]int{}
	dt := ops[0].DType()
	for i, a := range ops {
		in := sp.Inputs[i]
		if len(in) != a.NDim() {
			return nil, fmt.Errorf("einsum %s: operand %d has %d dimensions, its letters %q %d", sp, i, a.NDim(), in, len(in))
		}
		for d, r := range in {
			n := a.Shape()[d]
			if m, ok := size[r]; ok && m != n && m != 1 && n != 1 {
				return nil, fmt.Errorf("einsum %s: letter %q has length %d and %d (shapes %s)", sp, r, m, n, shapes(ops))
			}
			size[r] = max(size[r], n)
		}
		dt = nd.ResultType(dt, a.DType())
	}
	work := dt
	if dt == nd.Bool {
		work = nd.Int64
	}
	cast := make([]*nd.Array, len(ops))
	for i, a := range ops {
		if a.DType() != work {
			var err error
			if a, err = a.AsType(work); err != nil {
				return nil, err
			}
		}
		cast[i] = a.Contiguous()
	}
	out, err := evalTyped(sp, work, size, cast)
	if err != nil {
		return nil, err
	}
	if dt == nd.Bool {
		return out.AsType(nd.Bool)
	}
	return out, nil
}

func (sp Spec) String() string { return strings.Join(sp.Inputs, ",") + "->" + sp.Output }

func shapes(ops []*nd.Array) string {
	s := make([]string, len(ops))
	for i, a := range ops {
		s[i] = nd.ShapeString(a.Shape())
	}
	return strings.Join(s, " and ")
}

func evalTyped(sp Spec, dt nd.DType, size map[rune]int, ops []*nd.Array) (*nd.Array, error) {
	switch dt {
	case nd.Float64:
		return evalSpec[float64](sp, dt, size, ops, gemm64)
	case nd.Float32:
		return evalSpec[float32](sp, dt, size, ops, gemm32)
	case nd.Complex128:
		return evalSpec[complex128](sp, dt, size, ops, gemmC128)
	case nd.Complex64:
		return evalSpec[complex64](sp, dt, size, ops, gemmC64)
	case nd.Int8:
		return evalSpec[int8](sp, dt, size, ops, gemmLoop[int8])
	case nd.Int16:
		return evalSpec[int16](sp, dt, size, ops, gemmLoop[int16])
	case nd.Int32:
		return evalSpec[int32](sp, dt, size, ops, gemmLoop[int32])
	case nd.Int64:
		return evalSpec[int64](sp, dt, size, ops, gemmLoop[int64])
	case nd.Uint8:
		return evalSpec[uint8](sp, dt, size, ops, gemmLoop[uint8])
	case nd.Uint16:
		return evalSpec[uint16](sp, dt, size, ops, gemmLoop[uint16])
	case nd.Uint32:
		return evalSpec[uint32](sp, dt, size, ops, gemmLoop[uint32])
	case nd.Uint64:
		return evalSpec[uint64](sp, dt, size, ops, gemmLoop[uint64])
	}
	return nil, fmt.Errorf("einsum %s: dtype %v is not supported", sp, dt)
}

type number interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64 | ~complex64 | ~complex128
}

// gemmFunc computes c = a @ b for row-major a (m x k), b (k x n), c (m x n), c zeroed.
type gemmFunc[T number] func(m, n, k int, a, b, c []T)

// evalSpec takes the matrix-product road when it can (two operands, no letter repeated
// within one, no broadcasting): sum away letters only one operand has, lay both out as
// stacks of matrices (batch, free, contracted) and multiply. Anything else is summed by
// walking every combination of the letters.
func evalSpec[T number](sp Spec, dt nd.DType, size map[rune]int, ops []*nd.Array, gemm gemmFunc[T]) (*nd.Array, error) {
	if len(ops) == 2 && !repeats(sp.Inputs[0]) && !repeats(sp.Inputs[1]) && !broadcasts(sp, ops, size) {
		return productOf(sp, dt, size, ops, gemm)
	}
	return loopEinsum[T](sp, dt, size, ops)
}

func repeats(s string) bool {
	for i, r := range s {
		if strings.ContainsRune(s[i+1:], r) {
			return true
		}
	}
	return false
}

func broadcasts(sp Spec, ops []*nd.Array, size map[rune]int) bool {
	for i, a := range ops {
		for d, r := range sp.Inputs[i] {
			if a.Shape()[d] != size[r] {
				return true
			}
		}
	}
	return false
}

func productOf[T number](sp Spec, dt nd.DType, size map[rune]int, ops []*nd.Array, gemm gemmFunc[T]) (*nd.Array, error) {
	a, b := ops[0], ops[1]
	sa, sb := sp.Inputs[0], sp.Inputs[1]
	// Letters in one operand only and not in the output are summed there first.
	var err error
	if a, sa, err = sumAlone(a, sa, sb, sp.Output); err != nil {
		return nil, err
	}
	if b, sb, err = sumAlone(b, sb, sa, sp.Output); err != nil {
		return nil, err
	}
	var batch, freeA, freeB, contract []rune
	for _, r := range sa {
		switch inB, inOut := strings.ContainsRune(sb, r), strings.ContainsRune(sp.Output, r); {
		case inB && inOut:
			batch = append(batch, r)
		case inB:
			contract = append(contract, r)
		default:
			freeA = append(freeA, r)
		}
	}
	for _, r := range sb {
		if !strings.ContainsRune(sa, r) {
			freeB = append(freeB, r)
		}
	}
	nb, m, n, k := extent(batch, size), extent(freeA, size), extent(freeB, size), extent(contract, size)
	am, err := layout(a, sa, batch, freeA, contract)
	if err != nil {
		return nil, err
	}
	bm, err := layout(b, sb, batch, contract, freeB)
	if err != nil {
		return nil, err
	}
	ad, _ := nd.Data[T](am)
	bd, _ := nd.Data[T](bm)
	cd := make([]T, nb*m*n)
	for i := range nb {
		gemm(m, n, k, ad[i*m*k:(i+1)*m*k], bd[i*k*n:(i+1)*k*n], cd[i*m*n:(i+1)*m*n])
	}
	// The product's axes are batch, freeA, freeB: put them in the output's order.
	order := string(batch) + string(freeA) + string(freeB)
	shape := make([]int, len(order))
	for i, r := range order {
		shape[i] = size[r]
	}
	c, err := nd.FromSlice(cd, shape...)
	if err != nil {
		return nil, err
	}
	perm := make([]int, len(sp.Output))
	for i, r := range sp.Output {
		perm[i] = strings.IndexRune(order, r)
	}
	if c, err = c.Transpose(perm...); err != nil {
		return nil, err
	}
	if c.DType() != dt {
		return c.AsType(dt)
	}
	return c.Contiguous(), nil
}

// sumAlone sums a over the letters of its spec s that neither other nor out has.
func sumAlone(a *nd.Array, s, other, out string) (*nd.Array, string, error) {
	var axes []int
	keep := ""
	for d, r := range s {
		if !strings.ContainsRune(other, r) && !strings.ContainsRune(out, r) {
			axes = append(axes, d)
		} else {
			keep += string(r)
		}
	}
	if len(axes) == 0 {
		return a, s, nil
	}
	summed, err := nd.Reduce(nd.Sum, a, nd.ReduceArgs{Axes: axes})
	if err != nil {
		return nil, "", err
	}
	summed, err = summed.AsType(a.DType()) // sums of small integers widen; einsum's do not
	return summed, keep, err
}

// layout transposes a (letters s) to the order of the three groups and makes it contiguous.
func layout(a *nd.Array, s string, groups ...[]rune) (*nd.Array, error) {
	var perm []int
	for _, g := range groups {
		for _, r := range g {
			perm = append(perm, strings.IndexRune(s, r))
		}
	}
	t, err := a.Transpose(perm...)
	if err != nil {
		return nil, err
	}
	return t.Contiguous(), nil
}

func extent(letters []rune, size map[rune]int) int {
	n := 1
	for _, r := range letters {
		n *= size[r]
	}
	return n
}

// loopEinsum sums over every combination of the letters: the general case (repeated
// letters for diagonals and traces, one or many operands, broadcasting of length 1).
func loopEinsum[T number](sp Spec, dt nd.DType, size map[rune]int, ops []*nd.Array) (*nd.Array, error) {
	var letters []rune
	seen := map[rune]bool{}
	for _, r := range sp.Output {
		letters, seen[r] = append(letters, r), true
	}
	for _, in := range sp.Inputs {
		for _, r := range in {
			if !seen[r] {
				letters, seen[r] = append(letters, r), true
			}
		}
	}
	pos := map[rune]int{}
	for i, r := range letters {
		pos[r] = i
	}
	// Per operand, its stride along each letter (0 where it broadcasts or lacks it).
	strides := make([][]int, len(ops))
	data := make([][]T, len(ops))
	for i, a := range ops {
		strides[i] = make([]int, len(letters))
		st := a.Strides()
		for d, r := range sp.Inputs[i] {
			if a.Shape()[d] > 1 {
				strides[i][pos[r]] += st[d]
			}
		}
		var err error
		if data[i], err = nd.Data[T](a); err != nil {
			return nil, err
		}
	}
	shape := make([]int, len(sp.Output))
	for i, r := range sp.Output {
		shape[i] = size[r]
	}
	out := make([]T, max(1, extent([]rune(sp.Output), size)))
	idx := make([]int, len(letters))
	off := make([]int, len(ops))
	total := extent(letters, size)
	nOut := len(sp.Output)
	outIdx := 0
	for step := 0; step < total; step++ {
		p := T(1)
		for i := range ops {
			p *= data[i][off[i]]
		}
		out[outIdx] += p
		// Advance the odometer, last letter fastest; track offsets and the output index.
		for d := len(letters) - 1; d >= 0; d-- {
			idx[d]++
			for i := range ops {
				off[i] += strides[i][d]
			}
			if d < nOut {
				outIdx += outStride(shape, d)
			}
			if idx[d] < size[letters[d]] {
				break
			}
			for i := range ops {
				off[i] -= strides[i][d] * idx[d]
			}
			if d < nOut {
				outIdx -= outStride(shape, d) * idx[d]
			}
			idx[d] = 0
		}
	}
	res, err := nd.FromSlice(out[:extent([]rune(sp.Output), size)], shape...)
	if err != nil {
		return nil, err
	}
	if res.DType() != dt {
		return res.AsType(dt)
	}
	return res, nil
}

func outStride(shape []int, d int) int {
	s := 1
	for _, n := range shape[d+1:] {
		s *= n
	}
	return s
}

func gemm64(m, n, k int, a, b, c []float64) {
	if m == 0 || n == 0 || k == 0 {
		return
	}
	if gemm.Fast() {
		gemm.Dgemm(false, false, m, n, k, 1, a, k, b, n, 1, c, n)
		return
	}
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1,
		blas64.General{Rows: m, Cols: k, Stride: k, Data: a},
		blas64.General{Rows: k, Cols: n, Stride: n, Data: b}, 0,
		blas64.General{Rows: m, Cols: n, Stride: n, Data: c})
}

func gemm32(m, n, k int, a, b, c []float32) {
	if m == 0 || n == 0 || k == 0 {
		return
	}
	if gemm.Fast() {
		gemm.Sgemm(false, false, m, n, k, 1, a, k, b, n, 1, c, n)
		return
	}
	blas32.Gemm(blas.NoTrans, blas.NoTrans, 1,
		blas32.General{Rows: m, Cols: k, Stride: k, Data: a},
		blas32.General{Rows: k, Cols: n, Stride: n, Data: b}, 0,
		blas32.General{Rows: m, Cols: n, Stride: n, Data: c})
}

func gemmC128(m, n, k int, a, b, c []complex128) {
	if m == 0 || n == 0 || k == 0 {
		return
	}
	cblas128.Gemm(blas.NoTrans, blas.NoTrans, 1,
		cblas128.General{Rows: m, Cols: k, Stride: k, Data: a},
		cblas128.General{Rows: k, Cols: n, Stride: n, Data: b}, 0,
		cblas128.General{Rows: m, Cols: n, Stride: n, Data: c})
}

func gemmC64(m, n, k int, a, b, c []complex64) {
	if m == 0 || n == 0 || k == 0 {
		return
	}
	cblas64.Gemm(blas.NoTrans, blas.NoTrans, 1,
		cblas64.General{Rows: m, Cols: k, Stride: k, Data: a},
		cblas64.General{Rows: k, Cols: n, Stride: n, Data: b}, 0,
		cblas64.General{Rows: m, Cols: n, Stride: n, Data: c})
}

// gemmLoop multiplies integer matrices exactly (wrapping on overflow, as NumPy), in i-k-j
// order so the inner loop runs along rows of b and c.
func gemmLoop[T number](m, n, k int, a, b, c []T) {
	for i := range m {
		ci := c[i*n : (i+1)*n]
		for p := range k {
			x := a[i*k+p]
			if x == 0 {
				continue
			}
			bp := b[p*n : (p+1)*n]
			for j := range ci {
				ci[j] += x * bp[j]
			}
		}
	}
}

// ProductKernel names what runs float64 and float32 block products: darray's own kernels ("avx512",
// "avx2") where the processor has them, else the BLAS named by Backend.
func ProductKernel() string {
	if gemm.Fast() {
		return gemm.Kernel()
	}
	return Backend
}
