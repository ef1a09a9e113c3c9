"""The shift in the air: out of reverse into first, its duration, and when it can be done.

The stunt: the car reverses towards the steps, is thrown round 180 deg with the clutch down and
goes down the steps nose first; on the last-10-degrees cue the driver selects first and lets
the clutch up while the driven (rear) wheels are off the ground. This module answers whether
that action fits, and how long it takes.

**The action** (from the cue, each step an estimate of a trained driver's movement time unless
the scenario gives the whole duration):

1. clutch down, if it is not already (``clutch_down_s``);
2. lever out of reverse into neutral (``lever_out_s``; reverse is a plain dog gear: nothing to
   synchronise on the way out);
3. lever across the gate onto the first-gear synchroniser (``lever_across_s``);
4. the synchroniser brings the gearbox input side to the speed first gear needs (``t_sync``,
   below); only then does the sleeve go through;
5. clutch up to the bite point (``clutch_up_s``).

**Synchroniser** (single-cone, blocker ring; Razzacki, "Synchronizer Design: A Mathematical
and Dimensional Treatise", SAE 2004-01-1230; Naunheimer, Bertsche, Ryborz & Novak, *Automotive
Transmissions*, 2nd ed., Springer 2011, chapter on synchronisers). The axial sleeve force F_a
presses the cone; the friction torque of a cone of mean radius r_c, half-angle alpha and
friction coefficient mu is::

    T_s = mu F_a r_c / sin(alpha)

It must change the speed of everything on the gearbox input side (clutch disc, input shaft,
layshaft cluster and idler gears; inertia J_in referred to the input shaft) until the first-gear
idler turns with the output shaft. Referred to the first-gear idler (it turns at omega_in / i_1),
the inertia is J_in i_1^2 and the speed change Delta omega_g = |omega_out - omega_in / i_1|, so::

    t_sync = J_in i_1^2 Delta omega_g / T_s = J_in i_1 |i_1 omega_out - omega_in| / T_s

With the clutch down the input shaft follows the output through the gear still engaged. A car
that rolled backwards in reverse and is now rolling forwards spins its input shaft *backwards*
(omega_in = -i_R omega_out) when the lever leaves reverse, so first gear's synchroniser must stop
and reverse it: |i_1 omega_out - omega_in| = (i_1 + i_R) omega_out. That is what sets the shift
time. Oil drag on the free input side and the drag torque of the other synchronisers are left
out (they are a few per cent of T_s); the reaction of T_s on the output shaft (T_s / i_1 at the
wheels' side, about 10 N m) is not fed back into the car.

Output shaft speed: omega_out = final drive x mean rear-wheel speed.

The parameters of the Getrag 280's first-gear synchroniser are not published: every figure of
:data:`GETRAG_280_FIRST` is an estimate (typical values of the sources above for a passenger
car gearbox of this size), and the scenario's ``[shift]`` section can override each of them or
give the whole duration.

**Checks** (CheckBatch functions; ``car/checks.py`` includes them):

- :func:`shift_window`: the action starts at the cue (|yaw| = |turn| - 10 deg) and the clutch
  must come up while the driven wheels are unloaded (both rear tyres off the ground; all four
  with ``unloaded = "all"``). The window is the unloaded phase after the earliest completion
  t_cue + t_shift, from max(phase start, t_cue + t_shift) to the phase end; it must be at least
  0.1 s long (estimate: the shortest window a driver can hit), the run must select first after
  the cue, and its clutch-up (read from the driver inputs) must lie inside the window.
- :func:`clutch_mismatch`: at each clutch engagement in gear, the engine / gearbox-input speed
  mismatch and the slip of a loaded rear wheel it causes, against the slip at the Magic
  Formula peak (caution).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from stuntsim.checks import CheckBatch

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from stuntsim.car.drivetrain import Gearbox

RPM = 2.0 * math.pi / 60.0
LAST_DEGREES = math.radians(10.0)
MIN_PHASE_S = 0.03  # unloaded phases shorter than this (a wheel skipping a nosing) do not count
MERGE_GAP_S = 0.01  # touches shorter than this do not split an unloaded phase

SRC_SYNC = (
    "cone synchroniser T = mu F_a r / sin(alpha), t = J i_1 |i_1 w_out - w_in| / T (Razzacki, "
    "SAE 2004-01-1230; Naunheimer et al., Automotive Transmissions, Springer 2011); Getrag 280 "
    "synchroniser figures and the driver's movement times: estimates"
)
SRC_SHIFT_WINDOW = (
    "stunt action: first gear on the last-10-degree cue, clutch up while the driven wheels are "
    "off the ground; shift time " + SRC_SYNC
)
SRC_CLUTCH = (
    "slip ratio at the peak of the Magic Formula Fx curve (Pacejka, Tyre and Vehicle Dynamics, "
    "2012, §4.3.2): beyond it the driven wheels spin or lock"
)


@dataclass(frozen=True)
class Synchroniser:
    """A single-cone synchroniser and the inertia it must bring to speed (SI)."""

    input_inertia: float  # kg m^2: clutch disc + input shaft + layshaft + idlers, at the input
    cone_friction: float  # mu, dynamic, brass cone in gear oil
    cone_radius: float  # m, mean cone radius
    cone_half_angle: float  # rad
    knob_force: float  # N, the driver's push on the gear knob
    lever_ratio: float  # sleeve force / knob force of the lever and linkage
    sources: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def axial_force(self) -> float:
        """F_a = knob force x lever ratio (N)."""
        return self.knob_force * self.lever_ratio

    @property
    def torque(self) -> float:
        """Cone friction torque T_s = mu F_a r_c / sin(alpha) (N m)."""
        return (
            self.cone_friction
            * self.axial_force
            * self.cone_radius
            / math.sin(self.cone_half_angle)
        )

    def sync_time(
        self,
        omega_in: NDArray[np.float64] | float,
        omega_out: NDArray[np.float64] | float,
        i_to: float,
    ) -> NDArray[np.float64]:
        """t_sync = J_in i |i omega_out - omega_in| / T_s (s): the input side from ``omega_in``
        (rad/s, input shaft) to ``i_to x omega_out`` (gear ratio ``i_to``)."""
        d = np.abs(i_to * np.asarray(omega_out, dtype=float) - np.asarray(omega_in, dtype=float))
        return self.input_inertia * i_to * d / self.torque


GETRAG_280_FIRST = Synchroniser(
    input_inertia=0.008,
    cone_friction=0.10,
    cone_radius=0.040,
    cone_half_angle=math.radians(6.5),
    knob_force=150.0,
    lever_ratio=5.5,
    sources={
        "input_inertia": "estimate: clutch disc and gearbox input side of a 5-speed car gearbox",
        "cone_friction": "estimate: brass cone in gear oil, 0.08-0.12 (Razzacki 2004)",
        "cone_radius": "estimate: first-gear cone of a gearbox rated about 400 N m",
        "cone_half_angle": "estimate: 6-7.5 deg usual for single cones (Razzacki 2004)",
        "knob_force": "estimate: a hard, fast shift",
        "lever_ratio": "estimate: floor lever and linkage",
    },
)


@dataclass(frozen=True)
class ShiftSpec:
    """The shift action of a plan: its cue, what "in the air" means, and its duration."""

    synchro: Synchroniser = GETRAG_280_FIRST
    cue_before_end: float = LAST_DEGREES  # rad: the cue is |yaw| = |turn| - this
    unloaded: Literal["driven", "all"] = "driven"
    duration: float | None = None  # s: the whole action from the cue (overrides the model)
    to_gear: int = 1
    clutch_down_s: float = 0.10  # estimate: pedal to the floor, if it is not already
    lever_out_s: float = 0.10  # estimate: reverse to neutral
    lever_across_s: float = 0.10  # estimate: through the gate onto the first-gear cone
    clutch_up_s: float = 0.15  # estimate: pedal up to the bite point
    min_window_s: float = 0.10  # estimate: shortest clutch-up window a driver can hit (about
    #   twice the timing scatter of a rehearsed driver on a felt cue)
    require_shift: bool = True  # the run itself must select the gear and let the clutch up

    def wheels(self) -> list[int]:
        return [2, 3] if self.unloaded == "driven" else [0, 1, 2, 3]

    def what_unloaded(self) -> str:
        return "driven wheels" if self.unloaded == "driven" else "all four wheels"


def default_spec(duration: float | None = None, **over: object) -> ShiftSpec:
    """The default action (Getrag 280 estimates), optionally with a given duration."""
    return replace(ShiftSpec(), duration=duration, **over)  # type: ignore[arg-type]


# --- the action's duration ------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftTiming:
    """Per-sample durations of the steps of the action, (B,) arrays, s (rad/s for speeds)."""

    clutch_down: NDArray[np.float64]
    lever: NDArray[np.float64]  # out of reverse and across the gate
    sync: NDArray[np.float64]
    clutch_up: NDArray[np.float64]
    omega_in: NDArray[np.float64]  # input shaft when the lever leaves the old gear
    omega_target: NDArray[np.float64]  # input shaft speed first gear needs
    given: bool  # the scenario gave the whole duration

    @property
    def to_gear_in(self) -> NDArray[np.float64]:
        """From the cue until the sleeve goes through into the new gear."""
        return self.clutch_down + self.lever + self.sync

    @property
    def total(self) -> NDArray[np.float64]:
        return self.to_gear_in + self.clutch_up


def shift_timing(
    spec: ShiftSpec,
    gearbox: Gearbox,
    carrier_speed: NDArray[np.float64],
    gear_ratio_before: NDArray[np.float64],
    clutch_down: NDArray[np.bool_],
) -> ShiftTiming:
    """Durations of the action for B samples.

    ``carrier_speed`` (B,): mean rear-wheel speed (rad/s) at the cue; ``gear_ratio_before``
    (B,): the signed gearbox ratio engaged before the shift (negative for reverse, 0 in
    neutral: the input side is then taken as stopped); ``clutch_down`` (B,): the pedal is
    already down at the cue.
    """
    w_out = gearbox.final_drive * np.asarray(carrier_speed, dtype=float)
    i_to = gearbox.ratios[spec.to_gear - 1]
    w_in = np.asarray(gear_ratio_before, dtype=float) * w_out
    B = w_out.shape[0]
    down = np.where(clutch_down, 0.0, spec.clutch_down_s)
    lever = np.full(B, spec.lever_out_s + spec.lever_across_s)
    sync = spec.synchro.sync_time(w_in, w_out, i_to)
    up = np.full(B, spec.clutch_up_s)
    given = spec.duration is not None
    if given:
        # the scenario's duration replaces the model; kept in the same shape (no split)
        down = np.zeros(B)
        lever = np.zeros(B)
        sync = np.full(B, float(spec.duration) - spec.clutch_up_s).clip(0.0)  # type: ignore[arg-type]
        up = np.full(B, min(spec.clutch_up_s, float(spec.duration)))  # type: ignore[arg-type]
    return ShiftTiming(down, lever, sync, up, w_in, i_to * w_out, given)


# --- event helpers (batched over B, loops only where the phases differ per sample) ---------


def cue_times(
    t: NDArray[np.float64], yaw: NDArray[np.float64], turn: NDArray[np.float64], before_end: float
) -> NDArray[np.float64]:
    """First time |yaw| (in the turn's direction) reaches |turn| - ``before_end``; NaN never."""
    a = yaw * np.sign(turn)[:, None]
    reached = a >= (np.abs(turn) - before_end)[:, None]
    idx = np.argmax(reached, axis=1)
    out = t[idx].astype(float)
    out[~reached.any(axis=1)] = np.nan
    return out


def unloaded_phases(t: NDArray[np.float64], off: NDArray[np.bool_]) -> list[tuple[float, float]]:
    """Intervals where ``off`` (n,) holds, touches under 10 ms merged, phases under 30 ms
    dropped (a wheel skipping over a nosing)."""
    if not off.any():
        return []
    edges = np.diff(off.astype(np.int8))
    starts = list(np.nonzero(edges == 1)[0] + 1)
    ends = list(np.nonzero(edges == -1)[0] + 1)
    if off[0]:
        starts.insert(0, np.int64(0))
    if off[-1]:
        ends.append(np.int64(len(off) - 1))
    phases: list[list[float]] = []
    for i0, i1 in zip(starts, ends, strict=True):
        a, b = float(t[i0]), float(t[i1])
        if phases and a - phases[-1][1] <= MERGE_GAP_S + 1e-9:
            phases[-1][1] = b
        else:
            phases.append([a, b])
    return [(a, b) for a, b in phases if b - a >= MIN_PHASE_S]


def _planned_clutch_up(
    t: NDArray[np.float64],
    gear: NDArray[np.float64],
    clutch: NDArray[np.float64],
    t_cue: float,
    to_gear: int,
) -> tuple[float | None, float | None]:
    """(time the lever reaches ``to_gear``, time the pedal then comes up past half) after the
    cue, from the driver inputs of one sample; None where the plan does not do it."""
    after = t >= t_cue - 1e-9
    into = np.nonzero(after & (gear == to_gear))[0]
    if len(into) == 0:
        return None, None
    i = int(into[0])
    up = np.nonzero(clutch[i:] < 0.5)[0]
    return float(t[i]), (float(t[i + up[0]]) if len(up) else None)


# --- the checks ------------------------------------------------------------------------------


@dataclass
class WindowInfo:
    """What the shift-window check found for one sample (times in s from the run's start)."""

    t_cue: float  # NaN: the cue never came
    need: float  # the action's duration
    t_done: float | None = None  # earliest completion
    phase: tuple[float, float] | None = None  # the unloaded phase used
    window: tuple[float, float] | None = None  # when the clutch may come up
    why: str | None = None  # no window at all: why
    planned_in: float | None = None
    planned_up: float | None = None
    too_early: float | None = None  # the planned gear-in precedes this earliest possible time
    up_outside: bool = False
    not_done: bool = False  # the run never selects the gear after the cue


def shift_window(
    t: NDArray[np.float64],
    yaw: NDArray[np.float64],
    turn: NDArray[np.float64],
    fz: NDArray[np.float64],
    carrier_speed: NDArray[np.float64],
    gear: NDArray[np.float64],
    clutch: NDArray[np.float64],
    spec: ShiftSpec,
    gearbox: Gearbox,
) -> CheckBatch:
    """Whether the shift, started on the cue, can be finished with the driven wheels unloaded.

    Shapes: t (n,); yaw, carrier_speed, gear, clutch (B, n); turn (B,); fz (B, n, 4).

    t_done = t_cue + t_shift (t_shift from :func:`shift_timing` at the cue); the window is the
    unloaded phase [a, b] with the most time after t_done: W = b - max(a, t_done). Value: W (s),
    limit ``spec.min_window_s`` (0.1 s, estimate: the shortest window a driver can hit); margin
    (W - limit) / t_shift (>= 0 passes; negative: the fraction of the shift time missing). A
    run that never selects the gear after the cue (``spec.require_shift``), whose driver inputs
    select it earlier than the synchroniser allows, or let the clutch up outside
    [max(a, t_done), b], fails.
    """
    t = np.asarray(t, dtype=float)
    B = yaw.shape[0]
    t_cue = cue_times(t, yaw, np.asarray(turn, dtype=float), spec.cue_before_end)
    i_cue = np.clip(np.searchsorted(t, np.nan_to_num(t_cue, nan=t[-1])), 0, len(t) - 1)
    rows = np.arange(B)
    table = gearbox.table() / gearbox.final_drive  # gearbox ratio by gear + 1 (signed)
    g_cue = gear[rows, i_cue].astype(int)
    # in neutral at the cue: the ratio engaged before (the shaft kept the speed it had then)
    ratio_before = table[g_cue + 1]
    w_c = carrier_speed[rows, i_cue].astype(float)
    for k in (int(v) for v in np.nonzero(g_cue == 0)[0]):
        prev = np.nonzero(gear[k, : i_cue[k] + 1] != 0)[0]
        if len(prev):
            j = prev[-1]
            ratio_before[k] = (
                table[int(gear[k, j]) + 1]
                * carrier_speed[k, j]
                / (w_c[k] if abs(w_c[k]) > 1e-9 else 1.0)
            )
    timing = shift_timing(spec, gearbox, w_c, ratio_before, clutch[rows, i_cue] >= 0.5)
    need = timing.total
    wheels = spec.wheels()
    value = np.full(B, np.nan)
    margin = np.full(B, -1.0)
    ok = np.zeros(B, dtype=bool)
    info: list[WindowInfo] = []
    for b in range(B):
        d = WindowInfo(t_cue=float(t_cue[b]), need=float(need[b]))
        info.append(d)
        if not np.isfinite(t_cue[b]):
            d.why = "the car never reaches the cue (the turn stops short of its last 10 deg)"
            continue
        t_done = float(t_cue[b] + need[b])
        d.t_done = t_done
        off = np.all(fz[b][:, wheels] <= 0.0, axis=1) & (t >= t_cue[b])
        phases = unloaded_phases(t, off)
        if not phases:
            d.why = f"the {spec.what_unloaded()} never leave the ground after the cue"
            continue
        a, e = max(phases, key=lambda p: p[1] - max(p[0], t_done))
        w = e - max(a, t_done)
        d.phase = (a, e)
        d.window = (max(a, t_done), e)
        value[b] = w
        scale = max(float(need[b]), 1e-3)
        margin[b] = max((w - spec.min_window_s) / scale, -1.0)
        good = w >= spec.min_window_s
        t_in, t_up = _planned_clutch_up(t, gear[b], clutch[b], float(t_cue[b]), spec.to_gear)
        if t_in is None and spec.require_shift:
            d.not_done = True
            good = False
            margin[b] = min(margin[b], -1.0)
        if t_in is not None:
            d.planned_in, d.planned_up = t_in, t_up
            earliest_in = float(t_cue[b] + timing.to_gear_in[b])
            if t_in < earliest_in - 1e-9:
                d.too_early = earliest_in
                good = False
                margin[b] = min(margin[b], (t_in - earliest_in) / scale)
            if t_up is None or not (max(a, t_done) - 1e-9 <= t_up <= e + 1e-9):
                d.up_outside = True
                good = False
                miss = 1.0 if t_up is None else max(max(a, t_done) - t_up, t_up - e) / scale
                margin[b] = min(margin[b], -miss)
        ok[b] = good
        if not good and margin[b] >= 0.0:
            margin[b] = -1e-3

    def describe(i: int) -> tuple[str, str | None]:
        d = info[i]
        if d.why is not None:
            return (f"no shift window: {d.why}", _advice_no_window(d, spec))
        assert d.phase is not None and d.window is not None and d.t_done is not None
        parts = (
            f"clutch {'already down' if timing.clutch_down[i] == 0 else 'down'}, lever "
            f"{timing.lever[i]:.2f} s, synchroniser {timing.sync[i]:.2f} s (input shaft "
            f"{timing.omega_in[i] / RPM:+.0f} -> {timing.omega_target[i] / RPM:+.0f} rpm), "
            f"clutch up {timing.clutch_up[i]:.2f} s"
        )
        if timing.given:
            parts = f"duration from the scenario {need[i]:.2f} s"
        w = value[i]
        a, e = d.phase
        lo, hi = d.window
        msg = (
            f"shift from the cue at {d.t_cue:.2f} s takes {need[i]:.2f} s ({parts}): done at "
            f"{d.t_done:.2f} s at the earliest; {spec.what_unloaded()} off the ground "
            f"{a:.2f}-{e:.2f} s"
        )
        need_w = spec.min_window_s
        if w >= need_w:
            msg += f" -> clutch up between {lo:.2f} and {hi:.2f} s (a {w:.2f} s window)"
        elif w >= 0:
            msg += (
                f" -> a {w:.2f} s window to let the clutch up, shorter than the {need_w:.2f} s a "
                "driver can hit"
            )
        else:
            msg += f" -> {-w:.2f} s short"
        if d.planned_in is not None:
            msg += f"; planned: first gear at {d.planned_in:.2f} s"
            if d.planned_up is not None:
                msg += f", clutch up at {d.planned_up:.2f} s"
        elif d.not_done:
            msg += "; the run never selects first after the cue (the shift is not done)"
        if ok[i]:
            return msg, None
        advice: list[str] = []
        if w < need_w:
            short = need_w - w
            sync = float(timing.sync[i])
            advice.append(
                f"the {spec.what_unloaded()} must stay off the ground {short:.2f} s longer "
                f"(until {e + short:.2f} s: a longer flight, e.g. a kicker ramp at the edge)"
            )
            if sync > 0 and not timing.given:
                frac = max(0.0, 1.0 - short / sync)
                advice.append(
                    f"or the synchroniser must finish {short:.2f} s sooner (its time scales with "
                    f"the output-shaft speed at the cue: at most {frac:.0%} of it)"
                )
        if d.too_early is not None:
            advice.append(
                f"select first no earlier than {d.too_early:.2f} s "
                f"({float(timing.to_gear_in[i]):.2f} s after the cue)"
            )
        if d.up_outside and w >= need_w:
            advice.append(f"let the clutch up between {lo:.2f} and {hi:.2f} s")
        if d.not_done:
            advice.append(
                f"plan the shift: [[driver]] keyframes after the cue with gear = {spec.to_gear} "
                "and the clutch coming up, inside the run"
            )
        return msg, "; ".join(advice) or None

    def at(i: int) -> dict[str, float] | None:
        """The cue, and when the clutch may come up (the planner reads these back)."""
        d = info[i]
        if not math.isfinite(d.t_cue):
            return None
        out = {"t_s": d.t_cue, "cue_s": d.t_cue, "shift_s": d.need}
        if d.window is not None:
            out["clutch_up_from_s"], out["clutch_up_to_s"] = d.window
        if d.phase is not None:
            out["unloaded_from_s"], out["unloaded_to_s"] = d.phase
        return out

    return CheckBatch(
        id="shift_window",
        ok=ok,
        margin=margin,
        value=value,
        limit=np.full(B, spec.min_window_s),
        unit="s",
        source=SRC_SHIFT_WINDOW,
        severity="fail",
        describe=describe,
        at=at,
    )


def _advice_no_window(d: WindowInfo, spec: ShiftSpec) -> str:
    if not math.isfinite(d.t_cue):
        return "complete the turn (more steering or entry speed) so the cue comes at all"
    return (
        f"the {spec.what_unloaded()} must leave the ground after the cue: cross the top nosing "
        "within the shift time of the cue, or build a kicker ramp at the edge"
    )


def clutch_mismatch(
    t: NDArray[np.float64],
    engine_speed: NDArray[np.float64],
    carrier_speed: NDArray[np.float64],
    ratio: NDArray[np.float64],
    clutch: NDArray[np.float64],
    kappa: NDArray[np.float64],
    fz: NDArray[np.float64],
    rear_static: float,
    kpeak: float,
    window: float = 1.0,
) -> CheckBatch:
    """The worst clutch engagement in gear after t = 0: the slip it causes at the driven wheels.

    Shapes: t (n,); engine_speed, carrier_speed, ratio (overall, signed), clutch (B, n); kappa,
    fz (B, n, 4). An engagement starts where the clutch begins to carry torque in gear
    (capacity (1 - pedal) > 2 %). Value: the largest |kappa| of a loaded rear wheel (F_z above a
    quarter of its static load) within ``window`` s; limit: the slip at the Magic Formula peak.
    Margin (limit - value) / limit. Severity caution: the wheels lock or spin for a moment, a
    thing to brief rather than a stop.
    """
    t = np.asarray(t, dtype=float)
    B = engine_speed.shape[0]
    cap = np.clip(1.0 - clutch, 0.0, 1.0) * (ratio != 0.0)
    on = cap > 0.02
    value = np.zeros(B)
    events: list[dict[str, float] | None] = [None] * B
    for b in range(B):
        starts = np.nonzero(on[b, 1:] & ~on[b, :-1])[0] + 1
        worst: dict[str, float] | None = None
        for i in (int(k) for k in starts):
            j_end = int(np.searchsorted(t, t[i] + window))
            again = np.nonzero(~on[b, i:j_end])[0]
            if len(again):
                j_end = i + int(again[0])
            sl = slice(i, max(j_end, i + 1))
            loaded = fz[b, sl, 2:] > 0.25 * rear_static
            k = np.where(loaded, np.abs(kappa[b, sl, 2:]), 0.0)
            peak = float(np.max(k)) if k.size else 0.0
            gin = ratio[b, i] * carrier_speed[b, i]
            ev = {
                "t_s": float(t[i]),
                "engine_rpm": float(engine_speed[b, i] / RPM),
                "gearbox_rpm": float(gin / RPM),
                "mismatch_rpm": float((engine_speed[b, i] - gin) / RPM),
                "slip": peak,
            }
            if worst is None or peak > worst["slip"]:
                worst = ev
        events[b] = worst
        value[b] = worst["slip"] if worst is not None else 0.0
    ok = value <= kpeak
    margin = (kpeak - value) / kpeak

    def describe(i: int) -> tuple[str, str | None]:
        ev = events[i]
        if ev is None:
            return "the clutch never engages in gear after the start", None
        msg = (
            f"clutch engages at {ev['t_s']:.2f} s: engine {ev['engine_rpm']:.0f} rpm vs gearbox "
            f"input {ev['gearbox_rpm']:.0f} rpm (mismatch {ev['mismatch_rpm']:+.0f} rpm); rear "
            f"slip ratio up to {ev['slip']:.2f}"
        )
        if ok[i]:
            return msg, None
        what = "spin" if ev["mismatch_rpm"] > 0 else "lock"
        return msg + f" - the rear wheels {what}", (
            f"match the engine to {ev['gearbox_rpm']:.0f} rpm before the clutch comes up "
            f"(now {ev['mismatch_rpm']:+.0f} rpm off), or let it up more slowly"
        )

    def at(i: int) -> dict[str, float] | None:
        ev = events[i]
        return None if ev is None else {"t_s": ev["t_s"]}

    return CheckBatch(
        id="clutch_mismatch",
        ok=ok,
        margin=margin,
        value=value,
        limit=np.full(B, kpeak),
        unit="",
        source=SRC_CLUTCH,
        severity="caution",
        describe=describe,
        at=at,
    )


def build_shift_spec(section: Any, targets: Any | None = None) -> ShiftSpec:
    """The plan's :class:`ShiftSpec` from the scenario's ``[shift]`` section (None: defaults).

    ``targets.shift_time``, when the file sets it and ``[shift] duration`` does not, is taken as
    the whole duration (the key predates the synchroniser model).
    """
    if section is None:
        spec = ShiftSpec()
    else:
        over = {
            k: getattr(section, k)
            for k in ("input_inertia", "cone_friction", "cone_radius", "knob_force", "lever_ratio")
            if getattr(section, k) is not None
        }
        if section.cone_angle is not None:
            over["cone_half_angle"] = section.cone_angle
        synchro = replace(GETRAG_280_FIRST, **over)
        if over:
            synchro = replace(
                synchro,
                sources={
                    **GETRAG_280_FIRST.sources,
                    **{k: "scenario [shift]" for k in over},
                },
            )
        spec = ShiftSpec(
            synchro=synchro,
            cue_before_end=float(section.cue_before_end),
            unloaded=section.unloaded,
            duration=section.duration,
            to_gear=int(section.to_gear),
            clutch_down_s=float(section.clutch_down),
            lever_out_s=float(section.lever_out),
            lever_across_s=float(section.lever_across),
            clutch_up_s=float(section.clutch_up),
            min_window_s=float(getattr(section, "min_window", 0.10)),
        )
    if (
        spec.duration is None
        and targets is not None
        and "shift_time" in getattr(targets, "model_fields_set", set())
    ):
        spec = replace(spec, duration=float(targets.shift_time))
    return spec
