"""An independent integration of a jump plan with scipy's solve_ivp, for cross-checks.

Same equations of motion (stuntsim.jump.dynamics), different integrator and event location:
DOP853 with rtol 1e-9 and scipy's own root-finding on the event functions. Discontinuities
(drogue, body-position stages, the landing pattern's checkpoints) are integration boundaries.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from scipy.integrate import solve_ivp

from stuntsim.jump.dynamics import canopy_rhs, freefall_rhs, wind_at
from stuntsim.jump.jumper import DragModel


def _wrap(f):
    def g(t, y):
        return f(np.array([t]), y[None, :])[0]

    return g


def _hit(level_):
    def ev(t_, y_):
        return y_[2] - level_

    ev.terminal = True
    ev.direction = -1
    return ev


def reference_landing(batch, rtol: float = 1e-9) -> dict[str, np.ndarray | float]:
    """Integrate sample 0 of ``batch`` from exit to landing; return the event states."""
    p = batch.take(np.array([0]))
    atol = 1e-9
    t = float(p.t0[0])
    t_exit = t
    y = p.y0[0].copy()
    ground = p.ground
    level = max(float(p.deploy_altitude[0]), ground)
    t_deploy = t + float(p.deploy_after[0])
    t_drogue = t + float(p.drogue_time[0])

    # freefall: segments between the drogue, the stage switches and the deployment
    stages = [(p.drag, None, None)] + [
        (DragModel(d.mach, d.cda, d.glide_ratio, d.source), a, b) for d, a, b in p.stages
    ]
    k_stage = 0
    deployed = False
    while not deployed:
        nxt = stages[k_stage + 1] if k_stage + 1 < len(stages) else None
        t_next = t_exit + nxt[1] if nxt is not None and nxt[1] is not None else np.inf
        z_next = nxt[2] if nxt is not None and nxt[2] is not None else -np.inf
        drogue_on = t >= t_drogue - 1e-9
        t_end = min(t_deploy, t_next, np.inf if drogue_on else t_drogue)
        q = replace(p, drag=stages[k_stage][0])
        f = _wrap(freefall_rhs(q, np.array([drogue_on]), None))
        events = [_hit(level)] + ([_hit(z_next)] if z_next > level else [])
        sol = solve_ivp(
            f,
            (t, t_end if np.isfinite(t_end) else t + 1e5),
            y,
            method="DOP853",
            rtol=rtol,
            atol=atol,
            events=events,
        )
        t, y = float(sol.t[-1]), sol.y[:, -1].copy()
        if sol.status == 1:
            if len(sol.t_events[0]):  # deployment altitude reached
                deployed = True
            else:  # the next stage's altitude
                k_stage += 1
            continue
        if t >= t_deploy - 1e-9:
            deployed = True
        elif t >= t_next - 1e-9:
            k_stage += 1
    deploy = (t, y.copy())
    we, wn = wind_at(p, np.array([y[2]]))
    v_air = float(np.sqrt((y[3] - we[0]) ** 2 + (y[4] - wn[0]) ** 2 + y[5] ** 2))
    t_open = float(p.opening_time[0])
    if p.opening_ref_speed is not None:
        t_open = max(t_open * p.opening_ref_speed / max(v_air, 1.0), 0.2)
    q = replace(p, drag=stages[k_stage][0], opening_time=np.array([t_open]))
    t_dep = np.array([t])
    f = _wrap(freefall_rhs(q, None, t_dep))
    sol = solve_ivp(
        f, (t, t + t_open), y, method="DOP853", rtol=rtol, atol=atol, events=_hit(ground)
    )
    t, y = float(sol.t[-1]), sol.y[:, -1].copy()
    opened = (t, y.copy())
    # canopy: the landing pattern's checkpoints are boundaries (the aim changes there)
    levels = [] if p.pattern_levels is None or p.steering != "target" else list(p.pattern_levels)
    legs = [k for k, lv in enumerate(levels) if lv < y[2]]
    first = legs[0] if legs else len(levels)
    for leg in range(first, len(levels) + 1):
        bottom = levels[leg] if leg < len(levels) else ground
        f = _wrap(canopy_rhs(p, leg if levels else None))
        sol = solve_ivp(
            f, (t, t + 1e5), y, method="DOP853", rtol=rtol, atol=atol, events=_hit(bottom)
        )
        t, y = float(sol.t[-1]), sol.y[:, -1].copy()
    return {"deploy": deploy, "open": opened, "land": (t, y)}
