"""Build the air a stunt flies through (atmosphere + winds) from scenario sections.

Shared by every kind that flies (jump, heli). The wind profile comes from inline ``[[winds]]``
layers or from ``atmosphere.winds_file`` (an FB bulletin, a Wyoming sounding or a CSV; see
docs/winds.md), never both. ``[atmosphere]`` picks the temperature/pressure model: the standard
atmosphere (with ``temperature_offset``), or the sounding read from a Wyoming ``winds_file``
(the default for that format; ``model = "standard"`` keeps only its winds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stuntsim.errors import DataFileError, ScenarioError, check_input_path, shown_path
from stuntsim.scenario.common import AtmosphereSection, WindLayer
from stuntsim.world.atmosphere import Atmosphere, standard
from stuntsim.world.wind import WindProfile

if TYPE_CHECKING:
    from stuntsim.checks import CheckBatch
    from stuntsim.io.winds import WindsData

FT = 0.3048
# Below 18 000 ft the FB bulletin's levels are 3 000 ft apart (3 000 to 12 000 ft; FAA
# AC 00-45H, "Winds and Temperatures Aloft Forecast"): an exit within half that spacing above the
# top level is as well served by the top level as a point between two levels is.
COVERAGE_TOLERANCE_M = 1500.0 * FT
COVERAGE_SOURCE = (
    "FAA AC 00-45H (FB levels 3 000 ft apart below 18 000 ft: the data must reach within half "
    "a spacing, 1 500 ft, of the highest altitude flown); above its top level the wind is held "
    "constant (docs/winds.md)"
)


@dataclass(frozen=True)
class Air:
    atmosphere: Atmosphere
    wind: WindProfile
    winds_data: WindsData | None = None  # the levels read from a winds_file, for display


def winds_file_path(section: AtmosphereSection, path: Path) -> Path | None:
    """``atmosphere.winds_file`` resolved against the scenario file's folder."""
    if section.winds_file is None:
        return None
    f = Path(section.winds_file).expanduser()
    return f if f.is_absolute() else Path(path).parent / f


def build_air(
    atmosphere: AtmosphereSection | None,
    winds: Sequence[WindLayer] | None,
    path: Path,
) -> Air:
    """Atmosphere and wind profile for a scenario file at ``path``.

    Raises ScenarioError for a bad combination and lets the readers' DataFileError (naming the
    data file and its line) through.
    """
    atm_section = atmosphere or AtmosphereSection()
    layers = list(winds or [])
    data = None
    file = winds_file_path(atm_section, path)
    if file is not None:
        if layers:
            raise ScenarioError(path, "winds", "give [[winds]] or atmosphere.winds_file, not both")
        try:
            check_input_path(file)  # a folder, a device or a missing file, named as such
        except ScenarioError as exc:
            raise ScenarioError(
                path, "atmosphere.winds_file", f"{shown_path(file)}: {exc.message}"
            ) from None
        from stuntsim.io.winds import read_winds

        data = read_winds(file, str(atm_section.format), atm_section.station)

    if atm_section.model == "sounding":
        if data is None or data.atmosphere is None:
            raise DataFileError(
                file,
                None,
                "the sounding has fewer than two levels with a temperature; it cannot give "
                'the atmosphere (use model = "standard")',
            )
        atm = data.atmosphere
    else:
        atm = standard(float(atm_section.temperature_offset))

    if data is not None:
        return Air(atm, data.profile, data)
    if not layers:
        return Air(atm, WindProfile.calm())
    alts = [w.altitude for w in layers]
    if len(set(alts)) != len(alts):
        dup = next(i for i, a in enumerate(alts) if alts.index(a) != i)
        raise ScenarioError(path, f"winds[{dup}].altitude", "two wind layers at the same altitude")
    wind = WindProfile.from_direction_speed(
        alts, [w.from_ for w in layers], [w.speed for w in layers], source="scenario [[winds]]"
    )
    return Air(atm, wind)


@dataclass(frozen=True)
class Coverage:
    """How high the air's data reaches, against the highest altitude a stunt flies."""

    what: str  # "winds" or "temperatures"
    top_m: float  # highest altitude (m MSL) with data
    source: str  # where the data came from


def coverage(air: Air) -> list[Coverage]:
    """The tops of the data the air is built from: the winds (inline layers or a file) and,
    when the atmosphere comes from a sounding, its temperatures. Empty for calm air and the
    standard atmosphere (nothing given, nothing extrapolated)."""
    out: list[Coverage] = []
    data = air.winds_data
    if data is not None:
        top = data.wind_top_m
        if top is not None:
            out.append(Coverage("winds", top, data.source))
        if data.atmosphere is not None and air.atmosphere is data.atmosphere:
            t_top = data.temperature_top_m
            if t_top is not None:
                out.append(Coverage("temperatures", t_top, data.source))
    elif air.wind.source != "calm":
        out.append(Coverage("winds", float(air.wind.altitude[-1]), air.wind.source))
    return out


def coverage_notices(air: Air, highest_m: float) -> list[str]:
    """One line for each kind of data that stops below ``highest_m`` (beyond the tolerance)."""
    return [
        f"{c.what} ({c.source}) stop at {c.top_m:,.0f} m, below {highest_m:,.0f} m: above "
        f"{c.top_m:,.0f} m the {'wind' if c.what == 'winds' else 'temperature profile'} is "
        f"{'held at its top value' if c.what == 'winds' else 'extrapolated (USSA 1976 shape)'}"
        for c in coverage(air)
        if c.top_m < highest_m - COVERAGE_TOLERANCE_M - 1e-6
    ]


def coverage_check(air: Air, highest_m: Any) -> CheckBatch | None:
    """Caution check ``data_coverage``: do the winds (and a sounding's temperatures) reach the
    highest altitude flown (the exit, for a jump)? ``highest_m`` is a float or a (B,) array.

    value = the lowest top of the data (m MSL); limit = highest_m - 1 500 ft
    (:data:`COVERAGE_TOLERANCE_M`); ok where value >= limit; margin = (value - limit) /
    max(limit, 1 m). None when no data was given (calm air, standard atmosphere).
    """
    import numpy as np

    from stuntsim.checks import CheckBatch

    tops = coverage(air)
    if not tops:
        return None
    need = np.atleast_1d(np.asarray(highest_m, dtype=float))
    low = min(tops, key=lambda c: c.top_m)
    value = np.full(need.shape, low.top_m)
    limit = need - COVERAGE_TOLERANCE_M
    ok = value >= limit - 1e-6  # an exit exactly 1 500 ft above the top level passes
    margin = (value - limit) / np.maximum(np.abs(limit), 1.0)

    def describe(i: int) -> tuple[str, str | None]:
        notes = coverage_notices(air, float(need[i]))
        if not notes:
            where = "at or above" if low.top_m >= need[i] else "within 1 500 ft of"
            return (
                f"the {' and '.join(c.what for c in tops)} reach {low.top_m:,.0f} m, {where} "
                f"the {float(need[i]):,.0f} m flown",
                None,
            )
        return (
            "; ".join(notes),
            f"use winds{' and temperatures' if len(notes) > 1 else ''} reaching at least "
            f"{float(limit[i]):,.0f} m (a bulletin or sounding with a level at or above "
            f"{float(need[i]):,.0f} m)",
        )

    return CheckBatch(
        id="data_coverage",
        ok=ok,
        margin=margin,
        value=value,
        limit=limit,
        unit="m",
        source=COVERAGE_SOURCE,
        severity="caution",
        describe=describe,
        quantity="altitude",
    )
