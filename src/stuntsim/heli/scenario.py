"""The ``kind = "heli"`` scenario file: pydantic models (docs/heli.md, "Scenario keys").

Quantities are unit strings parsed to SI (radians for angles). Unknown keys are errors.
Cross-field rules (exactly one of bank/radius, ...) are checked here; what needs the path or the
terrain (a DEM that does not cover the path) is checked when the plan is built.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, field_validator, model_validator

from stuntsim.scenario.common import AtmosphereSection, SiteSection, WindLayer
from stuntsim.scenario.fields import (
    Angle,
    Area,
    Force,
    Length,
    Mass,
    Power,
    Speed,
    StrictModel,
    Time,
)

_MAX_BANK_DEG = 85.0


def _check_bank(v: float | None) -> float | None:
    if v is None:
        return v
    deg = math.degrees(v)
    if not (0.0 < deg <= _MAX_BANK_DEG):
        raise ValueError(
            f"a bank of {deg:g} deg cannot be flown; give a bank above 0 and at most "
            f"{_MAX_BANK_DEG:g} deg"
        )
    return v


class AircraftSection(StrictModel):
    """The helicopter: a preset and any figures to override (SI after parsing)."""

    preset: Literal["H125"] = "H125"
    mass: Mass | None = Field(None, gt=0.0, le=20_000.0, description="gross mass")
    doors_off: bool = False
    max_mass: Mass | None = Field(None, gt=0.0, le=20_000.0)
    rotor_radius: Length | None = Field(None, gt=0.5, le=20.0)
    blade_count: int | None = Field(None, ge=2, le=8)
    blade_chord: Length | None = Field(None, gt=0.01, le=2.0)
    rotor_rpm: float | None = Field(None, gt=50.0, le=2000.0, description="rev/min")
    power_rating: Power | None = Field(None, gt=0.0, le=10e6)
    power_lapse_exponent: float | None = Field(None, ge=0.0, le=3.0)
    transmission_limit: Power | None = Field(None, gt=0.0, le=10e6)
    drivetrain_efficiency: float | None = Field(None, gt=0.3, le=1.0)
    induced_power_factor: float | None = Field(None, ge=1.0, le=2.0)
    download_fraction: float | None = Field(None, ge=0.0, le=0.2)
    profile_drag_coefficient: float | None = Field(None, gt=0.0, le=0.1)
    flat_plate_area: Area | None = Field(None, ge=0.0, le=20.0)
    lift_curve_slope: float | None = Field(None, gt=0.0, le=7.0)
    vne: Speed | None = Field(None, gt=0.0, le=150.0, description="power-on Vne at sea level")
    vne_lapse: Speed | None = Field(None, ge=0.0, le=10.0, description="per 1,000 ft")
    vne_doors_off: Speed | None = Field(None, gt=0.0, le=150.0)
    vne_power_off: Speed | None = Field(None, gt=0.0, le=150.0)
    load_factor_limit: float | None = Field(None, gt=1.0, le=6.0)
    hub_height: Length | None = Field(None, ge=0.0, le=10.0)


class StartSection(StrictModel):
    """Where the path begins: position (east/north of the site, or lat/lon), altitude MSL,
    heading (true)."""

    altitude: Length = Field(ge=-400.0, le=9000.0, description="MSL")
    east: Length | None = None
    north: Length | None = None
    lat: float | None = Field(None, ge=-90.0, le=90.0)
    lon: float | None = Field(None, ge=-180.0, le=180.0)
    heading: Angle = 0.0

    @model_validator(mode="after")
    def _where(self):
        enu = self.east is not None or self.north is not None
        geo = self.lat is not None or self.lon is not None
        if enu and geo:
            raise ValueError("give east/north or lat/lon, not both")
        if geo and (self.lat is None or self.lon is None):
            raise ValueError("give both lat and lon")
        return self


class WaypointPoint(StrictModel):
    """A waypoint: east/north (of the site) or lat/lon; altitude MSL or height above terrain."""

    east: Length | None = None
    north: Length | None = None
    lat: float | None = Field(None, ge=-90.0, le=90.0)
    lon: float | None = Field(None, ge=-180.0, le=180.0)
    altitude: Length | None = Field(None, ge=-400.0, le=9000.0)
    height: Length | None = Field(None, ge=0.0, le=5000.0, description="above the terrain")

    @model_validator(mode="after")
    def _where(self):
        enu = (self.east is not None, self.north is not None)
        geo = (self.lat is not None, self.lon is not None)
        if not ((all(enu) and not any(geo)) or (all(geo) and not any(enu))):
            raise ValueError("give east and north, or lat and lon")
        if (self.altitude is None) == (self.height is None):
            raise ValueError("give exactly one of altitude (MSL) or height (above terrain)")
        return self


class SegmentSection(StrictModel):
    """One segment; which keys apply depends on ``kind`` (checked below)."""

    kind: Literal["straight", "turn", "spiral", "waypoints"]
    name: str = ""
    airspeed: Speed = Field(ge=0.0, le=120.0, description="horizontal true airspeed")
    descent_rate: Speed | None = Field(None, ge=-30.0, le=40.0, description="+ = descending")
    duration: Time | None = Field(None, gt=0.0, le=3600.0)
    distance: Length | None = Field(None, gt=0.0, le=200_000.0)
    bank: Angle | None = None
    radius: Length | None = Field(None, gt=1.0, le=20_000.0)
    direction: Literal["left", "right"] | None = None
    turns: float | None = Field(None, gt=0.0, le=20.0)
    heading_change: Angle | None = None
    to_heading: Angle | None = None
    altitude_loss: Length | None = Field(None, ge=-3000.0, le=5000.0, description="- = climb")
    points: list[WaypointPoint] | None = None

    @field_validator("bank")
    @classmethod
    def _bank(cls, v):
        return _check_bank(v)

    @field_validator("heading_change")
    @classmethod
    def _hc(cls, v):
        if v is not None and not (0.0 < v <= 20 * 2 * math.pi):
            raise ValueError(
                "heading_change must be a positive angle (the direction gives the way)"
            )
        return v

    @model_validator(mode="after")
    def _keys(self):
        k = self.kind
        given = {
            name
            for name in (
                "descent_rate",
                "duration",
                "distance",
                "bank",
                "radius",
                "direction",
                "turns",
                "heading_change",
                "to_heading",
                "altitude_loss",
                "points",
            )
            if getattr(self, name) is not None
        }
        allowed = {
            "straight": {"descent_rate", "duration", "distance", "altitude_loss"},
            "turn": {
                "descent_rate",
                "duration",
                "bank",
                "radius",
                "direction",
                "turns",
                "heading_change",
                "to_heading",
                "altitude_loss",
            },
            "waypoints": {"bank", "points"},
        }
        allowed["spiral"] = allowed["turn"]
        extra = sorted(given - allowed[k])
        if extra:
            raise ValueError(f"{', '.join(extra)} does not apply to a {k} segment")
        if k == "waypoints":
            if not self.points:
                raise ValueError(
                    "a waypoints segment needs points = [{east, north, altitude}, ...]"
                )
            if self.bank is None:
                raise ValueError("a waypoints segment needs the bank its corners are flown at")
            if self.airspeed <= 0.0:
                raise ValueError("a waypoints segment needs an airspeed above 0")
            return self
        if k == "straight":
            n_len = sum(x is not None for x in (self.duration, self.distance))
            if n_len != 1:
                raise ValueError("give exactly one of duration or distance")
            if self.distance is not None and self.airspeed <= 0.0:
                raise ValueError("a distance needs an airspeed above 0 (use duration to hover)")
            if self.descent_rate is not None and self.altitude_loss is not None:
                raise ValueError("give descent_rate or altitude_loss, not both")
            return self
        # turn and spiral
        if (self.bank is None) == (self.radius is None):
            raise ValueError("give exactly one of bank or radius")
        if self.direction is None:
            raise ValueError("give the direction: left or right")
        if self.airspeed <= 0.0:
            raise ValueError("a turn needs an airspeed above 0")
        amount = [
            x
            for x in ("turns", "heading_change", "to_heading", "duration")
            if getattr(self, x) is not None
        ]
        if len(amount) != 1:
            raise ValueError("give exactly one of turns, heading_change, to_heading or duration")
        if self.descent_rate is not None and self.altitude_loss is not None:
            raise ValueError("give descent_rate or altitude_loss, not both")
        if k == "spiral" and self.descent_rate is None and self.altitude_loss is None:
            raise ValueError("a spiral needs altitude_loss or descent_rate")
        return self


class RigPosition(StrictModel):
    forward: Length = Field(0.0, ge=-20.0, le=20.0, description="of the rotor mast")
    right: Length = Field(0.0, ge=-10.0, le=10.0)
    down: Length = Field(0.0, ge=-5.0, le=10.0, description="below the rotor hub")


class RigSection(StrictModel):
    name: str = Field(min_length=1, max_length=40)
    mass: Mass = Field(gt=0.0, le=1000.0)
    frontal_area: Area = Field(gt=0.0, le=10.0)
    drag_coefficient: float = Field(gt=0.0, le=3.0)
    rated_limit_load: Force = Field(gt=0.0, le=1e6)
    position: RigPosition = RigPosition()


class TerrainSection(StrictModel):
    kind: Literal["flat", "dem"] | None = None
    elevation: Length | None = Field(None, ge=-500.0, le=9000.0, description="flat ground, MSL")
    dem: str | list[str] | None = None
    vertical_error: Length | None = Field(None, ge=0.0, le=200.0)
    required_clearance: Length = Field(100.0 * 0.3048, ge=0.0, le=3000.0)
    navigation_error: Length = Field(10.0, ge=0.0, le=2000.0)

    @property
    def resolved_kind(self) -> str:
        """``kind`` as given, else "dem" when a DEM is named, else "flat"."""
        return self.kind or ("dem" if self.dem is not None else "flat")

    @model_validator(mode="after")
    def _kind(self):
        kind = self.resolved_kind
        if kind == "dem" and not self.dem:
            raise ValueError("a dem terrain needs dem = 'file.tif' (or a list of .hgt tiles)")
        if kind == "flat" and self.dem is not None:
            raise ValueError("dem is given but kind = 'flat'")
        if kind == "dem" and self.elevation is not None:
            raise ValueError("elevation applies to flat terrain only")
        if kind == "flat" and self.vertical_error is not None:
            raise ValueError("vertical_error applies to a DEM only")
        return self


class LimitsSection(StrictModel):
    """Operational limits that override the defaults (docs/heli.md gives each default)."""

    max_load_factor: float | None = Field(None, gt=1.0, le=6.0)
    max_bank: Angle | None = None
    max_descent_rate: Speed | None = Field(None, gt=0.0, le=60.0)
    gust_speed: Speed = Field(30.0 * 0.3048, ge=0.0, le=40.0)
    low_power_fraction: float = Field(0.15, ge=0.0, le=1.0)
    vrs_criterion: Literal["johnson", "faa"] = "johnson"

    @field_validator("max_bank")
    @classmethod
    def _bank(cls, v):
        return _check_bank(v)


class HeliScenario(StrictModel):
    kind: Literal["heli"]
    name: str = ""
    description: str = ""
    site: SiteSection = SiteSection()
    atmosphere: AtmosphereSection = AtmosphereSection()
    winds: list[WindLayer] = Field(default_factory=list)
    aircraft: AircraftSection = AircraftSection()
    start: StartSection
    segments: list[SegmentSection] = Field(min_length=1, max_length=200)
    rigs: list[RigSection] = Field(default_factory=list, max_length=20)
    terrain: TerrainSection = TerrainSection()
    limits: LimitsSection = LimitsSection()

    @model_validator(mode="after")
    def _unique_rigs(self):
        names = [r.name for r in self.rigs]
        if len(set(names)) != len(names):
            raise ValueError("two rigs with the same name")
        return self
