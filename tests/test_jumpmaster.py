"""Jumpmaster inputs and outputs against closed forms and published test values."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from stuntsim.constants import FT, KT, R_AIR
from stuntsim.errors import ScenarioError
from stuntsim.jump.jumpmaster import (
    A0,
    GROUP_SEPARATION_M,
    SOLO_SEPARATION_M,
    HeightValue,
    cas_to_tas,
    classic_forward_throw_m,
    decimal_year,
    declination,
    jump_run,
    magnetic_heading_deg,
    parse_height,
    resolve_height,
    standard_pressure_pa,
    tas_to_cas,
)
from stuntsim.world.atmosphere import standard

GAMMA = 1.4


def tas_closed_form(cas: float, p: float, t: float) -> float:
    """NASA RP-1046's form for the true airspeed directly (algebraically distinct from the
    code's Mach route): V_t^2 = 2g/(g-1) (p/rho) [(q_c/p + 1)^((g-1)/g) - 1], with
    q_c = p0 [(1 + (g-1)/2 (V_c/a0)^2)^(g/(g-1)) - 1] and p/rho = R T."""
    a0 = math.sqrt(1.4 * R_AIR * 288.15)
    qc = 101_325.0 * ((1 + 0.2 * (cas / a0) ** 2) ** 3.5 - 1)
    return math.sqrt(7.0 * R_AIR * t * ((qc / p + 1) ** (1 / 3.5) - 1))


# --- indicated (calibrated) to true airspeed --------------------------------------------------


def test_cas_equals_tas_at_sea_level_standard() -> None:
    assert A0 == pytest.approx(340.294, abs=1e-3)  # ISA sea-level speed of sound
    for kt in (60.0, 130.0, 250.0):
        assert cas_to_tas(kt * KT, 101_325.0, 288.15) == pytest.approx(kt * KT, rel=1e-12)


@pytest.mark.parametrize("alt_ft", [5_000.0, 13_500.0, 25_000.0, 35_000.0])
@pytest.mark.parametrize("cas_kt", [80.0, 130.0, 250.0])
def test_cas_to_tas_against_the_closed_form(alt_ft: float, cas_kt: float) -> None:
    atm = standard()
    p, t = float(atm.pressure(alt_ft * FT)), float(atm.temperature(alt_ft * FT))
    # same physics, different algebra: agreement to round-off (1e-10 relative)
    assert cas_to_tas(cas_kt * KT, p, t) == pytest.approx(
        tas_closed_form(cas_kt * KT, p, t), rel=1e-10
    )


def test_130_kt_indicated_at_fl250_is_about_193_kt_true() -> None:
    # ISA at 25 000 ft: p = 37.60 kPa, T = 238.6 K; by hand q_c = 2 767 Pa, M = 0.3196,
    # V_t = 192.6 kt. Tolerance 0.2 kt: the hand figures carry four digits.
    atm = standard()
    tas = cas_to_tas(130 * KT, float(atm.pressure(7620.0)), float(atm.temperature(7620.0)))
    assert tas / KT == pytest.approx(192.6, abs=0.2)
    # the incompressible estimate V_c sqrt(rho0/rho) is 1.6 kt higher: compressibility matters
    rho = float(atm.density(7620.0))
    assert 130 * math.sqrt(1.225 / rho) - tas / KT == pytest.approx(1.6, abs=0.3)


def test_low_speed_limit_is_the_density_ratio() -> None:
    # as M -> 0, V_t -> V_c sqrt(rho0 / rho); at 5 kt the O(M^2) remainder is below 1e-4
    atm = standard()
    z = 6000.0
    p, t, rho = (float(f(z)) for f in (atm.pressure, atm.temperature, atm.density))
    tas = cas_to_tas(5 * KT, p, t)
    assert tas == pytest.approx(5 * KT * math.sqrt(1.2250 / rho), rel=1e-4)


def test_tas_to_cas_inverts_and_supersonic_is_refused() -> None:
    atm = standard()
    p, t = float(atm.pressure(9000.0)), float(atm.temperature(9000.0))
    assert tas_to_cas(cas_to_tas(150 * KT, p, t), p, t) == pytest.approx(150 * KT, rel=1e-12)
    with pytest.raises(ValueError, match="Mach"):
        cas_to_tas(550 * KT, float(atm.pressure(15000.0)), float(atm.temperature(15000.0)))


# --- heights ----------------------------------------------------------------------------------


def test_parse_heights() -> None:
    assert parse_height("FL250") == (pytest.approx(7620.0), "fl")
    assert parse_height("fl 95") == (pytest.approx(9500 * FT), "fl")
    assert parse_height("3000 ft AGL") == (pytest.approx(914.4), "agl")
    assert parse_height("25000 ft MSL") == (pytest.approx(7620.0), "msl")
    assert parse_height("4000 m") == (4000.0, "msl")


def test_flight_level_on_a_standard_and_a_cold_day() -> None:
    # FL250 = pressure altitude 25 000 ft = 7 620 m' geopotential (ICAO): geometric
    # z = r0 H / (r0 - H) = 7 629.14 m on a standard day (r0 = 6 356 766 m)
    z_std = resolve_height(HeightValue(7620.0, "fl"), 0.0, standard())
    assert z_std == pytest.approx(6_356_766 * 7620 / (6_356_766 - 7620), abs=0.05)
    # troposphere closed form of the standard pressure there: p0 (1 - L H / T0)^(g0 / (R L))
    p_fl = 101_325.0 * (1 - 0.0065 * 7620 / 288.15) ** (9.80665 / (R_AIR * 0.0065))
    assert standard_pressure_pa(7620.0) == pytest.approx(p_fl, rel=1e-6)
    # on an ISA-15 day the same pressure lies lower (the altimeter over-reads in the cold)
    cold = standard(-15.0)
    z_cold = resolve_height(HeightValue(7620.0, "fl"), 0.0, cold)
    assert float(cold.pressure(z_cold)) == pytest.approx(p_fl, rel=1e-6)
    assert z_std - z_cold == pytest.approx(400.0, abs=30.0)  # ~ 15/238 x 7.6 km, by hand
    assert resolve_height(HeightValue(914.4, "agl"), 500.0, standard()) == pytest.approx(1414.4)


SCENARIO = """
kind = "jump"
[site]
elevation = "1500 ft"
[jumper]
mass = "100 kg"
position = "belly"
oxygen = true
prebreathe = "30 min"
licence = "military"
[jump]
exit_altitude = "FL250"
open_altitude = "4000 ft AGL"
{speed}
aircraft_heading = "90 deg"
"""


def test_scenario_accepts_flight_levels_agl_and_indicated_airspeed(tmp_path: Path) -> None:
    from stuntsim.scenario import load

    f = tmp_path / "fl.toml"
    f.write_text(SCENARIO.format(speed='indicated_airspeed = "130 kt"'))
    plan = load(f).plan
    assert plan.exit_altitude == pytest.approx(7629.14, abs=0.05)
    assert plan.open_altitude == pytest.approx(1500 * FT + 4000 * FT)
    atm = plan.air.atmosphere
    p, t = float(atm.pressure(plan.exit_altitude)), float(atm.temperature(plan.exit_altitude))
    assert plan.aircraft_speed == pytest.approx(cas_to_tas(130 * KT, p, t), rel=1e-12)
    assert plan.aircraft_speed / KT == pytest.approx(192.7, abs=0.3)


def test_scenario_refuses_two_airspeeds(tmp_path: Path) -> None:
    from stuntsim.scenario import load

    f = tmp_path / "two.toml"
    f.write_text(SCENARIO.format(speed='indicated_airspeed = "130 kt"\naircraft_speed = "190 kt"'))
    with pytest.raises(ScenarioError) as e:
        load(f)
    assert "indicated_airspeed" in str(e.value)


# --- magnetic headings: NOAA's published WMM2025 test values ----------------------------------


@pytest.mark.parametrize(
    ("lat", "lon", "alt_km", "d_deg"),
    [
        (80.0, 0.0, 0.0, 1.28),
        (0.0, 120.0, 0.0, -0.16),
        (-80.0, -120.0, 0.0, 68.78),  # 240 E
        (80.0, 0.0, 100.0, 0.85),
        (0.0, 120.0, 100.0, -0.15),
    ],
)
def test_declination_matches_noaa_wmm2025_test_values(
    lat: float, lon: float, alt_km: float, d_deg: float
) -> None:
    # WMM2025 test values (NOAA NCEI, WMM2025testvalues), epoch 2025.0; printed to 0.01 deg:
    # a right answer is within 0.005 deg
    d = declination(lat, lon, alt_km * 1000.0, dt.date(2025, 1, 1))
    assert d.decimal_year == 2025.0
    assert d.degrees == pytest.approx(d_deg, abs=0.005 + 1e-9)


def test_magnetic_heading_and_model_life_span() -> None:
    assert magnetic_heading_deg(270.0, 10.0) == pytest.approx(260.0)  # 10° E: subtract
    assert magnetic_heading_deg(5.0, -10.0) == pytest.approx(15.0)
    assert decimal_year(dt.date(2026, 7, 2)) == pytest.approx(2026 + 182 / 365)
    with pytest.raises(ValueError, match="2030"):
        declination(40.0, -105.0, 0.0, dt.date(2031, 1, 1))


# --- jump run, lights and group separation ----------------------------------------------------


def test_jump_run_solo_separation_from_ground_speed() -> None:
    # 40 m/s true north into a 10 m/s headwind (wind from the north, blowing south): ground
    # speed 30 m/s. USPA SIM 5-7: 1 000 ft between solo jumpers -> 304.8 m, 10.16 s apart.
    run = jump_run(release_east_m=0.0, release_north_m=0.0, heading_rad=0.0, airspeed_m_s=40.0,
                   wind_east_m_s=0.0, wind_north_m_s=-10.0, groups=3)  # fmt: skip
    assert run.ground_speed_m_s == pytest.approx(30.0)
    assert run.separation_m == pytest.approx(304.8)
    assert run.separation_s == pytest.approx(304.8 / 30.0)
    assert [g.north_m for g in run.groups] == pytest.approx([-304.8, 0.0, 304.8])
    assert [g.t_after_green_s for g in run.groups] == pytest.approx([0.0, 10.16, 20.32])
    assert run.green_light.north_m == pytest.approx(-304.8)
    assert run.red_light.north_m == pytest.approx(304.8)
    assert "USPA SIM 5-7" in run.separation_source
    d = run.to_json()
    assert d["green_light"]["t_after_green_s"] == 0.0 and len(d["groups"]) == 3


def test_jump_run_groups_and_reach() -> None:
    assert SOLO_SEPARATION_M == pytest.approx(1000 * FT)
    assert GROUP_SEPARATION_M == pytest.approx(1500 * FT)
    run = jump_run(release_east_m=100.0, release_north_m=0.0, heading_rad=math.pi / 2,
                   airspeed_m_s=50.0, wind_east_m_s=10.0, wind_north_m_s=0.0, groups=4,
                   group_size=4, reachable_radius_m=500.0)  # fmt: skip
    assert run.separation_m == pytest.approx(457.2)
    assert run.separation_s == pytest.approx(457.2 / 60.0)
    assert [g.within_reach for g in run.groups] == [False, True, True, False]
    assert run.notes and "outside the reachable area" in run.notes[0]


def test_classic_forward_throw() -> None:
    # HARP lesson: 300 m above 120 kt, 150 m below
    assert classic_forward_throw_m(100 * KT) == 150.0
    assert classic_forward_throw_m(120 * KT) == 150.0
    assert classic_forward_throw_m(130 * KT) == 300.0
    assert classic_forward_throw_m(0.0) == 0.0


def test_cabin_and_pressure_keys_reach_the_checks(tmp_path: Path) -> None:
    from stuntsim.jump.physiology import cabin_summary, config_from_scenario, physiology_inputs
    from stuntsim.jump.simulate import nominal_trajectory
    from stuntsim.scenario import load

    text = SCENARIO.format(speed='aircraft_speed = "190 kt"').replace(
        'licence = "military"', 'licence = "military"\npressure = "pressure_breathing"'
    )
    # 40 min before the exit on the ground, level at FL250 from 10 min before it
    text += (
        '\n[cabin]\nprofile = [["40 min", "0 ft AGL"], ["10 min", "FL250"], ["0 min", "FL250"]]\n'
    )
    f = tmp_path / "cabin.toml"
    f.write_text(text)
    plan = load(f).plan
    cfg = config_from_scenario(plan.scenario, plan.lz_radius)
    assert cfg.pressure_protection == "pressure_breathing"
    assert cfg.cabin is not None
    assert cfg.cabin.t_s == (-2400.0, -600.0, 0.0)
    assert cfg.cabin.altitude_m[0] == pytest.approx(1500 * FT)
    assert cfg.cabin.altitude_m[1] == pytest.approx(7629.14, abs=0.05)
    o, _ = nominal_trajectory(plan)
    cab = cabin_summary(physiology_inputs(plan, o, config=cfg))
    # 600 s level at FL250 (on the 25 000 ft edge) plus the top of the climb: none above it
    assert cab["time_above_dcs_s"] == pytest.approx(600.0, abs=0.01)
    assert cab["max_pressure_altitude_m"] == pytest.approx(7620.0, abs=0.01)


def test_spot_json_carries_the_jump_run(tmp_path: Path) -> None:
    from stuntsim.jump.spot import solve_release
    from stuntsim.scenario import load

    text = SCENARIO.format(speed='aircraft_speed = "120 kt"')
    text += "\n[spot]\nsolve = false\ngroups = 3\ngroup_size = 4\ndate = 2026-06-01\n"
    text += '\n[[winds]]\naltitude = "0 ft"\nfrom = "90 deg"\nspeed = "10 kt"\n'
    f = tmp_path / "groups.toml"
    f.write_text(text)
    plan = load(f).plan
    sol = solve_release(plan, "auto", 1, 1.0)
    run = sol.to_json()["jump_run"]
    # east at 120 kt into a 10 kt easterly: 110 kt over the ground; USPA 1 500 ft between groups
    assert run["ground_speed_m_s"] == pytest.approx(110 * KT, rel=1e-6)
    assert run["separation_m"] == pytest.approx(1500 * FT)
    assert run["separation_s"] == pytest.approx(1500 * FT / (110 * KT), rel=1e-6)
    assert [g["index"] for g in run["groups"]] == [1, 2, 3]
    assert run["heading_magnetic_deg"] == pytest.approx(
        magnetic_heading_deg(90.0, run["declination_deg"])
    )
    assert sol.classic["forward_throw_m"] == 150.0  # 120 kt is not above 120 kt


def test_jump_run_gives_what_the_pilot_flies(tmp_path: Path) -> None:
    from stuntsim.scenario import load

    f = tmp_path / "ias.toml"
    f.write_text(SCENARIO.format(speed='indicated_airspeed = "130 kt"'))
    from stuntsim.jump.spot import solve_release

    plan = load(f).plan
    run = solve_release(plan, "auto", 1, 1.0).jump_run
    # the indicated airspeed comes back from the true one (the scenario gave 130 kt), and the
    # exit reads FL250 on the altimeter (pressure altitude 7 620 m')
    assert run.indicated_airspeed_m_s == pytest.approx(130 * KT, rel=1e-9)
    assert run.exit_pressure_altitude_m == pytest.approx(7620.0, abs=0.01)
    assert run.exit_altitude_agl_m == pytest.approx(7629.14 - 1500 * FT, abs=0.05)
