"""Vortex ring state: Johnson's boundary (NASA/TP-2005-213477) and the path check."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from stuntsim.heli.vrs import CRITERIA, FAARuleOfThumb, JohnsonBoundary, OperatingPoints
from stuntsim.scenario import load

HEADER = """
kind = "heli"
[site]
lat = -44.9
lon = 168.1
elevation = "0 m"
[start]
altitude = "3000 ft"
heading = "090 deg"
[terrain]
kind = "flat"
"""


def _run(tmp_path: Path, segments: str, extra: str = ""):
    from stuntsim.heli.simulate import simulate

    p = tmp_path / "s.toml"
    p.write_text(HEADER + extra + segments)
    return simulate(load(p).plan)


def _op(x, z):
    x = np.atleast_1d(np.asarray(x, dtype=float))
    z = np.atleast_1d(np.asarray(z, dtype=float))
    one = np.ones_like(x)
    return OperatingPoints(x, z, 10 * one, 10 * x, 10 * z, 0.5 * one)


def test_points_on_johnsons_boundary():
    # Reference §6 / Johnson (2005): at zero speed the region spans 0.45 to 1.5 v_h of descent,
    # and it closes at about 0.95 v_h of forward speed. Those three points lie on our boundary
    # (margin 0 to round-off).
    j = JohnsonBoundary()
    m = j.margin(_op([0.0, 0.0, 0.95], [0.45, 1.5, 0.975]))
    np.testing.assert_allclose(m, 0.0, atol=1e-12)
    # just inside and outside each of them
    inside = j.margin(_op([0.0, 0.0, 0.94], [0.46, 1.49, 0.975]))
    outside = j.margin(_op([0.0, 0.0, 0.96], [0.44, 1.51, 0.975]))
    assert np.all(inside < 0) and np.all(outside > 0)
    # hover, fast descent (windmill brake) and fast forward flight are all outside
    assert np.all(j.margin(_op([0.0, 0.0, 2.0], [0.0, 2.2, 1.0])) > 0)


def test_boundary_curve_is_the_region_edge():
    j = JohnsonBoundary()
    bx, bz = j.boundary()
    np.testing.assert_allclose(j.margin(_op(bx, bz)), 0.0, atol=1e-12)
    assert bx.max() == pytest.approx(0.95)
    assert bz.min() == pytest.approx(0.45) and bz.max() == pytest.approx(1.5)


def test_faa_rule_of_thumb():
    # FAA-H-8083-21B ch. 11: >= 300 ft/min down, below ETL, 20-100 % power.
    f = FAARuleOfThumb()
    op = OperatingPoints(
        np.zeros(3),
        np.zeros(3),
        np.full(3, 10.0),
        airspeed=np.array([2.0, 2.0, 15.0]),  # m/s; 15 m/s = 29 kt is above ETL
        descent_rate=np.array([3.0, 1.0, 3.0]),  # 3 m/s = 590 ft/min; 1 m/s = 197 ft/min
        power_fraction=np.array([0.5, 0.5, 0.5]),
    )
    assert list(f.margin(op) <= 0) == [True, False, False]
    assert set(CRITERIA) == {"johnson", "faa", "conservative"}


SLOW = """
[[segments]]
kind = "straight"
airspeed = "{speed}"
descent_rate = "1500 ft/min"
duration = "10 s"
"""


def test_hover_like_descent_is_flagged_and_fast_descent_is_not(tmp_path):
    # The test: 1,500 ft/min at 5 kt is in VRS, the same descent at 80 kt is not.
    # At 3,000 ft, 2,250 kg: v_h ~ 10.5 m/s, so 1,500 ft/min = 7.6 m/s ~ 0.73 v_h: inside the
    # 0.45-1.5 v_h band at low speed; at 80 kt, x ~ 4 v_h: far outside.
    slow = _run(tmp_path, SLOW.format(speed="5 kt"))
    fast = _run(tmp_path, SLOW.format(speed="80 kt"))
    c_slow = next(c for c in slow.checks if c.id == "vrs")
    c_fast = next(c for c in fast.checks if c.id == "vrs")
    assert not c_slow.ok and c_slow.severity == "fail"
    assert c_fast.ok
    assert slow.segments[0].in_vrs is True
    assert fast.segments[0].in_vrs is False
    assert "Johnson" in c_slow.source and "213477" in c_slow.source
    assert c_slow.at is not None and set(c_slow.at) == {"t_s", "east_m", "north_m", "altitude_m"}


def test_the_criterion_is_pluggable(tmp_path):
    # The FAA criterion flags the same hover-like descent; a 200 ft/min descent is below its
    # 300 ft/min threshold and passes, while Johnson's band (0.45 v_h ~ 930 ft/min) also passes.
    seg = SLOW.format(speed="5 kt")
    res = _run(tmp_path, seg, extra='[limits]\nvrs_criterion = "faa"\n')
    c = next(c for c in res.checks if c.id == "vrs")
    assert not c.ok and "FAA" in c.source
    gentle = seg.replace("1500 ft/min", "200 ft/min")
    assert next(c for c in _run(tmp_path, gentle).checks if c.id == "vrs").ok


def test_vrs_scales_v_h_with_load_factor(tmp_path):
    # In a turn the rotor carries n W and v_h grows with sqrt(n) (Johnson 2005): the
    # normalised descent z of the same descent rate falls by 1/sqrt(n) (n = 1/cos 60 = 2),
    # give or take the disc tilt and wind-free drag terms (2 %).
    straight = _run(tmp_path, SLOW.format(speed="20 kt"))
    turn = _run(
        tmp_path,
        """
[[segments]]
kind = "turn"
airspeed = "20 kt"
bank = "60 deg"
direction = "right"
descent_rate = "1500 ft/min"
duration = "10 s"
""",
    )
    vh_s = float(np.mean(straight.samples["v_h_m_s"]))
    vh_t = float(np.mean(turn.samples["v_h_m_s"]))
    assert vh_t / vh_s == pytest.approx(math.sqrt(2.0), rel=0.02)
