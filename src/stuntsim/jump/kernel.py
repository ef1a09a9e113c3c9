"""The batched jump kernel: exit -> freefall -> opening -> canopy -> landing.

One code path for a single jump (a batch of one) and for millions of Monte Carlo samples. The
batch is cut into blocks of :data:`BLOCK` samples that fit the CPU caches; each block goes
through the phases one after another, every sample with its own steps:

- **Freefall** (classical RK4 in time, steps from :data:`DT_EXIT` growing to
  :data:`DT_FREEFALL`). Time events (drogue, deployment
  after a freefall time) are hit exactly by shortening the step that reaches them; altitude
  events (deployment altitude, the ground) by re-stepping the crossing samples onto the level:
  a first guess from the cubic Hermite interpolant of z(t) over the step, then one Newton
  correction with dz/dt = v_up from an RK4 re-step (the residual is then at rounding level).
- **Opening** (RK4 in time, :data:`OPENING_STEPS` equal steps over the opening time). The
  opening load |D|/(m g0) is sampled at every step and its peak refined by the vertex of the
  parabola through the three samples around the largest one.
- **Canopy** (RK4 with the altitude as the independent variable: the canopy descends at
  w0 sqrt(rho0/rho) > 0, so dX/ds = v_h / w_desc and dt/ds = 1 / w_desc with s the height lost).
  Steps end on every level of the wind profile, where its piecewise-linear interpolation has a
  kink, and the last step ends exactly on the ground, so landing needs no event location. The
  steering laws of jump/canopy.py are linear or piecewise linear in altitude between wind levels
  ("target" pursuit keeps N / R_rem constant), which RK4 in altitude integrates almost exactly.

The right-hand sides are the equations of jump/dynamics.py, evaluated from tables on a uniform
altitude grid (:class:`AirTable`: density, speed of sound, gravity, wind and the wind-level
weights, each linear between grid points 1 m apart, the grid of the atmosphere table itself),
so one evaluation costs one index computation and a few gathers. Linear interpolation of the
density between 1 m grid points differs from the atmosphere's own ln p interpolation by less
than 1e-9 relative.

Step sizes, chosen for the 1 m landing accuracy and no more, against scipy's ``solve_ivp``
(DOP853, rtol 1e-9, tests/jump_reference.py) on the example scenarios and on perturbed Monte
Carlo samples (docs/performance.md has the tables):

- freefall: 0.5 s at exit, growing by 0.1 s per second of fall to at most 3 s. The exit
  transient (a 190 kt exit decelerating in thin air) sets the small first steps: a fixed 2 s
  step erred by 0.26 m at deployment on haho-cross-country, 2.5 s by 0.57 m; with the schedule
  the deployment point is within 0.11 m on every example (the largest, fallout-halo, comes from
  crossing the kinks of its FB wind profile) and within 0.14 m on 36 perturbed samples. On the
  closed-form fall from rest at constant density the distance errs by 4e-6 and the speed by
  2.4e-5 relative after 12 s.
- opening: 12 equal steps; the landing point moves by under 2 mm against 40 steps and the
  refined peak opening load is within 0.15 % of a 400-step run.
- canopy: at most 250 m of altitude per step, ending on every wind level; for "target"
  steering at most half the height left (the pursuit gain grows as 1/(z - ground)) until the
  last 2 m. Landing points move by under 1 cm against 25 m steps.

With these, landing points agree with solve_ivp within 1 cm on every example and within
0.14 m on perturbed samples (the test asks for 1 m). Memory is O(BLOCK) per block plus the
O(B) outcome, unless ``record`` asks for the trajectory of sample 0, which a single run does.

Speed: the freefall, the opening and the canopy run compiled by numba
(jump/freefall_compiled.py, jump/canopy_compiled.py: the same operations in lockstep SIMD loops
over the block), 2.5 times the numpy path below on fallout-halo (124 000 against 50 000 jumps
per CPU-second, docs/performance.md). The numpy path stays: :data:`FREEFALL` and
:data:`CANOPY` select it ("numpy") for the benchmark and the agreement test, and a batch with
a Cd(Mach) drag or drogue table or a gliding position (lift) always flies it. The choice
depends on the plan alone, never on the batch, so a sample's result is the same in any batch.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stuntsim.jump.dynamics import (
    JumpBatch,
    canopy_velocity,
    interval,
    layer_vectors,
    layered,
    lift_limit,
)
from stuntsim.jump.jumper import RHO0
from stuntsim.units import G0
from stuntsim.world.atmosphere import gravity as gravity_law

DT_FREEFALL = 3.0  # s, longest freefall step
DT_EXIT = 0.5  # s, first step after exit
DT_GROWTH = 0.1  # the freefall step grows by this many seconds per second since exit
OPENING_STEPS = 12
DZ_CANOPY = 250.0  # m of altitude, at most, per canopy step
BLOCK = 4096  # samples integrated together (cache-sized working set)
TABLE_DZ = 1.0  # m, finest spacing of the air table
MAX_STEPS = 200_000
TARGET_STEP_FRACTION = 0.5  # "target" steering: canopy step at most this share of the height left
TARGET_FINAL_DZ = 2.0  # m: below this height the last step goes to the ground
FLARE_AGL = 3.0  # m: below this the canopy flies straight in on the final heading (the flare)
FREEFALL = "compiled"  # freefall phase: "compiled" (numba) or "numpy" (the reference path)
CANOPY = "compiled"  # canopy phase: "compiled" (numba) or "numpy" (the reference path)
EVENT_NEWTON = 4  # Newton iterations on the Hermite cubic for an altitude event's first guess

# dense output of a recorded trajectory (display and the physiology checks only)
OUT_DT_FREEFALL = 0.5  # s
OUT_DT_CANOPY = 2.0  # s

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
    deploy_airspeed: np.ndarray  # |v - w| at deployment, m/s (NaN: never deploys)
    canopy_drift: np.ndarray  # (B, 2) wind drift under canopy, opening to landing, m
    trajectory: dict[str, np.ndarray] | None = field(default=None)

    @classmethod
    def empty(cls, n: int) -> JumpOutcome:
        nan = np.full(n, np.nan)
        nan3 = np.full((n, 3), np.nan)
        return cls(
            n=n,
            **{  # type: ignore[arg-type]
                k: (nan3.copy() if k.endswith(("_pos", "_vel")) else nan.copy())
                for k in (
                    "exit_t exit_pos exit_vel deploy_t deploy_pos deploy_vel open_t open_pos "
                    "open_vel land_t land_pos land_vel max_speed max_speed_t max_speed_pos "
                    "max_speed_vel max_mach peak_g peak_g_t"
                ).split()
            },
            impact_freefall=np.zeros(n, bool),
            impact_opening=np.zeros(n, bool),
            deploy_airspeed=nan.copy(),
            canopy_drift=np.full((n, 2), np.nan),
        )


# =============================================================================================
# The air on a uniform altitude grid
# =============================================================================================


class AirTable:
    """Density, speed of sound, gravity, sqrt(rho0/rho), wind and wind-level weights at
    z_k = z0 + k dz, each stored as (value, slope) so that q(z) = v[i] + f s[i].

    The grid is the atmosphere's own (z0 and dz of :class:`~stuntsim.world.atmosphere.
    Atmosphere`, subdivided to at most :data:`TABLE_DZ`), so the table does not depend on which
    samples are in a batch: a sample's result is the same in any batch (reproducibility of the
    Monte Carlo whatever the chunking). Outside the grid the end values are held, as the
    atmosphere table does.
    """

    def __init__(self, atmosphere: Any, wind: Any) -> None:
        sub = max(1, math.ceil(atmosphere.dz / TABLE_DZ - 1e-9))
        self.dz = atmosphere.dz / sub
        self.z0 = float(atmosphere.z0)
        n = (len(atmosphere.t) - 1) * sub + 1
        z = self.z0 + self.dz * np.arange(n)
        self.inv_dz = 1.0 / self.dz
        self.xmax = n - 1 - 1e-9
        rho, a = atmosphere.density_and_sound(z)
        we, wn = wind.at(z)
        j, f = interval(wind.altitude, z)
        self.rho = _pair(rho)
        self.a = _pair(a)
        self.g = _pair(gravity_law(z))
        self.sig = _pair(np.sqrt(RHO0 / rho))
        self.we = _pair(we)
        self.wn = _pair(wn)
        # wind-level interval and weight, for per-sample level perturbations
        self.wj = j.astype(np.intp)
        self.wj1 = np.minimum(self.wj + 1, len(wind.altitude) - 1)
        self._rows: dict[int, np.ndarray] = {}
        self.wf = _pair(f)
        self.calm = bool(np.all(wind.east == 0.0) and np.all(wind.north == 0.0))
        self.knots = np.asarray(wind.altitude, dtype=float)
        self.n_levels = len(self.knots)

    def rows(self, m: int) -> np.ndarray:
        """Row offsets 0, L, 2L, ... of m samples' wind levels (memoised by m)."""
        r = self._rows.get(m)
        if r is None:
            if len(self._rows) > 64:
                self._rows.clear()
            r = self._rows[m] = np.arange(m) * self.n_levels
        return r

    def freefall_rows(self) -> np.ndarray:
        """(n, 12): density, speed of sound, gravity, wind east, wind north, wind-level
        weight, each value then slope (the compiled freefall's table, built once)."""
        rows = self.__dict__.get("_freefall_rows")
        if rows is None:
            cols = (self.rho, self.a, self.g, self.we, self.wn, self.wf)
            rows = np.ascontiguousarray(np.stack([v for col in cols for v in col], axis=1))
            self.__dict__["_freefall_rows"] = rows
        return rows

    def canopy_rows(self) -> np.ndarray:
        """(n, 8): sig, wind east, wind north, wind-level weight, each value then slope (the
        compiled canopy's table, built once)."""
        rows = self.__dict__.get("_canopy_rows")
        if rows is None:
            cols = (self.sig, self.we, self.wn, self.wf)
            rows = np.ascontiguousarray(np.stack([v for col in cols for v in col], axis=1))
            self.__dict__["_canopy_rows"] = rows
        return rows

    def index(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = (z - self.z0) * self.inv_dz
        np.clip(x, 0.0, self.xmax, out=x)
        i = x.astype(np.intp)
        x -= i
        return i, x

    @staticmethod
    def lerp(col: tuple[np.ndarray, np.ndarray], i: np.ndarray, f: np.ndarray) -> np.ndarray:
        return col[0].take(i) + f * col[1].take(i)


def _pair(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    v = np.ascontiguousarray(v, dtype=float)
    s = np.empty_like(v)
    s[:-1] = np.diff(v)
    s[-1] = 0.0
    return v, s


_TABLES: list[tuple[object, object, AirTable]] = []


def air_table(atmosphere: Any, wind: Any) -> AirTable:
    """The (cached) table of an atmosphere and wind profile; identity-keyed, a few kept."""
    for atm, w, tab in _TABLES:
        if atm is atmosphere and w is wind:
            return tab
    tab = AirTable(atmosphere, wind)
    _TABLES.insert(0, (atmosphere, wind, tab))
    del _TABLES[4:]
    return tab


# =============================================================================================
# Per-block constants (structure of arrays, compacted as samples finish)
# =============================================================================================


class _Block:
    """Per-sample arrays of the samples still in a phase; ``keep`` compacts all of them."""

    def __init__(self, **arrays: np.ndarray | None) -> None:
        self.__dict__.update(arrays)

    def __getattr__(self, name: str) -> Any:  # the arrays set in __init__ (typing only)
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        self.__dict__[name] = value

    def keep(self, sel: np.ndarray) -> None:
        for k, v in list(self.__dict__.items()):
            if isinstance(v, np.ndarray):
                self.__dict__[k] = v[sel]


def _constants(p: JumpBatch, sl: slice, air: AirTable) -> _Block:
    m = p.mass[sl]
    scale = p.cda_scale[sl]
    const_drag = p.drag.is_constant
    kh = 0.5 * scale / m  # multiplies CdA(M) for a Mach table
    kc = kh * float(p.drag.cda[0]) if const_drag else None
    u0 = p.canopy_u0[sl]
    w0 = p.canopy_w0[sl]
    rot = p.wind_rotation[sl]
    ws = p.wind_scale[sl]
    cos_r, sin_r = np.cos(rot), np.sin(rot)
    lift = None
    if p.lift_ratio is not None:
        lift = np.asarray(p.lift_ratio, dtype=float)[sl]
        if not np.any(lift > 0.0):
            lift = None
    elif p.drag.glide_ratio > 0.0:
        lift = np.full(m.shape, float(p.drag.glide_ratio))
    ke = kn = None
    if layered(p):
        sub = p.take(np.arange(sl.start, sl.stop))
        ke, kn = layer_vectors(sub)
        ke = np.ascontiguousarray(ke)
        kn = np.ascontiguousarray(kn)
    umin = np.zeros(m.shape) if p.canopy_umin is None else p.canopy_umin[sl]
    stage = None
    if p.stages:
        if not const_drag:
            raise ValueError("body-position stages need a constant drag law")
        stage = np.zeros(m.shape, dtype=np.intp)
        if lift is None and any(d.glide_ratio > 0.0 for d, _, _ in p.stages):
            lift = np.zeros(m.shape)
        elif lift is not None:
            lift = lift.copy()
    return _Block(
        idx=np.arange(sl.start, sl.stop),
        umin=umin,
        stage=stage,
        t_exit=p.t0[sl].astype(float),
        kc=kc,
        kh=kh,
        khd=0.5 / m,
        kdr=0.5 * p.drogue_cda[sl] / m,
        kcan=0.5 * (2.0 * m * G0 / (RHO0 * (u0 * u0 + w0 * w0))) / m,
        cw=ws * cos_r,
        sw=ws * sin_r,
        cos_r=cos_r,
        sin_r=sin_r,
        wscale=ws,
        lift=lift,
        ke=ke,
        kn=kn,
        t_drogue=p.t0[sl] + p.drogue_time[sl],
        t_deploy=p.t0[sl] + p.deploy_after[sl],
        level=np.maximum(p.deploy_altitude[sl], p.ground),
        t_open=p.opening_time[sl],
        u0=u0,
        w0=w0,
    )


# =============================================================================================
# Right-hand sides from the table
# =============================================================================================


def _wind(air: AirTable, c: _Block, i: np.ndarray, f: np.ndarray) -> Any:
    """Per-sample wind (east, north) at table position (i, f): dynamics.wind_at."""
    if c.ke is not None:
        rows = air.rows(len(i))
        j = air.wj.take(i)
        j1 = air.wj1.take(i)
        j += rows
        j1 += rows
        fw = air.lerp(air.wf, i, f)
        gw = 1.0 - fw
        e0 = gw * c.ke.take(j) + fw * c.ke.take(j1)
        n0 = gw * c.kn.take(j) + fw * c.kn.take(j1)
    elif air.calm:
        zero = np.zeros(f.shape)
        return zero, zero
    else:
        e0 = air.lerp(air.we, i, f)
        n0 = air.lerp(air.wn, i, f)
    return c.cw * e0 + c.sw * n0, c.cw * n0 - c.sw * e0


class _Law:
    """Drag coefficient of one phase: freefall (with drogue and lift) or opening (blend)."""

    def __init__(self, p: JumpBatch, c: _Block, drogue_on: Any = None, t_dep: Any = None) -> None:
        self.p = p
        self.c = c
        self.table = None if p.drag.is_constant else (p.drag.mach, p.drag.cda)
        self.add = None
        self.drogue_table = None
        if drogue_on is not None and drogue_on.any():
            dd = p.drogue_drag
            if dd is not None and not dd.is_constant:
                # Cd(Mach) drogue: 0.5 CdA_d(M) / m, evaluated with the body's Mach number
                self.drogue_table = (dd.mach, dd.cda, np.where(drogue_on, c.khd, 0.0))
                if self.table is None:
                    self.table = (p.drag.mach, p.drag.cda)
            else:
                self.add = np.where(drogue_on, c.kdr, 0.0)
        self.t_dep = t_dep  # opening: deployment time per sample
        self.lift = c.lift if t_dep is None else None
        self.gconst = p.gravity

    def blend(self, t: np.ndarray) -> np.ndarray | None:
        """Opening blend s^k at time t (per sample), None in freefall."""
        if self.t_dep is None:
            return None
        s = np.clip((t - self.t_dep) / self.c.t_open, 0.0, 1.0)
        k = self.p.opening_exponent
        return s * s if k == 2.0 else s**k

    def k_const(self, s: np.ndarray | None) -> np.ndarray | None:
        """kd / (rho |v_rel|) for constant drag, for a blend s (None in freefall)."""
        c = self.c
        if self.table is not None:
            return None
        k = c.kc if self.add is None else c.kc + self.add
        if s is not None:
            k = k + (c.kcan - k) * s
        return k

    def acc(
        self, air: AirTable, z: Any, ve: Any, vn: Any, vu: Any, k: Any, s: Any, aux: bool = False
    ) -> Any:
        """Acceleration (east, north, up) and, with ``aux``, (|v_rel|, a, load in g)."""
        c = self.c
        i, f = air.index(z)
        rho = air.lerp(air.rho, i, f)
        we, wn = _wind(air, c, i, f)
        vre = ve - we
        vrn = vn - wn
        sp = np.sqrt(vre * vre + vrn * vrn + vu * vu)
        a = None
        if k is None:  # Mach-dependent drag
            a = air.lerp(air.a, i, f)
            mach = sp / a
            if self.c.kc is not None and self.p.drag.is_constant:
                k = self.c.kc
            else:
                tab = self.table
                assert tab is not None
                k = c.kh * np.interp(mach, tab[0], tab[1])
            if self.add is not None:
                k = k + self.add
            if self.drogue_table is not None:
                dm, dc, kd_ = self.drogue_table
                k = k + kd_ * np.interp(mach, dm, dc)
            if s is not None:
                k = k + (c.kcan - k) * s
        kd = k * rho * sp
        ae = -kd * vre
        an = -kd * vrn
        g = air.lerp(air.g, i, f) if self.gconst is None else self.gconst
        au = -kd * vu - g
        load_k = None
        if self.lift is not None:
            lr = self.lift
            he, hn = math.sin(self.p.track_heading), math.cos(self.p.track_heading)
            inv = 1.0 / np.maximum(sp, 1e-9)
            ee, en, ez = vre * inv, vrn * inv, vu * inv
            dot = he * ee + hn * en
            le, ln, lz = he - dot * ee, hn - dot * en, -dot * ez
            norm = np.sqrt(le * le + ln * ln + lz * lz)
            le, ln, lz, norm = lift_limit(ee, en, ez, le, ln, lz, norm)
            lmag = lr * kd * sp / np.maximum(norm, 1e-9)
            ae = ae + lmag * le
            an = an + lmag * ln
            au = au + lmag * lz
            load_k = np.sqrt(1.0 + lr * lr)
        if not aux:
            return ae, an, au, None
        if a is None:
            a = air.lerp(air.a, i, f)
        load = kd * sp / G0
        if load_k is not None:
            load = load * load_k
        return ae, an, au, (sp, a, load)


def _rk4(
    air: AirTable, law: _Law, t: Any, z: Any, ve: Any, vn: Any, vu: Any, h: Any, aux: bool = False
) -> Any:
    """One RK4 step of the point-mass equations (positions enter only through z).

    Returns the increments (de, dn, dz, dve, dvn, dvu), the auxiliaries at the start and the
    acceleration there."""
    hh = 0.5 * h
    s0 = law.blend(t)
    sm = law.blend(t + hh) if s0 is not None else None
    s1 = law.blend(t + h) if s0 is not None else None
    k0 = law.k_const(s0)
    km = law.k_const(sm) if s0 is not None else k0
    k1_ = law.k_const(s1) if s0 is not None else k0
    a1e, a1n, a1u, x = law.acc(air, z, ve, vn, vu, k0, s0, aux)
    ve2 = ve + hh * a1e
    vn2 = vn + hh * a1n
    vu2 = vu + hh * a1u
    a2e, a2n, a2u, _ = law.acc(air, z + hh * vu, ve2, vn2, vu2, km, sm)
    ve3 = ve + hh * a2e
    vn3 = vn + hh * a2n
    vu3 = vu + hh * a2u
    a3e, a3n, a3u, _ = law.acc(air, z + hh * vu2, ve3, vn3, vu3, km, sm)
    ve4 = ve + h * a3e
    vn4 = vn + h * a3n
    vu4 = vu + h * a3u
    a4e, a4n, a4u, _ = law.acc(air, z + h * vu3, ve4, vn4, vu4, k1_, s1)
    h6 = h / 6.0
    return (
        h6 * (ve + 2.0 * (ve2 + ve3) + ve4),
        h6 * (vn + 2.0 * (vn2 + vn3) + vn4),
        h6 * (vu + 2.0 * (vu2 + vu3) + vu4),
        h6 * (a1e + 2.0 * (a2e + a3e) + a4e),
        h6 * (a1n + 2.0 * (a2n + a3n) + a4n),
        h6 * (a1u + 2.0 * (a2u + a3u) + a4u),
        x,
        (a1e, a1n, a1u),
    )


def _to_level(
    air: Any,
    law: _Law,
    t: Any,
    z: Any,
    ve: Any,
    vn: Any,
    vu: Any,
    h: Any,
    z1: Any,
    vu1: Any,
    level: Any,
) -> Any:
    """Step size that puts z on ``level`` (the full step h crossed it) and the state there.

    First guess: the root of the cubic Hermite interpolant of z over the step (Newton on the
    cubic from the linear guess); then one Newton correction with an RK4 re-step."""
    th = np.clip((z - level) / np.where(z1 != z, z - z1, 1.0), 0.0, 1.0)
    hv0, hv1 = h * vu, h * vu1
    for _ in range(EVENT_NEWTON):
        t2, t3 = th * th, th * th * th
        p = (
            (2 * t3 - 3 * t2 + 1) * z
            + (t3 - 2 * t2 + th) * hv0
            + (3 * t2 - 2 * t3) * z1
            + (t3 - t2) * hv1
            - level
        )
        dp = (6 * t2 - 6 * th) * (z - z1) + (3 * t2 - 4 * th + 1) * hv0 + (3 * t2 - 2 * th) * hv1
        th = np.clip(th - p / np.where(np.abs(dp) > 1e-12, dp, -1e-12), 0.0, 1.0)
    hs = np.where(z <= level, 0.0, th * h)
    d = _rk4(air, law, t, z, ve, vn, vu, hs)
    rate = vu + d[5]
    zs = z + d[2]
    hs = np.clip(hs - (zs - level) / np.where(np.abs(rate) > 1e-9, rate, -1e-9), 0.0, h)
    hs = np.where(z <= level, 0.0, hs)
    d = _rk4(air, law, t, z, ve, vn, vu, hs)
    return hs, d


# =============================================================================================
# The recorder (sample 0 only) and its dense output
# =============================================================================================


class _Recorder:
    """Step points of sample 0: (t, position, velocity, derivative of velocity, phase)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.rows: list[tuple[float, np.ndarray, np.ndarray, np.ndarray | None, int]] = []

    def add(self, t: Any, pos: Any, vel: Any, acc: Any, phase: int) -> None:
        self.rows.append(
            (
                float(t),
                np.array(pos, dtype=float),
                np.array(vel, dtype=float),
                None if acc is None else np.array(acc, dtype=float),
                phase,
            )
        )

    def dense(self, p: JumpBatch) -> dict[str, np.ndarray]:
        """Cubic Hermite between step points: positions from velocities; in freefall and
        opening, velocities from accelerations; under canopy, velocities from the canopy law
        at the interpolated positions."""
        ts, ys, ph = [], [], []
        rows = self.rows
        for (ta, pa, va, aa, phase), (tb, pb, vb, ab, _) in itertools.pairwise(rows):
            h = tb - ta
            dt = OUT_DT_CANOPY if phase == PHASE_CANOPY else OUT_DT_FREEFALL
            if phase == PHASE_OPENING:
                dt = h
            m = max(1, math.ceil(h / dt - 1e-9)) if h > 0 else 1
            th = np.arange(m) / m
            h00 = 2 * th**3 - 3 * th**2 + 1
            h10 = th**3 - 2 * th**2 + th
            h01 = 3 * th**2 - 2 * th**3
            h11 = th**3 - th**2
            pos = (
                h00[:, None] * pa
                + h10[:, None] * h * va
                + h01[:, None] * pb
                + h11[:, None] * h * vb
            )
            if aa is not None and ab is not None:
                vel = (
                    h00[:, None] * va
                    + h10[:, None] * h * aa
                    + h01[:, None] * vb
                    + h11[:, None] * h * ab
                )
            else:
                vel = (1 - th)[:, None] * va + th[:, None] * vb
            if phase == PHASE_CANOPY and m > 1:
                q = p.take(np.zeros(m, dtype=np.intp))
                vel = canopy_velocity(q, np.concatenate([pos, vel], axis=1))
            ts.append(ta + th * h)
            ys.append(np.concatenate([pos, vel], axis=1))
            ph.append(np.full(m, phase, dtype=np.int8))
        t, pos, vel, _, phase = rows[-1]
        ts.append(np.array([t]))
        ys.append(np.concatenate([pos, vel])[None, :])
        ph.append(np.array([phase], dtype=np.int8))
        return {"t": np.concatenate(ts), "y": np.concatenate(ys), "phase": np.concatenate(ph)}


# =============================================================================================
# The phases of one block
# =============================================================================================


def _stage_tables(p: JumpBatch) -> Any:
    """Per-stage arrays of the body-position sequence: CdA, L/D and the next stage's start
    (time after exit, altitude), padded so that index ``stage + 1`` always exists."""
    inf = math.inf
    cda = [float(p.drag.cda[0])] + [float(d.cda[0]) for d, _, _ in p.stages] + [0.0]
    gr = [float(p.drag.glide_ratio)] + [float(d.glide_ratio) for d, _, _ in p.stages] + [0.0]
    after = [inf] + [inf if a is None else float(a) for _, a, _ in p.stages] + [inf]
    below = [-inf] + [-inf if b is None else float(b) for _, _, b in p.stages] + [-inf]
    return np.array(cda), np.array(gr), np.array(after), np.array(below)


def _freefall(
    p: JumpBatch,
    air: AirTable,
    c: _Block,
    out: JumpOutcome,
    rec: _Recorder | None,
    kc_deploy: np.ndarray | None = None,
) -> Any:
    """The freefall phase of a block: compiled (jump/freefall_compiled.py) for a constant drag
    area and drogue without lift, unless :data:`FREEFALL` says "numpy"; a Cd(Mach) table or a
    gliding position takes the numpy path (decided from the plan alone, so a scenario always
    flies the same path)."""
    tables = not p.drag.is_constant or (p.drogue_drag is not None and not p.drogue_drag.is_constant)
    if FREEFALL == "numpy" or tables or c.lift is not None:
        return _freefall_numpy(p, air, c, out, rec, kc_deploy)
    return _freefall_compiled(p, air, c, out, rec, kc_deploy)


def _freefall_compiled(
    p: JumpBatch,
    air: AirTable,
    c: _Block,
    out: JumpOutcome,
    rec: _Recorder | None,
    kc_deploy: np.ndarray | None,
) -> None:
    from stuntsim.jump import freefall_compiled as fc

    idx = c.idx
    m = idx.size
    staged = c.stage is not None
    record = rec is not None and m > 0 and idx[0] == 0
    flt = np.array([DT_FREEFALL, DT_EXIT, DT_GROWTH, float(p.ground)])
    flags = np.array([int(staged), int(record), MAX_STEPS, EVENT_NEWTON], dtype=np.int64)
    layered_ = c.ke is not None
    air_f = np.array([air.z0, air.inv_dz, air.xmax, float(p.gravity or 0.0)])
    air_i = np.array(
        [int(layered_), int(air.calm), air.n_levels, int(p.gravity is not None)], dtype=np.int64
    )
    ke = np.array(c.ke, dtype=float) if layered_ else np.zeros((m, 1))
    kn = np.array(c.kn, dtype=float) if layered_ else np.zeros((m, 1))
    x = np.full((fc.NX, m), np.nan)
    x[fc.T] = p.t0[idx]
    x[fc.E : fc.VU + 1] = p.y0[idx].T
    x[fc.TEXIT] = p.t0[idx]
    x[fc.TDROGUE], x[fc.TDEPLOY], x[fc.LEVEL] = c.t_drogue, c.t_deploy, c.level
    x[fc.KC], x[fc.KH], x[fc.KDR], x[fc.CW], x[fc.SW] = c.kc, c.kh, c.kdr, c.cw, c.sw
    x[fc.STAGE] = c.stage if staged else 0.0
    x[fc.SID] = np.arange(m)
    if staged:
        st = np.ascontiguousarray(np.stack(_stage_tables(p)), dtype=float)
    else:
        st = np.zeros((4, 2))
    res = np.full((17, m), np.nan)
    impact = np.zeros(m, dtype=np.bool_)
    rows = np.empty((MAX_STEPS + 1 if record else 1, 10))
    nrec = fc.fly_freefall(
        flt, flags, air_f, air_i, air.freefall_rows(), air.wj, ke, kn, x, st, res, impact,
        rows,
    )  # fmt: skip
    out.deploy_t[idx] = res[0]
    out.deploy_pos[idx] = res[1:4].T
    out.deploy_vel[idx] = res[4:7].T
    out.impact_freefall[idx] = impact
    if staged and kc_deploy is not None:
        kc_deploy[idx] = res[7]
    out.max_speed[idx] = res[8]
    out.max_speed_t[idx] = res[9]
    out.max_speed_pos[idx] = res[10:13].T
    out.max_speed_vel[idx] = res[13:16].T
    out.max_mach[idx] = res[16]
    if rec is not None and record:
        for r in rows[:nrec]:
            rec.add(r[0], r[1:4], r[4:7], r[7:10], PHASE_FREEFALL)


def _freefall_numpy(
    p: JumpBatch,
    air: AirTable,
    c: _Block,
    out: JumpOutcome,
    rec: _Recorder | None,
    kc_deploy: np.ndarray | None = None,
) -> Any:
    ground = p.ground
    idx = c.idx
    t = p.t0[idx].astype(float)
    t_exit = t.copy()
    e, n, z = (p.y0[idx, k].astype(float) for k in range(3))
    ve, vn, vu = (p.y0[idx, k].astype(float) for k in range(3, 6))
    staged = c.stage is not None
    if staged:
        st_cda, st_gr, st_after, st_below = _stage_tables(p)
    steps = 0
    while idx.size:
        steps += 1
        if steps > MAX_STEPS:
            raise RuntimeError("freefall did not end: check the deployment settings")
        drogue_on = t >= c.t_drogue - 1e-9
        h = np.minimum(np.minimum(DT_FREEFALL, DT_EXIT + DT_GROWTH * (t - t_exit)), c.t_deploy - t)
        h = np.where(drogue_on, h, np.minimum(h, c.t_drogue - t))
        level = c.level
        if staged:
            nxt = c.stage + 1
            t_next = t_exit + st_after[nxt]
            z_next = st_below[nxt]
            h = np.minimum(h, t_next - t)
            level = np.maximum(level, z_next)
        np.maximum(h, 0.0, out=h)
        law = _Law(p, c, drogue_on=drogue_on)
        de, dn, dz, dve, dvn, dvu, x, a1 = _rk4(air, law, t, z, ve, vn, vu, h, aux=True)
        _track(out, idx, t, e, n, z, ve, vn, vu, x)
        if rec is not None and idx[0] == 0:
            rec.add(t[0], (e[0], n[0], z[0]), (ve[0], vn[0], vu[0]), [a[0] for a in a1], 0)
        z1 = z + dz
        cross = z1 <= level
        if cross.any():
            ci = np.flatnonzero(cross)
            sub = _sub(c, ci)
            lw = _Law(p, sub, drogue_on=drogue_on[ci])
            hs, d = _to_level(
                air, lw, t[ci], z[ci], ve[ci], vn[ci], vu[ci], h[ci], z1[ci], vu[ci] + dvu[ci],
                level[ci],
            )  # fmt: skip
            h[ci] = hs
            de[ci], dn[ci], dz[ci], dve[ci], dvn[ci], dvu[ci] = d[:6]
        t = t + h
        e, n, z = e + de, n + dn, z + dz
        ve, vn, vu = ve + dve, vn + dvn, vu + dvu
        by_time = t >= c.t_deploy - 1e-9
        switch = None
        if staged:
            at_stage_level = cross & (z_next > c.level)
            switch = ((t >= t_next - 1e-9) | at_stage_level) & ~by_time
            cross = cross & ~at_stage_level
        done = cross | by_time
        if switch is not None and switch.any():
            si = np.flatnonzero(switch)
            c.stage[si] += 1
            c.kc[si] = c.kh[si] * st_cda[c.stage[si]]
            if c.lift is not None:
                c.lift[si] = st_gr[c.stage[si]]
        if done.any():
            gi = idx[done]
            impact = cross & (c.level <= ground + 1e-9) & ~by_time
            out.deploy_t[gi] = t[done]
            out.deploy_pos[gi] = np.stack([e[done], n[done], z[done]], axis=1)
            out.deploy_vel[gi] = np.stack([ve[done], vn[done], vu[done]], axis=1)
            out.impact_freefall[idx[impact]] = True
            if staged and kc_deploy is not None:
                kc_deploy[gi] = c.kc[done]  # the drag of the stage flown at deployment
            if rec is not None and idx[0] == 0 and done[0]:
                lw0 = _Law(p, _sub(c, np.array([0])), drogue_on=drogue_on[:1])
                a0 = lw0.acc(air, z[:1], ve[:1], vn[:1], vu[:1], lw0.k_const(None), None)
                rec.add(t[0], (e[0], n[0], z[0]), (ve[0], vn[0], vu[0]), [a[0] for a in a0[:3]], 0)
            keep = ~done
            idx, t, e, n, z, ve, vn, vu = (v[keep] for v in (idx, t, e, n, z, ve, vn, vu))
            t_exit = t_exit[keep]
            c.keep(keep)


def _sub(c: _Block, sel: np.ndarray) -> _Block:
    b = _Block(**c.__dict__)
    b.keep(sel)
    return b


def _track(
    out: JumpOutcome, idx: Any, t: Any, e: Any, n: Any, z: Any, ve: Any, vn: Any, vu: Any, x: Any
) -> None:
    """Running maxima of ground speed and Mach at step points."""
    speed = np.sqrt(ve * ve + vn * vn + vu * vu)
    better = ~(speed <= out.max_speed[idx])  # NaN-safe: the first value always wins
    if better.any():
        gi = idx[better]
        out.max_speed[gi] = speed[better]
        out.max_speed_t[gi] = t[better]
        out.max_speed_pos[gi] = np.stack([e[better], n[better], z[better]], axis=1)
        out.max_speed_vel[gi] = np.stack([ve[better], vn[better], vu[better]], axis=1)
    sp, a, _ = x
    out.max_mach[idx] = np.fmax(out.max_mach[idx], sp / a)


def _opening(
    p: JumpBatch, air: AirTable, c: _Block, out: JumpOutcome, rec: _Recorder | None
) -> Any:
    """The opening of a block: compiled (jump/freefall_compiled.py) for a constant drag area
    unless :data:`FREEFALL` says "numpy" (the same switch as the freefall's)."""
    if FREEFALL == "numpy" or c.kc is None:
        return _opening_numpy(p, air, c, out, rec)
    return _opening_compiled(p, air, c, out, rec)


def _opening_compiled(
    p: JumpBatch, air: AirTable, c: _Block, out: JumpOutcome, rec: _Recorder | None
) -> None:
    from stuntsim.jump import freefall_compiled as fc

    idx = c.idx
    m = idx.size
    t = out.deploy_t[idx].copy()
    z = out.deploy_pos[idx, 2].copy()
    ve, vn, vu = (out.deploy_vel[idx, k].copy() for k in range(3))
    i0, f0 = air.index(z.copy())
    we0, wn0 = _wind(air, c, i0, f0)
    v_air = np.sqrt((ve - we0) ** 2 + (vn - wn0) ** 2 + vu * vu)
    out.deploy_airspeed[idx] = v_air
    if p.opening_ref_speed is not None:
        # constant fill distance (Knacke): t_open = t_ref v_ref / v at deployment
        c.t_open = np.maximum(c.t_open * p.opening_ref_speed / np.maximum(v_air, 1.0), 0.2)
    h_open = c.t_open / OPENING_STEPS
    record = rec is not None and m > 0 and idx[0] == 0
    layered_ = c.ke is not None
    air_f = np.array([air.z0, air.inv_dz, air.xmax, float(p.gravity or 0.0)])
    air_i = np.array(
        [int(layered_), int(air.calm), air.n_levels, int(p.gravity is not None)], dtype=np.int64
    )
    ke = np.array(c.ke, dtype=float) if layered_ else np.zeros((m, 1))
    kn = np.array(c.kn, dtype=float) if layered_ else np.zeros((m, 1))
    x = np.full((fc.NXO, m), np.nan)
    x[fc.T] = t
    x[fc.E : fc.Z + 1] = out.deploy_pos[idx].T
    x[fc.VE : fc.VU + 1] = out.deploy_vel[idx].T
    x[fc.CW], x[fc.SW], x[fc.KC], x[fc.KCAN] = c.cw, c.sw, c.kc, c.kcan
    x[fc.MAXSPEED], x[fc.MST] = out.max_speed[idx], out.max_speed_t[idx]
    x[fc.MSE : fc.MSZ + 1] = out.max_speed_pos[idx].T
    x[fc.MSVE : fc.MSVU + 1] = out.max_speed_vel[idx].T
    x[fc.MAXMACH] = out.max_mach[idx]
    x[fc.SID] = np.arange(m)
    x[fc.TDEP], x[fc.TOPEN], x[fc.HOPEN] = t, c.t_open, h_open
    res = np.full((16, m), np.nan)
    loads = np.full((m, OPENING_STEPS + 1), -np.inf)
    landed = np.zeros(m, dtype=np.bool_)
    rows = np.empty((OPENING_STEPS + 2 if record else 1, 11))
    nrec = fc.fly_opening(
        np.array([float(p.ground), float(p.opening_exponent)]),
        np.array([OPENING_STEPS, int(record), EVENT_NEWTON], dtype=np.int64),
        air_f, air_i, air.freefall_rows(), air.wj, ke, kn, x, res, loads, landed, rows,
    )  # fmt: skip
    out.max_speed[idx] = res[7]
    out.max_speed_t[idx] = res[8]
    out.max_speed_pos[idx] = res[9:12].T
    out.max_speed_vel[idx] = res[12:15].T
    out.max_mach[idx] = res[15]
    # peak opening load over the loads each sample recorded (a sample that met the ground
    # stopped early: its row is cut where the numpy path cuts it)
    width = np.where(landed, np.count_nonzero(loads > -np.inf, axis=1), OPENING_STEPS + 1)
    for wd in np.unique(width):
        sel = width == wd
        _peak(out, idx[sel], loads[sel, :wd], t[sel], h_open[sel])
    gl, go = idx[landed], idx[~landed]
    out.impact_opening[gl] = True
    out.land_t[gl] = res[0, landed]
    out.land_pos[gl] = res[1:4, landed].T
    out.land_vel[gl] = res[4:7, landed].T
    out.open_t[go] = res[0, ~landed]
    out.open_pos[go] = res[1:4, ~landed].T
    out.open_vel[go] = res[4:7, ~landed].T
    if rec is not None and record:
        for r in rows[:nrec]:
            rec.add(r[0], r[1:4], r[4:7], r[7:10] if r[10] == 1.0 else None, PHASE_OPENING)


def _opening_numpy(
    p: JumpBatch, air: AirTable, c: _Block, out: JumpOutcome, rec: _Recorder | None
) -> Any:
    ground = p.ground
    idx = c.idx
    t = out.deploy_t[idx].copy()
    e, n, z = (out.deploy_pos[idx, k].copy() for k in range(3))
    ve, vn, vu = (out.deploy_vel[idx, k].copy() for k in range(3))
    t_dep = t.copy()
    i0, f0 = air.index(z.copy())
    we0, wn0 = _wind(air, c, i0, f0)
    v_air = np.sqrt((ve - we0) ** 2 + (vn - wn0) ** 2 + vu * vu)
    out.deploy_airspeed[idx] = v_air
    if p.opening_ref_speed is not None:
        # constant fill distance (Knacke): t_open = t_ref v_ref / v at deployment
        c.t_open = np.maximum(c.t_open * p.opening_ref_speed / np.maximum(v_air, 1.0), 0.2)
    h_open = c.t_open / OPENING_STEPS
    loads = np.full((idx.size, OPENING_STEPS + 1), -np.inf)
    rows = np.arange(idx.size)
    for j in range(OPENING_STEPS + 1):
        if not idx.size:
            break
        law = _Law(p, c, t_dep=t_dep)
        if j == OPENING_STEPS:  # the open state: its load and speed
            s = law.blend(t)
            ae, an, au, x = law.acc(air, z, ve, vn, vu, law.k_const(s), s, aux=True)
            loads[rows, j] = x[2]
            _track(out, idx, t, e, n, z, ve, vn, vu, x)
            if rec is not None and idx[0] == 0:
                rec.add(t[0], (e[0], n[0], z[0]), (ve[0], vn[0], vu[0]), (ae[0], an[0], au[0]), 1)
            break
        h = h_open.copy()
        de, dn, dz, dve, dvn, dvu, x, a1 = _rk4(air, law, t, z, ve, vn, vu, h, aux=True)
        loads[rows, j] = x[2]
        _track(out, idx, t, e, n, z, ve, vn, vu, x)
        if rec is not None and idx[0] == 0:
            rec.add(t[0], (e[0], n[0], z[0]), (ve[0], vn[0], vu[0]), [a[0] for a in a1], 1)
        z1 = z + dz
        cross = z1 <= ground
        if cross.any():
            ci = np.flatnonzero(cross)
            lw = _Law(p, _sub(c, ci), t_dep=t_dep[ci])
            hs, d = _to_level(
                air, lw, t[ci], z[ci], ve[ci], vn[ci], vu[ci], h[ci], z1[ci], vu[ci] + dvu[ci],
                np.full(ci.size, ground),
            )  # fmt: skip
            h[ci] = hs
            de[ci], dn[ci], dz[ci], dve[ci], dvn[ci], dvu[ci] = d[:6]
            z1 = z + dz
        t = t + h
        e, n, z = e + de, n + dn, z + dz
        ve, vn, vu = ve + dve, vn + dvn, vu + dvu
        if cross.any():
            z[cross] = ground
            gi = idx[cross]
            out.impact_opening[gi] = True
            out.land_t[gi] = t[cross]
            out.land_pos[gi] = np.stack([e[cross], n[cross], z[cross]], axis=1)
            out.land_vel[gi] = np.stack([ve[cross], vn[cross], vu[cross]], axis=1)
            _peak(out, gi, loads[cross, : j + 1], t_dep[cross], h_open[cross])
            if rec is not None and idx[0] == 0 and cross[0]:
                rec.add(t[0], (e[0], n[0], z[0]), (ve[0], vn[0], vu[0]), None, 1)
            keep = ~cross
            idx, t, e, n, z, ve, vn, vu, t_dep, h_open = (
                v[keep] for v in (idx, t, e, n, z, ve, vn, vu, t_dep, h_open)
            )
            loads = loads[keep]
            rows = np.arange(idx.size)
            c.keep(keep)
    if idx.size:
        _peak(out, idx, loads, t_dep, h_open)
        out.open_t[idx] = t
        out.open_pos[idx] = np.stack([e, n, z], axis=1)
        out.open_vel[idx] = np.stack([ve, vn, vu], axis=1)


def _peak(out: JumpOutcome, gi: Any, loads: np.ndarray, t_dep: Any, h: Any) -> None:
    """Peak opening load: the largest sample, refined by the parabola through its neighbours
    (vertex of the quadratic through three equally spaced samples)."""
    jm = np.argmax(loads, axis=1)
    r = np.arange(len(jm))
    g0 = loads[r, jm]
    peak, tp = g0.copy(), t_dep + jm * h
    inner = (jm > 0) & (jm < loads.shape[1] - 1)
    if inner.any():
        ri, ji = r[inner], jm[inner]
        gm, gc, gp = loads[ri, ji - 1], loads[ri, ji], loads[ri, ji + 1]
        den = gm - 2.0 * gc + gp
        ok = np.isfinite(gm) & np.isfinite(gp) & (den < 0.0)
        off = np.where(ok, 0.5 * (gm - gp) / np.where(ok, den, -1.0), 0.0)
        peak[inner] = np.where(ok, gc - 0.25 * (gm - gp) * off, gc)
        tp[inner] = t_dep[inner] + (ji + off) * h[inner]
    out.peak_g[gi] = peak
    out.peak_g_t[gi] = tp


class _CanopyLevel:
    """Everything at one altitude that the canopy law needs (shared by the stages there)."""

    __slots__ = ("dre", "drn", "inv_wd", "r_rem", "u", "umin", "we", "wn", "z")
    dre: Any
    drn: Any
    inv_wd: Any
    r_rem: Any
    u: Any
    umin: Any
    we: Any
    wn: Any
    z: Any

    def __init__(
        self, p: JumpBatch, air: AirTable, c: _Block, z: np.ndarray, z_aim: Any, d_aim: Any = None
    ) -> None:
        i, f = air.index(z)
        sig = air.lerp(air.sig, i, f)
        we, wn = _wind(air, c, i, f)
        self.z = z
        self.we = we
        self.wn = wn
        self.u = c.u0 * sig
        self.umin = c.umin * sig
        self.inv_wd = 1.0 / (c.w0 * sig)
        self.dre = self.drn = self.r_rem = None
        if p.steering == "target":
            # The pilot predicts the drift still to come from the FORECAST (the scenario's
            # winds, unperturbed), scaled to their own canopy's descent rate; the sample flies
            # through its own wind. D_rem is taken down to the aim level z_aim.
            k = p.drift_w0 / c.w0
            dz, de, dn = _drift(p)
            if d_aim is None:  # the drift table at the aim level
                d_aim = (np.interp(z_aim, dz, de), np.interp(z_aim, dz, dn))
            # the table is uniform in z (jump/canopy.py drift_table): index it directly
            x = (z - dz[0]) * ((len(dz) - 1) / (dz[-1] - dz[0]))
            np.clip(x, 0.0, len(dz) - 1 - 1e-9, out=x)
            j = x.astype(np.intp)
            x -= j
            e0, n0 = de.take(j), dn.take(j)
            self.dre = k * (e0 + x * (de.take(j + 1) - e0) - d_aim[0])
            self.drn = k * (n0 + x * (dn.take(j + 1) - n0) - d_aim[1])
            self.r_rem = np.maximum(c.u0 / c.w0 * (z - z_aim), 2.0)


def _canopy_vh(
    p: JumpBatch,
    lv: _CanopyLevel,
    e: Any,
    n: Any,
    aim_e: Any = None,
    aim_n: Any = None,
    final: Any = None,
) -> Any:
    """Horizontal ground velocity under canopy (dynamics.canopy_velocity). ``aim_e/aim_n``
    ("target" steering): the point to reach at the aim level of ``lv`` (the next checkpoint of
    the landing pattern, or the target); ``final``: samples on the final leg."""
    we, wn, u = lv.we, lv.wn, lv.u
    if p.steering == "drift":
        return we, wn
    if p.steering == "heading":
        return we + u * math.sin(p.canopy_heading), wn + u * math.cos(p.canopy_heading)
    if p.steering == "into_wind":
        w = np.hypot(we, wn)
        calm = w < 1e-6
        ws = np.where(calm, 1.0, w)
        ae = np.where(calm, u * math.sin(p.canopy_heading), -u * we / ws)
        an = np.where(calm, u * math.cos(p.canopy_heading), -u * wn / ws)
        return we + ae, wn + an
    need_e = (p.target_east if aim_e is None else aim_e) - e - lv.dre
    need_n = (p.target_north if aim_n is None else aim_n) - n - lv.drn
    need = np.hypot(need_e, need_n)
    scale = u / np.maximum(lv.r_rem, need)
    ae, an = need_e * scale, need_n * scale
    if final is not None and final.any():
        # final leg: straight in on the final heading, braking no slower than the slowest
        # flying airspeed, correcting across within the rest of the speed range (no turn back)
        hd = float(p.final_heading or 0.0)
        he, hn = math.sin(hd), math.cos(hd)
        al = np.clip(u * (need_e * he + need_n * hn) / lv.r_rem, lv.umin, u)
        cr_max = np.sqrt(np.maximum(u * u - al * al, 0.0))
        cr = np.clip(u * (need_e * hn - need_n * he) / lv.r_rem, -cr_max, cr_max)
        cr = np.where(lv.z - p.ground < FLARE_AGL, 0.0, cr)  # wings level for the flare
        ae = np.where(final, al * he + cr * hn, ae)
        an = np.where(final, al * hn - cr * he, an)
    return we + ae, wn + an


def _drift(p: JumpBatch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The forecast drift table of a "target" batch (jump/plan.py always sets it)."""
    if p.drift_z is None or p.drift_e is None or p.drift_n is None:
        raise ValueError("target steering needs the drift table")
    return p.drift_z, p.drift_e, p.drift_n


def _aims(p: JumpBatch, z: np.ndarray) -> Any:
    """Aim level and point of a canopy step starting at z ("target" steering): the next
    checkpoint of the landing pattern below z (entry, base turn, final turn), then the
    target on the ground. Returns (z_aim, aim_east, aim_north) or None without a pattern."""
    if p.pattern_levels is None or p.pattern_points is None or p.steering != "target":
        return None
    lv = np.asarray((*p.pattern_levels, p.ground))
    pe = np.array([q[0] for q in p.pattern_points] + [p.target_east])
    pn = np.array([q[1] for q in p.pattern_points] + [p.target_north])
    dz, de_, dn_ = _drift(p)
    de = np.interp(lv, dz, de_)
    dn = np.interp(lv, dz, dn_)
    k = np.count_nonzero(z[:, None] <= lv[None, :3] + 1e-6, axis=1)
    return lv[k], pe[k], pn[k], (de[k], dn[k])


def _canopy(p: JumpBatch, air: AirTable, c: _Block, out: JumpOutcome, rec: _Recorder | None) -> Any:
    """The canopy phase of a block: compiled (jump/canopy_compiled.py) unless :data:`CANOPY`
    says "numpy" (the reference path, kept for the benchmark and the agreement test)."""
    if CANOPY == "numpy":
        return _canopy_numpy(p, air, c, out, rec)
    return _canopy_compiled(p, air, c, out, rec)


def _canopy_compiled(
    p: JumpBatch, air: AirTable, c: _Block, out: JumpOutcome, rec: _Recorder | None
) -> None:
    from stuntsim.jump import canopy_compiled as cc

    idx = c.idx
    m = idx.size
    f8 = cc.as_f8
    ground = float(p.ground)
    target = p.steering == "target"
    pattern = target and p.pattern_levels is not None and p.pattern_points is not None
    knots = np.asarray(air.knots, dtype=float)
    if pattern:
        knots = np.unique(np.concatenate([knots, np.asarray(p.pattern_levels)]))
    if target:
        dz, de_, dn_ = _drift(p)
        if pattern:
            assert p.pattern_levels is not None and p.pattern_points is not None
            az = np.asarray((*p.pattern_levels, p.ground), dtype=float)
            ae = np.array([q[0] for q in p.pattern_points] + [p.target_east], dtype=float)
            an = np.array([q[1] for q in p.pattern_points] + [p.target_north], dtype=float)
        else:
            az = np.array([ground])
            ae = np.array([float(p.target_east)])
            an = np.array([float(p.target_north)])
        ade, adn = np.interp(az, dz, de_), np.interp(az, dz, dn_)
    else:
        dz = de_ = dn_ = np.zeros(2)
        az, ae, an = np.array([ground]), np.zeros(1), np.zeros(1)
        ade = adn = np.zeros(1)
    final_on = target and p.final_heading is not None
    hd = float(p.final_heading or 0.0)
    flt = np.array(
        [
            float(p.canopy_heading or 0.0), ground, float(p.final_agl), math.sin(hd),
            math.cos(hd), float(p.drift_w0), DZ_CANOPY, TARGET_STEP_FRACTION,
            TARGET_FINAL_DZ, FLARE_AGL,
        ]
    )  # fmt: skip
    record = rec is not None and m > 0 and idx[0] == 0
    flags = np.array([int(final_on), 3 if pattern else 0, int(record), MAX_STEPS], dtype=np.int64)
    layered_ = c.ke is not None
    air_f = np.array([air.z0, air.inv_dz, air.xmax])
    air_i = np.array([int(layered_), int(air.calm), air.n_levels], dtype=np.int64)
    ke = np.array(c.ke, dtype=float) if layered_ else np.zeros((m, 1))  # copies: compacted
    kn = np.array(c.kn, dtype=float) if layered_ else np.zeros((m, 1))
    state = np.empty((4, m))
    state[0] = out.open_t[idx]
    state[1:4] = out.open_pos[idx].T
    res = np.empty((9, m))
    rows = np.empty((MAX_STEPS + 1 if record else 1, 7))
    tab = air.canopy_rows()
    u0, w0 = f8(c.u0), f8(c.w0)
    ps = np.stack([u0, w0, f8(c.umin), f8(c.cw), f8(c.sw), p.drift_w0 / w0, u0 / w0], axis=1)
    nrec = cc.fly_canopy(
        cc.STEER_CODES[p.steering],
        flt,
        flags,
        air_f,
        air_i,
        tab,
        air.wj,
        ke,
        kn,
        ps,
        np.stack([f8(dz), f8(de_), f8(dn_)]),
        np.stack([az, ae, an, ade, adn]).astype(float),
        f8(knots),
        state,
        res,
        rows,
    )
    out.land_t[idx] = res[0]
    out.land_pos[idx] = res[1:4].T
    out.land_vel[idx] = res[4:7].T
    out.canopy_drift[idx] = res[7:9].T
    if rec is not None and record:
        for r in rows[:nrec]:
            rec.add(r[0], r[1:4], r[4:7], None, PHASE_CANOPY)


def _canopy_numpy(
    p: JumpBatch, air: AirTable, c: _Block, out: JumpOutcome, rec: _Recorder | None
) -> Any:
    ground = p.ground
    idx = c.idx
    t = out.open_t[idx].copy()
    e, n, z = (out.open_pos[idx, k].copy() for k in range(3))
    knots = air.knots
    target = p.steering == "target"
    pattern = target and p.pattern_levels is not None
    if pattern:
        knots = np.unique(np.concatenate([knots, np.asarray(p.pattern_levels)]))
    wde = np.zeros(idx.size)  # wind drift accumulated under canopy
    wdn = np.zeros(idx.size)
    ae_ = an_ = None
    za_prev: np.ndarray | None = None
    got = _aims(p, z)
    lv0 = _CanopyLevel(
        p, air, c, z, ground if got is None else got[0], None if got is None else got[3]
    )
    steps = 0
    while idx.size:
        steps += 1
        if steps > MAX_STEPS:
            raise RuntimeError("canopy flight did not end")
        # step: at most DZ_CANOPY, ending on the next wind (or pattern) level below and on the
        # ground
        ds = np.minimum(DZ_CANOPY, z - ground)
        za: Any = ground
        d_aim = None
        fin = None
        if target:
            # the pursuit law's gain grows as 1/(z - z_aim): approach the aim level in steps of
            # at most a fraction of the height left, then take the last one down to it
            got = _aims(p, z)
            if got is not None:
                za, ae_, an_, d_aim = got
                if za_prev is not None:
                    # a new leg starts where the last one ended: its aim level changes there
                    ch = np.flatnonzero(za != za_prev)
                    if ch.size:
                        part = _CanopyLevel(
                            p, air, _sub(c, ch), z[ch], za[ch], (d_aim[0][ch], d_aim[1][ch])
                        )
                        for name in ("dre", "drn", "r_rem"):
                            getattr(lv0, name)[ch] = getattr(part, name)
                za_prev = za
            if p.final_heading is not None:
                fin = z <= ground + p.final_agl + 1e-6
                if pattern:
                    fin = fin & (np.asarray(za) <= ground)
                # the final leg starts on its own level: steps end there
                zf = ground + p.final_agl
                ds = np.where(z > zf + 1e-6, np.minimum(ds, z - zf), ds)
            r = z - za
            ds = np.where(r > TARGET_FINAL_DZ, np.minimum(ds, r * TARGET_STEP_FRACTION), r)
            ds = np.minimum(ds, z - ground)
        kb = np.searchsorted(knots, z - 1e-6, side="left") - 1
        has = kb >= 0
        if has.any():
            below = z - knots[np.maximum(kb, 0)]
            ds = np.where(has & (knots[np.maximum(kb, 0)] > ground), np.minimum(ds, below), ds)
        last = ds >= z - ground - 1e-9
        zm = z - 0.5 * ds
        z1 = np.where(last, ground, z - ds)
        lvm = _CanopyLevel(p, air, c, zm, za, d_aim)
        lv1 = _CanopyLevel(p, air, c, z1, za, d_aim)
        v1e, v1n = _canopy_vh(p, lv0, e, n, ae_, an_, fin)
        if rec is not None and idx[0] == 0:
            rec.add(
                t[0],
                (e[0], n[0], z[0]),
                (v1e[0], v1n[0], -1.0 / lv0.inv_wd[0]),
                None,
                PHASE_CANOPY,
            )
        k1e, k1n = v1e * lv0.inv_wd, v1n * lv0.inv_wd
        hd = 0.5 * ds
        v2e, v2n = _canopy_vh(p, lvm, e + hd * k1e, n + hd * k1n, ae_, an_, fin)
        k2e, k2n = v2e * lvm.inv_wd, v2n * lvm.inv_wd
        v3e, v3n = _canopy_vh(p, lvm, e + hd * k2e, n + hd * k2n, ae_, an_, fin)
        k3e, k3n = v3e * lvm.inv_wd, v3n * lvm.inv_wd
        v4e, v4n = _canopy_vh(p, lv1, e + ds * k3e, n + ds * k3n, ae_, an_, fin)
        k4e, k4n = v4e * lv1.inv_wd, v4n * lv1.inv_wd
        d6 = ds / 6.0
        e = e + d6 * (k1e + 2.0 * (k2e + k3e) + k4e)
        n = n + d6 * (k1n + 2.0 * (k2n + k3n) + k4n)
        t = t + d6 * (lv0.inv_wd + 4.0 * lvm.inv_wd + lv1.inv_wd)
        wde = wde + d6 * (lv0.we * lv0.inv_wd + 4.0 * lvm.we * lvm.inv_wd + lv1.we * lv1.inv_wd)
        wdn = wdn + d6 * (lv0.wn * lv0.inv_wd + 4.0 * lvm.wn * lvm.inv_wd + lv1.wn * lv1.inv_wd)
        z = z1
        lv0 = lv1
        if last.any():
            gi = idx[last]
            ve, vn = _canopy_vh(p, lv1, e, n, ae_, an_, fin)
            vz = -1.0 / lv1.inv_wd
            out.land_t[gi] = t[last]
            out.land_pos[gi] = np.stack([e[last], n[last], z[last]], axis=1)
            out.land_vel[gi] = np.stack([ve[last], vn[last], vz[last]], axis=1)
            out.canopy_drift[gi] = np.stack([wde[last], wdn[last]], axis=1)
            if rec is not None and idx[0] == 0 and last[0]:
                rec.add(t[0], (e[0], n[0], z[0]), (ve[0], vn[0], vz[0]), None, PHASE_CANOPY)
            keep = ~last
            idx, t, e, n, z, wde, wdn = (v[keep] for v in (idx, t, e, n, z, wde, wdn))
            c.keep(keep)
            if ae_ is not None and an_ is not None and za_prev is not None:
                ae_, an_, za_prev = ae_[keep], an_[keep], za_prev[keep]
            for name in _CanopyLevel.__slots__:
                v = getattr(lv0, name)
                if isinstance(v, np.ndarray):
                    setattr(lv0, name, v[keep])


# =============================================================================================
# Entry point
# =============================================================================================


def simulate_batch(p: JumpBatch, record: bool = False) -> JumpOutcome:
    """Integrate every sample of ``p`` from exit to landing.

    ``record`` keeps the trajectory of sample 0 (``outcome.trajectory``: t, y (T, 6) and the
    phase per point), densified by Hermite interpolation between the integration steps."""
    n = p.n
    out = JumpOutcome.empty(n)
    out.exit_t[:] = p.t0
    out.exit_pos[:] = p.y0[:, :3]
    out.exit_vel[:] = p.y0[:, 3:]
    air = air_table(p.atmosphere, p.wind)
    rec = _Recorder(True) if record and n > 0 else None
    kc_deploy = np.full(n, np.nan) if p.stages else None
    for start in range(0, n, BLOCK):
        sl = slice(start, min(n, start + BLOCK))
        c = _constants(p, sl, air)
        _freefall(p, air, _sub(c, np.arange(c.idx.size)), out, rec, kc_deploy)
        ok = ~out.impact_freefall[sl]
        c.keep(ok)
        if c.stage is not None and kc_deploy is not None:
            c.kc = kc_deploy[c.idx]  # the opening starts from the stage flown at deployment
        if c.idx.size:
            _opening(p, air, _sub(c, np.arange(c.idx.size)), out, rec)
            c.keep(~out.impact_opening[c.idx])
        if c.idx.size:
            _canopy(p, air, c, out, rec)
    imp = out.impact_freefall
    out.land_t[imp] = out.deploy_t[imp]
    out.land_pos[imp] = out.deploy_pos[imp]
    out.land_vel[imp] = out.deploy_vel[imp]
    if rec is not None:
        out.trajectory = rec.dense(p.take(np.array([0])))
    return out
