"""Fly a jump plan: the batched simulation (N samples) and the nominal run (a batch of one).

``simulate_batch(plan, samples)`` runs the kernel (jump/kernel.py) on the samples, applies the
pilot's landing error, evaluates every check (jump/checks.py) and returns a
:class:`~stuntsim.kinds.BatchOutcome` with the per-sample columns of the Monte Carlo.
``simulate(plan)`` is that on ``nominal(plan, 1)``, with the trajectory recorded and the result
assembled (jump/result.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from stuntsim.jump.checks import Flight, jump_checks
from stuntsim.jump.dynamics import JumpBatch, wind_at
from stuntsim.jump.kernel import JumpOutcome
from stuntsim.jump.kernel import simulate_batch as kernel_batch
from stuntsim.jump.result import PHASE_NAMES, Event, JumpResult, Landing, Reachable
from stuntsim.kinds import BatchOutcome

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from stuntsim.jump.plan import JumpPlan


@dataclass(frozen=True)
class JumpSamples:
    """N jumps to fly: the kernel batch, the pilot's landing error and the sampled inputs."""

    batch: JumpBatch
    pilot_east: NDArray[np.float64]  # m, the pilot's landing error (0 in a nominal run)
    pilot_north: NDArray[np.float64]
    inputs: dict[str, NDArray[Any]] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return self.batch.n


def nominal(plan: JumpPlan, n: int) -> JumpSamples:
    """``n`` copies of the nominal plan (from its solved release point, if any)."""
    from stuntsim.jump.plan import nominal_batch

    return JumpSamples(nominal_batch(plan, n), np.zeros(n), np.zeros(n))


def fly(plan: JumpPlan, samples: JumpSamples, record: bool = False) -> Flight:
    """Run the kernel on the samples; the pilot's error moves the landing of canopy flights."""
    o = kernel_batch(samples.batch, record=record)
    impact = o.impact_freefall | o.impact_opening
    le = o.land_pos[:, 0] + np.where(impact, 0.0, samples.pilot_east)
    ln = o.land_pos[:, 1] + np.where(impact, 0.0, samples.pilot_north)
    return Flight(plan, samples.batch, o, le, ln)


def columns(f: Flight) -> dict[str, NDArray[Any]]:
    """Per-sample columns of the Monte Carlo (SI; float32 where millimetres suffice)."""
    o = f.outcome
    b = f.batch
    ground = f.plan.site.elevation
    deployed = ~o.impact_freefall
    opened = ~f.impact
    radius = np.where(opened, b.canopy_u0 / b.canopy_w0 * (o.open_pos[:, 2] - ground), 0.0)
    ce = o.open_pos[:, 0] + o.canopy_drift[:, 0]
    cn = o.open_pos[:, 1] + o.canopy_drift[:, 1]
    to_centre = np.hypot(b.target_east - ce, b.target_north - cn)
    reachable = opened & (to_centre <= radius)
    f32 = np.float32
    return {
        "landing_east_m": f.landing_east.astype(f32),
        "landing_north_m": f.landing_north.astype(f32),
        "deploy_altitude_m": np.where(deployed, o.deploy_pos[:, 2], np.nan).astype(f32),
        "freefall_time_s": np.where(deployed, o.deploy_t - o.exit_t, np.nan).astype(f32),
        "open_east_m": np.where(opened, o.open_pos[:, 0], np.nan).astype(f32),
        "open_north_m": np.where(opened, o.open_pos[:, 1], np.nan).astype(f32),
        "open_altitude_m": np.where(opened, o.open_pos[:, 2], np.nan).astype(f32),
        "reachable_radius_m": radius.astype(f32),
        "reachable_centre_to_target_m": np.where(opened, to_centre, np.nan).astype(f32),
        "target_reachable": reachable.astype(np.int8),
        "impact": f.impact.astype(np.int8),
    }


def simulate_batch(plan: JumpPlan, samples: JumpSamples) -> BatchOutcome:
    """The batched simulation: checks on the batch and the per-sample columns."""
    f = fly(plan, samples)
    return BatchOutcome(checks=jump_checks(f), columns=columns(f))


def nominal_trajectory(plan: JumpPlan) -> tuple[JumpOutcome, dict[str, NDArray[Any]]]:
    """The recorded nominal run and its trajectory columns (memoised on the plan)."""
    got = plan.cache.get("nominal")
    if got is None:
        s = nominal(plan, 1)
        o = kernel_batch(s.batch, record=True)
        got = (o, trajectory_columns(plan, o.trajectory or {}, s.batch))
        plan.cache["nominal"] = got
    return got


def trajectory_columns(
    plan: JumpPlan, raw: dict[str, NDArray[Any]], batch: JumpBatch
) -> dict[str, Any]:
    """Trajectory arrays with derived air data (airspeed, Mach, temperature, density)."""
    y = raw["y"]
    z = y[:, 2]
    atm = plan.air.atmosphere
    we, wn = wind_at(batch.take(np.zeros(len(z), dtype=int)), z)
    air = np.sqrt((y[:, 3] - we) ** 2 + (y[:, 4] - wn) ** 2 + y[:, 5] ** 2)
    return {
        "t_s": raw["t"],
        "east_m": y[:, 0],
        "north_m": y[:, 1],
        "altitude_m": z,
        "speed_m_s": np.linalg.norm(y[:, 3:6], axis=1),
        "v_east_m_s": y[:, 3],
        "v_north_m_s": y[:, 4],
        "v_up_m_s": y[:, 5],
        "airspeed_m_s": air,
        "mach": air / atm.speed_of_sound(z),
        "wind_east_m_s": we,
        "wind_north_m_s": wn,
        "temperature_k": atm.temperature(z),
        "density_kg_m3": atm.density(z),
        "phase": np.array([PHASE_NAMES[i] for i in raw["phase"]]),
    }


def _event(name: str, t: Any, pos: Any, vel: Any) -> Event:
    return Event(
        name, float(t), float(pos[2]), float(np.linalg.norm(vel)), float(pos[0]), float(pos[1])
    )


def simulate(plan: JumpPlan) -> JumpResult:
    """Fly the nominal plan (a batch of one) and assemble the result and its checks."""
    samples = nominal(plan, 1)
    o, traj = nominal_trajectory(plan)
    f = Flight(plan, samples.batch, o, o.land_pos[:, 0].copy(), o.land_pos[:, 1].copy())
    checks = [b.record(0) for b in jump_checks(f)]
    impact = bool(f.impact[0])
    events = [
        _event("exit", o.exit_t[0], o.exit_pos[0], o.exit_vel[0]),
        _event("max_speed", o.max_speed_t[0], o.max_speed_pos[0], o.max_speed_vel[0]),
    ]
    t_traj = traj["t_s"]

    def at_time(name: str, t: float) -> Event:
        i = min(int(np.searchsorted(t_traj, t)), len(t_traj) - 1)
        return Event(
            name,
            t,
            float(traj["altitude_m"][i]),
            float(traj["speed_m_s"][i]),
            float(traj["east_m"][i]),
            float(traj["north_m"][i]),
        )

    if plan.drogue is not None and plan.drogue.deploy_time <= o.deploy_t[0]:
        events.append(at_time("drogue", float(plan.drogue.deploy_time)))
    if not o.impact_freefall[0]:
        events.append(_event("deploy", o.deploy_t[0], o.deploy_pos[0], o.deploy_vel[0]))
        if not o.impact_opening[0]:
            events.append(_event("canopy_open", o.open_t[0], o.open_pos[0], o.open_vel[0]))
    events.append(_event("landing", o.land_t[0], o.land_pos[0], o.land_vel[0]))
    events.sort(key=lambda e: e.t_s)
    le, ln = float(o.land_pos[0, 0]), float(o.land_pos[0, 1])
    lat, lon = plan.site.to_geodetic(le, ln)
    gs = float(np.hypot(o.land_vel[0, 0], o.land_vel[0, 1]))
    swe, swn = (float(v[0]) for v in f.surface_wind())
    landing = Landing(
        east_m=le,
        north_m=ln,
        lat=float(lat),
        lon=float(lon),
        miss_distance_m=float(np.hypot(le, ln)),
        ground_speed_m_s=gs,
        heading_rad=(
            math.atan2(float(o.land_vel[0, 0]), float(o.land_vel[0, 1])) % (2 * math.pi)
            if gs > 1e-6
            else math.nan
        ),
        descent_rate_m_s=float(-o.land_vel[0, 2]),
        surface_wind_m_s=math.hypot(swe, swn),
        surface_wind_from_rad=math.atan2(-swe, -swn) % (2 * math.pi),
    )
    reach = None
    if not impact:
        cols = columns(f)
        reach = Reachable(
            centre_east_m=float(o.open_pos[0, 0] + o.canopy_drift[0, 0]),
            centre_north_m=float(o.open_pos[0, 1] + o.canopy_drift[0, 1]),
            radius_m=float(cols["reachable_radius_m"][0]),
            target_reachable=bool(cols["target_reachable"][0]),
        )
    fall = -traj["v_up_m_s"]
    i_fall = int(np.argmax(fall))
    return JumpResult(
        name=plan.name,
        plan=plan,
        outcome=o,
        trajectory=traj,
        events=events,
        max_speed_m_s=float(o.max_speed[0]),
        max_mach=float(o.max_mach[0]),
        max_fall_rate_m_s=float(fall[i_fall]),
        max_fall_rate_altitude_m=float(traj["altitude_m"][i_fall]),
        peak_opening_g=float(o.peak_g[0]),
        deploy_airspeed_m_s=float(o.deploy_airspeed[0]),
        opening_duration_s=float(o.open_t[0] - o.deploy_t[0]),
        freefall_time_s=float(o.deploy_t[0] - o.exit_t[0]),
        canopy_time_s=0.0 if impact else float(o.land_t[0] - o.open_t[0]),
        total_time_s=float(o.land_t[0] - o.exit_t[0]),
        landing=landing,
        reachable=reach,
        impact=impact,
        release_point=plan.release,
        checks=checks,
    )
