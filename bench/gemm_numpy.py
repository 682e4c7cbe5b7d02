"""NumPy's side of bench/gemm.sh: a @ b on 2000 x 2000 float64 and float32 matrices, one
thread (OPENBLAS_NUM_THREADS=1 set by the script), best of five, GFLOP/s."""
import os
import time

import numpy as np

n = 2000
for dt in (np.float64, np.float32):
    a = np.random.rand(n, n).astype(dt)
    b = np.random.rand(n, n).astype(dt)
    a @ b
    best = float("inf")
    for _ in range(5):
        t = time.time()
        a @ b
        best = min(best, time.time() - t)
    print("numpy %s OPENBLAS_CORETYPE=%s %.1f GFLOP/s"
          % (np.dtype(dt).name, os.environ.get("OPENBLAS_CORETYPE", "unset"), 2 * n ** 3 / best / 1e9))
