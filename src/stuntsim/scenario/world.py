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
from typing import TYPE_CHECKING

from stuntsim.errors import DataFileError, ScenarioError
from stuntsim.scenario.common import AtmosphereSection, WindLayer
from stuntsim.world.atmosphere import Atmosphere, standard
from stuntsim.world.wind import WindProfile

if TYPE_CHECKING:
    from stuntsim.io.winds import WindsData


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
        if not file.is_file():
            raise ScenarioError(path, "atmosphere.winds_file", f"file not found: {file}")
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
