"""KML and GPX export (`run --kml/--gpx`), read back with parsers: gpxpy for GPX, the standard
library's XML parser for KML. Positions are checked against pymap3d's ENU -> geodetic
conversion of the simulated trajectory, done here independently of the exporter."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import gpxpy
import numpy as np
import pymap3d
import pytest

from conftest import EXAMPLES, assert_clean_error, run_cli

KML_NS = {"k": "http://www.opengis.net/kml/2.2"}


def _trajectory(name: str):
    from stuntsim.scenario import load

    loaded = load(EXAMPLES / f"{name}.toml")
    res = loaded.kind.simulate(loaded.plan)
    return loaded.plan, loaded.kind.presenter.trajectory(res)


@pytest.fixture(scope="module")
def halo_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("geo")
    kml, gpx = d / "halo.kml", d / "halo.gpx"
    res = run_cli("run", EXAMPLES / "fallout-halo.toml", "--kml", kml, "--gpx", gpx)
    assert res.returncode == 0, res.stderr
    return kml, gpx


def test_gpx_track_is_the_trajectory(halo_files):
    _, gpx_path = halo_files
    gpx = gpxpy.parse(gpx_path.read_text())
    plan, tr = _trajectory("fallout-halo")
    site = plan.site
    pts = gpx.tracks[0].segments[0].points
    assert len(pts) == len(tr["t_s"])  # every sample (well under the 5000-point cap)
    lat, lon, _ = pymap3d.enu2geodetic(
        tr["east_m"],
        tr["north_m"],
        tr["altitude_m"] - site.elevation,
        site.lat,
        site.lon,
        site.elevation,
    )
    got = np.array([[p.latitude, p.longitude, p.elevation] for p in pts])
    # 1e-6 deg is 11 cm of latitude; the file keeps 7 decimals (1 cm)
    assert np.allclose(got[:, 0], lat, atol=1e-6)
    assert np.allclose(got[:, 1], lon, atol=1e-6)
    assert np.allclose(got[:, 2], tr["altitude_m"], atol=0.01)  # metres MSL
    names = {w.name for w in gpx.waypoints}
    assert {"target", "exit", "landing", "canopy open"} <= names
    target = next(w for w in gpx.waypoints if w.name == "target")
    assert target.latitude == pytest.approx(site.lat, abs=1e-7)
    assert target.longitude == pytest.approx(site.lon, abs=1e-7)
    assert target.elevation == pytest.approx(site.elevation, abs=0.1)
    # the exit is 7 620 m MSL (25 000 ft), the first track point
    exit_ = next(w for w in gpx.waypoints if w.name == "exit")
    assert exit_.elevation == pytest.approx(7620.0, abs=0.1)
    assert exit_.latitude == pytest.approx(pts[0].latitude, abs=1e-7)


def test_kml_has_an_absolute_track_and_placemarks(halo_files):
    kml_path, _ = halo_files
    root = ET.parse(kml_path).getroot()
    lines = root.findall(".//k:LineString", KML_NS)
    assert len(lines) == 1
    assert lines[0].find("k:altitudeMode", KML_NS).text == "absolute"
    coords = [c.split(",") for c in lines[0].find("k:coordinates", KML_NS).text.split()]
    plan, tr = _trajectory("fallout-halo")
    assert len(coords) == len(tr["t_s"])
    lon, lat, alt = (float(x) for x in coords[-1])  # KML order: lon, lat, alt
    elat, elon, _ = pymap3d.enu2geodetic(
        tr["east_m"][-1],
        tr["north_m"][-1],
        tr["altitude_m"][-1] - plan.site.elevation,
        plan.site.lat,
        plan.site.lon,
        plan.site.elevation,
    )
    assert (lat, lon) == pytest.approx((float(elat), float(elon)), abs=1e-6)
    assert alt == pytest.approx(float(tr["altitude_m"][-1]), abs=0.01)
    names = [p.find("k:name", KML_NS).text for p in root.findall(".//k:Placemark", KML_NS)]
    assert "landing" in names and "exit" in names


def test_car_has_no_position_to_export(tmp_path):
    out = tmp_path / "car.kml"
    res = run_cli("run", EXAMPLES / "fallout-stairs.toml", "--kml", out)
    assert_clean_error(res, "--kml", "no geographic position")
    assert not out.exists()  # nothing half-written


def test_wrong_suffix_is_refused(tmp_path):
    res = run_cli("run", EXAMPLES / "fallout-halo.toml", "--gpx", tmp_path / "track.kml")
    assert_clean_error(res, "--gpx", ".gpx")


def test_heli_track_exports(tmp_path):
    gpx_path = tmp_path / "heli.gpx"
    res = run_cli("run", EXAMPLES / "fallout-heli-spiral.toml", "--gpx", gpx_path)
    assert res.returncode == 0, res.stderr
    gpx = gpxpy.parse(gpx_path.read_text())
    _, tr = _trajectory("fallout-heli-spiral")
    pts = gpx.tracks[0].segments[0].points
    assert len(pts) == len(tr["t_s"])
    # the heli presenter's own lat/lon is computed on the ENU plane (up = 0); ours at the
    # aircraft's height: they agree to well within a metre (1e-5 deg ~ 1.1 m)
    assert np.allclose([p.latitude for p in pts], tr["lat_deg"], atol=1e-5)
    assert np.allclose([p.elevation for p in pts], tr["altitude_m"], atol=0.01)
