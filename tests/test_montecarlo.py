"""Monte Carlo: the sampler, the kernel on perturbed samples, the statistics and memory."""

from __future__ import annotations

import math
import tomllib
import tracemalloc
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from stuntsim.errors import ScenarioError
from stuntsim.jump.kernel import simulate_batch
from stuntsim.jump.physiology import (
    JumpProfile,
    PhysiologyConfig,
    check_landing_accuracy,
    check_opening_altitude,
    check_opening_shock,
)
from stuntsim.jump.plan import build_plan
from stuntsim.jump.scenario import JumpScenario
from stuntsim.jump.uncertainty import SEED_BLOCK, sample_batch, validate
from stuntsim.sim.backends import LocalBackend
from stuntsim.sim.montecarlo import (
    CHI2_2_95,
    CheckLimits,
    Job,
    clopper_pearson,
    dispersion,
    run_chunk,
    run_montecarlo,
)

from conftest import EXAMPLES
from jump_reference import reference_landing

CONTRACT = {  # the example table
    "wind_speed": {"sigma": "20 %"},
    "wind_direction": {"sigma": "15 deg"},
    "exit_delay": {"sigma": "2 s"},
    "open_altitude": {"sigma": "100 ft"},
    "drag_area": {"low": "-5 %", "high": "5 %"},
    "canopy_forward_speed": {"sigma": "5 %"},
    "canopy_descent_rate": {"sigma": "5 %"},
}


def scenario(name: str = "sport-13500.toml", unc=None, **changes):
    doc = tomllib.loads((EXAMPLES / name).read_text())
    doc["uncertainty"] = CONTRACT if unc is None else unc
    for key, val in changes.items():
        section, _, field = key.partition("__")
        if field:
            doc.setdefault(section, {})[field] = val
        else:
            doc[section] = val
    model = JumpScenario.model_validate(doc)
    return model, build_plan(model, EXAMPLES / name)


def job_for(plan, unc, seed=3, full=False, limits=None):
    return Job(
        plan=plan,
        uncertainty=unc,
        seed=seed,
        exit_east=plan.exit_east,
        exit_north=plan.exit_north,
        origin_east=0.0,
        origin_north=0.0,
        limits=limits or CheckLimits(914.4, 10.0, plan.lz_radius),
        full=full,
    )


# --- the scenario table ------------------------------------------------------------------------


def test_contract_keys_parse_to_si():
    model, _ = scenario()
    u = model.uncertainty
    assert u.wind_speed.sigma == (pytest.approx(0.20), True)
    assert u.wind_direction.sigma[0] == pytest.approx(math.radians(15))
    assert u.exit_delay.sigma == (2.0, False)
    assert u.open_altitude.sigma[0] == pytest.approx(100 * 0.3048)
    assert (u.drag_area.low, u.drag_area.high) == ((-0.05, True), (0.05, True))


@pytest.mark.parametrize(
    ("unc", "fragment"),
    [
        ({"wind_speed": {"sigma": "3 kt"}}, "wind_speed"),  # a factor: percent only
        ({"open_altitude": {"sigma": "10 %"}}, "open_altitude"),  # absolute only
        ({"drag_area": {"low": "-5 %", "high": "0.02 m^2"}}, "drag_area"),  # mixed
        ({"exit_delay": {"sigma": "2 s", "low": "1 s", "high": "2 s"}}, "exit_delay"),
        ({"mass": {"low": "5 kg", "high": "1 kg"}}, "mass"),
        ({"exit_delay": {"choice": ["1 s"], "weights": [1, 2]}}, "exit_delay"),
        ({"wind_sped": {"sigma": "20 %"}}, "wind_sped"),
        ({"position": {"choice": ["upside_down"]}}, "position"),
    ],
)
def test_bad_tables_name_the_key(unc, fragment):
    from stuntsim.scenario.load import validate as validate_model

    doc = tomllib.loads((EXAMPLES / "sport-13500.toml").read_text())
    doc["uncertainty"] = unc
    with pytest.raises(ScenarioError) as err:
        validate_model(JumpScenario, doc, Path("x.toml"))
    assert f"uncertainty.{fragment}" in str(err.value)


def test_plan_dependent_validation():
    model, plan = scenario("haho.toml", unc={"open_altitude": {"sigma": "100 ft"}})
    with pytest.raises(ScenarioError, match="freefall_time"):
        validate(model.uncertainty, plan, "haho.toml")
    # 5 sigma of 30 % takes the descent rate below the canopy model's 0.5 m/s floor
    model, plan = scenario(unc={"canopy_descent_rate": {"sigma": "30 %"}})
    with pytest.raises(ScenarioError, match=r"uncertainty\.canopy_descent_rate"):
        validate(model.uncertainty, plan, "x.toml")


# --- sampling -----------------------------------------------------------------------------------


def test_a_samples_inputs_depend_only_on_seed_and_index():
    model, plan = scenario(unc={**CONTRACT, "wind_speed_layer": {"sigma": "10 %"}})
    u = model.uncertainty
    _, small = sample_batch(plan, u, 11, 5000, 5010)
    _, big = sample_batch(plan, u, 11, SEED_BLOCK - 7, 3 * SEED_BLOCK + 9)
    off = 5000 - (SEED_BLOCK - 7)
    for key, col in small.items():
        np.testing.assert_array_equal(col, big[key][off : off + 10], err_msg=key, strict=True)
    # another seed gives other draws; dropping one key leaves the others' draws unchanged
    _, other = sample_batch(plan, u, 12, 5000, 5010)
    assert not np.array_equal(other["wind_scale"], small["wind_scale"])
    fewer = {k: v for k, v in CONTRACT.items() if k != "wind_direction"}
    model2, _ = scenario(unc=fewer)
    _, cut = sample_batch(plan, model2.uncertainty, 11, 5000, 5010)
    np.testing.assert_array_equal(cut["wind_scale"], small["wind_scale"])
    assert np.all(cut["wind_rotation_deg"] == 0.0)


def test_distributions_have_the_asked_moments():
    unc = {
        "wind_speed": {"sigma": "20 %", "mean": "5 %"},
        "canopy_forward_speed": {"low": "-1 m/s", "high": "2 m/s"},
        "position": {"choice": ["belly", "head_down", "sit"], "weights": [2, 1, 1]},
    }
    model, plan = scenario(unc=unc)
    n = 10 * SEED_BLOCK
    batch, inp = sample_batch(plan, model.uncertainty, 5, 0, n)
    k = inp["wind_scale"] - 1.0
    # normal: standard errors sigma/sqrt(n) = 0.001 and sigma/sqrt(2n) = 0.0007; 5 SE allowed
    assert np.mean(k) == pytest.approx(0.05, abs=0.005)
    assert np.std(k) == pytest.approx(0.20, abs=0.0035)
    u = inp["canopy_forward_speed_m_s"] - plan.canopy.forward_speed
    assert u.min() >= -1.0 and u.max() <= 2.0
    # uniform on [-1, 2]: mean 0.5, sd 3/sqrt(12); SE 0.0043 -> 5 SE
    assert np.mean(u) == pytest.approx(0.5, abs=0.022)
    assert np.std(u) == pytest.approx(3 / math.sqrt(12), abs=0.02)
    frac = np.mean(inp["position"] == "belly")
    assert frac == pytest.approx(0.5, abs=5 * math.sqrt(0.25 / n))  # binomial, 5 SE
    # a head-down sample's drag area is the head-down preset's (USPA fall rates 160/120 mph)
    hd = inp["position"] == "head_down"
    assert batch.cda_scale[hd][0] == pytest.approx((120 / 160) ** 2, rel=1e-12)


def test_exit_delay_moves_the_exit_along_the_ground_track():
    model, plan = scenario(unc={"exit_delay": {"sigma": "3 s"}})
    _, inp = sample_batch(plan, model.uncertainty, 2, 0, 64)
    # ground velocity of the aircraft: true airspeed along the heading plus the wind at the
    # exit altitude (world/wind.py profile, independent of the sampler)
    we, wn = plan.air.wind.at(plan.exit_altitude)
    v = plan.aircraft_speed
    ge = v * math.sin(plan.aircraft_heading) + float(we)
    gn = v * math.cos(plan.aircraft_heading) + float(wn)
    d = inp["exit_delay_s"]
    np.testing.assert_allclose(inp["exit_east_m"], plan.exit_east + d * ge, rtol=0, atol=1e-9)
    np.testing.assert_allclose(inp["exit_north_m"], plan.exit_north + d * gn, rtol=0, atol=1e-9)


# --- the kernel on perturbed samples ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "steering", "extra"),
    [
        ("sport-13500.toml", "heading", {"wind_direction_layer": {"sigma": "20 deg"}}),
        ("sport-13500.toml", "into_wind", {"wind_speed_layer": {"sigma": "15 %"}}),
        ("fallout-halo.toml", "drift", {"position": {"choice": ["head_down", "track"]}}),
        ("haho.toml", "target", {"wind_speed_layer": {"sigma": "15 %"}}),
    ],
)
def test_perturbed_samples_land_where_solve_ivp_lands(name, steering, extra):
    # The batched kernel (tabulated air, RK4, altitude stepping under canopy) against the
    # model's own right-hand sides integrated by DOP853 at rtol 1e-9 (tests/jump_reference.py),
    # on Monte Carlo samples: per-level winds, lift of a tracking position, every steering law.
    unc = {k: v for k, v in CONTRACT.items() if not (name == "haho.toml" and k == "open_altitude")}
    if name == "haho.toml":
        unc["freefall_time"] = {"sigma": "2 s"}
    unc.update(extra)
    heading = {"canopy": {**tomllib.loads((EXAMPLES / name).read_text()).get("canopy", {}),
                          "steering": steering, "heading": "90 deg"}}  # fmt: skip
    model, plan = scenario(name, unc=unc, **heading)
    batch, _ = sample_batch(plan, model.uncertainty, 17, 0, 3)
    ours = simulate_batch(batch)
    for i in range(3):
        ref = reference_landing(batch.take(np.array([i])))
        miss = math.hypot(*(ours.land_pos[i, :2] - ref["land"][1][:2]))
        # 1 m: the accuracy requirement for landing points
        assert miss < 1.0, f"sample {i}: {miss:.3f} m from solve_ivp"
        # deployment within 10 ms as in tests/test_integrator_accuracy.py
        assert abs(ours.deploy_t[i] - ref["deploy"][0]) < 0.01


def test_a_sample_gives_the_same_bits_in_any_batch():
    model, plan = scenario(unc={**CONTRACT, "wind_speed_layer": {"sigma": "10 %"}})
    job = job_for(plan, model.uncertainty, full=True)
    whole = run_chunk(job, 0, 2 * SEED_BLOCK)
    part = run_chunk(job, SEED_BLOCK, 2 * SEED_BLOCK)
    for key in ("landing_east_m", "landing_north_m", "deploy_t_s", "peak_opening_g"):
        np.testing.assert_array_equal(part.table[key], whole.table[key][SEED_BLOCK:], key)


# --- checks per sample, against physiology.py's own check functions --------------------------


def test_vectorised_check_rates_match_the_physiology_checks():
    unc = {"open_altitude": {"sigma": "300 ft"}, "opening_time": {"low": "-60 %", "high": "0 %"},
           "wind_speed": {"sigma": "40 %"}}  # fmt: skip
    model, plan = scenario(unc=unc)
    cfg = PhysiologyConfig(licence="A", lz_radius_m=plan.lz_radius, opening_shock_limit_g=4.0)
    limits = CheckLimits(3000 * 0.3048, 4.0, plan.lz_radius)
    job = job_for(plan, model.uncertainty, full=True, limits=limits)
    res = run_chunk(job, 0, 200)
    tab = res.table
    expect = {"opening_altitude": 0, "opening_shock": 0, "landing_accuracy": 0}
    for i in range(200):
        prof = JumpProfile(
            t_s=np.array([0.0, tab["landing_t_s"][i]]),
            altitude_m=np.array([plan.exit_altitude, plan.site.elevation]),
            speed_m_s=np.zeros(2),
            temperature_k=np.full(2, 260.0),
            east_m=np.array([0.0, tab["landing_east_m"][i]]),
            north_m=np.array([0.0, tab["landing_north_m"][i]]),
            ground_elevation_m=plan.site.elevation,
            exit_altitude_m=plan.exit_altitude,
            deploy_t_s=tab["deploy_t_s"][i],
            deploy_altitude_m=tab["deploy_altitude_msl_m"][i],
            canopy_open_t_s=tab["open_t_s"][i],
            landing_t_s=tab["landing_t_s"][i],
            peak_opening_g=tab["peak_opening_g"][i],
            miss_distance_m=tab["miss_distance_m"][i],
        )
        expect["opening_altitude"] += not check_opening_altitude(prof, cfg).ok
        expect["opening_shock"] += not check_opening_shock(prof, cfg).ok
        expect["landing_accuracy"] += not check_landing_accuracy(prof, cfg).ok
    for cid, k in expect.items():
        assert res.counts[f"fail_{cid}"] == k, cid
    # the chosen spreads make every check fail for some samples and pass for others
    assert all(0 < k < 200 for k in expect.values()), expect


# --- statistics against closed forms ------------------------------------------------------------


def test_clopper_pearson_closed_forms():
    # k = 0 and k = n have closed forms: upper = 1 - (a/2)^(1/n), lower = (a/2)^(1/n)
    assert clopper_pearson(0, 10) == (0.0, pytest.approx(1 - 0.025 ** (1 / 10), rel=1e-9))
    assert clopper_pearson(10, 10) == (pytest.approx(0.025 ** (1 / 10), rel=1e-9), 1.0)
    # k = 5 of 10: the tabulated exact interval 0.1871-0.8129 (e.g. Newcombe, Stat Med 17:857
    # (1998), table I, method 5)
    lo, hi = clopper_pearson(5, 10)
    assert (lo, hi) == (pytest.approx(0.1871, abs=1e-4), pytest.approx(0.8129, abs=1e-4))


def test_cep_and_ellipse_of_a_known_normal():
    # Synthetic landings, bivariate normal with sigma 30 m and 10 m along an axis at 60 deg
    # true. Closed forms: semi-axes sqrt(chi2_2(0.95)) sigma; for a circular normal of sigma s
    # the radial distance is Rayleigh: CEP50 = s sqrt(2 ln 2), CEP90 = s sqrt(2 ln 10).
    rng = np.random.default_rng(0)
    n = 200_000
    az = math.radians(60.0)
    major = np.array([math.sin(az), math.cos(az)])
    minor = np.array([math.cos(az), -math.sin(az)])
    pts = rng.standard_normal((n, 1)) * 30.0 * major + rng.standard_normal((n, 1)) * 10.0 * minor
    model, plan = scenario()
    job = replace(job_for(plan, model.uncertainty), origin_east=100.0, origin_north=-50.0)
    cnt = {"in_lz": 0, "fail_ground_impact": 0}
    d = dispersion(job, n, pts[:, 0].astype(np.float32), pts[:, 1].astype(np.float32),
                   np.zeros(n, np.float32), np.zeros(n, np.float32), cnt)  # fmt: skip
    e = d.ellipse95
    # sampling error of a standard deviation is 1/sqrt(2n) = 0.16 %; 1 % allowed
    assert e["semi_major_m"] == pytest.approx(math.sqrt(CHI2_2_95) * 30.0, rel=0.01)
    assert e["semi_minor_m"] == pytest.approx(math.sqrt(CHI2_2_95) * 10.0, rel=0.01)
    assert e["azimuth_deg"] == pytest.approx(60.0, abs=0.5)
    assert e["coverage"] == pytest.approx(0.95, abs=0.003)  # binomial SE 0.0005
    assert (d.mean_east_m, d.mean_north_m) == (pytest.approx(100.0, abs=0.3),
                                               pytest.approx(-50.0, abs=0.3))  # fmt: skip
    circ = rng.standard_normal((n, 2)).astype(np.float32) * 20.0
    d = dispersion(job, n, circ[:, 0], circ[:, 1], np.zeros(n, np.float32),
                   np.zeros(n, np.float32), cnt)  # fmt: skip
    # quantile sampling error ~ 0.3 %: 1 % allowed
    assert d.cep50_m == pytest.approx(20.0 * math.sqrt(2 * math.log(2)), rel=0.01)
    assert d.cep90_m == pytest.approx(20.0 * math.sqrt(2 * math.log(10)), rel=0.01)


# --- chunking and memory -------------------------------------------------------------------------


def test_same_seed_same_statistics_whatever_the_chunking():
    model, plan = scenario()
    job = job_for(plan, model.uncertainty)
    n = 3 * SEED_BLOCK + 123
    with LocalBackend(1) as one:
        a = run_montecarlo(job, n, one, chunk_size=SEED_BLOCK)
        b = run_montecarlo(job, n, one, chunk_size=100_000)
    with LocalBackend(2) as two:
        c = run_montecarlo(job, n, two, chunk_size=2 * SEED_BLOCK)
    for other in (b, c):
        assert other.cep50_m == a.cep50_m and other.ellipse95 == a.ellipse95
        assert (other.mean_east_m, other.mean_north_m) == (a.mean_east_m, a.mean_north_m)
        assert other.checks == a.checks and other.deploy_altitude == a.deploy_altitude
        np.testing.assert_array_equal(other.plot_east, a.plot_east)


def test_memory_does_not_grow_with_n_beyond_the_summary_columns():
    # Python-heap peak (numpy reports its buffers to tracemalloc) of in-process runs with a
    # fixed chunk: growing n by 6 x 4096 samples may add only the per-sample summary arrays
    # (4 float32 columns + the float32 radial distances and a quantile copy: < 40 B/sample).
    # Without chunking the kernel would hold ~1 kB per sample.
    model, plan = scenario()
    job = job_for(plan, model.uncertainty)
    peaks = []
    with LocalBackend(1) as one:
        for n in (2 * SEED_BLOCK, 8 * SEED_BLOCK):
            tracemalloc.start()
            run_montecarlo(job, n, one, chunk_size=SEED_BLOCK)
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
    per_sample = (peaks[1] - peaks[0]) / (6 * SEED_BLOCK)
    assert per_sample < 40.0, f"{per_sample:.0f} B per extra sample"
