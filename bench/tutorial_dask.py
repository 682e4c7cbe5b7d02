#!/usr/bin/python3
"""dask's time for the tutorial workload (bench/tutorial.sh runs it beside darray's).

Prints the best of N wall times of z.compute() with the threaded scheduler, in seconds."""
import sys
import time

import dask
import dask.array as da

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
chunk = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 5
best = float("inf")
for _ in range(repeat):
    x = da.random.random((n, n), chunks=(chunk, chunk))
    y = x + x.T
    z = y[::2, n // 2:].mean(axis=1)
    t = time.perf_counter()
    z.compute(scheduler="threads")
    best = min(best, time.perf_counter() - t)
print("%.4f" % best)
