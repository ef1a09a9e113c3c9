"""Opening and ram-air canopy flight.

Opening. From deployment the drag area grows from the freefall value to the canopy's
equilibrium value over ``opening_time`` following a power law (drag-area-time curves of
Knacke, *Parachute Recovery Systems Design Manual*, NWC TP 6575, 1992, ch. 5):

    CdA(t) = CdA_ff + (CdA_c - CdA_ff) * (t / t_open)^k,   k = 2 by default (an estimate)

where CdA_c = 2 m g0 / (rho0 (u0^2 + w0^2)) is the drag area that holds the jumper's weight at
the canopy's steady sea-level speed. The peak deceleration during opening is the opening shock.

Flight. A ram-air canopy flies at a steady true airspeed that scales with density as
1/sqrt(rho) (equilibrium glide at constant lift and drag coefficients):

    u = u0 sqrt(rho0 / rho),   w = w0 sqrt(rho0 / rho)     (forward airspeed, descent rate)

and the jumper moves with the air plus the canopy's airspeed along its heading (a kinematic
model: the canopy's own dynamics settle within seconds, fast compared with a descent of minutes).

Steering:
- ``heading``: hold a true heading.
- ``into_wind``: face the local wind.
- ``drift``: no air displacement: the canopy drifts with the wind (the HARP convention for the
  release point; in practice the jumper keeps the canopy's whole glide as margin).
- ``target``: fly to the target (HAHO and HALO navigation) by wind-drift-corrected pursuit.
  With D_rem(z) the wind drift still to come between altitude z and the ground and
  R_rem(z) = (u0/w0)(z - z_ground) the air distance the canopy can still fly (the glide ratio is
  constant because u and w scale alike with density), the air displacement still needed is

      N = target - x - D_rem(z)

  and the canopy flies the air velocity  a = u N / max(R_rem, |N|).  Along such a path N/R_rem
  is constant (dN/dt = -a and dR_rem/dt = -u), so whenever |N| <= R_rem the canopy arrives
  exactly over the target at the ground, braking as much as needed (|a| <= u); otherwise it
  flies at full speed straight at the drift-corrected target and lands as close as it can. This
  is the optimal law for a kinematic canopy: it succeeds from every point of the reachable disc
  of jump/spot.py. Braking does not change the descent rate in this model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from stuntsim.units import G0

STEERING_MODES = ("target", "heading", "into_wind", "drift")


MIN_SPEED_FRACTION = 0.5
"""Default slowest flying airspeed as a fraction of the full-flight airspeed (estimate: a
ram-air canopy in deep brakes flies at roughly half its full-flight speed before it stalls;
set canopy.min_forward_speed from the canopy's own data)."""

OPENING_REFERENCE_SPEED = 120.0 * 0.44704
"""Airspeed (m/s) at which ``opening_time`` holds unless the scenario says otherwise: the USPA
Skydiver's Information Manual (section 6-3) belly fall rate of about 120 mph, the speed most
sport openings start from."""


@dataclass(frozen=True)
class Canopy:
    forward_speed: float = 10.0  # m/s at sea level
    descent_rate: float = 5.0  # m/s at sea level
    opening_time: float = 3.0  # s from deployment to fully open, at opening_reference_speed
    opening_exponent: float = 2.0
    steering: str = "target"
    heading: float = 0.0  # rad, for steering == "heading" (and the calm-air fallback)
    min_forward_speed: float = 5.0  # m/s at sea level: the canopy never flies slower
    opening_reference_speed: float = OPENING_REFERENCE_SPEED  # m/s true airspeed

    def opening_time_at(self, airspeed: Any) -> Any:
        """Opening (fill) time at a deployment airspeed v: constant fill distance,
        t = n D0 / v (Knacke, Parachute Recovery Systems Design Manual, NWC TP 6575, 1991,
        section 5), so t(v) = opening_time * v_ref / v; floored at 0.2 s."""
        import numpy as np

        v = np.maximum(np.asarray(airspeed, dtype=float), 1.0)
        return np.maximum(self.opening_time * self.opening_reference_speed / v, 0.2)

    def equilibrium_drag_area(self, mass: float, rho0: float) -> float:
        """Drag area holding the weight at the canopy's steady sea-level airspeed."""
        v2 = self.forward_speed**2 + self.descent_rate**2
        return 2.0 * mass * G0 / (rho0 * v2)

    @property
    def glide_ratio(self) -> float:
        return self.forward_speed / self.descent_rate if self.descent_rate > 0 else math.inf


# Defaults: a typical military/sport ram-air canopy flies 20-25 mph forward and descends at
# 10-16 ft/s at full flight (manufacturers' figures for 7-cell/9-cell canopies of 280-370 ft^2,
# e.g. the MC-4/MC-6 class); 10 m/s and 5 m/s are round estimates in that range.
DEFAULT_CANOPY = Canopy()


@dataclass(frozen=True)
class Pattern:
    """A landing pattern resolved for the forecast wind: downwind, base and final legs, the
    final into the surface wind, each planned at full flight on its true heading.

    Leg k spans heights [z_k+1, z_k] MSL (downwind from ``levels[0]`` to ``levels[1]``, base to
    ``levels[2]``, final to the ground). Its ground displacement in the forecast wind is
    D_k = integral of (w_vec(z) + u(z) h_k) / w_desc(z) dz over the leg, so the checkpoints are
    final turn = target - D_final, base turn = final turn - D_base, entry = base turn -
    D_downwind. The "target" law flies to each checkpoint in turn with the pursuit of the
    module docstring: in the forecast wind that is exactly the planned legs at full flight; in
    another wind the pilot corrects within the canopy's speed range on every leg.
    """

    levels: tuple[float, float, float]  # m MSL: downwind, base, final start heights
    headings: tuple[float, float, float]  # rad true: downwind, base, final
    points: tuple[tuple[float, float], ...]  # (east, north) m: entry, base turn, final turn
    turns: str
    source: str

    @property
    def entry_east(self) -> float:
        return self.points[0][0]

    @property
    def entry_north(self) -> float:
        return self.points[0][1]


PATTERN_SOURCE = (
    "USPA Skydiver's Information Manual, section 4 (Integrated Student Program), landing "
    "pattern checkpoints: downwind leg from 1,000 ft, base 600 ft, final 300 ft AGL"
)


def pattern_for(
    atmosphere: Any,
    wind: Any,
    canopy: Canopy,
    z_ground: float,
    heights_agl: Any,
    turns: str,
    fallback: float,
) -> Pattern:
    """The pattern of ``heights_agl`` (downwind, base, final) in the forecast ``wind``: final
    into the surface wind (``fallback`` heading in calm air), turns to the left or right."""
    import numpy as np

    from stuntsim.jump.jumper import RHO0

    we, wn = wind.at(np.array([z_ground]))
    if math.hypot(float(we[0]), float(wn[0])) < 0.1:
        final = fallback % (2 * math.pi)
    else:
        final = math.atan2(-float(we[0]), -float(wn[0])) % (2 * math.pi)
    turn = 0.5 * math.pi if turns == "left" else -0.5 * math.pi
    headings = ((final + math.pi) % (2 * math.pi), (final + turn) % (2 * math.pi), final)
    tops = [z_ground + h for h in heights_agl] + [z_ground]
    pts = []
    de = dn = 0.0
    for k in (2, 1, 0):
        z = np.linspace(tops[k + 1], tops[k], 401)
        sig = np.sqrt(RHO0 / atmosphere.density(z))
        ew, nw = wind.at(z)
        u = canopy.forward_speed * sig
        inv = 1.0 / (canopy.descent_rate * sig)
        ve = (ew + u * math.sin(headings[k])) * inv
        vn = (nw + u * math.cos(headings[k])) * inv
        de += float(np.trapezoid(ve, z))
        dn += float(np.trapezoid(vn, z))
        pts.append((-de, -dn))
    return Pattern(
        levels=(tops[0], tops[1], tops[2]),
        headings=headings,
        points=(pts[2], pts[1], pts[0]),
        turns=turns,
        source=PATTERN_SOURCE,
    )


def drift_table(
    atmosphere: Any, wind: Any, w0: float, z_ground: float, z_top: float, n: int = 2001
) -> Any:
    """Wind drift still to come under canopy, D_rem(z) = integral from z_ground to z of
    w_vec(z') / (w0 sqrt(rho0/rho(z'))) dz', on ``n`` altitudes from the ground to z_top
    (cumulative trapezoid). Returns (z, east, north) arrays."""
    import numpy as np

    from stuntsim.jump.jumper import RHO0

    z = np.linspace(z_ground, max(z_top, z_ground + 1.0), n)
    inv_w = 1.0 / (w0 * np.sqrt(RHO0 / atmosphere.density(z)))
    we, wn = wind.at(z)
    dz = np.diff(z)

    def cum(f: Any) -> Any:
        return np.concatenate([[0.0], np.cumsum(0.5 * (f[1:] + f[:-1]) * dz)])

    return z, cum(we * inv_w), cum(wn * inv_w)
