"""The shift in the air: synchroniser against a hand calculation, the shift window and the
clutch engagement on hand-made histories (batches of several samples)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from stuntsim.car.drivetrain import Gearbox
from stuntsim.car.shift import (
    GETRAG_280_FIRST,
    ShiftSpec,
    Synchroniser,
    clutch_mismatch,
    shift_timing,
    shift_window,
)

GEARBOX = Gearbox(ratios=(3.51, 2.08, 1.35, 1.00, 0.81), reverse=3.71, final_drive=3.73)
T = np.arange(0.0, 4.0, 0.002)


def test_cone_torque_and_sync_time_by_hand():
    s = Synchroniser(
        input_inertia=0.008,
        cone_friction=0.10,
        cone_radius=0.040,
        cone_half_angle=math.radians(6.5),
        knob_force=150.0,
        lever_ratio=5.5,
    )
    # by hand: F_a = 150 N x 5.5 = 825 N; sin 6.5 deg = 0.113203;
    # T = 0.10 x 825 N x 0.040 m / 0.113203 = 3.300 / 0.113203 = 29.151 N m
    assert s.axial_force == pytest.approx(825.0)
    assert s.torque == pytest.approx(29.151, rel=1e-4)
    # car rolling forward at 12 m/s on R = 0.31 m wheels: carrier 38.710 rad/s, output shaft
    # 3.73 x 38.710 = 144.39 rad/s; the input shaft still turns backwards through reverse:
    # w_in = -3.71 x 144.39 = -535.69 rad/s; first needs +3.51 x 144.39 = +506.81 rad/s.
    # t = J i_1 |i_1 w_out - w_in| / T = 0.008 x 3.51 x 1042.50 / 29.151 = 1.0042 s
    w_out = 3.73 * 12.0 / 0.31
    t = s.sync_time(-3.71 * w_out, w_out, 3.51)
    assert float(t) == pytest.approx(1.0042, rel=1e-3)
    # from a stopped input shaft (lever out of reverse while the wheels stood still) the
    # synchroniser only has i_1 w_out to make up: 0.008 x 3.51 x 506.81 / 29.151 = 0.4882 s
    assert float(s.sync_time(0.0, w_out, 3.51)) == pytest.approx(0.4882, rel=1e-3)
    # tolerance: rounding of the hand figures (5 significant digits)


def test_shift_timing_adds_the_steps_and_the_scenario_can_override():
    spec = ShiftSpec()
    w_c = np.array([12.0 / 0.31, 6.0 / 0.31])
    tm = shift_timing(spec, GEARBOX, w_c, np.array([-3.71, -3.71]), np.array([True, False]))
    # first sample: clutch already down; 0.1 + 0.1 s lever; sync 1.0042 s; 0.15 s clutch up
    assert tm.total[0] == pytest.approx(0.2 + 1.0042 + 0.15, rel=1e-3)
    # second: half the speed, half the synchroniser time, plus 0.1 s clutch down
    assert tm.sync[1] == pytest.approx(0.5021, rel=1e-3)
    assert tm.total[1] == pytest.approx(0.1 + 0.2 + 0.5021 + 0.15, rel=1e-3)
    given = shift_timing(
        ShiftSpec(duration=0.6), GEARBOX, w_c, np.array([-3.71] * 2), np.ones(2, bool)
    )
    assert np.allclose(given.total, 0.6)


def _histories(off_from: list[float], off_to: list[float], speed: float = 12.0):
    """B samples: rotation to -180 deg, reaching -170 deg at 1.0 s; rear wheels off
    [off_from, off_to); reverse held, clutch down throughout."""
    B = len(off_from)
    yaw = -np.radians(np.clip(170.0 * T / 1.0, 0.0, None).clip(max=180.0))
    yaw = np.tile(yaw, (B, 1))
    fz = np.full((B, len(T), 4), 3000.0)
    for b in range(B):
        fz[b, (T >= off_from[b]) & (T < off_to[b]), 2:] = 0.0
    carrier = np.full((B, len(T)), speed / 0.31)
    gear = np.full((B, len(T)), -1.0)
    clutch = np.ones((B, len(T)))
    return yaw, fz, carrier, gear, clutch


def test_shift_window_on_the_cue_and_the_unloaded_phase():
    # cue at 1.0 s; shift needs 0.2 + 1.0042 + 0.15 = 1.3542 s -> done at 2.354 s.
    # sample 0: rear wheels off 1.5-2.8 s -> window 2.354-2.8 s (0.446 s)
    # sample 1: off 1.5-2.2 s -> 0.154 s short
    # sample 2: off 1.5-2.4 s -> a 0.046 s window, under the 0.1 s a driver can hit
    yaw, fz, carrier, gear, clutch = _histories([1.5, 1.5, 1.5], [2.8, 2.2, 2.4])
    possible = ShiftSpec(require_shift=False)  # only whether a window exists
    cb = shift_window(T, yaw, np.full(3, -np.pi), fz, carrier, gear, clutch, possible, GEARBOX)
    assert cb.id == "shift_window" and cb.severity == "fail"
    assert list(cb.ok) == [True, False, False]
    need = 0.2 + 1.0042 + 0.15
    # time grid 2 ms: events known to one step
    assert cb.value[0] == pytest.approx(2.8 - (1.0 + need), abs=0.005)
    assert cb.value[1] == pytest.approx(2.2 - (1.0 + need), abs=0.005)
    assert cb.value[2] == pytest.approx(2.4 - (1.0 + need), abs=0.005)
    assert cb.limit[0] == pytest.approx(0.1)
    assert cb.margin[0] == pytest.approx((cb.value[0] - 0.1) / need, rel=0.01)
    assert cb.margin[1] < 0 and cb.margin[2] < 0
    msg, advice = cb.describe(1)
    assert "short" in msg and advice is not None and "longer" in advice
    assert "shorter than the 0.10 s" in cb.describe(2)[0]
    assert cb.record(0).ok and cb.record(0).advice is None
    # "all four": the front wheels never leave the ground here -> no window at all
    cb4 = shift_window(
        T,
        yaw,
        np.full(3, -np.pi),
        fz,
        carrier,
        gear,
        clutch,
        ShiftSpec(unloaded="all", require_shift=False),
        GEARBOX,
    )
    assert not cb4.ok.any() and "never leave the ground" in cb4.describe(0)[0]
    # by default the run itself must do the shift: reverse held to the end fails
    cbd = shift_window(T, yaw, np.full(3, -np.pi), fz, carrier, gear, clutch, ShiftSpec(), GEARBOX)
    assert not cbd.ok[0] and "never selects first" in cbd.describe(0)[0]
    assert "plan the shift" in cbd.describe(0)[1]


def test_a_planned_shift_must_respect_the_synchroniser_and_the_window():
    yaw, fz, carrier, gear, clutch = _histories([1.5, 1.5, 1.5], [2.8, 2.8, 2.8])
    # sample 0: first at 2.25 s (after 1.0 + 1.2042), clutch up at 2.5 s -> inside 2.354-2.8
    # sample 1: first at 1.4 s: faster than the synchroniser allows
    # sample 2: clutch up at 3.0 s, after the rear wheels are back on the ground
    for b, (t_in, t_up) in enumerate([(2.25, 2.5), (1.4, 2.5), (2.25, 3.0)]):
        gear[b, T >= 1.1] = 0.0
        gear[b, T >= t_in] = 1.0
        clutch[b, T >= t_up] = 0.0
    cb = shift_window(T, yaw, np.full(3, -np.pi), fz, carrier, gear, clutch, ShiftSpec(), GEARBOX)
    assert list(cb.ok) == [True, False, False]
    assert "no earlier than" in cb.describe(1)[1]
    assert "between" in cb.describe(2)[1]
    assert cb.margin[1] < 0 and cb.margin[2] < 0


def test_neutral_before_the_cue_keeps_the_shaft_speed_it_had():
    # lever out of reverse at 0.5 s while the car crawled (2 m/s), then 12 m/s at the cue:
    # w_in = -3.71 x 3.73 x 2/0.31 = -89.28 rad/s; target 3.51 x 3.73 x 12/0.31 = 506.81;
    # t_sync = 0.008 x 3.51 x 596.09 / 29.151 = 0.5742 s
    yaw, fz, carrier, gear, clutch = _histories([1.5], [2.8])
    carrier[0, T < 0.5] = 2.0 / 0.31
    gear[0, T >= 0.5] = 0.0
    spec = ShiftSpec(require_shift=False)
    cb = shift_window(T, yaw, np.full(1, -np.pi), fz, carrier, gear, clutch, spec, GEARBOX)
    need = 0.2 + 0.5742 + 0.15
    assert cb.value[0] == pytest.approx(2.8 - (1.0 + need), abs=0.005)


def test_clutch_mismatch_batch():
    n = len(T)
    B = 2
    engine = np.full((B, n), 1000 * 2 * np.pi / 60)
    carrier = np.full((B, n), 20.0)
    ratio = np.full((B, n), 13.0)
    clutch = np.ones((B, n))
    clutch[:, T >= 2.0] = 0.0
    kappa = np.zeros((B, n, 4))
    kappa[0, (T > 2.0) & (T < 2.3), 2:] = -0.4
    kappa[1, (T > 2.0) & (T < 2.3), 2:] = -0.05
    fz = np.full((B, n, 4), 3500.0)
    cb = clutch_mismatch(T, engine, carrier, ratio, clutch, kappa, fz, 3500.0, 0.12)
    assert list(cb.ok) == [False, True]
    assert cb.value[0] == pytest.approx(0.4)
    assert cb.margin[0] == pytest.approx((0.12 - 0.4) / 0.12)
    msg, advice = cb.describe(0)
    # gearbox input 13 x 20 rad/s = 2483 rpm; mismatch 1000 - 2483 = -1483 rpm: the wheels lock
    assert "-1483 rpm" in msg and "lock" in msg and "2483 rpm" in advice


def test_getrag_estimates_are_marked():
    assert all("estimate" in v for v in GETRAG_280_FIRST.sources.values())


def test_the_scenario_section_builds_the_spec():
    import tomllib

    from stuntsim.car.scenario import CarScenario
    from stuntsim.car.shift import build_shift_spec

    base = 'kind = "car"\n[start]\nspeed = "-40 km/h"\ngear = "R"\n'
    m = CarScenario.model_validate(tomllib.loads(base))
    assert build_shift_spec(m.shift, m.targets) == ShiftSpec()
    m = CarScenario.model_validate(
        tomllib.loads(
            base + '[shift]\nunloaded = "all"\ncone_radius = "45 mm"\nknob_force = "200 N"\n'
        )
    )
    spec = build_shift_spec(m.shift, m.targets)
    assert spec.unloaded == "all" and spec.duration is None
    assert spec.synchro.cone_radius == pytest.approx(0.045)
    # torque scales with radius and force: 29.151 x (45/40) x (200/150) = 43.73 N m
    assert spec.synchro.torque == pytest.approx(43.73, rel=1e-3)
    assert spec.synchro.sources["cone_radius"] == "scenario [shift]"
    # an explicit targets.shift_time is the whole duration
    m = CarScenario.model_validate(tomllib.loads(base + '[targets]\nshift_time = "0.4 s"\n'))
    assert build_shift_spec(m.shift, m.targets).duration == pytest.approx(0.4)
