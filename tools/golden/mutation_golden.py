#!/usr/bin/python3
"""Damaged copies of valid files, and what the reference readers make of them.

Run from the repository root: /usr/bin/python3 tools/golden/mutation_golden.py
(needs python3-numpy, python3-zarr and python3-h5py). Writes testdata/mutations.json: for
each of a few small .npy, Zarr and HDF5 files, a list of seeded random mutations (bytes
overwritten, the file cut short, or bytes appended) and, per array, what NumPy, zarr-python
or h5py read from the damaged copy: an error, or the dtype, shape and SHA-256 of the
values (C order, little-endian). mutation_test.go applies the same mutations and requires
darray to give an error, the original values, or the reference reader's values: never
other numbers.
"""
import hashlib
import json
import os
import random
import shutil
import tempfile
import warnings

import h5py
import numpy as np
import zarr

warnings.simplefilter("ignore")
MUTATIONS = 120


def digest(a):
    a = np.asarray(a)
    le = a.astype(a.dtype.newbyteorder("<"), copy=False) if a.dtype.byteorder == ">" else a
    return {"dtype": str(le.dtype.name), "shape": list(a.shape),
            "sha256": hashlib.sha256(np.ascontiguousarray(le).tobytes()).hexdigest()}


def read_npy(root, name):
    return np.load(os.path.join(root, name), allow_pickle=False)


def read_zarr(root, name):
    return zarr.open_array(os.path.join(root, name), mode="r")[...]


def read_hdf5(root, name):
    file, dataset = name.split(":")
    with h5py.File(os.path.join(root, file), "r") as f:
        return f[dataset][()]


CASES = [
    # (label, files copied (relative to testdata), file the mutations hit, arrays, reader)
    ("npy", ["cli/x.npy"], ["x.npy"], ["x.npy"], read_npy),
    ("zarr-zlib", ["zarr/zlib_c.zarr"], None, ["zlib_c.zarr/data"], read_zarr),
    ("zarr-blosc", ["zarr/blosc_lz4_1.zarr"], None, ["blosc_lz4_1.zarr/data"], read_zarr),
    ("hdf5", ["hdf5/golden.h5"], ["golden.h5"], None, read_hdf5),
]


def files_under(root, rel):
    path = os.path.join(root, rel)
    if os.path.isfile(path):
        return [rel]
    out = []
    for dirpath, _, names in os.walk(path):
        for n in names:
            out.append(os.path.relpath(os.path.join(dirpath, n), root))
    return sorted(out)


def outcome(read, root, name):
    try:
        return digest(read(root, name))
    except Exception as e:  # any failure of the reference reader
        return {"error": type(e).__name__}


def main():
    result = {}
    for label, copies, targets, arrays, read in CASES:
        rng = random.Random("darray-" + label)
        with tempfile.TemporaryDirectory() as clean:
            for c in copies:
                src = os.path.join("testdata", c)
                dst = os.path.join(clean, os.path.basename(c))
                (shutil.copytree if os.path.isdir(src) else shutil.copy)(src, dst)
            if arrays is None:  # every dataset of the HDF5 file
                arrays = []
                with h5py.File(os.path.join(clean, targets[0]), "r") as f:
                    f.visititems(lambda n, o: arrays.append(targets[0] + ":/" + n) if isinstance(o, h5py.Dataset) else None)
            candidates = targets or [f for c in copies for f in files_under(clean, os.path.basename(c))]
            original = {a: outcome(read, clean, a) for a in arrays}
            cases = []
            for _ in range(MUTATIONS):
                target = rng.choice(candidates)
                size = os.path.getsize(os.path.join(clean, target))
                kind = rng.choice(["bytes", "bytes", "bytes", "cut", "append"])
                m = {"file": target, "kind": kind}
                if kind == "bytes":
                    m["at"] = [rng.randrange(size) for _ in range(rng.choice([1, 1, 2, 4]))]
                    m["values"] = [rng.randrange(256) for _ in m["at"]]
                elif kind == "cut":
                    m["at"] = [rng.randrange(size)]
                else:
                    m["values"] = [rng.randrange(256) for _ in range(rng.randrange(1, 64))]
                work = tempfile.mkdtemp()
                try:
                    for c in copies:
                        src = os.path.join(clean, os.path.basename(c))
                        dst = os.path.join(work, os.path.basename(c))
                        (shutil.copytree if os.path.isdir(src) else shutil.copy)(src, dst)
                    path = os.path.join(work, target)
                    data = bytearray(open(path, "rb").read())
                    if kind == "bytes":
                        for at, v in zip(m["at"], m["values"]):
                            data[at] = v
                    elif kind == "cut":
                        data = data[: m["at"][0]]
                    else:
                        data += bytes(m["values"])
                    open(path, "wb").write(bytes(data))
                    m["reference"] = {a: outcome(read, work, a) for a in arrays}
                finally:
                    shutil.rmtree(work)
                cases.append(m)
            result[label] = {"copies": copies, "arrays": arrays, "original": original, "mutations": cases}
    with open(os.path.join("testdata", "mutations.json"), "w") as f:
        json.dump(result, f, indent=None, sort_keys=True, separators=(",", ":"))


if __name__ == "__main__":
    main()
