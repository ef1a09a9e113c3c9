"""The batched jump kernel: exit -> freefall -> opening -> canopy -> landing.

One code path for a single jump (a batch of one) and for millions of Monte Carlo samples. The
phases are integrated one after another over the samples still in them; within a phase every
sample takes its own RK4 steps (sim/integrate.py) so that

- time events (drogue deployment, deployment after a freefall time, end of opening) are hit
  exactly by shortening the step that reaches them;
- altitude events (deployment altitude, landing at the ground) are hit exactly by re-stepping
  the crossing samples onto the level (``step_to_level``).

Step sizes (freefall 0.5 s, opening t_open/40, canopy 2 s but at most a quarter of the time
to the ground, whose scale sets the stiffness of the target-steering law) were chosen against
``scipy.integrate.solve_ivp`` at rtol 1e-9: landing points agree within 1 m on the example
scenarios (tests/test_integrator_accuracy.py). Memory is O(B) unless ``record`` asks for the
trajectory, which a single run does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stuntsim.jump.dynamics import (
    JumpBatch,
    aero_freefall,
    canopy_rhs,
    canopy_velocity,
    freefall_rhs,
    wind_at,
)
from stuntsim.sim.integrate import rk4_step, step_to_level

DT_FREEFALL = 0.5  # s
OPENING_STEPS = 40
DT_CANOPY = 2.0  # s
DT_CANOPY_MIN = 0.02  # s, floor of the step near the ground
MAX_STEPS = 200_000

PHASE_FREEFALL, PHASE_OPENING, PHASE_CANOPY, PHASE_LANDED = 0, 1, 2, 3


@dataclass
class JumpOutcome:
    """Per-sample results (arrays over the batch), SI. Positions are (B, 3): east, north, up."""

    n: int
    exit_t: np.ndarray
    exit_pos: np.ndarray
    exit_vel: np.ndarray
    deploy_t: np.ndarray
    deploy_pos: np.ndarray
    deploy_vel: np.ndarray
    open_t: np.ndarray
    open_pos: np.ndarray
    open_vel: np.ndarray
    land_t: np.ndarray
    land_pos: np.ndarray
    land_vel: np.ndarray
    max_speed: np.ndarray
    max_speed_t: np.ndarray
    max_speed_pos: np.ndarray
    max_speed_vel: np.ndarray
    max_mach: np.ndarray
    peak_g: np.ndarray
    peak_g_t: np.ndarray
    impact_freefall: np.ndarray  # reached the ground before deployment
    impact_opening: np.ndarray  # reached the ground before the canopy was open
    trajectory: dict[str, np.ndarray] | None = field(default=None)

    @classmethod
    def empty(cls, n: int) -> JumpOutcome:
        nan = np.full(n, np.nan)
        nan3 = np.full((n, 3), np.nan)
        return cls(
            n=n,
            **{
                k: (nan3.copy() if k.endswith(("_pos", "_vel")) else nan.copy())
                for k in (
                    "exit_t exit_pos exit_vel deploy_t deploy_pos deploy_vel open_t open_pos "
                    "open_vel land_t land_pos land_vel max_speed max_speed_t max_speed_pos "
                    "max_speed_vel max_mach peak_g peak_g_t"
                ).split()
            },
            impact_freefall=np.zeros(n, bool),
            impact_opening=np.zeros(n, bool),
        )


class _Recorder:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.rows: list[tuple[np.ndarray, np.ndarray, np.ndarray, int]] = []

    def add(self, idx: np.ndarray, t: np.ndarray, y: np.ndarray, phase: int) -> None:
        if self.enabled:
            self.rows.append((idx.copy(), t.copy(), y.copy(), phase))

    def sample(self, b: int) -> dict[str, np.ndarray]:
        ts, ys, ph = [], [], []
        for idx, t, y, phase in self.rows:
            m = idx == b
            if m.any():
                ts.append(t[m])
                ys.append(y[m])
                ph.append(np.full(int(m.sum()), phase, dtype=np.int8))
        t = np.concatenate(ts)
        y = np.concatenate(ys)
        return {"t": t, "y": y, "phase": np.concatenate(ph)}


def _track_max(out: JumpOutcome, idx, p: JumpBatch, t, y) -> None:
    speed = np.linalg.norm(y[:, 3:6], axis=1)
    better = ~(speed <= out.max_speed[idx])  # NaN-safe: first value always wins
    if better.any():
        gi = idx[better]
        out.max_speed[gi] = speed[better]
        out.max_speed_t[gi] = t[better]
        out.max_speed_pos[gi] = y[better, :3]
        out.max_speed_vel[gi] = y[better, 3:6]
    z = y[:, 2]
    a = p.atmosphere.speed_of_sound(z)
    we, wn = wind_at(p, z)
    air = np.sqrt((y[:, 3] - we) ** 2 + (y[:, 4] - wn) ** 2 + y[:, 5] ** 2)
    mach = air / a
    out.max_mach[idx] = np.fmax(out.max_mach[idx], mach)


def simulate_batch(p: JumpBatch, record: bool = False) -> JumpOutcome:
    """Integrate every sample of ``p`` from exit to landing."""
    n = p.n
    out = JumpOutcome.empty(n)
    rec = _Recorder(record)
    ground = p.ground
    out.exit_t[:] = p.t0
    out.exit_pos[:] = p.y0[:, :3]
    out.exit_vel[:] = p.y0[:, 3:]

    # --- freefall --------------------------------------------------------------------------
    idx = np.arange(n)
    q = p
    t = p.t0.astype(float).copy()
    y = p.y0.astype(float).copy()
    rec.add(idx, t, y, PHASE_FREEFALL)
    _track_max(out, idx, q, t, y)
    deploy_time = p.t0 + p.deploy_after
    level_all = np.maximum(p.deploy_altitude, ground)
    # deployment at the exit instant (freefall_time = 0)
    steps = 0
    while idx.size:
        steps += 1
        if steps > MAX_STEPS:
            raise RuntimeError("freefall did not end: check the deployment settings")
        d_t = deploy_time[idx]
        drogue_on = t >= q.drogue_time + q.t0 - 1e-9
        t_next = np.where(drogue_on, np.inf, q.drogue_time + q.t0)
        h = np.minimum(np.minimum(DT_FREEFALL, t_next - t), d_t - t)
        h = np.maximum(h, 0.0)
        f = freefall_rhs(q, drogue_on, None)
        y1 = rk4_step(f, t, y, h)
        level = level_all[idx]
        cross = y1[:, 2] <= level
        if cross.any():
            ci = np.flatnonzero(cross)
            qc = q.take(ci)
            fc = freefall_rhs(qc, drogue_on[ci], None)
            hs, ys = step_to_level(fc, t[ci], y[ci], h[ci], y1[ci], 2, level[ci])
            h[ci] = hs
            y1[ci] = ys
        t = t + h
        y = y1
        rec.add(idx, t, y, PHASE_FREEFALL)
        _track_max(out, idx, q, t, y)
        by_time = t >= d_t - 1e-9
        done = cross | by_time
        if done.any():
            gi = idx[done]
            impact = cross & (level <= ground + 1e-9) & ~by_time
            out.deploy_t[gi] = t[done]
            out.deploy_pos[gi] = y[done, :3]
            out.deploy_vel[gi] = y[done, 3:]
            out.impact_freefall[idx[impact]] = True
            keep = ~done
            idx, t, y, q = idx[keep], t[keep], y[keep], q.take(np.flatnonzero(keep))

    # --- opening ---------------------------------------------------------------------------
    idx = np.flatnonzero(~out.impact_freefall)
    q = p.take(idx)
    t = out.deploy_t[idx].copy()
    y = np.concatenate([out.deploy_pos[idx], out.deploy_vel[idx]], axis=1)
    t_dep = t.copy()
    h_open = q.opening_time / OPENING_STEPS
    _, g0 = aero_freefall(q, t, y, None, t_dep)
    out.peak_g[idx] = g0
    out.peak_g_t[idx] = t
    for _ in range(OPENING_STEPS):
        if not idx.size:
            break
        f = freefall_rhs(q, None, t_dep)
        h = h_open.copy()
        y1 = rk4_step(f, t, y, h)
        cross = y1[:, 2] <= ground
        if cross.any():
            ci = np.flatnonzero(cross)
            fc = freefall_rhs(q.take(ci), None, t_dep[ci])
            hs, ys = step_to_level(fc, t[ci], y[ci], h[ci], y1[ci], 2, np.full(ci.size, ground))
            h[ci] = hs
            y1[ci] = ys
        t = t + h
        y = y1
        rec.add(idx, t, y, PHASE_OPENING)
        _track_max(out, idx, q, t, y)
        _, g = aero_freefall(q, t, y, None, t_dep)
        better = g > out.peak_g[idx]
        out.peak_g[idx[better]] = g[better]
        out.peak_g_t[idx[better]] = t[better]
        if cross.any():
            gi = idx[cross]
            out.impact_opening[gi] = True
            out.land_t[gi] = t[cross]
            out.land_pos[gi] = y[cross, :3]
            out.land_vel[gi] = y[cross, 3:]
            keep = ~cross
            idx, t, y, t_dep, h_open = idx[keep], t[keep], y[keep], t_dep[keep], h_open[keep]
            q = q.take(np.flatnonzero(keep))
    out.open_t[idx] = t
    out.open_pos[idx] = y[:, :3]
    out.open_vel[idx] = y[:, 3:]

    # --- canopy ----------------------------------------------------------------------------
    y = y.copy()
    if idx.size:
        y[:, 3:] = canopy_velocity(q, y)
        rec.add(idx, t, y, PHASE_CANOPY)
    steps = 0
    while idx.size:
        steps += 1
        if steps > MAX_STEPS:
            raise RuntimeError("canopy flight did not end")
        f = canopy_rhs(q)
        # the target law's time constant is the time to the ground: keep h <= T_rem / 4
        t_rem = (y[:, 2] - ground) / np.maximum(-y[:, 5], 1e-9)
        h = np.clip(0.25 * t_rem, DT_CANOPY_MIN, DT_CANOPY)
        y1 = rk4_step(f, t, y, h)
        cross = y1[:, 2] <= ground
        if cross.any():
            ci = np.flatnonzero(cross)
            fc = canopy_rhs(q.take(ci))
            hs, ys = step_to_level(fc, t[ci], y[ci], h[ci], y1[ci], 2, np.full(ci.size, ground))
            h[ci] = hs
            y1[ci] = ys
        t = t + h
        y1[:, 3:] = canopy_velocity(q, y1)
        y = y1
        rec.add(idx, t, y, PHASE_CANOPY)
        if cross.any():
            gi = idx[cross]
            out.land_t[gi] = t[cross]
            out.land_pos[gi] = y[cross, :3]
            out.land_vel[gi] = y[cross, 3:]
            keep = ~cross
            idx, t, y = idx[keep], t[keep], y[keep]
            q = q.take(np.flatnonzero(keep))

    # freefall impacts land where they hit
    imp = out.impact_freefall
    out.land_t[imp] = out.deploy_t[imp]
    out.land_pos[imp] = out.deploy_pos[imp]
    out.land_vel[imp] = out.deploy_vel[imp]
    if record:
        out.trajectory = rec.sample(0) if n == 1 else None
    return out
