"""Winds in a CSV file whose header names the units.

Convention::

    # winds over the drop zone, 24 Jun 12Z        <- lines starting with # are comments
    altitude_ft,from_deg,speed_kt,temperature_c
    3000,240,26,
    6000,270,26,-9

- One header row, then one row per level. Columns, in any order: ``altitude`` (MSL),
  ``from`` (the direction the wind blows FROM, degrees true or another angle unit), ``speed``,
  and optionally ``temperature`` (a blank cell = not given).
- Each header cell is ``name_unit`` or ``name (unit)`` or ``name [unit]``:
  ``altitude_ft``, ``altitude (m)``, ``from (deg)``, ``speed (m/s)``, ``speed_kt``,
  ``temperature (degC)``. The unit is read by pint (through
  :func:`stuntsim.units.parse_quantity`), after these shorthands: ``kts``/``knots`` -> kt,
  ``mps``/``m_s`` -> m/s, ``kmh``/``kph``/``km_h`` -> km/h, ``fps``/``ft_s`` -> ft/s,
  ``c``/``°c`` -> degC, ``f``/``°f`` -> degF, ``k`` -> kelvin. Names are case-insensitive.
- Rows may come in any order; altitudes must be distinct. Blank lines are skipped. Quoted
  cells work as in any CSV; a cell spanning several lines does not.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stuntsim.errors import DataFileError, excerpt

NAMES = {"altitude": "length", "from": "angle", "speed": "speed", "temperature": "temperature"}
REQUIRED = ("altitude", "from", "speed")
_ALIASES = {
    "kts": "kt",
    "knots": "knot",
    "mps": "m/s",
    "m_s": "m/s",
    "kmh": "km/h",
    "kph": "km/h",
    "km_h": "km/h",
    "fps": "ft/s",
    "ft_s": "ft/s",
    "c": "degC",
    "°c": "degC",
    "degc": "degC",
    "f": "degF",
    "°f": "degF",
    "degf": "degF",
    "k": "kelvin",
    "degrees": "degree",
    "°": "degree",
}
_HEAD = re.compile(
    r"\s*(altitude|from|speed|temperature)\s*(?:_\s*(.+?)|[(\[]\s*(.+?)\s*[)\]])?\s*",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?", re.ASCII)
# Plausibility limits on the SI values
_LIMITS = {
    "altitude": (-1000.0, 80_000.0),  # m, the atmosphere table's range
    "speed": (0.0, 200.0),  # m/s
    "temperature": (153.15, 333.15),  # K (-120 °C to +60 °C)
}


@dataclass(frozen=True)
class CsvWinds:
    altitude_m: np.ndarray  # MSL, increasing
    from_deg: np.ndarray
    speed_m_s: np.ndarray
    temperature_c: np.ndarray  # NaN where blank or absent
    line: np.ndarray  # 1-based line of each level


def _unit_converter(name: str, unit: str, where: str, path: str) -> tuple[float, float]:
    """(SI = a + b * value) for this column's unit, from two pint conversions (degrees, not
    radians, for the direction)."""
    from stuntsim.units import parse_quantity

    unit = _ALIASES.get(unit.strip().lower(), unit.strip())
    kind = NAMES[name]
    try:
        a = parse_quantity(f"0 {unit}", kind)
        b = parse_quantity(f"1 {unit}", kind) - a
    except Exception:  # UnitParseError, or anything pint raises on a malformed unit
        expected = {
            "length": "ft or m",
            "angle": "deg",
            "speed": "kt, m/s, km/h or mph",
            "temperature": "degC, degF or K",
        }[kind]
        raise DataFileError(
            path,
            where,
            f"column {name!r}: {excerpt(unit)} is not a unit of {kind} (use {expected})",
        ) from None
    if kind == "angle":  # directions stay in degrees: 1 deg -> exactly 1.0
        return math.degrees(a), math.degrees(b)
    return a, b


def parse_winds_csv(text: str, path: str | Path = "<text>") -> CsvWinds:
    """Read a winds CSV (see the module docstring); DataFileError names the line."""
    p = str(path)
    text = text.removeprefix("\ufeff")  # byte-order mark written by spreadsheet programs
    columns: dict[str, tuple[int, float, float]] | None = None
    n_head = 0
    data: dict[str, list[float]] = {n: [] for n in NAMES}
    lines: list[int] = []
    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"line {lineno}"
        try:
            cells = next(csv.reader([line]))
        except (csv.Error, StopIteration) as exc:
            raise DataFileError(p, where, f"not a CSV row ({exc})") from None
        if columns is None:
            columns, n_head = _header(cells, where, p), len(cells)
            continue
        if any(c.strip() for c in cells[n_head:]):
            raise DataFileError(p, where, f"more cells than the {n_head} header columns")
        for name in NAMES:
            if name not in columns:
                data[name].append(math.nan)
                continue
            i, a, b = columns[name]
            cell = cells[i].strip() if i < len(cells) else ""
            if not cell:
                if name in REQUIRED:
                    raise DataFileError(p, where, f"column {name!r} is empty")
                data[name].append(math.nan)
                continue
            if not _NUMBER.fullmatch(cell):
                raise DataFileError(p, where, f"column {name!r}: {excerpt(cell)} is not a number")
            si = a + b * float(cell)  # "from" is kept in degrees (see _unit_converter)
            if name == "from":
                if not 0.0 <= si <= 360.0:
                    raise DataFileError(p, where, f"direction {cell} is outside 0-360°")
            elif not _LIMITS[name][0] <= si <= _LIMITS[name][1]:
                raise DataFileError(
                    p, where, f"column {name!r}: {excerpt(cell)} is outside the plausible range"
                )
            data[name].append(si)
        lines.append(lineno)
    if columns is None:
        raise DataFileError(p, None, "empty file: expected a header such as altitude_ft,...")
    if not lines:
        raise DataFileError(p, None, "the file has a header but no rows")
    z = np.array(data["altitude"])
    order = np.argsort(z, kind="stable")
    z = z[order]
    ln = np.array(lines, dtype=int)[order]
    dup = np.flatnonzero(np.diff(z) == 0.0)
    if dup.size:
        k = int(dup[0])
        first, second = sorted((int(ln[k]), int(ln[k + 1])))
        raise DataFileError(
            p, f"line {second}", f"altitude {z[k]:g} m is given twice (also on line {first})"
        )
    t = np.array(data["temperature"])[order]
    return CsvWinds(
        altitude_m=z,
        from_deg=np.array(data["from"])[order],
        speed_m_s=np.array(data["speed"])[order],
        temperature_c=t - 273.15,
        line=ln,
    )


def _header(cells: list[str], where: str, path: str) -> dict[str, tuple[int, float, float]]:
    columns: dict[str, tuple[int, float, float]] = {}
    if not any(_HEAD.fullmatch(cell) for cell in cells):
        # Not a winds CSV at all (or not the header): quote nothing from the file.
        raise DataFileError(
            path,
            where,
            "not a winds CSV header: expected columns altitude, from, speed (and temperature) "
            "with units, e.g. altitude_ft,from_deg,speed_kt",
        )
    for i, cell in enumerate(cells):
        if not cell.strip() and i == len(cells) - 1:
            continue  # trailing comma
        m = _HEAD.fullmatch(cell)
        if m is None:
            raise DataFileError(
                path,
                where,
                f"header cell {excerpt(cell.strip())}: expected altitude, from, speed or "
                "temperature with a unit, e.g. altitude_ft or speed (m/s)",
            )
        name = m.group(1).lower()
        unit = m.group(2) or m.group(3)
        if name in columns:
            raise DataFileError(path, where, f"column {name!r} appears twice in the header")
        if not unit:
            raise DataFileError(
                path,
                where,
                f"column {name!r} needs a unit, e.g. {name}_{_EXAMPLE[name]} or "
                f"{name} ({_EXAMPLE[name]})",
            )
        columns[name] = (i, *_unit_converter(name, unit, where, path))
    missing = [n for n in REQUIRED if n not in columns]
    if missing:
        raise DataFileError(path, where, f"the header lacks {', '.join(missing)}")
    return columns


_EXAMPLE = {"altitude": "ft", "from": "deg", "speed": "kt", "temperature": "degC"}
