"""NumPy's and dask's side of bench/median.sh: the median of all elements of an n x n
uniform random float64 array. NumPy holds it in memory (np.median copies it to
partition); dask's da.median needs an axis, so dask's nearest is da.percentile over the
raveled array, whose merging of per-chunk percentiles is approximate: its error is
printed next to NumPy's exact median of dask's own array (computed after the timing)."""
import resource
import sys
import time

import dask.array as da
import numpy as np

n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
chunk = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
which = sys.argv[3] if len(sys.argv) > 3 else "numpy"
start = time.time()
if which == "numpy":
    x = np.random.default_rng(1).random((n, n))
    m = np.median(x)
    secs = time.time() - start
    print("numpy median n=%d seconds=%.2f median=%.9f peak_rss=%d kB"
          % (n, secs, m, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
else:
    x = da.random.RandomState(1).random_sample((n, n), chunks=(chunk, chunk))
    m = da.percentile(x.ravel(), [50]).compute()[0]
    secs = time.time() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    exact = np.median(x.compute()) if n <= 20000 else float("nan")
    print("dask percentile(ravel, 50) n=%d chunk=%d seconds=%.2f median=%.9f exact=%.9f error=%.2e peak_rss=%d kB"
          % (n, chunk, secs, m, exact, abs(m - exact), peak))
