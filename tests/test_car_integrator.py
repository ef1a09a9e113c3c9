"""The fixed-step integrator against scipy.integrate.solve_ivp at tight tolerance.

Both integrate the same right-hand side (CarModel.derivative) through a short manoeuvre on flat
ground: throttle in second gear, a steering step, a steer reversal with braking. Our scheme
(symplectic Euler for the body, linearly implicit Euler for wheel and engine speeds) is first
order, so its error must shrink in proportion to the step.
"""

from __future__ import annotations

import numpy as np

from stuntsim.car.driver import DriverBatch, Keyframe, Timeline
from stuntsim.car.dynamics import CarModel, simulate
from stuntsim.car.stairs import FlatGround
from stuntsim.car.vehicle import BMW_E28_M5


def _manoeuvre():
    d = np.radians
    keys = (
        Keyframe(0.0, (("steer", 0.0), ("throttle", 0.5))),
        Keyframe(0.2, (("steer", d(5.0)),)),
        Keyframe(0.6, (("steer", d(-3.0)), ("throttle", 0.0), ("brake", 0.4))),
        Keyframe(0.9, (("steer", 0.0), ("brake", 0.0))),
    )
    return Timeline(keys, (), 2)


def test_matches_solve_ivp_and_converges_at_first_order():
    from scipy.integrate import solve_ivp

    model = CarModel(BMW_E28_M5, FlatGround())
    x0 = model.initial_state(*(np.array([v]) for v in (0.0, 0.0, 0.0, 15.0, 2.0, 0.0)))
    tl = _manoeuvre()
    T = 1.0
    drv = DriverBatch(tl, None, 1)

    def rhs(t, y):
        return model.derivative(y[None], drv.values(t))[0]

    ref = solve_ivp(rhs, (0.0, T), x0[0], method="LSODA", rtol=1e-10, atol=1e-10, max_step=0.01)
    assert ref.success
    yref = ref.y[:, -1]

    def err(dt):
        y = simulate(model, tl, x0, T, dt, 1).x[0, -1]
        e = y - yref
        return np.array(
            [
                np.hypot(e[0], e[1]),  # position, m
                abs(e[2]),  # yaw, rad
                np.hypot(e[3], e[4]),  # velocity, m/s
                abs(e[5]),  # yaw rate, rad/s
                np.max(np.abs(e[20:24])) * BMW_E28_M5.wheel_radius,  # wheel speed x R, m/s
            ]
        )

    e1 = err(1e-3)
    e2 = err(2e-3)
    # At the default step (1 ms) after 1 s: position within 3 cm, yaw within 0.01 deg, speed
    # within 0.05 m/s, wheel speeds within 0.2 m/s (the first-order error of the throttle and
    # brake transients; far below what matters for planning a stunt, e.g. a 0.5 m wall margin).
    assert e1[0] < 0.03
    assert e1[1] < np.radians(0.01)
    assert e1[2] < 0.05
    assert e1[4] < 0.2
    # first-order convergence: doubling the step doubles the error (1.6-2.4 allows for the
    # second-order remainder), which shows the difference is discretisation, not a different
    # right-hand side
    ratio = e2[[0, 2, 4]] / e1[[0, 2, 4]]
    assert np.all((ratio > 1.6) & (ratio < 2.4)), ratio


def test_freefall_is_exactly_the_symplectic_euler_parabola():
    """An airborne car: the centre of mass of body + wheels follows the discrete free fall
    z_n = z_0 + v_0 t_n - g t_n^2 / 2 - g dt t_n / 2 (symplectic Euler), to rounding."""
    from stuntsim.car.vehicle import G

    model = CarModel(BMW_E28_M5, FlatGround(), aero=False)
    x0 = model.initial_state(*(np.array([v]) for v in (0.0, 0.0, 0.0, 10.0, 0.0, 1.0)))
    x0[:, 6] += 5.0  # lift the whole car 5 m
    x0[:, 12:16] += 5.0
    x0[:, 9] = 1.5  # and throw it up at 1.5 m/s
    x0[:, 16:20] = 1.5
    dt = 1e-3
    out = simulate(model, Timeline((), (), 0), x0, 0.8, dt, 1)
    ms, mu = model.ms, model.mu
    zc = (ms * out.x[0, :, 6] + out.x[0, :, 12:16] @ mu) / (ms + mu.sum())
    t = out.t
    expect = zc[0] + 1.5 * t - 0.5 * G * t * t - 0.5 * G * dt * t
    assert np.max(np.abs(zc - expect)) < 1e-9
    assert np.all(out.fz == 0.0)
