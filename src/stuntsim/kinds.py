"""The stunt kinds and the interface each one implements.

A kind bundles the pieces of the pipeline for one stunt::

    TOML --model--> validated model --build--> plan --simulate--> result --> presenters

Models (physics) live in the kind's package; ``to_json``, ``trajectory``, ``summary`` and
``report_sections`` are presenters and live in ``stuntsim.report.<kind>``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

_REGISTRY: dict[str, str] = {
    "jump": "stuntsim.jump.kind",
    "heli": "stuntsim.heli.kind",
    "car": "stuntsim.car.kind",
}
KIND_NAMES = tuple(_REGISTRY)


class StuntKind:
    """What the CLI needs from one stunt kind.

    A kind names its pieces by dotted path ("module:function"), imported only when used so
    that ``import stuntsim`` and ``--help`` stay light:

    - ``builder(model, path) -> plan`` turns the validated model into SI objects and raises
      :class:`stuntsim.errors.ScenarioError` for what the schema cannot catch (an opening
      altitude above the exit, a DEM that does not cover the path, ...);
    - ``simulator(plan) -> result`` runs it (plain data, with a ``checks`` list);
    - ``presenters`` is a module with ``to_json(result)`` (SI), ``trajectory(result)`` (CSV
      columns, ``t_s`` first), ``summary(result, console, display)`` (rich) and
      ``report_sections(result, display)`` (HTML sections).
    """

    name: str
    model: type  # pydantic model of the whole scenario file
    builder: str
    simulator: str
    presenters: str

    def build(self, model: Any, path: Path) -> Any:
        return _resolve(self.builder)(model, path)

    def simulate(self, plan: Any) -> Any:
        return _resolve(self.simulator)(plan)

    def to_json(self, result: Any) -> dict[str, Any]:
        return self._presenter("to_json")(result)

    def trajectory(self, result: Any) -> dict[str, Any]:
        return self._presenter("trajectory")(result)

    def summary(self, result: Any, console: Any, display: Any) -> None:
        self._presenter("summary")(result, console, display)

    def report_sections(self, result: Any, display: Any) -> list[Any]:
        return self._presenter("report_sections")(result, display)

    def title(self, result: Any) -> str:
        return getattr(result, "name", "") or self.name

    def _presenter(self, name: str) -> Any:
        return getattr(importlib.import_module(self.presenters), name)


def _resolve(dotted: str) -> Any:
    module, _, attr = dotted.partition(":")
    return getattr(importlib.import_module(module), attr)


def get_kind(name: str) -> StuntKind:
    module = importlib.import_module(_REGISTRY[name])
    return module.KIND
