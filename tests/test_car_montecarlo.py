"""The car's Monte Carlo part: sampling, the batch, the statistics (no timing asserts).

The generic driver's promises (same result whatever the chunking, workers or backend) rest on
two properties of the kind, checked here: a sample's inputs depend only on the seed block's
generator and the sample's index (not on how many samples the block draws), and a sample's
outcome does not depend on the other samples of its batch.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from car_reference import stairs_plan

from stuntsim.car.montecarlo import MONTECARLO, keep_order
from stuntsim.car.samples import nominal
from stuntsim.car.scenario import UncertaintySection
from stuntsim.car.simulate import simulate_batch
from stuntsim.checks import verdict_codes
from stuntsim.errors import ScenarioError

UNC = UncertaintySection(
    timing="0.05 s",
    trigger="0.05 s",
    speed="1 m/s",
    surface_friction=0.05,
    tyre_grip=0.03,
    cornering_stiffness=0.05,
    mass="20 kg",
    cg_height="0.02 m",
)


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    return replace(stairs_plan(tmp_path_factory.mktemp("car")), duration=4.0)


def _rng(seed=5):
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(3,)))


def test_samples_depend_on_seed_and_index_only(plan):
    a = MONTECARLO.sample(plan, UNC, _rng(), 10)
    b = MONTECARLO.sample(plan, UNC, _rng(), 4)
    for name in ("speed_m_s", "key_time_s", "mu_scale", "cornering_scale", "mass_kg"):
        assert np.array_equal(getattr(a, name)[:4], getattr(b, name)), name
    c = MONTECARLO.sample(plan, UNC, _rng(6), 4)
    assert not np.array_equal(a.speed_m_s[:4], c.speed_m_s)


def test_sample_spread_and_order(plan):
    s = MONTECARLO.sample(plan, UNC, _rng(), 4000)
    base = nominal(plan, 1)
    # the entry-speed error: sigma 1 m/s about the nominal (4000 draws: the sample sigma is
    # within 5 % of the true one with probability > 0.99)
    assert np.std(s.speed_m_s) == pytest.approx(1.0, rel=0.05)
    assert np.mean(s.speed_m_s) == pytest.approx(base.speed_m_s[0], abs=0.06)
    # keyframes at t = 0 never move; the others do
    kfs = plan.timeline.keyframes
    at0 = np.array([k.group == 0 and k.t == 0.0 for k in kfs])
    assert np.all(s.key_time_s[:, at0] == base.key_time_s[:, at0])
    # triggered keyframes only ever wait (the cue is answered late, never early)
    trig = np.array([k.group > 0 for k in kfs])
    assert np.all(s.key_time_s[:, trig] >= base.key_time_s[:, trig] - 4 * 0.05)
    # each channel's keyframes stay in order within their group
    assert plan.timeline.shifted_in_order(s.key_time_s - base.key_time_s).all()
    # the grip factor is the product of the surface and tyre factors: sigma ~ sqrt(.05^2+.03^2)
    assert np.std(s.mu_scale) == pytest.approx(np.hypot(0.05, 0.03), rel=0.08)


def test_keep_order_clamps_a_keyframe_that_would_overtake(plan):
    base = nominal(plan, 1).key_time_s.copy()
    kfs = plan.timeline.keyframes
    # the two timed steer keyframes after t = 0 (0.5 s hold and 0.85 s full lock)
    idx = [i for i, k in enumerate(kfs) if k.group == 0 and k.get("steer") is not None]
    later, earlier = idx[-1], idx[-2]
    t = base.copy()
    t[0, later] = t[0, earlier] - 0.1  # jittered to before its predecessor
    out = keep_order(plan, t)
    assert out[0, later] == pytest.approx(out[0, earlier])


def test_a_sample_is_the_same_alone_or_in_a_batch(plan):
    s = MONTECARLO.sample(plan, UNC, _rng(), 3)
    together = MONTECARLO.simulate_batch(plan, s)
    alone = MONTECARLO.simulate_batch(plan, s.take(slice(1, 2)))
    for a, b in zip(together.checks, alone.checks, strict=True):
        assert a.id == b.id
        assert bool(a.ok[1]) == bool(b.ok[0])
        assert a.margin[1] == pytest.approx(b.margin[0], rel=1e-12, abs=1e-12)
    for key in ("final_east_m", "final_north_m", "body_force_n", "verdict_code"):
        assert together.columns[key][1] == alone.columns[key][0], key


def test_summary_says_where_the_failed_cars_went(plan):
    s = MONTECARLO.sample(plan, UNC, _rng(), 6)
    out = MONTECARLO.simulate_batch(plan, s)
    codes = verdict_codes(out.checks)
    assert np.array_equal(out.columns["verdict_code"], codes)
    summary = MONTECARLO.summarize(plan, out.columns)
    assert summary["n"] == 6
    n_by = {k: summary[f"end_{k}"].get("n", 0) for k in ("go", "caution", "no_go")}
    assert sum(n_by.values()) == 6
    assert n_by["no_go"] == int(np.sum(codes == 2))
    bad = summary["end_no_go"]
    if bad.get("n"):
        north = out.columns["final_north_m"][codes == 2]
        assert bad["north_m"]["p50"] == pytest.approx(float(np.median(north)))
    assert len(summary["points"]["east_m"]) == 6
    # the batch's verdicts are those of simulate_batch with the default (threaded) kernel
    ref = simulate_batch(plan, s)
    assert np.array_equal(verdict_codes(ref.checks), codes)


def test_uncertainty_tags_must_exist(plan):
    bad = UNC.model_copy(update={"timing_by_tag": {"no-such-tag": 0.1}})
    with pytest.raises(ScenarioError) as e:
        MONTECARLO.validate(plan, bad, "x.toml")
    assert "uncertainty.timing_by_tag.no-such-tag" in str(e.value)
    MONTECARLO.validate(plan, UNC.model_copy(update={"timing_by_tag": {"turn-in": 0.1}}), "x")
