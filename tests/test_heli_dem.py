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
    # the footprint: the samples lie on whole degrees, each cell reaches half a cell beyond
    h2 = 0.5 / 1200
    assert g.bounds == pytest.approx((-45.0 - h2, -44.0 + h2, 168.0 - h2, 169.0 + h2), abs=1e-12)
    assert g.lat[0] == -45.0 and g.lat[-1] == -44.0
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
    h2 = 0.5 / 1200
    assert g.bounds == pytest.approx((-45.0 - h2, -44.0 + h2, 168.0 - h2, 170.0 + h2), abs=1e-12)
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
    # pixel-is-area: the first sample sits half a pixel inside the outer edge, and the grid
    # covers the raster's whole footprint
    assert g.lat[0] == pytest.approx(-44.9495) and g.lon[-1] == pytest.approx(168.1695)
    assert g.bounds == pytest.approx((-44.95, -44.85, 168.05, 168.17))
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


# --- issue: terrain that lines up -----------------------------------------------------------------
def _write_hgt_pattern(path: Path, lat0: int, lon0: int) -> np.ndarray:
    """A 3-arc-second tile with a height field that is not a plane (a misregistration by half a
    cell shows), rows north to south, big-endian int16 (SRTM documentation)."""
    n = 1201
    lat = lat0 + np.linspace(1.0, 0.0, n)
    lon = lon0 + np.linspace(0.0, 1.0, n)
    lo, la = np.meshgrid(lon, lat)
    h = np.rint(800 + 400 * np.sin(37.0 * la) * np.cos(23.0 * lo)).astype(">i2")
    path.write_bytes(h.tobytes())
    return h


def test_an_srtm_tile_read_as_hgt_and_through_rasterio_has_the_same_heights(tmp_path):
    """One tile, read by our .hgt reader and by GDAL's SRTMHGT driver then written as GDAL
    writes a GeoTIFF (gdal_translate keeps AREA_OR_POINT=Point and the corner-based
    geotransform): same sample positions (1e-9 deg, float rounding of the transform) and the
    same heights, exactly. Before the pixel-is-point fix the GeoTIFF was read half a cell
    (1.5 arc-seconds, about 46 m north-south) off (OSGeo/gdal issue 1505)."""
    import rasterio

    hgt = tmp_path / "S45E168.hgt"
    _write_hgt_pattern(hgt, -45, 168)
    tif = tmp_path / "S45E168.tif"
    with rasterio.open(hgt) as src:  # GDAL's SRTMHGT driver
        assert src.tags().get("AREA_OR_POINT") == "Point"
        # GDAL's geotransform is corner-based: half a cell west/north of the first sample
        assert src.transform.c == pytest.approx(168.0 - 0.5 / 1200, abs=1e-12)
        assert src.transform.f == pytest.approx(-44.0 + 0.5 / 1200, abs=1e-12)
        profile = src.profile
        data = src.read(1)
        tags = src.tags()
    profile.update(driver="GTiff")
    with rasterio.open(tif, "w", **profile) as dst:
        dst.write(data, 1)
        dst.update_tags(**tags)
    a, b = read_hgt(hgt), read_geotiff(tif)
    np.testing.assert_allclose(b.lat, a.lat, atol=1e-9)
    np.testing.assert_allclose(b.lon, a.lon, atol=1e-9)
    np.testing.assert_array_equal(b.height, a.height)
    lat = np.array([-44.7312, -44.0002, -44.99])
    lon = np.array([168.3331, 168.999, 168.0004])
    np.testing.assert_allclose(b.sample(lat, lon), a.sample(lat, lon), atol=1e-6)


def test_hgt_gz_is_read_directly(tmp_path):
    import gzip

    raw = tmp_path / "N46E007.hgt"
    h = _write_hgt_pattern(raw, 46, 7)
    gz = tmp_path / "N46E007.hgt.gz"
    gz.write_bytes(gzip.compress(raw.read_bytes()))
    g = read_dem([gz])
    assert g.source == "SRTM tile N46E007.hgt.gz"
    np.testing.assert_array_equal(g.height, h[::-1].astype(float))
    bomb = tmp_path / "N47E007.hgt.gz"
    bomb.write_bytes(gzip.compress(b"\x00" * (3601 * 3601 * 2 + 10)))
    with pytest.raises(DataFileError, match="more than an SRTM tile"):
        read_hgt(bomb)


def test_points_within_half_a_cell_of_the_edge_are_sampled(tmp_path):
    # the plane GeoTIFF: samples from 168.0505 E; its footprint starts at 168.05 E. A point
    # 0.0003 deg inside the footprint (0.0002 deg west of the first sample) gets the edge
    # sample's height (the cell it lies in); beyond the footprint it is outside.
    p = tmp_path / "plane.tif"
    _write_tif(p)
    g = read_geotiff(p)
    assert g.covers(-44.9, 168.0503)
    assert g.sample(-44.9, 168.0503) == pytest.approx(float(g.sample(-44.9, 168.0505)), abs=1e-9)
    assert not g.covers(-44.9, 168.0499)
    assert np.isnan(g.sample(-44.9, 168.0499))
    # an SRTM tile: a point 1 arc-second beyond its northern edge is in the edge cells
    hgt = tmp_path / "S45E168.hgt"
    h = _write_hgt_pattern(hgt, -45, 168)
    t = read_hgt(hgt)
    assert t.sample(-44.0 + 1 / 3600, 168.0) == float(h[0, 0])


def test_dem_size_and_tile_span_are_capped(tmp_path, monkeypatch):
    # two tiles 40 deg apart would make a 48,001 x 120,001 mosaic (46 GB): refused before
    # allocating, in one line naming the cap and how to raise it
    a, b = tmp_path / "N00E000.hgt", tmp_path / "N40E100.hgt"
    z = np.zeros((1201, 1201), dtype=">i2").tobytes()
    a.write_bytes(z)
    b.write_bytes(z)
    with pytest.raises(DataFileError, match="STUNTSIM_MAX_DEM_SAMPLES") as exc:
        read_dem([a, b])
    assert "spanning 41 deg of latitude x 101 deg of longitude" in str(exc.value)
    assert "\n" not in str(exc.value)
    p = tmp_path / "plane.tif"
    _write_tif(p)  # 100 x 120 samples
    monkeypatch.setenv("STUNTSIM_MAX_DEM_SAMPLES", "10000")
    with pytest.raises(DataFileError, match="12,000 samples, over the cap of 10,000"):
        read_geotiff(p)
    monkeypatch.setenv("STUNTSIM_MAX_DEM_SAMPLES", "12000")
    assert read_geotiff(p).height.shape == (100, 120)
