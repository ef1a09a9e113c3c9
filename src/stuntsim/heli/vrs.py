"""Vortex ring state (VRS): where along the path the rotor may settle into its own wake.

A criterion looks at each operating point, with speeds in the rotor frame normalised by the hover
induced velocity at the local thrust and density, v_h = sqrt(T / (2 rho A)). Since T = n W in a
turn, v_h grows with sqrt(n), as Johnson prescribes for manoeuvring flight.

- x = V_par / v_h: edgewise (in-plane) air speed;
- z = descent / v_h: air speed up through the disc (positive in a descent).

Criteria are pluggable: anything with ``name``, ``source``, ``margin(op)`` and ``boundary()``
(see :class:`VRSCriterion`) can be registered in :data:`CRITERIA`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from stuntsim.units import FT, KT


@dataclass(frozen=True)
class OperatingPoints:
    """Operating points along a path (arrays of equal shape, SI)."""

    x: np.ndarray  # edgewise speed / v_h
    z: np.ndarray  # descent speed through the disc / v_h (positive = descending)
    v_h: np.ndarray  # m/s
    airspeed: np.ndarray  # m/s, horizontal true airspeed
    descent_rate: np.ndarray  # m/s, vertical speed down through the air
    power_fraction: np.ndarray  # shaft power required / available


class VRSCriterion(Protocol):
    name: str
    source: str

    def margin(self, op: OperatingPoints) -> np.ndarray:
        """Dimensionless distance to the region: > 0 outside, <= 0 inside (deeper = smaller)."""
        ...

    def boundary(self, v_h: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
        """The region's outline in (x, z) for plotting (closed curve)."""
        ...


@dataclass(frozen=True)
class JohnsonBoundary:
    """Johnson's VRS region (W. Johnson, "Model for Vortex Ring State Influence on Rotorcraft
    Flight Dynamics", NASA/TP-2005-213477, 2005).

    The published figures: in axial descent the region spans descent rates from 0.45 v_h to
    1.5 v_h, and it closes at an edgewise speed of about 0.95 v_h. Between those points we
    describe the boundary by the ellipse through them (our approximation of his curve):

        (x / x_c)^2 + ((z - z_m) / h)^2 <= 1,
        z_m = (z_onset + z_end) / 2,  h = (z_end - z_onset) / 2,  x_c = 0.95.

    margin = sqrt(that left side) - 1 (zero on the boundary).
    """

    onset: float = 0.45
    end: float = 1.5
    closing_speed: float = 0.95
    name: str = "johnson"
    source: str = (
        "W. Johnson, NASA/TP-2005-213477 (2005): VRS from 0.45 to 1.5 v_h descent at zero "
        "speed, closing at 0.95 v_h edgewise speed (v_h scaled by sqrt(n)); elliptic fit"
    )

    def _ellipse(self, x: Any, z: Any) -> Any:
        zm = 0.5 * (self.onset + self.end)
        h = 0.5 * (self.end - self.onset)
        return (np.asarray(x) / self.closing_speed) ** 2 + ((np.asarray(z) - zm) / h) ** 2

    def margin(self, op: OperatingPoints) -> np.ndarray:
        return np.sqrt(self._ellipse(op.x, op.z)) - 1.0

    def contains(self, x: Any, z: Any) -> np.ndarray:
        return self._ellipse(x, z) <= 1.0

    def boundary(self, v_h: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
        th = np.linspace(-np.pi / 2, np.pi / 2, 91)
        zm = 0.5 * (self.onset + self.end)
        h = 0.5 * (self.end - self.onset)
        return self.closing_speed * np.cos(th), zm + h * np.sin(th)


@dataclass(frozen=True)
class FAARuleOfThumb:
    """The FAA's conditions for settling with power / VRS (FAA Helicopter Flying Handbook,
    FAA-H-8083-21B, ch. 11): a descent of at least 300 ft/min, airspeed below effective
    translational lift (ETL, typically 16-24 kt: 16 kt used here, an estimate) and 20 to 100 %
    of the power available in use.

    margin = the smallest of the three normalised distances to the conditions' edges (> 0: at
    least one condition is not met).
    """

    min_descent: float = 300.0 * FT / 60.0
    etl: float = 16.0 * KT
    min_power: float = 0.2
    name: str = "faa"
    source: str = (
        "FAA Helicopter Flying Handbook FAA-H-8083-21B, ch. 11: descent >= 300 ft/min, "
        "airspeed below ETL (16 kt, estimate), 20-100 % power"
    )

    def margin(self, op: OperatingPoints) -> np.ndarray:
        m_desc = (self.min_descent - op.descent_rate) / self.min_descent
        m_speed = (op.airspeed - self.etl) / self.etl
        m_power = (self.min_power - op.power_fraction) / self.min_power
        return np.maximum(np.maximum(m_desc, m_speed), m_power)

    def boundary(self, v_h: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
        x1 = self.etl / v_h
        z0 = self.min_descent / v_h
        z1 = 2.0  # the rule gives no lower edge; drawn to 2 v_h
        return np.array([0.0, x1, x1, 0.0, 0.0]), np.array([z0, z0, z1, z1, z0])


@dataclass(frozen=True)
class Conservative:
    """Both criteria at once: a point is in vortex ring state when EITHER says so (the union of
    the two regions), so the plan passes only if it is clear of both.

    Why both: Johnson's boundary is a physical model of where the wake recirculates, scaled by
    the local v_h (at the H125's v_h of about 10 m/s it starts at 0.45 v_h, about 900 ft/min
    in a hover); the FAA's conditions are a training rule that flags any descent above
    300 ft/min below translational lift with power applied, a far earlier onset. At 5 kt and
    600 ft/min the rule fails and the boundary passes; the conservative union fails.
    margin = min(Johnson margin, FAA margin) (<= 0 inside either).
    """

    name: str = "conservative"
    source: str = (
        "the union of W. Johnson, NASA/TP-2005-213477 (2005) (0.45-1.5 v_h at zero speed, "
        "closing at 0.95 v_h) and the FAA Helicopter Flying Handbook FAA-H-8083-21B, ch. 11 "
        "(>= 300 ft/min, below ETL 16 kt (estimate), 20-100 % power): in VRS if either says so"
    )

    def margin(self, op: OperatingPoints) -> np.ndarray:
        return np.minimum(JohnsonBoundary().margin(op), FAARuleOfThumb().margin(op))

    def boundary(self, v_h: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
        return JohnsonBoundary().boundary(v_h)


CRITERIA: dict[str, type] = {
    "johnson": JohnsonBoundary,
    "faa": FAARuleOfThumb,
    "conservative": Conservative,
}


def criterion(name: str) -> VRSCriterion:
    crit: VRSCriterion = CRITERIA[name]()
    return crit
