"""The optimising planner: the optimiser on a problem with a known answer (through the same
code path as the car: CheckBatches -> evaluation -> differential evolution -> bisection), and the
mapping of free parameters onto the plan and onto a batch of samples."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from stuntsim.car.optimise import Param, bands, evaluation_from_checks, optimise
from stuntsim.checks import CheckBatch
from stuntsim.errors import ScenarioError

from car_scenarios import J_TURN_BODY

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


# --- free parameters -> plan and samples ------------------------------------------------------

SCENARIO = 'kind = "car"\n' + J_TURN_BODY
FREE = """
[planner.free]
entry_speed = ["45 km/h", "60 km/h"]
start_distance = ["26 m", "29 m"]
turn_in = ["17 m", "25 m"]
steer = ["24 deg", "32 deg"]
countersteer = ["50 deg", "110 deg"]
clutch_up = ["0.7 s", "1.6 s"]
"""


def _load(text: str):
    from stuntsim.car.plan import build_plan
    from stuntsim.car.planner import build_planner
    from stuntsim.car.scenario import CarScenario

    path = Path("planner-test.toml")
    model = CarScenario.model_validate(tomllib.loads(text))
    plan = build_plan(model, path)
    return model, plan, build_planner(model, plan, path)


def test_free_parameters_read_the_plan_they_start_from():
    _, _plan, spec = _load(SCENARIO + FREE)
    start = {fp.key: fp.start for fp in spec.free}
    assert start["entry_speed"] == pytest.approx(50 / 3.6)
    assert start["start_distance"] == pytest.approx(28.0)  # edge at 30 m, CG at 2 m
    assert start["turn_in"] == pytest.approx(21.0)  # north >= 9 m: 21 m before the nosing
    assert start["steer"] == pytest.approx(np.radians(30.0))
    assert start["countersteer"] == pytest.approx(np.radians(70.0))
    assert start["clutch_up"] == pytest.approx(0.9)


def test_samples_of_a_candidate_are_the_plan_of_that_candidate():
    """The batch the optimiser simulates (candidate_samples) and the plan the driver is given
    (plan_at) say the same thing, for every free parameter at once."""
    from stuntsim.car.planner import Jitter, candidate_samples, plan_at
    from stuntsim.car.samples import nominal

    _, plan, spec = _load(SCENARIO + FREE)
    x = np.array([15.5, 27.0, 19.0, np.radians(27.0), np.radians(95.0), 1.3])
    K = len(plan.timeline.keyframes)
    M = sum(len(t.conditions) for t in plan.timeline.triggers)
    none = Jitter(np.zeros(1), np.zeros((1, K)), np.zeros((1, M)), {})
    got = candidate_samples(plan, spec, x[None, :], none)
    p = plan_at(plan, spec, x)
    want = nominal(p, 1)
    for name in ("speed_m_s", "start_north_m", "key_time_s", "trigger_value"):
        assert np.allclose(getattr(got, name), getattr(want, name)), name
    assert np.allclose(
        np.nan_to_num(got.key_value, nan=9.0), np.nan_to_num(want.key_value, nan=9.0)
    )
    # and in the driver's terms
    assert p.start.speed == pytest.approx(-15.5) and p.start.north == pytest.approx(3.0)
    turn_in = next(t for t in p.timeline.triggers if t.conditions[0].variable == "north")
    assert turn_in.conditions[0].value == pytest.approx(11.0)  # 19 m before the 30 m edge
    lock = next(k for k in p.timeline.keyframes if k.tag == "lock")
    assert lock.get("steer") == pytest.approx(-np.radians(27.0))  # the sign of the file kept
    up = [k.t for k in p.timeline.keyframes if k.tag == "clutch-up"]
    assert up == pytest.approx([1.3, 1.6])  # both moved by +0.4 s


def test_jitter_rows_leave_row_zero_alone_and_shift_each_cue():
    from stuntsim.car.planner import draw_jitter

    _, plan, spec = _load(SCENARIO + FREE)
    j = draw_jitter(plan, spec, 200, seed=4)
    assert len(j) == 200 and np.all(j.key_time[0] == 0.0) and j.speed[0] == 0.0
    # keyframes of one trigger group move together (one reaction delay per cue)
    kfs = plan.timeline.keyframes
    g3 = [i for i, k in enumerate(kfs) if k.group == 3]
    assert np.allclose(j.key_time[:, g3[0]], j.key_time[:, g3[-1]])
    # the scatter is the one asked for (0.05 s, 0.5 m/s): 199 draws, 25 % tolerance
    assert np.std(j.key_time[1:, g3[0]]) == pytest.approx(0.05, rel=0.25)
    assert np.std(j.speed[1:]) == pytest.approx(0.5, rel=0.25)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (SCENARIO, "planner"),
        (SCENARIO + "[planner.free]\n", "planner.free"),
        (SCENARIO.replace('tag = "turn-in"', 'tag = "go"') + FREE, "planner.free.turn_in"),
        (SCENARIO + '[planner.free]\nsteer = ["24 deg", "40 deg"]\n', "planner.free.steer"),
        (
            SCENARIO + '[planner.free]\nentry_speed = ["60 km/h", "45 km/h"]\n',
            "planner.free.entry_speed",
        ),
    ],
)
def test_bad_planner_sections_name_the_field(text, field):
    with pytest.raises(ScenarioError) as e:
        _load(text)
    assert e.value.field == field


def test_jitter_rows_come_from_the_car_monte_carlo_when_the_scenario_has_one():
    from stuntsim.car.planner import draw_jitter

    text = SCENARIO + FREE + '[uncertainty]\ntrigger = "0.08 s"\nspeed = "0.5 m/s"\n'
    model, plan, spec = _load(text)
    j = draw_jitter(plan, spec, 64, seed=2, model=model)
    assert "[uncertainty]" in j.source
    assert np.all(j.key_time[0] == 0.0) and j.speed[0] == 0.0
    # the car's Monte Carlo answers a cue late, never early: triggered keyframes only move later
    trig = [i for i, k in enumerate(plan.timeline.keyframes) if k.group > 0]
    assert np.all(j.key_time[1:, trig] >= -1e-12) and np.any(j.key_time[1:, trig] > 0.0)
    assert np.std(j.speed[1:]) == pytest.approx(0.5, rel=0.3)  # 63 draws


def test_a_ramp_height_is_found_in_the_scenario_and_rebuilt():
    from pydantic import BaseModel

    from stuntsim.car.planner import _find_ramp, _snap, _with_value

    class Ramp(BaseModel):
        length: float
        height: float

    class Ground(BaseModel):
        steps: int
        ramps: list[Ramp]

    class Model(BaseModel):
        name: str
        ground: Ground

    m = Model(name="x", ground=Ground(steps=3, ramps=[Ramp(length=4.0, height=0.3)]))
    where, h = _find_ramp(m)
    assert where == ("ground", "ramps", 0, "height") and h == pytest.approx(0.3)
    m2 = _with_value(m, where, 0.55)
    assert m2.ground.ramps[0].height == pytest.approx(0.55) and m2.ground.ramps[0].length == 4.0
    assert m.ground.ramps[0].height == pytest.approx(0.3)  # the original is untouched
    assert _snap(np.array([0.304, 0.556])) == pytest.approx([0.30, 0.56])
    assert _find_ramp(Model(name="y", ground=Ground(steps=3, ramps=[]))) is None
