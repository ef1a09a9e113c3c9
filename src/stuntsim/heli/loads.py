"""Camera-mount loads on the certification basis: what the hardpoint must hold anywhere in the
aircraft's envelope, not only on the planned path.

Axes are the airframe's: x forward, y right, z down. ``F`` is the force the rig applies to its
hardpoint (what the mount carries), the rig's inertia plus the air load on it:

    F = m g n_vec + q(|u|) Cd A u_hat,        q = (1/2) rho0 |u|^2 (EAS: sea-level density)

with n_vec the load factor vector (n_z = +3.5 pushes the rig down on its mount: +z) and u the
air velocity relative to the rig (flight at airspeed V: u = (-V, 0, 0); under the rotor disc the
wake adds 2 v_i along +z at the case's thrust n W, momentum theory; none at -1 g). The air
load is taken on the full frontal area whatever the direction of u (conservative). Cases, each
at every airspeed from hover up to the lower of the aircraft's Vne and the mount's own Vne:

- manoeuvre, 14 CFR 27.337: limit load factors n_z = +3.5 and -1.0;
- gust, 14 CFR 27.341: a vertical gust of 30 ft/s (up and down) at each critical airspeed
  including hovering, the load factor changing by the rotor's quasi-steady response dn
  (:func:`stuntsim.heli.performance.gust_load_factor_increment`) and the gust adding its
  velocity to u. Part 27 asks for the vertical gust; the horizontal gusts of 30 ft/s are the
  wording of Part 29 (29.341), evaluated here as well (head-on and from either side) as a
  conservative addition;
- emergency landing, 14 CFR 27.561(b)(3), only for a rig near occupants: ultimate inertia
  factors acting separately, upward 4, forward 16, sideward 8, downward 20, rearward 1.5 g.

Limit loads become ultimate loads with the factor of safety 1.5 (14 CFR 27.303) and the fitting
factor (14 CFR 27.625: 1.15 on a fitting whose strength is not proven by limit and ultimate
tests; 1.0 when it is): U = 1.5 x FF x L. The emergency-landing factors are already ultimate:
U = FF x F. The mount's rating is declared as a limit or an ultimate load; as an ultimate
allowable it is R_u = R (ultimate) or 1.5 R (limit). Margin of safety

    MS = R_u / |U| - 1   (>= 0 passes),

the smallest over the cases. The moment at the hardpoint of the limit force acting at the rig's
CG, offset by the arm r from the hardpoint, is M = r x F.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from stuntsim.constants import FT, G0, RHO0

ULTIMATE_FACTOR = 1.5  # 14 CFR 27.303
FITTING_FACTOR = 1.15  # 14 CFR 27.625
MANOEUVRE_N = (3.5, -1.0)  # 14 CFR 27.337
GUST_SPEED = 30.0 * FT  # 14 CFR 27.341 (vertical); 29.341 (vertical and horizontal)
# 14 CFR 27.561(b)(3): ultimate inertia factors, acting separately, (label, unit vector of the
# inertia force the item applies, factor)
EMERGENCY_FACTORS = (
    ("emergency landing, upward 4 g", (0.0, 0.0, -1.0), 4.0),
    ("emergency landing, forward 16 g", (1.0, 0.0, 0.0), 16.0),
    ("emergency landing, sideward 8 g", (0.0, 1.0, 0.0), 8.0),
    ("emergency landing, downward 20 g", (0.0, 0.0, 1.0), 20.0),
    ("emergency landing, rearward 1.5 g", (-1.0, 0.0, 0.0), 1.5),
)
SOURCE = (
    "14 CFR 27.337 (+3.5/-1.0 g), 27.341 (vertical gust 30 ft/s; horizontal 30 ft/s per 29.341, "
    "added as conservative), 27.303 (ultimate = 1.5 x limit), 27.625 (fitting factor 1.15), "
    "27.561(b)(3) (emergency-landing factors, rigs near occupants); speeds up to Vne"
)


@dataclass(frozen=True)
class MountSpec:
    """What the certification cases need of a rig (SI, airframe axes)."""

    name: str
    mass: float
    drag_area: float  # Cd A, m^2
    rating: float  # N
    rating_basis: str  # "limit" | "ultimate"
    fitting_factor: float
    near_occupants: bool
    under_disc: bool
    arm: tuple[float, float, float]  # rig CG from the hardpoint, m (x fwd, y right, z down)

    @property
    def ultimate_allowable(self) -> float:
        """R_u: the rating as an ultimate load."""
        return self.rating * (ULTIMATE_FACTOR if self.rating_basis == "limit" else 1.0)


@dataclass(frozen=True)
class Certification:
    """The governing case of one mount, and every case's margin."""

    case: str
    airspeed: float  # m/s EAS of the governing case (NaN for emergency landing)
    limit_n: tuple[float, float, float]  # governing limit force (emergency: the ultimate one)
    ultimate_n: tuple[float, float, float]  # with the factor of safety and fitting factor
    moment_n_m: tuple[float, float, float]  # r x limit force at the hardpoint
    margin: float
    demanded_ultimate: float  # |U| of the governing case, N
    ultimate_allowable: float
    speed_limit: float  # the highest airspeed considered, m/s
    cases: dict[str, float]  # case -> margin (worst speed)

    @property
    def required_rating(self) -> float:
        """The rating (on the mount's declared basis) at which the margin would be zero."""
        return self.demanded_ultimate

    @property
    def limit_magnitude(self) -> float:
        return float(np.linalg.norm(self.limit_n))


def air_force(drag_area: float, u: np.ndarray, rho: float = RHO0) -> np.ndarray:
    """q Cd A u_hat for relative air velocities u (..., 3): the drag along the relative wind."""
    u = np.asarray(u, dtype=float)
    speed = np.linalg.norm(u, axis=-1, keepdims=True)
    return 0.5 * rho * drag_area * speed * u


def certify(
    mount: MountSpec,
    speed_limit: float,
    gust_dn: np.ndarray | None = None,
    downwash: Any = None,
    speeds: np.ndarray | None = None,
    gust_speed: float = GUST_SPEED,
) -> Certification:
    """The certification cases of one mount at airspeeds ``speeds`` (default 0..speed_limit).

    ``gust_dn`` (same shape as speeds) is the load-factor increment of a 30 ft/s vertical gust
    at each speed; ``downwash`` the wake velocity 2 v_i at the rig, an array (at 1 g) or a
    function of the load factor n returning one (the rotor carries n W: at +3.5 g its wake is
    stronger); only rigs under the disc see it.
    """
    v = np.linspace(0.0, speed_limit, 32) if speeds is None else np.asarray(speeds, float)
    dn = np.zeros_like(v) if gust_dn is None else np.asarray(gust_dn, dtype=float)
    zeros = np.zeros_like(v)

    def wake(nz: float) -> np.ndarray:
        """2 v_i at the rig at load factor nz (the rotor carries nz W); none outside the disc,
        and none for a negative load factor (the rotor's wake then leaves upward)."""
        if downwash is None or not mount.under_disc or nz <= 0.0:
            return zeros
        w = downwash(nz) if callable(downwash) else np.asarray(downwash, dtype=float)
        return np.asarray(w, dtype=float) + zeros

    m, w = mount.mass, mount.mass * G0
    ff = mount.fitting_factor

    def u_at(nz: float) -> np.ndarray:
        return np.stack([-v, zeros, wake(nz)], axis=-1)

    def inertia(nz: Any) -> np.ndarray:
        return np.stack([zeros, zeros, w * np.asarray(nz) + zeros], axis=-1)

    flight: list[tuple[str, np.ndarray]] = []
    for nz in MANOEUVRE_N:
        flight.append(
            (f"manoeuvre {nz:+.1f} g", inertia(nz) + air_force(mount.drag_area, u_at(nz)))
        )
    base_u = u_at(1.0)
    up = np.array([0.0, 0.0, -gust_speed])  # air moving up past the rig: -z
    flight.append(("vertical gust up", inertia(1.0 + dn) + air_force(mount.drag_area, base_u + up)))
    flight.append(
        ("vertical gust down", inertia(1.0 - dn) + air_force(mount.drag_area, base_u - up))
    )
    head = np.array([-gust_speed, 0.0, 0.0])
    side = np.array([0.0, gust_speed, 0.0])
    flight.append(
        ("horizontal gust head-on", inertia(1.0) + air_force(mount.drag_area, base_u + head))
    )
    flight.append(
        (
            "horizontal gust from the left",
            inertia(1.0) + air_force(mount.drag_area, base_u + side),
        )
    )
    flight.append(
        (
            "horizontal gust from the right",
            inertia(1.0) + air_force(mount.drag_area, base_u - side),
        )
    )

    ru = mount.ultimate_allowable
    best: tuple[float, str, float, np.ndarray, np.ndarray] | None = None
    cases: dict[str, float] = {}
    for name, f in flight:
        ult = ULTIMATE_FACTOR * ff * f
        mag = np.linalg.norm(ult, axis=-1)
        k = int(np.argmax(mag))
        ms = ru / mag[k] - 1.0 if mag[k] > 0 else math.inf
        cases[name] = float(ms)
        if best is None or ms < best[0]:
            best = (ms, name, float(v[k]), f[k], ult[k])
    if mount.near_occupants:
        for name, direction, factor in EMERGENCY_FACTORS:
            f = factor * m * G0 * np.asarray(direction)
            ult = ff * f
            ms = ru / float(np.linalg.norm(ult)) - 1.0
            cases[name] = float(ms)
            if best is None or ms < best[0]:
                best = (ms, name, math.nan, f, ult)
    assert best is not None
    ms, name, speed, lim, ult = best
    arm = np.asarray(mount.arm, dtype=float)
    moment = np.cross(arm, lim)
    return Certification(
        case=name if math.isnan(speed) else f"{name} at {speed / 0.514444:.0f} kt",
        airspeed=speed,
        limit_n=tuple(float(x) for x in lim),  # type: ignore[arg-type]
        ultimate_n=tuple(float(x) for x in ult),  # type: ignore[arg-type]
        moment_n_m=tuple(float(x) for x in moment),  # type: ignore[arg-type]
        margin=float(ms),
        demanded_ultimate=float(np.linalg.norm(ult)),
        ultimate_allowable=ru,
        speed_limit=float(speed_limit),
        cases=cases,
    )


def rating_needed(mount: MountSpec, cert: Certification) -> float:
    """The rating, on the mount's declared basis, that would give a zero margin."""
    return cert.demanded_ultimate / (ULTIMATE_FACTOR if mount.rating_basis == "limit" else 1.0)


def speed_for_zero_margin(
    mount: MountSpec, speed_limit: float, gust_dn_of: Any, downwash_of: Any
) -> float | None:
    """The highest mount Vne (m/s) at which every flight case passes, or None when even the
    hover cases fail (then no speed limit helps). Bisection on the airspeed limit."""

    def ok(vmax: float) -> bool:
        sp = np.linspace(0.0, vmax, 16)
        c = certify(
            MountSpec(**{**mount.__dict__, "near_occupants": False}),
            vmax,
            gust_dn_of(sp),
            lambda nz: downwash_of(sp, nz),
            speeds=sp,
        )
        return c.margin >= 0.0

    if not ok(1e-3):
        return None
    lo, hi = 1e-3, speed_limit
    if ok(hi):
        return speed_limit
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if ok(mid) else (lo, mid)
    return lo
