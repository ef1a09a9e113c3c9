"""From a validated scenario to a fully resolved jump plan of SI objects (``build_plan``).

Everything a run, a search or a Monte Carlo sample needs is resolved here once: the air (with
the surface wind laid over the winds source), the drag law of each body-position stage, the
canopy and its landing pattern in the forecast wind, the solved release point when the scenario
asks for it, and the limits of the checks with their sources. What a schema cannot check raises
:class:`stuntsim.errors.ScenarioError` naming the field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from stuntsim.constants import FT, KT, MPH
from stuntsim.errors import ScenarioError
from stuntsim.jump.canopy import (
    MIN_SPEED_FRACTION,
    OPENING_REFERENCE_SPEED,
    Canopy,
    Pattern,
    drift_table,
    pattern_for,
)
from stuntsim.jump.dynamics import JumpBatch, wind_at
from stuntsim.jump.jumper import BODY_POSITIONS, DragModel, Drogue
from stuntsim.jump.jumpmaster import resolve_scenario
from stuntsim.jump.scenario import JumpScenario
from stuntsim.scenario.world import Air, build_air
from stuntsim.world.geo import Site
from stuntsim.world.wind import WindProfile

if TYPE_CHECKING:
    from stuntsim.jump.spot import SpotSolution

# --- limits with their sources -----------------------------------------------------------------

SURFACE_WIND_STUDENT = 14.0 * MPH
SURFACE_WIND_STUDENT_ROUND = 10.0 * MPH
SURFACE_WIND_SOURCE = (
    "USPA Basic Safety Requirements, SIM section 2-1.G.1: maximum surface winds for solo "
    "students 14 mph with a ram-air reserve, 10 mph with a round reserve"
)
DEPLOYMENT_SPEED_SINGLE = 150.0 * KT
DEPLOYMENT_SPEED_TANDEM = 175.0 * KT
DEPLOYMENT_SPEED_SOURCE = (
    "FAA TSO-C23f, Personnel Parachute Assemblies and Components (performance standard PIA "
    "TS-135): certified maximum operating speed at least 150 KTAS for a single harness, 175 "
    "KTAS for a tandem; the system's own placard limit may be higher (canopy."
    "max_deployment_speed)"
)
LANDING_SPEED_SOURCE = (
    "landing into the wind (USPA Skydiver's Information Manual, section 4, Category A: land "
    "facing into the wind): a touchdown faster over the ground than the canopy's own airspeed "
    "has a tailwind component"
)


@dataclass(frozen=True)
class JumpLimits:
    """The limits of the flight checks (SI) with their sources; None = not checked."""

    min_open_agl_m: float
    min_open_source: str
    opening_shock_g: float
    opening_shock_source: str
    lz_radius_m: float | None
    surface_wind_m_s: float | None
    surface_wind_source: str
    landing_speed_m_s: float | None  # None: the canopy's full-flight airspeed at the ground
    landing_speed_source: str
    deployment_speed_m_s: float
    deployment_speed_source: str


@dataclass(frozen=True)
class PositionStageSI:
    """One body-position stage, SI: its drag law and when it starts (after exit or below)."""

    name: str
    drag: DragModel
    after_s: float | None
    below_m: float | None


@dataclass(frozen=True)
class JumpPlan:
    name: str
    path: Path
    scenario: JumpScenario
    site: Site
    air: Air
    drag: DragModel
    drag_label: str
    mass: float
    drogue: Drogue | None
    canopy: Canopy
    exit_altitude: float
    open_altitude: float | None
    freefall_time: float | None
    aircraft_speed: float
    aircraft_heading: float
    exit_east: float
    exit_north: float
    lz_radius: float | None
    limits: JumpLimits
    heading_source: str = "scenario"
    pattern: Pattern | None = None
    stages: tuple[PositionStageSI, ...] = ()
    surface_wind: tuple[float, float] | None = None  # (east, north) m/s at the ground
    release: SpotSolution | None = None
    planned_exit: tuple[float, float] = (0.0, 0.0)  # the scenario's exit before the solve
    # memo of nominal-run products (physiology profile): filled on first use
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def batch(self, n: int = 1) -> JumpBatch:
        """The nominal plan as a kernel batch of ``n`` identical samples."""
        return nominal_batch(self, n)


def drag_model(j: Any) -> tuple[DragModel, str]:
    if j.position is not None or j.positions is not None:
        name = j.position if j.position is not None else j.positions[0].position
        pos = BODY_POSITIONS[name]
        gr = pos.glide_ratio if j.glide_ratio is None else j.glide_ratio
        return DragModel.constant(pos.drag_area(), gr, pos.source), f"{pos.name} preset"
    if j.drag_area is not None:
        return DragModel.constant(j.drag_area, j.glide_ratio or 0.0, "scenario"), "drag_area"
    cd = j.drag_coefficient
    table = [(0.0, float(cd))] if isinstance(cd, float | int) else [tuple(p) for p in cd]
    return DragModel.table(j.reference_area, table, "scenario Cd(Mach)"), "Cd(Mach) table"


def position_stages(j: Any, path: Path) -> tuple[PositionStageSI, ...]:
    """The later stages of ``jumper.positions`` (the first one is the plan's drag law)."""
    if j.positions is None:
        return ()
    out = []
    last_after, last_below = 0.0, math.inf
    for i, st in enumerate(j.positions[1:], start=1):
        pos = BODY_POSITIONS[st.position]
        gr = pos.glide_ratio if j.glide_ratio is None else j.glide_ratio
        if st.after is not None:
            if st.after <= last_after:
                raise ScenarioError(
                    path, f"jumper.positions[{i}].after", "stage times must increase"
                )
            last_after = st.after
        if st.below is not None:
            if st.below >= last_below:
                raise ScenarioError(
                    path, f"jumper.positions[{i}].below", "stage altitudes must decrease"
                )
            last_below = st.below
        if (st.after is not None and i > 1 and j.positions[i - 1].below is not None) or (
            st.below is not None and i > 1 and j.positions[i - 1].after is not None
        ):
            raise ScenarioError(
                path,
                f"jumper.positions[{i}]",
                "a sequence uses times (after) or altitudes (below), not both",
            )
        out.append(
            PositionStageSI(
                st.position, DragModel.constant(pos.drag_area(), gr, pos.source), st.after,
                st.below,
            )
        )  # fmt: skip
    return tuple(out)


def into_mean_wind(air: Air, z_top: float, z_ground: float) -> float:
    """Heading (rad, true) into the altitude-averaged wind between the ground and the exit:
    the direction the mean wind blows FROM (0 in calm air)."""
    e, n = air.wind.mean(z_ground, z_top)
    if math.hypot(e, n) < 1e-6:
        return 0.0
    return math.atan2(-e, -n) % (2 * math.pi)


def with_surface_wind(
    wind: WindProfile, z_ground: float, east: float, north: float, blend: float
) -> WindProfile:
    """The profile with the surface wind at the ground: levels at or below ``blend`` metres
    above the ground are replaced by the surface wind at the ground and the profile's own value
    at the blend height, linear between (above the blend height the profile is unchanged)."""
    z_top = z_ground + blend
    keep = wind.altitude > z_top + 1e-6
    e_top, n_top = wind.at(np.array([z_top]))
    z = np.concatenate([[z_ground, z_top], wind.altitude[keep]])
    e = np.concatenate([[east, float(e_top[0])], wind.east[keep]])
    n = np.concatenate([[north, float(n_top[0])], wind.north[keep]])
    return WindProfile(z, e, n, source=f"{wind.source} + surface wind")


def licence_limits(s: JumpScenario, path: Path) -> JumpLimits:
    """The limits of the flight checks for the scenario's licence and [limits] overrides."""
    from stuntsim.jump.physiology import PhysiologyConfig, min_open_altitude_agl_m

    lim = s.limits
    licence = s.jumper.licence
    cfg = PhysiologyConfig(licence=licence, min_open_altitude_agl_m=lim.min_open_altitude)
    min_open, min_open_src = min_open_altitude_agl_m(cfg)
    if lim.min_open_altitude is not None:
        min_open_src = "scenario [limits] min_open_altitude"
    if lim.surface_wind is not None:
        sw, sw_src = lim.surface_wind, "scenario [limits] surface_wind"
    elif licence == "student":
        sw, sw_src = SURFACE_WIND_STUDENT, SURFACE_WIND_SOURCE + " (ram-air reserve assumed)"
    else:
        sw = None
        sw_src = (
            "no USPA BSR surface-wind limit for licensed, tandem or military jumpers: set "
            "[limits] surface_wind from the drop zone's, the manufacturer's or the unit's rule"
        )
    if s.canopy.max_deployment_speed is not None:
        dep, dep_src = s.canopy.max_deployment_speed, "scenario canopy.max_deployment_speed"
    elif licence == "tandem":
        dep, dep_src = DEPLOYMENT_SPEED_TANDEM, DEPLOYMENT_SPEED_SOURCE
    else:
        dep, dep_src = DEPLOYMENT_SPEED_SINGLE, DEPLOYMENT_SPEED_SOURCE
    shock_src = "planning limit (estimate; set from the parachute manufacturer's data)"
    if lim.opening_shock is not None:
        shock_src = "scenario [limits] opening_shock"
    return JumpLimits(
        min_open_agl_m=float(min_open),
        min_open_source=min_open_src,
        opening_shock_g=float(lim.opening_shock if lim.opening_shock is not None else 10.0),
        opening_shock_source=shock_src,
        lz_radius_m=s.site.lz_radius,
        surface_wind_m_s=sw,
        surface_wind_source=sw_src,
        landing_speed_m_s=lim.landing_speed,
        landing_speed_source=(
            "scenario [limits] landing_speed" if lim.landing_speed else LANDING_SPEED_SOURCE
        ),
        deployment_speed_m_s=float(dep),
        deployment_speed_source=dep_src,
    )


def build_plan(s: JumpScenario, path: Path) -> JumpPlan:
    site = Site(s.site.lat, s.site.lon, s.site.elevation)
    air = build_air(s.atmosphere, s.winds, path)
    # heights given AGL or as flight levels to MSL, indicated airspeed to true (jumpmaster.py)
    s = resolve_scenario(s, path, site.elevation, air.atmosphere)
    surface = None
    if s.surface_wind is not None:
        sw = s.surface_wind
        surface = (-sw.speed * math.sin(sw.from_), -sw.speed * math.cos(sw.from_))
        wind = with_surface_wind(air.wind, site.elevation, *surface, sw.blend_height)
        air = replace(air, wind=wind)
    jp = s.jump
    if jp.exit_altitude <= site.elevation + 100.0:
        raise ScenarioError(
            path, "jump.exit_altitude", "the exit must be at least 100 m above the site elevation"
        )
    if jp.open_altitude is not None:
        if jp.open_altitude >= jp.exit_altitude:
            raise ScenarioError(
                path,
                "jump.open_altitude",
                f"opening altitude ({jp.open_altitude / FT:,.0f} ft) is not below the exit "
                f"altitude ({jp.exit_altitude / FT:,.0f} ft)",
            )
        if jp.open_altitude <= site.elevation:
            raise ScenarioError(
                path,
                "jump.open_altitude",
                f"opening altitude ({jp.open_altitude / FT:,.0f} ft MSL) is at or below the "
                f"ground ({site.elevation / FT:,.0f} ft MSL); altitudes are MSL",
            )
    heading = jp.aircraft_heading
    heading_source = "scenario"
    if heading is None:
        heading = into_mean_wind(air, jp.exit_altitude, site.elevation)
        heading_source = "into the mean wind"
    drag, label = drag_model(s.jumper)
    stages = position_stages(s.jumper, path)
    drogue = None
    if s.drogue is not None:
        dg = s.drogue
        if dg.drag_area is not None:
            dmodel = DragModel.constant(dg.drag_area, 0.0, "scenario drogue")
        else:
            dmodel = DragModel.table(
                float(dg.reference_area or 0.0),
                [(float(a), float(b)) for a, b in dg.drag_coefficient or []],
                "scenario drogue Cd(Mach)",
            )
        drogue = Drogue(float(dmodel.cda[0]), dg.deploy_time, dmodel)
        if jp.freefall_time is not None and dg.deploy_time > jp.freefall_time:
            raise ScenarioError(
                path, "drogue.deploy_time", "the drogue deploys after the main canopy"
            )
    c = s.canopy
    min_speed = (
        c.min_forward_speed
        if c.min_forward_speed is not None
        else MIN_SPEED_FRACTION * c.forward_speed
    )
    if min_speed > c.forward_speed:
        raise ScenarioError(
            path, "canopy.min_forward_speed", "the slowest airspeed exceeds the forward speed"
        )
    canopy = Canopy(
        forward_speed=c.forward_speed,
        descent_rate=c.descent_rate,
        opening_time=c.opening_time,
        opening_exponent=c.opening_exponent,
        steering=c.steering,
        heading=c.heading if c.heading is not None else heading,
        min_forward_speed=min_speed,
        opening_reference_speed=(
            c.opening_reference_speed
            if c.opening_reference_speed is not None
            else OPENING_REFERENCE_SPEED
        ),
    )
    if c.steering == "heading" and c.heading is None:
        raise ScenarioError(path, "canopy.heading", "steering = 'heading' needs a heading")
    pattern = None
    pc = c.pattern
    if c.steering == "target" and pc.enabled:
        pattern = pattern_for(
            air.atmosphere,
            air.wind,
            canopy,
            site.elevation,
            (pc.downwind, pc.base, pc.final),
            pc.turns,
            fallback=heading,
        )
    plan = JumpPlan(
        name=s.name or path.stem,
        path=path,
        scenario=s,
        site=site,
        air=air,
        drag=drag,
        drag_label=label,
        mass=s.jumper.mass,
        drogue=drogue,
        canopy=canopy,
        exit_altitude=jp.exit_altitude,
        open_altitude=jp.open_altitude,
        freefall_time=jp.freefall_time,
        aircraft_speed=jp.aircraft_speed,
        aircraft_heading=heading,
        heading_source=heading_source,
        exit_east=jp.exit_east,
        exit_north=jp.exit_north,
        lz_radius=s.site.lz_radius,
        limits=licence_limits(s, path),
        pattern=pattern,
        stages=stages,
        surface_wind=surface,
        planned_exit=(jp.exit_east, jp.exit_north),
    )
    cfg = s.spot
    if cfg is not None:
        from stuntsim.jump.spot import solve_release

        sol = solve_release(plan, cfg.mode, cfg.jumpers, cfg.separation)
        plan = replace(plan, release=sol)
        if cfg.solve:
            plan = replace(plan, exit_east=sol.east_m, exit_north=sol.north_m)
    return plan


def nominal_batch(plan: JumpPlan, n: int = 1, **overrides: Any) -> JumpBatch:
    """A batch of ``n`` copies of the nominal plan; ``overrides`` replace per-sample arrays."""
    ones = np.ones(n)
    zeros = np.zeros(n)
    track = plan.scenario.jumper.track_heading
    dz_, de_, dn_ = drift_table(
        plan.air.atmosphere,
        plan.air.wind,
        plan.canopy.descent_rate,
        plan.site.elevation,
        plan.exit_altitude,
    )
    pat = plan.pattern
    batch = JumpBatch(
        atmosphere=plan.air.atmosphere,
        wind=plan.air.wind,
        drag=plan.drag,
        ground=plan.site.elevation,
        target_east=0.0,
        target_north=0.0,
        steering=plan.canopy.steering,
        canopy_heading=plan.canopy.heading,
        opening_exponent=plan.canopy.opening_exponent,
        track_heading=plan.aircraft_heading if track is None else track,
        t0=zeros.copy(),
        y0=np.zeros((n, 6)),
        mass=plan.mass * ones,
        cda_scale=ones.copy(),
        drogue_cda=(plan.drogue.drag_area if plan.drogue else 0.0) * ones,
        drogue_time=(plan.drogue.deploy_time if plan.drogue else np.inf) * ones,
        deploy_altitude=(plan.open_altitude if plan.open_altitude is not None else -np.inf) * ones,
        deploy_after=(plan.freefall_time if plan.freefall_time is not None else np.inf) * ones,
        opening_time=plan.canopy.opening_time * ones,
        canopy_u0=plan.canopy.forward_speed * ones,
        canopy_w0=plan.canopy.descent_rate * ones,
        wind_scale=ones.copy(),
        wind_rotation=zeros.copy(),
        drift_z=dz_,
        drift_e=de_,
        drift_n=dn_,
        drift_w0=plan.canopy.descent_rate,
        canopy_umin=plan.canopy.min_forward_speed * ones,
        opening_ref_speed=plan.canopy.opening_reference_speed,
        pattern_levels=None if pat is None else pat.levels,
        pattern_points=None if pat is None else pat.points,
        final_heading=None if pat is None else pat.headings[2],
        final_agl=plan.scenario.canopy.pattern.final,
        drogue_drag=None if plan.drogue is None else plan.drogue.drag,
        stages=tuple((st.drag, st.after_s, st.below_m) for st in plan.stages),
    )
    batch = replace(batch, **overrides) if overrides else batch
    return with_exit_state(batch, plan, np.full(n, plan.exit_east), np.full(n, plan.exit_north))


def with_exit_state(batch: JumpBatch, plan: JumpPlan, east: Any, north: Any) -> JumpBatch:
    """Set the exit position and velocity: aircraft true airspeed along its heading plus the
    wind at the exit altitude (so forward throw comes out of the dynamics)."""
    n = batch.n
    y0 = np.zeros((n, 6))
    y0[:, 0] = east
    y0[:, 1] = north
    y0[:, 2] = plan.exit_altitude
    we, wn = wind_at(batch, y0[:, 2])
    y0[:, 3] = we + plan.aircraft_speed * np.sin(plan.aircraft_heading)
    y0[:, 4] = wn + plan.aircraft_speed * np.cos(plan.aircraft_heading)
    return replace(batch, y0=y0)
