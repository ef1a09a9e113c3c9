"""The jumper in freefall: mass, drag (and optional lift), body-position presets, drogue.

Aerodynamic force on a point mass, along and across the velocity relative to the air
``v_rel = v - w`` (w the wind):

    D = -1/2 rho |v_rel| CdA(M) v_rel                       (drag, along -v_rel)
    L = 1/2 rho |v_rel|^2 (L/D) CdA(M) l_hat                (lift, only for gliding positions)

``l_hat`` is the unit vector perpendicular to v_rel in the vertical plane of the track heading,
pointing up and forward, so a steady glide has tan(path angle) = D/L.

Body-position presets are given by their published fall rate V_ref for a reference all-up mass
AT THE ALTITUDE THE SOURCE MEANS: the USPA figures (120 mph belly, 160 mph head-down, the
5.5 s per 1 000 ft rule) are rates in the usual freefall band of a skydive, from exit near
13 500 ft to the 3 000 ft opening of the Skydiver's Information Manual's freefall chart, not
sea-level speeds. They are anchored at the middle of that band, z_ref = 8 250 ft MSL in the
standard atmosphere (rho_ref = 0.9527 kg/m^3). The drag area follows from the steady-fall
balance  m g = 1/2 rho_ref V_ref^2 CdA sqrt(1+(L/D)^2):

    CdA = 2 m_ref g0 / (rho_ref V_ref^2 sqrt(1 + (L/D)^2))

so a heavier jumper in the same position falls faster, as V ~ sqrt(m / CdA), and the fall rate
scales with altitude as 1/sqrt(rho) (0.88 x V_ref at sea level, 1.32 x at 25 000 ft).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from stuntsim.units import G0, MPH
from stuntsim.world.atmosphere import ussa76

RHO0 = float(ussa76(0.0)[2])  # 1.225 kg/m^3, USSA 1976 sea level

REFERENCE_ALTITUDE_M = 8_250.0 * 0.3048
"""Where the USPA fall rates hold: the middle of the 13 500 ft exit to 3 000 ft opening band of
the USPA Skydiver's Information Manual (section 6-3) freefall chart, MSL, standard atmosphere."""


@dataclass(frozen=True)
class BodyPosition:
    name: str
    fall_rate: float  # m/s, speed along the path in a steady fall at reference_altitude_m
    reference_mass: float  # kg, all-up mass the fall rate refers to
    glide_ratio: float  # L/D (0 for a vertical fall)
    description: str
    source: str
    reference_altitude_m: float = REFERENCE_ALTITUDE_M  # MSL, USSA 1976

    @property
    def reference_density(self) -> float:
        return float(ussa76(self.reference_altitude_m)[2])

    def drag_area(self) -> float:
        """CdA (m^2) from the steady-fall balance at the reference altitude (module doc)."""
        return (
            2.0
            * self.reference_mass
            * G0
            / (self.reference_density * self.fall_rate**2 * math.sqrt(1.0 + self.glide_ratio**2))
        )


# Reference mass 85 kg all-up (jumper + sport rig) is our estimate of the average jumper behind
# the USPA nominal figures; the USPA does not state one.
BODY_POSITIONS: dict[str, BodyPosition] = {
    "belly": BodyPosition(
        "belly",
        120.0 * MPH,
        85.0,
        0.0,
        "stable belly-to-earth (box) position",
        "USPA Skydiver's Information Manual, section 6-3: belly about 120 mph (176 ft/s) in the "
        "usual freefall band (anchored at 8,250 ft MSL); reference mass 85 kg is an estimate",
    ),
    "head_down": BodyPosition(
        "head_down",
        160.0 * MPH,
        85.0,
        0.0,
        "head-down (vertical) position",
        "USPA Skydiver's Information Manual, section 6-3: head-down or sit about 160 mph in "
        "the usual freefall band (anchored at 8,250 ft MSL); reference mass 85 kg is an "
        "estimate",
    ),
    "sit": BodyPosition(
        "sit",
        160.0 * MPH,
        85.0,
        0.0,
        "sit-flying position",
        "USPA Skydiver's Information Manual, section 6-3: head-down or sit about 160 mph in "
        "the usual freefall band (anchored at 8,250 ft MSL); reference mass 85 kg is an "
        "estimate",
    ),
    "track": BodyPosition(
        "track",
        110.0 * MPH,
        85.0,
        0.8,
        "flat track: speed along the path about 110 mph, glide ratio 0.8",
        "Estimate (no single published figure): speed along the path and glide ratio of a good "
        "flat track as commonly reported by coaches, taken at 8,250 ft MSL; override with "
        "drag_area and glide_ratio",
    ),
    "halo_belly": BodyPosition(
        "halo_belly",
        1000.0 * 0.3048 / 5.5,
        150.0,
        0.0,
        "military free-fall belly position with oxygen, rucksack and weapon (150 kg all-up)",
        "Fall rate from the rule of thumb of 5.5 s per 1,000 ft in the stable position after "
        "the first 1,000 ft (USPA Integrated Student Program category material; the same rule "
        "is taught for military free fall), anchored like the USPA rates at 8,250 ft MSL; "
        "all-up mass 150 kg is an estimate",
    ),
}


@dataclass(frozen=True)
class DragModel:
    """Drag area as a function of Mach: constant, or reference area times a Cd(M) table."""

    mach: np.ndarray  # knots of the Cd(M) table (length 1 for a constant)
    cda: np.ndarray  # CdA at each knot, m^2
    glide_ratio: float = 0.0
    source: str = ""

    @classmethod
    def constant(cls, cda: float, glide_ratio: float = 0.0, source: str = "") -> DragModel:
        return cls(np.array([0.0]), np.array([float(cda)]), glide_ratio, source)

    @classmethod
    def table(
        cls, reference_area: float, mach_cd: list[tuple[float, float]], source: str = ""
    ) -> DragModel:
        arr = np.asarray(mach_cd, dtype=float)
        return cls(arr[:, 0], reference_area * arr[:, 1], 0.0, source)

    @property
    def is_constant(self) -> bool:
        return len(self.mach) == 1

    def __call__(self, mach: np.ndarray) -> np.ndarray:
        """CdA(M), linear between the table's Mach numbers and held beyond its ends."""
        if self.is_constant:
            return np.full(np.shape(mach), self.cda[0])
        return np.interp(mach, self.mach, self.cda)

    def sea_level_fall_rate(self, mass: float) -> float:
        """Steady sea-level fall speed at low Mach, for display (presets are anchored higher:
        BodyPosition.fall_rate is the rate at its reference altitude)."""
        cda = float(self.cda[0])
        return math.sqrt(2.0 * mass * G0 / (RHO0 * cda * math.sqrt(1.0 + self.glide_ratio**2)))


@dataclass(frozen=True)
class Drogue:
    """A drogue (stabilising) chute: drag area added from ``deploy_time`` after exit until the
    main deploys. Typical HAHO/stratospheric drogues are 0.5-1.5 m^2 of drag area."""

    drag_area: float  # m^2 (at Mach 0 for a Cd(Mach) drogue)
    deploy_time: float  # s after exit
    drag: DragModel | None = None  # the drogue's drag law (constant or Cd(Mach))
