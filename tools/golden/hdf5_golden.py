#!/usr/bin/python3
"""HDF5 files written by h5py (Debian's python3-h5py, HDF5 1.10) for darray's reader tests.

Run from the repository root: /usr/bin/python3 tools/golden/hdf5_golden.py
Writes testdata/hdf5/golden.h5 and, for each dataset D in it, testdata/hdf5/D.npy (slashes
replaced by "__") with the values h5py reads back."""
import os

import h5py
import numpy as np

out = os.path.join("testdata", "hdf5")
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(9)
path = os.path.join(out, "golden.h5")
with h5py.File(path, "w") as f:
    f.attrs["title"] = "darray golden file"
    f.attrs["version"] = np.int32(3)
    f.attrs["scale"] = np.array([1.5, 2.5])
    f.create_dataset("contiguous_f8", data=rng.normal(size=(13, 17)))
    f.create_dataset("gzip_shuffle_f4", data=rng.normal(size=(9, 10, 11)).astype(np.float32),
                     chunks=(4, 5, 3), compression="gzip", compression_opts=4, shuffle=True)
    f.create_dataset("fletcher_i2", data=rng.integers(-3000, 3000, size=(20, 7)).astype(np.int16),
                     chunks=(6, 7), fletcher32=True)
    f.create_dataset("lzf_u1", data=rng.integers(0, 4, size=(50, 40)).astype(np.uint8), chunks=(16, 16), compression="lzf")
    f.create_dataset("big_endian_i8", data=rng.integers(-10**12, 10**12, size=(5, 6)).astype(">i8"), chunks=(2, 4))
    f.create_dataset("complex128", data=rng.normal(size=(6,)) + 1j * rng.normal(size=(6,)))
    f.create_dataset("bool", data=rng.integers(0, 2, size=(7, 3)).astype(bool))
    f.create_dataset("scalar", data=np.float64(42.5))
    g = f.create_group("group/nested")
    g.attrs["units"] = "m/s"
    d = g.create_dataset("partial", shape=(30, 30), dtype="f8", chunks=(10, 10), fillvalue=-1.0)
    d[3:12, 5:25] = rng.normal(size=(9, 20))  # unwritten chunks keep the fill value
    # Many small chunks: the chunk B-tree needs more than one level.
    f.create_dataset("many_chunks", data=np.arange(300 * 40, dtype=np.int32).reshape(300, 40), chunks=(3, 8), compression="gzip")
    f.create_dataset("empty", shape=(0, 4), dtype="f4")

with h5py.File(path, "r") as f:
    def save(name, obj):
        if isinstance(obj, h5py.Dataset):
            np.save(os.path.join(out, name.replace("/", "__") + ".npy"), obj[()])
    f.visititems(save)
