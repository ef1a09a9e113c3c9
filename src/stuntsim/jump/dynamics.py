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
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from stuntsim.jump.jumper import RHO0, DragModel
from stuntsim.units import G0
from stuntsim.world.atmosphere import Atmosphere, gravity
from stuntsim.world.wind import WindProfile


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

    @property
    def n(self) -> int:
        return int(self.mass.shape[0])

    def take(self, idx: np.ndarray) -> JumpBatch:
        """The sub-batch of samples ``idx`` (shared fields are kept)."""
        changes = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, np.ndarray) and v.ndim >= 1 and v.shape[0] == self.n:
                changes[f.name] = v[idx]
        return replace(self, **changes)

    def canopy_drag_area(self) -> np.ndarray:
        v2 = self.canopy_u0**2 + self.canopy_w0**2
        return 2.0 * self.mass * G0 / (RHO0 * v2)


def wind_at(p: JumpBatch, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wind (east, north) at z for each sample: the profile scaled and rotated per sample."""
    we, wn = p.wind.at(z)
    c, s = np.cos(p.wind_rotation), np.sin(p.wind_rotation)
    k = p.wind_scale
    return k * (we * c + wn * s), k * (-we * s + wn * c)


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
        lift_ratio = 0.0
    else:
        lift_ratio = p.drag.glide_ratio
        if drogue_on is not None:
            cda = cda + np.where(drogue_on, p.drogue_cda, 0.0)
    kd = 0.5 * rho * speed * cda / p.mass
    acc = np.empty((len(z), 3))
    acc[:, 0] = -kd * vre
    acc[:, 1] = -kd * vrn
    acc[:, 2] = -kd * vrz - (gravity(z) if p.gravity is None else p.gravity)
    load = kd * speed  # |drag| / m
    if lift_ratio > 0.0:
        # l_hat = unit(h - (h.e) e), h the horizontal track heading, e = v_rel / |v_rel|
        he, hn = np.sin(p.track_heading), np.cos(p.track_heading)
        inv = 1.0 / np.maximum(speed, 1e-9)
        ee, en, ez = vre * inv, vrn * inv, vrz * inv
        dot = he * ee + hn * en
        le, ln, lz = he - dot * ee, hn - dot * en, -dot * ez
        norm = np.sqrt(le * le + ln * ln + lz * lz)
        lmag = lift_ratio * kd * speed / np.maximum(norm, 1e-9)
        acc[:, 0] += lmag * le
        acc[:, 1] += lmag * ln
        acc[:, 2] += lmag * lz
        load = load * np.sqrt(1.0 + lift_ratio**2)
    return acc, load / G0


def canopy_velocity(p: JumpBatch, y: np.ndarray) -> np.ndarray:
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
    else:  # target: wind-drift-corrected pursuit, see jump/canopy.py
        k = p.drift_w0 / p.canopy_w0  # D_rem and R_rem scale as 1/w0
        de0 = np.interp(z, p.drift_z, p.drift_e)
        dn0 = np.interp(z, p.drift_z, p.drift_n)
        c, s = np.cos(p.wind_rotation), np.sin(p.wind_rotation)
        ks = k * p.wind_scale
        need_e = p.target_east - y[:, 0] - ks * (de0 * c + dn0 * s)
        need_n = p.target_north - y[:, 1] - ks * (-de0 * s + dn0 * c)
        # floor of 2 m of air range: below it N/R_rem is rounding noise at touchdown
        r_rem = np.maximum(p.canopy_u0 / p.canopy_w0 * (z - p.ground), 2.0)
        need = np.hypot(need_e, need_n)
        scale = u / np.maximum(r_rem, need)
        ae, an = need_e * scale, need_n * scale
    out = np.empty((len(z), 3))
    out[:, 0] = we + ae
    out[:, 1] = wn + an
    out[:, 2] = -p.canopy_w0 * sig
    return out


def freefall_rhs(p: JumpBatch, drogue_on: np.ndarray | None, opening_from: np.ndarray | None):
    """f(t, y) for freefall (or opening when ``opening_from`` is given)."""

    def f(t: np.ndarray, y: np.ndarray) -> np.ndarray:
        acc, _ = aero_freefall(p, t, y, drogue_on, opening_from)
        out = np.empty_like(y)
        out[:, :3] = y[:, 3:]
        out[:, 3:] = acc
        return out

    return f


def canopy_rhs(p: JumpBatch):
    """f(t, y) for canopy flight: positions follow the kinematic velocity; v is not a state
    there (its derivative is zero; the kernel overwrites it with the kinematic velocity)."""

    def f(t: np.ndarray, y: np.ndarray) -> np.ndarray:
        out = np.zeros_like(y)
        out[:, :3] = canopy_velocity(p, y)
        return out

    return f
