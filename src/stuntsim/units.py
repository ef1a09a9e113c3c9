"""Units at the edge: parse quantity strings once into SI floats, format SI for display.

Scenario values are strings such as ``"25000 ft"``, ``"130 kt"`` or ``"0.45 m^2"``. They are
parsed by pint (loaded lazily, on the first parse) and checked against the dimension the field
needs; the kernels then see plain SI floats: metres, seconds, kilograms, kelvin, radians.

Display goes the other way without pint: a fixed table of exact conversion factors for the three
display systems ``si``, ``imperial`` and ``aviation`` (ft and kt).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

# Exact conversion factors (international foot, 1959; knot = 1852 m/h; mile = 1609.344 m;
# pound-force from the international pound 0.45359237 kg and g0 = 9.80665 m/s^2).
FT = 0.3048
KT = 1852.0 / 3600.0
MPH = 1609.344 / 3600.0
KMH = 1000.0 / 3600.0
LBF = 0.45359237 * 9.80665
LB = 0.45359237
HP = 550.0 * FT * LBF  # mechanical horsepower, 745.699... W
G0 = 9.80665  # standard gravity, m/s^2 (CGPM 1901; USSA 1976)

DIMENSIONS: dict[str, str] = {
    "length": "[length]",
    "speed": "[length] / [time]",
    "acceleration": "[length] / [time] ** 2",
    "time": "[time]",
    "mass": "[mass]",
    "area": "[length] ** 2",
    "force": "[length] * [mass] / [time] ** 2",
    "power": "[length] ** 2 * [mass] / [time] ** 3",
    "torque": "[length] ** 2 * [mass] / [time] ** 2",
    "pressure": "[mass] / [length] / [time] ** 2",
    "temperature": "[temperature]",
    "frequency": "1 / [time]",
    "stiffness": "[mass] / [time] ** 2",
    "damping": "[mass] / [time]",
    "inertia": "[mass] * [length] ** 2",
    "density": "[mass] / [length] ** 3",
}
_ANGLE_UNITS = ("radian", "degree", "arcminute", "arcsecond", "turn", "revolution", "grade")
_NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


class UnitParseError(ValueError):
    """A value that is not a quantity of the expected dimension (message is user-facing)."""


@cache
def registry() -> Any:
    """The shared pint registry, built on first use (pint is slow to import)."""
    import pint

    ureg = pint.UnitRegistry()
    ureg.define("shaft_horsepower = horsepower = shp")
    return ureg


def _split(text: str) -> tuple[float, str]:
    m = _NUMBER.match(text)
    if not m:
        raise UnitParseError(f"{text!r} is not a number followed by a unit, e.g. '25000 ft'")
    return float(m.group(1)), m.group(2)


def parse_quantity(value: Any, kind: str) -> float:
    """Parse ``value`` as a quantity of ``kind`` and return its SI magnitude.

    ``kind`` is a key of :data:`DIMENSIONS`, or ``"angle"`` (returns radians), or ``"fraction"``
    (``"20 %"`` or a bare number; returns the plain ratio). Dimensioned kinds need a unit: a bare
    number is refused, since "25000" could be feet or metres.
    """
    if isinstance(value, bool):
        raise UnitParseError(f"expected a quantity, got {value!r}")
    if kind == "fraction":
        if isinstance(value, int | float):
            return float(value)
        if not isinstance(value, str):
            raise UnitParseError(f"expected a number or a percentage, got {value!r}")
        number, unit = _split(value)
        if unit in ("", "1"):
            return number
        if unit in ("%", "percent"):
            return number / 100.0
        raise UnitParseError(f"{value!r}: expected a plain number or a percentage such as '5 %'")
    if isinstance(value, int | float):
        example = {"angle": "'270 deg'", "length": "'25000 ft'", "speed": "'130 kt'"}.get(
            kind, "with its unit"
        )
        raise UnitParseError(f"{value!r} has no unit; write it as a string, e.g. {example}")
    if not isinstance(value, str):
        raise UnitParseError(f"expected a quantity string such as '25000 ft', got {value!r}")
    number, unit = _split(value)
    if not unit:
        raise UnitParseError(f"{value!r} has no unit")
    ureg = registry()
    try:
        q = ureg.Quantity(number, unit)
    except Exception as exc:  # pint raises several unrelated types for unknown units
        raise UnitParseError(f"{value!r}: unknown unit {unit!r}") from exc
    if kind == "angle":
        name = str(q.units)
        if not q.dimensionless or not any(a in name for a in _ANGLE_UNITS):
            raise UnitParseError(f"{value!r} is not an angle (use deg or rad)")
        return float(q.to("radian").magnitude)
    dim = DIMENSIONS[kind]
    if not q.check(dim):
        raise UnitParseError(f"{value!r} is not a {kind} (its dimension is {q.dimensionality})")
    return float(q.to_base_units().magnitude)


# --- display -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DisplayUnit:
    label: str
    factor: float  # SI value / factor = displayed value
    offset: float = 0.0  # for temperatures: displayed = (SI - offset) / factor
    digits: int = 0


_SYSTEMS: dict[str, dict[str, DisplayUnit]] = {
    "si": {
        "altitude": DisplayUnit("m", 1.0),
        "distance": DisplayUnit("m", 1.0),
        "speed": DisplayUnit("m/s", 1.0, digits=1),
        "vertical_speed": DisplayUnit("m/s", 1.0, digits=1),
        "road_speed": DisplayUnit("km/h", KMH, digits=1),
        "temperature": DisplayUnit("°C", 1.0, 273.15, digits=1),
        "force": DisplayUnit("N", 1.0),
        "power": DisplayUnit("kW", 1000.0),
        "mass": DisplayUnit("kg", 1.0, digits=1),
        "area": DisplayUnit("m²", 1.0, digits=3),
    },
    "imperial": {
        "altitude": DisplayUnit("ft", FT),
        "distance": DisplayUnit("ft", FT),
        "speed": DisplayUnit("mph", MPH, digits=1),
        "vertical_speed": DisplayUnit("ft/min", FT / 60.0),
        "road_speed": DisplayUnit("mph", MPH, digits=1),
        "temperature": DisplayUnit("°F", 5.0 / 9.0, 273.15 - 32.0 * 5.0 / 9.0, digits=1),
        "force": DisplayUnit("lbf", LBF),
        "power": DisplayUnit("hp", HP),
        "mass": DisplayUnit("lb", LB, digits=1),
        "area": DisplayUnit("ft²", FT * FT, digits=2),
    },
    "aviation": {
        "altitude": DisplayUnit("ft", FT),
        "distance": DisplayUnit("m", 1.0),
        "speed": DisplayUnit("kt", KT, digits=1),
        "vertical_speed": DisplayUnit("ft/min", FT / 60.0),
        "road_speed": DisplayUnit("km/h", KMH, digits=1),
        "temperature": DisplayUnit("°C", 1.0, 273.15, digits=1),
        "force": DisplayUnit("lbf", LBF),
        "power": DisplayUnit("shp", HP),
        "mass": DisplayUnit("lb", LB, digits=1),
        "area": DisplayUnit("ft²", FT * FT, digits=2),
    },
}
SYSTEMS = tuple(_SYSTEMS)


@dataclass(frozen=True)
class Display:
    """Converts SI values for display in one unit system (``si``, ``imperial``, ``aviation``)."""

    system: str = "si"

    def __post_init__(self) -> None:
        if self.system not in _SYSTEMS:
            raise ValueError(f"unknown unit system {self.system!r}; choose one of {SYSTEMS}")

    def unit(self, quantity: str) -> DisplayUnit:
        return _SYSTEMS[self.system][quantity]

    def label(self, quantity: str) -> str:
        return self.unit(quantity).label

    def value(self, si: Any, quantity: str) -> Any:
        """Convert an SI float or array for display (no rounding)."""
        u = self.unit(quantity)
        return (si - u.offset) / u.factor

    def fmt(self, si: float | None, quantity: str, digits: int | None = None) -> str:
        """``7620.0, "altitude"`` -> ``"25,000 ft"`` in aviation units; ``"—"`` for no value."""
        if si is None or (isinstance(si, float) and not math.isfinite(si)):
            return "—"
        u = self.unit(quantity)
        d = u.digits if digits is None else digits
        text = f"{self.value(float(si), quantity):,.{d}f}"
        if text.startswith("-") and not text.strip("-0.,"):
            text = text[1:]  # no "-0 m"
        return f"{text} {u.label}"
