package darray_test

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/internal/ndtest"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/npy"
)

// apiCases applies the darray operation behind each golden case of
// tools/golden/api_golden.py to its inputs.
var apiCases = map[string]func(in []*darray.Array) *darray.Array{
	"concatenate_axis0":    func(in []*darray.Array) *darray.Array { return darray.Concatenate(in, 0) },
	"concatenate_promotes": func(in []*darray.Array) *darray.Array { return darray.Concatenate(in, -1) },
	"stack_axis1":          func(in []*darray.Array) *darray.Array { return darray.Stack(in, 1) },
	"hstack_1d":            func(in []*darray.Array) *darray.Array { return darray.HStack(in...) },
	"hstack_2d":            func(in []*darray.Array) *darray.Array { return darray.HStack(in...) },
	"vstack_1d":            func(in []*darray.Array) *darray.Array { return darray.VStack(in...) },
	"block":                func(in []*darray.Array) *darray.Array { return darray.Block(in[:2], in[2:]) },
	"flip_axis0":           func(in []*darray.Array) *darray.Array { return in[0].Flip(0) },
	"flip_all":             func(in []*darray.Array) *darray.Array { return in[0].Flip() },
	"roll_positive":        func(in []*darray.Array) *darray.Array { return in[0].Roll(3, 1) },
	"roll_negative":        func(in []*darray.Array) *darray.Array { return in[0].Roll(-17, 0) },
	"tile":                 func(in []*darray.Array) *darray.Array { return in[0].Tile(2, 1, 3) },
	"repeat":               func(in []*darray.Array) *darray.Array { return in[0].Repeat(3, 1) },
	"reshape_split":        func(in []*darray.Array) *darray.Array { return in[0].Reshape(3, 4, 5) },
	"reshape_merge":        func(in []*darray.Array) *darray.Array { return in[0].Reshape(6, 20) },
	"reshape_mixed":        func(in []*darray.Array) *darray.Array { return in[0].Reshape(4, 6) },
	"reshape_ones":         func(in []*darray.Array) *darray.Array { return in[0].Reshape(1, 3, 1, 8, 1) },
	"reshape_infer":        func(in []*darray.Array) *darray.Array { return in[0].Reshape(-1, 10) },
	"tril":                 func(in []*darray.Array) *darray.Array { return in[0].Tril(-1) },
	"triu":                 func(in []*darray.Array) *darray.Array { return in[0].Triu(2) },
	"tri":                  func(in []*darray.Array) *darray.Array { return darray.Tri(6, 8, 1, nd.Float64, darray.ChunkSize(4, 3)) },
	"diagonal_main":        func(in []*darray.Array) *darray.Array { return in[0].Diagonal(0) },
	"diagonal_above":       func(in []*darray.Array) *darray.Array { return in[0].Diagonal(3) },
	"diagonal_below":       func(in []*darray.Array) *darray.Array { return in[0].Diagonal(-4) },
	"diagonal_empty":       func(in []*darray.Array) *darray.Array { return in[0].Diagonal(9) },
	"average_weights_1d":   func(in []*darray.Array) *darray.Array { return in[0].Average(in[1], 1) },
	"average_weights_full": func(in []*darray.Array) *darray.Array { return in[0].Average(in[1]) },
	"average_ints":         func(in []*darray.Array) *darray.Array { return in[0].Average(in[1], 0) },
	"ravel":                func(in []*darray.Array) *darray.Array { return in[0].Ravel() },
	"pad_reflect_one": func(in []*darray.Array) *darray.Array {
		return in[0].Pad([][2]int{{3, 2}}, darray.PadReflect, 0)
	},
}

func init() {
	for _, mode := range []darray.PadMode{darray.PadConstant, darray.PadEdge, darray.PadReflect, darray.PadSymmetric, darray.PadWrap} {
		apiCases["pad_"+string(mode)] = func(in []*darray.Array) *darray.Array {
			return in[0].Pad([][2]int{{2, 3}, {4, 1}}, mode, 1.5)
		}
		apiCases["pad_wide_"+string(mode)] = func(in []*darray.Array) *darray.Array {
			return in[0].Pad([][2]int{{7, 5}, {0, 9}}, mode, 1.5)
		}
	}
}

// TestAPIMatchesNumPy checks every golden case under several random chunkings of its
// inputs, and that every case the script wrote has a darray counterpart.
func TestAPIMatchesNumPy(t *testing.T) {
	dir := filepath.Join("testdata", "golden", "api")
	wants, err := filepath.Glob(filepath.Join(dir, "*.want.npy"))
	if err != nil || len(wants) == 0 {
		t.Fatalf("no golden cases in %s (%v)", dir, err)
	}
	sort.Strings(wants)
	rng := rand.New(rand.NewPCG(7, 70))
	for _, wantPath := range wants {
		name := strings.TrimSuffix(filepath.Base(wantPath), ".want.npy")
		apply, ok := apiCases[name]
		if !ok {
			t.Errorf("%s: golden case without a darray counterpart", name)
			continue
		}
		want, err := npy.ReadFile(wantPath)
		if err != nil {
			t.Fatal(err)
		}
		var inputs []*nd.Array
		for i := 0; ; i++ {
			p := filepath.Join(dir, name+".in"+string(rune('0'+i))+".npy")
			if _, err := os.Stat(p); err != nil {
				break
			}
			x, err := npy.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			inputs = append(inputs, x)
		}
		for trial := range 4 {
			in := make([]*darray.Array, len(inputs))
			for i, x := range inputs {
				in[i] = darray.FromArray(x, randomChunks(rng, x.Shape()))
			}
			got := compute(t, apply(in))
			if got.DType() != want.DType() {
				t.Errorf("%s: dtype %v, want %v", name, got.DType(), want.DType())
			}
			label := name + " trial " + string(rune('0'+trial))
			if atol, ok := factorTolerance(name, want.DType()); ok {
				// Factorizations by another algorithm (TSQR, another LAPACK): equal to
				// rounding relative to the matrix, not element by element.
				ndtest.CloseScaled(t, label, got, want, atol)
				continue
			}
			rtol := 1e-12 // sums in another order: a few ulps
			if want.DType() == nd.Float32 || want.DType() == nd.Complex64 {
				rtol = 1e-5
			}
			ndtest.Close(t, label, got, want, rtol)
		}
	}
}

// TestJoinErrors: bad arguments name the operation and what was wrong.
func TestJoinErrors(t *testing.T) {
	a := darray.Zeros([]int{3, 4}, nd.Float64, darray.ChunkSize(2))
	b := darray.Zeros([]int{3, 5}, nd.Float64, darray.ChunkSize(2))
	c := darray.Zeros([]int{3}, nd.Float64, darray.ChunkSize(2))
	cases := []struct {
		got  *darray.Array
		want string
	}{
		{darray.Concatenate(nil, 0), "at least one array"},
		{darray.Concatenate([]*darray.Array{a, b}, 0), "along dimension 1, array 0 has size 4 and array 1 has size 5"},
		{darray.Concatenate([]*darray.Array{a, c}, 0), "same number of dimensions"},
		{darray.Concatenate([]*darray.Array{a, a}, 2), "axis 2"},
		{darray.Stack([]*darray.Array{a, b}, 0), "same shape"},
		{a.Pad([][2]int{{1, 1}}, "mirror", 0), `unknown mode "mirror"`},
		{a.Pad([][2]int{{1, 1}, {1, 1}, {1, 1}}, darray.PadEdge, 0), "3 pad widths"},
		{a.Pad([][2]int{{-1, 1}}, darray.PadEdge, 0), "negative pad width"},
		{darray.Zeros([]int{0, 2}, nd.Float64, darray.ChunkSize(2)).Pad([][2]int{{1, 1}}, darray.PadWrap, 0), "empty axis 0"},
		{a.Roll(1, 5), "axis 5"},
		{a.Tile(-1), "negative"},
		{a.Repeat(-2, 0), "negative repeats"},
		{a.Reshape(5, 2), "cannot reshape array of size 12 into shape (5, 2)"},
		{a.Reshape(-1, -1), "one unknown dimension"},
		{a.Reshape(5, -1), "do not divide"},
		{c.Tril(0), "tril: array of 1 dimensions has no matrix"},
		{c.Diagonal(0), "diagonal of an array of 1 dimensions"},
		{a.Average(c), "axis must be specified"},
		{a.Average(c, 1), "length of weights 3 not compatible with axis 1 of length 4"},
		{a.Average(a, 0).Average(b, 0), "1D weights expected"},
		{a.ArgMin(darray.Axis()), "an empty list of axes: argmin takes one axis or none"},
	}
	for _, c := range cases {
		err := c.got.Err()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want an error containing %q", err, c.want)
		}
	}
}

// Block functions the tests register, written as a user would: over float64 values.
func init() {
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	// The 3x3 mean of every element but the block's border (which map_overlap trims).
	must(darray.RegisterBlockFunc("test-mean3x3", func(_ any, blocks []*nd.Array, _ darray.BlockInfo) (*nd.Array, error) {
		s := blocks[0].Shape()
		h, w := s[0], s[1]
		in := nd.Values[float64](blocks[0])
		out := append([]float64{}, in...)
		for i := 1; i < h-1; i++ {
			for j := 1; j < w-1; j++ {
				sum := 0.0
				for di := -1; di <= 1; di++ {
					for dj := -1; dj <= 1; dj++ {
						sum += in[(i+di)*w+j+dj]
					}
				}
				out[i*w+j] = sum / 9
			}
		}
		return nd.FromSlice(out, h, w)
	}))
	// Matrix product of a row band and a column band.
	must(darray.RegisterBlockFunc("test-matmul", func(_ any, blocks []*nd.Array, _ darray.BlockInfo) (*nd.Array, error) {
		a, b := nd.Values[float64](blocks[0]), nd.Values[float64](blocks[1])
		m, k, n := blocks[0].Shape()[0], blocks[0].Shape()[1], blocks[1].Shape()[1]
		out := make([]float64, m*n)
		for i := range m {
			for p := range k {
				for j := range n {
					out[i*n+j] += a[i*k+p] * b[p*n+j]
				}
			}
		}
		return nd.FromSlice(out, m, n)
	}))
	must(darray.RegisterBlockFunc("test-rowsum", func(_ any, blocks []*nd.Array, _ darray.BlockInfo) (*nd.Array, error) {
		return nd.Reduce(nd.Sum, blocks[0], nd.ReduceArgs{Axes: []int{1}})
	}))
	// a*scale + b + the global row index: checks parameters and BlockInfo.
	must(darray.RegisterBlockFunc("test-scale-add", func(params any, blocks []*nd.Array, info darray.BlockInfo) (*nd.Array, error) {
		scale := params.(map[string]any)["scale"].(float64)
		a, b := nd.Values[float64](blocks[0]), nd.Values[float64](blocks[1])
		w := info.BlockShape[1]
		for i := range a {
			a[i] = a[i]*scale + b[i] + float64(info.Origin[0]+i/w)
		}
		return nd.FromSlice(a, info.BlockShape...)
	}))
	// Reduction parts, over axis 1 (sum of squares) and axis 0 (the two largest).
	must(darray.RegisterBlockFunc("test-sumsq", func(_ any, blocks []*nd.Array, _ darray.BlockInfo) (*nd.Array, error) {
		sq, err := nd.Binary(nd.Multiply, blocks[0], blocks[0])
		if err != nil {
			return nil, err
		}
		return nd.Reduce(nd.Sum, sq, nd.ReduceArgs{Axes: []int{1}, KeepDims: true})
	}))
	must(darray.RegisterBlockFunc("test-sum-keep", func(_ any, blocks []*nd.Array, _ darray.BlockInfo) (*nd.Array, error) {
		return nd.Reduce(nd.Sum, blocks[0], nd.ReduceArgs{Axes: []int{1}, KeepDims: true})
	}))
	must(darray.RegisterBlockFunc("test-top2", func(_ any, blocks []*nd.Array, _ darray.BlockInfo) (*nd.Array, error) {
		rows, cols := blocks[0].Shape()[0], blocks[0].Shape()[1]
		in := nd.Values[float64](blocks[0])
		out := make([]float64, 2*cols)
		for j := range cols {
			col := make([]float64, 0, rows)
			for i := range rows {
				col = append(col, in[i*cols+j])
			}
			sort.Sort(sort.Reverse(sort.Float64Slice(col)))
			for len(col) < 2 { // a block of one row: pad with what loses every comparison
				col = append(col, math.Inf(-1))
			}
			out[j], out[cols+j] = col[0], col[1]
		}
		return nd.FromSlice(out, 2, cols)
	}))
	for _, mode := range []string{"reflect", "periodic", "nearest", "constant"} {
		apiCases["map_overlap_mean_"+mode] = func(in []*darray.Array) *darray.Array {
			// Blocks must be at least the depth long: no chunk of 1 here.
			x := in[0].Rechunk(darray.ChunkSize(3 + len(mode)%3))
			return darray.MapOverlap("test-mean3x3", x, []int{1}, darray.Boundary{Mode: mode})
		}
	}
	two := func(f func(a, b *darray.Array) *darray.Array) func([]*darray.Array) *darray.Array {
		return func(in []*darray.Array) *darray.Array { return f(in[0], in[1]) }
	}
	einsum := func(spec string) func([]*darray.Array) *darray.Array {
		return func(in []*darray.Array) *darray.Array { return darray.Einsum(spec, in...) }
	}
	for name, spec := range map[string]string{
		"einsum_matmul": "ij,jk->ik", "einsum_batch": "bij,bjk->bik", "einsum_trace": "ii->",
		"einsum_diag": "ii->i", "einsum_implicit": "ij,jk", "einsum_sum_alone": "ijl,jk->ki",
		"einsum_three": "ij,jk,k->i", "einsum_ints": "ij,jk->ik", "einsum_float32": "ij,jk->ik",
		"einsum_complex": "ij,jk->ik", "einsum_bool": "ij,jk->ik",
	} {
		apiCases[name] = einsum(spec)
	}
	apiCases["tensordot_2axes"] = two(func(a, b *darray.Array) *darray.Array {
		return darray.Tensordot(a, b, []int{1, 0}, []int{0, 2})
	})
	apiCases["dot_vectors"] = two(darray.Dot)
	apiCases["dot_nd"] = two(darray.Dot)
	for _, name := range []string{"matmul_2d", "matmul_vec_left", "matmul_vec_right", "matmul_broadcast"} {
		apiCases[name] = two(darray.Matmul)
	}
	apiCases["outer"] = two(darray.Outer)
	one := func(f func(a *darray.Array) *darray.Array) func([]*darray.Array) *darray.Array {
		return func(in []*darray.Array) *darray.Array { return f(in[0]) }
	}
	qrPart := func(part int) func(a *darray.Array) *darray.Array {
		return func(a *darray.Array) *darray.Array {
			q, r := darray.QR(a)
			return []*darray.Array{q, r}[part].Abs()
		}
	}
	svdPart := func(part int, abs bool) func(a *darray.Array) *darray.Array {
		return func(a *darray.Array) *darray.Array {
			u, s, vt := darray.SVD(a)
			if x := []*darray.Array{u, s, vt}[part]; abs {
				return x.Abs()
			} else {
				return x
			}
		}
	}
	for _, shape := range []string{"tall", "wide"} {
		apiCases["qr_"+shape+"_abs_q"] = one(qrPart(0))
		apiCases["qr_"+shape+"_abs_r"] = one(qrPart(1))
		apiCases["svd_"+shape+"_s"] = one(svdPart(1, false))
		apiCases["svd_"+shape+"_abs_u"] = one(svdPart(0, true))
	}
	apiCases["qr_float32_abs_r"] = one(qrPart(1))
	apiCases["svd_tall_abs_vt"] = one(svdPart(2, true))
	apiCases["qr_tall_product"] = one(func(a *darray.Array) *darray.Array {
		q, r := darray.QR(a)
		return darray.Matmul(q, r)
	})
	apiCases["svd_compressed_s"] = one(func(a *darray.Array) *darray.Array {
		_, s, _ := darray.SVDCompressed(a, 4, 3, 1, 7)
		return s
	})
	apiCases["cholesky"] = one(darray.Cholesky)
	apiCases["svd_compressed_complex_s"] = apiCases["svd_compressed_s"]
	apiCases["qr_complex_tall_abs_q"] = one(qrPart(0))
	apiCases["qr_complex_tall_abs_r"] = one(qrPart(1))
	apiCases["qr_complex_wide_abs_r"] = one(qrPart(1))
	apiCases["qr_complex64_abs_r"] = one(qrPart(1))
	apiCases["qr_complex_product"] = apiCases["qr_tall_product"]
	apiCases["cholesky_complex"] = one(darray.Cholesky)
	apiCases["svd_complex_tall_s"] = one(svdPart(1, false))
	apiCases["svd_complex_tall_abs_u"] = one(svdPart(0, true))
	apiCases["svd_complex_tall_abs_vt"] = one(svdPart(2, true))
	apiCases["svd_complex_wide_s"] = one(svdPart(1, false))
	apiCases["svd_complex_wide_abs_u"] = one(svdPart(0, true))
	apiCases["svd_complex64_s"] = one(svdPart(1, false))
	apiCases["svd_complex_product"] = one(func(a *darray.Array) *darray.Array {
		u, s, vt := darray.SVD(a)
		return darray.Matmul(u.Mul(s), vt)
	})
	apiCases["solve_vector"] = two(darray.Solve)
	apiCases["solve_matrix"] = two(darray.Solve)
	apiCases["solve_triangular_upper"] = two(func(a, b *darray.Array) *darray.Array {
		return darray.SolveTriangular(a.Triu(0), b, true)
	})
	apiCases["inv"] = one(darray.Inv)
	lstsq := func(part int) func([]*darray.Array) *darray.Array {
		return two(func(a, b *darray.Array) *darray.Array {
			x, res, s := darray.Lstsq(a, b)
			return []*darray.Array{x, res, s}[part]
		})
	}
	apiCases["lstsq_x"], apiCases["lstsq_residuals"], apiCases["lstsq_s"] = lstsq(0), lstsq(1), lstsq(2)
	norm := func(ord string, axes ...int) func([]*darray.Array) *darray.Array {
		return one(func(a *darray.Array) *darray.Array { return darray.Norm(a, ord, axes...) })
	}
	apiCases["norm_default"] = norm("")
	apiCases["norm_vector_3"] = norm("3")
	apiCases["norm_vector_0"] = norm("0")
	apiCases["norm_vector_inf"] = norm("inf", 1)
	apiCases["norm_matrix_1"] = norm("1")
	apiCases["norm_matrix_neg_inf"] = norm("-inf")
	apiCases["norm_matrix_2"] = norm("2")
	apiCases["norm_matrix_nuc"] = norm("nuc")
	apiCases["norm_axes_fro"] = norm("", 0, 2)
	apiCases["solve_complex_vector"] = two(darray.Solve)
	apiCases["solve_complex_a_real_b"] = two(darray.Solve)
	apiCases["solve_complex64"] = two(darray.Solve)
	apiCases["solve_triangular_complex_lower"] = two(func(a, b *darray.Array) *darray.Array {
		return darray.SolveTriangular(a, b, false) // reads the lower triangle only
	})
	apiCases["inv_complex"] = one(darray.Inv)
	apiCases["lstsq_complex_x"], apiCases["lstsq_complex_residuals"], apiCases["lstsq_complex_s"] = lstsq(0), lstsq(1), lstsq(2)
	apiCases["norm_matrix_2_complex"] = norm("2")
	apiCases["norm_matrix_nuc_complex"] = norm("nuc")
	apiCases["real_imag_conj"] = one(func(a *darray.Array) *darray.Array { return a.Real().Mul(2).Add(a.Conj().Imag()) })
	apiCases["norm_ints"] = norm("")
	opts := func(n int, norm string) darray.FFTOptions { return darray.FFTOptions{N: n, Norm: norm} }
	apiCases["fft_last"] = one(func(a *darray.Array) *darray.Array { return darray.FFT(a, -1, opts(0, "")) })
	apiCases["fft_axis0_pad"] = one(func(a *darray.Array) *darray.Array { return darray.FFT(a, 0, opts(11, "")) })
	apiCases["fft_cut_ortho"] = one(func(a *darray.Array) *darray.Array { return darray.FFT(a, -1, opts(5, "ortho")) })
	apiCases["ifft"] = one(func(a *darray.Array) *darray.Array { return darray.IFFT(a, 1, opts(0, "")) })
	apiCases["ifft_forward"] = one(func(a *darray.Array) *darray.Array { return darray.IFFT(a, 0, opts(0, "forward")) })
	apiCases["rfft_odd"] = one(func(a *darray.Array) *darray.Array { return darray.RFFT(a, -1, opts(0, "")) })
	apiCases["rfft_ints"] = one(func(a *darray.Array) *darray.Array { return darray.RFFT(a, 0, opts(0, "")) })
	apiCases["irfft_default"] = one(func(a *darray.Array) *darray.Array { return darray.IRFFT(a, -1, opts(0, "")) })
	apiCases["irfft_odd_n"] = one(func(a *darray.Array) *darray.Array { return darray.IRFFT(a, 0, opts(9, "")) })
	apiCases["fft2"] = one(func(a *darray.Array) *darray.Array { return darray.FFT2(a, nil, "") })
	apiCases["ifft2_shape"] = one(func(a *darray.Array) *darray.Array { return darray.IFFT2(a, []int{4, 7}, "") })
	apiCases["fftn_axes"] = one(func(a *darray.Array) *darray.Array { return darray.FFTN(a, nil, []int{0, 2}, "") })
	apiCases["rfftn"] = one(func(a *darray.Array) *darray.Array { return darray.RFFTN(a, nil, nil, "") })
	apiCases["irfftn"] = one(func(a *darray.Array) *darray.Array { return darray.IRFFTN(a, []int{6, 8}, nil, "") })
	apiCases["fftfreq_even"] = one(func(*darray.Array) *darray.Array { return darray.FFTFreq(10, 0.1, darray.ChunkSize(3)) })
	apiCases["fftfreq_odd"] = one(func(*darray.Array) *darray.Array { return darray.FFTFreq(7, 1, darray.ChunkSize(2)) })
	apiCases["rfftfreq"] = one(func(*darray.Array) *darray.Array { return darray.RFFTFreq(9, 2, darray.ChunkSize(4)) })
	apiCases["fftshift"] = one(func(a *darray.Array) *darray.Array { return darray.FFTShift(a) })
	apiCases["ifftshift_axis"] = one(func(a *darray.Array) *darray.Array { return darray.IFFTShift(a, 1) })
	apiCases["moment_3_axis0"] = one(func(a *darray.Array) *darray.Array { return darray.Moment(a, 3, 0, 0) })
	apiCases["moment_2_all_ddof"] = one(func(a *darray.Array) *darray.Array { return darray.Moment(a, 2, 1) })
	apiCases["moment_0"] = one(func(a *darray.Array) *darray.Array { return darray.Moment(a, 0, 0, 0) })
	apiCases["moment_1"] = one(func(a *darray.Array) *darray.Array { return darray.Moment(a, 1, 0, 0) })
	apiCases["cov_rows"] = one(func(a *darray.Array) *darray.Array { return darray.Cov(a, nil, true, false, -1) })
	apiCases["cov_cols_y_bias"] = two(func(a, b *darray.Array) *darray.Array { return darray.Cov(a, b, false, true, -1) })
	apiCases["cov_vector"] = one(func(a *darray.Array) *darray.Array { return darray.Cov(a, nil, true, false, -1) })
	apiCases["cov_ints_ddof"] = one(func(a *darray.Array) *darray.Array { return darray.Cov(a, nil, true, false, 0) })
	apiCases["cov_complex"] = one(func(a *darray.Array) *darray.Array { return darray.Cov(a, nil, true, false, -1) })
	apiCases["corrcoef"] = one(func(a *darray.Array) *darray.Array { return darray.Corrcoef(a, nil, true) })
	apiCases["corrcoef_xy"] = two(func(a, b *darray.Array) *darray.Array { return darray.Corrcoef(a, b, true) })
	apiCases["reduction_sum_of_squares"] = one(func(a *darray.Array) *darray.Array {
		return darray.Reduction(a, darray.ReductionSpec{Chunk: "test-sumsq", Aggregate: "test-sum-keep", Axes: []int{1}, SplitEvery: 2})
	})
	apiCases["reduction_top2"] = one(func(a *darray.Array) *darray.Array {
		return darray.Reduction(a, darray.ReductionSpec{Chunk: "test-top2", Combine: "test-top2", Aggregate: "test-top2",
			Axes: []int{0}, OutputSize: 2, AggregateSize: 2, SplitEvery: 3})
	})
	apiCases["sort_axis0"] = one(func(a *darray.Array) *darray.Array { return a.Sort(0) })
	apiCases["sort_ints"] = one(func(a *darray.Array) *darray.Array { return a.Sort(-1) })
	apiCases["argsort_stable"] = one(func(a *darray.Array) *darray.Array { return a.ArgSort(1) })
	apiCases["argsort_nan"] = one(func(a *darray.Array) *darray.Array { return a.ArgSort(0) })
	apiCases["quantile_axis1"] = one(func(a *darray.Array) *darray.Array { return a.Quantile([]float64{0, 0.25, 0.5, 0.9, 1}, 1) })
	apiCases["percentile_flat"] = one(func(a *darray.Array) *darray.Array { return a.Percentile([]float64{10, 50, 75.5}) })
	apiCases["percentile_nan"] = one(func(a *darray.Array) *darray.Array { return a.Percentile([]float64{30}, 1) })
	apiCases["median_even_axis0"] = one(func(a *darray.Array) *darray.Array { return a.Median(0) })
	apiCases["median_odd_flat"] = one(func(a *darray.Array) *darray.Array { return a.Median() })
	apiCases["quantile_all_radix"] = one(func(a *darray.Array) *darray.Array { return a.Quantile([]float64{0, 0.1, 0.5, 0.77, 1}) })
	apiCases["quantile_all_duplicates"] = one(func(a *darray.Array) *darray.Array { return a.Quantile([]float64{0.25, 0.5, 0.999}) })
	for _, name := range []string{"median_all_even", "median_all_ints", "median_all_float32", "median_all_nan"} {
		apiCases[name] = apiCases["median_odd_flat"]
	}
	apiCases["percentile_all_tiny"] = one(func(a *darray.Array) *darray.Array { return a.Percentile([]float64{0, 100}) })
	apiCases["median_ints"] = one(func(a *darray.Array) *darray.Array { return a.Median(1) })
	apiCases["topk_axis0"] = one(func(a *darray.Array) *darray.Array { return a.TopK(4, 0) })
	apiCases["topk_smallest_axis1"] = one(func(a *darray.Array) *darray.Array { return a.TopK(-3, 1) })
	apiCases["topk_ints"] = one(func(a *darray.Array) *darray.Array { return a.TopK(2, 0) })
	apiCases["argtopk_axis1"] = one(func(a *darray.Array) *darray.Array { return a.ArgTopK(3, 1) })
	apiCases["argtopk_smallest_axis0"] = one(func(a *darray.Array) *darray.Array { return a.ArgTopK(-5, 0) })
	apiCases["histogram_edges"] = one(func(a *darray.Array) *darray.Array {
		return darray.Histogram(a, nil, []float64{-3, -1, -0.5, 0, 0.5, 2, 3}, false)
	})
	apiCases["histogram_range_weights"] = two(func(a, w *darray.Array) *darray.Array {
		h, _ := darray.HistogramBins(a, w, 8, -2, 2, false)
		return h
	})
	apiCases["histogram_density"] = one(func(a *darray.Array) *darray.Array {
		h, _ := darray.HistogramBins(a, nil, 5, -2, 2, true)
		return h
	})
	apiCases["histogram2d"] = two(func(x, y *darray.Array) *darray.Array {
		return darray.Histogram2D(x, y, nil, []float64{-2, -1, 0, 1, 2}, []float64{-1, 0, 1}, false).AsType(nd.Float64)
	})
	apiCases["bincount"] = one(func(a *darray.Array) *darray.Array { return darray.Bincount(a, nil, 12) })
	apiCases["bincount_weights"] = two(func(a, w *darray.Array) *darray.Array { return darray.Bincount(a, w, 6) })
	apiCases["digitize_inc"] = one(func(a *darray.Array) *darray.Array { return darray.Digitize(a, []float64{-1, 0, 0.5, 1}, false) })
	apiCases["digitize_right"] = one(func(a *darray.Array) *darray.Array { return darray.Digitize(a, []float64{-1, 0, 0.5, 1}, true) })
	apiCases["digitize_dec"] = one(func(a *darray.Array) *darray.Array { return darray.Digitize(a, []float64{1, 0.5, 0, -1}, false) })
	apiCases["searchsorted_left"] = two(func(s, v *darray.Array) *darray.Array { return darray.SearchSorted(s, v, false) })
	apiCases["searchsorted_right"] = two(func(s, v *darray.Array) *darray.Array { return darray.SearchSorted(s, v, true) })
	apiCases["sum_axis_empty"] = one(func(a *darray.Array) *darray.Array { return a.Sum(darray.Axis()) })
	apiCases["var_axis_empty"] = one(func(a *darray.Array) *darray.Array { return a.Var(darray.Axis(), darray.DDof(0)) })
	apiCases["mean_axis_empty"] = one(func(a *darray.Array) *darray.Array { return a.Mean(darray.Axis()) })
	apiCases["diagonal_3d"] = one(func(a *darray.Array) *darray.Array { return a.DiagonalAxes(1, 2, 0) })
	apiCases["diagonal_4d_default"] = one(func(a *darray.Array) *darray.Array { return a.Diagonal(-1) })
	apiCases["take_array_axis1"] = two(func(a, i *darray.Array) *darray.Array { return a.TakeArray(i, 1) })
	apiCases["take_array_bool"] = two(func(a, i *darray.Array) *darray.Array { return a.TakeArray(i, 0) })
	apiCases["take_array_repeats"] = two(func(a, i *darray.Array) *darray.Array { return a.TakeArray(i, 0) })
	apiCases["vindex_2"] = func(in []*darray.Array) *darray.Array { return in[0].VIndex(in[1], in[2]) }
	apiCases["select_mask"] = two(func(a, m *darray.Array) *darray.Array { return a.SelectMask(m) })
	apiCases["select_mask_then_sum"] = two(func(a, m *darray.Array) *darray.Array {
		known, err := a.SelectMask(m).ComputeChunkSizes(context.Background())
		if err != nil {
			panic(err)
		}
		return known.Sum()
	})
	apiCases["flatnonzero"] = one(func(a *darray.Array) *darray.Array { return a.FlatNonzero() })
	// Selections used without ComputeChunkSizes (selection.go).
	sel := func(f func(s *darray.Array) *darray.Array) func([]*darray.Array) *darray.Array {
		return two(func(a, m *darray.Array) *darray.Array { return f(a.SelectMask(m)) })
	}
	for name, f := range map[string]func(s *darray.Array) *darray.Array{
		"selection_sum":               func(s *darray.Array) *darray.Array { return s.Sum() },
		"selection_sum_int8":          func(s *darray.Array) *darray.Array { return s.Sum() },
		"selection_prod":              func(s *darray.Array) *darray.Array { return s.Prod() },
		"selection_mean":              func(s *darray.Array) *darray.Array { return s.Mean() },
		"selection_mean_int_keepdims": func(s *darray.Array) *darray.Array { return s.Mean(darray.KeepDims()) },
		"selection_var_ddof1":         func(s *darray.Array) *darray.Array { return s.Var(darray.DDof(1)) },
		"selection_std":               func(s *darray.Array) *darray.Array { return s.Std() },
		"selection_var_nan":           func(s *darray.Array) *darray.Array { return s.Var() },
		"selection_nanvar":            func(s *darray.Array) *darray.Array { return s.Reduce(nd.NanVar) },
		"selection_nanmean":           func(s *darray.Array) *darray.Array { return s.NanMean() },
		"selection_min":               func(s *darray.Array) *darray.Array { return s.Min() },
		"selection_max_nan":           func(s *darray.Array) *darray.Array { return s.Max() },
		"selection_nanmax":            func(s *darray.Array) *darray.Array { return s.NanMax() },
		"selection_min_int64_extreme": func(s *darray.Array) *darray.Array { return s.Min() },
		"selection_max_uint8":         func(s *darray.Array) *darray.Array { return s.Max() },
		"selection_count_nonzero":     func(s *darray.Array) *darray.Array { return s.Reduce(nd.CountNonzero) },
		"selection_any":               func(s *darray.Array) *darray.Array { return s.Any() },
		"selection_all":               func(s *darray.Array) *darray.Array { return s.All() },
		"selection_arith":             func(s *darray.Array) *darray.Array { return s.Mul(2).Add(1) },
		"selection_astype":            func(s *darray.Array) *darray.Array { return s.AsType(nd.Int32) },
		"selection_cumsum":            func(s *darray.Array) *darray.Array { return s.CumSum(0) },
		"selection_cumprod":           func(s *darray.Array) *darray.Array { return s.CumProd(-1) },
		"selection_again":             func(s *darray.Array) *darray.Array { return s.SelectMask(s.Greater(0)) },
		"selection_axis_empty":        func(s *darray.Array) *darray.Array { return s.Sum(darray.Axis()) },
		"selection_argmin_ties":       func(s *darray.Array) *darray.Array { return s.ArgMin() },
		"selection_argmax":            func(s *darray.Array) *darray.Array { return s.ArgMax() },
		"selection_argmax_nan":        func(s *darray.Array) *darray.Array { return s.ArgMax() },
		"selection_nanargmin":         func(s *darray.Array) *darray.Array { return s.Reduce(nd.NanArgMin) },
		"selection_argmax_keepdims":   func(s *darray.Array) *darray.Array { return s.ArgMax(darray.KeepDims()) },
	} {
		apiCases[name] = sel(f)
	}
	apiCases["selection_pair"] = func(in []*darray.Array) *darray.Array {
		a, b := in[0].SelectMask(in[2]), in[1].SelectMask(in[2])
		return darray.Binary(nd.Maximum, a, b).Sub(a)
	}
	apiCases["flatnonzero_sum"] = one(func(a *darray.Array) *darray.Array { return a.FlatNonzero().Sum() })
	unique := func(part int) func([]*darray.Array) *darray.Array {
		return one(func(a *darray.Array) *darray.Array {
			v, c, err := darray.Unique(context.Background(), a)
			if err != nil {
				panic(err)
			}
			return darray.FromArray([]*nd.Array{v, c}[part], darray.ChunkSize(-1))
		})
	}
	apiCases["unique_values"], apiCases["unique_counts"] = unique(0), unique(1)
	apiCases["unique_nan_values"], apiCases["unique_nan_counts"] = unique(0), unique(1)
	inMemory := func(a *darray.Array) *nd.Array {
		v, err := a.Compute(context.Background())
		if err != nil {
			panic(err)
		}
		return v
	}
	apiCases["index_bool_2d"] = two(func(a, m *darray.Array) *darray.Array { return a.IndexWith(nd.Take(inMemory(m))) })
	apiCases["index_bool_2d_after_slice"] = two(func(a, m *darray.Array) *darray.Array {
		return a.IndexWith(nd.Slice(1, nd.Omit, 1), nd.Take(inMemory(m)))
	})
	apiCases["index_int_2d"] = two(func(a, i *darray.Array) *darray.Array { return a.IndexWith(nd.Whole(), nd.Take(inMemory(i))) })
	apiCases["blockwise_matmul"] = func(in []*darray.Array) *darray.Array {
		return darray.Blockwise("test-matmul", "ij,jk->ik", in)
	}
	apiCases["blockwise_rowsum"] = func(in []*darray.Array) *darray.Array {
		return darray.Blockwise("test-rowsum", "ij->i", in)
	}
}

func TestMapBlocksParamsAndInfo(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	a, b := randomData(rng, 11, 7), randomData(rng, 11, 7)
	want := must(nd.Binary(nd.Add, must(nd.Binary(nd.Multiply, a, must(nd.FromSlice([]float64{2.5})))), b))
	rows := must(nd.FromSlice(make([]float64, 11*7), 11, 7))
	v := nd.Values[float64](rows)
	for i := range v {
		v[i] = float64(i / 7)
	}
	want = must(nd.Binary(nd.Add, want, must(nd.FromSlice(v, 11, 7))))
	for range 4 {
		x := darray.FromArray(a, randomChunks(rng, a.Shape()))
		y := darray.FromArray(b, randomChunks(rng, b.Shape()))
		got := compute(t, darray.MapBlocks("test-scale-add", []*darray.Array{x, y}, darray.Params(map[string]any{"scale": 2.5})))
		ndtest.Close(t, "map_blocks", got, want, 1e-15)
	}
}

func TestMapErrors(t *testing.T) {
	a := darray.Zeros([]int{6, 4}, nd.Float64, darray.ChunkSize(2))
	b := darray.Zeros([]int{4, 5}, nd.Float64, darray.ChunkSize(2))
	cases := []struct {
		got  *darray.Array
		want string
	}{
		{darray.MapBlocks("nobody-registered-this", []*darray.Array{a}), `"nobody-registered-this" is not registered`},
		{darray.MapBlocks("test-rowsum", []*darray.Array{a, b}), "map_blocks needs one shape"},
		{darray.Blockwise("test-matmul", "ij,jk->ik", []*darray.Array{a, a}), `index "j" has length 4 in one input and 6 in input 1`},
		{darray.Blockwise("test-matmul", "ij->iz", []*darray.Array{a}), `which no input has`},
		{darray.Blockwise("test-matmul", "ijk->i", []*darray.Array{a}), "has 2 dimensions but index"},
		{darray.MapOverlap("test-mean3x3", a, []int{3}, darray.BoundaryReflect), "fewer than the depth 3"},
		{darray.MapOverlap("test-mean3x3", a, []int{1}, darray.Boundary{Mode: "mirror"}), `unknown boundary "mirror"`},
	}
	for _, c := range cases {
		err := c.got.Err()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want an error containing %q", err, c.want)
		}
	}
	// A function returning the wrong shape fails its task with a message naming the block.
	bad := darray.MapBlocks("test-rowsum", []*darray.Array{a})
	if _, err := bad.Compute(context.Background()); err == nil || !strings.Contains(err.Error(), `block function "test-rowsum" returned shape (2,) for block [`) || !strings.Contains(err.Error(), "which should be (2, 2)") {
		t.Errorf("got %v, want a shape error naming the block", err)
	}
}

// TestMapOverlapNoneTrimsOneSidedHalos: with boundary "none" edge blocks get halos only
// inward, and trimming must take exactly those off.
func TestMapOverlapNoneTrimsOneSidedHalos(t *testing.T) {
	if err := darray.RegisterBlockFunc("test-double", func(_ any, blocks []*nd.Array, _ darray.BlockInfo) (*nd.Array, error) {
		return nd.Binary(nd.Multiply, blocks[0], must(nd.FromSlice([]float64{2})))
	}); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	a := randomData(rng, 17, 9)
	want := must(nd.Binary(nd.Multiply, a, must(nd.FromSlice([]float64{2}))))
	for _, depth := range [][]int{{1, 2}, {2, 0}} {
		x := darray.FromArray(a, darray.ChunkSizes([]int{5, 4, 8}, []int{3, 6}))
		got := compute(t, darray.MapOverlap("test-double", x, depth, darray.BoundaryNone))
		ndtest.Close(t, "map_overlap none", got, want, 0)
	}
}

// TestReshapeRechunksOnlyWhenNeeded: merging axes whose later ones are whole already, or
// splitting an axis whose chunks fill whole output rows, reshapes block by block.
func TestReshapeRechunksOnlyWhenNeeded(t *testing.T) {
	x := darray.Zeros([]int{100, 10}, nd.Float64, darray.ChunkSize(20, 10))
	for _, r := range []*darray.Array{x.Reshape(1000), x.Reshape(50, 2, 10), x.Reshape(25, 40), x.Reshape(10, 100)} {
		if in := r.Layer().Inputs[0]; in != x.Layer() {
			t.Errorf("reshape to %v re-cut its input (to %v)", r.Shape(), in.Chunks)
		}
	}
	y := darray.Zeros([]int{100, 10}, nd.Float64, darray.ChunkSize(15, 10))
	if in := y.Reshape(10, 100).Layer().Inputs[0]; in == y.Layer() || in.Chunks[0][0]%10 != 0 {
		t.Errorf("reshape to (10, 100) needs rows in tens, got input chunks %v", in.Chunks)
	}
}

// factorTolerance is the absolute tolerance for the decomposition cases.
func factorTolerance(name string, dt nd.DType) (float64, bool) {
	for _, prefix := range []string{"fft", "ifft", "rfft", "irfft", "qr_", "svd_", "cholesky", "solve", "inv", "lstsq", "norm_matrix_2", "norm_matrix_nuc"} {
		if strings.HasPrefix(name, prefix) {
			if dt == nd.Float32 || dt == nd.Complex64 {
				return 1e-4, true
			}
			return 1e-9, true
		}
	}
	return 0, false
}
