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

# The same kinds of data in HDF5 1.10's newest layouts (libver="latest"): version 4 layout
# messages with single-chunk, implicit and fixed-array chunk indexes (paged when large).
path = os.path.join(out, "latest.h5")
with h5py.File(path, "w", libver="latest") as f:
    f.create_dataset("fixed_gzip", data=rng.normal(size=(30, 20)), chunks=(7, 6), compression="gzip")
    f.create_dataset("fixed_paged", data=np.arange(2000 * 3, dtype=np.int32).reshape(2000, 3), chunks=(1, 3))
    f.create_dataset("single", data=np.arange(12.0).reshape(3, 4), chunks=(3, 4))
    f.create_dataset("single_gzip", data=np.arange(12.0).reshape(3, 4), chunks=(3, 4), compression="gzip")
    f.create_dataset("contiguous", data=np.arange(6, dtype=np.int16))
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_chunk((4, 5))
    dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
    space = h5py.h5s.create_simple((10, 10))
    dsid = h5py.h5d.create(f.id, b"implicit", h5py.h5t.NATIVE_DOUBLE, space, dcpl=dcpl)
    f["implicit"][...] = np.arange(100.0).reshape(10, 10)
    # Datasets that can grow. One unlimited axis: an extensible array index, here with
    # super blocks of their own (ea_many), the unlimited axis not first and a maximum
    # shape beyond the shape (ea_2d_gzip), paged data blocks with few pages written
    # (ea_paged) and a dataset grown after writing (ea_grown).
    f.create_dataset("growable", data=np.arange(50), chunks=(8,), maxshape=(None,))
    f.create_dataset("ea_many", data=np.arange(1000, dtype=np.float32), chunks=(2,), maxshape=(None,))
    f.create_dataset("ea_2d_gzip", data=rng.normal(size=(7, 30)), chunks=(3, 4), maxshape=(20, None), compression="gzip")
    d = f.create_dataset("ea_paged", shape=(140000,), dtype="i1", chunks=(1,), maxshape=(None,), fillvalue=-7)
    for i, v in [(0, 1), (5, 2), (70000, 5), (131100, 3), (139999, 4)]:
        d[i] = v
    d = f.create_dataset("ea_grown", data=np.ones((10, 3)), chunks=(4, 3), maxshape=(None, 3))
    d.resize((25, 3))
    d[10:] = rng.normal(size=(15, 3))
    # More than one unlimited axis: a version 2 B-tree index, deep enough for internal nodes.
    f.create_dataset("bt2", data=np.arange(40 * 50, dtype=np.int32).reshape(40, 50), chunks=(3, 2), maxshape=(None, None))
    d = f.create_dataset("bt2_gzip_partial", shape=(30, 30), dtype="f8", chunks=(4, 4), maxshape=(None, 60),
                         compression="gzip", shuffle=True, fillvalue=9.5)
    d[5:17, 2:29] = rng.normal(size=(12, 27))
    # More than 8 links and 8 attributes: kept densely, in fractal heaps named by B-trees;
    # an attribute too big for the heap is a "huge" object stored beside it.
    g = f.create_group("dense")
    for i in range(20):
        g.create_dataset("d%02d" % i, data=np.arange(i + 1, dtype=np.int16))
    for i in range(12):
        g.attrs["a%02d" % i] = np.float64(i) / 4
    g.attrs["big"] = np.arange(1000.0)
with h5py.File(path, "r") as f:
    def save_latest(name, obj):
        if isinstance(obj, h5py.Dataset):
            np.save(os.path.join(out, "latest__" + name.replace("/", "__") + ".npy"), obj[()])
    f.visititems(save_latest)
