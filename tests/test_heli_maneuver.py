"""Flight path: coordinated-turn formulas, the spiral's equivalent inputs, wind drift and the
waypoint chase."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from stuntsim.heli import maneuver as mv
from stuntsim.heli.aircraft import G0
from stuntsim.scenario import load
from stuntsim.units import FT, KT
from stuntsim.world.wind import WindProfile

HEADER = """
kind = "heli"
[site]
lat = -44.9
lon = 168.1
elevation = "0 m"
[start]
altitude = "3000 ft"
heading = "{heading}"
[terrain]
kind = "flat"
"""


def _run(tmp_path: Path, body: str, heading: str = "000 deg"):
    from stuntsim.heli.simulate import simulate

    p = tmp_path / "s.toml"
    p.write_text(HEADER.format(heading=heading) + body)
    return simulate(load(p).plan)


def test_coordinated_turn_formulas():
    # Reference §6: 45 deg bank at 60 kt gives R ~ 97 m; n = 1/cos(bank).
    v, bank = 60 * KT, math.radians(45)
    assert float(mv.turn_radius(v, bank)) == pytest.approx(97.0, abs=0.5)
    assert float(mv.turn_load_factor(bank)) == pytest.approx(math.sqrt(2), rel=1e-12)
    assert float(mv.turn_rate(v, bank)) == pytest.approx(v / float(mv.turn_radius(v, bank)))
    assert float(mv.bank_for_radius(v, mv.turn_radius(v, bank))) == pytest.approx(bank)
    # hand value: V^2 / g = 30.8667^2 / 9.80665 = 97.154 m
    assert float(mv.turn_radius(v, bank)) == pytest.approx(30.8667**2 / 9.80665, rel=1e-5)


TURN = """
[[segments]]
kind = "turn"
airspeed = "60 kt"
bank = "45 deg"
direction = "{direction}"
turns = 1.0
"""


@pytest.mark.parametrize("direction", ["left", "right"])
def test_a_flown_level_turn_is_the_textbook_circle(tmp_path, direction):
    res = _run(tmp_path, TURN.format(direction=direction))
    s = res.samples
    r = (60 * KT) ** 2 / (G0 * math.tan(math.radians(45)))
    e, n = s["east_m"], s["north_m"]
    # centre: on the side of the turn, one radius abeam of the start (heading north)
    ce = r if direction == "right" else -r
    dist = np.hypot(e - ce, n)
    np.testing.assert_allclose(dist, r, rtol=1e-9)
    np.testing.assert_allclose(s["load_factor"], 1 / math.cos(math.radians(45)), rtol=1e-9)
    np.testing.assert_allclose(np.abs(np.degrees(s["bank_rad"])), 45.0, rtol=1e-9)
    sign = 1 if direction == "right" else -1
    assert np.all(np.sign(s["bank_rad"]) == sign)
    # one turn takes 2 pi R / V
    assert s["t_s"][-1] == pytest.approx(2 * math.pi * r / (60 * KT), rel=1e-9)
    assert res.segments[0].radius_m == pytest.approx(r, rel=1e-9)


def test_turn_in_wind_drifts_by_wind_times_time(tmp_path):
    # Flown in the air mass, a full turn closes in the air: over the ground it ends displaced by
    # the wind times the turn's duration (uniform wind from 270 at 20 kt -> 10.29 m/s east).
    body = TURN.format(direction="left") + (
        '[[winds]]\naltitude = "0 m"\nfrom = "270 deg"\nspeed = "20 kt"\n'
    )
    res = _run(tmp_path, body)
    s = res.samples
    dur = s["t_s"][-1]
    assert s["east_m"][-1] == pytest.approx(20 * KT * dur, rel=1e-9)
    assert s["north_m"][-1] == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize(
    "amount",
    [
        'turns = 1.0\naltitude_loss = "500 ft"',
        'turns = 1.0\ndescent_rate = "1517.05 ft/min"',
        'heading_change = "360 deg"\naltitude_loss = "500 ft"',
        'duration = "19.776 s"\naltitude_loss = "500 ft"',
    ],
)
def test_spiral_equivalent_inputs(tmp_path, amount):
    # The spiral: 60 kt, 45 deg bank, one turn losing 500 ft. One turn lasts
    # 2 pi V / (g tan 45) = 19.776 s, so the descent rate is 152.4 m / 19.776 s = 7.706 m/s
    # = 1,517 ft/min: any of these equivalent sets gives the same spiral (to the rounding of
    # the inputs, 1e-4).
    body = f"""
[[segments]]
kind = "spiral"
airspeed = "60 kt"
bank = "45 deg"
direction = "left"
{amount}
"""
    res = _run(tmp_path, body)
    sg = res.segments[0]
    assert sg.descent_rate_m_s == pytest.approx(500 * FT / 19.776, rel=1e-4)
    assert res.samples["altitude_m"][-1] == pytest.approx(2500 * FT, rel=1e-4)
    assert sg.radius_m == pytest.approx(97.154, rel=1e-4)


def test_to_heading_turns_the_short_or_long_way_as_told(tmp_path):
    body = """
[[segments]]
kind = "turn"
airspeed = "60 kt"
bank = "30 deg"
direction = "right"
to_heading = "180 deg"
"""
    res = _run(tmp_path, body, heading="090 deg")
    hd = np.degrees(res.samples["heading_rad"][-1]) % 360
    assert hd == pytest.approx(180.0, abs=1e-6)
    omega = G0 * math.tan(math.radians(30)) / (60 * KT)
    assert res.samples["t_s"][-1] == pytest.approx(math.radians(90) / omega, rel=1e-9)
    left = _run(tmp_path, body.replace("right", "left"), heading="090 deg")
    assert left.samples["t_s"][-1] == pytest.approx(math.radians(270) / omega, rel=1e-9)


def test_waypoint_chase_holds_its_track_in_a_crosswind():
    # Over the ground the chase flies the straight legs exactly, crabbing into a crosswind:
    # ground speed along a northbound track with a 10 m/s wind from the west at 40 m/s
    # airspeed is sqrt(40^2 - 10^2) = 38.73 m/s.
    wind = WindProfile.from_direction_speed([0.0], [math.radians(270)], [10.0])
    seg = mv.WaypointSegment(40.0, math.radians(30), np.array([[0.0, 2000.0, 500.0]]))
    p = mv.fly([seg], (0.0, 0.0, 500.0), 0.0, wind, dt=0.25)
    np.testing.assert_allclose(p.pos[:, 0], 0.0, atol=1e-9)
    np.testing.assert_allclose(np.hypot(p.v_ground[:, 0], p.v_ground[:, 1]), math.sqrt(1500))
    np.testing.assert_allclose(np.hypot(p.v_air[:, 0], p.v_air[:, 1]), 40.0, rtol=1e-12)
    assert p.t[-1] == pytest.approx(2000 / math.sqrt(1500), rel=1e-9)


def test_waypoint_corners_are_arcs_at_the_design_bank():
    # Calm air, a 90 deg corner: the fly-by arc has R = V^2 / (g tan bank), and the specific
    # force on it gives that bank; the chase passes within R (sqrt 2 - 1) of the corner point.
    calm = WindProfile.calm()
    v, bank = 40.0, math.radians(30)
    pts = np.array([[0.0, 1000.0, 300.0], [1000.0, 1000.0, 300.0]])
    p = mv.fly([mv.WaypointSegment(v, bank, pts)], (0.0, 0.0, 300.0), 0.0, calm, dt=0.1)
    r = v * v / (G0 * math.tan(bank))
    assert p.radii[0] == pytest.approx(r, rel=1e-12)
    lateral = np.hypot(p.accel[:, 0], p.accel[:, 1])
    assert lateral.max() == pytest.approx(v * v / r, rel=1e-9)
    miss = np.min(np.hypot(p.pos[:, 0] - 0.0, p.pos[:, 1] - 1000.0))
    assert miss == pytest.approx(r * (math.sqrt(2) - 1), rel=1e-3)
    np.testing.assert_allclose(p.pos[-1], [1000.0, 1000.0, 300.0], atol=1e-6)


def test_waypoints_too_close_for_the_turn_are_refused():
    calm = WindProfile.calm()
    pts = np.array([[0.0, 100.0, 300.0], [100.0, 100.0, 300.0], [100.0, 0.0, 300.0]])
    with pytest.raises(mv.PathError, match="corner"):
        mv.fly([mv.WaypointSegment(60.0, math.radians(20), pts)], (0, 0, 300.0), 0.0, calm)
