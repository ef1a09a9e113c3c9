"""The command line on jump scenarios, as a user runs it (a real subprocess)."""

from __future__ import annotations

import csv
import itertools
import math
from pathlib import Path

import pytest

from stuntsim import __version__

from conftest import EXAMPLES, assert_clean_error, run_cli

EVENT_KEYS = {"name", "t_s", "altitude_m", "speed_m_s", "east_m", "north_m"}
CHECK_KEYS = {"id", "ok", "value", "limit", "unit", "message", "source"}


@pytest.fixture(scope="module")
def fallout_json():
    res = run_cli("run", EXAMPLES / "fallout-halo.toml", "--json")
    assert res.returncode == 0, res.stderr
    return res.json()


def test_json_contract(fallout_json):
    d = fallout_json
    for key in (
        "kind",
        "name",
        "events",
        "max_speed_m_s",
        "max_mach",
        "freefall_time_s",
        "canopy_time_s",
        "total_time_s",
        "landing",
        "checks",
    ):
        assert key in d, key
    assert d["kind"] == "jump"
    names = [e["name"] for e in d["events"]]
    for required in ("exit", "max_speed", "deploy", "canopy_open", "landing"):
        assert required in names
    assert all(set(e) >= EVENT_KEYS for e in d["events"])
    ts = [e["t_s"] for e in d["events"]]
    assert ts == sorted(ts)
    assert set(d["landing"]) >= {"east_m", "north_m", "lat", "lon", "miss_distance_m"}
    assert math.hypot(d["landing"]["east_m"], d["landing"]["north_m"]) == pytest.approx(
        d["landing"]["miss_distance_m"]
    )
    ids = {c["id"] for c in d["checks"]}
    assert {"opening_altitude", "opening_shock"} <= ids
    assert all(set(c) >= CHECK_KEYS for c in d["checks"])
    assert all(c["source"] for c in d["checks"])
    # SI: exit at 25 000 ft is 7 620 m, whatever the display units
    exit_ev = next(e for e in d["events"] if e["name"] == "exit")
    assert exit_ev["altitude_m"] == pytest.approx(7620.0)
    # the opening lasts opening_time x v_ref / v at deployment (constant fill distance)
    assert d["total_time_s"] == pytest.approx(
        d["freefall_time_s"] + d["opening_duration_s"] + d["canopy_time_s"]
    )


def test_json_is_si_whatever_the_units(fallout_json):
    res = run_cli("run", EXAMPLES / "fallout-halo.toml", "--json", "--units", "imperial")
    assert res.returncode == 0
    assert res.json()["max_speed_m_s"] == pytest.approx(fallout_json["max_speed_m_s"])


def test_summary_in_aviation_units():
    res = run_cli("run", EXAMPLES / "fallout-halo.toml", "--units", "aviation")
    assert res.returncode == 0, res.stderr
    assert "25,000 ft" in res.stdout
    assert " kt" in res.stdout
    assert "opening_shock" in res.stdout


def test_trajectory_csv(tmp_path):
    out = tmp_path / "traj.csv"
    res = run_cli("run", EXAMPLES / "sport-13500.toml", "--trajectory", out)
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(out.open()))
    assert {"t_s", "east_m", "north_m", "altitude_m", "speed_m_s"} <= set(rows[0])
    assert float(rows[0]["altitude_m"]) == pytest.approx(13500 * 0.3048, rel=1e-5)
    assert float(rows[-1]["altitude_m"]) == pytest.approx(500 * 0.3048, abs=0.01)
    t = [float(r["t_s"]) for r in rows]
    assert all(b >= a for a, b in itertools.pairwise(t))


def test_version_and_help():
    res = run_cli("--version")
    assert res.returncode == 0 and __version__ in res.stdout
    for cmd in ([], ["run"]):
        res = run_cli(*cmd, "--help")
        assert res.returncode == 0
        assert "Usage" in res.stdout


GOOD = """kind = "jump"
[jumper]
mass = "100 kg"
position = "belly"
[jump]
exit_altitude = "13500 ft"
open_altitude = "4000 ft"
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "s.toml"
    p.write_text(text)
    return p


@pytest.mark.parametrize(
    ("old", "new", "field", "fragment"),
    [
        ('mass = "100 kg"', 'mass = "-5 kg"', "jumper.mass", "greater than or equal to 35"),
        (
            'open_altitude = "4000 ft"',
            'open_altitude = "15000 ft"',
            "jump.open_altitude",
            "not below the exit",
        ),
        ('position = "belly"', 'positon = "belly"', "jumper.positon", "unknown key"),
        ('exit_altitude = "13500 ft"', 'exit_altitude = "25000 kg"', "exit_altitude", "length"),
        ('mass = "100 kg"', "mass = 100", "jumper.mass", "no unit"),
        ('position = "belly"', 'position = "upside"', "jumper.position", "belly"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path, old, new, field, fragment):
    text = GOOD.replace(old, new)
    assert text != GOOD
    p = write(tmp_path, text)
    out = tmp_path / "never.csv"
    res = run_cli("run", p, "--trajectory", out, "--json")
    assert_clean_error(res, str(p), field, fragment)
    assert res.stdout == ""
    assert not out.exists()


def test_not_toml(tmp_path):
    p = write(tmp_path, "kind = jump\n[[[")
    res = run_cli("run", p)
    assert_clean_error(res, str(p), "not valid TOML")


def test_missing_file(tmp_path):
    res = run_cli("run", tmp_path / "nope.toml")
    assert_clean_error(res, "nope.toml", "not found")


def test_unknown_kind(tmp_path):
    p = write(tmp_path, 'kind = "rocket"\n')
    assert_clean_error(run_cli("run", p), "kind", "unknown kind")


def test_wrong_output_suffix(tmp_path):
    res = run_cli("run", EXAMPLES / "sport-13500.toml", "--trajectory", tmp_path / "t.txt")
    assert_clean_error(res, ".csv")


@pytest.mark.parametrize(
    "name", ["fallout-halo", "sport-13500", "stratos-2012", "haho", "haho-cross-country"]
)
def test_examples_run(name):
    res = run_cli("run", EXAMPLES / f"{name}.toml", "--json")
    assert res.returncode == 0, res.stderr
    d = res.json()
    assert d["landing"]["miss_distance_m"] >= 0.0
    # every example is planned to land: the ground_impact check passes
    assert {c["id"]: c["ok"] for c in d["checks"]}["ground_impact"] is True
