#!/usr/bin/env bash
# The tutorial workload (random 10000x10000 in 1000x1000 chunks, y = x + x.T,
# z = y[::2, 5000:].mean(axis=1), compute only), darray and dask's threaded scheduler on
# this machine in one run, plus the scheduler's per-task overhead and the 1M-chunk graph
# figures. Usage: bash bench/tutorial.sh
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== darray (go test -bench, all cores)"
go test -run XXX -bench 'Tutorial(Philox)?$' -benchtime 10x -count 3 . | grep Benchmark
echo "== dask $(/usr/bin/python3 -c 'import dask; print(dask.__version__)') threaded, best of 5 (seconds)"
/usr/bin/python3 bench/tutorial_dask.py 10000 1000 5
echo "== scheduler overhead, 100,000 trivial tasks"
go test ./sched -run XXX -bench TrivialTasks -benchtime 5x | grep Benchmark
echo "== building and lowering a 1,000,000-chunk graph"
go test -run XXX -bench 1MChunks -benchtime 1x -count 3 . | grep Benchmark
