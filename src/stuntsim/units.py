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


# Physical range of every quantity a scenario can hold, SI: (largest magnitude, smallest
# non-zero magnitude). Beyond these no stunt, vehicle or atmosphere is described and the
# numbers only make the solvers overflow; scenario fields narrow them with Field(gt=..., le=...).
# The largest length is the Earth's half circumference (20 004 km, WGS 84); the largest speed,
# 2 000 m/s, is over five times the fastest free fall (377 m/s, Red Bull Stratos 2012); angles
# stop at ten turns, fractions at 1 000 %. The smallest non-zero magnitudes lie far below any
# instrument's resolution: they catch values such as "1e-308 deg" that underflow in a solver.
RANGES: dict[str, tuple[float, float]] = {
    "length": (2.0e7, 1e-9),
    "speed": (2.0e3, 1e-9),
    "acceleration": (1.0e4, 1e-9),
    "time": (1.0e7, 1e-9),
    "mass": (1.0e6, 1e-9),
    "area": (1.0e4, 1e-12),
    "force": (1.0e9, 1e-9),
    "power": (1.0e10, 1e-9),
    "torque": (1.0e9, 1e-9),
    "pressure": (1.0e8, 1e-9),
    "temperature": (1.0e4, 1e-9),
    "frequency": (1.0e6, 1e-9),
    "stiffness": (1.0e10, 1e-9),
    "damping": (1.0e9, 1e-9),
    "inertia": (1.0e9, 1e-12),
    "density": (1.0e5, 1e-12),
    "angle": (20.0 * math.pi, 1e-9),  # ten turns, in radians
    "fraction": (10.0, 1e-12),  # 1 000 %
}
SI_UNITS = {
    "length": "m",
    "speed": "m/s",
    "acceleration": "m/s^2",
    "time": "s",
    "mass": "kg",
    "area": "m^2",
    "force": "N",
    "power": "W",
    "torque": "N m",
    "pressure": "Pa",
    "temperature": "K",
    "frequency": "1/s",
    "stiffness": "N/m",
    "damping": "N s/m",
    "inertia": "kg m^2",
    "density": "kg/m^3",
    "angle": "rad",
    "fraction": "",
}


def check_range(value: float, kind: str) -> float:
    """``value`` (SI) if finite and inside :data:`RANGES` for ``kind``; else UnitParseError."""
    top, tiny = RANGES[kind]
    unit = SI_UNITS[kind]
    if not math.isfinite(value):
        raise UnitParseError(f"the {kind} is not a finite number")
    if abs(value) > top:
        raise UnitParseError(
            f"{value:.3g} {unit} is beyond any physical {kind} (at most {top:g} {unit})".replace(
                "  ", " "
            )
        )
    if value != 0.0 and abs(value) < tiny:
        raise UnitParseError(
            f"{value:.3g} {unit} is too small to mean anything (write 0, or at least {tiny:g})"
        )
    return value


@cache
def registry() -> Any:  # a pint.UnitRegistry
    """The shared pint registry, built on first use (pint is slow to import)."""
    import pint

    ureg: Any = pint.UnitRegistry()
    ureg.define("shaft_horsepower = horsepower = shp")
    return ureg


MAX_QUANTITY_TEXT = 80  # characters in a quantity string: "25000 ft" needs 8
_UNIT_TEXT = re.compile(r"[A-Za-z0-9_ /*^.°%()·µμ'\"-]*")


def _shown(value: Any) -> str:
    """A short, printable excerpt of a user's value for an error message."""
    from stuntsim.errors import excerpt

    return excerpt(value, 32)


def _split(text: str) -> tuple[float, str]:
    if len(text) > MAX_QUANTITY_TEXT:
        raise UnitParseError(
            f"{_shown(text)} is {len(text)} characters long; a quantity such as '25000 ft' "
            f"needs at most {MAX_QUANTITY_TEXT}"
        )
    m = _NUMBER.match(text)
    if not m:
        raise UnitParseError(f"{_shown(text)} is not a number followed by a unit, e.g. '25000 ft'")
    number = float(m.group(1))
    if not math.isfinite(number):
        raise UnitParseError(f"{_shown(text)}: the number is too large")
    return number, m.group(2)


def parse_quantity(value: Any, kind: str) -> float:
    """Parse ``value`` as a quantity of ``kind`` and return its SI magnitude.

    ``kind`` is a key of :data:`DIMENSIONS`, or ``"angle"`` (returns radians), or ``"fraction"``
    (``"20 %"`` or a bare number; returns the plain ratio). Dimensioned kinds need a unit: a bare
    number is refused, since "25000" could be feet or metres.
    """
    if isinstance(value, bool):
        raise UnitParseError(f"expected a quantity, got {_shown(value)}")
    if kind == "fraction":
        if isinstance(value, int | float):
            return _ranged(_finite(float(value), value), kind, value)
        if not isinstance(value, str):
            raise UnitParseError(f"expected a number or a percentage, got {_shown(value)}")
        number, unit = _split(value)
        if unit in ("", "1"):
            return _ranged(number, kind, value)
        if unit in ("%", "percent"):
            return _ranged(number / 100.0, kind, value)
        raise UnitParseError(
            f"{_shown(value)}: expected a plain number or a percentage such as '5 %'"
        )
    if isinstance(value, int | float):
        example = {"angle": "'270 deg'", "length": "'25000 ft'", "speed": "'130 kt'"}.get(
            kind, "with its unit"
        )
        raise UnitParseError(f"{_shown(value)} has no unit; write it as a string, e.g. {example}")
    if not isinstance(value, str):
        raise UnitParseError(f"expected a quantity string such as '25000 ft', got {_shown(value)}")
    number, unit = _split(value)
    if not unit:
        raise UnitParseError(f"{_shown(value)} has no unit")
    if not _UNIT_TEXT.fullmatch(unit):
        raise UnitParseError(f"{_shown(value)}: {_shown(unit)} is not a unit")
    ureg = registry()
    try:
        q = ureg.Quantity(number, unit)
    except Exception as exc:  # pint raises several unrelated types for unknown units
        raise UnitParseError(f"{_shown(value)}: unknown unit {_shown(unit)}") from exc
    try:
        if kind == "angle":
            name = str(q.units)
            if not q.dimensionless or not any(a in name for a in _ANGLE_UNITS):
                raise UnitParseError(f"{_shown(value)} is not an angle (use deg or rad)")
            return _ranged(_finite(float(q.to("radian").magnitude), value), kind, value)
        dim = DIMENSIONS[kind]
        if not q.check(dim):
            raise UnitParseError(
                f"{_shown(value)} is not a {kind} (its dimension is {q.dimensionality})"
            )
        return _ranged(_finite(float(q.to_base_units().magnitude), value), kind, value)
    except UnitParseError:
        raise
    except Exception as exc:  # an overflow in a conversion factor ("1 km**400"), and the like
        raise UnitParseError(f"{_shown(value)}: cannot convert ({type(exc).__name__})") from exc


def _finite(si: float, value: Any) -> float:
    if not math.isfinite(si):
        raise UnitParseError(f"{_shown(value)} is not a finite quantity")
    return si


def _ranged(si: float, kind: str, value: Any) -> float:
    try:
        return check_range(si, kind)
    except UnitParseError as exc:
        raise UnitParseError(f"{_shown(value)}: {exc}") from None


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
        "angle": DisplayUnit("°", math.pi / 180.0, digits=1),
        "time": DisplayUnit("s", 1.0, digits=2),
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
        "angle": DisplayUnit("°", math.pi / 180.0, digits=1),
        "time": DisplayUnit("s", 1.0, digits=2),
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
        "angle": DisplayUnit("°", math.pi / 180.0, digits=1),
        "time": DisplayUnit("s", 1.0, digits=2),
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
