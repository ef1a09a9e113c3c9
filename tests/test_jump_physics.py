"""Freefall physics against closed forms and published figures (USPA Skydiver's Information
Manual section 6-3 and Integrated Student Program rules of thumb; Red Bull Stratos data)."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from stuntsim.jump.jumper import BODY_POSITIONS
from stuntsim.jump.kernel import simulate_batch
from stuntsim.jump.plan import build_plan
from stuntsim.jump.scenario import JumpScenario
from stuntsim.scenario import load
from stuntsim.units import MPH
from stuntsim.world.atmosphere import R_AIR, Atmosphere

from conftest import EXAMPLES


def plan_from(doc: dict):
    base = {"kind": "jump"}
    base.update(doc)
    return build_plan(JumpScenario.model_validate(base), Path("test.toml"))


def constant_density(rho: float) -> Atmosphere:
    """An isothermal, isobaric column: rho the same at every altitude."""
    t = np.full(3, 288.15)
    lnp = np.full(3, math.log(rho * R_AIR * 288.15))
    return Atmosphere(-1000.0, 50_000.0, t, lnp, source="constant density")


@pytest.mark.parametrize("t_fall", [3.0, 12.0, 40.0])
def test_constant_density_fall_matches_tanh_solution(t_fall):
    # From rest, constant rho and g, no wind: v = vt tanh(g t/vt), d = vt^2/g ln cosh(g t/vt)
    # (the closed form of the quadratic-drag fall). Exact oracle for the integrator.
    m, cda, rho, g = 90.0, 0.5, 1.0, 9.80665
    plan = plan_from(
        {
            "jumper": {"mass": f"{m} kg", "drag_area": f"{cda} m^2"},
            "jump": {
                "exit_altitude": "5000 m",
                "freefall_time": f"{t_fall} s",
                "platform": "balloon",
            },
        }
    )
    batch = replace(plan.batch(1), atmosphere=constant_density(rho), gravity=g)
    out = simulate_batch(batch)
    vt = math.sqrt(2 * m * g / (rho * cda))
    v = vt * math.tanh(g * t_fall / vt)
    d = vt**2 / g * math.log(math.cosh(g * t_fall / vt))
    assert out.deploy_t[0] == pytest.approx(t_fall, abs=1e-9)
    # The kernel's freefall steps start at 0.5 s and grow to 3 s (chosen for the 1 m landing
    # requirement); on a time constant vt/g ~ 5.6 s RK4 then errs by up to 2.4e-5 relative.
    # 1e-4 of a 1 km fall is 0.1 m, well inside the 1 m requirement.
    assert -out.deploy_vel[0, 2] == pytest.approx(v, rel=1e-4)
    assert 5000.0 - out.deploy_pos[0, 2] == pytest.approx(d, rel=1e-4)


def test_terminal_speed_scales_with_inverse_sqrt_density():
    # Terminal speed vt = sqrt(2 m g / (rho CdA)) ~ 1/sqrt(rho): at 25 000 ft (USSA 1976
    # density 0.549527 kg/m^3) a jumper falls sqrt(1.225/0.549527) = 1.49 times faster than at
    # sea level in the same body position.
    speeds = []
    for rho in (1.225, 0.549527):  # USSA 1976 at 0 and 7 620 m
        plan = plan_from(
            {
                "jumper": {"mass": "85 kg", "position": "belly"},
                "jump": {
                    "exit_altitude": "60000 m",
                    "freefall_time": "120 s",
                    "platform": "balloon",
                },
            }
        )
        batch = replace(plan.batch(1), atmosphere=constant_density(rho), gravity=9.80665)
        speeds.append(float(np.linalg.norm(simulate_batch(batch).deploy_vel[0])))
    ratio = speeds[1] / speeds[0]
    # 120 s is > 20 time constants: the speeds are terminal to 1e-9; 1e-6 is rounding room.
    assert ratio == pytest.approx(math.sqrt(1.225 / 0.549527), rel=1e-6)
    assert ratio == pytest.approx(1.49, abs=0.005)  # the figure as quoted
    # and the belly preset falls at the USPA 120 mph at its reference density (8 250 ft MSL)
    rho_ref = BODY_POSITIONS["belly"].reference_density
    plan = plan_from(
        {
            "jumper": {"mass": "85 kg", "position": "belly"},
            "jump": {"exit_altitude": "60000 m", "freefall_time": "120 s", "platform": "balloon"},
        }
    )
    batch = replace(plan.batch(1), atmosphere=constant_density(rho_ref), gravity=9.80665)
    v_ref = float(np.linalg.norm(simulate_batch(batch).deploy_vel[0]))
    assert v_ref == pytest.approx(120 * MPH, rel=1e-6)
    assert rho_ref == pytest.approx(0.95553, abs=5e-5)  # USSA 1976 at 2 514.6 m


def test_belly_freefall_time_13500_to_3000_ft():
    # Absolute freefall time against the published rule: about 10 s for the first 1 000 ft,
    # then about 5.5 s per 1 000 ft in the belly position (USPA Integrated Student Program
    # category material), so 10 + 5.5 x 9.5 = 62.25 s from a 13 500 ft exit to a 3 000 ft
    # opening. Tolerance 5 %: the rule is "about" and the USPA's own two figures disagree by 3 %
    # (120 mph belly is 5.68 s per 1 000 ft, not 5.5), plus the 85 kt throw of the exit.
    plan = plan_from(
        {
            "jumper": {"mass": "85 kg", "position": "belly"},
            "jump": {
                "exit_altitude": "13500 ft",
                "open_altitude": "3000 ft",
                "aircraft_speed": "85 kt",
            },
        }
    )
    t = float(simulate_batch(plan.batch(1)).deploy_t[0])
    assert t == pytest.approx(62.25, rel=0.05)
    # the sea-level anchoring this replaces gave 57.4 s, 8 % short: outside the tolerance
    assert abs(57.4 / 62.25 - 1) > 0.05


def test_presets_reproduce_their_cited_fall_rates():
    for pos in BODY_POSITIONS.values():
        cda = pos.drag_area()
        rho = pos.reference_density
        v = math.sqrt(
            2 * pos.reference_mass * 9.80665 / (rho * cda * math.sqrt(1 + pos.glide_ratio**2))
        )
        assert v == pytest.approx(pos.fall_rate, rel=1e-12)
        assert pos.reference_altitude_m == pytest.approx(8250 * 0.3048)


@pytest.mark.parametrize("position", ["head_down", "belly"])
def test_film_case_speeds_from_25000_ft(position):
    # The film: "speeds topping 200 mph" from 25 000 ft. With the USPA rates anchored at
    # 8 250 ft (USSA 1976 rho 0.95553), the terminal speeds at 25 000 ft (rho 0.549527) are
    # 120 x sqrt(0.95553/0.549527) = 158 mph belly and 160 x 1.3187 = 211 mph head-down for
    # the 85 kg jumper the USPA figures describe (the film's 110 kg actor and rig: next test).
    plan = plan_from(
        {
            "jumper": {"mass": "85 kg", "position": position},
            "jump": {
                "exit_altitude": "25000 ft",
                "open_altitude": "4000 ft",
                "aircraft_speed": "130 kt",
            },
        }
    )
    out = simulate_batch(plan.batch(1))
    vmax = float(out.max_speed[0]) / MPH
    assert vmax < 200.0
    pos = BODY_POSITIONS[position]
    expect = pos.fall_rate / MPH * math.sqrt(pos.reference_density / 0.549527)
    assert expect == pytest.approx(158.2 if position == "belly" else 211.0, abs=0.1)
    if position == "belly":
        # the 130 kt (150 mph) exit is near the belly terminal speed: the peak is the throw
        assert vmax < expect
        return
    # The peak is reached after some fall into denser air, so it stays below the 25 000 ft
    # terminal speed; 0.5 %: the figure is rounded to 0.1 mph
    assert vmax < expect * 1.005
    # ...and at the peak, drag balances weight: the speed is the local terminal speed
    # V_ref sqrt(rho_ref / rho(z_peak)) (the aircraft's horizontal speed has decayed by then).
    z_peak = float(out.max_speed_pos[0, 2])
    rho = float(plan.air.atmosphere.density(z_peak))
    v_local = pos.fall_rate * math.sqrt(pos.reference_density / rho) / MPH
    # 1 %: the residual horizontal throw and the still-falling density at the peak
    assert vmax == pytest.approx(v_local, rel=0.01)


def test_fallout_example_tops_200_mph():
    plan = load(EXAMPLES / "fallout-halo.toml").plan
    out = simulate_batch(plan.batch(1))
    assert out.max_speed[0] / MPH > 200.0


def test_sport_rule_of_thumb():
    # USPA Integrated Student Program: about 10-12 s for the first 1 000 ft, then about 5.5 s
    # per 1 000 ft in the belly position (rule of thumb: +-15 % allowed for its vagueness and the
    # jumper's 90 kg).
    plan = load(EXAMPLES / "sport-13500.toml").plan
    out = simulate_batch(plan.batch(1), record=True)
    tr = out.trajectory
    fallen_ft = (tr["y"][:, 2][0] - tr["y"][:, 2]) / 0.3048
    t = tr["t"]
    t1000 = float(np.interp(1000.0, fallen_ft, t))
    assert 10.0 * 0.85 < t1000 < 12.0 * 1.15
    t5000 = float(np.interp(5000.0, fallen_ft, t))
    per_1000 = (t5000 - t1000) / 4.0
    assert per_1000 == pytest.approx(5.5, rel=0.15)


def test_stratos_2012():
    # Red Bull Stratos public data (Guerster & Walter, PLOS ONE 12(12): e0187798, 2017):
    # exit 38 969.4 m, peak 377.1 m/s (Mach 1.25) about 50 s after
    # exit near 28 km, freefall 4 min 19 s to deployment at about 2 567 m.
    res = load(EXAMPLES / "stratos-2012.toml").plan
    out = simulate_batch(res.batch(1))
    assert out.max_mach[0] > 1.0  # goes supersonic
    # time to 2 567 m within 5 % of 259 s (issue 3's criterion)
    assert out.deploy_t[0] == pytest.approx(259.0, rel=0.05)
    # A constant-area point-mass model under-predicts the peak by about 8-10 % (reference
    # Guerster & Walter 2017): accept 4-12 % low, and the time of the peak within 10 % of 50 s.
    assert 0.88 * 377.1 < out.max_speed[0] < 0.96 * 377.1
    assert out.max_speed_t[0] == pytest.approx(50.0, rel=0.10)
    # peak altitude: sources say 27 833 m or 28 833 m; allow 27-30 km
    assert 27_000.0 < out.max_speed_pos[0, 2] < 30_000.0


def test_drag_acts_on_air_relative_velocity():
    # A balloon exit at rest in the air starts with the wind's velocity and, in a uniform wind,
    # keeps it horizontally: zero air-relative horizontal motion means no horizontal drag.
    plan = plan_from(
        {
            "winds": [{"altitude": "0 m", "from": "270 deg", "speed": "20 kt"}],
            "jumper": {"mass": "85 kg", "position": "belly"},
            "jump": {"exit_altitude": "4000 m", "freefall_time": "20 s", "platform": "balloon"},
        }
    )
    out = simulate_batch(plan.batch(1))
    w = 20 * 1852 / 3600
    assert out.deploy_vel[0, 0] == pytest.approx(w, rel=1e-9)
    assert out.deploy_pos[0, 0] == pytest.approx(w * 20.0, rel=1e-9)


def test_forward_throw_decays_and_opening_shock_is_plausible():
    plan = plan_from(
        {
            "jumper": {"mass": "90 kg", "position": "belly"},
            "jump": {
                "exit_altitude": "13500 ft",
                "open_altitude": "3500 ft",
                "aircraft_speed": "85 kt",
            },
        }
    )
    out = simulate_batch(plan.batch(1))
    throw = out.deploy_pos[0, 1]
    # forward throw from 85 kt: a few hundred metres (military rule: about 300 m above 120 kt)
    assert 100.0 < throw < 400.0
    # ram-air opening shock of a few g (canopy designs aim at 3-6 g for sport openings)
    assert 2.0 < out.peak_g[0] < 8.0
