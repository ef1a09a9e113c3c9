"""The command line on car scenarios, as a user runs it (a real subprocess)."""

from __future__ import annotations

import csv

import pytest

from conftest import EXAMPLES, assert_clean_error, run_cli

EXAMPLE = EXAMPLES / "fallout-stairs.toml"
JSON_KEYS = {
    "kind",
    "name",
    "final_yaw_deg",
    "turn_time_s",
    "airborne",
    "shift_window",
    "max_vertical_g",
    "max_load_transfer_ratio",
    "min_wall_clearance_m",
    "checks",
}
CHECK_IDS = {
    "turn_complete",
    "rollover",
    "landing_load",
    "shift_window",
    "clutch_mismatch",
    "wall_clearance",
}


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("car")
    report, traj = out / "stairs.html", out / "stairs.csv"
    res = run_cli("run", EXAMPLE, "--json", "--report", report, "--trajectory", traj)
    assert res.returncode == 0, res.stderr
    return res.json(), report, traj


def test_example_completes_the_turn_and_reports_the_shift_window(example_run):
    d, _, _ = example_run
    assert JSON_KEYS <= set(d)
    assert d["kind"] == "car"
    assert {c["id"] for c in d["checks"]} == CHECK_IDS
    checks = {c["id"]: c for c in d["checks"]}
    assert checks["turn_complete"]["ok"]
    assert abs(abs(d["final_yaw_deg"]) - 180.0) <= 10.0
    sw = d["shift_window"]
    assert {"start_s", "end_s", "feasible"} <= set(sw)
    assert sw["last_10deg"] is not None  # the turn reaches its last 10 deg
    for a in d["airborne"]:
        assert a["t_end_s"] > a["t_start_s"]
    assert d["max_vertical_g"] > 1.0
    assert 0.0 <= d["max_load_transfer_ratio"] <= 1.0
    assert d["min_wall_clearance_m"] is not None


def test_example_report_and_trajectory(example_run):
    _, report, traj = example_run
    html = report.read_text(encoding="utf-8")
    for title in (
        "Top-down view",
        "Yaw and yaw rate",
        "Wheel loads",
        "Wheel speeds",
        "Airborne phases",
    ):
        assert title in html
    assert html.count("<svg") >= 5
    with traj.open() as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "t_s"
    assert {"east_m", "north_m", "yaw_deg", "engine_rpm", "fz_fl_n"} <= set(rows[0])
    assert len(rows) > 100


def test_car_plan_prints_the_feasible_windows():
    res = run_cli("car-plan", EXAMPLE)
    assert res.returncode == 0, res.stderr
    assert "Feasible windows" in res.stdout
    assert "turn-in moved" in res.stdout
    assert "Most robust plan" in res.stdout


def _scenario(tmp_path, text):
    p = tmp_path / "car.toml"
    p.write_text(text, encoding="utf-8")
    return p


BASE = """
kind = "car"
[vehicle]
preset = "BMW_E28_M5"
{vehicle}
[stairs]
platform_length = "25 m"
riser = {riser}
tread = "0.32 m"
steps = 10
width = "10 m"
[start]
speed = "30 km/h"
gear = 2
[[driver]]
t = {t0}
steer = "0 deg"
[[driver]]
t = "1 s"
steer = "10 deg"
"""


@pytest.mark.parametrize(
    ("fields", "fragments"),
    [
        ({"vehicle": 'wheelbase = "0 m"'}, ("vehicle.wheelbase", "greater than 0")),
        ({"riser": '"-0.16 m"'}, ("stairs.riser", "greater than 0")),
        ({"t0": '"2 s"'}, ("driver[1].t", "out of order")),
    ],
)
def test_bad_input_is_one_clean_line(tmp_path, fields, fragments):
    values = {"vehicle": "", "riser": '"0.16 m"', "t0": '"0 s"'} | fields
    path = _scenario(tmp_path, BASE.format(**values))
    out = tmp_path / "r.html"
    res = run_cli("run", path, "--report", out)
    assert_clean_error(res, str(path), *fragments)
    assert not out.exists()
    assert_clean_error(run_cli("car-plan", path), *fragments)
