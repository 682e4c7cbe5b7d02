#!/usr/bin/env bash
# The sum of x @ y for two n x n random float64 arrays in chunk x chunk blocks: darray
# built with OpenBLAS (-tags openblas, Debian's libopenblas-dev) and with gonum's pure Go
# BLAS, against dask (threaded; NumPy on the same OpenBLAS), with time, GFLOP/s and peak
# resident memory of each whole run. The pure Go build runs at n/2.5 (its 8 GFLOP/s would
# take over half an hour at 20000).
# Usage: bash bench/matmul.sh [n] [chunk] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
chunk=${2:-2000}
runs=${3:-1}
go build -tags openblas -o /tmp/darray-matmul-openblas ./bench/matmul
go build -o /tmp/darray-matmul-gonum ./bench/matmul
for i in $(seq "$runs"); do
  /tmp/darray-matmul-openblas -n "$n" -chunk "$chunk"
  /usr/bin/python3 bench/matmul_dask.py "$n" "$chunk"
done
small=$((n * 2 / 5 / chunk * chunk))
/tmp/darray-matmul-gonum -n "$small" -chunk "$chunk"
/tmp/darray-matmul-openblas -n "$small" -chunk "$chunk"
/usr/bin/python3 bench/matmul_dask.py "$small" "$chunk"
