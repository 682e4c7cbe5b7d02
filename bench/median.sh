#!/usr/bin/env bash
# The median of all elements of an n x n uniform random float64 array in chunk x chunk
# blocks: darray (exact radix selection, a block at a time, under a 1 GB memory limit)
# against NumPy (in memory) and dask (da.median needs an axis; da.percentile of the
# raveled array is approximate), with time and peak resident memory of each whole run.
# Usage: bash bench/median.sh [n] [chunk] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
chunk=${2:-2000}
runs=${3:-1}
go build -o /tmp/darray-median ./cmd/darray
for i in $(seq "$runs"); do
  /usr/bin/time -f "darray: %e s, peak RSS %M kB" /tmp/darray-median eval -v -no-progress --memory-limit 1GB \
    "x = random.random(($n, $n), chunks=($chunk, $chunk)); median(x)"
  /usr/bin/python3 bench/median_numpy_dask.py "$n" "$chunk" numpy
  /usr/bin/python3 bench/median_numpy_dask.py "$n" "$chunk" dask
done
