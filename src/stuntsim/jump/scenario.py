"""The ``kind = "jump"`` scenario file: pydantic models (docs/scenario.md documents each key)."""

from __future__ import annotations

import itertools
from typing import Literal

from pydantic import Field, field_validator, model_validator

from stuntsim.jump.canopy import DEFAULT_CANOPY, STEERING_MODES
from stuntsim.jump.jumper import BODY_POSITIONS
from stuntsim.jump.uncertainty import UncertaintySection
from stuntsim.scenario.common import AtmosphereSection, SiteSection, WindLayer
from stuntsim.scenario.fields import Angle, Area, Length, Mass, Speed, StrictModel, Time

Position = Literal["belly", "head_down", "sit", "track", "halo_belly"]
assert set(Position.__args__) == set(BODY_POSITIONS)  # keep the schema and presets in step


class JumperSection(StrictModel):
    mass: Mass = Field(gt=0.0, le=400.0, description="all-up mass: jumper, rig, oxygen, load")
    position: Position | None = None
    drag_area: Area | None = Field(None, gt=0.0, le=20.0)
    reference_area: Area | None = Field(None, gt=0.0, le=20.0)
    drag_coefficient: float | list[tuple[float, float]] | None = None
    glide_ratio: float | None = Field(None, ge=0.0, le=4.0)
    track_heading: Angle | None = None
    oxygen: bool = False
    prebreathe: Time | None = Field(None, ge=0.0, le=6 * 3600.0)
    licence: Literal["student", "A", "B", "C", "D", "tandem", "military"] = "student"

    @field_validator("drag_coefficient")
    @classmethod
    def _cd_table(cls, v):
        if v is None or isinstance(v, float | int):
            if v is not None and not (0.0 < float(v) < 5.0):
                raise ValueError("drag coefficient must be between 0 and 5")
            return v
        if len(v) < 1:
            raise ValueError("give at least one [mach, cd] pair")
        machs = [m for m, _ in v]
        if any(b <= a for a, b in itertools.pairwise(machs)):
            raise ValueError("Mach numbers must increase along the table")
        if any(m < 0 for m in machs) or any(not (0.0 < cd < 5.0) for _, cd in v):
            raise ValueError("each pair is [mach >= 0, 0 < cd < 5]")
        return v

    @model_validator(mode="after")
    def _one_drag_source(self):
        given = [
            self.position is not None,
            self.drag_area is not None,
            self.reference_area is not None or self.drag_coefficient is not None,
        ]
        if sum(given) != 1:
            raise ValueError(
                "give exactly one of: position, drag_area, or reference_area with drag_coefficient"
            )
        if (self.reference_area is None) != (self.drag_coefficient is None):
            raise ValueError("reference_area and drag_coefficient go together")
        return self


class DrogueSection(StrictModel):
    drag_area: Area = Field(gt=0.0, le=10.0)
    deploy_time: Time = Field(0.0, ge=0.0, description="seconds after exit")


class CanopySection(StrictModel):
    forward_speed: Speed = Field(DEFAULT_CANOPY.forward_speed, ge=0.0, le=40.0)
    descent_rate: Speed = Field(DEFAULT_CANOPY.descent_rate, gt=0.5, le=30.0)
    opening_time: Time = Field(DEFAULT_CANOPY.opening_time, gt=0.2, le=30.0)
    opening_exponent: float = Field(DEFAULT_CANOPY.opening_exponent, ge=0.5, le=6.0)
    steering: Literal[STEERING_MODES] = DEFAULT_CANOPY.steering  # type: ignore[valid-type]
    heading: Angle | None = None


class JumpSection(StrictModel):
    exit_altitude: Length = Field(gt=0.0, le=79_000.0, description="MSL")
    open_altitude: Length | None = Field(None, description="deployment altitude, MSL")
    freefall_time: Time | None = Field(None, ge=0.0, le=1800.0)
    platform: Literal["aircraft", "balloon"] = "aircraft"
    aircraft_speed: Speed = Field(0.0, ge=0.0, le=350.0, description="true airspeed at exit")
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


class LimitsSection(StrictModel):
    """Optional overrides of check limits (defaults and sources: docs/checks.md)."""

    min_open_altitude: Length | None = Field(None, gt=0.0, description="AGL")
    opening_shock: float | None = Field(None, gt=0.0, le=50.0, description="g")
    detection_altitude: Length | None = Field(None, gt=0.0, description="AGL")
    prebreathe: Time | None = Field(None, ge=0.0)
    exposure: Time | None = Field(None, gt=0.0, description="limit on time below detection")


class JumpScenario(StrictModel):
    kind: Literal["jump"]
    name: str = ""
    description: str = ""
    site: SiteSection = SiteSection()
    atmosphere: AtmosphereSection = AtmosphereSection()
    winds: list[WindLayer] = Field(default_factory=list)
    jumper: JumperSection
    drogue: DrogueSection | None = None
    canopy: CanopySection = CanopySection()
    jump: JumpSection
    limits: LimitsSection = LimitsSection()
    spot: SpotSection | None = None
    uncertainty: UncertaintySection | None = None
