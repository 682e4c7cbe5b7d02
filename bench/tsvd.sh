#!/usr/bin/env bash
# The SVD of a 2,000,000 x 100 random float64 array in blocks of 100,000 rows (TSQR):
# darray with OpenBLAS (-tags openblas) and without (gonum's LAPACK on darray's own matrix
# product kernels), against dask (threaded; NumPy on the same OpenBLAS), with time and
# peak resident memory of each whole run.
# darray runs under a memory limit (default 1.2GB; dask, which has none, peaks near 2 GB).
# Usage: bash bench/tsvd.sh [m] [n] [rows] [limit]
set -euo pipefail
cd "$(dirname "$0")/.."
m=${1:-2000000}
n=${2:-100}
rows=${3:-100000}
limit=${4:-1.2GB}
go build -tags openblas -o /tmp/darray-tsvd-openblas ./bench/tsvd
go build -o /tmp/darray-tsvd-gonum ./bench/tsvd
for i in 1 2 3; do
  /tmp/darray-tsvd-openblas -m "$m" -n "$n" -rows "$rows" -mem "$limit"
  /tmp/darray-tsvd-gonum -m "$m" -n "$n" -rows "$rows" -mem "$limit"
  /usr/bin/python3 bench/tsvd_dask.py "$m" "$n" "$rows"
done
