"""Tyre forces: the Pacejka Magic Formula with combined slip (no camber, no shifts).

Source: H. B. Pacejka, *Tyre and Vehicle Dynamics*, 3rd ed. (Elsevier 2012), §4.3.2, the
MF 5.2 / 6.1 steady-state equations (4.E1-4.E67) with turn slip, camber and the horizontal /
vertical shifts set to zero, so the tyre is symmetric and its forces always oppose the slip
(no energy can be created; tests/test_car_energy.py checks it).

Slip (ISO 8855 axes, SAE-style practical slip, Pacejka eqs. 2.12-2.14)::

    kappa = (omega R - V_cx) / max(|V_cx|, v_low)        longitudinal slip ratio
    alpha = atan(V_cy / max(|V_cx|, v_low))               slip angle

``v_low`` keeps both finite at standstill (Pacejka §8.6 uses the same device, "V_low").

Pure slip::

    F_x0 =  D_x sin(C_x atan(B_x kappa - E_x (B_x kappa - atan(B_x kappa))))
    F_y0 = -D_y sin(C_y atan(B_y alpha - E_y (B_y alpha - atan(B_y alpha))))
    D = mu F_z,  mu = (p_d1 + p_d2 dfz) lambda_mu,  dfz = (F_z - F_z0) / F_z0
    K_x = p_kx1 F_z                                      (slip stiffness, 4.E15 with p_kx2=p_kx3=0)
    K_y = p_ky1 F_z0 sin(2 atan(F_z / (p_ky2 F_z0)))     (cornering stiffness, 4.E25)
          or K_y = p_ky1 F_z when p_ky2 is None          (the CommonRoad simplification)
    B = K / (C D)

Combined slip, cosine weighting functions (4.E50-4.E57 and 4.E58-4.E67)::

    G_xa = cos(r_cx1 atan(B_xa alpha - r_ex1 (B_xa alpha - atan(B_xa alpha)))),
           B_xa = r_bx1 cos(atan(r_bx2 kappa))
    G_yk = cos(r_cy1 atan(B_yk kappa - r_ey1 (B_yk kappa - atan(B_yk kappa)))),
           B_yk = r_by1 cos(atan(r_by2 (alpha - r_by3)))
    F_x = G_xa F_x0,   F_y = G_yk F_y0

The weights are clipped to [0, 1]: with C > 1 the cosines turn negative far outside the fitted
slip range (a sliding tyre at 90 deg slip angle), which would reverse the force against the
slip. The kappa-induced side force S_Vyk is left out (it does not oppose the slip).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class TyreParams:
    """Magic Formula coefficients (Pacejka 2012 names, lower case), per tyre."""

    name: str
    # longitudinal, pure slip
    p_cx1: float
    p_dx1: float
    p_ex1: float
    p_kx1: float
    # lateral, pure slip
    p_cy1: float
    p_dy1: float
    p_ey1: float
    p_ky1: float  # magnitude used; the sign convention is handled by the formula
    # combined slip
    r_bx1: float
    r_bx2: float
    r_cx1: float
    r_ex1: float
    r_by1: float
    r_by2: float
    r_by3: float
    r_cy1: float
    r_ey1: float
    # load dependence (None / 0 reproduce the CommonRoad simplification K_y = p_ky1 F_z)
    fz0: float = 4850.0  # nominal load F_z0, N
    p_ky2: float | None = None
    p_dx2: float = 0.0
    p_dy2: float = 0.0
    # scaling factors (Pacejka's lambda_mu, lambda_Ky): grip and cornering stiffness
    mu_scale: float = 1.0
    cornering_scale: float = 1.0
    source: str = ""

    def scaled(self, mu_scale: float = 1.0, cornering_scale: float = 1.0) -> TyreParams:
        return replace(
            self,
            mu_scale=self.mu_scale * mu_scale,
            cornering_scale=self.cornering_scale * cornering_scale,
        )


# The tyre of commonroad-vehicle-models (parameters_tire.yaml, "tire parameters from ADAMS
# handbook"); the coefficients are those of the MSC Adams PAC2002 example tyre 235/60R16
# (FNOMIN 4850 N, unloaded radius 0.344 m). Copied by hand; not imported at run time.
COMMONROAD_TYRE = TyreParams(
    name="PAC2002 235/60R16 (CommonRoad / Adams example)",
    p_cx1=1.6411,
    p_dx1=1.1739,
    p_ex1=0.46403,
    p_kx1=22.303,
    p_cy1=1.3507,
    p_dy1=1.0489,
    p_ey1=-0.0074722,
    p_ky1=21.92,
    r_bx1=13.276,
    r_bx2=-13.778,
    r_cx1=1.2568,
    r_ex1=0.65225,
    r_by1=7.1433,
    r_by2=9.1916,
    r_by3=-0.027856,
    r_cy1=1.0719,
    r_ey1=-0.27572,
    fz0=4850.0,
    source="commonroad-vehicle-models parameters_tire.yaml (Adams handbook PAC2002 235/60R16)",
)

# The same tyre with the load-dependence terms of the full Adams example file (PKY2 = 2.0012,
# PDX2 = -0.16395, PDY2 = -0.18033; read from public copies of the PAC2002 235/60R16 example
# tyre property file, second-hand). Used as the stand-in for period tyres: no Magic Formula data
# exist for the E28 M5's Michelin TRX 220/55 VR 390.
PAC2002_LOAD_SENSITIVE = replace(
    COMMONROAD_TYRE,
    name="PAC2002 235/60R16 with load sensitivity (stand-in; no data for period TRX tyres)",
    p_ky2=2.0012,
    p_dx2=-0.16395,
    p_dy2=-0.18033,
    source="Adams PAC2002 example 235/60R16 (CommonRoad subset + PKY2/PDX2/PDY2, second-hand)",
)


def _mf(b: np.ndarray, c: float, e: float, s: np.ndarray) -> np.ndarray:
    """sin(C atan(B s - E (B s - atan(B s)))) without the peak factor."""
    bs = b * s
    return np.sin(c * np.arctan(bs - e * (bs - np.arctan(bs))))


def _mf_slope(b: np.ndarray, c: float, e: float, s: np.ndarray) -> np.ndarray:
    """d/ds of :func:`_mf`."""
    bs = b * s
    phi = bs - e * (bs - np.arctan(bs))
    dphi = b * (1.0 - e + e / (1.0 + bs * bs))
    return np.cos(c * np.arctan(phi)) * c / (1.0 + phi * phi) * dphi


def friction(fz: np.ndarray, p: TyreParams) -> tuple[np.ndarray, np.ndarray]:
    """Peak friction coefficients (mu_x, mu_y) at load ``fz`` (load sensitivity p_d2, clipped)."""
    dfz = np.minimum(np.maximum((fz - p.fz0) / p.fz0, -1.0), 2.0)
    mux = (p.p_dx1 + p.p_dx2 * dfz) * p.mu_scale
    muy = (p.p_dy1 + p.p_dy2 * dfz) * p.mu_scale
    return mux, muy


def cornering_stiffness(fz: np.ndarray, p: TyreParams) -> np.ndarray:
    """K_y (N/rad) at load ``fz``: Pacejka 2012 eq. 4.E25 (no camber), or p_ky1 F_z."""
    fz = np.asarray(fz, dtype=float)
    if p.p_ky2 is None:
        k = p.p_ky1 * fz
    else:
        k = p.p_ky1 * p.fz0 * np.sin(2.0 * np.arctan(fz / (p.p_ky2 * p.fz0)))
    return k * p.cornering_scale


def forces(
    kappa: np.ndarray, alpha: np.ndarray, fz: np.ndarray, p: TyreParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Combined-slip tyre forces ``(F_x, F_y, dF_x/dkappa)`` in the wheel's axes, newtons.

    ``kappa``: longitudinal slip ratio (positive when driving); ``alpha``: slip angle, radians,
    positive when the contact patch slides to the left; ``fz`` >= 0: vertical load. ``F_y``
    opposes ``alpha``. ``dF_x/dkappa`` (pure-slip slope times the combined weight, >= 0) is what
    the implicit wheel-spin update needs.
    """
    fz = np.maximum(fz, 0.0)
    mux, muy = friction(fz, p)
    dx = mux * fz
    dy = muy * fz
    # B = K / (C D); with fz -> 0 both K and D vanish: use the per-newton ratios
    fzs = np.maximum(fz, 1.0)
    bx = p.p_kx1 / (p.p_cx1 * np.maximum(mux, 1e-3))
    by = cornering_stiffness(fzs, p) / (p.p_cy1 * np.maximum(muy, 1e-3) * fzs)
    fx0 = dx * _mf(bx, p.p_cx1, p.p_ex1, kappa)
    fy0 = -dy * _mf(by, p.p_cy1, p.p_ey1, alpha)
    dfx0 = dx * np.maximum(_mf_slope(bx, p.p_cx1, p.p_ex1, kappa), 0.0)
    # combined slip weights (Pacejka 2012, 4.E54-4.E57 and 4.E62-4.E66, shifts zero)
    bxa = p.r_bx1 * np.cos(np.arctan(p.r_bx2 * kappa))
    gxa = np.maximum(_cos_weight(bxa, p.r_cx1, p.r_ex1, alpha), 0.0)  # cos <= 1
    byk = p.r_by1 * np.cos(np.arctan(p.r_by2 * (alpha - p.r_by3)))
    gyk = np.maximum(_cos_weight(byk, p.r_cy1, p.r_ey1, kappa), 0.0)
    return gxa * fx0, gyk * fy0, gxa * dfx0


def _cos_weight(b: np.ndarray, c: float, e: float, s: np.ndarray) -> np.ndarray:
    bs = b * s
    return np.cos(c * np.arctan(bs - e * (bs - np.arctan(bs))))


def peak_slip_ratio(p: TyreParams, fz: float | None = None) -> float:
    """Slip ratio at the longitudinal force peak (pure slip), found on a fine grid."""
    fz = p.fz0 if fz is None else fz
    k = np.linspace(0.0, 1.0, 20001)
    fx, _, _ = forces(k, np.zeros_like(k), np.full_like(k, fz), p)
    return float(k[int(np.argmax(fx))])


def peak_slip_angle(p: TyreParams, fz: float | None = None) -> float:
    """Slip angle (rad) at the lateral force peak (pure slip)."""
    fz = p.fz0 if fz is None else fz
    a = np.linspace(0.0, 0.5, 20001)
    _, fy, _ = forces(np.zeros_like(a), a, np.full_like(a, fz), p)
    return float(a[int(np.argmax(-fy))])
