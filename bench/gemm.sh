#!/usr/bin/env bash
# Matrix product kernels on one core, 2000 x 2000: darray's (go test -bench Gemm) against
# NumPy's OpenBLAS single-threaded, under the machine's OPENBLAS_CORETYPE and without it.
# Usage: bash bench/gemm.sh [count]
set -euo pipefail
cd "$(dirname "$0")/.."
go test -run XXX -bench Gemm -count "${1:-4}" ./linalg/internal/gemm | grep GFLOP
OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/gemm_numpy.py
OPENBLAS_NUM_THREADS=1 env -u OPENBLAS_CORETYPE /usr/bin/python3 bench/gemm_numpy.py
