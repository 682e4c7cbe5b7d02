#!/usr/bin/python3
"""NumPy's printed results for `darray eval` expressions (cmd/darray's tests).

Run from the repository root: /usr/bin/python3 tools/golden/cli_golden.py
Writes testdata/cli/x.npy, y.npy and expected.json: expression -> str(result) in NumPy."""
import json
import os

import numpy as np

out = os.path.join("testdata", "cli")
os.makedirs(out, exist_ok=True)
x = (np.arange(24).reshape(4, 6) * 0.5 - 3)
y = np.arange(6, dtype=np.int32)
np.save(os.path.join(out, "x.npy"), x)
np.save(os.path.join(out, "y.npy"), y)
env = {"x": x, "y": y, "np": np}
exprs = {
    "x[::2, ::-1]": "x[::2, ::-1]",
    "x.mean(axis=1)": "x.mean(axis=1)",
    "sum(x, axis=(0, 1), keepdims=True)": "np.sum(x, axis=(0, 1), keepdims=True)",
    "where(x > 0, x, 0)": "np.where(x > 0, x, 0)",
    "(x * y).astype(\"int64\")": "(x * y).astype('int64')",
    "x.T[1:3] // 2": "x.T[1:3] // 2",
    "y % 4 == 1": "y % 4 == 1",
    "sqrt(abs(x)).max(axis=0)": "np.sqrt(np.abs(x)).max(axis=0)",
    "x.std(ddof=1)": "x.std(ddof=1)",
    "cumsum(y, axis=0)": "np.cumsum(y, axis=0)",
    "x[..., None, 2]": "x[..., None, 2]",
    "argmax(x, axis=0)": "np.argmax(x, axis=0)",
    "linspace(0, 1, 5)": "np.linspace(0, 1, 5)",
    # products, sorting, statistics, linalg and fft by NumPy's names (session 3)
    "x @ x.T": "x @ x.T",
    "np.dot(y, y)": "np.dot(y, y)",
    "einsum(\"ij,j->i\", x, y)": "np.einsum('ij,j->i', x, y)",
    "tensordot(x, x, axes=[[1], [1]])": "np.tensordot(x, x, axes=[[1], [1]])",
    "np.sort(x[:, ::-1], axis=1)": "np.sort(x[:, ::-1], axis=1)",
    "argsort(-y)": "np.argsort(-y, kind='stable')",
    "median(x, axis=0)": "np.median(x, axis=0)",
    "percentile(x, [25, 50], axis=1)": "np.percentile(x, [25, 50], axis=1)",
    "quantile(y, 0.3)": "np.quantile(y, 0.3)",
    "cov(x)": "np.cov(x)",
    "corrcoef(x[:2] ** 2)": "np.corrcoef(x[:2] ** 2)",
    "diagonal(x, 1)": "np.diagonal(x, 1)",
    "take(x, y[::2], axis=1)": "np.take(x, y[::2], axis=1)",
    "bincount(y % 3, minlength=3)": "np.bincount(y % 3, minlength=3)",
    "digitize(x[0], [-2, 0, 1])": "np.digitize(x[0], [-2, 0, 1])",
    "searchsorted(y, x[1])": "np.searchsorted(y, x[1])",
    "np.linalg.norm(x, ord=\"fro\")": "np.linalg.norm(x, ord='fro')",
    "linalg.norm(x, ord=inf)": "np.linalg.norm(x, ord=np.inf)",
    "np.linalg.solve(x[:, :4] + 10 * eye(4), y[:4])": "np.linalg.solve(x[:, :4] + 10 * np.eye(4), y[:4])",
    "np.fft.rfft(y)": "np.fft.rfft(y)",
    "fft.fftfreq(6, 0.5)": "np.fft.fftfreq(6, 0.5)",
    "fft.fftshift(y)": "np.fft.fftshift(y)",
    "x * 1e-5 + 1000 * (x > 2)": "x * 1e-5 + 1000 * (x > 2)",
    "array([1.5e-05, 1000.0, -2.0])": "np.array([1.5e-05, 1000.0, -2.0])",
    "fft.ifft(y, n=4)": "np.fft.ifft(y, n=4)",
    # selections used directly, medians of all elements, more linalg, complex (session 5)
    "x[x > 0].mean()": "x[x > 0].mean()",
    "x[x > 0].argmin()": "x[x > 0].argmin()",
    "cumsum(x[x < 1], axis=0)": "np.cumsum(x[x < 1], axis=0)",
    "median(x)": "np.median(x)",
    "percentile(x, [10, 90])": "np.percentile(x, [10, 90])",
    "linalg.svd(x)[1][:2]": "np.linalg.svd(x)[1][:2]",
    "abs(linalg.qr(x[:, :2])[1])": "np.abs(np.linalg.qr(x[:, :2])[1])",
    "linalg.lstsq(x[:, :2], y[:4])[0]": "np.linalg.lstsq(x[:, :2], y[:4], rcond=None)[0]",
    "real(x * 1j + 2)[0]": "np.real(x * 1j + 2)[0]",
    "imag(x * 1j + 2)[1]": "np.imag(x * 1j + 2)[1]",
    "linalg.solve(x[:, :4] * 1j + 10 * eye(4), y[:4])": "np.linalg.solve(x[:, :4] * 1j + 10 * np.eye(4), y[:4])",
    # array literals: a bare number is 0-d; integers beyond 2**53 exact (issue 21)
    "array(3.5).shape": "np.array(3.5).shape",
    "array(7) + 1": "np.array(7) + 1",
    "array([2 ** 62 + 1, 3])": "np.array([2 ** 62 + 1, 3])",
    "array([[True, 2], [3, 4]])": "np.array([[True, 2], [3, 4]])",
    # reshape and ravel, as functions and methods
    "x.reshape(3, 8)[1]": "x.reshape(3, 8)[1]",
    "x.reshape((-1, 12)).T[::5]": "x.reshape((-1, 12)).T[::5]",
    "np.reshape(y, newshape=(2, 3))": "np.reshape(y, newshape=(2, 3))",
    "ravel(x[:2, ::2])": "np.ravel(x[:2, ::2])",
    "x.T.ravel()[:7]": "x.T.ravel()[:7]",
    # joining, rearranging and counting (issue 17, part)
    "concatenate([x, x * 2], axis=0)[::3]": "np.concatenate([x, x * 2], axis=0)[::3]",
    "stack([x[0], y], axis=1)": "np.stack([x[0], y], axis=1)",
    "flip(x, 0)[0]": "np.flip(x, 0)[0]",
    "flip(x)[1]": "np.flip(x)[1]",
    "roll(x, 1, axis=1)[0]": "np.roll(x, 1, axis=1)[0]",
    "roll(x, 2)[0]": "np.roll(x, 2)[0]",
    "tile(y, 2)": "np.tile(y, 2)",
    "tile(x[:2, :2], (2, 3))": "np.tile(x[:2, :2], (2, 3))",
    "repeat(x[:2], 2, axis=0)": "np.repeat(x[:2], 2, axis=0)",
    "y.repeat(2)": "y.repeat(2)",
    "pad(x[:2], 1)": "np.pad(x[:2], 1)",
    "pad(y, (1, 2), mode='edge')": "np.pad(y, (1, 2), mode='edge')",
    "pad(x[:2], ((0, 1), (2, 0)), constant_values=9)": "np.pad(x[:2], ((0, 1), (2, 0)), constant_values=9)",
    "tril(x, -1)": "np.tril(x, -1)",
    "triu(x)[1:3]": "np.triu(x)[1:3]",
    "unique(x // 3)": "np.unique(x // 3)",
    "unique(y % 4, return_counts=True)[1]": "np.unique(y % 4, return_counts=True)[1]",
    "topk(x[1], 3)": "np.sort(x[1])[::-1][:3]",
    "histogram(x, bins=3)[0]": "np.histogram(x, bins=3)[0]",
    "histogram(x, bins=3)[1]": "np.histogram(x, bins=3)[1]",
    "histogram(x, bins=[-3, 0, 9])[0]": "np.histogram(x, bins=[-3, 0, 9])[0]",
    "fft.fft(y).real": "np.fft.fft(y).real",
    "fft.fft(y).imag[1:3]": "np.fft.fft(y).imag[1:3]",
    "da.mean(x, axis=0)": "np.mean(x, axis=0)",
    "numpy.sum(y)": "np.sum(y)",
    # more ufuncs (issue 19, part)
    "arcsinh(x[0])": "np.arcsinh(x[0])",
    "arccosh(y + 1)": "np.arccosh(y + 1)",
    "arctanh(x[1] / 10)": "np.arctanh(x[1] / 10)",
    "exp2(y)": "np.exp2(y)",
    "cbrt(x[0])": "np.cbrt(x[0])",
    "radians(y) + degrees(x[0])": "np.radians(y) + np.degrees(x[0])",
    "fmod(x[0], 2)": "np.fmod(x[0], 2)",
    "fmod(y - 3, 2)": "np.fmod(y - 3, 2)",
    "logaddexp(x[0], y)": "np.logaddexp(x[0], y)",
    "logaddexp2(x[1], 3)": "np.logaddexp2(x[1], 3)",
    "copysign(y, -1)": "np.copysign(y, -1)",
    "nextafter(x[0], 10) - x[0]": "np.nextafter(x[0], 10) - x[0]",
    "heaviside(x[0] + 2, 0.5)": "np.heaviside(x[0] + 2, 0.5)",
    "float_power(y, 2)": "np.float_power(y, 2)",
    "isclose(x, x + 1e-9)[0]": "np.isclose(x, x + 1e-9)[0]",
    "isclose(x[0], x[0] * 1.001, rtol=1e-4)": "np.isclose(x[0], x[0] * 1.001, rtol=1e-4)",
    "allclose(x, x * (1 + 1e-7))": "np.allclose(x, x * (1 + 1e-7))",
    "isclose(array([1.0, nan, inf, -inf]), array([1.0, nan, inf, inf]), equal_nan=True)": "np.isclose(np.array([1.0, np.nan, np.inf, -np.inf]), np.array([1.0, np.nan, np.inf, np.inf]), equal_nan=True)",
    "nan_to_num(array([nan, inf, -inf, 1.5]))": "np.nan_to_num(np.array([np.nan, np.inf, -np.inf, 1.5]))",
    "nan_to_num(array([nan, inf]), nan=-1, posinf=9)": "np.nan_to_num(np.array([np.nan, np.inf]), nan=-1, posinf=9)",
    "reciprocal(x[1])": "np.reciprocal(x[1])",
    "signbit(array([-0.0, 0.0, -2.0, 3.0]))": "np.signbit(np.array([-0.0, 0.0, -2.0, 3.0]))",
    "signbit(y - 2)": "np.signbit(y - 2)",
    "angle(array([1 + 1j, -1 + 0j, -1j, 0j, 3 - 4j]))": "np.angle(np.array([1 + 1j, -1 + 0j, -1j, 0j, 3 - 4j]))",
    "angle(array([1 + 1j, -1j]), deg=True)": "np.angle(np.array([1 + 1j, -1j]), deg=True)",
    "array([1e-120, 5.0])": "np.array([1e-120, 5.0])",
    "x.sum(dtype='float32')": "x.sum(dtype='float32')",
    "mean(y, dtype='float32')": "np.mean(y, dtype='float32')",
    "y.prod(dtype='int8', axis=0)": "y.prod(dtype='int8', axis=0)",
    # results past NumPy's print threshold, summarised with ... (only the edges computed)
    "arange(2000).reshape(40, 50) * 0.5": "np.arange(2000).reshape(40, 50) * 0.5",
    "arange(5000)": "np.arange(5000)",
    "ones((3, 400))": "np.ones((3, 400))",
    "linspace(0, 1, 3001)": "np.linspace(0, 1, 3001)",
    "arange(1200) % 7 == 0": "np.arange(1200) % 7 == 0",
    "arange(24000).reshape(20, 30, 40)[::2] - 7": "np.arange(24000).reshape(20, 30, 40)[::2] - 7",
    "x.sum() + arange(1001) * inf": "x.sum() + np.arange(1001) * np.inf",
}
expected = {k: str(eval(v, env)) for k, v in exprs.items()}
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
