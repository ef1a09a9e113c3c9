"""The compiled car kernel: the model of :mod:`stuntsim.car.dynamics`, one car per thread.

The equations, the integrator and the driver are exactly those of the numpy reference
(:class:`stuntsim.car.dynamics.CarModel`, :func:`stuntsim.car.dynamics.simulate`,
:class:`stuntsim.car.driver.DriverBatch`): the reference evaluates every force as a (B, 4)
array operation, which on a few hundred cars costs more in numpy's per-call overhead than in
arithmetic; here numba compiles the whole integration loop of one car (about 3 000 steps) and
runs the cars of a batch in parallel threads (``prange``). tests/test_car_kernel.py checks the
kernel against the reference step by step and over a run down the steps;
benchmarks/bench_car.py measures both.

What differs from the reference, by design:

- each car stops integrating at its own first record past the plan's stop line (the
  reference stops when every car of the batch has passed it); its records then hold its last
  state, so a car's histories never depend on the other cars of the batch;
- the 3x3 implicit solve of the rear wheels and engine uses Gaussian elimination with partial
  pivoting written out (numpy's LAPACK solve differs in the last bits).

Compiled functions are cached on disk (``cache=True``): the first use in a fresh install
compiles for about half a minute, later processes load the cache.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numba
import numpy as np
from numba import njit, prange

from stuntsim.car.driver import CHANNELS, TRIGGER_VARIABLES
from stuntsim.car.dynamics import NSTATE, RHO_AIR, V_LOW, V_SLIDE, CarModel, SimOutput
from stuntsim.car.stairs import E_CAP, MAX_SLOPE
from stuntsim.car.vehicle import G

if TYPE_CHECKING:
    from stuntsim.car.plan import CarPlan
    from stuntsim.car.samples import CarSamples

# the workqueue threading layer survives a fork (GNU OpenMP does not), so a process that ran a
# parallel batch can still fork the Monte Carlo's local workers; only the car uses prange
if numba.config.THREADING_LAYER == "default":  # type: ignore[attr-defined]
    numba.config.THREADING_LAYER = "workqueue"  # type: ignore[attr-defined]

RPM = 2.0 * math.pi / 60.0
SLIP = 1.0  # drivetrain.SLIP_SPEED
BRAKE_SLIP = 0.5  # drivetrain.friction_brake slip_speed
NC = len(CHANNELS)
VAR_INDEX = {name: i for i, name in enumerate(TRIGGER_VARIABLES)}
OP_INDEX = {">=": 0, "<=": 1, ">": 2, "<": 3}

# scalar parameters per car
(
    P_R,
    P_H,
    P_MS,
    P_M,
    P_IZ,
    P_IY,
    P_IX,
    P_KARB_F,
    P_KARB_R,
    P_KT,
    P_CT,
    P_BOTTOM,
    P_BUMP,
    P_REBOUND,
    P_KSTOP,
    P_ACK,
    P_XS,
    P_DRAG,
    P_FRR,
    P_IW,
    P_JE,
    P_IDLE,
    P_CUT,
    P_DRAG0,
    P_DRAG1,
    P_CLUTCH,
    P_LOCK,
    P_PRELOAD,
    P_RUNNING,
    P_BK,
    P_BC,
    P_BMU,
    P_BR,
    P_NBODY,
) = range(34)
NP = 34
# per-wheel parameters
W_XW, W_YW, W_MU, W_FS0, W_KS, W_CS, W_OFF, W_BRAKE, W_HB, W_CSTOP, W_XB = range(11)
NW = 11
NTY = 23  # tyre coefficients (see _tyre_row)
# floating-point contraction and reassociation only (no assumptions about inf or NaN)
FAST = {"contract", "reassoc", "arcp", "afn"}


def _tyre_row(p) -> list[float]:  # type: ignore[no-untyped-def]
    return [
        p.p_cx1,
        p.p_dx1,
        p.p_ex1,
        p.p_kx1,
        p.p_cy1,
        p.p_dy1,
        p.p_ey1,
        p.p_ky1,
        p.r_bx1,
        p.r_bx2,
        p.r_cx1,
        p.r_ex1,
        p.r_by1,
        p.r_by2,
        p.r_by3,
        p.r_cy1,
        p.r_ey1,
        p.fz0,
        -1.0 if p.p_ky2 is None else p.p_ky2,  # <= 0: K_y = p_ky1 F_z
        p.p_dx2,
        p.p_dy2,
        p.mu_scale,
        p.cornering_scale,
    ]


def model_params(model: CarModel) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(scalars (NP,), per wheel (NW, 4), body points (P, 3), tyres (2, NTY)) of one car."""
    v = model.vehicle
    sc = np.zeros(NP)
    sc[P_R] = v.wheel_radius
    sc[P_H] = v.cg_height
    sc[P_MS] = model.ms
    sc[P_M] = v.mass
    sc[P_IZ] = v.yaw_inertia
    sc[P_IY] = v.pitch_inertia
    sc[P_IX] = v.roll_inertia
    sc[P_KARB_F], sc[P_KARB_R] = model.karb
    sc[P_KT] = v.tyre_stiffness
    sc[P_CT] = v.tyre_damping
    sc[P_BOTTOM] = v.tyre_bottoming
    sc[P_BUMP] = v.bump_travel
    sc[P_REBOUND] = v.rebound_travel
    sc[P_KSTOP] = v.bump_stop_rate
    sc[P_ACK] = model.ack
    sc[P_XS] = model.xs
    sc[P_DRAG] = 0.5 * RHO_AIR * v.drag_area if model.aero else 0.0
    sc[P_FRR] = v.rolling_resistance
    sc[P_IW] = v.wheel_inertia
    sc[P_JE] = v.engine.inertia
    sc[P_IDLE] = v.engine.idle_speed
    sc[P_CUT] = v.engine.cut_speed
    sc[P_DRAG0] = v.engine.drag0
    sc[P_DRAG1] = v.engine.drag1
    sc[P_CLUTCH] = v.clutch.capacity
    sc[P_LOCK] = v.diff.locking
    sc[P_PRELOAD] = v.diff.preload
    sc[P_RUNNING] = 1.0 if model.engine_running else 0.0
    sc[P_BK] = v.body_stiffness
    sc[P_BC] = v.body_damping
    sc[P_BMU] = v.body_friction
    sc[P_BR] = v.body_radius
    sc[P_NBODY] = model.n_body
    wh = np.zeros((NW, 4))
    wh[W_XW] = model.xw
    wh[W_YW] = model.yw
    wh[W_MU] = model.mu
    wh[W_FS0] = model.fs0
    wh[W_KS] = model.ks
    wh[W_CS] = model.cs
    wh[W_OFF] = model.offset
    wh[W_BRAKE] = model.brake_cap
    wh[W_HB] = model.hb_cap
    wh[W_CSTOP] = model.c_stop
    wh[W_XB] = model.xb
    bp = np.column_stack([model.bpx, model.bpy, model.bpz]) if model.n_body else np.zeros((0, 3))
    ty = np.array([_tyre_row(v.tyre), _tyre_row(v.tyre_rear)])
    return sc, wh, bp, ty


def ground_segments(ground: object) -> tuple[np.ndarray, float]:
    """(segments (S, 4): start, end, height at start, slope; shortest horizontal length) of the
    ground profile along north (stuntsim.car.stairs / stuntsim.car.ground)."""
    seg = getattr(ground, "segments", None)
    if seg is not None:
        return seg()
    return np.array([[-np.inf, np.inf, 0.0, 0.0]]), np.inf


# --- compiled pieces ----------------------------------------------------------------------------


@njit(cache=True, inline="always")
def _clip01(x: float) -> float:
    return min(max(x, 0.0), 1.0)


@njit(cache=True)
def _envelope(seg: np.ndarray, min_len: float, y: float, radius: float) -> tuple[float, float]:
    """Effective ground height and slope under a disc of ``radius`` centred above ``y``
    (stuntsim.car.stairs.Stairs.envelope, generalised to sloped segments)."""
    n = seg.shape[0]
    # index of the segment containing y: last start <= y
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi) // 2
        if seg[mid, 0] <= y:
            lo = mid + 1
        else:
            hi = mid
    idx = lo - 1
    m = n if not math.isfinite(min_len) else math.ceil(radius / min_len) + 1
    cap_h = radius / math.sqrt(1.0 + MAX_SLOPE * MAX_SLOPE)
    best = -np.inf
    best_slope = 0.0
    for j in range(idx - m, idx + m + 1):
        k = min(max(j, 0), n - 1)
        a, b, z0, s = seg[k, 0], seg[k, 1], seg[k, 2], seg[k, 3]
        if s != 0.0:
            q = math.sqrt(1.0 + s * s)
            foot = y + radius * s / q
            if a <= foot <= b:
                val = z0 + s * (y - a) + radius * q
                if val > best:
                    best = val
                    best_slope = s
                continue
            y_end = a if foot < a else b
            z_end = z0 + s * (y_end - a) if math.isfinite(y_end - a) else z0
            e = y - y_end
        else:
            e = y - min(max(y, a), b)
            z_end = z0
        ae = abs(e)
        if ae < E_CAP * radius:
            root = math.sqrt(radius * radius - e * e)
            val = z_end + root
            sl = -e / root
        else:
            val = z_end + cap_h - MAX_SLOPE * (ae - E_CAP * radius)
            sl = -MAX_SLOPE * (1.0 if e > 0 else (-1.0 if e < 0 else 0.0))
        if val > best:
            best = val
            best_slope = sl
    return best - radius, best_slope


@njit(cache=True, fastmath=FAST)
def _mf(b: float, c: float, e: float, s: float) -> float:
    bs = b * s
    return math.sin(c * math.atan(bs - e * (bs - math.atan(bs))))


@njit(cache=True, fastmath=FAST)
def _mf_slope(b: float, c: float, e: float, s: float) -> float:
    bs = b * s
    phi = bs - e * (bs - math.atan(bs))
    dphi = b * (1.0 - e + e / (1.0 + bs * bs))
    return math.cos(c * math.atan(phi)) * c / (1.0 + phi * phi) * dphi


@njit(cache=True, fastmath=FAST)
def _tyre(kappa: float, alpha: float, fz: float, p: np.ndarray) -> tuple[float, float, float]:
    """stuntsim.car.tyre.forces for one wheel: (F_x, F_y, dF_x/dkappa)."""
    fz = max(fz, 0.0)
    dfz = min(max((fz - p[17]) / p[17], -1.0), 2.0)
    mux = (p[1] + p[19] * dfz) * p[21]
    muy = (p[5] + p[20] * dfz) * p[21]
    dx = mux * fz
    dy = muy * fz
    fzs = max(fz, 1.0)
    bx = p[3] / (p[0] * max(mux, 1e-3))
    if p[18] <= 0.0:
        ky = p[7] * fzs
    else:
        z = fzs / (p[18] * p[17])
        ky = p[7] * p[17] * 2.0 * z / (1.0 + z * z)
    ky *= p[22]
    by = ky / (p[4] * max(muy, 1e-3) * fzs)
    fx0 = dx * _mf(bx, p[0], p[2], kappa)
    fy0 = -dy * _mf(by, p[4], p[6], alpha)
    dfx0 = dx * max(_mf_slope(bx, p[0], p[2], kappa), 0.0)
    # cos(atan(z)) = 1 / sqrt(1 + z^2), sin(2 atan(z)) = 2 z / (1 + z^2): the same functions as
    # stuntsim.car.tyre, fewer transcendentals
    z = p[9] * kappa
    bxa = p[8] / math.sqrt(1.0 + z * z)
    bs = bxa * alpha
    gxa = max(math.cos(p[10] * math.atan(bs - p[11] * (bs - math.atan(bs)))), 0.0)
    z = p[13] * (alpha - p[14])
    byk = p[12] / math.sqrt(1.0 + z * z)
    bs = byk * kappa
    gyk = max(math.cos(p[15] * math.atan(bs - p[16] * (bs - math.atan(bs)))), 0.0)
    return gxa * fx0, gyk * fy0, gxa * dfx0


@njit(cache=True)
def _interp_key(
    t: float, T: np.ndarray, V: np.ndarray, stepped: bool, t_shift: float, v_first: float
) -> float:
    """DriverBatch._interp for one channel: keys T (K,) (+ t_shift), values V (K,), the first
    key's value replaced by ``v_first`` (the value held when a trigger fired)."""
    K = T.shape[0]
    cnt = 0
    for k in range(K):
        if t >= T[k] + t_shift:
            cnt += 1
    i0 = max(cnt - 1, 0)
    i1 = min(cnt, K - 1)
    t0 = T[i0] + t_shift
    t1 = T[i1] + t_shift
    v0 = v_first if i0 == 0 else V[i0]
    v1 = v_first if i1 == 0 else V[i1]
    if stepped:
        return v0
    frac = 0.0
    if math.isfinite(t1) and t1 > t0:
        frac = (t - t0) / (t1 - t0)
    frac = min(max(frac, 0.0), 1.0)
    return v0 + frac * (v1 - v0)


@njit(cache=True)
def _inputs(
    t: float,
    T: np.ndarray,
    V: np.ndarray,
    keyed: np.ndarray,
    fired: np.ndarray,
    t_fire: np.ndarray,
    hold: np.ndarray,
    out: np.ndarray,
) -> None:
    """DriverBatch.values for one car: channel values at t into ``out`` (C,). A later trigger
    group overrides an earlier one on the channels it keys, so each channel is evaluated once,
    from the last fired group that keys it (or the timed group)."""
    G_ = T.shape[0]
    C = T.shape[1]
    for c in range(C):
        g_use = 0
        for g in range(G_ - 1, 0, -1):
            if fired[g] and keyed[g, c]:
                g_use = g
                break
        if g_use == 0:
            out[c] = _interp_key(t, T[0, c], V[0, c], c == 5, 0.0, V[0, c, 0])
        else:
            out[c] = _interp_key(t, T[g_use, c], V[g_use, c], c == 5, t_fire[g_use], hold[g_use, c])


@njit(cache=True)
def _forces(
    x: np.ndarray,
    inp: np.ndarray,
    sc: np.ndarray,
    wh: np.ndarray,
    bp: np.ndarray,
    ty: np.ndarray,
    seg: np.ndarray,
    min_len: float,
    eng_w: np.ndarray,
    eng_t: np.ndarray,
    table: np.ndarray,
    acc: np.ndarray,
    fspin: np.ndarray,
    diag: np.ndarray,
    fz: np.ndarray,
    fs: np.ndarray,
    fxw: np.ndarray,
    kap: np.ndarray,
    alp: np.ndarray,
    hg: np.ndarray,
    slope: np.ndarray,
    misc: np.ndarray,
    body: np.ndarray,
    work: np.ndarray,
) -> None:
    """CarModel.forces for one car (``work``: (6, 4) scratch). misc: 0 clutch torque,
    1 clutch slip, 2 ratio, 3 ax, 4 ay, 5 k_c, 6 k_l, 7 body force, 8 body clearance;
    body: 0 peak point force, 1 its index, 2 east, 3 north."""
    R = sc[P_R]
    h = sc[P_H]
    u, v, r = x[3], x[4], x[5]
    th, ph = x[7], x[8]
    zd, thd, phd = x[9], x[10], x[11]
    s, c = math.sin(x[2]), math.cos(x[2])
    sth, cth, sph, cph = math.sin(th), math.cos(th), math.sin(ph), math.cos(ph)
    xc = work[0]
    yc = work[1]
    vx = work[2]
    vy = work[3]
    d = work[4]
    dd = work[5]
    for i in range(4):
        xc[i] = wh[W_XW, i] - h * sth
        yc[i] = wh[W_YW, i] + h * sph
        n_w = x[1] + xc[i] * c - yc[i] * s
        hg[i], slope[i] = _envelope(seg, min_len, n_w, R)
        vx[i] = u - r * yc[i] - h * cth * thd
        vy[i] = v + r * xc[i] + h * cph * phd
        v_north = vx[i] * c - vy[i] * s
        pen = hg[i] + R - x[12 + i]
        pen_rate = slope[i] * v_north - x[16 + i]
        f = sc[P_KT] * pen + 10.0 * sc[P_KT] * max(0.0, pen - sc[P_BOTTOM]) + sc[P_CT] * pen_rate
        fz[i] = max(f, 0.0) if pen > 0.0 else 0.0
        xb = wh[W_XB, i]
        yw = wh[W_YW, i]
        zb = x[6] - xb * sth + yw * sph
        zbd = zd - xb * cth * thd + yw * cph * phd
        d[i] = x[12 + i] - zb + wh[W_OFF, i]
        dd[i] = x[16 + i] - zbd
        pb = d[i] - sc[P_BUMP]
        pr = -d[i] - sc[P_REBOUND]
        f_bump = max(0.0, sc[P_KSTOP] * pb + wh[W_CSTOP, i] * dd[i]) if pb > 0.0 else 0.0
        f_reb = max(0.0, sc[P_KSTOP] * pr - wh[W_CSTOP, i] * dd[i]) if pr > 0.0 else 0.0
        fs[i] = wh[W_FS0, i] + wh[W_KS, i] * d[i] + wh[W_CS, i] * dd[i] + f_bump - f_reb
    arb_f = sc[P_KARB_F] * (d[0] - d[1])
    arb_r = sc[P_KARB_R] * (d[2] - d[3])
    fs[0] += arb_f
    fs[1] -= arb_f
    fs[2] += arb_r
    fs[3] -= arb_r
    tn = math.tan(inp[0])
    k = sc[P_ACK] * tn
    # delta = atan(q): sin = q / sqrt(1 + q^2), cos = 1 / sqrt(1 + q^2) (cos > 0: |delta| < 90)
    ql = tn / (1.0 - k)
    qr = tn / (1.0 + k)
    cl = 1.0 / math.sqrt(1.0 + ql * ql)
    cr = 1.0 / math.sqrt(1.0 + qr * qr)
    fx_sum = 0.0
    fy_sum = 0.0
    mz = 0.0
    for i in range(4):
        if i == 0:
            sd, cd = ql * cl, cl
        elif i == 1:
            sd, cd = qr * cr, cr
        else:
            sd, cd = 0.0, 1.0
        vcx = vx[i] * cd + vy[i] * sd
        vcy = -vx[i] * sd + vy[i] * cd
        vden = max(abs(vcx), V_LOW)
        kap[i] = (x[20 + i] * R - vcx) / vden
        alp[i] = math.atan(vcy / vden)
        if fz[i] > 0.0:
            fx_, fy_, dfx = _tyre(kap[i], alp[i], fz[i], ty[0 if i < 2 else 1])
        else:  # a wheel off the ground carries no force (the Magic Formula's D = mu F_z = 0)
            fx_, fy_, dfx = 0.0, 0.0, 0.0
        fxw[i] = fx_
        fxb = fx_ * cd - fy_ * sd - fz[i] * slope[i] * c
        fyb = fx_ * sd + fy_ * cd + fz[i] * slope[i] * s
        fx_sum += fxb
        fy_sum += fyb
        mz += xc[i] * fyb - yc[i] * fxb
        diag[i] = dfx / vden  # completed below with the brakes
    if sc[P_DRAG] > 0.0:
        q = sc[P_DRAG] * math.hypot(u, v)
        dax = -q * u
        day = -q * v
    else:
        dax = 0.0
        day = 0.0
    # body-ground contact (CarModel.body_contact)
    b_x = 0.0
    b_y = 0.0
    b_z = 0.0
    b_mz = 0.0
    b_th = 0.0
    b_ph = 0.0
    clear = np.inf
    body[0] = 0.0
    body[1] = -1.0
    nb = int(sc[P_NBODY])
    rb = sc[P_BR]
    for p in range(nb):
        px, py, pz = bp[p, 0], bp[p, 1], bp[p, 2]
        w = sph * py + cph * pz
        X = cth * px + sth * w
        Y = cph * py - sph * pz
        Z = -sth * px + cth * w
        xa = sc[P_XS] + X
        east = x[0] - xa * s - Y * c
        north = x[1] + xa * c - Y * s
        dX_dth = Z
        dX_dph = sth * Y
        dY_dph = -(sph * py + cph * pz)
        dZ_dth = -X
        dZ_dph = cth * Y
        pvx = u - r * Y + dX_dth * thd + dX_dph * phd
        pvy = v + r * xa + dY_dph * phd
        pvz = zd + dZ_dth * thd + dZ_dph * phd
        hb, sl = _envelope(seg, min_len, north, rb)
        pen = hb - (x[6] + Z)
        if -pen < clear:
            clear = -pen
        if pen <= 0.0:
            continue
        v_north = pvx * c - pvy * s
        pen_rate = sl * v_north - pvz
        fn = max(sc[P_BK] * pen + sc[P_BC] * pen_rate, 0.0)
        if fn <= 0.0:
            continue
        scale = sc[P_BMU] * fn / math.sqrt(pvx * pvx + pvy * pvy + V_SLIDE * V_SLIDE)
        fx_ = -scale * pvx - fn * sl * c
        fy_ = -scale * pvy + fn * sl * s
        b_x += fx_
        b_y += fy_
        b_z += fn
        b_mz += xa * fy_ - Y * fx_
        b_th += fx_ * dX_dth + fn * dZ_dth
        b_ph += fx_ * dX_dph + fy_ * dY_dph + fn * dZ_dph
        if fn > body[0]:
            body[0] = fn
            body[1] = p
            body[2] = east
            body[3] = north
    m = sc[P_M]
    ax = (fx_sum + dax + b_x) / m
    ay = (fy_sum + day + b_y) / m
    acc[0] = ax + v * r
    acc[1] = ay - u * r
    acc[2] = (mz + b_mz) / sc[P_IZ]
    sfs = fs[0] + fs[1] + fs[2] + fs[3]
    acc[3] = (sfs + b_z) / sc[P_MS] - G
    mxs = 0.0
    mys = 0.0
    for i in range(4):
        mxs += wh[W_XB, i] * fs[i]
        mys += wh[W_YW, i] * fs[i]
    acc[4] = ((-mxs - h * fx_sum) * cth + b_th) / sc[P_IY]
    acc[5] = ((mys + h * fy_sum) * cph + b_ph) / sc[P_IX]
    for i in range(4):
        acc[6 + i] = (fz[i] - fs[i]) / wh[W_MU, i] - G
    # driveline
    gear = int(inp[5])
    ratio = table[gear + 1]
    om2, om3 = x[22], x[23]
    we = x[24]
    w_c = 0.5 * (om2 + om3)
    slip_c = we - ratio * w_c
    pedal = inp[4] if ratio != 0.0 else 1.0
    cap = sc[P_CLUTCH] * _clip01(1.0 - pedal)
    thc = math.tanh(slip_c / SLIP)
    t_c = cap * thc
    k_c = cap * (1.0 - thc * thc) / SLIP
    gov = _clip01((sc[P_IDLE] - we) / (100.0 * RPM))
    th_e = max(inp[2], gov)
    th_e = th_e * _clip01((sc[P_CUT] + 100.0 * RPM - we) / (100.0 * RPM))
    if sc[P_RUNNING] == 0.0:
        th_e = 0.0
    drag = (sc[P_DRAG0] + sc[P_DRAG1] * abs(we)) * math.tanh(we / SLIP)
    t_e = th_e * np.interp(we, eng_w, eng_t) - (1.0 - th_e) * drag
    t_in = ratio * t_c
    cap_l = sc[P_PRELOAD] + 0.5 * sc[P_LOCK] * abs(t_in)
    thl = math.tanh((om2 - om3) / SLIP)
    t_lsd = cap_l * thl
    k_l = cap_l * (1.0 - thl * thl) / SLIP
    iw = sc[P_IW]
    for i in range(4):
        capb = wh[W_BRAKE, i] * inp[3] + wh[W_HB, i] * inp[1] + sc[P_FRR] * R * fz[i]
        thb = math.tanh(x[20 + i] / BRAKE_SLIP)
        t_b = capb * thb
        k_b = capb * (1.0 - thb * thb) / BRAKE_SLIP
        drive = 0.0
        if i == 2:
            drive = 0.5 * t_in - t_lsd
        elif i == 3:
            drive = 0.5 * t_in + t_lsd
        fspin[i] = (drive - t_b - R * fxw[i]) / iw
        diag[i] = -(R * R * diag[i] + k_b) / iw
    fspin[4] = (t_e - t_c) / sc[P_JE]
    misc[0] = t_c
    misc[1] = slip_c
    misc[2] = ratio
    misc[3] = ax
    misc[4] = ay
    misc[5] = k_c
    misc[6] = k_l
    misc[7] = b_z
    misc[8] = clear


@njit(cache=True)
def _spin_increment(
    fspin: np.ndarray,
    diag: np.ndarray,
    misc: np.ndarray,
    sc: np.ndarray,
    dt: float,
    out: np.ndarray,
    A: np.ndarray,
    rhs: np.ndarray,
) -> None:
    """CarModel.spin_increment: linearly implicit Euler for the wheel and engine speeds
    (``A`` (3, 3), ``rhs`` (3,): scratch)."""
    iw, je = sc[P_IW], sc[P_JE]
    out[0] = dt * fspin[0] / (1.0 - dt * diag[0])
    out[1] = dt * fspin[1] / (1.0 - dt * diag[1])
    g = misc[2]
    kc, kl = misc[5], misc[6]
    cw = g * g * kc / (4.0 * iw)
    A[0, 0] = 1.0 - dt * (diag[2] - cw - kl / iw)
    A[1, 1] = 1.0 - dt * (diag[3] - cw - kl / iw)
    A[0, 1] = -dt * (-cw + kl / iw)
    A[1, 0] = -dt * (-cw + kl / iw)
    A[0, 2] = -dt * (g * kc / (2.0 * iw))
    A[1, 2] = -dt * (g * kc / (2.0 * iw))
    A[2, 0] = -dt * (g * kc / (2.0 * je))
    A[2, 1] = -dt * (g * kc / (2.0 * je))
    A[2, 2] = 1.0 + dt * kc / je
    for i in range(3):
        rhs[i] = dt * fspin[2 + i]
    # Gaussian elimination with partial pivoting
    for col in range(3):
        piv = col
        for row in range(col + 1, 3):
            if abs(A[row, col]) > abs(A[piv, col]):
                piv = row
        if piv != col:
            for k in range(3):
                A[col, k], A[piv, k] = A[piv, k], A[col, k]
            rhs[col], rhs[piv] = rhs[piv], rhs[col]
        for row in range(col + 1, 3):
            f = A[row, col] / A[col, col]
            for k in range(col, 3):
                A[row, k] -= f * A[col, k]
            rhs[row] -= f * rhs[col]
    for row in range(2, -1, -1):
        acc = rhs[row]
        for k in range(row + 1, 3):
            acc -= A[row, k] * out[2 + k]
        out[2 + row] = acc / A[row, row]


@njit(cache=True)
def _trigger_value(var: int, x: np.ndarray, fz: np.ndarray, yaw0: float, t: float) -> float:
    """dynamics.trigger_variables, one variable (TRIGGER_VARIABLES order)."""
    if var == 0:
        return x[2] - yaw0
    if var == 1:
        return abs(x[2] - yaw0)
    if var == 2:
        return x[5]
    if var == 3:
        return math.hypot(x[3], x[4])
    if var == 4:
        return x[1]
    if var == 5:
        return x[0]
    if var == 6:
        return t
    n = 0.0
    for i in range(4):
        if fz[i] <= 0.0:
            n += 1.0
    return n


@njit(cache=True)
def _holds(op: int, a: float, b: float) -> bool:
    if op == 0:
        return a >= b
    if op == 1:
        return a <= b
    if op == 2:
        return a > b
    return a < b


@njit(cache=True)
def _run_car(
    b: int,
    x0: np.ndarray,
    sc: np.ndarray,
    wh: np.ndarray,
    bp: np.ndarray,
    ty: np.ndarray,
    seg: np.ndarray,
    min_len: float,
    eng_w: np.ndarray,
    eng_t: np.ndarray,
    table: np.ndarray,
    T: np.ndarray,
    V: np.ndarray,
    keyed: np.ndarray,
    cond_group: np.ndarray,
    cond_var: np.ndarray,
    cond_op: np.ndarray,
    cond_val: np.ndarray,
    dt: float,
    n_steps: int,
    rec_every: int,
    stop_north: float,
    r_x: np.ndarray,
    r_in: np.ndarray,
    r_fz: np.ndarray,
    r_kap: np.ndarray,
    r_alp: np.ndarray,
    r_hg: np.ndarray,
    r_sl: np.ndarray,
    r_sc: np.ndarray,
    peaks: np.ndarray,
    t_fire_out: np.ndarray,
) -> None:
    """Integrate car ``b`` (dynamics.simulate for one car); write its records and peaks.

    r_sc columns: 0 fs_sum, 1 clutch torque, 2 clutch slip, 3 ratio, 4 ax, 5 ay, 6 body force,
    7 body clearance. peaks: 0 max vertical g, 1-4 max F_z, 5-6 max axle loads, 7 peak body
    force, 8 its time, 9 point, 10 east, 11 north.
    """
    G_ = T.shape[0]
    C = T.shape[1]
    M = cond_group.shape[0]
    x = x0.copy()
    xn = np.empty(NSTATE)
    yaw0 = x0[2]
    fired = np.zeros(G_, dtype=np.bool_)
    fired[0] = True
    t_fire = np.full(G_, np.inf)
    t_fire[0] = 0.0
    hold = np.zeros((G_, C))
    inp = np.empty(C)
    nxt = np.empty(C)
    acc = np.empty(10)
    fspin = np.empty(5)
    diag = np.empty(4)
    fz = np.empty(4)
    fs = np.empty(4)
    fxw = np.empty(4)
    kap = np.empty(4)
    alp = np.empty(4)
    hg = np.empty(4)
    slope = np.empty(4)
    misc = np.empty(9)
    body = np.empty(4)
    dspin = np.empty(5)
    work = np.empty((6, 4))
    A = np.empty((3, 3))
    rhs = np.empty(3)
    ms_g = sc[P_MS] * G
    peaks[0] = -np.inf
    for i in range(1, 7):
        peaks[i] = 0.0
    peaks[7] = 0.0
    peaks[8] = 0.0
    peaks[9] = -1.0
    peaks[10] = 0.0
    peaks[11] = 0.0
    n_rec = r_x.shape[0]
    last = -1
    all_fired = G_ == 1
    for n in range(n_steps + 1):
        t = n * dt
        _inputs(t, T, V, keyed, fired, t_fire, hold, inp)
        _forces(
            x, inp, sc, wh, bp, ty, seg, min_len, eng_w, eng_t, table,
            acc, fspin, diag, fz, fs, fxw, kap, alp, hg, slope, misc, body, work,
        )  # fmt: skip
        if n < n_steps:
            for i in range(NSTATE):
                xn[i] = x[i]
            for i in range(3):
                xn[3 + i] += dt * acc[i]
                xn[9 + i] += dt * acc[3 + i]
            for i in range(4):
                xn[16 + i] += dt * acc[6 + i]
            sp, cp = math.sin(xn[2]), math.cos(xn[2])
            xn[0] += dt * (-xn[3] * sp - xn[4] * cp)
            xn[1] += dt * (xn[3] * cp - xn[4] * sp)
            xn[2] += dt * xn[5]
            for i in range(3):
                xn[6 + i] += dt * xn[9 + i]
            for i in range(4):
                xn[12 + i] += dt * xn[16 + i]
            _spin_increment(fspin, diag, misc, sc, dt, dspin, A, rhs)
            for i in range(5):
                xn[20 + i] += dspin[i]
        vg = (fs[0] + fs[1] + fs[2] + fs[3]) / ms_g
        if vg > peaks[0]:
            peaks[0] = vg
        for i in range(4):
            if fz[i] > peaks[1 + i]:
                peaks[1 + i] = fz[i]
        if fz[0] + fz[1] > peaks[5]:
            peaks[5] = fz[0] + fz[1]
        if fz[2] + fz[3] > peaks[6]:
            peaks[6] = fz[2] + fz[3]
        if body[0] > peaks[7]:
            peaks[7] = body[0]
            peaks[8] = t
            peaks[9] = body[1]
            peaks[10] = body[2]
            peaks[11] = body[3]
        if n % rec_every == 0:
            i = n // rec_every
            for k in range(NSTATE):
                r_x[i, k] = x[k]
            for k in range(C):
                r_in[i, k] = inp[k]
            for k in range(4):
                r_fz[i, k] = fz[k]
                r_kap[i, k] = kap[k]
                r_alp[i, k] = alp[k]
                r_hg[i, k] = hg[k]
                r_sl[i, k] = slope[k]
            r_sc[i, 0] = fs[0] + fs[1] + fs[2] + fs[3]
            r_sc[i, 1] = misc[0]
            r_sc[i, 2] = misc[1]
            r_sc[i, 3] = misc[2]
            r_sc[i, 4] = misc[3]
            r_sc[i, 5] = misc[4]
            r_sc[i, 6] = misc[7]
            r_sc[i, 7] = misc[8]
            last = i
            if x[1] > stop_north:
                break
        if n < n_steps and G_ > 1 and not all_fired:
            tt = t + dt
            have_nxt = False  # the values at tt before any firing, computed when first needed
            for g in range(1, G_):
                if fired[g]:
                    continue
                ok = True
                any_cond = False
                for j in range(M):
                    if cond_group[j] != g:
                        continue
                    any_cond = True
                    val = _trigger_value(cond_var[j], xn, fz, yaw0, tt)
                    if not _holds(cond_op[j], val, cond_val[j]):
                        ok = False
                        break
                if ok and any_cond:
                    if not have_nxt:
                        _inputs(tt, T, V, keyed, fired, t_fire, hold, nxt)
                        have_nxt = True
                    fired[g] = True
                    t_fire[g] = tt
                    for k in range(C):
                        hold[g, k] = nxt[k]
            all_fired = True
            for g in range(G_):
                all_fired = all_fired and fired[g]
        for i in range(NSTATE):
            x[i] = xn[i]
    # hold the last record to the end
    for i in range(last + 1, n_rec):
        r_x[i] = r_x[last]
        r_in[i] = r_in[last]
        r_fz[i] = r_fz[last]
        r_kap[i] = r_kap[last]
        r_alp[i] = r_alp[last]
        r_hg[i] = r_hg[last]
        r_sl[i] = r_sl[last]
        r_sc[i] = r_sc[last]
    for g in range(1, G_):
        t_fire_out[g - 1] = t_fire[g]


@njit(cache=True, parallel=True)
def _run_all(
    x0: np.ndarray,
    sc: np.ndarray,
    wh: np.ndarray,
    bp: np.ndarray,
    ty: np.ndarray,
    seg: np.ndarray,
    min_len: float,
    eng_w: np.ndarray,
    eng_t: np.ndarray,
    table: np.ndarray,
    T: np.ndarray,
    V: np.ndarray,
    keyed: np.ndarray,
    cond_group: np.ndarray,
    cond_var: np.ndarray,
    cond_op: np.ndarray,
    cond_val: np.ndarray,
    dt: float,
    n_steps: int,
    rec_every: int,
    stop_north: float,
    r_x: np.ndarray,
    r_in: np.ndarray,
    r_fz: np.ndarray,
    r_kap: np.ndarray,
    r_alp: np.ndarray,
    r_hg: np.ndarray,
    r_sl: np.ndarray,
    r_sc: np.ndarray,
    peaks: np.ndarray,
    t_fire: np.ndarray,
) -> None:
    for b in prange(x0.shape[0]):
        _run_car(
            b, x0[b], sc[b], wh[b], bp[b], ty[b], seg, min_len, eng_w, eng_t, table,
            T[b], V[b], keyed, cond_group, cond_var, cond_op, cond_val[b],
            dt, n_steps, rec_every, stop_north,
            r_x[b], r_in[b], r_fz[b], r_kap[b], r_alp[b], r_hg[b], r_sl[b], r_sc[b],
            peaks[b], t_fire[b],
        )  # fmt: skip


@njit(cache=True)
def _run_all_serial(
    x0: np.ndarray,
    sc: np.ndarray,
    wh: np.ndarray,
    bp: np.ndarray,
    ty: np.ndarray,
    seg: np.ndarray,
    min_len: float,
    eng_w: np.ndarray,
    eng_t: np.ndarray,
    table: np.ndarray,
    T: np.ndarray,
    V: np.ndarray,
    keyed: np.ndarray,
    cond_group: np.ndarray,
    cond_var: np.ndarray,
    cond_op: np.ndarray,
    cond_val: np.ndarray,
    dt: float,
    n_steps: int,
    rec_every: int,
    stop_north: float,
    r_x: np.ndarray,
    r_in: np.ndarray,
    r_fz: np.ndarray,
    r_kap: np.ndarray,
    r_alp: np.ndarray,
    r_hg: np.ndarray,
    r_sl: np.ndarray,
    r_sc: np.ndarray,
    peaks: np.ndarray,
    t_fire: np.ndarray,
) -> None:
    for b in range(x0.shape[0]):
        _run_car(
            b, x0[b], sc[b], wh[b], bp[b], ty[b], seg, min_len, eng_w, eng_t, table,
            T[b], V[b], keyed, cond_group, cond_var, cond_op, cond_val[b],
            dt, n_steps, rec_every, stop_north,
            r_x[b], r_in[b], r_fz[b], r_kap[b], r_alp[b], r_hg[b], r_sl[b], r_sc[b],
            peaks[b], t_fire[b],
        )  # fmt: skip


# --- the batch ---------------------------------------------------------------------------------


def driver_keys(plan: CarPlan, samples: CarSamples) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-sample key arrays (B, G, C, K) of times and values, and keyed (G, C): the layout of
    stuntsim.car.driver.DriverBatch built from the samples' keyframe times and values."""
    tl = plan.timeline
    B = len(samples)
    G_ = tl.n_groups
    defaults = tl.defaults()
    per: list[list[list[int]]] = []
    for g in range(G_):
        per.append(
            [
                [i for i, k in enumerate(tl.keyframes) if k.group == g and k.get(ch) is not None]
                for ch in CHANNELS
            ]
        )
    kmax = max(1, max(len(idx) for row in per for idx in row)) + 1
    T = np.full((B, G_, NC, kmax), np.inf)
    V = np.zeros((B, G_, NC, kmax))
    keyed = np.zeros((G_, NC), dtype=np.bool_)
    for g in range(G_):
        for ci in range(NC):
            idx = per[g][ci]
            keyed[g, ci] = bool(idx)
            T[:, g, ci, 0] = 0.0
            V[:, g, ci, 0] = defaults[ci]
            for j, i in enumerate(idx):
                T[:, g, ci, j + 1] = samples.key_time_s[:, i]
                V[:, g, ci, j + 1] = samples.key_value[:, i, ci]
            V[:, g, ci, len(idx) + 1 :] = V[:, g, ci, len(idx) : len(idx) + 1]
    return T, V, keyed


def run_batch(
    plan: CarPlan, samples: CarSamples, dt: float, record_every: int, parallel: bool = True
) -> SimOutput:
    """Integrate every sample of the batch with the compiled kernel (stuntsim.car.simulate);
    ``parallel``: one thread per core (else one thread: the Monte Carlo's workers are already
    one process per core)."""
    from stuntsim.car.samples import trigger_conditions
    from stuntsim.car.simulate import sample_vehicle

    B = len(samples)
    # one car model per distinct (mass, CG height); the tyre's grip and cornering scales are
    # per-sample columns of the tyre rows (the same products TyreParams.scaled forms)
    key = np.column_stack([samples.mass_kg, samples.cg_height_m])
    uniq, inverse = np.unique(key, axis=0, return_inverse=True)
    which = np.asarray(inverse).reshape(-1)
    cars = [sample_vehicle(plan, 1.0, 1.0, float(m), float(h)) for m, h in uniq]
    models = [CarModel(v, plan.ground, engine_running=plan.start.engine_running) for v in cars]
    packed = [model_params(m) for m in models]
    n_body = max(p[2].shape[0] for p in packed)
    sc = np.stack([packed[j][0] for j in which])
    wh = np.stack([packed[j][1] for j in which])
    bp = np.zeros((B, max(n_body, 1), 3))
    for b, j in enumerate(which):
        nb = packed[j][2].shape[0]
        bp[b, :nb] = packed[j][2]
    ty = np.stack([packed[j][3] for j in which])
    ty[:, :, 21] *= samples.mu_scale[:, None]
    ty[:, :, 22] *= samples.cornering_scale[:, None]
    seg, min_len = ground_segments(plan.ground)
    veh = plan.vehicle
    eng_w = np.asarray(veh.engine.speed, dtype=float)
    eng_t = np.asarray(veh.engine.torque, dtype=float)
    table = veh.gearbox.table().astype(float)
    T, V, keyed = driver_keys(plan, samples)
    conds = trigger_conditions(plan)
    cond_group = np.array([c[0] for c in conds], dtype=np.int64)
    cond_var = np.array([VAR_INDEX[c[1]] for c in conds], dtype=np.int64)
    cond_op = np.array([OP_INDEX[c[2]] for c in conds], dtype=np.int64)
    cond_val = np.ascontiguousarray(samples.trigger_value, dtype=float).reshape(B, len(conds))
    # initial state: the reference's static equilibrium, per distinct car
    x0 = np.empty((B, NSTATE))
    i_clutch = CHANNELS.index("clutch")
    pedal0 = np.array([_value_at_zero(T[b, 0, i_clutch], V[b, 0, i_clutch]) for b in range(B)])
    for jm, m in enumerate(models):
        idx = np.nonzero(which == jm)[0]
        x0[idx] = m.initial_state(
            samples.start_east_m[idx],
            samples.start_north_m[idx],
            np.full(len(idx), -plan.start.heading),
            samples.speed_m_s[idx],
            np.full(len(idx), plan.start.gear),
            pedal0[idx],
        )
    n_steps = round(plan.duration / dt)
    n_rec = n_steps // record_every + 1
    r_x = np.empty((B, n_rec, NSTATE))
    r_in = np.empty((B, n_rec, NC))
    r_fz = np.empty((B, n_rec, 4))
    r_kap = np.empty((B, n_rec, 4))
    r_alp = np.empty((B, n_rec, 4))
    r_hg = np.empty((B, n_rec, 4))
    r_sl = np.empty((B, n_rec, 4))
    r_sc = np.empty((B, n_rec, 8))
    peaks = np.empty((B, 12))
    t_fire = np.full((B, max(T.shape[1] - 1, 0)), np.inf)
    stop = plan.stop_north
    (_run_all if parallel else _run_all_serial)(
        x0, sc, wh, bp, ty, seg, float(min_len), eng_w, eng_t, table, T, V, keyed,
        cond_group, cond_var, cond_op, cond_val, float(dt), int(n_steps), int(record_every),
        float(np.inf if stop is None else stop),
        r_x, r_in, r_fz, r_kap, r_alp, r_hg, r_sl, r_sc, peaks, t_fire,
    )  # fmt: skip
    # trim trailing records that every car holds (all stopped early)
    past = r_x[:, :, 1] > (np.inf if stop is None else stop)
    n_done = n_rec
    if stop is not None and past.any(axis=1).all():
        n_done = int(np.max(np.argmax(past, axis=1))) + 1
    sl = slice(0, n_done)
    return SimOutput(
        t=np.arange(n_done) * dt * record_every,
        x=r_x[:, sl],
        inputs=r_in[:, sl],
        fz=r_fz[:, sl],
        fs_sum=r_sc[:, sl, 0],
        kappa=r_kap[:, sl],
        alpha=r_alp[:, sl],
        clutch_torque=r_sc[:, sl, 1],
        clutch_slip=r_sc[:, sl, 2],
        ratio=r_sc[:, sl, 3],
        ax=r_sc[:, sl, 4],
        ay=r_sc[:, sl, 5],
        max_vertical_g=peaks[:, 0].copy(),
        trigger_times=t_fire,
        dt=dt,
        record_every=record_every,
        body_force=r_sc[:, sl, 6],
        body_clear=r_sc[:, sl, 7],
        max_fz=peaks[:, 1:5].copy(),
        max_axle=peaks[:, 5:7].copy(),
        body_peak=peaks[:, [7, 8, 9, 10, 11]].copy(),
        hg=r_hg[:, sl],
        slope=r_sl[:, sl],
        sprung_mass=sc[:, P_MS].copy(),
        static_fz=np.array([c.static_loads() for c in cars])[which],
    )


def _value_at_zero(T: np.ndarray, V: np.ndarray) -> float:
    """A channel's value at t = 0 (DriverBatch.values(0) for the timed group)."""
    cnt = int(np.sum(T <= 0.0))
    i0 = max(cnt - 1, 0)
    return float(V[i0])
