"""Write examples/data/valley.tif: a small synthetic mountain valley DEM for the heli example.

Deterministic (no random numbers): a meandering glacial valley running west to east that opens
into a basin, between ridges rising about 1,200 m above its floor. Heights are metres MSL,
int16, on a 1.5 arc-second latitude/longitude grid (EPSG:4326) around the example site
(44.90 S, 168.10 E). The terrain is made up; it stands in for a real DEM so that the example runs
offline. The metadata tag VERTICAL_ERROR_M = 1 covers the rounding to whole metres.

Usage:  python scripts/make_valley_dem.py [output.tif]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

SITE_LAT, SITE_LON = -44.90, 168.10
HALF_LAT, HALF_LON = 0.040, 0.060  # degrees either side of the site
STEP = 1.5 / 3600.0  # degrees, 1.5 arc-seconds
M_PER_DEG_LAT = 111_132.0  # metres per degree of latitude near 45 deg (WGS 84, rounded)


def valley_height(east: np.ndarray, north: np.ndarray) -> np.ndarray:
    """Terrain height (m MSL) at east/north metres from the site."""
    x, y = east, north
    centre = 450.0 * np.sin(2.0 * np.pi * (x + 1500.0) / 7000.0)  # meandering valley axis
    floor = 350.0 + 0.02 * (x + 4700.0)  # floor rising gently to the east
    basin = np.exp(-(((x - 3000.0) / 1300.0) ** 2))  # the valley opens into a basin
    half_width = 350.0 + 650.0 * basin
    d = np.maximum(np.abs(y - centre) - half_width, 0.0)
    walls = 1250.0 * (1.0 - np.exp(-((d / 1400.0) ** 2)))
    ridges = 140.0 * np.sin(x / 850.0) * np.cos(y / 650.0) * (1.0 - np.exp(-d / 300.0))
    return floor + walls + ridges


def main(out: Path) -> None:
    import rasterio
    from rasterio.transform import Affine

    lat = np.arange(SITE_LAT + HALF_LAT, SITE_LAT - HALF_LAT - STEP / 2, -STEP)  # north first
    lon = np.arange(SITE_LON - HALF_LON, SITE_LON + HALF_LON + STEP / 2, STEP)
    lo, la = np.meshgrid(lon, lat)
    north = (la - SITE_LAT) * M_PER_DEG_LAT
    east = (lo - SITE_LON) * M_PER_DEG_LAT * np.cos(np.radians(SITE_LAT))
    h = np.rint(valley_height(east, north)).astype(np.int16)
    # pixel-is-area: the transform gives the outer corner, half a pixel beyond the first sample
    transform = Affine(STEP, 0.0, lon[0] - STEP / 2, 0.0, -STEP, lat[0] + STEP / 2)
    out.parent.mkdir(parents=True, exist_ok=True)
    with rasterio.open(
        out,
        "w",
        driver="GTiff",
        height=h.shape[0],
        width=h.shape[1],
        count=1,
        dtype="int16",
        crs="EPSG:4326",
        transform=transform,
        nodata=-32768,
        compress="deflate",
        predictor=2,
    ) as dst:
        dst.write(h, 1)
        dst.update_tags(
            AREA_OR_POINT="Area",
            VERTICAL_ERROR_M="1",
            DESCRIPTION="synthetic valley for stuntsim examples (scripts/make_valley_dem.py)",
        )
    print(f"wrote {out} ({h.shape[1]} x {h.shape[0]}, {out.stat().st_size / 1024:.0f} kB)")


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1]
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else root / "examples" / "data" / "valley.tif")
