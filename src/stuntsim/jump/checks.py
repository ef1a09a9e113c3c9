"""The jump's checks, each evaluated on a batch of flights (a run is a batch of one).

Every function takes a :class:`Flight` (the plan, the kernel batch and its outcome) and returns
one :class:`~stuntsim.checks.CheckBatch`, so ``stuntsim run``, the release-point solver and the
Monte Carlo use the same code. :func:`jump_checks` returns them all in a fixed order: the
flight checks below, then the physiology checks of jump/physiology.py.

Margins (dimensionless, >= 0 passes): for a lower limit (value - limit) / limit, for an upper
limit (limit - value) / limit, for a yes/no check +1 / -1.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from stuntsim.checks import Check, CheckBatch
from stuntsim.constants import FT, KT, RHO0

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from stuntsim.jump.dynamics import JumpBatch
    from stuntsim.jump.kernel import JumpOutcome
    from stuntsim.jump.plan import JumpPlan

EDGE_TOL_M = 1e-3  # m: an opening height within 1 mm of the minimum counts as on it
SPEED_TOL = 1e-6  # m/s: rounding of equal speeds

KINEMATICS_SOURCE = (
    "the simulated descent: point-mass freefall and opening in the U.S. Standard Atmosphere "
    "1976 (NOAA-S/T 76-1562), equations in docs/jump.md"
)


@dataclass(frozen=True)
class Flight:
    """A batch of flown jumps: what every check reads. Arrays have shape (B,) or (B, k).

    ``landing_east``/``landing_north`` include the pilot's landing error of the Monte Carlo
    (zero in a nominal run); ``outcome.land_pos`` is the kernel's touchdown point without it.
    """

    plan: JumpPlan
    batch: JumpBatch
    outcome: JumpOutcome
    landing_east: NDArray[np.float64]
    landing_north: NDArray[np.float64]

    @property
    def n(self) -> int:
        return int(self.outcome.n)

    @property
    def impact(self) -> NDArray[np.bool_]:
        return np.asarray(self.outcome.impact_freefall | self.outcome.impact_opening)

    @property
    def miss(self) -> NDArray[np.float64]:
        b = self.batch
        return np.asarray(
            np.hypot(self.landing_east - b.target_east, self.landing_north - b.target_north)
        )

    def surface_wind(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """(east, north) wind at the ground in each sample's own (perturbed) wind."""
        from stuntsim.jump.dynamics import wind_at

        z = np.full(self.n, self.plan.site.elevation)
        return wind_at(self.batch, z)

    def ground_airspeed(self) -> NDArray[np.float64]:
        """Full-flight canopy airspeed at the landing area's density, per sample."""
        rho = float(self.plan.air.atmosphere.density(np.array([self.plan.site.elevation]))[0])
        return np.asarray(self.batch.canopy_u0 * math.sqrt(RHO0 / rho))


def _m(x: float) -> str:
    """Metres with feet: ``"914 m (3,000 ft)"``."""
    return f"{x:,.0f} m ({x / FT:,.0f} ft)"


def _kt(v: float) -> str:
    return f"{v:.1f} m/s ({v / KT:.0f} kt)"


def _const(n: int, v: float) -> NDArray[np.float64]:
    return np.full(n, np.nan if v is None else float(v))


def _at_landing(f: Flight) -> Callable[[int], dict[str, float] | None]:
    o = f.outcome

    def at(i: int) -> dict[str, float] | None:
        return {
            "t_s": float(o.land_t[i]),
            "east_m": float(f.landing_east[i]),
            "north_m": float(f.landing_north[i]),
            "altitude_m": float(o.land_pos[i, 2]),
        }

    return at


def _at_deploy(f: Flight) -> Callable[[int], dict[str, float] | None]:
    o = f.outcome

    def at(i: int) -> dict[str, float] | None:
        if not math.isfinite(float(o.deploy_t[i])):
            return None
        return {
            "t_s": float(o.deploy_t[i]),
            "east_m": float(o.deploy_pos[i, 0]),
            "north_m": float(o.deploy_pos[i, 1]),
            "altitude_m": float(o.deploy_pos[i, 2]),
        }

    return at


# =============================================================================================
# Flight checks
# =============================================================================================


def ground_impact(f: Flight) -> CheckBatch:
    """``ground_impact``: the jumper reaches the ground before the canopy is open (a fatal plan).

    Value: the speed at the ground (m/s) for an impact, else NaN. Margin +1 / -1. Advice: the
    height the opening needs, the licence minimum plus the height the opening itself took.
    """
    o = f.outcome
    imp = f.impact
    speed = np.where(imp, np.linalg.norm(o.land_vel, axis=1), np.nan)
    lim = f.plan.limits
    ground = f.plan.site.elevation

    def describe(i: int) -> tuple[str, str | None]:
        if not imp[i]:
            return "The canopy is open before the ground.", None
        where = "before deployment" if o.impact_freefall[i] else "before the canopy was open"
        msg = f"The jumper reaches the ground {where} at {speed[i]:.0f} m/s: a fatal plan."
        need = ground + lim.min_open_agl_m
        return msg, f"deploy at or above {_m(need)} MSL ({_m(lim.min_open_agl_m)} AGL)"

    return CheckBatch(
        id="ground_impact",
        ok=~imp,
        margin=np.where(imp, -1.0, 1.0),
        value=speed,
        limit=_const(f.n, math.nan),
        unit="m/s",
        source=KINEMATICS_SOURCE,
        severity="fail",
        describe=describe,
        at=_at_landing(f),
    )


def opening_altitude(f: Flight) -> CheckBatch:
    """``opening_altitude``: deployment height above ground >= the licence minimum.

    h_AGL = z_deploy - z_ground against the minimum container opening altitude of the USPA
    Basic Safety Requirements (SIM 2-1.I) for the licence, or [limits] min_open_altitude. An
    impact before deployment fails it (it never deploys). Margin (h - limit) / limit.
    """
    o = f.outcome
    ground = f.plan.site.elevation
    lim = f.plan.limits
    limit = lim.min_open_agl_m
    agl = np.where(o.impact_freefall, 0.0, o.deploy_pos[:, 2] - ground)
    ok = ~o.impact_freefall & (agl >= limit - EDGE_TOL_M)
    licence = f.plan.scenario.jumper.licence

    def describe(i: int) -> tuple[str, str | None]:
        if o.impact_freefall[i]:
            msg = f"The jumper never deploys; the minimum for {licence} is {_m(limit)} AGL."
        else:
            rel = "at or above" if ok[i] else "below"
            msg = f"Deployment at {_m(agl[i])} AGL is {rel} the {_m(limit)} minimum ({licence})."
        return msg, f"deploy {_m(limit - agl[i])} higher, at {_m(ground + limit)} MSL or above"

    return CheckBatch(
        id="opening_altitude",
        ok=ok,
        margin=(agl - limit) / limit,
        value=agl,
        limit=_const(f.n, limit),
        unit="m",
        source=lim.min_open_source,
        severity="fail",
        describe=describe,
        quantity="altitude",
        at=_at_deploy(f),
    )


def opening_shock(f: Flight) -> CheckBatch:
    """``opening_shock``: peak opening load |D| / (m g0) <= the limit (no opening fails).

    Advice: the drag force of the opening grows with the square of the airspeed at
    deployment (q = rho v^2 / 2, with the constant fill distance the fill time shrinks as
    1/v), so a load g passes at v sqrt(limit / g). Margin (limit - g) / limit.
    """
    o = f.outcome
    lim = f.plan.limits
    limit = lim.opening_shock_g
    g = np.asarray(o.peak_g, dtype=float)
    ok = np.isfinite(g) & (g <= limit)
    v = np.asarray(o.deploy_airspeed, dtype=float)

    def describe(i: int) -> tuple[str, str | None]:
        if not math.isfinite(float(g[i])):
            return "No canopy opening load: the canopy never opens on this path.", (
                "open higher (see ground_impact)"
            )
        rel = "within" if ok[i] else "above"
        msg = f"The peak opening load of {g[i]:.1f} g is {rel} the {limit:g} g limit."
        adv = None
        if math.isfinite(float(v[i])) and g[i] > 0:
            adv = (
                f"deploy at or below {_kt(float(v[i]) * math.sqrt(limit / float(g[i])))} "
                f"airspeed (now {_kt(float(v[i]))}), or a canopy rated for {g[i]:.1f} g"
            )
        return msg, adv

    return CheckBatch(
        id="opening_shock",
        ok=ok,
        margin=np.where(np.isfinite(g), (limit - g) / limit, -1.0),
        value=g,
        limit=_const(f.n, limit),
        unit="g",
        source=lim.opening_shock_source,
        severity="fail",
        describe=describe,
        at=_at_deploy(f),
    )


def deployment_speed(f: Flight) -> CheckBatch:
    """``deployment_speed``: true airspeed at deployment |v - w| <= the system's maximum.

    Limit: canopy.max_deployment_speed, or the TSO-C23f minimum certified speed of the harness
    type (150 KTAS single, 175 KTAS tandem). Not applicable (passes) without a deployment.
    Margin (limit - v) / limit.
    """
    o = f.outcome
    lim = f.plan.limits
    limit = lim.deployment_speed_m_s
    v = np.asarray(o.deploy_airspeed, dtype=float)
    has = np.isfinite(v)
    ok = ~has | (v <= limit + SPEED_TOL)

    def describe(i: int) -> tuple[str, str | None]:
        if not has[i]:
            return "No deployment: the jumper reaches the ground first (see ground_impact).", None
        rel = "within" if ok[i] else "above"
        msg = f"Deployment at {_kt(float(v[i]))} true airspeed is {rel} the {_kt(limit)} maximum."
        return msg, (
            f"slow to {_kt(limit)} or less before deploying (a belly position before the pull), "
            "or a system placarded for this speed"
        )

    return CheckBatch(
        id="deployment_speed",
        ok=ok,
        margin=np.where(has, (limit - v) / limit, 1.0),
        value=v,
        limit=_const(f.n, limit),
        unit="m/s",
        source=lim.deployment_speed_source,
        severity="fail",
        describe=describe,
        quantity="speed",
        at=_at_deploy(f),
    )


def landing_accuracy(f: Flight) -> CheckBatch | None:
    """``landing_accuracy``: miss distance |x_land - target| <= the landing-zone radius (None
    without a radius). Margin (R - miss) / R. For a ground impact, the impact point (which
    ground_impact fails)."""
    r = f.plan.limits.lz_radius_m
    if r is None:
        return None
    miss = f.miss
    ok = miss <= r

    def describe(i: int) -> tuple[str, str | None]:
        rel = "inside" if ok[i] else "outside"
        if f.impact[i]:
            msg = f"The impact point is {miss[i]:,.0f} m from the target (see ground_impact)."
            return msg, f"land {miss[i] - r:,.0f} m closer to the target"
        msg = f"The jumper lands {miss[i]:,.0f} m from the target, {rel} the {r:,.0f} m radius."
        return (
            msg,
            f"land {miss[i] - r:,.0f} m closer to the target (a release point or a "
            "steering correction)",
        )

    return CheckBatch(
        id="landing_accuracy",
        ok=ok,
        margin=(r - miss) / r,
        value=miss,
        limit=_const(f.n, r),
        unit="m",
        source="configured landing-zone radius (site.lz_radius)",
        severity="fail",
        describe=describe,
        quantity="distance",
        at=_at_landing(f),
    )


def surface_wind(f: Flight) -> CheckBatch:
    """``surface_wind``: wind speed at the landing area <= the licence's limit.

    Limit: [limits] surface_wind, or for students the USPA BSR 2-1.G.1 limit (14 mph with a
    ram-air reserve). Licensed, tandem and military jumps have no BSR figure: the check is then
    informational (passes) and says so. Margin (limit - w) / limit.
    """
    lim = f.plan.limits
    we, wn = f.surface_wind()
    w = np.hypot(we, wn)
    limit = lim.surface_wind_m_s
    ok = np.ones(f.n, bool) if limit is None else w <= limit + SPEED_TOL

    def describe(i: int) -> tuple[str, str | None]:
        if limit is None:
            return f"Surface wind {_kt(float(w[i]))}; no limit set for this licence.", None
        rel = "within" if ok[i] else "above"
        return f"Surface wind {_kt(float(w[i]))} is {rel} the {_kt(limit)} limit.", (
            f"wait for the surface wind to drop below {_kt(limit)}"
        )

    return CheckBatch(
        id="surface_wind",
        ok=ok,
        margin=np.ones(f.n) if limit is None else (limit - w) / limit,
        value=w,
        limit=_const(f.n, math.nan if limit is None else limit),
        unit="m/s",
        source=lim.surface_wind_source,
        severity="fail",
        describe=describe,
        quantity="speed",
    )


def landing_speed(f: Flight) -> CheckBatch:
    """``landing_speed``: horizontal ground speed at touchdown <= the limit.

    Limit: [limits] landing_speed, or the canopy's own full-flight airspeed at the landing
    area's density, u0 sqrt(rho0 / rho_ground): a touchdown faster than that over the ground has
    a tailwind component (a downwind landing). For a ground impact, the horizontal speed at
    the impact (which ground_impact fails). Margin (limit - v) / limit.
    """
    o = f.outcome
    lim = f.plan.limits
    gs = np.hypot(o.land_vel[:, 0], o.land_vel[:, 1])
    limit = (
        np.full(f.n, lim.landing_speed_m_s)
        if lim.landing_speed_m_s is not None
        else f.ground_airspeed()
    )
    imp = f.impact
    ok = gs <= limit + SPEED_TOL

    def describe(i: int) -> tuple[str, str | None]:
        if imp[i]:
            msg = f"Horizontal speed at the impact {_kt(float(gs[i]))} (see ground_impact)."
            return msg, "open higher"
        rel = "within" if ok[i] else "above"
        msg = (
            f"Touchdown at {_kt(float(gs[i]))} over the ground is {rel} the "
            f"{_kt(float(limit[i]))} limit."
        )
        return msg, "land into the wind (final leg heading into the surface wind)"

    return CheckBatch(
        id="landing_speed",
        ok=ok,
        margin=(limit - gs) / limit,
        value=gs,
        limit=np.asarray(limit, dtype=float),
        unit="m/s",
        source=lim.landing_speed_source,
        severity="fail",
        describe=describe,
        quantity="speed",
        at=_at_landing(f),
    )


def data_coverage(f: Flight) -> CheckBatch | None:
    """Caution when the winds (or a sounding's temperatures) stop more than 1 500 ft below the
    exit: above their top the wind is held constant (stuntsim.scenario.world.coverage_check,
    FAA AC 00-45H level spacing). None for calm air and the standard atmosphere."""
    from stuntsim.scenario.world import coverage_check

    return coverage_check(f.plan.air, np.full(f.n, float(f.plan.exit_altitude)))


FLIGHT_CHECKS: tuple[Callable[[Flight], CheckBatch | None], ...] = (
    ground_impact,
    opening_altitude,
    deployment_speed,
    opening_shock,
    landing_accuracy,
    surface_wind,
    landing_speed,
    data_coverage,
)
FLIGHT_IDS = tuple(fn.__name__ for fn in FLIGHT_CHECKS)


# =============================================================================================
# Physiology (jump/physiology.py)
# =============================================================================================


def broadcast(check: Check, n: int) -> CheckBatch:
    """A plan-level check (the same for every sample) as a batch of n."""
    margin = check.margin if check.margin is not None else (1.0 if check.ok else -1.0)
    return CheckBatch(
        id=check.id,
        ok=np.full(n, bool(check.ok)),
        margin=np.full(n, float(margin)),
        value=_const(n, math.nan if check.value is None else check.value),
        limit=_const(n, math.nan if check.limit is None else check.limit),
        unit=check.unit,
        source=check.source,
        severity="caution" if check.severity == "caution" else "fail",
        describe=lambda i: (check.message, check.advice),
        quantity=check.quantity,
        at=lambda i: check.at,
    )


def physiology(f: Flight) -> list[CheckBatch]:
    """The physiology checks: jump/physiology.py's batched checks when it has them
    (``physiology_check_batches(flight)``), else its per-run checks of the nominal path,
    the same for every sample (they depend on the exit, the equipment and the licence)."""
    from stuntsim.jump import physiology as phys

    batched = getattr(phys, "physiology_check_batches", None)
    build = getattr(phys, "physiology_inputs", None)
    if batched is not None and build is not None:
        cfg = f.plan.cache.get("physiology_config")
        if cfg is None:
            cfg = phys.config_from_scenario(f.plan.scenario, f.plan.lz_radius)
            f.plan.cache["physiology_config"] = cfg
        inputs = build(f.plan, f.outcome, config=cfg)
        return [b for b in batched(inputs) if b.id not in FLIGHT_IDS]
    return [broadcast(c, f.n) for c in nominal_physiology(f.plan)]


def nominal_physiology(plan: JumpPlan) -> list[Check]:
    """jump/physiology.py's checks of the nominal path (memoised on the plan)."""
    cached = plan.cache.get("physiology")
    if cached is not None:
        return list(cached)
    from stuntsim.jump.physiology import JumpProfile, PhysiologyConfig, physiology_checks
    from stuntsim.jump.simulate import nominal_trajectory

    o, tr = nominal_trajectory(plan)
    s = plan.scenario
    profile = JumpProfile(
        t_s=tr["t_s"],
        altitude_m=tr["altitude_m"],
        speed_m_s=tr["airspeed_m_s"],
        temperature_k=tr["temperature_k"],
        east_m=tr["east_m"],
        north_m=tr["north_m"],
        ground_elevation_m=plan.site.elevation,
        exit_altitude_m=plan.exit_altitude,
        deploy_t_s=float(o.deploy_t[0]),
        deploy_altitude_m=float(o.deploy_pos[0, 2]),
        canopy_open_t_s=float(o.open_t[0]) if np.isfinite(o.open_t[0]) else float("nan"),
        landing_t_s=float(o.land_t[0]),
        peak_opening_g=float(o.peak_g[0]),
        miss_distance_m=float(np.hypot(*o.land_pos[0, :2])),
    )
    lim = s.limits
    kwargs: dict[str, Any] = dict(
        oxygen=s.jumper.oxygen,
        prebreathe_s=s.jumper.prebreathe,
        prebreathe_required_s=lim.prebreathe,
        licence=s.jumper.licence,
        min_open_altitude_agl_m=lim.min_open_altitude,
        lz_radius_m=plan.lz_radius,
    )
    if lim.exposure is not None:
        kwargs["exposure_limit_s"] = lim.exposure
    if lim.detection_altitude is not None:
        kwargs["detection_altitude_agl_m"] = lim.detection_altitude
    checks = [
        c for c in physiology_checks(profile, PhysiologyConfig(**kwargs)) if c.id not in FLIGHT_IDS
    ]
    plan.cache["physiology"] = checks
    return list(checks)


def jump_checks(f: Flight) -> list[CheckBatch]:
    """Every check of the jump on the batch: flight checks, then physiology."""
    out = [b for b in (fn(f) for fn in FLIGHT_CHECKS) if b is not None]
    return out + physiology(f)
