"""Read winds (and, from a sounding, the atmosphere) from the files crews get.

``read_winds(path, format, station)`` reads an NWS FB bulletin (``"fb"``, one station), a
University of Wyoming TEXT:LIST sounding (``"wyoming"``) or a winds CSV (``"csv"``) and returns
:class:`WindsData`: the wind profile for the kernels (altitudes geometric MSL, metres), the
per-level values for display, and, from a sounding, an :class:`~stuntsim.world.atmosphere.
Atmosphere` built from its temperatures and pressures.

Altitudes: FB levels below 18 000 ft are MSL; pressure-altitude levels are converted through the
standard atmosphere (:func:`stuntsim.io.fb_winds.pressure_altitude_to_geometric`). Wyoming
heights are geopotential metres and are converted to geometric altitude with
z = r0 H / (r0 - H) (USSA 1976, r0 = 6 356 766 m): +16 m at 10 km, +63 m at 20 km.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from stuntsim.errors import DataFileError, read_input_bytes
from stuntsim.world.atmosphere import Atmosphere
from stuntsim.world.wind import WindProfile

FORMATS = ("fb", "wyoming", "csv")
WindsFormat = Literal["fb", "wyoming", "csv"]
KT = 1852.0 / 3600.0  # m/s per knot (exact)


@dataclass(frozen=True)
class WindsData:
    """Winds read from a file.

    ``profile`` is what the kernels use. The per-level arrays (one entry per level that has a
    wind or a temperature, lowest first) are for display: ``from_deg`` is NaN for a light and
    variable wind or where the level has no wind, ``temperature_c`` NaN where none is given.
    ``label`` describes each level as printed in the file (``"39000 ft pressure alt."``).
    """

    profile: WindProfile
    altitude_m: np.ndarray
    from_deg: np.ndarray
    speed_m_s: np.ndarray
    temperature_c: np.ndarray
    atmosphere: Atmosphere | None
    source: str
    label: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # what the reader dropped or assumed, in words, for display

    @property
    def wind_top_m(self) -> float | None:
        """The highest altitude (m MSL) with a wind; None when the file has none."""
        z = self.altitude_m[np.isfinite(self.speed_m_s)]
        return float(z.max()) if z.size else None

    @property
    def temperature_top_m(self) -> float | None:
        """The highest altitude (m MSL) with a temperature; None when the file has none."""
        z = self.altitude_m[np.isfinite(self.temperature_c)]
        return float(z.max()) if z.size else None

    def rows(self) -> list[dict[str, float | None]]:
        """The levels as JSON-ready dicts (SI, degrees, °C; None where absent)."""

        def num(v: float) -> float | None:
            return float(v) if math.isfinite(v) else None

        return [
            {
                "altitude_m": num(z),
                "from_deg": num(d),
                "speed_m_s": num(s),
                "temperature_c": num(t),
            }
            for z, d, s, t in zip(
                self.altitude_m.tolist(),
                self.from_deg.tolist(),
                self.speed_m_s.tolist(),
                self.temperature_c.tolist(),
                strict=True,
            )
        ]


def decode_text(raw: bytes, path: str | Path) -> str:
    """UTF-8 text (a byte-order mark is dropped); otherwise DataFileError naming the line."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # the byte itself is not quoted: the file may not be a winds file at all
        line = raw[: exc.start].count(b"\n") + 1
        raise DataFileError(path, f"line {line}", "not text (not UTF-8)") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise DataFileError(path, f"line {line}", "not text (contains a NUL byte)")
    return text


def read_winds(path: str | Path, format: str, station: str | None = None) -> WindsData:
    """Read a winds file; DataFileError (a ScenarioError) names the file and the line."""
    p = Path(path)
    if format not in FORMATS:
        raise ValueError(f"unknown winds format {format!r}; use one of {', '.join(FORMATS)}")
    raw = read_input_bytes(p, DataFileError)
    return winds_from_bytes(raw, p, format, station)


def winds_from_bytes(
    raw: bytes, path: str | Path, format: str, station: str | None = None
) -> WindsData:
    """:func:`read_winds` on bytes already read (``path`` names them in errors)."""
    text = decode_text(raw, path)
    if format == "fb":
        return _from_fb(text, path, station)
    if station is not None:
        raise ValueError("a station is only used with the 'fb' format")
    if format == "wyoming":
        return _from_wyoming(text, path)
    if format == "csv":
        return _from_csv(text, path)
    raise ValueError(f"unknown winds format {format!r}; use one of {', '.join(FORMATS)}")


def _profile(z: np.ndarray, from_deg: np.ndarray, speed: np.ndarray, source: str) -> WindProfile:
    """Wind profile from the levels that have a wind; a light-and-variable level is calm."""
    has = np.isfinite(speed)
    d = np.where(np.isfinite(from_deg), from_deg, 0.0)  # any direction: the speed is 0 there
    return WindProfile.from_direction_speed(z[has], np.radians(d[has]), speed[has], source=source)


def _from_fb(text: str, path: str | Path, station: str | None) -> WindsData:
    from stuntsim.io.fb_winds import parse_fb

    st = parse_fb(text, path).station(station)
    z = np.array([lv.altitude_m for lv in st.levels])
    d = np.array([lv.wind.from_deg for lv in st.levels])
    v = np.array([lv.wind.speed_kt * KT for lv in st.levels])
    t = np.array([lv.wind.temperature_c for lv in st.levels])
    when = ", ".join(
        x
        for x in (
            f"valid {st.valid}" if st.valid else "",
            f"for use {st.for_use}" if st.for_use else "",
            f"based on {st.based_on}" if st.based_on else "",
        )
        if x
    )
    source = f"NWS FB winds aloft {st.station}" + (f" ({when})" if when else "")
    source += f", {Path(path).name}"
    return WindsData(
        profile=_profile(z, d, v, source),
        altitude_m=z,
        from_deg=d,
        speed_m_s=v,
        temperature_c=t,
        atmosphere=None,
        source=source,
        label=tuple(lv.label for lv in st.levels),
    )


def _from_wyoming(text: str, path: str | Path) -> WindsData:
    from stuntsim.io.wyoming import parse_wyoming
    from stuntsim.world.atmosphere import geometric
    from stuntsim.world.sounding import atmosphere_from_sounding

    s = parse_wyoming(text, path)
    z = np.asarray(geometric(s.height_gpm), dtype=float)
    has_wind = np.isfinite(s.direction_deg) & np.isfinite(s.speed_kt)
    has_temp = np.isfinite(s.temperature_c)
    keep = has_wind | has_temp
    if not np.any(has_wind):
        raise DataFileError(path, None, "the sounding has no winds (DRCT and SKNT are blank)")
    source = f"University of Wyoming sounding {s.name}".rstrip() + f", {Path(path).name}"
    d = np.where(has_wind, s.direction_deg, np.nan) % 360.0
    v = np.where(has_wind, s.speed_kt * KT, np.nan)
    atm = None
    if np.count_nonzero(has_temp) >= 2:
        zt = z[has_temp]
        atm = atmosphere_from_sounding(
            zt,
            s.pressure_hpa[has_temp] * 100.0,
            s.temperature_c[has_temp] + 273.15,
            source=f"{source}; USSA 1976 lapse rates above {zt[-1]:.0f} m",
        )
    labels = tuple(f"{pr:g} hPa" for pr in s.pressure_hpa[keep].tolist())
    return WindsData(
        profile=_profile(z, d, v, source),
        altitude_m=z[keep],
        from_deg=d[keep],
        speed_m_s=v[keep],
        temperature_c=s.temperature_c[keep],
        atmosphere=atm,
        source=source,
        label=labels,
        notes=s.notes,
    )


def _from_csv(text: str, path: str | Path) -> WindsData:
    from stuntsim.io.winds_csv import parse_winds_csv

    c = parse_winds_csv(text, path)
    source = f"winds CSV {Path(path).name}"
    return WindsData(
        profile=_profile(c.altitude_m, c.from_deg, c.speed_m_s, source),
        altitude_m=c.altitude_m,
        from_deg=c.from_deg % 360.0,
        speed_m_s=c.speed_m_s,
        temperature_c=c.temperature_c,
        atmosphere=None,
        source=source,
        label=tuple(f"line {n}" for n in c.line.tolist()),
    )
