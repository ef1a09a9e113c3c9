"""Driver timeline, stairs geometry and drivetrain elements against hand-worked values."""

from __future__ import annotations

import numpy as np
import pytest

from stuntsim.car.driver import DriverBatch, Keyframe, Timeline, parse_trigger
from stuntsim.car.drivetrain import RPM, Clutch, LimitedSlipDiff, friction_brake
from stuntsim.car.stairs import Stairs
from stuntsim.car.vehicle import BMW_E28_M5
from stuntsim.units import HP

d = np.radians

# --- driver -----------------------------------------------------------------------------------


def test_keyframes_linear_between_held_after_gear_stepped():
    keys = (
        Keyframe(0.0, (("steer", 0.0), ("gear", 2.0))),
        Keyframe(1.0, (("steer", d(20.0)), ("throttle", 0.5))),
        Keyframe(2.0, (("steer", d(-10.0)), ("gear", 1.0))),
    )
    drv = DriverBatch(Timeline(keys, (), 2), None, 1)
    v = drv.timed(np.array([0.0, 0.5, 1.0, 1.5, 1.99, 2.0, 5.0]))[0]
    assert np.degrees(v[:, 0]) == pytest.approx([0, 10, 20, 5, -9.7, -10, -10], abs=1e-9)
    # throttle keyed only at 1 s: ramps from its default 0 at t = 0, then held
    assert v[:, 2] == pytest.approx([0, 0.25, 0.5, 0.5, 0.5, 0.5, 0.5])
    assert v[:, 5].tolist() == [2, 2, 2, 2, 2, 1, 1]  # a step, not a ramp


def test_trigger_fires_on_state_and_ramps_from_the_current_value():
    keys = (
        Keyframe(0.0, (("steer", d(30.0)),)),
        Keyframe(0.0, (("clutch", 1.0),), group=1),
        Keyframe(0.2, (("steer", 0.0), ("gear", 1.0)), group=1),
    )
    trig = parse_trigger("abs_yaw >= 170 deg and wheels_off >= 4")
    drv = DriverBatch(Timeline(keys, (trig,), -1), None, 2)
    yaw = np.radians([175.0, -175.0])
    # plan 0: yawed past 170 deg but on the ground -> nothing; plan 1: both hold -> fires
    drv.update_triggers(
        1.0, {"abs_yaw": np.abs(yaw), "wheels_off": np.array([0.0, 4.0])}, drv.values(1.0)
    )
    assert drv.fired[:, 1].tolist() == [False, True]
    v = drv.values(1.1)
    assert np.degrees(v[0, 0]) == pytest.approx(30.0)  # untouched
    assert np.degrees(v[1, 0]) == pytest.approx(15.0)  # halfway from 30 deg to 0 in 0.2 s
    assert v[1, 4] == 1.0 and v[0, 4] == 0.0  # clutch down at once on plan 1 only
    assert v[1, 5] == -1 and drv.values(1.2)[1, 5] == 1  # gear changes at its key


@pytest.mark.parametrize(
    "text",
    ["yaw 170 deg", "speed >= 3 m", "pitch >= 3 deg", "yaw >= 170 m/s", "yaw >= 170 deg and"],
)
def test_bad_trigger_text_is_a_value_error(text):
    with pytest.raises(ValueError):
        parse_trigger(text)


# --- stairs ------------------------------------------------------------------------------------


def test_stairs_profile_and_envelope():
    s = Stairs(
        platform_length=10.0, riser=0.16, tread=0.32, steps=5, width=4.0, flights=2, landing=2.0
    )
    # the raw profile: platform, then a riser every tread, a landing after 5 risers
    assert s.height(0.0, 9.99) == 0.0
    assert s.height(0.0, 10.01) == pytest.approx(-0.16)
    assert s.height(0.0, 10.0 + 4 * 0.32 + 0.1) == pytest.approx(-0.80)  # first landing
    assert s.drop == pytest.approx(1.6)
    assert s.bottom_north == pytest.approx(10.0 + 4 * 0.32 + 2.0 + 4 * 0.32)
    # centred on a tread, a small wheel (R = 0.1 < half a tread) rests on the tread ...
    h, k = s.envelope(0.0, 10.0 + 0.32 + 0.16, 0.1)
    assert h == pytest.approx(-0.32) and k == 0.0
    # ... a car wheel (R = 0.3) rests on the nosing 0.16 m behind, higher than the tread
    R = 0.3
    h, k = s.envelope(0.0, 10.0 + 0.32 + 0.16, R)
    assert h == pytest.approx(-0.16 + np.sqrt(R * R - 0.16**2) - R)
    # 0.1 m past the platform edge the wheel still rides on the nosing: circle of radius R
    e = 0.1
    h, k = s.envelope(0.0, 10.0 + e, R)
    assert h == pytest.approx(np.sqrt(R * R - e * e) - R)
    assert k == pytest.approx(-e / np.sqrt(R * R - e * e))
    # until the arc meets the tread below at sqrt(R^2 - (R - r)^2) beyond the nosing
    e_land = np.sqrt(R * R - (R - 0.16) ** 2)
    h, _ = s.envelope(0.0, 10.0 + e_land + 0.005, R)
    assert h == pytest.approx(-0.16, abs=1e-12)
    # walls only alongside the flights
    assert s.wall_clearance(1.5, 11.0) == pytest.approx(0.5)
    assert s.wall_clearance(-2.5, 11.0) == pytest.approx(-0.5)
    assert np.isinf(s.wall_clearance(5.0, 5.0))


# --- drivetrain ---------------------------------------------------------------------------------


def test_engine_preset_matches_the_published_output():
    eng = BMW_E28_M5.engine
    # BMW data, M88/3 (Euro M5): about 340 N m at 4500 rpm and 286 PS (210.4 kW) at 6500 rpm
    assert eng.full_throttle(4500 * RPM) == pytest.approx(340.0)
    ps = 735.49875  # W per metric horsepower
    assert eng.full_throttle(6500 * RPM) * 6500 * RPM == pytest.approx(286 * ps, rel=0.01)
    assert eng.peak_power == pytest.approx(286 * ps, rel=0.01)
    assert HP < ps * 1.02  # (sanity of the unit: 1 hp = 745.7 W)


def test_clutch_slips_at_capacity_and_locks_below_it():
    c = Clutch(capacity=480.0)
    t, k = c.torque(np.array([100.0, -100.0, 0.0]), np.array([0.0, 0.0, 0.0]))
    assert t[:2] == pytest.approx([480.0, -480.0])  # slipping: the capacity, against the slip
    assert t[2] == 0.0 and k[2] > 100.0  # at zero slip it stiffly resists any slip (locked)
    t, _ = c.torque(np.array([100.0]), np.array([1.0]))
    assert t[0] == 0.0  # pedal down: nothing transmitted


def test_limited_slip_locking_value():
    lsd = LimitedSlipDiff(locking=0.25, preload=0.0)
    t_in = 2000.0
    f, _ = lsd.friction(np.array([50.0]), np.array([20.0]), np.array([t_in]))
    left, right = 0.5 * t_in - f[0], 0.5 * t_in + f[0]
    # locking value S = (T_slow - T_fast) / T_in for a clutch-pack LSD that is slipping
    assert (right - left) / t_in == pytest.approx(0.25, rel=1e-6)


def test_brake_locks_a_wheel_below_capacity():
    t, _ = friction_brake(np.array([30.0, 0.2, 0.0]), np.array(1000.0))
    assert t[0] == pytest.approx(1000.0)  # sliding: full capacity
    assert 0.0 < t[1] < 1000.0 and t[2] == 0.0  # near zero speed it holds the wheel
