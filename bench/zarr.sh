#!/usr/bin/env bash
# Mean of a gzip-compressed Zarr array of 2e8 float64 (1e6-element chunks), darray against
# dask.array.from_zarr(...).mean() with the threaded scheduler, file in the page cache.
# Usage: bash bench/zarr.sh [elements]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200000000}
dir=/tmp/darray-bench-$n.zarr
go build -o /tmp/darray-zarrmean ./bench/zarrmean
# With libdeflate (Debian's libdeflate-dev) inflating runs about twice as fast.
tags=""
[ -f /usr/include/libdeflate.h ] && tags="-tags libdeflate"
go build $tags -o /tmp/darray-zarrmean-tags ./bench/zarrmean
[ -d "$dir" ] || /tmp/darray-zarrmean -write -dir "$dir" -n "$n"
du -sh "$dir"
cat "$dir"/x/* > /dev/null  # into the page cache
for i in 1 2 3; do /tmp/darray-zarrmean -dir "$dir"; done
[ -n "$tags" ] && for i in 1 2 3; do echo -n "($tags) "; /tmp/darray-zarrmean-tags -dir "$dir"; done
for i in 1 2 3; do /usr/bin/python3 bench/zarr_dask.py "$dir"; done
