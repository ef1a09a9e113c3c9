"""Transitions between segments, the ground-referenced orbit in wind, Vne by pressure altitude
and OAT, both vortex-ring criteria, and the path-length cap."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from stuntsim.errors import ScenarioError
from stuntsim.heli.aircraft import H125
from stuntsim.heli.along import tip_mach_vne_tas, vne_ias
from stuntsim.scenario import load
from stuntsim.units import FT, KT

G = 9.80665
HEADER = """
kind = "heli"
[site]
lat = -44.9
lon = 168.1
elevation = "0 m"
[aircraft]
mass = "2250 kg"
[start]
altitude = "3000 ft"
heading = "000 deg"
[terrain]
kind = "flat"
"""


def _run(tmp_path: Path, body: str):
    from stuntsim.heli.simulate import simulate

    p = tmp_path / "t.toml"
    p.write_text(HEADER + body)
    return simulate(load(p).plan)


def test_a_speed_change_is_flown_at_the_acceleration_limit(tmp_path):
    # 90 kt -> 60 kt at the default 1.5 m/s^2: 30 kt = 15.433 m/s takes 10.289 s, flown before
    # the second segment (which keeps its 10 s): 10 + 10.289 + 10 = 30.289 s in all.
    body = """
[[segments]]
kind = "straight"
airspeed = "90 kt"
duration = "10 s"
[[segments]]
kind = "straight"
airspeed = "60 kt"
duration = "10 s"
"""
    res = _run(tmp_path, body)
    s = res.samples
    assert s["t_s"][-1] == pytest.approx(20.0 + 30 * KT / 1.5, rel=1e-9)
    tr = s["transition"]
    assert res.segments[1].transition_s == pytest.approx(30 * KT / 1.5, rel=1e-9)
    dv = np.diff(s["airspeed_m_s"]) / np.diff(s["t_s"])
    assert np.max(np.abs(dv)) == pytest.approx(1.5, rel=1e-6)
    # in the deceleration the rotor also pays for -m a: less power than either steady state
    p_tr = s["power_required_w"][tr]
    assert p_tr.min() < s["power_required_w"][~tr].min()
    # without transitions the change is instantaneous (the former behaviour)
    inst = _run(tmp_path, body + "[limits]\ntransitions = false\n")
    assert inst.samples["t_s"][-1] == pytest.approx(20.0) and not inst.samples["transition"].any()


def test_a_roll_in_is_flown_at_the_roll_rate_limit(tmp_path):
    # Straight 60 kt, then a level 45 deg turn: the roll-in at 15 deg/s takes 3 s; in a level
    # coordinated turn the bank read from the specific force is the bank flown, so it grows at
    # 15 deg/s and the load factor 1/cos(bank) reaches 1.414 only after the roll-in.
    body = """
[[segments]]
kind = "straight"
airspeed = "60 kt"
duration = "5 s"
[[segments]]
kind = "turn"
airspeed = "60 kt"
bank = "45 deg"
direction = "right"
turns = 0.5
"""
    res = _run(tmp_path, body)
    s = res.samples
    assert res.segments[1].transition_s == pytest.approx(3.0, rel=1e-9)
    rate = np.degrees(np.diff(s["bank_rad"]) / np.diff(s["t_s"]))
    # the trapezoidal heading integration of the 0.25 s samples: 0.1 deg/s
    assert np.max(np.abs(rate)) == pytest.approx(15.0, abs=0.1)
    tr = s["transition"]
    assert np.all(s["load_factor"][tr] <= math.sqrt(2) + 1e-9)
    assert s["load_factor"][~tr][-1] == pytest.approx(math.sqrt(2), rel=1e-6)


def test_the_descent_into_a_spiral_is_ramped(tmp_path):
    # 60 kt level -> spiral at 1,517 ft/min (7.706 m/s): the descent-rate change at the default
    # 300 ft/min per second takes 1,517.05 / 300 = 5.057 s (longer than the 3 s roll-in).
    body = """
[[segments]]
kind = "straight"
airspeed = "60 kt"
duration = "5 s"
[[segments]]
kind = "spiral"
airspeed = "60 kt"
bank = "45 deg"
direction = "left"
turns = 1.0
descent_rate = "1517.05 ft/min"
"""
    res = _run(tmp_path, body)
    assert res.segments[1].transition_s == pytest.approx(1517.05 / 300.0, rel=1e-6)
    s = res.samples
    dw = np.diff(s["descent_rate_m_s"]) / np.diff(s["t_s"])
    assert np.max(np.abs(dw)) == pytest.approx(300 * FT / 60, rel=1e-6)


def test_a_ground_referenced_orbit_in_wind_slows_downwind(tmp_path):
    # A 45 deg orbit held over the ground at 60 kt ground speed in a 20 kt wind from 270:
    # the ground circle has R = V^2 / (g tan 45) = 97.15 m; the air velocity is v_g - W, so
    # the airspeed runs from 60 - 20 = 40 kt (flying east, downwind) to 60 + 20 = 80 kt; the
    # acceleration is the centripetal V^2 / R = g, so n = sqrt(1 + 1) = 1.414 all round.
    body = """
[[winds]]
altitude = "0 m"
from = "270 deg"
speed = "20 kt"
[[segments]]
kind = "turn"
reference = "ground"
airspeed = "60 kt"
bank = "45 deg"
direction = "right"
turns = 1.0
[limits]
transitions = false
"""
    res = _run(tmp_path, body)
    s = res.samples
    r = (60 * KT) ** 2 / G
    ce, cn = r, 0.0  # start heading north, turning right: centre one radius east
    np.testing.assert_allclose(np.hypot(s["east_m"] - ce, s["north_m"] - cn), r, rtol=1e-9)
    assert np.min(s["airspeed_m_s"]) == pytest.approx(40 * KT, rel=1e-3)
    assert np.max(s["airspeed_m_s"]) == pytest.approx(80 * KT, rel=1e-3)
    np.testing.assert_allclose(s["load_factor"], math.sqrt(2), rtol=1e-9)
    k = int(np.argmin(s["airspeed_m_s"]))
    assert s["v_east_m_s"][k] == pytest.approx(60 * KT, rel=1e-3)  # downwind, flying east
    assert res.segments[0].airspeed_min_m_s == pytest.approx(40 * KT, rel=1e-3)
    # the same orbit flown in the air mass keeps 60 kt through the air
    air = _run(tmp_path, body.replace('reference = "ground"\n', ""))
    np.testing.assert_allclose(air.samples["airspeed_m_s"], 60 * KT, rtol=1e-9)


def test_vne_by_pressure_altitude_and_oat_by_hand():
    # Placard: 155 kt - 3 kt per 1,000 ft of pressure altitude: 140 kt at 5,000 ft;
    # power off 125 - 15 = 110 kt.
    hp = 5000 * FT
    assert float(vne_ias(H125, hp, False)) == pytest.approx(140 * KT, rel=1e-12)
    assert float(vne_ias(H125, hp, True)) == pytest.approx(110 * KT, rel=1e-12)
    # Advancing-tip Mach 0.90 at OAT -30 C: a = sqrt(1.4 x 287.053 x 243.15) = 312.59 m/s;
    # Omega R = 390 x 2 pi / 60 x 5.345 = 218.30 m/s; V = 0.9 x 312.59 - 218.30 = 63.03 m/s TAS;
    # at ISA sea level (288.15 K, a = 340.29) 88.0 m/s = 171 kt: not binding.
    assert float(tip_mach_vne_tas(H125, 243.15)) == pytest.approx(63.03, abs=0.02)
    assert float(tip_mach_vne_tas(H125, 288.15)) / KT == pytest.approx(171.1, abs=0.2)


def test_vne_check_on_a_cold_day_uses_the_tip_mach_limit(tmp_path):
    # ISA -45 K at 3,000 ft: OAT 9.06 - 45 = -35.9 C, a = sqrt(1.4 x 287.053 x 237.21) =
    # 308.75 m/s, V_max = 0.9 a - 218.30 = 59.58 m/s TAS, below the 120 kt TAS (61.73 m/s)
    # flown, although the placard (155 - 3 x 3.6 = 144 kt IAS at 3,555 ft pressure altitude)
    # allows it. Vne (IAS) = V_max sqrt(rho / rho0) with the cold day's density.
    body = """
[atmosphere]
temperature_offset = -45.0
[[segments]]
kind = "straight"
airspeed = "120 kt"
duration = "5 s"
"""
    res = _run(tmp_path, body)
    c = next(c for c in res.checks if c.id == "vne")
    assert not c.ok
    assert "OAT -36 °C" in c.message
    rho = float(res.samples["density_kg_m3"][0])
    assert res.samples["temperature_k"][0] == pytest.approx(237.21, abs=0.01)
    assert c.limit == pytest.approx(59.58 * math.sqrt(rho / 1.225), abs=0.02)


SLOW = """
[[segments]]
kind = "straight"
airspeed = "5 kt"
descent_rate = "600 ft/min"
duration = "10 s"
"""


def test_both_vrs_criteria_are_shown_and_the_conservative_one_decides(tmp_path):
    # 5 kt and 600 ft/min at 3,000 ft, 2,250 kg: v_h ~ 10.5 m/s, z = 3.05 / 10.5 = 0.29 v_h,
    # below Johnson's 0.45 v_h onset (outside his region); the FAA conditions (>= 300 ft/min,
    # below 16 kt, 20-100 % power) are all met (inside). The default, conservative, fails.
    res = _run(tmp_path, SLOW)
    c = next(c for c in res.checks if c.id == "vrs")
    assert not c.ok and "conservative" in c.message
    assert "Johnson margin +" in c.message and "(outside)" in c.message
    assert "FAA margin -" in c.message and "(inside)" in c.message
    assert "descend at less than 300 ft/min" in c.advice
    j = _run(tmp_path, SLOW + '[limits]\nvrs_criterion = "johnson"\n')
    assert next(c for c in j.checks if c.id == "vrs").ok


def test_the_path_length_is_capped(tmp_path, monkeypatch):
    body = """
[[segments]]
kind = "straight"
airspeed = "60 kt"
duration = "3600 s"
"""
    p = tmp_path / "long.toml"
    p.write_text(HEADER + body)
    monkeypatch.setenv("STUNTSIM_MAX_PATH_SAMPLES", "1000")
    with pytest.raises(ScenarioError, match="STUNTSIM_MAX_PATH_SAMPLES") as exc:
        load(p)
    assert "segments[0]" in str(exc.value) and "\n" not in str(exc.value)
    monkeypatch.setenv("STUNTSIM_MAX_PATH_SAMPLES", "20000")
    assert len(load(p).plan.path.t) == 14401


def test_a_far_waypoint_is_capped_before_the_path_is_built(tmp_path, monkeypatch):
    # a waypoint 400 km away at 60 kt needs 400 km / (30.87 m/s x 0.25 s) = 51,800 samples
    body = """
[[segments]]
kind = "waypoints"
airspeed = "60 kt"
bank = "30 deg"
points = [{ east = "0 m", north = "400000 m", altitude = "3000 ft" }]
"""
    p = tmp_path / "far.toml"
    p.write_text(HEADER + body)
    monkeypatch.setenv("STUNTSIM_MAX_PATH_SAMPLES", "50000")
    with pytest.raises(ScenarioError, match="more than 50,000 samples"):
        load(p)
