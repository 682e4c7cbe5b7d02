#!/usr/bin/env bash
# The tutorial workload on a local cluster of 2 worker processes x 1 thread with a 1 GB
# memory limit each: darray (LocalCluster over NATS JetStream) and dask.distributed, one
# after the other, plus each side's per-task time on a sum over 10,000 one-element chunks.
# Usage: bash bench/cluster.sh [N] [ROUNDS]   (N defaults to 10000; 100000 takes minutes for dask)
# Needs Debian's python3-distributed (apt-get install -y python3-distributed) for dask's side.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
rounds=${2:-3}
trivial=10000
[ "$n" -gt 20000 ] && trivial=0
go build -o /tmp/darray-bench-cluster ./bench/cluster
echo "== darray LocalCluster, 2 workers x 1 thread, 1GB each"
/tmp/darray-bench-cluster -n "$n" -chunk 1000 -workers 2 -threads 1 -memory-limit 1GB -rounds "$rounds" -trivial "$trivial"
echo "== dask.distributed $(/usr/bin/python3 -c 'import distributed; print(distributed.__version__)') LocalCluster, 2 workers x 1 thread, 1GB each"
/usr/bin/python3 bench/cluster_dask.py "$n" 1000 2 1 1GB "$rounds" "$trivial" 2>/dev/null
