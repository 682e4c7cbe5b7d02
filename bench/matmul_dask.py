"""dask's side of bench/matmul.sh: the sum of the matrix product of two n x n random
arrays in square blocks, threaded scheduler (NumPy on Debian's OpenBLAS)."""
import resource
import sys
import time

import dask.array as da

n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
chunk = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
start = time.time()
x = da.random.random((n, n), chunks=(chunk, chunk))
y = da.random.random((n, n), chunks=(chunk, chunk)) - 0.5
s = (x @ y).sum().compute()
secs = time.time() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("dask matmul n=%d chunk=%d seconds=%.2f gflops=%.1f sum=%.6g peak_rss=%d kB"
      % (n, chunk, secs, 2 * n ** 3 / secs / 1e9, s, peak))
