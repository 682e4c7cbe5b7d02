#!/usr/bin/python3
"""Random expressions and NumPy's results for darray eval's differential test (issue 22).

Run from the repository root: /usr/bin/python3 tools/golden/differential_golden.py
Writes testdata/cli/differential/: the inputs (.npy: float64, float32, integers of several
widths, booleans, empty and length-1 axes) and cases.json, one entry per expression with
NumPy's dtype, shape and values (NaN and infinities as strings). cmd/darray's test
evaluates each under random chunkings and compares within the dtype's precision.
Expressions NumPy refuses are left out; the generator is seeded, so the file is stable."""
import json
import os
import random
import warnings

import numpy as np

# NumPy 2's promotion rules (NEP 50: Python scalars are weak, NumPy scalars and 0-d arrays
# are not), which NumPy 1.24 offers as an experiment.
np._set_promotion_state("weak")

warnings.simplefilter("ignore")
warnings.simplefilter("error", DeprecationWarning)  # NumPy 1.24's failed comparisons: left out
out = os.path.join("testdata", "cli", "differential")
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(2212)
inputs = {
    "a": rng.normal(size=(7, 5)),
    "b": rng.normal(size=(7, 5)).astype(np.float32),
    "i": rng.integers(-50, 50, size=(7, 5)).astype(np.int32),
    "j": rng.integers(-9, 9, size=(1, 5)).astype(np.int8),
    "k": rng.integers(1, 6, size=(7, 1)).astype(np.int64),
    "m": rng.integers(0, 2, size=(7, 5)).astype(bool),
    "w": rng.normal(size=(5,)),
    "z": np.zeros((0, 5)),
}
for name, v in inputs.items():
    np.save(os.path.join(out, name + ".npy"), v)

gen = random.Random(2212)
full = ["a", "b", "i", "m"]            # (7, 5)
any2 = ["a", "b", "i", "j", "k", "m", "z"]
numeric = ["a", "b", "i", "j", "k"]


def operand():
    r = gen.random()
    if r < 0.15:
        return gen.choice(["2", "0.5", "-3", "1.5", "True"])
    if r < 0.25:
        return "w"
    return gen.choice(any2 if r < 0.45 else full)


def unary(x):
    f = gen.choice(["abs(%s)", "-%s", "sqrt(abs(%s))", "exp(%s / 10)", "sin(%s)", "floor(%s)",
                    "ceil(%s)", "%s.T", "(%s > 0)", "isnan(%s)", "%s.astype('float32')", "%s.astype('int64')",
                    "square(%s)", "sign(%s)", "%s[::-1]", "%s[1:, ::2]", "%s[..., 1:3]", "%s[[0, 0, -1]]"])
    return f % x


def binary(x, y):
    op = gen.choice(["+", "-", "*", "/", "==", "<", ">=", "!=", "&", "|", "maximum", "minimum", "arctan2", "hypot", "where"])
    if op == "where":
        return "where(%s > 0, %s, %s)" % (x, x, y)
    if op in ("maximum", "minimum", "arctan2", "hypot"):
        return "%s(%s, %s)" % (op, x, y)
    return "(%s %s %s)" % (x, op, y)


def reduction(x):
    try:  # NumPy lets reductions of a 0-d value name axis 0 (a legacy rule): not tested
        with np.errstate(all="ignore"):
            if np.ndim(eval(x, env)) == 0:
                x = "w"
    except Exception:
        pass
    f = gen.choice(["sum", "mean", "max", "min", "std", "var", "prod", "any", "all", "argmax", "argmin",
                    "nansum", "nanmean", "cumsum", "cumprod", "ptp_like"])
    axis = gen.choice(["", "axis=0", "axis=1", "axis=-1", "axis=(0, 1)"])
    keep = gen.random() < 0.3 and f not in ("argmax", "argmin", "cumsum", "cumprod")
    if f == "ptp_like":
        return "(%s.max(%s) - %s.min(%s))" % (x, axis, x, axis)
    if f in ("argmax", "argmin", "cumsum", "cumprod") and axis == "axis=(0, 1)":
        axis = "axis=0"
    if f in ("cumsum", "cumprod") and axis == "":
        axis = "axis=1"
    args = ", ".join(a for a in [axis, "keepdims=True" if keep else ""] if a)
    return "%s(%s%s)" % (f, x, ", " + args if args else "")


def expr(depth=0):
    r = gen.random()
    if depth >= 2 or r < 0.2:
        return operand()
    if r < 0.45:
        return unary(expr(depth + 1))
    if r < 0.75:
        return binary(expr(depth + 1), expr(depth + 1))
    return reduction(expr(depth + 1))


env = dict(inputs)
env.update({name: getattr(np, name) for name in ["abs", "sqrt", "exp", "sin", "floor", "ceil", "isnan", "square", "sign",
                                                  "maximum", "minimum", "arctan2", "hypot", "where", "sum", "mean", "max",
                                                  "min", "std", "var", "prod", "any", "all", "argmax", "argmin", "nansum",
                                                  "nanmean", "cumsum", "cumprod"]})


def encode(v):
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if np.isnan(v):
        return "nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    return float(v) if isinstance(v, (float, np.floating)) else int(v)


cases, seen = [], set()
while len(cases) < 300:
    e = expr()
    if e in seen or e in inputs or not any(c.isalpha() for c in e):
        continue
    seen.add(e)
    try:
        with np.errstate(all="ignore"):
            r = np.asarray(eval(e, env))
    except Exception:
        continue
    if r.dtype.kind not in "biuf" or r.size > 2000 or r.dtype == np.float16:  # no float16 in darray
        continue
    if r.dtype.kind in "iu" and r.size and np.abs(r.astype(float)).max() > 2 ** 52:
        continue  # integer overflow: wraps the same way only by luck
    if r.dtype.kind == "f" and r.size and np.nanmax(np.abs(np.where(np.isinf(r), 0, r))) > 1e30:
        continue
    cases.append({"expr": e, "dtype": str(r.dtype), "shape": list(r.shape),
                  "values": [encode(v) for v in r.ravel().tolist()]})
with open(os.path.join(out, "cases.json"), "w") as fp:
    json.dump(cases, fp, indent=0)
