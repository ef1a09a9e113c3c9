"""The command line on car scenarios, as a user runs it (a real subprocess)."""

from __future__ import annotations

import csv
import math

import pytest

from car_scenarios import J_TURN_BODY
from conftest import EXAMPLES, assert_clean_error, run_cli

EXAMPLE = EXAMPLES / "fallout-stairs.toml"
JSON_KEYS = {
    "kind",
    "name",
    "verdict",
    "checks",
    "final_yaw_rad",
    "turn_time_s",
    "airborne",
    "max_vertical_g",
    "max_wheel_load_factor",
    "max_load_transfer_ratio",
    "min_wall_clearance_m",
}
CHECK_IDS = {
    "turn_complete",
    "rollover",
    "landing_load",
    "body_strike",
    "pitch",
    "shift_window",
    "clutch_mismatch",
    "wall_clearance",
}
FAIL_IDS = CHECK_IDS - {"clutch_mismatch"}


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("car")
    report, traj = out / "stairs.html", out / "stairs.csv"
    res = run_cli("run", EXAMPLE, "--json", "--report", report, "--trajectory", traj)
    assert res.returncode == 0, res.stderr
    return res.json(), report, traj


def test_example_is_the_planners_go_plan_with_a_shift_window(example_run):
    """The example's plan is car-plan's answer on the ramps a stunt team would build: every
    fail check passes, and the clutch comes up in the window with the driven wheels off."""
    d, _, _ = example_run
    assert JSON_KEYS <= set(d)
    assert d["kind"] == "car"
    assert {c["id"] for c in d["checks"]} == CHECK_IDS
    checks = {c["id"]: c for c in d["checks"]}
    failing = [c["message"] for c in d["checks"] if not c["ok"] and c["severity"] == "fail"]
    assert d["verdict"] in ("GO", "CAUTION") and not failing, failing
    sw = checks["shift_window"]
    assert sw["ok"] and sw["value"] >= sw["limit"] > 0.0
    at = sw["at"]
    # the cue comes first, the window opens after the shift time, inside the unloaded phase
    assert at["cue_s"] + at["shift_s"] <= at["clutch_up_from_s"] + 1e-9
    assert at["unloaded_from_s"] <= at["clutch_up_from_s"] <= at["clutch_up_to_s"]
    assert at["clutch_up_to_s"] == pytest.approx(at["unloaded_to_s"])
    assert abs(abs(d["final_yaw_rad"]) - math.pi) <= math.radians(10.0)


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
    assert {"east_m", "north_m", "yaw_rad", "engine_rad_s", "clutch"} <= set(rows[0])
    assert len(rows) > 100


SMALL_PLAN = (
    'kind = "car"\nname = "small J-turn"\n'
    + J_TURN_BODY
    + """[sim]
duration = "4 s"
step = "4 ms"
[planner]
jitter_samples = 0
population = 2
generations = 1
band_steps = 2
robustness_samples = 0
[planner.free]
entry_speed = ["45 km/h", "55 km/h"]
"""
)


def _plan_doc_is_consistent(d):
    """What every car-plan document must satisfy, GO or not."""
    assert d["kind"] == "car" and d["command"] == "car-plan"
    checks = {c["id"]: c for c in d["checks"]}
    failing = [c for c in d["checks"] if not c["ok"] and c["severity"] == "fail"]
    # one definition of feasible: the best plan's own fail checks
    assert d["feasible"] == (not failing)
    assert d["verdict"] == ("NO-GO" if failing else d["verdict"])
    assert set(d["binding_counts"]) <= {i for i, c in checks.items() if c["severity"] == "fail"}
    for fp in d["free"]:
        assert fp["low"] <= fp["value"] <= fp["high"]
    for b in d["bands"]:
        assert b["works_from"] <= b["value"] <= b["works_to"]
        for side, key in (("below", "fails_at_low"), ("above", "fails_at_high")):
            if b[key] is None:
                assert b[side] is None
            else:
                # just outside the band the plan fails a fail check of run
                assert any(c["severity"] == "fail" for c in b[side]["failing"]), b
                z = b[side]["zone"]
                assert z["east_min_m"] <= z["east_max_m"] and z["north_min_m"] <= z["north_max_m"]


def test_car_plan_on_a_small_j_turn_names_what_binds(tmp_path):
    path = _scenario(tmp_path, SMALL_PLAN)
    res = run_cli("car-plan", path, "--json")
    assert res.returncode == 0, res.stderr
    d = res.json()
    _plan_doc_is_consistent(d)
    assert d["search"]["candidates"] >= 5 and d["search"]["jitter_rows"] == 1
    assert d["cues"][0]["distance_m"] == pytest.approx(28.0)  # the start cone: 30 m - 2 m
    # the turn-in cone: north >= 9 m is 21 m before the 30 m nosing (one 4 ms record of travel)
    turn_in = next(c for c in d["cues"] if c.get("param") == "turn_in")
    assert turn_in["distance_m"] == pytest.approx(21.0, abs=0.1)
    report = tmp_path / "plan.html"
    text = run_cli("car-plan", path, "--report", report)
    assert text.returncode == 0, text.stderr
    assert "The plan as the driver uses it" in text.stdout
    assert "Planner: the plan as the driver uses it" in report.read_text(encoding="utf-8")
    if not d["feasible"]:
        top = max(d["binding_counts"], key=d["binding_counts"].get)
        assert "no GO plan found" in text.stdout and top in text.stdout
        bad = [c for c in d["checks"] if not c["ok"] and c["severity"] == "fail"]
        assert all(c["advice"] for c in bad)


@pytest.mark.slow
def test_car_plan_finds_the_example_go_plan():
    res = run_cli("car-plan", EXAMPLE, "--json", timeout=600)
    assert res.returncode == 0, res.stderr
    d = res.json()
    _plan_doc_is_consistent(d)
    assert d["feasible"] and d["verdict"] in ("GO", "CAUTION")
    assert d["objective_margin"] >= 0.0  # the nominal plan and its jittered copies pass
    assert {c["id"]: c for c in d["checks"]}["shift_window"]["ok"]
    assert d["bands"] and d["robustness"]["n"] == 32


def test_car_plan_refuses_the_old_search_grid(tmp_path):
    path = _scenario(tmp_path, SMALL_PLAN + '[search]\nspeed = ["40 km/h", "56 km/h"]\n')
    assert_clean_error(run_cli("car-plan", path), str(path), "search", "[planner]")


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
