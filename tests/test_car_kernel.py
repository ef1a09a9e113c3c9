"""The compiled kernel (stuntsim.car.kernel) against the numpy reference (stuntsim.car.dynamics).

Both integrate the same equations with the same scheme; the reference is itself checked against
solve_ivp (test_car_integrator.py), energy conservation (test_car_energy.py), closed forms and
CommonRoad. The kernel evaluates sums in a different order, uses exact identities
(cos(atan z) = 1/sqrt(1 + z^2)) and its own 3x3 elimination, so the two differ by rounding,
~1e-15 per step, grown by the dynamics over a run (a stunt with a body strike: measured
~1e-8 m). The tolerances (1e-5 m, 1e-5 rad, 1e-4 relative on the peak loads) sit far above
that and far below any modelling difference (a missing term or a wrong sign moves the car by
centimetres within a second).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from car_reference import stairs_plan

from stuntsim.car.montecarlo import MONTECARLO
from stuntsim.car.samples import nominal
from stuntsim.car.scenario import UncertaintySection
from stuntsim.car.simulate import run_samples


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    p = stairs_plan(tmp_path_factory.mktemp("car"))
    return replace(p, duration=4.6)  # past the edge, the flights and the first body strike


def _compare(a, b):
    assert a.x.shape == b.x.shape
    x, y = a.x, b.x
    assert np.max(np.abs(x[..., :2] - y[..., :2])) < 1e-5  # position, m
    assert np.max(np.abs(x[..., 2] - y[..., 2])) < 1e-5  # yaw, rad
    assert np.max(np.abs(x[..., 6:9] - y[..., 6:9])) < 1e-5  # heave m, pitch, roll rad
    assert np.max(np.abs(x[..., 3:6] - y[..., 3:6])) < 1e-4  # velocities
    for name in ("max_fz", "max_axle", "max_vertical_g"):
        assert getattr(a, name) == pytest.approx(getattr(b, name), rel=1e-4), name
    assert a.body_peak[:, 0] == pytest.approx(b.body_peak[:, 0], rel=1e-4)
    assert np.array_equal(a.body_peak[:, 2], b.body_peak[:, 2])  # the same point strikes
    assert a.fz == pytest.approx(b.fz, rel=1e-4, abs=1.0)


def test_kernel_follows_the_reference_down_the_steps(plan):
    s = nominal(plan, 1)
    a = run_samples(plan, s, "numba")
    b = run_samples(plan, s, "numpy")
    # the run is eventful: airborne, heavy landings, a body strike
    assert np.any(np.all(b.fz[0] == 0.0, axis=1))
    assert b.body_peak[0, 0] > 1e4
    _compare(a, b)


def test_kernel_follows_the_reference_for_perturbed_cars(plan):
    """Monte Carlo samples: each its own car (grip, cornering stiffness, mass, CG height),
    its own keyframe times and entry speed."""
    unc = UncertaintySection(
        timing="0.05 s",
        trigger="0.05 s",
        speed="1 m/s",
        surface_friction=0.1,
        cornering_stiffness=0.1,
        mass="50 kg",
        cg_height="0.03 m",
    )
    s = MONTECARLO.sample(plan, unc, np.random.default_rng(7), 2)
    assert len(np.unique(s.mass_kg)) == 2
    _compare(run_samples(plan, s, "numba"), run_samples(plan, s, "numpy"))
