"""Helicopter description: rotor geometry, power, speed and load-factor limits, and presets.

Every preset figure carries its source in :data:`H125_SOURCES`; figures marked "estimate" are
engineering guesses the user should override when better data (the flight manual of the actual
aircraft) is at hand. All values are SI: kg, m, W, m/s, rad/s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from stuntsim.constants import FT, G0, KT
from stuntsim.units import HP

__all__ = ["G0", "H125", "PRESETS", "Aircraft"]


@dataclass(frozen=True)
class Aircraft:
    """A single-main-rotor helicopter, as the performance model needs it (SI units)."""

    name: str
    mass: float  # kg, gross mass for this plan
    max_mass: float  # kg, maximum gross mass (internal load)
    rotor_radius: float  # m
    blade_count: int
    blade_chord: float  # m, mean chord of a main-rotor blade
    rotor_rpm: float  # rev/min, nominal main-rotor speed
    power_rating: float  # W, engine take-off power, sea level ISA
    power_lapse_exponent: float  # x in P_av = P_rating * sigma**x
    transmission_limit: float | None  # W, main-gearbox limit on shaft power (None: none)
    drivetrain_efficiency: float  # main-rotor power / engine shaft power (tail rotor, gearbox)
    induced_power_factor: float  # kappa: real / ideal induced power
    profile_drag_coefficient: float  # Cd0, mean blade-section profile drag coefficient
    profile_mu_factor: float  # K in P0 = P0_hover (1 + K mu^2)
    flat_plate_area: float  # m^2, fuselage equivalent flat-plate drag area f
    lift_curve_slope: float  # 1/rad, blade-section lift-curve slope a
    vne_sea_level: float  # m/s IAS, power-on Vne at sea level (pressure altitude 0)
    vne_lapse: float  # (m/s) per metre of pressure altitude
    vne_doors_off: float  # m/s IAS, Vne with the doors off
    vne_power_off: float  # m/s IAS, Vne in autorotation at pressure altitude 0
    load_factor_limit: float  # limit manoeuvring load factor, positive (g)
    load_factor_min: float  # limit manoeuvring load factor, negative (g)
    hub_height: float  # m, skids to rotor hub
    doors_off: bool = False
    vne_power_off_lapse: float = 0.0  # (m/s) per metre of pressure altitude
    # advancing-tip Mach number that sets the cold-day Vne: V_max = M a(OAT) - Omega R (TAS)
    tip_mach_limit: float = 1.0
    # weight and balance, metres forward / right of the main-rotor axis (mast), SI
    cg_forward: float = 0.0  # CG of the aircraft without rigs
    cg_right: float = 0.0
    cg_forward_limit: float = 0.2
    cg_aft_limit: float = -0.1
    cg_lateral_limit: float = 0.1
    fuel_mass: float = 0.0  # kg, part of ``mass``
    fuel_flow: float = 0.0  # kg/s
    fuel_forward: float = 0.0  # m, CG of the fuel
    tail_rotor_rpm: float = 0.0  # rev/min (0: no tail rotor given)
    tail_rotor_blades: int = 2
    # height-velocity (avoid) diagram: IAS (m/s) and skid height above the ground (m) of its
    # upper and lower boundaries; empty = none
    hv_speed: tuple[float, ...] = ()
    hv_upper: tuple[float, ...] = ()
    hv_lower: tuple[float, ...] = ()
    # fuselage download in hover as a fraction of rotor thrust (faded by the wake skew angle,
    # heli/performance.py); 0 = none
    download_fraction: float = 0.0
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    # --- derived quantities --------------------------------------------------------------------
    @property
    def weight(self) -> float:
        """W = m g0 (N)."""
        return self.mass * G0

    @property
    def disc_area(self) -> float:
        """A = pi R^2 (m^2)."""
        return math.pi * self.rotor_radius**2

    @property
    def solidity(self) -> float:
        """Rotor solidity sigma = N c / (pi R): blade area over disc area (Leishman 2006)."""
        return self.blade_count * self.blade_chord / (math.pi * self.rotor_radius)

    @property
    def omega(self) -> float:
        """Rotor angular speed (rad/s)."""
        return self.rotor_rpm * 2.0 * math.pi / 60.0

    @property
    def tip_speed(self) -> float:
        """Omega R (m/s)."""
        return self.omega * self.rotor_radius

    def with_overrides(self, **kw: object) -> Aircraft:
        """A copy with some figures replaced (those the scenario sets); the sources of the
        replaced figures say so."""
        sources = dict(self.sources)
        for k in kw:
            sources[k] = "set in the scenario"
        return replace(self, sources=sources, **kw)  # type: ignore[arg-type]


H125_SOURCES: dict[str, str] = {
    "max_mass": "2,250 kg maximum weight, internal load (Airbus H125 technical data; EASA TCDS "
    "R.008, AS 350 B3 section)",
    "rotor_radius": "main rotor diameter 10.69 m (Airbus H125 technical data)",
    "blade_count": "3 blades (Airbus H125 technical data)",
    "blade_chord": "0.35 m (estimate: a single unconfirmed published figure)",
    "rotor_rpm": "390 rpm nominal power-on rotor speed (AS350 B3 flight-manual flash card, "
    "unsure), tip speed about 218 m/s",
    "power_rating": "847 shp take-off power of the H125's Arriel 2D as installed (derated; "
    "Airbus H125 data). The Arriel 2B1 of the earlier AS350 B3 and the 952 shp rating are other "
    "figures: override power_rating for them",
    "power_lapse_exponent": "1.0 (estimate): turboshaft power at the take-off temperature limit "
    "taken proportional to the density ratio, a first approximation",
    "transmission_limit": "none (the main-gearbox torque limit is not published in our sources)",
    "drivetrain_efficiency": "0.85 (estimate): tail rotor about 10 % and gearbox/accessories "
    "about 5 % of the engine power, typical values (Leishman 2006, ch. 5)",
    "induced_power_factor": "kappa = 1.15, typical (Leishman 2006, ch. 2-3)",
    "profile_drag_coefficient": "Cd0 = 0.010, typical mean profile drag of a helicopter blade "
    "section (Leishman 2006, ch. 2-3; estimate for this rotor)",
    "profile_mu_factor": "K = 4.65 in P0 = P0_hover (1 + K mu^2) (Leishman 2006, ch. 5)",
    "flat_plate_area": "f = 1.2 m^2 (estimate): light single-engine helicopters are about "
    "0.9-1.5 m^2 (Leishman 2006, ch. 5)",
    "lift_curve_slope": "a = 5.73 /rad, typical blade section (Leishman 2006, ch. 3)",
    "vne_sea_level": "Vne 155 kt IAS at pressure altitude 0 (AS350 B3 flight-manual Vne placard, "
    "as summarised in the EASA TCDS R.008 AS 350 B3 section; unsure)",
    "vne_lapse": "Vne reduced by 3 kt per 1,000 ft of pressure altitude (AS350 B3 Vne placard; "
    "unsure)",
    "vne_power_off_lapse": "power-off Vne reduced by 3 kt per 1,000 ft of pressure altitude "
    "(AS350 B3 Vne placard; unsure)",
    "tip_mach_limit": "advancing-tip Mach number 0.90 (estimate: a typical limit of modern "
    "blade sections, Leishman 2006 ch. 7): V_max = 0.90 a(OAT) - Omega R (TAS). It does not "
    "bind at ISA (171 kt at sea level) and gives the shape of the placard's cold-day reduction "
    "(123 kt TAS at sea level at -30 C), not its published figures: give vne from your placard",
    "cg": "CG of the aircraft without rigs at the main-rotor axis, on the centreline (estimate: "
    "give your weight-and-balance figures as aircraft.cg_forward / cg_right)",
    "cg_limits": "longitudinal 0.20 m forward to 0.10 m aft of the main-rotor axis, lateral "
    "+/-0.10 m (estimates shaped on the EASA TCDS R.008 AS 350 B3 section, whose envelope "
    "narrows with weight; lateral: the more conservative of the two figures found, "
    "0.18 m left / 0.14 m right or +/-0.10 m). Read the TCDS and the flight manual",
    "fuel": "fuel CG 0.25 m aft of the main-rotor axis (estimate: the tank sits behind the "
    "cabin under the main gearbox); fuel flow 150 kg/h (estimate for an Arriel 2D at high "
    "power)",
    "tail_rotor": "tail rotor 2 blades at 2,086 rpm (estimate)",
    "height_velocity": "avoid curve of a light single-engine helicopter, ESTIMATE from the "
    "flight-manual shape (no published H125 points were found): upper boundary 500 ft at "
    "hover, 430 ft at 25 kt, 300 ft at 40 kt, 150 ft at 50 kt, meeting the lower boundary "
    "(10 ft at hover) at 55 kt and 50 ft. Replace with your flight manual's diagram for the "
    "day's weight and density altitude",
    "vne_doors_off": "90 kt with both front doors off (flight-manual flash card, unsure; "
    "110 kt with one door off)",
    "vne_power_off": "125 kt power-off Vne at pressure altitude 0 (AS350 B3 Vne placard; unsure)",
    "load_factor_limit": "+3.5 g limit manoeuvring load factor (14 CFR 27.337)",
    "load_factor_min": "-1.0 g limit manoeuvring load factor (14 CFR 27.337)",
    "hub_height": "3.0 m skids to rotor hub (estimate from the published overall height)",
    "download_fraction": "0.04 (estimate): vertical drag of the fuselage in the rotor wake, "
    "typically 2-5 % of the thrust in hover for a conventional single-rotor helicopter "
    "(Leishman 2006, ch. 5-6); mid-range value chosen before comparing with the hover ceiling",
}


H125 = Aircraft(
    name="H125 (AS350 B3e)",
    mass=2250.0,
    max_mass=2250.0,
    rotor_radius=10.69 / 2.0,
    blade_count=3,
    blade_chord=0.35,
    rotor_rpm=390.0,
    power_rating=847.0 * HP,
    power_lapse_exponent=1.0,
    transmission_limit=None,
    drivetrain_efficiency=0.85,
    induced_power_factor=1.15,
    profile_drag_coefficient=0.010,
    profile_mu_factor=4.65,
    flat_plate_area=1.2,
    lift_curve_slope=5.73,
    vne_sea_level=155.0 * KT,
    vne_lapse=3.0 * KT / (1000.0 * FT),
    vne_doors_off=90.0 * KT,
    vne_power_off=125.0 * KT,
    load_factor_limit=3.5,
    load_factor_min=-1.0,
    hub_height=3.0,
    vne_power_off_lapse=3.0 * KT / (1000.0 * FT),
    tip_mach_limit=0.90,
    cg_forward=0.0,
    cg_right=0.0,
    cg_forward_limit=0.20,
    cg_aft_limit=-0.10,
    cg_lateral_limit=0.10,
    fuel_mass=0.0,
    fuel_flow=150.0 / 3600.0,
    fuel_forward=-0.25,
    tail_rotor_rpm=2086.0,
    tail_rotor_blades=2,
    hv_speed=tuple(v * KT for v in (0.0, 25.0, 40.0, 50.0, 55.0)),
    hv_upper=tuple(h * FT for h in (500.0, 430.0, 300.0, 150.0, 50.0)),
    hv_lower=tuple(h * FT for h in (10.0, 20.0, 30.0, 40.0, 50.0)),
    download_fraction=0.04,
    sources=H125_SOURCES,
)

# Published hover ceiling, compared with the model in docs/heli.md and the tests.
H125_HOVER_CEILING_OGE = 11_100.0 * FT  # 11,100 ft, no weight or ground-effect qualifier (unsure)

PRESETS: dict[str, Aircraft] = {"H125": H125}
