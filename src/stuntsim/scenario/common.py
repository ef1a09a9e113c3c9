"""Scenario sections shared by several stunt kinds: site, atmosphere, winds."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from stuntsim.scenario.fields import Angle, Length, Speed, StrictModel


class SiteSection(StrictModel):
    """The target / site: geodetic position and ground elevation (MSL)."""

    lat: float = Field(0.0, ge=-90.0, le=90.0, description="latitude, degrees north (WGS 84)")
    lon: float = Field(0.0, ge=-180.0, le=180.0, description="longitude, degrees east (WGS 84)")
    elevation: Length = Field(0.0, ge=-500.0, le=9000.0, description="ground elevation, MSL")
    lz_radius: Length | None = Field(None, gt=0.0, description="landing-zone radius")


class AtmosphereSection(StrictModel):
    """Which atmosphere to use, and where the winds come from.

    ``model = "standard"`` is the U.S. Standard Atmosphere 1976 (shifted by
    ``temperature_offset``); ``model = "sounding"`` takes temperature and pressure from a
    University of Wyoming sounding given as ``winds_file`` (``format = "wyoming"``). With a
    Wyoming ``winds_file`` and no ``model``, the sounding is used (it is the better
    atmosphere for that day and place); write ``model = "standard"`` to take only its winds.

    ``winds_file`` (a path relative to the scenario file) replaces inline ``[[winds]]``:
    ``format = "fb"`` (an NWS winds-aloft bulletin, with its ``station``), ``"wyoming"`` or
    ``"csv"``; see docs/winds.md.
    """

    model: Literal["standard", "sounding"] = "standard"
    temperature_offset: float = Field(
        0.0, ge=-60.0, le=60.0, description="ISA deviation in kelvin added at every altitude"
    )
    winds_file: str | None = Field(
        None, min_length=1, description="winds file, relative to the scenario file"
    )
    format: Literal["fb", "wyoming", "csv"] | None = Field(None, description="winds_file format")
    station: str | None = Field(
        None, min_length=3, max_length=4, description="FB bulletin station id, e.g. MKC"
    )

    @model_validator(mode="before")
    @classmethod
    def _default_model(cls, data: Any) -> Any:
        # A Wyoming sounding supplies the atmosphere unless the scenario says otherwise.
        if isinstance(data, dict) and data.get("format") == "wyoming" and "model" not in data:
            data = {**data, "model": "sounding"}
        return data

    @model_validator(mode="after")
    def _combinations(self) -> AtmosphereSection:
        if self.winds_file is not None and self.format is None:
            raise ValueError('winds_file needs a format: "fb", "wyoming" or "csv"')
        if self.format is not None and self.winds_file is None:
            raise ValueError("format is given but no winds_file")
        if self.format == "fb" and self.station is None:
            raise ValueError('an FB bulletin needs the station to read, e.g. station = "MKC"')
        if self.station is not None and self.format != "fb":
            raise ValueError('station is only used with format = "fb"')
        if self.model == "sounding" and self.format != "wyoming":
            raise ValueError(
                'model = "sounding" needs a University of Wyoming sounding: '
                'winds_file with format = "wyoming"'
            )
        if self.model == "sounding" and self.temperature_offset != 0.0:
            raise ValueError('temperature_offset applies to model = "standard", not to a sounding')
        return self


class WindLayer(StrictModel):
    """One wind layer: altitude (MSL), direction the wind blows FROM (true), speed."""

    altitude: Length
    from_: Angle = Field(alias="from")
    speed: Speed = Field(ge=0.0, le=150.0)
