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
}
expected = {k: str(eval(v, env)) for k, v in exprs.items()}
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
