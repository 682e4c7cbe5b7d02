#!/usr/bin/env bash
# Re-cut a 20000 x 20000 float64 Zarr array from (20000, 100) to (100, 20000) chunks,
# Zarr to Zarr (no compression on the target): darray under a memory limit against dask
# (threaded), with time and peak resident memory of each whole run. Two sources: stored
# uncompressed (darray reads each target block's rows straight from the source chunks)
# and Blosc-LZ4 compressed with byte shuffle (darray decodes only the Blosc blocks that
# hold each target block's rows, keeping recently decoded ones for the next target block).
# Usage: bash bench/rechunk.sh [n] [limit]   (needs about 4*n*n*8 bytes of free disk)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
limit=${2:-1GB}
tmp=${TMPDIR:-/tmp}/darray-rechunk-bench
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/rechunk" ./bench/rechunk
"$tmp/rechunk" -make -n "$n" -src "$tmp/raw.zarr"
"$tmp/rechunk" -make -n "$n" -compressor blosc -src "$tmp/lz4.zarr"
sync
for src in raw lz4; do
  for i in 1 2 3; do
    "$tmp/rechunk" -n "$n" -mem "$limit" -src "$tmp/$src.zarr" -dst "$tmp/out.zarr"
    rm -rf "$tmp/out.zarr"
    /usr/bin/python3 bench/rechunk_dask.py "$tmp/$src.zarr" "$tmp/out.zarr" 100
    rm -rf "$tmp/out.zarr"
    sync
  done
done
