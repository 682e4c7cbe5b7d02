#!/usr/bin/python3
"""NumPy goldens for the lazy darray API: the tutorial expression on NumPy's Philox stream.

Run from the repository root: /usr/bin/python3 tools/golden/darray_golden.py
Writes testdata/golden/*.npy, read by darray's tests (no Python needed to run them)."""
import os

import numpy as np

out = os.path.join("testdata", "golden")
os.makedirs(out, exist_ok=True)
for seed, n in ((42, 60), (7, 37)):
    x = np.random.Generator(np.random.Philox(key=seed)).random((n, n))
    y = x + x.T
    z = y[::2, n // 2:].mean(axis=1)
    np.save(os.path.join(out, "tutorial_seed%d_n%d.npy" % (seed, n)), z)
    np.save(os.path.join(out, "random_seed%d_n%d.npy" % (seed, n)), x[:5, :7])
    np.save(os.path.join(out, "stats_seed%d_n%d.npy" % (seed, n)),
            np.array([y.sum(), y.std(ddof=1), float(y.argmax()), y[3:, ::3].var(axis=0).max()]))
