#!/usr/bin/python3
"""Generate NumPy golden results for package nd.

Run from the repository root with Debian's python3-numpy:

    /usr/bin/python3 tools/golden/nd_golden.py

It writes nd/testdata/golden/cases.json (the cases) and nd/testdata/golden/arrays.bin (every
input and expected output, as .npy streams in one bundle: for each array a little-endian
uint32 name length, the name, a uint64 byte length and the .npy bytes). The Go tests read
both, so `go test` needs no Python. NumPy results of dtype float16 (which darray does not
have; it computes in float32 instead) are stored as float32 and flagged "half".
"""
import io
import json
import os
import struct
import sys

import warnings

import numpy as np

warnings.simplefilter("ignore")

OUT = os.path.join("nd", "testdata", "golden")
DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float32", "float64", "complex64", "complex128"]

arrays = {}
cases = []


def put(name, a):
    a = np.asarray(a)
    half = a.dtype == np.float16
    if half:
        a = a.astype(np.float32)
    if name in arrays:
        raise SystemExit("duplicate array " + name)
    arrays[name] = a
    return half


def values(dtype, shape, rng, lo=-50, hi=50, special=True):
    """Deterministic test values of a dtype: small integers, with NaN/inf for floats."""
    dt = np.dtype(dtype)
    n = int(np.prod(shape))
    if dt == np.bool_:
        return (rng.integers(0, 2, n) == 1).reshape(shape)
    if dt.kind == "u":
        return rng.integers(max(lo, 0), hi, n).astype(dt).reshape(shape)
    if dt.kind == "i":
        return rng.integers(lo, hi, n).astype(dt).reshape(shape)
    v = rng.integers(lo * 4, hi * 4, n) / 4.0
    if dt.kind == "c":
        v = v + 1j * (rng.integers(lo * 4, hi * 4, n) / 4.0)
    v = v.astype(dt)
    if special and n >= 8:
        v[1] = np.nan
        v[5] = np.inf
        v[6] = -np.inf
    return v.reshape(shape)


def run(fn):
    with np.errstate(all="ignore"):
        try:
            return fn(), None
        except (TypeError, ValueError, IndexError, np.AxisError) as e:
            return None, type(e).__name__


def promotion():
    table = {}
    for a in DTYPES:
        for b in DTYPES:
            table[a + "," + b] = str(np.result_type(np.dtype(a), np.dtype(b)))
    return table


def astype_cases(rng):
    for src in DTYPES:
        x = values(src, (3, 5), rng, lo=0, hi=100, special=False)
        name = "astype/" + src
        put(name + "/in", x)
        for dst in DTYPES:
            out, err = run(lambda: x.astype(dst))
            case = {"kind": "astype", "in": [name + "/in"], "dtype": dst}
            if err:
                case["error"] = err
            else:
                case["half"] = put(name + "/" + dst, out)
                case["out"] = name + "/" + dst
            cases.append(case)


BINARY = ["add", "subtract", "multiply", "divide", "floor_divide", "mod", "power", "maximum",
          "minimum", "fmax", "fmin", "arctan2", "hypot", "bitwise_and", "bitwise_or",
          "bitwise_xor", "left_shift", "right_shift", "logical_and", "logical_or", "logical_xor",
          "equal", "not_equal", "less", "less_equal", "greater", "greater_equal"]
PAIRS = [(d, d) for d in DTYPES] + [("int8", "uint8"), ("int32", "float32"), ("int64", "uint64"),
                                    ("float32", "complex128"), ("bool", "int16"), ("uint32", "int8"),
                                    ("int16", "float64"), ("uint8", "float32")]


def binary_cases(rng):
    for a_t, b_t in PAIRS:
        for op in BINARY:
            lo, hi, blo, bhi = -50, 50, -9, 9
            if op == "power":
                lo, hi, blo, bhi = -3, 4, 0, 5
            if op in ("left_shift", "right_shift"):
                blo, bhi = 0, 12
            # darray's complex power and math follow Go's math/cmplx at NaN and infinity,
            # not C99 Annex G, so complex operands stay finite there.
            complex_pow = op == "power" and "complex" in a_t + b_t
            x = values(a_t, (3, 4), rng, lo, hi, special=not complex_pow)
            y = values(b_t, (4,), rng, blo, bhi, special=False)
            if np.dtype(b_t).kind in "iuf":
                y[0] = 0  # division by zero must follow NumPy's rules
            name = "binary/%s/%s,%s" % (op, a_t, b_t)
            out, err = run(lambda: getattr(np, op)(x, y))
            put(name + "/a", x)
            put(name + "/b", y)
            case = {"kind": "binary", "op": op, "in": [name + "/a", name + "/b"]}
            if err:
                case["error"] = err
            else:
                case["half"] = put(name + "/out", out)
                case["out"] = name + "/out"
            cases.append(case)


UNARY = ["negative", "positive", "absolute", "sign", "square", "sqrt", "exp", "expm1", "log",
         "log1p", "log2", "log10", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh",
         "cosh", "tanh", "floor", "ceil", "trunc", "rint", "isnan", "isinf", "isfinite",
         "logical_not", "invert", "conjugate", "real", "imag"]


def unary_cases(rng):
    for t in DTYPES:
        x = values(t, (2, 3, 4), rng, -6, 6, special=np.dtype(t).kind != "c")
        if np.dtype(t).kind in "fc":
            x.flat[2] = 0.5  # rounding half to even
            x.flat[3] = -2.5
            x.flat[4] = 0.25
        name = "unary/" + t
        put(name + "/in", x)
        for op in UNARY:
            if op == "sign" and np.dtype(t).kind == "c":
                continue  # NumPy 2 changed complex sign to z/|z|; darray follows NumPy 2
            out, err = run(lambda: getattr(np, op)(x))
            if op == "positive" and t == "bool":
                continue  # deprecated in NumPy 1.24, an error in NumPy 2
            case = {"kind": "unary", "op": op, "in": [name + "/in"]}
            if err:
                case["error"] = err
            else:
                case["half"] = put(name + "/" + op, out)
                case["out"] = name + "/" + op
            cases.append(case)


REDUCE = ["sum", "prod", "mean", "var", "std", "min", "max", "argmin", "argmax", "any", "all",
          "count_nonzero", "nansum", "nanprod", "nanmean", "nanvar", "nanstd", "nanmin", "nanmax",
          "nanargmin", "nanargmax"]
AXES = [None, 0, 1, -1, [0, 2], []]


def reduce_call(op, x, axis, keepdims, ddof):
    f = getattr(np, op)
    ax = tuple(axis) if isinstance(axis, list) else axis
    if op in ("argmin", "argmax", "nanargmin", "nanargmax"):
        if isinstance(axis, list):
            raise ValueError("arg reductions take one axis")
        return f(x, axis=ax, keepdims=keepdims)
    if op == "count_nonzero":
        return f(x, axis=ax, keepdims=keepdims)
    if op in ("var", "std", "nanvar", "nanstd"):
        return f(x, axis=ax, keepdims=keepdims, ddof=ddof)
    return f(x, axis=ax, keepdims=keepdims)


def reduce_cases(rng):
    for t in ["bool", "int8", "int32", "uint16", "uint64", "float32", "float64", "complex128"]:
        x = values(t, (3, 4, 5), rng, -20, 20, special=False)
        if np.dtype(t).kind in "fc":
            x[1, 2, :] = np.nan   # an all-NaN run along the last axis
            x[0, 1, 3] = np.nan
            x[2, 0, 0] = np.inf
        name = "reduce/" + t
        put(name + "/in", x)
        for op in REDUCE:
            for axis in AXES:
                for keepdims in (False, True):
                    ddof = 1 if op in ("var", "std", "nanvar", "nanstd") and keepdims else 0
                    out, err = run(lambda: reduce_call(op, x, axis, keepdims, ddof))
                    key = "%s/%s/%s/%s" % (name, op, axis, keepdims)
                    case = {"kind": "reduce", "op": op, "in": [name + "/in"], "axis": axis,
                            "keepdims": keepdims, "ddof": ddof}
                    if err:
                        case["error"] = err
                    else:
                        case["half"] = put(key, out)
                        case["out"] = key
                    cases.append(case)


def cumulative_cases(rng):
    for t in ["bool", "int8", "uint32", "float32", "float64", "complex64"]:
        x = values(t, (3, 4, 5), rng, -3, 4, special=False)
        if np.dtype(t).kind in "fc":
            x[1, 1, 1] = np.nan
        name = "cumulative/" + t
        put(name + "/in", x)
        for op in ["cumsum", "cumprod", "nancumsum", "nancumprod"]:
            for axis in [0, 1, 2, -1]:
                out, err = run(lambda: getattr(np, op)(x, axis=axis))
                key = "%s/%s/%d" % (name, op, axis)
                case = {"kind": "cumulative", "op": op, "in": [name + "/in"], "axis": axis}
                if err:
                    case["error"] = err
                else:
                    case["half"] = put(key, out)
                    case["out"] = key
                cases.append(case)


INDEXES = ["1", "-1", "::2", "1:3, ::-1", "..., 0", "None, 1:, ..., ::-2", "2:0:-1, None",
           "::-1, ::-1, 1", ":, :, :, :", "-3:-1, ..., None", "5:1", "0:0", "..., None, -1",
           ":, 1:100, ::3", "-100:100, -1:-5:-2", "None, None", "...", "1, 2, 3, 4",
           "::-3, 2, ..., 1:", "[1, ::2]", "10", "1, 2, 3, 4, 5", "..., ...", "::0", "1:2:3:4",
           "a", "", "0, -6"]


def index_cases(rng):
    x = np.arange(2 * 3 * 4 * 5, dtype=np.float64).reshape(2, 3, 4, 5)
    put("index/in", x)
    for i, s in enumerate(INDEXES):
        expr = s[1:-1] if s.startswith("[") else s

        def f():
            try:
                return eval("x[%s]" % expr, {"x": x})
            except (SyntaxError, NameError):
                raise ValueError("syntax")
        out, err = run(f)
        case = {"kind": "index", "index": s, "in": ["index/in"]}
        if err:
            case["error"] = err
        else:
            put("index/%d" % i, out)
            case["out"] = "index/%d" % i
        cases.append(case)
    takes = [("take0", lambda: x[[0, 1, -1]], [0, 1, -1], "take0_idx", "0"),
             ("take1", lambda: x[:, [1, 1, 0, 2]], [1, 1, 0, 2], "take1_idx", "1"),
             ("take3", lambda: x[..., np.array([[3, 0], [4, -5]])], [[3, 0], [4, -5]], "take3_idx", "3"),
             ("takebad", lambda: x[:, [0, 3]], [0, 3], "takebad_idx", "1")]
    for name, f, idx, iname, pos in takes:
        out, err = run(f)
        put("index/" + iname, np.array(idx, dtype=np.int64))
        case = {"kind": "take", "in": ["index/in", "index/" + iname], "axis": int(pos)}
        if err:
            case["error"] = err
        else:
            put("index/" + name, out)
            case["out"] = "index/" + name
        cases.append(case)
    masks = [("mask_all", (x % 3) == 0, 0), ("mask0", np.array([True, False]), 0),
             ("mask12", (x[0, :, :, 0] > 5), 1), ("mask_bad", np.array([True, False, True]), 0)]
    for name, m, axis in masks:
        put("index/" + name + "_m", m)
        prefix = (slice(None),) * axis
        out, err = run(lambda: x[prefix + (m,)])
        case = {"kind": "mask", "in": ["index/in", "index/" + name + "_m"], "axis": axis}
        if err:
            case["error"] = err
        else:
            put("index/" + name, out)
            case["out"] = "index/" + name
        cases.append(case)


def npy_files():
    """.npy files in every dtype, byte order and memory order, as NumPy writes them."""
    d = os.path.join(OUT, "npy")
    os.makedirs(d, exist_ok=True)
    base = np.arange(24).reshape(2, 3, 4)
    for t in DTYPES:
        dt = np.dtype(t)
        if dt == np.bool_:
            v = base % 3 == 0
        elif dt.kind == "u":
            v = base.astype(dt)
        elif dt.kind == "i":
            v = (base - 5).astype(dt)
        elif dt.kind == "f":
            v = (base * 0.5 - 3).astype(dt)
        else:
            v = (base * 0.5 - 3 + 1j * base).astype(dt)
        for order in "<>":
            for fortran in (False, True):
                w = v.astype(dt.newbyteorder(order) if dt.itemsize > 1 else dt)
                w = np.asfortranarray(w) if fortran else np.ascontiguousarray(w)
                np.save(os.path.join(d, "%s_%s_%s.npy" % (t, "be" if order == ">" else "le", "F" if fortran else "C")), w)
    np.save(os.path.join(d, "scalar.npy"), np.float64(2.5))
    np.save(os.path.join(d, "empty.npy"), np.zeros((0, 3), dtype=np.int32))


def pairwise_reference():
    """np.sum of 1e7 values of a sequence Go reproduces bit for bit: frac(i * 0.6180339887498949)."""
    i = np.arange(10_000_000, dtype=np.float64)
    x = np.fmod(i * 0.6180339887498949, 1.0)
    return {"n": 10_000_000, "sum": float(np.sum(x)).hex(), "mean": float(np.mean(x)).hex(),
            "var": float(np.var(x)).hex()}


def main():
    rng = np.random.default_rng(20261125)
    os.makedirs(OUT, exist_ok=True)
    astype_cases(rng)
    binary_cases(rng)
    unary_cases(rng)
    reduce_cases(rng)
    cumulative_cases(rng)
    index_cases(rng)
    npy_files()
    with open(os.path.join(OUT, "arrays.bin"), "wb") as f:
        for name, a in arrays.items():
            buf = io.BytesIO()
            np.save(buf, a)
            data = buf.getvalue()
            nb = name.encode()
            f.write(struct.pack("<I", len(nb)) + nb + struct.pack("<Q", len(data)) + data)
    meta = {"numpy": np.__version__, "promotion": promotion(), "pairwise": pairwise_reference(),
            "cases": cases}
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(meta, f, indent=0, sort_keys=True)
    print("wrote %d cases, %d arrays" % (len(cases), len(arrays)), file=sys.stderr)


if __name__ == "__main__":
    main()
