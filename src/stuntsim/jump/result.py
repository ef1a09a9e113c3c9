"""The result of one jump: typed fields, SI only (presenters convert, round and label)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from stuntsim.checks import Check

if TYPE_CHECKING:
    from stuntsim.jump.kernel import JumpOutcome
    from stuntsim.jump.plan import JumpPlan
    from stuntsim.jump.spot import SpotSolution

PHASE_NAMES = ("freefall", "opening", "canopy", "landed")


@dataclass(frozen=True)
class Event:
    name: str
    t_s: float
    altitude_m: float
    speed_m_s: float
    east_m: float
    north_m: float

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class Landing:
    """Where and how the jumper touches down (east/north from the target, SI)."""

    east_m: float
    north_m: float
    lat: float
    lon: float
    miss_distance_m: float
    ground_speed_m_s: float  # horizontal ground speed at touchdown
    heading_rad: float  # direction of motion over the ground at touchdown (true); NaN if still
    descent_rate_m_s: float
    surface_wind_m_s: float  # wind speed at the ground in this run
    surface_wind_from_rad: float  # direction it blows from (true)


@dataclass(frozen=True)
class Reachable:
    """The ground points reachable from the opening point: a disc (jump/spot.py)."""

    centre_east_m: float  # opening point + wind drift under canopy
    centre_north_m: float
    radius_m: float  # (u0/w0) x height of the opening above ground
    target_reachable: bool


@dataclass
class JumpResult:
    name: str
    plan: JumpPlan
    outcome: JumpOutcome
    trajectory: dict[str, np.ndarray]
    events: list[Event]
    max_speed_m_s: float
    max_mach: float
    max_fall_rate_m_s: float
    max_fall_rate_altitude_m: float
    peak_opening_g: float
    deploy_airspeed_m_s: float
    opening_duration_s: float
    freefall_time_s: float
    canopy_time_s: float
    total_time_s: float
    landing: Landing
    reachable: Reachable | None
    impact: bool
    release_point: SpotSolution | None = None
    checks: list[Check] = field(default_factory=list)

    # short names kept for the presenters and tests
    @property
    def landing_east_m(self) -> float:
        return self.landing.east_m

    @property
    def landing_north_m(self) -> float:
        return self.landing.north_m

    @property
    def landing_lat(self) -> float:
        return self.landing.lat

    @property
    def landing_lon(self) -> float:
        return self.landing.lon

    @property
    def miss_distance_m(self) -> float:
        return self.landing.miss_distance_m

    def event(self, name: str) -> Event:
        return next(e for e in self.events if e.name == name)
