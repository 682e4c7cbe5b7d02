#!/usr/bin/python3
"""HDF5 side of bench/hdf5.sh: make the file (h5py), and time dask and a plain h5py loop.

  hdf5_bench.py make FILE N      write N float64 (chunks of 1e6) to FILE:/x
  hdf5_bench.py make-contiguous FILE N   the same, h5py's default contiguous layout, and FILE.npy
  hdf5_bench.py whole FILE       h5py reads the whole dataset, NumPy takes its mean
  hdf5_bench.py npy FILE.npy     np.load(mmap_mode="r").mean()
  hdf5_bench.py dask FILE        dask.array.from_array(h5py dataset).mean(), threaded
  hdf5_bench.py loop FILE        a hand-written loop over the chunks with h5py
  hdf5_bench.py read FILE        just read the file's bytes (the floor)"""
import sys
import time

import h5py
import numpy as np

cmd, path = sys.argv[1], sys.argv[2]
if cmd == "make":
    n = int(sys.argv[3])
    chunk = 1_000_000
    rng = np.random.default_rng(1)
    with h5py.File(path, "w") as f:
        d = f.create_dataset("x", shape=(n,), dtype="f8", chunks=(chunk,))
        for lo in range(0, n, 50 * chunk):
            hi = min(n, lo + 50 * chunk)
            d[lo:hi] = rng.random(hi - lo)
    sys.exit(0)
if cmd == "make-contiguous":
    n = int(sys.argv[3])
    a = np.random.default_rng(1).random(n)
    with h5py.File(path, "w") as f:
        f["x"] = a
    np.save(path + ".npy", a)
    sys.exit(0)
t = time.perf_counter()
if cmd == "dask":
    import dask.array as da
    f = h5py.File(path, "r")
    m = da.from_array(f["x"], chunks=f["x"].chunks or "auto").mean().compute(scheduler="threads")
elif cmd == "loop":
    with h5py.File(path, "r") as f:
        d, total, chunk = f["x"], 0.0, (f["x"].chunks or (1_000_000,))[0]
        for lo in range(0, d.shape[0], chunk):
            total += d[lo:lo + chunk].sum()
        m = total / d.shape[0]
elif cmd == "whole":
    with h5py.File(path, "r") as f:
        m = f["x"][()].mean()
elif cmd == "npy":
    m = np.load(path, mmap_mode="r").mean()
elif cmd == "read":
    with open(path, "rb") as f:
        while f.read(64 << 20):
            pass
    m = float("nan")
print("%s seconds=%.3f mean=%.12f" % (cmd, time.perf_counter() - t, m))
