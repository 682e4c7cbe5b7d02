#!/usr/bin/env bash
# The sum of x @ y for two n x n random float64 arrays in chunk x chunk blocks: darray
# (its own AVX-512/AVX2 product kernels; no OpenBLAS needed) against dask (threaded; NumPy
# on Debian's OpenBLAS), with time, GFLOP/s and peak resident memory of each whole run.
# dask runs twice: under the environment as it is (this machine sets OPENBLAS_CORETYPE=
# Haswell, OpenBLAS's AVX2 kernels) and without OPENBLAS_CORETYPE (OpenBLAS picks its
# AVX-512 kernels here), so that neither side is credited with a kernel choice alone.
# Usage: bash bench/matmul.sh [n] [chunk] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
chunk=${2:-2000}
runs=${3:-1}
go build -o /tmp/darray-matmul ./bench/matmul
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}"
for i in $(seq "$runs"); do
  /tmp/darray-matmul -n "$n" -chunk "$chunk"
  /usr/bin/python3 bench/matmul_dask.py "$n" "$chunk"
  echo -n "OPENBLAS_CORETYPE unset: "
  env -u OPENBLAS_CORETYPE /usr/bin/python3 bench/matmul_dask.py "$n" "$chunk"
done
