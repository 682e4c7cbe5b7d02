#!/usr/bin/python3
"""netCDF files in every format netCDF4-python writes, for darray.FromNetCDF's tests.

Run from the repository root: /usr/bin/python3 tools/golden/netcdf_golden.py
(needs python3-numpy, python3-netcdf4 and python3-xarray). Writes testdata/netcdf/F.nc for
the formats NETCDF3_CLASSIC, NETCDF3_64BIT_OFFSET, NETCDF3_64BIT_DATA, NETCDF4_CLASSIC and
NETCDF4, one file with a single record variable (records not padded), and
testdata/netcdf/expected.json: per file and variable, the dimension names and what NumPy
reads (dtype, shape, SHA-256 of the values in C order, little-endian), raw and as xarray
decodes it (scale_factor/add_offset, _FillValue and missing_value to NaN), or the words of
the refusal.
"""
import hashlib
import json
import os
import shutil

import netCDF4
import numpy as np
import xarray as xr

out = os.path.join("testdata", "netcdf")
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
rng = np.random.default_rng(18)
T, Y, X = 5, 4, 3
data = {
    "temperature": rng.normal(280, 5, size=(T, Y, X)).astype("f4"),
    "count": rng.integers(-300, 300, size=(T,)).astype("i2"),
    "lat": np.linspace(-30, 30, Y),
    "mask": rng.integers(-5, 5, size=(Y, X)).astype("i1"),
    "packed": rng.integers(-500, 500, size=(T, Y, X)).astype("i2"),
    "packed64": rng.integers(-500, 500, size=(Y, X)).astype("i4"),
    "big": rng.integers(-2**40, 2**40, size=(Y,)).astype("i8"),
}
data["packed"][0, 0, :2] = -999  # the fill value
data["packed64"][1, 1] = 7777  # the missing value


def digest(a):
    a = np.asarray(a)
    le = a.astype(a.dtype.newbyteorder("<")) if a.dtype.byteorder == ">" else a
    return {"dtype": le.dtype.name, "shape": list(a.shape),
            "sha256": hashlib.sha256(np.ascontiguousarray(le).tobytes()).hexdigest()}


def write(path, fmt):
    with netCDF4.Dataset(path, "w", format=fmt) as nc:
        nc.title = "darray netCDF golden"
        nc.createDimension("time", None)
        nc.createDimension("y", Y)
        nc.createDimension("x", X)
        nc.createDimension("nchar", 6)
        v = nc.createVariable("temperature", "f4", ("time", "y", "x"))
        v.units = "K"
        v[:] = data["temperature"]
        nc.createVariable("count", "i2", ("time",))[:] = data["count"]
        nc.createVariable("lat", "f8", ("y",))[:] = data["lat"]
        nc.createVariable("mask", "i1", ("y", "x"))[:] = data["mask"]
        v = nc.createVariable("packed", "i2", ("time", "y", "x"), fill_value=np.int16(-999))
        v.set_auto_maskandscale(False)
        v.scale_factor, v.add_offset = np.float32(0.5), np.float32(10)
        v[:] = data["packed"]
        v = nc.createVariable("packed64", "i4", ("y", "x"))
        v.set_auto_maskandscale(False)
        v.scale_factor, v.add_offset, v.missing_value = 0.25, -3.0, np.int32(7777)
        v[:] = data["packed64"]
        if fmt in ("NETCDF3_64BIT_DATA", "NETCDF4"):
            nc.createVariable("big", "i8", ("y",))[:] = data["big"]
        v = nc.createVariable("label", "S1", ("y", "nchar"))
        v[:] = netCDF4.stringtochar(np.array(["north", "up", "south", "down"], dtype="S6"))


expected = {}
for fmt, name in [("NETCDF3_CLASSIC", "classic.nc"), ("NETCDF3_64BIT_OFFSET", "offset64.nc"),
                  ("NETCDF3_64BIT_DATA", "cdf5.nc"), ("NETCDF4_CLASSIC", "nc4classic.nc"), ("NETCDF4", "nc4.nc")]:
    path = os.path.join(out, name)
    write(path, fmt)
    entry = expected.setdefault(name, {})
    with netCDF4.Dataset(path) as nc:
        nc.set_auto_maskandscale(False)
        decoded = xr.open_dataset(path, mask_and_scale=True, decode_times=False)
        for vname, var in nc.variables.items():
            if vname == "label":
                entry[vname] = {"dims": list(var.dimensions), "refuse": ["text"]}
                continue
            entry[vname] = {"dims": list(var.dimensions), "raw": digest(var[...]), "cf": digest(decoded[vname].values)}
        decoded.close()

# One record variable of two-byte values: records are not padded to four bytes.
path = os.path.join(out, "onerecord.nc")
with netCDF4.Dataset(path, "w", format="NETCDF3_CLASSIC") as nc:
    nc.createDimension("time", None)
    nc.createVariable("level", "i2", ("time",))[:] = np.arange(7, dtype="i2") * 3 - 5
with netCDF4.Dataset(path) as nc:
    nc.set_auto_maskandscale(False)
    expected["onerecord.nc"] = {
        "level": {"dims": ["time"], "raw": digest(nc["level"][...]), "cf": digest(nc["level"][...])},
    }

with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
