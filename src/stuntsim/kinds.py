"""The stunt kinds and the interface each one implements.

A kind bundles the pieces of the pipeline for one stunt::

    TOML --model--> validated model --build--> plan --simulate--> result --> presenters

Models (physics) live in the kind's package; ``to_json``, ``trajectory``, ``summary`` and
``report_sections`` are presenters and live in ``stuntsim.report.<kind>``.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

_REGISTRY: dict[str, str] = {
    "jump": "stuntsim.jump.kind",
    "heli": "stuntsim.heli.kind",
    "car": "stuntsim.car.kind",
}
KIND_NAMES = tuple(_REGISTRY)


class StuntKind(ABC):
    """What the CLI needs from one stunt kind."""

    name: str
    model: type  # pydantic model of the whole scenario file

    @abstractmethod
    def build(self, model: Any, path: Path) -> Any:
        """Turn the validated model into a plan of SI objects.

        Raise :class:`stuntsim.errors.ScenarioError` for anything the schema could not catch
        (an opening altitude above the exit, a DEM that does not cover the path, ...).
        """

    @abstractmethod
    def simulate(self, plan: Any) -> Any:
        """Run the plan; return a result (plain data, with a ``checks`` list)."""

    @abstractmethod
    def to_json(self, result: Any) -> dict[str, Any]:
        """The JSON document of the result (SI units)."""

    @abstractmethod
    def trajectory(self, result: Any) -> dict[str, Any]:
        """Columns for the trajectory CSV: name -> 1-D array, SI units, ``t_s`` first."""

    @abstractmethod
    def summary(self, result: Any, console: Any, display: Any) -> None:
        """Print a readable summary with rich, in the display units."""

    @abstractmethod
    def report_sections(self, result: Any, display: Any) -> list[Any]:
        """Sections (stuntsim.report.html.Section) of the HTML report, in display units."""

    def title(self, result: Any) -> str:
        return getattr(result, "name", "") or self.name


def get_kind(name: str) -> StuntKind:
    module = importlib.import_module(_REGISTRY[name])
    return module.KIND
