#!/usr/bin/env bash
# Runs the nd benchmarks and NumPy's equivalents on this machine, one after the other, and
# prints a table of milliseconds per operation. Usage: bash bench/nd.sh
set -euo pipefail
cd "$(dirname "$0")/.."
go_out=$(GOMAXPROCS=1 go test ./nd/ -run XXX -bench '1e7$' -cpu 1 -count 5 -benchtime 20x)
np_out=$(/usr/bin/python3 bench/nd_numpy.py)
printf "%-18s %10s %10s %8s\n" op darray_ms numpy_ms ratio
while read -r name secs; do
  go_ns=$(echo "$go_out" | awk -v n="Benchmark$name" '$1==n {print $3}' | sort -n | head -1)
  awk -v n="$name" -v g="$go_ns" -v p="$secs" 'BEGIN { printf "%-18s %10.2f %10.2f %8.2f\n", n, g/1e6, p*1e3, (g/1e9)/p }'
done <<< "$np_out"
