"""DEM readers: SRTM .hgt tiles and GeoTIFF (rasterio), and the shipped synthetic valley."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from stuntsim.errors import DataFileError
from stuntsim.io.dem import read_dem, read_geotiff, read_hgt

ROOT = Path(__file__).resolve().parents[1]


def _plane(lat, lon):
    # a plane in lat/lon: bilinear interpolation reproduces it exactly anywhere on the grid
    return 200.0 + 3000.0 * (lat + 45.0) + 1000.0 * (lon - 168.0)


def _write_hgt(path: Path, n: int, lat0: float, lon0: float) -> np.ndarray:
    # SRTM layout: rows from north to south, big-endian int16 (SRTM documentation)
    lat = lat0 + np.linspace(1.0, 0.0, n)
    lon = lon0 + np.linspace(0.0, 1.0, n)
    lo, la = np.meshgrid(lon, lat)
    h = np.rint(_plane(la, lo)).astype(">i2")
    path.write_bytes(h.tobytes())
    return h


def test_hgt_tile_orientation_and_sampling(tmp_path):
    p = tmp_path / "S45E168.hgt"
    h = _write_hgt(p, 1201, -45.0, 168.0)
    g = read_hgt(p)
    assert g.bounds == (-45.0, -44.0, 168.0, 169.0)
    assert g.vertical_error == 16.0  # SRTM specification, 90 % linear error
    # corners: the file's first row is the northern edge
    assert g.sample(-44.0, 168.0) == pytest.approx(float(h[0, 0]))
    assert g.sample(-45.0, 169.0) == pytest.approx(float(h[-1, -1]))
    # between samples: the rounded plane, within the 0.5 m rounding
    lat = np.array([-44.73, -44.5001, -44.12])
    lon = np.array([168.11, 168.55, 168.999])
    np.testing.assert_allclose(g.sample(lat, lon), _plane(lat, lon), atol=0.5)
    assert np.isnan(g.sample(-43.9, 168.5))  # outside the tile
    assert not g.covers(-45.01, 168.5)


def test_hgt_voids_and_bad_files(tmp_path):
    p = tmp_path / "N00E000.hgt"
    h = np.zeros((1201, 1201), dtype=">i2")
    h[600, 600] = -32768
    p.write_bytes(h.tobytes())
    g = read_hgt(p)
    assert np.isnan(g.height).sum() == 1
    assert np.isnan(g.sample(0.5, 0.5))  # next to the void
    assert g.sample(0.1, 0.1) == 0.0
    bad = tmp_path / "N00E001.hgt"
    bad.write_bytes(b"\x00" * 1000)
    with pytest.raises(DataFileError, match="not an SRTM tile"):
        read_hgt(bad)
    badname = tmp_path / "valley.hgt"
    badname.write_bytes(h.tobytes())
    with pytest.raises(DataFileError, match="named like"):
        read_hgt(badname)


def test_hgt_tiles_are_mosaicked(tmp_path):
    _write_hgt(tmp_path / "S45E168.hgt", 1201, -45.0, 168.0)
    _write_hgt(tmp_path / "S45E169.hgt", 1201, -45.0, 169.0)
    g = read_dem([tmp_path / "S45E168.hgt", tmp_path / "S45E169.hgt"])
    assert g.bounds == (-45.0, -44.0, 168.0, 170.0)
    lon = np.array([168.9, 169.0, 169.2, 169.95])
    lat = np.full(4, -44.4)
    np.testing.assert_allclose(g.sample(lat, lon), _plane(lat, lon), atol=0.5)


def _write_tif(path: Path, crs: str = "EPSG:4326") -> None:
    import rasterio
    from rasterio.transform import Affine

    step = 0.001
    lat = -44.95 + step / 2 + step * np.arange(100)[::-1]  # pixel centres, north first
    lon = 168.05 + step / 2 + step * np.arange(120)
    lo, la = np.meshgrid(lon, lat)
    h = _plane(la, lo).astype("float32")
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=100,
        width=120,
        count=1,
        dtype="float32",
        crs=crs,
        transform=Affine(step, 0.0, 168.05, 0.0, -step, -44.85),
    ) as dst:
        dst.write(h, 1)
        dst.update_tags(VERTICAL_ERROR_M="4")


def test_geotiff_pixel_centres_and_sampling(tmp_path):
    p = tmp_path / "plane.tif"
    _write_tif(p)
    g = read_geotiff(p)
    # pixel-is-area: the first sample sits half a pixel inside the outer edge
    assert g.bounds == pytest.approx((-44.9495, -44.8505, 168.0505, 168.1695))
    assert g.vertical_error == 4.0
    lat = np.array([-44.9, -44.8612, -44.94])
    lon = np.array([168.1, 168.0611, 168.16])
    # float32 storage of heights near 100-300 m: ~1e-5 m; 1e-3 is generous
    np.testing.assert_allclose(g.sample(lat, lon), _plane(lat, lon), atol=1e-3)


def test_geotiff_must_be_geographic(tmp_path):
    p = tmp_path / "utm.tif"
    _write_tif(p, crs="EPSG:32759")
    with pytest.raises(DataFileError, match="latitude/longitude"):
        read_geotiff(p)
    with pytest.raises(DataFileError, match="not found"):
        read_geotiff(tmp_path / "missing.tif")


def test_shipped_valley_is_small_and_made_by_its_script(tmp_path):
    shipped = ROOT / "examples" / "data" / "valley.tif"
    assert shipped.stat().st_size < 300_000
    out = tmp_path / "valley.tif"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_valley_dem.py"), str(out)],
        check=True,
        capture_output=True,
    )
    a, b = read_geotiff(shipped), read_geotiff(out)
    np.testing.assert_array_equal(a.height, b.height)
    np.testing.assert_array_equal(a.lat, b.lat)
    np.testing.assert_array_equal(a.lon, b.lon)
    # the example's site (44.9 S, 168.1 E) is on the valley floor, below the ridges
    assert a.sample(-44.9, 168.1) < 500.0
    assert np.nanmax(a.height) > 1500.0
