"""Physiology and exposure checks of a jump: oxygen, hypoxia, cold, opening, exposure.

Pure functions on plain data: the simulator hands over a :class:`JumpProfile` (SI arrays along
the path plus the key events) and a :class:`PhysiologyConfig` (what the jumper has and the
limits); :func:`physiology_checks` returns a list of :class:`~stuntsim.checks.Check`, each with a
stable ``id``, a cited ``source`` and a one-sentence ``message``. Nothing here prints, plots or
reads files.

Altitudes are metres above mean sea level (MSL) unless the name says ``agl``. The published
rules are written in feet; their band edges are converted with the international foot (0.3048 m)
and compared with a tolerance of :data:`EDGE_TOL_M` (1 mm), so that ``"15000 ft"`` parsed by
pint (4571.999999999999 m) sits on the 15 000 ft edge and not below it.

The rules apply to *cabin pressure altitude* (14 CFR 91.211) or to altitude MSL (USPA SIM 6-7).
In an unpressurised jump aircraft the cabin is at the pressure altitude outside, which equals
the geometric altitude MSL only in a standard atmosphere: on a cold day the pressure altitude
is higher than the geometric one (by roughly 4 % per 10 K below standard). The profile carries
no pressure, so the checks use the geometric altitude MSL; brief a margin on cold days.

Sources (each figure is cited again where it is used; "unsure" marks a figure from a single or
second-hand source, "estimate" one we chose):

* 14 CFR 91.211(a)(1)-(3), supplemental oxygen: above 12 500 ft up to and including 14 000 ft
  the required flight crew uses oxygen after 30 min; above 14 000 ft the crew uses it the whole
  time; above 15 000 ft every occupant is provided with oxygen.
* FAA time-of-useful-consciousness table as widely reproduced (../shared/reference/README.md
  section 4; the same rows appear in Wikipedia "Time of useful consciousness", citing the FAA):
  18 000 ft 20-30 min, 22 000 ft 5-10 min, 25 000 ft 3-5 min, 28 000 ft 2.5-3 min, 30 000 ft
  1-3 min, 35 000 ft 30-60 s, 40 000 ft 15-20 s, 43 000 ft 9-15 s, 50 000 ft and above 6-9 s;
  15 000 ft "30 min or more". Rapid decompression or exertion shortens these by up to half.
  FAA AC 61-107 (Table 1-1, as reproduced in a Lancair IV training manual, unsure which
  revision) gives the same or longer low ends at every row (22 000 ft 10 min, 50 000 ft 9-12 s)
  and a rapid-decompression column of about half, so the low ends used here are the more
  conservative of the two.
* USPA Skydiver's Information Manual (SIM) 6-7 C (altitude classes: low below 15 000 ft MSL,
  intermediate 15 000-20 000 ft, high 20 000-40 000 ft, extreme above 40 000 ft) and 6-7 D
  (experience recommended per class).
* USPA Basic Safety Requirements, SIM 2-1.I, minimum container opening altitudes AGL: tandem
  5 000 ft (raised from 4 500 ft by the USPA board, July 2019); students and A licence 3 000 ft;
  B licence 2 500 ft; C and D licence 2 500 ft (raised from 2 000 ft by the board, 2013). The
  student/A/B figures are from the 2008 SIM text and were not re-read in the current SIM
  (unsure).
* Pre-breathing: 30 min of uninterrupted 100 % oxygen for a 25 000 ft HALO jump, a break
  restarting the clock (af.mil news article 138370, "Airmen complete 25,000-foot jump"); Army
  aviation rule AR 95-1 para 8-7a(2)(b): pre-breathing of not less than 30 min above 18 000 ft
  pressure altitude (as quoted second-hand; unsure of the current edition); AFI 11-409 requires
  pre-breathing for any scheduled exposure at or above FL200 (second-hand, unsure).
* NWS wind chill temperature index (National Weather Service, effective 1 November 2001):
  WCT[degF] = 35.74 + 0.6215 T - 35.75 V^0.16 + 0.4275 T V^0.16, T in degF, V in mph measured at
  the standard 33 ft (10 m) anemometer height; defined only for T <= 50 degF and V above 3 mph,
  and charted only up to 60 mph.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from stuntsim.checks import Check
from stuntsim.units import FT, MPH

EDGE_TOL_M = 1e-3
"""Altitudes within this distance (m) of a published band edge count as on the edge."""

T0_K = 273.15  # 0 degC in kelvin (ITS-90 definition of the Celsius scale)

# --- 14 CFR 91.211(a) ------------------------------------------------------------------------

OXYGEN_EDGES_FT = (12_500.0, 14_000.0, 15_000.0)
"""14 CFR 91.211(a)(1)-(3): the band edges, each exclusive ("above ... feet")."""

OXYGEN_RULES = (
    "no supplemental oxygen required",
    "the required flight crew must use oxygen after 30 min above 12,500 ft (91.211(a)(1))",
    "the required flight crew must use oxygen the whole time above 14,000 ft (91.211(a)(2))",
    "every occupant must be provided with oxygen above 15,000 ft (91.211(a)(3))",
)
"""What each :func:`oxygen_requirement` level means, indexed by level."""

OXYGEN_SOURCE = "14 CFR 91.211(a)(1)-(3)"

# --- USPA SIM 6-7 ----------------------------------------------------------------------------

USPA_CLASS_EDGES_FT = (15_000.0, 20_000.0, 40_000.0)
"""USPA SIM 6-7 C: lower edges of the intermediate, high and extreme classes (inclusive)."""

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
"""USPA SIM 6-7 D, experience recommended per class (indexed like :data:`USPA_CLASSES`)."""

USPA_CLASS_SOURCE = "USPA SIM 6-7 C (altitude classes) and 6-7 D (experience recommended)"

# --- licences --------------------------------------------------------------------------------

LICENCES = ("student", "A", "B", "C", "D", "tandem", "military")
"""Accepted ``PhysiologyConfig.licence`` values (case-insensitive on input)."""

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
"""Minimum container opening altitude above ground by licence, in feet."""

MIN_OPEN_SOURCE = "USPA BSR, SIM 2-1.I (minimum container opening altitudes)"
MIN_OPEN_MILITARY_SOURCE = "estimate (military SOPs vary; set min_open_altitude_agl_m)"

# Highest USPA SIM 6-7 class each licence is recommended for (index into USPA_CLASSES);
# None: SIM 6-7 does not apply (jumps under military orders are outside the BSRs, SIM 2-1 A).
_LICENCE_MAX_CLASS: dict[str, int | None] = {
    "student": 0,
    "tandem": 0,  # the passenger holds no licence; SIM 6-7 D is about each participant
    "A": 0,
    "B": 1,
    "C": 2,
    "D": 3,
    "military": None,
}

# --- pre-breathing ---------------------------------------------------------------------------

PREBREATHE_EDGES_FT = (18_000.0, 25_000.0, 40_000.0)
"""Exit altitudes (exclusive, "above") where the default pre-breathing time steps up."""

PREBREATHE_DEFAULT_S = (0.0, 30 * 60.0, 45 * 60.0, 60 * 60.0)
"""Default uninterrupted 100 % oxygen pre-breathing before exit, per band of exit altitude:

* at or below 18 000 ft: none (AR 95-1 para 8-7a(2)(b) requires it only above 18 000 ft;
  AFI 11-409 from FL200, so 18 000 ft is the more conservative edge);
* above 18 000 ft up to and including 25 000 ft: 30 min (AR 95-1; af.mil article 138370 for a
  25 000 ft HALO jump: "an uninterrupted half hour");
* above 25 000 ft up to and including 40 000 ft: 45 min (estimate: the preoxygenation used for
  28 000 ft missions by Eiken et al., "Decompression strain in parachute jumpmasters during
  simulated high-altitude missions", Eur J Appl Physiol 123:1637-1644 (2023); the reference
  README section 4 notes programmes using 45 or 60 min);
* above 40 000 ft (USPA extreme class): 60 min (estimate, same sources).
"""

PREBREATHE_SOURCE = (
    "AR 95-1 para 8-7 (>=30 min above 18,000 ft); af.mil article 138370 (30 min uninterrupted "
    "at 25,000 ft); 45/60 min above 25,000/40,000 ft are estimates (Eiken et al. 2023)"
)

# --- time of useful consciousness ------------------------------------------------------------

_TUC_FT = np.array(
    [15_000, 18_000, 22_000, 25_000, 28_000, 30_000, 35_000, 40_000, 43_000, 50_000.0]
)
_TUC_LOW_S = np.array([1800, 1200, 300, 180, 150, 60, 30, 15, 9, 6.0])
_TUC_HIGH_S = np.array([math.inf, 1800, 600, 300, 180, 180, 60, 20, 15, 9.0])
TUC_SOURCE = (
    "FAA time-of-useful-consciousness table (as widely reproduced; cf. AC 61-107 Table 1-1), "
    "low end, shortened for rapid decompression and exertion"
)

# --- wind chill ------------------------------------------------------------------------------

WIND_CHILL_MAX_TEMP_F = 50.0  # NWS: defined only for temperatures at or below 50 degF
WIND_CHILL_MIN_WIND_MPH = 3.0  # NWS: defined only for winds above 3 mph
WIND_CHILL_MAX_WIND_MPH = 60.0  # NWS chart's highest wind; reference README section 4

FACE_TO_10M_WIND = 1.5
"""Factor from the air speed on a jumper's face to the NWS formula's 10 m (33 ft) wind speed.

The 2001 index converts the anemometer wind to face height (about 5 ft) inside the formula;
Osczevski and Bluestein, "The new wind chill equivalent temperature chart", Bull. Amer. Meteor.
Soc. 86(10):1453 (2005), describe that step as taking two-thirds of the 10 m speed (factor as we
recall it from the paper; unsure). A falling or flying jumper feels the air-relative speed at the
face directly, so the equivalent formula input is 1.5 times that speed.
"""

WIND_CHILL_SOURCE = (
    "NWS wind chill temperature index (2001), valid at or below 50 degF for winds above 3 mph "
    "and up to the chart's 60 mph; -20 °C planning limit (issue 4, estimate)"
)


# =============================================================================================
# Data in, config
# =============================================================================================


@dataclass(frozen=True)
class JumpProfile:
    """What the simulator hands to the checks: one jump, SI units.

    Arrays are 1-D over time, from exit (``t_s[0]``, normally 0) to landing. ``altitude_m`` is
    geometric altitude MSL; ``speed_m_s`` is the air-relative speed; ``temperature_k`` the
    ambient temperature along the path; ``east_m``/``north_m`` the position relative to the
    target. ``ground_elevation_m`` is the ground MSL under the jumper: a scalar (flat site) or
    an array like ``t_s``. Event times are seconds since exit; ``canopy_open_t_s`` and
    ``deploy_t_s`` may be NaN when that event never happens (an impact before it).
    ``peak_opening_g`` is the peak opening load in multiples of g0 (NaN if unknown).
    """

    t_s: np.ndarray
    altitude_m: np.ndarray
    speed_m_s: np.ndarray
    temperature_k: np.ndarray
    east_m: np.ndarray
    north_m: np.ndarray
    ground_elevation_m: float | np.ndarray
    exit_altitude_m: float
    deploy_t_s: float
    deploy_altitude_m: float
    canopy_open_t_s: float
    landing_t_s: float
    peak_opening_g: float
    miss_distance_m: float

    def __post_init__(self) -> None:
        for name in ("t_s", "altitude_m", "speed_m_s", "temperature_k", "east_m", "north_m"):
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=float))
        g = np.asarray(self.ground_elevation_m, dtype=float)
        object.__setattr__(self, "ground_elevation_m", float(g) if g.ndim == 0 else g)

    @property
    def height_agl_m(self) -> np.ndarray:
        """Height above the ground under the jumper, along the path."""
        return self.altitude_m - self.ground_elevation_m

    def ground_at(self, t_s: float) -> float:
        """Ground elevation MSL under the jumper at time ``t_s`` (linear interpolation)."""
        g = self.ground_elevation_m
        if isinstance(g, float):
            return g
        return float(np.interp(t_s, self.t_s, g))


@dataclass(frozen=True)
class PhysiologyConfig:
    """What the jumper has and the limits to check against (SI units; defaults cited).

    * ``oxygen``: the jumper breathes supplemental oxygen (aircraft console, then a bailout
      bottle) from pre-breathing to landing. Default False.
    * ``prebreathe_s``: uninterrupted 100 % oxygen pre-breathed before exit, seconds
      (None: none).
    * ``prebreathe_required_s``: required pre-breathing (None: by exit altitude, see
      :data:`PREBREATHE_DEFAULT_S` and :func:`default_prebreathe_s`).
    * ``licence``: one of :data:`LICENCES` (case-insensitive; None means the default); sets
      the minimum opening altitude (USPA BSR SIM 2-1.I) and the USPA SIM 6-7 altitude-class
      recommendation. Default ``"student"``, the most conservative.
    * ``min_open_altitude_agl_m``: overrides the licence minimum opening altitude (m AGL).
    * ``opening_shock_limit_g``: peak opening load limit, multiples of g0. Default 10 g, an
      estimate: a planning limit for a person in a harness, not a published tolerance (we did
      not find a citable human-tolerance figure we could verify); set it from the parachute
      manufacturer's data.
    * ``lz_radius_m``: landing-zone radius around the target; None skips
      ``landing_accuracy``.
    * ``detection_altitude_agl_m``: height above ground below which a canopy is taken to be
      seen from the ground. Default 1 000 m, an estimate: the height at which a 3.5 m canopy
      chord seen from directly below subtends 0.2 deg (12 arcmin), an order of magnitude for
      unalerted naked-eye detection of a small object against the sky (unsure; the eye's
      1 arcmin acuity limit alone would put it near 12 km). Set it from local observation.
    * ``exposure_limit_s``: optional briefing limit on the time below the detection altitude;
      None (default) makes ``exposure`` informational.
    * ``cold_limit_c``: air temperature below which time is counted, degC. Default -20 degC
      (issue 4's planning figure; an estimate, not a published limit).
    * ``tuc_floor_m``: altitude MSL above which time counts against the time of useful
      consciousness. Default 15 000 ft: the 91.211(a)(3) altitude, where the FAA table gives
      "30 min or more".
    * ``tuc_factor``: fraction of the table's low-end TUC allowed. Default 0.5: rapid
      decompression or exertion shortens TUC by up to half (reference README section 4), and a
      jumper whose oxygen fails at exit meets both.
    """

    oxygen: bool = False
    prebreathe_s: float | None = None
    prebreathe_required_s: float | None = None
    licence: str | None = "student"
    min_open_altitude_agl_m: float | None = None
    opening_shock_limit_g: float = 10.0
    lz_radius_m: float | None = None
    detection_altitude_agl_m: float = 1_000.0
    exposure_limit_s: float | None = None
    cold_limit_c: float = -20.0
    tuc_floor_m: float = 15_000.0 * FT
    tuc_factor: float = 0.5

    def __post_init__(self) -> None:
        lic = normalise_licence(self.licence)
        object.__setattr__(self, "licence", lic)
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
        for name in ("opening_shock_limit_g", "detection_altitude_agl_m", "tuc_floor_m"):
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
    """``"c"`` -> ``"C"``, ``"Military"`` -> ``"military"``, None -> ``"student"`` (the default);
    ValueError if not in :data:`LICENCES`."""
    if licence is None:
        return "student"
    key = str(licence).strip()
    for name in LICENCES:
        if key.lower() == name.lower():
            return name
    raise ValueError(f"unknown licence {licence!r}; choose one of {', '.join(LICENCES)}")


# =============================================================================================
# Helpers (vectorised over numpy arrays; scalars in, scalars out)
# =============================================================================================


def _count_above(altitude_m: Any, edges_ft: tuple[float, ...]) -> np.ndarray:
    """Number of edges strictly exceeded (edge + 1 mm), for exclusive "above" bands."""
    h = np.asarray(altitude_m, dtype=float)[..., None]
    edges = np.asarray(edges_ft) * FT
    return np.sum(h > edges + EDGE_TOL_M, axis=-1)


def _count_at_or_above(altitude_m: Any, edges_ft: tuple[float, ...]) -> np.ndarray:
    """Number of edges reached (edge - 1 mm), for inclusive "from ... feet" bands."""
    h = np.asarray(altitude_m, dtype=float)[..., None]
    edges = np.asarray(edges_ft) * FT
    return np.sum(h >= edges - EDGE_TOL_M, axis=-1)


def _scalar_or_array(x: np.ndarray, like: Any) -> Any:
    return x.item() if np.ndim(like) == 0 else x


def oxygen_requirement(altitude_m: Any) -> Any:
    """Oxygen requirement level 0-3 at a cabin pressure altitude (MSL), per 14 CFR 91.211(a).

    0: at or below 12 500 ft, none; 1: above 12 500 ft up to and including 14 000 ft, the
    required flight crew uses oxygen for the part of the flight at those altitudes longer than
    30 min (a)(1); 2: above 14 000 ft, the crew uses it the whole time (a)(2); 3: above
    15 000 ft, every occupant must also be provided with oxygen (a)(3). The meaning of each
    level is :data:`OXYGEN_RULES`. Scalars give an int, arrays an int array.
    """
    return _scalar_or_array(_count_above(altitude_m, OXYGEN_EDGES_FT), altitude_m)


def uspa_class_index(altitude_m: Any) -> Any:
    """Index into :data:`USPA_CLASSES` of the USPA SIM 6-7 C altitude class at an MSL altitude.

    Low: below 15 000 ft; intermediate: from 15 000 up to 20 000 ft; high: from 20 000 up to
    40 000 ft; extreme: 40 000 ft and higher (SIM 6-7 C says "above 40,000 feet", 6-7 D "40,000
    feet MSL and higher"; the edge itself is taken as extreme, the conservative reading).
    """
    return _scalar_or_array(_count_at_or_above(altitude_m, USPA_CLASS_EDGES_FT), altitude_m)


def uspa_altitude_class(altitude_m: Any) -> Any:
    """USPA SIM 6-7 C altitude class name (``low``/``intermediate``/``high``/``extreme``)."""
    idx = np.asarray(uspa_class_index(altitude_m))
    names = np.asarray(USPA_CLASSES)[idx]
    return str(names) if np.ndim(altitude_m) == 0 else names


def default_prebreathe_s(exit_altitude_m: Any) -> Any:
    """Default uninterrupted pre-breathing time (s) for an exit altitude MSL.

    0 at or below 18 000 ft; 30 min above it up to 25 000 ft; 45 min up to 40 000 ft; 60 min
    above (bands and sources in :data:`PREBREATHE_DEFAULT_S`; the 45 and 60 min bands are
    estimates).
    """
    idx = _count_above(exit_altitude_m, PREBREATHE_EDGES_FT)
    return _scalar_or_array(np.asarray(PREBREATHE_DEFAULT_S)[idx], exit_altitude_m)


def tuc_seconds(altitude_m: Any) -> tuple[Any, Any]:
    """Time of useful consciousness at an altitude MSL, ``(low, high)`` in seconds, at rest.

    Rows of the FAA table (reference README section 4): 15 000 ft 30 min or more (high end
    unbounded: ``inf``); 18 000 ft 20-30 min; 22 000 ft 5-10 min; 25 000 ft 3-5 min; 28 000 ft
    2.5-3 min; 30 000 ft 1-3 min; 35 000 ft 30-60 s; 40 000 ft 15-20 s; 43 000 ft 9-15 s;
    50 000 ft and above 6-9 s. Between rows TUC is interpolated log-linearly in altitude,
    ``ln TUC(h) = ln TUC_i + (h - h_i)/(h_{i+1} - h_i) * (ln TUC_{i+1} - ln TUC_i)``, since it
    falls roughly exponentially with altitude; above 50 000 ft the last row holds. Below
    15 000 ft the table gives no limit and both ends are ``inf``. Rapid decompression or
    exertion shortens TUC by up to half; that is applied by the caller (``tuc_factor``).
    """
    h_ft = np.asarray(altitude_m, dtype=float) / FT
    tol_ft = EDGE_TOL_M / FT
    low = np.exp(np.interp(h_ft, _TUC_FT, np.log(_TUC_LOW_S)))
    high = np.exp(np.interp(h_ft, _TUC_FT[1:], np.log(_TUC_HIGH_S[1:])))
    high = np.where(h_ft < _TUC_FT[1] - tol_ft, math.inf, high)
    below = h_ft < _TUC_FT[0] - tol_ft
    low = np.where(below, math.inf, low)
    high = np.where(below, math.inf, high)
    return _scalar_or_array(low, altitude_m), _scalar_or_array(high, altitude_m)


def _wct_f(t_f: np.ndarray, v_mph: np.ndarray) -> np.ndarray:
    v16 = np.power(v_mph, 0.16)
    return 35.74 + 0.6215 * t_f - 35.75 * v16 + 0.4275 * t_f * v16


def wind_chill_in_range(temp_c: Any, wind_m_s: Any) -> Any:
    """True where the NWS 2001 wind chill formula is defined: T <= 50 degF, 3 < V <= 60 mph.

    ``wind_m_s`` is the formula's wind: the speed at the standard 10 m (33 ft) height.
    """
    t_f = np.asarray(temp_c, dtype=float) * 1.8 + 32.0
    v_mph = np.asarray(wind_m_s, dtype=float) / MPH
    ok = (
        (t_f <= WIND_CHILL_MAX_TEMP_F + 1e-9)
        & (v_mph > WIND_CHILL_MIN_WIND_MPH + 1e-9)
        & (v_mph <= WIND_CHILL_MAX_WIND_MPH + 1e-9)
    )
    return bool(ok) if np.ndim(ok) == 0 else ok


def wind_chill_c_array(temp_c: Any, wind_m_s: Any) -> np.ndarray:
    """NWS 2001 wind chill temperature (degC), NaN wherever the formula is not defined.

    WCT[degF] = 35.74 + 0.6215 T - 35.75 V^0.16 + 0.4275 T V^0.16 with T = air temperature
    (degF) and V = wind speed at 33 ft (mph), valid for T <= 50 degF and 3 < V <= 60 mph
    (NWS, November 2001; the chart stops at 60 mph). Outside that range the result is NaN:
    never extrapolated.
    """
    t_c = np.asarray(temp_c, dtype=float)
    v = np.asarray(wind_m_s, dtype=float)
    t_f = t_c * 1.8 + 32.0
    v_mph = np.where(v > 0.0, v, 0.0) / MPH
    wct_c = (_wct_f(t_f, v_mph) - 32.0) / 1.8
    return np.where(wind_chill_in_range(t_c, v), wct_c, math.nan)


def wind_chill_c(temp_c: float, wind_m_s: float) -> float | None:
    """NWS 2001 wind chill temperature (degC) for one air temperature and 10 m wind speed.

    Same equation and range as :func:`wind_chill_c_array`; returns None out of range (e.g. a
    120 mph freefall), never an extrapolated figure.
    """
    w = float(wind_chill_c_array(temp_c, wind_m_s))
    return None if math.isnan(w) else w


def duration_below(t_s: Any, x: Any, threshold: float) -> float:
    """Time during which a piecewise-linear signal ``x(t)`` is strictly below ``threshold``.

    Exact for linear interpolation between samples: on each segment the fraction below is
    ``clip((threshold - min) / (max - min), 0, 1)`` (1 or 0 on a flat segment).
    """
    t = np.asarray(t_s, dtype=float)
    v = np.asarray(x, dtype=float)
    if t.size < 2:
        return 0.0
    lo = np.minimum(v[:-1], v[1:])
    hi = np.maximum(v[:-1], v[1:])
    span = hi - lo
    flat = span <= 0.0
    with np.errstate(over="ignore"):  # a subnormal span gives +-inf, which the clip handles
        frac = np.clip((threshold - lo) / np.where(flat, 1.0, span), 0.0, 1.0)
    frac = np.where(flat, (lo < threshold).astype(float), frac)
    return float(np.sum(np.diff(t) * frac))


def _window(profile: JumpProfile, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(t, x)`` cut to [first sample, landing], with the landing value interpolated."""
    t = profile.t_s
    t_end = profile.landing_t_s
    if not math.isfinite(t_end) or t_end >= t[-1]:
        return t, x
    keep = t < t_end
    t_w = np.append(t[keep], t_end)
    x_w = np.append(x[keep], np.interp(t_end, t, x))
    return t_w, x_w


def time_below(profile: JumpProfile, temp_c: float) -> float:
    """Seconds between exit and landing with ambient temperature below ``temp_c`` (degC)."""
    t, x = _window(profile, profile.temperature_k - T0_K)
    return duration_below(t, x, temp_c)


def time_above(profile: JumpProfile, altitude_m: float) -> float:
    """Seconds between exit and landing spent above ``altitude_m`` MSL.

    Exact for a piecewise-linear path (see :func:`duration_below`); a stretch exactly at the
    level counts as above.
    """
    t, x = _window(profile, profile.altitude_m)
    return float(t[-1] - t[0]) - duration_below(t, x, altitude_m)


def time_below_agl(profile: JumpProfile, height_m: float) -> float:
    """Seconds between exit and landing spent below ``height_m`` above the ground."""
    t, x = _window(profile, profile.height_agl_m)
    return duration_below(t, x, height_m)


def _first_time_at_or_below(t: np.ndarray, x: np.ndarray, level: float) -> float:
    """First time the piecewise-linear ``x(t)`` comes down to ``level`` (NaN if never)."""
    idx = np.flatnonzero(x <= level)
    if idx.size == 0:
        return math.nan
    i = int(idx[0])
    if i == 0:
        return float(t[0])
    x0, x1 = x[i - 1], x[i]
    return float(t[i - 1] + (t[i] - t[i - 1]) * (x0 - level) / (x0 - x1))


def _at(profile: JumpProfile, t_s: float) -> dict[str, float] | None:
    """The point of the path at ``t_s`` (linear interpolation), for ``Check.at``."""
    if not math.isfinite(t_s):
        return None
    t = profile.t_s
    return {
        "t_s": float(t_s),
        "east_m": float(np.interp(t_s, t, profile.east_m)),
        "north_m": float(np.interp(t_s, t, profile.north_m)),
        "altitude_m": float(np.interp(t_s, t, profile.altitude_m)),
    }


def _who(licence: str) -> str:
    """``"C"`` -> ``"licence C"``, ``"student"`` -> ``"a student"``, for messages."""
    return {"student": "a student", "tandem": "a tandem jump", "military": "a military jumper"}.get(
        licence, f"licence {licence}"
    )


def _alt(m: float) -> str:
    """``7620.0`` -> ``"7,620 m (25,000 ft)"``."""
    return f"{m:,.0f} m ({m / FT:,.0f} ft)"


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


# =============================================================================================
# The checks
# =============================================================================================


def check_oxygen(profile: JumpProfile, config: PhysiologyConfig) -> Check:
    """``oxygen``: is oxygen required at the exit altitude (14 CFR 91.211(a)), and is it there?

    Fails only in the band where every occupant must be provided with oxygen (above 15 000 ft)
    and the jumper has none; the crew-only bands are reported but pass.
    """
    h = float(profile.exit_altitude_m)
    level = int(oxygen_requirement(h))
    has = "has oxygen" if config.oxygen else "has none"
    ok = level < 3 or config.oxygen
    if level == 0:
        msg = (
            f"Exit at {_alt(h)} MSL is at or below 12,500 ft, where 14 CFR 91.211 requires no "
            "oxygen."
        )
    elif level < 3:
        msg = (
            f"Exit at {_alt(h)} MSL: {OXYGEN_RULES[level]}, but jumpers need not be provided with "
            f"oxygen below 15,000 ft; the jumper {has}."
        )
    else:
        msg = f"Exit at {_alt(h)} MSL: {OXYGEN_RULES[3]}, and the jumper {has}."
    return Check(
        id="oxygen",
        ok=bool(ok),
        value=h,
        limit=OXYGEN_EDGES_FT[2] * FT,
        unit="m",
        message=msg,
        source=OXYGEN_SOURCE,
        severity="fail",
        at=_at(profile, float(profile.t_s[0])),
    )


def check_prebreathe(profile: JumpProfile, config: PhysiologyConfig) -> Check:
    """``prebreathe``: uninterrupted 100 % oxygen before exit against the requirement."""
    h = float(profile.exit_altitude_m)
    configured = config.prebreathe_required_s is not None
    required = float(config.prebreathe_required_s) if configured else float(default_prebreathe_s(h))
    have = float(config.prebreathe_s or 0.0)
    source = "configured (prebreathe_required_s)" if configured else PREBREATHE_SOURCE
    if required <= 0.0:
        ok = True
        msg = f"No pre-breathing is required for an exit at {_alt(h)} MSL" + (
            " (configured)." if configured else "; it starts above 18,000 ft."
        )
    elif not config.oxygen:
        ok = False
        msg = (
            f"An exit at {_alt(h)} MSL needs {_dur(required)} of uninterrupted 100 % oxygen "
            "before exit, but the jumper has no oxygen to keep it up to the door."
        )
    else:
        ok = have >= required
        verb = "meets" if ok else "falls short of"
        msg = (
            f"The jumper pre-breathes {_dur(have)} of 100 % oxygen, which {verb} the "
            f"{_dur(required)} uninterrupted required for an exit at {_alt(h)} MSL; a break "
            "restarts the clock."
        )
    return Check(
        id="prebreathe",
        ok=bool(ok),
        value=have,
        limit=required,
        unit="s",
        message=msg,
        source=source,
        severity="fail",
    )


def check_tuc(profile: JumpProfile, config: PhysiologyConfig) -> Check:
    """``tuc``: time of useful consciousness if oxygen fails at exit, against time spent high.

    The limit is ``tuc_factor`` (default 0.5) times the low end of the FAA table at the exit
    altitude; the value is the time the jumper spends above ``tuc_floor_m`` (default 15 000 ft
    MSL, where the table gives 30 min or more). Since TUC only grows as the jumper descends,
    using the exit-altitude TUC for the whole time above the floor is conservative. Severity is
    ``fail`` without oxygen (the jumper breathes ambient air) and ``caution`` with it (the
    figure is the margin if the bailout bottle fails).
    """
    h = float(profile.exit_altitude_m)
    floor = float(config.tuc_floor_m)
    low, high = tuc_seconds(h)
    severity = "caution" if config.oxygen else "fail"
    if h <= floor + EDGE_TOL_M or not math.isfinite(low):
        return Check(
            id="tuc",
            ok=True,
            value=0.0,
            limit=None,
            unit="s",
            message=(
                f"Exit at {_alt(h)} MSL is not above the {_alt(floor)} floor, so time of useful "
                "consciousness is not limiting."
                if h <= floor + EDGE_TOL_M
                else f"Exit at {_alt(h)} MSL is below 15,000 ft, where the FAA table gives "
                "30 min or more of useful consciousness: not limiting."
            ),
            source=TUC_SOURCE,
            severity=severity,
        )
    limit = low * config.tuc_factor
    t_above = time_above(profile, floor)
    t_w, z_w = _window(profile, profile.altitude_m)
    t_cross = _first_time_at_or_below(t_w, z_w, floor)
    ok = t_above <= limit
    if_o2 = "If the bailout oxygen fails" if config.oxygen else "Without oxygen"
    msg = (
        f"{if_o2} at the {_alt(h)} MSL exit, the FAA table gives {_dur(low, 120.0)} to "
        f"{_dur(high, 120.0)} of useful consciousness at rest, {_dur(limit)} allowing for rapid "
        f"decompression and exertion (x{config.tuc_factor:g}), against {_dur(t_above)} spent "
        f"above {_alt(floor)}."
    )
    return Check(
        id="tuc",
        ok=bool(ok),
        value=t_above,
        limit=limit,
        unit="s",
        message=msg,
        source=TUC_SOURCE,
        severity=severity,
        at=_at(profile, t_cross),
    )


def check_altitude_class(profile: JumpProfile, config: PhysiologyConfig) -> Check:
    """``altitude_class``: the USPA SIM 6-7 class of the exit altitude and what it asks for.

    Value: exit altitude MSL. Limit: the top of the highest class the licence is recommended
    for (student/tandem/A: 15 000 ft; B: 20 000 ft; C: 40 000 ft; D and military: none).
    Not OK (a caution: SIM 6-7 gives recommendations) when the licence is short of the class,
    or when a high or extreme jump has no bailout oxygen.
    """
    h = float(profile.exit_altitude_m)
    idx = int(uspa_class_index(h))
    name = USPA_CLASSES[idx]
    max_idx = _LICENCE_MAX_CLASS[config.licence]
    if max_idx is None or max_idx >= len(USPA_CLASS_EDGES_FT):
        limit = None
    else:
        limit = USPA_CLASS_EDGES_FT[max_idx] * FT
    licence_ok = max_idx is None or idx <= max_idx
    oxygen_ok = idx < 2 or config.oxygen
    lic = _who(config.licence)
    if idx == 0:
        tail = "no high-altitude recommendations apply"
    else:
        if config.licence == "military":
            verdict = "military jumps follow service rules instead (SIM 2-1 A)"
        elif licence_ok:
            verdict = f"{lic} meets it"
        else:
            verdict = f"{lic} falls short of it"
        tail = f"{USPA_CLASS_RECOMMENDS[idx]}, and {verdict}"
        if not oxygen_ok:
            tail += ", and the jumper has no bailout oxygen"
    msg = f"Exit at {_alt(h)} MSL is USPA {name} altitude ({USPA_CLASS_RANGES[idx]}): {tail}."
    return Check(
        id="altitude_class",
        ok=bool(licence_ok and oxygen_ok),
        value=h,
        limit=limit,
        unit="m",
        message=msg,
        source=USPA_CLASS_SOURCE,
        severity="caution",
    )


def check_cold(profile: JumpProfile, config: PhysiologyConfig) -> Check:
    """``cold``: air at exit, time below ``cold_limit_c``, and wind chill where it is defined.

    Value: the coldest air temperature on the path (K, so the report shows it in the display
    unit); limit: ``cold_limit_c`` (K). Not OK (caution) when any of the path is colder. Wind
    chill uses the NWS 2001 formula with the jumper's air-relative speed converted to the
    formula's 10 m wind (x :data:`FACE_TO_10M_WIND`); it is reported only where the formula is
    defined, and the share of the descent where it is not is stated, never extrapolated.
    """
    t_w, temp_k = _window(profile, profile.temperature_k)
    _, speed = _window(profile, profile.speed_m_s)
    temp_c = temp_k - T0_K
    limit_c = float(config.cold_limit_c)
    i_cold = int(np.argmin(temp_c))
    coldest_c = float(temp_c[i_cold])
    exit_c = float(temp_c[0])
    below = duration_below(t_w, temp_c, limit_c)
    wc = wind_chill_c_array(temp_c, speed * FACE_TO_10M_WIND)
    in_range = np.isfinite(wc)
    # share of time out of range: the out-of-range state held from each sample to the next
    dt = np.diff(t_w)
    total = float(t_w[-1] - t_w[0])
    out_share = float(np.sum(dt * ~in_range[:-1]) / total) if total > 0 else float(~in_range[0])
    if in_range.any():
        worst = float(np.nanmin(wc))
        if out_share > 0.0:
            chill = (
                f"wind chill is out of the NWS formula's range for {out_share:.0%} of the descent "
                f"(air speed or temperature too high) and at worst {worst:.1f} °C elsewhere"
            )
        else:
            chill = f"wind chill is at worst {worst:.1f} °C"
    else:
        chill = (
            "wind chill is out of the NWS formula's range throughout (it holds only up to "
            f"{WIND_CHILL_MAX_WIND_MPH / FACE_TO_10M_WIND:.0f} mph of air speed on the face)"
        )
    msg = (
        f"Air at exit is {exit_c:.1f} °C and {_dur(below)} are spent below {limit_c:g} °C "
        f"(coldest {coldest_c:.1f} °C); {chill}."
    )
    return Check(
        id="cold",
        ok=bool(coldest_c >= limit_c),
        value=coldest_c + T0_K,
        limit=limit_c + T0_K,
        unit="K",
        message=msg,
        source=WIND_CHILL_SOURCE,
        severity="caution",
        at=_at(profile, float(t_w[i_cold])),
    )


def min_open_altitude_agl_m(config: PhysiologyConfig) -> tuple[float, str]:
    """Minimum opening height above ground (m) and its source, for the config's licence."""
    if config.min_open_altitude_agl_m is not None:
        return float(config.min_open_altitude_agl_m), "configured (min_open_altitude_agl_m)"
    src = MIN_OPEN_MILITARY_SOURCE if config.licence == "military" else MIN_OPEN_SOURCE
    return MIN_OPEN_AGL_FT[config.licence] * FT, src


def check_opening_altitude(profile: JumpProfile, config: PhysiologyConfig) -> Check:
    """``opening_altitude``: deployment height above ground against the minimum for the licence."""
    limit, source = min_open_altitude_agl_m(config)
    who = "military practice" if config.licence == "military" else _who(config.licence)
    if not (math.isfinite(profile.deploy_t_s) and math.isfinite(profile.deploy_altitude_m)):
        return Check(
            id="opening_altitude",
            ok=False,
            value=None,
            limit=limit,
            unit="m",
            message=f"The jumper never deploys; the minimum for {who} is {_alt(limit)} AGL.",
            source=source,
            severity="fail",
        )
    agl = float(profile.deploy_altitude_m) - profile.ground_at(profile.deploy_t_s)
    ok = agl >= limit - EDGE_TOL_M
    rel = "at or above" if ok else "below"
    msg = f"Deployment at {_alt(agl)} AGL is {rel} the {_alt(limit)} minimum for {who}."
    return Check(
        id="opening_altitude",
        ok=bool(ok),
        value=agl,
        limit=limit,
        unit="m",
        message=msg,
        source=source,
        severity="fail",
        at=_at(profile, float(profile.deploy_t_s)),
    )


def check_opening_shock(profile: JumpProfile, config: PhysiologyConfig) -> Check:
    """``opening_shock``: peak opening load (multiples of g0) against the configured limit."""
    limit = float(config.opening_shock_limit_g)
    g = float(profile.peak_opening_g)
    source = "planning limit (estimate; set from the parachute manufacturer's data)"
    if not math.isfinite(g):
        return Check(
            id="opening_shock",
            ok=False,
            value=None,
            limit=limit,
            unit="g",
            message="No canopy opening load is available: the canopy never opens on this path.",
            source=source,
            severity="fail",
        )
    ok = g <= limit
    rel = "within" if ok else "above"
    return Check(
        id="opening_shock",
        ok=bool(ok),
        value=g,
        limit=limit,
        unit="g",
        message=f"The peak opening load of {g:.1f} g is {rel} the {limit:g} g limit.",
        source=source,
        severity="fail",
        at=_at(profile, float(profile.canopy_open_t_s)),
    )


def check_landing_accuracy(profile: JumpProfile, config: PhysiologyConfig) -> Check | None:
    """``landing_accuracy``: miss distance against the landing-zone radius (None if no radius)."""
    if config.lz_radius_m is None:
        return None
    r = float(config.lz_radius_m)
    miss = float(profile.miss_distance_m)
    ok = math.isfinite(miss) and miss <= r
    rel = "inside" if ok else "outside"
    return Check(
        id="landing_accuracy",
        ok=bool(ok),
        value=miss if math.isfinite(miss) else None,
        limit=r,
        unit="m",
        message=f"The jumper lands {miss:,.0f} m from the target, {rel} the {r:,.0f} m radius.",
        source="configured landing-zone radius (lz_radius_m)",
        severity="fail",
        at=_at(profile, float(profile.landing_t_s)),
        quantity="distance",
    )


def check_exposure(profile: JumpProfile, config: PhysiologyConfig) -> Check:
    """``exposure``: how long the jumper can be seen, the HALO figure of merit.

    Value: seconds between exit and landing below ``detection_altitude_agl_m``. The message
    adds the time under open canopy (opening to landing) and the horizontal stand-off from the
    target at canopy opening. Informational unless ``exposure_limit_s`` is set (caution).
    """
    det = float(config.detection_altitude_agl_m)
    t_low = time_below_agl(profile, det)
    t_open = float(profile.canopy_open_t_s)
    if math.isfinite(t_open):
        canopy_s = max(float(profile.landing_t_s) - t_open, 0.0)
        e = float(np.interp(t_open, profile.t_s, profile.east_m))
        n = float(np.interp(t_open, profile.t_s, profile.north_m))
        standoff = math.hypot(e, n)
        tail = f"under open canopy for {_dur(canopy_s)}, opening {standoff:,.0f} m from the target"
    else:
        tail = "never under open canopy"
    limit = config.exposure_limit_s
    ok = limit is None or t_low <= limit
    msg = f"The jumper is below {_alt(det)} AGL for {_dur(t_low)} and {tail}."
    return Check(
        id="exposure",
        ok=bool(ok),
        value=t_low,
        limit=None if limit is None else float(limit),
        unit="s",
        message=msg,
        source=(
            "configured detection altitude (default 1,000 m AGL, estimate) and exposure limit"
            if limit is not None
            else "configured detection altitude (default 1,000 m AGL, estimate); informational"
        ),
        severity="caution",
        at=_at(profile, t_open),
    )


CHECK_IDS = (
    "oxygen",
    "prebreathe",
    "tuc",
    "altitude_class",
    "cold",
    "opening_altitude",
    "opening_shock",
    "landing_accuracy",
    "exposure",
)
"""The ids :func:`physiology_checks` can produce, in order (``landing_accuracy`` only with
``lz_radius_m``)."""


def physiology_checks(profile: JumpProfile, config: PhysiologyConfig | None = None) -> list[Check]:
    """All physiology and exposure checks of one jump, in the order of :data:`CHECK_IDS`."""
    cfg = PhysiologyConfig() if config is None else config
    checks = [
        check_oxygen(profile, cfg),
        check_prebreathe(profile, cfg),
        check_tuc(profile, cfg),
        check_altitude_class(profile, cfg),
        check_cold(profile, cfg),
        check_opening_altitude(profile, cfg),
        check_opening_shock(profile, cfg),
    ]
    lz = check_landing_accuracy(profile, cfg)
    if lz is not None:
        checks.append(lz)
    checks.append(check_exposure(profile, cfg))
    return checks
