"""The ``kind = "car"`` scenario file: the pydantic schema only.

docs/car.md ("Scenario keys") documents every key. Ranges the schema can check are checked
here; cross-field rules (CG inside the wheelbase, steering within the lock, keyframes in time
order, a start that fits on the platform) are checked by :func:`stuntsim.car.plan.build_plan`
and reported as ScenarioError with the dotted field.
"""

from __future__ import annotations

import itertools
from typing import Literal

import numpy as np
from pydantic import Field, field_validator

from stuntsim.scenario.fields import (
    Angle,
    Area,
    Damping,
    Force,
    Fraction,
    Frequency,
    Inertia,
    Length,
    Mass,
    Speed,
    Stiffness,
    StrictModel,
    Time,
    Torque,
)

GearValue = int | Literal["R", "N"]


class VehicleSection(StrictModel):
    """A preset and any of its figures overridden (SI after parsing)."""

    preset: Literal["BMW_E28_M5", "BMW_320i_E21"] = "BMW_E28_M5"
    mass: Mass | None = Field(None, ge=50.0, le=10_000.0)  # estimate: below any road car
    wheelbase: Length | None = Field(None, gt=0.0, le=6.0)
    cg_to_front: Length | None = Field(None, gt=0.0, le=6.0)
    cg_height: Length | None = Field(None, gt=0.0, le=3.0)
    track_front: Length | None = Field(None, gt=0.0, le=3.0)
    track_rear: Length | None = Field(None, gt=0.0, le=3.0)
    yaw_inertia: Inertia | None = Field(None, gt=0.0)
    pitch_inertia: Inertia | None = Field(None, gt=0.0)
    roll_inertia: Inertia | None = Field(None, gt=0.0)
    unsprung_front: Mass | None = Field(None, ge=1.0, le=500.0)
    unsprung_rear: Mass | None = Field(None, ge=1.0, le=500.0)
    spring_front: Stiffness | None = Field(None, gt=0.0)
    spring_rear: Stiffness | None = Field(None, gt=0.0)
    damper_front: Damping | None = Field(None, ge=0.0)
    damper_rear: Damping | None = Field(None, ge=0.0)
    anti_roll_front: Torque | None = Field(None, ge=0.0, description="N m/rad")
    anti_roll_rear: Torque | None = Field(None, ge=0.0, description="N m/rad")
    bump_travel: Length | None = Field(None, gt=0.0, le=0.5)
    rebound_travel: Length | None = Field(None, gt=0.0, le=0.5)
    bump_stop_rate: Stiffness | None = Field(None, gt=0.0)
    tyre_stiffness: Stiffness | None = Field(None, gt=0.0)
    tyre_damping: Damping | None = Field(None, ge=0.0)
    tyre_bottoming: Length | None = Field(None, gt=0.0, le=0.3)
    wheel_radius: Length | None = Field(None, gt=0.05, le=1.5)
    wheel_inertia: Inertia | None = Field(None, gt=0.0)
    length: Length | None = Field(None, gt=0.0, le=20.0)
    width: Length | None = Field(None, gt=0.0, le=4.0)
    front_overhang: Length | None = Field(None, ge=0.0, le=5.0)
    max_steer: Angle | None = Field(None, gt=0.0, le=np.radians(60.0))
    ackermann: float | None = Field(None, ge=0.0, le=1.5)
    brake_front: Torque | None = Field(None, ge=0.0)
    brake_rear: Torque | None = Field(None, ge=0.0)
    handbrake: Torque | None = Field(None, ge=0.0)
    drag_area: Area | None = Field(None, ge=0.0, le=20.0)
    rolling_resistance: float | None = Field(None, ge=0.0, le=0.2)
    mu_scale: float | None = Field(None, gt=0.0, le=3.0)
    cornering_scale_front: float | None = Field(None, gt=0.0, le=5.0)
    cornering_scale_rear: float | None = Field(None, gt=0.0, le=5.0)
    engine_inertia: Inertia | None = Field(None, gt=0.0)
    idle_speed: Frequency | None = Field(None, gt=0.0)
    cut_speed: Frequency | None = Field(None, gt=0.0)
    torque_curve: list[tuple[Frequency, Torque]] | None = None
    clutch_capacity: Torque | None = Field(None, gt=0.0)
    gear_ratios: list[float] | None = None
    reverse_ratio: float | None = Field(None, gt=0.0, le=20.0)
    final_drive: float | None = Field(None, gt=0.0, le=20.0)
    lsd_locking: Fraction | None = Field(None, ge=0.0, lt=1.0)
    lsd_preload: Torque | None = Field(None, ge=0.0)

    @field_validator("torque_curve")
    @classmethod
    def _curve(cls, v):
        if v is None:
            return v
        if len(v) < 2:
            raise ValueError("give at least two [speed, torque] pairs")
        speeds = [s for s, _ in v]
        if any(b <= a for a, b in itertools.pairwise(speeds)):
            raise ValueError("engine speeds must increase along the torque curve")
        if any(tq < 0 for _, tq in v) or speeds[0] < 0:
            raise ValueError("speeds and torques must not be negative")
        return v

    @field_validator("gear_ratios")
    @classmethod
    def _ratios(cls, v):
        if v is None:
            return v
        if len(v) != 5:
            raise ValueError("give five forward ratios (first to fifth)")
        if any(r <= 0 for r in v) or any(b >= a for a, b in itertools.pairwise(v)):
            raise ValueError("forward ratios must be positive and decrease from first to fifth")
        return v


class StairsSection(StrictModel):
    """The steps: riser, tread and steps, or a surveyed ``profile`` (CSV of distance from the
    top nosing and height, metres; car/ground.py)."""

    platform_length: Length = Field(gt=0.0, le=1000.0, description="flat top before the steps")
    riser: Length | None = Field(None, gt=0.0, le=1.0)
    tread: Length | None = Field(None, gt=0.0, le=5.0)
    steps: int | None = Field(None, ge=1, le=2000, description="risers per flight")
    profile: str | None = Field(None, min_length=1, max_length=4096)
    width: Length = Field(gt=0.0, le=200.0)
    flights: int = Field(1, ge=1, le=100)
    landing: Length = Field(3.0, gt=0.0, le=1000.0, description="length of each landing")
    centre_east: Length = 0.0
    sides: Literal["walls", "edges"] = "walls"


class RampSection(StrictModel):
    """A straight ramp along north (a kicker on the platform, a landing ramp over the steps):
    from ``position`` over ``length``, rising ``height`` (negative: falling) from ``base``
    (default: the ground at its start). The ground is the higher of the ramp and the steps."""

    position: Length = Field(ge=-1000.0, le=5000.0)
    length: Length = Field(gt=0.0, le=100.0)
    height: Length = Field(ge=-50.0, le=5.0)
    base: Length | None = Field(None, ge=-100.0, le=10.0)


class SurfaceSection(StrictModel):
    """Tyre friction on the ground (car/surface.py): a named surface, or ``mu``, the
    locked-wheel drag factor measured on site with a drag sled (wins over ``type``)."""

    type: Literal[
        "tyre_data",
        "asphalt_dry",
        "asphalt_wet",
        "concrete_dry",
        "concrete_wet",
        "stone_dry",
        "stone_wet",
    ] = "tyre_data"
    mu: float | None = Field(None, gt=0.05, le=1.5)


class StartSection(StrictModel):
    speed: Speed = Field(ge=-80.0, le=80.0, description="along the nose; negative = reversing")
    heading: Angle = 0.0
    gear: GearValue = 1
    east: Length = 0.0
    north: Length = 0.0
    engine: Literal["running", "off"] = "running"

    @field_validator("gear")
    @classmethod
    def _g(cls, v):
        if isinstance(v, int) and not -1 <= v <= 5:
            raise ValueError("gear must be R, N, -1 (reverse), 0 (neutral) or 1 to 5")
        return v


class KeyframeSection(StrictModel):
    t: Time = Field(ge=0.0, le=600.0)
    after: str | None = Field(None, description="trigger, e.g. 'abs_yaw >= 170 deg'")
    tag: str | None = Field(None, min_length=1, max_length=40)
    steer: Angle | None = None
    handbrake: float | None = Field(None, ge=0.0, le=1.0)
    throttle: float | None = Field(None, ge=0.0, le=1.0)
    brake: float | None = Field(None, ge=0.0, le=1.0)
    clutch: float | None = Field(None, ge=0.0, le=1.0)
    gear: GearValue | None = None

    @field_validator("gear")
    @classmethod
    def _g(cls, v):
        if isinstance(v, int) and not -1 <= v <= 5:
            raise ValueError("gear must be R, N, -1 (reverse), 0 (neutral) or 1 to 5")
        return v

    @field_validator("after")
    @classmethod
    def _after(cls, v):
        if v is None:
            return v
        from stuntsim.car.driver import parse_trigger

        parse_trigger(v)  # raises ValueError with a readable message
        return v


class SimSection(StrictModel):
    duration: Time = Field(6.0, gt=0.0, le=60.0)
    step: Time = Field(1e-3, ge=1e-4, le=5e-3)


class TargetsSection(StrictModel):
    heading: Angle | None = None
    heading_tolerance: Angle = Field(np.radians(10.0), gt=0.0, le=np.pi)
    turn: Angle | None = Field(None, gt=0.0, le=4.0 * np.pi)
    shift_time: Time = Field(0.3, gt=0.0, le=5.0)
    wall_margin: Length = Field(0.3, ge=0.0, le=10.0)
    landing_g: float = Field(3.0, gt=0.0, le=100.0, description="bump factor per wheel/axle")
    load_transfer_ratio: float = Field(0.95, gt=0.0, le=1.0)
    max_pitch: Angle = Field(np.radians(30.0), gt=0.0, le=np.radians(80.0))


class TimingSection(StrictModel):
    tag: str = Field(min_length=1)
    range: tuple[Time, Time]
    steps: int = Field(7, ge=1, le=101)


class SearchSection(StrictModel):
    speed: tuple[Speed, Speed] | None = None
    speed_steps: int = Field(5, ge=1, le=101)
    timing: list[TimingSection] = Field(default_factory=list, max_length=3)
    step: Time | None = Field(None, ge=1e-4, le=5e-3, description="default: sim.step")


class ShiftSection(StrictModel):
    """The shift in the air (car/shift.py, docs/car.md "Planner"): cue, "in the air", duration."""

    cue_before_end: Angle = Field(np.radians(10.0), gt=0.0, le=np.pi)
    unloaded: Literal["driven", "all"] = "driven"
    duration: Time | None = Field(None, gt=0.0, le=5.0, description="overrides the model")
    to_gear: int = Field(1, ge=1, le=5)
    clutch_down: Time = Field(0.10, ge=0.0, le=2.0)
    lever_out: Time = Field(0.10, ge=0.0, le=2.0)
    lever_across: Time = Field(0.10, ge=0.0, le=2.0)
    clutch_up: Time = Field(0.15, ge=0.0, le=2.0)
    min_window: Time = Field(0.10, ge=0.0, le=2.0)
    input_inertia: Inertia | None = Field(None, gt=0.0, le=1.0)
    cone_friction: float | None = Field(None, gt=0.0, le=0.5)
    cone_radius: Length | None = Field(None, gt=0.0, le=0.2)
    cone_angle: Angle | None = Field(None, gt=0.0, le=np.radians(45.0))
    knob_force: Force | None = Field(None, gt=0.0, le=2000.0)
    lever_ratio: float | None = Field(None, gt=0.0, le=50.0)


class FreeSection(StrictModel):
    """Plan parameters ``car-plan`` may change, each ``[low, high]`` (car/planner.py)."""

    entry_speed: tuple[Speed, Speed] | None = None
    start_distance: tuple[Length, Length] | None = None
    turn_in: tuple[Length, Length] | None = None
    steer: tuple[Angle, Angle] | None = None
    countersteer: tuple[Angle, Angle] | None = None
    clutch_up: tuple[Time, Time] | None = None
    ramp_height: tuple[Length, Length] | None = None


class PlannerSection(StrictModel):
    """The optimising planner of ``car-plan`` (car/planner.py, docs/car.md "Planner")."""

    free: FreeSection = Field(default_factory=FreeSection)
    jitter_samples: int = Field(4, ge=0, le=64)
    timing_jitter: Time = Field(0.05, ge=0.0, le=1.0)
    speed_jitter: Speed = Field(0.5, ge=0.0, le=10.0)
    population: int = Field(6, ge=2, le=50)
    generations: int = Field(8, ge=1, le=200)
    seed: int = Field(1, ge=0, le=2**32 - 1)
    step: Time | None = Field(None, ge=1e-4, le=5e-3, description="default: sim.step")
    band_steps: int = Field(5, ge=1, le=12)
    robustness_samples: int = Field(32, ge=0, le=1000)


class UncertaintySection(StrictModel):
    """The car's ``[uncertainty]``: 1-sigma errors of the driver and the car (normal draws).

    Timing: each keyframe after t = 0 moves by its own N(0, timing) (``timing_by_tag`` sets
    sigma for the keyframes of a tag); a channel's keyframes keep their order. Each trigger's
    keyframes wait a reaction delay |N(0, trigger)| after the condition first holds (a cue is
    answered late, never early). The scale factors (surface friction, tyre grip, cornering
    stiffness) are 1 + N(0, sigma), at least 0.1.
    """

    timing: Time = Field(0.0, ge=0.0, le=2.0)
    timing_by_tag: dict[str, Time] = Field(default_factory=dict, max_length=50)
    trigger: Time = Field(0.0, ge=0.0, le=2.0)
    speed: Speed = Field(0.0, ge=0.0, le=20.0)
    surface_friction: Fraction = Field(0.0, ge=0.0, le=0.5)
    tyre_grip: Fraction = Field(0.0, ge=0.0, le=0.5)
    cornering_stiffness: Fraction = Field(0.0, ge=0.0, le=0.5)
    mass: Mass = Field(0.0, ge=0.0, le=1000.0)
    cg_height: Length = Field(0.0, ge=0.0, le=0.3)

    @field_validator("timing_by_tag")
    @classmethod
    def _tags(cls, v):
        for k, sigma in v.items():
            if not 0.0 <= sigma <= 2.0:
                raise ValueError(f"timing_by_tag.{k}: give 0 to 2 s")
        return v


class CarScenario(StrictModel):
    kind: Literal["car"]
    name: str = "car stunt"
    description: str = ""
    vehicle: VehicleSection = Field(default_factory=VehicleSection)
    stairs: StairsSection | None = None
    start: StartSection
    driver: list[KeyframeSection] = Field(default_factory=list, max_length=200)
    sim: SimSection = Field(default_factory=SimSection)
    targets: TargetsSection = Field(default_factory=TargetsSection)
    search: SearchSection | None = None
    uncertainty: UncertaintySection | None = None
    ramp: list[RampSection] = Field(default_factory=list, max_length=20)
    surface: SurfaceSection = Field(default_factory=SurfaceSection)
    shift: ShiftSection = Field(default_factory=ShiftSection)
    planner: PlannerSection | None = None
