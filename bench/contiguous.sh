#!/usr/bin/env bash
# Mean of a float64 dataset in h5py's default contiguous layout, and of the same data as
# .npy (5e7 elements, 400 MB, in the page cache): darray against h5py (a loop over 1e6
# slices, and one whole read), NumPy (np.load with mmap) and dask.array.from_array of the
# h5py dataset. Peak resident memory of each run by /usr/bin/time.
# Usage: bash bench/contiguous.sh [elements]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-50000000}
file=/tmp/darray-bench-contiguous-$n.h5
[ -f "$file" ] || /usr/bin/python3 bench/hdf5_bench.py make-contiguous "$file" "$n"
go build -o /tmp/darray-hdf5mean ./bench/hdf5mean
go build -o /tmp/darray ./cmd/darray
cat "$file" "$file.npy" > /dev/null
t() { /usr/bin/time -f "  peak RSS %M KiB, %e s whole process" "$@"; }
for i in 1 2 3; do t /tmp/darray-hdf5mean -file "$file"; done
for i in 1 2 3; do echo "darray eval npy:"; t /tmp/darray eval -i x="$file.npy" "x.mean()"; done
for i in 1 2 3; do t /usr/bin/python3 bench/hdf5_bench.py loop "$file"; done
for i in 1 2 3; do t /usr/bin/python3 bench/hdf5_bench.py whole "$file"; done
for i in 1 2 3; do t /usr/bin/python3 bench/hdf5_bench.py npy "$file.npy"; done
for i in 1 2 3; do t /usr/bin/python3 bench/hdf5_bench.py dask "$file"; done
