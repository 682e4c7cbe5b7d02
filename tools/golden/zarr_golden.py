#!/usr/bin/python3
"""Zarr v2 arrays written by zarr-python (Debian's python3-zarr), for store's tests.

Run from the repository root: /usr/bin/python3 tools/golden/zarr_golden.py
Writes testdata/zarr/NAME.zarr (a directory store with one array at "data") and
testdata/zarr/NAME.npy (the values zarr-python reads back, fill values included)."""
import os
import shutil

import numcodecs
import numpy as np
import zarr

out = os.path.join("testdata", "zarr")
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
rng = np.random.default_rng(5)


def case(name, data, chunks, compressor, order="C", fill=0, skip=None, sep="."):
    path = os.path.join(out, name + ".zarr")
    store = zarr.DirectoryStore(path, dimension_separator=sep)
    root = zarr.group(store=store)
    z = root.create_dataset("data", shape=data.shape, chunks=chunks, dtype=data.dtype,
                            compressor=compressor, order=order, fill_value=fill)
    z[...] = data
    if skip is not None:  # remove one chunk: readers must give the fill value there
        key = sep.join(str(i) for i in skip)
        os.remove(os.path.join(path, "data", *key.split("/")))
    np.save(os.path.join(out, name + ".npy"), z[...])


f64 = rng.normal(size=(13, 17))
case("zlib_c", f64, (5, 6), numcodecs.Zlib(level=3))
case("gzip_f", f64, (4, 7), numcodecs.GZip(level=5), order="F")
case("zstd_missing", f64, (5, 5), numcodecs.Zstd(level=1), fill=np.nan, skip=(1, 2))
case("lz4_i4", rng.integers(-1000, 1000, size=(9, 4, 6)).astype(">i4"), (4, 3, 5), numcodecs.LZ4(), fill=-7, skip=(0, 1, 0))
case("raw_bool", rng.integers(0, 2, size=(11,)).astype(bool), (4,), None)
case("zlib_c8_nested", (f64 + 1j * f64[::-1]).astype(np.complex64), (6, 6), numcodecs.Zlib(), sep="/")
case("u2_single_chunk", rng.integers(0, 60000, size=(5, 3)).astype(np.uint16), (5, 3), numcodecs.Zstd())

# Blosc, as zarr-python writes by default, with each inner codec and shuffle.
from numcodecs import Blosc
for cname in ("lz4", "zstd", "zlib", "blosclz"):
    for shuffle in (Blosc.NOSHUFFLE, Blosc.SHUFFLE, Blosc.BITSHUFFLE):
        data = (rng.normal(size=(40, 50)) * 100).astype(np.float32)
        case("blosc_%s_%d" % (cname, shuffle), data, (16, 20), Blosc(cname=cname, clevel=5, shuffle=shuffle))
case("blosc_i2_default", rng.integers(0, 500, size=(300, 301)).astype(np.int16), (128, 256), Blosc())

# A hierarchy with attributes and consolidated metadata.
path = os.path.join(out, "tree.zarr")
root = zarr.open_group(path, mode="w")
root.attrs["title"] = "test tree"
g = root.create_group("sub")
g.create_dataset("a", data=np.arange(10, dtype="<i8"), chunks=(4,))
g["a"].attrs["units"] = "m"
root.create_dataset("b", data=np.ones((3, 4), dtype="<f4"), chunks=(2, 2))
zarr.consolidate_metadata(path)
