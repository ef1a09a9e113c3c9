"""Ballistics off a step edge against the closed form for a point mass (projectile onto an incline):

    leaving a horizontal edge at speed v onto a slope of angle theta:
    flight time t = 2 v tan(theta) / g, impact speed normal to the slope v sin(theta)

The car is shrunk towards a point mass (10 cm wheelbase and track, 2 cm wheels, stiff and
well-damped tyres and suspension); the steps are fine (1 cm risers, 2 cm treads), so the line
through their nosings is the slope of the closed form to within a centimetre.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from stuntsim.car.driver import Keyframe, Timeline
from stuntsim.car.dynamics import CarModel, simulate
from stuntsim.car.stairs import Stairs
from stuntsim.car.vehicle import BMW_E28_M5, G


def _point_car():
    v = BMW_E28_M5
    m_u = 5.0
    k_t = 2.0e7
    return replace(
        v,
        wheelbase=0.1,
        cg_to_front=0.05,
        track_front=0.1,
        track_rear=0.1,
        cg_height=0.1,
        unsprung_front=m_u,
        unsprung_rear=m_u,
        yaw_inertia=v.mass * 0.05 * 0.05,
        pitch_inertia=20.0,
        roll_inertia=20.0,
        spring_front=2.0e6,
        spring_rear=2.0e6,
        damper_front=1.0e4,
        damper_rear=1.0e4,
        anti_roll_front=0.0,
        anti_roll_rear=0.0,
        rebound_travel=1e-4,
        bump_stop_rate=2.0e7,
        tyre_stiffness=k_t,
        tyre_damping=2.0 * np.sqrt(k_t * m_u),  # critically damped: no bounce at take-off
        wheel_radius=0.02,
        wheel_inertia=1e-3,
        length=0.3,
        front_overhang=0.1,
        drag_area=0.0,
        rolling_resistance=0.0,
        body_points=(),  # a point mass has no body outline to strike the steps
    )


@pytest.mark.parametrize("speed", [6.0, 10.0])
def test_flight_time_and_impact_off_a_step_edge(speed):
    veh = _point_car()
    riser, tread = 0.01, 0.02
    stairs = Stairs(platform_length=2.0, riser=riser, tread=tread, steps=1000, width=10.0)
    model = CarModel(veh, stairs, aero=False)
    x0 = model.initial_state(*(np.array([v]) for v in (0.0, 1.0, 0.0, speed, 0.0, 1.0)))
    tl = Timeline((Keyframe(0.0, (("clutch", 1.0), ("gear", 0.0))),), (), 0)
    dt = 2e-4
    out = simulate(model, tl, x0, 1.0 / speed + 1.3 * speed / G, dt, 1)
    t, x = out.t, out.x[0]
    t_edge = np.interp(stairs.edge_north, x[:, 1], t)  # CG over the edge (north increases)
    loaded = np.any(out.fz[0] > 0.0, axis=1)
    off = np.nonzero(~loaded & (t > t_edge))[0]
    assert len(off)
    touch = np.nonzero(loaded[off[0] :])[0]
    assert len(touch)
    t_land = t[off[0] + touch[0]]  # first wheel contact after leaving the edge
    theta = np.arctan2(riser, tread)
    t_ref = 2.0 * speed * np.tan(theta) / G
    # 1.5 %: the remaining size of the "point" (10 cm wheelbase: the rear wheel leaves the
    # edge 0.05 / v = 8 ms after the CG passes it at 6 m/s, 1.4 % of the 0.61 s flight; the
    # front wheel has dropped meanwhile) and the 1 cm steps shift the landing by a few ms
    assert t_land - t_edge == pytest.approx(t_ref, rel=0.015)
    # impact velocity normal to the slope: v sin(theta). 3 %: v_n = |v_z| cos(theta) -
    # v sin(theta) is the difference of two terms, each about twice v_n, so the ~1 % of the
    # flight time (and of v_z = g t) becomes ~2 % here
    i = np.searchsorted(t, t_land) - 1
    vz = (model.ms * x[i, 9] + x[i, 16:20] @ model.mu) / veh.mass  # centre of mass, vertical
    vel = np.array([x[i, 3], vz])  # horizontal (heading north) and vertical speed
    normal = np.array([np.sin(theta), np.cos(theta)])  # slope normal, pointing up-slope
    assert -vel @ normal == pytest.approx(speed * np.sin(theta), rel=0.03)
    # horizontal speed is untouched in flight (no drag)
    assert x[i, 3] == pytest.approx(speed, rel=1e-3)
