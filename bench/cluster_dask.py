#!/usr/bin/python3
"""dask.distributed's side of bench/cluster.sh: the tutorial workload on a LocalCluster of
worker processes (same shape as darray's), best of N compute times, each worker's peak
resident memory, and the per-task time of a sum over one-element chunks.

Usage: cluster_dask.py N CHUNK WORKERS THREADS LIMIT ROUNDS TRIVIAL"""
import resource
import sys
import time

import dask.array as da
from dask.distributed import Client, LocalCluster


def peak_rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main():
    n, chunk, workers, threads = (int(a) for a in sys.argv[1:5])
    limit, rounds, trivial = sys.argv[5], int(sys.argv[6]), int(sys.argv[7])
    start = time.perf_counter()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=threads, memory_limit=limit,
                           processes=True, dashboard_address=None)
    client = Client(cluster)
    print("cluster up in %.3f s" % (time.perf_counter() - start))
    times = []
    for _ in range(rounds):
        # a new array each round: new keys, so that nothing a worker still holds is reused
        x = da.random.random((n, n), chunks=(chunk, chunk))
        z = (x + x.T)[::2, n // 2:].mean(axis=1)
        t = time.perf_counter()
        z.compute()
        times.append(time.perf_counter() - t)
    print("tutorial %dx%d chunks %d: first %.3f s, best of %d %.3f s" % (n, n, chunk, times[0], rounds, min(times)))
    if trivial:
        s = da.ones(trivial, chunks=1).sum()
        tasks = len(s.__dask_graph__())
        t = time.perf_counter()
        s.compute()
        el = time.perf_counter() - t
        print("trivial: %d tasks in %.3f s: %.1f us a task" % (tasks, el, el / tasks * 1e6))
    for addr, rss in sorted(client.run(peak_rss).items()):
        print("worker %s: peak RSS %.0f MB" % (addr, rss / 1e6))
    client.close()
    cluster.close()


if __name__ == "__main__":
    main()
