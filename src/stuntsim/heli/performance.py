"""Rotor performance from momentum theory with Glauert's forward-flight inflow.

All functions take SI floats or numpy arrays (broadcast together) and return arrays.

Reference: J. G. Leishman, *Principles of Helicopter Aerodynamics*, 2nd ed., Cambridge
University Press (2006), chapters 2 (momentum theory, axial flight), 3 (blade element theory)
and 5 (forward-flight performance). W. Johnson, *Helicopter Theory*, Princeton (1980), ch. 4.

Induced velocity (Glauert, 1926). With V_par the air speed in the rotor-disc plane, V_perp the
air speed along the disc normal (positive when the air flows down through the disc, as in a
climb) and v_h the hover induced velocity at the same thrust and density,

    v_h = sqrt(T / (2 rho A))
    v_i = v_h^2 / sqrt(V_par^2 + (V_perp + v_i)^2)

which gives the hover value v_i = v_h, the axial-climb root v_i = -V_c/2 + sqrt(V_c^2/4 + v_h^2)
and v_i -> v_h^2 / V at high speed. In steep descent at low speed (the vortex-ring and
turbulent-wake states) momentum theory has no valid solution; there the empirical axial-descent
curve quoted by Leishman (ch. 2, from flight and wind-tunnel data),

    v_i / v_h = kappa + k1 x + k2 x^2 + k3 x^3 + k4 x^4,   -2 <= x = V_c / v_h <= 0,
    kappa = 1.15, k1 = -1.125, k2 = -1.372, k3 = -1.718, k4 = -0.655,

divided by kappa so that it is an ideal (kappa-free) induced velocity, is used at zero edgewise
speed, and blended into the Glauert root as the edgewise speed grows (see
:func:`induced_velocity_ratio`). The blend is our engineering choice: inside the vortex-ring
region no steady model is reliable, which is why the VRS check exists.

Power (Leishman ch. 5, the "energy method" in vector form):

    P_main = kappa T v_i + T V_perp + P_0
    P_0 = (sigma Cd0 / 8) rho A (Omega R)^3 (1 + K mu^2),     mu = V_par / (Omega R)

where the thrust vector is T = m (a - g) + (1/2) rho f |V| V (fuselage drag of flat-plate area f
balanced by the rotor), so that T V_perp = T_vec . V_air is the climb, parasite and acceleration
power together. The fuselage under the wake adds a download D = f_dl T cos^2(chi) (f_dl about
2-5 % in hover, chi the wake skew angle), so the rotor carries T (1 + f_dl cos^2 chi): one
fixed-point pass, the download's own effect on v_i being second order. The engine supplies
P_shaft = P_main / eta (tail rotor, gearbox, accessories).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from stuntsim.heli.aircraft import G0, Aircraft

RHO0 = 1.225  # kg/m^3, sea-level density of the U.S. Standard Atmosphere 1976

# Empirical axial-descent induced velocity (Leishman 2006, ch. 2; from Johnson 1980 and test data)
_DESCENT_POLY = (1.15, -1.125, -1.372, -1.718, -0.655)


def hover_induced_velocity(thrust: Any, rho: Any, area: Any) -> np.ndarray:
    """v_h = sqrt(T / (2 rho A)) (actuator-disc momentum theory, Leishman 2006 ch. 2)."""
    return np.sqrt(np.asarray(thrust, dtype=float) / (2.0 * np.asarray(rho, dtype=float) * area))


def axial_induced_velocity_ratio(z: Any) -> np.ndarray:
    """Ideal induced velocity v_i / v_h in purely axial flight, z = V_c / v_h (climb positive).

    - climb (z >= 0): momentum theory, v/v_h = -z/2 + sqrt(z^2/4 + 1);
    - -2 <= z < 0: the empirical curve (module docstring) divided by kappa = 1.15;
    - z < -2 (windmill-brake state): momentum theory, v/v_h = -z/2 - sqrt(z^2/4 - 1).
    """
    z = np.asarray(z, dtype=float)
    climb = -0.5 * z + np.sqrt(0.25 * z * z + 1.0)
    k0, k1, k2, k3, k4 = _DESCENT_POLY
    emp = (k0 + z * (k1 + z * (k2 + z * (k3 + z * k4)))) / k0
    wind = -0.5 * z - np.sqrt(np.maximum(0.25 * z * z - 1.0, 0.0))
    return np.where(z >= 0.0, climb, np.where(z >= -2.0, emp, wind))


def glauert_root(x: Any, z: Any, iterations: int = 55) -> np.ndarray:
    """The positive root v of v^2 (x^2 + (z + v)^2) = 1 (normalised Glauert equation).

    The left side is increasing in v whenever z >= 0 or x^2 >= z^2/8 (its derivative is
    2v [x^2 + (z+v)(z+2v)] and (z+v)(z+2v) >= -z^2/8), so the root is unique there and lies in
    [0, 1 + |z|]; it is found by bisection (55 halvings: below 1e-15 relative).
    """
    x = np.asarray(x, dtype=float)
    z = np.asarray(z, dtype=float)
    x, z = np.broadcast_arrays(x, z)
    lo = np.zeros(x.shape)
    hi = 1.0 + np.abs(z)
    x2 = x * x
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        f = mid * mid * (x2 + (z + mid) ** 2) - 1.0
        below = f < 0.0
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return 0.5 * (lo + hi)


def induced_velocity_ratio(x: Any, z: Any) -> np.ndarray:
    """Ideal induced velocity v_i / v_h at edgewise speed x = V_par / v_h and axial speed
    z = V_perp / v_h (positive = air flowing down through the disc, as in a climb).

    Where the Glauert equation has a unique root (z >= 0 or x >= |z| / sqrt(8)) that root is
    used. Below that edgewise speed in a descent, the empirical axial value at x = 0 is blended
    linearly in x^2 into the Glauert root at x_b = |z| / sqrt(8), which keeps v_i continuous.
    """
    x = np.abs(np.asarray(x, dtype=float))
    z = np.asarray(z, dtype=float)
    x, z = np.broadcast_arrays(x, z)
    xb2 = np.where(z < 0.0, z * z / 8.0, 0.0)
    unique = (z >= 0.0) | (x * x >= xb2)
    v_gl = glauert_root(x, z)
    if np.all(unique):
        return v_gl
    v_b = glauert_root(np.sqrt(xb2), z)
    v_ax = axial_induced_velocity_ratio(z)
    s = np.where(xb2 > 0.0, x * x / np.where(xb2 > 0.0, xb2, 1.0), 1.0)
    blend = v_ax + np.clip(s, 0.0, 1.0) * (v_b - v_ax)
    return np.where(unique, v_gl, blend)


def profile_power(ac: Aircraft, rho: Any, mu: Any) -> np.ndarray:
    """P_0 = (sigma Cd0 / 8) rho A (Omega R)^3 (1 + K mu^2) (blade-element estimate with uniform
    Cd0; Leishman 2006, ch. 5)."""
    mu = np.asarray(mu, dtype=float)
    p0 = ac.solidity * ac.profile_drag_coefficient / 8.0 * ac.disc_area * ac.tip_speed**3
    return np.asarray(rho, dtype=float) * p0 * (1.0 + ac.profile_mu_factor * mu * mu)


def power_available(ac: Aircraft, rho: Any) -> np.ndarray:
    """Engine shaft power available: P_rating (rho / rho0)^x, capped by the gearbox limit.

    A turboshaft at its temperature limit loses power roughly in proportion to the air density
    (x = 1 by default, an estimate; see docs/heli.md).
    """
    sigma = np.asarray(rho, dtype=float) / RHO0
    p = ac.power_rating * sigma**ac.power_lapse_exponent
    if ac.transmission_limit is not None:
        p = np.minimum(p, ac.transmission_limit)
    return p


@dataclass(frozen=True)
class RotorState:
    """Rotor operating state along a batch of points (arrays, SI)."""

    thrust: np.ndarray  # N, magnitude of the rotor force
    normal: np.ndarray  # (..., 3) unit vector along the thrust (disc normal, up)
    v_h: np.ndarray  # m/s, hover induced velocity at this thrust and density
    v_par: np.ndarray  # m/s, air speed in the disc plane
    v_perp: np.ndarray  # m/s, air speed along the disc normal (+ down through the disc)
    v_i: np.ndarray  # m/s, ideal induced velocity
    induced: np.ndarray  # W, kappa T v_i
    profile: np.ndarray  # W
    climb_parasite: np.ndarray  # W, T V_perp (climb + parasite + acceleration)
    main: np.ndarray  # W, main-rotor power (negative: the air drives the rotor)
    shaft: np.ndarray  # W, engine shaft power required (main / eta when positive, else main)


def thrust_vector(ac: Aircraft, rho: Any, v_air: Any, specific_force: Any) -> np.ndarray:
    """Rotor force T = m f + (1/2) rho f_A |V| V: the mass times the specific force
    f = a - g plus the balance of the fuselage drag -(1/2) rho f_A |V| V."""
    v_air = np.asarray(v_air, dtype=float)
    speed = np.linalg.norm(v_air, axis=-1, keepdims=True)
    rho = np.asarray(rho, dtype=float)[..., None]
    return ac.mass * np.asarray(specific_force, dtype=float) + (
        0.5 * rho * ac.flat_plate_area * speed * v_air
    )


def rotor_state(ac: Aircraft, rho: Any, v_air: Any, thrust_vec: Any) -> RotorState:
    """Momentum-theory power for rotor force ``thrust_vec`` (..., 3) and air velocity of the
    aircraft ``v_air`` (..., 3) (east, north, up), at density ``rho`` (...)."""
    rho = np.asarray(rho, dtype=float)
    v_air = np.asarray(v_air, dtype=float)
    tv = np.asarray(thrust_vec, dtype=float)
    thrust = np.linalg.norm(tv, axis=-1)
    normal = tv / np.where(thrust > 0.0, thrust, 1.0)[..., None]
    v_perp = np.sum(v_air * normal, axis=-1)
    inplane = v_air - v_perp[..., None] * normal
    v_par = np.linalg.norm(inplane, axis=-1)
    v_h = hover_induced_velocity(thrust, rho, ac.disc_area)
    safe_vh = np.where(v_h > 0.0, v_h, 1.0)
    v_i = v_h * induced_velocity_ratio(v_par / safe_vh, v_perp / safe_vh)
    if ac.download_fraction > 0.0:
        thrust = thrust * (1.0 + ac.download_fraction * download_factor(v_par, v_perp, v_i))
        v_h = hover_induced_velocity(thrust, rho, ac.disc_area)
        safe_vh = np.where(v_h > 0.0, v_h, 1.0)
        v_i = v_h * induced_velocity_ratio(v_par / safe_vh, v_perp / safe_vh)
    induced = ac.induced_power_factor * thrust * v_i
    profile = profile_power(ac, rho, v_par / ac.tip_speed)
    climb_parasite = thrust * v_perp
    main = induced + profile + climb_parasite
    shaft = np.where(main > 0.0, main / ac.drivetrain_efficiency, main)
    return RotorState(
        thrust, normal, v_h, v_par, v_perp, v_i, induced, profile, climb_parasite, main, shaft
    )


def download_factor(v_par: Any, v_perp: Any, v_i: Any) -> np.ndarray:
    """Share of the hover download left at this wake skew: cos^2(chi), with the wake skew angle
    tan(chi) = V_par / (V_perp + v_i) (the wake leaves the disc at chi from its normal and is
    swept clear of the fuselage as it skews back; Leishman 2006, ch. 2 and 5). Zero when the net
    flow through the disc is upward (steep descent): the fuselage is then above the wake."""
    down = np.asarray(v_perp, dtype=float) + np.asarray(v_i, dtype=float)
    vp = np.asarray(v_par, dtype=float)
    d2 = down * down
    return np.where(down > 0.0, d2 / np.maximum(d2 + vp * vp, 1e-12), 0.0)


def steady_specific_force(load_factor: Any, g: float = G0) -> np.ndarray:
    """Specific force (east, north, up) of a steady coordinated turn flown northward with
    constant vertical speed: lateral g sqrt(n^2 - 1), vertical g (n = 1/cos(bank))."""
    n = np.asarray(load_factor, dtype=float)
    lat = g * np.sqrt(np.maximum(n * n - 1.0, 0.0))
    return np.stack([lat, np.zeros_like(lat), np.full_like(lat, g)], axis=-1)


def steady_flight(
    ac: Aircraft, rho: Any, airspeed: Any, descent_rate: Any = 0.0, load_factor: Any = 1.0
) -> RotorState:
    """Rotor state in steady flight: horizontal true airspeed ``airspeed``, vertical speed
    ``-descent_rate`` through the air, coordinated turn of load factor n (1 = straight)."""
    rho, v, vd, n = np.broadcast_arrays(
        *(np.asarray(a, dtype=float) for a in (rho, airspeed, descent_rate, load_factor))
    )
    v_air = np.stack([np.zeros_like(v), v, -vd], axis=-1)
    f = steady_specific_force(n)
    return rotor_state(ac, rho, v_air, thrust_vector(ac, rho, v_air, f))


def hover_power(ac: Aircraft, rho: Any) -> RotorState:
    """Hover out of ground effect, no wind (fuselage download included)."""
    return steady_flight(ac, rho, 0.0, 0.0, 1.0)


def hover_ceiling_oge(ac: Aircraft, atmosphere: Any, z_max: float = 9000.0) -> float:
    """Highest geometric altitude (m MSL) at which the shaft power to hover out of ground
    effect is no more than the power available; NaN if it cannot hover at sea level, z_max if it
    can hover everywhere below z_max."""
    z = np.arange(0.0, z_max + 1.0, 5.0)
    rho = atmosphere.density(z)
    excess = power_available(ac, rho) - hover_power(ac, rho).shaft
    if excess[0] < 0.0:
        return float("nan")
    neg = np.flatnonzero(excess < 0.0)
    if neg.size == 0:
        return float(z_max)
    k = int(neg[0])
    # linear interpolation of the crossing between z[k-1] and z[k]
    return float(z[k - 1] + excess[k - 1] / (excess[k - 1] - excess[k]) * (z[k] - z[k - 1]))


def autorotation_descent_rate(
    ac: Aircraft,
    rho: Any,
    airspeed: Any,
    load_factor: Any = 1.0,
    max_rate: float = 60.0,
    step: float = 0.2,
) -> np.ndarray:
    """Steady power-off descent rate (m/s): the smallest descent rate at which the main rotor
    needs no power (P_main = 0) at this horizontal airspeed and load factor.

    The tail rotor and gearbox losses in autorotation are neglected (an ideal autorotation), so
    the real descent rate is somewhat higher. Found on a grid of descent rates (``step``) and
    refined by linear interpolation; NaN where none up to ``max_rate``. Long batches are done
    in chunks to bound the memory of the (points x grid) arrays.
    """
    rho, v, n = np.broadcast_arrays(
        *(np.asarray(a, dtype=float) for a in (rho, airspeed, load_factor))
    )
    shape = rho.shape
    rho, v, n = rho.ravel(), v.ravel(), n.ravel()
    rates = np.arange(0.0, max_rate + step / 2, step)
    coarse_every = 10
    coarse = np.arange(0, rates.size, coarse_every)
    if coarse[-1] != rates.size - 1:
        coarse = np.append(coarse, rates.size - 1)
    out = np.empty(rho.size)
    chunk = max(1, 100_000 // coarse.size)

    def main_power(sl: slice, r: np.ndarray) -> np.ndarray:
        grid = r.shape
        return steady_flight(
            ac,
            np.broadcast_to(rho[sl, None], grid),
            np.broadcast_to(v[sl, None], grid),
            r,
            np.broadcast_to(n[sl, None], grid),
        ).main

    for lo in range(0, rho.size, chunk):
        sl = slice(lo, lo + chunk)
        m = rho[sl].size
        # 1. the first crossing on the coarse grid (every 10th rate) ...
        pc = main_power(sl, np.broadcast_to(rates[coarse], (m, coarse.size)))
        negc = pc <= 0.0
        kc = np.argmax(negc, axis=-1)
        found = negc.any(axis=-1)
        # 2. ... then the fine grid between the coarse points that bracket it: the same rates
        # as the full grid, so the result equals a full-grid search wherever P_main falls
        # monotonically with the descent rate (it does: the air gives the rotor more energy)
        i0 = coarse[np.maximum(kc - 1, 0)]
        i1 = coarse[kc]
        width = int(np.max(i1 - i0)) + 1 if m else 1
        idx = np.minimum(i0[:, None] + np.arange(width)[None, :], i1[:, None])
        p = main_power(sl, rates[idx])
        neg = p <= 0.0
        k = np.argmax(neg, axis=-1)
        km1 = np.maximum(k - 1, 0)
        p1 = np.take_along_axis(p, km1[:, None], -1)[:, 0]
        p2 = np.take_along_axis(p, k[:, None], -1)[:, 0]
        r1 = rates[np.take_along_axis(idx, km1[:, None], -1)[:, 0]]
        r2 = rates[np.take_along_axis(idx, k[:, None], -1)[:, 0]]
        denom = np.where(p1 - p2 != 0.0, p1 - p2, 1.0)
        r = np.where(k > 0, r1 + p1 / denom * (r2 - r1), 0.0)
        r = np.where(kc > 0, r, 0.0)
        out[sl] = np.where(found, r, np.nan)
    return out.reshape(shape)


def gust_load_factor_increment(
    ac: Aircraft, rho: Any, state: RotorState, gust_speed: Any
) -> np.ndarray:
    """Load-factor increment from a sharp-edged vertical gust U (quasi-steady rotor response).

    Blade-element theory gives dC_T/d(lambda) = -sigma a / 4 (Leishman 2006, ch. 3, from
    C_T = (sigma a / 2)(theta/3 - lambda/2)); the induced inflow answers the thrust change with
    d(lambda_i)/dC_T = 1 / (2 Lambda + 2 lambda_i lambda / Lambda), Lambda = sqrt(mu^2 +
    lambda^2) (differentiating lambda_i = C_T / (2 Lambda)). A gust U changes lambda by
    U / (Omega R), so

        dC_T = (sigma a / 4)(U / Omega R) / (1 + (sigma a / 4) d(lambda_i)/dC_T)
        dn = rho A (Omega R)^2 dC_T / (m g)

    No gust penetration or blade-flapping relief is credited (conservative).
    """
    vt = ac.tip_speed
    mu = state.v_par / vt
    lam_i = state.v_i / vt
    lam = (state.v_i + state.v_perp) / vt
    big = np.sqrt(mu * mu + lam * lam)
    big = np.maximum(big, 1e-6)
    dli = 1.0 / (2.0 * big + 2.0 * lam_i * lam / big)
    sa4 = ac.solidity * ac.lift_curve_slope / 4.0
    dct = sa4 * (np.asarray(gust_speed, dtype=float) / vt) / (1.0 + sa4 * np.maximum(dli, 0.0))
    return np.asarray(rho, dtype=float) * ac.disc_area * vt * vt * dct / ac.weight
