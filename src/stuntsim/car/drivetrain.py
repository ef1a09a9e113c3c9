"""Engine, clutch, five-speed gearbox and limited-slip differential (rear-wheel drive).

All functions take batch arrays (leading axis = plans) and return torques in N m together with
the partial derivatives the implicit wheel/engine update needs.

Friction elements (clutch, differential clutch packs, brakes) are Coulomb friction elements
with a torque *capacity*; the sign function is regularised as ``tanh(slip / w_s)`` with a
small ``w_s`` (regularised Coulomb friction; e.g. Pennestri et al., "Review and comparison of
dry friction force models", Nonlinear Dyn. 83 (2016), §2.2). A friction element whose slip is
below a few ``w_s`` is "locked": it then carries whatever torque keeps the two sides together,
up to its capacity. The integrator treats these stiff terms implicitly
(see :mod:`stuntsim.car.dynamics`), so ``w_s`` can be small without a tiny time step.

Driveline (no gearbox or propshaft inertia; efficiency 1)::

    J_e dw_e/dt = T_engine(w_e, throttle) - T_c
    T_c   = C_max (1 - pedal) tanh((w_e - G w_c) / w_s)       clutch, G = gear ratio * final drive
    w_c   = (w_RL + w_RR) / 2                                   differential carrier speed
    T_in  = G T_c                                               torque into the differential
    T_lsd = (T_pre + S |T_in| / 2) tanh((w_RL - w_RR) / w_s)    clutch-pack LSD, locking value S
    T_RL  = T_in / 2 - T_lsd,   T_RR = T_in / 2 + T_lsd

The locking value S = (T_slow - T_fast) / T_in is how LSDs are specified (e.g. BMW's 25 %).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RPM = 2.0 * np.pi / 60.0  # rad/s per rev/min
SLIP_SPEED = 1.0  # rad/s: regularisation speed w_s of the clutch and differential friction


def _unit(x: np.ndarray) -> np.ndarray:
    """Clip to [0, 1] (np.minimum/np.maximum: several times faster than np.clip on small arrays)."""
    return np.minimum(np.maximum(x, 0.0), 1.0)


@dataclass(frozen=True)
class Engine:
    """Full-throttle torque curve, inertia, idle governor, fuel cut and friction drag."""

    speed: tuple[float, ...]  # rad/s, increasing
    torque: tuple[float, ...]  # N m at full throttle
    inertia: float  # kg m^2, crank + flywheel + clutch disc
    idle_speed: float  # rad/s, held by the idle governor
    cut_speed: float  # rad/s, fuel cut (rev limiter)
    drag0: float = 20.0  # N m, friction torque at zero speed (estimate)
    drag1: float = 0.06  # N m per rad/s (estimate: about 40 N m of engine braking at 3000 rpm)

    def full_throttle(self, w: np.ndarray) -> np.ndarray:
        return np.interp(w, self.speed, self.torque)

    def drag(self, w: np.ndarray) -> np.ndarray:
        """Friction and pumping torque opposing rotation (>= 0 for w >= 0)."""
        return (self.drag0 + self.drag1 * np.abs(w)) * np.tanh(w / SLIP_SPEED)

    def output(self, w: np.ndarray, throttle: np.ndarray, running: np.ndarray) -> np.ndarray:
        """Net crank torque: T = th T_wot(w) - (1 - th) T_drag(w), th = governed throttle.

        The idle governor opens the throttle fully 100 rpm below idle; the fuel cut closes it
        over the 100 rpm above ``cut_speed``; a stopped engine (``running`` false) only drags.
        """
        gov = _unit((self.idle_speed - w) / (100.0 * RPM))
        th = np.maximum(throttle, gov)
        th = th * _unit((self.cut_speed + 100.0 * RPM - w) / (100.0 * RPM))
        th = np.where(running, th, 0.0)
        return th * self.full_throttle(w) - (1.0 - th) * self.drag(w)

    @property
    def peak_torque(self) -> float:
        return float(max(self.torque))

    @property
    def peak_power(self) -> float:
        w = np.linspace(self.speed[0], self.speed[-1], 2001)
        return float(np.max(w * self.full_throttle(w)))


@dataclass(frozen=True)
class Gearbox:
    """Forward ratios (first to fifth), reverse ratio (positive number), final drive."""

    ratios: tuple[float, ...]
    reverse: float
    final_drive: float

    @property
    def n_forward(self) -> int:
        return len(self.ratios)

    def table(self) -> np.ndarray:
        """Overall ratio G (engine speed / carrier speed) indexed by ``gear + 1``.

        Gear -1 is reverse (negative G: the engine turning forwards drives the car backwards),
        0 is neutral (G = 0: nothing transmitted).
        """
        return np.array([-self.reverse, 0.0, *self.ratios]) * self.final_drive

    def overall(self, gear: np.ndarray) -> np.ndarray:
        return self.table()[np.asarray(gear, dtype=int) + 1]


@dataclass(frozen=True)
class Clutch:
    capacity: float  # N m, torque the fully engaged clutch carries before it slips

    def torque(self, slip: np.ndarray, pedal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Clutch torque and d(torque)/d(slip); ``pedal`` 0 = engaged, 1 = fully down."""
        cap = self.capacity * _unit(1.0 - pedal)
        th = np.tanh(slip / SLIP_SPEED)
        return cap * th, cap * (1.0 - th * th) / SLIP_SPEED


@dataclass(frozen=True)
class LimitedSlipDiff:
    locking: float  # S = (T_slow - T_fast) / T_in under drive; 0 = open differential
    preload: float  # N m, friction torque with no input torque

    def friction(
        self, w_left: np.ndarray, w_right: np.ndarray, t_in: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Friction torque T_lsd taken from the left and given to the right, and dT/d(w_l-w_r)."""
        cap = self.preload + 0.5 * self.locking * np.abs(t_in)
        th = np.tanh((w_left - w_right) / SLIP_SPEED)
        return cap * th, cap * (1.0 - th * th) / SLIP_SPEED


def friction_brake(
    w: np.ndarray, capacity: np.ndarray, slip_speed: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    """Brake (or handbrake) torque opposing wheel speed ``w``, and its derivative d/dw.

    Coulomb friction with capacity ``capacity`` (N m), regularised over ``slip_speed`` (rad/s):
    a wheel held below about 2 * slip_speed is locked.
    """
    th = np.tanh(w / slip_speed)
    return capacity * th, capacity * (1.0 - th * th) / slip_speed
