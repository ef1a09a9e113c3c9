"""The site and its local east/north/up frame (WGS 84 via pymap3d).

Positions inside stuntsim are metres east and north of the site and altitude above mean sea
level. Over the few tens of kilometres of a jump or a chase, the local tangent plane is used as
flat; pymap3d converts to latitude and longitude for output (ENU -> geodetic, WGS 84 ellipsoid).
Heights handed to pymap3d are MSL, i.e. the geoid-ellipsoid separation is ignored: it shifts the
reported coordinates by millimetres.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Site:
    lat: float = 0.0  # deg
    lon: float = 0.0  # deg
    elevation: float = 0.0  # m MSL (ground at the target)

    def to_geodetic(
        self, east: np.ndarray | float, north: np.ndarray | float, up: np.ndarray | float = 0.0
    ) -> tuple[np.ndarray, np.ndarray]:
        """(lat, lon) in degrees of points given in metres east/north of the site."""
        import pymap3d

        lat, lon, _ = pymap3d.enu2geodetic(
            np.asarray(east, dtype=float),
            np.asarray(north, dtype=float),
            np.asarray(up, dtype=float),
            self.lat,
            self.lon,
            self.elevation,
        )
        return lat, lon

    def to_enu(self, lat: float, lon: float, alt: float | None = None) -> tuple[float, float]:
        """(east, north) in metres of a geodetic point, relative to the site."""
        import pymap3d

        e, n, _ = pymap3d.geodetic2enu(
            lat, lon, self.elevation if alt is None else alt, self.lat, self.lon, self.elevation
        )
        return float(e), float(n)
