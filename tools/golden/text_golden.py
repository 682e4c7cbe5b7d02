#!/usr/bin/python3
"""NumPy's printed results for `darray eval` over text inputs (cmd/darray's tests).

Run from the repository root: /usr/bin/python3 tools/golden/text_golden.py
Writes testdata/cli/text.h5 (string datasets written by h5py) and text.json: for each
input and expression, str() of the result in NumPy, the strings as NumPy's <U arrays."""
import json
import os

import h5py
import numpy as np

out = os.path.join("testdata", "cli")
rng = np.random.default_rng(5)
words = ["a", "it's", 'say "hi"', "back\\slash", "tab\there", "été", "日本", "", "x" * 30, "mixed '\""]
grid = np.array([words[i] for i in rng.integers(0, len(words), 60)], dtype=object).reshape(5, 12)
many = np.array(["w%d" % i for i in range(1200)], dtype=object).reshape(24, 50)
path = os.path.join(out, "text.h5")
with h5py.File(path, "w") as f:
    f.create_dataset("grid", data=grid, dtype=h5py.string_dtype())
    f.create_dataset("many", data=many, dtype=h5py.string_dtype())
    f.create_dataset("fixed", data=np.array([b"ab", b"cde", b"", b"f"] * 3).reshape(3, 4))
    f.create_dataset("vector", data=np.array(words, dtype=object), dtype=h5py.string_dtype())


def as_unicode(d):
    if d.dtype.kind == "S":
        return d[()].astype("U")
    return np.array(d.asstr()[()].tolist(), dtype="U")


cases = {
    "grid": ["s", "s[1:3, ::2]", "s[0, 3]", "s.shape", "s.T[0]", "s[[0, 2], -1]", "s.ndim", "s.size", "s[..., 1]", "s[None, 0, :3]"],
    "many": ["s", "s[0]", "s[::7, 10:14]"],
    "fixed": ["s", "s.dtype", "s[:, 1]"],
    "vector": ["s", "s[::-1]", "s[2]", "s.dtype", "s[[1, 3, 5]]"],
}
expected = {}
with h5py.File(path, "r") as f:
    for name, exprs in cases.items():
        s = as_unicode(f[name])
        for e in exprs:
            expected[name + " " + e] = str(eval(e, {"s": s, "np": np}))
with open(os.path.join(out, "text.json"), "w") as fp:
    json.dump(expected, fp, indent=1, ensure_ascii=False, sort_keys=True)
