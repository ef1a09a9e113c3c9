"""The car plan: everything one run needs, fully resolved, in SI; and its builder.

:func:`build_plan` turns the validated scenario (:mod:`stuntsim.car.scenario`) into a
:class:`CarPlan` and checks the cross-field rules the schema cannot (CG inside the wheelbase,
steering within the lock, keyframes in time order, a start that fits on the platform), raising
:class:`~stuntsim.errors.ScenarioError` with the dotted field.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from stuntsim.car.driver import Timeline
from stuntsim.car.shift import ShiftSpec, build_shift_spec
from stuntsim.car.vehicle import Vehicle
from stuntsim.errors import ScenarioError

if TYPE_CHECKING:
    from stuntsim.car.scenario import CarScenario, VehicleSection

RECORD_S = 0.01  # s: time histories are kept every 10 ms (peaks are tracked at every step)
Ground = Any  # stairs.Stairs | stairs.FlatGround (anything with envelope/height/wall_clearance)


@dataclass(frozen=True)
class Start:
    east: float
    north: float
    heading: float  # rad, compass (clockwise from north); internal yaw psi = -heading
    speed: float  # m/s along the nose, negative when rolling backwards
    gear: int
    engine_running: bool = True


@dataclass(frozen=True)
class Targets:
    heading: float  # rad, compass: where the car must point at the end
    heading_tolerance: float  # rad
    turn: float | None  # rad, size of the turn (None: from start and target headings)
    shift_time: float  # s, time the driver needs for clutch down, gear, clutch up
    wall_margin: float  # m
    landing_g: float  # bump factor: peak wheel / axle load over its static load (limit)
    load_transfer_ratio: float  # LTR limit
    max_pitch: float = float(np.radians(30.0))  # rad, pitch relative to the ground slope


@dataclass(frozen=True)
class TimingDim:
    tag: str
    offsets: tuple[float, ...]  # s


@dataclass(frozen=True)
class SearchSpec:
    speeds: tuple[float, ...]  # m/s, signed like start.speed
    timing: tuple[TimingDim, ...]
    dt: float = 2e-3


@dataclass(frozen=True)
class CarPlan:
    """A car stunt, resolved: vehicle, ground, driver timeline, start, targets (SI)."""

    name: str
    description: str
    vehicle: Vehicle
    ground: Ground
    timeline: Timeline
    start: Start
    duration: float  # s
    dt: float  # s, integration step
    targets: Targets
    search: SearchSpec | None = None
    path: Path | None = None
    record_every: int = 2
    surface: str = "tyre_data"  # the [surface] choice (car.surface.SURFACES)
    surface_mu_scale: float = 1.0  # Pacejka lambda_mu of the surface (car.surface)
    shift: ShiftSpec = field(default_factory=ShiftSpec)  # the shift in the air (car.shift)

    def with_speed(self, speed: float) -> CarPlan:
        return replace(self, start=replace(self.start, speed=speed))

    @property
    def stop_north(self) -> float | None:
        """The run ends once the CG is this far north (15 m past the foot of the steps)."""
        bottom = getattr(self.ground, "bottom_north", None)
        return None if bottom is None else float(bottom) + 15.0


def _gear(v: int | str | None) -> int | None:
    if v is None:
        return None
    if v == "R":
        return -1
    if v == "N":
        return 0
    return int(v)


_DIRECT = (
    "mass wheelbase cg_to_front cg_height track_front track_rear yaw_inertia pitch_inertia "
    "roll_inertia unsprung_front unsprung_rear spring_front spring_rear damper_front damper_rear "
    "anti_roll_front anti_roll_rear bump_travel rebound_travel bump_stop_rate tyre_stiffness "
    "tyre_damping tyre_bottoming wheel_radius wheel_inertia length width front_overhang max_steer "
    "brake_front brake_rear handbrake drag_area rolling_resistance ackermann"
).split()


def build_vehicle(sec: VehicleSection, path: Path) -> Vehicle:
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


def build_plan(model: CarScenario, path: Path) -> CarPlan:
    """Validated scenario -> CarPlan (SI objects); raises ScenarioError on cross-field errors."""
    from stuntsim.car.driver import Keyframe, Timeline, parse_trigger

    veh = build_vehicle(model.vehicle, path)
    ground = build_ground(model, path, veh)
    surface, lam = _surface(model, veh)
    if lam != 1.0:
        veh = replace(veh, tyre=veh.tyre.scaled(lam), tyre_rear=veh.tyre_rear.scaled(lam))
    st = model.start
    start_gear = _gear(st.gear)
    assert start_gear is not None  # the schema requires a start gear
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
        max_pitch=tg.max_pitch,
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
        record_every=max(1, round(RECORD_S / model.sim.step)),
        shift=build_shift_spec(model.shift, model.targets),
        surface=surface,
        surface_mu_scale=lam,
    )


def _surface(model: CarScenario, veh: Vehicle) -> tuple[str, float]:
    """The surface's name and its lambda_mu on the car's (front) tyre (car/surface.py)."""
    from stuntsim.car.surface import mu_scale

    sec = model.surface
    name = "measured" if sec.mu is not None else sec.type
    return name, mu_scale(sec.type, sec.mu, veh.tyre)


def build_ground(model: CarScenario, path: Path, veh: Vehicle) -> Ground:
    """Flat ground, the stairs, or a surveyed profile; with any ramps laid on them."""
    from stuntsim.car.ground import (
        ProfileGround,
        Ramp,
        profile_segments,
        read_profile,
        with_ramp,
    )
    from stuntsim.car.stairs import FlatGround, Stairs

    s = model.stairs
    if s is None:
        if model.ramp:
            raise ScenarioError(path, "ramp", "ramps need a [stairs] section (the ground)")
        return FlatGround()
    if s.width <= veh.width:
        raise ScenarioError(path, "stairs.width", "narrower than the car")
    if s.profile is not None:
        if any(v is not None for v in (s.riser, s.tread, s.steps)):
            raise ScenarioError(
                path, "stairs.profile", "give either a profile or riser, tread and steps"
            )
        csv = Path(s.profile)
        if not csv.is_absolute():
            csv = path.parent / csv
        dist, height = read_profile(csv)
        seg = profile_segments(s.platform_length, dist, height)
        stairs = None
        drop = height[0] - height.min()
        what = f"surveyed profile {csv.name} ({len(dist)} points, drop {drop:.1f} m)"
        bottom = s.platform_length + float(dist[-1] - dist[0])
    else:
        for key in ("riser", "tread", "steps"):
            if getattr(s, key) is None:
                raise ScenarioError(path, f"stairs.{key}", "required (or give stairs.profile)")
        assert s.riser is not None and s.tread is not None and s.steps is not None
        stairs = Stairs(
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
        if not model.ramp:
            return stairs
        seg, _ = stairs.segments()
        what = stairs.describe()
        bottom = stairs.bottom_north
    for r in model.ramp:
        seg = with_ramp(seg, Ramp(r.position, r.length, r.height, r.base))
        what += (
            f"; ramp {r.position:.1f}-{r.position + r.length:.1f} m north, "
            f"{'rising' if r.height >= 0 else 'falling'} {abs(r.height):.2f} m"
        )
    return ProfileGround(
        seg,
        stairs,
        edge_north=s.platform_length,
        bottom_north=bottom,
        width=s.width,
        centre_east=s.centre_east,
        sides=s.sides,
        what=what,
    )


def _build_search(model: CarScenario, timeline: Timeline, path: Path) -> SearchSpec:
    from stuntsim.car.scenario import SearchSection

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
