"""Landing loads per wheel and per axle (the landing_load check) at two closed-form extremes.

- At rest on level ground every wheel carries its static load, m g b / (2 L) front and
  m g a / (2 L) rear (the model's initial state is that equilibrium): the check's value, the
  peak load over the static one, is exactly 1.
- Dropped from 1 m, the car lands at sqrt(2 g h) = 4.4 m/s on tyres and springs travelling a
  few centimetres: the mean decelerating force over the stroke alone, m v^2 / (2 s), is many
  times the weight, so the per-wheel factor exceeds the design bump factor 3 (Brown, Robertson &
  Serpento 2002) and the check fails with computed advice.
"""

from __future__ import annotations

import numpy as np
import pytest

from stuntsim.car.checks import analyse, landing_load
from stuntsim.car.samples import nominal
from stuntsim.car.simulate import run_samples
from stuntsim.car.vehicle import G
from stuntsim.scenario import load

SCENARIO = """\
kind = "car"
name = "parked"
[start]
speed = "0 m/s"
gear = "N"
[[driver]]
t = "0 s"
brake = 1.0
clutch = 1.0
[sim]
duration = "1.5 s"
step = "1 ms"
"""


def _run(tmp_path, lift: float):
    path = tmp_path / "parked.toml"
    path.write_text(SCENARIO)
    plan = load(path).plan
    samples = nominal(plan, 1)
    if lift == 0.0:
        return plan, analyse(plan, samples, run_samples(plan, samples, "numpy"))
    # dropped: the whole car lifted by ``lift`` at t = 0 (the reference model, step by step)
    from stuntsim.car.dynamics import CarModel, simulate
    from stuntsim.car.simulate import _merge

    model = CarModel(plan.vehicle, plan.ground, aero=False)
    x0 = model.initial_state(*(np.array([v]) for v in (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)))
    x0[:, 6] += lift
    x0[:, 12:16] += lift
    out = simulate(model, plan.timeline, x0, plan.duration, plan.dt, plan.record_every)
    out.sprung_mass = np.array([model.ms])
    out.static_fz = plan.vehicle.static_loads()[None]
    return plan, analyse(plan, samples, _merge([(np.array([0]), out)], 1, None))


def test_at_rest_every_wheel_carries_its_static_load(tmp_path):
    plan, run = _run(tmp_path, 0.0)
    v = plan.vehicle
    front = v.mass * G * v.cg_to_rear / v.wheelbase / 2.0
    assert run.static_wheel_n[0, 0] == pytest.approx(front, rel=1e-12)
    chk = landing_load(run)
    # the model's rest state is the equilibrium: peak = static to 1e-6
    assert chk.value[0] == pytest.approx(1.0, abs=1e-6)
    assert bool(chk.ok[0]) and chk.margin[0] == pytest.approx(2.0 / 3.0, abs=1e-6)


def test_a_one_metre_drop_exceeds_the_bump_factor(tmp_path):
    _plan, run = _run(tmp_path, 1.0)
    chk = landing_load(run)
    wf, af = run.wheel_factor()[0], run.axle_factor()[0]
    assert chk.value[0] == pytest.approx(max(wf.max(), af.max()))
    # m v^2 / (2 s) over the weight, with s = the 7 cm bump travel + the tyre's 4 cm: the
    # mean force alone is 1 m / 0.11 m = 9 x the weight; the peak of one wheel is above 3
    assert wf.max() > 3.0 and not bool(chk.ok[0])
    assert af.max() <= wf.max() + 1e-9  # an axle's peak is at most its worse wheel's
    msg, advice = chk.describe(0)
    assert "x static" in msg and advice is not None and "%" in advice
