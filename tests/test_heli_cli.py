"""The heli kind through the real command line: the example, outputs, and clean errors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from conftest import EXAMPLES, assert_clean_error, run_cli

EXAMPLE = EXAMPLES / "fallout-heli-spiral.toml"
VALLEY = EXAMPLES / "data" / "valley.tif"

CHECK_IDS = {
    "load_factor",
    "vne",
    "power",
    "vrs",
    "bank",
    "descent_rate",
    "rotor_rpm",
    "terrain_clearance",
    "rig_load",
    "rig_path_load",
    "mass",
    "cg",
    "height_velocity",
}

BASE = """
kind = "heli"
name = "cli test"
[site]
lat = -44.9
lon = 168.1
elevation = "450 m"
[start]
altitude = "2500 ft"
east = "{east}"
north = "0 m"
heading = "090 deg"
[[segments]]
kind = "straight"
airspeed = "80 kt"
duration = "10 s"
[[segments]]
kind = "spiral"
airspeed = "60 kt"
bank = "{bank}"
turns = 1.0
altitude_loss = "500 ft"
direction = "left"
[[rigs]]
name = "nose"
mass = "40 kg"
frontal_area = "{area}"
drag_coefficient = 0.8
rated_limit_load = "3000 N"
[terrain]
dem = "{dem}"
"""


def _write(tmp_path: Path, **kw) -> Path:
    vals = {"east": "0 m", "bank": "45 deg", "area": "0.3 m^2", "dem": VALLEY.as_posix()}
    vals.update(kw)
    p = tmp_path / "heli.toml"
    p.write_text(BASE.format(**vals))
    return p


def test_example_runs_offline_with_json_and_report(tmp_path):
    report = tmp_path / "heli.html"
    res = run_cli("run", EXAMPLE, "--json", "--report", report)
    assert res.returncode == 0, res.stderr
    doc = res.json()
    assert doc["kind"] == "heli"
    for key in (
        "hover_induced_velocity_m_s",
        "max_load_factor",
        "min_terrain_clearance_m",
        "segments",
        "rig_loads",
        "checks",
        "events",
    ):
        assert key in doc, key
    seg_keys = {
        "kind",
        "airspeed_m_s",
        "bank_rad",
        "radius_m",
        "descent_rate_m_s",
        "load_factor",
        "power_required_w",
        "power_available_w",
        "in_vrs",
    }
    assert [s["kind"] for s in doc["segments"]] == ["straight", "waypoints", "straight", "spiral"]
    for s in doc["segments"]:
        assert seg_keys <= set(s)
    assert {r["name"] for r in doc["rig_loads"]} == {"nose mount", "side mount"}
    for r in doc["rig_loads"]:
        assert {"name", "limit_load_n", "ultimate_load_n", "rated_load_n", "margin"} <= set(r)
        assert r["ultimate_load_n"] == r["limit_load_n"] * 1.5  # 14 CFR 27.303
        cert = r["certification"]
        assert {"limit_n", "ultimate_n", "moment_n_m", "margin", "case"} <= set(cert)
        assert len(cert["limit_n"]) == len(cert["ultimate_n"]) == len(cert["moment_n_m"]) == 3
    # the example passes on the certification basis: the side mount is rated 4,000 N; its
    # governing case is +3.5 g at Vne (2,231 N inertia + 1,753 N air + the wake under the disc)
    side = next(r for r in doc["rig_loads"] if r["name"] == "side mount")["certification"]
    assert side["case"] == "manoeuvre +3.5 g at 155 kt"
    # under the disc at +3.5 g the wake is 2 v_i, v_i = n W / (2 rho A V) (Glauert's high-speed
    # limit) = 3.5 x 21,624 / (2 x 1.225 x 89.75 x 79.739) = 4.32 m/s: |u| = 80.205 m/s and
    # the aft load 1/2 rho Cd A |u| V = 1,762.9 N (2 N: the disc tilt and download neglected)
    assert side["limit_n"][0] == pytest.approx(-1762.9, abs=2.0)
    # MS = 1.5 x 4,000 / (1.5 x 1.15 x |limit|) - 1 with |limit| about 2,995 N: +0.16
    assert side["margin"] == pytest.approx(
        4000.0 / (1.15 * math.hypot(*side["limit_n"])) - 1.0, rel=1e-9
    )
    assert 0.1 < side["margin"] < 0.2
    assert doc["verdict"] == "GO"
    ids = {c["id"] for c in doc["checks"]}
    assert CHECK_IDS <= ids
    for c in doc["checks"]:
        assert c["source"], c["id"]
        if c["id"] in CHECK_IDS - {"rotor_rpm", "rig_load", "mass", "cg"}:
            assert set(c["at"]) == {"t_s", "east_m", "north_m", "altitude_m"}, c["id"]
    # the spiral: 45 deg bank, so n = 1.41 (n = 1/cos 45) near its worst point
    assert 1.40 < doc["max_load_factor"] < 1.5
    assert doc["terrain"]["source"] == "GeoTIFF valley.tif"
    html = report.read_text()
    for title in ("Path over the terrain", "3-D view", "Vortex ring state", "Camera rigs"):
        assert title in html
    assert "<svg" in html and "http://" not in html.replace("http://www.w3.org", "")


def test_summary_and_trajectory(tmp_path):
    traj = tmp_path / "heli.csv"
    res = run_cli("run", _write(tmp_path), "-u", "aviation", "--trajectory", traj)
    assert res.returncode == 0, res.stderr
    assert "heli" in res.stdout and "Checks" in res.stdout and "rig_load" in res.stdout
    head = traj.read_text().splitlines()
    cols = head[0].split(",")
    assert cols[0] == "t_s" and "clearance_m" in cols and "load_factor" in cols
    assert len(head) > 100


def test_bank_of_95_degrees_is_a_clean_error(tmp_path):
    out = tmp_path / "r.html"
    res = run_cli("run", _write(tmp_path, bank="95 deg"), "--report", out)
    assert_clean_error(res, "segments[1].bank", "95")
    assert not out.exists()


def test_rig_of_negative_area_is_a_clean_error(tmp_path):
    res = run_cli("run", _write(tmp_path, area="-0.3 m^2"))
    assert_clean_error(res, "rigs[0].frontal_area")


def test_dem_that_does_not_cover_the_path_is_a_clean_error(tmp_path):
    # the valley DEM spans about +/-4.7 km east of the site; start 20 km east of it
    out = tmp_path / "r.json"
    res = run_cli("run", _write(tmp_path, east="20000 m"), "--json")
    assert_clean_error(res, "terrain.dem", "does not cover the path")
    assert res.stdout == ""
    assert not out.exists()


def test_unknown_key_and_missing_dem_are_clean_errors(tmp_path):
    p = _write(tmp_path)
    p.write_text(p.read_text().replace('kind = "heli"', 'kind = "heli"\nrotor = 3'))
    assert_clean_error(run_cli("run", p), "rotor", "unknown key")
    q = _write(tmp_path, dem="nowhere.tif")
    assert_clean_error(run_cli("run", q), "nowhere.tif", "not found")


def test_json_is_strict(tmp_path):
    res = run_cli("run", _write(tmp_path), "--json")
    assert res.returncode == 0, res.stderr
    json.loads(res.stdout)  # no NaN or Infinity tokens
    assert "NaN" not in res.stdout and "Infinity" not in res.stdout


def test_new_keys_are_checked_with_one_line_errors(tmp_path):
    p = _write(tmp_path)
    both = p.read_text().replace(
        'rated_limit_load = "3000 N"', 'rated_limit_load = "3000 N"\nrated_ultimate_load = "4500 N"'
    )
    p.write_text(both)
    assert_clean_error(run_cli("run", p), "rigs[0]", "exactly one of rated_limit_load")
    q = _write(tmp_path)
    q.write_text(q.read_text() + '[uncertainty]\ntemperature = { sigma = "3 degC" }\n')
    assert_clean_error(run_cli("mc", q, "-n", "4"), "uncertainty", "in K")
    r = _write(tmp_path)
    r.write_text(
        r.read_text().replace('direction = "left"', 'direction = "left"\nreference = "sky"')
    )
    assert_clean_error(run_cli("run", r), "segments[1].reference")
