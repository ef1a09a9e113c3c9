"""The checks of a car stunt, each one function evaluated on a batch of B samples.

:func:`analyse` turns the recorded time histories of a batch (stuntsim.car.dynamics.SimOutput)
into a :class:`CarRun`: the figures every check reads. Each check function takes the run and
returns a :class:`stuntsim.checks.CheckBatch`; ``run``, ``car-plan`` and the Monte Carlo all
call :func:`all_checks`, so a plan is judged the same way everywhere. The shift-window and
clutch checks are :mod:`stuntsim.car.shift`'s.

Margins (>= 0 passes): upper limits (limit - value) / limit; lower limits (value - limit) /
scale, the scale named in each function.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from stuntsim.car import events as ev
from stuntsim.car.vehicle import G
from stuntsim.checks import CheckBatch

if TYPE_CHECKING:
    from stuntsim.car.dynamics import SimOutput
    from stuntsim.car.plan import CarPlan
    from stuntsim.car.result import CarResult
    from stuntsim.car.samples import CarSamples
    from stuntsim.checks import Check

SRC_LTR = (
    "LTR = (F_z,left - F_z,right) / sum F_z, 1 at wheel lift (Odenthal, Buente & Ackermann, "
    "ECC 1999); tip-over angle atan(T/2h) (the static stability factor T/2h of NHTSA, "
    "49 CFR 575.105); limit 0.95: stuntsim default margin, scenario targets.load_transfer_ratio"
)
SRC_LANDING = (
    "Brown, Robertson & Serpento, Motor Vehicle Structures (Butterworth-Heinemann 2002), "
    "§2.4.3: vertical bump loads 2-3 x static; the upper factor 3 per wheel and per axle is the "
    "limit (scenario targets.landing_g)"
)
SRC_TURN = "the stunt: the car ends pointing down the steps (target heading) within a tolerance"
SRC_WALL = "stairs width and car outline (length x width) from the scenario; margin: scenario"
SRC_BODY = (
    "the body's lower outline (vehicle preset body_points, estimates) against the ground "
    "profile: any contact is a strike (skid plates, ramps or a changed plan are needed)"
)
SRC_PITCH = (
    "stuntsim model limit (estimate): beyond 30 deg of pitch relative to the ground slope the "
    "decoupled pitch equation (no gyroscopic coupling with yaw, small-angle suspension "
    "geometry) is outside its validity, so the plan fails safe; scenario targets.max_pitch. "
    "Static pitch-over angle atan((a + overhang)/h) shown beside it"
)


@dataclass
class CarRun:
    """A simulated batch and the figures the checks read ((B,) or (B, n) arrays, SI)."""

    plan: CarPlan
    samples: CarSamples
    out: SimOutput
    weight_n: np.ndarray  # (B,) m g
    sprung_weight_n: np.ndarray  # (B,) m_s g
    static_wheel_n: np.ndarray  # (B, 4)
    yaw: np.ndarray  # (B, n) since the start, + left
    turn: np.ndarray  # (B,) signed rotation the plan needs
    heading_error: np.ndarray  # (B, n)
    vertical_g: np.ndarray  # (B, n)
    level: np.ndarray  # (B, n) all wheels on level ground
    ground_pitch: np.ndarray  # (B, n) nose-down slope of the ground under the car, rad
    ltr: np.ndarray  # (B, n)
    max_ltr: np.ndarray  # (B,)
    max_lateral_g: np.ndarray  # (B,)
    clearance: np.ndarray  # (B, n) wall clearance, +inf off the stairs
    edge_t: np.ndarray  # (B,) time the CG passes the first step edge (NaN: never / flat)
    edge_i: np.ndarray  # (B,) its record index (-1: never)
    phases: list[list[tuple[float, float]]] = field(default_factory=list)

    @property
    def B(self) -> int:
        return int(self.yaw.shape[0])

    @property
    def t(self) -> np.ndarray:
        return self.out.t

    @property
    def dt_record(self) -> float:
        return float(self.out.t[1] - self.out.t[0]) if len(self.out.t) > 1 else self.plan.dt

    def nose_first(self) -> np.ndarray:
        """(B,) the car goes over the first step edge nose first (True on flat ground)."""
        ok = np.ones(self.B, dtype=bool)
        has = self.edge_i >= 0
        ok[has] = self.out.x[np.nonzero(has)[0], self.edge_i[has], 3] > 0.0
        return ok

    def pitch_rel(self) -> np.ndarray:
        """(B, n) pitch relative to the ground slope under the car (+ nose down), rad."""
        return self.out.x[:, :, 7] - self.ground_pitch

    def at(self, b: int, i: int) -> dict[str, float]:
        x = self.out.x[b, i]
        return {"t_s": float(self.t[i]), "east_m": float(x[0]), "north_m": float(x[1])}

    def columns(self) -> dict[str, np.ndarray]:
        """Per-sample columns the Monte Carlo keeps (SI): where each car ended, its inputs."""
        x_end = self.out.x[:, -1]
        s = self.samples
        body = self.out.body_peak
        assert body is not None
        return {
            "final_east_m": x_end[:, 0].copy(),
            "final_north_m": x_end[:, 1].copy(),
            "final_heading_rad": np.mod(-x_end[:, 2], 2.0 * np.pi),
            "final_speed_m_s": np.hypot(x_end[:, 3], x_end[:, 4]),
            "heading_error_rad": self.heading_error[:, -1].copy(),
            "edge_t_s": self.edge_t.copy(),
            "max_wheel_factor": self.wheel_factor().max(axis=1),
            "max_pitch_rad": np.max(np.abs(self.pitch_rel()), axis=1),
            "body_force_n": body[:, 0].copy(),
            "body_strike_east_m": np.where(body[:, 0] > 0, body[:, 3], np.nan),
            "body_strike_north_m": np.where(body[:, 0] > 0, body[:, 4], np.nan),
            "speed_m_s": s.speed_m_s.copy(),
            "mu_scale": s.mu_scale.copy(),
            "cornering_scale": s.cornering_scale.copy(),
            "mass_kg": s.mass_kg.copy(),
            "cg_height_m": s.cg_height_m.copy(),
        }

    def wheel_factor(self) -> np.ndarray:
        """(B, 4) peak tyre load (every step) over the wheel's static load."""
        assert self.out.max_fz is not None
        return self.out.max_fz / self.static_wheel_n

    def axle_factor(self) -> np.ndarray:
        """(B, 2) peak front / rear axle load over its static load."""
        assert self.out.max_axle is not None
        st = np.column_stack(
            [self.static_wheel_n[:, :2].sum(axis=1), self.static_wheel_n[:, 2:].sum(axis=1)]
        )
        return self.out.max_axle / st

    def result(self, b: int, checks: list[Check]) -> CarResult:
        """The typed result of sample ``b`` (the presenters' input)."""
        return _assemble(self, b, checks)


def analyse(plan: CarPlan, samples: CarSamples, out: SimOutput) -> CarRun:
    """The figures of a simulated batch that the checks read."""
    assert out.sprung_mass is not None and out.static_fz is not None
    ms = out.sprung_mass
    static = out.static_fz
    weight = samples.mass_kg * G
    x = out.x
    t = out.t
    B = x.shape[0]
    yaw = x[:, :, 2] - x[:, :1, 2]
    turn = ev.turn_sizes(plan, yaw)
    herr = ev.heading_errors(plan, x[:, :, 2])
    vg = out.fs_sum / (ms * G)[:, None]
    assert out.hg is not None and out.slope is not None
    hg, slope = out.hg, out.slope
    level = np.all(slope == 0.0, axis=2) & (np.ptp(hg, axis=2) == 0.0)
    L = plan.vehicle.wheelbase
    ground_pitch = np.arctan2(0.5 * (hg[..., 2] + hg[..., 3] - hg[..., 0] - hg[..., 1]), L)
    ltr = ev.ltr_series(out.fz, 1.0, None)
    tot = out.fz.sum(axis=2)
    ok = (tot >= ev.LTR_MIN_LOAD * weight[:, None]) & level
    ltr = np.where(ok, ltr, np.nan)
    dt_rec = float(t[1] - t[0]) if len(t) > 1 else plan.dt
    max_ltr = np.zeros(B)
    max_lat = np.zeros(B)
    for b in range(B):
        w = ev.ltr_windowed(ltr[b], dt_rec)
        max_ltr[b] = float(np.nanmax(w)) if np.isfinite(w).any() else 0.0
        if ok[b].any():
            max_lat[b] = float(np.max(np.abs(out.ay[b][ok[b]])) / G)
    clear = ev.clearance_series(plan, x)
    edge = getattr(plan.ground, "edge_north", None)
    edge_i = np.full(B, -1)
    edge_t = np.full(B, np.nan)
    if edge is not None:
        past = x[:, :, 1] >= edge
        has = past.any(axis=1)
        edge_i[has] = np.argmax(past[has], axis=1)
        edge_t[has] = t[edge_i[has]]
    phases = [ev.airborne_phases(t, out.fz[b]) for b in range(B)]
    return CarRun(
        plan=plan,
        samples=samples,
        out=out,
        weight_n=weight,
        sprung_weight_n=ms * G,
        static_wheel_n=static,
        yaw=yaw,
        turn=turn,
        heading_error=herr,
        vertical_g=vg,
        level=level,
        ground_pitch=ground_pitch,
        ltr=ltr,
        max_ltr=max_ltr,
        max_lateral_g=max_lat,
        clearance=clear,
        edge_t=edge_t,
        edge_i=edge_i,
        phases=phases,
    )


# --- the checks --------------------------------------------------------------------------------


def turn_complete(run: CarRun) -> CheckBatch:
    """The car ends pointing down the steps: |final heading - target| <= tolerance, and it
    goes over the first step edge nose first (positive speed along the nose).

    Value: the final heading error (rad); limit: ``targets.heading_tolerance``. Margin
    (tol - err) / tol; a car that goes over the edge backwards or sideways fails with margin
    at most -1 whatever its final heading.
    """
    tol = run.plan.targets.heading_tolerance
    err = run.heading_error[:, -1]
    nose = run.nose_first()
    ok = (err <= tol) & nose
    margin = (tol - err) / tol
    margin = np.where(nose, margin, np.minimum(margin, -1.0))
    yaw_end = run.yaw[:, -1]

    def describe(i: int) -> tuple[str, str | None]:
        target = np.degrees(run.plan.targets.heading) % 360.0
        head = np.degrees(-run.out.x[i, -1, 2]) % 360.0
        msg = (
            f"final heading {head:.0f} deg after a {np.degrees(yaw_end[i]):+.0f} deg rotation: "
            f"{np.degrees(err[i]):.1f} deg off the target {target:.0f} deg"
        )
        j = int(run.edge_i[i])
        if j >= 0:
            xe = run.out.x[i, j]
            msg += (
                f"; over the first step edge at {run.t[j]:.2f} s heading "
                f"{np.degrees(-xe[2]) % 360:.0f} deg, {xe[3]:+.1f} m/s along the nose"
            )
        if ok[i]:
            return msg, None
        if not nose[i]:
            return msg + " - backwards or sideways over the edge", (
                "finish the rotation before the edge: turn in earlier or start further from it"
            )
        short = abs(run.turn[i]) - abs(yaw_end[i])
        if short > 0:
            adv = f"rotate {np.degrees(short):.0f} deg more (more lock, longer, or faster entry)"
        else:
            adv = f"rotate {np.degrees(-short):.0f} deg less (countersteer earlier or harder)"
        return msg + " - the car does not end pointing down the steps", adv

    return CheckBatch(
        id="turn_complete",
        ok=ok,
        margin=margin,
        value=err,
        limit=np.full(run.B, tol),
        unit="rad",
        source=SRC_TURN,
        severity="fail",
        describe=describe,
        at=lambda i: run.at(i, len(run.t) - 1),
    )


def rollover(run: CarRun) -> CheckBatch:
    """Lateral load transfer on level ground and the body's roll angle.

    LTR = |F_L - F_R| / (F_L + F_R) averaged over 0.1 s while the ground carries at least half
    the weight (Odenthal et al. 1999); fail at ``targets.load_transfer_ratio`` or when the roll
    reaches the static tip-over angle atan(T/2h). Margin: the smaller of (limit - LTR)/limit
    and (tip - roll)/tip.
    """
    veh = run.plan.vehicle
    lim = run.plan.targets.load_transfer_ratio
    tip = ev.roll_angle_limit(veh)
    roll = np.max(np.abs(run.out.x[:, :, 8]), axis=1)
    rolled = roll >= tip
    ltr = run.max_ltr
    ok = (ltr < lim) & ~rolled
    margin = np.minimum((lim - ltr) / lim, (tip - roll) / tip)
    margin = np.where(ok, np.maximum(margin, 0.0), np.minimum(margin, -1e-3))
    ssf = veh.static_stability_factor

    def describe(i: int) -> tuple[str, str | None]:
        msg = (
            f"peak lateral load-transfer ratio on level ground {ltr[i]:.2f} (1 = wheels lift); "
            f"static stability factor T/2h {ssf:.2f} vs peak lateral acceleration "
            f"{run.max_lateral_g[i]:.2f} g; peak body roll {np.degrees(roll[i]):.0f} deg "
            f"(tip-over angle {np.degrees(tip):.0f} deg). Tripping on a nosing is not modelled"
        )
        if ok[i]:
            return msg, None
        if rolled[i]:
            return msg + " - the car rolls over (the model is not valid after that)", (
                "a different plan: slower entry or less steering where it rolls"
            )
        f = np.sqrt(lim / max(ltr[i], 1e-9))
        return msg, (
            f"cut the lateral acceleration by {(1 - lim / ltr[i]):.0%} (at the same path, entry "
            f"speed x {f:.2f})"
        )

    def at(i: int) -> dict[str, float]:
        j = int(np.argmax(np.nan_to_num(run.ltr[i], nan=-1.0)))
        return run.at(i, j)

    return CheckBatch(
        id="rollover",
        ok=ok,
        margin=margin,
        value=ltr,
        limit=np.full(run.B, lim),
        unit="",
        source=SRC_LTR,
        severity="fail",
        describe=describe,
        at=at,
    )


def landing_load(run: CarRun) -> CheckBatch:
    """Peak load of each wheel and each axle over its static load, at every step of the run.

    n_w = max_t F_z,w / F_z,w,static and n_axle = max_t (F_z,L + F_z,R) / static axle load;
    value max(n_w, n_axle), limit ``targets.landing_g`` (the bump factor, default 3: Brown,
    Robertson & Serpento 2002). The body's peak vertical g is reported beside it. Margin
    (limit - value) / limit. Severity fail: beyond the design bump load the suspension, its
    mounts or the wheels may fail on landing.
    """
    lim = run.plan.targets.landing_g
    wf = run.wheel_factor()
    af = run.axle_factor()
    value = np.maximum(wf.max(axis=1), af.max(axis=1))
    ok = value <= lim
    margin = (lim - value) / lim
    names = ("front left", "front right", "rear left", "rear right")
    body_g = run.out.max_vertical_g

    def describe(i: int) -> tuple[str, str | None]:
        w = int(np.argmax(wf[i]))
        msg = (
            f"peak wheel load {wf[i, w]:.1f} x static ({names[w]}), front axle "
            f"{af[i, 0]:.1f} x, rear axle {af[i, 1]:.1f} x static; body peak vertical load "
            f"{body_g[i]:.1f} g"
        )
        if ok[i]:
            return msg, None
        return msg + " - above the design bump load", (
            f"cut the impact load by {(1 - lim / value[i]):.0%}: a landing ramp over the first "
            "steps or a lower drop (impact load grows with the vertical speed at touch-down)"
        )

    return CheckBatch(
        id="landing_load",
        ok=ok,
        margin=margin,
        value=value,
        limit=np.full(run.B, lim),
        unit="",
        source=SRC_LANDING,
        severity="fail",
        describe=describe,
    )


def body_strike(run: CarRun) -> CheckBatch:
    """Whether any point of the body's lower outline touches the ground.

    Value: the peak body-ground contact force (N, every step); limit 0. Margin: the smallest
    clearance of the outline over the run divided by its clearance at rest (1 = never closer
    than at rest; < 0 in contact, the depth of the contact spring's compression).
    """
    veh = run.plan.vehicle
    bp = run.out.body_peak
    assert bp is not None and run.out.body_clear is not None
    force = bp[:, 0]
    if not veh.body_points:
        ok = np.zeros(run.B, dtype=bool)
        margin = np.full(run.B, -1.0)
    else:
        ok = force <= 0.0
        rest = min(p.z for p in veh.body_points)
        clear = np.min(run.out.body_clear, axis=1)
        margin = np.where(ok, np.maximum(clear / rest, 0.0), np.minimum(clear / rest, -1e-3))

    def describe(i: int) -> tuple[str, str | None]:
        if not veh.body_points:
            return (
                "the vehicle has no body outline (body_points): strikes cannot be checked",
                "give the body's lower outline in the vehicle preset",
            )
        if ok[i]:
            assert run.out.body_clear is not None
            c = float(np.min(run.out.body_clear[i]))
            return f"the body never touches the ground (closest {c:.2f} m)", None
        k = int(bp[i, 2])
        name = veh.body_points[k].name
        north = bp[i, 4]
        where = f"north {north:.1f} m"
        edge = getattr(run.plan.ground, "edge_north", None)
        if edge is not None and north > edge:
            where = f"{north - edge:.1f} m past the top nosing"
        return (
            f"the {name} strikes the ground at {bp[i, 1]:.2f} s, {where}, with "
            f"{bp[i, 0] / 1000:.1f} kN ({bp[i, 0] / run.weight_n[i]:.1f} x the car's weight)",
            f"keep the {name} off the ground there: a landing ramp over the steps, skid plates "
            "and a different entry (the strike is simulated, the damage is not)",
        )

    return CheckBatch(
        id="body_strike",
        ok=ok,
        margin=margin,
        value=force,
        limit=np.zeros(run.B),
        unit="N",
        source=SRC_BODY,
        severity="fail",
        describe=describe,
        at=lambda i: (
            {"t_s": float(bp[i, 1]), "east_m": float(bp[i, 3]), "north_m": float(bp[i, 4])}
            if bp[i, 0] > 0
            else None
        ),
    )


def pitch(run: CarRun) -> CheckBatch:
    """Pitch of the body relative to the ground slope under it, |theta - theta_ground|.

    theta_ground = atan((h_rear - h_front) / L) from the ground under the axles. Value: the
    peak (rad), limit ``targets.max_pitch`` (30 deg by default: a model-validity limit, fail
    safe). Margin (limit - value) / limit.
    """
    lim = run.plan.targets.max_pitch
    rel = run.pitch_rel()
    k = np.argmax(np.abs(rel), axis=1)
    value = np.abs(rel[np.arange(run.B), k])
    ok = value <= lim
    margin = (lim - value) / lim
    over = ev.pitch_over_angle(run.plan.vehicle)

    def describe(i: int) -> tuple[str, str | None]:
        j = int(k[i])
        sign = "nose down" if rel[i, j] > 0 else "nose up"
        msg = (
            f"peak pitch {np.degrees(value[i]):.0f} deg {sign} relative to the ground under the "
            f"car at {run.t[j]:.2f} s (body {np.degrees(run.out.x[i, j, 7]):+.0f} deg, ground "
            f"{np.degrees(run.ground_pitch[i, j]):+.0f} deg); static pitch-over angle "
            f"{np.degrees(over):.0f} deg"
        )
        if ok[i]:
            return msg, None
        return msg + " - beyond the model's pitch limit", (
            f"cut the pitch by {np.degrees(value[i] - lim):.0f} deg: a landing ramp matching the "
            "car's flight path over the first steps, or a faster departure (a flatter arc)"
        )

    return CheckBatch(
        id="pitch",
        ok=ok,
        margin=margin,
        value=value,
        limit=np.full(run.B, lim),
        unit="rad",
        source=SRC_PITCH,
        severity="fail",
        describe=describe,
        at=lambda i: run.at(i, int(k[i])),
    )


def wall_clearance(run: CarRun) -> CheckBatch:
    """Closest approach of the car's outline corners to a side wall along the stairs.

    Value: min clearance (m; NaN, with no limit, when never alongside the walls); limit
    ``targets.wall_margin``.
    Margin (clearance - margin) / max(margin, 0.1 m).
    """
    m = run.plan.targets.wall_margin
    clear = run.clearance
    cmin = np.min(clear, axis=1)
    ok = cmin >= m
    margin = np.where(np.isfinite(cmin), (cmin - m) / max(m, 0.1), 1.0)
    has_walls = bool(getattr(run.plan.ground, "has_walls", False))

    def describe(i: int) -> tuple[str, str | None]:
        if not np.isfinite(cmin[i]):
            msg = (
                "the car never comes alongside the stairs' walls"
                if has_walls
                else "flat ground: no walls"
            )
            return msg, None
        msg = f"closest approach of the car's outline to a side wall: {cmin[i]:.2f} m"
        if ok[i]:
            return msg, None
        if cmin[i] < 0:
            msg += " - the car hits the wall (the strike is not simulated)"
        return msg, f"keep {m - cmin[i]:.2f} m further from that wall (aim the car straighter)"

    return CheckBatch(
        id="wall_clearance",
        ok=ok,
        margin=margin,
        value=np.where(np.isfinite(cmin), cmin, np.nan),
        limit=np.where(np.isfinite(cmin), m, np.nan),  # no wall alongside: not applicable
        unit="m",
        source=SRC_WALL,
        severity="fail",
        describe=describe,
        quantity="distance",
        at=lambda i: run.at(i, int(np.argmin(clear[i]))) if np.isfinite(cmin[i]) else None,
    )


def shift_window(run: CarRun) -> CheckBatch:
    """The shift in the air (stuntsim.car.shift.shift_window)."""
    from stuntsim.car import shift

    x = run.out.x
    spec = run.plan.shift
    return shift.shift_window(
        run.t,
        run.yaw,
        run.turn,
        run.out.fz,
        0.5 * (x[:, :, 22] + x[:, :, 23]),
        run.out.inputs[:, :, 5],
        run.out.inputs[:, :, 4],
        spec,
        run.plan.vehicle.gearbox,
    )


def clutch_mismatch(run: CarRun) -> CheckBatch:
    """The clutch engagements (stuntsim.car.shift.clutch_mismatch)."""
    from stuntsim.car import shift
    from stuntsim.car.tyre import peak_slip_ratio

    veh = run.plan.vehicle
    x = run.out.x
    rear = float(veh.static_loads()[2])
    return shift.clutch_mismatch(
        run.t,
        x[:, :, 24],
        0.5 * (x[:, :, 22] + x[:, :, 23]),
        run.out.ratio,
        run.out.inputs[:, :, 4],
        run.out.kappa,
        run.out.fz,
        rear,
        peak_slip_ratio(veh.tyre_rear, rear),
    )


CHECKS = (
    turn_complete,
    rollover,
    landing_load,
    body_strike,
    pitch,
    shift_window,
    clutch_mismatch,
    wall_clearance,
)


def all_checks(run: CarRun) -> list[CheckBatch]:
    """Every check of a car plan on the batch, in report order."""
    return [c(run) for c in CHECKS]


# --- result assembly (one sample) ------------------------------------------------------------


def _assemble(run: CarRun, b: int, checks: list[Check]) -> CarResult:
    from stuntsim.car.result import BodyStrike, CarResult, EdgeCrossing, Landing

    plan = run.plan
    out = run.out
    t = out.t
    x = out.x[b]
    fz = out.fz[b]
    vg = run.vertical_g[b]
    static = run.static_wheel_n[b]
    landings = []
    for _a, end in run.phases[b]:
        sl = (t >= end) & (t <= end + 0.3)
        if sl.any():
            i = np.nonzero(sl)[0]
            k = i[int(np.argmax(vg[i]))]
            front = np.max(fz[i, 0] + fz[i, 1]) / (static[0] + static[1])
            rear = np.max(fz[i, 2] + fz[i, 3]) / (static[2] + static[3])
            landings.append(
                Landing(
                    t_s=float(end),
                    peak_t_s=float(t[k]),
                    vertical_g=float(vg[k]),
                    max_wheel_load_n=float(np.max(fz[i])),
                    wheel_factor=float(np.max(fz[i] / static)),
                    axle_factor=float(max(front, rear)),
                    east_m=float(x[k, 0]),
                    north_m=float(x[k, 1]),
                )
            )
    edge = None
    j = int(run.edge_i[b])
    if j >= 0:
        edge = EdgeCrossing(
            t_s=float(t[j]),
            heading_rad=float(np.mod(-x[j, 2], 2.0 * np.pi)),
            yaw_rad=float(x[j, 2] - x[0, 2]),
            speed_along_nose_m_s=float(x[j, 3]),
            nose_first=bool(x[j, 3] > 0.0),
        )
    bp = out.body_peak
    assert bp is not None and out.body_force is not None
    strike = None
    if bp[b, 0] > 0:
        strike = BodyStrike(
            point=plan.vehicle.body_points[int(bp[b, 2])].name,
            t_s=float(bp[b, 1]),
            peak_force_n=float(bp[b, 0]),
            east_m=float(bp[b, 3]),
            north_m=float(bp[b, 4]),
        )
    clear = run.clearance[b]
    finite = clear[np.isfinite(clear)]
    rel = run.pitch_rel()[b]
    k = int(np.argmax(np.abs(rel)))
    herr = run.heading_error[b]
    shift_check = next((c for c in checks if c.id == "shift_window"), None)
    clutch_check = next((c for c in checks if c.id == "clutch_mismatch"), None)
    return CarResult(
        name=plan.name,
        plan=plan,
        t=t,
        x=x,
        inputs=out.inputs[b],
        fz=fz,
        kappa=out.kappa[b],
        alpha=out.alpha[b],
        clutch_torque=out.clutch_torque[b],
        clutch_slip=out.clutch_slip[b],
        ratio=out.ratio[b],
        ax=out.ax[b],
        ay=out.ay[b],
        body_force=out.body_force[b],
        vertical_g=vg,
        ltr=run.ltr[b],
        clearance=clear,
        yaw=run.yaw[b],
        airborne=run.phases[b],
        landings=landings,
        shift=shift_check,
        clutch=[clutch_check] if clutch_check is not None else [],
        edge=edge,
        turn_rad=float(run.turn[b]),
        final_yaw_rad=float(run.yaw[b, -1]),
        final_heading_rad=float(np.mod(-x[-1, 2], 2.0 * np.pi)),
        heading_error_rad=float(herr[-1]),
        turn_time_s=ev.turn_time(t, run.yaw[b], herr, plan.targets.heading_tolerance),
        max_vertical_g=float(out.max_vertical_g[b]),
        max_wheel_factor=float(run.wheel_factor()[b].max()),
        max_axle_factor=float(run.axle_factor()[b].max()),
        max_load_transfer_ratio=float(run.max_ltr[b]),
        max_roll_rad=float(np.max(np.abs(x[:, 8]))),
        max_pitch_rad=float(rel[k]),
        max_lateral_g=float(run.max_lateral_g[b]),
        min_wall_clearance_m=float(np.min(finite)) if len(finite) else None,
        body_strike=strike,
        checks=checks,
    )
