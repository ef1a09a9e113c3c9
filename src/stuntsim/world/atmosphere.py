"""U.S. Standard Atmosphere 1976 (to 80 km geometric) and tabulated atmospheres for the kernels.

Layer equations (U.S. Standard Atmosphere 1976, NOAA/NASA/USAF, NOAA-S/T 76-1562, sections
1.2-1.3). With geopotential altitude ``H = r0*z/(r0 + z)`` (r0 = 6 356 766 m) and layers of
constant lapse rate ``L_b`` starting at ``H_b`` with temperature ``T_b`` and pressure ``p_b``:

    T = T_b + L_b (H - H_b)
    p = p_b (T_b / T) ** (g0' M0 / (R* L_b))          if L_b != 0
    p = p_b exp(-g0' M0 (H - H_b) / (R* T_b))          if L_b == 0
    rho = p / (R T),   a = sqrt(gamma R T)

with g0' = 9.80665 m^2/(s^2 m') and g0' M0 / R* = g0' / R, where R = 287.05287 J/(kg K) is the
specific gas constant of dry air as tabulated by ICAO Doc 7488/3 (1993), whose atmosphere is
identical to USSA 1976 below 32 km and numerically equal to it up to 80 km (R*/M0 from the 1976
constants, 8314.32/28.9644, gives 287.0531: 7e-7 relative, below every table's precision);
gamma = 1.4. Below 80 km the molecular-weight ratio is 1, so the
molecular-scale temperature equals the kinetic temperature.

The kernels use :class:`Atmosphere`, a table on a uniform geometric-altitude grid (1 m) built once
and interpolated linearly (T, and ln p). The largest interpolation error, 2.4e-6 relative in
density, sits in the grid cells that straddle a layer boundary, where T(z) has a kink (see
tests). Tables can also be built by hydrostatic integration of any temperature profile, which is
how an ISA temperature offset and a measured sounding are handled.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

# USSA 1976 constants (Table 2 and section 1.2 of NOAA-S/T 76-1562)
G0 = 9.80665  # m/s^2, also g0' for geopotential metres
R_EARTH = 6_356_766.0  # m, effective Earth radius for geopotential altitude
R_AIR = 287.05287  # J/(kg K), ICAO Doc 7488/3 (1993)
GAMMA = 1.4
P0 = 101_325.0  # Pa
T0 = 288.15  # K

# Geopotential base altitudes (m') and lapse rates (K/m') of the seven layers up to 84.852 km'
_HB = np.array([0.0, 11_000.0, 20_000.0, 32_000.0, 47_000.0, 51_000.0, 71_000.0])
_LB = np.array([-0.0065, 0.0, 0.001, 0.0028, 0.0, -0.0028, -0.002])
Z_MIN = -1_000.0  # m geometric, lower limit of validity used here
Z_MAX = 80_000.0  # m geometric, upper limit (molecular weight varies above)


def _base_values() -> tuple[np.ndarray, np.ndarray]:
    """Base temperatures and pressures of each layer, from the layer equations."""
    tb = np.empty_like(_HB)
    pb = np.empty_like(_HB)
    tb[0], pb[0] = T0, P0
    k = G0 / R_AIR
    for i in range(1, len(_HB)):
        dh = _HB[i] - _HB[i - 1]
        tb[i] = tb[i - 1] + _LB[i - 1] * dh
        if _LB[i - 1] == 0.0:
            pb[i] = pb[i - 1] * np.exp(-k * dh / tb[i - 1])
        else:
            pb[i] = pb[i - 1] * (tb[i - 1] / tb[i]) ** (k / _LB[i - 1])
    return tb, pb


_TB, _PB = _base_values()


def geopotential(z: np.ndarray | float) -> np.ndarray:
    """Geopotential altitude H (m') from geometric altitude z (m): H = r0 z / (r0 + z)."""
    z = np.asarray(z, dtype=float)
    return R_EARTH * z / (R_EARTH + z)


def geometric(h: np.ndarray | float) -> np.ndarray:
    """Geometric altitude z (m) from geopotential altitude H (m'): z = r0 H / (r0 - H)."""
    h = np.asarray(h, dtype=float)
    return R_EARTH * h / (R_EARTH - h)


def ussa76(z: np.ndarray | float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Exact layer equations: (T [K], p [Pa], rho [kg/m^3], a [m/s]) at geometric altitude z."""
    h = geopotential(z)
    i = np.clip(np.searchsorted(_HB, h, side="right") - 1, 0, len(_HB) - 1)
    lb, tb, pb, hb = _LB[i], _TB[i], _PB[i], _HB[i]
    t = tb + lb * (h - hb)
    k = G0 / R_AIR
    with np.errstate(divide="ignore", invalid="ignore"):
        p_grad = pb * (tb / t) ** (k / np.where(lb == 0.0, 1.0, lb))
    p_iso = pb * np.exp(-k * (h - hb) / tb)
    p = np.where(lb == 0.0, p_iso, p_grad)
    rho = p / (R_AIR * t)
    a = np.sqrt(GAMMA * R_AIR * t)
    return t, p, rho, a


def gravity(z: np.ndarray | float) -> np.ndarray:
    """Gravity at geometric altitude z: g = g0 (r0 / (r0 + z))^2 (inverse square, USSA 1976
    eq. 17, with the same r0 as the geopotential)."""
    z = np.asarray(z, dtype=float)
    return G0 * (R_EARTH / (R_EARTH + z)) ** 2


@dataclass(frozen=True)
class Atmosphere:
    """A tabulated atmosphere on a uniform geometric-altitude grid.

    ``t`` (K) and ``lnp`` (ln Pa) are sampled at ``z0 + k*dz``; lookups interpolate linearly and
    hold the end values beyond the grid. ``source`` says where the profile came from.
    """

    z0: float
    dz: float
    t: np.ndarray
    lnp: np.ndarray
    source: str = "U.S. Standard Atmosphere 1976"

    @property
    def z_top(self) -> float:
        return self.z0 + self.dz * (len(self.t) - 1)

    def _index(self, z: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        x = (np.asarray(z, dtype=float) - self.z0) / self.dz
        x = np.clip(x, 0.0, len(self.t) - 1.000001)
        i = x.astype(np.intp)
        return i, x - i

    def _lerp(self, table: np.ndarray, z: np.ndarray | float) -> np.ndarray:
        i, f = self._index(z)
        return table[i] + f * (table[i + 1] - table[i])

    def temperature(self, z: np.ndarray | float) -> np.ndarray:
        return self._lerp(self.t, z)

    def pressure(self, z: np.ndarray | float) -> np.ndarray:
        return np.exp(self._lerp(self.lnp, z))

    def density(self, z: np.ndarray | float) -> np.ndarray:
        i, f = self._index(z)
        t = self.t[i] + f * (self.t[i + 1] - self.t[i])
        lnp = self.lnp[i] + f * (self.lnp[i + 1] - self.lnp[i])
        return np.exp(lnp) / (R_AIR * t)

    def speed_of_sound(self, z: np.ndarray | float) -> np.ndarray:
        return np.sqrt(GAMMA * R_AIR * self.temperature(z))

    def density_and_sound(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rho, a) in one pass: what the jump kernel needs at every step."""
        i, f = self._index(z)
        t = self.t[i] + f * (self.t[i + 1] - self.t[i])
        lnp = self.lnp[i] + f * (self.lnp[i + 1] - self.lnp[i])
        return np.exp(lnp) / (R_AIR * t), np.sqrt(GAMMA * R_AIR * t)

    def density_altitude(self, rho: np.ndarray | float) -> np.ndarray:
        """The standard-atmosphere altitude with this density (inverse of USSA 1976 rho(z))."""
        return _std_inverse("rho", rho)

    def pressure_altitude(self, p: np.ndarray | float) -> np.ndarray:
        """The standard-atmosphere altitude with this pressure (what an altimeter at 1013.25
        hPa reads)."""
        return _std_inverse("p", p)


@cache
def _std_table(dz: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    z = np.arange(Z_MIN, Z_MAX + dz / 2, dz)
    t, p, rho, _ = ussa76(z)
    return z, t, p, rho


def _std_inverse(which: str, value: np.ndarray | float) -> np.ndarray:
    z, _, p, rho = _std_table()
    col = p if which == "p" else rho
    # both decrease monotonically with altitude: interpolate on the reversed arrays (log scale)
    return np.interp(np.log(np.asarray(value, dtype=float)), np.log(col[::-1]), z[::-1])


@cache
def standard(temperature_offset: float = 0.0, dz: float = 1.0) -> Atmosphere:
    """The USSA 1976 table; with ``temperature_offset`` (K, an "ISA+dT" day) the temperature is
    shifted at every altitude and the pressure re-integrated hydrostatically from 101 325 Pa at
    sea level."""
    z, t, p, _ = _std_table(dz)
    if temperature_offset == 0.0:
        return Atmosphere(Z_MIN, dz, t, np.log(p))
    t2 = t + temperature_offset
    lnp = hydrostatic_lnp(z, t2, z_ref=0.0, p_ref=P0)
    return Atmosphere(
        Z_MIN, dz, t2, lnp, source=f"U.S. Standard Atmosphere 1976, ISA{temperature_offset:+g} K"
    )


def hydrostatic_lnp(z: np.ndarray, t: np.ndarray, z_ref: float, p_ref: float) -> np.ndarray:
    """ln p on grid z from dp/dz = -rho g = -p g(z) / (R T): trapezoidal integration of
    d(ln p)/dz = -g(z)/(R T(z)) from (z_ref, p_ref)."""
    integrand = -gravity(z) / (R_AIR * t)
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (integrand[1:] + integrand[:-1]) * np.diff(z))])
    return np.log(p_ref) + cum - np.interp(z_ref, z, cum)
