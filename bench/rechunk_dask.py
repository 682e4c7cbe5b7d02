"""dask's side of bench/rechunk.sh: re-cut a Zarr array into other chunks, Zarr to Zarr,
with the threaded scheduler."""
import resource
import shutil
import sys
import time

import dask.array as da

src, dst, to = sys.argv[1], sys.argv[2], int(sys.argv[3])
shutil.rmtree(dst, ignore_errors=True)
start = time.time()
x = da.from_zarr(src, component="x")
x.rechunk((to, x.shape[1])).to_zarr(dst, component="x", compressor=None)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("dask rechunk %s shape=%s %s->(%d,%d) seconds=%.2f peak_rss=%d kB"
      % (src, x.shape, x.chunksize, to, x.shape[1], time.time() - start, peak))
