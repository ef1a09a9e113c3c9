"""The ``heli`` stunt kind: schema, builder, simulator, presenters and Monte Carlo."""

from __future__ import annotations

from typing import Any

from stuntsim.heli.montecarlo import MONTECARLO
from stuntsim.heli.plan import HeliPlan, build_plan
from stuntsim.heli.result import HeliResult
from stuntsim.heli.scenario import HeliScenario
from stuntsim.heli.simulate import simulate
from stuntsim.kinds import StuntKind
from stuntsim.report import heli as presenter

KIND: StuntKind[HeliScenario, HeliPlan, HeliResult] = StuntKind(
    name="heli",
    model=HeliScenario,
    build=build_plan,
    simulate=simulate,
    presenter=presenter,
    montecarlo=MONTECARLO,
)

__all__ = ["KIND", "Any"]
