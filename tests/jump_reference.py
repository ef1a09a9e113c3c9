"""An independent integration of a jump plan with scipy's solve_ivp, for cross-checks.

Same equations of motion (stuntsim.jump.dynamics), different integrator and event location:
DOP853 with rtol 1e-9 and scipy's own root-finding on the event functions.
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from stuntsim.jump.dynamics import canopy_rhs, freefall_rhs


def _wrap(f):
    def g(t, y):
        return f(np.array([t]), y[None, :])[0]

    return g


def reference_landing(batch, rtol: float = 1e-9) -> dict[str, np.ndarray | float]:
    """Integrate sample 0 of ``batch`` from exit to landing; return the event states."""
    p = batch.take(np.array([0]))
    atol = 1e-9
    t = float(p.t0[0])
    y = p.y0[0].copy()
    ground = p.ground
    level = max(float(p.deploy_altitude[0]), ground)
    t_deploy = t + float(p.deploy_after[0])
    t_drogue = t + float(p.drogue_time[0])

    def hit(level_):
        def ev(t_, y_):
            return y_[2] - level_

        ev.terminal = True
        ev.direction = -1
        return ev

    # freefall, split at the drogue deployment (a discontinuity in drag area)
    for drogue_on, t_end in ((False, min(t_drogue, t_deploy)), (True, t_deploy)):
        if t >= t_end or not np.isfinite(y[2]):
            continue
        f = _wrap(freefall_rhs(p, np.array([drogue_on]), None))
        sol = solve_ivp(
            f,
            (t, t_end if np.isfinite(t_end) else t + 1e5),
            y,
            method="DOP853",
            rtol=rtol,
            atol=atol,
            events=hit(level),
        )
        t, y = float(sol.t[-1]), sol.y[:, -1].copy()
        if sol.status == 1:  # deployment altitude reached
            break
    deploy = (t, y.copy())
    t_dep = np.array([t])
    f = _wrap(freefall_rhs(p, None, t_dep))
    sol = solve_ivp(
        f,
        (t, t + float(p.opening_time[0])),
        y,
        method="DOP853",
        rtol=rtol,
        atol=atol,
        events=hit(ground),
    )
    t, y = float(sol.t[-1]), sol.y[:, -1].copy()
    opened = (t, y.copy())
    f = _wrap(canopy_rhs(p))
    sol = solve_ivp(f, (t, t + 1e5), y, method="DOP853", rtol=rtol, atol=atol, events=hit(ground))
    t, y = float(sol.t[-1]), sol.y[:, -1].copy()
    return {"deploy": deploy, "open": opened, "land": (t, y)}
