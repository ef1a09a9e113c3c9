"""Peak memory of a 10^7-sample Monte Carlo run (run by ``make bench``; printed, not asserted).

Runs the generic driver (``run_montecarlo``) on examples/fallout-halo.toml with its own
[uncertainty] table (``--scenario`` picks another example of any kind) on the local process
pool, sampling the resident set size (RSS) of this process and of its worker processes every
0.1 s with psutil, and prints the peak of their sum (the goal: under 1 GiB), the driver's own
peak (``getrusage``) and the throughput.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=float, default=1e7)
    ap.add_argument("--scenario", default="fallout-halo.toml")
    args = ap.parse_args()
    n = int(args.n)
    try:
        import psutil
    except ImportError:
        print("bench_memory: psutil is not installed (pip install 'stuntsim[test]'); skipped")
        return
    from bench_throughput import setup

    from stuntsim.uncertainty.backends import LocalBackend
    from stuntsim.uncertainty.driver import run_montecarlo

    _, _, job = setup(args.scenario)
    me = psutil.Process()
    peak = {"sum": 0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            try:
                procs = [me, *me.children(recursive=True)]
                total = sum(p.memory_info().rss for p in procs)
            except psutil.Error:
                continue
            peak["sum"] = max(peak["sum"], total)
            time.sleep(0.1)

    with LocalBackend() as backend:
        backend.start(job)
        watcher = threading.Thread(target=sample, daemon=True)
        watcher.start()
        t0 = time.perf_counter()
        stats = run_montecarlo(job, n, backend)
        wall = time.perf_counter() - t0
        stop.set()
        watcher.join()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
    mib = 1024 * 1024
    print(f"== memory: {n:,} samples of {args.scenario} on {backend.workers} workers ==")
    print(f"peak RSS, driver + workers : {peak['sum'] / mib:8.0f} MiB (goal < 1024 MiB)")
    print(f"peak RSS, driver alone     : {own / mib:8.0f} MiB")
    print(f"wall time                  : {wall:8.1f} s ({n / wall:,.0f} samples/s)")
    print(f"P(GO) {stats.p_go:.4f}, {len(stats.checks)} checks, pid {os.getpid()}")


if __name__ == "__main__":
    main()
