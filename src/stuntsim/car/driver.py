"""The driver: steering, handbrake, throttle, brake, clutch and gear as keyframes in time.

Each channel is linear between its keyframes and held after the last (the gear is a step
channel: it changes at its keyframe). A keyframe sets only the channels it names. Every
channel starts from its default (steer 0, pedals 0, clutch 0 = engaged, the start gear) at
t = 0, so a first keyframe at t > 0 ramps from the default.

Keyframes can also hang on a *trigger*, a condition on the car's state such as
``yaw >= 170 deg``: their times then count from the first instant the condition holds. When a
trigger fires, the channels its keyframes name leave the timed timeline and ramp from their
value at that instant through the triggered keyframes (a later trigger group in the file
overrides an earlier one on the channels both name).

Evaluation is batched: one timeline, many plans. Per plan (:class:`DriverSamples`) the keyframe
times can be shifted, the steering values of keyframes replaced and the thresholds of the trigger
conditions moved: that is how the planner and the Monte Carlo vary a plan inside one batch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

CHANNELS = ("steer", "handbrake", "throttle", "brake", "clutch", "gear")
STEPPED = np.array([c == "gear" for c in CHANNELS])
C = len(CHANNELS)

# Trigger variables: name -> (unit kind for parsing the threshold, description)
TRIGGER_VARIABLES = {
    "yaw": ("angle", "rotation since the start, positive to the left (counter-clockwise)"),
    "abs_yaw": ("angle", "magnitude of the rotation since the start"),
    "yaw_rate": ("frequency", "yaw rate, positive to the left, e.g. '30 deg/s'"),
    "speed": ("speed", "ground speed of the centre of mass"),
    "north": ("length", "north coordinate of the centre of mass"),
    "east": ("length", "east coordinate of the centre of mass"),
    "t": ("time", "time since the start"),
    "wheels_off": ("count", "number of wheels off the ground (0-4)"),
}
_OPS = (">=", "<=", ">", "<")
_TRIGGER_RE = re.compile(r"^\s*([a-z_]+)\s*(>=|<=|>|<)\s*(.+?)\s*$")


@dataclass(frozen=True)
class Condition:
    variable: str
    op: str
    value: float | np.ndarray  # SI (rad, rad/s, m/s, m, s, count); (B,) per plan in a batch

    def holds(self, variables: dict[str, np.ndarray]) -> np.ndarray:
        x = variables[self.variable]
        if self.op == ">=":
            return x >= self.value
        if self.op == "<=":
            return x <= self.value
        if self.op == ">":
            return x > self.value
        return x < self.value


@dataclass(frozen=True)
class Trigger:
    """One or more conditions joined by ``and``, e.g. ``abs_yaw >= 165 deg and wheels_off >= 4``."""

    conditions: tuple[Condition, ...]
    text: str

    def holds(self, variables: dict[str, np.ndarray]) -> np.ndarray:
        out = self.conditions[0].holds(variables)
        for c in self.conditions[1:]:
            out = out & c.holds(variables)
        return out


def parse_trigger(text: str) -> Trigger:
    """``"yaw >= 170 deg"`` or ``"abs_yaw >= 165 deg and wheels_off >= 4"`` -> Trigger.

    Raises ValueError with a user-facing message.
    """
    parts = [p for p in re.split(r"\s+and\s+", text.strip()) if p]
    if not parts:
        raise ValueError("empty condition; write e.g. 'yaw >= 170 deg'")
    return Trigger(tuple(_parse_condition(p) for p in parts), text.strip())


def _parse_condition(text: str) -> Condition:
    from stuntsim.units import UnitParseError, parse_quantity

    m = _TRIGGER_RE.match(text)
    if not m:
        raise ValueError(
            f"{text!r} is not a condition such as 'yaw >= 170 deg' (variable, one of "
            f"{' '.join(_OPS)}, value)"
        )
    var, op, raw = m.groups()
    if var not in TRIGGER_VARIABLES:
        raise ValueError(f"unknown variable {var!r}; use one of {', '.join(TRIGGER_VARIABLES)}")
    kind = TRIGGER_VARIABLES[var][0]
    try:
        if kind == "count":
            value = float(raw)
        else:
            value = parse_quantity(raw, kind)
    except (UnitParseError, ValueError) as exc:
        raise ValueError(f"{text!r}: {exc}") from None
    return Condition(var, op, value)


@dataclass(frozen=True)
class DriverSamples:
    """Per-plan variations of one timeline, for a batch of B plans (NaN = keep the file's value).

    The layout is that of :class:`stuntsim.car.samples.CarSamples`:

    - ``offsets`` (B, K): seconds added to each keyframe's time;
    - ``values`` (B, K, C): channel values of each keyframe (:data:`CHANNELS` order), used where
      the keyframe sets that channel and the value is not NaN;
    - ``thresholds`` (B, M): thresholds (SI) of all trigger conditions, in file order (the
      ``north >= ...`` of a turn-in cue, the ``abs_yaw >= ...`` of a countersteer cue).
    """

    offsets: np.ndarray | None = None
    values: np.ndarray | None = None
    thresholds: np.ndarray | None = None

    def take(self, idx: np.ndarray) -> DriverSamples:
        """The rows ``idx`` (a sub-batch, or rows repeated)."""

        def t(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else a[idx]

        return DriverSamples(t(self.offsets), t(self.values), t(self.thresholds))


@dataclass(frozen=True)
class Keyframe:
    t: float  # s; absolute, or after its trigger fired
    values: tuple[tuple[str, float], ...]  # (channel, value) pairs; gear as a float integer
    group: int = 0  # 0: timed; k >= 1: hangs on triggers[k - 1]
    tag: str | None = None

    def get(self, channel: str) -> float | None:
        for c, v in self.values:
            if c == channel:
                return v
        return None


@dataclass(frozen=True)
class Timeline:
    keyframes: tuple[Keyframe, ...]
    triggers: tuple[Trigger, ...] = ()
    start_gear: int = 1

    @property
    def n_groups(self) -> int:
        return 1 + len(self.triggers)

    def defaults(self) -> np.ndarray:
        d = np.zeros(C)
        d[CHANNELS.index("gear")] = self.start_gear
        return d

    def tags(self) -> list[str]:
        out: list[str] = []
        for k in self.keyframes:
            if k.tag and k.tag not in out:
                out.append(k.tag)
        return out

    def shifted_in_order(self, offsets: np.ndarray) -> np.ndarray:
        """Which plans keep every channel's keyframes in time order after ``offsets`` (B, K)."""
        ok = np.ones(offsets.shape[0], dtype=bool)
        for g in range(self.n_groups):
            for c in CHANNELS:
                idx = [
                    i for i, k in enumerate(self.keyframes) if k.group == g and k.get(c) is not None
                ]
                if not idx:
                    continue
                times = np.array([self.keyframes[i].t for i in idx])[None, :] + offsets[:, idx]
                ok &= times[:, 0] >= 0.0
                if len(idx) > 1:
                    ok &= np.all(np.diff(times, axis=1) >= 0.0, axis=1)
        return ok


class DriverBatch:
    """Evaluates a timeline for B plans at once; keeps the trigger state."""

    def __init__(
        self, timeline: Timeline, offsets: np.ndarray | DriverSamples | None, batch: int
    ) -> None:
        self.timeline = timeline
        nk = len(timeline.keyframes)
        samples = offsets if isinstance(offsets, DriverSamples) else DriverSamples(offsets)
        off = (
            np.zeros((batch, nk))
            if samples.offsets is None
            else np.asarray(samples.offsets, dtype=float)
        )
        values = samples.values
        # per-plan thresholds of every trigger condition: (B,) arrays
        self.thresholds: list[list[np.ndarray]] = []
        m = 0
        for trig in timeline.triggers:
            row = []
            for cond in trig.conditions:
                v = np.full(batch, cond.value, dtype=float)
                if samples.thresholds is not None:
                    given = np.asarray(samples.thresholds[:, m], dtype=float)
                    v = np.where(np.isnan(given), v, given)
                row.append(v)
                m += 1
            self.thresholds.append(row)
        self.B = batch
        self.G = timeline.n_groups
        self.fired = np.zeros((batch, self.G), dtype=bool)
        self.fired[:, 0] = True
        self.t_fire = np.zeros((batch, self.G))
        self.t_fire[:, 1:] = np.inf
        self.hold = np.zeros((batch, self.G, C))
        self.keyed = np.zeros((self.G, C), dtype=bool)
        self._T: list[np.ndarray] = []
        self._V: list[np.ndarray] = []
        defaults = timeline.defaults()
        for g in range(self.G):
            per_c = []
            for ci, c in enumerate(CHANNELS):
                idx = [
                    i
                    for i, k in enumerate(timeline.keyframes)
                    if k.group == g and k.get(c) is not None
                ]
                per_c.append(idx)
                self.keyed[g, ci] = bool(idx)
            kmax = max(1, max(len(i) for i in per_c)) + 1  # + 1: the implicit start key
            T = np.full((batch, C, kmax), np.inf)
            V = np.zeros((batch, C, kmax))
            for ci, idx in enumerate(per_c):
                # implicit key at the start (t = 0, or the firing instant) with the default /
                # held value; real keys follow
                T[:, ci, 0] = 0.0
                V[:, ci, 0] = defaults[ci]
                vals = [timeline.keyframes[i].get(CHANNELS[ci]) for i in idx]
                for j, i in enumerate(idx):
                    T[:, ci, j + 1] = timeline.keyframes[i].t + off[:, i]
                    V[:, ci, j + 1] = vals[j]
                    if values is not None:
                        given = values[:, i, ci]
                        V[:, ci, j + 1] = np.where(np.isnan(given), V[:, ci, j + 1], given)
                last = V[:, ci, len(idx)]
                V[:, ci, len(idx) + 1 :] = last[:, None]
            self._T.append(T)
            self._V.append(V)

    @staticmethod
    def _interp(t: np.ndarray | float, T: np.ndarray, V: np.ndarray) -> np.ndarray:
        """Piecewise-linear (stepped for the gear) values of keys ``(T, V)`` (B, C, K).

        ``t`` is a scalar (result (B, C)) or an array of n times (result (B, n, C)).
        """
        t = np.asarray(t, dtype=float)
        if t.ndim:
            T = T[:, None]
            V = V[:, None]
            tt = t[None, :, None]
        else:
            tt = t
        cnt = (tt[..., None] >= T).sum(axis=-1)
        k = T.shape[-1]
        i0 = np.maximum(cnt - 1, 0)[..., None]
        i1 = np.minimum(cnt, k - 1)[..., None]
        shape = np.broadcast_shapes((*T.shape[:-1], 1), i0.shape)
        T = np.broadcast_to(T, (*shape[:-1], k))
        V = np.broadcast_to(V, (*shape[:-1], k))
        t0 = np.take_along_axis(T, i0, -1)[..., 0]
        t1 = np.take_along_axis(T, i1, -1)[..., 0]
        v0 = np.take_along_axis(V, i0, -1)[..., 0]
        v1 = np.take_along_axis(V, i1, -1)[..., 0]
        ok = np.isfinite(t1) & (t1 > t0)
        with np.errstate(invalid="ignore"):
            frac = np.where(ok, (tt - t0) / np.where(ok, t1 - t0, 1.0), 0.0)
        frac = np.minimum(np.maximum(frac, 0.0), 1.0)
        return np.where(STEPPED, v0, v0 + frac * (v1 - v0))

    def timed(self, times: np.ndarray) -> np.ndarray:
        """Values of the timed keyframes (group 0) at many times at once: (B, n, C)."""
        return self._interp(np.asarray(times, dtype=float), self._T[0], self._V[0])

    def values(self, t: float, timed: np.ndarray | None = None) -> np.ndarray:
        """Channel values (B, C) at time ``t``; ``timed`` = precomputed group-0 values."""
        out = self._interp(t, self._T[0], self._V[0]) if timed is None else timed
        for g in range(1, self.G):
            f = self.fired[:, g]
            if not f.any():
                continue
            T = self._T[g] + self.t_fire[:, g, None, None]
            V = self._V[g].copy()
            V[:, :, 0] = self.hold[:, g, :]
            vg = self._interp(t, T, V)
            use = f[:, None] & self.keyed[g][None, :]
            out = np.where(use, vg, out)
        return out

    def update_triggers(
        self, t: float, variables: dict[str, np.ndarray], current: np.ndarray
    ) -> None:
        """Fire triggers whose condition holds now; remember the channel values to ramp from."""
        for g in range(1, self.G):
            trig = self.timeline.triggers[g - 1]
            holds = np.ones(self.B, dtype=bool)
            for cond, thr in zip(trig.conditions, self.thresholds[g - 1], strict=True):
                holds &= Condition(cond.variable, cond.op, thr).holds(variables)
            new = ~self.fired[:, g] & holds
            if new.any():
                self.fired[new, g] = True
                self.t_fire[new, g] = t
                self.hold[new, g, :] = current[new]
