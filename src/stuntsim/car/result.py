"""Run one car plan and gather the result: time histories, events and checks (plain data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stuntsim.car.planner import (
    CarPlan,
    ClutchEngagement,
    ShiftWindow,
    airborne_phases,
    clutch_engagements,
    edge_crossing,
    heading_error,
    planned_shift,
    shift_window,
    turn_size,
    turn_time,
)
from stuntsim.car.tyre import peak_slip_ratio
from stuntsim.car.vehicle import G
from stuntsim.checks import Check

LTR_WINDOW = 0.1  # s: LTR is averaged over this window so landing impacts do not count as roll
LTR_MIN_LOAD = 0.5  # LTR is evaluated while the ground carries at least half the car's weight

SRC_LTR = (
    "LTR = (F_z,left - F_z,right) / sum F_z, 1 at wheel lift (Odenthal, Buente & Ackermann, "
    "ECC 1999); SSF = T/2h (NHTSA, 49 CFR 575.105); limit 0.95: stuntsim default margin, "
    "scenario targets.load_transfer_ratio"
)
SRC_LANDING = (
    "Brown, Robertson & Serpento, Motor Vehicle Structures (2002), §4.3: static loads x 2-3 "
    "for dynamic (bump) effects; 3 g = upper design factor"
)
SRC_TURN = "stunt brief (issue 7): final heading straight down the steps within a tolerance"
SRC_SHIFT = (
    "stunt brief (issue 7): clutch and gear while airborne in the last 10 deg of the turn; "
    "shift time: scenario (default 0.3 s, estimate for a trained stunt driver)"
)
SRC_CLUTCH = (
    "slip ratio at the peak of the Magic Formula Fx curve (Pacejka 2012, §4.3.2): beyond it "
    "the driven wheels spin or lock"
)
SRC_WALL = "stairs width and car outline (length x width) from the scenario; margin: scenario"


@dataclass
class CarResult:
    name: str
    plan: CarPlan
    t: np.ndarray
    x: np.ndarray  # (n, 25)
    inputs: np.ndarray  # (n, 6)
    fz: np.ndarray  # (n, 4)
    kappa: np.ndarray
    alpha: np.ndarray
    clutch_torque: np.ndarray
    clutch_slip: np.ndarray
    ratio: np.ndarray
    ax: np.ndarray
    ay: np.ndarray
    vertical_g: np.ndarray  # (n,) sprung-body vertical specific force / g
    ltr: np.ndarray  # (n,) NaN while the ground carries less than half the weight
    clearance: np.ndarray  # (n,) m, +inf off the stairs
    yaw: np.ndarray  # (n,) rad since the start, + left
    airborne: list[tuple[float, float]]
    landings: list[dict[str, float]]
    shift: ShiftWindow
    clutch: list[ClutchEngagement]
    edge: dict[str, Any] | None  # first step edge crossing (planner.edge_crossing)
    turn: float  # rad, signed
    final_yaw_deg: float
    final_heading_deg: float
    heading_error_deg: float
    turn_time_s: float | None
    max_vertical_g: float
    max_load_transfer_ratio: float
    max_roll_deg: float
    max_lateral_g: float
    min_wall_clearance_m: float | None
    checks: list[Check] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def heading_deg(self) -> np.ndarray:
        return np.degrees(-self.x[:, 2]) % 360.0

    @property
    def engine_rpm(self) -> np.ndarray:
        return self.x[:, 24] * 60.0 / (2.0 * np.pi)


def clearance_series(plan: CarPlan, x: np.ndarray) -> np.ndarray:
    """Smallest distance of the car's outline corners to a side wall, (B, n); +inf when no
    corner is alongside the stairs."""
    ground = plan.ground
    corners = plan.vehicle.outline()  # (4, 2) body x, y
    psi = x[..., 2]
    s, c = np.sin(psi)[..., None], np.cos(psi)[..., None]
    east = x[..., 0:1] - corners[:, 0] * s - corners[:, 1] * c
    north = x[..., 1:2] + corners[:, 0] * c - corners[:, 1] * s
    return np.min(ground.wall_clearance(east, north), axis=-1)


def level_ground(plan: CarPlan, x: np.ndarray) -> np.ndarray:
    """True where all four wheels are over level ground at one height (not on the steps)."""
    from stuntsim.car.dynamics import CarModel

    model = CarModel(plan.vehicle, plan.ground)
    shape = x.shape[:-1]
    flat = x.reshape(-1, x.shape[-1])
    we, wn = model.wheel_positions(flat)
    h, slope = plan.ground.envelope(we, wn, plan.vehicle.wheel_radius)
    ok = np.all(slope == 0.0, axis=1) & (np.ptp(h, axis=1) == 0.0)
    return ok.reshape(shape)


def roll_angle_limit(veh) -> float:
    """Static tip-over angle atan(T / 2h): beyond it the CG is outside the wheels (rad)."""
    return float(np.arctan(0.5 * (veh.track_front + veh.track_rear) / (2.0 * veh.cg_height)))


def ltr_series(fz: np.ndarray, weight: float, level: np.ndarray | None = None) -> np.ndarray:
    """Lateral load-transfer ratio |F_L - F_R| / (F_L + F_R); NaN while lightly loaded or,
    given ``level``, while the wheels are on the steps (step contacts alternate left/right)."""
    left = fz[..., 0] + fz[..., 2]
    right = fz[..., 1] + fz[..., 3]
    tot = left + right
    ok = tot >= LTR_MIN_LOAD * weight
    if level is not None:
        ok &= level
    return np.where(ok, np.abs(left - right) / np.where(ok, tot, 1.0), np.nan)


def ltr_windowed(ltr: np.ndarray, dt: float) -> np.ndarray:
    """Mean LTR over a sliding window of LTR_WINDOW, NaN where the window is not fully loaded."""
    n = max(1, round(LTR_WINDOW / dt))
    valid = np.isfinite(ltr)
    if len(ltr) < n:
        return np.full_like(ltr, np.nan)
    cs = np.concatenate([[0.0], np.cumsum(np.where(valid, ltr, 0.0))])
    cn = np.concatenate([[0], np.cumsum(valid)])
    s = cs[n:] - cs[:-n]
    k = cn[n:] - cn[:-n]
    mean = np.where(k == n, s / n, np.nan)
    out = np.full_like(ltr, np.nan)
    out[n - 1 :] = mean
    return out


def ltr_max(fz: np.ndarray, weight: float, dt: float, level: np.ndarray | None = None) -> float:
    w = ltr_windowed(ltr_series(fz, weight, level), dt)
    return float(np.nanmax(w)) if np.isfinite(w).any() else 0.0


def simulate(plan: CarPlan) -> CarResult:
    """Run the plan as a batch of one and analyse it."""
    from stuntsim.car.planner import run_batch

    model, out = run_batch(plan, np.array([plan.start.speed]))
    return analyse(plan, model, out, 0)


def analyse(plan: CarPlan, model: Any, out: Any, b: int = 0) -> CarResult:
    veh = plan.vehicle
    t = out.t
    x = out.x[b]
    fz = out.fz[b]
    inputs = out.inputs[b]
    dt = float(t[1] - t[0]) if len(t) > 1 else plan.dt
    yaw = x[:, 2] - x[0, 2]
    turn = turn_size(plan, yaw)
    herr = heading_error(plan, x[:, 2])
    vg = out.fs_sum[b] / (model.ms * G)
    weight = veh.mass * G
    level = level_ground(plan, x)
    ltr = ltr_series(fz, weight, level)
    ltr_w = ltr_windowed(ltr, dt)
    max_ltr = float(np.nanmax(ltr_w)) if np.isfinite(ltr_w).any() else 0.0
    ground_mask = np.isfinite(ltr_series(fz, weight, level))
    max_lat = float(np.max(np.abs(out.ay[b][ground_mask])) / G) if ground_mask.any() else 0.0
    clear = clearance_series(plan, x[None])[0]
    finite_clear = clear[np.isfinite(clear)]
    min_clear = float(np.min(finite_clear)) if len(finite_clear) else None
    phases = airborne_phases(t, fz)
    landings = []
    for _a, b_end in phases:
        sl = (t >= b_end) & (t <= b_end + 0.3)
        if sl.any():
            i = np.nonzero(sl)[0]
            k = i[int(np.argmax(vg[i]))]
            landings.append(
                {
                    "t_s": float(b_end),
                    "vertical_g": float(vg[k]),
                    "peak_t_s": float(t[k]),
                    "max_wheel_load_n": float(np.max(fz[i])),
                    "east_m": float(x[k, 0]),
                    "north_m": float(x[k, 1]),
                }
            )
    planned = planned_shift(t, inputs)
    sw = shift_window(t, yaw, turn, phases, plan.targets.shift_time, planned, x[:, 5])
    clutch = clutch_engagements(
        t,
        x,
        inputs,
        out.clutch_torque[b],
        out.clutch_slip[b],
        out.ratio[b],
        out.kappa[b],
        fz,
        float(veh.static_loads()[2]),
    )
    res = CarResult(
        name=plan.name,
        plan=plan,
        t=t,
        x=x,
        inputs=inputs,
        fz=fz,
        kappa=out.kappa[b],
        alpha=out.alpha[b],
        clutch_torque=out.clutch_torque[b],
        clutch_slip=out.clutch_slip[b],
        ratio=out.ratio[b],
        ax=out.ax[b],
        ay=out.ay[b],
        vertical_g=vg,
        ltr=ltr,
        clearance=clear,
        yaw=yaw,
        airborne=phases,
        landings=landings,
        shift=sw,
        clutch=clutch,
        edge=edge_crossing(plan, t, x),
        turn=turn,
        final_yaw_deg=float(np.degrees(yaw[-1])),
        final_heading_deg=float(np.degrees(-x[-1, 2]) % 360.0),
        heading_error_deg=float(np.degrees(herr[-1])),
        turn_time_s=turn_time(t, yaw, herr, plan.targets.heading_tolerance),
        max_vertical_g=float(np.max(vg)),
        max_load_transfer_ratio=max_ltr,
        max_roll_deg=float(np.degrees(np.max(np.abs(x[:, 8])))),
        max_lateral_g=max_lat,
        min_wall_clearance_m=min_clear,
    )
    res.checks = make_checks(res)
    return res


def _at(res: CarResult, i: int) -> dict[str, float]:
    return {
        "t_s": float(res.t[i]),
        "east_m": float(res.x[i, 0]),
        "north_m": float(res.x[i, 1]),
    }


def make_checks(res: CarResult) -> list[Check]:
    plan = res.plan
    tg = plan.targets
    veh = plan.vehicle
    checks = []
    # turn_complete
    tol = np.degrees(tg.heading_tolerance)
    ok = res.heading_error_deg <= tol
    msg = (
        f"final heading {res.final_heading_deg:.0f} deg after a {res.final_yaw_deg:+.0f} deg "
        f"rotation: {res.heading_error_deg:.1f} deg off the target "
        f"{np.degrees(tg.heading) % 360:.0f} deg"
        + ("" if ok else " - the car does not end pointing down the steps")
    )
    if res.edge is not None:
        e = res.edge
        msg += (
            f"; over the first step edge at {e['t_s']:.2f} s heading {e['heading_deg']:.0f} deg, "
            f"{e['speed_along_nose_m_s']:+.1f} m/s along the nose"
        )
        if not e["nose_first"]:
            msg += " - backwards or sideways: the turn is not done at the top of the steps"
            ok = False
    checks.append(
        Check(
            "turn_complete",
            bool(ok),
            res.heading_error_deg,
            tol,
            "deg",
            msg,
            SRC_TURN,
            "fail",
            _at(res, len(res.t) - 1),
        )
    )
    # rollover
    ssf = veh.static_stability_factor
    margin = ssf - res.max_lateral_g
    ltr = res.max_load_transfer_ratio
    tip = np.degrees(roll_angle_limit(veh))
    rolled = res.max_roll_deg >= tip
    ok = ltr < tg.load_transfer_ratio and not rolled
    if rolled:
        i = int(np.argmax(np.abs(res.x[:, 8]) >= np.radians(tip)))
    else:
        i = int(np.nanargmax(np.nan_to_num(ltr_windowed(res.ltr, _dt(res)), nan=-1.0)))
    msg = (
        f"peak lateral load-transfer ratio on level ground {ltr:.2f} (1 = wheels lift); static "
        f"stability factor T/2h {ssf:.2f} vs peak lateral acceleration {res.max_lateral_g:.2f} g "
        f"(margin {margin:+.2f} g); peak body roll {res.max_roll_deg:.0f} deg (tip-over angle "
        f"{tip:.0f} deg)"
    )
    if rolled:
        msg += f" - the car rolls over at {res.t[i]:.2f} s (the model is not valid after that)"
    msg += ". Tripping on a step nosing or kerb is not modelled"
    checks.append(
        Check(
            "rollover",
            bool(ok),
            ltr,
            tg.load_transfer_ratio,
            "",
            msg,
            SRC_LTR,
            "fail",
            _at(res, i),
        )
    )
    # landing_load
    if res.landings:
        worst = max(res.landings, key=lambda d: d["vertical_g"])
        value = worst["vertical_g"]
        ok = value <= tg.landing_g
        each = ", ".join(f"{d['vertical_g']:.1f} g at {d['t_s']:.2f} s" for d in res.landings)
        msg = f"peak body vertical load at each landing: {each}"
        at = {"t_s": worst["peak_t_s"], "east_m": worst["east_m"], "north_m": worst["north_m"]}
    else:
        value = res.max_vertical_g
        ok = value <= tg.landing_g
        msg = f"no airborne phase; peak body vertical load {value:.1f} g"
        at = _at(res, int(np.argmax(res.vertical_g)))
    if not ok:
        msg += (
            " - above the design bump load: inspect suspension mounts, expect bump-stop "
            "contact (the peak depends on the estimated bump-stop rate)"
        )
    checks.append(
        Check("landing_load", bool(ok), value, tg.landing_g, "g", msg, SRC_LANDING, "caution", at)
    )
    # shift_window
    sw = res.shift
    if sw.start_s is None:
        why = "no airborne phase overlaps the last 10 deg of the turn"
        if sw.last_10deg is None:
            why = "the car never reaches the last 10 deg of the turn"
        msg = f"no shift window: {why}"
        ok = False
    else:
        msg = (
            f"window {sw.start_s:.2f}-{sw.end_s:.2f} s ({sw.duration_s:.2f} s) where the car is "
            f"airborne ({sw.airborne[0]:.2f}-{sw.airborne[1]:.2f} s) in the last 10 deg "
            f"({sw.last_10deg[0]:.2f}-{sw.last_10deg[1]:.2f} s); the shift needs "
            f"{sw.required_s:.2f} s"
        )
        ok = sw.feasible
    if sw.planned is not None:
        inside = sw.planned_inside
        msg += f"; planned clutch-and-gear action {sw.planned[0]:.2f}-{sw.planned[1]:.2f} s " + (
            "lies inside it" if inside else "is outside it"
        )
        ok = ok and bool(inside)
    at = None if sw.start_s is None else {"t_s": sw.start_s}
    checks.append(
        Check(
            "shift_window", bool(ok), sw.duration_s, sw.required_s, "s", msg, SRC_SHIFT, "fail", at
        )
    )
    # clutch_mismatch
    kpeak = peak_slip_ratio(veh.tyre_rear, float(veh.static_loads()[2]))
    if res.clutch:
        worst = max(res.clutch, key=lambda c: c.peak_rear_slip)
        ok = worst.peak_rear_slip <= kpeak
        msg = (
            f"clutch engages at {worst.t_s:.2f} s in gear {worst.gear}: engine "
            f"{worst.engine_rpm:.0f} rpm vs gearbox {worst.gearbox_rpm:.0f} rpm (mismatch "
            f"{worst.mismatch_rpm:+.0f} rpm); clutch torque up to "
            f"{worst.peak_clutch_torque_nm:.0f} N m, {worst.peak_axle_torque_nm:.0f} N m at the "
            f"axle; rear slip ratio up to {worst.peak_rear_slip:.2f}"
        )
        if not ok:
            msg += (
                " - the rear wheels "
                + ("spin" if worst.mismatch_rpm > 0 else "lock")
                + (": rev-match or let the clutch up slower")
            )
        checks.append(
            Check(
                "clutch_mismatch",
                bool(ok),
                worst.peak_rear_slip,
                kpeak,
                "",
                msg,
                SRC_CLUTCH,
                "caution",
                {"t_s": worst.t_s},
            )
        )
    else:
        checks.append(
            Check(
                "clutch_mismatch",
                True,
                None,
                kpeak,
                "",
                "the clutch never engages after the start",
                SRC_CLUTCH,
                "caution",
            )
        )
    # wall_clearance
    if res.min_wall_clearance_m is None:
        checks.append(
            Check(
                "wall_clearance",
                True,
                None,
                tg.wall_margin,
                "m",
                "the car never comes alongside the stairs' walls"
                if plan.ground.has_walls
                else "flat ground: no walls",
                SRC_WALL,
                "fail",
            )
        )
    else:
        v = res.min_wall_clearance_m
        ok = v >= tg.wall_margin
        i = int(np.argmin(res.clearance))
        msg = f"closest approach of the car's outline to a side wall: {v:.2f} m"
        if v < 0:
            msg += " - the car hits the wall (the strike is not simulated)"
        checks.append(
            Check(
                "wall_clearance",
                bool(ok),
                v,
                tg.wall_margin,
                "m",
                msg,
                SRC_WALL,
                "fail",
                _at(res, i),
            )
        )
    return checks


def _dt(res: CarResult) -> float:
    return float(res.t[1] - res.t[0]) if len(res.t) > 1 else res.plan.dt
