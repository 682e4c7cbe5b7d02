#!/usr/bin/python3
"""dask's time for the mean of a Zarr array (bench/zarr.sh)."""
import sys
import time

import dask.array as da

t = time.perf_counter()
m = da.from_zarr(sys.argv[1], component="x").mean().compute(scheduler="threads")
print("dask seconds=%.3f mean=%.9f" % (time.perf_counter() - t, m))
