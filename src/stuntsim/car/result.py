"""The result of one car run: typed fields, SI units (radians, metres, seconds, newtons).

Built by :func:`stuntsim.car.simulate.simulate` (a batch of one); read by the presenters in
:mod:`stuntsim.report.car`, which convert to degrees and round. No analysis here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from stuntsim.car.plan import CarPlan
    from stuntsim.checks import Check


@dataclass(frozen=True)
class EdgeCrossing:
    """When the CG first passes the first step edge."""

    t_s: float
    heading_rad: float  # compass heading, 0..2 pi
    yaw_rad: float  # rotation since the start, + left
    speed_along_nose_m_s: float
    nose_first: bool  # positive speed along the nose: the car goes down the steps forwards


@dataclass(frozen=True)
class Landing:
    """The end of one airborne phase and the loads that follow it (within 0.3 s)."""

    t_s: float  # first wheel contact
    peak_t_s: float  # time of the peak body vertical load
    vertical_g: float  # peak sprung-body vertical specific force / g0
    max_wheel_load_n: float  # peak tyre load of any wheel
    wheel_factor: float  # that peak over the wheel's static load
    axle_factor: float  # peak axle load over the axle's static load
    east_m: float
    north_m: float


@dataclass(frozen=True)
class BodyStrike:
    """The worst contact of the body's lower outline with the ground."""

    point: str  # name of the contact point (front bumper, sump, ...)
    t_s: float
    peak_force_n: float
    east_m: float
    north_m: float


@dataclass
class CarResult:
    """One run of a car plan: time histories (n samples), events and checks."""

    name: str
    plan: CarPlan
    t: np.ndarray  # (n,) s
    x: np.ndarray  # (n, 25) state (stuntsim.car.dynamics)
    inputs: np.ndarray  # (n, 6) driver channels
    fz: np.ndarray  # (n, 4) tyre loads, N
    kappa: np.ndarray  # (n, 4)
    alpha: np.ndarray  # (n, 4) rad
    clutch_torque: np.ndarray  # (n,) N m
    clutch_slip: np.ndarray  # (n,) rad/s
    ratio: np.ndarray  # (n,) overall ratio
    ax: np.ndarray  # (n,) m/s^2
    ay: np.ndarray  # (n,) m/s^2
    body_force: np.ndarray  # (n,) N, sum of the body-ground contact forces
    vertical_g: np.ndarray  # (n,) sprung-body vertical specific force / g0
    ltr: np.ndarray  # (n,) NaN while the ground carries less than half the weight
    clearance: np.ndarray  # (n,) m to the nearer wall, +inf off the stairs
    yaw: np.ndarray  # (n,) rad since the start, + left
    airborne: list[tuple[float, float]]
    landings: list[Landing]
    shift: Any  # ShiftWindow (stuntsim.car.shift, or the planner's until it exists)
    clutch: list[Any]  # ClutchEngagement records
    edge: EdgeCrossing | None
    turn_rad: float  # signed size of the turn the plan needs
    final_yaw_rad: float
    final_heading_rad: float
    heading_error_rad: float
    turn_time_s: float | None
    max_vertical_g: float
    max_wheel_factor: float  # peak tyre load / static wheel load, over the whole run
    max_axle_factor: float
    max_load_transfer_ratio: float
    max_roll_rad: float
    max_pitch_rad: float  # nose-down pitch relative to the ground slope (signed: + nose down)
    max_lateral_g: float
    min_wall_clearance_m: float | None
    body_strike: BodyStrike | None
    checks: list[Check] = field(default_factory=list)

    @property
    def heading_rad(self) -> np.ndarray:
        return np.mod(-self.x[:, 2], 2.0 * np.pi)

    @property
    def engine_speed_rad_s(self) -> np.ndarray:
        return self.x[:, 24]
