"""Digital elevation models: GeoTIFF (via rasterio) and SRTM ``.hgt`` tiles.

Both readers return a :class:`TerrainGrid`: heights (m) on a regular latitude/longitude grid of
sample points, sampled bilinearly. No physics here.

SRTM ``.hgt`` (NASA/USGS SRTM documentation): a square of big-endian signed 16-bit heights in
metres, 1201 x 1201 samples (3 arc-second) or 3601 x 3601 (1 arc-second), rows from north to
south, columns from west to east. The file name gives the south-west corner (``S45E168.hgt``:
45 deg S, 168 deg E); the first and last rows and columns lie on whole degrees, shared with the
neighbouring tiles. Voids are -32768. The mission specification gives an absolute vertical error
of 16 m (90 % linear error); Rodriguez et al. (2006), "An assessment of the SRTM topographic
products", measured 5-9 m: 16 m is used as the default vertical error.

GeoTIFF: a single-band raster in a geographic CRS (latitude/longitude degrees, e.g. EPSG:4326),
north up. Its vertical error comes from the metadata tag ``VERTICAL_ERROR_M`` when present, else
from the scenario (``terrain.vertical_error``), else it is reported as unknown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stuntsim.errors import DataFileError, read_input_bytes

SRTM_VOID = -32768
SRTM_VERTICAL_ERROR = 16.0  # m, LE90, SRTM mission specification
_HGT_NAME = re.compile(r"^([NS])(\d{2})([EW])(\d{3})$", re.IGNORECASE)


@dataclass(frozen=True)
class TerrainGrid:
    """Heights on a regular grid of sample points (NaN = void).

    ``lat`` and ``lon`` are increasing 1-D arrays of the sample-point coordinates (degrees);
    ``height[i, j]`` is the height (m) at (lat[i], lon[j]).
    """

    lat: np.ndarray
    lon: np.ndarray
    height: np.ndarray
    source: str
    vertical_error: float | None = None

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(lat_min, lat_max, lon_min, lon_max) of the sample points."""
        return float(self.lat[0]), float(self.lat[-1]), float(self.lon[0]), float(self.lon[-1])

    def covers(self, lat, lon) -> np.ndarray:
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        la0, la1, lo0, lo1 = self.bounds
        return (lat >= la0) & (lat <= la1) & (lon >= lo0) & (lon <= lo1)

    def sample(self, lat, lon) -> np.ndarray:
        """Bilinear interpolation of the height at (lat, lon) degrees; NaN outside the grid or
        next to a void."""
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        ny, nx = self.height.shape
        dlat = (self.lat[-1] - self.lat[0]) / (ny - 1)
        dlon = (self.lon[-1] - self.lon[0]) / (nx - 1)
        fy = (lat - self.lat[0]) / dlat
        fx = (lon - self.lon[0]) / dlon
        inside = self.covers(lat, lon)
        iy = np.clip(np.floor(fy).astype(np.intp), 0, ny - 2)
        ix = np.clip(np.floor(fx).astype(np.intp), 0, nx - 2)
        ty = np.clip(fy - iy, 0.0, 1.0)
        tx = np.clip(fx - ix, 0.0, 1.0)
        h = self.height
        h00 = h[iy, ix]
        h01 = h[iy, ix + 1]
        h10 = h[iy + 1, ix]
        h11 = h[iy + 1, ix + 1]
        out = (h00 * (1 - tx) + h01 * tx) * (1 - ty) + (h10 * (1 - tx) + h11 * tx) * ty
        return np.where(inside, out, np.nan)


def read_hgt(path: str | Path) -> TerrainGrid:
    """Read one SRTM ``.hgt`` tile (raw big-endian int16, 1201 or 3601 square)."""
    p = Path(path)
    m = _HGT_NAME.match(p.stem)
    if not m:
        raise DataFileError(
            p, None, "an SRTM tile must be named like S45E168.hgt (its south-west corner)"
        )
    raw = read_input_bytes(p, DataFileError)
    sizes = {1201 * 1201 * 2: 1201, 3601 * 3601 * 2: 3601}
    if len(raw) not in sizes:
        raise DataFileError(
            p,
            None,
            f"{len(raw)} bytes is not an SRTM tile (expected 1201x1201 or 3601x3601 int16)",
        )
    n = sizes[len(raw)]
    data = np.frombuffer(raw, dtype=">i2").reshape(n, n)[::-1].astype(float)
    data[data == SRTM_VOID] = np.nan
    lat0 = int(m.group(2)) * (1 if m.group(1).upper() == "N" else -1)
    lon0 = int(m.group(4)) * (1 if m.group(3).upper() == "E" else -1)
    frac = np.linspace(0.0, 1.0, n)
    return TerrainGrid(
        lat0 + frac,
        lon0 + frac,
        data,
        source=f"SRTM tile {p.name}",
        vertical_error=SRTM_VERTICAL_ERROR,
    )


def merge_hgt(tiles: Sequence[TerrainGrid]) -> TerrainGrid:
    """Mosaic adjacent SRTM tiles of the same resolution into one grid (gaps are NaN)."""
    if len(tiles) == 1:
        return tiles[0]
    n = tiles[0].height.shape[0]
    if any(t.height.shape[0] != n for t in tiles):
        raise DataFileError(None, "terrain.dem", "SRTM tiles of different resolutions")
    step = n - 1
    la0 = min(round(t.lat[0]) for t in tiles)
    lo0 = min(round(t.lon[0]) for t in tiles)
    la1 = max(round(t.lat[0]) for t in tiles) + 1
    lo1 = max(round(t.lon[0]) for t in tiles) + 1
    ny, nx = (la1 - la0) * step + 1, (lo1 - lo0) * step + 1
    h = np.full((ny, nx), np.nan)
    for t in tiles:
        i0 = (round(t.lat[0]) - la0) * step
        j0 = (round(t.lon[0]) - lo0) * step
        block = h[i0 : i0 + n, j0 : j0 + n]
        h[i0 : i0 + n, j0 : j0 + n] = np.where(np.isnan(t.height), block, t.height)
    return TerrainGrid(
        np.linspace(la0, la1, ny),
        np.linspace(lo0, lo1, nx),
        h,
        source="SRTM tiles " + ", ".join(t.source.removeprefix("SRTM tile ") for t in tiles),
        vertical_error=SRTM_VERTICAL_ERROR,
    )


def read_geotiff(path: str | Path) -> TerrainGrid:
    """Read band 1 of a north-up GeoTIFF in geographic coordinates (rasterio, imported here)."""
    p = Path(path)
    if not p.exists():
        raise DataFileError(p, None, "file not found")
    try:
        import rasterio
    except ImportError:  # pragma: no cover - rasterio is in the [terrain] extra
        raise DataFileError(
            p, None, "reading a GeoTIFF needs rasterio: pip install 'stuntsim[terrain]'"
        ) from None
    try:
        with rasterio.open(p) as src:
            crs = src.crs
            if crs is None or not crs.is_geographic:
                raise DataFileError(
                    p,
                    None,
                    "the DEM must be in latitude/longitude (e.g. EPSG:4326); reproject it with "
                    "gdalwarp -t_srs EPSG:4326",
                )
            tr = src.transform
            if tr.b != 0.0 or tr.d != 0.0:
                raise DataFileError(p, None, "the DEM must be north-up (no rotation)")
            band = src.read(1, masked=True).astype(float)
            data = np.ma.filled(band, np.nan)
            tags = src.tags()
            ny, nx = data.shape
    except DataFileError:
        raise
    except Exception as exc:  # rasterio raises RasterioIOError and others
        raise DataFileError(p, None, f"cannot read the GeoTIFF: {exc}") from None
    if ny < 2 or nx < 2:
        raise DataFileError(p, None, "the DEM needs at least 2 x 2 samples")
    half = 0.0 if tags.get("AREA_OR_POINT", "Area").lower() == "point" else 0.5
    lon = tr.c + tr.a * (np.arange(nx) + half)
    lat = tr.f + tr.e * (np.arange(ny) + half)
    if tr.e < 0:  # rows run north to south: flip to increasing latitude
        lat = lat[::-1]
        data = data[::-1]
    if tr.a < 0:
        lon = lon[::-1]
        data = data[:, ::-1]
    verr = tags.get("VERTICAL_ERROR_M")
    try:
        vertical_error = float(verr) if verr is not None else None
    except ValueError:
        vertical_error = None
    return TerrainGrid(lat, lon, data, source=f"GeoTIFF {p.name}", vertical_error=vertical_error)


def read_dem(paths: Sequence[str | Path]) -> TerrainGrid:
    """One GeoTIFF, or one or more SRTM ``.hgt`` tiles (mosaicked)."""
    ps = [Path(x) for x in paths]
    suffixes = {x.suffix.lower() for x in ps}
    if suffixes <= {".hgt"}:
        return merge_hgt([read_hgt(x) for x in ps])
    if len(ps) == 1 and suffixes <= {".tif", ".tiff"}:
        return read_geotiff(ps[0])
    raise DataFileError(
        ps[0],
        None,
        "give one GeoTIFF (.tif) or one or more SRTM tiles (.hgt); other formats are not read",
    )
