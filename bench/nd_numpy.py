#!/usr/bin/python3
"""NumPy timings for the nd benchmark set (bench/nd.sh runs this beside the Go benchmarks).

Each line: name, best-of-N seconds per operation, on 1e7 float64 values (one core: NumPy
runs these single-threaded)."""
import timeit

import numpy as np

rng = np.random.default_rng(1)
n = 10_000_000
a, b, c = rng.random(n), rng.random(n), rng.random(n)
m = a.reshape(2500, 4000)
cases = {
    "Add1e7": lambda: a + b,
    "MulAdd1e7": lambda: a * b + c,
    "MulAddFused1e7": lambda: a * b + c,  # NumPy has no fusion; it elides the temporary
    "Sum1e7": lambda: a.sum(),
    "Mean1e7": lambda: a.mean(),
    "Var1e7": lambda: a.var(),
    "TransposeCopy1e7": lambda: np.ascontiguousarray(m.T),
}
for name, f in cases.items():
    t = min(timeit.repeat(f, number=1, repeat=15))
    print("%s %.6f" % (name, t))
