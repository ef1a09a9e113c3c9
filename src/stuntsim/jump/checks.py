"""The jump's checks: the physiology and exposure set (jump/physiology.py) plus ground impact."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from stuntsim.checks import Check

if TYPE_CHECKING:
    from stuntsim.jump.result import JumpResult


def jump_checks(res: JumpResult) -> list[Check]:
    from stuntsim.jump.physiology import JumpProfile, PhysiologyConfig, physiology_checks

    plan = res.plan
    s = plan.scenario
    tr = res.trajectory
    o = res.outcome
    checks: list[Check] = []
    if res.impact:
        where = "before deployment" if o.impact_freefall[0] else "before the canopy was open"
        checks.append(
            Check(
                id="ground_impact",
                ok=False,
                value=float(o.land_vel[0, 2]) * -1.0,
                limit=None,
                unit="m/s",
                message=f"The jumper reaches the ground {where}: a fatal plan.",
                source="stuntsim kinematics",
                at={"t_s": float(o.land_t[0])},
            )
        )
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
        peak_opening_g=res.peak_opening_g,
        miss_distance_m=res.miss_distance_m,
    )
    lim = s.limits
    kwargs = dict(
        oxygen=s.jumper.oxygen,
        prebreathe_s=s.jumper.prebreathe,
        prebreathe_required_s=lim.prebreathe,
        licence=s.jumper.licence,
        min_open_altitude_agl_m=lim.min_open_altitude,
        lz_radius_m=plan.lz_radius,
    )
    if lim.opening_shock is not None:
        kwargs["opening_shock_limit_g"] = lim.opening_shock
    if lim.exposure is not None:
        kwargs["exposure_limit_s"] = lim.exposure
    if lim.detection_altitude is not None:
        kwargs["detection_altitude_agl_m"] = lim.detection_altitude
    checks.extend(physiology_checks(profile, PhysiologyConfig(**kwargs)))
    return checks
