"""The ``kind = "heli"`` scenario file: pydantic models (docs/heli.md, "Scenario keys").

Quantities are unit strings parsed to SI (radians for angles). Unknown keys are errors.
Cross-field rules (exactly one of bank/radius, ...) are checked here; what needs the path or the
terrain (a DEM that does not cover the path) is checked when the plan is built.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from stuntsim.scenario.common import AtmosphereSection, SiteSection, WindLayer
from stuntsim.scenario.fields import (
    Acceleration,
    Angle,
    Area,
    Force,
    Fraction,
    Frequency,
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
    mass: Mass | None = Field(
        None,
        ge=300.0,  # estimate: below any helicopter's empty mass (none weighs 150 g)
        le=20_000.0,
        description="mass of the aircraft with crew and fuel, WITHOUT the rigs (they are added)",
    )
    cg_forward: Length | None = Field(
        None, ge=-3.0, le=3.0, description="CG without rigs, forward of the main-rotor axis"
    )
    cg_right: Length | None = Field(None, ge=-1.0, le=1.0, description="CG without rigs, right")
    cg_forward_limit: Length | None = Field(None, ge=-3.0, le=3.0)
    cg_aft_limit: Length | None = Field(None, ge=-3.0, le=3.0, description="+ = forward of mast")
    cg_lateral_limit: Length | None = Field(None, gt=0.0, le=1.0)
    fuel_mass: Mass | None = Field(None, ge=0.0, le=5000.0, description="included in mass")
    fuel_flow_kg_h: float | None = Field(None, ge=0.0, le=2000.0)
    fuel_forward: Length | None = Field(None, ge=-5.0, le=5.0, description="fuel CG, of the mast")
    vne_power_off_lapse: Speed | None = Field(None, ge=0.0, le=10.0, description="per 1,000 ft")
    tip_mach_limit: float | None = Field(None, gt=0.5, le=1.0)
    tail_rotor_rpm: float | None = Field(None, gt=100.0, le=10_000.0)
    tail_rotor_blades: int | None = Field(None, ge=2, le=12)
    doors_off: bool = False
    max_mass: Mass | None = Field(None, ge=300.0, le=20_000.0)
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
    east: Length | None = Field(None, ge=-500_000.0, le=500_000.0)
    north: Length | None = Field(None, ge=-500_000.0, le=500_000.0)
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

    east: Length | None = Field(None, ge=-500_000.0, le=500_000.0)
    north: Length | None = Field(None, ge=-500_000.0, le=500_000.0)
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
    points: list[WaypointPoint] | None = Field(None, max_length=500)
    reference: Literal["air", "ground"] | None = Field(
        None, description="turn/spiral: held in the air mass (default) or over the ground"
    )

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
                "reference",
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
                "reference",
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
        if self.reference == "ground" and self.to_heading is not None:
            raise ValueError("a ground-referenced turn takes turns, heading_change or duration")
        return self


class RigPosition(StrictModel):
    forward: Length = Field(0.0, ge=-20.0, le=20.0, description="of the rotor mast")
    right: Length = Field(0.0, ge=-10.0, le=10.0)
    down: Length = Field(0.0, ge=-5.0, le=10.0, description="below the rotor hub")


class RigSection(StrictModel):
    """A camera rig on an external mount (docs/heli.md, "Camera rigs")."""

    name: str = Field(min_length=1, max_length=40)
    mass: Mass = Field(ge=0.05, le=1000.0)  # estimate: below the lightest action camera
    frontal_area: Area = Field(ge=1e-4, le=10.0)
    drag_coefficient: float = Field(gt=0.0, le=3.0)
    rated_limit_load: Force | None = Field(None, gt=0.0, le=1e6)
    rated_ultimate_load: Force | None = Field(None, gt=0.0, le=1e6)
    fitting_factor: float = Field(1.15, ge=1.0, le=3.0, description="14 CFR 27.625")
    near_occupants: bool = False
    vne: Speed | None = Field(None, gt=0.0, le=150.0, description="the mount's placard, IAS")
    natural_frequency: Frequency | None = Field(None, gt=0.0, le=1000.0, description="Hz")
    position: RigPosition = RigPosition()
    arm: RigPosition = Field(
        RigPosition(), description="rig CG from its hardpoint (forward, right, down)"
    )

    @model_validator(mode="after")
    def _rating(self):
        if (self.rated_limit_load is None) == (self.rated_ultimate_load is None):
            raise ValueError("give exactly one of rated_limit_load or rated_ultimate_load")
        return self


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
    vrs_criterion: Literal["conservative", "johnson", "faa"] = "conservative"
    transitions: bool = True
    roll_rate: Frequency = Field(math.radians(15.0), gt=0.0, le=3.0, description="'15 deg/s'")
    acceleration: Acceleration = Field(1.5, gt=0.0, le=10.0, description="airspeed change")
    descent_rate_change: Acceleration = Field(300.0 * 0.3048 / 60.0, gt=0.0, le=10.0)
    resonance_separation: Fraction = Field(0.15, gt=0.0, le=1.0)

    @field_validator("max_bank")
    @classmethod
    def _bank(cls, v):
        return _check_bank(v)


class Dist(StrictModel):
    """A deviation from the nominal value: normal ``{ sigma = ..., mean = ... }`` or uniform
    ``{ low = ..., high = ... }``; amounts are plain SI numbers after parsing (see the key)."""

    sigma: float | None = Field(None, ge=0.0)
    mean: float | None = None
    low: float | None = None
    high: float | None = None

    @model_validator(mode="after")
    def _family(self):
        normal = self.sigma is not None
        uniform = self.low is not None or self.high is not None
        if normal == uniform:
            raise ValueError("give { sigma = ... } (normal) or { low = ..., high = ... } (uniform)")
        if self.mean is not None and not normal:
            raise ValueError("mean goes with sigma")
        if uniform and (self.low is None or self.high is None or self.low > self.high):
            raise ValueError("a uniform distribution needs low <= high")
        return self


def _dist_of(kind: str, relative: bool = False) -> Any:
    """A Dist whose amounts are parsed as ``kind`` quantities (or fractions '5 %')."""
    from typing import Annotated

    from pydantic import BeforeValidator

    from stuntsim.units import UnitParseError, parse_quantity

    def parse(value):
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                if k in ("sigma", "mean", "low", "high") and not isinstance(v, bool):
                    try:
                        out[k] = parse_quantity(v, "fraction" if relative else kind)
                    except UnitParseError as exc:
                        raise ValueError(str(exc)) from None
                else:
                    out[k] = v
            return out
        return value

    return Annotated[Dist, BeforeValidator(parse)]


class HeliUncertainty(StrictModel):
    """What varies between Monte Carlo samples (docs/montecarlo.md, "Helicopter keys").

    Every key is optional; each is a deviation from the nominal plan.
    """

    wind_speed: _dist_of("fraction", True) | None = None  # type: ignore[valid-type]
    wind_direction: _dist_of("angle") | None = None  # type: ignore[valid-type]
    wind_speed_layer: _dist_of("fraction", True) | None = None  # type: ignore[valid-type]
    wind_direction_layer: _dist_of("angle") | None = None  # type: ignore[valid-type]
    gust: _dist_of("speed") | None = None  # type: ignore[valid-type]
    temperature: _dist_of("temperature") | None = None  # type: ignore[valid-type]
    mass: _dist_of("mass") | None = None  # type: ignore[valid-type]
    airspeed: _dist_of("speed") | None = None  # type: ignore[valid-type]
    bank: _dist_of("angle") | None = None  # type: ignore[valid-type]
    descent_rate: _dist_of("speed") | None = None  # type: ignore[valid-type]
    rig_drag: _dist_of("fraction", True) | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _temperature(self):
        t = self.temperature
        if t is not None and max(abs(x) for x in (t.sigma, t.mean, t.low, t.high) if x) > 50.0:
            raise ValueError("give the temperature deviation in K ('3 K'), at most 50 K")
        return self


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
    uncertainty: HeliUncertainty | None = None

    @model_validator(mode="after")
    def _unique_rigs(self):
        names = [r.name for r in self.rigs]
        if len(set(names)) != len(names):
            raise ValueError("two rigs with the same name")
        return self
