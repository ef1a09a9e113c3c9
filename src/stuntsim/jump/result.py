"""Run a jump plan and gather the result: events, trajectory, figures and checks (plain data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stuntsim.checks import Check
from stuntsim.jump.dynamics import wind_at
from stuntsim.jump.kernel import JumpOutcome, simulate_batch
from stuntsim.jump.plan import JumpPlan

PHASE_NAMES = ("freefall", "opening", "canopy", "landed")


@dataclass(frozen=True)
class Event:
    name: str
    t_s: float
    altitude_m: float
    speed_m_s: float
    east_m: float
    north_m: float

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class JumpResult:
    name: str
    plan: JumpPlan
    outcome: JumpOutcome
    trajectory: dict[str, np.ndarray]
    events: list[Event]
    max_speed_m_s: float
    max_mach: float
    peak_opening_g: float
    freefall_time_s: float
    canopy_time_s: float
    total_time_s: float
    landing_east_m: float
    landing_north_m: float
    landing_lat: float
    landing_lon: float
    miss_distance_m: float
    impact: bool
    checks: list[Check] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)

    def event(self, name: str) -> Event:
        return next(e for e in self.events if e.name == name)


def _event(name: str, t, pos, vel) -> Event:
    return Event(
        name,
        float(t),
        float(pos[2]),
        float(np.linalg.norm(vel)),
        float(pos[0]),
        float(pos[1]),
    )


def trajectory_columns(plan: JumpPlan, raw: dict[str, np.ndarray], batch) -> dict[str, Any]:
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


def simulate(plan: JumpPlan) -> JumpResult:
    """Fly the nominal plan (a batch of one) and assemble the result and its checks."""
    from stuntsim.jump.checks import jump_checks

    spot = None
    cfg = plan.scenario.spot
    if cfg is not None:
        from dataclasses import replace

        from stuntsim.jump.spot import solve_release

        spot = solve_release(plan, cfg.mode, cfg.jumpers, cfg.separation)
        if cfg.solve:
            plan = replace(plan, exit_east=spot.east_m, exit_north=spot.north_m)
    batch = plan.batch(1)
    o = simulate_batch(batch, record=True)
    traj = trajectory_columns(plan, o.trajectory, batch)
    impact = bool(o.impact_freefall[0] or o.impact_opening[0])
    events = [
        _event("exit", o.exit_t[0], o.exit_pos[0], o.exit_vel[0]),
        _event("max_speed", o.max_speed_t[0], o.max_speed_pos[0], o.max_speed_vel[0]),
    ]
    if plan.drogue is not None:
        td = float(plan.drogue.deploy_time)
        if td <= o.deploy_t[0]:
            i = int(np.searchsorted(traj["t_s"], td))
            i = min(i, len(traj["t_s"]) - 1)
            events.append(
                Event(
                    "drogue",
                    td,
                    float(traj["altitude_m"][i]),
                    float(traj["speed_m_s"][i]),
                    float(traj["east_m"][i]),
                    float(traj["north_m"][i]),
                )
            )
    if not o.impact_freefall[0]:
        events.append(_event("deploy", o.deploy_t[0], o.deploy_pos[0], o.deploy_vel[0]))
        if not o.impact_opening[0]:
            events.append(_event("canopy_open", o.open_t[0], o.open_pos[0], o.open_vel[0]))
    events.append(_event("landing", o.land_t[0], o.land_pos[0], o.land_vel[0]))
    events.sort(key=lambda e: e.t_s)
    le, ln = float(o.land_pos[0, 0]), float(o.land_pos[0, 1])
    lat, lon = plan.site.to_geodetic(le, ln)
    canopy_time = 0.0 if impact else float(o.land_t[0] - o.open_t[0])
    res = JumpResult(
        name=plan.name,
        plan=plan,
        outcome=o,
        trajectory=traj,
        events=events,
        max_speed_m_s=float(o.max_speed[0]),
        max_mach=float(o.max_mach[0]),
        peak_opening_g=float(o.peak_g[0]),
        freefall_time_s=float(o.deploy_t[0] - o.exit_t[0]),
        canopy_time_s=canopy_time,
        total_time_s=float(o.land_t[0] - o.exit_t[0]),
        landing_east_m=le,
        landing_north_m=ln,
        landing_lat=float(lat),
        landing_lon=float(lon),
        miss_distance_m=float(np.hypot(le, ln)),
        impact=impact,
    )
    if spot is not None:
        res.extras["release_point"] = spot.to_json()
    fall = -traj["v_up_m_s"]
    i_fall = int(np.argmax(fall))
    res.extras["max_fall_rate_m_s"] = float(fall[i_fall])
    res.extras["max_fall_rate_altitude_m"] = float(traj["altitude_m"][i_fall])
    res.checks = jump_checks(res)
    return res
