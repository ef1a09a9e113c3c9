"""The car plan, the shift window, the clutch mismatch, and the timing / entry-speed search.

- :class:`CarPlan`: everything one run needs, in SI (built from the scenario by
  :func:`stuntsim.car.scenario.build_plan`).
- :func:`shift_window`: when the clutch-and-gear action can happen: the overlap of an airborne
  phase with the last 10 degrees of the turn (the stunt team's requirement, issue 7), and
  whether the planned shift lies inside it.
- :func:`clutch_engagements`: at each clutch engagement, the speed mismatch between engine and
  gearbox input, the torque spike it causes (a slipping clutch carries its capacity, times the
  overall ratio at the axle) and the rear-wheel slip that follows.
- :func:`search`: a grid over entry speed and keyframe timing, simulated as one batch, with
  the feasible windows (turn completed, car between the walls, no rollover).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from stuntsim.car.driver import CHANNELS, Timeline
from stuntsim.car.drivetrain import RPM, SLIP_SPEED
from stuntsim.car.vehicle import Vehicle

I_CLUTCH = CHANNELS.index("clutch")
I_GEAR = CHANNELS.index("gear")
LAST_DEGREES = np.radians(10.0)  # the shift happens in the last 10 deg of the turn (issue 7)
STOPPED_RATE = np.radians(5.0)  # rad/s: below this yaw rate the rotation has stopped


@dataclass(frozen=True)
class Start:
    east: float
    north: float
    heading: float  # rad, compass (clockwise from north); internal yaw psi = -heading
    speed: float  # m/s along the nose, negative when rolling backwards
    gear: int
    engine_running: bool = True


@dataclass(frozen=True)
class Targets:
    heading: float  # rad, compass: where the car must point at the end
    heading_tolerance: float  # rad
    turn: float | None  # rad, size of the turn (None: from start and target headings)
    shift_time: float  # s, time the driver needs for clutch down, gear, clutch up
    wall_margin: float  # m
    landing_g: float  # vertical g at landing (design bump load)
    load_transfer_ratio: float  # LTR limit


@dataclass(frozen=True)
class TimingDim:
    tag: str
    offsets: tuple[float, ...]  # s


@dataclass(frozen=True)
class SearchSpec:
    speeds: tuple[float, ...]  # m/s, signed like start.speed
    timing: tuple[TimingDim, ...]
    dt: float = 2e-3


@dataclass(frozen=True)
class CarPlan:
    name: str
    description: str
    vehicle: Vehicle
    ground: Any  # Stairs | FlatGround
    timeline: Timeline
    start: Start
    duration: float
    dt: float
    targets: Targets
    search: SearchSpec | None = None
    path: Path | None = None
    record_every: int = 2

    def with_speed(self, speed: float) -> CarPlan:
        return replace(self, start=replace(self.start, speed=speed))


# --- one run -----------------------------------------------------------------------------------


def run_batch(
    plan: CarPlan,
    speeds: np.ndarray,
    offsets: np.ndarray | None = None,
    dt: float | None = None,
    record_every: int | None = None,
):
    """Simulate the plan for each entry speed (and keyframe offsets): one vectorised call."""
    from stuntsim.car.dynamics import CarModel, simulate

    speeds = np.atleast_1d(np.asarray(speeds, dtype=float))
    B = len(speeds)
    model = CarModel(plan.vehicle, plan.ground, engine_running=plan.start.engine_running)
    s = plan.start
    from stuntsim.car.driver import DriverBatch

    pedal0 = DriverBatch(plan.timeline, offsets, B).values(0.0)[:, I_CLUTCH]
    x0 = model.initial_state(
        np.full(B, s.east),
        np.full(B, s.north),
        np.full(B, -s.heading),
        speeds,
        np.full(B, s.gear),
        pedal0,
    )
    stop = None
    if hasattr(plan.ground, "bottom_north"):
        stop = plan.ground.bottom_north + 15.0
    out = simulate(
        model,
        plan.timeline,
        x0,
        plan.duration,
        dt or plan.dt,
        record_every or plan.record_every,
        offsets=offsets,
        stop_north=stop,
    )
    return model, out


# --- turn geometry -----------------------------------------------------------------------------


def wrap_pi(a: np.ndarray | float) -> np.ndarray | float:
    return (np.asarray(a) + np.pi) % (2.0 * np.pi) - np.pi


def turn_size(plan: CarPlan, yaw: np.ndarray) -> float:
    """Signed rotation the plan needs (rad), in the direction the car actually turned."""
    sign = 1.0 if yaw[int(np.argmax(np.abs(yaw)))] >= 0.0 else -1.0
    if plan.targets.turn is not None:
        return sign * plan.targets.turn
    # internal yaw psi = -heading: target psi - start psi, in the car's direction of rotation
    delta = (-(plan.targets.heading) + plan.start.heading) % (2.0 * np.pi)
    if sign < 0:
        delta = delta - 2.0 * np.pi
    if abs(delta) < 1e-9:
        delta = sign * 2.0 * np.pi
    return float(delta)


def heading_error(plan: CarPlan, psi: np.ndarray) -> np.ndarray:
    """|final heading - target heading| (rad, 0..pi); psi is the internal yaw (= -heading)."""
    return np.abs(wrap_pi(psi + plan.targets.heading))


def last_degrees_interval(
    t: np.ndarray, yaw: np.ndarray, turn: float, yaw_rate: np.ndarray | None = None
) -> tuple[float, float] | None:
    """Times when |yaw| enters the last 10 deg of the turn and when the turn is done.

    The end is the first time |yaw| reaches the full turn or, if the rotation stops short
    (|yaw rate| below 5 deg/s), that moment; failing both, the time of the largest |yaw|.
    """
    a = np.abs(yaw * np.sign(turn))  # rotation in the turn's direction
    target = abs(turn)
    into = np.nonzero(a >= target - LAST_DEGREES)[0]
    if len(into) == 0:
        return None
    i0 = into[0]
    done = np.nonzero(a[i0:] >= target)[0]
    ends = [i0 + done[0]] if len(done) else []
    if yaw_rate is not None:
        stop = np.nonzero(np.abs(yaw_rate[i0:]) < STOPPED_RATE)[0]
        if len(stop):
            ends.append(i0 + stop[0])
    i1 = min(ends) if ends else i0 + int(np.argmax(a[i0:]))
    return float(t[i0]), float(t[i1])


def turn_time(t: np.ndarray, yaw: np.ndarray, err: np.ndarray, tol: float) -> float | None:
    """From the start of the rotation (|yaw| > 5 deg) to the first time the heading is within
    tolerance of the target; None if it never is."""
    moving = np.nonzero(np.abs(yaw) > np.radians(5.0))[0]
    if len(moving) == 0:
        return None
    within = np.nonzero(err[moving[0] :] <= tol)[0]
    if len(within) == 0:
        return None
    return float(t[moving[0] + within[0]] - t[moving[0]])


def edge_crossing(plan: CarPlan, t: np.ndarray, x: np.ndarray) -> dict[str, Any] | None:
    """When the CG first passes the first step edge: time, heading, speed along the nose.

    ``nose_first`` (positive speed along the nose) is what "going down the steps" means; a car
    that leaves the platform backwards or sideways has not turned at the top of the steps.
    None on flat ground or if the car never reaches the steps. ``x``: (n, 25).
    """
    edge = getattr(plan.ground, "edge_north", None)
    if edge is None:
        return None
    past = np.nonzero(x[:, 1] >= edge)[0]
    if len(past) == 0:
        return None
    i = past[0]
    return {
        "t_s": float(t[i]),
        "heading_deg": float(np.degrees(-x[i, 2]) % 360.0),
        "yaw_deg": float(np.degrees(x[i, 2] - x[0, 2])),
        "speed_along_nose_m_s": float(x[i, 3]),
        "nose_first": bool(x[i, 3] > 0.0),
    }


# --- airborne phases ---------------------------------------------------------------------------


def airborne_phases(
    t: np.ndarray, fz: np.ndarray, min_duration: float = 0.03, merge_gap: float = 0.01
) -> list[tuple[float, float]]:
    """Intervals with all four wheels off the ground (F_z = 0), for one plan (fz: (n, 4)).

    Contacts shorter than ``merge_gap`` split no phase; phases shorter than ``min_duration``
    (a wheel skipping over a nosing) are dropped.
    """
    off = np.all(fz <= 0.0, axis=1)
    if not off.any():
        return []
    edges = np.diff(off.astype(int))
    starts = list(np.nonzero(edges == 1)[0] + 1)
    ends = list(np.nonzero(edges == -1)[0] + 1)
    if off[0]:
        starts.insert(0, 0)
    if off[-1]:
        ends.append(len(off) - 1)
    phases: list[list[float]] = []
    for i0, i1 in zip(starts, ends, strict=True):
        a, b = float(t[i0]), float(t[i1])
        if phases and a - phases[-1][1] <= merge_gap + 1e-9:
            phases[-1][1] = b
        else:
            phases.append([a, b])
    return [(a, b) for a, b in phases if b - a >= min_duration]


# --- shift window ------------------------------------------------------------------------------


@dataclass
class ShiftWindow:
    start_s: float | None
    end_s: float | None
    feasible: bool
    required_s: float
    airborne: tuple[float, float] | None
    last_10deg: tuple[float, float] | None
    planned: tuple[float, float] | None
    planned_inside: bool | None

    @property
    def duration_s(self) -> float:
        if self.start_s is None or self.end_s is None:
            return 0.0
        return max(0.0, self.end_s - self.start_s)

    def to_dict(self) -> dict[str, Any]:
        def pair(p):
            return None if p is None else {"start_s": p[0], "end_s": p[1]}

        return {
            "start_s": self.start_s,
            "end_s": self.end_s,
            "feasible": self.feasible,
            "duration_s": self.duration_s,
            "required_s": self.required_s,
            "airborne": pair(self.airborne),
            "last_10deg": pair(self.last_10deg),
            "planned_shift": pair(self.planned),
            "planned_shift_inside": self.planned_inside,
        }


def planned_shift(t: np.ndarray, inputs: np.ndarray) -> tuple[float, float] | None:
    """The planned clutch-and-gear action around the first gear change, or None.

    It ends at the last gear change made while the clutch stays down (pedal >= 0.5) and starts
    when the driver pressed the clutch for it, or at the first lever movement if the pedal had
    already been down for more than 0.5 s (a clutch held down through the turn is not part of
    the shift).
    """
    gear = inputs[:, I_GEAR]
    changes = np.nonzero(np.diff(gear) != 0)[0] + 1
    if len(changes) == 0:
        return None
    i = changes[0]
    down = inputs[:, I_CLUTCH] >= 0.5
    if not down[i]:
        return float(t[i]), float(t[i])
    i0 = i
    while i0 > 0 and down[i0 - 1]:
        i0 -= 1
    i1 = i
    while i1 < len(t) - 1 and down[i1 + 1]:
        i1 += 1
    last = changes[(changes >= i) & (changes <= i1)][-1]
    start = t[i0] if t[i] - t[i0] <= 0.5 else t[i]
    return float(start), float(t[last])


def shift_window(
    t: np.ndarray,
    yaw: np.ndarray,
    turn: float,
    phases: list[tuple[float, float]],
    shift_time: float,
    planned: tuple[float, float] | None,
    yaw_rate: np.ndarray | None = None,
) -> ShiftWindow:
    """Window for the clutch-and-gear action: the airborne phase that overlaps the last 10 deg of
    the turn the most, intersected with it; feasible when at least ``shift_time`` long."""
    last = last_degrees_interval(t, yaw, turn, yaw_rate)
    best = None
    best_len = 0.0
    if last is not None:
        for a, b in phases:
            lo, hi = max(a, last[0]), min(b, last[1])
            if hi - lo > best_len or (best is None and hi >= lo):
                best, best_len = (a, b), hi - lo
    if best is None or last is None:
        return ShiftWindow(None, None, False, shift_time, None, last, planned, None)
    lo, hi = max(best[0], last[0]), min(best[1], last[1])
    feasible = hi - lo >= shift_time
    inside = None
    if planned is not None:
        inside = bool(planned[0] >= lo - 1e-9 and planned[1] <= hi + 1e-9)
    return ShiftWindow(lo, hi, feasible, shift_time, best, last, planned, inside)


# --- clutch engagement -------------------------------------------------------------------------


@dataclass
class ClutchEngagement:
    t_s: float
    engine_rpm: float
    gearbox_rpm: float  # gearbox input speed = overall ratio x carrier speed
    mismatch_rpm: float  # engine minus gearbox input
    gear: int
    peak_clutch_torque_nm: float
    peak_axle_torque_nm: float  # clutch torque x overall ratio, at the rear axle
    peak_rear_slip: float  # largest |kappa| of a loaded rear wheel afterwards
    lock_time_s: float | None  # time until the clutch stops slipping
    energy_j: float  # heat in the clutch during the engagement

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def clutch_engagements(
    t: np.ndarray,
    x: np.ndarray,
    inputs: np.ndarray,
    clutch_torque: np.ndarray,
    clutch_slip: np.ndarray,
    ratio: np.ndarray,
    kappa: np.ndarray,
    fz: np.ndarray,
    rear_static: float,
    window: float = 1.0,
) -> list[ClutchEngagement]:
    """Each time the clutch starts to carry torque in gear (pedal leaves the floor, or a gear is
    selected with the pedal up), after t = 0."""
    cap = np.clip(1.0 - inputs[:, I_CLUTCH], 0.0, 1.0) * (ratio != 0.0)
    on = cap > 0.02
    starts = np.nonzero(on[1:] & ~on[:-1])[0] + 1
    out = []
    dt = float(t[1] - t[0]) if len(t) > 1 else 0.0
    for i in starts:
        j_end = np.searchsorted(t, t[i] + window)
        off_again = np.nonzero(~on[i:j_end])[0]
        if len(off_again):
            j_end = i + off_again[0]
        sl = slice(i, max(j_end, i + 1))
        w_c = 0.5 * (x[i, 22] + x[i, 23])
        gin = ratio[i] * w_c
        loaded = fz[sl, 2:] > 0.25 * rear_static
        kap = np.where(loaded, np.abs(kappa[sl, 2:]), 0.0)
        slipping = np.abs(clutch_slip[sl]) > 3.0 * SLIP_SPEED
        locked = np.nonzero(~slipping)[0]
        out.append(
            ClutchEngagement(
                t_s=float(t[i]),
                engine_rpm=float(x[i, 24] / RPM),
                gearbox_rpm=float(gin / RPM),
                mismatch_rpm=float((x[i, 24] - gin) / RPM),
                gear=int(inputs[i, I_GEAR]),
                peak_clutch_torque_nm=float(np.max(np.abs(clutch_torque[sl]))),
                peak_axle_torque_nm=float(np.max(np.abs(clutch_torque[sl] * ratio[sl]))),
                peak_rear_slip=float(np.max(kap)) if kap.size else 0.0,
                lock_time_s=float(locked[0] * dt) if len(locked) else None,
                energy_j=float(np.sum(np.abs(clutch_torque[sl] * clutch_slip[sl])) * dt),
            )
        )
    return out


# --- the search --------------------------------------------------------------------------------


@dataclass
class SearchResult:
    plan: CarPlan
    speeds: np.ndarray  # (S,)
    timing: tuple[TimingDim, ...]
    speed_idx: np.ndarray  # (B,) grid index of each candidate
    timing_idx: np.ndarray  # (B, D)
    offsets: np.ndarray  # (B, D) s
    valid: np.ndarray  # (B,) keyframes stay in order
    feasible: np.ndarray  # (B,)
    reasons: list[str]
    heading_error: np.ndarray  # (B,) rad
    final_yaw: np.ndarray  # (B,) rad
    min_clearance: np.ndarray  # (B,) m
    max_ltr: np.ndarray  # (B,)
    max_roll: np.ndarray  # (B,) rad
    shift: list[ShiftWindow | None]
    best: int | None  # index of the most robust feasible candidate
    extras: dict[str, Any] = field(default_factory=dict)

    def windows(self) -> list[dict[str, Any]]:
        """Feasible timing intervals for each entry speed (and other timing values): contiguous
        runs along the first timing dimension."""
        out = []
        D = len(self.timing)
        if D == 0:
            for si, sp in enumerate(self.speeds):
                ok = bool(self.feasible[self.speed_idx == si].any())
                out.append({"speed_m_s": float(sp), "feasible": ok})
            return out
        first = self.timing[0]
        rest = [range(len(d.offsets)) for d in self.timing[1:]]
        for si, sp in enumerate(self.speeds):
            for combo in itertools.product(*rest):
                mask = self.speed_idx == si
                for k, c in enumerate(combo):
                    mask &= self.timing_idx[:, k + 1] == c
                idx = np.nonzero(mask)[0]
                order = idx[np.argsort(self.timing_idx[idx, 0])]
                runs: list[list[float]] = []
                prev = None
                for b in order:
                    if self.feasible[b]:
                        off = first.offsets[self.timing_idx[b, 0]]
                        if prev is not None and self.feasible[prev]:
                            runs[-1][1] = off
                        else:
                            runs.append([off, off])
                    prev = b
                entry = {
                    "speed_m_s": float(sp),
                    first.tag: [{"from_s": a, "to_s": b} for a, b in runs],
                }
                for k, c in enumerate(combo):
                    entry[self.timing[k + 1].tag] = self.timing[k + 1].offsets[c]
                out.append(entry)
        return out


def _grid(spec: SearchSpec, timeline: Timeline) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    dims = [range(len(spec.speeds))] + [range(len(d.offsets)) for d in spec.timing]
    combos = np.array(list(itertools.product(*dims)), dtype=int).reshape(-1, len(dims))
    sidx = combos[:, 0]
    tidx = combos[:, 1:]
    K = len(timeline.keyframes)
    key_off = np.zeros((len(combos), K))
    for d, dim in enumerate(spec.timing):
        vals = np.array(dim.offsets)[tidx[:, d]]
        for k, kf in enumerate(timeline.keyframes):
            if kf.tag == dim.tag or (dim.tag == "*" and kf.group == 0 and kf.t > 0.0):
                key_off[:, k] += vals
    return sidx, tidx, key_off


def search(plan: CarPlan, spec: SearchSpec) -> SearchResult:
    """Simulate every grid point (entry speed x keyframe timing) in one batch and judge it."""
    from stuntsim.car.result import clearance_series, level_ground, ltr_max, roll_angle_limit

    sidx, tidx, key_off = _grid(spec, plan.timeline)
    valid = plan.timeline.shifted_in_order(key_off)
    speeds = np.array(spec.speeds)
    B = len(sidx)
    D = len(spec.timing)
    offsets = np.zeros((B, D))
    for d, dim in enumerate(spec.timing):
        offsets[:, d] = np.array(dim.offsets)[tidx[:, d]]
    herr = np.full(B, np.nan)
    fyaw = np.full(B, np.nan)
    clear = np.full(B, np.nan)
    ltr = np.full(B, np.nan)
    roll = np.full(B, np.nan)
    nose = np.ones(B, dtype=bool)
    shifts: list[ShiftWindow | None] = [None] * B
    run_idx = np.nonzero(valid)[0]
    if len(run_idx):
        rec = max(1, round(0.01 / spec.dt))
        _model, out = run_batch(plan, speeds[sidx[run_idx]], key_off[run_idx], spec.dt, rec)
        psi = out.x[:, -1, 2]
        herr[run_idx] = heading_error(plan, psi)
        yaw_all = out.x[:, :, 2] - out.x[:, :1, 2]
        fyaw[run_idx] = yaw_all[:, -1]
        clear[run_idx] = np.min(clearance_series(plan, out.x), axis=1)
        mg = plan.vehicle.mass * 9.81
        dt_rec = out.t[1] - out.t[0]
        level = level_ground(plan, out.x)
        roll[run_idx] = np.max(np.abs(out.x[:, :, 8]), axis=1)
        for j, b in enumerate(run_idx):
            ltr[b] = ltr_max(out.fz[j], mg, dt_rec, level[j])
            ec = edge_crossing(plan, out.t, out.x[j])
            nose[b] = ec is None or ec["nose_first"]
            phases = airborne_phases(out.t, out.fz[j])
            turn = turn_size(plan, yaw_all[j])
            shifts[b] = shift_window(
                out.t,
                yaw_all[j],
                turn,
                phases,
                plan.targets.shift_time,
                planned_shift(out.t, out.inputs[j]),
                out.x[j, :, 5],
            )
    tg = plan.targets
    reasons = []
    feasible = np.zeros(B, dtype=bool)
    for b in range(B):
        if not valid[b]:
            reasons.append("keyframes out of order")
            continue
        why = []
        if not herr[b] <= tg.heading_tolerance:
            why.append("turn")
        if not nose[b]:
            why.append("backwards")
        if not clear[b] >= tg.wall_margin:
            why.append("wall")
        if not (ltr[b] < tg.load_transfer_ratio and roll[b] < roll_angle_limit(plan.vehicle)):
            why.append("roll")
        feasible[b] = not why
        reasons.append("ok" if not why else "+".join(why))
    best = _most_robust(feasible, sidx, tidx, herr, shifts)
    return SearchResult(
        plan=plan,
        speeds=speeds,
        timing=spec.timing,
        speed_idx=sidx,
        timing_idx=tidx,
        offsets=offsets,
        valid=valid,
        feasible=feasible,
        reasons=reasons,
        heading_error=herr,
        final_yaw=fyaw,
        min_clearance=clear,
        max_ltr=ltr,
        max_roll=roll,
        shift=shifts,
        best=best,
    )


def _most_robust(
    feasible: np.ndarray,
    sidx: np.ndarray,
    tidx: np.ndarray,
    herr: np.ndarray,
    shifts: list[ShiftWindow | None],
) -> int | None:
    """The feasible grid point with a feasible shift window if any, then the most feasible
    neighbours (+-1 step in every dimension), then the smallest heading error."""
    cand = np.nonzero(feasible)[0]
    if len(cand) == 0:
        return None
    coords = np.column_stack([sidx, tidx])
    lookup = {tuple(c): i for i, c in enumerate(coords)}
    scores = []
    for b in cand:
        n = 0
        for delta in itertools.product((-1, 0, 1), repeat=coords.shape[1]):
            if not any(delta):
                continue
            j = lookup.get(tuple(coords[b] + np.array(delta)))
            n += int(j is not None and feasible[j])
        sw = shifts[b]
        shift_ok = int(sw is not None and sw.feasible)
        scores.append((-shift_ok, -n, float(herr[b]), int(b)))
    return min(scores)[3]


def candidate_plan(sr: SearchResult, b: int) -> CarPlan:
    """The plan of grid point ``b``: its entry speed and its keyframes moved."""
    plan = sr.plan
    kfs = []
    for kf in plan.timeline.keyframes:
        dt = 0.0
        for d, dim in enumerate(sr.timing):
            if kf.tag == dim.tag or (dim.tag == "*" and kf.group == 0 and kf.t > 0.0):
                dt += float(sr.offsets[b, d])
        kfs.append(replace(kf, t=kf.t + dt))
    timeline = replace(plan.timeline, keyframes=tuple(kfs))
    return replace(plan.with_speed(float(sr.speeds[sr.speed_idx[b]])), timeline=timeline)
