"""Ground you can build: ramps on the stairs, and a surveyed profile read from a CSV file.

The ground is a profile along north made of straight segments (start, end, height at start,
slope), with vertical steps between segments allowed (risers). :class:`ProfileGround` holds
such a profile and the stairs' walls; it is built from

- the stairs of the scenario (:class:`stuntsim.car.stairs.Stairs`: level treads), and any
  number of **ramps**: a straight plank from ``position`` (north, m) over ``length`` metres,
  starting at height ``base`` (default: the ground there, the upper side at a riser, so a ramp
  from the top nosing starts at the nosing) and rising by ``height`` (negative:
  falling). The ground is the higher of the ramp and what lies under it, so a kicker on the
  platform ends in a vertical drop, and a landing ramp over the first steps bridges their
  nosings;
- or a **surveyed profile** (``[stairs] profile = "steps.csv"``): rows of distance from the top
  nosing (m, increasing; a repeated distance is a vertical riser face) and height (m, 0 at the
  top nosing). The platform before the top nosing is level at the first height; after the last
  point the ground stays level.

A wheel (and a body edge) is a disc of radius R on the profile; its centre rests on the
envelope (Pacejka, *Tyre and Vehicle Dynamics*, 2012, §10.2), the highest of, for every
segment within reach, the touching position on the segment's face::

    z_c = z(y) + R sqrt(1 + s^2)           where the foot y + R s / sqrt(1 + s^2) is on it

or on the arc round its nearer end, sqrt(R^2 - e^2) above it (continued as its 5:1 tangent
line, as :mod:`stuntsim.car.stairs` does for step nosings). With level segments this is exactly
:meth:`stuntsim.car.stairs.Stairs.envelope`; the compiled kernel evaluates the same formula.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stuntsim.car.stairs import E_CAP, MAX_SLOPE, Stairs
from stuntsim.errors import ScenarioError

MIN_SEGMENT = 0.005  # m: shorter pieces (where a ramp crosses a nosing) are merged away
MAX_PROFILE_ROWS = 20_000


@dataclass(frozen=True)
class Ramp:
    """A straight ramp along north: from ``position`` over ``length`` m, rising ``height``."""

    position: float  # m north of the origin where the ramp starts
    length: float  # m
    height: float  # m, rise along the ramp (negative: it falls)
    base: float | None = None  # m, height at its start (None: the ground there)


class ProfileGround:
    """A ground profile of segments along north, with the stairs' walls and edges."""

    has_walls = True

    def __init__(
        self,
        segments: np.ndarray,
        stairs: Stairs | None,
        *,
        edge_north: float,
        bottom_north: float,
        width: float,
        centre_east: float = 0.0,
        sides: str = "walls",
        what: str = "",
    ) -> None:
        seg = _merge_slivers(np.asarray(segments, dtype=float))
        self._seg = seg
        finite = seg[np.isfinite(seg[:, 1] - seg[:, 0])]
        lengths = finite[:, 1] - finite[:, 0]
        self._min_len = float(np.min(lengths)) if len(lengths) else math.inf
        self.stairs = stairs
        self.edge_north = float(edge_north)
        self.bottom_north = float(bottom_north)
        self.width = float(width)
        self.centre_east = float(centre_east)
        self.sides = sides
        self.has_walls = sides == "walls"
        self._what = what

    # --- the profile ----------------------------------------------------------------------
    def segments(self) -> tuple[np.ndarray, float]:
        return self._seg, self._min_len

    @property
    def drop(self) -> float:
        return float(self._seg[0, 2] - self._seg[-1, 2])

    def height(self, east: np.ndarray, north: np.ndarray) -> np.ndarray:
        """The raw profile height at (east, north)."""
        north = np.asarray(north, dtype=float)
        seg = self._seg
        idx = np.clip(np.searchsorted(seg[:, 0], north, side="right") - 1, 0, len(seg) - 1)
        a, z0, s = seg[idx, 0], seg[idx, 2], seg[idx, 3]
        off = np.where(np.isfinite(a), north - a, 0.0)
        out = z0 + s * off
        return np.broadcast_to(out, np.broadcast(east, north).shape).copy()

    def envelope(
        self, east: np.ndarray, north: np.ndarray, radius: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Effective height and slope d/dnorth under a disc of ``radius`` (module docstring)."""
        north = np.asarray(north, dtype=float)
        shape = north.shape
        y = north.reshape(-1)[:, None]
        seg = self._seg
        n = len(seg)
        m = n if not math.isfinite(self._min_len) else math.ceil(radius / self._min_len) + 1
        idx = np.searchsorted(seg[:, 0], y[:, 0], side="right") - 1
        cand = np.clip(idx[:, None] + np.arange(-m, m + 1), 0, n - 1)
        a, b, z0, s = (seg[cand, k] for k in range(4))
        q = np.sqrt(1.0 + s * s)
        foot = y + radius * s / q
        sloped = s != 0.0
        on_face = sloped & (foot >= a) & (foot <= b)
        with np.errstate(invalid="ignore"):
            face = z0 + s * np.where(np.isfinite(a), y - a, 0.0) + radius * q
        # nearer end: for level segments the clamp of y, for sloped ones the end the foot missed
        y_end = np.where(sloped, np.where(foot < a, a, b), np.minimum(np.maximum(y, a), b))
        with np.errstate(invalid="ignore"):
            z_end = np.where(sloped & np.isfinite(y_end - a), z0 + s * (y_end - a), z0)
        e = np.where(np.isfinite(y_end), y - y_end, 0.0)
        ae = np.abs(e)
        arc = ae < E_CAP * radius
        root = np.sqrt(np.where(arc, radius * radius - e * e, 1.0))
        cap_h = radius / np.sqrt(1.0 + MAX_SLOPE**2)
        rise = np.where(arc, root, cap_h - MAX_SLOPE * (ae - E_CAP * radius))
        val = np.where(on_face, face, z_end + rise)
        slope = np.where(on_face, s, np.where(arc, -e / root, -MAX_SLOPE * np.sign(e)))
        best = np.argmax(val, axis=1)[:, None]
        h = np.take_along_axis(val, best, 1)[:, 0] - radius
        sl = np.take_along_axis(slope, best, 1)[:, 0]
        return h.reshape(shape), sl.reshape(shape)

    # --- stairs figures -------------------------------------------------------------------
    def nosings(self) -> tuple[np.ndarray, np.ndarray]:
        """North and height of the upper edges of every drop (a riser or a face steeper than
        1:1), for drawing the step edges."""
        seg = self._seg
        ends = seg[:-1, 1]
        z_end = seg[:-1, 2] + seg[:-1, 3] * np.where(
            np.isfinite(seg[:-1, 0]), seg[:-1, 1] - seg[:-1, 0], 0.0
        )
        drop = (seg[1:, 2] < z_end - 1e-6) | (seg[1:, 3] < -1.0)
        return ends[drop], z_end[drop]

    def wall_clearance(self, east: np.ndarray, north: np.ndarray) -> np.ndarray:
        """Distance to the nearer side wall along the stairs (+inf elsewhere or without walls)."""
        east = np.asarray(east, dtype=float)
        north = np.asarray(north, dtype=float)
        d = 0.5 * self.width - np.abs(east - self.centre_east)
        along = (north >= self.edge_north) & (north <= self.bottom_north) & self.has_walls
        return np.where(along, d, np.inf)

    def describe(self) -> str:
        return self._what


def _merge_slivers(seg: np.ndarray) -> np.ndarray:
    """Drop segments shorter than MIN_SEGMENT (their neighbour takes the span), and join
    neighbours that continue one straight line (a ramp laid over several treads)."""
    keep = [seg[0].copy()]
    for row in seg[1:]:
        prev = keep[-1]
        if row[1] - row[0] < MIN_SEGMENT and np.isfinite(row[1]):
            prev[1] = row[1]
            continue
        end_h = prev[2] + (prev[3] * (prev[1] - prev[0]) if np.isfinite(prev[0]) else 0.0)
        if np.isfinite(prev[0]) and row[3] == prev[3] and abs(row[2] - end_h) < 1e-9:
            prev[1] = row[1]
            continue
        keep.append(row.copy())
    return np.array(keep)


def _height_at(seg: np.ndarray, y: float) -> float:
    """The ground's top surface at ``y``: at a riser (a step in the profile) the upper side,
    so a ramp starting at a nosing starts at the nosing's height."""
    i = int(np.clip(np.searchsorted(seg[:, 0], y, side="right") - 1, 0, len(seg) - 1))
    out = -math.inf
    for j in (i - 1, i):
        if j < 0:
            continue
        a, b, z0, s = seg[j]
        if a <= y <= b:
            out = max(out, float(z0 + (s * (y - a) if math.isfinite(a) else 0.0)))
    return out


def with_ramp(seg: np.ndarray, ramp: Ramp) -> np.ndarray:
    """The profile with a ramp laid on it: max(ground, ramp line) over the ramp's span."""
    r0, r1 = ramp.position, ramp.position + ramp.length
    base = _height_at(seg, r0) if ramp.base is None else ramp.base
    s_r = ramp.height / ramp.length
    out = []
    for a, b, z0, s in seg:
        if b <= r0 or a >= r1:
            out.append((a, b, z0, s))
            continue
        # the part before and after the ramp stays
        if a < r0:
            out.append((a, r0, z0, s))
        if b > r1:
            z1 = z0 + s * (r1 - a) if math.isfinite(a) else z0
            out.append((r1, b, z1, s))
        lo, hi = max(a, r0), min(b, r1)
        # inside [lo, hi]: the ground line z0 + s (y - a) against the ramp base + s_r (y - r0)
        zg_lo = z0 + s * (lo - a) if math.isfinite(a) else z0
        zr_lo = base + s_r * (lo - r0)
        pts = [lo, hi]
        if s != s_r:
            yc = lo + (zr_lo - zg_lo) / (s - s_r)
            if lo < yc < hi:
                pts.insert(1, yc)
        for p, q in itertools.pairwise(pts):
            mid = 0.5 * (p + q)
            zg = zg_lo + s * (mid - lo)
            zr = zr_lo + s_r * (mid - lo)
            if zr > zg:
                out.append((p, q, base + s_r * (p - r0), s_r))
            else:
                out.append((p, q, zg_lo + s * (p - lo), s))
    out.sort(key=lambda r: r[0])
    return np.array(out, dtype=float)


def read_profile(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(distance from the top nosing, height) of a surveyed CSV profile, metres.

    Rows ``distance,height``; an optional header row of words; ``#`` comments and blank lines
    are skipped. Distances must not decrease (equal ones: a vertical face). At most
    MAX_PROFILE_ROWS rows; the file goes through the common size cap
    (stuntsim.errors.read_input_bytes). Errors name the file and the line.
    """
    from stuntsim.errors import read_input_bytes

    raw = read_input_bytes(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(path, None, "not a text file (not UTF-8)") from None
    dist: list[float] = []
    height: list[float] = []
    header_seen = False
    for no, line in enumerate(text.splitlines(), start=1):
        body = line.split("#", 1)[0].strip()
        if not body:
            continue
        cells = [c.strip() for c in body.replace(";", ",").split(",")]
        if len(cells) != 2:
            raise ScenarioError(path, f"line {no}", "give two values: distance, height (m)")
        try:
            d, h = float(cells[0]), float(cells[1])
        except ValueError:
            if not dist and not header_seen:
                header_seen = True  # a header row
                continue
            raise ScenarioError(
                path, f"line {no}", "distance and height must be numbers (m)"
            ) from None
        if not (math.isfinite(d) and math.isfinite(h)) or abs(d) > 1e4 or abs(h) > 1e4:
            raise ScenarioError(path, f"line {no}", "values must be finite, within 10 km")
        if dist and d < dist[-1]:
            raise ScenarioError(path, f"line {no}", "distances must not decrease")
        dist.append(d)
        height.append(h)
        if len(dist) > MAX_PROFILE_ROWS:
            raise ScenarioError(path, f"line {no}", f"more than {MAX_PROFILE_ROWS} rows")
    if len(dist) < 2:
        raise ScenarioError(path, None, "give at least two rows of distance, height")
    if dist[-1] - dist[0] <= 0.0:
        raise ScenarioError(path, None, "the distances span no length")
    return np.array(dist), np.array(height)


def profile_segments(edge_north: float, dist: np.ndarray, height: np.ndarray) -> np.ndarray:
    """Segments of a surveyed profile whose first row lies at the top nosing (north
    ``edge_north``): level platform before it, straight pieces between rows, level after."""
    y = edge_north + dist - dist[0]
    rows = [(-np.inf, y[0], height[0], 0.0)]
    for i in range(len(y) - 1):
        if y[i + 1] > y[i]:
            s = (height[i + 1] - height[i]) / (y[i + 1] - y[i])
            rows.append((y[i], y[i + 1], height[i], s))
    rows.append((y[-1], np.inf, height[-1], 0.0))
    return np.array(rows, dtype=float)
