"""The ``heli`` stunt kind: scenario model, path checks and presenters."""

from stuntsim.heli.scenario import HeliScenario
from stuntsim.kinds import StuntKind


class HeliKind(StuntKind):
    name = "heli"
    model = HeliScenario
    builder = "stuntsim.heli.plan:build_plan"
    simulator = "stuntsim.heli.plan:simulate"
    presenters = "stuntsim.report.heli"


KIND = HeliKind()
