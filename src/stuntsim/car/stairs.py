"""The ground the wheels meet: flat, or a platform, flights of steps, landings and side walls.

Frame: x = east, y = north, z = up (metres). The stairs descend along +north and are centred
on ``east = centre_east``. The platform (height 0) runs from north = 0 to the first step edge
at ``north = platform_length`` (the ground is flat at height 0 behind it too). Each flight has
``steps`` risers of height ``riser`` and ``steps - 1`` treads of depth ``tread`` between them;
after the last riser of a flight comes a landing (``landing`` long), and after the last flight
a flat run-out. The profile does not depend on east: the walls bound the stairs' width for the
clearance check, the wall strike itself is not simulated.

A wheel is a rigid disc of radius R rolling over this profile. Its centre rests at the height
of the *envelope* (Pacejka 2012, §10.2, the "effective road plane" of a rigid ring over an
obstacle; Zegelaar 1998)::

    z_c(y) = max over tread segments j of  H_j + sqrt(R^2 - e_j(y)^2),   |e_j| < R
    e_j(y) = y - clamp(y, start_j, end_j)

so a wheel rolls round each step nosing on a circular arc instead of meeting a height step.
Where an arc gets steeper than 5:1 (a drop nearly as deep as the wheel radius) it continues as
its tangent line, so height and slope stay continuous (and force and energy consistent).
:meth:`Stairs.envelope` returns ``z_c - R`` (the effective ground height under the wheel) and
its slope d/dy; the slope tilts the contact normal, which pushes the car down the steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MAX_SLOPE = 5.0  # steepest envelope slope: the arc continues as its tangent line beyond it
E_CAP = MAX_SLOPE / np.sqrt(1.0 + MAX_SLOPE**2)  # |e| / R where the arc's slope is MAX_SLOPE


class FlatGround:
    """Level ground at height 0 with no walls."""

    has_walls = False

    def height(self, east: np.ndarray, north: np.ndarray) -> np.ndarray:
        return np.zeros(np.broadcast(east, north).shape)

    def envelope(
        self, east: np.ndarray, north: np.ndarray, radius: float
    ) -> tuple[np.ndarray, np.ndarray]:
        z = np.zeros(np.broadcast(east, north).shape)
        return z, z

    def wall_clearance(self, east: np.ndarray, north: np.ndarray) -> np.ndarray:
        return np.full(np.broadcast(east, north).shape, np.inf)

    def segments(self) -> tuple[np.ndarray, float]:
        """The profile as segments (start, end, height at start, slope) along north, and the
        shortest segment length (stuntsim.car.kernel)."""
        return np.array([[-np.inf, np.inf, 0.0, 0.0]]), float("inf")

    def describe(self) -> str:
        return "flat ground"


@dataclass(frozen=True)
class Stairs:
    platform_length: float
    riser: float
    tread: float
    steps: int
    width: float
    flights: int = 1
    landing: float = 3.0
    centre_east: float = 0.0
    sides: str = "walls"
    _starts: np.ndarray = field(init=False, repr=False, compare=False)
    _ends: np.ndarray = field(init=False, repr=False, compare=False)
    _heights: np.ndarray = field(init=False, repr=False, compare=False)

    has_walls = True

    def __post_init__(self) -> None:
        starts = [-np.inf]
        ends = [self.platform_length]
        heights = [0.0]
        s = self.platform_length
        h = 0.0
        for f in range(self.flights):
            for k in range(1, self.steps):
                starts.append(s + (k - 1) * self.tread)
                ends.append(s + k * self.tread)
                heights.append(h - k * self.riser)
            s_land = s + (self.steps - 1) * self.tread
            h -= self.steps * self.riser
            last = f == self.flights - 1
            starts.append(s_land)
            ends.append(np.inf if last else s_land + self.landing)
            heights.append(h)
            s = s_land + self.landing
        object.__setattr__(self, "_starts", np.array(starts))
        object.__setattr__(self, "_ends", np.array(ends))
        object.__setattr__(self, "_heights", np.array(heights))

    # --- geometry -------------------------------------------------------------------------
    @property
    def edge_north(self) -> float:
        """North coordinate of the first step edge (end of the platform)."""
        return self.platform_length

    @property
    def bottom_north(self) -> float:
        """North coordinate of the foot of the last flight (start of the run-out)."""
        return float(self._starts[-1])

    @property
    def drop(self) -> float:
        return self.flights * self.steps * self.riser

    @property
    def slope(self) -> float:
        """Mean slope angle of a flight, rad: atan(riser / tread)."""
        return float(np.arctan2(self.riser, self.tread))

    def nosings(self) -> tuple[np.ndarray, np.ndarray]:
        """North and height of every step nosing (upper edge of each riser)."""
        y = self._ends[:-1]
        h = self._heights[:-1]
        keep = self._heights[1:] < h  # a riser follows (landing ends step onto the next flight)
        return y[keep], h[keep]

    def segments(self) -> tuple[np.ndarray, float]:
        """The profile as level segments (start, end, height, slope 0) along north, and the
        shortest segment length (the kernel's candidate window, as in :meth:`envelope`)."""
        seg = np.column_stack(
            [self._starts, self._ends, self._heights, np.zeros(len(self._heights))]
        )
        return seg, float(min(self.tread, self.landing))

    def height(self, east: np.ndarray, north: np.ndarray) -> np.ndarray:
        """Terrain height at (east, north): the raw step profile."""
        north = np.asarray(north, dtype=float)
        idx = np.searchsorted(self._starts, north, side="right") - 1
        out = self._heights[np.minimum(np.maximum(idx, 0), len(self._heights) - 1)]
        return np.broadcast_to(out, np.broadcast(east, north).shape).copy()

    def envelope(
        self, east: np.ndarray, north: np.ndarray, radius: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Effective ground height under a wheel of ``radius`` centred above (east, north).

        Returns ``(h_eff, dh_eff/dnorth)``; see the module docstring for the equation.
        """
        north = np.asarray(north, dtype=float)
        shape = north.shape
        y = north.reshape(-1)
        m = int(np.ceil(radius / min(self.tread, self.landing))) + 1
        n = len(self._heights)
        idx = np.searchsorted(self._starts, y, side="right") - 1
        cand = np.minimum(np.maximum(idx[:, None] + np.arange(-m, m + 1), 0), n - 1)
        yc = y[:, None]
        e = yc - np.minimum(np.maximum(yc, self._starts[cand]), self._ends[cand])
        # circular arc sqrt(R^2 - e^2) up to the point where its slope reaches MAX_SLOPE, then
        # the tangent line: continuous height and slope, so force and energy stay consistent
        ae = np.abs(e)
        arc = ae < E_CAP * radius
        root = np.sqrt(np.where(arc, radius * radius - e * e, 1.0))
        cap_h = radius / np.sqrt(1.0 + MAX_SLOPE**2)  # sqrt(R^2 - e_cap^2)
        rise = np.where(arc, root, cap_h - MAX_SLOPE * (ae - E_CAP * radius))
        val = self._heights[cand] + rise
        best = np.argmax(val, axis=1)[:, None]
        h = np.take_along_axis(val, best, 1)[:, 0] - radius
        eb = np.take_along_axis(e, best, 1)[:, 0]
        slope = np.where(
            np.take_along_axis(arc, best, 1)[:, 0],
            -eb / np.take_along_axis(root, best, 1)[:, 0],
            -MAX_SLOPE * np.sign(eb),
        )
        return h.reshape(shape), slope.reshape(shape)

    def wall_clearance(self, east: np.ndarray, north: np.ndarray) -> np.ndarray:
        """Distance from (east, north) to the nearer side wall, negative outside the stairs;
        +inf where there are no walls (on the platform or beyond the foot of the stairs)."""
        east = np.asarray(east, dtype=float)
        north = np.asarray(north, dtype=float)
        half = 0.5 * self.width
        d = half - np.abs(east - self.centre_east)
        along = (north >= self.edge_north) & (north <= self.bottom_north)
        return np.where(along, d, np.inf)

    def describe(self) -> str:
        f = f"{self.flights} flights of " if self.flights > 1 else ""
        return (
            f"{f}{self.steps} steps, riser {self.riser:.2f} m, tread {self.tread:.2f} m, "
            f"width {self.width:.1f} m, drop {self.drop:.1f} m"
        )
