"""The canopy phase compiled (numba): the same integration as ``kernel._canopy_numpy``.

One sample at a time, its steps in a compiled loop: the arithmetic is the numpy path's,
operation for operation (RK4 in the height lost s, dX/ds = v_h / w_desc, dt/ds = 1 / w_desc,
steps ending on every wind and pattern level, at most :data:`kernel.DZ_CANOPY`, for "target"
steering at most half the height left to the aim level), so the two paths agree to rounding
(tests/test_jump_kernel_compiled.py asks for 1e-9 m) and a sample's landing does not depend on
the other samples of its batch. What the compiled loop saves is the numpy path's Python-level
passes: about twenty array operations per evaluation, each over the whole block.

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

    ``flt``: heading, ground, final_agl, sin/cos of the final heading, drift_w0, dz_canopy,
    target step fraction, target final dz, flare AGL; ``flags``: final leg on, number of
    pattern levels (0 or 3), record sample 0, max steps. ``out`` rows: land t, e, n, z, v_e,
    v_n, v_z, wind drift e, n. ``rec`` receives sample 0's step points (t, e, n, z, v_e, v_n,
    v_z) when recording; returns their count."""
    heading, ground, final_agl, fhe, fhn = flt[0], flt[1], flt[2], flt[3], flt[4]
    dz_can, frac, final_dz, flare = flt[6], flt[7], flt[8], flt[9]
    m = dd.shape[1]
    dd_scale = (m - 1) / (dd[0, m - 1] - dd[0, 0])  # drift-table points per metre
    final_on = flags[0] == 1
    npat = flags[1]
    record = flags[2] == 1
    max_steps = flags[3]
    target = steer == 3
    aim_z, aim_e, aim_n, aim_de, aim_dn = aims[0], aims[1], aims[2], aims[3], aims[4]
    nrec = 0
    nk = len(knots)
    m = state.shape[1]
    # the samples advance together, one step each per pass, so that consecutive table
    # look-ups of the block stay at nearby altitudes (in cache), as in the numpy path
    lvs = np.empty((m, 8))
    leg = np.empty((m, 5))
    drift = np.zeros((m, 2))
    active = np.arange(m)
    for s in range(m):
        z = state[3, s]
        k = 0
        for q in range(npat):
            if z <= aim_z[q] + 1e-6:
                k += 1
        leg[s, 0], leg[s, 1], leg[s, 2] = aim_z[k], aim_e[k], aim_n[k]
        leg[s, 3], leg[s, 4] = aim_de[k], aim_dn[k]
        lv = _level(
            z,
            aim_z[k],
            aim_de[k],
            aim_dn[k],
            s,
            air_f,
            air_i,
            tab,
            wj,
            ke,
            kn,
            ps,
            dd,
            dd_scale,
            target,
        )
        for q in range(8):
            lvs[s, q] = lv[q]
    na = m
    steps = 0
    while na > 0:
        steps += 1
        if steps > max_steps:
            raise RuntimeError("canopy flight did not end")
        kept = 0
        for a in range(na):
            s = active[a]
            t, e, n, z = state[0, s], state[1, s], state[2, s], state[3, s]
            za, pe, pn, dae, dan = leg[s, 0], leg[s, 1], leg[s, 2], leg[s, 3], leg[s, 4]
            lv0 = (
                lvs[s, 0],
                lvs[s, 1],
                lvs[s, 2],
                lvs[s, 3],
                lvs[s, 4],
                lvs[s, 5],
                lvs[s, 6],
                lvs[s, 7],
            )
            ds = min(dz_can, z - ground)
            fin = False
            if target:
                k = 0
                for q in range(npat):
                    if z <= aim_z[q] + 1e-6:
                        k += 1
                if aim_z[k] != za:
                    # a new leg starts where the last one ended: its aim level changes there
                    za, pe, pn, dae, dan = aim_z[k], aim_e[k], aim_n[k], aim_de[k], aim_dn[k]
                    leg[s, 0], leg[s, 1], leg[s, 2], leg[s, 3], leg[s, 4] = za, pe, pn, dae, dan
                    lv0 = _level(
                        z,
                        za,
                        dae,
                        dan,
                        s,
                        air_f,
                        air_i,
                        tab,
                        wj,
                        ke,
                        kn,
                        ps,
                        dd,
                        dd_scale,
                        target,
                    )
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
            # the largest knot below z - 1e-6 (np.searchsorted(knots, z - 1e-6) - 1)
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
            zm = z - 0.5 * ds
            z1 = ground if last else z - ds
            lvm = _level(
                zm,
                za,
                dae,
                dan,
                s,
                air_f,
                air_i,
                tab,
                wj,
                ke,
                kn,
                ps,
                dd,
                dd_scale,
                target,
            )
            lv1 = _level(
                z1,
                za,
                dae,
                dan,
                s,
                air_f,
                air_i,
                tab,
                wj,
                ke,
                kn,
                ps,
                dd,
                dd_scale,
                target,
            )
            inv0, invm, inv1 = lv0[4], lvm[4], lv1[4]
            v1e, v1n = _vh(steer, heading, lv0, z, e, n, pe, pn, fin, fhe, fhn, ground, flare)
            if record and s == 0 and nrec < rec.shape[0]:
                rec[nrec, 0], rec[nrec, 1], rec[nrec, 2], rec[nrec, 3] = t, e, n, z
                rec[nrec, 4], rec[nrec, 5], rec[nrec, 6] = v1e, v1n, -1.0 / inv0
                nrec += 1
            k1e, k1n = v1e * inv0, v1n * inv0
            hd = 0.5 * ds
            v2e, v2n = _vh(
                steer,
                heading,
                lvm,
                zm,
                e + hd * k1e,
                n + hd * k1n,
                pe,
                pn,
                fin,
                fhe,
                fhn,
                ground,
                flare,
            )
            k2e, k2n = v2e * invm, v2n * invm
            v3e, v3n = _vh(
                steer,
                heading,
                lvm,
                zm,
                e + hd * k2e,
                n + hd * k2n,
                pe,
                pn,
                fin,
                fhe,
                fhn,
                ground,
                flare,
            )
            k3e, k3n = v3e * invm, v3n * invm
            v4e, v4n = _vh(
                steer,
                heading,
                lv1,
                z1,
                e + ds * k3e,
                n + ds * k3n,
                pe,
                pn,
                fin,
                fhe,
                fhn,
                ground,
                flare,
            )
            k4e, k4n = v4e * inv1, v4n * inv1
            d6 = ds / 6.0
            e = e + d6 * (k1e + 2.0 * (k2e + k3e) + k4e)
            n = n + d6 * (k1n + 2.0 * (k2n + k3n) + k4n)
            t = t + d6 * (inv0 + 4.0 * invm + inv1)
            wde = drift[s, 0] + d6 * (lv0[0] * inv0 + 4.0 * lvm[0] * invm + lv1[0] * inv1)
            wdn = drift[s, 1] + d6 * (lv0[1] * inv0 + 4.0 * lvm[1] * invm + lv1[1] * inv1)
            z = z1
            if last:
                ve, vn = _vh(steer, heading, lv1, z, e, n, pe, pn, fin, fhe, fhn, ground, flare)
                vz = -1.0 / inv1
                out[0, s], out[1, s], out[2, s], out[3, s] = t, e, n, z
                out[4, s], out[5, s], out[6, s] = ve, vn, vz
                out[7, s], out[8, s] = wde, wdn
                if record and s == 0 and nrec < rec.shape[0]:
                    rec[nrec, 0], rec[nrec, 1], rec[nrec, 2], rec[nrec, 3] = t, e, n, z
                    rec[nrec, 4], rec[nrec, 5], rec[nrec, 6] = ve, vn, vz
                    nrec += 1
            else:
                state[0, s], state[1, s], state[2, s], state[3, s] = t, e, n, z
                drift[s, 0], drift[s, 1] = wde, wdn
                for q in range(8):
                    lvs[s, q] = lv1[q]
                active[kept] = s
                kept += 1
        na = kept
    return nrec


def as_f8(v: Any) -> np.ndarray:
    return np.ascontiguousarray(v, dtype=np.float64)
