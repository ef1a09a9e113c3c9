"""Complete jumps per second, exit -> freefall -> opening -> canopy -> landing, with winds.

Two figures per batch size (run by ``make bench``; printed, never asserted):

- **kernel, one core**: ``simulate_batch`` on a perturbed batch in this process;
- **Monte Carlo, every core**: ``run_montecarlo`` with the local process pool (``os.cpu_count()``
  workers), sampling included, from a warm pool; this is what ``stuntsim mc`` achieves.

The scenario is examples/fallout-halo.toml (25 000 ft HALO, head-down, a real FB winds-aloft
bulletin, solved release point, canopy steering to the target) with the issue's [uncertainty]
table; ``--scenario`` picks another example.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

UNCERTAINTY = {
    "wind_speed": {"sigma": "20 %"},
    "wind_direction": {"sigma": "15 deg"},
    "exit_delay": {"sigma": "2 s"},
    "open_altitude": {"sigma": "100 ft"},
    "drag_area": {"low": "-5 %", "high": "5 %"},
    "canopy_forward_speed": {"sigma": "5 %"},
    "canopy_descent_rate": {"sigma": "5 %"},
}


def setup(name: str):
    from stuntsim.jump.plan import build_plan
    from stuntsim.jump.result import simulate
    from stuntsim.jump.scenario import JumpScenario
    from stuntsim.sim.montecarlo import Job, limits_from_checks

    path = ROOT / "examples" / name
    doc = tomllib.loads(path.read_text())
    unc = dict(UNCERTAINTY)
    if "freefall_time" in doc.get("jump", {}):
        unc.pop("open_altitude")
        unc["freefall_time"] = {"sigma": "1 s"}
    doc["uncertainty"] = unc
    model = JumpScenario.model_validate(doc)
    plan = build_plan(model, path)
    nominal = simulate(plan)
    job = Job(
        plan=plan,
        uncertainty=model.uncertainty,
        seed=1,
        exit_east=float(nominal.outcome.exit_pos[0, 0]),
        exit_north=float(nominal.outcome.exit_pos[0, 1]),
        origin_east=nominal.landing_east_m,
        origin_north=nominal.landing_north_m,
        limits=limits_from_checks(nominal.checks, plan),
    )
    return job, nominal


def kernel_rate(job, n: int) -> tuple[float, float]:
    from stuntsim.jump.kernel import simulate_batch
    from stuntsim.jump.uncertainty import sample_batch

    batch, _ = sample_batch(
        job.plan, job.uncertainty, job.seed, 0, n, job.exit_east, job.exit_north
    )
    simulate_batch(batch.take(np.arange(min(n, 1000))))
    w0, c0 = time.perf_counter(), time.process_time()
    simulate_batch(batch)
    return n / (time.perf_counter() - w0), n / (time.process_time() - c0)


def mc_rate(job, n: int, workers: int) -> float:
    from stuntsim.sim.backends import LocalBackend
    from stuntsim.sim.montecarlo import run_montecarlo

    with LocalBackend(workers) as backend:
        backend.start(job)
        run_montecarlo(job, 2 * 4096 * backend.workers, backend)  # warm the workers
        t0 = time.perf_counter()
        run_montecarlo(job, n, backend)
        return n / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="fallout-halo.toml")
    ap.add_argument("--sizes", default="1e5,1e6")
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()
    job, nominal = setup(args.scenario)
    workers = args.workers or os.cpu_count() or 1
    print(f"== throughput: {args.scenario}, complete jumps (exit to landing) ==")
    print(
        f"nominal: freefall {nominal.freefall_time_s:.0f} s, canopy {nominal.canopy_time_s:.0f} s,"
        f" winds: {job.plan.air.wind.source}"
    )
    for s in args.sizes.split(","):
        n = int(float(s))
        wall, cpu = kernel_rate(job, n) if n <= 1_000_000 else (float("nan"), float("nan"))
        mc = mc_rate(job, n, workers)
        print(
            f"N = {n:>10,}: kernel {wall:>9,.0f} jumps/s one core ({cpu:,.0f} per CPU-second); "
            f"Monte Carlo {mc:>9,.0f} jumps/s on {workers} workers"
        )


if __name__ == "__main__":
    main()
