"""Camera-rig loads (dynamic pressure, 14 CFR 27.303 ultimate factor) and terrain clearance."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from stuntsim.heli.rig import Rig, dynamic_pressure, rig_loads
from stuntsim.heli.terrain import FlatTerrain, corridor_offsets, lowest_point, terrain_under
from stuntsim.scenario import load
from stuntsim.units import FT, KT

G = 9.80665


def test_dynamic_pressure_hand_calculation():
    # q = 1/2 rho V^2 at 80 kt, sea level: V = 80 x 1852/3600 = 41.1556 m/s,
    # q = 0.6125 x 1693.78 = 1037.44 Pa (hand calculation, 6 significant figures).
    assert float(dynamic_pressure(1.225, 80 * KT)) == pytest.approx(1037.44, rel=1e-5)


def test_rig_load_combines_air_and_inertial_loads():
    # Straight and level at 80 kt, sea level, no gust, rig outside the disc: the mount carries
    # the drag q Cd A (horizontal) and the weight m g (vertical), at right angles.
    rig = Rig("nose", 40.0, 0.3, 0.8, 3000.0, position=(6.0, 0.0, 1.0))
    v = 80 * KT
    n = 5
    v_air = np.tile([0.0, v, 0.0], (n, 1))
    f = np.tile([0.0, 0.0, G], (n, 1))
    normal = np.tile([0.0, 0.0, 1.0], (n, 1))
    r = rig_loads(rig, np.full(n, 1.225), v_air, f, normal, np.full(n, 2.0), np.zeros(n), 0.0, 5.3)
    drag = 1037.44 * 0.8 * 0.3  # 248.99 N by hand
    assert r.air_load == pytest.approx(drag, rel=1e-5)
    assert r.inertial_load == pytest.approx(40.0 * G, rel=1e-12)
    assert r.limit_load == pytest.approx(math.hypot(drag, 40.0 * G), rel=1e-5)
    # 14 CFR 27.303: ultimate = 1.5 x limit; margin of safety = rated / limit - 1
    assert r.ultimate_load == pytest.approx(1.5 * r.limit_load, rel=1e-12)
    assert r.margin == pytest.approx(3000.0 / r.limit_load - 1.0, rel=1e-12)
    assert not r.in_downwash
    # a gust can only add load
    g = rig_loads(
        rig, np.full(n, 1.225), v_air, f, normal, np.full(n, 2.0), np.full(n, 0.5), 9.144, 5.3
    )
    assert g.limit_load > r.limit_load


def test_rig_under_the_disc_sees_the_downwash():
    # In hover the only relative wind under the disc is the wake, 2 v_i down (momentum theory):
    # q = 1/2 rho (2 v_i)^2 on top of the weight, both downward.
    rig = Rig("side", 50.0, 0.5, 1.0, 2500.0, position=(0.5, 1.4, 1.5))
    n = 3
    r = rig_loads(
        rig,
        np.full(n, 1.225),
        np.zeros((n, 3)),
        np.tile([0.0, 0.0, G], (n, 1)),
        np.tile([0.0, 0.0, 1.0], (n, 1)),
        np.full(n, 10.0),
        np.zeros(n),
        0.0,
        5.3,
    )
    q = 0.5 * 1.225 * 20.0**2
    assert r.in_downwash
    assert r.limit_load == pytest.approx(q * 0.5 + 50.0 * G, rel=1e-12)


def test_corridor_and_lowest_point():
    off = corridor_offsets(20.0)
    assert off.shape == (25, 2)
    np.testing.assert_allclose(np.hypot(off[9:, 0], off[9:, 1]), 20.0)
    # skids 3 m below the hub; in a 60 deg bank the low tip is R sin 60 = 4.63 m below it
    low = lowest_point(np.array([100.0, 100.0]), np.radians([0.0, 60.0]), 5.345, 3.0)
    np.testing.assert_allclose(low, [97.0, 100.0 - 5.345 * math.sin(math.radians(60))])
    flat = FlatTerrain(250.0)
    np.testing.assert_allclose(terrain_under(flat, np.zeros(3), np.zeros(3), 15.0), 250.0)


def test_clearance_over_flat_ground_in_a_banked_turn(tmp_path: Path):
    # Level 45 deg turn at 1,000 ft over ground at 500 ft: the low rotor tip is
    # R sin 45 = 3.78 m below the hub (more than the 3 m skids), so the clearance is
    # 500 ft - 3.78 m everywhere in the turn. (No fuselage drag, which would tilt the disc
    # forward a little more.)
    from stuntsim.heli.simulate import simulate

    p = tmp_path / "t.toml"
    p.write_text(
        """
kind = "heli"
[site]
elevation = "500 ft"
[aircraft]
flat_plate_area = "0 m^2"
[start]
altitude = "1000 ft"
[[segments]]
kind = "turn"
airspeed = "60 kt"
bank = "45 deg"
direction = "right"
turns = 0.5
[terrain]
kind = "flat"
"""
    )
    res = simulate(load(p).plan)
    expected = 500 * FT - 5.345 * math.sin(math.radians(45))
    assert res.min_terrain_clearance == pytest.approx(expected, rel=1e-9)
    c = next(c for c in res.checks if c.id == "terrain_clearance")
    assert c.ok and c.limit == pytest.approx(100 * FT)
