#!/usr/bin/env bash
# The tutorial workload from 1e8 to 1e10 elements: darray's wall time and peak resident
# memory of the whole process, then dask's threaded scheduler at 1e10 on this machine
# (about half a minute). Usage: bash bench/bigger.sh [--no-dask]
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o /tmp/darray-workload ./bench/workload
for n in 10000 31623 100000; do
  /tmp/darray-workload -n "$n" -chunk 1000
done
echo "== with a 256 MB memory limit"
/tmp/darray-workload -n 100000 -chunk 1000 -memory-limit 256MB
if [ "${1:-}" != "--no-dask" ]; then
  echo "== dask $(/usr/bin/python3 -c 'import dask; print(dask.__version__)') threaded at 1e10 (one run; peak RSS from /usr/bin/time)"
  /usr/bin/time -f "dask peak_rss_kib=%M" /usr/bin/python3 bench/tutorial_dask.py 100000 1000 1
fi
