"""Car simulations per second for the stairs example at its own step, as a whole process.

Each measurement is a fresh Python process (``--worker``) that imports stuntsim, loads
examples/fallout-stairs.toml, draws N Monte Carlo samples of it (its ``[uncertainty]``, or a
default spread of timing, speed and grip when it has none) in seed blocks of 64 and runs
``simulate_batch`` (the whole check code included) on every block; the figure is N divided by
the process's wall time, start-up and numba's cache load included. Both kernels use the 2
cores: the compiled one (numba, ``prange`` threads) and the numpy reference
(stuntsim.car.dynamics, two worker processes, one block at a time each).

    python benchmarks/bench_car.py            # both kernels, side by side, with the ratio,
                                              # and `stuntsim mc` on the example
    python benchmarks/bench_car.py -n 4000    # more samples (the numpy path runs n / 8)

Figures are printed, never asserted (docs/performance.md keeps the measured ones).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "fallout-stairs.toml"
BLOCK = 64


def _blocks(n: int) -> list[tuple[int, int]]:
    return [(a, min(n, a + BLOCK)) for a in range(0, n, BLOCK)]


_CACHE: list = []  # type: ignore[type-arg]


def _one_block(args: tuple[str, int, int, int, bool]) -> int:
    kernel, a, b, seed, full = args
    import numpy as np

    from stuntsim.car.montecarlo import MONTECARLO
    from stuntsim.car.simulate import simulate_batch
    from stuntsim.scenario import load

    if not _CACHE:
        loaded = load(EXAMPLE)
        unc = MONTECARLO.uncertainty(loaded.model) if full else None
        _CACHE.append((loaded.plan, unc or _default_uncertainty(full)))
    plan, unc = _CACHE[0]
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(a // BLOCK,)))
    samples = MONTECARLO.sample(plan, unc, rng, b - a)
    out = simulate_batch(plan, samples, kernel=kernel)  # type: ignore[arg-type]
    return len(out.checks[0].ok)


def _default_uncertainty(full: bool):  # type: ignore[no-untyped-def]
    """Driver errors only (what the numpy reference batches: one car, many timings and
    speeds), or those and the car's (each sample its own car)."""
    from stuntsim.car.scenario import UncertaintySection

    if not full:
        return UncertaintySection(timing="0.05 s", trigger="0.05 s", speed="0.5 m/s")
    return UncertaintySection(
        timing="0.05 s", trigger="0.05 s", speed="0.5 m/s", surface_friction=0.05, tyre_grip=0.03
    )


def worker(kernel: str, n: int, seed: int, full: bool) -> None:
    jobs = [(kernel, a, b, seed, full) for a, b in _blocks(n)]
    if kernel == "numpy":
        from multiprocessing import get_context

        with get_context("fork").Pool(2) as pool:
            done = sum(pool.map(_one_block, jobs, chunksize=1))
    else:
        done = sum(_one_block(j) for j in jobs)
    assert done == n


def measure(kernel: str, n: int, full: bool = False, seed: int = 1) -> tuple[float, float]:
    """(wall s, CPU s of the process and its children) of a whole process simulating n
    samples with ``kernel``. The CPU time says what 2 idle cores would do on a shared
    machine: sims/s = 2 n / CPU s."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    cmd = [sys.executable, __file__, "--worker", kernel, "-n", str(n), "--seed", str(seed)]
    subprocess.run(
        [*cmd, *(["--full"] if full else [])],
        check=True,
        env={**os.environ, "NUMBA_NUM_THREADS": "2"},
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure_mc(n: int, seed: int = 1) -> tuple[float, float]:
    """(wall s, CPU s) of ``stuntsim mc examples/fallout-stairs.toml -n N`` (local backend: 2
    worker processes, one kernel thread each), the way a crew runs it."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    exe = Path(sys.executable).with_name("stuntsim")
    cmd = [str(exe), "mc", str(EXAMPLE), "-n", str(n), "--seed", str(seed), "--workers", "2"]
    subprocess.run([*cmd, "--json"], check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=2048, help="samples for the compiled kernel")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--worker", choices=("numba", "numpy"))
    ap.add_argument("--full", action="store_true", help="car and ground errors too")
    a = ap.parse_args()
    if a.worker:
        worker(a.worker, a.n, a.seed, a.full)
        return
    measure("numba", BLOCK)  # fills numba's on-disk cache (not timed)
    n_np = max(BLOCK, a.n // 8)
    rows = [
        ("numpy reference (2 procs)", n_np, *measure("numpy", n_np)),
        ("numba (2 threads)", a.n, *measure("numba", a.n)),
        ("numba, car errors too", a.n, *measure("numba", a.n, full=True)),
    ]
    if "[uncertainty]" in EXAMPLE.read_text():
        rows.append(("stuntsim mc (2 workers)", a.n, *measure_mc(a.n)))
    print("car: stairs example (examples/fallout-stairs.toml), its own step, whole process")
    print("  (driver timing and speed errors; 'car errors too' adds grip: each sample its own car)")
    print(
        f"  {'kernel':<28}{'samples':>8}{'wall s':>9}{'sims/s':>9}{'CPU s':>9}{'2 idle cores':>14}"
    )
    rate = []
    for name, n, wall, cpu in rows:
        rate.append((n / wall, 2 * n / cpu))
        print(f"  {name:<28}{n:>8}{wall:>9.1f}{n / wall:>9.0f}{cpu:>9.1f}{2 * n / cpu:>14.0f}")
    print(
        f"  ratio numba / numpy: {rate[1][0] / rate[0][0]:.1f}x by wall time, "
        f"{rate[1][1] / rate[0][1]:.1f}x by CPU time; goal >= 300 sims/s"
    )
    load = os.getloadavg()[0]
    if load > 2.5:
        print(f"  note: load average {load:.1f} on {os.cpu_count()} cores: wall figures are low")


if __name__ == "__main__":
    main()
