#!/usr/bin/python3
"""Python side of bench/netcdf_s3.sh.

  netcdf_s3.py make FILE N          write a float32 netCDF-4 variable t of N elements
                                    (time, lat, lon), zlib level 1, chunks (20, 250, 250)
  netcdf_s3.py xarray FILE          xr.open_dataset(FILE, chunks=file's chunks).t.mean(), dask threads
  netcdf_s3.py zarr-dask URL ARRAY  dask.array.from_zarr over zarr-python with a boto3 store
                                    (s3fs is not packaged in Debian), mean(), dask threads
The S3 endpoint and keys come from AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY."""
import os
import sys
import time
from collections.abc import MutableMapping

import numpy as np

cmd = sys.argv[1]
if cmd == "make":
    import netCDF4
    path, n = sys.argv[2], int(sys.argv[3])
    nlat, nlon = 1000, 1000
    nt = n // (nlat * nlon)
    with netCDF4.Dataset(path, "w", format="NETCDF4") as ds:
        ds.createDimension("time", None)
        ds.createDimension("lat", nlat)
        ds.createDimension("lon", nlon)
        v = ds.createVariable("t", "f4", ("time", "lat", "lon"), zlib=True, complevel=1, chunksizes=(20, 250, 250))
        lat = np.linspace(-90, 90, nlat, dtype=np.float32)[:, None]
        lon = np.linspace(0, 360, nlon, dtype=np.float32)[None, :]
        rng = np.random.default_rng(1)
        for t0 in range(0, nt, 20):
            slab = np.empty((min(20, nt - t0), nlat, nlon), np.float32)
            for i in range(slab.shape[0]):
                field = 288 - 30 * np.sin(np.radians(lat)) ** 2 + 5 * np.cos(np.radians(lon + 3 * (t0 + i)))
                slab[i] = np.round(field + rng.normal(0, 0.5, (nlat, nlon)), 2)
            v[t0:t0 + slab.shape[0]] = slab
    sys.exit(0)


class Boto3Store(MutableMapping):
    """A read-only zarr store of the objects under a bucket's prefix."""

    def __init__(self, url):
        import boto3
        bucket, _, prefix = url[len("s3://"):].partition("/")
        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.s3 = boto3.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT_URL_S3"), region_name="us-east-1")

    def _key(self, k):
        return self.prefix + "/" + k if self.prefix else k

    def __getitem__(self, k):
        try:
            return self.s3.get_object(Bucket=self.bucket, Key=self._key(k))["Body"].read()
        except self.s3.exceptions.NoSuchKey:
            raise KeyError(k)

    def __contains__(self, k):
        try:
            self.s3.head_object(Bucket=self.bucket, Key=self._key(k))
            return True
        except Exception:
            return False

    def __iter__(self):
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for o in page.get("Contents", []):
                yield o["Key"][len(self.prefix) + 1:] if self.prefix else o["Key"]

    def __len__(self):
        return sum(1 for _ in self)

    def __setitem__(self, k, v):
        raise NotImplementedError("read-only")

    def __delitem__(self, k):
        raise NotImplementedError("read-only")


t = time.perf_counter()
if cmd == "xarray":
    import xarray as xr
    ds = xr.open_dataset(sys.argv[2], chunks={"time": 20, "lat": 250, "lon": 250})
    m = float(ds.t.mean().compute(scheduler="threads"))
elif cmd == "zarr-dask":
    import dask.array as da
    import zarr
    z = zarr.open_array(Boto3Store(sys.argv[2]), mode="r", path=sys.argv[3])
    m = float(da.from_zarr(z).mean(dtype=np.float64).compute(scheduler="threads"))
else:
    sys.exit("unknown command " + cmd)
print("%s seconds=%.3f mean=%.9f" % (cmd, time.perf_counter() - t, m))
