"""dask's side of bench/tsvd.sh: the SVD of a tall-and-skinny m x n random array in
blocks of rows (dask's TSQR), computing u (summed), s and vt; threaded scheduler."""
import resource
import sys
import time

import dask
import dask.array as da

m = int(sys.argv[1]) if len(sys.argv) > 1 else 2000000
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100
rows = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
start = time.time()
x = da.random.random((m, n), chunks=(rows, n))
u, s, vt = da.linalg.svd(x)
_, s, _ = dask.compute(u.sum(), s, vt)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("dask tsvd m=%d n=%d rows=%d seconds=%.2f s0=%.6f peak_rss=%d kB" % (m, n, rows, time.time() - start, s[0], peak))
