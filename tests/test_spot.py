"""Release-point solver: round trips through the full simulation, HAHO reachability, CLI."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from stuntsim.jump.spot import _run, canopy_integrals, solve_release
from stuntsim.scenario import load

from conftest import EXAMPLES, assert_clean_error, run_cli


@pytest.mark.parametrize("name", ["fallout-halo.toml", "sport-13500.toml"])
def test_halo_round_trip_lands_within_10_m(name):
    plan = load(EXAMPLES / name).plan
    sol = solve_release(plan, "halo")
    assert sol.mode == "halo"
    # Issue 4: simulating again from the solved exit lands within 10 m of the target; both
    # with the HARP convention (the canopy drifting) and with the scenario's own steering.
    for steering in ("drift", plan.canopy.steering):
        out, _ = _run(plan, np.array([sol.east_m]), np.array([sol.north_m]), steering)
        assert math.hypot(*out.land_pos[0, :2]) < 10.0
    # winds depend on altitude only, so the fixed-point iteration is exact Newton: <= 3 runs
    assert sol.iterations <= 3


def test_halo_release_point_is_upwind_and_decomposes():
    plan = load(EXAMPLES / "sport-13500.toml").plan
    sol = solve_release(plan, "halo")
    # winds from 240-260 deg: the release point lies to the west-southwest of the target
    bearing = math.degrees(math.atan2(sol.east_m, sol.north_m)) % 360
    assert 200 < bearing < 300
    # the classic K A V freefall drift for a belly jumper is within 30 % of the integrated one
    # (K = 3 m/(kft kt), the military rule of thumb, encodes a belly fall rate of ~176 ft/s)
    assert sol.classic["freefall_drift_m"] == pytest.approx(sol.freefall_drift_m, rel=0.3)
    assert sol.forward_throw_m > 0.0


def test_calm_air_release_point_is_behind_the_target_by_the_throw():
    # No wind: the release point sits up-track of the target by the forward throw alone.
    plan = load(EXAMPLES / "sport-13500.toml").plan
    calm = replace(plan, air=replace(plan.air, wind=type(plan.air.wind).calm()))
    sol = solve_release(calm, "halo")
    hd = plan.aircraft_heading
    along = sol.east_m * math.sin(hd) + sol.north_m * math.cos(hd)
    assert along == pytest.approx(-sol.forward_throw_m, abs=1.0)
    assert sol.freefall_drift_m < 1.0 and sol.canopy_drift_m < 1.0


def test_haho_reachable_disc():
    plan = load(EXAMPLES / "haho.toml").plan
    sol = solve_release(plan, "auto")
    assert sol.mode == "haho"
    h = sol.haho
    # glide range R = (u0/w0) * height: both speeds scale with 1/sqrt(rho) (closed form)
    z_open = h["opening_altitude_m"]
    assert h["reachable_radius_m"] == pytest.approx(11 / 5 * (z_open - plan.site.elevation))
    # the chosen exit (the disc's centre) lands on the target with target steering
    assert sol.verified_miss_m < 10.0
    centre = np.array([sol.east_m, sol.north_m])
    r = h["reachable_radius_m"]
    # the drift-corrected pursuit reaches the target from anywhere inside the disc (here 0.5
    # and 0.95 R in two directions) and not from outside it (1.1 R)
    for frac, reach, ang in ((0.5, True, 0.0), (0.95, True, 2.0), (1.1, False, 0.0)):
        x = centre + frac * r * np.array([math.sin(ang), math.cos(ang)])
        out, _ = _run(plan, x[:1], x[1:], "target")
        miss = math.hypot(*out.land_pos[0, :2])
        assert (miss < 10.0) is reach, (frac, miss)


def test_canopy_drift_quadrature_matches_the_kernel():
    # The HAHO disc uses a quadrature in altitude; the kernel integrates in time. Holding a
    # heading of zero airspeed (u0 = 0) the canopy drifts with the wind: both must agree.
    plan = load(EXAMPLES / "haho.toml").plan
    still = replace(plan, canopy=replace(plan.canopy, forward_speed=0.0))
    out, _ = _run(still, np.zeros(1), np.zeros(1), "heading")
    de, dn, t = canopy_integrals(still, float(out.open_pos[0, 2]))
    drift = out.land_pos[0, :2] - out.open_pos[0, :2]
    # 4001-point trapezoid on a smooth integrand vs RK4: 1 m over ~14 km
    assert drift[0] == pytest.approx(de, abs=1.0)
    assert drift[1] == pytest.approx(dn, abs=1.0)
    assert out.land_t[0] - out.open_t[0] == pytest.approx(t, abs=0.5)


def test_stick_spread_matches_ground_speed():
    plan = load(EXAMPLES / "sport-13500.toml").plan
    sol = solve_release(plan, "halo", jumpers=5, separation=2.0)
    assert len(sol.jumpers) == 5
    # the trajectory is a rigid translation of the exit, so the landings spread exactly as the
    # exits do: 4 gaps of 2 s at the aircraft's ground speed
    exits = np.array([[j["exit_east_m"], j["exit_north_m"]] for j in sol.jumpers])
    assert sol.spread_m == pytest.approx(np.hypot(*(exits[-1] - exits[0])), rel=1e-3)
    assert min(j["miss_distance_m"] for j in sol.jumpers) < 10.0


def test_spot_cli_json_and_summary():
    res = run_cli("spot", EXAMPLES / "fallout-halo.toml", "--json", "-n", "2")
    assert res.returncode == 0, res.stderr
    rp = res.json()["release_point"]
    for key in (
        "east_m",
        "north_m",
        "lat",
        "lon",
        "heading_deg",
        "forward_throw_m",
        "freefall_drift_m",
        "canopy_drift_m",
    ):
        assert key in rp
    assert len(rp["jumpers"]) == 2
    res = run_cli("spot", EXAMPLES / "sport-13500.toml")
    assert res.returncode == 0
    assert "K·A·V" in res.stdout and "cross-check" in res.stdout


def test_run_uses_the_solved_release_point():
    # the sport example has [spot] solve = true
    d = run_cli("run", EXAMPLES / "sport-13500.toml", "--json").json()
    assert d["release_point"]["east_m"] == pytest.approx(d["exit"]["east_m"])
    assert d["landing"]["miss_distance_m"] < 10.0


def test_spot_rejects_other_kinds(tmp_path):
    res = run_cli("spot", EXAMPLES / "sport-13500.toml", "--mode", "sideways")
    assert_clean_error(res, "--mode")
