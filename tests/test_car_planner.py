"""Shift window, planned shift, airborne phases and clutch engagement on hand-made histories,
and the search grid on a small batch."""

from __future__ import annotations

import numpy as np
import pytest

from stuntsim.car.optimise import Param, bands, evaluation_from_checks, optimise
from stuntsim.car.planner import (
    airborne_phases,
    clutch_engagements,
    last_degrees_interval,
    planned_shift,
    shift_window,
)
from stuntsim.checks import CheckBatch

T = np.arange(0.0, 4.0, 0.01)


def _yaw_profile():
    # rotation at 120 deg/s from 0.5 s; from 1.9 s at 20 deg/s (the last part), stops at 180
    yaw = np.zeros_like(T)
    for i, t in enumerate(T):
        if t < 0.5:
            a = 0.0
        elif t < 1.9:
            a = 120.0 * (t - 0.5)  # 168 deg at 1.9 s
        else:
            a = min(180.0, 168.0 + 20.0 * (t - 1.9))  # 170 at 2.0 s, 180 at 2.5 s
        yaw[i] = -np.radians(a)  # clockwise, as in the example
    return yaw


def test_last_ten_degrees_and_window():
    yaw = _yaw_profile()
    turn = -np.pi
    a, b = last_degrees_interval(T, yaw, turn)
    assert a == pytest.approx(2.0, abs=0.011) and b == pytest.approx(2.5, abs=0.011)
    fz = np.ones((len(T), 4))
    fz[(T >= 2.1) & (T < 2.7)] = 0.0  # airborne 2.1-2.7 s
    phases = airborne_phases(T, fz)
    assert phases == [pytest.approx((2.1, 2.7), abs=0.011)]
    sw = shift_window(T, yaw, turn, phases, 0.3, (2.15, 2.45))
    # window = airborne (2.1-2.7) within the last 10 deg (2.0-2.5) -> 2.1-2.5: 0.4 s >= 0.3 s
    assert sw.start_s == pytest.approx(2.1, abs=0.011)
    assert sw.end_s == pytest.approx(2.5, abs=0.011)
    assert sw.feasible and sw.planned_inside
    assert not shift_window(T, yaw, turn, phases, 0.5, None).feasible  # too short for 0.5 s
    # no airborne phase in the last 10 deg -> no window
    fz2 = np.ones((len(T), 4))
    fz2[(T >= 3.0) & (T < 3.5)] = 0.0
    sw = shift_window(T, yaw, turn, airborne_phases(T, fz2), 0.3, None)
    assert sw.start_s is None and not sw.feasible


def test_short_hops_are_not_airborne_phases():
    fz = np.ones((len(T), 4))
    fz[100:102] = 0.0  # 20 ms: a wheel skipping a nosing
    fz[200:250] = 0.0
    fz[250] = 1.0  # a 10 ms touch inside a flight is merged
    fz[251:300] = 0.0
    assert airborne_phases(T, fz) == [pytest.approx((2.0, 3.0), abs=1e-9)]


def test_planned_shift_counts_from_the_lever_when_the_clutch_was_held():
    inp = np.zeros((len(T), 6))
    inp[:, 5] = -1  # reverse
    inp[(T >= 0.6), 4] = 1.0  # clutch down from 0.6 s (held through the turn)
    inp[(T >= 2.2), 5] = 0  # neutral
    inp[(T >= 2.5), 5] = 1  # first
    inp[(T >= 3.0), 4] = 0.0
    assert planned_shift(T, inp) == pytest.approx((2.2, 2.5), abs=1e-9)
    inp[:, 4] = 0.0
    inp[(T >= 2.0) & (T < 3.0), 4] = 1.0  # clutch pressed 0.2 s before the lever moves
    assert planned_shift(T, inp) == pytest.approx((2.0, 2.5), abs=1e-9)


def test_clutch_engagement_mismatch_and_torque_spike():
    n = len(T)
    rpm = 2.0 * np.pi / 60.0
    x = np.zeros((n, 25))
    x[:, 24] = 1000 * rpm  # engine at 1000 rpm
    x[:, 22:24] = 20.0  # rear wheels at 20 rad/s
    ratio = np.full(n, 13.0)
    inp = np.zeros((n, 6))
    inp[:, 5] = 1
    inp[T < 2.0, 4] = 1.0  # clutch up at 2.0 s
    inp[(T >= 2.0) & (T < 2.2), 4] = np.linspace(1.0, 0.0, 20)
    torque = np.where(T >= 2.01, -480.0, 0.0)
    slip = x[:, 24] - ratio * 20.0
    kappa = np.zeros((n, 4))
    kappa[(T > 2.0) & (T < 2.3), 2:] = -0.4
    fz = np.full((n, 4), 3500.0)
    (ev,) = clutch_engagements(T, x, inp, torque, slip, ratio, kappa, fz, 3500.0)
    assert ev.t_s == pytest.approx(2.01, abs=0.011)
    assert ev.gearbox_rpm == pytest.approx(13 * 20 / rpm)  # 2483 rpm
    assert ev.mismatch_rpm == pytest.approx(1000 - 13 * 20 / rpm)
    assert ev.peak_clutch_torque_nm == 480.0
    assert ev.peak_axle_torque_nm == pytest.approx(480.0 * 13.0)
    assert ev.peak_rear_slip == pytest.approx(0.4)


# --- the optimiser on a problem with a known answer (same code path as the car) --------------


def _synthetic_checks(X: np.ndarray, jitter: np.ndarray) -> list[CheckBatch]:
    """Two fail checks and a caution on P candidates x S samples (sample s shifts x0 by
    jitter[s], as a timing jitter would). Margins: A = 1 - ((x0 + j - 0.3) / 0.5)^2,
    B = 0.96 - ((x1 + 0.2) / 0.4)^2; the caution would pull x1 to 0.9 if it counted."""
    S = len(jitter)
    x0 = (X[:, 0:1] + jitter[None, :]).ravel()
    x1 = np.repeat(X[:, 1], S)
    a = 1.0 - ((x0 - 0.3) / 0.5) ** 2
    b = 0.96 - ((x1 + 0.2) / 0.4) ** 2
    c = 1.0 - ((x1 - 0.9) / 0.1) ** 2

    def batch(name, m, severity):
        return CheckBatch(
            name, m >= 0, m, m, np.zeros_like(m), "", "synthetic", severity, lambda i: ("", None)
        )

    return [batch("a", a, "fail"), batch("b", b, "fail"), batch("c", c, "caution")]


def test_optimiser_finds_the_known_max_min_and_the_bands():
    jitter = np.array([0.0, -0.1, 0.1])
    params = [Param("x0", -1.0, 1.0, start=-0.9), Param("x1", -1.0, 1.0, start=0.8)]

    def evaluate(X):
        return evaluation_from_checks(_synthetic_checks(X, jitter), X.shape[0], len(jitter))

    opt = optimise(evaluate, params, popsize=10, maxiter=40, seed=3)
    # max over x of min(A over the jitter, B): A's worst case is symmetric about x0 = 0.3, so
    # A's best is 1 - (0.1/0.5)^2 = 0.96 at x0 = 0.3 and B's best is 0.96 at x1 = -0.2: the only
    # maximiser is x = (0.3, -0.2), J = 0.96
    assert opt.x[0] == pytest.approx(0.3, abs=0.02)
    assert opt.x[1] == pytest.approx(-0.2, abs=0.05)
    assert opt.objective == pytest.approx(0.96, abs=0.005)
    assert opt.objective <= 0.96 + 1e-12  # never above the true maximum
    assert opt.evaluation.feasible.all()

    # bands of the nominal plan (sample 0) from the optimum: A >= 0 for |x0 - 0.3| <= 0.5, so
    # x0 in [-0.2, 0.8]; B >= 0 for |x1 + 0.2| <= 0.4 sqrt(0.96) = 0.392, x1 in [-0.592, 0.192]
    # (bisection to 1/2^8 = 0.004 of the half-range; tolerance 0.02)
    def feasible(X):
        return evaluate(X).feasible[:, 0]

    b0, b1 = bands(feasible, params, opt.x, steps=8)
    assert b0.lo_ok == pytest.approx(-0.2, abs=0.02) and b0.hi_ok == pytest.approx(0.8, abs=0.02)
    assert b1.lo_ok == pytest.approx(-0.592, abs=0.02) and b1.hi_ok == pytest.approx(
        0.192, abs=0.02
    )
    assert b0.lo_fail < b0.lo_ok and b0.hi_fail > b0.hi_ok
    # the binding check is named
    ev = evaluate(np.array([[0.3, 0.19]]))
    assert ev.check_ids[int(ev.binding[0, 0])] == "b"


def test_a_band_that_reaches_the_bound_is_reported_as_such():
    params = [Param("x0", 0.0, 0.6), Param("x1", -0.3, -0.1)]
    jitter = np.array([0.0])

    def feasible(X):
        return evaluation_from_checks(_synthetic_checks(X, jitter), X.shape[0], 1).feasible[:, 0]

    b0, b1 = bands(feasible, params, np.array([0.3, -0.2]))
    assert (b0.lo_ok, b0.hi_ok, b0.lo_fail, b0.hi_fail) == (0.0, 0.6, None, None)
    assert b1.lo_fail is None and b1.hi_fail is None
