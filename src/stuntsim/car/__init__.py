"""The ``car`` stunt kind: a car thrown into a turn at the top of a flight of stairs.

The kind's shape (the same modules as every kind):

- :mod:`~stuntsim.car.scenario`: the pydantic schema of a ``kind = "car"`` file;
- :mod:`~stuntsim.car.plan`: :class:`~stuntsim.car.plan.CarPlan` and ``build_plan``;
- :mod:`~stuntsim.car.samples`: :class:`~stuntsim.car.samples.CarSamples`, the batch;
- :mod:`~stuntsim.car.simulate`: ``simulate_batch(plan, samples)`` and ``simulate(plan)``;
- :mod:`~stuntsim.car.result`: the typed result of one run;
- :mod:`~stuntsim.car.checks`: one CheckBatch function per check;
- :mod:`~stuntsim.car.montecarlo`: ``[uncertainty]`` and the kind's Monte Carlo statistics;
- :mod:`~stuntsim.car.kind`: ``KIND``.

Physics modules (no I/O, no plotting): :mod:`~stuntsim.car.tyre` (Magic Formula, combined
slip), :mod:`~stuntsim.car.vehicle` (parameters and presets with sources),
:mod:`~stuntsim.car.drivetrain`, :mod:`~stuntsim.car.stairs` and :mod:`~stuntsim.car.ground`
(steps, ramps, surveyed profiles), :mod:`~stuntsim.car.surface` (tyre friction on the ground),
:mod:`~stuntsim.car.driver` (keyframes and triggers), :mod:`~stuntsim.car.dynamics` (the
reference model and integrator, numpy) and :mod:`~stuntsim.car.kernel` (the same, compiled),
:mod:`~stuntsim.car.events` (figures read off the histories), :mod:`~stuntsim.car.shift` (the
shift in the air). The planner: :mod:`~stuntsim.car.planner`. Model notes: docs/car.md.
"""
