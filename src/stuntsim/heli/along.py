"""Everything along one flown path, at every path sample at once (numpy arrays, SI).

For each sample of the path: the specific force f = a - g (load factor n = |f| / g, bank from
f across the heading), the rotor state from momentum theory (heli/performance.py), the power
available, the Vne that applies there (pressure altitude, OAT, power on or off, doors, mounts),
both vortex-ring criteria, the steady autorotative descent rate, the terrain under the rotor
corridor (heli/terrain.py), the height above the ground directly below (the height-velocity
diagram) and the gust load-factor increment. Docstrings of the functions called give each
equation and its source.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stuntsim.constants import G0, GAMMA_AIR, R_AIR, RHO0
from stuntsim.heli import performance as perf
from stuntsim.heli.aircraft import Aircraft
from stuntsim.heli.hv import hv_margin
from stuntsim.heli.maneuver import Path as FlightPath
from stuntsim.heli.terrain import lowest_point, terrain_under
from stuntsim.heli.vrs import OperatingPoints


def vne_ias(
    ac: Aircraft, pressure_altitude: Any, power_off: Any, mounts: float | None = None
) -> Any:
    """Placard Vne (IAS, m/s) at pressure altitude Hp (m), power on or off:

        Vne_on = Vne0 - k Hp,     Vne_off = Vne0_off - k_off Hp

    with the doors-off and the mounts' Vne when they apply. The OAT enters through
    :func:`tip_mach_vne_tas` (the advancing-tip Mach limit), taken as the lower of the two.
    """
    hp = np.maximum(np.asarray(pressure_altitude, dtype=float), 0.0)
    von = ac.vne_sea_level - ac.vne_lapse * hp
    voff = ac.vne_power_off - ac.vne_power_off_lapse * hp
    v = np.where(power_off, np.minimum(von, voff), von)
    if ac.doors_off:
        v = np.minimum(v, ac.vne_doors_off)
    if mounts is not None:
        v = np.minimum(v, mounts)
    return v


def tip_mach_vne_tas(ac: Aircraft, temperature: Any) -> np.ndarray:
    """TAS at which the advancing tip reaches M_tip: M_tip sqrt(gamma R T) - Omega R (m/s)."""
    a = np.sqrt(GAMMA_AIR * R_AIR * np.asarray(temperature, dtype=float))
    return ac.tip_mach_limit * a - ac.tip_speed


def evaluate(
    ac: Aircraft,
    fp: FlightPath,
    atm: Any,
    terrain: Any,
    limits: Any,
    mount_vne: float | None,
    gust_extra: float = 0.0,
) -> dict[str, np.ndarray]:
    """The path state (SI arrays over the path samples) for aircraft ``ac`` (mass with rigs)."""
    z = fp.pos[:, 2]
    rho = atm.density(z)
    temp = atm.temperature(z)
    g_vec = np.array([0.0, 0.0, -G0])
    f = fp.accel - g_vec  # specific force
    tv = perf.thrust_vector(ac, rho, fp.v_air, f)
    rs = perf.rotor_state(ac, rho, fp.v_air, tv)
    p_av = perf.power_available(ac, rho)
    airspeed = np.hypot(fp.v_air[:, 0], fp.v_air[:, 1])
    tas = np.linalg.norm(fp.v_air, axis=-1)
    ias = tas * np.sqrt(rho / RHO0)
    descent = -fp.v_air[:, 2]
    n = np.linalg.norm(f, axis=-1) / G0
    right = np.stack([np.cos(fp.heading), -np.sin(fp.heading)], axis=-1)
    bank = np.arctan2(np.sum(f[:, :2] * right, axis=-1), f[:, 2])
    tilt = np.arccos(np.clip(rs.normal[:, 2], -1.0, 1.0))
    hd = atm.density_altitude(rho)
    hp = atm.pressure_altitude(atm.pressure(z))
    power_off = rs.main <= 0.0
    vne = vne_ias(ac, hp, power_off, mount_vne)
    vne_tip = tip_mach_vne_tas(ac, temp) * np.sqrt(rho / RHO0)
    vne = np.minimum(vne, vne_tip)
    safe_vh = np.where(rs.v_h > 0, rs.v_h, 1.0)
    x = rs.v_par / safe_vh
    zz = -rs.v_perp / safe_vh
    frac = rs.shaft / p_av
    op = OperatingPoints(x, zz, rs.v_h, airspeed, descent, frac)
    m_j = limits.vrs_johnson.margin(op)
    m_f = limits.vrs_faa.margin(op)
    margin = limits.vrs.margin(op)
    auto = np.full(len(z), np.nan)
    dsc = descent > 0.05
    if dsc.any():
        auto[dsc] = perf.autorotation_descent_rate(ac, rho[dsc], airspeed[dsc], n[dsc])
    radius = ac.rotor_radius + limits.navigation_error
    ground = terrain_under(terrain, fp.pos[:, 0], fp.pos[:, 1], radius)
    below = terrain.height(fp.pos[:, 0], fp.pos[:, 1])
    skid_height = z - ac.hub_height - below
    low = lowest_point(z, tilt, ac.rotor_radius, ac.hub_height)
    gust_dn = perf.gust_load_factor_increment(ac, rho, rs, limits.gust_speed)
    extra_dn = (
        perf.gust_load_factor_increment(ac, rho, rs, gust_extra)
        if gust_extra > 0.0
        else np.zeros(len(z))
    )
    hv = hv_margin(ias, skid_height, ac.hv_speed, ac.hv_upper, ac.hv_lower)
    transition = fp.transition if fp.transition is not None else np.zeros(len(z), dtype=bool)
    return {
        "t_s": fp.t,
        "east_m": fp.pos[:, 0],
        "north_m": fp.pos[:, 1],
        "altitude_m": z,
        "v_east_m_s": fp.v_ground[:, 0],
        "v_north_m_s": fp.v_ground[:, 1],
        "v_up_m_s": fp.v_ground[:, 2],
        "airspeed_m_s": airspeed,
        "true_airspeed_m_s": tas,
        "indicated_airspeed_m_s": ias,
        "heading_rad": fp.heading,
        "bank_rad": bank,
        "load_factor": n,
        "load_factor_gust": n + extra_dn,
        "descent_rate_m_s": descent,
        "density_kg_m3": rho,
        "temperature_k": temp,
        "density_altitude_m": hd,
        "pressure_altitude_m": hp,
        "thrust_n": rs.thrust,
        "v_h_m_s": rs.v_h,
        "v_i_m_s": rs.v_i,
        "v_par_m_s": rs.v_par,
        "v_perp_m_s": rs.v_perp,
        "power_induced_w": rs.induced,
        "power_profile_w": rs.profile,
        "power_climb_parasite_w": rs.climb_parasite,
        "power_main_rotor_w": rs.main,
        "power_required_w": rs.shaft,
        "power_available_w": p_av,
        "power_fraction": frac,
        "vne_ias_m_s": vne,
        "vrs_x": x,
        "vrs_z": zz,
        "vrs_margin": margin,
        "vrs_margin_johnson": m_j,
        "vrs_margin_faa": m_f,
        "autorotation_rate_m_s": auto,
        "terrain_m": ground,
        "ground_below_m": below,
        "skid_height_m": skid_height,
        "hv_margin": hv,
        "lowest_point_m": low,
        "clearance_m": low - ground,
        "tilt_rad": tilt,
        "gust_dn": gust_dn,
        "segment": fp.segment,
        "transition": transition,
        "_specific_force": f,
        "_v_air": fp.v_air,
        "_normal": rs.normal,
    }
