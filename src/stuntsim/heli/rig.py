"""Camera-rig loads: the force each mount carries along the path.

A rig of mass m, frontal area A and drag coefficient Cd, rigidly mounted, moves with the
airframe. The mount holds it against gravity, the airframe's acceleration and the air:

    F_mount = q Cd A u_hat - m f,    q = (1/2) rho |u|^2,   f = a - g (specific force)

where u is the air velocity relative to the rig (minus the true air velocity, plus the rotor
downwash for a rig under the disc) and the mount load is |F_mount|. The air load is taken at
the rig's full frontal area whatever the direction of u (conservative), and a rig under the disc
(horizontal distance from the mast below the rotor radius) sits in the fully developed wake,
2 v_i along the thrust axis (momentum theory; conservative near the disc).

Gusts on the planned path (the certification cases are in heli/loads.py): 14 CFR 27.341 asks
for a vertical gust of 30 ft/s at each critical airspeed including hovering; the horizontal gust
of 29.341 (Part 29) is added as a conservative case. Three cases are evaluated at every path
sample and the largest load kept:

- horizontal gust: u grows by U along its own direction (a head-on gust);
- vertical gust up / down: u gains -/+ U vertically (air moving up / down past the rig) and the
  airframe's load factor changes by +/- dn along the thrust axis, dn from the rotor's
  quasi-steady thrust response (:func:`stuntsim.heli.performance.gust_load_factor_increment`).

Path load = the largest of these along the path; ultimate = 1.5 x path load (14 CFR 27.303);
margin against the rig's rating as a limit load MS = rated / path load - 1 (>= 0 passes). This
is the second figure beside the certification basis (check ``rig_path_load``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

ULTIMATE_FACTOR = 1.5  # 14 CFR 27.303


@dataclass(frozen=True)
class Rig:
    """A camera rig on its mount (SI). ``rated_limit_load`` is the rating as a limit load (an
    ultimate rating divided by 1.5, 14 CFR 27.303); ``rating`` and ``rating_basis`` are as
    declared."""

    name: str
    mass: float  # kg
    frontal_area: float  # m^2
    drag_coefficient: float
    rated_limit_load: float  # N
    position: tuple[float, float, float] = (0.0, 0.0, 0.0)  # m forward, right, down of the hub
    rating: float | None = None  # N, as declared (None: rated_limit_load)
    rating_basis: str = "limit"  # "limit" | "ultimate"
    fitting_factor: float = 1.15  # 14 CFR 27.625
    near_occupants: bool = False
    vne: float | None = None  # m/s IAS, the mount's own placard
    natural_frequency: float | None = None  # Hz
    arm: tuple[float, float, float] = (0.0, 0.0, 0.0)  # rig CG from the hardpoint, m

    @property
    def drag_area(self) -> float:
        """Cd A (m^2): the rig's equivalent flat-plate drag area."""
        return self.drag_coefficient * self.frontal_area

    def under_disc(self, rotor_radius: float) -> bool:
        return float(np.hypot(self.position[0], self.position[1])) < rotor_radius


@dataclass(frozen=True)
class RigLoad:
    name: str
    limit_load: float  # N
    ultimate_load: float  # N
    rated_load: float  # N
    margin: float  # rated / limit - 1
    index: int  # path sample of the worst load
    case: str  # "steady", "horizontal gust", "vertical gust up", "vertical gust down"
    air_load: float  # N, air load at the worst point and case
    inertial_load: float  # N, |m f| at the worst point and case
    dynamic_pressure: float  # Pa, at the worst point and case
    in_downwash: bool
    load: np.ndarray  # N, worst-case mount load at every path sample


def dynamic_pressure(rho: Any, speed: Any) -> np.ndarray:
    """q = (1/2) rho V^2 (Pa)."""
    return 0.5 * np.asarray(rho, dtype=float) * np.asarray(speed, dtype=float) ** 2


def mount_force(
    rig: Rig, rho: Any, u: Any, specific_force: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(|F_mount|, air load, inertial load) for relative air velocity u (N, 3) and specific
    force f (N, 3)."""
    speed = np.linalg.norm(u, axis=-1)
    q = dynamic_pressure(rho, speed)
    air = q * rig.drag_coefficient * rig.frontal_area
    unit = u / np.where(speed > 0.0, speed, 1.0)[:, None]
    inertial = rig.mass * np.asarray(specific_force, dtype=float)
    f = air[:, None] * unit - inertial
    return np.linalg.norm(f, axis=-1), air, np.linalg.norm(inertial, axis=-1)


def rig_loads(
    rig: Rig,
    rho: Any,
    v_air: Any,
    specific_force: Any,
    thrust_normal: Any,
    v_i: Any,
    gust_dn: Any,
    gust_speed: float,
    rotor_radius: float,
    g: float = 9.80665,
    drag_factor: float = 1.0,
) -> RigLoad:
    """Worst mount load along the path (arrays over N samples), with the gust cases above."""
    rho = np.asarray(rho, dtype=float)
    v_air = np.asarray(v_air, dtype=float)
    normal = np.asarray(thrust_normal, dtype=float)
    in_wake = rig.under_disc(rotor_radius)
    u = -v_air
    if in_wake:
        u = u - 2.0 * np.asarray(v_i, dtype=float)[:, None] * normal
    f = np.asarray(specific_force, dtype=float)
    cases: list[tuple[str, np.ndarray, np.ndarray]] = [("steady", u, f)]
    if gust_speed > 0.0:
        speed = np.linalg.norm(u, axis=-1, keepdims=True)
        along = np.where(speed > 0.0, u / np.where(speed > 0.0, speed, 1.0), [[0.0, 0.0, -1.0]])
        up = np.array([0.0, 0.0, 1.0])
        dn = np.asarray(gust_dn, dtype=float)[:, None] * g * normal
        cases += [
            ("horizontal gust", u + gust_speed * along, f),
            ("vertical gust up", u + gust_speed * up, f + dn),
            ("vertical gust down", u - gust_speed * up, f - dn),
        ]
    if drag_factor != 1.0:
        from dataclasses import replace

        rig = replace(rig, drag_coefficient=rig.drag_coefficient * drag_factor)
    results = [(name, *mount_force(rig, rho, uu, ff), uu) for name, uu, ff in cases]
    loads = np.stack([r[1] for r in results])
    worst_case = np.argmax(loads, axis=0)
    load = np.max(loads, axis=0)
    i = int(np.argmax(load))
    c = int(worst_case[i])
    name, _, air, inertial, uu = results[c]
    limit = float(load[i])
    q = float(dynamic_pressure(rho[i], np.linalg.norm(uu[i])))
    return RigLoad(
        name=rig.name,
        limit_load=limit,
        ultimate_load=ULTIMATE_FACTOR * limit,
        rated_load=rig.rated_limit_load,
        margin=rig.rated_limit_load / limit - 1.0 if limit > 0 else float("inf"),
        index=i,
        case=name,
        air_load=float(air[i]),
        inertial_load=float(inertial[i]),
        dynamic_pressure=q,
        in_downwash=in_wake,
        load=load,
    )
