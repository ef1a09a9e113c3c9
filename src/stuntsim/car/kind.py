"""The ``car`` stunt kind: scenario model, builder, simulator and presenters."""

from stuntsim.car.scenario import CarScenario
from stuntsim.kinds import StuntKind


class CarKind(StuntKind):
    name = "car"
    model = CarScenario
    builder = "stuntsim.car.scenario:build_plan"
    simulator = "stuntsim.car.result:simulate"
    presenters = "stuntsim.report.car"


KIND = CarKind()
