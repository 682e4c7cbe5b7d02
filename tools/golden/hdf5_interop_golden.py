#!/usr/bin/python3
"""HDF5 files with every datatype h5py writes, and files behind a user block, for darray's
interoperability tests (issue 21).

Run from the repository root: /usr/bin/python3 tools/golden/hdf5_interop_golden.py
(needs python3-numpy, python3-h5py and python3-netcdf4). Writes testdata/hdf5/dtypes.h5,
testdata/hdf5/userblock.h5, testdata/hdf5/userblock_latest.h5, testdata/hdf5/netcdf4.nc and
testdata/hdf5/interop.json:
for every dataset, either what NumPy reads through h5py (the dtype darray should give, the
shape, the SHA-256 of the values in C order and little-endian, and for integers and booleans
NumPy's sum as text) or the words darray's refusal must contain.
"""
import hashlib
import json
import os

os.environ["HDF5_EXTFILE_PREFIX"] = "${ORIGIN}"  # external data beside its file, as darray reads it
import h5py  # noqa: E402
import numpy as np  # noqa: E402

out = os.path.join("testdata", "hdf5")
rng = np.random.default_rng(21)
SHAPE = (6, 4)


def full_range(dt):
    info = np.iinfo(dt)
    return rng.integers(info.min, info.max, size=SHAPE, dtype=dt.newbyteorder("="), endpoint=True).astype(dt)


def floats(dt):
    a = rng.normal(scale=100, size=SHAPE).astype(dt)
    a.flat[:4] = [np.nan, np.inf, -np.inf, -0.0]
    return a


numeric = {}
for code in ["i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"]:
    for order in "<>":
        numeric[code + ("_le" if order == "<" else "_be")] = full_range(np.dtype(order + code))
for code in ["f2", "f4", "f8"]:
    for order in "<>":
        numeric[code + ("_le" if order == "<" else "_be")] = floats(np.dtype(order + code))
for code in ["c8", "c16"]:
    for order in "<>":
        c = np.zeros(SHAPE, dtype=order + code)
        c.real, c.imag = floats("f8"), floats("f8")
        numeric[code + ("_le" if order == "<" else "_be")] = c
numeric["bool"] = rng.integers(0, 2, size=SHAPE).astype(bool)
# Large unsigned values whose NumPy sum wraps around 2**64.
numeric["u8_large"] = (np.uint64(2**63) + rng.integers(0, 2**62, size=SHAPE, dtype=np.uint64)).astype("<u8")

enums = {
    "enum_i1": (h5py.enum_dtype({"RED": 0, "GREEN": 1, "BLUE": 2}, basetype="i1"), [0, 1, 2]),
    "enum_u1_two": (h5py.enum_dtype({"OFF": 0, "ON": 1}, basetype="u1"), [0, 1]),  # not h5py's bool
    "enum_u2": (h5py.enum_dtype({"LOW": 10, "MID": 300, "HIGH": 60000}, basetype="<u2"), [10, 300, 60000]),
    "enum_i4_be": (h5py.enum_dtype({"A": -5, "B": 7}, basetype=">i4"), [-5, 7]),
}

compound_complex = {
    "compound_r_i_f8": np.dtype([("r", "<f8"), ("i", "<f8")]),
    "compound_r_i_f4": np.dtype([("r", "<f4"), ("i", "<f4")]),
    "compound_real_imag_f8": np.dtype([("real", "<f8"), ("imag", "<f8")]),
}
compound_refused = {
    "compound_a_b": (np.dtype([("a", "<f4"), ("b", "<i4")]), ["compound", "a", "b"]),
    "compound_u_v": (np.dtype([("u", "<f4"), ("v", "<f4")]), ["compound", "u", "v"]),
    "compound_r_i_mixed": (np.dtype([("r", "<f4"), ("i", "<f8")]), ["compound", "r", "i"]),
    "compound_i_r": (np.dtype([("i", "<f8"), ("r", "<f8")]), ["compound", "i", "r"]),
}
other_refused = {
    "string_fixed": (np.array([[b"ab", b"cde", b"", b"f"]] * 6, dtype="S3"), ["string"]),
    "string_vlen": (np.array([["x", "yz", "", "\u00e9t\u00e9"]] * 6, dtype=h5py.string_dtype()), ["string"]),
    "array_f4": (None, ["array"]),  # elements that are arrays of three float32
    "opaque": (np.frombuffer(rng.bytes(8 * 24), dtype="V8").reshape(SHAPE), ["opaque"]),
}

expect = {}


def digest(a, as_dtype=None):
    a = np.asarray(a)
    if as_dtype is not None:
        a = a.astype(as_dtype)
    le = a.astype(a.dtype.newbyteorder("<")) if a.dtype.byteorder == ">" else a
    d = {"dtype": as_dtype or le.dtype.name, "shape": list(a.shape),
         "sha256": hashlib.sha256(np.ascontiguousarray(le).tobytes()).hexdigest()}
    if a.dtype.kind in "iub":
        d["sum"] = str(np.sum(a))
    return d


def record(file, f, name, as_dtype=None):
    a = f[name][()]
    if a.dtype.names is not None:  # a compound darray reads as complex: same bytes
        a = a.view(np.complex128 if a.dtype.itemsize == 16 else np.complex64)
    expect.setdefault(file, {})["/" + name] = digest(a, as_dtype)


path = os.path.join(out, "dtypes.h5")
with h5py.File(path, "w") as f:
    for name, a in numeric.items():
        f.create_dataset(name, data=a)
        f.create_dataset("chunked/" + name, data=a, chunks=(4, 3), compression="gzip")
        f.create_dataset("scalar/" + name, data=a.flat[5])
    for name, (dt, values) in enums.items():
        base = h5py.check_enum_dtype(dt)
        data = np.array(values, dtype=dt)[rng.integers(0, len(values), size=SHAPE)]
        f.create_dataset(name, data=data, dtype=dt)
        f.create_dataset("chunked/" + name, data=data, dtype=dt, chunks=(3, 2))
    for name, dt in compound_complex.items():
        data = np.zeros(SHAPE, dtype=dt)
        for field in dt.names:
            data[field] = rng.normal(size=SHAPE)
        f.create_dataset(name, data=data)
    for name, (dt, _) in compound_refused.items():
        data = np.zeros(SHAPE, dtype=dt)
        for field in dt.names:
            data[field] = rng.normal(size=SHAPE)
        f.create_dataset(name, data=data)
    for name, (data, _) in other_refused.items():
        if data is not None:
            f.create_dataset(name, data=data)
    tid = h5py.h5t.array_create(h5py.h5t.IEEE_F32LE, (3,))
    h5py.h5d.create(f.id, b"array_f4", tid, h5py.h5s.create_simple(SHAPE))
    f["array_f4"][...] = rng.normal(size=SHAPE + (3,)).astype("f4")
    f.create_dataset("vlen_i4", data=np.array([np.arange(i, dtype="i4") for i in range(6)], dtype=object),
                     dtype=h5py.vlen_dtype(np.int32))
    f.create_dataset("reference", data=np.array([f["i4_le"].ref] * 3, dtype=h5py.ref_dtype))
    # Fill values a float64 cannot hold (netCDF's default for uint64 is 2**64 - 2), in
    # chunks never written.
    for name, dt, fill in [("u8", "<u8", 2**64 - 2), ("i8", ">i8", -2**63 + 1), ("f2", "<f2", -1.5), ("c8", "<c8", 1 - 2j)]:
        d = f.create_dataset("fill/" + name, shape=(10, 6), dtype=dt, chunks=(4, 4), fillvalue=fill)
        d[1:3, 1:3] = 7

with h5py.File(path, "r") as f:
    for name in numeric:
        as_dtype = "float32" if name.startswith("f2") else None  # darray has no float16
        for prefix in ["", "chunked/", "scalar/"]:
            record("dtypes.h5", f, prefix + name, as_dtype)
    for name in ["u8", "i8", "f2", "c8"]:
        record("dtypes.h5", f, "fill/" + name, "float32" if name == "f2" else None)
    for name in enums:
        for prefix in ["", "chunked/"]:
            a = f[prefix + name][()]  # h5py reads an enum as its base integers
            expect["dtypes.h5"]["/" + prefix + name] = digest(a)
    for name in compound_complex:
        record("dtypes.h5", f, name)
    for name, (_, words) in compound_refused.items():
        expect["dtypes.h5"]["/" + name] = {"refuse": words}
    for name, (_, words) in other_refused.items():
        expect["dtypes.h5"]["/" + name] = {"refuse": words}
    expect["dtypes.h5"]["/vlen_i4"] = {"refuse": ["variable-length"]}
    expect["dtypes.h5"]["/reference"] = {"refuse": ["reference"]}

# A user block before the HDF5 data (as MATLAB v7.3 .mat files have): every address in
# the file is relative to the superblock's base, 512 or 1024 bytes in.
for file, kwargs in [("userblock.h5", {"userblock_size": 512}),
                     ("userblock_latest.h5", {"userblock_size": 1024, "libver": "latest"})]:
    path = os.path.join(out, file)
    with h5py.File(path, "w", **kwargs) as f:
        f.attrs["note"] = "user block"
        f.create_dataset("contiguous", data=rng.normal(size=(9, 5)))
        f.create_dataset("chunked", data=np.arange(200, dtype="i4").reshape(20, 10), chunks=(6, 4))
        f.create_dataset("gzip", data=rng.normal(size=(11, 7)).astype("f4"), chunks=(5, 5), compression="gzip", shuffle=True)
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_layout(h5py.h5d.COMPACT)
        space = h5py.h5s.create_simple((3, 4))
        h5py.h5d.create(f.id, b"compact", h5py.h5t.STD_I16LE, space, dcpl=dcpl)
        f["compact"][...] = np.arange(12, dtype="i2").reshape(3, 4)
        g = f.create_group("group/nested")
        g.create_dataset("partial", shape=(10, 10), dtype="f8", chunks=(4, 4), fillvalue=-2.0)[2:7, 3:9] = 1.5
        if kwargs.get("libver") == "latest":
            f.create_dataset("growable", data=np.arange(40, dtype="i8"), chunks=(6,), maxshape=(None,))
            f.create_dataset("bt2", data=np.arange(60.0).reshape(6, 10), chunks=(4, 4), maxshape=(None, None))
            dense = f.create_group("dense")
            for i in range(12):
                dense.create_dataset("d%02d" % i, data=np.arange(i + 1, dtype="u2"))
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: record(file, f, n) if isinstance(o, h5py.Dataset) else None)

# netCDF-4 (an HDF5 file with creation order tracked, dimension scales and, for unlimited
# dimensions, extensible-array chunk indexes), written by netCDF4-python: an enum type,
# uint64 with netCDF's default fill (2**64 - 2) in chunks never written, more than 8
# variables, an unlimited dimension. Values as NumPy reads them, unmasked and unscaled.
try:
    import netCDF4
except ImportError:
    netCDF4 = None
if netCDF4 is not None:
    path = os.path.join(out, "netcdf4.nc")
    with netCDF4.Dataset(path, "w", format="NETCDF4") as nc:
        nc.createDimension("time", None)
        nc.createDimension("y", 6)
        nc.createDimension("x", 5)
        cloud = nc.createEnumType(np.uint8, "cloud_t", {"clear": 0, "cumulus": 1, "stratus": 2, "missing": 255})
        v = nc.createVariable("cloud", cloud, ("y", "x"), fill_value=255)
        v[:] = rng.integers(0, 3, size=(6, 5)).astype(np.uint8)
        v = nc.createVariable("counts", "u8", ("y", "x"), chunksizes=(2, 5))
        v[:2] = (np.uint64(2**63) + rng.integers(0, 2**40, size=(2, 5), dtype=np.uint64))
        v = nc.createVariable("temperature", "f4", ("time", "y", "x"), zlib=True, chunksizes=(1, 6, 5))
        v[:4] = rng.normal(280, 5, size=(4, 6, 5)).astype("f4")
        v.units = "K"
        nc.createVariable("time", "f8", ("time",))[:4] = np.arange(4.0)
        # netCDF puts the Fletcher-32 checksum before deflate in the pipeline.
        nc.createVariable("checked", "f8", ("y", "x"), zlib=True, fletcher32=True, chunksizes=(4, 3))[:] = rng.normal(size=(6, 5))
        for i in range(9):
            nc.createVariable("v%d" % i, "i2", ("x",))[:] = np.arange(5, dtype="i2") * i
    with netCDF4.Dataset(path, "r") as nc:
        nc.set_auto_maskandscale(False)
        for name, var in nc.variables.items():
            expect.setdefault("netcdf4.nc", {})["/" + name] = digest(np.asarray(var[...]))

# Storage features of files other tools write (issue 24): external raw data, committed
# datatypes, a second hard link, 4-byte addresses with 8-byte lengths, the scale-offset and
# N-bit filters, szip (refused: no encoder here), and PyTables' Blosc, bzip2 and LZO.
path = os.path.join(out, "features.h5")
raw = rng.normal(size=(4, 5))
with open(os.path.join(out, "features_external.bin"), "wb") as fp:
    fp.write(b"\xee" * 16 + raw[:2].tobytes() + b"\xdd" * 8 + raw[2:].tobytes())
fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE)
fcpl.set_sizes(4, 8)
fid = h5py.h5f.create(path.encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl)
with h5py.File(fid) as f:
    f.create_dataset("external", shape=(4, 5), dtype="<f8",
                     external=[("features_external.bin", 16, 80), ("features_external.bin", 104, 80)])
    # External names that would make a reader open files elsewhere: refused.
    f.create_dataset("external_absolute", shape=(4,), dtype="<f8", external=[("/etc/hostname", 0, 32)])
    f.create_dataset("external_climbing", shape=(4,), dtype="<f8", external=[("../hdf5/features_external.bin", 0, 32)])
    f["float_t"] = np.dtype("<f4")
    f.create_dataset("committed", data=rng.normal(size=(3, 4)), dtype=f["float_t"])
    f.create_dataset("original", data=np.arange(10, dtype="i4"))
    f["alias"] = f["original"]
    f.create_dataset("scaleoffset_int", data=rng.integers(1000, 1100, size=(20, 8)).astype("i4"), chunks=(7, 8), scaleoffset=0)
    f.create_dataset("scaleoffset_float", data=rng.normal(size=(20, 8)), chunks=(7, 8), scaleoffset=3)
    f.create_dataset("scaleoffset_u2_fill", data=rng.integers(0, 50, size=(12,)).astype("u2"), chunks=(5,), scaleoffset=0, fillvalue=7)
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_chunk((6, 4))
    dcpl.set_filter(5, 0)  # N-bit: the library fills in its parameters
    nbit_t = h5py.h5t.STD_I32LE.copy()
    nbit_t.set_precision(12)
    nbit_t.set_offset(2)
    h5py.h5d.create(f.id, b"nbit", nbit_t, h5py.h5s.create_simple((10, 4)), dcpl=dcpl)
    f["nbit"][...] = rng.integers(-500, 500, size=(10, 4)).astype("i4") * 4
    # The same 12-bit type stored without the filter: padding bits around each value.
    for name, chunks in [(b"packed_contiguous", None), (b"packed_chunked", (5, 4))]:
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        if chunks:
            dcpl.set_chunk(chunks)
        h5py.h5d.create(f.id, name, nbit_t, h5py.h5s.create_simple((10, 4)), dcpl=dcpl)
        f[name.decode()][...] = rng.integers(-2048, 2048, size=(10, 4)).astype("i4")
with h5py.File(path, "r") as f:
    for name in ["packed_contiguous", "packed_chunked", "external", "committed", "original", "alias", "scaleoffset_int", "scaleoffset_float", "scaleoffset_u2_fill", "nbit"]:
        record("features.h5", f, name)
    for name in ["external_absolute", "external_climbing"]:
        expect["features.h5"]["/" + name] = {"refuse": ["outside the HDF5 file's directory"]}
try:
    import tables
except ImportError:
    tables = None
if tables is not None:
    path = os.path.join(out, "pytables.h5")
    with tables.open_file(path, "w") as t:
        for name, lib in [("blosc_lz4", "blosc:lz4"), ("blosc_zstd", "blosc:zstd"), ("blosc_zlib", "blosc:zlib"), ("bzip2", "bzip2"), ("lzo", "lzo")]:
            data = rng.normal(size=(40, 30)).round(2)
            t.create_carray("/", name, obj=data, chunkshape=(16, 8), filters=tables.Filters(complevel=5, complib=lib, shuffle=True))
        t.create_carray("/", "plain", obj=np.arange(60, dtype="i8").reshape(6, 10))
    with h5py.File(path, "r") as f:
        for name in ["blosc_lz4", "blosc_zstd", "blosc_zlib", "bzip2", "plain"]:
            with tables.open_file(path) as t:
                expect.setdefault("pytables.h5", {})["/" + name] = digest(t.get_node("/" + name)[...])
        expect["pytables.h5"]["/lzo"] = {"refuse": ["filter 305", "lzo"]}

# Soft and external links (issue 18). libver="earliest" keeps soft links in symbol tables,
# "latest" in link messages; external links make a group new-style, so only "latest" has them.
with h5py.File(os.path.join(out, "links_target.h5"), "w") as f:
    f["data"] = rng.normal(size=(3, 5))
    f.create_group("grp")["inner"] = np.arange(7, dtype="i2")
for lib in ["earliest", "latest"]:
    name = "links_%s.h5" % lib
    path = os.path.join(out, name)
    with h5py.File(path, "w", libver=lib) as f:
        g = f.create_group("g")
        g["x"] = rng.integers(0, 100, size=(4, 6)).astype("i4")
        g["relative"] = h5py.SoftLink("x")
        f["soft_x"] = h5py.SoftLink("/g/x")
        f["soft_g"] = h5py.SoftLink("/g")
        f["chain"] = h5py.SoftLink("/soft_x")
        f["dangling"] = h5py.SoftLink("/nowhere")
        if lib == "latest":
            f["ext"] = h5py.ExternalLink("links_target.h5", "/data")
            f["ext_grp"] = h5py.ExternalLink("links_target.h5", "/grp")
            f["ext_abs"] = h5py.ExternalLink("/etc/links_target.h5", "/data")
            f["ext_missing"] = h5py.ExternalLink("links_target.h5", "/nothing")
    with h5py.File(path, "r") as f:
        for ds in ["g/x", "g/relative", "soft_x", "soft_g/x", "soft_g/relative", "chain"]:
            record(name, f, ds)
        expect[name]["/dangling"] = {"refuse": ["soft link", "not an object of the file"]}
        if lib == "latest":
            for ds in ["ext", "ext_grp/inner"]:
                record(name, f, ds)
            expect[name]["/ext_abs"] = {"refuse": ["external link", "outside the HDF5 file's directory"]}
            expect[name]["/ext_missing"] = {"refuse": ["external link", "not an object of that file"]}

with open(os.path.join(out, "interop.json"), "w") as fp:
    json.dump(expect, fp, indent=1, sort_keys=True)
