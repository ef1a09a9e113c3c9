"""Winds aloft: a profile of (altitude, direction FROM, speed), interpolated in components.

Meteorological convention: the direction is where the wind blows FROM, in degrees true, so a
wind "from 270 at 25 kt" moves air toward the east:

    u_east = -V sin(dir),  u_north = -V cos(dir)

Between the given altitudes the east and north components are interpolated linearly (never the
direction and speed, which would swing through the wrong side when the wind backs through
north); below the lowest and above the highest altitude the end values are held.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike


@dataclass(frozen=True)
class WindProfile:
    altitude: np.ndarray  # m MSL, increasing
    east: np.ndarray  # m/s, air velocity toward east
    north: np.ndarray  # m/s, air velocity toward north
    source: str = "scenario"

    @classmethod
    def calm(cls) -> WindProfile:
        z = np.array([0.0])
        return cls(z, np.zeros(1), np.zeros(1), source="calm")

    @classmethod
    def from_direction_speed(
        cls, altitude: ArrayLike, from_rad: ArrayLike, speed: ArrayLike, source: str = "scenario"
    ) -> WindProfile:
        z = np.asarray(altitude, dtype=float)
        d = np.asarray(from_rad, dtype=float)
        v = np.asarray(speed, dtype=float)
        order = np.argsort(z, kind="stable")
        z, d, v = z[order], d[order], v[order]
        if np.any(np.diff(z) <= 0):
            raise ValueError("wind altitudes must be distinct")
        return cls(z, -v * np.sin(d), -v * np.cos(d), source=source)

    @property
    def is_calm(self) -> bool:
        return bool(np.all(self.east == 0.0) and np.all(self.north == 0.0))

    def at(self, z: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """(east, north) air velocity in m/s at altitude z (held constant beyond the data)."""
        z = np.asarray(z, dtype=float)
        if len(self.altitude) == 1:
            return np.full_like(z, self.east[0]), np.full_like(z, self.north[0])
        return np.interp(z, self.altitude, self.east), np.interp(z, self.altitude, self.north)

    def direction_speed(self, z: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """(from_deg in [0, 360), speed m/s) at altitude z."""
        e, n = self.at(z)
        spd = np.hypot(e, n)
        frm = np.degrees(np.arctan2(-e, -n)) % 360.0
        return frm, spd

    def mean(self, z_low: float, z_high: float, n: int = 200) -> tuple[float, float]:
        """Altitude-averaged (east, north) wind between two altitudes."""
        z = np.linspace(min(z_low, z_high), max(z_low, z_high), n)
        e, nn = self.at(z)
        return float(np.mean(e)), float(np.mean(nn))
