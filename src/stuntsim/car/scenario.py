"""The ``kind = "car"`` scenario file: pydantic models and the build into a :class:`CarPlan`.

docs/car.md ("Scenario keys") documents every key. Ranges the schema can check are checked
here; cross-field rules (CG inside the wheelbase, steering within the lock, keyframes in time
order, a start that fits on the platform) are checked in :func:`build_plan` and reported as
ScenarioError with the dotted field.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field, field_validator

from stuntsim.errors import ScenarioError
from stuntsim.scenario.fields import (
    Angle,
    Area,
    Damping,
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


def _gear(v: GearValue | None) -> int | None:
    if v is None:
        return None
    if v == "R":
        return -1
    if v == "N":
        return 0
    return int(v)


class VehicleSection(StrictModel):
    """A preset and any of its figures overridden (SI after parsing)."""

    preset: Literal["BMW_E28_M5", "BMW_320i_E21"] = "BMW_E28_M5"
    mass: Mass | None = Field(None, gt=0.0, le=10_000.0)
    wheelbase: Length | None = Field(None, gt=0.0, le=6.0)
    cg_to_front: Length | None = Field(None, gt=0.0, le=6.0)
    cg_height: Length | None = Field(None, gt=0.0, le=3.0)
    track_front: Length | None = Field(None, gt=0.0, le=3.0)
    track_rear: Length | None = Field(None, gt=0.0, le=3.0)
    yaw_inertia: Inertia | None = Field(None, gt=0.0)
    pitch_inertia: Inertia | None = Field(None, gt=0.0)
    roll_inertia: Inertia | None = Field(None, gt=0.0)
    unsprung_front: Mass | None = Field(None, gt=0.0, le=500.0)
    unsprung_rear: Mass | None = Field(None, gt=0.0, le=500.0)
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
    platform_length: Length = Field(gt=0.0, le=1000.0, description="flat top before the steps")
    riser: Length = Field(gt=0.0, le=1.0)
    tread: Length = Field(gt=0.0, le=5.0)
    steps: int = Field(ge=1, le=2000, description="risers per flight")
    width: Length = Field(gt=0.0, le=200.0)
    flights: int = Field(1, ge=1, le=100)
    landing: Length = Field(3.0, gt=0.0, le=1000.0, description="length of each landing")
    centre_east: Length = 0.0
    sides: Literal["walls", "edges"] = "walls"


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
    landing_g: float = Field(3.0, gt=0.0, le=100.0)
    load_transfer_ratio: float = Field(0.95, gt=0.0, le=1.0)


class TimingSection(StrictModel):
    tag: str = Field(min_length=1)
    range: tuple[Time, Time]
    steps: int = Field(7, ge=1, le=101)


class SearchSection(StrictModel):
    speed: tuple[Speed, Speed] | None = None
    speed_steps: int = Field(5, ge=1, le=101)
    timing: list[TimingSection] = Field(default_factory=list, max_length=3)
    step: Time | None = Field(None, ge=1e-4, le=5e-3, description="default: sim.step")


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


# --- build -------------------------------------------------------------------------------------

_DIRECT = (
    "mass wheelbase cg_to_front cg_height track_front track_rear yaw_inertia pitch_inertia "
    "roll_inertia unsprung_front unsprung_rear spring_front spring_rear damper_front damper_rear "
    "anti_roll_front anti_roll_rear bump_travel rebound_travel bump_stop_rate tyre_stiffness "
    "tyre_damping tyre_bottoming wheel_radius wheel_inertia length width front_overhang max_steer "
    "brake_front brake_rear handbrake drag_area rolling_resistance ackermann"
).split()


def build_vehicle(sec: VehicleSection, path: Path):
    from stuntsim.car.drivetrain import Clutch, LimitedSlipDiff
    from stuntsim.car.vehicle import PRESETS

    base = PRESETS[sec.preset]
    over = {k: getattr(sec, k) for k in _DIRECT if getattr(sec, k) is not None}
    if "wheelbase" in over and "cg_to_front" not in over:
        # keep the weight split of the preset
        over["cg_to_front"] = base.cg_to_front / base.wheelbase * over["wheelbase"]
    if sec.mass is not None and sec.yaw_inertia is None:
        over["yaw_inertia"] = base.yaw_inertia * sec.mass / base.mass
    if sec.mu_scale is not None or sec.cornering_scale_front is not None:
        over["tyre"] = base.tyre.scaled(sec.mu_scale or 1.0, sec.cornering_scale_front or 1.0)
    if sec.mu_scale is not None or sec.cornering_scale_rear is not None:
        over["tyre_rear"] = base.tyre_rear.scaled(
            sec.mu_scale or 1.0, sec.cornering_scale_rear or 1.0
        )
    eng = base.engine
    if sec.engine_inertia is not None:
        eng = replace(eng, inertia=sec.engine_inertia)
    if sec.idle_speed is not None:
        eng = replace(eng, idle_speed=sec.idle_speed)
    if sec.cut_speed is not None:
        eng = replace(eng, cut_speed=sec.cut_speed)
    if sec.torque_curve is not None:
        eng = replace(
            eng,
            speed=tuple(s for s, _ in sec.torque_curve),
            torque=tuple(tq for _, tq in sec.torque_curve),
        )
    if eng != base.engine:
        over["engine"] = eng
    if sec.clutch_capacity is not None:
        over["clutch"] = Clutch(sec.clutch_capacity)
    gb = base.gearbox
    if sec.gear_ratios is not None:
        gb = replace(gb, ratios=tuple(sec.gear_ratios))
    if sec.reverse_ratio is not None:
        gb = replace(gb, reverse=sec.reverse_ratio)
    if sec.final_drive is not None:
        gb = replace(gb, final_drive=sec.final_drive)
    if gb != base.gearbox:
        over["gearbox"] = gb
    if sec.lsd_locking is not None or sec.lsd_preload is not None:
        over["diff"] = LimitedSlipDiff(
            sec.lsd_locking if sec.lsd_locking is not None else base.diff.locking,
            sec.lsd_preload if sec.lsd_preload is not None else base.diff.preload,
        )
    veh = base.with_overrides(**over)
    # cross-field rules
    if not 0.0 < veh.cg_to_front < veh.wheelbase:
        raise ScenarioError(
            path, "vehicle.cg_to_front", "the CG must lie between the axles (0 < a < wheelbase)"
        )
    if veh.sprung_mass <= 0.2 * veh.mass:
        raise ScenarioError(path, "vehicle.unsprung_front", "unsprung masses exceed the car's mass")
    if veh.length < veh.wheelbase + veh.front_overhang:
        raise ScenarioError(path, "vehicle.length", "shorter than wheelbase plus front overhang")
    if veh.cg_height <= veh.wheel_radius * 0.5:
        raise ScenarioError(path, "vehicle.cg_height", "CG below half the wheel radius")
    if veh.engine.idle_speed >= veh.engine.cut_speed:
        raise ScenarioError(path, "vehicle.idle_speed", "idle speed above the fuel-cut speed")
    return veh


def build_plan(model: CarScenario, path: Path):
    """Validated scenario -> CarPlan (SI objects); raises ScenarioError on cross-field errors."""
    from stuntsim.car.driver import Keyframe, Timeline, parse_trigger
    from stuntsim.car.planner import CarPlan, Start, Targets
    from stuntsim.car.stairs import FlatGround, Stairs

    veh = build_vehicle(model.vehicle, path)
    if model.stairs is None:
        ground = FlatGround()
    else:
        s = model.stairs
        ground = Stairs(
            platform_length=s.platform_length,
            riser=s.riser,
            tread=s.tread,
            steps=s.steps,
            width=s.width,
            flights=s.flights,
            landing=s.landing,
            centre_east=s.centre_east,
            sides=s.sides,
        )
        if s.width <= veh.width:
            raise ScenarioError(path, "stairs.width", "narrower than the car")
    st = model.start
    start_gear = _gear(st.gear)
    start = Start(
        east=st.east,
        north=st.north,
        heading=st.heading,
        speed=st.speed,
        gear=start_gear,
        engine_running=st.engine == "running",
    )
    if model.stairs is not None:
        # the whole car must start on the platform (or behind it)
        corners = veh.outline()
        psi = -st.heading
        north_max = st.north + np.max(corners[:, 0] * np.cos(psi) - corners[:, 1] * np.sin(psi))
        if north_max >= model.stairs.platform_length:
            raise ScenarioError(
                path, "start.north", "the car must start on the platform, before the first step"
            )
    ratio = veh.gearbox.table()[start_gear + 1]
    pedal0 = next(
        (k.clutch for k in model.driver if k.after is None and k.t == 0.0 and k.clutch is not None),
        0.0,
    )
    if ratio * st.speed < 0 and pedal0 < 0.5:
        raise ScenarioError(
            path,
            "start.gear",
            "the car rolls against the start gear with the clutch engaged (use R to reverse)",
        )

    # keyframes: groups by trigger text, time order inside each group
    triggers: list[str] = []
    keyframes = []
    last_t: dict[str, tuple[float, int]] = {}
    for i, k in enumerate(model.driver):
        group_key = k.after or ""
        if group_key and group_key not in triggers:
            triggers.append(group_key)
        prev = last_t.get(group_key)
        if prev is not None and k.t < prev[0]:
            what = f"after {group_key!r}" if group_key else "timed"
            raise ScenarioError(
                path,
                f"driver[{i}].t",
                f"keyframes out of order: {k.t:g} s comes after driver[{prev[1]}] at "
                f"{prev[0]:g} s ({what} keyframes must be in time order)",
            )
        last_t[group_key] = (k.t, i)
        if k.steer is not None and abs(k.steer) > veh.max_steer + 1e-9:
            raise ScenarioError(
                path,
                f"driver[{i}].steer",
                f"beyond full lock ({np.degrees(veh.max_steer):.0f} deg for this vehicle)",
            )
        vals = []
        for c in ("steer", "handbrake", "throttle", "brake", "clutch"):
            v = getattr(k, c)
            if v is not None:
                vals.append((c, float(v)))
        g = _gear(k.gear)
        if g is not None:
            vals.append(("gear", float(g)))
        group = 0 if not k.after else triggers.index(group_key) + 1
        keyframes.append(Keyframe(k.t, tuple(vals), group, k.tag))
    timeline = Timeline(tuple(keyframes), tuple(parse_trigger(t) for t in triggers), start_gear)

    tg = model.targets
    if tg.heading is not None:
        target_heading = tg.heading
    elif model.stairs is not None:
        target_heading = 0.0  # straight down the steps (+north)
    else:
        target_heading = (st.heading + np.pi) % (2.0 * np.pi)
    targets = Targets(
        heading=target_heading,
        heading_tolerance=tg.heading_tolerance,
        turn=tg.turn,
        shift_time=tg.shift_time,
        wall_margin=tg.wall_margin,
        landing_g=tg.landing_g,
        load_transfer_ratio=tg.load_transfer_ratio,
    )
    search = _build_search(model, timeline, path)
    return CarPlan(
        name=model.name,
        description=model.description,
        vehicle=veh,
        ground=ground,
        timeline=timeline,
        start=start,
        duration=model.sim.duration,
        dt=model.sim.step,
        targets=targets,
        search=search,
        path=path,
        record_every=max(1, round(2e-3 / model.sim.step)),
    )


def _build_search(model: CarScenario, timeline, path: Path):
    from stuntsim.car.planner import SearchSpec, TimingDim

    sec = model.search or SearchSection()
    sign = -1.0 if model.start.speed < 0 else 1.0
    if sec.speed is not None:
        lo, hi = sorted(abs(v) for v in sec.speed)
    else:
        lo, hi = 0.85 * abs(model.start.speed), 1.15 * abs(model.start.speed)
    speeds = tuple(sign * v for v in _grid_values(lo, hi, sec.speed_steps))
    tags = timeline.tags()
    dims = []
    if sec.timing:
        for i, tm in enumerate(sec.timing):
            if tm.tag != "*" and tm.tag not in tags:
                raise ScenarioError(
                    path,
                    f"search.timing[{i}].tag",
                    f"no keyframe has tag {tm.tag!r}"
                    + (f" (tags: {', '.join(tags)})" if tags else ""),
                )
            a, b = tm.range
            if b < a:
                raise ScenarioError(path, f"search.timing[{i}].range", "give [earliest, latest]")
            dims.append(TimingDim(tm.tag, _grid_values(a, b, tm.steps)))
    else:
        for tag in tags[:2] or ["*"]:
            dims.append(TimingDim(tag, _grid_values(-0.3, 0.3, 7)))
    n = len(speeds) * int(np.prod([len(d.offsets) for d in dims])) if dims else len(speeds)
    if n > 2000:
        raise ScenarioError(path, "search", f"the grid has {n} plans; keep it under 2000")
    return SearchSpec(speeds=speeds, timing=tuple(dims), dt=sec.step or model.sim.step)


def _grid_values(a: float, b: float, n: int) -> tuple[float, ...]:
    """n evenly spaced values from a to b, rounded to 1e-9 (no 0.04999999... offsets)."""
    return tuple(round(float(v), 9) for v in np.linspace(a, b, n))
