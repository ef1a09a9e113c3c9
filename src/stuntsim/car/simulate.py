"""Simulate a car plan: N samples in one batch, and the nominal run as a batch of one.

- :func:`simulate_batch` ``(plan, samples) -> BatchOutcome``: the batched simulation (the
  compiled kernel, :mod:`stuntsim.car.kernel`), then every check of :mod:`stuntsim.car.checks`
  on the batch and the per-sample columns the Monte Carlo keeps;
- :func:`simulate` ``(plan) -> CarResult``: ``simulate_batch(plan, nominal(plan, 1))`` and the
  result assembly for one run (time histories, events, check records);
- :func:`run_samples`: the raw time histories of a batch (for the planner and the tests), with
  ``kernel="numba"`` (default) or ``"numpy"`` (the reference implementation in
  :mod:`stuntsim.car.dynamics`, kept for the benchmark and the cross-check).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Literal

import numpy as np

from stuntsim.car.samples import CarSamples, nominal
from stuntsim.kinds import BatchOutcome

if TYPE_CHECKING:
    from stuntsim.car.dynamics import SimOutput
    from stuntsim.car.plan import CarPlan
    from stuntsim.car.result import CarResult
    from stuntsim.car.vehicle import Vehicle

Kernel = Literal["numba", "numpy"]
DEFAULT_KERNEL: Kernel = "numba"


def sample_vehicle(
    plan: CarPlan, mu_scale: float, cornering_scale: float, mass_kg: float, cg_height_m: float
) -> Vehicle:
    """The plan's car with one sample's tyre grip, cornering stiffness, mass and CG height.

    The inertias scale with the mass (same shape, heavier); the unsprung masses, springs and
    dampers stay (the static deflection follows from the new load).
    """
    veh = plan.vehicle
    over: dict[str, object] = {}
    if mu_scale != 1.0 or cornering_scale != 1.0:
        over["tyre"] = veh.tyre.scaled(mu_scale, cornering_scale)
        over["tyre_rear"] = veh.tyre_rear.scaled(mu_scale, cornering_scale)
    if mass_kg != veh.mass:
        k = mass_kg / veh.mass
        over.update(
            mass=mass_kg,
            yaw_inertia=veh.yaw_inertia * k,
            pitch_inertia=veh.pitch_inertia * k,
            roll_inertia=veh.roll_inertia * k,
        )
    if cg_height_m != veh.cg_height:
        over["cg_height"] = cg_height_m
    if not over:
        return veh
    return replace(veh, **over)  # type: ignore[arg-type]


def vehicles(plan: CarPlan, samples: CarSamples) -> tuple[list[Vehicle], np.ndarray]:
    """The distinct cars of a batch and, per sample, the index of its car."""
    cols = samples.vehicle_columns()
    uniq, inverse = np.unique(cols, axis=0, return_inverse=True)
    cars = [sample_vehicle(plan, *map(float, row)) for row in uniq]
    return cars, np.asarray(inverse).reshape(-1)


def run_samples(
    plan: CarPlan,
    samples: CarSamples,
    kernel: Kernel = DEFAULT_KERNEL,
    dt: float | None = None,
    record_every: int | None = None,
    parallel: bool | None = None,
) -> SimOutput:
    """Integrate every sample of the batch; the recorded time histories (SimOutput).

    Each sample runs until the plan's duration or until its CG is 15 m past the foot of the
    steps; a sample that stops early keeps its last state to the end of the records, so a
    sample's histories do not depend on the other samples of the batch. ``parallel`` (numba
    kernel): threads over the cores; default when the batch has more than one sample.
    """
    step = dt or plan.dt
    rec = record_every or plan.record_every
    if kernel == "numba":
        from stuntsim.car.kernel import run_batch

        par = len(samples) > 1 if parallel is None else parallel
        return run_batch(plan, samples, step, rec, par)
    return _run_numpy(plan, samples, step, rec)


def _run_numpy(plan: CarPlan, samples: CarSamples, dt: float, rec: int) -> SimOutput:
    """The reference path: stuntsim.car.dynamics, one call per distinct car (timing, entry
    speed, keyframe values and trigger thresholds vary inside a call)."""
    from stuntsim.car.driver import CHANNELS, DriverBatch, DriverSamples
    from stuntsim.car.dynamics import CarModel, simulate

    base = nominal(plan, 1)
    cars, which = vehicles(plan, samples)
    offsets_all = samples.key_time_s - base.key_time_s
    parts: list[tuple[np.ndarray, SimOutput]] = []
    for j, veh in enumerate(cars):
        idx = np.nonzero(which == j)[0]
        model = CarModel(veh, plan.ground, engine_running=plan.start.engine_running)
        # per-sample keyframe times, values and trigger thresholds (driver.DriverSamples)
        offsets = DriverSamples(
            offsets_all[idx], samples.key_value[idx], samples.trigger_value[idx]
        )
        B = len(idx)
        pedal0 = DriverBatch(plan.timeline, offsets, B).values(0.0)[:, CHANNELS.index("clutch")]
        x0 = model.initial_state(
            samples.start_east_m[idx],
            samples.start_north_m[idx],
            np.full(B, -plan.start.heading),
            samples.speed_m_s[idx],
            np.full(B, plan.start.gear),
            pedal0,
        )
        out = simulate(
            model,
            plan.timeline,
            x0,
            plan.duration,
            dt,
            rec,
            offsets=offsets,
            stop_north=plan.stop_north,
        )
        out.sprung_mass = np.full(B, model.ms)
        out.static_fz = np.broadcast_to(veh.static_loads(), (B, 4)).copy()
        parts.append((idx, out))
    return _merge(parts, len(samples), plan.stop_north)


def _merge(
    parts: list[tuple[np.ndarray, SimOutput]], n: int, stop_north: float | None
) -> SimOutput:
    """One SimOutput from several (same times); samples that passed the stop line keep their
    state from the first record past it."""
    from dataclasses import fields

    from stuntsim.car.dynamics import SimOutput

    n_rec = max(o.t.shape[0] for _, o in parts)
    longest = max((o for _, o in parts), key=lambda o: o.t.shape[0])
    values: dict[str, object] = {}
    for f in fields(SimOutput):
        name = f.name
        first = getattr(parts[0][1], name)
        if name in ("t", "dt", "record_every"):
            values[name] = getattr(longest, name)
            continue
        if first is None:
            values[name] = None
            continue
        arr = np.asarray(first)
        per_sample = ("max_fz", "max_axle", "body_peak", "trigger_times", "static_fz")
        if arr.ndim >= 2 and name not in per_sample:
            full = np.empty((n, n_rec, *arr.shape[2:]), dtype=arr.dtype)
            for idx, o in parts:
                a = getattr(o, name)
                full[idx, : a.shape[1]] = a
                full[idx, a.shape[1] :] = a[:, -1:]
        else:
            full = np.empty((n, *arr.shape[1:]), dtype=arr.dtype)
            for idx, o in parts:
                full[idx] = getattr(o, name)
        values[name] = full
    out = SimOutput(**values)  # type: ignore[arg-type]
    if stop_north is not None:
        _freeze_after_stop(out, stop_north)
    return out


def _freeze_after_stop(out: SimOutput, stop_north: float) -> None:
    """Hold each sample's records from its first record past ``stop_north`` (in place)."""
    past = out.x[:, :, 1] > stop_north
    for b in np.nonzero(past.any(axis=1))[0]:
        i = int(np.argmax(past[b]))
        for name in (
            "x",
            "inputs",
            "fz",
            "fs_sum",
            "kappa",
            "alpha",
            "clutch_torque",
            "clutch_slip",
            "ratio",
            "ax",
            "ay",
            "body_force",
            "body_clear",
            "hg",
            "slope",
        ):
            a = getattr(out, name)
            if a is not None:
                a[b, i + 1 :] = a[b, i : i + 1]


def simulate_batch(
    plan: CarPlan,
    samples: CarSamples,
    kernel: Kernel = DEFAULT_KERNEL,
    parallel: bool | None = None,
) -> BatchOutcome:
    """Simulate N samples of the plan and evaluate every check on the batch (``parallel``: see
    :func:`run_samples`)."""
    from stuntsim.car.checks import all_checks, analyse

    out = run_samples(plan, samples, kernel, parallel=parallel)
    run = analyse(plan, samples, out)
    return BatchOutcome(checks=all_checks(run), columns=run.columns())


def simulate(plan: CarPlan, kernel: Kernel = DEFAULT_KERNEL) -> CarResult:
    """The nominal run (a batch of one) with its time histories, events and checks."""
    from stuntsim.car.checks import all_checks, analyse

    samples = nominal(plan, 1)
    out = run_samples(plan, samples, kernel)
    run = analyse(plan, samples, out)
    batches = all_checks(run)
    return run.result(0, [b.record(0) for b in batches])
