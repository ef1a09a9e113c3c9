"""Body-ground contact against the statics of a car resting on a step edge.

The car's front wheels hang over the first step (a 1 m drop) while its rear wheels stand on the
platform: it tips nose down until a skid pad under the front of the body rests on the platform
just before the edge. At rest the pad is a spring of stiffness k compressed by d, and the sprung
body is in equilibrium under the suspension forces F_s,i (at x_i - x_s, foreshortened by cos
theta) and the pad force F_n at its horizontal distance X from the sprung CG::

    sum F_s,i + F_n = m_s g,      sum (x_i - x_s) cos(theta) F_s,i + X F_n = 0

(the hanging front wheels pull with F_s = -m_u g). These two equations give F_n and the rear
suspension forces in closed form; the simulated rest state must meet them, with F_n = k d.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from stuntsim.car.driver import Keyframe, Timeline
from stuntsim.car.dynamics import CarModel, simulate
from stuntsim.car.stairs import FlatGround, Stairs
from stuntsim.car.vehicle import BMW_E28_M5, BodyPoint, G

K_BODY = 2.0e6


def test_car_resting_on_a_step_edge_matches_the_statics():
    pad = BodyPoint("front skid pad", 0.9, 0.0, 0.15)
    veh = replace(BMW_E28_M5, body_points=(pad,), body_stiffness=K_BODY)
    # the first step edge 0.95 m ahead of the CG: front wheels (1.29 m) over a 1 m drop
    stairs = Stairs(platform_length=0.95, riser=1.0, tread=2.0, steps=2, width=10.0)
    model = CarModel(veh, stairs, engine_running=False, aero=False)
    # released from its rest state on level ground: the front wheels then find no ground
    flat = CarModel(veh, FlatGround(), engine_running=False, aero=False)
    x0 = flat.initial_state(*(np.array([v]) for v in (0.0, 0.0, 0.0, 0.0, 0.0, 1.0)))
    tl = Timeline((Keyframe(0.0, (("clutch", 1.0), ("gear", 0.0), ("brake", 1.0))),), (), 0)
    out = simulate(model, tl, x0, 6.0, 1e-3, 100)
    x = out.x[0, -1]
    inp = out.inputs[0, -1]
    f = model.forces(x[None], inp[None])
    bc = model.body_contact(x[None])
    fn = float(bc["fn"][0, 0])
    # at rest: every velocity below 1e-5 (m/s, rad/s), front tyres off the ground
    assert np.abs(x[[3, 4, 5, 9, 10, 11, 16, 17, 18, 19]]).max() < 1e-5
    assert f.fz[0, 0] == 0.0 and f.fz[0, 1] == 0.0
    assert fn > 1000.0
    # closed form: two equations, unknowns F_n and the rear suspension force (both rears
    # alike by symmetry); the front suspension forces are the hanging wheels' weight
    th = float(x[7])
    X = float(bc["X"][0, 0])
    xb = model.xb
    ms_g = model.ms * G
    front = -model.mu[:2] * G
    # [1, 1][F_r, F_n] = m_s g - sum front; [xb_r cos, X][F_r, F_n] = -sum xb_f cos front
    A = np.array([[1.0, 1.0], [xb[2] * np.cos(th), X]])
    rhs = np.array([ms_g - front.sum(), -np.cos(th) * (xb[:2] * front).sum()])
    f_rear, f_n = np.linalg.solve(A, rhs)
    # 1e-4: at rest to 1e-5 m/s the dampers still carry c v ~ 0.1 N of a 4 kN pad force
    assert fn == pytest.approx(f_n, rel=1e-4)
    assert f.fs[0, 2:].sum() == pytest.approx(f_rear, rel=1e-4)
    assert f.fs[0, :2] == pytest.approx(front, rel=1e-3)
    # the pad's penetration is its force over the contact stiffness
    assert float(bc["pen"][0, 0]) == pytest.approx(fn / K_BODY, rel=1e-4)
    # and the car really pitches nose down onto the pad
    assert th > np.radians(2.0)


def test_contact_energy_balance_while_scraping():
    """A body sliding on the ground: the energy rate equals minus the losses (contact damping
    and Coulomb friction), as for the rest of the model (tests/test_car_energy.py)."""
    model = CarModel(BMW_E28_M5, FlatGround(), engine_running=False, aero=False)
    x = model.initial_state(*(np.array([v]) for v in (0.0, 0.0, 0.3, 6.0, 0.0, 1.0)))
    x[0, 6] -= 0.17  # the body 17 cm lower: the sump and sills dig in
    x[0, 7] = 0.1  # nose down
    x[0, 4], x[0, 5] = 1.5, 0.4
    x[0, 9:12] = -0.5, 0.8, -0.3
    inp = np.array([[0.0, 0.0, 0.0, 0.0, 1.0, 0.0]])
    bc = model.body_contact(x)
    assert bc["fn"].sum() > 1e4  # really in contact
    dx = model.derivative(x, inp)
    eps = 1e-7
    dE = (model.energy(x + eps * dx) - model.energy(x - eps * dx))[0] / (2 * eps)
    losses = model.power_losses(x, inp)
    assert losses["body_friction"][0] > 0.0 and losses["body_damping"][0] > 0.0
    total = sum(float(v[0]) for v in losses.values())
    # central difference good to ~1e-8 of the power flowing (stiff springs; see the other test)
    assert dE == pytest.approx(-total, rel=1e-6, abs=1.0)
