"""Build a helicopter plan from its scenario, and check it along the path.

``build_plan`` turns the validated scenario into SI objects and flies the path (so that a DEM
that does not cover it is reported before anything is simulated); ``simulate`` evaluates the
rotor, the envelope, the terrain and the rigs at every path sample at once (numpy arrays over
the samples) and returns a :class:`HeliResult` with its checks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from stuntsim.checks import Check
from stuntsim.errors import ScenarioError
from stuntsim.heli import performance as perf
from stuntsim.heli.aircraft import G0, H125_HOVER_CEILING_OGE, PRESETS, Aircraft
from stuntsim.heli.maneuver import AirSegment, PathError, WaypointSegment, fly
from stuntsim.heli.maneuver import Path as FlightPath
from stuntsim.heli.rig import Rig, RigLoad, rig_loads
from stuntsim.heli.terrain import DemTerrain, FlatTerrain, lowest_point, terrain_under
from stuntsim.heli.vrs import OperatingPoints, criterion
from stuntsim.units import FT, KT

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
    vrs: Any  # a VRSCriterion
    required_clearance: float
    navigation_error: float


@dataclass(frozen=True)
class SegmentInfo:
    kind: str
    name: str
    airspeed: float
    bank: float  # rad (waypoints: the design bank of the corners)
    radius: float | None
    descent_rate: float | None  # m/s, resolved (None for waypoints: varies)


@dataclass
class HeliPlan:
    name: str
    description: str
    path_file: Path
    aircraft: Aircraft
    air: Any  # scenario.world.Air
    site: Any  # world.geo.Site
    terrain: Any  # FlatTerrain | DemTerrain
    vertical_error: float | None
    segments: list[SegmentInfo]
    path: FlightPath
    rigs: list[Rig]
    limits: Limits
    start_heading: float


@dataclass(frozen=True)
class Event:
    name: str
    t_s: float
    east_m: float
    north_m: float
    altitude_m: float

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class HeliResult:
    name: str
    plan: HeliPlan
    samples: dict[str, np.ndarray]  # SI arrays over the path samples
    segments: list[dict[str, Any]]
    rig_loads: list[RigLoad]
    hover_induced_velocity: float  # m/s at the start altitude and this mass
    hover_ceiling_oge: float  # m, this mass, this atmosphere
    autorotation: dict[str, float]
    events: list[Event]
    checks: list[Check] = field(default_factory=list)

    @property
    def max_load_factor(self) -> float:
        return float(np.max(self.samples["load_factor"]))

    @property
    def min_terrain_clearance(self) -> float:
        return float(np.min(self.samples["clearance_m"]))


# --- build -------------------------------------------------------------------------------------
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
}


def _aircraft(section: Any) -> Aircraft:
    base = PRESETS[section.preset]
    kw: dict[str, Any] = {}
    for key, attr in _OVERRIDES.items():
        v = getattr(section, key)
        if v is not None:
            kw[attr] = v
    if section.vne_lapse is not None:
        kw["vne_lapse"] = section.vne_lapse / (1000.0 * FT)
    ac = base.with_overrides(**kw) if kw else base
    mass = section.mass if section.mass is not None else ac.max_mass
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
        )
        return seg, SegmentInfo(s.kind, s.name, s.airspeed, bank, seg.radius, None)
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


def build_plan(model: Any, path: Path) -> HeliPlan:
    """Validated scenario -> plan (SI), with the path flown; ScenarioError on bad input."""
    from stuntsim.scenario.world import build_air
    from stuntsim.world.geo import Site

    path = Path(path)
    air = build_air(model.atmosphere, model.winds, path)
    site = Site(model.site.lat, model.site.lon, model.site.elevation)
    ac = _aircraft(model.aircraft)
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
    try:
        fp = fly(specs, (e0, n0, st.altitude), st.heading, air.wind, dt=DT)
    except PathError as exc:
        field_ = f"segments[{exc.index}]" + (f".{exc.field}" if exc.field else "")
        raise ScenarioError(path, field_, str(exc)) from None
    for i, info in enumerate(infos):
        infos[i] = SegmentInfo(
            info.kind, info.name, info.airspeed, info.bank, fp.radii[i], fp.descent_rates[i]
        )

    z = fp.pos[:, 2]
    if np.min(z) < -400.0 or np.max(z) > 9000.0:
        k = int(np.argmin(z)) if np.min(z) < -400.0 else int(np.argmax(z))
        raise ScenarioError(
            path,
            f"segments[{int(fp.segment[k])}]",
            f"the path reaches {z[k]:.0f} m MSL at t = {fp.t[k]:.0f} s, outside -400..9000 m; "
            "check the altitude loss and descent rates",
        )
    nav = model.terrain.navigation_error
    radius = ac.rotor_radius + nav
    if isinstance(terrain, DemTerrain):
        _check_coverage(terrain, fp, radius, path, model.terrain.dem)

    lim = model.limits
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
        required_clearance=model.terrain.required_clearance,
        navigation_error=nav,
    )
    rigs = [
        Rig(
            r.name,
            r.mass,
            r.frontal_area,
            r.drag_coefficient,
            r.rated_limit_load,
            (r.position.forward, r.position.right, r.position.down),
        )
        for r in model.rigs
    ]
    return HeliPlan(
        name=model.name or path.stem,
        description=model.description,
        path_file=path,
        aircraft=ac,
        air=air,
        site=site,
        terrain=terrain,
        vertical_error=verr,
        segments=infos,
        path=fp,
        rigs=rigs,
        limits=limits,
        start_heading=st.heading,
    )


def _check_coverage(terrain: DemTerrain, fp: FlightPath, radius: float, path: Path, dem) -> None:
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


# --- simulate -------------------------------------------------------------------------------------
def _at(s: dict[str, np.ndarray], k: int) -> dict[str, float]:
    return {
        "t_s": float(s["t_s"][k]),
        "east_m": float(s["east_m"][k]),
        "north_m": float(s["north_m"][k]),
        "altitude_m": float(s["altitude_m"][k]),
    }


def _where(s: dict[str, np.ndarray], k: int) -> str:
    return f"at t = {s['t_s'][k]:.0f} s ({s['altitude_m'][k] / FT:,.0f} ft MSL)"


def evaluate(plan: HeliPlan) -> dict[str, np.ndarray]:
    """Everything along the path, vectorised over the samples (SI arrays)."""
    ac = plan.aircraft
    fp = plan.path
    atm = plan.air.atmosphere
    z = fp.pos[:, 2]
    rho = atm.density(z)
    g_vec = np.array([0.0, 0.0, -G0])
    f = fp.accel - g_vec  # specific force
    tv = perf.thrust_vector(ac, rho, fp.v_air, f)
    rs = perf.rotor_state(ac, rho, fp.v_air, tv)
    p_av = perf.power_available(ac, rho)
    airspeed = np.hypot(fp.v_air[:, 0], fp.v_air[:, 1])
    tas = np.linalg.norm(fp.v_air, axis=-1)
    ias = tas * np.sqrt(rho / perf.RHO0)
    descent = -fp.v_air[:, 2]
    n = np.linalg.norm(f, axis=-1) / G0
    # bank: the specific force seen in the plane across the heading
    right = np.stack([np.cos(fp.heading), -np.sin(fp.heading)], axis=-1)
    bank = np.arctan2(np.sum(f[:, :2] * right, axis=-1), f[:, 2])
    tilt = np.arccos(np.clip(rs.normal[:, 2], -1.0, 1.0))
    hd = atm.density_altitude(rho)
    vne = ac.vne_sea_level - ac.vne_lapse * np.maximum(hd, 0.0)
    if ac.doors_off:
        vne = np.minimum(vne, ac.vne_doors_off)
    vne = np.where(rs.main <= 0.0, np.minimum(vne, ac.vne_power_off), vne)
    safe_vh = np.where(rs.v_h > 0, rs.v_h, 1.0)
    x = rs.v_par / safe_vh
    zz = -rs.v_perp / safe_vh
    frac = rs.shaft / p_av
    op = OperatingPoints(x, zz, rs.v_h, airspeed, descent, frac)
    margin = plan.limits.vrs.margin(op)
    # autorotative descent rate where the path descends (the limit of a steady powered descent)
    auto = np.full(len(z), np.nan)
    dsc = descent > 0.05
    if dsc.any():
        auto[dsc] = perf.autorotation_descent_rate(ac, rho[dsc], airspeed[dsc], n[dsc])
    radius = ac.rotor_radius + plan.limits.navigation_error
    ground = terrain_under(plan.terrain, fp.pos[:, 0], fp.pos[:, 1], radius)
    low = lowest_point(z, tilt, ac.rotor_radius, ac.hub_height)
    gust_dn = perf.gust_load_factor_increment(ac, rho, rs, plan.limits.gust_speed)
    return {
        "t_s": fp.t,
        "east_m": fp.pos[:, 0],
        "north_m": fp.pos[:, 1],
        "altitude_m": z,
        "v_east_m_s": fp.v_ground[:, 0],
        "v_north_m_s": fp.v_ground[:, 1],
        "v_up_m_s": fp.v_ground[:, 2],
        "airspeed_m_s": airspeed,
        "true_airspeed_m_s": tas,
        "indicated_airspeed_m_s": ias,
        "heading_rad": fp.heading,
        "bank_rad": bank,
        "load_factor": n,
        "descent_rate_m_s": descent,
        "density_kg_m3": rho,
        "density_altitude_m": hd,
        "thrust_n": rs.thrust,
        "v_h_m_s": rs.v_h,
        "v_i_m_s": rs.v_i,
        "v_par_m_s": rs.v_par,
        "v_perp_m_s": rs.v_perp,
        "power_induced_w": rs.induced,
        "power_profile_w": rs.profile,
        "power_climb_parasite_w": rs.climb_parasite,
        "power_main_rotor_w": rs.main,
        "power_required_w": rs.shaft,
        "power_available_w": p_av,
        "power_fraction": frac,
        "vne_ias_m_s": vne,
        "vrs_x": x,
        "vrs_z": zz,
        "vrs_margin": margin,
        "autorotation_rate_m_s": auto,
        "terrain_m": ground,
        "lowest_point_m": low,
        "clearance_m": low - ground,
        "tilt_rad": tilt,
        "gust_dn": gust_dn,
        "segment": fp.segment,
        "_specific_force": f,
        "_v_air": fp.v_air,
        "_normal": rs.normal,
    }


def simulate(plan: HeliPlan) -> HeliResult:
    ac = plan.aircraft
    atm = plan.air.atmosphere
    s = evaluate(plan)
    loads = [
        rig_loads(
            r,
            s["density_kg_m3"],
            s["_v_air"],
            s["_specific_force"],
            s["_normal"],
            s["v_i_m_s"],
            s["gust_dn"],
            plan.limits.gust_speed,
            ac.rotor_radius,
        )
        for r in plan.rigs
    ]
    z0 = float(plan.path.pos[0, 2])
    vh0 = float(perf.hover_induced_velocity(ac.weight, atm.density(z0), ac.disc_area))
    ceiling = perf.hover_ceiling_oge(ac, atm)
    speeds = np.linspace(0.0, ac.vne_sea_level, 121)
    rates = perf.autorotation_descent_rate(ac, perf.RHO0, speeds)
    kbest = int(np.nanargmin(rates))
    autorot = {
        "min_descent_rate_sea_level_m_s": float(rates[kbest]),
        "at_airspeed_m_s": float(speeds[kbest]),
        "vertical_descent_rate_sea_level_m_s": float(rates[0]),
    }
    segs = _segment_summaries(plan, s)
    res = HeliResult(
        name=plan.name,
        plan=plan,
        samples=s,
        segments=segs,
        rig_loads=loads,
        hover_induced_velocity=vh0,
        hover_ceiling_oge=ceiling,
        autorotation=autorot,
        events=_events(plan, s),
    )
    res.checks = _checks(plan, s, loads)
    return res


def _segment_summaries(plan: HeliPlan, s: dict[str, np.ndarray]) -> list[dict[str, Any]]:
    out = []
    seg = s["segment"]
    for i, info in enumerate(plan.segments):
        m = seg == i
        if not m.any():  # the final sample of a zero-length segment was dropped
            continue
        idx = np.flatnonzero(m)
        end = min(idx[-1] + 1, len(seg) - 1)
        descent = (
            info.descent_rate
            if info.descent_rate is not None
            else float(np.max(s["descent_rate_m_s"][m]))
        )
        bank = info.bank if info.kind != "waypoints" else float(np.max(np.abs(s["bank_rad"][m])))
        out.append(
            {
                "index": i,
                "kind": info.kind,
                "name": info.name,
                "t_start_s": float(s["t_s"][idx[0]]),
                "t_end_s": float(s["t_s"][end]),
                "altitude_start_m": float(s["altitude_m"][idx[0]]),
                "altitude_end_m": float(s["altitude_m"][end]),
                "airspeed_m_s": info.airspeed,
                "bank_deg": math.degrees(bank),
                "radius_m": info.radius,
                "descent_rate_m_s": descent,
                "load_factor": float(np.max(s["load_factor"][m])),
                "power_required_kw": float(np.max(s["power_required_w"][m])) / 1e3,
                "power_available_kw": float(np.min(s["power_available_w"][m])) / 1e3,
                "in_vrs": bool(np.any(s["vrs_margin"][m] <= 0.0)),
                "min_terrain_clearance_m": float(np.min(s["clearance_m"][m])),
            }
        )
    return out


def _events(plan: HeliPlan, s: dict[str, np.ndarray]) -> list[Event]:
    def ev(name: str, k: int) -> Event:
        a = _at(s, k)
        return Event(name, a["t_s"], a["east_m"], a["north_m"], a["altitude_m"])

    out = [ev("start", 0)]
    seg = s["segment"]
    for i, info in enumerate(plan.segments):
        idx = np.flatnonzero(seg == i)
        if i > 0 and idx.size:
            label = f"segment {i + 1}: {info.kind}" + (f" ({info.name})" if info.name else "")
            out.append(ev(label, int(idx[0])))
    out.append(ev("max load factor", int(np.argmax(s["load_factor"]))))
    out.append(ev("min terrain clearance", int(np.argmin(s["clearance_m"]))))
    out.append(ev("end", len(seg) - 1))
    out.sort(key=lambda e: e.t_s)
    return out


def _checks(plan: HeliPlan, s: dict[str, np.ndarray], loads: list[RigLoad]) -> list[Check]:
    ac = plan.aircraft
    lim = plan.limits
    checks: list[Check] = []

    checks.append(
        Check(
            "mass",
            ac.mass <= ac.max_mass * (1 + 1e-9),
            ac.mass,
            ac.max_mass,
            "kg",
            f"gross mass {ac.mass:,.0f} kg against the maximum {ac.max_mass:,.0f} kg",
            ac.sources.get("max_mass", "aircraft data"),
        )
    )

    n = s["load_factor"]
    k = int(np.argmax(n))
    checks.append(
        Check(
            "load_factor",
            bool(n[k] <= lim.max_load_factor),
            float(n[k]),
            lim.max_load_factor,
            "g",
            f"highest load factor {n[k]:.2f} g {_where(s, k)}; limit {lim.max_load_factor:.2f} g",
            lim.load_factor_source,
            at=_at(s, k),
        )
    )

    ias, vne = s["indicated_airspeed_m_s"], s["vne_ias_m_s"]
    k = int(np.argmax(ias / vne))
    doors = " (doors off)" if ac.doors_off else ""
    src = ac.sources.get("vne_sea_level", "") + "; " + ac.sources.get("vne_lapse", "")
    if ac.doors_off:
        src += "; " + ac.sources.get("vne_doors_off", "")
    checks.append(
        Check(
            "vne",
            bool(ias[k] <= vne[k]),
            float(ias[k]),
            float(vne[k]),
            "m/s",
            f"closest to Vne{doors} {_where(s, k)}: {ias[k] / KT:.0f} kt indicated against "
            f"Vne {vne[k] / KT:.0f} kt at {s['density_altitude_m'][k] / FT:,.0f} ft density "
            "altitude (indicated taken as equivalent airspeed)",
            src,
            at=_at(s, k),
        )
    )

    preq, pav = s["power_required_w"], s["power_available_w"]
    k = int(np.argmax(preq / pav))
    checks.append(
        Check(
            "power",
            bool(preq[k] <= pav[k]),
            float(preq[k]),
            float(pav[k]),
            "W",
            f"highest power demand {_where(s, k)}: {preq[k] / 1e3:.0f} kW of "
            f"{pav[k] / 1e3:.0f} kW available ({100 * preq[k] / pav[k]:.0f} %), load factor "
            f"{n[k]:.2f} g included",
            "momentum theory with Glauert inflow (Leishman 2006, ch. 2, 5); "
            + ac.sources.get("power_rating", "")
            + "; lapse: "
            + ac.sources.get("power_lapse_exponent", ""),
            at=_at(s, k),
        )
    )

    m = s["vrs_margin"]
    k = int(np.argmin(m))
    inside = bool(m[k] <= 0.0)
    what = "inside" if inside else "closest approach to"
    checks.append(
        Check(
            "vrs",
            not inside,
            round(float(m[k]), 3),
            0.0,
            "",
            f"{what} the vortex-ring region {_where(s, k)}: descending "
            f"{s['descent_rate_m_s'][k] / FT * 60:,.0f} ft/min at "
            f"{s['airspeed_m_s'][k] / KT:.0f} kt (x = {s['vrs_x'][k]:.2f}, "
            f"z = {s['vrs_z'][k]:.2f} v_h; v_h = {s['v_h_m_s'][k]:.1f} m/s at n = {n[k]:.2f}); "
            "margin > 0 is outside",
            lim.vrs.source,
            at=_at(s, k),
        )
    )

    bank = np.abs(s["bank_rad"])
    k = int(np.argmax(bank))
    checks.append(
        Check(
            "bank",
            bool(bank[k] <= lim.max_bank + 1e-9),
            math.degrees(bank[k]),
            math.degrees(lim.max_bank),
            "deg",
            f"steepest bank {math.degrees(bank[k]):.0f} deg {_where(s, k)}",
            lim.bank_source,
            at=_at(s, k),
        )
    )

    desc = s["descent_rate_m_s"]
    auto = s["autorotation_rate_m_s"]
    if lim.max_descent_rate is not None:
        dlim = np.full_like(desc, lim.max_descent_rate)
        dsrc = "operational limit set in the scenario (limits.max_descent_rate)"
    else:
        dlim = np.where(np.isfinite(auto), auto, np.inf)
        dsrc = (
            "steady power-off (autorotative) descent rate at the local airspeed and load factor, "
            "from momentum theory (ideal autorotation, Leishman 2006 ch. 2, 5)"
        )
    ratio = np.where(desc > 0.0, desc / dlim, -np.inf)
    k = int(np.argmax(ratio))
    dlim_k = float(dlim[k]) if math.isfinite(float(dlim[k])) else None
    if not np.any(desc > 0.0):
        checks.append(
            Check(
                "descent_rate",
                True,
                None,
                dlim_k,
                "m/s",
                "the path never descends",
                dsrc,
                quantity="vertical_speed",
            )
        )
    else:
        checks.append(
            Check(
                "descent_rate",
                bool(ratio[k] <= 1.0),
                float(desc[k]),
                dlim_k,
                "m/s",
                f"steepest descent for its airspeed {_where(s, k)}: {desc[k] / FT * 60:,.0f} ft/min"
                + (f" against {dlim_k / FT * 60:,.0f} ft/min" if dlim_k is not None else "")
                + (
                    "; a steady powered descent cannot be faster than the power-off one at "
                    "the same airspeed (the rotor would overspeed)"
                    if lim.max_descent_rate is None
                    else ""
                ),
                dsrc,
                at=_at(s, k),
                quantity="vertical_speed",
            )
        )

    frac = s["power_fraction"]
    steep = desc > 300.0 * FT / 60.0
    if steep.any():
        idx = np.flatnonzero(steep)
        k = int(idx[np.argmin(frac[idx])])
        low = bool(frac[k] < lim.low_power_fraction)
        msg = (
            f"lowest power in a descent {_where(s, k)}: {100 * frac[k]:.0f} % of available at "
            f"{desc[k] / FT * 60:,.0f} ft/min. "
        )
        if low:
            msg += (
                "Near autorotation the engine is close to idle and the rotor speed follows the "
                "airflow: a steeper descent or more g in the turn overspeeds the rotor, and "
                "pulling collective to stop the descent droops rotor rpm while the engine spools "
                "up. Brief the recovery and watch Nr."
            )
        else:
            msg += "Power stays above the low-power threshold."
        checks.append(
            Check(
                "rotor_rpm",
                not low,
                100.0 * float(frac[k]),
                100.0 * lim.low_power_fraction,
                "%",
                msg,
                "FAA Helicopter Flying Handbook FAA-H-8083-21B, ch. 11 (low rotor rpm, rotor "
                "overspeed in autorotative flight); threshold 15 % of available power (estimate, "
                "limits.low_power_fraction)",
                severity="caution",
                at=_at(s, k),
            )
        )
    else:
        checks.append(
            Check(
                "rotor_rpm",
                True,
                None,
                100.0 * lim.low_power_fraction,
                "%",
                "no descent steeper than 300 ft/min: no low-power descent",
                "FAA Helicopter Flying Handbook FAA-H-8083-21B, ch. 11",
                severity="caution",
            )
        )

    clr = s["clearance_m"]
    k = int(np.argmin(clr))
    verr = plan.vertical_error
    need = lim.required_clearance + (verr or 0.0)
    verr_txt = (
        f"DEM vertical error {verr:.0f} m added to the required {lim.required_clearance:.0f} m"
        if verr
        else (
            "DEM vertical error unknown (set terrain.vertical_error)"
            if verr is None
            else "no DEM error (flat ground or exact synthetic DEM)"
        )
    )
    checks.append(
        Check(
            "terrain_clearance",
            bool(clr[k] >= need),
            float(clr[k]),
            need,
            "m",
            f"lowest clearance of rotor disc or skids {_where(s, k)}: {clr[k]:.0f} m above the "
            f"highest terrain within {ac.rotor_radius + lim.navigation_error:.0f} m "
            f"(rotor radius + {lim.navigation_error:.0f} m navigation error); {verr_txt}",
            f"required clearance set in the scenario or 100 ft default (planning estimate); "
            f"terrain: {plan.terrain.source}",
            at=_at(s, k),
        )
    )

    for r in loads:
        k = r.index
        checks.append(
            Check(
                "rig_load",
                bool(r.margin >= 0.0),
                r.limit_load,
                r.rated_load,
                "N",
                f"rig '{r.name}': limit load {r.limit_load:,.0f} N {_where(s, k)} "
                f"({r.case}; air {r.air_load:,.0f} N at q = {r.dynamic_pressure:,.0f} Pa, "
                f"inertial {r.inertial_load:,.0f} N), ultimate {r.ultimate_load:,.0f} N; "
                f"margin of safety {r.margin:+.2f} against the rated {r.rated_load:,.0f} N",
                f"air load q Cd A with a {lim.gust_speed / FT:.0f} ft/s gust (14 CFR 27.341: "
                "30 ft/s) plus inertial n m g; ultimate = 1.5 x limit (14 CFR 27.303)",
                at=_at(s, k),
            )
        )
    return checks


# re-exported for tests and presenters
__all__ = ["H125_HOVER_CEILING_OGE", "HeliPlan", "HeliResult", "build_plan", "simulate"]
