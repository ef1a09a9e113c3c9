"""Rotor performance: momentum theory against its closed forms, the H125 preset against its
published figures (Airbus H125 technical data)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from stuntsim.heli import performance as perf
from stuntsim.heli.aircraft import G0, H125, H125_HOVER_CEILING_OGE
from stuntsim.units import FT, KT
from stuntsim.world.atmosphere import standard

RHO0 = 1.225  # USSA 1976 sea level (NOAA-S/T 76-1562)

# An ideal rotor: no induced-power factor, no profile drag, no fuselage drag, no losses, so the
# model reduces to the actuator disc of momentum theory.
IDEAL = replace(
    H125,
    download_fraction=0.0,
    induced_power_factor=1.0,
    profile_drag_coefficient=0.0,
    flat_plate_area=0.0,
    drivetrain_efficiency=1.0,
)


def test_hover_induced_velocity_of_the_h125_at_max_weight():
    # Reference §6: v_h = sqrt(W / (2 rho A)) ~ 10.0 m/s at 2,250 kg, sea level. The figure is
    # quoted to 0.1 m/s, so +/- 0.05 m/s is its own rounding.
    vh = perf.hover_induced_velocity(H125.max_mass * G0, RHO0, H125.disc_area)
    assert vh == pytest.approx(10.0, abs=0.05)
    # and the geometry behind it: diameter 10.69 m, 390 rpm -> ~218 m/s tip speed (§6)
    assert H125.tip_speed == pytest.approx(218.0, abs=0.5)


def test_hover_state_equals_v_h_and_ideal_power():
    # Actuator disc in hover: v_i = v_h and P = T v_h = sqrt(T^3 / (2 rho A)) (Leishman ch. 2).
    st_ = perf.hover_power(IDEAL, RHO0)
    t = IDEAL.weight
    assert float(st_.v_i) == pytest.approx(math.sqrt(t / (2 * RHO0 * IDEAL.disc_area)), rel=1e-12)
    assert float(st_.main) == pytest.approx(
        math.sqrt(t**3 / (2 * RHO0 * IDEAL.disc_area)), rel=1e-10
    )


@pytest.mark.parametrize("z", [0.0, 0.3, 1.0, 2.5, 6.0])
def test_axial_climb_closed_form(z):
    # Climb: v_i / v_h = -z/2 + sqrt(z^2/4 + 1) (Leishman ch. 2). Bisection to 1e-15.
    expected = -z / 2 + math.sqrt(z * z / 4 + 1)
    assert float(perf.induced_velocity_ratio(0.0, z)) == pytest.approx(expected, rel=1e-12)


def test_climb_power_closed_form():
    # Ideal climb power P = T (V_c/2 + sqrt(V_c^2/4 + v_h^2)) (Leishman ch. 2), V_c = 5 m/s.
    vc = 5.0
    rho = RHO0
    v_air = np.array([[0.0, 0.0, vc]])
    f = np.array([[0.0, 0.0, G0]])
    st_ = perf.rotor_state(IDEAL, rho, v_air, perf.thrust_vector(IDEAL, rho, v_air, f))
    t = IDEAL.weight
    vh = math.sqrt(t / (2 * rho * IDEAL.disc_area))
    expected = t * (vc / 2 + math.sqrt(vc * vc / 4 + vh * vh))
    assert float(st_.main[0]) == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("x", [0.2, 1.0, 3.0, 8.0])
def test_edgewise_flow_closed_form(x):
    # Disc edgewise to the flow (V_perp = 0): v^4 + x^2 v^2 - 1 = 0, so
    # v^2 = -x^2/2 + sqrt(x^4/4 + 1) (Glauert; Leishman ch. 2).
    expected = math.sqrt(-(x**2) / 2 + math.sqrt(x**4 / 4 + 1))
    assert float(perf.induced_velocity_ratio(x, 0.0)) == pytest.approx(expected, rel=1e-12)


def test_high_speed_limit():
    # Glauert's high-speed limit v_i -> v_h^2 / V: at x = 30 the exact root differs from 1/x by
    # about 1/(2 x^4) relative (6e-7), so 1e-5 is a loose bound that still fails for a wrong law.
    assert float(perf.induced_velocity_ratio(30.0, 0.0)) * 30.0 == pytest.approx(1.0, rel=1e-5)


@pytest.mark.parametrize("z", [-2.5, -3.0, -5.0])
def test_windmill_brake_state_closed_form(z):
    # Descent faster than 2 v_h: v_i/v_h = -z/2 - sqrt(z^2/4 - 1) (Leishman ch. 2).
    expected = -z / 2 - math.sqrt(z * z / 4 - 1)
    assert float(perf.induced_velocity_ratio(0.0, z)) == pytest.approx(expected, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.floats(0.0, 10.0), st.floats(-4.0, 4.0))
def test_glauert_equation_holds_where_its_root_is_unique(x, z):
    assume(z >= 0 or x * x >= z * z / 8)  # elsewhere the empirical blend applies
    v = float(perf.induced_velocity_ratio(x, z))
    assert v > 0
    assert v * math.sqrt(x * x + (z + v) ** 2) == pytest.approx(1.0, abs=1e-9)


def test_induced_velocity_is_continuous_across_the_blend():
    # The blend between the empirical axial curve and the Glauert root must not jump.
    for z in (-0.5, -1.0, -1.5, -1.9):
        xb = abs(z) / math.sqrt(8)
        lo = float(perf.induced_velocity_ratio(xb * (1 - 1e-7), z))
        hi = float(perf.induced_velocity_ratio(xb * (1 + 1e-7), z))
        assert lo == pytest.approx(hi, abs=1e-5)


def test_profile_power_hand_calculation():
    # P0 = sigma Cd0 / 8 rho A (Omega R)^3 (1 + 4.65 mu^2), by hand for the H125 preset at
    # mu = 0.2: sigma = 3 x 0.35 / (pi 5.345) = 0.062530, A = 89.752 m^2, Omega R = 218.294 m/s.
    sigma = 3 * 0.35 / (math.pi * 5.345)
    area = math.pi * 5.345**2
    vt = 390 * 2 * math.pi / 60 * 5.345
    expected = sigma * 0.010 / 8 * 1.225 * area * vt**3 * (1 + 4.65 * 0.04)
    assert float(perf.profile_power(H125, 1.225, 0.2)) == pytest.approx(expected, rel=1e-12)


def test_level_flight_power_matches_the_textbook_sum():
    # Level flight at 80 kt: P = kappa W v_i + P0 (1 + K mu^2) + 1/2 rho f V^3, with v_i from
    # the edgewise closed form (Leishman ch. 5). Our vector form tilts the disc by D/W
    # (~3 deg) and counts |T| = sqrt(W^2 + D^2): both second-order, 1 % covers them.
    v = 80 * KT
    st_ = perf.steady_flight(H125, RHO0, v)
    w = H125.weight
    vh = math.sqrt(w / (2 * RHO0 * H125.disc_area))
    x = v / vh
    vi = vh * math.sqrt(-(x**2) / 2 + math.sqrt(x**4 / 4 + 1))
    mu = v / H125.tip_speed
    p0 = float(perf.profile_power(H125, RHO0, mu))
    expected = 1.15 * w * vi + p0 + 0.5 * RHO0 * H125.flat_plate_area * v**3
    assert float(st_.main) == pytest.approx(expected, rel=0.01)


def test_turn_scales_thrust_by_load_factor():
    # In a coordinated turn the rotor carries n W, so v_h grows as sqrt(n) (Johnson 2005).
    n = 1 / math.cos(math.radians(45))
    st1 = perf.steady_flight(IDEAL, RHO0, 30.0, 0.0, 1.0)
    st2 = perf.steady_flight(IDEAL, RHO0, 30.0, 0.0, n)
    assert float(st2.thrust / st1.thrust) == pytest.approx(n, rel=1e-12)
    assert float(st2.v_h / st1.v_h) == pytest.approx(math.sqrt(n), rel=1e-12)


def test_power_available_lapse():
    # P_av = P_rating (rho/rho0)^x: x = 1 by default; 847 shp at sea level (Airbus H125 data).
    assert float(perf.power_available(H125, RHO0)) == pytest.approx(847 * 745.6999, rel=1e-6)
    assert float(perf.power_available(H125, RHO0 / 2)) == pytest.approx(847 * 745.6999 / 2, 1e-6)
    capped = replace(H125, transmission_limit=500e3)
    assert float(perf.power_available(capped, RHO0)) == 500e3


def test_hover_ceiling_against_the_published_figure():
    # Published hover ceiling 11,100 ft (Airbus H125 data: no weight or ground-effect qualifier,
    # unsure), read here as OGE at maximum weight, ISA. Our model gives about 11,100 ft with a
    # 4 % fuselage download (12,300 ft without it). The closeness is partly luck. The
    # tolerance is the model's own uncertainty: varying each estimated figure over a plausible
    # range moves the ceiling by kappa 1.10-1.20: +/-900 ft, drivetrain efficiency 0.80-0.90:
    # +/-1,500 ft, Cd0 +/-10 %: +/-400 ft, chord +/-0.05 m: +/-600 ft, lapse exponent 0.8-1.2:
    # +/-1,900 ft; combined (root sum square) about 2,700 ft. +/-2,000 ft is tighter than that
    # and would catch a factor error in any power term (e.g. dropping the profile power moves
    # the ceiling by more than 3,000 ft).
    ceiling = perf.hover_ceiling_oge(H125, standard())
    assert abs(ceiling - H125_HOVER_CEILING_OGE) < 2000 * FT
    # the download costs height: without it the ceiling is about 1,200 ft higher
    bare = perf.hover_ceiling_oge(replace(H125, download_fraction=0.0), standard())
    assert 800 * FT < bare - ceiling < 1600 * FT
    # and it falls on a hot day (ISA+20): density altitude is what matters
    assert perf.hover_ceiling_oge(H125, standard(20.0)) < ceiling - 500 * FT


def test_vertical_autorotation_on_the_empirical_curve():
    # Ideal rotor (kappa = 1, no profile drag): power-off when v_i + V_c = 0, i.e. where the
    # empirical curve v_i/v_h = poly(z)/1.15 meets -z. Solve that quartic independently with
    # numpy.roots and compare with the grid-and-interpolate solver (step 0.2 m/s: the
    # interpolation of a smooth P(V_d) is good to about 0.05 m/s).
    k = [1.15, -1.125, -1.372, -1.718, -0.655]
    coeffs = [k[4] / 1.15, k[3] / 1.15, k[2] / 1.15, k[1] / 1.15 + 1.0, k[0] / 1.15]
    roots = np.roots(coeffs)
    real = [r.real for r in roots if abs(r.imag) < 1e-9 and -2.0 <= r.real <= 0.0]
    assert len(real) == 1
    vh = math.sqrt(IDEAL.weight / (2 * RHO0 * IDEAL.disc_area))
    rate = float(perf.autorotation_descent_rate(IDEAL, RHO0, 0.0))
    assert rate == pytest.approx(-real[0] * vh, abs=0.05)


def test_forward_autorotation_matches_the_energy_method():
    # Leishman ch. 5: in a steady autorotation the descent supplies the level-flight power,
    # W V_d ~ P_level(V). Valid at speeds well above v_h; induced velocity and profile power
    # change a little with the descent, so 5 % is the method's own accuracy.
    for kt in (60.0, 80.0, 100.0):
        v = kt * KT
        rate = float(perf.autorotation_descent_rate(H125, RHO0, v))
        p_level = float(perf.steady_flight(H125, RHO0, v).main)
        assert rate == pytest.approx(p_level / H125.weight, rel=0.05)


def test_gust_load_factor_grows_with_gust_and_vanishes_without():
    st_ = perf.steady_flight(H125, RHO0, 60 * KT)
    dn0 = float(perf.gust_load_factor_increment(H125, RHO0, st_, 0.0))
    dn1 = float(perf.gust_load_factor_increment(H125, RHO0, st_, 9.144))
    dn2 = float(perf.gust_load_factor_increment(H125, RHO0, st_, 2 * 9.144))
    assert dn0 == 0.0
    assert dn2 == pytest.approx(2 * dn1, rel=1e-12)  # quasi-steady: linear in the gust
    assert 0.2 < dn1 < 1.5  # a 30 ft/s gust on a light helicopter: a fraction of a g


def test_the_two_stage_autorotation_search_equals_the_full_grid():
    # The search looks on every 10th descent rate first, then on the 0.2 m/s grid between the
    # bracketing rates: where P_main falls with the descent rate this is the full-grid result,
    # exactly (same rates, same interpolation). Brute force over all 301 rates as reference.
    rho = np.linspace(0.9, 1.225, 60)
    v = np.linspace(0.0, 75.0, 60)
    n = np.linspace(1.0, 2.0, 60)
    fast = perf.autorotation_descent_rate(H125, rho, v, n)
    rates = np.arange(0.0, 60.1, 0.2)
    grid = (60, rates.size)
    p = perf.steady_flight(
        H125,
        np.broadcast_to(rho[:, None], grid),
        np.broadcast_to(v[:, None], grid),
        np.broadcast_to(rates, grid),
        np.broadcast_to(n[:, None], grid),
    ).main
    k = np.argmax(p <= 0.0, axis=-1)
    i = np.arange(60)
    p1, p2 = p[i, k - 1], p[i, k]
    full = rates[k - 1] + p1 / (p1 - p2) * 0.2
    # equal but for the last bit (0.2 here against rates[k] - rates[k-1] there): 1e-12
    np.testing.assert_allclose(fast, full, rtol=1e-12)
