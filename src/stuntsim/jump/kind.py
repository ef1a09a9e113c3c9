"""The ``jump`` stunt kind: wires the scenario, the simulator and the presenters together."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stuntsim.jump.scenario import JumpScenario
from stuntsim.kinds import StuntKind


class JumpKind(StuntKind):
    name = "jump"
    model = JumpScenario

    def build(self, model: Any, path: Path) -> Any:
        from stuntsim.jump.plan import build_plan

        return build_plan(model, path)

    def simulate(self, plan: Any) -> Any:
        from stuntsim.jump.result import simulate

        return simulate(plan)

    def to_json(self, result: Any) -> dict[str, Any]:
        from stuntsim.report.jump import to_json

        return to_json(result)

    def trajectory(self, result: Any) -> dict[str, Any]:
        from stuntsim.report.jump import trajectory

        return trajectory(result)

    def summary(self, result: Any, console: Any, display: Any) -> None:
        from stuntsim.report.jump import summary

        summary(result, console, display)

    def report_sections(self, result: Any, display: Any) -> list[Any]:
        from stuntsim.report.jump import report_sections

        return report_sections(result, display)


KIND = JumpKind()
