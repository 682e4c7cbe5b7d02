#!/usr/bin/python3
"""HDF5 files for darray's tests of editing existing files (issue 18): datasets made to grow
(maxshape with None) in both of h5py's formats, groups holding many links (dense storage in
the latest format), attributes, and datasets darray must refuse to grow, each for a reason.

Run from the repository root: /usr/bin/python3 tools/golden/hdf5_edit_golden.py
(needs python3-numpy and python3-h5py). Writes testdata/hdf5/grow.h5 (libver earliest:
version 1 B-tree chunk indexes, symbol-table groups) and testdata/hdf5/grow_latest.h5
(libver latest: extensible-array and version 2 B-tree indexes, link-info groups with
creation order). The tests read the values with darray's reader (itself checked against
h5py by the interop goldens), append, and, where h5py is installed, have h5py read the
edited files back.
"""
import os

import h5py
import numpy as np

out = os.path.join("testdata", "hdf5")
rng = np.random.default_rng(18)

for name, libver in [("grow.h5", "earliest"), ("grow_latest.h5", "latest")]:
    path = os.path.join(out, name)
    with h5py.File(path, "w", libver=libver, track_order=(libver == "latest")) as f:
        f.attrs["title"] = "darray edit tests"
        f.create_dataset("t", data=rng.normal(size=(7, 5)), maxshape=(None, 5), chunks=(4, 5),
                         compression="gzip", shuffle=True)
        f.create_dataset("f", data=rng.integers(-1000, 1000, size=10, dtype=np.int32),
                         maxshape=(None,), chunks=(3,), fletcher32=True)
        f.create_dataset("both", data=rng.normal(size=(5, 6)).astype(np.float32),
                         maxshape=(None, None), chunks=(2, 4))
        f.create_dataset("empty", shape=(0, 3), dtype=np.int16, maxshape=(None, 3), chunks=(4, 3))
        f.create_dataset("fixed", data=np.arange(16.0).reshape(4, 4), chunks=(2, 2))
        f.create_dataset("contiguous", data=np.arange(6))
        f.create_dataset("lzf", data=np.arange(8.0), maxshape=(None,), chunks=(4,), compression="lzf")
        f.create_dataset("big", data=np.arange(6, dtype=">i4"), maxshape=(None,), chunks=(4,))
        g = f.create_group("many")
        g.attrs["count"] = 12
        for i in range(12):  # more than 8 links: dense (fractal heap) in the latest format
            g.create_dataset(f"d{i:02}", data=np.full((2, 3), i, dtype=np.int64))
        f["many"].create_dataset("series", data=np.arange(4.0), maxshape=(None,), chunks=(2,))
        f["soft"] = h5py.SoftLink("/t")
    print("wrote", path)
