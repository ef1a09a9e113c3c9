"""Pydantic field types for scenario files: quantity strings parsed to SI floats.

Use them as annotations in scenario models::

    class JumpSection(StrictModel):
        exit_altitude: Length
        aircraft_speed: Speed = 0.0

Range limits go in ``Field(gt=0)`` etc.; they apply to the SI value.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict

from stuntsim.units import UnitParseError, parse_quantity


def _parser(kind: str):
    def parse(value: Any) -> float:
        try:
            return parse_quantity(value, kind)
        except UnitParseError as exc:
            # pydantic turns a ValueError into a validation error at this field
            raise ValueError(str(exc)) from None

    parse.__name__ = f"parse_{kind}"
    return parse


def quantity(kind: str) -> Any:
    """An ``Annotated[float, ...]`` that accepts a quantity string of ``kind`` (see units.py)."""
    return Annotated[float, BeforeValidator(_parser(kind))]


Length = quantity("length")
Speed = quantity("speed")
Acceleration = quantity("acceleration")
Time = quantity("time")
Mass = quantity("mass")
Area = quantity("area")
Force = quantity("force")
Power = quantity("power")
Torque = quantity("torque")
Pressure = quantity("pressure")
Temperature = quantity("temperature")
Frequency = quantity("frequency")
Stiffness = quantity("stiffness")
Damping = quantity("damping")
Inertia = quantity("inertia")
Angle = quantity("angle")  # radians
Fraction = quantity("fraction")  # "5 %" -> 0.05, or a bare number


class StrictModel(BaseModel):
    """Base of every scenario section: unknown keys are errors, values are validated."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)
