"""NWS FB (formerly FD) winds and temperatures aloft bulletins, decoded by column.

Format (FAA AC 00-45, *Aviation Weather Services*, "Winds and Temperatures Aloft Forecast
(FB)")::

    DATA BASED ON 180000Z
    VALID 180600Z   FOR USE 0200-0900Z. TEMPS NEG ABV 24000

    FT  3000    6000    9000   12000   18000   24000  30000  34000  39000
    BRL 3513 3314+03 3219+02 3122+00 2930-12 2837-25 286839 279847 770455
    GLD      1923    2022+03 2119+00 2023-13 2332-25 236539 237448 248554

- The ``FT`` line names the levels in feet. Each station's group for a level sits in the columns
  that end where that level's label ends, so a row is **read by column position**, never by
  the order of its groups: a level left blank (no wind within 1 500 ft of the station, no
  temperature within 2 500 ft of it or at 3 000 ft) would otherwise shift every later group one
  level down. Level i owns the columns from the end of label i-1 to the end of label i; a group
  belongs to the level whose columns it mostly covers (more than half of its characters). That
  also reads bulletins whose FT line was retyped a column off (as in the reference sample), and
  refuses a group that straddles two levels or two groups under one level.
- Group ``DDff``, ``DDff±TT`` or ``DDffTT``: DD = direction the wind blows FROM, true, in tens of
  degrees; ff = speed in knots; TT = temperature in °C.
- ``9900`` = light and variable (forecast under 5 kt). The direction is undefined, so it is
  decoded as **calm**: speed 0, direction NaN (the wind profile gets zero components there).
- 100-199 kt: 50 is added to DD and 100 subtracted from ff (``731960`` = 230° at 119 kt,
  -60 °C). ``DD99`` with DD in 51-86 means 199 kt **or more**; it is decoded as 199 kt (a lower
  bound) and flagged.
- Above the level named by ``TEMPS NEG ABV`` (24 000 ft; assumed when the header omits it)
  temperatures are negative and printed without a sign. An unsigned temperature at or below that
  level is ambiguous and refused.
- Levels up to 12 000 ft (15 000 ft in some regional bulletins) are true altitude, MSL; levels of
  18 000 ft and above are **pressure altitude** (AC 00-45; 18 000 ft is the U.S. transition
  altitude). See :func:`pressure_altitude_to_geometric` for the conversion to geometric MSL.

Every malformed line raises :class:`stuntsim.errors.DataFileError` naming the line.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from pathlib import Path

from stuntsim.errors import DataFileError, excerpt

FT = 0.3048  # m, international foot (exact)
KT = 1852.0 / 3600.0  # m/s, knot (exact)
PRESSURE_ALTITUDE_FROM_FT = 18_000  # AC 00-45: levels at/above are pressure altitude
DEFAULT_TEMPS_NEG_ABOVE_FT = 24_000  # AC 00-45: "TEMPS NEG ABV 24000"
LEVEL_RANGE_FT = (500, 60_000)  # FB levels run from 1 000 ft (Alaska, Hawaii) to 53 000 ft

_GROUP = re.compile(r"([0-9]{2})([0-9]{2})(?:([+-])([0-9]{2})|([0-9]{2}))?", re.ASCII)
_FT_LINE = re.compile(r"FT(\s|$)", re.ASCII)
_STATION = re.compile(r"[A-Z0-9]{3}", re.ASCII)
_BASED_ON = re.compile(r"DATA BASED ON\s+([0-9]{6}Z)", re.ASCII)
_VALID = re.compile(r"VALID\s+([0-9]{6}Z)", re.ASCII)
_FOR_USE = re.compile(r"FOR USE\s+([0-9]{4}-[0-9]{4}Z)", re.ASCII)
_TEMPS_NEG = re.compile(r"TEMPS NEG ABV\s+([0-9]{1,5})\b", re.ASCII)
# Lines around the table that carry no data: WMO heading, AWIPS id, sequence number, end marks,
# the "(Extracted from ...)" line of aviationweather.gov, HTML markup.
_NOISE = (
    re.compile(r"\s*(000|\$\$|NNNN|=)?\s*", re.ASCII),
    re.compile(r"\s*\(?\s*Extracted from\b.*", re.ASCII | re.IGNORECASE),
    re.compile(r"FB[A-Z]{2}[0-9]{2}\s+[A-Z]{4}\s+[0-9]{6}.*", re.ASCII),
    re.compile(r"F[BD][0-9][A-Z0-9]{2,4}[0-9]?\s*", re.ASCII),
    re.compile(r"\s*<.*", re.ASCII),
    re.compile(r".*(DATA BASED ON|VALID|TEMPS NEG ABV).*", re.ASCII),
)


@dataclass(frozen=True)
class FbWind:
    """One decoded group."""

    from_deg: float  # direction the wind blows FROM, degrees true; NaN when light and variable
    speed_kt: float  # 0 for light and variable; 199 for "199 kt or more"
    temperature_c: float  # NaN when the group carries none
    light_variable: bool = False  # 9900
    speed_at_least: bool = False  # DD99 with DD 51-86: 199 kt or more


@dataclass(frozen=True)
class FbLevel:
    level_ft: int  # the level as printed on the FT line
    pressure_altitude: bool  # True for 18 000 ft and above
    altitude_m: float  # geometric altitude MSL
    group: str  # the group as printed
    wind: FbWind

    @property
    def label(self) -> str:
        """``"9000 ft MSL"``, or ``"FL390"`` for a pressure altitude, with any flag."""
        text = (
            f"FL{self.level_ft // 100:03d}" if self.pressure_altitude else f"{self.level_ft} ft MSL"
        )
        if self.wind.light_variable:
            text += ", L&V"
        if self.wind.speed_at_least:
            text += ", ≥199 kt"
        return text


@dataclass(frozen=True)
class FbStation:
    station: str
    line: int  # 1-based line number of the station's row
    levels: tuple[FbLevel, ...]  # levels with a group, lowest first (blank levels left out)
    based_on: str | None = None
    valid: str | None = None
    for_use: str | None = None


@dataclass(frozen=True)
class FbBulletin:
    stations: dict[str, FbStation]
    path: str

    def station(self, name: str | None) -> FbStation:
        """The row of one station (``MKC``; ``KMKC`` and ``PHNL`` style ids also work)."""
        known = sorted(self.stations)
        if name is None or not str(name).strip():
            raise DataFileError(
                self.path,
                None,
                f"an FB bulletin needs a station (e.g. --station {known[0]}); "
                f"this one has {_few(known)}",
            )
        key = str(name).strip().upper()
        if key not in self.stations and len(key) == 4 and key[0] in "KP":
            key = key[1:]  # ICAO id -> the 3-letter id used in FB bulletins
        if key not in self.stations:
            close = difflib.get_close_matches(key, known, n=3, cutoff=0.5)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise DataFileError(
                self.path,
                None,
                f"station {excerpt(name)} is not in this bulletin{hint}; it has {_few(known)}",
            )
        st = self.stations[key]
        if not st.levels:
            raise DataFileError(
                self.path, f"line {st.line}", f"station {key} has no winds in this bulletin"
            )
        return st


def _few(names: list[str], n: int = 8) -> str:
    shown = ", ".join(names[:n])
    more = f" and {len(names) - n} more" if len(names) > n else ""
    return f"{len(names)} station{'s' if len(names) != 1 else ''}: {shown}{more}"


class _GroupError(ValueError):
    pass


def decode_group(group: str, level_ft: int, temps_neg_above_ft: int) -> FbWind:
    """Decode one group (``2726-09``, ``731960``, ``9900``) printed at ``level_ft``."""
    m = _GROUP.fullmatch(group)
    if m is None:
        raise _GroupError(f"group {excerpt(group)} is not DDff, DDff+TT / DDff-TT or DDffTT")
    dd, ff = int(m.group(1)), int(m.group(2))
    if m.group(5) is not None:  # unsigned temperature
        if level_ft <= temps_neg_above_ft:
            raise _GroupError(
                f"group {excerpt(group)} at {level_ft} ft has an unsigned temperature; only levels "
                f"above {temps_neg_above_ft} ft (TEMPS NEG ABV) print temperatures unsigned"
            )
        temp = -float(m.group(5))
    elif m.group(4) is not None:
        temp = float(m.group(4)) * (-1.0 if m.group(3) == "-" else 1.0)
    else:
        temp = math.nan
    if dd == 99:
        if ff != 0:
            raise _GroupError(
                f"group {excerpt(group)}: direction code 99 is only used as 9900 "
                "(light and variable)"
            )
        return FbWind(math.nan, 0.0, temp, light_variable=True)
    if 1 <= dd <= 36:
        return FbWind(dd * 10.0, float(ff), temp)
    if 51 <= dd <= 86:
        return FbWind((dd - 50) * 10.0, ff + 100.0, temp, speed_at_least=ff == 99)
    raise _GroupError(
        f"group {excerpt(group)}: direction code {dd:02d} is not 01-36, 51-86 (100-199 kt) "
        "or 99 (9900)"
    )


def pressure_altitude_to_geometric(pressure_altitude_m: float) -> float:
    """Geometric altitude MSL (m) of a pressure altitude, through the U.S. Standard Atmosphere.

    A pressure altitude is the altitude in the standard atmosphere at which the pressure is
    found; standard-atmosphere tables (ICAO Doc 7488, USSA 1976) are in geopotential altitude,
    which is what an altimeter set to 1013.25 hPa shows. So: pressure p = p_ISA(H) from the
    USSA 1976 layer equations with H = the pressure altitude in geopotential metres, then the
    geometric altitude at which the standard atmosphere has that pressure
    (:meth:`stuntsim.world.atmosphere.Atmosphere.pressure_altitude`). The result is
    z = r0 H / (r0 - H): +4.7 m at 18 000 ft, +22 m at 39 000 ft, +41 m at 53 000 ft.

    The real height of a pressure level also depends on the day's temperatures (a column
    10 K colder than standard puts 30 000 ft pressure altitude about 4 % lower, roughly
    350 m: the hypsometric thickness is proportional to the mean temperature, about 258 K);
    the bulletin gives no heights, so that difference is not modelled.
    """
    from stuntsim.world.atmosphere import geometric, standard, ussa76

    p = ussa76(geometric(pressure_altitude_m))[1]  # p_ISA(H): ussa76 takes geometric altitude
    return float(standard().pressure_altitude(p))


def level_altitude(level_ft: int) -> tuple[float, bool]:
    """(geometric altitude MSL in m, is_pressure_altitude) of an FB level."""
    if level_ft < PRESSURE_ALTITUDE_FROM_FT:
        return level_ft * FT, False
    return pressure_altitude_to_geometric(level_ft * FT), True


@dataclass
class _Header:
    based_on: str | None = None
    valid: str | None = None
    for_use: str | None = None
    temps_neg_above_ft: int = DEFAULT_TEMPS_NEG_ABOVE_FT

    def update(self, line: str) -> None:
        if m := _BASED_ON.search(line):
            self.based_on = m.group(1)
        if m := _VALID.search(line):
            self.valid = m.group(1)
        if m := _FOR_USE.search(line):
            self.for_use = m.group(1)
        if m := _TEMPS_NEG.search(line):
            self.temps_neg_above_ft = int(m.group(1))


@dataclass(frozen=True)
class _Columns:
    levels: tuple[int, ...]
    altitudes: tuple[tuple[float, bool], ...]
    slices: tuple[tuple[int, int], ...]  # [start, stop) of each level's columns


def _parse_ft_line(line: str, path: str, lineno: int) -> _Columns:
    where = f"line {lineno}"
    tokens = list(re.finditer(r"\S+", line[2:]))
    if not tokens:
        raise DataFileError(path, where, "the FT line names no levels")
    levels: list[int] = []
    slices: list[tuple[int, int]] = []
    start = 3  # first column after a 3-character station id
    for tok in tokens:
        text = tok.group()
        if not re.fullmatch(r"[0-9]{1,6}", text, re.ASCII):
            raise DataFileError(
                path, where, f"FT line: level {excerpt(text)} is not a number of feet"
            )
        level = int(text)
        if not LEVEL_RANGE_FT[0] <= level <= LEVEL_RANGE_FT[1]:
            raise DataFileError(path, where, f"FT line: level {level} ft is out of range")
        if levels and level <= levels[-1]:
            raise DataFileError(path, where, "FT line: levels must increase from left to right")
        stop = tok.end() + 2  # the group ends in the same column as the level's label
        if stop <= start:
            raise DataFileError(path, where, f"FT line: level {text} leaves no column for a group")
        levels.append(level)
        slices.append((start, stop))
        start = stop
    altitudes = tuple(level_altitude(lv) for lv in levels)
    return _Columns(tuple(levels), altitudes, tuple(slices))


def _parse_row(
    line: str, lineno: int, cols: _Columns, header: _Header, path: str
) -> FbStation | None:
    where = f"line {lineno}"
    sid = line[:3]
    if not (_STATION.fullmatch(sid) and (len(line) == 3 or line[3] == " ")):
        return None
    if sid.isdigit():
        return None  # "000" and similar sequence numbers are not stations
    groups: dict[int, str] = {}
    for tok in re.finditer(r"[^ ]+", line[3:]):
        s, e, text = tok.start() + 3, tok.end() + 3, tok.group()
        overlap = [max(0, min(e, b) - max(s, a)) for a, b in cols.slices]
        best = max(range(len(overlap)), key=overlap.__getitem__)
        if overlap[best] == 0:
            raise DataFileError(
                path,
                where,
                f"{sid}: {excerpt(text)} lies beyond the last level column of the FT line",
            )
        if 2 * overlap[best] < len(text) or overlap.count(overlap[best]) > 1:
            raise DataFileError(
                path,
                where,
                f"{sid}: group {excerpt(text)} (columns {s + 1}-{e}) does not line up under one "
                "level of the FT line",
            )
        if best in groups:
            raise DataFileError(
                path,
                where,
                f"{sid} {cols.levels[best]} ft: two groups {excerpt(groups[best])} and "
                f"{excerpt(text)} under one level of the FT line",
            )
        groups[best] = text
    levels: list[FbLevel] = []
    for i in sorted(groups):  # levels without a group are blank: too close to the station
        level, (z, is_pa), text = cols.levels[i], cols.altitudes[i], groups[i]
        try:
            wind = decode_group(text, level, header.temps_neg_above_ft)
        except _GroupError as exc:
            raise DataFileError(path, where, f"{sid} {level} ft: {exc}") from None
        levels.append(FbLevel(level, is_pa, z, text, wind))
    return FbStation(sid, lineno, tuple(levels), header.based_on, header.valid, header.for_use)


def parse_fb(text: str, path: str | Path = "<text>") -> FbBulletin:
    """Decode every station of an FB bulletin; raise DataFileError on the first bad line."""
    p = str(path)
    header = _Header()
    cols: _Columns | None = None
    stations: dict[str, FbStation] = {}
    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r").rstrip()
        if "\t" in line:
            raise DataFileError(
                p,
                f"line {lineno}",
                "contains a tab; FB bulletins are aligned in columns with spaces",
            )
        if _FT_LINE.match(line):
            cols = _parse_ft_line(line, p, lineno)
            continue
        if cols is None:
            header.update(line)  # text before the first FT line is header or preamble
            continue
        if not line.strip():
            continue
        row = _parse_row(line, lineno, cols, header, p)
        if row is not None:
            if row.station in stations:
                first = stations[row.station].line
                raise DataFileError(
                    p,
                    f"line {lineno}",
                    f"station {row.station} appears again (first on line {first}); "
                    "give one bulletin per file",
                )
            stations[row.station] = row
            continue
        if any(rx.fullmatch(line) for rx in _NOISE):
            header.update(line)  # the heading of a following bulletin in the same file
            continue
        raise DataFileError(
            p,
            f"line {lineno}",
            f"not a station row: {excerpt(line.split()[0])} (expected a 3-character station id "
            "and groups under the FT line's columns)",
        )
    if cols is None:
        raise DataFileError(
            p, None, "no 'FT' level line found; is this an FB winds-aloft bulletin?"
        )
    if not stations:
        raise DataFileError(p, None, "the bulletin has no station rows")
    return FbBulletin(stations, p)
