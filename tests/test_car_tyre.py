"""Magic Formula tyre: against an independent implementation and closed-form properties.

Reference implementation: commonroad-vehicle-models' ``vehiclemodels.utils.tire_model`` (the
same Pacejka 2012 equations, coded by the CommonRoad authors). Its shift terms (S_Hx, S_Vx,
S_Hxa, S_Hyk, S_Vyk) are zeroed so the tyre is the symmetric one stuntsim models.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from stuntsim.car import tyre
from stuntsim.car.tyre import COMMONROAD_TYRE, PAC2002_LOAD_SENSITIVE

tm = pytest.importorskip("vehiclemodels.utils.tire_model")


def _cr_params() -> SimpleNamespace:
    """CommonRoad tyre parameters (parameters_tire.yaml) with the shift terms set to zero."""
    from vehiclemodels.parameters_vehicle2 import parameters_vehicle2

    p = parameters_vehicle2().tire
    d = {k: getattr(p, k) for k in dir(p) if k.startswith(("p_", "r_"))}
    for k in ("p_hx1", "p_vx1", "r_hx1", "r_hy1", "r_vy1", "r_vy3"):
        d[k] = 0.0
    return SimpleNamespace(**d)


def test_parameters_match_commonroad_yaml():
    p = _cr_params()
    t = COMMONROAD_TYRE
    for name in (
        "p_cx1 p_dx1 p_ex1 p_kx1 p_cy1 p_dy1 p_ey1 r_bx1 r_bx2 r_cx1 r_ex1 r_by1 r_by2 r_by3 "
        "r_cy1 r_ey1"
    ).split():
        assert getattr(t, name) == pytest.approx(getattr(p, name), rel=0, abs=0), name
    assert t.p_ky1 == pytest.approx(-p.p_ky1)  # stored as a magnitude


@pytest.mark.parametrize("fz", [1500.0, 4000.0, 7000.0])
def test_combined_slip_matches_commonroad(fz):
    p = _cr_params()
    kappas = np.array([-0.6, -0.15, -0.03, 0.0, 0.02, 0.08, 0.3])
    alphas = np.radians([-12.0, -4.0, -0.5, 0.0, 1.0, 6.0, 15.0])
    for k in kappas:
        for a in alphas:
            fx, fy, _ = tyre.forces(np.array(k), np.array(a), np.array(fz), COMMONROAD_TYRE)
            # CommonRoad's slip is s = 1 - R omega / V = -kappa (it negates it inside)
            s = -k
            fx0 = tm.formula_longitudinal(s, 0.0, fz, p)
            fy0, mu_y = tm.formula_lateral(a, 0.0, fz, p)
            fx_ref = tm.formula_longitudinal_comb(s, a, fx0, p)
            fy_ref = tm.formula_lateral_comb(s, a, 0.0, mu_y, fz, fy0, p)
            # same equations in double precision: agreement to rounding (1e-9 of the load)
            assert float(fx) == pytest.approx(fx_ref, abs=1e-9 * fz)
            assert float(fy) == pytest.approx(fy_ref, abs=1e-9 * fz)


def test_peak_force_is_mu_fz():
    # Closed form: the peak of D sin(C atan(...)) is D = mu F_z (Pacejka 2012, eq. 4.E2)
    fz = 4000.0
    a = np.linspace(0.0, 0.6, 60001)
    _, fy, _ = tyre.forces(np.zeros_like(a), a, np.full_like(a, fz), COMMONROAD_TYRE)
    assert np.max(-fy) == pytest.approx(COMMONROAD_TYRE.p_dy1 * fz, rel=1e-6)
    k = np.linspace(0.0, 1.0, 100001)
    fx, _, _ = tyre.forces(k, np.zeros_like(k), np.full_like(k, fz), COMMONROAD_TYRE)
    assert np.max(fx) == pytest.approx(COMMONROAD_TYRE.p_dx1 * fz, rel=1e-6)


def test_small_slip_stiffness():
    # dF/dslip at zero slip = K (B C D = K by construction, eqs. 4.E15/4.E25)
    fz, eps = 4000.0, 1e-7
    _, fy, _ = tyre.forces(np.array(0.0), np.array(eps), np.array(fz), PAC2002_LOAD_SENSITIVE)
    k_ref = 21.92 * 4850.0 * np.sin(2.0 * np.arctan(fz / (2.0012 * 4850.0)))  # 4.E25
    assert -float(fy) / eps == pytest.approx(k_ref, rel=1e-6)
    fx, _, dfx = tyre.forces(np.array(eps), np.array(0.0), np.array(fz), COMMONROAD_TYRE)
    assert float(fx) / eps == pytest.approx(22.303 * fz, rel=1e-6)
    assert float(dfx) == pytest.approx(22.303 * fz, rel=1e-5)


def test_forces_always_oppose_slip():
    # No energy from the tyre: F_x has the sign of kappa, F_y the opposite sign of alpha,
    # including far outside the fitted range (90 deg slip angle, spinning wheel).
    rng = np.random.default_rng(1)
    k = rng.uniform(-1.0, 20.0, 20000)
    a = rng.uniform(-np.pi / 2, np.pi / 2, 20000)
    fz = rng.uniform(0.0, 20000.0, 20000)
    for p in (COMMONROAD_TYRE, PAC2002_LOAD_SENSITIVE):
        fx, fy, dfx = tyre.forces(k, a, fz, p)
        assert np.all(fx * k >= 0.0)
        assert np.all(fy * a <= 0.0)
        assert np.all(dfx >= 0.0)
