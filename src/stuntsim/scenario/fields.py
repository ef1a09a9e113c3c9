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

from stuntsim.units import UnitParseError, check_range, parse_quantity


def in_range(value: float, kind: str) -> float:
    """``value`` (SI) if it is finite and inside the physical range of its kind
    (:data:`stuntsim.units.RANGES`, applied by :func:`~stuntsim.units.parse_quantity`), and a
    temperature above absolute zero; else ValueError with a one-line message."""
    value = check_range(value, kind)
    if kind == "temperature" and value <= 0.0:
        raise ValueError("a temperature is above absolute zero")
    return value


def _parser(kind: str) -> Any:
    def parse(value: Any) -> float:
        try:
            return in_range(parse_quantity(value, kind), kind)
        except UnitParseError as exc:
            # pydantic turns a ValueError into a validation error at this field
            raise ValueError(str(exc)) from None

    parse.__name__ = f"parse_{kind}"
    return parse


def quantity(kind: str) -> Any:
    """An ``Annotated[float, ...]`` that accepts a quantity string of ``kind`` (see units.py),
    finite and inside the physical range of its kind (:data:`stuntsim.units.RANGES`)."""
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
    """Base of every scenario section: unknown keys are errors, values are validated, and no
    plain float field takes NaN or infinity."""

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, frozen=True, allow_inf_nan=False
    )
