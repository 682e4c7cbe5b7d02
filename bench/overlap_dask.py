"""dask's side of bench/overlap.sh: a 3x3 mean filter by map_overlap (reflecting
boundary) over an n x n random array, then the mean; threaded scheduler."""
import resource
import sys
import time

import dask.array as da
import numpy as np


def mean3x3(p):
    out = p.copy()
    h, w = p.shape
    out[1:-1, 1:-1] = sum(p[i:h - 2 + i, j:w - 2 + j] for i in range(3) for j in range(3)) / 9
    return out


n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
chunk = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
start = time.time()
x = da.random.random((n, n), chunks=(chunk, chunk))
m = x.map_overlap(mean3x3, depth=1, boundary="reflect").mean().compute()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("dask map_overlap n=%d chunk=%d seconds=%.2f mean=%.9f peak_rss=%d kB" % (n, chunk, time.time() - start, m, peak))
