#!/usr/bin/python3
"""NumPy goldens for darray's array API beyond element-wise math and reductions.

Run from the repository root: /usr/bin/python3 tools/golden/api_golden.py
For each case NAME writes testdata/golden/api/NAME.in0.npy, NAME.in1.npy, ... (the
inputs) and NAME.want.npy (what NumPy computes). The Go test (api_test.go) applies the
darray operation of the same name to the inputs under several random chunkings."""
import os

import numpy as np

out = os.path.join("testdata", "golden", "api")
os.makedirs(out, exist_ok=True)
for f in os.listdir(out):
    os.remove(os.path.join(out, f))
rng = np.random.default_rng(2026)


def normal(*shape):
    return rng.normal(size=shape)


def case(name, fn, *inputs):
    for i, x in enumerate(inputs):
        np.save(os.path.join(out, "%s.in%d.npy" % (name, i)), x)
    np.save(os.path.join(out, name + ".want.npy"), fn(*inputs))


case("concatenate_axis0", lambda a, b, c: np.concatenate([a, b, c], 0), normal(5, 4), normal(3, 4), normal(0, 4))
case("concatenate_promotes", lambda a, b: np.concatenate([a, b], -1),
     rng.integers(-9, 9, size=(4, 3)).astype(np.int32), normal(4, 5).astype(np.float32))
case("stack_axis1", lambda a, b, c: np.stack([a, b, c], axis=1), normal(4, 5), normal(4, 5), normal(4, 5))
case("hstack_1d", lambda a, b: np.hstack([a, b]), normal(4), normal(6))
case("hstack_2d", lambda a, b: np.hstack([a, b]), normal(3, 2), normal(3, 5))
case("vstack_1d", lambda a, b: np.vstack([a, b]), normal(4), normal(4))
case("block", lambda a, b, c: np.block([[a, b], [c]]), normal(2, 3), normal(2, 2), normal(3, 5))
case("flip_axis0", lambda a: np.flip(a, 0), normal(7, 3, 4))
case("flip_all", lambda a: np.flip(a), normal(7, 3, 4))
case("roll_positive", lambda a: np.roll(a, 3, axis=1), normal(5, 9))
case("roll_negative", lambda a: np.roll(a, -17, axis=0), normal(6, 4))
case("tile", lambda a: np.tile(a, (2, 1, 3)), normal(3, 4))
case("repeat", lambda a: np.repeat(a, 3, axis=1), normal(4, 5))
widths = ((2, 3), (4, 1))
wide = ((7, 5), (0, 9))
for mode in ("constant", "edge", "reflect", "symmetric", "wrap"):
    kw = {"constant_values": 1.5} if mode == "constant" else {}
    case("pad_" + mode, lambda a, m=mode, k=kw: np.pad(a, widths, mode=m, **k), normal(6, 5))
    case("pad_wide_" + mode, lambda a, m=mode, k=kw: np.pad(a, wide, mode=m, **k), normal(3, 4))
case("pad_reflect_one", lambda a: np.pad(a, ((3, 2),), mode="reflect"), normal(1))


def mean3x3(p):
    """The 3x3 mean of every element of p but its border."""
    h, w = p.shape
    return sum(p[i:h - 2 + i, j:w - 2 + j] for i in range(3) for j in range(3)) / 9


for mode, pad in (("reflect", "symmetric"), ("periodic", "wrap"), ("nearest", "edge"), ("constant", "constant")):
    case("map_overlap_mean_" + mode, lambda a, p=pad: mean3x3(np.pad(a, 1, mode=p)), normal(13, 11))
case("blockwise_matmul", lambda a, b: a @ b, normal(9, 7), normal(7, 5))
case("blockwise_rowsum", lambda a: a.sum(axis=1), normal(8, 6))
case("reshape_split", lambda a: a.reshape(3, 4, 5), normal(12, 5))
case("reshape_merge", lambda a: a.reshape(6, 20), normal(6, 4, 5))
case("reshape_mixed", lambda a: a.reshape(4, 6), normal(6, 4))
case("reshape_ones", lambda a: a.reshape(1, 3, 1, 8, 1), normal(3, 2, 4))
case("reshape_infer", lambda a: a.reshape(-1, 10), normal(5, 4, 3))
case("ravel", lambda a: a.ravel(), normal(7, 3, 2))
case("tril", lambda a: np.tril(a, -1), normal(7, 9))
case("triu", lambda a: np.triu(a, 2), normal(2, 7, 5))
case("tri", lambda a: np.tri(6, 8, 1) + 0 * a.sum(), normal(1))
case("diagonal_main", lambda a: np.diagonal(a).copy(), normal(9, 7))
case("diagonal_above", lambda a: np.diagonal(a, 3).copy(), normal(9, 7))
case("diagonal_below", lambda a: np.diagonal(a, -4).copy(), normal(9, 7))
case("diagonal_empty", lambda a: np.diagonal(a, 9).copy(), normal(4, 7))
case("average_weights_1d", lambda a, w: np.average(a, axis=1, weights=w), normal(5, 6), rng.uniform(0.5, 2, 6))
case("average_weights_full", lambda a, w: np.average(a, weights=w), normal(4, 3), rng.uniform(0.5, 2, (4, 3)))
case("average_ints", lambda a, w: np.average(a, axis=0, weights=w),
     rng.integers(-5, 5, size=(6, 2)).astype(np.int32), rng.integers(1, 4, size=6).astype(np.int64))

# Products (linalg.go): einsum and what is built on it.
ints = lambda *s: rng.integers(-9, 9, size=s).astype(np.int64)
case("einsum_matmul", lambda a, b: np.einsum("ij,jk->ik", a, b), normal(9, 7), normal(7, 5))
case("einsum_batch", lambda a, b: np.einsum("bij,bjk->bik", a, b), normal(3, 4, 5), normal(3, 5, 2))
case("einsum_trace", lambda a: np.einsum("ii->", a), normal(6, 6))
case("einsum_diag", lambda a: np.einsum("ii->i", a), normal(6, 6))
case("einsum_implicit", lambda a, b: np.einsum("ij,jk", a, b), normal(4, 3), normal(3, 5))
case("einsum_sum_alone", lambda a, b: np.einsum("ijl,jk->ki", a, b), normal(4, 3, 2), normal(3, 5))
case("einsum_three", lambda a, b, c: np.einsum("ij,jk,k->i", a, b, c), normal(4, 3), normal(3, 5), normal(5))
case("einsum_ints", lambda a, b: np.einsum("ij,jk->ik", a, b), ints(6, 4), ints(4, 3))
case("einsum_float32", lambda a, b: np.einsum("ij,jk->ik", a, b), normal(6, 4).astype(np.float32), normal(4, 3).astype(np.float32))
case("einsum_complex", lambda a, b: np.einsum("ij,jk->ik", a, b), normal(5, 4) + 1j * normal(5, 4), normal(4, 3) - 2j * normal(4, 3))
case("einsum_bool", lambda a, b: np.einsum("ij,jk->ik", a, b), rng.random((5, 4)) < 0.3, rng.random((4, 3)) < 0.3)
case("tensordot_2axes", lambda a, b: np.tensordot(a, b, axes=([1, 0], [0, 2])), normal(4, 3, 5), normal(3, 6, 4))
case("dot_vectors", lambda a, b: np.dot(a, b), normal(11), normal(11))
case("dot_nd", lambda a, b: np.dot(a, b), normal(2, 3, 4), normal(5, 4, 6))
case("matmul_2d", lambda a, b: a @ b, normal(8, 6), normal(6, 7))
case("matmul_vec_left", lambda a, b: a @ b, normal(6), normal(3, 6, 4))
case("matmul_vec_right", lambda a, b: a @ b, normal(3, 5, 6), normal(6))
case("matmul_broadcast", lambda a, b: a @ b, normal(2, 1, 4, 3), normal(5, 3, 2))
case("outer", lambda a, b: np.outer(a, b), normal(3, 2), normal(5))

# Decompositions (decompose.go). Signs of singular vectors and of QR's rows are a free
# choice, so the cases compare what does not depend on them: absolute values, singular
# values, products.
tall, wide = normal(41, 6), normal(5, 23)
case("qr_tall_abs_q", lambda a: np.abs(np.linalg.qr(a)[0]), tall)
case("qr_tall_abs_r", lambda a: np.abs(np.linalg.qr(a)[1]), tall)
case("qr_tall_product", lambda a: a.copy(), tall)
case("qr_wide_abs_q", lambda a: np.abs(np.linalg.qr(a)[0]), wide)
case("qr_wide_abs_r", lambda a: np.abs(np.linalg.qr(a)[1]), wide)
case("qr_float32_abs_r", lambda a: np.abs(np.linalg.qr(a)[1]), tall.astype(np.float32))
case("svd_tall_s", lambda a: np.linalg.svd(a, full_matrices=False)[1], tall)
case("svd_tall_abs_u", lambda a: np.abs(np.linalg.svd(a, full_matrices=False)[0]), tall)
case("svd_tall_abs_vt", lambda a: np.abs(np.linalg.svd(a, full_matrices=False)[2]), tall)
case("svd_wide_s", lambda a: np.linalg.svd(a, full_matrices=False)[1], wide)
case("svd_wide_abs_u", lambda a: np.abs(np.linalg.svd(a, full_matrices=False)[0]), wide)
lowrank = normal(60, 4) @ normal(4, 30)
case("svd_compressed_s", lambda a: np.linalg.svd(a, full_matrices=False)[1][:4], lowrank)
spd = normal(7, 7)
spd = spd @ spd.T + 7 * np.eye(7)
case("cholesky", lambda a: np.linalg.cholesky(a), spd)
case("solve_vector", lambda a, b: np.linalg.solve(a, b), normal(8, 8), normal(8))
case("solve_matrix", lambda a, b: np.linalg.solve(a, b), normal(8, 8), normal(8, 3))
case("solve_triangular_upper", lambda a, b: np.linalg.solve(np.triu(a), b), normal(6, 6) + 6 * np.eye(6), normal(6, 2))
case("inv", lambda a: np.linalg.inv(a), normal(9, 9))
case("lstsq_x", lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0], tall, normal(41, 2))
case("lstsq_residuals", lambda a, b: np.linalg.lstsq(a, b, rcond=None)[1], tall, normal(41))
case("lstsq_s", lambda a, b: np.linalg.lstsq(a, b, rcond=None)[3], tall, normal(41))
case("norm_default", lambda a: np.linalg.norm(a), normal(4, 3, 5))
case("norm_vector_3", lambda a: np.linalg.norm(a, 3), normal(17))
case("norm_vector_0", lambda a: np.linalg.norm(a, 0), np.where(rng.random(17) < 0.4, 0.0, normal(17)))
case("norm_vector_inf", lambda a: np.linalg.norm(a, np.inf, axis=1), normal(6, 5))
case("norm_matrix_1", lambda a: np.linalg.norm(a, 1), normal(6, 5))
case("norm_matrix_neg_inf", lambda a: np.linalg.norm(a, -np.inf), normal(6, 5))
case("norm_matrix_2", lambda a: np.linalg.norm(a, 2), normal(12, 5))
case("norm_matrix_nuc", lambda a: np.linalg.norm(a, "nuc"), normal(5, 12))
case("norm_axes_fro", lambda a: np.linalg.norm(a, axis=(0, 2)), normal(3, 4, 5))
case("norm_ints", lambda a: np.linalg.norm(a), ints(4, 5))

# Fourier transforms (fourier.go).
cplx = lambda *s: normal(*s) + 1j * normal(*s)
case("fft_last", lambda a: np.fft.fft(a), normal(5, 12))
case("fft_axis0_pad", lambda a: np.fft.fft(a, n=11, axis=0), normal(7, 4))
case("fft_cut_ortho", lambda a: np.fft.fft(a, n=5, norm="ortho"), cplx(3, 9))
case("ifft", lambda a: np.fft.ifft(a, axis=1), cplx(4, 10, 3))
case("ifft_forward", lambda a: np.fft.ifft(a, norm="forward"), cplx(13))
case("rfft_odd", lambda a: np.fft.rfft(a), normal(4, 15))
case("rfft_ints", lambda a: np.fft.rfft(a, axis=0), ints(8, 3))
case("irfft_default", lambda a: np.fft.irfft(a), cplx(3, 7))
case("irfft_odd_n", lambda a: np.fft.irfft(a, n=9, axis=0), cplx(5, 2))
case("fft2", lambda a: np.fft.fft2(a), normal(3, 6, 5))
case("ifft2_shape", lambda a: np.fft.ifft2(a, s=(4, 7)), cplx(6, 5))
case("fftn_axes", lambda a: np.fft.fftn(a, axes=(0, 2)), normal(4, 3, 6))
case("rfftn", lambda a: np.fft.rfftn(a), normal(6, 4, 8))
case("irfftn", lambda a: np.fft.irfftn(a, s=(6, 8)), cplx(6, 5))
case("fftfreq_even", lambda a: np.fft.fftfreq(10, 0.1) + 0 * a.sum(), normal(1))
case("fftfreq_odd", lambda a: np.fft.fftfreq(7) + 0 * a.sum(), normal(1))
case("rfftfreq", lambda a: np.fft.rfftfreq(9, 2.0) + 0 * a.sum(), normal(1))
case("fftshift", lambda a: np.fft.fftshift(a), normal(5, 8))
case("ifftshift_axis", lambda a: np.fft.ifftshift(a, axes=1), normal(4, 7))

# Statistics (stats.go).
case("moment_3_axis0", lambda a: ((a - a.mean(axis=0)) ** 3).mean(axis=0), normal(9, 4))
case("moment_2_all_ddof", lambda a: ((a - a.mean()) ** 2).sum() / (a.size - 1), normal(5, 6))
case("moment_1", lambda a: np.zeros(4), normal(6, 4))
case("cov_rows", lambda a: np.cov(a), normal(4, 11))
case("cov_cols_y_bias", lambda a, b: np.cov(a, b, rowvar=False, bias=True), normal(10, 3), normal(10, 2))
case("cov_vector", lambda a: np.cov(a), normal(12))
case("cov_ints_ddof", lambda a: np.cov(a, ddof=0), ints(3, 9))
case("cov_complex", lambda a: np.cov(a), cplx(3, 8))
case("corrcoef", lambda a: np.corrcoef(a), normal(5, 13))
case("corrcoef_xy", lambda a, b: np.corrcoef(a, b), normal(13), normal(13))
case("reduction_sum_of_squares", lambda a: (a * a).sum(axis=1), normal(7, 23))
case("reduction_top2", lambda a: np.sort(a, axis=0)[-2:][::-1], normal(29, 3))

# Sorting, selection, counting (sorting.go).
withnan = normal(6, 7)
withnan[2, 3] = np.nan
withnan[4, 0] = np.nan
case("sort_axis0", lambda a: np.sort(a, axis=0), withnan)
case("sort_ints", lambda a: np.sort(a, axis=-1), ints(5, 9))
case("argsort_stable", lambda a: np.argsort(a, axis=1, kind="stable"), rng.integers(0, 4, size=(6, 10)))
case("argsort_nan", lambda a: np.argsort(a, axis=0, kind="stable"), withnan)
case("quantile_axis1", lambda a: np.quantile(a, [0.0, 0.25, 0.5, 0.9, 1.0], axis=1), normal(5, 11))
case("percentile_flat", lambda a: np.percentile(a, [10, 50, 75.5]), normal(4, 6, 3))
case("percentile_nan", lambda a: np.percentile(a, [30], axis=1), withnan)
case("median_even_axis0", lambda a: np.median(a, axis=0), normal(8, 5))
case("median_odd_flat", lambda a: np.median(a), normal(3, 5))
case("median_ints", lambda a: np.median(a, axis=1), ints(4, 6))
case("topk_axis0", lambda a: np.sort(a, axis=0)[::-1][:4], normal(23, 5))
case("topk_smallest_axis1", lambda a: np.sort(a, axis=1)[:, :3], normal(5, 19))
case("topk_ints", lambda a: np.sort(a, axis=0)[::-1][:2], rng.permutation(60).reshape(20, 3).astype(np.int32))
case("argtopk_axis1", lambda a: np.argsort(a, axis=1)[:, ::-1][:, :3], normal(4, 17))
case("argtopk_smallest_axis0", lambda a: np.argsort(a, axis=0)[:5], normal(21, 3))
case("histogram_edges", lambda a: np.histogram(a, bins=[-3, -1, -0.5, 0, 0.5, 2, 3])[0], normal(7, 9))
case("histogram_range_weights", lambda a, w: np.histogram(a, bins=8, range=(-2, 2), weights=w)[0], normal(40), rng.uniform(0, 1, 40))
case("histogram_density", lambda a: np.histogram(a, bins=5, range=(-2, 2), density=True)[0], normal(6, 5))
case("histogram2d", lambda x, y: np.histogram2d(x, y, bins=[[-2, -1, 0, 1, 2], [-1, 0, 1]])[0], normal(50), normal(50))
case("bincount", lambda a: np.bincount(a, minlength=12), rng.integers(0, 10, size=30))
case("bincount_weights", lambda a, w: np.bincount(a, weights=w, minlength=6), rng.integers(0, 6, size=25), normal(25))
case("digitize_inc", lambda a: np.digitize(a, [-1, 0, 0.5, 1]), np.concatenate([normal(15), [0.0, 0.5, np.nan]]))
case("digitize_right", lambda a: np.digitize(a, [-1, 0, 0.5, 1], right=True), np.concatenate([normal(15), [0.0, 0.5]]))
case("digitize_dec", lambda a: np.digitize(a, [1, 0.5, 0, -1]), np.concatenate([normal(15), [0.0, 0.5]]))
case("searchsorted_left", lambda s, v: np.searchsorted(s, v), np.sort(ints(40)), ints(3, 7))
case("searchsorted_right", lambda s, v: np.searchsorted(s, v, side="right"), np.sort(normal(33)), np.concatenate([normal(9), [np.nan]]))

# Reductions over an empty list of axes (reduce.go): every element on its own.
case("sum_axis_empty", lambda a: np.sum(a, axis=()), rng.integers(-100, 100, size=(3, 4)).astype(np.int8))
case("var_axis_empty", lambda a: np.var(a, axis=()), normal(3, 4))
case("mean_axis_empty", lambda a: np.mean(a, axis=()), ints(2, 5))
case("diagonal_3d", lambda a: np.diagonal(a, 1, 2, 0).copy(), normal(5, 3, 7))
case("diagonal_4d_default", lambda a: np.diagonal(a, -1).copy(), normal(6, 5, 2, 3))

# Gathering with lazy index arrays (gather.go).
case("take_array_axis1", lambda a, i: np.take(a, i, axis=1), normal(4, 9, 3), rng.integers(-9, 9, size=(2, 5)))
case("take_array_bool", lambda a, i: np.take(a, i, axis=0), rng.random(13) < 0.5, rng.integers(0, 13, size=20))
case("take_array_repeats", lambda a, i: np.take(a, i, axis=0), ints(7, 2), np.array([6, 6, 0, -1, 3, 3, 3]))
case("vindex_2", lambda a, i, j: a[i, j], normal(6, 5, 3), rng.integers(-6, 6, size=(4, 3)), rng.integers(0, 5, size=(3,)))

# Selections of unknown length (ragged.go).
case("select_mask", lambda a, m: a[m], normal(7, 6), rng.random((7, 6)) < 0.3)
case("select_mask_then_sum", lambda a, m: a[m].sum(), normal(9, 4), rng.random((9, 4)) < 0.5)
case("flatnonzero", lambda a: np.flatnonzero(a), np.where(rng.random((5, 7)) < 0.4, 0, ints(5, 7)))
case("unique_values", lambda a: np.unique(a), rng.integers(-5, 5, size=(6, 8)))
case("unique_counts", lambda a: np.unique(a, return_counts=True)[1], rng.integers(-5, 5, size=(6, 8)))
nanny = rng.integers(0, 4, size=(5, 5)).astype(float)
nanny[1, 1] = nanny[3, 2] = np.nan
case("unique_nan_values", lambda a: np.unique(a), nanny)
case("unique_nan_counts", lambda a: np.unique(a, return_counts=True)[1], nanny)

# In-memory index arrays of several dimensions (views.go).
case("index_bool_2d", lambda a, m: a[m], normal(5, 6, 3), rng.random((5, 6)) < 0.4)
case("index_bool_2d_after_slice", lambda a, m: a[1:, m], normal(4, 5, 6), rng.random((5, 6)) < 0.4)
case("index_int_2d", lambda a, i: a[:, i], normal(4, 9), rng.integers(-9, 9, size=(2, 3)))
case("moment_0", lambda a: np.ones(6), normal(4, 6))

# Operations on selections of unknown length, without ComputeChunkSizes (selection.go).
def masked(*shape, p=0.5):
    return rng.random(shape) < p


big = rng.integers(2 ** 62, 2 ** 63 - 1, size=(6, 5), dtype=np.int64)
big[2, 3] = np.iinfo(np.int64).max
withnan = normal(8, 5)
withnan[3, 1] = np.nan
nanmask = masked(8, 5)
nanmask[3, 1] = True
case("selection_sum", lambda a, m: a[m].sum(), normal(9, 4), masked(9, 4))
case("selection_sum_int8", lambda a, m: a[m].sum(), rng.integers(-100, 100, size=(7, 3)).astype(np.int8), masked(7, 3))
case("selection_prod", lambda a, m: a[m].prod(), rng.uniform(0.5, 1.5, size=(6, 6)), masked(6, 6))
case("selection_mean", lambda a, m: a[m].mean(), normal(9, 4), masked(9, 4))
case("selection_mean_int_keepdims", lambda a, m: a[m].mean(keepdims=True), ints(7, 5), masked(7, 5))
case("selection_var_ddof1", lambda a, m: a[m].var(ddof=1), normal(10, 3), masked(10, 3))
case("selection_std", lambda a, m: a[m].std(), normal(10, 3).astype(np.float32), masked(10, 3))
case("selection_var_nan", lambda a, m: a[m].var(), withnan, nanmask)
case("selection_nanvar", lambda a, m: np.nanvar(a[m]), withnan, nanmask)
case("selection_nanmean", lambda a, m: np.nanmean(a[m]), withnan, nanmask)
case("selection_min", lambda a, m: a[m].min(), normal(9, 4), masked(9, 4))
case("selection_max_nan", lambda a, m: a[m].max(), withnan, nanmask)
case("selection_nanmax", lambda a, m: np.nanmax(a[m]), withnan, nanmask)
case("selection_min_int64_extreme", lambda a, m: a[m].min(), big, big >= np.iinfo(np.int64).max - 1)
case("selection_max_uint8", lambda a, m: a[m].max(), rng.integers(0, 255, size=(5, 5)).astype(np.uint8), masked(5, 5, p=0.2))
case("selection_count_nonzero", lambda a, m: np.count_nonzero(a[m]), np.where(masked(6, 7), 0, ints(6, 7)), masked(6, 7))
case("selection_any", lambda a, m: a[m].any(), masked(6, 4, p=0.1), masked(6, 4))
case("selection_all", lambda a, m: a[m].all(), masked(6, 4, p=0.9), masked(6, 4))
case("selection_arith", lambda a, m: a[m] * 2 + 1, normal(7, 6), masked(7, 6))
case("selection_pair", lambda a, b, m: np.maximum(a[m], b[m]) - a[m], normal(6, 7), normal(6, 7), masked(6, 7))
case("selection_astype", lambda a, m: a[m].astype(np.int32), normal(5, 8) * 10, masked(5, 8))
case("selection_cumsum", lambda a, m: np.cumsum(a[m]), normal(8, 6), masked(8, 6))
case("selection_cumprod", lambda a, m: np.cumprod(a[m]), rng.uniform(0.5, 1.5, size=(6, 6)), masked(6, 6))
case("selection_again", lambda a, m: a[m][a[m] > 0], normal(9, 5), masked(9, 5))
case("selection_axis_empty", lambda a, m: np.sum(a[m], axis=()), normal(6, 4), masked(6, 4))
case("flatnonzero_sum", lambda a: np.flatnonzero(a).sum(), np.where(masked(7, 6), 0, ints(7, 6)))

# Complex matrices through their real embedding (decompose.go).
def cnormal(*shape):
    return normal(*shape) + 1j * normal(*shape)


ctall = cnormal(23, 4)
case("solve_complex_vector", lambda a, b: np.linalg.solve(a, b), cnormal(7, 7), cnormal(7))
case("solve_complex_a_real_b", lambda a, b: np.linalg.solve(a, b), cnormal(6, 6), normal(6, 2))
case("solve_complex64", lambda a, b: np.linalg.solve(a, b), cnormal(5, 5).astype(np.complex64), cnormal(5, 3).astype(np.complex64))
case("solve_triangular_complex_lower", lambda a, b: np.linalg.solve(np.tril(a), b), cnormal(6, 6) + 6 * np.eye(6), cnormal(6, 2))
case("inv_complex", lambda a: np.linalg.inv(a), cnormal(8, 8))
case("lstsq_complex_x", lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0], ctall, cnormal(23, 2))
case("lstsq_complex_residuals", lambda a, b: np.linalg.lstsq(a, b, rcond=None)[1], ctall, cnormal(23))
case("lstsq_complex_s", lambda a, b: np.linalg.lstsq(a, b, rcond=None)[3], ctall, cnormal(23))
case("norm_matrix_2_complex", lambda a: np.linalg.norm(a, 2), cnormal(9, 5))
case("norm_matrix_nuc_complex", lambda a: np.linalg.norm(a, "nuc"), cnormal(4, 7))
case("real_imag_conj", lambda a: np.real(a) * 2 + np.imag(np.conj(a)), cnormal(5, 6))
ctall_qr = cnormal(40, 5)
cwide_qr = cnormal(4, 9)
case("qr_complex_tall_abs_q", lambda a: np.abs(np.linalg.qr(a)[0]), ctall_qr)
case("qr_complex_tall_abs_r", lambda a: np.abs(np.linalg.qr(a)[1]), ctall_qr)
case("qr_complex_wide_abs_r", lambda a: np.abs(np.linalg.qr(a)[1]), cwide_qr)
case("qr_complex64_abs_r", lambda a: np.abs(np.linalg.qr(a)[1]), ctall_qr.astype(np.complex64))
case("qr_complex_product", lambda a: a.copy(), ctall_qr)
hpd = cnormal(7, 7)
hpd = hpd @ hpd.conj().T + 7 * np.eye(7)
case("cholesky_complex", lambda a: np.linalg.cholesky(a), hpd)
csvd_tall = cnormal(30, 4)
csvd_wide = cnormal(3, 8)
case("svd_complex_tall_s", lambda a: np.linalg.svd(a, full_matrices=False)[1], csvd_tall)
case("svd_complex_tall_abs_u", lambda a: np.abs(np.linalg.svd(a, full_matrices=False)[0]), csvd_tall)
case("svd_complex_tall_abs_vt", lambda a: np.abs(np.linalg.svd(a, full_matrices=False)[2]), csvd_tall)
case("svd_complex_wide_s", lambda a: np.linalg.svd(a, full_matrices=False)[1], csvd_wide)
case("svd_complex_wide_abs_u", lambda a: np.abs(np.linalg.svd(a, full_matrices=False)[0]), csvd_wide)
case("svd_complex64_s", lambda a: np.linalg.svd(a, full_matrices=False)[1], csvd_tall.astype(np.complex64))
case("svd_complex_product", lambda a: a.copy(), csvd_tall)
clowrank = cnormal(30, 4) @ cnormal(4, 20)
case("svd_compressed_complex_s", lambda a: np.linalg.svd(a, full_matrices=False)[1][:4], clowrank)

# Quantiles over all elements of arrays in several blocks: radix selection (quantile.go).
dups = rng.integers(-3, 4, size=(9, 8)).astype(np.float64)
dups[0, 0], dups[1, 1] = -0.0, np.inf
case("quantile_all_radix", lambda a: np.quantile(a, [0.0, 0.1, 0.5, 0.77, 1.0]), normal(13, 9) * 1e3)
case("quantile_all_duplicates", lambda a: np.quantile(a, [0.25, 0.5, 0.999]), dups)
case("median_all_even", lambda a: np.median(a), normal(6, 8))
case("median_all_ints", lambda a: np.median(a), rng.integers(-2 ** 40, 2 ** 40, size=(7, 6)))
case("median_all_float32", lambda a: np.median(a), normal(5, 7).astype(np.float32))
case("median_all_nan", lambda a: np.median(a), withnan)
case("percentile_all_tiny", lambda a: np.percentile(a, [0, 100]), rng.uniform(-1e-300, 1e-300, size=(4, 5)))
ties = rng.integers(0, 3, size=(8, 6)).astype(np.int16)
case("selection_argmin_ties", lambda a, m: np.argmin(a[m]), ties, masked(8, 6))
case("selection_argmax", lambda a, m: np.argmax(a[m]), normal(9, 7), masked(9, 7))
case("selection_argmax_nan", lambda a, m: np.argmax(a[m]), withnan, nanmask)
case("selection_nanargmin", lambda a, m: np.nanargmin(a[m]), withnan, nanmask)
case("selection_argmax_keepdims", lambda a, m: np.argmax(a[m], keepdims=True), normal(5, 5), masked(5, 5))
