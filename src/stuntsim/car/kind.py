"""The ``car`` stunt kind: scenario model, builder, simulator, presenters and Monte Carlo."""

from __future__ import annotations

from stuntsim.car.montecarlo import MONTECARLO
from stuntsim.car.plan import CarPlan, build_plan
from stuntsim.car.result import CarResult
from stuntsim.car.scenario import CarScenario
from stuntsim.car.simulate import simulate
from stuntsim.kinds import StuntKind
from stuntsim.report import car as presenter

KIND: StuntKind[CarScenario, CarPlan, CarResult] = StuntKind(
    name="car",
    model=CarScenario,
    build=build_plan,
    simulate=simulate,
    presenter=presenter,
    montecarlo=MONTECARLO,
)
