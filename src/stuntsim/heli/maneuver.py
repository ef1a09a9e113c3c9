"""Flight-path segments and the path they make, flown in the wind.

Frames and conventions: positions are metres east and north of the site and altitude MSL;
velocities are (east, north, up). Headings are true, clockwise from north. ``airspeed`` is the
horizontal true airspeed (forward speed through the air); ``descent_rate`` is the vertical speed
down through the air (negative = climbing).

Coordinated turn (steady, constant vertical speed; e.g. Leishman 2006, ch. 5; any flight
mechanics text): the horizontal centripetal acceleration V omega = g tan(bank), so

    omega = g tan(bank) / V,   R = V^2 / (g tan(bank)),   n = 1 / cos(bank).

Straight, turn and spiral segments are flown in the air mass: heading and bank are held, and the
ground track is the air-relative path plus the wind drift, x(t) = x0 + int (V_air + W(z)) dt.
A waypoint chase is flown over the ground: straight legs joined by fly-by arcs of constant
ground radius, the aircraft crabbing into the wind so its ground speed along the track is

    V_g = t.W + sqrt(V^2 - |W|^2 + (t.W)^2)

for a horizontal airspeed V, wind W and track direction t. Changes between segments (roll-in,
speed and vertical-speed changes) are flown as transitions (:func:`fly_transition`) when
:class:`TransitionLimits` are given: airspeed, bank and descent rate ramp linearly from one segment
to the next, each at no more than its limit (roll rate, acceleration, change of descent rate), and
the transition is flown before the segment it enters (which keeps its full length). Without
limits the changes are instantaneous.

A turn or spiral with ``reference = "ground"`` holds a circle over the ground at a constant
ground speed (a camera orbit around a subject): the air velocity is the ground velocity minus the
wind, so the airspeed varies around the orbit, lowest downwind (:func:`fly_ground_turn`).

The number of path samples is capped (:func:`max_path_samples`, environment variable
``STUNTSIM_MAX_PATH_SAMPLES``) before anything is allocated.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stuntsim.constants import G0

DEFAULT_MAX_PATH_SAMPLES = 200_000  # 0.25 s samples: 13.9 hours of flight


def max_path_samples() -> int:
    """The cap on path samples: ``STUNTSIM_MAX_PATH_SAMPLES``, 200 000 by default (13.9 h of
    flight at the 0.25 s spacing, about 30 MB of path arrays per sample)."""
    raw = os.environ.get("STUNTSIM_MAX_PATH_SAMPLES", "").strip()
    if not raw:
        return DEFAULT_MAX_PATH_SAMPLES
    try:
        value = int(float(raw))
    except ValueError:
        value = 0
    if value < 2:
        from stuntsim.errors import StuntsimError

        raise StuntsimError("STUNTSIM_MAX_PATH_SAMPLES: expected a whole number of at least 2")
    return value


# --- coordinated-turn formulas ---------------------------------------------------------------
def turn_radius(airspeed: Any, bank: Any, g: float = G0) -> Any:
    """R = V^2 / (g tan(bank))."""
    return np.asarray(airspeed, dtype=float) ** 2 / (g * np.tan(bank))


def turn_rate(airspeed: Any, bank: Any, g: float = G0) -> Any:
    """omega = g tan(bank) / V (rad/s)."""
    return g * np.tan(bank) / np.asarray(airspeed, dtype=float)


def bank_for_radius(airspeed: Any, radius: Any, g: float = G0) -> Any:
    """bank = atan(V^2 / (g R))."""
    return np.arctan(np.asarray(airspeed, dtype=float) ** 2 / (g * np.asarray(radius, dtype=float)))


def turn_load_factor(bank: Any) -> Any:
    """n = 1 / cos(bank)."""
    return 1.0 / np.cos(bank)


# --- segments (SI, resolved) -----------------------------------------------------------------
@dataclass(frozen=True)
class AirSegment:
    """Straight flight (bank 0), a turn or a spiral, flown in the air mass.

    How long it lasts is one of ``duration``, ``turn_angle`` (heading change, rad) or
    ``to_heading`` (rad true, reached turning ``direction``); its vertical speed is
    ``descent_rate`` or ``altitude_loss`` spread over the duration (:meth:`resolve`).
    """

    kind: str  # "straight" | "turn" | "spiral"
    airspeed: float  # m/s horizontal TAS
    bank: float = 0.0  # rad, >= 0
    direction: int = 1  # +1 right (clockwise seen from above), -1 left
    duration: float | None = None  # s
    turn_angle: float | None = None  # rad
    to_heading: float | None = None  # rad
    descent_rate: float | None = None  # m/s
    altitude_loss: float | None = None  # m
    reference: str = "air"  # "air" (held in the air mass) or "ground" (a circle over the ground)

    @property
    def turn_rate(self) -> float:
        if self.bank == 0.0 or self.airspeed == 0.0:
            return 0.0
        return float(turn_rate(self.airspeed, self.bank))

    @property
    def radius(self) -> float | None:
        if self.bank == 0.0:
            return None
        return float(turn_radius(self.airspeed, self.bank))

    def resolve(self, heading0: float) -> tuple[float, float]:
        """(duration s, descent rate m/s) when entered at heading ``heading0``."""
        if self.duration is not None:
            dur = self.duration
        else:
            if self.turn_angle is not None:
                angle = self.turn_angle
            else:
                angle = (self.direction * ((self.to_heading or 0.0) - heading0)) % (2 * math.pi)
                if angle < 1e-9:
                    angle = 2 * math.pi  # already on that heading: a full turn
            dur = angle / self.turn_rate
        if self.descent_rate is not None:
            rate = self.descent_rate
        elif self.altitude_loss is not None:
            rate = self.altitude_loss / dur
        else:
            rate = 0.0
        return dur, rate


@dataclass(frozen=True)
class WaypointSegment:
    """A chase over the ground through ``points`` (K, 3): east, north, altitude MSL."""

    airspeed: float
    bank: float  # rad, the bank the corners are sized for (at the highest ground speed)
    points: np.ndarray
    kind: str = "waypoints"
    radius: float | None = None  # filled when flown: the ground radius of the corners


@dataclass
class Path:
    """Samples along the path (N,), vectors (N, 3) as (east, north, up)."""

    t: np.ndarray
    pos: np.ndarray
    v_ground: np.ndarray
    v_air: np.ndarray
    accel: np.ndarray
    heading: np.ndarray  # rad, direction of the horizontal air velocity (true)
    segment: np.ndarray  # int, index of the segment each sample belongs to
    radii: list[float | None] = field(default_factory=list)  # per segment
    descent_rates: list[float | None] = field(default_factory=list)  # per air segment, resolved
    transition: np.ndarray | None = None  # bool, samples flown in a transition between segments


class PathError(ValueError):
    """A segment that cannot be flown as given; ``index`` is the segment, ``field`` the key."""

    def __init__(self, index: int, field: str | None, message: str) -> None:
        super().__init__(message)
        self.index = index
        self.field = field


def _wind(wind: Any, z: Any) -> Any:
    e, n = wind.at(z)
    return np.stack([e, n], axis=-1)


def _wind_gradient(wind: Any, z: Any, dz: float = 0.5) -> Any:
    return (_wind(wind, z + dz) - _wind(wind, z - dz)) / (2.0 * dz)


def _cumtrapz(y: Any, x: Any) -> Any:
    out = np.zeros_like(y)
    if len(x) > 1:
        dx = np.diff(x)[:, None] if y.ndim == 2 else np.diff(x)
        out[1:] = np.cumsum(0.5 * (y[1:] + y[:-1]) * dx, axis=0)
    return out


def fly_air_segment(
    seg: AirSegment, p0: Any, heading0: float, t0: float, wind: Any, dt: float
) -> Any:
    """Samples of an air-mass segment over [0, duration] (inclusive), vectorised in time."""
    duration, descent_rate = seg.resolve(heading0)
    n = max(2, math.ceil(duration / dt) + 1)
    tau = np.linspace(0.0, duration, n)
    k = seg.direction * seg.turn_rate
    psi = heading0 + k * tau
    v = seg.airspeed
    if k != 0.0:
        de = -v / k * (np.cos(psi) - math.cos(heading0))
        dn = v / k * (np.sin(psi) - math.sin(heading0))
    else:
        de = v * tau * math.sin(heading0)
        dn = v * tau * math.cos(heading0)
    z = p0[2] - descent_rate * tau
    w = _wind(wind, z)
    drift = _cumtrapz(w, tau)
    pos = np.stack([p0[0] + de + drift[:, 0], p0[1] + dn + drift[:, 1], z], axis=-1)
    v_air = np.stack([v * np.sin(psi), v * np.cos(psi), np.full(n, -descent_rate)], axis=-1)
    v_ground = v_air.copy()
    v_ground[:, :2] += w
    # air-relative turn (d/dt of V (sin psi, cos psi)) plus the wind-shear term dW/dz * dz/dt
    acc = np.zeros((n, 3))
    acc[:, 0] = v * k * np.cos(psi)
    acc[:, 1] = -v * k * np.sin(psi)
    acc[:, :2] += _wind_gradient(wind, z) * (-descent_rate)
    return t0 + tau, pos, v_ground, v_air, acc, psi


# --- waypoint geometry ------------------------------------------------------------------------
@dataclass(frozen=True)
class _Line:
    a: np.ndarray  # start (2,)
    u: np.ndarray  # unit direction (2,)
    length: float


@dataclass(frozen=True)
class _Arc:
    c: np.ndarray  # centre (2,)
    r: float
    th0: float  # start angle of the radius vector (math angle, from east, CCW)
    sweep: float  # signed, + = counter-clockwise (left turn)

    @property
    def length(self) -> float:
        return abs(self.sweep) * self.r


def _left(u: Any) -> Any:
    return np.array([-u[1], u[0]])


def _cross(a: Any, b: Any) -> float:
    return float(a[0] * b[1] - a[1] * b[0])


def _entry_turn(p0: Any, d0: Any, target: Any, r: Any) -> Any:
    """Arc from p0 (direction d0) turning toward ``target`` until the tangent points at it;
    None when the target is already straight ahead."""
    to = target - p0
    side = _cross(d0, to)
    if abs(side) < 1e-9 * max(1.0, float(np.linalg.norm(to))) and float(np.dot(d0, to)) > 0:
        return None
    s = 1.0 if side > 0 else -1.0  # + left (CCW)
    c = p0 + s * r * _left(d0)
    v = target - c
    dist = float(np.linalg.norm(v))
    if dist <= r * (1.0 + 1e-9):
        return "inside"
    beta = math.atan2(v[1], v[0])
    alpha = math.acos(r / dist)
    th_t = beta - alpha if s > 0 else beta + alpha
    th0 = math.atan2(p0[1] - c[1], p0[0] - c[0])
    sweep = (th_t - th0) % (2 * math.pi) if s > 0 else -((th0 - th_t) % (2 * math.pi))
    return _Arc(c, r, th0, sweep)


def _arc_end(arc: _Arc) -> Any:
    th = arc.th0 + arc.sweep
    p = arc.c + arc.r * np.array([math.cos(th), math.sin(th)])
    radial = np.array([math.cos(th), math.sin(th)])
    u = _left(radial) if arc.sweep > 0 else -_left(radial)
    return p, u


def waypoint_geometry(p0: Any, d0: Any, points: Any, r: Any, index: int = 0) -> Any:
    """Lines and fly-by arcs from p0 (unit direction d0) through ``points`` (K, 2).

    Returns (primitives, stations) where stations[k] is the along-track distance at which the
    path passes waypoint k (mid-arc for a fly-by corner, the end for the last point).
    """
    prims: list[_Line | _Arc] = []
    cur = np.asarray(p0, dtype=float)
    d = np.asarray(d0, dtype=float)
    pts = np.asarray(points, dtype=float)
    s = 0.0
    entry = _entry_turn(cur, d, pts[0], r)
    if isinstance(entry, str):
        raise PathError(
            index,
            "points[0]",
            f"the first waypoint is inside the {r:.0f} m turn circle from the entry heading; "
            "move it further away or raise the bank",
        )
    if entry is not None:
        prims.append(entry)
        s += entry.length
        cur, d = _arc_end(entry)
    stations = []
    for k in range(len(pts)):
        wp = pts[k]
        if k == len(pts) - 1:
            leg = wp - cur
            length = float(np.linalg.norm(leg))
            if length > 1e-6 and float(np.dot(leg, d)) < 0:
                raise PathError(
                    index,
                    f"points[{k}]",
                    f"the last waypoint comes before the end of the {r:.0f} m turn into its "
                    "leg; move it further on or raise the bank",
                )
            if length > 1e-6:
                prims.append(_Line(cur, leg / length, length))
                s += length
            stations.append(s)
            break
        u1 = wp - cur
        l1 = float(np.linalg.norm(u1))
        if l1 < 1e-6:
            raise PathError(index, f"points[{k}]", "two waypoints at the same place")
        u1 = u1 / l1
        nxt = pts[k + 1]
        u2 = nxt - wp
        l2 = float(np.linalg.norm(u2))
        if l2 < 1e-6:
            raise PathError(index, f"points[{k + 1}]", "two waypoints at the same place")
        u2 = u2 / l2
        delta = math.atan2(_cross(u1, u2), float(np.dot(u1, u2)))
        if abs(delta) > math.radians(170.0):
            raise PathError(
                index,
                f"points[{k}]",
                f"the track reverses by {math.degrees(abs(delta)):.0f} deg at this waypoint; "
                "add a waypoint or use a turn segment",
            )
        dt_ = r * math.tan(abs(delta) / 2.0)
        a = wp - dt_ * u1
        lead = float(np.dot(a - cur, u1))
        if lead < -1e-6 or dt_ > l2 + 1e-6:
            raise PathError(
                index,
                f"points[{k}]",
                f"the {math.degrees(abs(delta)):.0f} deg corner needs {dt_:.0f} m of straight "
                f"leg either side at a {r:.0f} m turn radius; move the waypoints apart or lower "
                "the airspeed or raise the bank",
            )
        if lead > 1e-6:
            prims.append(_Line(cur, u1, lead))
            s += lead
        if abs(delta) < 1e-9:
            stations.append(s)
            cur, d = a, u1
            continue
        sgn = 1.0 if delta > 0 else -1.0
        c = a + sgn * r * _left(u1)
        th0 = math.atan2(a[1] - c[1], a[0] - c[0])
        arc = _Arc(c, r, th0, delta)
        prims.append(arc)
        stations.append(s + arc.length / 2.0)
        s += arc.length
        cur, d = _arc_end(arc)
    return prims, np.array(stations)


def _sample_geometry(prims: Any, s: Any) -> Any:
    """Position (N,2), unit tangent (N,2) and signed curvature (N,) (+ = left) at distances s."""
    pos = np.zeros((len(s), 2))
    tan = np.zeros((len(s), 2))
    curv = np.zeros(len(s))
    start = 0.0
    for i, p in enumerate(prims):
        end = start + p.length
        m = (s >= start) & ((s < end) | (i == len(prims) - 1))
        ds = s[m] - start
        if isinstance(p, _Line):
            pos[m] = p.a + ds[:, None] * p.u
            tan[m] = p.u
        else:
            sg = 1.0 if p.sweep > 0 else -1.0
            th = p.th0 + sg * ds / p.r
            radial = np.stack([np.cos(th), np.sin(th)], axis=-1)
            pos[m] = p.c + p.r * radial
            tan[m] = sg * np.stack([-radial[:, 1], radial[:, 0]], axis=-1)
            curv[m] = sg / p.r
        start = end
    return pos, tan, curv


def fly_waypoints(
    seg: WaypointSegment, p0: Any, d0: Any, t0: float, wind: Any, ds: float, index: int = 0
) -> Any:
    """Samples of a waypoint chase, vectorised along the track; returns arrays and the radius."""
    pts = np.asarray(seg.points, dtype=float)
    zs = np.concatenate([[p0[2]], pts[:, 2]])
    zz = np.linspace(zs.min(), zs.max(), 64)
    wmax = float(np.max(np.linalg.norm(_wind(wind, zz), axis=-1)))
    if seg.airspeed <= wmax:
        raise PathError(
            index, "airspeed", "the airspeed must exceed the wind speed to hold a ground track"
        )
    r = float(turn_radius(seg.airspeed + wmax, seg.bank))
    prims, stations = waypoint_geometry(p0[:2], d0, pts[:, :2], r, index)
    total = sum(p.length for p in prims)
    n = max(2, math.ceil(total / ds) + 1)
    s = np.linspace(0.0, total, n)
    xy, tan, curv = _sample_geometry(prims, s)
    knots_s = np.concatenate([[0.0], stations])
    if np.any(np.diff(knots_s) <= 0.0):
        raise PathError(index, "points", "waypoints must follow one another along the track")
    z = np.interp(s, knots_s, zs)
    piece = np.clip(np.searchsorted(knots_s, s, side="right") - 1, 0, len(knots_s) - 2)
    slope = np.diff(zs) / np.diff(knots_s)
    dzds = slope[piece]
    w = _wind(wind, z)
    tw = np.sum(tan * w, axis=-1)
    disc = seg.airspeed**2 - np.sum(w * w, axis=-1) + tw * tw
    vg = tw + np.sqrt(np.maximum(disc, 0.0))
    tau = _cumtrapz(1.0 / vg, s)
    v_ground = np.concatenate([vg[:, None] * tan, (vg * dzds)[:, None]], axis=-1)
    v_air = v_ground.copy()
    v_air[:, :2] -= w
    dvg = np.gradient(vg, s) if n > 2 else np.zeros(n)
    acc = np.zeros((n, 3))
    acc[:, :2] = (vg * dvg)[:, None] * tan + (curv * vg * vg)[:, None] * np.stack(
        [-tan[:, 1], tan[:, 0]], axis=-1
    )
    acc[:, 2] = dzds * vg * dvg
    pos = np.concatenate([xy, z[:, None]], axis=-1)
    psi = np.arctan2(v_air[:, 0], v_air[:, 1])
    return t0 + tau, pos, v_ground, v_air, acc, psi, r


@dataclass(frozen=True)
class TransitionLimits:
    """How briskly the pilot changes state between segments (SI: rad/s, m/s^2, m/s^2)."""

    roll_rate: float
    acceleration: float
    descent_rate_change: float


@dataclass(frozen=True)
class FlightState:
    """The state a segment leaves the aircraft in: horizontal airspeed, bank (+ right) and
    descent rate (all SI)."""

    airspeed: float
    bank: float
    descent_rate: float


def _check_samples(n: float, total: int, index: int) -> None:
    cap = max_path_samples()
    if not math.isfinite(n) or total + n > cap:
        raise PathError(
            index,
            None,
            f"the path would need more than {cap:,} samples (about {cap * 0.25 / 3600:.1f} h "
            "of flight at 0.25 s): shorten it, or raise the cap with STUNTSIM_MAX_PATH_SAMPLES",
        )


def fly_transition(
    s0: FlightState,
    s1: FlightState,
    p0: Any,
    heading0: float,
    t0: float,
    wind: Any,
    dt: float,
    lim: TransitionLimits,
) -> Any:
    """Samples of the transition from state s0 to s1, or None when there is nothing to change.

    Airspeed V, bank phi and descent rate w ramp linearly over

        T = max(|dV| / a_max, |dphi| / p_max, |dw| / wdot_max)

    so each changes at no more than its limit; the heading follows the coordinated turn
    psi_dot = g tan(phi) / V (zero below 1 m/s, where a coordinated turn has no meaning).
    """
    dv = s1.airspeed - s0.airspeed
    dphi = s1.bank - s0.bank
    dw = s1.descent_rate - s0.descent_rate
    big = max(
        abs(dv) / lim.acceleration, abs(dphi) / lim.roll_rate, abs(dw) / lim.descent_rate_change
    )
    if big < 1e-6:
        return None
    n = max(2, math.ceil(big / dt) + 1)
    tau = np.linspace(0.0, big, n)
    f = tau / big
    v = s0.airspeed + dv * f
    phi = s0.bank + dphi * f
    w = s0.descent_rate + dw * f
    psidot = np.where(v > 1.0, G0 * np.tan(phi) / np.maximum(v, 1.0), 0.0)
    psi = heading0 + _cumtrapz(psidot, tau)
    z = p0[2] - _cumtrapz(w, tau)
    wnd = _wind(wind, z)
    v_air = np.stack([v * np.sin(psi), v * np.cos(psi), -w], axis=-1)
    v_ground = v_air.copy()
    v_ground[:, :2] += wnd
    disp = _cumtrapz(v_ground, tau)
    pos = np.asarray(p0, dtype=float)[None, :] + disp
    pos[:, 2] = z
    vdot = dv / big
    acc = np.zeros((n, 3))
    acc[:, 0] = vdot * np.sin(psi) + v * psidot * np.cos(psi)
    acc[:, 1] = vdot * np.cos(psi) - v * psidot * np.sin(psi)
    acc[:, 2] = -dw / big
    acc[:, :2] += _wind_gradient(wind, z) * (-w)[:, None]
    return t0 + tau, pos, v_ground, v_air, acc, psi


def fly_ground_turn(
    seg: AirSegment, p0: Any, track0: Any, heading0: float, t0: float, wind: Any, dt: float
) -> Any:
    """A turn or spiral held as a circle over the ground at constant ground speed.

    The circle has the radius R = V^2 / (g tan(bank)) of the same turn in calm air and the
    ground speed V (the segment's airspeed); it starts tangent to the current ground track.
    Over the ground the acceleration is the centripetal V^2 / R (the wind is steady), and the
    air velocity is v_ground - W(z): upwind the airspeed rises to about V + W, downwind it falls
    to V - W (the mountain-flying trap of a downwind orbit: low airspeed, high descent rate).
    The bank that results is read from the specific force like everywhere else.
    """
    v = seg.airspeed
    r = float(turn_radius(v, seg.bank))
    omega = v / r
    if seg.duration is not None:
        dur = seg.duration
    elif seg.turn_angle is not None:
        dur = seg.turn_angle / omega
    else:
        angle = (seg.direction * ((seg.to_heading or 0.0) - track0)) % (2 * math.pi)
        if angle < 1e-9:
            angle = 2 * math.pi
        dur = angle / omega
    if seg.descent_rate is not None:
        rate = seg.descent_rate
    elif seg.altitude_loss is not None:
        rate = seg.altitude_loss / dur
    else:
        rate = 0.0
    n = max(2, math.ceil(dur / dt) + 1)
    tau = np.linspace(0.0, dur, n)
    chi = track0 + seg.direction * omega * tau  # ground track, clockwise from north
    d0 = np.array([math.sin(track0), math.cos(track0)])
    right = np.array([d0[1], -d0[0]])
    centre = np.asarray(p0[:2], dtype=float) + seg.direction * r * right
    # radius vector from the centre: perpendicular to the track, pointing away from the centre
    radial = -seg.direction * np.stack([np.cos(chi), -np.sin(chi)], axis=-1)
    xy = centre[None, :] + r * radial
    z = p0[2] - rate * tau
    vg_h = v * np.stack([np.sin(chi), np.cos(chi)], axis=-1)
    wnd = _wind(wind, z)
    v_ground = np.concatenate([vg_h, np.full((n, 1), -rate)], axis=-1)
    v_air = v_ground.copy()
    v_air[:, :2] -= wnd
    acc = np.zeros((n, 3))
    acc[:, :2] = -(v * v / r) * radial
    psi = np.arctan2(v_air[:, 0], v_air[:, 1])
    pos = np.concatenate([xy, z[:, None]], axis=-1)
    return t0 + tau, pos, v_ground, v_air, acc, psi, r, rate


def fly(
    segments: Any,
    start_pos: Any,
    start_heading: float,
    wind: Any,
    dt: float = 0.25,
    transitions: TransitionLimits | None = None,
) -> Path:
    """Fly the segments in order from ``start_pos`` (east, north, altitude) and heading.

    The aircraft starts established in the first segment; with ``transitions`` every later
    change of airspeed, bank or descent rate is flown (:func:`fly_transition`). Samples flown in
    a transition carry the index of the segment they lead into and ``transition = True``.
    """
    parts = []
    radii: list[float | None] = []
    rates: list[float | None] = []
    p = np.asarray(start_pos, dtype=float)
    psi = float(start_heading)
    t = 0.0
    last_dir = np.array([math.sin(psi), math.cos(psi)])
    state: FlightState | None = None
    total = 0
    for i, seg in enumerate(segments):
        if isinstance(seg, WaypointSegment):
            target = FlightState(seg.airspeed, 0.0, 0.0)
        elif seg.reference == "ground":
            target = FlightState(seg.airspeed, seg.direction * seg.bank, _ground_rate(seg))
        else:
            target = FlightState(seg.airspeed, seg.direction * seg.bank, seg.resolve(psi)[1])
        if transitions is not None and state is not None:
            tr = fly_transition(state, target, p, psi, t, wind, dt, transitions)
            if tr is not None:
                _check_samples(len(tr[0]), total, i)
                total += len(tr[0])
                parts.append((*tr, np.full(len(tr[0]), i), np.ones(len(tr[0]), dtype=bool)))
                p = tr[1][-1].copy()
                psi = float(tr[5][-1])
                t = float(tr[0][-1])
                gs = tr[2][-1, :2]
                if np.linalg.norm(gs) > 0.1:
                    last_dir = gs / np.linalg.norm(gs)
        if isinstance(seg, WaypointSegment):
            est = _waypoint_length(seg, p, last_dir) / max(seg.airspeed * dt, 1e-3)
            _check_samples(est, total, i)
            out = fly_waypoints(seg, p, last_dir, t, wind, ds=max(seg.airspeed, 1.0) * dt, index=i)
            tt, pos, vg, va, acc, hh, r = out
            radii.append(r)
            rates.append(None)
            end = FlightState(seg.airspeed, 0.0, float(-va[-1, 2]))
        elif seg.reference == "ground":
            track0 = math.atan2(last_dir[0], last_dir[1])
            omega = seg.airspeed / float(turn_radius(seg.airspeed, seg.bank))
            est = (seg.duration or (seg.turn_angle or 2 * math.pi) / omega) / dt
            _check_samples(est, total, i)
            tt, pos, vg, va, acc, hh, r, rate = fly_ground_turn(seg, p, track0, psi, t, wind, dt)
            radii.append(r)
            rates.append(rate)
            end = FlightState(float(np.hypot(va[-1, 0], va[-1, 1])), seg.direction * seg.bank, rate)
        else:
            duration, rate = seg.resolve(psi)
            _check_samples(duration / dt, total, i)
            rates.append(rate)
            tt, pos, vg, va, acc, hh = fly_air_segment(seg, p, psi, t, wind, dt)
            radii.append(seg.radius)
            end = FlightState(seg.airspeed, seg.direction * seg.bank, rate)
        total += len(tt)
        parts.append((tt, pos, vg, va, acc, hh, np.full(len(tt), i), np.zeros(len(tt), dtype=bool)))
        state = end
        p = pos[-1].copy()
        psi = float(hh[-1])
        t = float(tt[-1])
        gs = vg[-1, :2]
        last_dir = (
            gs / np.linalg.norm(gs)
            if np.linalg.norm(gs) > 0.1
            else np.array([math.sin(psi), math.cos(psi)])
        )
    # drop the last sample of every part but the final one (it repeats the next start)
    keep = [tuple(a[:-1] for a in part) for part in parts[:-1]] + [parts[-1]]
    cat = [np.concatenate([k[j] for k in keep]) for j in range(8)]
    return Path(
        cat[0],
        cat[1],
        cat[2],
        cat[3],
        cat[4],
        cat[5],
        cat[6].astype(int),
        radii,
        rates,
        transition=cat[7].astype(bool),
    )


def _ground_rate(seg: AirSegment) -> float:
    """Descent rate of a ground-referenced turn (before it is flown: the transition's target)."""
    if seg.descent_rate is not None:
        return seg.descent_rate
    if seg.altitude_loss is not None:
        omega = seg.airspeed / float(turn_radius(seg.airspeed, seg.bank))
        dur = seg.duration or (seg.turn_angle or 2 * math.pi) / omega
        return seg.altitude_loss / dur
    return 0.0


def _waypoint_length(seg: WaypointSegment, p0: Any, d0: Any) -> float:
    """Length of the polyline start -> waypoints (a lower bound of the flown track, used to cap
    the samples before the geometry is built)."""
    pts = np.concatenate([np.asarray(p0, dtype=float)[None, :2], seg.points[:, :2]])
    return float(np.sum(np.hypot(*np.diff(pts, axis=0).T)))
