"""A fixed car scenario for the car tests: the film's stairs stunt as first written (J-turn at
46 km/h reversing, 30 steps of 16/32 cm, shift on a trigger). The example in examples/ is the
planner's answer and changes with it; these tests need a run whose events are known: it leaves
the platform nose first, flies, lands hard and strikes the steps with the body."""

from __future__ import annotations

from pathlib import Path

STAIRS_TOML = """\
kind = "car"
name = "stairs reference run (tests)"
description = "E28 M5 reversing at 46 km/h, J-turn at the top of 30 steps, first gear in the air."
[vehicle]
preset = "BMW_E28_M5"
handbrake = "2000 N m"
[stairs]
platform_length = "30 m"
riser = "0.16 m"
tread = "0.32 m"
steps = 30
width = "10 m"
sides = "walls"
[start]
speed = "-46 km/h"
heading = "180 deg"
gear = "R"
north = "2 m"
[[driver]]
t = "0 s"
steer = "0 deg"
throttle = 0.4
clutch = 0.0
gear = "R"
[[driver]]
t = "0.5 s"
tag = "turn-in"
throttle = 0.4
clutch = 0.0
steer = "0 deg"
[[driver]]
t = "0.6 s"
tag = "turn-in"
throttle = 0.0
clutch = 1.0
[[driver]]
t = "0.85 s"
tag = "turn-in"
steer = "30 deg"
[[driver]]
after = "abs_yaw >= 70 deg"
t = "0 s"
steer = "30 deg"
[[driver]]
after = "abs_yaw >= 70 deg"
t = "0.25 s"
steer = "-15 deg"
[[driver]]
after = "abs_yaw >= 70 deg"
t = "0.45 s"
steer = "0 deg"
[[driver]]
after = "abs_yaw >= 170 deg and wheels_off >= 4"
t = "0 s"
gear = "N"
[[driver]]
after = "abs_yaw >= 170 deg and wheels_off >= 4"
t = "0.3 s"
gear = 1
[[driver]]
after = "abs_yaw >= 170 deg and wheels_off >= 4"
t = "0.9 s"
clutch = 1.0
throttle = 0.2
[[driver]]
after = "abs_yaw >= 170 deg and wheels_off >= 4"
t = "1.1 s"
clutch = 0.0
[sim]
duration = "6 s"
step = "2 ms"
[targets]
heading_tolerance = "10 deg"
shift_time = "0.3 s"
wall_margin = "0.5 m"
"""


def stairs_plan(tmp: Path):  # type: ignore[no-untyped-def]
    """The reference scenario, written to ``tmp`` and built into a CarPlan."""
    from stuntsim.scenario import load

    path = tmp / "stairs.toml"
    path.write_text(STAIRS_TOML)
    return load(path).plan
