"""The ``jump`` stunt kind: scenario model, simulator and presenters."""

from stuntsim.jump.scenario import JumpScenario
from stuntsim.kinds import StuntKind


class JumpKind(StuntKind):
    name = "jump"
    model = JumpScenario
    builder = "stuntsim.jump.plan:build_plan"
    simulator = "stuntsim.jump.result:simulate"
    presenters = "stuntsim.report.jump"


KIND = JumpKind()
