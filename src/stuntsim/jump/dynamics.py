"""Equations of motion of a jumper, batched over samples (leading axis B).

State y = [east, north, up(MSL altitude), v_east, v_north, v_up] in metres and m/s, in the
site's local east/north/up frame (flat, non-rotating: Coriolis is below 0.1 % of drag here).

Freefall and opening (point mass, jump/jumper.py and jump/canopy.py):

    dv/dt = -1/2 rho(z) |v_rel| CdA v_rel / m  +  lift / m  -  g(z) e_up,   v_rel = v - w(z)

Canopy flight (kinematic, jump/canopy.py):

    dx/dt = w(z) + u(z) h_air,   dz/dt = -w0 sqrt(rho0/rho(z))

Parameters are arrays over the batch so that Monte Carlo samples differ in mass, drag, wind
scale and rotation, opening altitude, canopy speeds, ...; shared objects (atmosphere, wind
profile, Cd(M) table) are common to the batch.

Per-sample wind (``wind_at``). The profile's levels (w_k, the east/north vectors given at the
altitudes z_k) may be perturbed level by level and then as a whole:

    w_b(z) = s_b R(theta_b) sum_k phi_k(z) s_bk R(theta_bk) w_k

with phi_k the piecewise-linear interpolation weights of the profile (world/wind.py), R(theta) a
compass-clockwise rotation (the wind veers by theta), s_b/theta_b one factor and offset for the
whole profile (``wind_scale``, ``wind_rotation``) and s_bk/theta_bk optional factors and offsets
per level (``wind_layer_scale``, ``wind_layer_rotation``; None = 1 and 0).

This module is the reference statement of the model: ``tests/jump_reference.py`` integrates
these right-hand sides with scipy. The production kernel (jump/kernel.py) evaluates the same
equations from tables on a uniform altitude grid; the two agree to well under 1 m in landing
point (tests/test_integrator_accuracy.py, tests/test_montecarlo.py).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from stuntsim.jump.jumper import RHO0, DragModel
from stuntsim.units import G0
from stuntsim.world.atmosphere import Atmosphere, gravity
from stuntsim.world.wind import WindProfile

# array fields common to the batch (never indexed by ``take``, whatever their length)
_SHARED_ARRAYS = frozenset({"drift_z", "drift_e", "drift_n"})


@dataclass(frozen=True)
class JumpBatch:
    """Everything the kernel needs, SI, one entry per sample for the array fields."""

    # shared
    atmosphere: Atmosphere
    wind: WindProfile
    drag: DragModel
    ground: float  # m MSL, landing surface
    target_east: float
    target_north: float
    steering: str  # canopy: "target" | "heading" | "into_wind"
    canopy_heading: float  # rad
    opening_exponent: float
    track_heading: float  # rad, direction the lift of a gliding position points
    # per sample (B,)
    t0: np.ndarray
    y0: np.ndarray  # (B, 6)
    mass: np.ndarray
    cda_scale: np.ndarray
    drogue_cda: np.ndarray
    drogue_time: np.ndarray  # s after exit; inf = none
    deploy_altitude: np.ndarray  # m MSL; -inf when deploying by time
    deploy_after: np.ndarray  # s of freefall; inf when deploying by altitude
    opening_time: np.ndarray
    canopy_u0: np.ndarray
    canopy_w0: np.ndarray
    wind_scale: np.ndarray
    wind_rotation: np.ndarray  # rad, clockwise (compass) rotation of the wind vector
    # constant gravity (m/s^2) instead of the inverse-square law: a flat-earth option, used by
    # the closed-form validation; None = g(z) of world/atmosphere.py
    gravity: float | None = None
    # Wind drift still to come under canopy, from altitude z down to the ground, for a canopy
    # descending at ``drift_w0`` (sea level) in the unscaled wind: D_rem(z) = integral from the
    # ground to z of w_vec / w_desc dz'. Used by the "target" steering law (jump/canopy.py).
    drift_z: np.ndarray | None = None
    drift_e: np.ndarray | None = None
    drift_n: np.ndarray | None = None
    drift_w0: float = 5.0
    # optional per-sample L/D in freefall (a body position drawn per sample); None = the drag
    # model's glide ratio for every sample
    lift_ratio: np.ndarray | None = None
    # optional per-sample, per-level wind factors and compass-clockwise offsets (rad), shape
    # (B, number of levels of the wind profile); None = 1 and 0 (see the module docstring)
    wind_layer_scale: np.ndarray | None = None
    wind_layer_rotation: np.ndarray | None = None
    # slowest flying airspeed of the canopy at sea level, per sample (None = no floor)
    canopy_umin: np.ndarray | None = None
    # opening time scales as opening_ref_speed / airspeed at deployment (constant fill
    # distance, jump/canopy.py); None = opening_time as given
    opening_ref_speed: float | None = None
    # landing pattern (jump/canopy.py Pattern): the checkpoints (east, north) of the entry,
    # the base turn and the final turn and their heights MSL; the "target" law aims at each in
    # turn, then at the target on the ground
    pattern_levels: tuple[float, float, float] | None = None
    pattern_points: tuple[tuple[float, float], ...] | None = None
    # final leg ("target" steering): its true heading (into the forecast surface wind) and its
    # height AGL; on it the canopy flies straight in, braking no slower than canopy_umin.
    # None = no final-leg law (the pursuit alone, braking to any speed)
    final_heading: float | None = None
    final_agl: float = 300.0 * 0.3048
    # drogue drag law (Cd(Mach) table); None = the constant drogue_cda
    drogue_drag: DragModel | None = None
    # later body-position stages: (drag law, start time after exit or None, start altitude MSL
    # or None); the drag law replaces the plan's (cda_scale still applies)
    stages: tuple[tuple[DragModel, float | None, float | None], ...] = ()

    @property
    def n(self) -> int:
        return int(self.mass.shape[0])

    def take(self, idx: np.ndarray) -> JumpBatch:
        """The sub-batch of samples ``idx`` (shared fields are kept)."""
        changes = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name in _SHARED_ARRAYS:
                continue
            if isinstance(v, np.ndarray) and v.ndim >= 1 and v.shape[0] == self.n:
                changes[f.name] = v[idx]
        return replace(self, **changes)

    def canopy_drag_area(self) -> np.ndarray:
        v2 = self.canopy_u0**2 + self.canopy_w0**2
        return 2.0 * self.mass * G0 / (RHO0 * v2)


def layered(p: JumpBatch) -> bool:
    """True when the batch perturbs the wind level by level."""
    return p.wind_layer_scale is not None or p.wind_layer_rotation is not None


def layer_vectors(p: JumpBatch) -> tuple[np.ndarray, np.ndarray]:
    """Per-sample level vectors s_bk R(theta_bk) w_k, each (B, K)."""
    e0, n0 = p.wind.east[None, :], p.wind.north[None, :]
    s = 1.0 if p.wind_layer_scale is None else p.wind_layer_scale
    if p.wind_layer_rotation is None:
        return s * e0, s * n0
    c, sn = np.cos(p.wind_layer_rotation), np.sin(p.wind_layer_rotation)
    return s * (e0 * c + n0 * sn), s * (-e0 * sn + n0 * c)


def interval(altitude: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index j and weight f of z between the profile levels (held beyond the ends), so that a
    level-wise quantity interpolates as (1 - f) q_j + f q_{j+1}; with one level, j = 0, f = 0."""
    z = np.asarray(z, dtype=float)
    if len(altitude) == 1:
        return np.zeros(z.shape, dtype=np.intp), np.zeros(z.shape)
    j = np.clip(np.searchsorted(altitude, z, side="right") - 1, 0, len(altitude) - 2)
    f = np.clip((z - altitude[j]) / (altitude[j + 1] - altitude[j]), 0.0, 1.0)
    return j, f


def wind_at(p: JumpBatch, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wind (east, north) at z for each sample: the profile perturbed per level (optional), then
    scaled and rotated per sample (module docstring)."""
    if layered(p):
        ke, kn = layer_vectors(p)
        j, f = interval(p.wind.altitude, z)
        rows = np.arange(len(j))
        j1 = np.minimum(j + 1, ke.shape[1] - 1)
        we = (1.0 - f) * ke[rows, j] + f * ke[rows, j1]
        wn = (1.0 - f) * kn[rows, j] + f * kn[rows, j1]
    else:
        we, wn = p.wind.at(z)
    c, s = np.cos(p.wind_rotation), np.sin(p.wind_rotation)
    k = p.wind_scale
    return k * (we * c + wn * s), k * (-we * s + wn * c)


def lift_ratios(p: JumpBatch) -> np.ndarray | float:
    """Freefall L/D per sample (``lift_ratio``) or the drag model's one value."""
    return p.drag.glide_ratio if p.lift_ratio is None else p.lift_ratio


LIFT_DEGENERATE = 1e-6
"""|h - (h.e) e| below which the lift direction takes its limit (see ``lift_limit``)."""


def lift_limit(ee: Any, en: Any, ez: Any, le: Any, ln: Any, lz: Any, norm: Any) -> Any:
    """Where v_rel is (nearly) along the track heading h, h - (h.e)e vanishes and its direction
    is undefined; as the path bends down from there (e = cos g h - sin g e_up) the lift
    direction tends to e_up - (e_up.e) e, which is used instead."""
    deg = norm < LIFT_DEGENERATE
    if not np.any(deg):
        return le, ln, lz, norm
    fe, fn, fz = -ez * ee, -ez * en, 1.0 - ez * ez
    fnorm = np.sqrt(fe * fe + fn * fn + fz * fz)
    return (
        np.where(deg, fe, le),
        np.where(deg, fn, ln),
        np.where(deg, fz, lz),
        np.where(deg, fnorm, norm),
    )


def aero_freefall(
    p: JumpBatch,
    t: np.ndarray,
    y: np.ndarray,
    drogue_on: np.ndarray | None,
    opening_from: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Aerodynamic + gravity acceleration (B, 3) and the aerodynamic load in g (B,).

    ``drogue_on`` (bool per sample) adds the drogue's drag area; ``opening_from`` (deployment
    time per sample) switches to the opening law CdA_ff + (CdA_c - CdA_ff) (s)^k.
    """
    z = y[:, 2]
    rho, a = p.atmosphere.density_and_sound(z)
    we, wn = wind_at(p, z)
    vre = y[:, 3] - we
    vrn = y[:, 4] - wn
    vrz = y[:, 5]
    speed = np.sqrt(vre * vre + vrn * vrn + vrz * vrz)
    cda = p.drag(speed / a) * p.cda_scale
    if opening_from is not None:
        s = np.clip((t - opening_from) / p.opening_time, 0.0, 1.0) ** p.opening_exponent
        cda = cda + (p.canopy_drag_area() - cda) * s
        lift_ratio: Any = 0.0
    else:
        lift_ratio = lift_ratios(p)
        if drogue_on is not None:
            d_cda = p.drogue_cda if p.drogue_drag is None else p.drogue_drag(speed / a)
            cda = cda + np.where(drogue_on, d_cda, 0.0)
    kd = 0.5 * rho * speed * cda / p.mass
    acc = np.empty((len(z), 3))
    acc[:, 0] = -kd * vre
    acc[:, 1] = -kd * vrn
    acc[:, 2] = -kd * vrz - (gravity(z) if p.gravity is None else p.gravity)
    load = kd * speed  # |drag| / m
    if np.any(np.asarray(lift_ratio) > 0.0):
        # l_hat = unit(h - (h.e) e), h the horizontal track heading, e = v_rel / |v_rel|
        he, hn = np.sin(p.track_heading), np.cos(p.track_heading)
        inv = 1.0 / np.maximum(speed, 1e-9)
        ee, en, ez = vre * inv, vrn * inv, vrz * inv
        dot = he * ee + hn * en
        le, ln, lz = he - dot * ee, hn - dot * en, -dot * ez
        norm = np.sqrt(le * le + ln * ln + lz * lz)
        # v_rel along the track heading (an exit along the jump run): the formula is 0/0; take
        # its limit in the vertical plane of h, the part of e_up perpendicular to e
        le, ln, lz, norm = lift_limit(ee, en, ez, le, ln, lz, norm)
        lmag = lift_ratio * kd * speed / np.maximum(norm, 1e-9)
        acc[:, 0] += lmag * le
        acc[:, 1] += lmag * ln
        acc[:, 2] += lmag * lz
        load = load * np.sqrt(1.0 + lift_ratio**2)
    return acc, load / G0


def aim_of(p: JumpBatch, z: np.ndarray, leg: int | None = None) -> Any:
    """("target" steering) the aim level and point: the next checkpoint of the landing pattern
    below z (entry, base turn, final turn) or the target on the ground; ``leg`` (0-3) forces
    the checkpoint (an integrator that stops on the pattern levels)."""
    if p.pattern_levels is None or p.pattern_points is None:
        return np.full(z.shape, p.ground), p.target_east, p.target_north
    levels = np.array([*list(p.pattern_levels), p.ground])
    pe = np.array([q[0] for q in p.pattern_points] + [p.target_east])
    pn = np.array([q[1] for q in p.pattern_points] + [p.target_north])
    if leg is None:
        k = np.count_nonzero(z[:, None] <= levels[None, :3] + 1e-6, axis=1)
    else:
        k = np.full(z.shape, leg)
    return levels[k], pe[k], pn[k]


def canopy_velocity(p: JumpBatch, y: np.ndarray, leg: int | None = None) -> np.ndarray:
    """Ground velocity (B, 3) under a flying canopy (jump/canopy.py)."""
    z = y[:, 2]
    rho = p.atmosphere.density(z)
    sig = np.sqrt(RHO0 / rho)
    u = p.canopy_u0 * sig
    we, wn = wind_at(p, z)
    if p.steering == "drift":
        ae = an = np.zeros_like(z)
    elif p.steering == "heading":
        ae = u * np.sin(p.canopy_heading)
        an = u * np.cos(p.canopy_heading)
    elif p.steering == "into_wind":
        w = np.hypot(we, wn)
        calm = w < 1e-6
        ws = np.where(calm, 1.0, w)
        ae = np.where(calm, u * np.sin(p.canopy_heading), -u * we / ws)
        an = np.where(calm, u * np.cos(p.canopy_heading), -u * wn / ws)
    else:  # target: wind-drift-corrected pursuit on the FORECAST, see jump/canopy.py
        z_aim, aim_e, aim_n = aim_of(p, z, leg)
        k = p.drift_w0 / p.canopy_w0  # D_rem and R_rem scale as 1/w0
        dz, de, dn = p.drift_z, p.drift_e, p.drift_n
        assert dz is not None and de is not None and dn is not None
        need_e = aim_e - y[:, 0] - k * (np.interp(z, dz, de) - np.interp(z_aim, dz, de))
        need_n = aim_n - y[:, 1] - k * (np.interp(z, dz, dn) - np.interp(z_aim, dz, dn))
        # floor of 2 m of air range: below it N/R_rem is rounding noise at the aim level
        r_rem = np.maximum(p.canopy_u0 / p.canopy_w0 * (z - z_aim), 2.0)
        need = np.hypot(need_e, need_n)
        scale = u / np.maximum(r_rem, need)
        ae, an = need_e * scale, need_n * scale
        if p.final_heading is not None:
            on_final = (z <= p.ground + p.final_agl + 1e-6) & (z_aim <= p.ground)
            if leg is not None:
                on_final = on_final & (leg >= (0 if p.pattern_levels is None else 3))
            umin = 0.0 if p.canopy_umin is None else p.canopy_umin * sig
            he, hn = np.sin(p.final_heading), np.cos(p.final_heading)
            al = np.clip(u * (need_e * he + need_n * hn) / r_rem, umin, u)
            cr_max = np.sqrt(np.maximum(u * u - al * al, 0.0))
            cr = np.clip(u * (need_e * hn - need_n * he) / r_rem, -cr_max, cr_max)
            cr = np.where(z - p.ground < 3.0, 0.0, cr)  # wings level for the flare (kernel)
            ae = np.where(on_final, al * he + cr * hn, ae)
            an = np.where(on_final, al * hn - cr * he, an)
    out = np.empty((len(z), 3))
    out[:, 0] = we + ae
    out[:, 1] = wn + an
    out[:, 2] = -p.canopy_w0 * sig
    return out


def freefall_rhs(
    p: JumpBatch, drogue_on: np.ndarray | None, opening_from: np.ndarray | None
) -> Any:
    """f(t, y) for freefall (or opening when ``opening_from`` is given)."""

    def f(t: np.ndarray, y: np.ndarray) -> np.ndarray:
        acc, _ = aero_freefall(p, t, y, drogue_on, opening_from)
        out = np.empty_like(y)
        out[:, :3] = y[:, 3:]
        out[:, 3:] = acc
        return out

    return f


def canopy_rhs(p: JumpBatch, leg: int | None = None) -> Any:
    """f(t, y) for canopy flight: positions follow the kinematic velocity; v is not a state
    there (its derivative is zero; the kernel overwrites it with the kinematic velocity)."""

    def f(t: np.ndarray, y: np.ndarray) -> np.ndarray:
        out = np.zeros_like(y)
        out[:, :3] = canopy_velocity(p, y, leg)
        return out

    return f
