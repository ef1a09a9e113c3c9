"""The freefall phase compiled (numba): the same integration as ``kernel._freefall_numpy``.

The numpy path's operations (classical RK4 in time, steps from ``DT_EXIT`` growing by
``DT_GROWTH`` per second to ``DT_FREEFALL``, shortened onto the drogue, the deployment time and
a body-position change; an altitude event located by the cubic Hermite root and one Newton
correction with an RK4 re-step: jump/kernel.py has the equations and the step-size study), in
the same order, so both paths agree to rounding (tests/test_jump_kernel_compiled.py) and a
sample's result does not depend on the rest of its batch.

The samples of a block advance in lockstep, one step each per pass, and every RK4 stage is one
branch-free loop over the samples still falling (structure of arrays, compacted as samples
deploy), which the compiler turns into SIMD code. A per-sample loop (one jump after the other)
was measured first and was no faster than numpy: a right-hand side costs about 55 ns as a
scalar dependent chain, about 9 ns per sample in a vectorised loop.

Covered: constant drag area (with a body-position sequence), a constant drogue, per-sample wind
levels, constant or inverse-square gravity, no lift. A Cd(Mach) table or a gliding position
(lift) goes through the numpy path; kernel.py decides per batch from the plan alone, so a
scenario always takes the same path.

The air table (``tab``, one row per altitude cell): density, speed of sound, gravity, wind
east, wind north, wind-level weight, each as (value, slope).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit

G0 = 9.80665  # m/s^2, standard gravity (stuntsim.units.G0; loads in g)

# rows of the state array x
T, E, N, Z, VE, VN, VU, TEXIT, TDROGUE, TDEPLOY, LEVEL, KC, KH, KDR, CW, SW = range(16)
STAGE, MAXSPEED, MAXMACH, SID, MST, MSE, MSN, MSZ, MSVE, MSVN, MSVU = range(16, 27)
NX = 27
# rows of the work array w
H, K, LVL, TNEXT, ZNEXT, SP, ASOUND, DROGUE = range(8)
A1, V2, A2, V3, A3, V4, A4 = 8, 11, 14, 17, 20, 23, 26
LOAD = 29
K0, KM, K1 = 30, 31, 32  # the opening's drag factors at the start, middle, end of a step
NW = 33


@njit(cache=True, inline="always", error_model="numpy")
def _acc(
    z: float,
    ve: float,
    vn: float,
    vu: float,
    k: float,
    cw: float,
    sw: float,
    ke: Any,
    kn: Any,
    s: int,
    air_f: Any,
    air_i: Any,
    tab: Any,
    wj: Any,
) -> tuple[float, float, float, float, float]:
    """Acceleration (east, north, up), |v_rel| and the speed of sound: kernel._Law.acc."""
    x = (z - air_f[0]) * air_f[1]
    x = min(max(x, 0.0), air_f[2])
    i = int(x)
    f = x - i
    rho = tab[i, 0] + f * tab[i, 1]
    if air_i[0] == 1:
        j = wj[i]
        j1 = min(j + 1, air_i[2] - 1)
        fw = tab[i, 10] + f * tab[i, 11]
        gw = 1.0 - fw
        e0 = gw * ke[s, j] + fw * ke[s, j1]
        n0 = gw * kn[s, j] + fw * kn[s, j1]
    elif air_i[1] == 1:
        e0 = 0.0
        n0 = 0.0
    else:
        e0 = tab[i, 6] + f * tab[i, 7]
        n0 = tab[i, 8] + f * tab[i, 9]
    we = cw * e0 + sw * n0
    wn = cw * n0 - sw * e0
    vre = ve - we
    vrn = vn - wn
    sp = math.sqrt(vre * vre + vrn * vrn + vu * vu)
    kd = k * rho * sp
    g = tab[i, 4] + f * tab[i, 5] if air_i[3] == 0 else air_f[3]
    return -kd * vre, -kd * vrn, -kd * vu - g, sp, tab[i, 2] + f * tab[i, 3]


@njit(cache=True, error_model="numpy")
def _rk4(
    z: float,
    ve: float,
    vn: float,
    vu: float,
    h: float,
    k: float,
    cw: float,
    sw: float,
    ke: Any,
    kn: Any,
    s: int,
    air_f: Any,
    air_i: Any,
    tab: Any,
    wj: Any,
) -> tuple[float, float, float, float, float, float]:
    """One scalar RK4 step (the event re-steps): increments (de, dn, dz, dve, dvn, dvu)."""
    hh = 0.5 * h
    a1e, a1n, a1u, _, _ = _acc(z, ve, vn, vu, k, cw, sw, ke, kn, s, air_f, air_i, tab, wj)
    ve2 = ve + hh * a1e
    vn2 = vn + hh * a1n
    vu2 = vu + hh * a1u
    a2e, a2n, a2u, _, _ = _acc(
        z + hh * vu, ve2, vn2, vu2, k, cw, sw, ke, kn, s, air_f, air_i, tab, wj
    )
    ve3 = ve + hh * a2e
    vn3 = vn + hh * a2n
    vu3 = vu + hh * a2u
    a3e, a3n, a3u, _, _ = _acc(
        z + hh * vu2, ve3, vn3, vu3, k, cw, sw, ke, kn, s, air_f, air_i, tab, wj
    )
    ve4 = ve + h * a3e
    vn4 = vn + h * a3n
    vu4 = vu + h * a3u
    a4e, a4n, a4u, _, _ = _acc(
        z + h * vu3, ve4, vn4, vu4, k, cw, sw, ke, kn, s, air_f, air_i, tab, wj
    )
    h6 = h / 6.0
    return (
        h6 * (ve + 2.0 * (ve2 + ve3) + ve4),
        h6 * (vn + 2.0 * (vn2 + vn3) + vn4),
        h6 * (vu + 2.0 * (vu2 + vu3) + vu4),
        h6 * (a1e + 2.0 * (a2e + a3e) + a4e),
        h6 * (a1n + 2.0 * (a2n + a3n) + a4n),
        h6 * (a1u + 2.0 * (a2u + a3u) + a4u),
    )


@njit(cache=True, error_model="numpy")
def _stage(
    x: Any,
    w: Any,
    na: int,
    frac: float,
    a_in: int,
    v_in: int,
    a_out: int,
    v_out: int,
    ke: Any,
    kn: Any,
    air_f: Any,
    air_i: Any,
    tab: Any,
    wj: Any,
    krow: int = K,
) -> None:
    """One RK4 stage over the samples 0..na-1: v_out = v + frac h a_in, the acceleration at
    (z + frac h v_in, v_out) into a_out, with the drag factor of row ``krow``; a_in < 0: the
    first stage, at the state itself, which also stores |v_rel|, the speed of sound and the
    load in g. The body is :func:`_acc` written out: numba's
    inlined call kept the loop scalar (51 ns a sample against 12 ns)."""
    layered = air_i[0] == 1
    calm = air_i[1] == 1
    nl = air_i[2]
    gconst = air_i[3] == 1
    z0, inv_dz, xmax, g_c = air_f[0], air_f[1], air_f[2], air_f[3]
    first = a_in < 0
    for s in range(na):
        if first:
            ve, vn, vu, zz = x[VE, s], x[VN, s], x[VU, s], x[Z, s]
        else:
            c = frac * w[H, s]
            ve = x[VE, s] + c * w[a_in, s]
            vn = x[VN, s] + c * w[a_in + 1, s]
            vu = x[VU, s] + c * w[a_in + 2, s]
            zz = x[Z, s] + c * (x[VU, s] if v_in < 0 else w[v_in + 2, s])
        xx = (zz - z0) * inv_dz
        xx = min(max(xx, 0.0), xmax)
        i = int(xx)
        f = xx - i
        rho = tab[i, 0] + f * tab[i, 1]
        if layered:
            j = wj[i]
            j1 = min(j + 1, nl - 1)
            fw = tab[i, 10] + f * tab[i, 11]
            gw = 1.0 - fw
            e0 = gw * ke[s, j] + fw * ke[s, j1]
            n0 = gw * kn[s, j] + fw * kn[s, j1]
        elif calm:
            e0 = 0.0
            n0 = 0.0
        else:
            e0 = tab[i, 6] + f * tab[i, 7]
            n0 = tab[i, 8] + f * tab[i, 9]
        cw, sw = x[CW, s], x[SW, s]
        we = cw * e0 + sw * n0
        wn = cw * n0 - sw * e0
        vre = ve - we
        vrn = vn - wn
        sp = math.sqrt(vre * vre + vrn * vrn + vu * vu)
        kd = w[krow, s] * rho * sp
        g = g_c if gconst else tab[i, 4] + f * tab[i, 5]
        w[a_out, s] = -kd * vre
        w[a_out + 1, s] = -kd * vrn
        w[a_out + 2, s] = -kd * vu - g
        if first:
            w[SP, s] = sp
            w[ASOUND, s] = tab[i, 2] + f * tab[i, 3]
            w[LOAD, s] = kd * sp / G0
        else:
            w[v_out, s] = ve
            w[v_out + 1, s] = vn
            w[v_out + 2, s] = vu


@njit(cache=True, error_model="numpy")
def fly_freefall(
    flt: Any,
    flags: Any,
    air_f: Any,
    air_i: Any,
    tab: Any,
    wj: Any,
    ke: Any,
    kn: Any,
    x: Any,
    st: Any,
    out: Any,
    impact: Any,
    rec: Any,
) -> int:
    """Fly every sample from exit to deployment (or the ground); ``x`` (rows: see the module
    constants) holds the state and the per-sample constants and is compacted in place, ``ke``
    and ``kn`` with it.

    ``flt``: dt_freefall, dt_exit, dt_growth, ground; ``flags``: staged, record sample 0,
    max steps, Newton iterations. ``st`` rows: per-stage CdA, L/D, start time, start
    altitude. ``out`` rows (by sample): deploy t, e, n, z, ve, vn, vu, the drag factor flown
    at deployment, max speed, its t, e, n, z, ve, vn, vu, max Mach. ``rec`` receives sample
    0's step points (t, e, n, z, ve, vn, vu, ae, an, au); returns their count."""
    dt_ff, dt_exit, dt_growth, ground = flt[0], flt[1], flt[2], flt[3]
    staged = flags[0] == 1
    record = flags[1] == 1
    max_steps = flags[2]
    newton = flags[3]
    nrec = 0
    na = x.shape[1]
    w = np.empty((NW, na))
    steps = 0
    while na > 0:
        steps += 1
        if steps > max_steps:
            raise RuntimeError("freefall did not end: check the deployment settings")
        for s in range(na):  # step sizes and levels
            t = x[T, s]
            drogue_on = t >= x[TDROGUE, s] - 1e-9
            h = min(min(dt_ff, dt_exit + dt_growth * (t - x[TEXIT, s])), x[TDEPLOY, s] - t)
            h = h if drogue_on else min(h, x[TDROGUE, s] - t)
            lvl = x[LEVEL, s]
            t_next = np.inf
            z_next = -np.inf
            if staged:
                nxt = int(x[STAGE, s]) + 1
                t_next = x[TEXIT, s] + st[2, nxt]
                z_next = st[3, nxt]
                h = min(h, t_next - t)
                lvl = max(lvl, z_next)
            w[H, s] = max(h, 0.0)
            w[K, s] = x[KC, s] + x[KDR, s] if drogue_on else x[KC, s]
            w[LVL, s], w[TNEXT, s], w[ZNEXT, s] = lvl, t_next, z_next
            w[DROGUE, s] = 1.0 if drogue_on else 0.0
        _stage(x, w, na, 0.0, -1, -1, A1, -1, ke, kn, air_f, air_i, tab, wj)
        _stage(x, w, na, 0.5, A1, -1, A2, V2, ke, kn, air_f, air_i, tab, wj)
        _stage(x, w, na, 0.5, A2, V2, A3, V3, ke, kn, air_f, air_i, tab, wj)
        _stage(x, w, na, 1.0, A3, V3, A4, V4, ke, kn, air_f, air_i, tab, wj)
        kept = 0
        for s in range(na):
            t, e, n, z = x[T, s], x[E, s], x[N, s], x[Z, s]
            ve, vn, vu = x[VE, s], x[VN, s], x[VU, s]
            h, k, lvl = w[H, s], w[K, s], w[LVL, s]
            h6 = h / 6.0
            de = h6 * (ve + 2.0 * (w[V2, s] + w[V3, s]) + w[V4, s])
            dn = h6 * (vn + 2.0 * (w[V2 + 1, s] + w[V3 + 1, s]) + w[V4 + 1, s])
            dz = h6 * (vu + 2.0 * (w[V2 + 2, s] + w[V3 + 2, s]) + w[V4 + 2, s])
            dve = h6 * (w[A1, s] + 2.0 * (w[A2, s] + w[A3, s]) + w[A4, s])
            dvn = h6 * (w[A1 + 1, s] + 2.0 * (w[A2 + 1, s] + w[A3 + 1, s]) + w[A4 + 1, s])
            dvu = h6 * (w[A1 + 2, s] + 2.0 * (w[A2 + 2, s] + w[A3 + 2, s]) + w[A4 + 2, s])
            # running maxima at the step's start (kernel._track; NaN-safe like np.fmax)
            speed = math.sqrt(ve * ve + vn * vn + vu * vu)
            if not speed <= x[MAXSPEED, s]:
                x[MAXSPEED, s], x[MST, s], x[MSE, s], x[MSN, s], x[MSZ, s] = speed, t, e, n, z
                x[MSVE, s], x[MSVN, s], x[MSVU, s] = ve, vn, vu
            mach = w[SP, s] / w[ASOUND, s]
            if not mach <= x[MAXMACH, s] and not np.isnan(mach):
                x[MAXMACH, s] = mach
            first = record and x[SID, s] == 0.0
            if first and nrec < rec.shape[0]:
                rec[nrec, 0], rec[nrec, 1], rec[nrec, 2], rec[nrec, 3] = t, e, n, z
                rec[nrec, 4], rec[nrec, 5], rec[nrec, 6] = ve, vn, vu
                rec[nrec, 7], rec[nrec, 8], rec[nrec, 9] = w[A1, s], w[A1 + 1, s], w[A1 + 2, s]
                nrec += 1
            cw, sw = x[CW, s], x[SW, s]
            z1 = z + dz
            cross = z1 <= lvl
            if cross:
                # kernel._to_level: Hermite root of z(t) over the step, then a Newton re-step
                vu1 = vu + dvu
                th = min(max((z - lvl) / (z - z1 if z1 != z else 1.0), 0.0), 1.0)
                hv0, hv1 = h * vu, h * vu1
                for _ in range(newton):
                    t2, t3 = th * th, th * th * th
                    pp = (
                        (2 * t3 - 3 * t2 + 1) * z
                        + (t3 - 2 * t2 + th) * hv0
                        + (3 * t2 - 2 * t3) * z1
                        + (t3 - t2) * hv1
                        - lvl
                    )
                    dp = (
                        (6 * t2 - 6 * th) * (z - z1)
                        + (3 * t2 - 4 * th + 1) * hv0
                        + (3 * t2 - 2 * th) * hv1
                    )
                    th = min(max(th - pp / (dp if abs(dp) > 1e-12 else -1e-12), 0.0), 1.0)
                hs = 0.0 if z <= lvl else th * h
                d = _rk4(z, ve, vn, vu, hs, k, cw, sw, ke, kn, s, air_f, air_i, tab, wj)
                rate = vu + d[5]
                zs = z + d[2]
                hs = min(max(hs - (zs - lvl) / (rate if abs(rate) > 1e-9 else -1e-9), 0.0), h)
                if z <= lvl:
                    hs = 0.0
                d = _rk4(z, ve, vn, vu, hs, k, cw, sw, ke, kn, s, air_f, air_i, tab, wj)
                h = hs
                de, dn, dz, dve, dvn, dvu = d[0], d[1], d[2], d[3], d[4], d[5]
            t = t + h
            e, n, z = e + de, n + dn, z + dz
            ve, vn, vu = ve + dve, vn + dvn, vu + dvu
            level = x[LEVEL, s]
            by_time = t >= x[TDEPLOY, s] - 1e-9
            if staged:
                at_stage_level = cross and (w[ZNEXT, s] > level)
                if ((t >= w[TNEXT, s] - 1e-9) or at_stage_level) and not by_time:
                    x[STAGE, s] += 1.0
                    x[KC, s] = x[KH, s] * st[0, int(x[STAGE, s])]
                cross = cross and not at_stage_level
            if cross or by_time:
                g = int(x[SID, s])
                impact[g] = cross and (level <= ground + 1e-9) and not by_time
                out[0, g], out[1, g], out[2, g], out[3, g] = t, e, n, z
                out[4, g], out[5, g], out[6, g] = ve, vn, vu
                out[7, g] = x[KC, s]
                out[8, g], out[9, g], out[10, g] = x[MAXSPEED, s], x[MST, s], x[MSE, s]
                out[11, g], out[12, g], out[13, g] = x[MSN, s], x[MSZ, s], x[MSVE, s]
                out[14, g], out[15, g], out[16, g] = x[MSVN, s], x[MSVU, s], x[MAXMACH, s]
                if first and nrec < rec.shape[0]:
                    k = x[KC, s] + x[KDR, s] if w[DROGUE, s] == 1.0 else x[KC, s]
                    a0 = _acc(z, ve, vn, vu, k, cw, sw, ke, kn, s, air_f, air_i, tab, wj)
                    rec[nrec, 0], rec[nrec, 1], rec[nrec, 2], rec[nrec, 3] = t, e, n, z
                    rec[nrec, 4], rec[nrec, 5], rec[nrec, 6] = ve, vn, vu
                    rec[nrec, 7], rec[nrec, 8], rec[nrec, 9] = a0[0], a0[1], a0[2]
                    nrec += 1
            else:
                x[T, s], x[E, s], x[N, s], x[Z, s] = t, e, n, z
                x[VE, s], x[VN, s], x[VU, s] = ve, vn, vu
                if kept != s:  # compact: the samples still falling stay in order at the front
                    for q in range(NX):
                        x[q, kept] = x[q, s]
                    for q in range(ke.shape[1]):
                        ke[kept, q] = ke[s, q]
                        kn[kept, q] = kn[s, q]
                kept += 1
        na = kept
    return nrec


# rows of the opening's state array (after the freefall's)
TDEP, TOPEN, HOPEN, KCAN = NX, NX + 1, NX + 2, NX + 3
NXO = NX + 4


@njit(cache=True, inline="always", error_model="numpy")
def _blend(t: float, t_dep: float, t_open: float, expo: float) -> float:
    """Opening blend s^k, s = (t - t_deploy) / t_open clipped to [0, 1] (kernel._Law.blend)."""
    s = min(max((t - t_dep) / t_open, 0.0), 1.0)
    return s * s if expo == 2.0 else s**expo


@njit(cache=True, error_model="numpy")
def _rk4k(
    z: float,
    ve: float,
    vn: float,
    vu: float,
    h: float,
    k0: float,
    km: float,
    k1: float,
    cw: float,
    sw: float,
    ke: Any,
    kn: Any,
    s: int,
    air_f: Any,
    air_i: Any,
    tab: Any,
    wj: Any,
) -> tuple[float, float, float, float, float, float]:
    """:func:`_rk4` with the drag factor at the start, middle and end of the step."""
    hh = 0.5 * h
    a1e, a1n, a1u, _, _ = _acc(z, ve, vn, vu, k0, cw, sw, ke, kn, s, air_f, air_i, tab, wj)
    ve2 = ve + hh * a1e
    vn2 = vn + hh * a1n
    vu2 = vu + hh * a1u
    a2e, a2n, a2u, _, _ = _acc(
        z + hh * vu, ve2, vn2, vu2, km, cw, sw, ke, kn, s, air_f, air_i, tab, wj
    )
    ve3 = ve + hh * a2e
    vn3 = vn + hh * a2n
    vu3 = vu + hh * a2u
    a3e, a3n, a3u, _, _ = _acc(
        z + hh * vu2, ve3, vn3, vu3, km, cw, sw, ke, kn, s, air_f, air_i, tab, wj
    )
    ve4 = ve + h * a3e
    vn4 = vn + h * a3n
    vu4 = vu + h * a3u
    a4e, a4n, a4u, _, _ = _acc(
        z + h * vu3, ve4, vn4, vu4, k1, cw, sw, ke, kn, s, air_f, air_i, tab, wj
    )
    h6 = h / 6.0
    return (
        h6 * (ve + 2.0 * (ve2 + ve3) + ve4),
        h6 * (vn + 2.0 * (vn2 + vn3) + vn4),
        h6 * (vu + 2.0 * (vu2 + vu3) + vu4),
        h6 * (a1e + 2.0 * (a2e + a3e) + a4e),
        h6 * (a1n + 2.0 * (a2n + a3n) + a4n),
        h6 * (a1u + 2.0 * (a2u + a3u) + a4u),
    )


@njit(cache=True, error_model="numpy")
def fly_opening(
    flt: Any,
    flags: Any,
    air_f: Any,
    air_i: Any,
    tab: Any,
    wj: Any,
    ke: Any,
    kn: Any,
    x: Any,
    out: Any,
    loads: Any,
    landed: Any,
    rec: Any,
) -> int:
    """The opening (kernel._opening_numpy): ``steps`` equal RK4 steps over the opening time,
    the drag factor blended from freefall to canopy as s^k; the load in g at every step start
    (and at the end) into ``loads`` (by sample); a sample that reaches the ground is stopped
    on it (the freefall's event location) and flagged in ``landed``.

    ``flt``: ground, opening exponent k; ``flags``: steps, record sample 0, Newton iterations.
    ``x``: the state rows of :func:`fly_freefall` plus TDEP, TOPEN, HOPEN, KCAN (compacted in
    place, ``ke`` and ``kn`` with it). ``out`` rows (by sample): t, e, n, z, ve, vn, vu at the
    end (open, or on the ground), then max speed, its t, e, n, z, ve, vn, vu, max Mach."""
    ground, expo = flt[0], flt[1]
    nsteps = flags[0]
    record = flags[1] == 1
    newton = flags[2]
    nrec = 0
    na = x.shape[1]
    w = np.empty((NW, na))
    for j in range(nsteps + 1):
        if na == 0:
            break
        final = j == nsteps
        for s in range(na):
            t, t_dep, t_open = x[T, s], x[TDEP, s], x[TOPEN, s]
            kc, kcan = x[KC, s], x[KCAN, s]
            h = x[HOPEN, s]
            hh = 0.5 * h
            s0 = _blend(t, t_dep, t_open, expo)
            w[H, s] = h
            w[K0, s] = kc + (kcan - kc) * s0
            if not final:
                sm = _blend(t + hh, t_dep, t_open, expo)
                s1 = _blend(t + h, t_dep, t_open, expo)
                w[KM, s] = kc + (kcan - kc) * sm
                w[K1, s] = kc + (kcan - kc) * s1
        _stage(x, w, na, 0.0, -1, -1, A1, -1, ke, kn, air_f, air_i, tab, wj, K0)
        if not final:
            _stage(x, w, na, 0.5, A1, -1, A2, V2, ke, kn, air_f, air_i, tab, wj, KM)
            _stage(x, w, na, 0.5, A2, V2, A3, V3, ke, kn, air_f, air_i, tab, wj, KM)
            _stage(x, w, na, 1.0, A3, V3, A4, V4, ke, kn, air_f, air_i, tab, wj, K1)
        kept = 0
        for s in range(na):
            g = int(x[SID, s])
            t, e, n, z = x[T, s], x[E, s], x[N, s], x[Z, s]
            ve, vn, vu = x[VE, s], x[VN, s], x[VU, s]
            loads[g, j] = w[LOAD, s]
            speed = math.sqrt(ve * ve + vn * vn + vu * vu)
            if not speed <= x[MAXSPEED, s]:
                x[MAXSPEED, s], x[MST, s], x[MSE, s], x[MSN, s], x[MSZ, s] = speed, t, e, n, z
                x[MSVE, s], x[MSVN, s], x[MSVU, s] = ve, vn, vu
            mach = w[SP, s] / w[ASOUND, s]
            if not mach <= x[MAXMACH, s] and not np.isnan(mach):
                x[MAXMACH, s] = mach
            first = record and g == 0
            if first and nrec < rec.shape[0]:
                rec[nrec, 0], rec[nrec, 1], rec[nrec, 2], rec[nrec, 3] = t, e, n, z
                rec[nrec, 4], rec[nrec, 5], rec[nrec, 6] = ve, vn, vu
                rec[nrec, 7], rec[nrec, 8], rec[nrec, 9] = w[A1, s], w[A1 + 1, s], w[A1 + 2, s]
                rec[nrec, 10] = 1.0
                nrec += 1
            if final:
                out[0, g], out[1, g], out[2, g], out[3, g] = t, e, n, z
                out[4, g], out[5, g], out[6, g] = ve, vn, vu
                continue
            h = w[H, s]
            h6 = h / 6.0
            de = h6 * (ve + 2.0 * (w[V2, s] + w[V3, s]) + w[V4, s])
            dn = h6 * (vn + 2.0 * (w[V2 + 1, s] + w[V3 + 1, s]) + w[V4 + 1, s])
            dz = h6 * (vu + 2.0 * (w[V2 + 2, s] + w[V3 + 2, s]) + w[V4 + 2, s])
            dve = h6 * (w[A1, s] + 2.0 * (w[A2, s] + w[A3, s]) + w[A4, s])
            dvn = h6 * (w[A1 + 1, s] + 2.0 * (w[A2 + 1, s] + w[A3 + 1, s]) + w[A4 + 1, s])
            dvu = h6 * (w[A1 + 2, s] + 2.0 * (w[A2 + 2, s] + w[A3 + 2, s]) + w[A4 + 2, s])
            z1 = z + dz
            cross = z1 <= ground
            if cross:
                cw, sw = x[CW, s], x[SW, s]
                t_dep, t_open, kc, kcan = x[TDEP, s], x[TOPEN, s], x[KC, s], x[KCAN, s]
                vu1 = vu + dvu
                th = min(max((z - ground) / (z - z1 if z1 != z else 1.0), 0.0), 1.0)
                hv0, hv1 = h * vu, h * vu1
                for _ in range(newton):
                    t2, t3 = th * th, th * th * th
                    pp = (
                        (2 * t3 - 3 * t2 + 1) * z
                        + (t3 - 2 * t2 + th) * hv0
                        + (3 * t2 - 2 * t3) * z1
                        + (t3 - t2) * hv1
                        - ground
                    )
                    dp = (
                        (6 * t2 - 6 * th) * (z - z1)
                        + (3 * t2 - 4 * th + 1) * hv0
                        + (3 * t2 - 2 * th) * hv1
                    )
                    th = min(max(th - pp / (dp if abs(dp) > 1e-12 else -1e-12), 0.0), 1.0)
                hs = 0.0 if z <= ground else th * h
                d = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
                for it in range(2):
                    k0 = kc + (kcan - kc) * _blend(t, t_dep, t_open, expo)
                    km = kc + (kcan - kc) * _blend(t + 0.5 * hs, t_dep, t_open, expo)
                    k1 = kc + (kcan - kc) * _blend(t + hs, t_dep, t_open, expo)
                    d = _rk4k(
                        z, ve, vn, vu, hs, k0, km, k1, cw, sw, ke, kn, s, air_f, air_i, tab, wj
                    )
                    if it == 0:
                        rate = vu + d[5]
                        zs = z + d[2]
                        hs = min(
                            max(hs - (zs - ground) / (rate if abs(rate) > 1e-9 else -1e-9), 0.0),
                            h,
                        )
                        if z <= ground:
                            hs = 0.0
                h = hs
                de, dn, dz, dve, dvn, dvu = d[0], d[1], d[2], d[3], d[4], d[5]
            t = t + h
            e, n, z = e + de, n + dn, z + dz
            ve, vn, vu = ve + dve, vn + dvn, vu + dvu
            if cross:
                z = ground
                landed[g] = True
                out[7, g], out[8, g], out[9, g] = x[MAXSPEED, s], x[MST, s], x[MSE, s]
                out[10, g], out[11, g], out[12, g] = x[MSN, s], x[MSZ, s], x[MSVE, s]
                out[13, g], out[14, g], out[15, g] = x[MSVN, s], x[MSVU, s], x[MAXMACH, s]
                out[0, g], out[1, g], out[2, g], out[3, g] = t, e, n, z
                out[4, g], out[5, g], out[6, g] = ve, vn, vu
                if first and nrec < rec.shape[0]:
                    rec[nrec, 0], rec[nrec, 1], rec[nrec, 2], rec[nrec, 3] = t, e, n, z
                    rec[nrec, 4], rec[nrec, 5], rec[nrec, 6] = ve, vn, vu
                    rec[nrec, 10] = 0.0  # no acceleration recorded
                    nrec += 1
            else:
                x[T, s], x[E, s], x[N, s], x[Z, s] = t, e, n, z
                x[VE, s], x[VN, s], x[VU, s] = ve, vn, vu
                if kept != s:
                    for q in range(NXO):
                        x[q, kept] = x[q, s]
                    for q in range(ke.shape[1]):
                        ke[kept, q] = ke[s, q]
                        kn[kept, q] = kn[s, q]
                kept += 1
        if not final:
            na = kept
    for s in range(na):
        g = int(x[SID, s])
        out[7, g], out[8, g], out[9, g] = x[MAXSPEED, s], x[MST, s], x[MSE, s]
        out[10, g], out[11, g], out[12, g] = x[MSN, s], x[MSZ, s], x[MSVE, s]
        out[13, g], out[14, g], out[15, g] = x[MSVN, s], x[MSVU, s], x[MAXMACH, s]
    return nrec
