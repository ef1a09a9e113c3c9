"""Physiology and exposure checks of a jump, from the aircraft door to the ground, on a batch.

Every check is one function of a :class:`PhysiologyInputs` (a batch of B jumps: the events of
each sample, the day's atmosphere, the cabin before the exit and a :class:`PhysiologyConfig`)
returning a :class:`~stuntsim.checks.CheckBatch`; :func:`physiology_checks` returns them all in
the order of :data:`CHECK_IDS`. The same code serves ``run`` (a batch of one), the searches and
the Monte Carlo. Nothing here prints, plots or reads files.

Altitudes
---------
The oxygen, hypoxia and decompression rules are written for *cabin pressure altitude* (14 CFR
91.211, AFI 11-409, AR 95-1), and the time-of-useful-consciousness table is measured
barometrically. In an unpressurised jump aircraft with the ramp open the cabin is at the
pressure outside, so these checks use the **pressure altitude** of every point: the ICAO
standard-atmosphere height (geopotential, as altimeters and flight levels count it) with the
day's pressure there. FL250 is 25 000 ft; a 25 000 ft MSL exit on a standard day is 24 970 ft
pressure altitude, on a cold day more. The USPA altitude classes (SIM 6-7, "feet MSL"), the
opening height and the detection height use geometric altitudes. Published band edges are in
feet (international foot, 0.3048 m) and an altitude within :data:`EDGE_TOL_M` (1 mm) of an edge
is on it.

Time along the descent
----------------------
A batch carries only the events of each sample (exit, deployment, canopy open, landing), so the
time at which a sample passes an altitude is reconstructed per segment:

* freefall (exit to deployment): the fall from rest with quadratic drag,
  t(s) = (v/g0) arccosh(exp(g0 s / v^2)), in the density-weighted fall distance
  s(z) = integral from z to z_exit of sqrt(rho(z')/rho0) dz' (the drag-to-weight balance of a
  body whose terminal speed scales as 1/sqrt(rho)); the speed scale v is solved per sample so
  that t(s) hits the deployment event exactly. The fall from rest keeps the slow first seconds
  at the top (the conservative side for time spent high).
* opening: linear in time between deployment and canopy open.
* canopy: t linear in s(z), exact for the kernel's canopy, which descends at w0 sqrt(rho0/rho).

The reconstruction is checked against the kernel's own recorded path in tests/test_physiology.py.

Sources (each is cited again where it is used; "unsure" marks a figure from a single or second-
hand source, "estimate" one we chose):

* 14 CFR 91.211(a)(1)-(3), supplemental oxygen in civil aircraft: above 12 500 ft up to and
  including 14 000 ft cabin pressure altitude the required flight crew uses oxygen after 30 min;
  above 14 000 ft the crew uses it the whole time; above 15 000 ft every occupant is provided
  with oxygen.
* AFI 11-409, *High Altitude Airdrop Mission Support Program* (1 December 1999, incorporating
  Change 1, 25 May 2010, certified current 1 February 2011), as summarised in the 193d Special
  Operations Squadron HAAMS briefing (Carmack): supplemental oxygen at and above 10 000 ft (an
  exception for the Army free-fall school courses, 10 000-13 000 ft for at most 2 h, is not
  applied here); 100 % oxygen from 20 000 ft; prebreathing for any mission scheduled for an
  exposure at or above FL200. AR 95-1 para 8-7a(2)(b) (Army aviation, as quoted): above 18 000 ft
  pressure altitude, prebreathing of not less than 30 min at ground level, continued en route.
* af.mil news article 138370 ("Airmen complete 25,000-foot jump"): 30 min of uninterrupted
  100 % oxygen before a 25 000 ft HALO jump; a break restarts the clock.
* Eiken, Elia, Gottschalk, Gennser, Anell, "Decompression strain in parachute jumpmasters during
  simulated high-altitude missions: a special reference to preoxygenation strategies", Eur J Appl
  Physiol 123:1637-1644 (2023): after 45 min of preoxygenation at 8 200 ft, 60 min at 28 000 ft
  gave decompression sickness in 2 of 10 jumpmasters; the authors conclude this procedure "is
  associated with high risk of DCS" and that preoxygenating at sea level reduces the strain. It
  is cited here as a warning, never as support for a 45 min prebreathe.
* Time of useful consciousness, FAA table (FAA Civil Aerospace Medical Institute, *Introduction
  to Aviation Physiology*; the same rows in AC 61-107 and Wikipedia "Time of useful
  consciousness"): 15 000 ft 30 min or more, 18 000 ft 20-30 min, 22 000 ft 5-10 min, 25 000 ft
  3-5 min, 28 000 ft 2.5-3 min, 30 000 ft 1-3 min, 35 000 ft 30-60 s, 40 000 ft 15-20 s,
  43 000 ft 9-15 s, 50 000 ft and above 6-9 s, for a person at rest. The same text: after 10 deep
  knee bends at FL250 the TUC falls from 3-5 min to 1-1.5 min (exertion: a factor of 1/3 on the
  low end), and a rapid decompression reduces it by up to 50 %.
* Alveolar gas equation (e.g. J. B. West, *Respiratory Physiology: The Essentials*):
  P_AO2 = F_IO2 (P_B - P_H2O) - P_ACO2 (F_IO2 + (1 - F_IO2)/R), P_H2O = 47 mmHg at 37 °C,
  P_ACO2 = 40 mmHg, R = 0.8. With 100 % oxygen at ambient pressure the alveolar PO2 of sea-level
  air is held only to about 33 700 ft and that of air at 10 000 ft to about 40 000 ft; above
  40 000 ft oxygen must be given under positive pressure, and a pressure suit is customarily
  required from about 50 000 ft (15 000 m); above the Armstrong limit, 6.3 kPa (47 mmHg, about
  63 000 ft), body fluids boil at body temperature (Wikipedia "Armstrong limit" and "Pressure
  suit", from USAF physiology texts).
* USPA Skydiver's Information Manual (SIM) 6-7 C and D (altitude classes and experience) and the
  Basic Safety Requirements, SIM 2-1.I (minimum container opening altitudes).
* NWS wind chill temperature index (1 November 2001).
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from stuntsim.checks import Check, CheckBatch, Severity
from stuntsim.constants import G0, RHO0
from stuntsim.units import FT, MPH

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from stuntsim.world.atmosphere import Atmosphere

    Arr = NDArray[np.float64]

EDGE_TOL_M = 1e-3
"""Altitudes within this distance (m) of a published band edge count as on the edge."""

T0_K = 273.15  # 0 degC in kelvin (ITS-90 definition of the Celsius scale)
MMHG = 133.322387415  # Pa per mmHg (conventional millimetre of mercury)

# --- 14 CFR 91.211(a) and AFI 11-409 --------------------------------------------------------

OXYGEN_EDGES_FT = (12_500.0, 14_000.0, 15_000.0)
"""14 CFR 91.211(a)(1)-(3): the band edges, each exclusive ("above ... feet")."""

OXYGEN_RULES = (
    "no supplemental oxygen required",
    "the required flight crew must use oxygen after 30 min above 12,500 ft (91.211(a)(1))",
    "the required flight crew must use oxygen the whole time above 14,000 ft (91.211(a)(2))",
    "every occupant must be provided with oxygen above 15,000 ft (91.211(a)(3))",
)
OXYGEN_SOURCE = "14 CFR 91.211(a)(1)-(3)"

MILITARY_OXYGEN_FT = 10_000.0
"""AFI 11-409: supplemental oxygen at and above 10 000 ft (inclusive)."""
MILITARY_100_OXYGEN_FT = 20_000.0
"""AFI 11-409: 100 % oxygen from 20 000 ft."""
MILITARY_OXYGEN_SOURCE = (
    "AFI 11-409 High Altitude Airdrop Mission Support Program (1999, incl. Change 1, 2010): "
    "supplemental oxygen at and above 10,000 ft, 100 % oxygen from 20,000 ft"
)

# --- USPA SIM 6-7 ----------------------------------------------------------------------------

USPA_CLASS_EDGES_FT = (15_000.0, 20_000.0, 40_000.0)
USPA_CLASSES = ("low", "intermediate", "high", "extreme")
USPA_CLASS_RANGES = (
    "below 15,000 ft MSL",
    "15,000-20,000 ft MSL",
    "20,000-40,000 ft MSL",
    "40,000 ft MSL and above",
)
USPA_CLASS_RECOMMENDS = (
    "no high-altitude recommendations",
    "SIM 6-7 recommends at least a B licence and 100 jumps",
    "SIM 6-7 recommends a C licence and a prior jump from 15,000 ft MSL or below with the same "
    "bailout oxygen system",
    "SIM 6-7 recommends a D licence and two prior jumps from below 35,000 ft MSL with the same "
    "bailout oxygen and pressure system",
)
USPA_CLASS_SOURCE = "USPA SIM 6-7 C (altitude classes) and 6-7 D (experience recommended)"

# --- licences --------------------------------------------------------------------------------

LICENCES = ("student", "A", "B", "C", "D", "tandem", "military")

MIN_OPEN_AGL_FT: dict[str, float] = {
    "tandem": 5_000.0,  # USPA BSR SIM 2-1.I; raised from 4 500 ft by the USPA board, July 2019
    "student": 3_000.0,  # USPA BSR SIM 2-1.I (2008 SIM text; unsure it is unchanged)
    "A": 3_000.0,  # USPA BSR SIM 2-1.I (2008 SIM text; unsure it is unchanged)
    "B": 2_500.0,  # USPA BSR SIM 2-1.I (2008 SIM text; unsure it is unchanged)
    "C": 2_500.0,  # USPA BSR SIM 2-1.I; raised from 2 000 ft by the USPA board, 2013
    "D": 2_500.0,  # USPA BSR SIM 2-1.I; raised from 2 000 ft by the USPA board, 2013
    # Estimate: no public military free-fall manual we could read confirmed a figure. 4 000 ft
    # AGL is a conservative planning value; set min_open_altitude_agl_m from the unit's SOP.
    "military": 4_000.0,
}
MIN_OPEN_SOURCE = "USPA BSR, SIM 2-1.I (minimum container opening altitudes)"
MIN_OPEN_MILITARY_SOURCE = "estimate (military SOPs vary; set [limits] min_open_altitude)"

_LICENCE_MAX_CLASS: dict[str, int | None] = {
    "student": 0,
    "tandem": 0,
    "A": 0,
    "B": 1,
    "C": 2,
    "D": 3,
    "military": None,  # jumps under military orders are outside the BSRs (SIM 2-1 A)
}

# --- pre-breathing ---------------------------------------------------------------------------

PREBREATHE_EDGES_FT = (18_000.0, 25_000.0, 40_000.0)
"""Highest pressure altitudes (exclusive, "above") where the default prebreathe steps up."""

PREBREATHE_DEFAULT_S = (0.0, 30 * 60.0, 45 * 60.0, 60 * 60.0)
"""Default uninterrupted 100 % oxygen prebreathe, starting on the ground, per band of the
highest pressure altitude of the flight (cabin or exit):

* at or below 18 000 ft: none (AR 95-1 requires it above 18 000 ft; AFI 11-409 from FL200, so
  18 000 ft is the stricter edge of the two);
* above 18 000 ft up to 25 000 ft: 30 min (AR 95-1: "not less than 30 minutes at ground level";
  af.mil article 138370: 30 min uninterrupted for a 25 000 ft HALO jump);
* above 25 000 ft up to 40 000 ft: 45 min, an estimate: no public rule we could read gives a
  longer time than 30 min, yet decompression risk grows with altitude, and Eiken et al. (2023)
  found even 45 min taken at 8 200 ft inadequate for 60 min at 28 000 ft (2 of 10 with DCS):
  45 min on the ground is a floor, not a safe figure;
* above 40 000 ft: 60 min, an estimate on the same reasoning.
"""
PREBREATHE_SOURCE = (
    "AR 95-1 para 8-7a(2)(b) (>= 30 min at ground level above 18,000 ft); af.mil article 138370 "
    "(30 min uninterrupted at 25,000 ft); 45/60 min above 25,000/40,000 ft are estimates"
)

# --- decompression sickness ------------------------------------------------------------------

DCS_LEVEL_FT = 25_000.0
"""Pressure altitude above which exposure time is counted for ``decompression``."""
DCS_LIMIT_S_DEFAULT = 30 * 60.0
"""Default limit on the time above 25 000 ft (estimate: half the 60 min at 28 000 ft after which
Eiken et al. 2023 saw DCS in 2 of 10 jumpmasters preoxygenated 45 min at 8 200 ft)."""
DCS_SOURCE = (
    "estimate: 30 min above 25,000 ft, half the 60 min at 28,000 ft after which Eiken et al., "
    "Eur J Appl Physiol 123:1637 (2023) found DCS in 2 of 10 jumpmasters"
)

# --- time of useful consciousness ------------------------------------------------------------

_TUC_FT = np.array(
    [15_000, 18_000, 22_000, 25_000, 28_000, 30_000, 35_000, 40_000, 43_000, 50_000.0]
)
_TUC_LOW_S = np.array([1800, 1200, 300, 180, 150, 60, 30, 15, 9, 6.0])
_TUC_HIGH_S = np.array([math.inf, 1800, 600, 300, 180, 180, 60, 20, 15, 9.0])
TUC_EXERTION_FACTOR = 1.0 / 3.0
"""FAA: 10 deep knee bends at FL250 cut the TUC from 3-5 min to 1-1.5 min; 1/3 on the low end."""
TUC_RAPID_DECOMPRESSION_FACTOR = 0.5
"""FAA: a rapid decompression reduces the TUC by up to 50 % (not applied in an unpressurised
cabin, whose occupants are already at ambient pressure; set ``tuc_factor`` to combine)."""
TUC_SOURCE = (
    "FAA time-of-useful-consciousness table (FAA CAMI Introduction to Aviation Physiology; "
    "AC 61-107), low end; exertion x1/3 (the FAA's FL250 example: 3-5 min at rest, 1-1.5 min "
    "after exercise)"
)

# --- pressure protection ---------------------------------------------------------------------

PRESSURE_PROTECTION = ("none", "pressure_breathing", "pressure_suit")
P_H2O_MMHG = 47.0  # water vapour at 37 degC
P_ACO2_MMHG = 40.0  # alveolar CO2
RQ = 0.8  # respiratory exchange ratio
OXYGEN_ALONE_CEILING_FT = 40_000.0
"""100 % oxygen at ambient pressure holds the alveolar PO2 of air at 10 000 ft up to about
40 000 ft; above it oxygen must be given under positive pressure."""
PRESSURE_BREATHING_CEILING_FT = 50_000.0
"""Positive pressure breathing with counter-pressure serves to about 50 000 ft (15 000 m), where
a pressure suit is customarily required (unsure: the figure of the physiology texts as
summarised by Wikipedia "Armstrong limit")."""
ARMSTRONG_PA = 6.3e3
"""Armstrong limit, 6.3 kPa (47 mmHg): water boils at 37 degC; about 63 000 ft."""
PRESSURE_SOURCE = (
    "alveolar gas equation; 100 % oxygen holds 10,000 ft-equivalent alveolar PO2 only to about "
    "40,000 ft, pressure breathing to about 50,000 ft, Armstrong limit 6.3 kPa (~63,000 ft) "
    "(USAF physiology texts as summarised in Wikipedia 'Pressure suit', 'Armstrong limit')"
)

# --- wind chill ------------------------------------------------------------------------------

WIND_CHILL_MAX_TEMP_F = 50.0
WIND_CHILL_MIN_WIND_MPH = 3.0
WIND_CHILL_MAX_WIND_MPH = 60.0
FACE_TO_10M_WIND = 1.5
"""Factor from the air speed on a jumper's face to the NWS formula's 10 m wind (the 2001 index
takes two-thirds of the 10 m speed to face height; Osczevski and Bluestein, Bull. Amer. Meteor.
Soc. 86:1453 (2005), as we recall it: unsure)."""
WIND_CHILL_SOURCE = (
    "NWS wind chill temperature index (2001), valid at or below 50 degF for winds above 3 mph "
    "and up to the chart's 60 mph; -20 °C planning limit (estimate)"
)

# --- cabin defaults --------------------------------------------------------------------------

DEFAULT_CLIMB_RATE_M_S = 1_000.0 * FT / 60.0
"""Default climb rate to the exit altitude, 1 000 ft/min (estimate: a loaded jump aircraft)."""
DEFAULT_TIME_AT_EXIT_S = 120.0
"""Default time at the exit altitude before the exit, ramp open, 2 min (estimate: jump run)."""

_GRID = 65  # altitude levels per sample for the hypoxia dose along the descent

# =============================================================================================
# Configuration and inputs
# =============================================================================================


@dataclass(frozen=True)
class CabinProfile:
    """Cabin (pressure) altitude before the exit: piecewise linear through the knots
    (``t_s`` <= 0, seconds relative to the exit, increasing; ``altitude_m`` geometric MSL of the
    aircraft for an unpressurised cabin, converted to pressure altitude by the inputs).
    ``source`` says where it came from ("scenario" or the defaults)."""

    t_s: tuple[float, ...]
    altitude_m: tuple[float, ...]
    source: str = "scenario"

    def __post_init__(self) -> None:
        t = np.asarray(self.t_s, dtype=float)
        z = np.asarray(self.altitude_m, dtype=float)
        if t.size < 1 or t.size != z.size:
            raise ValueError("a cabin profile needs matching times and altitudes")
        if not (np.all(np.isfinite(t)) and np.all(np.isfinite(z))):
            raise ValueError("cabin profile values must be finite")
        if np.any(np.diff(t) <= 0.0) or t[-1] > 0.0:
            raise ValueError("cabin profile times must increase and end at or before the exit")

    @classmethod
    def climb(
        cls,
        ground_m: float,
        exit_m: float,
        climb_rate_m_s: float = DEFAULT_CLIMB_RATE_M_S,
        time_at_exit_s: float = DEFAULT_TIME_AT_EXIT_S,
        source: str = "default climb (1,000 ft/min, 2 min at the exit altitude; estimates)",
    ) -> CabinProfile:
        """A straight climb from the ground at ``climb_rate_m_s``, then ``time_at_exit_s`` level
        at the exit altitude with the ramp open."""
        t_climb = max(exit_m - ground_m, 0.0) / climb_rate_m_s
        t0 = -(t_climb + time_at_exit_s)
        if time_at_exit_s > 0.0:
            return cls((t0, -time_at_exit_s, 0.0), (ground_m, exit_m, exit_m), source)
        return cls((t0, 0.0), (ground_m, exit_m), source)


@dataclass(frozen=True)
class PhysiologyConfig:
    """What the jumper has and the limits to check against (SI; defaults cited).

    * ``oxygen``: the jumper breathes 100 % aviator's oxygen from the prebreathe to the landing
      (aircraft console, then a bailout bottle). Default False.
    * ``prebreathe_s`` / ``prebreathe_required_s``: uninterrupted 100 % oxygen before exit and
      its requirement (None: by the highest altitude, :data:`PREBREATHE_DEFAULT_S`).
    * ``licence``: one of :data:`LICENCES`; ``military`` applies AFI 11-409 to oxygen.
    * ``pressure_protection``: ``none``, ``pressure_breathing`` or ``pressure_suit``.
    * ``min_open_altitude_agl_m``, ``opening_shock_limit_g`` (10 g, estimate), ``lz_radius_m``,
      ``detection_altitude_agl_m`` (1 000 m AGL, estimate), ``exposure_limit_s``,
      ``cold_limit_c`` (-20 degC, estimate).
    * ``tuc_floor_m``: pressure altitude above which time counts against TUC (15 000 ft, the
      91.211(a)(3) altitude and the table's first row).
    * ``tuc_factor``: share of the at-rest TUC left to a jumper in freefall; default 1/3, the
      FAA's exertion example (:data:`TUC_EXERTION_FACTOR`).
    * ``decompression_limit_s``: limit on the time above 25 000 ft (estimate, 30 min).
    * ``cabin``: the cabin profile before the exit; None: :meth:`CabinProfile.climb`.
    """

    oxygen: bool = False
    prebreathe_s: float | None = None
    prebreathe_required_s: float | None = None
    licence: str | None = "student"
    pressure_protection: str = "none"
    min_open_altitude_agl_m: float | None = None
    opening_shock_limit_g: float = 10.0
    lz_radius_m: float | None = None
    detection_altitude_agl_m: float = 1_000.0
    exposure_limit_s: float | None = None
    cold_limit_c: float = -20.0
    tuc_floor_m: float = 15_000.0 * FT
    tuc_factor: float = TUC_EXERTION_FACTOR
    decompression_limit_s: float = DCS_LIMIT_S_DEFAULT
    cabin: CabinProfile | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "licence", normalise_licence(self.licence))
        if self.pressure_protection not in PRESSURE_PROTECTION:
            raise ValueError(
                f"pressure_protection must be one of {', '.join(PRESSURE_PROTECTION)}, "
                f"got {self.pressure_protection!r}"
            )
        for name in (
            "prebreathe_s",
            "prebreathe_required_s",
            "min_open_altitude_agl_m",
            "lz_radius_m",
            "exposure_limit_s",
        ):
            v = getattr(self, name)
            if v is not None and not (math.isfinite(v) and v >= 0.0):
                raise ValueError(f"{name} must be a finite number >= 0, got {v!r}")
        for name in (
            "opening_shock_limit_g",
            "detection_altitude_agl_m",
            "tuc_floor_m",
            "decompression_limit_s",
        ):
            v = getattr(self, name)
            if not (math.isfinite(v) and v > 0.0):
                raise ValueError(f"{name} must be a finite number > 0, got {v!r}")
        if not math.isfinite(self.cold_limit_c) or self.cold_limit_c < -T0_K:
            raise ValueError(
                f"cold_limit_c must be a finite temperature, got {self.cold_limit_c!r}"
            )
        if not (0.0 < self.tuc_factor <= 1.0):
            raise ValueError(f"tuc_factor must be in (0, 1], got {self.tuc_factor!r}")


def normalise_licence(licence: str | None) -> str:
    """``"c"`` -> ``"C"``, ``"Military"`` -> ``"military"``, None -> ``"student"``."""
    if licence is None:
        return "student"
    key = str(licence).strip()
    for name in LICENCES:
        if key.lower() == name.lower():
            return name
    raise ValueError(f"unknown licence {licence!r}; choose one of {', '.join(LICENCES)}")


def _col(x: Any, n: int) -> Arr:
    a = np.asarray(x, dtype=float)
    return np.broadcast_to(a, (n,)).astype(float) if a.ndim == 0 else a.astype(float)


def _pos(x: Any, n: int) -> Arr:
    a = np.asarray(x, dtype=float)
    if a.ndim == 1:
        a = a[None, :]
    return np.broadcast_to(a[:, :2], (n, 2)).astype(float)


@dataclass(frozen=True)
class PhysiologyInputs:
    """A batch of B jumps as the physiology checks need them (SI; arrays of shape (B,)).

    Event times are seconds since the exit (exit at ``exit_t_s``, normally 0); altitudes are
    geometric MSL; positions (B, 2) east/north of the target. ``deploy_t_s`` is NaN for a jumper
    who never deploys (ground impact in freefall), ``open_t_s`` NaN for a canopy that never opens;
    ``landing_t_s`` is the touchdown (or impact). ``canopy_airspeed_m_s`` is the canopy's
    sea-level airspeed sqrt(u0^2 + w0^2) (it scales as 1/sqrt(rho)).
    """

    config: PhysiologyConfig
    atmosphere: Atmosphere
    ground_m: float
    exit_t_s: Arr
    exit_altitude_m: Arr
    deploy_t_s: Arr
    deploy_altitude_m: Arr
    open_t_s: Arr
    open_altitude_m: Arr
    landing_t_s: Arr
    peak_opening_g: Arr
    miss_distance_m: Arr
    exit_pos_m: Arr
    deploy_pos_m: Arr
    open_pos_m: Arr
    landing_pos_m: Arr
    canopy_airspeed_m_s: float = 12.0
    # an optional knot of the freefall (the peak-speed event): the fall from rest is fitted
    # from the exit to it, then s(t) runs linearly to the deployment (terminal fall: the
    # sea-level-equivalent speed ds/dt is constant in one body position)
    knot_t_s: Arr | None = None
    knot_altitude_m: Arr | None = None
    knot_descent_m_s: Arr | None = None  # descent rate at the knot (positive down)
    # the first change of body position after the knot, when the plan has one: by altitude
    # (MSL) or by time after exit; until it the terminal fall keeps the knot's speed
    switch_altitude_m: float | None = None
    switch_t_s: float | None = None
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def n(self) -> int:
        return int(self.exit_altitude_m.shape[0])

    @classmethod
    def build(
        cls,
        config: PhysiologyConfig,
        atmosphere: Atmosphere,
        ground_m: float,
        *,
        exit_altitude_m: Any,
        deploy_t_s: Any,
        deploy_altitude_m: Any,
        open_t_s: Any,
        open_altitude_m: Any,
        landing_t_s: Any,
        peak_opening_g: Any,
        miss_distance_m: Any,
        exit_pos_m: Any = (0.0, 0.0),
        deploy_pos_m: Any = (0.0, 0.0),
        open_pos_m: Any = (0.0, 0.0),
        landing_pos_m: Any = (0.0, 0.0),
        exit_t_s: Any = 0.0,
        canopy_airspeed_m_s: float = 12.0,
        knot_t_s: Any = None,
        knot_altitude_m: Any = None,
        knot_descent_m_s: Any = None,
        switch_altitude_m: float | None = None,
        switch_t_s: float | None = None,
    ) -> PhysiologyInputs:
        """Broadcast scalars and (2,) positions to a batch (its size: the longest array)."""
        arrays = [exit_altitude_m, deploy_t_s, open_t_s, landing_t_s, peak_opening_g]
        n = max(np.size(a) for a in arrays)
        return cls(
            config=config,
            atmosphere=atmosphere,
            ground_m=float(ground_m),
            exit_t_s=_col(exit_t_s, n),
            exit_altitude_m=_col(exit_altitude_m, n),
            deploy_t_s=_col(deploy_t_s, n),
            deploy_altitude_m=_col(deploy_altitude_m, n),
            open_t_s=_col(open_t_s, n),
            open_altitude_m=_col(open_altitude_m, n),
            landing_t_s=_col(landing_t_s, n),
            peak_opening_g=_col(peak_opening_g, n),
            miss_distance_m=_col(miss_distance_m, n),
            exit_pos_m=_pos(exit_pos_m, n),
            deploy_pos_m=_pos(deploy_pos_m, n),
            open_pos_m=_pos(open_pos_m, n),
            landing_pos_m=_pos(landing_pos_m, n),
            canopy_airspeed_m_s=float(canopy_airspeed_m_s),
            knot_t_s=None if knot_t_s is None else _col(knot_t_s, n),
            knot_altitude_m=None if knot_altitude_m is None else _col(knot_altitude_m, n),
            knot_descent_m_s=None if knot_descent_m_s is None else _col(knot_descent_m_s, n),
            switch_altitude_m=switch_altitude_m,
            switch_t_s=switch_t_s,
        )

    # --- derived quantities (cached per batch) ---------------------------------------------

    def pressure_altitude(self, z: Any) -> Any:
        """Pressure altitude (m) of geometric altitude(s) ``z`` in the day's atmosphere: the
        ICAO standard-atmosphere height, geopotential as altimeters and flight levels count it,
        at which the standard pressure equals the day's pressure at z."""
        return pressure_altitude_of(self.atmosphere.pressure(np.asarray(z, dtype=float)))

    @property
    def cabin(self) -> CabinProfile:
        c = self.config.cabin
        if c is not None:
            return c
        exit_nominal = float(np.nanmax(self.exit_altitude_m))
        return CabinProfile.climb(self.ground_m, exit_nominal)

    def _segments(self) -> dict[str, Arr]:
        if "seg" in self._cache:
            return self._cache["seg"]
        t0, z0 = self.exit_t_s, self.exit_altitude_m
        t3, z3 = self.landing_t_s, np.full(self.n, self.ground_m)
        land_ok = np.isfinite(t3)
        t3 = np.where(land_ok, t3, t0)
        deployed = np.isfinite(self.deploy_t_s) & np.isfinite(self.deploy_altitude_m)
        t1 = np.where(deployed, self.deploy_t_s, t3)
        z1 = np.where(deployed, self.deploy_altitude_m, z3)
        opened = deployed & np.isfinite(self.open_t_s) & np.isfinite(self.open_altitude_m)
        t2 = np.where(opened, self.open_t_s, t3)
        z2 = np.where(opened, self.open_altitude_m, z3)
        s = _s_table(self.atmosphere)
        s0, s1, s2, s3 = (np.interp(z, s[0], s[1]) for z in (z0, z1, z2, z3))
        k = np.sqrt(RHO0 / np.asarray(self.atmosphere.density(z0), dtype=float))
        tk, zk = t1, z1  # no knot: the fall-from-rest fit runs from the exit to the deployment
        if self.knot_t_s is not None and self.knot_altitude_m is not None:
            with np.errstate(invalid="ignore"):
                use = (
                    deployed
                    & (self.knot_t_s > t0)
                    & (self.knot_t_s < t1)
                    & (self.knot_altitude_m < z0)
                    & (self.knot_altitude_m > z1)
                )
            tk = np.where(use, self.knot_t_s, t1)
            zk = np.where(use, self.knot_altitude_m, z1)
        sk = np.interp(zk, s[0], s[1])
        v = _fall_speed_scale(s0 - sk, tk - t0, k)
        # after the knot, ds/dt = c: the descent rate there in sea-level terms (terminal fall)
        c = v
        if self.knot_descent_m_s is not None:
            rho_k = np.asarray(self.atmosphere.density(zk), dtype=float)
            c_k = self.knot_descent_m_s * np.sqrt(rho_k / RHO0)
            c = np.where(np.isfinite(c_k) & (c_k > 0.0), c_k, v)
        # the position change: until it, ds/dt = c
        tw, sw = tk, sk
        if self.switch_altitude_m is not None or self.switch_t_s is not None:
            with np.errstate(invalid="ignore", divide="ignore"):
                if self.switch_altitude_m is not None:
                    sw_c = np.full(self.n, np.interp(self.switch_altitude_m, s[0], s[1]))
                    tw_c = tk + (sk - sw_c) / c
                else:
                    tw_c = np.full(self.n, float(self.switch_t_s or 0.0))
                    sw_c = sk - (tw_c - tk) * c
                ok = np.isfinite(c) & (sw_c < sk) & (sw_c > s1) & (tw_c > tk) & (tw_c < t1)
            tw, sw = np.where(ok, tw_c, tk), np.where(ok, sw_c, sk)
        seg = dict(t0=t0, z0=z0, t1=t1, z1=z1, t2=t2, z2=z2, t3=t3, z3=z3, tk=tk, zk=zk)
        seg.update(s0=s0, s1=s1, s2=s2, s3=s3, sk=sk, v=v, k=k, tw=tw, sw=sw, c=c)
        self._cache["seg"] = seg
        return seg

    def time_at(self, z: Any) -> Arr:
        """Time (s since the exit event) at which each sample first comes down to altitude
        ``z`` (geometric MSL): (B,) for a scalar, (B, K) for a (B, K) or (K,) array. Levels
        above the exit give the exit time; levels below the ground the landing time."""
        g = self._segments()
        zz = np.asarray(z, dtype=float)
        two_d = zz.ndim >= 1
        if zz.ndim == 1:
            zz = np.broadcast_to(zz[None, :], (self.n, zz.size))
        col = (lambda a: a[:, None]) if two_d else (lambda a: a)
        s_tab = _s_table(self.atmosphere)
        s = np.interp(zz, s_tab[0], s_tab[1])
        t0, t1, t2, t3 = (col(g[k]) for k in ("t0", "t1", "t2", "t3"))
        z0, z1, z2, z3 = (col(g[k]) for k in ("z0", "z1", "z2", "z3"))
        s0, s2, s3 = (col(g[k]) for k in ("s0", "s2", "s3"))
        v, k = col(g["v"]), col(g["k"])
        # freefall: fall from rest with quadratic drag in the density-weighted distance
        d = np.clip(s0 - s, 0.0, None)
        t_ff = t0 + _fall_time(d, v, k)
        # below the knot: s linear in time to the deployment (terminal fall)
        tk, sk, s1 = col(g["tk"]), col(g["sk"]), col(g["s1"])
        tw, sw, c = col(g["tw"]), col(g["sw"]), col(g["c"])
        with np.errstate(invalid="ignore", divide="ignore"):
            mid = (s < sk) & (s >= sw) & (sw < sk)  # knot -> position change: ds/dt = c
            t_ff = np.where(mid, tk + (sk - s) / c, t_ff)
            below = (s < sw) & (sw > s1)  # position change -> deployment: linear in s
            f_k = np.where(below, (sw - s) / np.where(sw > s1, sw - s1, 1.0), 0.0)
        t_ff = np.where(below, tw + np.clip(f_k, 0.0, 1.0) * (t1 - tw), t_ff)
        # opening: linear in time
        with np.errstate(invalid="ignore", divide="ignore"):
            f_op = np.where(z1 > z2, (z1 - zz) / np.where(z1 > z2, z1 - z2, 1.0), 1.0)
            t_op = t1 + np.clip(f_op, 0.0, 1.0) * (t2 - t1)
            f_cn = np.where(s2 > s3, (s2 - s) / np.where(s2 > s3, s2 - s3, 1.0), 1.0)
            t_cn = t2 + np.clip(f_cn, 0.0, 1.0) * (t3 - t2)
        t = np.where(zz >= z1, np.minimum(t_ff, t1), np.where(zz >= z2, t_op, t_cn))
        t = np.where(zz >= z0, t0, t)
        return np.where(zz <= z3, t3, t)

    def position_at(
        self, i: int, t: float, altitude_m: float | None = None
    ) -> dict[str, float] | None:
        """East/north of sample ``i`` at time ``t`` (linear between events) and its altitude
        (``altitude_m`` when the caller knows it, else linear between events)."""
        if not math.isfinite(t):
            return None
        g = self._segments()
        ts = np.array([g["t0"][i], g["t1"][i], g["t2"][i], g["t3"][i]])
        zs = np.array([g["z0"][i], g["z1"][i], g["z2"][i], g["z3"][i]])
        pos = [self.exit_pos_m[i], self.deploy_pos_m[i], self.open_pos_m[i], self.landing_pos_m[i]]
        e = np.array([p[0] for p in pos])
        nn = np.array([p[1] for p in pos])
        keep = np.isfinite(e) & np.isfinite(nn) & np.isfinite(ts)
        if not keep.any():
            return None
        order = np.argsort(ts[keep], kind="stable")
        tk = ts[keep][order]
        return {
            "t_s": float(t),
            "east_m": float(np.interp(t, tk, e[keep][order])),
            "north_m": float(np.interp(t, tk, nn[keep][order])),
            "altitude_m": float(np.interp(t, np.sort(ts), zs[np.argsort(ts)]))
            if altitude_m is None
            else float(altitude_m),
        }


_S_TABLES: dict[int, tuple[Any, tuple[Arr, Arr]]] = {}


def _s_table(atmosphere: Any) -> tuple[Arr, Arr]:
    """(z grid, s(z)) with s(z) = integral of sqrt(rho/rho0) dz from the table's bottom
    (trapezoidal on the atmosphere's own grid); memoised per atmosphere object."""
    hit = _S_TABLES.get(id(atmosphere))
    if hit is not None and hit[0] is atmosphere:
        return hit[1]
    z = atmosphere.z0 + atmosphere.dz * np.arange(len(atmosphere.t))
    w = np.sqrt(np.asarray(atmosphere.density(z), dtype=float) / RHO0)
    s = np.concatenate([[0.0], np.cumsum(0.5 * (w[1:] + w[:-1]) * np.diff(z))])
    if len(_S_TABLES) >= 8:
        _S_TABLES.clear()
    _S_TABLES[id(atmosphere)] = (atmosphere, (z, s))
    return z, s


def pressure_altitude_of(pressure_pa: Any) -> Any:
    """Pressure altitude (m, geopotential as in the ICAO standard atmosphere, Doc 7488/3) of a
    static pressure: 25 000 ft pressure altitude is FL250 (jump/jumpmaster.py)."""
    from stuntsim.world.atmosphere import geopotential, standard

    return geopotential(standard().pressure_altitude(pressure_pa))


def _arccosh_exp(x: Arr) -> Arr:
    """arccosh(exp(x)) for x >= 0 without overflow: x + ln(1 + sqrt(1 - exp(-2x)))."""
    x = np.maximum(x, 0.0)
    return x + np.log1p(np.sqrt(-np.expm1(-2.0 * x)))


def _fall_time(d: Arr, v: Arr, k: Any = 1.0) -> Arr:
    """Time to fall from rest with quadratic drag: t = (v k/g0) arccosh(exp(g0 d / (v^2 k))).

    With k = 1, d is a distance and v the terminal speed (the closed form at constant density).
    In the density-weighted distance s (d = s, v the sea-level terminal speed) k =
    sqrt(rho0/rho_exit) is the same fall written with the exit air as reference: the speed
    builds up over v_exit/g0 with v_exit = v k, so the lag behind the terminal-speed fall,
    (v_exit/g0) ln 2, is that of the thin air at the exit. v = inf gives the vacuum fall
    sqrt(2 d k / g0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (v * k / G0) * _arccosh_exp(G0 * d / (v * v * k))
    return np.where(np.isfinite(v), t, np.sqrt(2.0 * d * k / G0))


def _fall_speed_scale(d: Arr, t: Arr, k: Any = 1.0) -> Arr:
    """Per sample, the terminal speed v with (v/g0) arccosh(exp(g0 d/v^2)) = t (bisection in
    ln v; the left side falls monotonically from +inf to sqrt(2d/g0) as v grows). inf where the
    fall is at or faster than in vacuum (a thrown exit), NaN where there is no fall."""
    d = np.asarray(d, dtype=float)
    t = np.asarray(t, dtype=float)
    lo = np.full(d.shape, math.log(0.5))
    hi = np.full(d.shape, math.log(5000.0))
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        slow = _fall_time(d, np.exp(mid), k) > t
        lo = np.where(slow, mid, lo)
        hi = np.where(slow, hi, mid)
    v = np.exp(0.5 * (lo + hi))
    vac = ~(t > np.sqrt(2.0 * np.maximum(d, 0.0) * k / G0) * (1.0 + 1e-9))
    return np.where(vac, math.inf, v)


# =============================================================================================
# Published tables and physiology formulae (vectorised)
# =============================================================================================


def _count_above(altitude_m: Any, edges_ft: tuple[float, ...]) -> Any:
    h = np.asarray(altitude_m, dtype=float)[..., None]
    return np.sum(h > np.asarray(edges_ft) * FT + EDGE_TOL_M, axis=-1)


def _count_at_or_above(altitude_m: Any, edges_ft: tuple[float, ...]) -> Any:
    h = np.asarray(altitude_m, dtype=float)[..., None]
    return np.sum(h >= np.asarray(edges_ft) * FT - EDGE_TOL_M, axis=-1)


def _scalar_or_array(x: Any, like: Any) -> Any:
    return x.item() if np.ndim(like) == 0 else x


def oxygen_requirement(altitude_m: Any) -> Any:
    """14 CFR 91.211(a) level 0-3 at a cabin pressure altitude (see :data:`OXYGEN_RULES`)."""
    return _scalar_or_array(_count_above(altitude_m, OXYGEN_EDGES_FT), altitude_m)


def uspa_class_index(altitude_m: Any) -> Any:
    """Index into :data:`USPA_CLASSES` (SIM 6-7 C) of an altitude MSL (40 000 ft: extreme)."""
    return _scalar_or_array(_count_at_or_above(altitude_m, USPA_CLASS_EDGES_FT), altitude_m)


def uspa_altitude_class(altitude_m: Any) -> Any:
    """USPA SIM 6-7 C class name of an altitude MSL."""
    names = np.asarray(USPA_CLASSES)[np.asarray(uspa_class_index(altitude_m))]
    return str(names) if np.ndim(altitude_m) == 0 else names


def default_prebreathe_s(pressure_altitude_m: Any) -> Any:
    """Default uninterrupted prebreathe (s) for the highest pressure altitude of the flight
    (:data:`PREBREATHE_DEFAULT_S`)."""
    idx = _count_above(pressure_altitude_m, PREBREATHE_EDGES_FT)
    return _scalar_or_array(np.asarray(PREBREATHE_DEFAULT_S)[idx], pressure_altitude_m)


def tuc_seconds(pressure_altitude_m: Any) -> tuple[Any, Any]:
    """FAA time of useful consciousness ``(low, high)`` (s) at rest at a pressure altitude.

    ln TUC is interpolated linearly in altitude between the rows (TUC falls roughly
    exponentially with height); above 50 000 ft the last row holds; below 15 000 ft both ends are
    ``inf`` (the table gives no limit).
    """
    h_ft = np.asarray(pressure_altitude_m, dtype=float) / FT
    tol_ft = EDGE_TOL_M / FT
    low = np.exp(np.interp(h_ft, _TUC_FT, np.log(_TUC_LOW_S)))
    high = np.exp(np.interp(h_ft, _TUC_FT[1:], np.log(_TUC_HIGH_S[1:])))
    high = np.where(h_ft < _TUC_FT[1] - tol_ft, math.inf, high)
    below = h_ft < _TUC_FT[0] - tol_ft
    low = np.where(below, math.inf, low)
    high = np.where(below, math.inf, high)
    return _scalar_or_array(low, pressure_altitude_m), _scalar_or_array(high, pressure_altitude_m)


def alveolar_po2_pa(ambient_pa: Any, fio2: float = 0.2095, breathing_pa: float = 0.0) -> Any:
    """Alveolar oxygen partial pressure (Pa) by the alveolar gas equation:
    P_AO2 = F_IO2 (P_B + P_breath - P_H2O) - P_ACO2 (F_IO2 + (1 - F_IO2)/R), with P_H2O = 47 mmHg,
    P_ACO2 = 40 mmHg and R = 0.8; ``breathing_pa`` is the positive pressure of pressure breathing.
    """
    pb = np.asarray(ambient_pa, dtype=float) + breathing_pa
    pao2 = fio2 * (pb - P_H2O_MMHG * MMHG) - P_ACO2_MMHG * MMHG * (fio2 + (1.0 - fio2) / RQ)
    return _scalar_or_array(pao2, ambient_pa)


def equivalent_oxygen_altitude_m(pao2_pa: float, fio2: float = 1.0) -> float:
    """The standard-atmosphere altitude (m) at which breathing ``fio2`` at ambient pressure gives
    the alveolar PO2 ``pao2_pa`` (inverse of :func:`alveolar_po2_pa`), as a pressure altitude."""
    k = P_ACO2_MMHG * MMHG * (fio2 + (1.0 - fio2) / RQ)
    pb = (pao2_pa + k) / fio2 + P_H2O_MMHG * MMHG
    return float(pressure_altitude_of(pb))


def _wct_f(t_f: Arr, v_mph: Arr) -> Arr:
    v16 = np.power(v_mph, 0.16)
    return 35.74 + 0.6215 * t_f - 35.75 * v16 + 0.4275 * t_f * v16


def wind_chill_in_range(temp_c: Any, wind_m_s: Any) -> Any:
    """True where the NWS 2001 formula is defined: T <= 50 degF, 3 < V <= 60 mph (10 m wind)."""
    t_f = np.asarray(temp_c, dtype=float) * 1.8 + 32.0
    v_mph = np.asarray(wind_m_s, dtype=float) / MPH
    ok = (
        (t_f <= WIND_CHILL_MAX_TEMP_F + 1e-9)
        & (v_mph > WIND_CHILL_MIN_WIND_MPH + 1e-9)
        & (v_mph <= WIND_CHILL_MAX_WIND_MPH + 1e-9)
    )
    return bool(ok) if np.ndim(ok) == 0 else ok


def wind_chill_c_array(temp_c: Any, wind_m_s: Any) -> Arr:
    """NWS 2001 wind chill (degC), NaN wherever the formula is not defined:
    WCT[degF] = 35.74 + 0.6215 T - 35.75 V^0.16 + 0.4275 T V^0.16 (T degF, V mph at 10 m)."""
    t_c = np.asarray(temp_c, dtype=float)
    v = np.asarray(wind_m_s, dtype=float)
    wct_c = (_wct_f(t_c * 1.8 + 32.0, np.where(v > 0.0, v, 0.0) / MPH) - 32.0) / 1.8
    return np.where(wind_chill_in_range(t_c, v), wct_c, math.nan)


def wind_chill_c(temp_c: float, wind_m_s: float) -> float | None:
    """NWS 2001 wind chill (degC) for one temperature and 10 m wind; None out of range."""
    w = float(wind_chill_c_array(temp_c, wind_m_s))
    return None if math.isnan(w) else w


# --- the cabin phase -------------------------------------------------------------------------


def _cabin_fine(inp: PhysiologyInputs) -> tuple[Arr, Arr]:
    """The cabin profile resampled every <= 5 s: (t_s, pressure altitude m)."""
    if "cabin" in inp._cache:
        return inp._cache["cabin"]
    c = inp.cabin
    t = np.asarray(c.t_s, dtype=float)
    z = np.asarray(c.altitude_m, dtype=float)
    if t.size == 1:
        tf, zf = t, z
    else:
        # every knot kept, each segment cut into steps of at most 5 s (at most 20 000 in all)
        step = max(5.0, float(t[-1] - t[0]) / 20_000.0)
        parts = [
            np.linspace(a, b, int(np.ceil((b - a) / step)) + 1)[:-1]
            for a, b in itertools.pairwise(t.tolist())
        ]
        tf = np.concatenate([*parts, t[-1:]])
        zf = np.interp(tf, t, z)
    out = (tf, np.asarray(inp.pressure_altitude(zf), dtype=float))
    inp._cache["cabin"] = out
    return out


def _time_above(t: Arr, h: Arr, level: float) -> float:
    """Time a piecewise-linear h(t) spends at or above ``level`` (exact per segment; a level
    within :data:`EDGE_TOL_M` counts as reached)."""
    if t.size < 2:
        return 0.0
    level = level - EDGE_TOL_M
    lo, hi = np.minimum(h[:-1], h[1:]), np.maximum(h[:-1], h[1:])
    span = hi - lo
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.clip((hi - level) / np.where(span > 0, span, 1.0), 0.0, 1.0)
    frac = np.where(span > 0, frac, (lo >= level).astype(float))
    return float(np.sum(np.diff(t) * frac))


def _tuc_dose(t: Arr, h: Arr, factor: float) -> float:
    """Share of the time of useful consciousness used along h(t): the sum over segments of
    dt / (factor TUC_low(h_mid)) (a linear accumulation; 1 = TUC exhausted). Only altitudes
    above the table's first row (15 000 ft) count."""
    if t.size < 2:
        return 0.0
    mid = 0.5 * (h[:-1] + h[1:])
    low, _ = tuc_seconds(mid)
    return float(np.sum(np.diff(t) / (factor * np.asarray(low))))


def cabin_summary(inp: PhysiologyInputs) -> dict[str, float]:
    """Cabin figures shared by the batch: highest pressure altitude, time above 15 000 ft,
    time above 25 000 ft, the at-rest TUC dose without oxygen, and the cabin time."""
    if "cabin_sum" in inp._cache:
        return inp._cache["cabin_sum"]
    t, h = _cabin_fine(inp)
    out = {
        "max_pressure_altitude_m": float(np.max(h)),
        "time_above_floor_s": _time_above(t, h, inp.config.tuc_floor_m),
        "time_above_dcs_s": _time_above(t, h, DCS_LEVEL_FT * FT),
        "dose_rest": _tuc_dose(t, h, 1.0),
        "duration_s": float(t[-1] - t[0]) if t.size > 1 else 0.0,
    }
    inp._cache["cabin_sum"] = out
    return out


def _descent_grid(inp: PhysiologyInputs) -> tuple[Arr, Arr]:
    """Per sample, :data:`_GRID` geometric altitudes from the exit down to the ground and the
    times the sample passes them: (z (B, K), t (B, K))."""
    if "grid" in inp._cache:
        return inp._cache["grid"]
    f = np.linspace(1.0, 0.0, _GRID)
    z = inp.ground_m + (inp.exit_altitude_m[:, None] - inp.ground_m) * f[None, :]
    t = inp.time_at(z)
    inp._cache["grid"] = (z, t)
    return z, t


def descent_time_above(inp: PhysiologyInputs, pressure_altitude_m: float) -> Arr:
    """Per sample, seconds from the exit to the first time below a pressure altitude."""
    z_level = _geometric_of_pressure_altitude(inp, pressure_altitude_m)
    return np.maximum(inp.time_at(z_level) - inp.exit_t_s, 0.0)


def _geometric_of_pressure_altitude(inp: PhysiologyInputs, hp: float) -> float:
    from stuntsim.jump.jumpmaster import standard_pressure_pa

    atm = inp.atmosphere
    p = standard_pressure_pa(hp)
    lnp = np.asarray(atm.lnp)
    z = atm.z0 + atm.dz * np.arange(lnp.size)
    return float(np.interp(-math.log(p), -lnp, z))


def descent_dose(inp: PhysiologyInputs, factor: float) -> Arr:
    """Per sample, the TUC share used from the exit to the ground without oxygen, with the
    exertion ``factor`` (see :func:`_tuc_dose`)."""
    z, t = _descent_grid(inp)
    hp = np.asarray(inp.pressure_altitude(z), dtype=float)
    mid = 0.5 * (hp[:, :-1] + hp[:, 1:])
    low, _ = tuc_seconds(mid)
    dt = np.diff(t, axis=1)
    return np.sum(dt / (factor * np.asarray(low)), axis=1)


# =============================================================================================
# Formatting helpers
# =============================================================================================


def _alt(m: float) -> str:
    """``7620.0`` -> ``"7,620 m (25,000 ft)"``."""
    return f"{m:,.0f} m ({m / FT:,.0f} ft)"


def _ft(m: float) -> str:
    return f"{m / FT:,.0f} ft"


def _dur(s: float, minutes_from: float = 600.0) -> str:
    """Seconds as ``"51 s"`` (under ``minutes_from``), ``"30 min"``, ``"2.5 min"``, ``"1.5 h"``."""
    if not math.isfinite(s):
        return "unbounded"
    if s < minutes_from:
        return f"{s:.0f} s"
    if s < 7200.0:
        m = s / 60.0
        return f"{m:.0f} min" if abs(m - round(m)) < 0.05 else f"{m:.1f} min"
    return f"{s / 3600.0:.1f} h"


def _who(licence: str) -> str:
    return {"student": "a student", "tandem": "a tandem jump", "military": "a military jumper"}.get(
        licence, f"licence {licence}"
    )


def _upper_margin(value: Arr, limit: Arr) -> Arr:
    """(limit - value) / |limit|, the margin of an upper limit."""
    with np.errstate(divide="ignore", invalid="ignore"):
        m = (limit - value) / np.abs(limit)
    return np.where(np.isfinite(m), m, np.where(value <= limit, 1.0, -1.0))


def _batch(
    cid: str,
    ok: Any,
    margin: Any,
    value: Any,
    limit: Any,
    unit: str,
    source: str,
    severity: Severity,
    describe: Callable[[int], tuple[str, str | None]],
    n: int,
    quantity: str | None = None,
    at: Callable[[int], dict[str, float] | None] | None = None,
) -> CheckBatch:
    ok_b = np.broadcast_to(np.asarray(ok, dtype=bool), (n,)).copy()
    m = np.broadcast_to(np.asarray(margin, dtype=float), (n,))
    # ok is the authority: a sample on a band edge (1 mm tolerance) keeps the margin's sign
    m = np.where(ok_b, np.maximum(m, 0.0), np.minimum(m, -1e-12))
    return CheckBatch(
        id=cid,
        ok=ok_b,
        margin=m,
        value=np.broadcast_to(np.asarray(value, dtype=float), (n,)).copy(),
        limit=np.broadcast_to(np.asarray(limit, dtype=float), (n,)).copy(),
        unit=unit,
        source=source,
        severity=severity,
        describe=describe,
        quantity=quantity,
        at=at,
    )


def _max_exposure(inp: PhysiologyInputs) -> Arr:
    """Per sample, the highest pressure altitude of the flight: cabin or exit."""
    cab = cabin_summary(inp)["max_pressure_altitude_m"]
    hp_exit = np.asarray(inp.pressure_altitude(inp.exit_altitude_m), dtype=float)
    return np.maximum(hp_exit, cab)


# =============================================================================================
# The checks
# =============================================================================================


def _also_profile(fn: Callable[[PhysiologyInputs], Any]) -> Callable[..., Any]:
    """Let a check also take the former ``(profile, config)`` arguments and return a
    :class:`~stuntsim.checks.Check` (or None) for that one jump."""

    @functools.wraps(fn)
    def check(inputs: Any, config: PhysiologyConfig | None = None) -> Any:
        if isinstance(inputs, JumpProfile):
            b = fn(inputs_from_profile(inputs, config))
            return None if b is None else b.record(0)
        return fn(inputs)

    return check


@_also_profile
def check_oxygen(inp: PhysiologyInputs) -> CheckBatch:
    """``oxygen``: does the highest cabin or exit pressure altitude require oxygen, and is it
    there?

    Civil (every licence but ``military``): 14 CFR 91.211(a)(3), every occupant must be provided
    with oxygen above 15 000 ft; fails without oxygen above it (the crew bands (a)(1)-(2) are the
    pilot's and are reported). Military: AFI 11-409, supplemental oxygen at and above 10 000 ft;
    fails without oxygen at or above it. Value: the highest pressure altitude; limit: the rule's
    altitude. Margin: +1 with oxygen, else (limit - value)/limit.
    """
    cfg = inp.config
    h = _max_exposure(inp)
    mil = cfg.licence == "military"
    if mil:
        limit = MILITARY_OXYGEN_FT * FT
        needs = h >= limit - EDGE_TOL_M
        source = MILITARY_OXYGEN_SOURCE
    else:
        limit = OXYGEN_EDGES_FT[2] * FT
        needs = h > limit + EDGE_TOL_M
        source = OXYGEN_SOURCE
    ok = ~needs | cfg.oxygen
    margin = np.where(cfg.oxygen, 1.0, _upper_margin(h, np.full(inp.n, limit)))

    def describe(i: int) -> tuple[str, str | None]:
        hi = float(h[i])
        has = "has oxygen" if cfg.oxygen else "has none"
        if mil:
            rule = "AFI 11-409 requires supplemental oxygen at and above 10,000 ft" + (
                " and 100 % oxygen from 20,000 ft" if hi >= MILITARY_100_OXYGEN_FT * FT else ""
            )
            msg = f"The flight reaches {_alt(hi)} pressure altitude: {rule}; the jumper {has}."
            advice = (
                "carry oxygen: AFI 11-409 requires it from 10,000 ft, or keep the whole flight "
                "below 10,000 ft"
            )
        else:
            level = int(oxygen_requirement(hi))
            if level == 0:
                msg = f"The flight stays at or below 12,500 ft ({_alt(hi)}): no oxygen required."
            elif level < 3:
                msg = (
                    f"The flight reaches {_alt(hi)}: {OXYGEN_RULES[level]}; occupants need not be "
                    f"provided with oxygen at or below 15,000 ft. The jumper {has}."
                )
            else:
                msg = f"The flight reaches {_alt(hi)}: {OXYGEN_RULES[3]}; the jumper {has}."
            advice = (
                "carry oxygen: required above 15,000 ft (14 CFR 91.211(a)(3)), or keep the climb "
                "and the exit at or below 15,000 ft"
            )
        return msg, advice

    return _batch("oxygen", ok, margin, h, limit, "m", source, "fail", describe, inp.n)


@_also_profile
def check_prebreathe(inp: PhysiologyInputs) -> CheckBatch:
    """``prebreathe``: uninterrupted 100 % oxygen before the flight against the requirement
    for its highest pressure altitude (:data:`PREBREATHE_DEFAULT_S`, or the configured one).

    Fails when short, and when a prebreathe is required but the jumper has no oxygen. Margin:
    (have - required)/required; +1 when none is required.
    """
    cfg = inp.config
    h = _max_exposure(inp)
    configured = cfg.prebreathe_required_s is not None
    req = (
        np.full(inp.n, float(cfg.prebreathe_required_s or 0.0))
        if configured
        else np.asarray(default_prebreathe_s(h), dtype=float)
    )
    have = float(cfg.prebreathe_s or 0.0) if cfg.oxygen else 0.0
    ok = (req <= 0.0) | (cfg.oxygen & (have >= req))
    with np.errstate(divide="ignore", invalid="ignore"):
        margin = np.where(req > 0.0, (have - req) / np.where(req > 0, req, 1.0), 1.0)
    source = "configured ([limits] prebreathe)" if configured else PREBREATHE_SOURCE

    def describe(i: int) -> tuple[str, str | None]:
        r, hi = float(req[i]), float(h[i])
        if r <= 0.0:
            return (
                f"No prebreathe is required for a flight to {_alt(hi)} pressure altitude"
                + (" (configured)." if configured else "; it starts above 18,000 ft."),
                None,
            )
        if not cfg.oxygen:
            return (
                f"A flight to {_alt(hi)} needs {_dur(r)} of uninterrupted 100 % oxygen before "
                "take-off, but the jumper has no oxygen.",
                f"carry oxygen and prebreathe {_dur(r)} of 100 % oxygen, starting on the ground",
            )
        verb = "meets" if have >= r else "falls short of"
        msg = (
            f"The jumper prebreathes {_dur(have)} of 100 % oxygen, which {verb} the {_dur(r)} "
            f"required for a flight to {_alt(hi)}; a break restarts the clock, and it should be "
            "done on the ground (AR 95-1; Eiken et al. 2023 found more decompression strain when "
            "it was done at 8,200 ft)."
        )
        return msg, f"prebreathe {_dur(r - have)} more, uninterrupted, starting on the ground"

    return _batch("prebreathe", ok, margin, have, req, "s", source, "fail", describe, inp.n)


@_also_profile
def check_hypoxia(inp: PhysiologyInputs) -> CheckBatch:
    """``hypoxia``: without oxygen, the share of the time of useful consciousness used from the
    climb to the ground.

    Value: D = sum of dt / TUC_low(h) over the cabin at rest plus sum of dt / (f TUC_low(h))
    over the descent (f = ``tuc_factor``, exertion), counting only pressure altitudes above
    15 000 ft (the table's first row); a linear accumulation of the FAA table (our model: no
    source gives a dose rule). Limit: 1 (the table's low end used up). With oxygen D = 0. Margin
    1 - D. Fail.
    """
    cfg = inp.config
    n = inp.n
    cab = cabin_summary(inp)
    if cfg.oxygen:
        dose = np.zeros(n)
        d_cab = 0.0
        d_desc = np.zeros(n)
    else:
        d_cab = cab["dose_rest"]
        d_desc = descent_dose(inp, cfg.tuc_factor)
        dose = d_cab + d_desc
    ok = dose <= 1.0
    margin = 1.0 - dose
    t_floor = cab["time_above_floor_s"]

    def describe(i: int) -> tuple[str, str | None]:
        if cfg.oxygen:
            return "The jumper breathes oxygen from the climb to the ground: no hypoxia.", None
        msg = (
            f"Without oxygen the jumper spends {_dur(t_floor)} above 15,000 ft in the cabin and "
            f"uses {d_cab:.0%} of the time of useful consciousness there, {float(d_desc[i]):.0%} "
            f"more in the descent: {float(dose[i]):.0%} in all."
        )
        return msg, (
            "use oxygen from 15,000 ft in the climb to the landing"
            if float(dose[i]) > 1.0
            else None
        )

    return _batch(
        "hypoxia", ok, margin, dose, 1.0, "1", TUC_SOURCE + "; linear dose (model)", "fail",
        describe, n,
    )  # fmt: skip


@_also_profile
def check_tuc(inp: PhysiologyInputs) -> CheckBatch:
    """``tuc``: if the oxygen fails at the exit (or there is none), does the jumper get below
    15 000 ft before useful consciousness goes?

    Value: seconds from the exit to 15 000 ft pressure altitude. Limit: ``tuc_factor`` (1/3,
    exertion) x the FAA low-end TUC at the exit pressure altitude, times the share left after
    the cabin without oxygen (max(0, 1 - D_cabin)). TUC only grows on the way down, so holding the
    exit figure is conservative. Fail without oxygen, caution with it (the margin if the bailout
    bottle fails). Margin (limit - value)/limit, -1 if nothing is left.
    """
    cfg = inp.config
    hp_exit = np.asarray(inp.pressure_altitude(inp.exit_altitude_m), dtype=float)
    low, high = tuc_seconds(hp_exit)
    low = np.asarray(low, dtype=float)
    left = 1.0 if cfg.oxygen else max(0.0, 1.0 - cabin_summary(inp)["dose_rest"])
    limit = np.where(np.isfinite(low), low * cfg.tuc_factor * left, math.inf)
    t_above = descent_time_above(inp, cfg.tuc_floor_m)
    above = hp_exit > cfg.tuc_floor_m + EDGE_TOL_M
    t_above = np.where(above, t_above, 0.0)
    ok = ~above | (t_above <= limit)
    with np.errstate(divide="ignore", invalid="ignore"):
        margin = np.where(
            ~above,
            1.0,
            np.where(limit > 0, (limit - t_above) / np.where(limit > 0, limit, 1), -1.0),
        )
    severity: Severity = "caution" if cfg.oxygen else "fail"
    z_floor = _geometric_of_pressure_altitude(inp, cfg.tuc_floor_m)

    def describe(i: int) -> tuple[str, str | None]:
        hi = float(hp_exit[i])
        if not above[i]:
            return (
                f"The exit at {_alt(hi)} pressure altitude is not above 15,000 ft: time of "
                "useful consciousness is not limiting.",
                None,
            )
        lo, hg, lim, ta = (
            float(low[i]),
            float(np.asarray(high)[i]),
            float(limit[i]),
            float(t_above[i]),
        )
        who = "If the bailout oxygen fails" if cfg.oxygen else "Without oxygen"
        tail = "" if cfg.oxygen else f", {left:.0%} of it left after the cabin"
        msg = (
            f"{who} at the {_alt(hi)} exit the FAA table gives {_dur(lo, 120.0)} to "
            f"{_dur(hg, 120.0)} of useful consciousness at rest, {_dur(lim)} in freefall "
            f"(x{cfg.tuc_factor:.2g} for exertion{tail}), against {_dur(ta)} from the exit to "
            "15,000 ft."
        )
        if cfg.oxygen:
            advice = (
                f"brief the bailout oxygen as life-critical (a second bottle or a lower exit): "
                f"{_dur(ta)} above 15,000 ft against {_dur(lim)} of useful consciousness"
            )
        else:
            advice = "carry oxygen for the climb and a bailout bottle for the descent"
        return msg, advice

    def at(i: int) -> dict[str, float] | None:
        if not above[i]:
            return None
        return inp.position_at(i, float(inp.time_at(z_floor)[i]), z_floor)

    return _batch(
        "tuc", ok, margin, t_above, limit, "s", TUC_SOURCE, severity, describe, inp.n, at=at
    )


@_also_profile
def check_decompression(inp: PhysiologyInputs) -> CheckBatch:
    """``decompression``: time above 25 000 ft pressure altitude (cabin plus descent) against
    ``decompression_limit_s`` (30 min, estimate after Eiken et al. 2023). Caution: no public
    exposure limit could be read; decompression sickness risk grows with altitude, time and
    exertion even after a correct prebreathe. Margin (limit - value)/limit.
    """
    cfg = inp.config
    cab = cabin_summary(inp)
    t_desc = descent_time_above(inp, DCS_LEVEL_FT * FT)
    hp_exit = np.asarray(inp.pressure_altitude(inp.exit_altitude_m), dtype=float)
    t_desc = np.where(hp_exit > DCS_LEVEL_FT * FT + EDGE_TOL_M, t_desc, 0.0)
    value = cab["time_above_dcs_s"] + t_desc
    limit = float(cfg.decompression_limit_s)
    ok = value <= limit
    margin = (limit - value) / limit
    source = DCS_SOURCE if cfg.decompression_limit_s == DCS_LIMIT_S_DEFAULT else "configured"

    def describe(i: int) -> tuple[str, str | None]:
        v = float(value[i])
        msg = (
            f"The jumper spends {_dur(v)} above 25,000 ft pressure altitude "
            f"({_dur(cab['time_above_dcs_s'])} in the cabin), against a {_dur(limit)} planning "
            "limit; decompression sickness risk grows with time and exertion at altitude "
            "(Eiken et al. 2023: DCS in 2 of 10 jumpmasters after 60 min at 28,000 ft)."
        )
        return msg, f"cut the time above 25,000 ft by {_dur(v - limit)}: less time at altitude"

    return _batch(
        "decompression", ok, margin, value, limit, "s", source, "caution", describe, inp.n
    )


def pressure_ceiling_m(protection: str) -> float:
    """Highest pressure altitude (m) a protection serves: 100 % oxygen alone 40 000 ft, pressure
    breathing 50 000 ft (never above the Armstrong limit), a pressure suit without limit."""
    if protection == "pressure_suit":
        return math.inf
    if protection == "pressure_breathing":
        armstrong = float(pressure_altitude_of(ARMSTRONG_PA))
        return min(PRESSURE_BREATHING_CEILING_FT * FT, armstrong)
    return OXYGEN_ALONE_CEILING_FT * FT


@_also_profile
def check_pressure_suit(inp: PhysiologyInputs) -> CheckBatch:
    """``pressure_suit``: is the jumper's pressure protection enough for the highest pressure
    altitude?

    Oxygen alone (100 % at ambient pressure) holds the alveolar PO2 of air at 10 000 ft only to
    about 40 000 ft; positive pressure breathing serves to about 50 000 ft; above that (and
    always above the Armstrong limit, 6.3 kPa) a pressure suit is needed. Fail; value: the
    highest pressure altitude; limit: the ceiling of the jumper's protection
    (:func:`pressure_ceiling_m`). Margin (limit - value)/limit.
    """
    cfg = inp.config
    h = _max_exposure(inp)
    ceiling = pressure_ceiling_m(cfg.pressure_protection)
    ok = h <= ceiling + EDGE_TOL_M
    margin = _upper_margin(h, np.full(inp.n, ceiling)) if math.isfinite(ceiling) else np.ones(inp.n)
    p = np.asarray(inp.atmosphere.pressure(inp.exit_altitude_m), dtype=float)
    pao2 = np.asarray(alveolar_po2_pa(p, 1.0), dtype=float)
    label = {"none": "oxygen alone", "pressure_breathing": "pressure breathing"}.get(
        cfg.pressure_protection, "a pressure suit"
    )

    def describe(i: int) -> tuple[str, str | None]:
        hi = float(h[i])
        msg = (
            f"The flight reaches {_alt(hi)} pressure altitude; 100 % oxygen at ambient pressure "
            f"gives an alveolar PO2 of {max(float(pao2[i]) / MMHG, 0.0):.0f} mmHg at the exit "
            f"(sea-level air: about 100 mmHg) and the jumper has {label}"
        )
        if math.isfinite(ceiling):
            msg += f", which serves to {_ft(ceiling)}."
        else:
            msg += ", which serves at any altitude."
        if hi <= ceiling + EDGE_TOL_M:
            return msg, None
        need = (
            "a pressure suit" if hi > PRESSURE_BREATHING_CEILING_FT * FT else "pressure breathing"
        )
        return msg, f"{need} is required above {_ft(ceiling)}; or exit at or below {_ft(ceiling)}"

    return _batch(
        "pressure_suit", ok, margin, h, ceiling, "m", PRESSURE_SOURCE, "fail", describe, inp.n
    )


@_also_profile
def check_altitude_class(inp: PhysiologyInputs) -> CheckBatch:
    """``altitude_class``: the USPA SIM 6-7 class of the exit altitude MSL and the licence and
    bailout oxygen it asks for (caution; SIM 6-7 gives recommendations). Value: exit altitude
    MSL; limit: the top of the highest class the licence is recommended for. Margin: +1/-1."""
    cfg = inp.config
    h = inp.exit_altitude_m
    idx = np.asarray(uspa_class_index(h))
    max_idx = _LICENCE_MAX_CLASS[str(cfg.licence)]
    limit = (
        math.nan
        if max_idx is None or max_idx >= len(USPA_CLASS_EDGES_FT)
        else USPA_CLASS_EDGES_FT[max_idx] * FT
    )
    licence_ok = np.ones(inp.n, bool) if max_idx is None else idx <= max_idx
    oxygen_ok = (idx < 2) | cfg.oxygen
    ok = licence_ok & oxygen_ok

    def describe(i: int) -> tuple[str, str | None]:
        k = int(idx[i])
        lic = _who(str(cfg.licence))
        if k == 0:
            tail = "no high-altitude recommendations apply"
        else:
            if cfg.licence == "military":
                v = "military jumps follow service rules instead (SIM 2-1 A)"
            elif licence_ok[i]:
                v = f"{lic} meets it"
            else:
                v = f"{lic} falls short of it"
            tail = f"{USPA_CLASS_RECOMMENDS[k]}, and {v}"
            if not oxygen_ok[i]:
                tail += ", and the jumper has no bailout oxygen"
        msg = (
            f"Exit at {_alt(float(h[i]))} MSL is USPA {USPA_CLASSES[k]} altitude "
            f"({USPA_CLASS_RANGES[k]}): {tail}."
        )
        adv = []
        if not licence_ok[i]:
            adv.append(f"exit below {_ft(limit)} MSL for {lic}, or a more experienced jumper")
        if not oxygen_ok[i]:
            adv.append("carry bailout oxygen")
        return msg, "; ".join(adv) or None

    return _batch(
        "altitude_class", ok, np.where(ok, 1.0, -1.0), h, limit, "m", USPA_CLASS_SOURCE,
        "caution", describe, inp.n,
    )  # fmt: skip


def _altitude_bands(z: Any, mask: Any) -> tuple[Arr, Arr]:
    """(lower, upper) edges of the runs of True in ``mask`` over the ascending grid ``z``
    (each run spans its first to its last grid point)."""
    m = np.concatenate([[False], np.asarray(mask, dtype=bool), [False]])
    d = np.diff(m.astype(np.int8))
    lo = np.flatnonzero(d == 1)
    hi = np.flatnonzero(d == -1) - 1
    return z[lo], z[hi]


def _time_in_bands(inp: PhysiologyInputs, lo: Arr, hi: Arr, top: Arr, bottom: Arr) -> Arr:
    """Per sample, seconds spent between the altitudes of each band [lo, hi], cut to
    [bottom, top] (each (B,)): sum of t(lower edge) - t(upper edge)."""
    if lo.size == 0:
        return np.zeros(inp.n)
    up = np.minimum(hi[None, :], top[:, None])
    dn = np.maximum(lo[None, :], bottom[:, None])
    keep = up > dn
    t_up = inp.time_at(np.where(keep, up, top[:, None]))
    t_dn = inp.time_at(np.where(keep, dn, top[:, None]))
    return np.sum(np.where(keep, t_dn - t_up, 0.0), axis=1)


@_also_profile
def check_cold(inp: PhysiologyInputs) -> CheckBatch:
    """``cold``: coldest air on the descent, time below ``cold_limit_c``, and the wind chill
    under canopy where the NWS formula is defined (caution).

    The batch shares one atmosphere, so everything that depends on altitude alone is computed
    once on the atmosphere's own grid between the ground and the highest exit: the coldest air
    below each exit (a running minimum), the altitude bands colder than the limit and the bands
    where the wind chill formula is defined; the times in those bands come from
    :meth:`PhysiologyInputs.time_at`. Wind chill uses the canopy airspeed V = V0 sqrt(rho0/rho)
    fed to the formula as a 10 m wind (x :data:`FACE_TO_10M_WIND`); freefall and the opening are
    always out of the formula's range and counted as such, never extrapolated. Value: the
    coldest temperature (K); limit: ``cold_limit_c`` (K); margin (value - limit)/limit in kelvin.
    """
    cfg = inp.config
    atm = inp.atmosphere
    seg = inp._segments()
    top, ground = inp.exit_altitude_m, np.full(inp.n, inp.ground_m)
    z_open = np.asarray(seg["z2"])
    z_hi = float(np.nanmax(top))
    z = atm.z0 + atm.dz * np.arange(len(atm.t))
    z = z[(z >= inp.ground_m) & (z <= z_hi)]
    z = np.unique(np.concatenate([[inp.ground_m], z, [z_hi]]))
    temp_c = np.asarray(atm.temperature(z), dtype=float) - T0_K
    run_min = np.minimum.accumulate(temp_c)
    k_exit = np.clip(np.searchsorted(z, top, side="right") - 1, 0, z.size - 1)
    t_exit_c = np.asarray(atm.temperature(top), dtype=float) - T0_K
    coldest = np.minimum(run_min[k_exit], t_exit_c)
    limit_c = float(cfg.cold_limit_c)
    lo, hi = _altitude_bands(z, temp_c < limit_c)
    below = _time_in_bands(inp, lo, hi, top, ground)
    rho = np.asarray(atm.density(z), dtype=float)
    wc = wind_chill_c_array(
        temp_c, inp.canopy_airspeed_m_s * np.sqrt(RHO0 / rho) * FACE_TO_10M_WIND
    )
    worst_wc = np.fmin.accumulate(wc)
    k_open = np.clip(np.searchsorted(z, z_open, side="right") - 1, 0, z.size - 1)
    worst = np.where(np.isfinite(z_open) & (z_open > inp.ground_m), worst_wc[k_open], math.nan)
    wlo, whi = _altitude_bands(z, np.isfinite(wc))
    in_range = _time_in_bands(inp, wlo, whi, np.minimum(z_open, top), ground)
    total = np.maximum(seg["t3"] - seg["t0"], 1e-9)
    out_share = np.clip(1.0 - in_range / total, 0.0, 1.0)
    ok = coldest >= limit_c
    value = coldest + T0_K
    lim_k = limit_c + T0_K
    margin = (value - lim_k) / lim_k

    def describe(i: int) -> tuple[str, str | None]:
        if math.isfinite(float(worst[i])):
            chill = f"wind chill under canopy is at worst {float(worst[i]):.1f} °C"
            if out_share[i] > 0.005:
                chill += (
                    f", and out of the NWS formula's range for {float(out_share[i]):.0%} of the "
                    "descent (freefall speeds)"
                )
        else:
            chill = "wind chill is out of the NWS formula's range throughout"
        msg = (
            f"Air at exit is {float(t_exit_c[i]):.1f} °C and {_dur(float(below[i]))} are spent "
            f"below {limit_c:g} °C (coldest {float(coldest[i]):.1f} °C); {chill}."
        )
        return msg, (
            f"cold-weather protection for {float(coldest[i]):.0f} °C air (gloves, face cover, "
            "heated or insulated suit)"
        )

    def at(i: int) -> dict[str, float] | None:
        k = int(np.argmin(temp_c[: int(k_exit[i]) + 1]))
        z_c = float(top[i]) if t_exit_c[i] <= temp_c[k] else float(z[k])
        return inp.position_at(i, float(inp.time_at(z_c)[i]), z_c)

    return _batch(
        "cold", ok, margin, value, lim_k, "K", WIND_CHILL_SOURCE, "caution", describe, inp.n,
        quantity="temperature", at=at,
    )  # fmt: skip


def min_open_altitude_agl_m(config: PhysiologyConfig) -> tuple[float, str]:
    """Minimum opening height above ground (m) and its source, for the config's licence."""
    if config.min_open_altitude_agl_m is not None:
        return float(config.min_open_altitude_agl_m), "configured ([limits] min_open_altitude)"
    lic = str(config.licence)
    src = MIN_OPEN_MILITARY_SOURCE if lic == "military" else MIN_OPEN_SOURCE
    return MIN_OPEN_AGL_FT[lic] * FT, src


@_also_profile
def check_opening_altitude(inp: PhysiologyInputs) -> CheckBatch:
    """``opening_altitude``: deployment height above the ground against the licence minimum
    (USPA BSR SIM 2-1.I). A jumper who never deploys fails. Margin (value - limit)/limit."""
    cfg = inp.config
    limit, source = min_open_altitude_agl_m(cfg)
    deployed = np.isfinite(inp.deploy_t_s) & np.isfinite(inp.deploy_altitude_m)
    agl = np.where(deployed, inp.deploy_altitude_m - inp.ground_m, math.nan)
    ok = deployed & (agl >= limit - EDGE_TOL_M)
    margin = np.where(deployed, (agl - limit) / limit, -1.0)
    who = "military practice" if cfg.licence == "military" else _who(str(cfg.licence))

    def describe(i: int) -> tuple[str, str | None]:
        if not deployed[i]:
            return (
                f"The jumper never deploys; the minimum for {who} is {_alt(limit)} AGL.",
                f"deploy at or above {_ft(limit)} AGL",
            )
        a = float(agl[i])
        rel = "at or above" if ok[i] else "below"
        return (
            f"Deployment at {_alt(a)} AGL is {rel} the {_alt(limit)} minimum for {who}.",
            f"deploy {_ft(limit - a)} higher, at or above {_ft(limit)} AGL",
        )

    def at(i: int) -> dict[str, float] | None:
        return inp.position_at(i, float(inp.deploy_t_s[i])) if deployed[i] else None

    return _batch(
        "opening_altitude", ok, margin, agl, limit, "m", source, "fail", describe, inp.n,
        quantity="altitude", at=at,
    )  # fmt: skip


@_also_profile
def check_opening_shock(inp: PhysiologyInputs) -> CheckBatch:
    """``opening_shock``: peak opening load (g0 multiples) against the limit (10 g, estimate).
    No opening load (the canopy never opens) fails. Margin (limit - value)/limit."""
    limit = float(inp.config.opening_shock_limit_g)
    g = inp.peak_opening_g
    known = np.isfinite(g)
    ok = known & (g <= limit)
    margin = np.where(known, (limit - g) / limit, -1.0)
    source = "planning limit (estimate; set from the parachute manufacturer's data)"

    def describe(i: int) -> tuple[str, str | None]:
        if not known[i]:
            return (
                "No canopy opening load is available: the canopy never opens on this path.",
                "open the canopy higher",
            )
        gi = float(g[i])
        rel = "within" if ok[i] else "above"
        return (
            f"The peak opening load of {gi:.1f} g is {rel} the {limit:g} g limit.",
            f"cut the opening load by {gi - limit:.1f} g: deploy slower (lower airspeed, a "
            "slower-opening canopy or a drogue)",
        )

    def at(i: int) -> dict[str, float] | None:
        return inp.position_at(i, float(inp.open_t_s[i]))

    return _batch(
        "opening_shock", ok, margin, g, limit, "g", source, "fail", describe, inp.n, at=at
    )


@_also_profile
def check_landing_accuracy(inp: PhysiologyInputs) -> CheckBatch | None:
    """``landing_accuracy``: miss distance against the landing-zone radius (None without one).
    Margin (radius - miss)/radius."""
    if inp.config.lz_radius_m is None:
        return None
    r = float(inp.config.lz_radius_m)
    miss = inp.miss_distance_m
    ok = np.isfinite(miss) & (miss <= r)
    margin = np.where(np.isfinite(miss), (r - miss) / r, -1.0)

    def describe(i: int) -> tuple[str, str | None]:
        m = float(miss[i])
        rel = "inside" if ok[i] else "outside"
        return (
            f"The jumper lands {m:,.0f} m from the target, {rel} the {r:,.0f} m radius.",
            f"land {m - r:,.0f} m closer: re-solve the release point or steer to the target",
        )

    def at(i: int) -> dict[str, float] | None:
        return inp.position_at(i, float(inp.landing_t_s[i]))

    return _batch(
        "landing_accuracy", ok, margin, miss, r, "m", "configured landing-zone radius "
        "([site] lz_radius)", "fail", describe, inp.n, quantity="distance", at=at,
    )  # fmt: skip


@_also_profile
def check_exposure(inp: PhysiologyInputs) -> CheckBatch:
    """``exposure``: seconds below the detection height above ground (the HALO figure of
    merit), with the time under canopy and the stand-off at opening in the message.
    Informational unless ``exposure_limit_s`` is set (caution). Margin (limit - value)/limit."""
    cfg = inp.config
    det = float(cfg.detection_altitude_agl_m)
    t_det = inp.time_at(inp.ground_m + det)
    t_low = np.maximum(inp.landing_t_s - t_det, 0.0)
    limit = cfg.exposure_limit_s
    ok = np.ones(inp.n, bool) if limit is None else t_low <= limit
    margin = np.ones(inp.n) if limit is None else (limit - t_low) / limit
    opened = np.isfinite(inp.open_t_s)

    def describe(i: int) -> tuple[str, str | None]:
        if opened[i]:
            canopy_s = max(float(inp.landing_t_s[i] - inp.open_t_s[i]), 0.0)
            standoff = float(np.hypot(*inp.open_pos_m[i]))
            tail = (
                f"under open canopy for {_dur(canopy_s)}, opening {standoff:,.0f} m from the target"
            )
        else:
            tail = "never under open canopy"
        msg = f"The jumper is below {_alt(det)} AGL for {_dur(float(t_low[i]))} and {tail}."
        adv = None
        if limit is not None:
            adv = (
                f"cut the time below {_ft(det)} AGL by {_dur(float(t_low[i]) - limit)}: open lower"
            )
        return msg, adv

    source = "configured detection height (default 1,000 m AGL, estimate)" + (
        " and exposure limit" if limit is not None else "; informational"
    )
    return _batch(
        "exposure", ok, margin, t_low, math.nan if limit is None else float(limit), "s", source,
        "caution", describe, inp.n, at=lambda i: inp.position_at(i, float(inp.open_t_s[i])),
    )  # fmt: skip


CHECK_IDS = (
    "oxygen",
    "prebreathe",
    "hypoxia",
    "tuc",
    "decompression",
    "pressure_suit",
    "altitude_class",
    "cold",
    "opening_altitude",
    "opening_shock",
    "landing_accuracy",
    "exposure",
)
"""The ids :func:`physiology_checks` can produce, in order (``landing_accuracy`` only with a
landing-zone radius)."""


def physiology_check_batches(inputs: PhysiologyInputs) -> list[CheckBatch]:
    """All physiology and exposure checks of a batch, in the order of :data:`CHECK_IDS`."""
    out = [
        check_oxygen(inputs),
        check_prebreathe(inputs),
        check_hypoxia(inputs),
        check_tuc(inputs),
        check_decompression(inputs),
        check_pressure_suit(inputs),
        check_altitude_class(inputs),
        check_cold(inputs),
        check_opening_altitude(inputs),
        check_opening_shock(inputs),
    ]
    lz = check_landing_accuracy(inputs)
    if lz is not None:
        out.append(lz)
    out.append(check_exposure(inputs))
    return out


# =============================================================================================
# Building the inputs from a plan and a kernel outcome
# =============================================================================================


def config_from_scenario(s: Any, lz_radius_m: float | None = None) -> PhysiologyConfig:
    """The :class:`PhysiologyConfig` of a validated jump scenario (``[jumper]``, ``[limits]``,
    ``[cabin]``), heights already resolved to MSL (jump/plan.py)."""
    j, lim = s.jumper, s.limits
    kw: dict[str, Any] = dict(
        oxygen=j.oxygen,
        prebreathe_s=j.prebreathe,
        prebreathe_required_s=lim.prebreathe,
        licence=j.licence,
        pressure_protection=getattr(j, "pressure", None) or "none",
        min_open_altitude_agl_m=lim.min_open_altitude,
        lz_radius_m=lz_radius_m,
    )
    for key, attr in (
        ("opening_shock_limit_g", "opening_shock"),
        ("exposure_limit_s", "exposure"),
        ("detection_altitude_agl_m", "detection_altitude"),
        ("decompression_limit_s", "decompression"),
    ):
        v = getattr(lim, attr, None)
        if v is not None:
            kw[key] = v
    cab = getattr(s, "cabin", None)
    ground = float(s.site.elevation)
    exit_m = float(s.jump.exit_altitude)
    if cab is not None and cab.profile:
        kw["cabin"] = CabinProfile(
            tuple(-float(t) for t, _ in cab.profile), tuple(float(h) for _, h in cab.profile)
        )
    elif cab is not None:
        kw["cabin"] = CabinProfile.climb(
            ground,
            exit_m,
            cab.climb_rate if cab.climb_rate is not None else DEFAULT_CLIMB_RATE_M_S,
            cab.time_at_exit_altitude
            if cab.time_at_exit_altitude is not None
            else DEFAULT_TIME_AT_EXIT_S,
            source="[cabin] climb",
        )
    else:
        kw["cabin"] = CabinProfile.climb(ground, exit_m)
    return PhysiologyConfig(**kw)


def physiology_inputs(
    plan: Any,
    outcome: Any,
    *,
    config: PhysiologyConfig | None = None,
    target_east_m: Any = 0.0,
    target_north_m: Any = 0.0,
) -> PhysiologyInputs:
    """The inputs of a batch from a jump plan (jump/plan.py) and its kernel outcome
    (jump/kernel.py ``JumpOutcome``, any batch size)."""
    o = outcome
    cfg = config or config_from_scenario(plan.scenario, plan.lz_radius)
    le, ln = o.land_pos[:, 0], o.land_pos[:, 1]
    te = np.asarray(target_east_m, dtype=float)
    tn = np.asarray(target_north_m, dtype=float)
    miss = np.hypot(le - te, ln - tn)
    rel = lambda p: np.stack([p[:, 0] - te, p[:, 1] - tn], axis=1)  # noqa: E731
    deployed = ~np.asarray(o.impact_freefall, dtype=bool)
    c = plan.canopy
    return PhysiologyInputs.build(
        cfg,
        plan.air.atmosphere,
        plan.site.elevation,
        exit_t_s=o.exit_t,
        exit_altitude_m=o.exit_pos[:, 2],
        deploy_t_s=np.where(deployed, o.deploy_t, math.nan),
        deploy_altitude_m=np.where(deployed, o.deploy_pos[:, 2], math.nan),
        open_t_s=o.open_t,
        open_altitude_m=o.open_pos[:, 2],
        landing_t_s=o.land_t,
        peak_opening_g=o.peak_g,
        miss_distance_m=miss,
        exit_pos_m=rel(o.exit_pos),
        deploy_pos_m=rel(o.deploy_pos),
        open_pos_m=rel(o.open_pos),
        landing_pos_m=rel(o.land_pos),
        canopy_airspeed_m_s=math.hypot(c.forward_speed, c.descent_rate),
        knot_t_s=o.max_speed_t,
        knot_altitude_m=o.max_speed_pos[:, 2],
        knot_descent_m_s=-o.max_speed_vel[:, 2],
        switch_altitude_m=_first_switch(plan, "below"),
        switch_t_s=_first_switch(plan, "after"),
    )


def _first_switch(plan: Any, which: str) -> float | None:
    """The first later body-position stage's switch (``below``: altitude MSL, ``after``:
    seconds after exit), when the plan's first later stage is triggered that way."""
    stages = getattr(plan, "stages", ()) or ()
    if not stages:
        return None
    st = stages[0]
    v = getattr(st, "below_m" if which == "below" else "after_s", None)
    return None if v is None else float(v)


# =============================================================================================
# The former single-jump interface (kept while callers move to batches)
# =============================================================================================


@dataclass(frozen=True)
class JumpProfile:
    """One jump as a dense path (the former interface): SI arrays over time from the exit and
    the key events. Converted to a batch of one by :func:`inputs_from_profile`; only the events
    and the ground are used (the temperatures come from the standard atmosphere)."""

    t_s: Any
    altitude_m: Any
    speed_m_s: Any
    temperature_k: Any
    east_m: Any
    north_m: Any
    ground_elevation_m: Any
    exit_altitude_m: float
    deploy_t_s: float
    deploy_altitude_m: float
    canopy_open_t_s: float
    landing_t_s: float
    peak_opening_g: float
    miss_distance_m: float


def inputs_from_profile(
    profile: JumpProfile, config: PhysiologyConfig | None = None, atmosphere: Any = None
) -> PhysiologyInputs:
    """A batch of one from a :class:`JumpProfile` (standard atmosphere unless given)."""
    from stuntsim.world.atmosphere import standard

    t = np.asarray(profile.t_s, dtype=float)
    z = np.asarray(profile.altitude_m, dtype=float)
    e = np.asarray(profile.east_m, dtype=float)
    n = np.asarray(profile.north_m, dtype=float)
    g = np.asarray(profile.ground_elevation_m, dtype=float)
    ground = float(g) if g.ndim == 0 else float(g[-1])

    def p(ts: float) -> tuple[float, float]:
        if not math.isfinite(ts):
            return (math.nan, math.nan)
        return float(np.interp(ts, t, e)), float(np.interp(ts, t, n))

    t_open = float(profile.canopy_open_t_s)
    z_open = float(np.interp(t_open, t, z)) if math.isfinite(t_open) else math.nan
    return PhysiologyInputs.build(
        config or PhysiologyConfig(),
        atmosphere if atmosphere is not None else standard(),
        ground,
        exit_t_s=float(t[0]),
        exit_altitude_m=float(profile.exit_altitude_m),
        deploy_t_s=float(profile.deploy_t_s),
        deploy_altitude_m=float(profile.deploy_altitude_m),
        open_t_s=t_open,
        open_altitude_m=z_open,
        landing_t_s=float(profile.landing_t_s),
        peak_opening_g=float(profile.peak_opening_g),
        miss_distance_m=float(profile.miss_distance_m),
        exit_pos_m=p(float(t[0])),
        deploy_pos_m=p(float(profile.deploy_t_s)),
        open_pos_m=p(t_open),
        landing_pos_m=p(float(profile.landing_t_s)),
    )


@overload
def physiology_checks(inputs: PhysiologyInputs) -> list[CheckBatch]: ...


@overload
def physiology_checks(
    inputs: JumpProfile, config: PhysiologyConfig | None = None
) -> list[Check]: ...


def physiology_checks(
    inputs: PhysiologyInputs | JumpProfile, config: PhysiologyConfig | None = None
) -> list[CheckBatch] | list[Check]:
    """All physiology checks: on a batch (:class:`PhysiologyInputs`) as ``CheckBatch`` es, or,
    the former interface, on one :class:`JumpProfile` as ``Check`` records."""
    if isinstance(inputs, PhysiologyInputs):
        return physiology_check_batches(inputs)
    batches = physiology_check_batches(inputs_from_profile(inputs, config))
    return [b.record(0) for b in batches]
