"""The ``kind = "jump"`` scenario file: pydantic models only (docs/scenario.md and docs/jump.md
document each key; jump/plan.py resolves them into SI objects)."""

from __future__ import annotations

import datetime
import itertools
from typing import Literal, get_args

from pydantic import Field, field_validator, model_validator

from stuntsim.jump.canopy import DEFAULT_CANOPY, STEERING_MODES
from stuntsim.jump.jumper import BODY_POSITIONS
from stuntsim.jump.jumpmaster import Height
from stuntsim.jump.uncertainty import UncertaintySection
from stuntsim.scenario.common import AtmosphereSection, SiteSection, WindLayer
from stuntsim.scenario.fields import Angle, Area, Length, Mass, Speed, StrictModel, Time

Position = Literal["belly", "head_down", "sit", "track", "halo_belly"]
assert set(get_args(Position)) == set(BODY_POSITIONS)  # keep the schema and presets in step


def check_cd_table(v: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A Cd(Mach) table: at least one [mach, cd] pair, Mach increasing, 0 < cd < 5."""
    if len(v) < 1:
        raise ValueError("give at least one [mach, cd] pair")
    machs = [m for m, _ in v]
    if any(b <= a for a, b in itertools.pairwise(machs)):
        raise ValueError("Mach numbers must increase along the table")
    if any(m < 0 for m in machs) or any(not (0.0 < cd < 5.0) for _, cd in v):
        raise ValueError("each pair is [mach >= 0, 0 < cd < 5]")
    return v


class PositionStage(StrictModel):
    """One stage of a sequence of body positions: the position flown from ``after`` seconds
    after exit or from when the jumper falls ``below`` an altitude MSL (the first stage starts
    at exit and gives neither)."""

    position: Position
    after: Time | None = Field(None, ge=0.0, le=1800.0, description="seconds after exit")
    below: Length | None = Field(None, description="altitude MSL")

    @model_validator(mode="after")
    def _one_trigger(self):
        if self.after is not None and self.below is not None:
            raise ValueError("give after (a time) or below (an altitude), not both")
        return self


class JumperSection(StrictModel):
    mass: Mass = Field(ge=35.0, le=400.0, description="all-up mass: jumper, rig, oxygen, load")
    position: Position | None = None
    positions: list[PositionStage] | None = Field(
        None, min_length=1, max_length=20, description="a sequence of body positions"
    )
    drag_area: Area | None = Field(None, ge=0.05, le=20.0)  # ge: estimates, below any person
    reference_area: Area | None = Field(None, ge=0.05, le=20.0)
    drag_coefficient: float | list[tuple[float, float]] | None = None
    glide_ratio: float | None = Field(None, ge=0.0, le=4.0)
    track_heading: Angle | None = None
    oxygen: bool = False
    prebreathe: Time | None = Field(None, ge=0.0, le=6 * 3600.0)
    licence: Literal["student", "A", "B", "C", "D", "tandem", "military"] = "student"
    pressure: Literal["none", "pressure_breathing", "pressure_suit"] = Field(
        "none", description="pressure protection beyond oxygen (docs/checks.md, pressure_suit)"
    )

    @field_validator("drag_coefficient")
    @classmethod
    def _cd_table(cls, v):
        if v is None or isinstance(v, float | int):
            if v is not None and not (0.0 < float(v) < 5.0):
                raise ValueError("drag coefficient must be between 0 and 5")
            return v
        return check_cd_table(v)

    @model_validator(mode="after")
    def _one_drag_source(self):
        given = [
            self.position is not None or self.positions is not None,
            self.drag_area is not None,
            self.reference_area is not None or self.drag_coefficient is not None,
        ]
        if sum(given) != 1:
            raise ValueError(
                "give exactly one of: position, drag_area, or reference_area with drag_coefficient"
            )
        if (self.reference_area is None) != (self.drag_coefficient is None):
            raise ValueError("reference_area and drag_coefficient go together")
        if self.position is not None and self.positions is not None:
            raise ValueError("give position or positions (a sequence), not both")
        if self.positions is not None:
            first = self.positions[0]
            if first.after is not None or first.below is not None:
                raise ValueError("the first of positions is flown from exit: no after or below")
            if any(st.after is None and st.below is None for st in self.positions[1:]):
                raise ValueError("every later stage of positions needs after or below")
        return self


class DrogueSection(StrictModel):
    """A drogue: a constant ``drag_area``, or ``reference_area`` with a Cd(Mach) table."""

    drag_area: Area | None = Field(None, gt=0.0, le=10.0)
    reference_area: Area | None = Field(None, gt=0.0, le=10.0)
    drag_coefficient: list[tuple[float, float]] | None = None
    deploy_time: Time = Field(0.0, ge=0.0, description="seconds after exit")

    @model_validator(mode="after")
    def _drag(self):
        if (self.drag_area is None) == (self.reference_area is None):
            raise ValueError("give drag_area, or reference_area with drag_coefficient")
        if (self.reference_area is None) != (self.drag_coefficient is None):
            raise ValueError("reference_area and drag_coefficient go together")
        if self.drag_coefficient is not None:
            check_cd_table(self.drag_coefficient)
        return self


class PatternSection(StrictModel):
    """The landing pattern: legs by height above the landing area (defaults: USPA student
    material, downwind from 1 000 ft, base 600 ft, final 300 ft AGL)."""

    enabled: bool = True
    downwind: Length = Field(1000.0 * 0.3048, gt=0.0, le=3000.0, description="AGL")
    base: Length = Field(600.0 * 0.3048, gt=0.0, le=3000.0, description="AGL")
    final: Length = Field(300.0 * 0.3048, gt=0.0, le=3000.0, description="AGL")
    turns: Literal["left", "right"] = "left"

    @model_validator(mode="after")
    def _order(self):
        if not (self.downwind > self.base > self.final):
            raise ValueError("the legs go down: downwind above base above final")
        return self


class SurfaceWindSection(StrictModel):
    """The wind at the landing area (10 m anemometer or windsock), on top of any winds source."""

    speed: Speed = Field(ge=0.0, le=60.0)
    from_: Angle = Field(alias="from")
    blend_height: Length = Field(
        1000.0 * 0.3048,
        gt=0.0,
        le=3000.0,
        description="AGL: the profile's levels below it are replaced, blending linearly",
    )


class CanopySection(StrictModel):
    forward_speed: Speed = Field(DEFAULT_CANOPY.forward_speed, ge=0.0, le=40.0)
    descent_rate: Speed = Field(DEFAULT_CANOPY.descent_rate, gt=0.5, le=30.0)
    opening_time: Time = Field(DEFAULT_CANOPY.opening_time, gt=0.2, le=30.0)
    opening_exponent: float = Field(DEFAULT_CANOPY.opening_exponent, ge=0.5, le=6.0)
    steering: Literal[STEERING_MODES] = DEFAULT_CANOPY.steering  # type: ignore[valid-type]
    heading: Angle | None = None
    min_forward_speed: Speed | None = Field(
        None, ge=0.0, le=40.0, description="slowest flying airspeed (sea level)"
    )
    opening_reference_speed: Speed | None = Field(
        None, gt=0.0, le=350.0, description="airspeed at which opening_time holds"
    )
    max_deployment_speed: Speed | None = Field(
        None, gt=0.0, le=350.0, description="the system's maximum deployment speed (true)"
    )
    pattern: PatternSection = PatternSection()


class JumpSection(StrictModel):
    exit_altitude: Height = Field(
        gt=0.0, le=79_000.0, description="MSL, or '... AGL', or a flight level 'FL250'"
    )
    open_altitude: Height | None = Field(
        None, description="deployment altitude: MSL, '... AGL' or a flight level"
    )
    freefall_time: Time | None = Field(None, ge=0.0, le=1800.0)
    platform: Literal["aircraft", "balloon"] = "aircraft"
    aircraft_speed: Speed = Field(0.0, ge=0.0, le=350.0, description="true airspeed at exit")
    indicated_airspeed: Speed | None = Field(
        None, gt=0.0, le=300.0, description="indicated (calibrated) airspeed at exit, made true"
    )
    aircraft_heading: Angle | None = Field(
        None, description="jump-run heading (true); default: into the mean wind"
    )
    exit_east: Length = 0.0
    exit_north: Length = 0.0

    @model_validator(mode="after")
    def _deploy(self):
        if (self.open_altitude is None) == (self.freefall_time is None):
            raise ValueError("give exactly one of open_altitude or freefall_time")
        if self.platform == "balloon" and self.aircraft_speed != 0.0:
            raise ValueError("a balloon exit is at rest in the air: aircraft_speed must be 0")
        return self


class SpotSection(StrictModel):
    """Release-point (HARP) solution: see jump/spot.py."""

    mode: Literal["auto", "halo", "haho"] = "auto"
    solve: bool = Field(
        True, description="fly `stuntsim run` from the solved release point, not exit_east/north"
    )
    jumpers: int = Field(1, ge=1, le=40)
    separation: Time = Field(1.0, ge=0.0, le=60.0, description="time between exits")
    groups: int = Field(1, ge=1, le=40, description="groups on the jump run (green/red light)")
    group_size: int = Field(1, ge=1, le=400, description="jumpers per group")
    group_separation: Length | None = Field(
        None, gt=0.0, le=10_000.0, description="over the ground; default USPA SIM 5-7"
    )
    date: datetime.date | None = Field(None, description="for the magnetic declination")


class LimitsSection(StrictModel):
    """Optional overrides of check limits (defaults and sources: docs/checks.md)."""

    min_open_altitude: Length | None = Field(None, gt=0.0, description="AGL")
    opening_shock: float | None = Field(None, gt=0.0, le=50.0, description="g")
    detection_altitude: Length | None = Field(None, gt=0.0, description="AGL")
    prebreathe: Time | None = Field(None, ge=0.0)
    exposure: Time | None = Field(None, gt=0.0, description="limit on time below detection")
    decompression: Time | None = Field(None, gt=0.0, description="time above 25,000 ft")
    surface_wind: Speed | None = Field(None, gt=0.0, le=60.0, description="landing limit")
    landing_speed: Speed | None = Field(None, gt=0.0, le=60.0, description="ground speed")


class CabinSection(StrictModel):
    """The cabin before the exit (unpressurised, ramp open): a climb, or an explicit profile of
    [time before exit, cabin altitude] pairs (docs/checks.md)."""

    climb_rate: Speed | None = Field(None, gt=0.0, le=100.0, description="default 1,000 ft/min")
    time_at_exit_altitude: Time | None = Field(None, ge=0.0, le=6 * 3600.0)
    profile: list[tuple[Time, Height]] | None = Field(None, min_length=1, max_length=200)

    @model_validator(mode="after")
    def _one_way(self):
        if self.profile is not None:
            if self.climb_rate is not None or self.time_at_exit_altitude is not None:
                raise ValueError("give a profile or climb_rate/time_at_exit_altitude, not both")
            times = [t for t, _ in self.profile]
            if any(t < 0.0 for t in times) or any(b >= a for a, b in itertools.pairwise(times)):
                raise ValueError("profile times count down to the exit: >= 0 and decreasing")
        return self


class JumpScenario(StrictModel):
    kind: Literal["jump"]
    name: str = ""
    description: str = ""
    site: SiteSection = SiteSection()
    atmosphere: AtmosphereSection = AtmosphereSection()
    winds: list[WindLayer] = Field(default_factory=list)
    surface_wind: SurfaceWindSection | None = None
    jumper: JumperSection
    drogue: DrogueSection | None = None
    canopy: CanopySection = CanopySection()
    jump: JumpSection
    limits: LimitsSection = LimitsSection()
    spot: SpotSection | None = None
    cabin: CabinSection | None = None
    uncertainty: UncertaintySection | None = None
