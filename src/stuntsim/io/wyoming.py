"""University of Wyoming upper-air soundings, TEXT:LIST output, read by fixed columns.

The table (weather.uwyo.edu, "Text: List" output; column descriptions at
weather.uwyo.edu/upperair/columns.html) is eleven right-aligned 7-character columns::

    -----------------------------------------------------------------------------
       PRES   HGHT   TEMP   DWPT   RELH   MIXR   DRCT   SKNT   THTA   THTE   THTV
        hPa     m      C      C      %    g/kg    deg   knot     K      K      K
    -----------------------------------------------------------------------------
     1000.0    185
      919.0    874   -0.1   -0.2     99   4.12    240      3  279.7  291.3  280.4
      598.0   4261  -14.7                         270     42  299.4         299.4

Fields are often blank (levels below the ground carry only PRES and HGHT; humidity stops high
up), so each row is **sliced by column**, never split on white space. The HTML page, a copy of
its text, and the station-information block after the table are all accepted: lines before the
column header are ignored (the ``<H2>`` title is kept as the source), and the table ends at the
first blank, markup or ``Station information`` line.

HGHT is geopotential height (gpm), as in the WMO TEMP reports the table is decoded from; the
reader keeps it as given and :mod:`stuntsim.io.winds` converts it to geometric altitude.

Real soundings repeat a level now and then (BOI 12Z 09 Dec 2010 lists 115.0 hPa at 15 240 m
and again at 15 237 m). A row whose height is not above the previous kept row by more than
:data:`DUPLICATE_TOLERANCE_M` is dropped (its line number is kept in ``dropped_lines``); a
larger drop in height, or a rise in pressure, is an error naming the line. A row with a blank
HGHT (the surface row of some files from the Wyoming server) cannot be placed in the column and
is dropped too (``blank_height_lines``); :attr:`Sounding.notes` reports both in words.

Missing values: ``-9999`` (or ``-9999.0``), the sentinel of the station-information block, is
read as missing (``None``; NaN in the table), never as a number.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stuntsim.errors import DataFileError, excerpt

COLUMNS = ("PRES", "HGHT", "TEMP", "DWPT", "RELH", "MIXR", "DRCT", "SKNT", "THTA", "THTE", "THTV")
WIDTH = 7
DUPLICATE_TOLERANCE_M = 30.0  # height reversals up to this are repeated levels, dropped
# Plausibility limits (a radiosonde bursts below about 40 km; surface stations lie above -500 m)
_LIMITS = {
    "PRES": (0.1, 1100.0),  # hPa
    "HGHT": (-900.0, 60_000.0),  # gpm (the table starts at -1 000 m geometric)
    "TEMP": (-120.0, 60.0),  # °C
    "DRCT": (0.0, 360.0),  # deg
    "SKNT": (0.0, 400.0),  # kt
}
_NUMBER = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)", re.ASCII)
_TITLE = re.compile(r"([0-9]{5})\s+(\w{3,4})?\s*(.*?)\s*Observations at\s+(.+?)\s*$", re.ASCII)
_INFO = re.compile(r"\s*([A-Za-z][A-Za-z ]*?)\s*:\s*(\S.*?)\s*", re.ASCII)
MISSING = -9999.0  # the Wyoming sentinel for a value not reported


@dataclass(frozen=True)
class Sounding:
    """Rows of a sounding in file order (bottom up), with NaN for blank fields."""

    pressure_hpa: np.ndarray
    height_gpm: np.ndarray  # geopotential height, as printed
    temperature_c: np.ndarray
    dewpoint_c: np.ndarray
    direction_deg: np.ndarray  # direction the wind blows FROM, true
    speed_kt: np.ndarray
    line: np.ndarray  # 1-based line number of each row
    title: str | None = None  # e.g. "72681 BOI Boise Observations at 12Z 09 Dec 2010"
    station: str | None = None
    station_number: str | None = None
    observation_time: str | None = None
    elevation_m: float | None = None  # None when not given or given as -9999
    dropped_lines: tuple[int, ...] = ()  # repeated levels
    blank_height_lines: tuple[int, ...] = ()  # rows without HGHT

    @property
    def name(self) -> str:
        """The title, or station number, id and time; ``""`` when the file names none."""
        if self.title:
            return self.title
        parts = [p for p in (self.station_number, self.station, self.observation_time) if p]
        return " ".join(parts)

    @property
    def notes(self) -> tuple[str, ...]:
        """What was dropped while reading, in words (empty when nothing was)."""
        out = []
        if self.blank_height_lines:
            out.append(
                f"dropped {_rows(self.blank_height_lines)} with a blank height (HGHT) "
                f"({_lines(self.blank_height_lines)})"
            )
        if self.dropped_lines:
            out.append(
                f"dropped {_rows(self.dropped_lines)} repeating the level below "
                f"({_lines(self.dropped_lines)})"
            )
        return tuple(out)


def _rows(lines: tuple[int, ...]) -> str:
    return f"{len(lines)} row{'s' if len(lines) != 1 else ''}"


def _lines(lines: tuple[int, ...], n: int = 6) -> str:
    shown = ", ".join(str(x) for x in lines[:n])
    more = f" and {len(lines) - n} more" if len(lines) > n else ""
    return f"line{'s' if len(lines) != 1 else ''} {shown}{more}"


def _info_value(value: str | None) -> str | None:
    """A station-information value, None when absent or the -9999 sentinel."""
    if value is None:
        return None
    try:
        return None if float(value) == MISSING else value
    except ValueError:
        return value


def _strip_tags(line: str) -> str:
    return re.sub(r"<[^>]*>", "", line).strip()


def _is_header(line: str) -> bool:
    return "PRES" in line and "HGHT" in line


def _check_header(line: str, lineno: int, path: str) -> None:
    names = [line[i * WIDTH : (i + 1) * WIDTH] for i in range(len(COLUMNS))]
    if names != [c.rjust(WIDTH) for c in COLUMNS] or line[len(COLUMNS) * WIDTH :].strip():
        raise DataFileError(
            path,
            f"line {lineno}",
            "the column header is not the TEXT:LIST layout (eleven 7-character columns "
            f"{' '.join(COLUMNS)})",
        )


def _ends_table(line: str) -> bool:
    s = line.strip()
    return not s or s.startswith("<") or "Station information" in s or set(s) == {"-"}


def _parse_row(line: str, lineno: int, path: str) -> list[float] | None:
    """The row's eleven values (NaN where blank); None for a row with a blank height."""
    where = f"line {lineno}"
    if len(line) > len(COLUMNS) * WIDTH and line[len(COLUMNS) * WIDTH :].strip():
        raise DataFileError(path, where, "text beyond the 11 columns of the table")
    values: list[float] = []
    for i, name in enumerate(COLUMNS):
        field = line[i * WIDTH : (i + 1) * WIDTH].strip()
        if not field:
            values.append(math.nan)
            continue
        if not _NUMBER.fullmatch(field):
            raise DataFileError(path, where, f"column {name}: {excerpt(field)} is not a number")
        v = float(field)
        if v == MISSING:
            values.append(math.nan)
            continue
        lo_hi = _LIMITS.get(name)
        if lo_hi is not None and not lo_hi[0] <= v <= lo_hi[1]:
            raise DataFileError(
                path, where, f"column {name}: {field} is outside {lo_hi[0]:g} to {lo_hi[1]:g}"
            )
        values.append(v)
    if math.isnan(values[0]):
        raise DataFileError(path, where, "a row needs a pressure (PRES)")
    if math.isnan(values[1]):
        return None
    return values


def parse_wyoming(text: str, path: str | Path = "<text>") -> Sounding:
    """Read one TEXT:LIST sounding; raise DataFileError naming the line on malformed input."""
    p = str(path)
    lines = [ln.rstrip("\r") for ln in text.split("\n")]
    title: str | None = None
    header_at: int | None = None
    for i, line in enumerate(lines):
        if _is_header(line):
            header_at = i
            break
        m = _TITLE.search(_strip_tags(line))
        if m:
            title = " ".join(m.group(0).split())
    if header_at is None:
        raise DataFileError(
            p,
            None,
            "no sounding table found: expected the TEXT:LIST column header "
            f"'{''.join(c.rjust(WIDTH) for c in COLUMNS[:4])} ...'",
        )
    _check_header(lines[header_at], header_at + 1, p)
    i = header_at + 1
    # the units line and the dashed rule below the header
    while i < len(lines) and i <= header_at + 2 and ("hPa" in lines[i] or "---" in lines[i]):
        i += 1
    rows: list[list[float]] = []
    row_lines: list[int] = []
    blank_height: list[int] = []
    while i < len(lines) and not _ends_table(lines[i]):
        line = lines[i]
        if "\t" in line:
            raise DataFileError(p, f"line {i + 1}", "contains a tab; the table uses spaces")
        if _is_header(line):
            break
        row = _parse_row(line, i + 1, p)
        if row is None:
            blank_height.append(i + 1)
        else:
            rows.append(row)
            row_lines.append(i + 1)
        i += 1
    if not rows:
        what = "no rows with a height (HGHT)" if blank_height else "no rows"
        raise DataFileError(p, f"line {header_at + 1}", f"the sounding table has {what}")
    info: dict[str, str] = {}
    for j in range(i, len(lines)):
        if _is_header(lines[j]):
            raise DataFileError(
                p, f"line {j + 1}", "a second sounding in the same file; save one per file"
            )
        m = _INFO.fullmatch(_strip_tags(lines[j]))
        if m:
            info.setdefault(m.group(1).lower(), m.group(2))
    kept, dropped = _monotone(rows, row_lines, p)
    a = np.array([rows[k] for k in kept], dtype=float)
    elevation = _info_value(info.get("station elevation"))
    try:
        elev = float(elevation) if elevation is not None else None
    except ValueError:
        elev = None
    return Sounding(
        pressure_hpa=a[:, 0],
        height_gpm=a[:, 1],
        temperature_c=a[:, 2],
        dewpoint_c=a[:, 3],
        direction_deg=a[:, 6],
        speed_kt=a[:, 7],
        line=np.array([row_lines[k] for k in kept], dtype=int),
        title=title,
        station=_info_value(info.get("station identifier")),
        station_number=_info_value(info.get("station number")),
        observation_time=_info_value(info.get("observation time")),
        elevation_m=elev if elev is not None and math.isfinite(elev) else None,
        dropped_lines=tuple(row_lines[k] for k in dropped),
        blank_height_lines=tuple(blank_height),
    )


def _monotone(rows: list[list[float]], lines: list[int], path: str) -> tuple[list[int], list[int]]:
    """Indices of rows kept (height rising, pressure not rising) and of repeated levels dropped."""
    kept = [0]
    dropped: list[int] = []
    for k in range(1, len(rows)):
        p0, z0 = rows[kept[-1]][0], rows[kept[-1]][1]
        p1, z1 = rows[k][0], rows[k][1]
        if p1 > p0:
            raise DataFileError(
                path,
                f"line {lines[k]}",
                f"pressure rises from {p0:g} hPa (line {lines[kept[-1]]}) to {p1:g} hPa; "
                "rows must go up the sounding",
            )
        if z1 > z0:
            kept.append(k)
        elif z0 - z1 <= DUPLICATE_TOLERANCE_M:
            dropped.append(k)
        else:
            raise DataFileError(
                path,
                f"line {lines[k]}",
                f"height falls from {z0:g} m (line {lines[kept[-1]]}) to {z1:g} m",
            )
    return kept, dropped
