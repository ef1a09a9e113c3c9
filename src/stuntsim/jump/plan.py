"""From a validated scenario to a jump plan of SI objects, with the checks a schema cannot do."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stuntsim.errors import ScenarioError
from stuntsim.jump.canopy import Canopy, drift_table
from stuntsim.jump.dynamics import JumpBatch, wind_at
from stuntsim.jump.jumper import BODY_POSITIONS, DragModel, Drogue
from stuntsim.jump.scenario import JumpScenario
from stuntsim.scenario.world import Air, build_air
from stuntsim.units import FT
from stuntsim.world.geo import Site


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
    heading_source: str = "scenario"

    def batch(self, n: int = 1) -> JumpBatch:
        """The nominal plan as a kernel batch of ``n`` identical samples."""
        return nominal_batch(self, n)


def drag_model(j) -> tuple[DragModel, str]:
    if j.position is not None:
        pos = BODY_POSITIONS[j.position]
        gr = pos.glide_ratio if j.glide_ratio is None else j.glide_ratio
        return DragModel.constant(pos.drag_area(), gr, pos.source), f"{pos.name} preset"
    if j.drag_area is not None:
        return DragModel.constant(j.drag_area, j.glide_ratio or 0.0, "scenario"), "drag_area"
    cd = j.drag_coefficient
    table = [(0.0, float(cd))] if isinstance(cd, float | int) else [tuple(p) for p in cd]
    return DragModel.table(j.reference_area, table, "scenario Cd(Mach)"), "Cd(Mach) table"


def into_mean_wind(air: Air, z_top: float, z_ground: float) -> float:
    """Heading (rad, true) into the altitude-averaged wind between the ground and the exit:
    the direction the mean wind blows FROM (0 in calm air)."""
    e, n = air.wind.mean(z_ground, z_top)
    if math.hypot(e, n) < 1e-6:
        return 0.0
    return math.atan2(-e, -n) % (2 * math.pi)


def build_plan(s: JumpScenario, path: Path) -> JumpPlan:
    site = Site(s.site.lat, s.site.lon, s.site.elevation)
    air = build_air(s.atmosphere, s.winds, path)
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
    drogue = None
    if s.drogue is not None:
        drogue = Drogue(s.drogue.drag_area, s.drogue.deploy_time)
        if jp.freefall_time is not None and s.drogue.deploy_time > jp.freefall_time:
            raise ScenarioError(
                path, "drogue.deploy_time", "the drogue deploys after the main canopy"
            )
    c = s.canopy
    canopy = Canopy(
        forward_speed=c.forward_speed,
        descent_rate=c.descent_rate,
        opening_time=c.opening_time,
        opening_exponent=c.opening_exponent,
        steering=c.steering,
        heading=c.heading if c.heading is not None else heading,
    )
    if c.steering == "heading" and c.heading is None:
        raise ScenarioError(path, "canopy.heading", "steering = 'heading' needs a heading")
    return JumpPlan(
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
    )


def nominal_batch(plan: JumpPlan, n: int = 1, **overrides) -> JumpBatch:
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
    )
    from dataclasses import replace

    batch = replace(batch, **overrides) if overrides else batch
    return with_exit_state(batch, plan, batch.y0[:, 0] * 0 + plan.exit_east, plan.exit_north)


def with_exit_state(batch: JumpBatch, plan: JumpPlan, east, north) -> JumpBatch:
    """Set the exit position and velocity: aircraft true airspeed along its heading plus the
    wind at the exit altitude (so forward throw comes out of the dynamics)."""
    from dataclasses import replace

    n = batch.n
    y0 = np.zeros((n, 6))
    y0[:, 0] = east
    y0[:, 1] = north
    y0[:, 2] = plan.exit_altitude
    we, wn = wind_at(batch, y0[:, 2])
    y0[:, 3] = we + plan.aircraft_speed * np.sin(plan.aircraft_heading)
    y0[:, 4] = wn + plan.aircraft_speed * np.cos(plan.aircraft_heading)
    return replace(batch, y0=y0)
