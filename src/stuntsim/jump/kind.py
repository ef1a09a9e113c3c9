"""The ``jump`` stunt kind: scenario model, builder, simulator, presenters and Monte Carlo."""

from __future__ import annotations

from stuntsim.jump.montecarlo import MONTECARLO
from stuntsim.jump.plan import JumpPlan, build_plan
from stuntsim.jump.result import JumpResult
from stuntsim.jump.scenario import JumpScenario
from stuntsim.jump.simulate import simulate
from stuntsim.kinds import StuntKind
from stuntsim.report import jump as presenter

KIND: StuntKind[JumpScenario, JumpPlan, JumpResult] = StuntKind(
    name="jump",
    model=JumpScenario,
    build=build_plan,
    simulate=simulate,
    presenter=presenter,
    montecarlo=MONTECARLO,
)
