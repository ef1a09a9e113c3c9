"""The helicopter's checks: one function per check, each on a batch of samples.

Every function takes the plan and the per-sample evaluations (:class:`SampleEval`: the path
state of heli/along.py, the rig loads, weight and balance) and returns a
:class:`stuntsim.checks.CheckBatch`; ``run`` (a batch of one) and the Monte Carlo use the same
code. Each docstring gives the check's equation, its margin (>= 0 passes) and its source.
Messages and advice are computed per sample from the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stuntsim.checks import CheckBatch, Severity
from stuntsim.constants import FT, G0, KT
from stuntsim.heli.balance import Balance
from stuntsim.heli.loads import SOURCE as LOAD_SOURCE
from stuntsim.heli.loads import Certification, rating_needed
from stuntsim.heli.rig import RigLoad

FPM = FT / 60.0


@dataclass
class SampleEval:
    """One sample's evaluation: path state, rig loads (path and certification) and balance."""

    s: dict[str, np.ndarray]
    ac: Any  # Aircraft of this sample (mass with rigs)
    path_loads: list[RigLoad]
    certs: list[Certification]
    mounts: list[Any]  # loads.MountSpec per rig
    balance: Balance
    flyable: str | None = None  # None, or why the sample's plan could not be flown
    extras: dict[str, Any] = field(default_factory=dict)


Row = tuple[bool, float, float, float, int | None, str, str | None]


def _batch(
    cid: str,
    plan: Any,
    evs: Sequence[SampleEval],
    fn: Callable[[SampleEval], Row],
    unit: str,
    source: str | Callable[[SampleEval], str],
    severity: Severity = "fail",
    quantity: str | None = None,
) -> CheckBatch:
    rows = [fn(ev) for ev in evs]
    ok = np.array([r[0] for r in rows], dtype=bool)
    margin = np.array([r[1] for r in rows], dtype=float)
    value = np.array([r[2] for r in rows], dtype=float)
    limit = np.array([r[3] for r in rows], dtype=float)
    idx = [r[4] for r in rows]
    texts = [(r[5], r[6]) for r in rows]
    ats = [None if k is None else _at(ev.s, k) for ev, k in zip(evs, idx, strict=True)]
    src = source if isinstance(source, str) else source(evs[0])
    return CheckBatch(
        id=cid,
        ok=ok,
        margin=margin,
        value=value,
        limit=limit,
        unit=unit,
        source=src,
        severity=severity,
        describe=texts.__getitem__,
        quantity=quantity,
        at=ats.__getitem__,
    )


def _at(s: dict[str, np.ndarray], k: int) -> dict[str, float]:
    return {
        "t_s": float(s["t_s"][k]),
        "east_m": float(s["east_m"][k]),
        "north_m": float(s["north_m"][k]),
        "altitude_m": float(s["altitude_m"][k]),
    }


def _where(s: dict[str, np.ndarray], k: int) -> str:
    tr = " (in a transition)" if bool(s["transition"][k]) else ""
    return f"at t = {s['t_s'][k]:.0f} s ({s['altitude_m'][k] / FT:,.0f} ft MSL){tr}"


def _upper(value: float, limit: float) -> float:
    """Margin of an upper limit: (limit - value) / |limit|."""
    return (limit - value) / abs(limit) if limit != 0 else -math.copysign(1.0, value)


# --- aircraft ---------------------------------------------------------------------------------
def mass(plan: Any, evs: Sequence[SampleEval]) -> CheckBatch:
    """Gross mass with the rigs against the maximum: m = m_aircraft + sum(m_rig) <= m_max;
    margin (m_max - m) / m_max. Source: the type's maximum weight (internal load)."""
    ac = plan.aircraft
    rig_mass = sum(r.mass for r in plan.rigs)

    def row(ev: SampleEval) -> Row:
        m = float(ev.balance.mass_start[0])
        ok = m <= ac.max_mass * (1 + 1e-9)
        msg = (
            f"gross mass {m:,.0f} kg at take-off ({m - rig_mass:,.0f} kg aircraft, crew and fuel "
            f"+ {rig_mass:,.0f} kg of rigs) against the maximum {ac.max_mass:,.0f} kg"
        )
        adv = (
            None
            if ok
            else f"take off at least {m - ac.max_mass:,.0f} kg lighter (fuel, crew or rigs)"
        )
        return ok, _upper(m, ac.max_mass), m, ac.max_mass, None, msg, adv

    return _batch("mass", plan, evs, row, "kg", ac.sources.get("max_mass", "aircraft data"))


def cg(plan: Any, evs: Sequence[SampleEval]) -> CheckBatch:
    """Longitudinal and lateral CG (with the rigs) at take-off and after the fuel burn, against
    the envelope: aft <= x_cg <= fwd, |y_cg| <= y_lim. margin = the smallest of
    (fwd - x)/h, (x - aft)/h, (y_lim - |y|)/y_lim, h = (fwd - aft)/2, at either end."""
    ac = plan.aircraft
    fwd, aft, lat = ac.cg_forward_limit, ac.cg_aft_limit, ac.cg_lateral_limit
    half = 0.5 * (fwd - aft)

    def row(ev: SampleEval) -> Row:
        b = ev.balance
        worst = (math.inf, "", 0.0, 0.0, 0.0)
        for when, x, y, m in (
            ("take-off", b.x_start[0], b.y_start[0], b.mass_start[0]),
            ("end of flight", b.x_end[0], b.y_end[0], b.mass_end[0]),
        ):
            for axis, marg, val, lim in (
                ("forward", (fwd - x) / half, x, fwd),
                ("aft", (x - aft) / half, x, aft),
                ("lateral", (lat - abs(y)) / lat, y, math.copysign(lat, y) if y else lat),
            ):
                if marg < worst[0]:
                    worst = (float(marg), f"{axis} at {when}", float(val), float(lim), float(m))
        marg, what, val, lim, m = worst
        ok = marg >= 0.0
        msg = (
            f"CG {b.x_start[0]:+.3f} m forward / {b.y_start[0]:+.3f} m right of the rotor axis "
            f"at take-off, {b.x_end[0]:+.3f} / {b.y_end[0]:+.3f} m after "
            f"{b.fuel_burnt[0]:.0f} kg of fuel; envelope {aft:+.2f} to {fwd:+.2f} m, lateral "
            f"+/-{lat:.2f} m; closest: {what}"
        )
        adv = None
        if not ok:
            shift = abs(val - lim) * m
            adv = (
                f"move the CG {abs(val - lim):.3f} m back inside the {what.split()[0]} limit: "
                f"{shift:.0f} kg·m of moment (e.g. {shift:.0f} kg of ballast 1 m the other way, "
                "or move the heaviest rig)"
            )
        return ok, marg, val, lim, None, msg, adv

    return _batch("cg", plan, evs, row, "m", ac.sources.get("cg_limits", "aircraft data"))


def load_factor(plan: Any, evs: Sequence[SampleEval]) -> CheckBatch:
    """Highest load factor along the path, n = |a - g| / g (plus a sampled gust's dn in the
    Monte Carlo), against the limit: margin (n_lim - n) / n_lim. Source: 14 CFR 27.337 or the
    scenario's operational limit."""
    lim = plan.limits.max_load_factor

    def row(ev: SampleEval) -> Row:
        n = ev.s["load_factor_gust"]
        k = int(np.argmax(n))
        ok = bool(n[k] <= lim)
        msg = f"highest load factor {n[k]:.2f} g {_where(ev.s, k)}; limit {lim:.2f} g"
        adv = None
        if not ok:
            phi = math.degrees(math.acos(min(1.0, 1.0 / lim)))
            adv = f"bank at most {phi:.0f}° in level turns here"
        return ok, _upper(float(n[k]), lim), float(n[k]), lim, k, msg, adv

    return _batch("load_factor", plan, evs, row, "g", plan.limits.load_factor_source)


def vne(plan: Any, evs: Sequence[SampleEval]) -> CheckBatch:
    """Indicated airspeed (taken as EAS, TAS sqrt(rho/rho0)) against the Vne that applies at
    each sample (heli/along.py: placard lapse with pressure altitude, advancing-tip Mach limit
    with OAT, power-off, doors, mounts): margin min (Vne - IAS) / Vne."""
    ac = plan.aircraft
    mounts = [r for r in plan.rigs if r.vne is not None]

    def row(ev: SampleEval) -> Row:
        s = ev.s
        ias, v = s["indicated_airspeed_m_s"], s["vne_ias_m_s"]
        k = int(np.argmax(ias / v))
        ok = bool(ias[k] <= v[k])
        msg = (
            f"closest to Vne {_where(ev.s, k)}: {ias[k] / KT:.0f} kt indicated against Vne "
            f"{v[k] / KT:.0f} kt at {s['pressure_altitude_m'][k] / FT:,.0f} ft pressure altitude, "
            f"OAT {s['temperature_k'][k] - 273.15:.0f} °C"
            + (" (doors off)" if ac.doors_off else "")
            + (
                "; mount Vne " + ", ".join(f"{r.name} {r.vne / KT:.0f} kt" for r in mounts)
                if mounts
                else ""
            )
        )
        adv = None if ok else f"fly at most {v[k] / KT:.0f} kt indicated there"
        return ok, _upper(float(ias[k]), float(v[k])), float(ias[k]), float(v[k]), k, msg, adv

    src = "; ".join(
        ac.sources.get(k, "")
        for k in (
            "vne_sea_level",
            "vne_lapse",
            "vne_power_off",
            "vne_power_off_lapse",
            "tip_mach_limit",
        )
    )
    if ac.doors_off:
        src += "; " + ac.sources.get("vne_doors_off", "")
    if mounts:
        src += "; mount Vne from the scenario (the mount's approval)"
    return _batch("vne", plan, evs, row, "m/s", src, quantity="speed")


def power(plan: Any, evs: Sequence[SampleEval]) -> CheckBatch:
    """Shaft power required (momentum theory, rig drag in the parasite drag, load factor
    included) against the power available: margin min (P_av - P_req) / P_av."""
    ac = plan.aircraft

    def row(ev: SampleEval) -> Row:
        s = ev.s
        preq, pav = s["power_required_w"], s["power_available_w"]
        k = int(np.argmax(preq / pav))
        ok = bool(preq[k] <= pav[k])
        msg = (
            f"highest power demand {_where(s, k)}: {preq[k] / 1e3:.0f} kW of {pav[k] / 1e3:.0f} kW "
            f"available ({100 * preq[k] / pav[k]:.0f} %), load factor {s['load_factor'][k]:.2f} g "
            f"and the rigs' drag ({ac.flat_plate_area - plan.base_flat_plate:.2f} m² of "
            f"{ac.flat_plate_area:.2f} m² flat-plate area) included"
        )
        adv = None
        if not ok:
            # induced power ~ T^1.5: mass to shed for the excess, to first order
            need = float(preq[k] - pav[k])
            dm = ev.ac.mass * (1 - (1 - need / float(preq[k])) ** (2.0 / 3.0))
            adv = (
                f"{need / 1e3:.0f} kW short: about {dm:,.0f} kg lighter, a shallower bank or a "
                "slower manoeuvre there"
            )
        return ok, _upper(float(preq[k]), float(pav[k])), float(preq[k]), float(pav[k]), k, msg, adv

    src = (
        "momentum theory with Glauert inflow (Leishman 2006, ch. 2, 5); "
        + ac.sources.get("power_rating", "")
        + "; lapse: "
        + ac.sources.get("power_lapse_exponent", "")
    )
    return _batch("power", plan, evs, row, "W", src, quantity="power")


def vrs(plan: Any, evs: Sequence[SampleEval]) -> CheckBatch:
    """Vortex ring state on the chosen criterion (default: conservative, the union of Johnson's
    boundary and the FAA's conditions, heli/vrs.py); both margins are shown. margin = the
    criterion's margin at its closest point (<= 0 inside)."""
    crit = plan.limits.vrs

    def row(ev: SampleEval) -> Row:
        s = ev.s
        m = s["vrs_margin"]
        k = int(np.argmin(m))
        inside = bool(m[k] <= 0.0)
        vh = float(s["v_h_m_s"][k])
        mj, mf = float(s["vrs_margin_johnson"][k]), float(s["vrs_margin_faa"][k])
        msg = (
            f"{'inside' if inside else 'closest approach to'} the vortex-ring region "
            f"({crit.name}) {_where(s, k)}: descending {s['descent_rate_m_s'][k] / FPM:,.0f} "
            f"ft/min at {s['airspeed_m_s'][k] / KT:.0f} kt (x = {s['vrs_x'][k]:.2f}, "
            f"z = {s['vrs_z'][k]:.2f} v_h; v_h = {vh:.1f} m/s). Johnson margin "
            f"{mj:+.2f} ({'inside' if mj <= 0 else 'outside'}), FAA margin {mf:+.2f} "
            f"({'inside' if mf <= 0 else 'outside'})"
        )
        adv = None
        if inside:
            d_ok = min(0.45 * vh, 300.0 * FPM)
            v_ok = max(0.95 * vh, 16.0 * KT)
            adv = (
                f"descend at less than {d_ok / FPM:,.0f} ft/min there, or keep at least "
                f"{v_ok / KT:.0f} kt of airspeed while descending"
            )
        return not inside, float(m[k]), float(m[k]), 0.0, k, msg, adv

    return _batch("vrs", plan, evs, row, "", crit.source)


def bank(plan: Any, evs: Sequence[SampleEval]) -> CheckBatch:
    """Steepest bank along the path against the operational limit: margin (b_lim - b)/b_lim."""
    lim = plan.limits.max_bank

    def row(ev: SampleEval) -> Row:
        b = np.abs(ev.s["bank_rad"])
        k = int(np.argmax(b))
        ok = bool(b[k] <= lim + 1e-9)
        msg = f"steepest bank {math.degrees(b[k]):.0f}° {_where(ev.s, k)}"
        adv = None if ok else f"bank at most {math.degrees(lim):.0f}°: widen the turn there"
        return ok, _upper(float(b[k]), lim), float(b[k]), lim, k, msg, adv

    return _batch("bank", plan, evs, row, "rad", plan.limits.bank_source)


def descent_rate(plan: Any, evs: Sequence[SampleEval]) -> CheckBatch:
    """Descent rate against the steady power-off (autorotative) descent rate at the local
    airspeed and load factor (a powered descent cannot be faster), or the scenario's limit:
    margin min (limit - rate) / limit over descending samples."""
    lim = plan.limits

    def row(ev: SampleEval) -> Row:
        s = ev.s
        desc = s["descent_rate_m_s"]
        auto = s["autorotation_rate_m_s"]
        if lim.max_descent_rate is not None:
            dlim = np.full_like(desc, lim.max_descent_rate)
        else:
            dlim = np.where(np.isfinite(auto), auto, np.inf)
        if not np.any(desc > 0.0):
            return True, 1.0, math.nan, math.nan, None, "the path never descends", None
        ratio = np.where(desc > 0.0, desc / dlim, -np.inf)
        k = int(np.argmax(ratio))
        dk = float(dlim[k])
        ok = bool(ratio[k] <= 1.0)
        msg = f"steepest descent for its airspeed {_where(s, k)}: {desc[k] / FPM:,.0f} ft/min" + (
            f" against {dk / FPM:,.0f} ft/min" if math.isfinite(dk) else ""
        )
        adv = None if ok else f"descend at most {dk / FPM:,.0f} ft/min there"
        marg = _upper(float(desc[k]), dk) if math.isfinite(dk) else 1.0
        return ok, marg, float(desc[k]), dk, k, msg, adv

    src = (
        "operational limit set in the scenario (limits.max_descent_rate)"
        if lim.max_descent_rate is not None
        else "steady power-off (autorotative) descent rate at the local airspeed and load "
        "factor, momentum theory (ideal autorotation, Leishman 2006 ch. 2, 5)"
    )
    return _batch("descent_rate", plan, evs, row, "m/s", src, quantity="vertical_speed")


def rotor_rpm(plan: Any, evs: Sequence[SampleEval]) -> CheckBatch:
    """Caution: lowest power fraction in a descent steeper than 300 ft/min against the
    low-power threshold (near autorotation the rotor speed follows the airflow): margin
    (fraction - threshold) / threshold."""
    thr = plan.limits.low_power_fraction

    def row(ev: SampleEval) -> Row:
        s = ev.s
        frac, desc = s["power_fraction"], s["descent_rate_m_s"]
        steep = desc > 300.0 * FPM
        if not steep.any():
            return True, 1.0, math.nan, thr, None, "no descent steeper than 300 ft/min", None
        idx = np.flatnonzero(steep)
        k = int(idx[np.argmin(frac[idx])])
        low = bool(frac[k] < thr)
        msg = (
            f"lowest power in a descent {_where(s, k)}: {100 * frac[k]:.0f} % of available at "
            f"{desc[k] / FPM:,.0f} ft/min"
        )
        adv = None
        if low:
            adv = (
                f"keep at least {100 * thr:.0f} % power in the descent (descend slower or bank "
                "less), and brief the recovery: watch Nr, the rotor overspeeds or droops"
            )
        marg = (float(frac[k]) - thr) / thr if thr > 0 else 1.0
        return not low, marg, float(frac[k]), thr, k, msg, adv

    return _batch(
        "rotor_rpm",
        plan,
        evs,
        row,
        "",
        "FAA Helicopter Flying Handbook FAA-H-8083-21B, ch. 11 (low rotor rpm, overspeed in "
        "autorotative flight); threshold 15 % of available power (estimate)",
        severity="caution",
    )


def terrain_clearance(plan: Any, evs: Sequence[SampleEval]) -> CheckBatch:
    """Lowest clearance of the rotor disc or skids above the highest terrain in the corridor
    (rotor radius + navigation error) against the required clearance + DEM vertical error:
    margin (clearance - need) / need."""
    lim = plan.limits
    need = lim.required_clearance + (plan.vertical_error or 0.0)

    def row(ev: SampleEval) -> Row:
        clr = ev.s["clearance_m"]
        off = ~np.isfinite(clr)
        if off.any():  # a sample's path left the DEM: fail safe
            k = int(np.flatnonzero(off)[0])
            msg = f"the path leaves the terrain model {_where(ev.s, k)}: clearance unknown"
            return False, -1.0, math.nan, need, k, msg, "keep the path over the DEM (or extend it)"
        k = int(np.argmin(clr))
        ok = bool(clr[k] >= need)
        msg = (
            f"lowest clearance of rotor disc or skids {_where(ev.s, k)}: {clr[k]:.0f} m above the "
            f"highest terrain within {ev.ac.rotor_radius + lim.navigation_error:.0f} m; required "
            f"{need:.0f} m"
            + (
                f" (incl. the DEM's {plan.vertical_error:.0f} m vertical error)"
                if plan.vertical_error
                else ""
            )
        )
        adv = None if ok else f"fly at least {need - clr[k]:.0f} m higher there"
        marg = (float(clr[k]) - need) / need if need > 0 else float(clr[k])
        return ok, marg, float(clr[k]), need, k, msg, adv

    return _batch(
        "terrain_clearance",
        plan,
        evs,
        row,
        "m",
        "required clearance set in the scenario or 100 ft default (planning estimate); "
        f"terrain: {plan.terrain.source}",
        quantity="altitude",
    )


def height_velocity(plan: Any, evs: Sequence[SampleEval]) -> CheckBatch:
    """The height-velocity (avoid) region along the path, skid height above the DEM directly
    below against indicated airspeed (heli/hv.py): margin = the normalised distance to the
    region (< 0 inside)."""
    ac = plan.aircraft
    vc = ac.hv_speed[-1] if ac.hv_speed else 0.0

    def row(ev: SampleEval) -> Row:
        s = ev.s
        m = s["hv_margin"]
        if not ac.hv_speed:
            return True, 1.0, math.nan, math.nan, None, "no height-velocity diagram given", None
        off = np.isnan(m)
        if off.any():  # no ground height under the path: fail safe
            k = int(np.flatnonzero(off)[0])
            msg = f"the path leaves the terrain model {_where(s, k)}: height above ground unknown"
            return False, -1.0, math.nan, math.nan, k, msg, "keep the path over the DEM"
        k = int(np.argmin(m))
        inside = bool(m[k] < 0.0)
        h, v = float(s["skid_height_m"][k]), float(s["indicated_airspeed_m_s"][k])
        up = float(np.interp(v, ac.hv_speed, ac.hv_upper))
        msg = (
            f"{'inside' if inside else 'closest to'} the height-velocity avoid region "
            f"{_where(s, k)}: {h / FT:,.0f} ft above the ground at {v / KT:.0f} kt indicated "
            f"(avoid below {up / FT:,.0f} ft at this speed, below {vc / KT:.0f} kt)"
        )
        adv = None
        if inside:
            adv = f"keep above {up / FT:,.0f} ft AGL there, or at least {vc / KT:.0f} kt"
        return not inside, float(m[k]), h, up, k, msg, adv

    return _batch(
        "height_velocity",
        plan,
        evs,
        row,
        "m",
        ac.sources.get("height_velocity", ""),
        quantity="altitude",
    )


# --- rigs -------------------------------------------------------------------------------------
def rig_load(plan: Any, evs: Sequence[SampleEval]) -> CheckBatch:
    """Each mount on the certification basis (heli/loads.py): MS = R_u / |U| - 1 of its
    governing case; the check shows the worst rig, the message every rig."""

    def row(ev: SampleEval) -> Row:
        parts, advs = [], []
        worst = 0
        for j, (r, c, m) in enumerate(zip(plan.rigs, ev.certs, ev.mounts, strict=True)):
            if c.margin < ev.certs[worst].margin:
                worst = j
            lim = np.array(c.limit_n)
            parts.append(
                f"'{r.name}': {c.case}, limit {np.linalg.norm(lim):,.0f} N "
                f"(x {lim[0]:+,.0f}, y {lim[1]:+,.0f}, z {lim[2]:+,.0f} N), ultimate "
                f"{c.demanded_ultimate:,.0f} N against {c.ultimate_allowable:,.0f} N allowable, "
                f"MS {c.margin:+.2f}"
            )
            if c.margin < 0:
                need = rating_needed(m, c)
                advs.append(
                    f"rig '{r.name}': a mount rated at least {math.ceil(need / 100) * 100:,.0f} N "
                    f"{m.rating_basis}" + (ev.extras.get("vne_advice", {}).get(r.name, ""))
                )
        c = ev.certs[worst]
        ok = all(cc.margin >= 0 for cc in ev.certs)
        msg = "; ".join(parts)
        return (
            ok,
            c.margin,
            c.demanded_ultimate,
            c.ultimate_allowable,
            None,
            msg,
            ("; ".join(advs) or None),
        )

    return _batch("rig_load", plan, evs, row, "N", LOAD_SOURCE, quantity="force")


def rig_path_load(plan: Any, evs: Sequence[SampleEval]) -> CheckBatch:
    """The largest mount load on the planned path (heli/rig.py, with 30 ft/s gusts) against the
    rating as a limit load: MS = R_limit / L_path - 1; the worst rig."""

    def row(ev: SampleEval) -> Row:
        worst = min(ev.path_loads, key=lambda r: r.margin)
        ok = all(r.margin >= 0 for r in ev.path_loads)
        s = ev.s
        msg = "; ".join(
            f"'{r.name}': {r.limit_load:,.0f} N {_where(s, r.index)} ({r.case}; air "
            f"{r.air_load:,.0f} N, inertial {r.inertial_load:,.0f} N), MS {r.margin:+.2f}"
            for r in ev.path_loads
        )
        adv = None
        if not ok:
            adv = "; ".join(
                f"rig '{r.name}': a mount rated at least "
                f"{math.ceil(r.limit_load / 100) * 100:,.0f} N limit"
                for r in ev.path_loads
                if r.margin < 0
            )
        return ok, worst.margin, worst.limit_load, worst.rated_load, worst.index, msg, adv

    return _batch(
        "rig_path_load",
        plan,
        evs,
        row,
        "N",
        "air load q Cd A along the relative wind (downwash under the disc) plus inertia m f on "
        "the planned path, 30 ft/s gusts (14 CFR 27.341 vertical; 29.341 horizontal, added)",
        quantity="force",
    )


def rig_resonance(plan: Any, evs: Sequence[SampleEval]) -> CheckBatch:
    """Caution: each rig's natural frequency against the main-rotor 1/rev and N/rev and the
    tail rotor's 1/rev and N/rev (heli/vibration.py): margin (s - s_min) / s_min, s the
    smallest relative separation."""
    from stuntsim.heli.vibration import excitations, separation

    ac = plan.aircraft
    freqs = excitations(ac.rotor_rpm, ac.blade_count, ac.tail_rotor_rpm, ac.tail_rotor_blades)
    smin = plan.limits.resonance_separation
    rigs = [r for r in plan.rigs if r.natural_frequency is not None]

    def row(ev: SampleEval) -> Row:
        parts, advs = [], []
        worst = (math.inf, 0.0, 0.0)
        for r in rigs:
            sep, label, f = separation(float(r.natural_frequency), freqs)
            parts.append(
                f"'{r.name}': {r.natural_frequency:.1f} Hz, {100 * sep:.0f} % from the {label} "
                f"({f:.1f} Hz)"
            )
            if sep < worst[0]:
                worst = (sep, float(r.natural_frequency), f)
            if sep < smin:
                advs.append(
                    f"rig '{r.name}': stiffen or detune it to below {f * (1 - smin):.1f} Hz or "
                    f"above {f * (1 + smin):.1f} Hz"
                )
        sep, fn, f = worst
        ok = sep >= smin
        msg = (
            "; ".join(parts)
            + ". Excitations: "
            + ", ".join(f"{lab} {fr:.1f} Hz" for lab, fr in freqs)
        )
        return ok, (sep - smin) / smin, fn, f, None, msg, "; ".join(advs) or None

    return _batch(
        "rig_resonance",
        plan,
        evs,
        row,
        "Hz",
        "rotor harmonics 1/rev and N/rev (Leishman 2006, ch. 5, 9); separation "
        f"{100 * smin:.0f} % (estimate); {ac.sources.get('rotor_rpm', '')}; "
        f"{ac.sources.get('tail_rotor', '')}",
        severity="caution",
    )


def flyable(plan: Any, evs: Sequence[SampleEval]) -> CheckBatch:
    """Whether the sample's plan (with its pilot and wind errors) can be flown as given at all
    (a waypoint leg slower than the wind, a corner too tight): +1 / -1."""

    def row(ev: SampleEval) -> Row:
        if ev.flyable is None:
            return True, 1.0, math.nan, math.nan, None, "every segment can be flown as given", None
        return (
            False,
            -1.0,
            math.nan,
            math.nan,
            None,
            f"cannot be flown: {ev.flyable}",
            ("plan with more margin on the airspeed over the wind and on the corner radii"),
        )

    return _batch("flyable", plan, evs, row, "", "the path geometry (heli/maneuver.py)")


def all_checks(plan: Any, evs: Sequence[SampleEval]) -> list[CheckBatch]:
    """Every check of the plan, in the order they are shown."""
    out = [
        mass(plan, evs),
        cg(plan, evs),
        load_factor(plan, evs),
        vne(plan, evs),
        power(plan, evs),
        vrs(plan, evs),
        bank(plan, evs),
        descent_rate(plan, evs),
        rotor_rpm(plan, evs),
        terrain_clearance(plan, evs),
        height_velocity(plan, evs),
        flyable(plan, evs),
    ]
    if plan.rigs:
        out += [rig_load(plan, evs), rig_path_load(plan, evs)]
        if any(r.natural_frequency is not None for r in plan.rigs):
            out.append(rig_resonance(plan, evs))
    return out


__all__ = ["G0", "SampleEval", "all_checks"]
