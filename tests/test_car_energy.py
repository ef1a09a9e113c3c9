"""Energy never increases with the engine off.

The model's mechanical energy (kinetic + gravity + suspension, stop, bar and tyre springs; see
CarModel.energy) can only be dissipated by tyres, dampers, stops, brakes, clutch, differential,
engine drag and air drag when the engine is off. Checked two ways: at random states
(hypothesis), the rate dE/dt = grad(E) . f(x) equals minus the sum of the element losses, each
of which is >= 0; and along an integrated run down the stairs.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from stuntsim.car.driver import Keyframe, Timeline
from stuntsim.car.dynamics import CarModel, simulate
from stuntsim.car.stairs import Stairs
from stuntsim.car.vehicle import BMW_E28_M5

STAIRS = Stairs(platform_length=10.0, riser=0.16, tread=0.32, steps=20, width=10.0)
MODEL = CarModel(BMW_E28_M5, STAIRS, engine_running=False)

f = st.floats


@settings(max_examples=150, deadline=None)
@given(
    north=f(-2.0, 20.0),
    psi=f(-np.pi, np.pi),
    u=f(-20.0, 20.0),
    v=f(-6.0, 6.0),
    r=f(-3.0, 3.0),
    dz=f(-0.15, 0.15),
    pitch=f(-0.3, 0.3),
    roll=f(-0.2, 0.2),
    rates=st.lists(f(-2.0, 2.0), min_size=3, max_size=3),
    wheel_dz=st.lists(f(-0.12, 0.12), min_size=4, max_size=4),
    wheel_rates=st.lists(f(-3.0, 3.0), min_size=4, max_size=4),
    spin=st.lists(f(-80.0, 80.0), min_size=4, max_size=4),
    engine=f(0.0, 700.0),
    steer=f(-0.5, 0.5),
    handbrake=f(0.0, 1.0),
    brake=f(0.0, 1.0),
    clutch=f(0.0, 1.0),
    gear=st.integers(-1, 5),
)
def test_energy_rate_is_never_positive(
    north,
    psi,
    u,
    v,
    r,
    dz,
    pitch,
    roll,
    rates,
    wheel_dz,
    wheel_rates,
    spin,
    engine,
    steer,
    handbrake,
    brake,
    clutch,
    gear,
):
    x = MODEL.initial_state(*(np.array([q]) for q in (0.0, north, psi, 0.0, 0.0, 1.0)))
    x[0, 3:6] = u, v, r
    x[0, 6] += dz
    x[0, 7], x[0, 8] = pitch, roll
    x[0, 9:12] = rates
    x[0, 12:16] += np.array(wheel_dz)
    x[0, 16:20] = wheel_rates
    x[0, 20:24] = spin
    x[0, 24] = engine
    inp = np.array(
        [[steer, handbrake, 1.0, brake, clutch, float(gear)]]
    )  # full throttle, engine off
    dx = MODEL.derivative(x, inp)
    eps = 1e-7  # s: central difference of E along the flow
    dE = (MODEL.energy(x + eps * dx) - MODEL.energy(x - eps * dx))[0] / (2 * eps)
    losses = {k: float(v[0]) for k, v in MODEL.power_losses(x, inp).items()}
    # W: ~ m g |v|, or the power flowing, whichever is larger (a body strike at a few m/s
    # moves megawatts through the stiff contact springs; the central difference's error
    # scales with it)
    scale = BMW_E28_M5.mass * 9.81 * (1.0 + abs(u) + abs(v) + 5.0) + abs(dE)
    # every loss is a loss (rounding allowance 1e-9 of the power scale) ...
    assert all(p >= -1e-9 * scale for p in losses.values()), losses
    # ... and they account for the whole energy rate: the equations of motion and the energy
    # function balance. The central difference is good to ~1e-16 E / eps + O(eps^2) ~ 1e-3 W,
    # so 1e-6 of the power scale (~0.1-0.5 W) is far above rounding and far below any real
    # term (a single misplaced lever arm or sign shows up as kW)
    assert abs(dE + sum(losses.values())) <= 1e-6 * scale + 1e-3, (dE, losses)


def test_energy_decreases_along_a_run_down_the_stairs():
    # coasting off the platform edge in neutral, engine off, steering wiggle, brake at the end
    d = np.radians
    keys = (
        Keyframe(0.0, (("gear", 0.0), ("clutch", 0.0), ("steer", 0.0))),
        Keyframe(1.0, (("steer", d(8.0)),)),
        Keyframe(1.6, (("steer", d(-5.0)), ("brake", 0.0))),
        Keyframe(2.5, (("steer", 0.0), ("brake", 0.6))),
    )
    x0 = MODEL.initial_state(*(np.array([q]) for q in (0.0, 2.0, 0.0, 7.0, 0.0, 0.0)))
    out = simulate(MODEL, Timeline(keys, (), 0), x0, 3.5, 1e-3, 1)
    E = MODEL.energy(out.x[0])
    assert E[-1] < E[0] - 1e4  # the car has dropped 3.2 m and braked: clearly less energy
    # The continuous model cannot gain energy; the integrator's own error (first order, at
    # most a few joules per impact here) is the only allowance: 0.05 % of E over the run.
    rise = np.max(E - np.minimum.accumulate(E))
    assert rise < 5e-4 * E[0], rise
