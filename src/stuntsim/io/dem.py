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

``.hgt.gz`` (the tiles as distributed, gzip-compressed) is read directly.

GeoTIFF: a single-band raster in a geographic CRS (latitude/longitude degrees, e.g. EPSG:4326),
north up. Its vertical error comes from the metadata tag ``VERTICAL_ERROR_M`` when present, else
from the scenario (``terrain.vertical_error``), else it is reported as unknown. The geotransform
GDAL (and so rasterio) reports is always that of the pixel corners, whatever the file's
``AREA_OR_POINT``: for a "Point" raster GDAL has already shifted the tie point by half a pixel
(https://github.com/OSGeo/gdal/issues/1505; the GeoTIFF driver's ``GTIFF_POINT_GEO_IGNORE``
option in the GDAL documentation), so the sample of
row i, column j is always at the centre (c + a (j + 1/2), f + e (i + 1/2)). An SRTM tile
converted by GDAL therefore lines up with the same tile read as ``.hgt``.

Coverage: a grid covers its samples' footprint, half a cell beyond the outermost sample points
(the cell each sample stands for); between the last sample and the footprint's edge the height
is the edge sample's.

Caps (docs/heli.md, "DEM files"): a grid may hold at most ``STUNTSIM_MAX_DEM_SAMPLES`` samples
(52 million by default: a 2 x 2 mosaic of 1-arc-second tiles, about 420 MB), checked before
anything is allocated: the raster size of a GeoTIFF, the bounding box of a set of tiles.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from stuntsim.errors import DataFileError, check_input_path, read_input_bytes

DEFAULT_MAX_DEM_SAMPLES = 52_000_000  # a 2 x 2 mosaic of 3601 x 3601 tiles (7201^2 = 51.9 M)


def max_dem_samples() -> int:
    """The cap on DEM samples: ``STUNTSIM_MAX_DEM_SAMPLES`` (52 million by default)."""
    raw = os.environ.get("STUNTSIM_MAX_DEM_SAMPLES", "").strip()
    if not raw:
        return DEFAULT_MAX_DEM_SAMPLES
    try:
        value = int(float(raw))
    except ValueError:
        value = 0
    if value < 4:
        from stuntsim.errors import StuntsimError

        raise StuntsimError("STUNTSIM_MAX_DEM_SAMPLES: expected a whole number of at least 4")
    return value


def _check_size(path: Path | None, ny: int, nx: int, what: str) -> None:
    cap = max_dem_samples()
    if ny * nx > cap:
        raise DataFileError(
            path,
            None,
            f"{what} holds {ny:,} x {nx:,} = {ny * nx:,} samples, over the cap of {cap:,} "
            "(crop the DEM to the flight area, or raise STUNTSIM_MAX_DEM_SAMPLES)",
        )


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
        """(lat_min, lat_max, lon_min, lon_max) of the footprint: half a cell beyond the
        outermost sample points."""
        hy = 0.5 * (self.lat[-1] - self.lat[0]) / (len(self.lat) - 1)
        hx = 0.5 * (self.lon[-1] - self.lon[0]) / (len(self.lon) - 1)
        return (
            float(self.lat[0] - hy),
            float(self.lat[-1] + hy),
            float(self.lon[0] - hx),
            float(self.lon[-1] + hx),
        )

    def covers(self, lat: Any, lon: Any) -> np.ndarray:
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        la0, la1, lo0, lo1 = self.bounds
        return (lat >= la0) & (lat <= la1) & (lon >= lo0) & (lon <= lo1)

    def sample(self, lat: Any, lon: Any) -> np.ndarray:
        """Bilinear interpolation of the height at (lat, lon) degrees (the edge samples' heights
        in the outer half cell of the footprint); NaN outside the footprint or next to a
        void."""
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


def _hgt_stem(p: Path) -> str:
    name = p.name
    for suffix in (".hgt.gz", ".hgt"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return p.stem


def _gunzip(p: Path, raw: bytes, limit: int) -> bytes:
    """Decompress a gzip file to at most ``limit`` bytes (a larger one is not an SRTM tile)."""
    d = zlib.decompressobj(wbits=31)
    try:
        out = d.decompress(raw, limit + 1)
    except zlib.error as exc:
        raise DataFileError(p, None, f"not a gzip file ({exc})") from None
    if len(out) > limit:
        raise DataFileError(p, None, "decompresses to more than an SRTM tile (3601 x 3601 int16)")
    return out


def read_hgt(path: str | Path) -> TerrainGrid:
    """Read one SRTM ``.hgt`` tile (raw big-endian int16, 1201 or 3601 square), or the same
    tile gzip-compressed (``.hgt.gz``)."""
    p = Path(path)
    m = _HGT_NAME.match(_hgt_stem(p))
    if not m:
        raise DataFileError(
            p, None, "an SRTM tile must be named like S45E168.hgt (its south-west corner)"
        )
    raw = read_input_bytes(p, DataFileError)
    if p.name.lower().endswith(".gz"):
        raw = _gunzip(p, raw, 3601 * 3601 * 2)
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
    _check_size(
        None,
        ny,
        nx,
        f"a mosaic of these tiles (spanning {la1 - la0} deg of latitude x {lo1 - lo0} deg of "
        "longitude)",
    )
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
    p = check_input_path(path, DataFileError)  # folder/device/FIFO named; an input of the run
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
            _check_size(p, int(src.height), int(src.width), "the GeoTIFF")
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
    # GDAL's geotransform is corner-based for Area and Point rasters alike (module docstring)
    lon = tr.c + tr.a * (np.arange(nx) + 0.5)
    lat = tr.f + tr.e * (np.arange(ny) + 0.5)
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
    suffixes = {".hgt" if x.name.lower().endswith(".hgt.gz") else x.suffix.lower() for x in ps}
    if suffixes <= {".hgt"}:
        return merge_hgt([read_hgt(x) for x in ps])
    if len(ps) == 1 and suffixes <= {".tif", ".tiff"}:
        return read_geotiff(ps[0])
    raise DataFileError(
        ps[0],
        None,
        "give one GeoTIFF (.tif) or one or more SRTM tiles (.hgt or .hgt.gz); other formats are "
        "not read",
    )
