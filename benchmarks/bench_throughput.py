"""Monte Carlo samples per second, for any kind (run by ``make bench``; printed, never asserted).

Two figures per batch size:

- **kernel, one core**: the kind's ``simulate_batch`` on one batch of perturbed samples in this
  process (sampling excluded);
- **Monte Carlo, every core**: the generic driver (``run_montecarlo``) on the local process pool
  (``os.cpu_count()`` workers), sampling and checks included, from a warm pool: what
  ``stuntsim mc`` achieves.

For a jump scenario the kernel is also timed on its numpy reference path (``kernel.FREEFALL =
kernel.CANOPY = "numpy"``, the kernel before numba), with the freefall compiled, and with both
phases compiled (the default), with the ratios.

The scenario's own ``[uncertainty]`` table is used. Default: examples/fallout-halo.toml (a
25 000 ft HALO on a real FB winds bulletin, solved release point, canopy steering to the
target); ``--scenario`` picks another example of any kind, ``--sizes`` the sample counts.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def setup(name: str, seed: int = 1) -> tuple[Any, Any, Any]:
    """(kind, loaded scenario, driver job) of an example with an [uncertainty] table."""
    from stuntsim.scenario import load
    from stuntsim.uncertainty.driver import prepare

    loaded = load(ROOT / "examples" / name)
    kind = loaded.kind
    unc = kind.montecarlo.uncertainty(loaded.model)
    if unc is None:
        raise SystemExit(f"{name}: no [uncertainty] table")
    return kind, loaded, prepare(kind, loaded.plan, unc, seed)


def kernel_rate(kind: Any, job: Any, n: int) -> tuple[float, float]:
    import numpy as np

    mc = kind.montecarlo
    samples = mc.sample(job.plan, job.uncertainty, np.random.default_rng(job.seed), n)
    mc.simulate_batch(job.plan, mc.sample(job.plan, job.uncertainty, np.random.default_rng(0), 8))
    w0, c0 = time.perf_counter(), time.process_time()
    mc.simulate_batch(job.plan, samples)
    return n / (time.perf_counter() - w0), n / (time.process_time() - c0)


def kernel_paths(kind: Any, job: Any, n: int) -> None:
    """Jump only: the kernel per CPU-second on the numpy path (kernel.FREEFALL = CANOPY =
    "numpy", the kernel before numba), with only the freefall compiled, and fully compiled."""
    if kind.name != "jump":
        return
    from stuntsim.jump import kernel

    rates = {}
    old = kernel.FREEFALL, kernel.CANOPY
    try:
        for ff, cn in (("numpy", "numpy"), ("compiled", "numpy"), ("compiled", "compiled")):
            kernel.FREEFALL, kernel.CANOPY = ff, cn
            rates[ff, cn] = kernel_rate(kind, job, n)[1]
    finally:
        kernel.FREEFALL, kernel.CANOPY = old
    base = rates["numpy", "numpy"]
    for (ff, cn), r in rates.items():
        print(
            f"N = {n:>10,}: kernel, freefall {ff:>8}, canopy {cn:>8}: {r:>9,.0f} jumps per"
            f" CPU-second ({r / base:.2f} x the numpy path)"
        )


def mc_rate(job: Any, n: int, workers: int) -> float:
    from stuntsim.uncertainty.backends import LocalBackend
    from stuntsim.uncertainty.driver import run_montecarlo

    with LocalBackend(workers) as backend:
        backend.start(job)
        run_montecarlo(job, max(2, min(n, 2 * job.seed_block * backend.workers)), backend)
        t0 = time.perf_counter()
        run_montecarlo(job, n, backend)
        return n / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--scenario", default="fallout-halo.toml")
    ap.add_argument("--sizes", default="1e5,1e6")
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()
    kind, _, job = setup(args.scenario)
    workers = args.workers or os.cpu_count() or 1
    print(f"== throughput: {args.scenario} ({kind.name}), whole samples with every check ==")
    print(f"load average {os.getloadavg()[0]:.2f} (other jobs on the machine slow every figure)")
    kernel_paths(kind, job, int(float(args.sizes.split(",")[0])))
    for s in args.sizes.split(","):
        n = int(float(s))
        wall, cpu = kernel_rate(kind, job, n) if n <= 1_000_000 else (float("nan"),) * 2
        rate = mc_rate(job, n, workers)
        print(
            f"N = {n:>10,}: kernel {wall:>9,.0f} samples/s one core ({cpu:,.0f} per CPU-second);"
            f" Monte Carlo {rate:>9,.0f} samples/s on {workers} workers"
            f" ({rate / wall:.2f} x the one-core kernel)"
        )


if __name__ == "__main__":
    main()
