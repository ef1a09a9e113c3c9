"""Figures read off a car's recorded time histories: wall clearance, load transfer, level ground.

Shared by the checks (:mod:`stuntsim.car.checks`), the result assembly
(:mod:`stuntsim.car.simulate`) and the planner. No I/O; arrays in SI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from stuntsim.car.plan import CarPlan
    from stuntsim.car.vehicle import Vehicle

LTR_WINDOW = 0.1  # s: LTR is averaged over this window so landing impacts do not count as roll
LTR_MIN_LOAD = 0.5  # LTR is evaluated while the ground carries at least half the car's weight


def clearance_series(plan: CarPlan, x: np.ndarray) -> np.ndarray:
    """Smallest distance of the car's outline corners to a side wall, (..., n); +inf when no
    corner is alongside the stairs. ``x``: (..., n, 25)."""
    ground = plan.ground
    corners = plan.vehicle.outline()  # (4, 2) body x, y
    psi = x[..., 2]
    s, c = np.sin(psi)[..., None], np.cos(psi)[..., None]
    east = x[..., 0:1] - corners[:, 0] * s - corners[:, 1] * c
    north = x[..., 1:2] + corners[:, 0] * c - corners[:, 1] * s
    return np.min(ground.wall_clearance(east, north), axis=-1)


def level_ground(plan: CarPlan, x: np.ndarray) -> np.ndarray:
    """True where all four wheels are over level ground at one height (not on the steps)."""
    from stuntsim.car.dynamics import CarModel

    model = CarModel(plan.vehicle, plan.ground)
    shape = x.shape[:-1]
    flat = x.reshape(-1, x.shape[-1])
    we, wn = model.wheel_positions(flat)
    h, slope = plan.ground.envelope(we, wn, plan.vehicle.wheel_radius)
    ok = np.all(slope == 0.0, axis=1) & (np.ptp(h, axis=1) == 0.0)
    return ok.reshape(shape)


def roll_angle_limit(veh: Vehicle) -> float:
    """Static tip-over angle atan(T / 2h): beyond it the CG is outside the wheels (rad)."""
    return float(np.arctan(0.5 * (veh.track_front + veh.track_rear) / (2.0 * veh.cg_height)))


def pitch_over_angle(veh: Vehicle) -> float:
    """Static end-over-end angle atan((a + front overhang) / h), rad: nose down beyond it, the
    CG is ahead of the front bumper (the longitudinal counterpart of the tip-over angle)."""
    return float(np.arctan((veh.cg_to_front + veh.front_overhang) / veh.cg_height))


def ltr_series(fz: np.ndarray, weight: float, level: np.ndarray | None = None) -> np.ndarray:
    """Lateral load-transfer ratio |F_L - F_R| / (F_L + F_R); NaN while lightly loaded or,
    given ``level``, while the wheels are on the steps (step contacts alternate left/right)."""
    left = fz[..., 0] + fz[..., 2]
    right = fz[..., 1] + fz[..., 3]
    tot = left + right
    ok = tot >= LTR_MIN_LOAD * weight
    if level is not None:
        ok &= level
    return np.where(ok, np.abs(left - right) / np.where(ok, tot, 1.0), np.nan)


def ltr_windowed(ltr: np.ndarray, dt: float) -> np.ndarray:
    """Mean LTR over a sliding window of LTR_WINDOW, NaN where the window is not fully loaded."""
    n = max(1, round(LTR_WINDOW / dt))
    valid = np.isfinite(ltr)
    if len(ltr) < n:
        return np.full_like(ltr, np.nan)
    cs = np.concatenate([[0.0], np.cumsum(np.where(valid, ltr, 0.0))])
    cn = np.concatenate([[0], np.cumsum(valid)])
    s = cs[n:] - cs[:-n]
    k = cn[n:] - cn[:-n]
    mean = np.where(k == n, s / n, np.nan)
    out = np.full_like(ltr, np.nan)
    out[n - 1 :] = mean
    return out


def ltr_max(fz: np.ndarray, weight: float, dt: float, level: np.ndarray | None = None) -> float:
    w = ltr_windowed(ltr_series(fz, weight, level), dt)
    return float(np.nanmax(w)) if np.isfinite(w).any() else 0.0


# --- turn geometry -----------------------------------------------------------------------------


def wrap_pi(a: np.ndarray) -> np.ndarray:
    return (np.asarray(a) + np.pi) % (2.0 * np.pi) - np.pi


def turn_sizes(plan: CarPlan, yaw: np.ndarray) -> np.ndarray:
    """Signed rotation each sample needs (rad, (B,)), in the direction it actually turned.

    ``targets.turn`` if given, else from the start and target headings (internal yaw
    psi = -heading); a full turn when they coincide. ``yaw``: (B, n) since the start.
    """
    B = yaw.shape[0]
    i = np.argmax(np.abs(yaw), axis=1)
    sign = np.where(yaw[np.arange(B), i] >= 0.0, 1.0, -1.0)
    if plan.targets.turn is not None:
        return sign * plan.targets.turn
    delta = (-plan.targets.heading + plan.start.heading) % (2.0 * np.pi)
    out = np.where(sign < 0, delta - 2.0 * np.pi, delta)
    return np.where(np.abs(out) < 1e-9, sign * 2.0 * np.pi, out)


def heading_errors(plan: CarPlan, psi: np.ndarray) -> np.ndarray:
    """|heading - target heading| (rad, 0..pi); psi is the internal yaw (= -heading)."""
    return np.abs(wrap_pi(psi + plan.targets.heading))


def turn_time(t: np.ndarray, yaw: np.ndarray, err: np.ndarray, tol: float) -> float | None:
    """From the start of the rotation (|yaw| > 5 deg) to the first time the heading is within
    tolerance of the target; None if it never is. One sample: (n,) arrays."""
    moving = np.nonzero(np.abs(yaw) > np.radians(5.0))[0]
    if len(moving) == 0:
        return None
    within = np.nonzero(err[moving[0] :] <= tol)[0]
    if len(within) == 0:
        return None
    return float(t[moving[0] + within[0]] - t[moving[0]])


def airborne_phases(t: np.ndarray, fz: np.ndarray) -> list[tuple[float, float]]:
    """Intervals with all four wheels off the ground (F_z = 0) for one sample (fz: (n, 4));
    touches under 10 ms merged, phases under 30 ms dropped (stuntsim.car.shift's rule)."""
    from stuntsim.car.shift import unloaded_phases

    return unloaded_phases(t, np.all(fz <= 0.0, axis=1))
