"""The jump's Monte Carlo parts: sampling per seed block, kernel accuracy on perturbed samples,
validation of the [uncertainty] table, the landing statistics against closed forms."""

from __future__ import annotations

import math
import tomllib

import numpy as np
import pytest

from stuntsim.errors import ScenarioError
from stuntsim.jump.kernel import simulate_batch
from stuntsim.jump.montecarlo import CHI2_2_95, dispersion
from stuntsim.jump.uncertainty import UncertaintySection, sample, validate
from stuntsim.scenario import load

from conftest import EXAMPLES
from jump_reference import reference_landing


@pytest.fixture(scope="module")
def fallout():
    return load(EXAMPLES / "fallout-halo.toml")


def raw_uncertainty(name: str) -> dict:
    return tomllib.loads((EXAMPLES / name).read_text())["uncertainty"]


def test_samples_depend_on_the_block_generator_only(fallout):
    plan, unc = fallout.plan, fallout.model.uncertainty
    a = sample(plan, unc, np.random.default_rng(5), 100)
    b = sample(plan, unc, np.random.default_rng(5), 40)
    # the first 40 of a block are the same whatever the block's size (a short last block)
    assert np.array_equal(a.batch.wind_scale[:40], b.batch.wind_scale)
    assert np.array_equal(a.pilot_east[:40], b.pilot_east)
    assert np.array_equal(a.batch.y0[:40], b.batch.y0)
    # adding a key leaves the other keys' draws alone (common random numbers)
    more = UncertaintySection.model_validate(
        {**raw_uncertainty("fallout-halo.toml"), "mass": {"sigma": "2 %"}}
    )
    c = sample(plan, more, np.random.default_rng(5), 100)
    assert np.array_equal(a.batch.wind_scale, c.batch.wind_scale)
    assert np.array_equal(a.pilot_north, c.pilot_north)
    assert not np.array_equal(a.batch.mass, c.batch.mass)


def test_perturbed_samples_match_solve_ivp(fallout):
    # Six perturbed samples (wind scale, veer, level-by-level errors, exit delay, opening
    # altitude, drag, canopy speeds): the kernel against DOP853 rtol 1e-9 on the same
    # equations (jump/dynamics.py). 1 m: the landing accuracy the kernel's steps were chosen for.
    plan, unc = fallout.plan, fallout.model.uncertainty
    s = sample(plan, unc, np.random.default_rng(11), 6)
    ours = simulate_batch(s.batch)
    for i in range(6):
        ref = reference_landing(s.batch.take(np.array([i])))
        miss = float(np.hypot(*(ours.land_pos[i, :2] - ref["land"][1][:2])))
        assert miss < 1.0, f"sample {i}: {miss:.3f} m"


def test_validation_names_the_key(fallout):
    plan = fallout.plan
    bad = UncertaintySection.model_validate({"freefall_time": {"sigma": "1 s"}})
    with pytest.raises(ScenarioError, match=r"uncertainty\.freefall_time"):
        validate(bad, plan, "x.toml")
    bad = UncertaintySection.model_validate({"mass": {"sigma": "30 %"}})
    with pytest.raises(ScenarioError, match=r"uncertainty\.mass"):
        validate(bad, plan, "x.toml")


def test_dispersion_statistics_against_the_normal_closed_forms():
    # Circular normal of sigma s: CEP50 = s sqrt(2 ln 2), CEP90 = s sqrt(2 ln 10) (Rayleigh);
    # 95 % ellipse semi-axes sqrt(5.991) s. 200 000 points: sampling error of a quantile
    # ~ 0.3 %, so 1 % tolerance.
    rng = np.random.default_rng(0)
    s = 30.0
    x, y = rng.normal(5.0, s, 200_000), rng.normal(-3.0, s, 200_000)
    d = dispersion(x, y)
    assert d["cep50_m"] == pytest.approx(s * math.sqrt(2 * math.log(2)), rel=0.01)
    assert d["cep90_m"] == pytest.approx(s * math.sqrt(2 * math.log(10)), rel=0.01)
    e = d["ellipse95"]
    assert e["semi_major_m"] == pytest.approx(math.sqrt(CHI2_2_95) * s, rel=0.01)
    assert e["coverage"] == pytest.approx(0.95, abs=0.003)
    assert d["mean_east_m"] == pytest.approx(5.0, abs=0.3)
