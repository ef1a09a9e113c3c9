"""Simulate a helicopter plan: a batch of samples through the same path evaluation and checks.

``simulate_batch(plan, samples)`` flies and evaluates each sample's path (the nominal path when
the sample carries no wind or pilot error) and returns the checks on the batch with per-sample
columns; ``simulate(plan)`` is the batch of one nominal sample plus the result assembly (the
path arrays, segments, events, rig figures) that the presenters show.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np

from stuntsim.constants import RHO0
from stuntsim.heli import performance as perf
from stuntsim.heli.along import evaluate
from stuntsim.heli.balance import balance
from stuntsim.heli.checks import SampleEval, all_checks
from stuntsim.heli.loads import MountSpec, certify, speed_for_zero_margin
from stuntsim.heli.maneuver import AirSegment, PathError, WaypointSegment, fly
from stuntsim.heli.montecarlo import HeliSamples, nominal
from stuntsim.heli.plan import DT, HeliPlan
from stuntsim.heli.result import Autorotation, Event, HeliResult, SegmentSummary
from stuntsim.heli.rig import rig_loads
from stuntsim.kinds import BatchOutcome
from stuntsim.world.wind import WindProfile


# --- one sample -------------------------------------------------------------------------------
def _wind(plan: HeliPlan, smp: HeliSamples, i: int) -> WindProfile:
    w = plan.air.wind
    turn = smp.wind_turn[i] + smp.layer_turn[i]
    scale = smp.wind_scale[i] * smp.layer_scale[i]
    # the wind veers by d (its "from" direction theta -> theta + d): with e = -V sin(theta),
    # n = -V cos(theta), e' = e cos d + n sin d and n' = n cos d - e sin d
    c, s = np.cos(turn), np.sin(turn)
    e = scale * (w.east * c + w.north * s)
    n = scale * (-w.east * s + w.north * c)
    return WindProfile(w.altitude, e, n, source=w.source + " (perturbed)")


def _atmosphere(plan: HeliPlan, dt: float) -> Any:
    """The atmosphere with every temperature shifted by dt, the pressure re-integrated
    hydrostatically (dp/dz = -p g / (R T)) from its value at the site elevation."""
    atm = plan.air.atmosphere
    if dt == 0.0:
        return atm
    from stuntsim.world.atmosphere import Atmosphere, hydrostatic_lnp

    z = atm.z0 + atm.dz * np.arange(len(atm.t))
    t2 = atm.t + dt
    z_ref = float(plan.site.elevation)
    lnp = hydrostatic_lnp(z, t2, z_ref=z_ref, p_ref=float(atm.pressure(z_ref)))
    return Atmosphere(atm.z0, atm.dz, t2, lnp, source=f"{atm.source} {dt:+.1f} K")


def _specs(plan: HeliPlan, smp: HeliSamples, i: int, wind: WindProfile) -> list[Any]:
    out: list[Any] = []
    zz = np.linspace(-400.0, 9000.0, 64)
    wmax = float(np.max(np.hypot(*wind.at(zz))))
    for k, sp in enumerate(plan.specs):
        dv, db, dz = smp.airspeed[i, k], smp.bank[i, k], smp.descent_rate[i, k]
        if isinstance(sp, WaypointSegment):
            v = max(sp.airspeed + dv, wmax + 1.0)
            out.append(replace(sp, airspeed=v, bank=float(np.clip(sp.bank + db, 0.02, 1.48))))
            continue
        bank = float(np.clip(sp.bank + db, 0.0, 1.48)) if sp.bank > 0 else 0.0
        v = max(sp.airspeed + dv, 0.0 if sp.bank == 0 else 1.0)
        seg = replace(sp, airspeed=v, bank=bank)
        if dz != 0.0:
            base = sp.resolve(0.0)[1] if sp.to_heading is None else (sp.descent_rate or 0.0)
            seg = replace(seg, descent_rate=base + dz, altitude_loss=None)
        out.append(seg)
    return out


def _mount(r: Any, drag_factor: float, rotor_radius: float) -> MountSpec:
    return MountSpec(
        r.name,
        r.mass,
        r.drag_area * drag_factor,
        r.rating if r.rating is not None else r.rated_limit_load,
        r.rating_basis,
        r.fitting_factor,
        r.near_occupants,
        r.under_disc(rotor_radius),
        r.arm,
    )


def _level_flight(ac: Any, speeds: np.ndarray, n: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(gust dn of 30 ft/s, downwash 2 v_i) at sea level at EAS ``speeds`` and load factor n."""
    from stuntsim.heli.loads import GUST_SPEED

    st = perf.steady_flight(ac, RHO0, speeds, 0.0, n)
    return perf.gust_load_factor_increment(ac, RHO0, st, GUST_SPEED), 2.0 * st.v_i


def evaluate_sample(plan: HeliPlan, smp: HeliSamples, i: int, advice: bool = True) -> SampleEval:
    """Fly and evaluate sample i of ``smp``."""
    base = plan.aircraft
    cd = smp.rig_drag[i]
    rig_drag = sum(float(f) * r.drag_area for f, r in zip(cd, plan.rigs, strict=True))
    ac = replace(
        base,
        mass=base.mass + float(smp.mass[i]),
        flat_plate_area=plan.base_flat_plate + rig_drag,
    )
    atm = _atmosphere(plan, float(smp.temperature[i]))
    fp = plan.path
    why = None
    if not smp.path_nominal(i):
        wind = _wind(plan, smp, i)
        try:
            fp = fly(
                _specs(plan, smp, i, wind),
                plan.start,
                plan.start_heading,
                wind,
                dt=DT,
                transitions=plan.limits.transitions,
            )
        except PathError as exc:
            why = f"segment {exc.index + 1}: {exc}"
            fp = plan.path
    mounts_vne = [r.vne for r in plan.rigs if r.vne is not None]
    s = evaluate(
        ac,
        fp,
        atm,
        plan.terrain,
        plan.limits,
        min(mounts_vne) if mounts_vne else None,
        gust_extra=float(smp.gust[i]),
    )
    loads = [
        rig_loads(
            r,
            s["density_kg_m3"],
            s["_v_air"],
            s["_specific_force"],
            s["_normal"],
            s["v_i_m_s"],
            s["gust_dn"],
            plan.limits.gust_speed,
            ac.rotor_radius,
            drag_factor=float(f),
        )
        for r, f in zip(plan.rigs, cd, strict=True)
    ]
    mounts = [_mount(r, float(f), ac.rotor_radius) for r, f in zip(plan.rigs, cd, strict=True)]
    certs = []
    vne_advice: dict[str, str] = {}
    for r, m in zip(plan.rigs, mounts, strict=True):
        vmax = min(base.vne_sea_level, r.vne) if r.vne is not None else base.vne_sea_level
        sp = np.linspace(0.0, vmax, 32)
        dn = _level_flight(ac, sp)[0]
        c = certify(m, vmax, dn, lambda nz, sp=sp: _level_flight(ac, sp, nz)[1], speeds=sp)
        certs.append(c)
        if advice and c.margin < 0 and not m.near_occupants:
            v0 = speed_for_zero_margin(
                m,
                vmax,
                lambda v: _level_flight(ac, v)[0],
                lambda v, nz: _level_flight(ac, v, nz)[1],
            )
            if v0 is not None and v0 > 5.0:
                vne_advice[r.name] = f", or a mount Vne of at most {math.floor(v0 / 0.514444)} kt"
    ba = balance(
        ac.mass - sum(r.mass for r in plan.rigs),
        base.cg_forward,
        base.cg_right,
        [(r.mass, r.position[0], r.position[1]) for r in plan.rigs],
        base.fuel_mass,
        base.fuel_forward,
        base.fuel_flow,
        float(s["t_s"][-1] - s["t_s"][0]),
    )
    return SampleEval(
        s, ac, loads, certs, mounts, ba, flyable=why, extras={"vne_advice": vne_advice}
    )


# --- batches ----------------------------------------------------------------------------------
def run_batch(plan: HeliPlan, samples: HeliSamples) -> tuple[BatchOutcome, list[SampleEval]]:
    """The batch's checks and columns, and the per-sample evaluations."""
    evs = [evaluate_sample(plan, samples, i, advice=len(samples) == 1) for i in range(len(samples))]
    checks = all_checks(plan, evs)
    cols = {
        "max_load_factor": np.array([float(np.max(e.s["load_factor_gust"])) for e in evs]),
        "max_power_fraction": np.array(
            [float(np.max(e.s["power_required_w"] / e.s["power_available_w"])) for e in evs]
        ),
        "min_clearance_m": np.array([float(np.min(e.s["clearance_m"])) for e in evs]),
        "min_vrs_margin": np.array([float(np.min(e.s["vrs_margin"])) for e in evs]),
        "max_descent_rate_m_s": np.array([float(np.max(e.s["descent_rate_m_s"])) for e in evs]),
        "min_airspeed_m_s": np.array([float(np.min(e.s["airspeed_m_s"])) for e in evs]),
        "end_east_m": np.array([float(e.s["east_m"][-1]) for e in evs]),
        "end_north_m": np.array([float(e.s["north_m"][-1]) for e in evs]),
    }
    return BatchOutcome(checks=checks, columns=cols), evs


def simulate_batch(plan: HeliPlan, samples: HeliSamples) -> BatchOutcome:
    """N samples through the same evaluation and checks (the Monte Carlo's kernel)."""
    return run_batch(plan, samples)[0]


def simulate(plan: HeliPlan) -> HeliResult:
    """The nominal plan: ``simulate_batch(plan, nominal(plan, 1))`` plus the result."""
    outcome, evs = run_batch(plan, nominal(plan, 1))
    ev = evs[0]
    ac = ev.ac
    s = ev.s
    atm = plan.air.atmosphere
    z0 = float(s["altitude_m"][0])
    vh0 = float(perf.hover_induced_velocity(ac.weight, atm.density(z0), ac.disc_area))
    ceiling = perf.hover_ceiling_oge(ac, atm)
    speeds = np.linspace(0.0, ac.vne_sea_level, 121)
    rates = perf.autorotation_descent_rate(ac, RHO0, speeds)
    kbest = int(np.nanargmin(rates))
    autorot = Autorotation(float(rates[kbest]), float(speeds[kbest]), float(rates[0]))
    return HeliResult(
        name=plan.name,
        plan=plan,
        samples=s,
        segments=_segment_summaries(plan, s),
        rig_loads=ev.path_loads,
        certifications=ev.certs,
        balance=ev.balance,
        hover_induced_velocity=vh0,
        hover_ceiling_oge=ceiling,
        autorotation=autorot,
        events=_events(plan, s),
        checks=[b.record(0) for b in outcome.checks],
    )


def _segment_summaries(plan: HeliPlan, s: dict[str, np.ndarray]) -> list[SegmentSummary]:
    out = []
    seg = s["segment"]
    tr = s["transition"]
    t = s["t_s"]
    for i, info in enumerate(plan.segments):
        m = seg == i
        if not m.any():
            continue
        idx = np.flatnonzero(m)
        end = min(idx[-1] + 1, len(seg) - 1)
        body = m & ~tr
        bm = body if body.any() else m
        descent = (
            info.descent_rate
            if info.descent_rate is not None
            else float(np.max(s["descent_rate_m_s"][bm]))
        )
        bank = info.bank if info.kind != "waypoints" else float(np.max(np.abs(s["bank_rad"][bm])))
        tr_idx = np.flatnonzero(m & tr)
        t_tr = float(t[min(tr_idx[-1] + 1, len(t) - 1)] - t[tr_idx[0]]) if tr_idx.size else 0.0
        out.append(
            SegmentSummary(
                index=i,
                kind=info.kind,
                name=info.name,
                reference=info.reference,
                t_start_s=float(t[idx[0]]),
                t_end_s=float(t[end]),
                altitude_start_m=float(s["altitude_m"][idx[0]]),
                altitude_end_m=float(s["altitude_m"][end]),
                airspeed_m_s=info.airspeed,
                airspeed_min_m_s=float(np.min(s["airspeed_m_s"][bm])),
                bank_rad=bank,
                radius_m=info.radius,
                descent_rate_m_s=descent,
                load_factor=float(np.max(s["load_factor"][m])),
                power_required_w=float(np.max(s["power_required_w"][m])),
                power_available_w=float(np.min(s["power_available_w"][m])),
                in_vrs=bool(np.any(s["vrs_margin"][m] <= 0.0)),
                min_terrain_clearance_m=float(np.min(s["clearance_m"][m])),
                transition_s=t_tr,
            )
        )
    return out


def _events(plan: HeliPlan, s: dict[str, np.ndarray]) -> list[Event]:
    def ev(name: str, k: int) -> Event:
        return Event(
            name,
            float(s["t_s"][k]),
            float(s["east_m"][k]),
            float(s["north_m"][k]),
            float(s["altitude_m"][k]),
        )

    out = [ev("start", 0)]
    seg = s["segment"]
    for i, info in enumerate(plan.segments):
        idx = np.flatnonzero(seg == i)
        if i > 0 and idx.size:
            label = f"segment {i + 1}: {info.kind}" + (f" ({info.name})" if info.name else "")
            out.append(ev(label, int(idx[0])))
    out.append(ev("max load factor", int(np.argmax(s["load_factor"]))))
    out.append(ev("min terrain clearance", int(np.argmin(s["clearance_m"]))))
    out.append(ev("end", len(seg) - 1))
    out.sort(key=lambda e: e.t_s)
    return out


__all__ = ["AirSegment", "run_batch", "simulate", "simulate_batch"]
