"""The helicopter's Monte Carlo: what each [uncertainty] key perturbs, reproducibility, and the
same result on the local pool and a Dask LocalCluster."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from stuntsim.heli import montecarlo as mc
from stuntsim.heli.simulate import _atmosphere, _wind, evaluate_sample, simulate_batch
from stuntsim.scenario import load
from stuntsim.units import FT, KT

SCENARIO = """
kind = "heli"
[site]
lat = -44.9
lon = 168.1
elevation = "200 m"
[aircraft]
mass = "2000 kg"
[[winds]]
altitude = "0 m"
from = "270 deg"
speed = "20 kt"
[start]
altitude = "2500 ft"
heading = "090 deg"
[[segments]]
kind = "straight"
airspeed = "80 kt"
duration = "4 s"
[[segments]]
kind = "spiral"
airspeed = "60 kt"
bank = "40 deg"
direction = "left"
turns = 0.5
altitude_loss = "200 ft"
[[rigs]]
name = "nose"
mass = "40 kg"
frontal_area = "0.3 m^2"
drag_coefficient = 0.8
rated_limit_load = "3000 N"
position = { forward = "3.2 m", right = "0 m", down = "1.8 m" }
[terrain]
kind = "flat"
[uncertainty]
wind_speed = { sigma = "20 %" }
wind_direction = { sigma = "10 deg" }
wind_speed_layer = { sigma = "10 %" }
wind_direction_layer = { sigma = "5 deg" }
gust = { sigma = "10 kt" }
temperature = { sigma = "3 K" }
mass = { sigma = "30 kg" }
airspeed = { sigma = "3 kt" }
bank = { low = "-3 deg", high = "3 deg" }
descent_rate = { sigma = "100 ft/min" }
rig_drag = { sigma = "15 %" }
"""


@pytest.fixture
def loaded(tmp_path: Path):
    p = tmp_path / "mc.toml"
    p.write_text(SCENARIO)
    return load(p)


def test_the_wind_veers_and_scales_as_sampled(loaded):
    # 20 kt from 270 blows toward east (+10.289 m/s). Veered by 90 deg it comes from 360 and
    # blows toward south; scaled by 1.5 it is 30 kt.
    plan = loaded.plan
    smp = mc.nominal(plan, 1)
    smp.wind_turn[0] = math.radians(90.0)
    smp.wind_scale[0] = 1.5
    w = _wind(plan, smp, 0)
    e, n = w.at(500.0)
    assert float(e) == pytest.approx(0.0, abs=1e-12)
    assert float(n) == pytest.approx(-1.5 * 20 * KT, rel=1e-12)


def test_an_oat_offset_keeps_the_site_pressure(loaded):
    # +10 K at every height, pressure re-integrated from the site's: at the site elevation the
    # density is p / (R (T + 10)) (ideal gas).
    plan = loaded.plan
    atm = plan.air.atmosphere
    hot = _atmosphere(plan, 10.0)
    z = 200.0
    assert float(hot.pressure(z)) == pytest.approx(float(atm.pressure(z)), rel=1e-9)
    assert float(hot.density(z)) == pytest.approx(
        float(atm.pressure(z)) / (287.05287 * (float(atm.temperature(z)) + 10.0)), rel=1e-9
    )
    # above the site the warmer column holds the pressure up: p(1000 m) rises
    assert float(hot.pressure(1000.0)) > float(atm.pressure(1000.0))


def test_each_key_moves_its_sample(loaded):
    plan = loaded.plan
    base = evaluate_sample(plan, mc.nominal(plan, 1), 0)
    smp = mc.nominal(plan, 1)
    smp.airspeed[0, :] = 5 * KT
    faster = evaluate_sample(plan, smp, 0)
    seg0 = faster.s["segment"] == 0
    np.testing.assert_allclose(faster.s["airspeed_m_s"][seg0][:3], 85 * KT, rtol=1e-9)
    smp = mc.nominal(plan, 1)
    smp.mass[0] = 100.0
    assert evaluate_sample(plan, smp, 0).balance.mass_start[0] == pytest.approx(
        base.balance.mass_start[0] + 100.0
    )
    smp = mc.nominal(plan, 1)
    smp.gust[0] = 10 * KT
    gusty = evaluate_sample(plan, smp, 0)
    assert np.all(gusty.s["load_factor_gust"] > base.s["load_factor"])
    smp = mc.nominal(plan, 1)
    smp.rig_drag[0, 0] = 2.0
    draggy = evaluate_sample(plan, smp, 0)
    # the certification case's air load doubles with Cd: at +3.5 g at Vne the nose rig's
    # -x load is 1/2 rho Cd A |u| V: the rig is under the disc, where the +3.5 g wake is
    # 2 v_i = 2 n W / (2 rho A V) = 2 x 3.5 x 20,006 / (2 x 1.225 x 89.75 x 79.739) = 7.99 m/s,
    # |u| = 80.138 m/s: 0.5 x 1.225 x 0.24 x 80.138 x 79.739 = 939.3 N (1 N: disc tilt)
    assert base.certs[0].case == "manoeuvre +3.5 g at 155 kt"
    assert base.certs[0].limit_n[0] == pytest.approx(-939.3, abs=1.0)
    assert draggy.certs[0].cases["manoeuvre +3.5 g"] < base.certs[0].cases["manoeuvre +3.5 g"]
    assert draggy.ac.flat_plate_area - base.ac.flat_plate_area == pytest.approx(0.24, rel=1e-9)
    smp = mc.nominal(plan, 1)
    smp.descent_rate[0, 1] = 200 * FT / 60
    steeper = evaluate_sample(plan, smp, 0)
    assert steeper.s["descent_rate_m_s"].max() == pytest.approx(
        base.s["descent_rate_m_s"].max() + 200 * FT / 60, rel=1e-6
    )


def test_samples_depend_only_on_the_generator(loaded):
    plan, unc = loaded.plan, loaded.model.uncertainty
    a = mc.sample(plan, unc, np.random.default_rng(7), 5)
    b = mc.sample(plan, unc, np.random.default_rng(7), 5)
    np.testing.assert_array_equal(a.airspeed, b.airspeed)
    np.testing.assert_array_equal(a.layer_turn, b.layer_turn)
    assert a.bank.min() >= math.radians(-3) and a.bank.max() <= math.radians(3)
    assert np.all(a.gust >= 0)
    out = simulate_batch(plan, a)
    assert {b.id for b in out.checks} >= {"mass", "cg", "rig_load", "height_velocity"}
    for b_ in out.checks:
        assert b_.ok.shape == (5,) and np.all(np.isfinite(b_.margin))
    assert set(out.columns) >= {"min_clearance_m", "max_load_factor", "min_airspeed_m_s"}


def test_local_pool_and_dask_give_the_same_result(loaded):
    """32 samples in two seed blocks of 16: one worker, two workers with one block per chunk,
    and a Dask LocalCluster of two workers give identical statistics."""
    from stuntsim.uncertainty.backends import make_backend
    from stuntsim.uncertainty.driver import prepare, run_montecarlo

    job = prepare(loaded.kind, loaded.plan, loaded.model.uncertainty, seed=3)
    results = []
    for kw, chunk in (
        (dict(workers=1), 32),
        (dict(workers=2), 16),
        (dict(cluster="local", workers=2), 16),
    ):
        with make_backend(**kw) as be:
            results.append(run_montecarlo(job, 32, be, chunk_size=chunk))
    a = results[0]
    assert a.summary["path"]["min_airspeed_m_s"]["p50"] > 0
    for b in results[1:]:
        assert b.p_go == a.p_go and b.p_go_ci == a.p_go_ci
        assert b.check_failure_rates == a.check_failure_rates
        assert b.margins == a.margins
        assert b.summary == a.summary


def test_a_sample_blown_off_the_dem_fails_safe(tmp_path):
    # The valley DEM spans about +/-4.7 km east of the site. Nominally 20 s at 80 kt east from
    # 3 km with a 10 kt tailwind ends at 3 + 20 x 46.3 m/s = 3.93 km (covered); a sample with
    # twenty times the wind (100 m/s more) ends near 5.9 km: off the DEM, so the terrain checks
    # fail (never pass on missing heights).
    from stuntsim.heli.checks import height_velocity, terrain_clearance

    valley = Path(__file__).resolve().parents[1] / "examples" / "data" / "valley.tif"
    p = tmp_path / "edge.toml"
    p.write_text(
        f"""
kind = "heli"
[site]
lat = -44.9
lon = 168.1
elevation = "450 m"
[[winds]]
altitude = "0 m"
from = "270 deg"
speed = "10 kt"
[start]
altitude = "3000 ft"
east = "3000 m"
north = "0 m"
heading = "090 deg"
[[segments]]
kind = "straight"
airspeed = "80 kt"
duration = "20 s"
[terrain]
dem = "{valley.as_posix()}"
"""
    )
    plan = load(p).plan
    smp = mc.nominal(plan, 2)
    smp.wind_scale[1] = 20.0
    evs = [evaluate_sample(plan, smp, i) for i in range(2)]
    tc = terrain_clearance(plan, evs)
    hv = height_velocity(plan, evs)
    assert tc.ok[0] and not tc.ok[1] and tc.margin[1] == -1.0
    assert not hv.ok[1]
    assert "leaves the terrain model" in tc.record(1).message
