"""An atmosphere from a measured sounding, on the same grid as the standard atmosphere.

On the grid of :func:`stuntsim.world.atmosphere.standard` (from -1 000 m to 80 km):

- **inside the sounding** (lowest to highest level): T interpolated linearly in height and
  ln p interpolated linearly in height between the sounding's levels, so at every level the
  table holds the measured T and p and the density is p / (R T) of that level;
- **above the top**: the USSA 1976 temperature profile continues, shifted by the sounding's
  deviation from it at the top, dT = T_top - T_std(z_top) (an "ISA + dT" continuation, so T has
  no step at the top), and ln p is integrated hydrostatically upward from the top level,
  d(ln p)/dz = -g(z) / (R T(z)) (:func:`~stuntsim.world.atmosphere.hydrostatic_lnp`), so p is
  continuous;
- **below the lowest level**: T extrapolated with the standard tropospheric lapse rate
  (6.5 K/km, USSA 1976 layer 0), and ln p integrated hydrostatically downward from the lowest
  level.

The temperature is the dry-air temperature of the sounding; using it in p / (R T) ignores
water vapour, which lowers the true density by up to about 1 % in warm, humid low levels
(virtual-temperature correction 0.61 q T; not modelled).
"""

from __future__ import annotations

import numpy as np

from stuntsim.world.atmosphere import Atmosphere, hydrostatic_lnp, standard

LAPSE_RATE = 0.0065  # K/m, USSA 1976 troposphere (layer 0), used to extrapolate downward


def atmosphere_from_sounding(
    height_m: np.ndarray,
    pressure_pa: np.ndarray,
    temperature_k: np.ndarray,
    source: str = "sounding",
) -> Atmosphere:
    """Tabulated atmosphere from sounding levels: geometric height MSL (m, increasing),
    pressure (Pa) and temperature (K). See the module docstring for the construction."""
    z_s = np.asarray(height_m, dtype=float)
    p_s = np.asarray(pressure_pa, dtype=float)
    t_s = np.asarray(temperature_k, dtype=float)
    if not (z_s.ndim == p_s.ndim == t_s.ndim == 1 and len(z_s) == len(p_s) == len(t_s)):
        raise ValueError("height, pressure and temperature must be 1-D arrays of equal length")
    if len(z_s) < 2:
        raise ValueError("a sounding needs at least two levels")
    if not (np.all(np.isfinite(z_s)) and np.all(np.isfinite(p_s)) and np.all(np.isfinite(t_s))):
        raise ValueError("sounding values must be finite")
    if np.any(np.diff(z_s) <= 0):
        raise ValueError("sounding heights must increase strictly")
    if np.any(p_s <= 0) or np.any(t_s <= 0):
        raise ValueError("sounding pressures and temperatures must be positive")

    std = standard()
    z = std.z0 + std.dz * np.arange(len(std.t))
    if z_s[0] < z[0] or z_s[-1] > z[-1]:
        raise ValueError(f"sounding heights must lie within {z[0]:g} to {z[-1]:g} m")

    t = np.empty_like(z)
    lnp = np.empty_like(z)
    inside = (z >= z_s[0]) & (z <= z_s[-1])
    t[inside] = np.interp(z[inside], z_s, t_s)
    lnp[inside] = np.interp(z[inside], z_s, np.log(p_s))

    below = z < z_s[0]
    if np.any(below):
        zb = np.concatenate([z[below], z_s[:1]])
        tb = t_s[0] + LAPSE_RATE * (z_s[0] - zb)
        t[below] = tb[:-1]
        lnp[below] = hydrostatic_lnp(zb, tb, z_ref=z_s[0], p_ref=p_s[0])[:-1]

    above = z > z_s[-1]
    if np.any(above):
        offset = t_s[-1] - float(std.temperature(z_s[-1]))
        za = np.concatenate([z_s[-1:], z[above]])
        ta = np.concatenate([t_s[-1:], std.temperature(z[above]) + offset])
        t[above] = ta[1:]
        lnp[above] = hydrostatic_lnp(za, ta, z_ref=z_s[-1], p_ref=p_s[-1])[1:]

    return Atmosphere(std.z0, std.dz, t, lnp, source=source)
