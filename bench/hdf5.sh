#!/usr/bin/env bash
# Mean of a float64 HDF5 dataset written by h5py (1e6-element chunks, no compression):
# darray against dask.array.from_array(h5py dataset).mean() and a hand-written h5py loop,
# and the time to simply read the file, all with the file in the page cache.
# Usage: bash bench/hdf5.sh [elements]   (the issue's size is 2000000000: 16 GB)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200000000}
file=/tmp/darray-bench-$n.h5
[ -f "$file" ] || /usr/bin/python3 bench/hdf5_bench.py make "$file" "$n"
ls -la "$file"
go build -o /tmp/darray-hdf5mean ./bench/hdf5mean
cat "$file" > /dev/null
for i in 1 2 3; do /usr/bin/time -f "read (dd) seconds=%e" dd if="$file" of=/dev/null bs=8M status=none; done
for i in 1 2 3; do /tmp/darray-hdf5mean -file "$file"; done
for i in 1 2 3; do /usr/bin/python3 bench/hdf5_bench.py dask "$file"; done
for i in 1 2; do /usr/bin/python3 bench/hdf5_bench.py loop "$file"; done
if [ "${COLD:-}" = 1 ]; then  # needs root and a kernel that lets us drop the page cache
  for tool in darray dask; do
    sync; echo 3 > /proc/sys/vm/drop_caches
    if [ $tool = darray ]; then /tmp/darray-hdf5mean -file "$file"; else /usr/bin/python3 bench/hdf5_bench.py dask "$file"; fi
  done
fi
