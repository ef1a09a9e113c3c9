"""Build the air a stunt flies through (atmosphere + winds) from scenario sections.

Shared by every kind that flies (jump, heli). Inline ``[[winds]]`` layers give the wind profile;
``[atmosphere]`` picks the temperature/pressure model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from stuntsim.errors import ScenarioError
from stuntsim.scenario.common import AtmosphereSection, WindLayer
from stuntsim.world.atmosphere import Atmosphere, standard
from stuntsim.world.wind import WindProfile


@dataclass(frozen=True)
class Air:
    atmosphere: Atmosphere
    wind: WindProfile


def build_air(
    atmosphere: AtmosphereSection | None,
    winds: Sequence[WindLayer] | None,
    path: Path,
) -> Air:
    """Atmosphere and wind profile for a scenario file at ``path``."""
    atm_section = atmosphere or AtmosphereSection()
    atm = standard(float(atm_section.temperature_offset))
    layers = list(winds or [])
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
