"""The release point (HARP, "the spot"): where the aircraft must release the jumpers.

Both HALO and HAHO. The landing point is found with the full simulation, the canopy drifting
with the wind (no air displacement: the HARP convention), and the exit offset is solved by
fixed-point iteration ``x_{k+1} = x_k - (landing(x_k) - target)``. Winds here depend on altitude
only, so the trajectory is a rigid translation of the exit point and the iteration is Newton's
method with an exact Jacobian (the identity): it converges in one or two simulations, and the
loop stops below 0.1 m.

Why drifting: for a kinematic canopy descending at w(z) = w0 sqrt(rho0/rho) with airspeed
u(z) = u0 sqrt(rho0/rho), the time-altitude relation does not depend on the heading, so from the
opening point P the reachable ground points form a disc (any air displacement of length up to
the air range is possible by choosing the heading):

    centre = P + D_w,   D_w = integral of w_vec(z) / w(z) dz    (wind drift over the descent)
    radius = R = (u0 / w0) (z_open - z_ground)                  (the glide ratio is constant)

The exits from which the target is reachable form the disc of radius R around the drifting
solution. Its centre needs no air distance at all and leaves the whole glide range as margin
against wind error: that is the exit chosen, for HALO (small disc) and HAHO (a disc of many
kilometres) alike. The solution is re-simulated with the scenario's own steering (by default
the wind-drift-corrected pursuit of jump/canopy.py, which reaches the target from anywhere in
the disc).

Classic cross-check (printed beside, never used): the military freefall drift D = K A V with
K = 3, A the thousands of feet fallen and V the mean wind in knots, D in metres, and a forward
throw of 300 m above 120 kt exit speed, 150 m below (the US Army military free-fall HARP lesson;
jump/jumpmaster.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from stuntsim.checks import Check
from stuntsim.jump.dynamics import wind_at
from stuntsim.jump.jumper import RHO0
from stuntsim.jump.jumpmaster import classic_forward_throw_m, jump_run_for
from stuntsim.jump.kernel import simulate_batch
from stuntsim.jump.plan import JumpPlan, nominal_batch, with_exit_state
from stuntsim.units import FT, KT

HAHO_OPENING_AGL = 3000.0  # m: an opening more than this above the ground is treated as HAHO


@dataclass
class SpotSolution:
    mode: str
    east_m: float
    north_m: float
    lat: float
    lon: float
    heading_deg: float
    forward_throw_m: float
    freefall_drift_m: float
    canopy_drift_m: float
    verified_miss_m: float
    iterations: int
    classic: dict[str, float]
    jumpers: list[dict[str, float]] = field(default_factory=list)
    spread_m: float = 0.0
    haho: dict[str, Any] | None = None
    # False when the canopy never opens on the drifting solution (an opening at or below the
    # ground, or too low to complete): no release point puts the jumper on the target
    feasible: bool = True
    reason: str = ""
    checks: list[Check] = field(default_factory=list)  # the jump flown from this exit

    @property
    def verdict(self) -> str:
        from stuntsim.checks import verdict

        return verdict(self.checks) if self.checks else ("GO" if self.feasible else "NO-GO")

    jump_run: Any = None  # jump/jumpmaster.py JumpRun: green/red light, groups, magnetic heading

    def to_json(self) -> dict[str, Any]:
        keys = (
            "east_m north_m lat lon heading_deg forward_throw_m freefall_drift_m canopy_drift_m"
        ).split()
        d: dict[str, Any] = {k: getattr(self, k) for k in keys}
        d.update(
            mode=self.mode,
            verified_miss_m=self.verified_miss_m,
            iterations=self.iterations,
            classic_estimate=self.classic,
            jumpers=self.jumpers,
            spread_m=self.spread_m,
            feasible=self.feasible,
            reason=self.reason,
            verdict=self.verdict,
            failing_checks=[
                {"id": c.id, "severity": c.severity, "message": c.message, "advice": c.advice}
                for c in self.checks
                if not c.ok
            ],
        )
        if self.haho is not None:
            d["haho"] = self.haho
        if self.jump_run is not None:
            d["jump_run"] = self.jump_run.to_json()
        return d


def _run(plan: JumpPlan, east: np.ndarray, north: np.ndarray, steering: str, **over: Any) -> Any:
    batch = nominal_batch(plan, len(east), **over)
    batch = replace(batch, steering=steering)
    batch = with_exit_state(batch, plan, east, north)
    return simulate_batch(batch), batch


def _still_air_exit(plan: JumpPlan, east: float, north: float, steering: str) -> Any:
    """The same exit with zero airspeed (at rest in the air): isolates the forward throw."""
    batch = replace(nominal_batch(plan, 1), steering=steering)
    batch = with_exit_state(batch, replace(plan, aircraft_speed=0.0), east, north)
    return simulate_batch(batch)


def decide_mode(plan: JumpPlan, requested: str = "auto") -> str:
    if requested != "auto":
        return requested
    out, _ = _run(plan, np.zeros(1), np.zeros(1), "drift")
    return "haho" if out.deploy_pos[0, 2] - plan.site.elevation > HAHO_OPENING_AGL else "halo"


def canopy_integrals(plan: JumpPlan, z_open: float, n: int = 4001) -> tuple[float, float, float]:
    """(drift_east, drift_north, descent time) of a canopy from z_open to the ground, by
    quadrature in altitude (independent of the time-stepping kernel); zeros when z_open is not
    above the ground."""
    if not (math.isfinite(z_open) and z_open > plan.site.elevation):
        return 0.0, 0.0, 0.0
    z = np.linspace(plan.site.elevation, z_open, n)
    batch = nominal_batch(plan, n)
    rho = plan.air.atmosphere.density(z)
    w = plan.canopy.descent_rate * np.sqrt(RHO0 / rho)
    we, wn = wind_at(batch, z)
    dt_dz = 1.0 / w
    return (
        float(np.trapezoid(we * dt_dz, z)),
        float(np.trapezoid(wn * dt_dz, z)),
        float(np.trapezoid(dt_dz, z)),
    )


def classic_estimate(plan: JumpPlan, z_open: float) -> dict[str, float]:
    """D = K A V (K = 3, metres) for freefall, canopy drift as the mean wind times the canopy
    time at the sea-level descent rate, and the rule-of-thumb forward throw
    (:func:`stuntsim.jump.jumpmaster.classic_forward_throw_m`: 300 m above 120 kt, 150 m below)."""
    e, n = plan.air.wind.mean(z_open, plan.exit_altitude)
    v_kt = math.hypot(e, n) / KT
    a_kft = (plan.exit_altitude - z_open) / FT / 1000.0
    ce, cn = plan.air.wind.mean(plan.site.elevation, z_open)
    t_canopy = (z_open - plan.site.elevation) / plan.canopy.descent_rate
    return {
        "freefall_drift_m": 3.0 * a_kft * v_kt,
        "k": 3.0,
        "thousands_of_feet": a_kft,
        "mean_wind_kt": v_kt,
        "forward_throw_m": classic_forward_throw_m(plan.aircraft_speed),  # 150 / 300 m
        "canopy_drift_m": math.hypot(ce, cn) * t_canopy,  # full drift, mean wind x time
    }


def _stick(plan: JumpPlan, east: float, north: float, n: int, sep: float, steering: str) -> Any:
    """Exits of a stick of ``n`` jumpers centred on the release point, ``sep`` s apart along the
    jump run at the aircraft's ground speed; returns (exits (n,2), landings (n,2))."""
    batch = nominal_batch(plan, 1)
    we, wn = wind_at(batch, np.array([plan.exit_altitude]))
    hd = plan.aircraft_heading
    vg = np.array(
        [plan.aircraft_speed * math.sin(hd) + we[0], plan.aircraft_speed * math.cos(hd) + wn[0]]
    )
    k = np.arange(n) - (n - 1) / 2.0
    exits = np.array([east, north]) + np.outer(k * sep, vg)
    out, _ = _run(plan, exits[:, 0], exits[:, 1], steering)
    return exits, out.land_pos[:, :2]


def solve_release(
    plan: JumpPlan, mode: str = "auto", jumpers: int = 1, separation: float = 1.0
) -> Any:
    """Solve the release point of ``plan`` (target at the site origin).

    The exit is found with the full simulation and the canopy drifting with the wind (zero air
    displacement: the HARP convention, and the centre of the reachable disc, which leaves the
    whole glide range as margin). The solution is then re-simulated with the scenario's own
    canopy steering.
    """
    mode = decide_mode(plan, mode)
    hd = plan.aircraft_heading
    x = np.zeros(2)
    it = 0
    while it < 8:
        it += 1
        out, _ = _run(plan, x[:1], x[1:], "drift")
        miss = out.land_pos[0, :2]
        if np.hypot(*miss) < 0.1:
            break
        x = x - miss
    drift_out = out
    out, _ = _run(plan, x[:1], x[1:], plan.canopy.steering)
    still = _still_air_exit(plan, float(x[0]), float(x[1]), "drift")
    dep = drift_out.deploy_pos[0, :2]
    dep_still = still.deploy_pos[0, :2]
    throw_vec = dep - dep_still
    lat, lon = plan.site.to_geodetic(float(x[0]), float(x[1]))
    feasible = not bool(drift_out.impact_freefall[0] or drift_out.impact_opening[0])
    z_open = float(drift_out.open_pos[0, 2]) if feasible else plan.site.elevation
    dwe, dwn, t_can = canopy_integrals(plan, z_open) if feasible else (0.0, 0.0, 0.0)
    sol = SpotSolution(
        mode=mode,
        east_m=float(x[0]),
        north_m=float(x[1]),
        lat=float(lat),
        lon=float(lon),
        heading_deg=float(math.degrees(hd) % 360.0),
        forward_throw_m=float(throw_vec @ np.array([math.sin(hd), math.cos(hd)])),
        freefall_drift_m=float(np.hypot(*(dep_still - x))),
        canopy_drift_m=float(np.hypot(*(drift_out.land_pos[0, :2] - dep))),
        verified_miss_m=float(np.hypot(*out.land_pos[0, :2])),
        iterations=it,
        classic=classic_estimate(plan, float(drift_out.deploy_pos[0, 2])),
        feasible=feasible,
        reason=""
        if feasible
        else (
            "the jumper reaches the ground before the canopy is open: no release point can "
            "help; open higher"
        ),
    )
    sol.haho = {
        "reachable_centre_east_m": float(x[0]),
        "reachable_centre_north_m": float(x[1]),
        "reachable_radius_m": float(plan.canopy.glide_ratio * (z_open - plan.site.elevation)),
        "wind_drift_east_m": dwe,
        "wind_drift_north_m": dwn,
        "canopy_descent_time_s": t_can,
        "opening_altitude_m": z_open,
        "glide_ratio": plan.canopy.glide_ratio,
        "verified_steering": plan.canopy.steering,
    }
    if jumpers > 1:
        exits, lands = _stick(plan, sol.east_m, sol.north_m, jumpers, separation, "drift")
        sol.jumpers = [
            {
                "index": i + 1,
                "exit_east_m": float(e[0]),
                "exit_north_m": float(e[1]),
                "landing_east_m": float(ld[0]),
                "landing_north_m": float(ld[1]),
                "miss_distance_m": float(np.hypot(*ld)),
            }
            for i, (e, ld) in enumerate(zip(exits, lands, strict=True))
        ]
        diff = lands[:, None, :] - lands[None, :, :]
        sol.spread_m = float(np.sqrt((diff**2).sum(-1)).max())
    if feasible and plan.aircraft_speed > 0.0:
        try:
            sol.jump_run = jump_run_for(plan, sol)
        except ValueError:  # no ground speed on jump run (hovering into the wind)
            sol.jump_run = None
    sol.checks = solution_checks(plan, sol)
    return sol


def solution_checks(plan: JumpPlan, sol: SpotSolution) -> list[Check]:
    """Every check of the jump flown from the solved release point (jump/checks.py): a low
    opening is a NO-GO here as in ``run``."""
    from stuntsim.jump.checks import jump_checks
    from stuntsim.jump.simulate import fly, nominal

    p = replace(plan, exit_east=sol.east_m, exit_north=sol.north_m, cache={})
    return [b.record(0) for b in jump_checks(fly(p, nominal(p, 1)))]
