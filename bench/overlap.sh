#!/usr/bin/env bash
# A 3x3 mean filter (map_overlap, depth 1, reflecting boundary) over a 20000 x 20000
# random float64 array in 2000 x 2000 blocks, then the mean: darray against dask
# (threaded), with time and peak resident memory of each whole run.
# Usage: bash bench/overlap.sh [n] [chunk]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
chunk=${2:-2000}
go build -o /tmp/darray-overlap ./bench/overlap
for i in 1 2 3; do
  /tmp/darray-overlap -n "$n" -chunk "$chunk"
  /usr/bin/python3 bench/overlap_dask.py "$n" "$chunk"
done
