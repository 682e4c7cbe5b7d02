#!/usr/bin/python3
"""NumPy's answers for the cases of issue 22 (`darray eval`, cmd/darray's tests).

Run from the repository root: /usr/bin/python3 tools/golden/conformance_golden.py
Writes testdata/cli/conformance/{f.npy, s.npy, b.npy, e.npy, v.npy} and expected.json:
expression -> {"str": str(result), "dtype": ..., "shape": ...}. The test evaluates each
under several chunkings of the inputs."""
import json
import os
import warnings

import numpy as np

warnings.simplefilter("ignore")  # empty means and the like warn in NumPy; the values stand
out = os.path.join("testdata", "cli", "conformance")
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(22)
inputs = {
    "f": rng.normal(size=(5, 4)).astype(np.float32),    # float32
    "s": rng.integers(-20, 20, size=(5, 4)).astype(np.int8),  # small integers
    "b": rng.integers(0, 2, size=(5, 4)).astype(bool),
    "e": np.zeros((0, 3)),                              # empty rows
    "v": np.zeros((0,)),                                # empty vector
}
for k, a in inputs.items():
    np.save(os.path.join(out, k + ".npy"), a)

# Expression in darray's syntax -> the same in NumPy (None: the same text with np. names).
cases = {
    # empty selections
    "f[f > 100]": None,
    "f[[]]": "f[np.array([], dtype=int)]",
    "f[:, [False, False, False, False]]": "f[:, np.array([False] * 4)]",
    "f[f > 100].sum()": None,
    # the parser: as in Python, comparisons bind looser than & | ^ (x & y == 0 is
    # (x & y) == 0); big integer literals stay integers
    "s & s == 0": None,
    "b | s > 3": None,
    "s ^ s < 2": None,
    "s & (s == 0)": None,
    "1 & 2 == 0": None,
    "9223372036854775807 + 0": None,
    "(f > 0.4) & s": None,
    "round(s)": "np.round(s)",
    "round(f, 1)": "np.round(f, 1)",
    "linspace(0, 1, 1)": "np.linspace(0, 1, 1)",
    "linspace(-5, 5, 7, dtype='int32')": "np.linspace(-5, 5, 7, dtype='int32')",
    # keywords honoured
    "quantile(f, 0.3, method='nearest')": "np.quantile(f, 0.3, method='nearest')",
    "quantile(f, 0.5, axis=0, method='lower')": "np.quantile(f, 0.5, axis=0, method='lower')",
    "cumsum(s, axis=0, dtype='float32')": "np.cumsum(s, axis=0, dtype='float32')",
    "median(f, axis=0, keepdims=True)": "np.median(f, axis=0, keepdims=True)",
    "linalg.norm(f, axis=1, keepdims=True)": "np.linalg.norm(f, axis=1, keepdims=True)",
    "linalg.svd(f.astype('float64'), compute_uv=False)": "np.linalg.svd(f.astype('float64'), compute_uv=False)",
    "linalg.qr(f, mode='r')": "np.linalg.qr(f, mode='r')",
    "take(s[0], [1, 9], mode='clip')": "np.take(s[0], [1, 9], mode='clip')",
    "take(s[0], [1, -9], mode='wrap')": "np.take(s[0], [1, -9], mode='wrap')",
    # dtypes
    "percentile(f, [50])": "np.percentile(f, [50])",
    # NumPy 2 transforms single precision to single precision (1.24 here gives complex128)
    "fft.fft(f[0])": "np.fft.fft(f[0]).astype(np.complex64)",
    "fft.irfft(f[0].astype('complex64'))": "np.fft.irfft(f[0].astype(np.complex64)).astype(np.float32)",
    "cov(f)": "np.cov(f)",
    "corrcoef(f)": "np.corrcoef(f)",
    # flattening and axes
    "sort(f, axis=None)": "np.sort(f, axis=None)",
    "argsort(s, axis=None)": "np.argsort(s, axis=None, kind='stable')",
    "swapaxes(f, 1, -1)": "np.swapaxes(f, 1, -1)",
    "cumsum(s)": "np.cumsum(s)",
    # creation functions beside inputs of another rank (with --chunks)
    "f[0] + ones(4)": "f[0] + np.ones(4)",
    "arange(5) * s[:, 0]": "np.arange(5) * s[:, 0]",
    # empty inputs
    "e.T.sum(axis=0)": "e.T.sum(axis=0)",
    "e.T": None,
    "e[:, ::-1].T[1:]": None,
    "e[:, 1]": None,
    "e.sum(axis=0)": None,
    "e.mean(axis=1)": None,
    "cov(e)": "np.cov(e)",
    "cov(v)": "np.cov(v)",
    "median(v)": "np.median(v)",
    "nanvar(f[:1, :1], ddof=2)": "np.nanvar(f[:1, :1], ddof=2)",
    "v.max(initial=3)": None,
}
env = dict(inputs, np=np)
expected = {}
for expr, py in cases.items():
    r = eval(py or expr, env)
    r = np.asarray(r)
    expected[expr] = {"str": str(r), "dtype": str(r.dtype), "shape": list(r.shape)}
with open(os.path.join(out, "expected.json"), "w") as fp:
    json.dump(expected, fp, indent=1, sort_keys=True)
