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
- ``into_wind``: face the local wind (the classic "hold" that a HARP drift assumes).
- ``target``: fly toward the target (HAHO navigation) by the wind triangle. With d the unit
  vector to the target, the cross-track wind is cancelled and the ground speed along d is
  ``g = min(u |d| / sqrt(|d|^2 + R^2),  w.d + sqrt(u^2 - |w x d|^2))``; the commanded air
  velocity ``c = g d - w`` is flown at full speed when |c| = u and with brakes when |c| < u
  (slowing on arrival and holding into the wind over the target). When the wind is too strong to
  hold the track, the canopy flies at full speed along c. R (default 50 m) sets how gently it
  slows on arrival. Descent rate is not changed by braking in this model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from stuntsim.units import G0

STEERING_MODES = ("target", "heading", "into_wind")


@dataclass(frozen=True)
class Canopy:
    forward_speed: float = 10.0  # m/s at sea level
    descent_rate: float = 5.0  # m/s at sea level
    opening_time: float = 3.0  # s from deployment to fully open
    opening_exponent: float = 2.0
    steering: str = "target"
    heading: float = 0.0  # rad, for steering == "heading" (and the calm-air fallback)
    arrival_radius: float = 50.0  # m, R in the target law

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
