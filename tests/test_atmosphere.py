"""U.S. Standard Atmosphere 1976 against the published table and the ambiance library.

Reference rows: computed from the 1976 layer equations (R = 287.05287, g0 = 9.80665,
r0 = 6 356 766 m), agreeing with the published NOAA-S/T 76-1562 tables and with ambiance to
about 5e-6.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stuntsim.world.atmosphere import (
    Z_MAX,
    Z_MIN,
    geometric,
    geopotential,
    gravity,
    standard,
    ussa76,
)

# z (m), T (K), p (Pa), rho (kg/m^3), a (m/s): U.S. Standard Atmosphere 1976 (geometric altitude)
TABLE = [
    (0.0, 288.150, 101_325.0, 1.22500, 340.294),
    (4_114.8, 261.421, 60_744.7, 0.809480, 324.127),
    (7_620.0, 238.679, 37_650.0, 0.549527, 309.708),
    (9_144.0, 228.799, 30_148.6, 0.459041, 303.230),
    (11_000.0, 216.774, 22_699.9, 0.364801, 295.154),
    (20_000.0, 216.650, 5_529.30, 0.088910, 295.069),
    (32_000.0, 228.490, 889.06, 0.0135551, 303.025),
    (39_000.0, 247.584, 328.820, 0.004627, 315.432),
]


@pytest.mark.parametrize(("z", "t", "p", "rho", "a"), TABLE)
def test_layer_equations_match_table(z, t, p, rho, a):
    tt, pp, rr, aa = (float(v) for v in ussa76(z))
    # The table is printed to 6 significant figures: 2e-5 relative covers its rounding.
    assert tt == pytest.approx(t, rel=2e-5)
    assert pp == pytest.approx(p, rel=2e-5)
    assert rr == pytest.approx(rho, rel=2e-4)  # rho = 0.004627 has only 4 figures
    assert aa == pytest.approx(a, rel=2e-5)


@pytest.mark.parametrize(("z", "t", "p", "rho", "a"), TABLE)
def test_kernel_table_matches_layer_equations(z, t, p, rho, a):
    atm = standard()
    rho_k, a_k = atm.density_and_sound(np.array([z]))
    # The 1 m interpolation table must not add error visible at the table's precision.
    assert rho_k[0] == pytest.approx(rho, rel=2e-4)
    assert a_k[0] == pytest.approx(a, rel=2e-5)


def test_against_ambiance_across_the_range():
    ambiance = pytest.importorskip("ambiance")
    # ambiance implements ICAO 1993, identical to USSA 1976 below 80 km geometric.
    z = np.linspace(-1000.0, 80_000.0, 4_001)
    ref = ambiance.Atmosphere(z)
    atm = standard()
    t, p, rho, a = ussa76(z)
    # Layer equations: both libraries evaluate the same closed forms; 1e-5 relative allows for
    # their slightly different constants (R* 8314.32 vs 8314.4621 cancels in p, not in rho).
    np.testing.assert_allclose(t, ref.temperature, rtol=1e-6)
    np.testing.assert_allclose(p, ref.pressure, rtol=1e-5)
    np.testing.assert_allclose(rho, ref.density, rtol=1e-5)
    np.testing.assert_allclose(a, ref.speed_of_sound, rtol=1e-5)
    # The interpolated table (linear in T and ln p on a 1 m grid): inside a layer the error is
    # (dz^2/8)|d2 ln p/dz2| ~ 1e-9; in the cell that straddles a layer boundary the lapse-rate
    # kink gives up to |dL| dz / (8 T) ~ 3e-6 relative in T and rho. 1e-5 bounds both.
    np.testing.assert_allclose(atm.density(z), ref.density, rtol=1e-5)
    np.testing.assert_allclose(atm.temperature(z), ref.temperature, rtol=1e-6)


def test_geometric_and_geopotential_are_kept_apart():
    # The trap of the reference README: geopotential 11 000 m' is geometric 11 019 m.
    assert float(geometric(11_000.0)) == pytest.approx(11_019.1, abs=0.1)
    t, p, _, _ = ussa76(float(geometric(11_000.0)))
    assert float(t) == pytest.approx(216.65, abs=1e-6)
    assert float(p) == pytest.approx(22_632.06, rel=1e-6)
    assert float(geopotential(geometric(30_000.0))) == pytest.approx(30_000.0, abs=1e-9)


def test_gravity_falls_off_with_altitude():
    # inverse square with r0 = 6 356 766 m (USSA 1976 eq. 17)
    assert float(gravity(0.0)) == pytest.approx(9.80665)
    assert float(gravity(39_000.0)) == pytest.approx(9.80665 * (6356766 / 6395766) ** 2)
    assert float(gravity(39_000.0)) < 9.69


@given(st.floats(Z_MIN, Z_MAX - 1.0), st.floats(1.0, 5000.0))
def test_density_decreases_with_altitude(z, dz):
    atm = standard()
    z2 = min(z + dz, Z_MAX)
    assert atm.density(z2) < atm.density(z)


def test_density_altitude_inverts_density():
    atm = standard()
    z = np.array([0.0, 1500.0, 3383.0, 9000.0])
    np.testing.assert_allclose(atm.density_altitude(atm.density(z)), z, atol=0.01)


def test_isa_offset_is_hydrostatic():
    hot = standard(20.0)
    # temperature shifted, sea-level pressure kept
    assert float(hot.temperature(0.0)) == pytest.approx(308.15, abs=1e-9)
    assert float(hot.pressure(0.0)) == pytest.approx(101_325.0, rel=1e-9)
    # a warmer column is thicker: pressure at altitude higher, density lower near the ground
    assert float(hot.pressure(5000.0)) > float(standard().pressure(5000.0))
    assert float(hot.density(0.0)) < float(standard().density(0.0))
    # the hydrostatic re-integration of the unshifted profile reproduces the layer equations
    from stuntsim.world.atmosphere import R_AIR, hydrostatic_lnp

    z = np.arange(Z_MIN, 40_000.0, 5.0)
    t, p, _, _ = ussa76(z)
    lnp = hydrostatic_lnp(z, t, 0.0, 101_325.0)
    # trapezoid error over 40 km of 5 m steps is ~1e-6 relative
    np.testing.assert_allclose(np.exp(lnp), p, rtol=2e-5)
    assert R_AIR == pytest.approx(287.05287, rel=1e-7)
