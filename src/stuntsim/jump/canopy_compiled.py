"""The canopy phase compiled (numba): the same integration as ``kernel._canopy_numpy``.

The numpy path's arithmetic, operation for operation (RK4 in the height lost s, dX/ds =
v_h / w_desc, dt/ds = 1 / w_desc, steps ending on every wind and pattern level, at most
:data:`kernel.DZ_CANOPY`, for "target" steering at most half the height left to the aim level),
except that |(x, y)| is sqrt(x^2 + y^2) where numpy calls hypot (a library call that would keep
the loops scalar; the two differ by at most an ulp). Landings agree with the numpy path to about
1e-11 m (tests/test_jump_kernel_compiled.py asks for 1e-9 m), and a sample's landing does not
depend on the other samples of its batch.

The samples of a block advance in lockstep, one step each per pass; each wind/density level and
each RK4 stage is one loop over the samples still flying, which compiles to SIMD code. Measured
(docs/performance.md): one sample after the other ran at about 200 ns a step, 1.4 times the
numpy path; lockstep passes with numba's inlined helper functions stayed scalar; written out,
the passes vectorise.

Steering codes: 0 drift, 1 heading, 2 into_wind, 3 target (jump/canopy.py has the laws and their
sources). Numba compiles on first use and caches the machine code next to this file
(``cache=True``), so only the first process after a change pays the compile time.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit

STEER_CODES = {"drift": 0, "heading": 1, "into_wind": 2, "target": 3}


@njit(cache=True, inline="always", error_model="numpy")
def _index(z: float, z0: float, inv_dz: float, xmax: float) -> tuple[int, float]:
    x = (z - z0) * inv_dz
    x = min(max(x, 0.0), xmax)
    i = int(x)
    return i, x - i


@njit(cache=True, inline="always", error_model="numpy")
def _level(
    z: float,
    za: float,
    dae: float,
    dan: float,
    s: int,
    air_f: Any,
    air_i: Any,
    tab: Any,
    wj: Any,
    ke: Any,
    kn: Any,
    ps: Any,
    dd: Any,
    dd_scale: float,
    target: bool,
) -> tuple[float, float, float, float, float, float, float, float]:
    """(we, wn, u, umin, inv_wd, dre, drn, r_rem) at altitude z: kernel._CanopyLevel."""
    i, f = _index(z, air_f[0], air_f[1], air_f[2])
    sig = tab[i, 0] + f * tab[i, 1]
    if air_i[0] == 1:  # per-sample wind levels
        nl = air_i[2]
        j = wj[i]
        fw = tab[i, 6] + f * tab[i, 7]
        j1 = min(j + 1, nl - 1)
        e0 = (1.0 - fw) * ke[s, j] + fw * ke[s, j1]
        n0 = (1.0 - fw) * kn[s, j] + fw * kn[s, j1]
    elif air_i[1] == 1:  # calm
        e0 = 0.0
        n0 = 0.0
    else:
        e0 = tab[i, 2] + f * tab[i, 3]
        n0 = tab[i, 4] + f * tab[i, 5]
    u0, w0, umin, cw, sw = ps[s, 0], ps[s, 1], ps[s, 2], ps[s, 3], ps[s, 4]
    we = cw * e0 + sw * n0
    wn = cw * n0 - sw * e0
    u = u0 * sig
    um = umin * sig
    inv_wd = 1.0 / (w0 * sig)
    dre = 0.0
    drn = 0.0
    r_rem = 0.0
    if target:
        k = ps[s, 5]  # drift_w0 / w0
        m = dd.shape[1]
        x = (z - dd[0, 0]) * dd_scale
        x = min(max(x, 0.0), m - 1 - 1e-9)
        jj = int(x)
        x -= jj
        ee, nn = dd[1, jj], dd[2, jj]
        dre = k * (ee + x * (dd[1, jj + 1] - ee) - dae)
        drn = k * (nn + x * (dd[2, jj + 1] - nn) - dan)
        r_rem = max(ps[s, 6] * (z - za), 2.0)  # u0 / w0 (z - z_aim)
    return we, wn, u, um, inv_wd, dre, drn, r_rem


@njit(cache=True, inline="always", error_model="numpy")
def _vh(
    steer: int,
    heading: float,
    lv: tuple[float, float, float, float, float, float, float, float],
    z: float,
    e: float,
    n: float,
    aim_e: float,
    aim_n: float,
    fin: bool,
    fhe: float,
    fhn: float,
    ground: float,
    flare_agl: float,
) -> tuple[float, float]:
    """Horizontal ground velocity under canopy: kernel._canopy_vh for one sample."""
    we, wn, u, umin, _, dre, drn, r_rem = lv
    if steer == 0:
        return we, wn
    if steer == 1:
        return we + u * math.sin(heading), wn + u * math.cos(heading)
    if steer == 2:
        w = math.hypot(we, wn)
        if w < 1e-6:
            return we + u * math.sin(heading), wn + u * math.cos(heading)
        return we + -u * we / w, wn + -u * wn / w
    need_e = aim_e - e - dre
    need_n = aim_n - n - drn
    need = math.hypot(need_e, need_n)
    scale = u / max(r_rem, need)
    ae = need_e * scale
    an = need_n * scale
    if fin:
        al = min(max(u * (need_e * fhe + need_n * fhn) / r_rem, umin), u)
        cr_max = math.sqrt(max(u * u - al * al, 0.0))
        cr = min(max(u * (need_e * fhn - need_n * fhe) / r_rem, -cr_max), cr_max)
        if z - ground < flare_agl:
            cr = 0.0
        ae = al * fhe + cr * fhn
        an = al * fhn - cr * fhe
    return we + ae, wn + an


# rows of the lockstep state array x
CT, CE, CN, CZ, CWDE, CWDN, CZA, CPE, CPN, CDAE, CDAN, CSID = range(12)
CLV0 = 12  # the 8 level values at z (we, wn, u, umin, inv_wd, dre, drn, r_rem)
CU0, CW0, CUMIN, CCW, CSW, CKD, CUW = range(20, 27)
NXC = 27
# rows of the work array w
WDS, WZM, WZ1, WLAST, WFIN = range(5)
WLVM, WLV1 = 5, 13
WV1, WK1, WK2, WK3, WK4 = 21, 23, 25, 27, 29
NWC = 31


@njit(cache=True, error_model="numpy")
def _levels_pass(
    x: Any,
    w: Any,
    na: int,
    zrow: int,
    dst: int,
    air_f: Any,
    air_i: Any,
    tab: Any,
    wj: Any,
    ke: Any,
    kn: Any,
    dd: Any,
    dd_scale: float,
    target: bool,
) -> None:
    """:func:`_level` at altitude w[zrow] for samples 0..na-1 into w[dst:dst+8], written out
    so that the loop compiles to SIMD code (an inlined call kept it scalar)."""
    z0, inv_dz, xmax = air_f[0], air_f[1], air_f[2]
    layered = air_i[0] == 1
    calm = air_i[1] == 1
    nl = air_i[2]
    m = dd.shape[1]
    for s in range(na):
        z = w[zrow, s]
        xx = (z - z0) * inv_dz
        xx = min(max(xx, 0.0), xmax)
        i = int(xx)
        f = xx - i
        sig = tab[i, 0] + f * tab[i, 1]
        if layered:
            j = wj[i]
            fw = tab[i, 6] + f * tab[i, 7]
            j1 = min(j + 1, nl - 1)
            e0 = (1.0 - fw) * ke[s, j] + fw * ke[s, j1]
            n0 = (1.0 - fw) * kn[s, j] + fw * kn[s, j1]
        elif calm:
            e0 = 0.0
            n0 = 0.0
        else:
            e0 = tab[i, 2] + f * tab[i, 3]
            n0 = tab[i, 4] + f * tab[i, 5]
        cw, sw = x[CCW, s], x[CSW, s]
        w[dst, s] = cw * e0 + sw * n0
        w[dst + 1, s] = cw * n0 - sw * e0
        w[dst + 2, s] = x[CU0, s] * sig
        w[dst + 3, s] = x[CUMIN, s] * sig
        w[dst + 4, s] = 1.0 / (x[CW0, s] * sig)
        if target:
            q = (z - dd[0, 0]) * dd_scale
            q = min(max(q, 0.0), m - 1 - 1e-9)
            jj = int(q)
            q -= jj
            ee, nn = dd[1, jj], dd[2, jj]
            k = x[CKD, s]
            w[dst + 5, s] = k * (ee + q * (dd[1, jj + 1] - ee) - x[CDAE, s])
            w[dst + 6, s] = k * (nn + q * (dd[2, jj + 1] - nn) - x[CDAN, s])
            w[dst + 7, s] = max(x[CUW, s] * (z - x[CZA, s]), 2.0)


@njit(cache=True, error_model="numpy")
def _vh_pass(
    x: Any,
    w: Any,
    na: int,
    src: Any,
    lo: int,
    zrow: int,
    zsrc: Any,
    c: float,
    k_in: int,
    k_out: int,
    steer: int,
    heading: float,
    fhe: float,
    fhn: float,
    ground: float,
    flare: float,
) -> None:
    """:func:`_vh` for samples 0..na-1 with the level in src[lo:lo+8] at altitude
    zsrc[zrow], at the position (e, n) + c ds k_in; stores v / w_desc (dX/ds) in w[k_out]
    (and, for the first stage, v itself in w[WV1])."""
    sh, ch = math.sin(heading), math.cos(heading)
    for s in range(na):
        if k_in < 0:
            e, n = x[CE, s], x[CN, s]
        else:
            d = c * w[WDS, s]
            e = x[CE, s] + d * w[k_in, s]
            n = x[CN, s] + d * w[k_in + 1, s]
        we, wn, u, umin = src[lo, s], src[lo + 1, s], src[lo + 2, s], src[lo + 3, s]
        inv = src[lo + 4, s]
        if steer == 0:
            ve, vn = we, wn
        elif steer == 1:
            ve, vn = we + u * sh, wn + u * ch
        elif steer == 2:
            ww = math.sqrt(we * we + wn * wn)
            calm = ww < 1e-6
            wsafe = 1.0 if calm else ww
            ve = we + (u * sh if calm else -u * we / wsafe)
            vn = wn + (u * ch if calm else -u * wn / wsafe)
        else:
            dre, drn, r_rem = src[lo + 5, s], src[lo + 6, s], src[lo + 7, s]
            need_e = x[CPE, s] - e - dre
            need_n = x[CPN, s] - n - drn
            need = math.sqrt(need_e * need_e + need_n * need_n)
            scale = u / max(r_rem, need)
            ae = need_e * scale
            an = need_n * scale
            al = min(max(u * (need_e * fhe + need_n * fhn) / r_rem, umin), u)
            cr_max = math.sqrt(max(u * u - al * al, 0.0))
            cr = min(max(u * (need_e * fhn - need_n * fhe) / r_rem, -cr_max), cr_max)
            cr = 0.0 if zsrc[zrow, s] - ground < flare else cr
            fin = w[WFIN, s] == 1.0
            ve = we + (al * fhe + cr * fhn if fin else ae)
            vn = wn + (al * fhn - cr * fhe if fin else an)
        if k_in < 0:
            w[WV1, s] = ve
            w[WV1 + 1, s] = vn
        w[k_out, s] = ve * inv
        w[k_out + 1, s] = vn * inv


@njit(cache=True, error_model="numpy")
def fly_canopy(
    steer: int,
    flt: Any,
    flags: Any,
    air_f: Any,
    air_i: Any,
    tab: Any,
    wj: Any,
    ke: Any,
    kn: Any,
    ps: Any,
    dd: Any,
    aims: Any,
    knots: Any,
    state: Any,
    out: Any,
    rec: Any,
) -> int:
    """Fly every sample of ``state`` (rows t, e, n, z) from opening to the ground.

    The samples advance in lockstep, one step each per pass: each level and each RK4 stage is
    one loop over the samples still flying (structure of arrays, compacted as they land),
    which compiles to SIMD code. ``ps``, ``ke`` and ``kn`` are compacted in place.

    ``flt``: heading, ground, final_agl, sin/cos of the final heading, drift_w0, dz_canopy,
    target step fraction, target final dz, flare AGL; ``flags``: final leg on, number of
    pattern levels (0 or 3), record sample 0, max steps. ``out`` rows: land t, e, n, z, v_e,
    v_n, v_z, wind drift e, n. ``rec`` receives sample 0's step points (t, e, n, z, v_e, v_n,
    v_z) when recording; returns their count."""
    heading, ground, final_agl, fhe, fhn = flt[0], flt[1], flt[2], flt[3], flt[4]
    dz_can, frac, final_dz, flare = flt[6], flt[7], flt[8], flt[9]
    md = dd.shape[1]
    dd_scale = (md - 1) / (dd[0, md - 1] - dd[0, 0])
    final_on = flags[0] == 1
    npat = flags[1]
    record = flags[2] == 1
    max_steps = flags[3]
    target = steer == 3
    aim_z, aim_e, aim_n, aim_de, aim_dn = aims[0], aims[1], aims[2], aims[3], aims[4]
    nrec = 0
    nk = len(knots)
    na = state.shape[1]
    x = np.zeros((NXC, na))
    w = np.zeros((NWC, na))
    for s in range(na):
        x[CT, s], x[CE, s], x[CN, s], x[CZ, s] = state[0, s], state[1, s], state[2, s], state[3, s]
        x[CSID, s] = s
        for q in range(7):
            x[CU0 + q, s] = ps[s, q]
        z = state[3, s]
        k = 0
        for q in range(npat):
            if z <= aim_z[q] + 1e-6:
                k += 1
        x[CZA, s], x[CPE, s], x[CPN, s] = aim_z[k], aim_e[k], aim_n[k]
        x[CDAE, s], x[CDAN, s] = aim_de[k], aim_dn[k]
        lv = _level(
            z, aim_z[k], aim_de[k], aim_dn[k], s, air_f, air_i, tab, wj, ke, kn, ps, dd,
            dd_scale, target,
        )  # fmt: skip
        for q in range(8):
            x[CLV0 + q, s] = lv[q]
    steps = 0
    while na > 0:
        steps += 1
        if steps > max_steps:
            raise RuntimeError("canopy flight did not end")
        for s in range(na):  # the step: its size, the leg, the final leg
            z = x[CZ, s]
            za = x[CZA, s]
            ds = min(dz_can, z - ground)
            fin = False
            if target:
                k = 0
                for q in range(npat):
                    if z <= aim_z[q] + 1e-6:
                        k += 1
                if aim_z[k] != za:
                    # a new leg starts where the last one ended: its aim level changes there
                    za = aim_z[k]
                    x[CZA, s], x[CPE, s], x[CPN, s] = za, aim_e[k], aim_n[k]
                    x[CDAE, s], x[CDAN, s] = aim_de[k], aim_dn[k]
                    lv = _level(
                        z, za, aim_de[k], aim_dn[k], s, air_f, air_i, tab, wj, ke, kn, ps,
                        dd, dd_scale, target,
                    )  # fmt: skip
                    for q in range(8):
                        x[CLV0 + q, s] = lv[q]
                if final_on:
                    fin = z <= ground + final_agl + 1e-6
                    if npat > 0:
                        fin = fin and za <= ground
                    zf = ground + final_agl
                    if z > zf + 1e-6:
                        ds = min(ds, z - zf)
                r = z - za
                ds = min(ds, r * frac) if r > final_dz else r
                ds = min(ds, z - ground)
            zq = z - 1e-6
            lo, hi = 0, nk
            while lo < hi:
                mid = (lo + hi) // 2
                if knots[mid] < zq:
                    lo = mid + 1
                else:
                    hi = mid
            kb = lo - 1
            if kb >= 0 and knots[kb] > ground:
                ds = min(ds, z - knots[kb])
            last = ds >= z - ground - 1e-9
            w[WDS, s] = ds
            w[WZM, s] = z - 0.5 * ds
            w[WZ1, s] = ground if last else z - ds
            w[WLAST, s] = 1.0 if last else 0.0
            w[WFIN, s] = 1.0 if fin else 0.0
        _levels_pass(x, w, na, WZM, WLVM, air_f, air_i, tab, wj, ke, kn, dd, dd_scale, target)
        _levels_pass(x, w, na, WZ1, WLV1, air_f, air_i, tab, wj, ke, kn, dd, dd_scale, target)
        _vh_pass(x, w, na, x, CLV0, CZ, x, 0.0, -1, WK1, steer, heading, fhe, fhn, ground, flare)
        _vh_pass(x, w, na, w, WLVM, WZM, w, 0.5, WK1, WK2, steer, heading, fhe, fhn, ground, flare)
        _vh_pass(x, w, na, w, WLVM, WZM, w, 0.5, WK2, WK3, steer, heading, fhe, fhn, ground, flare)
        _vh_pass(x, w, na, w, WLV1, WZ1, w, 1.0, WK3, WK4, steer, heading, fhe, fhn, ground, flare)
        kept = 0
        for s in range(na):
            t, e, n, z = x[CT, s], x[CE, s], x[CN, s], x[CZ, s]
            inv0, invm, inv1 = x[CLV0 + 4, s], w[WLVM + 4, s], w[WLV1 + 4, s]
            first = record and x[CSID, s] == 0.0
            if first and nrec < rec.shape[0]:
                rec[nrec, 0], rec[nrec, 1], rec[nrec, 2], rec[nrec, 3] = t, e, n, z
                rec[nrec, 4], rec[nrec, 5], rec[nrec, 6] = w[WV1, s], w[WV1 + 1, s], -1.0 / inv0
                nrec += 1
            ds = w[WDS, s]
            d6 = ds / 6.0
            e = e + d6 * (w[WK1, s] + 2.0 * (w[WK2, s] + w[WK3, s]) + w[WK4, s])
            n = n + d6 * (w[WK1 + 1, s] + 2.0 * (w[WK2 + 1, s] + w[WK3 + 1, s]) + w[WK4 + 1, s])
            t = t + d6 * (inv0 + 4.0 * invm + inv1)
            wde = x[CWDE, s] + d6 * (
                x[CLV0, s] * inv0 + 4.0 * w[WLVM, s] * invm + w[WLV1, s] * inv1
            )
            wdn = x[CWDN, s] + d6 * (
                x[CLV0 + 1, s] * inv0 + 4.0 * w[WLVM + 1, s] * invm + w[WLV1 + 1, s] * inv1
            )
            z = w[WZ1, s]
            if w[WLAST, s] == 1.0:
                lv1 = (
                    w[WLV1, s], w[WLV1 + 1, s], w[WLV1 + 2, s], w[WLV1 + 3, s],
                    w[WLV1 + 4, s], w[WLV1 + 5, s], w[WLV1 + 6, s], w[WLV1 + 7, s],
                )  # fmt: skip
                ve, vn = _vh(
                    steer, heading, lv1, z, e, n, x[CPE, s], x[CPN, s], w[WFIN, s] == 1.0,
                    fhe, fhn, ground, flare,
                )  # fmt: skip
                vz = -1.0 / inv1
                g = int(x[CSID, s])
                out[0, g], out[1, g], out[2, g], out[3, g] = t, e, n, z
                out[4, g], out[5, g], out[6, g] = ve, vn, vz
                out[7, g], out[8, g] = wde, wdn
                if first and nrec < rec.shape[0]:
                    rec[nrec, 0], rec[nrec, 1], rec[nrec, 2], rec[nrec, 3] = t, e, n, z
                    rec[nrec, 4], rec[nrec, 5], rec[nrec, 6] = ve, vn, vz
                    nrec += 1
            else:
                x[CT, s], x[CE, s], x[CN, s], x[CZ, s] = t, e, n, z
                x[CWDE, s], x[CWDN, s] = wde, wdn
                for q in range(8):
                    x[CLV0 + q, s] = w[WLV1 + q, s]
                if kept != s:  # compact: the samples still flying stay in order at the front
                    for q in range(NXC):
                        x[q, kept] = x[q, s]
                    for q in range(ke.shape[1]):
                        ke[kept, q] = ke[s, q]
                        kn[kept, q] = kn[s, q]
                    for q in range(7):
                        ps[kept, q] = ps[s, q]
                kept += 1
        na = kept
    return nrec


def as_f8(v: Any) -> np.ndarray:
    return np.ascontiguousarray(v, dtype=np.float64)
