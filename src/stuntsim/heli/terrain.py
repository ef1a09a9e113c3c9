"""Terrain under the path and the clearance of the rotor disc and skids across a corridor.

Clearance at each path sample is measured vertically, from the lowest point of the aircraft to
the highest terrain inside a horizontal circle around it of radius

    r_c = rotor radius + navigation error,

so a sample passes only if the whole disc, displaced anywhere within the navigation error, is
above the terrain by the clearance. The lowest point of the aircraft is the lower of the skids
(hub height below the hub) and the low rotor tip (R sin(tilt) below the hub, where tilt is the
angle of the rotor force from the vertical: the bank in a turn). The terrain inside the circle is
sampled on the centre, two rings of 8 and 16 points; between samples the DEM is bilinear.
Vertical clearance is conservative against a slanted distance on a slope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np


class Terrain(Protocol):
    source: str
    vertical_error: float | None

    def height(self, east: Any, north: Any) -> np.ndarray: ...

    def covers(self, east: Any, north: Any) -> np.ndarray: ...


@dataclass(frozen=True)
class FlatTerrain:
    """Level ground at ``elevation`` m MSL everywhere."""

    elevation: float
    source: str = "flat ground"
    vertical_error: float | None = 0.0

    def height(self, east: Any, north: Any) -> np.ndarray:
        return np.full(np.broadcast(np.asarray(east), np.asarray(north)).shape, self.elevation)

    def covers(self, east: Any, north: Any) -> np.ndarray:
        return np.ones(np.broadcast(np.asarray(east), np.asarray(north)).shape, dtype=bool)


@dataclass(frozen=True)
class DemTerrain:
    """A DEM grid (stuntsim.io.dem.TerrainGrid) seen from the site's local east/north frame."""

    grid: Any  # TerrainGrid
    site: Any  # stuntsim.world.geo.Site
    vertical_error: float | None = None

    @property
    def source(self) -> str:
        return self.grid.source

    def latlon(self, east: Any, north: Any) -> Any:
        return self.site.to_geodetic(east, north, 0.0)

    def height(self, east: Any, north: Any) -> np.ndarray:
        lat, lon = self.latlon(east, north)
        return self.grid.sample(lat, lon)

    def covers(self, east: Any, north: Any) -> np.ndarray:
        lat, lon = self.latlon(east, north)
        return self.grid.covers(lat, lon)


def corridor_offsets(radius: float) -> np.ndarray:
    """(K, 2) horizontal offsets: the centre, 8 points at radius/2 and 16 at the radius."""
    rings = [np.zeros((1, 2))]
    for frac, count in ((0.5, 8), (1.0, 16)):
        th = np.linspace(0.0, 2 * np.pi, count, endpoint=False)
        rings.append(frac * radius * np.stack([np.cos(th), np.sin(th)], axis=-1))
    return np.concatenate(rings)


def corridor_points(east: Any, north: Any, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """(N, K) east and north coordinates of the corridor samples around each path point."""
    off = corridor_offsets(radius)
    return (
        np.asarray(east, dtype=float)[:, None] + off[None, :, 0],
        np.asarray(north, dtype=float)[:, None] + off[None, :, 1],
    )


def terrain_under(terrain: Terrain, east: Any, north: Any, radius: float) -> np.ndarray:
    """Highest terrain (m MSL) within ``radius`` of each point (N,)."""
    e, n = corridor_points(east, north, radius)
    h = terrain.height(e.ravel(), n.ravel()).reshape(e.shape)
    return np.max(h, axis=-1)


def lowest_point(altitude: Any, tilt: Any, rotor_radius: float, hub_height: float) -> np.ndarray:
    """Altitude of the aircraft's lowest point: min(hub - hub_height, hub - R sin(tilt))."""
    alt = np.asarray(altitude, dtype=float)
    return alt - np.maximum(hub_height, rotor_radius * np.sin(np.asarray(tilt, dtype=float)))
