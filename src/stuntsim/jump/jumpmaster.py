"""Jumpmaster inputs and outputs: the figures a jumpmaster reads and gives, in SI inside.

Inputs
------
* **Indicated airspeed to true** (:func:`cas_to_tas`). The airspeed indicator measures the
  impact pressure q_c and is calibrated to the sea-level standard day; the true airspeed follows
  from the day's static pressure p and temperature T at the exit (isentropic, subsonic flow;
  St Venant's relation as used for airspeed calibration, W. Gracey, *Measurement of Aircraft
  Speed and Altitude*, NASA Reference Publication 1046, 1980, ch. 2):

      q_c = p0 [ (1 + (g-1)/2 (V_c/a0)^2)^(g/(g-1)) - 1 ]              (calibration law)
      M   = sqrt( 2/(g-1) [ (q_c/p + 1)^((g-1)/g) - 1 ] )              (Mach at the exit)
      V_t = M sqrt(g R T)

  with g = 1.4, p0 = 101 325 Pa, a0 = 340.294 m/s (ISA sea level). Valid below Mach 1 (no shock
  ahead of the pitot) and for V_c < a0; outside it :func:`cas_to_tas` raises ``ValueError``.
  Indicated airspeed is taken equal to calibrated airspeed: the position and instrument error of
  the aircraft's airspeed system (its flight manual's correction table) are not modelled, so give
  ``indicated_airspeed`` already corrected to CAS if the table says more than a knot or two.
* **Heights** given MSL, AGL or as flight levels (:data:`Height`, :func:`resolve_height`):
  ``"25000 ft"`` or ``"25000 ft MSL"`` is above mean sea level; ``"3000 ft AGL"`` is above the
  site elevation; ``"FL250"`` is the pressure altitude 25 000 ft, i.e. the geometric altitude at
  which the day's pressure equals the U.S. Standard Atmosphere 1976 pressure at 25 000 ft (what
  an altimeter set to 1013.25 hPa reads 25 000 ft at; ICAO Annex 2, definition of "flight
  level"). On a standard day FL250 is 7 620 m MSL; on a cold day it is lower.

Outputs
-------
* **Magnetic headings** (:func:`declination_deg`, :func:`magnetic_heading_deg`): the World
  Magnetic Model 2025 (NOAA NCEI and BGS, valid 2025.0-2030.0) through ``pygeomag``. Magnetic
  heading = true heading - declination (declination east positive).
* **Jump run** (:func:`jump_run`): along the jump-run heading, the exit points and times of N
  groups centred on the release point, the green light at the first exit and the red light at
  the last. Groups are separated over the ground: USPA Skydiver's Information Manual (SIM)
  section 5-7 (spotting, exit separation) asks for at least 1 000 ft between solo jumpers and at
  least 1 500 ft between small groups, more for bigger groups; the time between exits is that
  distance over the aircraft's ground speed on jump run (a headwind aloft needs more time).
* **Classic forward throw** (:func:`classic_forward_throw_m`): the military HARP rule of thumb,
  300 m for exit speeds above 120 kt and 150 m at or below it (US Army military free-fall
  jumpmaster HARP lesson, "Wind drift"; public training slides), printed beside the integrated
  forward throw as a cross-check only.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import WrapValidator

from stuntsim.constants import FT, GAMMA_AIR, KT, P0, R_AIR, T0
from stuntsim.units import UnitParseError, parse_quantity

if TYPE_CHECKING:
    from pathlib import Path

    from stuntsim.world.atmosphere import Atmosphere

A0 = math.sqrt(GAMMA_AIR * R_AIR * T0)  # 340.294 m/s, ISA sea-level speed of sound

# =============================================================================================
# Airspeed
# =============================================================================================


def impact_pressure_pa(mach: float, pressure_pa: float) -> float:
    """Subsonic impact (pitot minus static) pressure: q_c = p [(1 + (g-1)/2 M^2)^(g/(g-1)) - 1]."""
    g = GAMMA_AIR
    return pressure_pa * ((1.0 + 0.5 * (g - 1.0) * mach * mach) ** (g / (g - 1.0)) - 1.0)


def _mach_from_qc(qc_pa: float, pressure_pa: float) -> float:
    g = GAMMA_AIR
    return math.sqrt(2.0 / (g - 1.0) * ((qc_pa / pressure_pa + 1.0) ** ((g - 1.0) / g) - 1.0))


def cas_to_tas(cas_m_s: float, pressure_pa: float, temperature_k: float) -> float:
    """True airspeed (m/s) from calibrated airspeed at static pressure p and temperature T.

    Equations in the module docstring (Gracey, NASA RP-1046). ValueError outside the subsonic
    calibration law (V_c >= a0, or a true Mach number of 1 or more at the exit).
    """
    if not (cas_m_s >= 0.0 and math.isfinite(cas_m_s)):
        raise ValueError(f"calibrated airspeed must be a finite speed >= 0, got {cas_m_s!r}")
    if cas_m_s >= A0:
        raise ValueError("the subsonic airspeed calibration holds only below 661 kt CAS")
    if not (pressure_pa > 0.0 and temperature_k > 0.0):
        raise ValueError("static pressure and temperature must be positive")
    qc = impact_pressure_pa(cas_m_s / A0, P0)
    mach = _mach_from_qc(qc, pressure_pa)
    if mach >= 1.0:
        raise ValueError(
            f"{cas_m_s / KT:.0f} kt CAS is Mach {mach:.2f} at this altitude: outside the subsonic "
            "pitot law (and far outside any jump aircraft's envelope)"
        )
    return mach * math.sqrt(GAMMA_AIR * R_AIR * temperature_k)


def tas_to_cas(tas_m_s: float, pressure_pa: float, temperature_k: float) -> float:
    """Calibrated airspeed (m/s) from true airspeed: the inverse of :func:`cas_to_tas`."""
    mach = tas_m_s / math.sqrt(GAMMA_AIR * R_AIR * temperature_k)
    if mach >= 1.0:
        raise ValueError("supersonic true airspeed: outside the subsonic pitot law")
    qc = impact_pressure_pa(mach, pressure_pa)
    return A0 * _mach_from_qc(qc, P0)


# =============================================================================================
# Heights: MSL, AGL, flight levels
# =============================================================================================

HeightReference = Literal["msl", "agl", "fl"]


class HeightValue(float):
    """A height as the user wrote it: ``float(self)`` is the number in metres in its own
    reference (MSL, AGL, or the pressure altitude of a flight level); ``reference`` says which.

    Only :func:`resolve_height` turns it into metres MSL; plan building does that for every
    height of the scenario before anything else reads it.
    """

    reference: HeightReference

    def __new__(cls, metres: float, reference: HeightReference = "msl") -> HeightValue:
        obj = super().__new__(cls, metres)
        obj.reference = reference
        return obj

    def __repr__(self) -> str:
        return f"HeightValue({float(self)!r}, {self.reference!r})"

    def __reduce__(self) -> tuple[Any, ...]:  # picklable for the Monte Carlo workers
        return (HeightValue, (float(self), self.reference))


_FL = re.compile(r"^\s*FL\s*(\d{1,3})\s*$", re.IGNORECASE)
_REF = re.compile(r"^(.*?)\s+(AGL|MSL)\s*$", re.IGNORECASE)


def parse_height(value: Any) -> tuple[float, HeightReference]:
    """``"FL250"`` -> (7620.0, "fl"); ``"3000 ft AGL"`` -> (914.4, "agl");
    ``"25000 ft"`` / ``"25000 ft MSL"`` -> (7620.0, "msl"). UnitParseError otherwise."""
    if isinstance(value, str):
        m = _FL.match(value)
        if m:
            return int(m.group(1)) * 100.0 * FT, "fl"
        m = _REF.match(value)
        if m:
            ref: HeightReference = "agl" if m.group(2).upper() == "AGL" else "msl"
            return parse_quantity(m.group(1), "length"), ref
    return parse_quantity(value, "length"), "msl"


def _height_validator(value: Any, handler: Any) -> HeightValue:
    if isinstance(value, HeightValue):
        number, ref = float(value), value.reference
    else:
        try:
            number, ref = parse_height(value)
        except UnitParseError as exc:
            raise ValueError(
                f"{exc} (or a flight level such as 'FL250', or '3000 ft AGL')"
            ) from None
    # the field's own range constraints (Field(gt=..., le=...)) apply to the number as given
    return HeightValue(float(handler(number)), ref)


Height = Annotated[float, WrapValidator(_height_validator)]
"""Scenario field type for a height: MSL (default), ``"... AGL"`` or a flight level ``"FL250"``.
The validated value is a :class:`HeightValue`; :func:`resolve_height` gives metres MSL."""


def geometric_altitude_of_pressure(atmosphere: Atmosphere, pressure_pa: float) -> float:
    """The geometric altitude MSL (m) at which ``atmosphere`` has static pressure ``pressure_pa``
    (ln p is linear between the table's points, as in the atmosphere itself)."""
    import numpy as np

    lnp = np.log(pressure_pa)
    table = np.asarray(atmosphere.lnp)
    if not (table[-1] <= lnp <= table[0]):
        raise ValueError("that pressure is outside the atmosphere table")
    z = atmosphere.z0 + atmosphere.dz * np.arange(table.size)
    return float(np.interp(-lnp, -table, z))


def standard_pressure_pa(pressure_altitude_m: float) -> float:
    """The ICAO / USSA 1976 standard pressure at a pressure altitude. Pressure altitudes (and
    so flight levels) are geopotential in the ICAO standard atmosphere (Doc 7488/3), so the
    table is read at the geometric altitude of that geopotential height (9 m higher at FL250)."""
    from stuntsim.world.atmosphere import geometric, ussa76

    return float(ussa76(geometric(pressure_altitude_m))[1])


def resolve_height(value: float, ground_m: float, atmosphere: Atmosphere) -> float:
    """Metres MSL of a height: MSL as is; AGL plus the site elevation; a flight level at the
    geometric altitude of its standard pressure in the day's atmosphere."""
    ref = getattr(value, "reference", "msl")
    v = float(value)
    if ref == "agl":
        return ground_m + v
    if ref == "fl":
        return geometric_altitude_of_pressure(atmosphere, standard_pressure_pa(v))
    return v


def resolve_scenario(s: Any, path: Path, ground_m: float, atmosphere: Atmosphere) -> Any:
    """The jump scenario with every height in metres MSL and the aircraft speed true.

    Resolves ``jump.exit_altitude``, ``jump.open_altitude`` and ``[cabin] profile`` heights
    (:func:`resolve_height`), and ``jump.indicated_airspeed`` to ``jump.aircraft_speed`` (TAS)
    with the day's pressure and temperature at the exit (:func:`cas_to_tas`). Raises
    :class:`stuntsim.errors.ScenarioError` naming the field.
    """
    from stuntsim.errors import ScenarioError

    jp = s.jump
    upd: dict[str, Any] = {}
    for name in ("exit_altitude", "open_altitude"):
        v = getattr(jp, name, None)
        if v is None:
            continue
        try:
            upd[name] = resolve_height(v, ground_m, atmosphere)
        except ValueError as exc:
            raise ScenarioError(path, f"jump.{name}", str(exc)) from None
    exit_m = upd.get("exit_altitude", float(jp.exit_altitude))
    ias = getattr(jp, "indicated_airspeed", None)
    if ias is not None:
        if jp.aircraft_speed != 0.0:
            raise ScenarioError(
                path,
                "jump.indicated_airspeed",
                "give either aircraft_speed (true) or indicated_airspeed, not both",
            )
        if getattr(jp, "platform", "aircraft") == "balloon":
            raise ScenarioError(path, "jump.indicated_airspeed", "a balloon exit has no airspeed")
        p = float(atmosphere.pressure(exit_m))
        t = float(atmosphere.temperature(exit_m))
        try:
            upd["aircraft_speed"] = cas_to_tas(float(ias), p, t)
        except ValueError as exc:
            raise ScenarioError(path, "jump.indicated_airspeed", str(exc)) from None
    out = s.model_copy(update={"jump": jp.model_copy(update=upd)}) if upd else s
    cabin = getattr(out, "cabin", None)
    if cabin is not None and cabin.profile:
        try:
            prof = [(float(t), resolve_height(h, ground_m, atmosphere)) for t, h in cabin.profile]
        except ValueError as exc:
            raise ScenarioError(path, "cabin.profile", str(exc)) from None
        out = out.model_copy(update={"cabin": cabin.model_copy(update={"profile": prof})})
    return out


# =============================================================================================
# Magnetic headings (WMM2025 through pygeomag)
# =============================================================================================

WMM_SOURCE = "World Magnetic Model 2025 (NOAA NCEI / BGS), via pygeomag"


@cache
def _geomag() -> Any:
    from pygeomag import GeoMag

    return GeoMag(coefficients_file="wmm/WMM_2025.COF")


def decimal_year(day: _dt.date) -> float:
    """``2025-07-02`` -> 2025.5: the day's start as a fraction of its year (the WMM's time)."""
    start = _dt.date(day.year, 1, 1)
    length = (_dt.date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


@dataclass(frozen=True)
class Declination:
    """Magnetic declination at a place and date: east positive, degrees (presenter unit: the
    WMM itself is specified in degrees). ``warning`` is set in the WMM's caution and blackout
    zones near the magnetic poles (horizontal field under 6 000 / 2 000 nT), where a compass is
    unreliable."""

    degrees: float
    decimal_year: float
    horizontal_nt: float
    warning: str | None = None
    source: str = WMM_SOURCE


def declination(lat: float, lon: float, altitude_m: float, day: _dt.date) -> Declination:
    """WMM2025 declination at geodetic ``lat``/``lon`` (degrees) and ``altitude_m`` (MSL).

    ValueError outside the model's life span (2025.0-2030.0): an expired model is not
    extrapolated.
    """
    t = decimal_year(day)
    if not (2025.0 <= t < 2030.0):
        raise ValueError(f"WMM2025 is valid from 2025.0 to 2030.0, not for {day.isoformat()}")
    r = _geomag().calculate(glat=lat, glon=lon, alt=altitude_m / 1000.0, time=t)
    h = float(r.h)
    warning = None
    if h < 2000.0:
        warning = "WMM blackout zone (horizontal field under 2 000 nT): compass unreliable"
    elif h < 6000.0:
        warning = "WMM caution zone (horizontal field under 6 000 nT): compass degraded"
    return Declination(float(r.d), t, h, warning)


def declination_deg(lat: float, lon: float, altitude_m: float, day: _dt.date) -> float:
    """Declination (degrees, east positive) from :func:`declination`."""
    return declination(lat, lon, altitude_m, day).degrees


def magnetic_heading_deg(true_deg: float, declination_deg: float) -> float:
    """Magnetic heading = true heading - declination (east declination positive), in [0, 360)."""
    return (true_deg - declination_deg) % 360.0


# =============================================================================================
# Jump run: green light, red light, group separation
# =============================================================================================

SOLO_SEPARATION_M = 1_000.0 * FT  # USPA SIM 5-7: at least 1 000 ft between solo jumpers
GROUP_SEPARATION_M = 1_500.0 * FT  # USPA SIM 5-7: at least 1 500 ft between small groups
SEPARATION_SOURCE = (
    "USPA SIM 5-7 (exit separation): at least 1,000 ft over the ground between solo jumpers, "
    "1,500 ft between small groups; time = distance / ground speed"
)


def default_separation_m(group_size: int) -> float:
    """USPA SIM 5-7 minimum ground separation: 1 000 ft for solo jumpers, 1 500 ft for groups
    (the SIM asks for more as groups grow; give ``group_separation`` for big groups)."""
    return SOLO_SEPARATION_M if group_size <= 1 else GROUP_SEPARATION_M


@dataclass(frozen=True)
class GroupExit:
    """One group's exit on the jump run: position from the target (m), its geodetic position,
    time after the green light and distance along the run from the green light."""

    index: int
    east_m: float
    north_m: float
    lat: float
    lon: float
    t_after_green_s: float
    along_run_m: float
    within_reach: bool | None = None


@dataclass(frozen=True)
class JumpRun:
    """The jump run a jumpmaster briefs: headings, ground speed, lights and group exits (SI;
    headings in degrees as the aviation convention writes them, true and magnetic)."""

    heading_true_deg: float
    heading_magnetic_deg: float | None
    declination_deg: float | None
    declination_warning: str | None
    ground_speed_m_s: float
    groups: list[GroupExit]
    group_size: int
    separation_m: float
    separation_s: float
    separation_source: str
    green_light: GroupExit
    red_light: GroupExit
    reachable_radius_m: float | None = None
    magnetic_source: str | None = None
    notes: list[str] = field(default_factory=list)
    # what the pilot flies: the exit as altimeter and airspeed indicator show it
    true_airspeed_m_s: float | None = None
    indicated_airspeed_m_s: float | None = None  # calibrated, from the day's p and T at exit
    exit_altitude_msl_m: float | None = None
    exit_altitude_agl_m: float | None = None
    exit_pressure_altitude_m: float | None = None  # geopotential: /30.48 is the flight level

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        return d


def jump_run(
    *,
    release_east_m: float,
    release_north_m: float,
    heading_rad: float,
    airspeed_m_s: float,
    wind_east_m_s: float,
    wind_north_m_s: float,
    groups: int,
    group_size: int = 1,
    separation_m: float | None = None,
    to_geodetic: Any = None,
    declination: Declination | None = None,
    reachable_radius_m: float | None = None,
) -> JumpRun:
    """Green and red light and the exits of ``groups`` groups, centred on the release point.

    Ground velocity on jump run: V_g = V_tas (sin h, cos h) + wind at the exit altitude. The
    groups exit ``separation_m`` apart over the ground along V_g (default by group size,
    :func:`default_separation_m`), i.e. ``separation_s = separation_m / |V_g|`` apart in time,
    the k-th (k = 0..N-1) at release + (k - (N-1)/2) separation_m V_g/|V_g|. Green light is the
    first exit, red light the last. ``within_reach`` compares each exit's distance from the
    release point with ``reachable_radius_m`` (the canopy's reachable disc around the drifting
    solution, jump/spot.py) when given.
    """
    if groups < 1:
        raise ValueError("groups must be at least 1")
    sep = default_separation_m(group_size) if separation_m is None else float(separation_m)
    ve = airspeed_m_s * math.sin(heading_rad) + wind_east_m_s
    vn = airspeed_m_s * math.cos(heading_rad) + wind_north_m_s
    vg = math.hypot(ve, vn)
    notes: list[str] = []
    if vg < 1.0:
        raise ValueError(
            f"ground speed on jump run is {vg:.1f} m/s: the aircraft hovers over the ground, "
            "no separation by time is possible"
        )
    ue, un = ve / vg, vn / vg
    exits = []
    for k in range(groups):
        s = (k - (groups - 1) / 2.0) * sep
        e = release_east_m + s * ue
        n = release_north_m + s * un
        lat, lon = to_geodetic(e, n) if to_geodetic is not None else (math.nan, math.nan)
        reach = None
        if reachable_radius_m is not None:
            reach = bool(math.hypot(e - release_east_m, n - release_north_m) <= reachable_radius_m)
        exits.append(
            GroupExit(
                index=k + 1,
                east_m=e,
                north_m=n,
                lat=float(lat),
                lon=float(lon),
                t_after_green_s=k * sep / vg,
                along_run_m=k * sep,
                within_reach=reach,
            )
        )
    if any(g.within_reach is False for g in exits):
        out = [str(g.index) for g in exits if g.within_reach is False]
        notes.append(
            f"group(s) {', '.join(out)} exit outside the reachable area: fewer groups per pass "
            "or a second pass"
        )
    track_deg = math.degrees(heading_rad) % 360.0
    mag = None if declination is None else magnetic_heading_deg(track_deg, declination.degrees)
    return JumpRun(
        heading_true_deg=track_deg,
        heading_magnetic_deg=mag,
        declination_deg=None if declination is None else declination.degrees,
        declination_warning=None if declination is None else declination.warning,
        ground_speed_m_s=vg,
        groups=exits,
        group_size=group_size,
        separation_m=sep,
        separation_s=sep / vg,
        separation_source=SEPARATION_SOURCE
        if separation_m is None
        else "configured (spot.group_separation)",
        green_light=exits[0],
        red_light=exits[-1],
        reachable_radius_m=reachable_radius_m,
        magnetic_source=None if declination is None else declination.source,
        notes=notes,
    )


def jump_run_for(plan: Any, sol: Any, day: _dt.date | None = None) -> JumpRun:
    """The :func:`jump_run` of a solved release point (jump/spot.py ``SpotSolution``) with the
    scenario's ``[spot] groups``, ``group_size`` and ``group_separation``, and the magnetic
    heading for ``[spot] date`` (default: today)."""
    import numpy as np

    from stuntsim.jump.dynamics import wind_at
    from stuntsim.jump.plan import nominal_batch

    cfg = plan.scenario.spot
    groups = int(getattr(cfg, "groups", 1) or 1) if cfg is not None else 1
    size = int(getattr(cfg, "group_size", 1) or 1) if cfg is not None else 1
    sep = getattr(cfg, "group_separation", None) if cfg is not None else None
    when = day or (getattr(cfg, "date", None) if cfg is not None else None) or _dt.date.today()
    we, wn = wind_at(nominal_batch(plan, 1), np.array([plan.exit_altitude]))
    try:
        decl: Declination | None = declination(
            plan.site.lat, plan.site.lon, plan.exit_altitude, when
        )
    except ValueError:
        decl = None
    radius = (sol.haho or {}).get("reachable_radius_m") if sol.haho else None
    run = jump_run(
        release_east_m=sol.east_m,
        release_north_m=sol.north_m,
        heading_rad=plan.aircraft_heading,
        airspeed_m_s=plan.aircraft_speed,
        wind_east_m_s=float(we[0]),
        wind_north_m_s=float(wn[0]),
        groups=groups,
        group_size=size,
        separation_m=sep,
        to_geodetic=plan.site.to_geodetic,
        declination=decl,
        reachable_radius_m=radius,
    )
    if decl is None:
        run.notes.append(f"no magnetic heading: WMM2025 does not cover {when.isoformat()}")
    from dataclasses import replace

    from stuntsim.jump.physiology import pressure_altitude_of

    atm = plan.air.atmosphere
    z = float(plan.exit_altitude)
    p, t = float(atm.pressure(z)), float(atm.temperature(z))
    try:
        ias: float | None = tas_to_cas(float(plan.aircraft_speed), p, t)
    except ValueError:
        ias = None
    return replace(
        run,
        true_airspeed_m_s=float(plan.aircraft_speed),
        indicated_airspeed_m_s=ias,
        exit_altitude_msl_m=z,
        exit_altitude_agl_m=z - float(plan.site.elevation),
        exit_pressure_altitude_m=float(pressure_altitude_of(p)),
    )


# =============================================================================================
# Classic forward throw
# =============================================================================================

FORWARD_THROW_SOURCE = (
    "US Army military free-fall HARP lesson (wind drift): forward throw 300 m above 120 kt exit "
    "speed, 150 m below"
)


def classic_forward_throw_m(exit_speed_m_s: float) -> float:
    """The HARP rule-of-thumb forward throw: 300 m above 120 kt, 150 m at or below it (the
    lesson's "below 120 knots"; at exactly 120 kt the smaller figure is used). A balloon exit
    (0 kt) has no forward throw."""
    if exit_speed_m_s <= 0.0:
        return 0.0
    return 300.0 if exit_speed_m_s > 120.0 * KT else 150.0
