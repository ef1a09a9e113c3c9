"""The ``heli`` stunt kind: wires the scenario, the path checks and the presenters together."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stuntsim.heli.scenario import HeliScenario
from stuntsim.kinds import StuntKind


class HeliKind(StuntKind):
    name = "heli"
    model = HeliScenario

    def build(self, model: Any, path: Path) -> Any:
        from stuntsim.heli.plan import build_plan

        return build_plan(model, path)

    def simulate(self, plan: Any) -> Any:
        from stuntsim.heli.plan import simulate

        return simulate(plan)

    def to_json(self, result: Any) -> dict[str, Any]:
        from stuntsim.report.heli import to_json

        return to_json(result)

    def trajectory(self, result: Any) -> dict[str, Any]:
        from stuntsim.report.heli import trajectory

        return trajectory(result)

    def summary(self, result: Any, console: Any, display: Any) -> None:
        from stuntsim.report.heli import summary

        summary(result, console, display)

    def report_sections(self, result: Any, display: Any) -> list[Any]:
        from stuntsim.report.heli import report_sections

        return report_sections(result, display)


KIND = HeliKind()
