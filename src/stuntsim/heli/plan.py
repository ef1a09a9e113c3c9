"""The helicopter plan: the scenario resolved to SI objects, and its builder.

``build_plan`` turns the validated scenario into the aircraft (preset plus overrides, rigs
included in its mass and drag), the day's air, the terrain, the segments (kept, so that a Monte
Carlo sample can fly them again with its own errors) and the nominal path, flown here so that a
DEM that does not cover it is reported before anything is simulated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from stuntsim.constants import FT, G0
from stuntsim.errors import ScenarioError
from stuntsim.heli.aircraft import PRESETS, Aircraft
from stuntsim.heli.maneuver import AirSegment, PathError, TransitionLimits, WaypointSegment, fly
from stuntsim.heli.maneuver import Path as FlightPath
from stuntsim.heli.rig import Rig
from stuntsim.heli.terrain import DemTerrain, FlatTerrain
from stuntsim.heli.vrs import VRSCriterion, criterion

DEFAULT_MAX_BANK = math.radians(60.0)
DT = 0.25  # s, path sample spacing (air-mass segments); waypoint chases use airspeed * DT


@dataclass(frozen=True)
class Limits:
    max_load_factor: float
    load_factor_source: str
    max_bank: float
    bank_source: str
    max_descent_rate: float | None
    gust_speed: float
    low_power_fraction: float
    vrs: VRSCriterion
    vrs_johnson: VRSCriterion
    vrs_faa: VRSCriterion
    required_clearance: float
    navigation_error: float
    transitions: TransitionLimits | None
    resonance_separation: float


@dataclass(frozen=True)
class SegmentInfo:
    kind: str
    name: str
    airspeed: float
    bank: float  # rad (waypoints: the design bank of the corners)
    radius: float | None
    descent_rate: float | None  # m/s, resolved (None for waypoints: varies)
    reference: str = "air"


@dataclass
class HeliPlan:
    """Everything a run needs, SI. ``aircraft.mass`` is the gross mass WITH the rigs and
    ``aircraft.flat_plate_area`` includes their drag areas; ``base_mass`` and ``base_flat_plate``
    are the aircraft's own figures."""

    name: str
    description: str
    path_file: Path
    aircraft: Aircraft
    base_mass: float
    base_flat_plate: float
    air: Any  # scenario.world.Air
    site: Any  # world.geo.Site
    terrain: Any  # FlatTerrain | DemTerrain
    vertical_error: float | None
    segments: list[SegmentInfo]
    specs: list[AirSegment | WaypointSegment]
    start: tuple[float, float, float]
    path: FlightPath
    rigs: list[Rig]
    limits: Limits
    start_heading: float
    uncertainty: Any = None  # heli.scenario.HeliUncertainty | None
    dem_name: str = ""
    extras: dict[str, Any] = field(default_factory=dict)


_OVERRIDES = {
    "max_mass": "max_mass",
    "rotor_radius": "rotor_radius",
    "blade_count": "blade_count",
    "blade_chord": "blade_chord",
    "rotor_rpm": "rotor_rpm",
    "power_rating": "power_rating",
    "power_lapse_exponent": "power_lapse_exponent",
    "transmission_limit": "transmission_limit",
    "drivetrain_efficiency": "drivetrain_efficiency",
    "induced_power_factor": "induced_power_factor",
    "download_fraction": "download_fraction",
    "profile_drag_coefficient": "profile_drag_coefficient",
    "flat_plate_area": "flat_plate_area",
    "lift_curve_slope": "lift_curve_slope",
    "vne": "vne_sea_level",
    "vne_doors_off": "vne_doors_off",
    "vne_power_off": "vne_power_off",
    "load_factor_limit": "load_factor_limit",
    "hub_height": "hub_height",
    "cg_forward": "cg_forward",
    "cg_right": "cg_right",
    "cg_forward_limit": "cg_forward_limit",
    "cg_aft_limit": "cg_aft_limit",
    "cg_lateral_limit": "cg_lateral_limit",
    "fuel_mass": "fuel_mass",
    "fuel_forward": "fuel_forward",
    "tip_mach_limit": "tip_mach_limit",
    "tail_rotor_rpm": "tail_rotor_rpm",
    "tail_rotor_blades": "tail_rotor_blades",
}


def _aircraft(section: Any, path: Path) -> Aircraft:
    base = PRESETS[section.preset]
    kw: dict[str, Any] = {}
    for key, attr in _OVERRIDES.items():
        v = getattr(section, key)
        if v is not None:
            kw[attr] = v
    if section.vne_lapse is not None:
        kw["vne_lapse"] = section.vne_lapse / (1000.0 * FT)
    if section.vne_power_off_lapse is not None:
        kw["vne_power_off_lapse"] = section.vne_power_off_lapse / (1000.0 * FT)
    if section.fuel_flow_kg_h is not None:
        kw["fuel_flow"] = section.fuel_flow_kg_h / 3600.0
    ac = base.with_overrides(**kw) if kw else base
    mass = section.mass if section.mass is not None else ac.max_mass
    if ac.fuel_mass > mass:
        raise ScenarioError(
            path, "aircraft.fuel_mass", f"{ac.fuel_mass:.0f} kg of fuel is more than the mass"
        )
    return replace(ac, mass=mass, doors_off=section.doors_off)


def _terrain(model: Any, site: Any, path: Path) -> tuple[Any, float | None]:
    t = model.terrain
    if t.resolved_kind == "flat":
        elev = t.elevation if t.elevation is not None else site.elevation
        return FlatTerrain(elev, source=f"flat ground at {elev:.0f} m MSL"), 0.0
    from stuntsim.io.dem import read_dem

    files = [t.dem] if isinstance(t.dem, str) else list(t.dem)
    resolved = [(path.parent / f) if not Path(f).is_absolute() else Path(f) for f in files]
    grid = read_dem(resolved)
    verr = t.vertical_error if t.vertical_error is not None else grid.vertical_error
    return DemTerrain(grid, site, verr), verr


def _segment(i: int, s: Any, path: Path) -> tuple[AirSegment | WaypointSegment, SegmentInfo]:
    sign = 1 if s.direction == "right" else -1
    if s.kind == "straight":
        duration = s.duration if s.duration is not None else s.distance / s.airspeed
        seg = AirSegment(
            "straight",
            s.airspeed,
            duration=duration,
            descent_rate=s.descent_rate,
            altitude_loss=s.altitude_loss,
        )
        return seg, SegmentInfo("straight", s.name, s.airspeed, 0.0, None, None)
    if s.kind in ("turn", "spiral"):
        if s.bank is not None:
            bank = s.bank
        else:
            bank = math.atan(s.airspeed**2 / (G0 * s.radius))
            if math.degrees(bank) > 85.0:
                raise ScenarioError(
                    path,
                    f"segments[{i}].radius",
                    f"a {s.radius:.0f} m radius at this airspeed needs a bank of "
                    f"{math.degrees(bank):.0f} deg; use a larger radius",
                )
        turn_angle = None
        if s.turns is not None:
            turn_angle = 2 * math.pi * s.turns
        elif s.heading_change is not None:
            turn_angle = s.heading_change
        seg = AirSegment(
            s.kind,
            s.airspeed,
            bank=bank,
            direction=sign,
            duration=s.duration,
            turn_angle=turn_angle,
            to_heading=s.to_heading,
            descent_rate=s.descent_rate,
            altitude_loss=s.altitude_loss,
            reference=s.reference or "air",
        )
        return seg, SegmentInfo(
            s.kind, s.name, s.airspeed, bank, seg.radius, None, s.reference or "air"
        )
    raise AssertionError(s.kind)  # waypoints are built in build_plan (they need the terrain)


def _waypoints(i: int, s: Any, site: Any, terrain: Any, path: Path) -> WaypointSegment:
    pts = []
    for k, p in enumerate(s.points):
        if p.lat is not None:
            e, n = site.to_enu(p.lat, p.lon)
        else:
            e, n = p.east, p.north
        if p.altitude is not None:
            z = p.altitude
        else:
            h = float(terrain.height(np.array([e]), np.array([n]))[0])
            if not math.isfinite(h):
                raise ScenarioError(
                    path,
                    f"segments[{i}].points[{k}].height",
                    "the terrain model has no height at this waypoint (outside the DEM)",
                )
            z = h + p.height
        pts.append((e, n, z))
    return WaypointSegment(s.airspeed, s.bank, np.array(pts, dtype=float))


def _check_coverage(
    terrain: DemTerrain, fp: FlightPath, radius: float, path: Path, dem: Any
) -> None:
    from stuntsim.heli.terrain import corridor_points

    e, n = corridor_points(fp.pos[:, 0], fp.pos[:, 1], radius)
    lat, lon = terrain.latlon(e.ravel(), n.ravel())
    ok = terrain.grid.covers(lat, lon).reshape(e.shape).all(axis=1)
    name = dem if isinstance(dem, str) else ", ".join(dem)
    if not ok.all():
        k = int(np.flatnonzero(~ok)[0])
        la0, la1, lo0, lo1 = terrain.grid.bounds
        plat, plon = terrain.latlon(fp.pos[k, 0], fp.pos[k, 1])
        raise ScenarioError(
            path,
            "terrain.dem",
            f"{name} does not cover the path: at t = {fp.t[k]:.0f} s the aircraft is at "
            f"({float(plat):.4f}, {float(plon):.4f}), outside the DEM (lat {la0:.4f}..{la1:.4f}, "
            f"lon {lo0:.4f}..{lo1:.4f})",
        )
    h = terrain.grid.sample(lat, lon).reshape(e.shape)
    bad = ~np.isfinite(h).all(axis=1)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ScenarioError(
            path,
            "terrain.dem",
            f"{name} has voids under the path (first at t = {fp.t[k]:.0f} s); fill them first",
        )


def build_plan(model: Any, path: Path) -> HeliPlan:
    """Validated scenario -> plan (SI), with the path flown; ScenarioError on bad input."""
    from stuntsim.scenario.world import build_air
    from stuntsim.world.geo import Site

    path = Path(path)
    air = build_air(model.atmosphere, model.winds, path)
    site = Site(model.site.lat, model.site.lon, model.site.elevation)
    rigs = [_rig(r) for r in model.rigs]
    base = _aircraft(model.aircraft, path)
    ac = replace(
        base,
        mass=base.mass + sum(r.mass for r in rigs),
        flat_plate_area=base.flat_plate_area + sum(r.drag_area for r in rigs),
    )
    terrain, verr = _terrain(model, site, path)

    st = model.start
    if st.lat is not None:
        e0, n0 = site.to_enu(st.lat, st.lon)
    else:
        e0, n0 = st.east or 0.0, st.north or 0.0

    specs: list[AirSegment | WaypointSegment] = []
    infos: list[SegmentInfo] = []
    for i, s in enumerate(model.segments):
        if s.kind == "waypoints":
            w = _waypoints(i, s, site, terrain, path)
            specs.append(w)
            infos.append(SegmentInfo("waypoints", s.name, s.airspeed, s.bank, None, None))
        else:
            spec, info = _segment(i, s, path)
            specs.append(spec)
            infos.append(info)
    lim = model.limits
    transitions = (
        TransitionLimits(lim.roll_rate, lim.acceleration, lim.descent_rate_change)
        if lim.transitions
        else None
    )
    start = (float(e0), float(n0), float(st.altitude))
    fp = fly_plan(specs, start, st.heading, air.wind, transitions, path)
    for i, info in enumerate(infos):
        infos[i] = replace(info, radius=fp.radii[i], descent_rate=fp.descent_rates[i])

    nav = model.terrain.navigation_error
    radius = ac.rotor_radius + nav
    if isinstance(terrain, DemTerrain):
        _check_coverage(terrain, fp, radius, path, model.terrain.dem)

    if lim.max_load_factor is not None:
        nmax, nsrc = lim.max_load_factor, "operational limit set in the scenario (limits section)"
    else:
        nmax = ac.load_factor_limit
        nsrc = ac.sources.get("load_factor_limit", "aircraft limit")
    if lim.max_bank is not None:
        bmax, bsrc = lim.max_bank, "operational limit set in the scenario (limits section)"
    else:
        bmax = DEFAULT_MAX_BANK
        bsrc = "60 deg default operational bank limit (planning estimate; set limits.max_bank)"
    limits = Limits(
        max_load_factor=nmax,
        load_factor_source=nsrc,
        max_bank=bmax,
        bank_source=bsrc,
        max_descent_rate=lim.max_descent_rate,
        gust_speed=lim.gust_speed,
        low_power_fraction=lim.low_power_fraction,
        vrs=criterion(lim.vrs_criterion),
        vrs_johnson=criterion("johnson"),
        vrs_faa=criterion("faa"),
        required_clearance=model.terrain.required_clearance,
        navigation_error=nav,
        transitions=transitions,
        resonance_separation=lim.resonance_separation,
    )
    dem = model.terrain.dem
    return HeliPlan(
        name=model.name or path.stem,
        description=model.description,
        path_file=path,
        aircraft=ac,
        base_mass=base.mass,
        base_flat_plate=base.flat_plate_area,
        air=air,
        site=site,
        terrain=terrain,
        vertical_error=verr,
        segments=infos,
        specs=specs,
        start=start,
        path=fp,
        rigs=rigs,
        limits=limits,
        start_heading=st.heading,
        uncertainty=model.uncertainty,
        dem_name=(dem if isinstance(dem, str) else ", ".join(dem)) if dem else "",
    )


def fly_plan(
    specs: list[AirSegment | WaypointSegment],
    start: tuple[float, float, float],
    heading: float,
    wind: Any,
    transitions: TransitionLimits | None,
    path: Path,
) -> FlightPath:
    """Fly the segments; a segment that cannot be flown, or a path outside -400..9000 m MSL,
    is a ScenarioError naming the segment."""
    try:
        fp = fly(specs, start, heading, wind, dt=DT, transitions=transitions)
    except PathError as exc:
        field_ = f"segments[{exc.index}]" + (f".{exc.field}" if exc.field else "")
        raise ScenarioError(path, field_, str(exc)) from None
    z = fp.pos[:, 2]
    if np.min(z) < -400.0 or np.max(z) > 9000.0:
        k = int(np.argmin(z)) if np.min(z) < -400.0 else int(np.argmax(z))
        raise ScenarioError(
            path,
            f"segments[{int(fp.segment[k])}]",
            f"the path reaches {z[k]:.0f} m MSL at t = {fp.t[k]:.0f} s, outside -400..9000 m; "
            "check the altitude loss and descent rates",
        )
    return fp


def _rig(r: Any) -> Rig:
    if r.rated_limit_load is not None:
        rating, basis, limit = r.rated_limit_load, "limit", r.rated_limit_load
    else:
        rating, basis, limit = r.rated_ultimate_load, "ultimate", r.rated_ultimate_load / 1.5
    return Rig(
        r.name,
        r.mass,
        r.frontal_area,
        r.drag_coefficient,
        limit,
        (r.position.forward, r.position.right, r.position.down),
        rating=rating,
        rating_basis=basis,
        fitting_factor=r.fitting_factor,
        near_occupants=r.near_occupants,
        vne=r.vne,
        natural_frequency=r.natural_frequency,
        arm=(r.arm.forward, r.arm.right, r.arm.down),
    )
