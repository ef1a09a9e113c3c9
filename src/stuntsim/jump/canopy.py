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

from stuntsim.units import G0

STEERING_MODES = ("target", "heading", "into_wind", "drift")


@dataclass(frozen=True)
class Canopy:
    forward_speed: float = 10.0  # m/s at sea level
    descent_rate: float = 5.0  # m/s at sea level
    opening_time: float = 3.0  # s from deployment to fully open
    opening_exponent: float = 2.0
    steering: str = "target"
    heading: float = 0.0  # rad, for steering == "heading" (and the calm-air fallback)

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


def drift_table(atmosphere, wind, w0: float, z_ground: float, z_top: float, n: int = 2001):
    """Wind drift still to come under canopy, D_rem(z) = integral from z_ground to z of
    w_vec(z') / (w0 sqrt(rho0/rho(z'))) dz', on ``n`` altitudes from the ground to z_top
    (cumulative trapezoid). Returns (z, east, north) arrays."""
    import numpy as np

    from stuntsim.jump.jumper import RHO0

    z = np.linspace(z_ground, max(z_top, z_ground + 1.0), n)
    inv_w = 1.0 / (w0 * np.sqrt(RHO0 / atmosphere.density(z)))
    we, wn = wind.at(z)
    dz = np.diff(z)

    def cum(f):
        return np.concatenate([[0.0], np.cumsum(0.5 * (f[1:] + f[:-1]) * dz)])

    return z, cum(we * inv_w), cum(wn * inv_w)
