"""The generic Monte Carlo driver (stuntsim.uncertainty) on a real kind with closed forms.

The toy kind (tests/toy_kind.py) is a drag-free ramp jump: range R = v^2 sin(2 theta)/g and
touchdown vertical speed v sin(theta), so the probability that a sample passes each check has an
exact one-dimensional integral to test the driver's P(GO) and failure rates against. The same
driver runs every real kind (tests/test_contract.py runs them all through ``stuntsim mc``).
"""

from __future__ import annotations

import math
import tracemalloc
from dataclasses import replace

import numpy as np
import pytest
from scipy import integrate, stats

from stuntsim.constants import G0
from stuntsim.uncertainty.backends import LocalBackend
from stuntsim.uncertainty.driver import (
    SEED_BLOCK,
    Job,
    block_rng,
    chunk_ranges,
    kind_module_of,
    prepare,
    run_chunk,
    run_montecarlo,
)
from stuntsim.uncertainty.stats import clopper_pearson, margin_summary, quantile_summary

import toy_kind
from toy_kind import KIND, ToyPlan, ToyUncertainty

PLAN = ToyPlan(
    name="toy",
    speed_m_s=20.0,
    angle_rad=math.radians(20.0),
    zone_near_m=20.0,
    zone_far_m=32.0,
    max_touchdown_speed_m_s=7.5,
)
UNC = ToyUncertainty(speed_sigma_m_s=1.0, angle_sigma_deg=2.0)


def job(seed: int = 3, plan: ToyPlan = PLAN, full: bool = False) -> Job:
    return prepare(KIND, plan, UNC, seed, full=full)


def exact_rates(plan: ToyPlan, unc: ToyUncertainty) -> tuple[float, float, float]:
    """P(GO), P(landing_zone fails), P(touchdown_speed fails) for v ~ N(v0, sv), theta ~
    N(theta0, st) independent: for each theta the conditions are intervals of v, so
    P(. | theta) is a difference of normal CDFs, integrated over theta with adaptive quadrature
    (scipy.integrate.quad, error well below 1e-8)."""
    v0, sv = plan.speed_m_s, unc.speed_sigma_m_s
    t0, st = plan.angle_rad, math.radians(unc.angle_sigma_deg)

    def phi(v: float) -> float:
        return float(stats.norm.cdf((v - v0) / sv))

    def in_zone(th: float) -> float:
        s2 = math.sin(2 * th)
        lo, hi = math.sqrt(plan.zone_near_m * G0 / s2), math.sqrt(plan.zone_far_m * G0 / s2)
        return phi(hi) - phi(lo)  # v >= 0 almost surely at 20 sigma

    def slow_enough(th: float) -> float:
        return phi(plan.max_touchdown_speed_m_s / math.sin(th))

    def go(th: float) -> float:
        s2 = math.sin(2 * th)
        lo = math.sqrt(plan.zone_near_m * G0 / s2)
        hi = min(math.sqrt(plan.zone_far_m * G0 / s2), plan.max_touchdown_speed_m_s / math.sin(th))
        return max(0.0, phi(hi) - phi(lo))

    def over(f):  # E_theta[f(theta)], theta within +-8 sigma
        pdf = stats.norm(t0, st).pdf
        val, _ = integrate.quad(lambda th: f(th) * pdf(th), t0 - 8 * st, t0 + 8 * st, limit=200)
        return val

    return over(go), 1.0 - over(in_zone), 1.0 - over(slow_enough)


# --- statistics against closed forms ------------------------------------------------------------


def test_clopper_pearson_closed_forms():
    # k = 0 and k = n have closed forms: upper = 1 - (a/2)^(1/n), lower = (a/2)^(1/n)
    assert clopper_pearson(0, 10) == (0.0, pytest.approx(1 - 0.025 ** (1 / 10), rel=1e-9))
    assert clopper_pearson(10, 10) == (pytest.approx(0.025 ** (1 / 10), rel=1e-9), 1.0)
    # k = 5 of 10: the tabulated exact interval 0.1871-0.8129 (Newcombe, Stat Med 17:857
    # (1998), table I, method 5)
    lo, hi = clopper_pearson(5, 10)
    assert (lo, hi) == (pytest.approx(0.1871, abs=1e-4), pytest.approx(0.8129, abs=1e-4))
    with pytest.raises(ValueError):
        clopper_pearson(3, 2)


def test_margin_and_quantile_summaries():
    # 0..100: the type-7 quantiles of an arithmetic sequence are exact: p05 = 5, p95 = 95
    m = margin_summary(np.arange(101.0))
    assert m == {"p05": 5.0, "p50": 50.0, "p95": 95.0, "min": 0.0, "max": 100.0}
    assert margin_summary([np.nan, np.inf])["p50"] is None
    q = quantile_summary(np.r_[np.arange(101.0), np.nan])
    assert q["n"] == 101 and q["quantiles"]["p25"] == 25.0 and q["mean"] == 50.0
    assert sum(q["histogram"]["counts"]) == 101
    assert quantile_summary([np.nan]) == {"n": 0}


# --- the driver ---------------------------------------------------------------------------------


def test_p_go_and_failure_rates_match_the_exact_integrals():
    n = 30_000
    with LocalBackend(1) as one:
        s = run_montecarlo(job(), n, one)
    p_go, p_zone, p_touch = exact_rates(PLAN, UNC)
    # binomial standard error sqrt(p(1-p)/n) <= 0.0029 at n = 30 000: 4 of them allowed
    for got, want in (
        (s.p_go, p_go),
        (s.check_failure_rates["landing_zone"], p_zone),
        (s.check_failure_rates["touchdown_speed"], p_touch),
    ):
        assert got == pytest.approx(want, abs=4 * math.sqrt(want * (1 - want) / n))
    # sanity of the closed form itself: both checks fail for a fair share of the samples
    assert 0.05 < p_zone < 0.2 and 0.1 < p_touch < 0.3
    lo, hi = s.p_go_ci
    assert lo < s.p_go < hi
    assert sum(s.verdict_counts.values()) == n
    assert s.verdict_counts["GO"] == round(s.p_go * n)
    # touchdown_speed is a caution: a sample failing only it is CAUTION, not NO-GO
    assert s.verdict_counts["NO-GO"] == round(s.check_failure_rates["landing_zone"] * n)
    # margins: the landing-zone margin is (half - |R - mid|)/half, whose median is at most 1
    m = s.margins["landing_zone"]
    assert m["min"] <= m["p05"] <= m["p50"] <= m["p95"] <= m["max"] <= 1.0
    # a check the random inputs do not touch: constant margin 2000/1000 - 1, stored as a value
    assert s.margins["ramp_rating"] == dict.fromkeys(("p05", "p50", "p95", "min", "max"), 1.0)
    assert s.check_failure_rates["ramp_rating"] == 0.0
    assert not s.margin_varies("ramp_rating") and s.margin_varies("landing_zone")
    np.testing.assert_array_equal(s.margin_values("ramp_rating"), np.ones(n, np.float32))
    # the kind's own statistics are merged into the JSON keys
    doc = s.to_json()
    assert {"p_go", "p_go_ci", "check_failure_rates", "margins", "range_mean_m"} <= set(doc)
    # mean range: E[v^2] E[sin 2 theta] / g (v, theta independent normals)
    v0, sv, t0, st = PLAN.speed_m_s, 1.0, PLAN.angle_rad, math.radians(2.0)
    mean_r = (v0**2 + sv**2) * math.sin(2 * t0) * math.exp(-2 * st**2) / G0
    assert doc["range_mean_m"] == pytest.approx(mean_r, abs=4 * doc["range_std_m"] / math.sqrt(n))


def test_same_seed_same_bits_whatever_the_chunking_and_workers():
    n = 3 * SEED_BLOCK + 123
    tables_a: list = []
    tables_c: list = []
    with LocalBackend(1) as one:
        a = run_montecarlo(job(full=True), n, one, chunk_size=1, on_table=tables_a.append)
        b = run_montecarlo(job(), n, one, chunk_size=100_000)
    with LocalBackend(2) as two:
        c = run_montecarlo(
            job(full=True), n, two, chunk_size=2 * SEED_BLOCK, on_table=tables_c.append
        )
    assert a.run["chunks"] == 4 and b.run["chunks"] == 1 and c.run["chunks"] == 2
    for other in (b, c):
        assert other.to_json() == a.to_json()
        np.testing.assert_array_equal(other.codes, a.codes)
        for ck in a.checks:
            np.testing.assert_array_equal(other.margin_values(ck.id), a.margin_values(ck.id))
        np.testing.assert_array_equal(other.columns["range_m"], a.columns["range_m"])
    ta = {k: np.concatenate([t[k] for t in tables_a]) for k in tables_a[0]}
    tc = {k: np.concatenate([t[k] for t in tables_c]) for k in tables_c[0]}
    assert ta.keys() == tc.keys()
    for k in ta:
        np.testing.assert_array_equal(ta[k], tc[k])
    np.testing.assert_array_equal(ta["sample"], np.arange(n))
    assert not np.any(ta["landing_zone_ok"] ^ (ta["landing_zone_margin"] >= 0))
    assert np.mean(ta["verdict_code"] == 0) == a.p_go
    # a different seed gives different samples
    with LocalBackend(1) as one:
        d = run_montecarlo(job(seed=4), n, one)
    assert d.columns["range_m"][0] != a.columns["range_m"][0]


def test_a_block_is_sampled_from_its_own_seed_sequence_child():
    # block 1 of a run equals sampling child 1 of SeedSequence(seed) directly
    res = run_chunk(job(seed=11), SEED_BLOCK, 2 * SEED_BLOCK)
    rng = np.random.default_rng(np.random.SeedSequence(11).spawn(2)[1])
    samples = KIND.montecarlo.sample(PLAN, UNC, rng, SEED_BLOCK)
    np.testing.assert_array_equal(res.columns["speed_m_s"], samples.speed_m_s)
    a = block_rng(11, 1).standard_normal(4)
    b = np.random.default_rng(np.random.SeedSequence(11).spawn(2)[1]).standard_normal(4)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="seed block"):
        run_chunk(job(), 5, 10)


def test_a_kinds_seed_block_sets_the_granularity(monkeypatch):
    monkeypatch.setattr(toy_kind.ToyMonteCarlo, "seed_block", 64, raising=False)
    j = job()
    assert j.seed_block == 64
    assert chunk_ranges(200, 100, 64) == [(0, 128), (128, 200)]
    with LocalBackend(1) as one:
        small = run_montecarlo(j, 1000, one, chunk_size=64)
        big = run_montecarlo(j, 1000, one, chunk_size=640)
    assert small.run["chunks"] == 16 and big.run["chunks"] == 2
    assert small.to_json() == big.to_json()


def test_the_job_names_its_kind_by_module():
    assert kind_module_of(KIND) == "toy_kind"
    from stuntsim.kinds import REGISTRY

    assert job().kind_module not in {e.kind_module for e in REGISTRY.values()}


def test_errors_of_a_broken_kind_or_run():
    with LocalBackend(1) as one:
        with pytest.raises(ValueError, match="at least 2"):
            run_montecarlo(job(), 1, one)

    class Shifty(toy_kind.ToyMonteCarlo):
        calls = 0

        def simulate_batch(self, plan, samples):
            out = super().simulate_batch(plan, samples)
            Shifty.calls += 1
            return replace(out, checks=out.checks[: 1 + Shifty.calls % 2])

    j = Job(kind_module="toy_kind", plan=PLAN, uncertainty=UNC, seed=1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(toy_kind, "KIND", replace(KIND, montecarlo=Shifty()))
        with pytest.raises(RuntimeError, match="different checks"):
            run_chunk(j, 0, 2 * SEED_BLOCK)


def test_memory_per_sample_is_the_compact_arrays():
    # Python-heap peak (numpy reports its buffers to tracemalloc) of in-process runs with a
    # fixed chunk: growing n by 14 blocks may add only what the driver keeps per sample, 1 B of
    # verdict + 4 B of margin per check (2) + the toy's 3 float64 columns = 33 B, plus the
    # transient float64 copy of one margin row for its quantiles and numpy's sorted copy (16 B):
    # 49 B; the constant ramp_rating margin costs nothing. Keeping the full tables (what --out
    # streams) would take over 80 B per sample.
    peaks = []
    with LocalBackend(1) as one:
        for n in (2 * SEED_BLOCK, 16 * SEED_BLOCK):
            tracemalloc.start()
            run_montecarlo(job(), n, one, chunk_size=SEED_BLOCK)
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
    per_sample = (peaks[1] - peaks[0]) / (14 * SEED_BLOCK)
    print(f"{per_sample:.1f} B per extra sample")
    assert per_sample < 52.0, f"{per_sample:.0f} B per extra sample"
