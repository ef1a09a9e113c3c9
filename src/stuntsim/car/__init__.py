"""The ``car`` stunt kind: a car thrown into a turn at the top of a flight of stairs.

Physics modules (no I/O, no plotting):

- :mod:`~stuntsim.car.tyre`: Pacejka Magic Formula with combined slip;
- :mod:`~stuntsim.car.vehicle`: vehicle parameters and presets (with sources);
- :mod:`~stuntsim.car.drivetrain`: engine, clutch, gearbox, limited-slip differential;
- :mod:`~stuntsim.car.stairs`: the terrain (flat ground or flights of steps with walls);
- :mod:`~stuntsim.car.driver`: the driver's keyframe timeline and state triggers;
- :mod:`~stuntsim.car.dynamics`: the batched two-track model with vertical dynamics and its
  fixed-step integrator;
- :mod:`~stuntsim.car.result`: events and checks of one run;
- :mod:`~stuntsim.car.planner`: the timing / entry-speed search, shift window, clutch mismatch.

Scenario, kind wiring and the ``car-plan`` command: :mod:`~stuntsim.car.scenario`,
:mod:`~stuntsim.car.kind`, :mod:`~stuntsim.car.cli`. Model notes: docs/car.md.
"""
