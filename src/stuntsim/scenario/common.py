"""Scenario sections shared by several stunt kinds: site, atmosphere, winds."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from stuntsim.scenario.fields import Angle, Length, Speed, StrictModel


class SiteSection(StrictModel):
    """The target / site: geodetic position and ground elevation (MSL)."""

    lat: float = Field(0.0, ge=-90.0, le=90.0, description="latitude, degrees north (WGS 84)")
    lon: float = Field(0.0, ge=-180.0, le=180.0, description="longitude, degrees east (WGS 84)")
    elevation: Length = Field(0.0, ge=-500.0, le=9000.0, description="ground elevation, MSL")
    lz_radius: Length | None = Field(None, gt=0.0, description="landing-zone radius")


class AtmosphereSection(StrictModel):
    """Which atmosphere to use. ``standard`` is the U.S. Standard Atmosphere 1976."""

    model: Literal["standard"] = "standard"
    temperature_offset: float = Field(
        0.0, ge=-60.0, le=60.0, description="ISA deviation in kelvin added at every altitude"
    )


class WindLayer(StrictModel):
    """One wind layer: altitude (MSL), direction the wind blows FROM (true), speed."""

    altitude: Length
    from_: Angle = Field(alias="from")
    speed: Speed = Field(ge=0.0, le=150.0)
