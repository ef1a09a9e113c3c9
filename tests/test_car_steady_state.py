"""Steady cornering against closed forms: the linear single-track model and the friction limit.

References:
- Yaw-rate gain and understeer gradient of the linear single-track ("bicycle") model,
  T. D. Gillespie, *Fundamentals of Vehicle Dynamics* (SAE 1992), eqs. 6-15 and 6-17:
      delta = L / R + K a_y,   K = W_f / C_f - W_r / C_r  (rad per g),
      r / delta = V / (L + K V^2 / g)
- Low-speed (kinematic) turning: the rear axle follows a circle of radius L / tan(delta).
- Friction limit: the lateral force of the car cannot exceed mu sum(F_z) = mu m g.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from stuntsim.car.driver import Keyframe, Timeline
from stuntsim.car.drivetrain import LimitedSlipDiff
from stuntsim.car.dynamics import CarModel, simulate
from stuntsim.car.stairs import FlatGround
from stuntsim.car.vehicle import BMW_E28_M5, BMW_320i_E21, G


def _coast(veh, speeds, steer_keys, duration, dt=2e-3, record_every=5):
    """Free-rolling car (clutch down, neutral) on flat ground; steer keys [(t, rad)]."""
    model = CarModel(veh, FlatGround(), aero=False)
    speeds = np.asarray(speeds, dtype=float)
    B = len(speeds)
    x0 = model.initial_state(np.zeros(B), np.zeros(B), np.zeros(B), speeds, np.zeros(B), np.ones(B))
    keys = [Keyframe(0.0, (("clutch", 1.0), ("gear", 0.0), ("steer", 0.0)))]
    keys += [Keyframe(t, (("steer", d),)) for t, d in steer_keys]
    return model, simulate(model, Timeline(tuple(keys), (), 0), x0, duration, dt, record_every)


def _axle_stiffness(veh):
    """Axle cornering stiffnesses from Pacejka 2012 eq. 4.E25, coded here independently."""

    def ky(p, fz):
        return p.p_ky1 * p.fz0 * np.sin(2.0 * np.arctan(fz / (p.p_ky2 * p.fz0))) * p.cornering_scale

    wf = veh.mass * G * veh.cg_to_rear / veh.wheelbase  # front axle weight, N
    wr = veh.mass * G * veh.cg_to_front / veh.wheelbase
    return wf, wr, 2.0 * ky(veh.tyre, wf / 2.0), 2.0 * ky(veh.tyre_rear, wr / 2.0)


# The single-track model has no differential: a preloaded limited-slip differential adds a
# yaw moment in a turn (the classic LSD understeer), so these cars get an open one.
OPEN_DIFF = LimitedSlipDiff(locking=0.0, preload=0.0)
# an understeering car: the E28 with 40 % stiffer rear tyres, no rolling resistance
UNDERSTEER = replace(
    BMW_E28_M5,
    tyre_rear=BMW_E28_M5.tyre_rear.scaled(cornering_scale=1.4),
    rolling_resistance=0.0,
    diff=OPEN_DIFF,
)


def test_yaw_rate_gain_and_understeer_gradient():
    veh = UNDERSTEER
    wf, wr, cf, cr = _axle_stiffness(veh)
    k_ref = wf / cf - wr / cr  # rad per g (Gillespie 6-15)
    assert k_ref > 0.01  # clearly understeering, so the test can tell K from zero
    delta = np.radians(0.5)
    speeds = [10.0, 15.0, 20.0, 25.0]
    _, out = _coast(veh, speeds, [(0.1, 0.0), (0.3, delta)], 4.0)
    L = veh.wheelbase
    for b in range(len(speeds)):
        x = out.x[b, -1]
        v = np.hypot(x[3], x[4])  # speed at the end (it drops by ~0.1 % while coasting)
        r = x[5]
        gain_ref = v / (L + k_ref * v * v / G)  # Gillespie 6-17
        # Tolerance 1 %: the two-track model differs from the linear single-track one by
        # second-order terms only at a_y < 1.5 m/s^2: Magic Formula curvature at alpha < 0.01 rad
        # (< 0.3 %), lateral load transfer on the concave K_y(F_z) (< 0.3 %), parallel steer.
        assert r / delta == pytest.approx(gain_ref, rel=0.01), (speeds[b], r / delta, gain_ref)
    # understeer gradient from the two highest speeds: K = (delta - L r / V) / (V r / g)
    ks = []
    for b in (2, 3):
        x = out.x[b, -1]
        v = np.hypot(x[3], x[4])
        ks.append((delta - L * x[5] / v) / (v * x[5] / G))
    # 5 %: K is a small difference (delta - L/R is about 30 % of delta), so the 1 % error on
    # the gain becomes about 3-4 % on K
    assert np.mean(ks) == pytest.approx(k_ref, rel=0.05)


def test_kinematic_turning_radius():
    veh = replace(BMW_E28_M5, rolling_resistance=0.0, diff=OPEN_DIFF)
    delta = np.radians(10.0)
    _, out = _coast(veh, [2.0], [(0.1, 0.0), (1.0, delta)], 6.0)
    x = out.x[0, -1]
    b = veh.cg_to_rear
    v_rear = np.hypot(x[3], x[4] - x[5] * b)  # speed of the rear-axle midpoint
    radius = v_rear / x[5]
    ref = veh.wheelbase / np.tan(delta)
    # 1 %: at 2 m/s the slip angles are ~1e-3 rad against delta = 0.17 rad (the front wheels
    # follow Ackermann geometry, so the two-track car has the single-track kinematics)
    assert radius == pytest.approx(ref, rel=0.01)


def test_lateral_acceleration_saturates_at_mu_g():
    # The CommonRoad tyre: mu = p_dy1 = 1.0489 at every load. Longer suspension travel than
    # the preset's estimate keeps the quasi-steady roll off the bump stops.
    veh = replace(BMW_320i_E21, rolling_resistance=0.0, bump_travel=0.15, rebound_travel=0.15)
    mu = veh.tyre.p_dy1
    # slow steering sweep at 20 m/s: quasi-steady cornering up to and past the limit
    _, out = _coast(veh, [20.0], [(0.2, 0.0), (6.2, np.radians(8.0))], 6.2)
    fy = veh.mass * np.abs(out.ay[0])
    fz = out.fz[0].sum(axis=1)
    # friction bound at every instant: |sum F_y| <= mu sum F_z (free-rolling wheels: F_x ~ 0;
    # 0.2 % for the small longitudinal components turned sideways by the steer angle)
    assert np.all(fy <= mu * fz * 1.002)
    # quasi-steady lateral acceleration (0.5 s mean): reaches mu g within 5 % and never
    # exceeds it by more than 1 % (the residual heave of the body changes sum F_z by < 1 %)
    n = round(0.5 / (out.t[1] - out.t[0]))
    ay = np.convolve(np.abs(out.ay[0]) / G, np.ones(n) / n, mode="valid")
    assert 0.95 * mu <= np.max(ay) <= 1.01 * mu
    # saturation: the last second of the sweep (steer up by a further 1.3 deg) adds < 2 %
    late = ay[-n:]
    before = ay[-3 * n : -2 * n]
    assert np.max(late) - np.max(before) < 0.02 * mu
