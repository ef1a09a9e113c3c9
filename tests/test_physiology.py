"""Physiology and exposure checks against the published figures they come from.

Every expected number is taken from a published table or rule (cited next to it) or worked out
by hand from a closed form, never from the code under test. The checks run on batches
(:class:`PhysiologyInputs`); a run is a batch of one.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from stuntsim.checks import Check, verdict, verdict_codes
from stuntsim.jump.physiology import (
    CHECK_IDS,
    DCS_LIMIT_S_DEFAULT,
    PREBREATHE_SOURCE,
    TUC_EXERTION_FACTOR,
    CabinProfile,
    JumpProfile,
    PhysiologyConfig,
    PhysiologyInputs,
    _fall_time,
    alveolar_po2_pa,
    cabin_summary,
    check_opening_altitude,
    default_prebreathe_s,
    equivalent_oxygen_altitude_m,
    oxygen_requirement,
    physiology_check_batches,
    physiology_checks,
    pressure_ceiling_m,
    tuc_seconds,
    uspa_altitude_class,
    uspa_class_index,
    wind_chill_c,
    wind_chill_c_array,
    wind_chill_in_range,
)
from stuntsim.units import FT, MPH, parse_quantity
from stuntsim.world.atmosphere import standard

R0 = 6_356_766.0  # m, USSA 1976 Earth radius of the geopotential


def geometric(h: float) -> float:
    """Geometric altitude of a geopotential (pressure) altitude on a standard day."""
    return R0 * h / (R0 - h)


CM = 0.01  # 1 cm: beyond the 1 mm band-edge tolerance, far below any real altitude error
MMHG = 133.322387415  # Pa


def f_to_c(t_f: float) -> float:
    return (t_f - 32.0) / 1.8


def c_to_f(t_c: float) -> float:
    return t_c * 1.8 + 32.0


# --- a synthetic batch ------------------------------------------------------------------------


def jump(
    exit_ft: float,
    n: int = 1,
    *,
    v_ff: float = 55.0,
    deploy_m: float = 1_500.0,
    open_s: float = 3.0,
    sink: float = 5.0,
    cabin: CabinProfile | None = None,
    **cfg: object,
) -> PhysiologyInputs:
    """A batch of ``n`` identical jumps over flat ground at sea level (standard day) from the
    pressure altitude ``exit_ft`` (geometric z = r0 H / (r0 - H), the ICAO geopotential H):
    freefall from rest to ``deploy_m`` in the time a ``v_ff`` mean speed gives, ``open_s`` of
    opening over 100 m, then the canopy to the ground at ``sink``."""
    z0 = geometric(exit_ft * FT)
    t_dep = (z0 - deploy_m) / v_ff
    z_open = deploy_m - 100.0
    t_open = t_dep + open_s
    t_land = t_open + z_open / sink
    config = PhysiologyConfig(cabin=cabin, **cfg)  # type: ignore[arg-type]
    return PhysiologyInputs.build(
        config,
        standard(),
        0.0,
        exit_altitude_m=np.full(n, z0),
        deploy_t_s=t_dep,
        deploy_altitude_m=deploy_m,
        open_t_s=t_open,
        open_altitude_m=z_open,
        landing_t_s=t_land,
        peak_opening_g=4.0,
        miss_distance_m=10.0,
    )


def records(inp: PhysiologyInputs, i: int = 0) -> dict[str, Check]:
    return {b.id: b.record(i) for b in physiology_check_batches(inp)}


# --- 14 CFR 91.211(a) -------------------------------------------------------------------------

# 91.211(a)(1) "above 12,500 feet (MSL) up to and including 14,000 feet", (a)(2) "above 14,000
# feet", (a)(3) "above 15,000 feet": each edge belongs to the band below it.
OXYGEN_EDGES = [
    (10_000.0, 0.0, 0),
    (12_500.0, 0.0, 0),
    (12_500.0, CM, 1),
    (14_000.0, 0.0, 1),
    (14_000.0, CM, 2),
    (15_000.0, 0.0, 2),
    (15_000.0, CM, 3),
    (25_000.0, 0.0, 3),
]


@pytest.mark.parametrize(("ft", "plus_m", "level"), OXYGEN_EDGES)
def test_oxygen_requirement_band_edges(ft: float, plus_m: float, level: int) -> None:
    assert oxygen_requirement(ft * FT + plus_m) == level


def test_band_edges_hold_for_pint_parsed_feet() -> None:
    # pint parses "15000 ft" to 4571.999999999999 m: still on the 15,000 ft edge, not below it
    assert oxygen_requirement(parse_quantity("15000 ft", "length")) == 2
    assert uspa_altitude_class(parse_quantity("15000 ft", "length")) == "intermediate"
    assert uspa_altitude_class(parse_quantity("20000 ft", "length")) == "high"
    assert default_prebreathe_s(parse_quantity("25000 ft", "length")) == 30 * 60.0
    assert default_prebreathe_s(parse_quantity("18000 ft", "length")) == 0.0


def test_oxygen_requirement_vectorised() -> None:
    h = np.array([12_000.0, 13_000.0, 14_500.0, 16_000.0]) * FT
    assert oxygen_requirement(h).tolist() == [0, 1, 2, 3]


altitudes = st.floats(min_value=-500.0, max_value=40_000.0, allow_nan=False)


@given(a=altitudes, b=altitudes)
def test_more_altitude_never_lowers_requirements(a: float, b: float) -> None:
    lo, hi = min(a, b), max(a, b)
    assert oxygen_requirement(hi) >= oxygen_requirement(lo)
    assert uspa_class_index(hi) >= uspa_class_index(lo)
    assert default_prebreathe_s(hi) >= default_prebreathe_s(lo)
    # TUC never grows with altitude (FAA table rows fall monotonically)
    assert tuc_seconds(hi)[0] <= tuc_seconds(lo)[0]


# --- USPA SIM 6-7 C ---------------------------------------------------------------------------

# SIM 6-7 C: low below 15,000 ft MSL; intermediate from 15,000 up to 20,000; high from 20,000
# up to 40,000; extreme above 40,000 (6-7 D: "40,000 feet MSL and higher").
USPA_EDGES = [
    (14_999.0, "low"),
    (15_000.0, "intermediate"),
    (19_999.0, "intermediate"),
    (20_000.0, "high"),
    (39_999.0, "high"),
    (40_000.0, "extreme"),
    (45_000.0, "extreme"),
]


@pytest.mark.parametrize(("ft", "name"), USPA_EDGES)
def test_uspa_altitude_class_edges(ft: float, name: str) -> None:
    assert uspa_altitude_class(ft * FT) == name


def test_uspa_altitude_class_vectorised() -> None:
    names = uspa_altitude_class(np.array([10_000.0, 18_000.0, 25_000.0, 41_000.0]) * FT)
    assert names.tolist() == ["low", "intermediate", "high", "extreme"]


# --- FAA time of useful consciousness ---------------------------------------------------------

# FAA table (FAA CAMI Introduction to Aviation Physiology; AC 61-107), rows in s; 15,000 ft
# "30 min or more" (Wikipedia "Time of useful consciousness", FAA table). Exact at the rows: the
# interpolation passes through them, so only float round-off (1e-12 relative) is allowed.
TUC_ROWS = [
    (15_000.0, 30 * 60.0, math.inf),
    (18_000.0, 20 * 60.0, 30 * 60.0),
    (22_000.0, 5 * 60.0, 10 * 60.0),
    (25_000.0, 3 * 60.0, 5 * 60.0),
    (28_000.0, 2.5 * 60.0, 3 * 60.0),
    (30_000.0, 1 * 60.0, 3 * 60.0),
    (35_000.0, 30.0, 60.0),
    (40_000.0, 15.0, 20.0),
    (43_000.0, 9.0, 15.0),
    (50_000.0, 6.0, 9.0),
    (60_000.0, 6.0, 9.0),  # "50,000 ft and above"
]


@pytest.mark.parametrize(("ft", "low", "high"), TUC_ROWS)
def test_tuc_table_rows(ft: float, low: float, high: float) -> None:
    lo, hi = tuc_seconds(ft * FT)
    assert lo == pytest.approx(low, rel=1e-12)
    assert hi == pytest.approx(high, rel=1e-12)


def test_tuc_below_the_table_is_unbounded() -> None:
    assert tuc_seconds(14_000.0 * FT) == (math.inf, math.inf)


@given(h_ft=st.floats(min_value=15_000.0, max_value=60_000.0, allow_nan=False))
def test_tuc_lies_between_neighbouring_rows(h_ft: float) -> None:
    lo, hi = tuc_seconds(h_ft * FT)
    assert lo <= hi
    rows = [r for r in TUC_ROWS if r[0] <= 50_000.0]
    below = max((r for r in rows if r[0] <= h_ft), key=lambda r: r[0])
    above = min((r for r in rows if r[0] >= h_ft), key=lambda r: r[0], default=rows[-1])
    # relative 1e-9: float round-off of exp(log(.)) at the rows themselves
    assert above[1] * (1 - 1e-9) <= lo <= below[1] * (1 + 1e-9)


def test_tuc_vectorised_matches_scalar() -> None:
    h = np.array([16_000.0, 26_500.0, 45_000.0]) * FT
    lo, hi = tuc_seconds(h)
    for i, hh in enumerate(h):
        assert (lo[i], hi[i]) == pytest.approx(tuc_seconds(float(hh)), rel=1e-15)


# --- NWS 2001 wind chill ----------------------------------------------------------------------

# NWS wind chill chart (effective 1 Nov 2001), degF by wind 5..60 mph, as reproduced at
# home1.gte.net/res09v44/windchill.htm; that copy drops the -10 degF row and labels the -15 row
# "-10": the row below is the -15 degF row (it matches the official chart's -15 row).
NWS_CHART = {
    40: [36, 34, 32, 30, 29, 28, 28, 27, 26, 26, 25, 25],
    30: [25, 21, 19, 17, 16, 15, 14, 13, 12, 12, 11, 10],
    20: [13, 9, 6, 4, 3, 1, 0, -1, -2, -3, -3, -4],
    10: [1, -4, -7, -9, -11, -12, -14, -15, -16, -17, -18, -19],
    5: [-5, -10, -13, -15, -17, -19, -21, -22, -23, -24, -25, -26],
    0: [-11, -16, -19, -22, -24, -26, -27, -29, -30, -31, -32, -33],
    -15: [-28, -35, -39, -42, -44, -46, -48, -50, -51, -52, -54, -55],
    -20: [-34, -41, -45, -48, -51, -53, -55, -57, -58, -60, -61, -62],
    -45: [-63, -72, -77, -81, -84, -87, -89, -91, -93, -95, -97, -98],
}
CHART_CELLS = [
    (t_f, v, w) for t_f, row in NWS_CHART.items() for v, w in zip(range(5, 65, 5), row, strict=True)
]


@pytest.mark.parametrize(("t_f", "v_mph", "wct_f"), CHART_CELLS)
def test_wind_chill_matches_nws_chart(t_f: float, v_mph: float, wct_f: float) -> None:
    w = wind_chill_c(f_to_c(t_f), v_mph * MPH)
    assert w is not None
    # the chart prints whole degF: a correct value rounds to it (0.5 degF, plus float slack)
    assert abs(c_to_f(w) - wct_f) <= 0.5 + 1e-9


def test_wind_chill_named_chart_values() -> None:
    # NWS chart: 0 degF at 15 mph -> -19 degF; 5 degF at 30 mph -> -19 degF
    assert round(c_to_f(wind_chill_c(f_to_c(0.0), 15 * MPH))) == -19
    assert round(c_to_f(wind_chill_c(f_to_c(5.0), 30 * MPH))) == -19


@pytest.mark.parametrize("t_c", [-40.0, -20.0, 0.0, 10.0])
@pytest.mark.parametrize("v_kmh", [6.0, 20.0, 50.0, 96.0])
def test_wind_chill_matches_metric_form(t_c: float, v_kmh: float) -> None:
    # Metric form published with the 2001 index (Environment Canada / NWS):
    # WCT[degC] = 13.12 + 0.6215 T - 11.37 V^0.16 + 0.3965 T V^0.16, V in km/h. The two forms
    # differ only by the rounding of their coefficients (under 0.06 degC over this range).
    ref = 13.12 + 0.6215 * t_c - 11.37 * v_kmh**0.16 + 0.3965 * t_c * v_kmh**0.16
    assert wind_chill_c(t_c, v_kmh / 3.6) == pytest.approx(ref, abs=0.1)


@pytest.mark.parametrize(
    ("t_f", "v_mph", "defined"),
    [
        (0.0, 120.0, False),  # freefall speed: out of range, never extrapolated
        (0.0, 60.0, True),  # the chart's last column
        (0.0, 61.0, False),
        (0.0, 3.0, False),  # "wind speeds above 3 mph"
        (0.0, 3.1, True),
        (50.0, 10.0, True),  # "temperatures at or below 50 degF"
        (51.0, 10.0, False),
    ],
)
def test_wind_chill_valid_range(t_f: float, v_mph: float, defined: bool) -> None:
    w = wind_chill_c(f_to_c(t_f), v_mph * MPH)
    assert (w is not None) is defined
    assert wind_chill_in_range(f_to_c(t_f), v_mph * MPH) is defined


def test_wind_chill_array_is_nan_out_of_range() -> None:
    out = wind_chill_c_array(np.array([-10.0, -10.0]), np.array([10.0, 120 * MPH]))
    assert math.isfinite(out[0]) and math.isnan(out[1])


@given(
    t_c=st.floats(min_value=-60.0, max_value=10.0),
    v1=st.floats(min_value=1.4, max_value=26.8),
    v2=st.floats(min_value=1.4, max_value=26.8),
)
def test_wind_chill_falls_with_wind_and_stays_below_air(t_c: float, v1: float, v2: float) -> None:
    w1, w2 = wind_chill_c(t_c, min(v1, v2)), wind_chill_c(t_c, max(v1, v2))
    assume(w1 is not None and w2 is not None)
    # dWCT/d(V^0.16) = -35.75 + 0.4275 T < 0 for T < 83.6 degF: more wind, colder
    assert w2 <= w1 + 1e-9
    assert w1 <= t_c + 1e-9


# --- the alveolar gas equation and pressure protection ------------------------------------------


def test_alveolar_po2_of_sea_level_air() -> None:
    # P_AO2 = 0.2095 (760 - 47) - 40 (0.2095 + 0.7905/0.8) = 101.46 mmHg (by hand)
    assert alveolar_po2_pa(101_325.0) / MMHG == pytest.approx(101.461, abs=0.01)


def test_oxygen_alone_holds_sea_level_to_about_33700_ft() -> None:
    # Physiology texts: 100 % oxygen at ambient pressure keeps the sea-level alveolar PO2 up to
    # about 33 700 ft. Our constants (PACO2 40 mmHg, R 0.8) give 188.5 mmHg = 33 950 ft by hand
    # (troposphere closed form); the published figure rounds its constants: 500 ft tolerance.
    h = equivalent_oxygen_altitude_m(alveolar_po2_pa(101_325.0), fio2=1.0)
    assert h / FT == pytest.approx(33_700.0, abs=500.0)


def test_oxygen_alone_holds_10000_ft_air_to_about_40000_ft() -> None:
    # Air at 10 000 ft (522.6 mmHg) gives 51.7 mmHg; 100 % oxygen gives it at 138.7 mmHg,
    # 40 370 ft by hand (isothermal layer above 11 km). Published: "about 40 000 ft".
    p10 = float(standard().pressure(10_000.0 * FT))
    h = equivalent_oxygen_altitude_m(alveolar_po2_pa(p10), fio2=1.0)
    assert h / FT == pytest.approx(40_000.0, abs=1_000.0)
    # the check's ceiling is the published 40 000 ft, on the safe side of the computed one
    assert pressure_ceiling_m("none") == pytest.approx(40_000.0 * FT)
    assert pressure_ceiling_m("none") <= h


def test_armstrong_limit_is_about_63000_ft() -> None:
    # 6.3 kPa in the isothermal layer: H = 11 km + (R T / g0) ln(22 632 / 6 300) = 19.1 km' =
    # 62 700 ft; published "about 63 000 ft".
    assert float(standard().pressure_altitude(6_300.0)) / FT == pytest.approx(63_000.0, abs=1_000)
    assert pressure_ceiling_m("pressure_breathing") == pytest.approx(50_000.0 * FT)
    assert math.isinf(pressure_ceiling_m("pressure_suit"))


def test_45000_ft_on_oxygen_alone_is_a_fail() -> None:
    inp = jump(45_000.0, oxygen=True, prebreathe_s=3600.0, licence="D")
    r = records(inp)
    ps = r["pressure_suit"]
    assert not ps.ok and ps.severity == "fail"
    assert ps.limit == pytest.approx(40_000.0 * FT)
    assert "40,000 ft" in (ps.advice or "")
    assert verdict(r.values()) == "NO-GO"
    kw = dict(oxygen=True, prebreathe_s=3600.0, licence="D")
    ppb = "pressure_breathing"
    assert records(jump(45_000.0, pressure_protection=ppb, **kw))["pressure_suit"].ok
    assert not records(jump(55_000.0, pressure_protection=ppb, **kw))["pressure_suit"].ok
    assert records(jump(45_000.0, pressure_protection="pressure_suit", **kw))["pressure_suit"].ok


# --- time at altitude before the exit ---------------------------------------------------------


def _tuc_low_by_hand(h_ft: float) -> float:
    # the FAA rows, ln TUC linear in altitude between them (written again, independently)
    rows = [(15_000, 1800), (18_000, 1200), (22_000, 300), (25_000, 180)]
    for (h0, t0), (h1, t1) in itertools.pairwise(rows):
        if h0 <= h_ft <= h1:
            return math.exp(math.log(t0) + (h_ft - h0) / (h1 - h0) * math.log(t1 / t0))
    raise ValueError(h_ft)


def test_cabin_dose_of_the_default_climb_against_quadrature() -> None:
    from scipy.integrate import quad

    inp = jump(25_000.0, licence="C")

    # default climb 1 000 ft/min (geometric), then 2 min at FL250: dose = integral dt/TUC over
    # the climb above 15 000 ft pressure altitude + 120 s / 180 s, with dt = dz / rate and
    # dz/dH = (r0 / (r0 - H))^2. quad to 1e-12; the code samples every <= 5 s with the midpoint
    # rule on a log-linear TUC: 0.5 % covers that discretisation.
    def rate(h_ft: float) -> float:  # seconds per foot of pressure altitude
        return (60.0 / 1000.0) * (R0 / (R0 - h_ft * FT)) ** 2

    climb, _ = quad(lambda h: rate(h) / _tuc_low_by_hand(h), 15_000, 25_000, epsabs=1e-12)
    expect = climb + 120.0 / 180.0
    cab = cabin_summary(inp)
    assert cab["dose_rest"] == pytest.approx(expect, rel=5e-3)
    t_climb = (geometric(25_000 * FT) - geometric(15_000 * FT)) / (1000.0 * FT / 60.0)
    assert t_climb == pytest.approx(601.15, abs=0.01)  # 3 053.85 m at 5.08 m/s, by hand
    assert cab["time_above_floor_s"] == pytest.approx(t_climb + 120.0, rel=1e-6)
    # at FL250 exactly: on the edge (1 mm tolerance = 0.2 ms of the climb at 5.08 m/s)
    assert cab["time_above_dcs_s"] == pytest.approx(120.0, abs=1e-3)


def test_no_oxygen_25000_ft_fails_tuc_and_hypoxia() -> None:
    r = records(jump(25_000.0, licence="C"))
    assert not r["hypoxia"].ok and r["hypoxia"].severity == "fail"
    assert not r["tuc"].ok and r["tuc"].severity == "fail"
    assert not r["oxygen"].ok
    assert r["hypoxia"].value > 1.0  # more than the table's useful consciousness
    assert "oxygen" in (r["hypoxia"].advice or "")
    assert verdict(r.values()) == "NO-GO"


def test_tuc_limit_is_the_exertion_share_of_the_table() -> None:
    # FAA: 3-5 min at rest at FL250, 1-1.5 min after exercise: 1/3 of the low end, 60 s
    r = records(jump(25_000.0, oxygen=True, prebreathe_s=1800.0, licence="military"))
    assert TUC_EXERTION_FACTOR == pytest.approx(1.0 / 3.0)
    assert r["tuc"].limit == pytest.approx(60.0, rel=1e-9)
    assert r["tuc"].severity == "caution"
    assert r["hypoxia"].ok and r["hypoxia"].value == 0.0


def test_decompression_counts_cabin_time_above_25000_ft() -> None:
    # 40 min level at 28 000 ft before the exit: over the 30 min planning limit
    cab = CabinProfile(
        (-3600.0, -2400.0, 0.0), (0.0, geometric(28_000 * FT), geometric(28_000 * FT))
    )
    r = records(jump(28_000.0, cabin=cab, oxygen=True, prebreathe_s=2700.0, licence="military"))
    d = r["decompression"]
    assert not d.ok and d.severity == "caution"
    # 2 400 s level + the part of the climb above 25 000 ft (3/28 of 1 200 s) + the fall to it
    assert d.value == pytest.approx(2400.0 + 1200.0 * 3.0 / 28.0, abs=40.0)
    assert d.limit == DCS_LIMIT_S_DEFAULT
    assert "Eiken" in d.source


# --- military rules and prebreathe ------------------------------------------------------------


def test_military_14000_ft_without_oxygen_is_not_go() -> None:
    r = records(jump(14_000.0, licence="military", deploy_m=1_300.0))
    assert not r["oxygen"].ok and r["oxygen"].limit == pytest.approx(10_000 * FT)
    assert "AFI 11-409" in r["oxygen"].source
    assert verdict(r.values()) == "NO-GO"
    # the same jump by a civil A licence: 91.211 asks nothing of occupants below 15 000 ft
    assert records(jump(14_000.0, licence="A"))["oxygen"].ok


@pytest.mark.parametrize(
    ("exit_ft", "have_min", "ok", "advice"),
    [
        (25_000.0, 20.0, False, "prebreathe 10 min more"),  # AR 95-1: >= 30 min above 18 000 ft
        (25_000.0, 30.0, True, None),
        (18_000.0, 0.0, True, None),  # "above 18,000 ft"
        (27_000.0, 30.0, False, "prebreathe 15 min more"),  # 45 min band (estimate)
    ],
)
def test_prebreathe_bands(exit_ft: float, have_min: float, ok: bool, advice: str | None) -> None:
    cab = CabinProfile((-600.0, 0.0), (0.0, geometric(exit_ft * FT)))
    r = records(jump(exit_ft, cabin=cab, oxygen=True, prebreathe_s=have_min * 60, licence="C"))
    assert r["prebreathe"].ok is ok
    if advice:
        assert (r["prebreathe"].advice or "").startswith(advice)


def test_prebreathe_sources_say_what_they_support() -> None:
    # Eiken et al. 2023 concluded the 45-min procedure carries a high DCS risk: not a support
    assert "Eiken" not in PREBREATHE_SOURCE
    assert "estimate" in PREBREATHE_SOURCE and "AR 95-1" in PREBREATHE_SOURCE
    assert default_prebreathe_s(25_000.0 * FT + CM) == 45 * 60.0


# --- the descent reconstruction ---------------------------------------------------------------


def test_fall_from_rest_against_solve_ivp() -> None:
    # dv/dt = g (1 - v^2/vt^2) from rest; distance 3 000 m at vt = 55 m/s; rtol 1e-11
    vt, d = 55.0, 3000.0
    from stuntsim.constants import G0

    sol = solve_ivp(lambda t, y: [y[1], G0 * (1 - (y[1] / vt) ** 2)], (0, 200), [0.0, 0.0],
                    events=lambda t, y: y[0] - d, rtol=1e-11, atol=1e-9)  # fmt: skip
    t_ref = float(sol.t_events[0][0])
    assert float(_fall_time(np.array([d]), np.array([vt]))[0]) == pytest.approx(t_ref, abs=1e-5)


def test_time_at_altitude_against_the_kernel_path() -> None:
    # The events-only reconstruction against the kernel's recorded path: the film's HALO exit
    # (25 000 ft, 190 kt, head-down) and the sport jump, at 15 000 ft, 1 500 m above the
    # opening and 1 000 m above the ground. Measured: within 0.4 s; 1 s allows for the
    # kernel's step schedule and the throw (drag on the horizontal 190 kt slows the vertical
    # build-up, which the fall-from-rest model ignores).
    from stuntsim.jump.physiology import physiology_inputs
    from stuntsim.jump.simulate import nominal_trajectory
    from stuntsim.scenario import load

    for name in ("fallout-halo", "sport-13500"):
        plan = load(f"examples/{name}.toml").plan
        o, tr = nominal_trajectory(plan)
        inp = physiology_inputs(plan, o)
        t, z = np.asarray(tr["t_s"]), np.asarray(tr["altitude_m"])
        levels = (15_000 * FT, float(o.deploy_pos[0, 2]) + 1500.0, plan.site.elevation + 1000.0)
        for level in levels:
            if level >= z[0]:
                continue
            k = int(np.argmax(z <= level))
            t_ref = t[k - 1] + (t[k] - t[k - 1]) * (z[k - 1] - level) / (z[k - 1] - z[k])
            assert float(inp.time_at(level)[0]) == pytest.approx(t_ref, abs=1.0), (name, level)


# --- batches, the former interface, sources ---------------------------------------------------


def test_batch_of_n_equals_batch_of_one() -> None:
    one = physiology_check_batches(jump(25_000.0, licence="C"))
    many = physiology_check_batches(jump(25_000.0, n=5, licence="C"))
    for a, b in zip(one, many, strict=True):
        assert a.id == b.id
        for k in ("ok", "margin", "value", "limit"):
            x, y = getattr(a, k), getattr(b, k)
            assert np.allclose(np.broadcast_to(x, y.shape), y, equal_nan=True), (a.id, k)
    assert (verdict_codes(many) == verdict_codes(one)[0]).all()


def test_margin_sign_matches_ok() -> None:
    on_edge = jump(10_000.0, licence="military")  # AFI 11-409 "at and above 10,000 ft": fails
    assert not records(on_edge)["oxygen"].ok
    for inp in (jump(25_000.0, licence="C"), jump(45_000.0, oxygen=True, licence="D"), on_edge):
        for b in physiology_check_batches(inp):
            assert ((b.margin >= 0) == b.ok).all(), b.id


def test_former_single_jump_interface() -> None:
    t = np.array([0.0, 60.0, 63.0, 300.0])
    z = np.array([4000.0, 1000.0, 900.0, 0.0])
    prof = JumpProfile(t_s=t, altitude_m=z, speed_m_s=np.zeros(4), temperature_k=np.full(4, 260.0),
                       east_m=np.zeros(4), north_m=np.zeros(4), ground_elevation_m=0.0,
                       exit_altitude_m=4000.0, deploy_t_s=60.0, deploy_altitude_m=1000.0,
                       canopy_open_t_s=63.0, landing_t_s=300.0, peak_opening_g=3.0,
                       miss_distance_m=5.0)  # fmt: skip
    checks = physiology_checks(prof, PhysiologyConfig(licence="A"))
    assert [c.id for c in checks] == [c for c in CHECK_IDS if c != "landing_accuracy"]
    assert all(isinstance(c, Check) for c in checks)
    c = check_opening_altitude(prof, PhysiologyConfig(licence="A"))
    assert c.ok and c.value == pytest.approx(1000.0)


def test_every_source_is_a_public_document() -> None:
    configs = [
        jump(25_000.0, licence="C"),
        jump(45_000.0, oxygen=True, licence="military", prebreathe_s=60.0),
        jump(13_500.0, licence="A", lz_radius_m=50.0, exposure_limit_s=60.0),
    ]
    for inp in configs:
        for b in physiology_check_batches(inp):
            s = b.source.lower()
            for bad in ("issue", "readme", "shared/", "internal", "note"):
                assert bad not in s, (b.id, b.source)


def test_cold_at_25000_ft_standard_day() -> None:
    # USSA 1976 at FL250 (7 620 m'): 288.15 - 6.5 x 7.620 = 238.62 K (-34.5 °C)
    r = records(jump(25_000.0, oxygen=True, prebreathe_s=1800.0, licence="military"))
    assert r["cold"].value == pytest.approx(238.62, abs=0.01)
    assert not r["cold"].ok and r["cold"].severity == "caution"


def test_cold_time_below_the_limit_is_the_time_above_its_altitude() -> None:
    # In the standard troposphere T = -20 °C at H = (288.15 - 253.15) / 0.0065 = 5 384.6 m',
    # z = r0 H / (r0 - H) = 5 389.2 m: every second above it is below -20 °C (the band edge
    # sits on the atmosphere's 1 m grid, 0.02 s at 55 m/s; the message shows whole seconds).
    inp = jump(25_000.0, oxygen=True, prebreathe_s=1800.0, licence="military")
    z20 = geometric((288.15 - 253.15) / 0.0065)
    expect = float(inp.time_at(z20)[0])
    assert 20.0 < expect < 60.0
    assert f"and {expect:.0f} s are spent below -20 °C" in records(inp)["cold"].message


def test_a_cold_day_raises_the_pressure_altitude_and_the_oxygen_rule() -> None:
    # 14 800 ft MSL on an ISA-20 K day: the hydrostatic column is ~7.5 % shorter per pascal
    # (T about 266 K instead of 286 K on average below it), so the pressure there is that of
    # about 14 800 ft x 286/266 = 15 900 ft in the standard atmosphere: above 15 000 ft, and
    # 14 CFR 91.211(a)(3) applies to cabin pressure altitude. Range +-400 ft for the lapse
    # details of the hand estimate.
    cold = standard(-20.0)
    z = 14_800 * FT
    inp = PhysiologyInputs.build(
        PhysiologyConfig(licence="A", cabin=CabinProfile((-900.0, 0.0), (0.0, z))),
        cold,
        0.0,
        exit_altitude_m=z,
        deploy_t_s=50.0,
        deploy_altitude_m=1200.0,
        open_t_s=53.0,
        open_altitude_m=1100.0,
        landing_t_s=300.0,
        peak_opening_g=4.0,
        miss_distance_m=5.0,
    )
    hp = float(inp.pressure_altitude(z)) / FT
    assert hp == pytest.approx(15_900.0, abs=400.0)
    assert not records(inp)["oxygen"].ok
    # the same exit on a standard day stays in the crew-only band
    assert records(jump(14_750.0, licence="A"))["oxygen"].ok


def test_tuc_at_is_where_the_jumper_passes_15000_ft() -> None:
    inp = jump(25_000.0, licence="C")
    at = records(inp)["tuc"].at
    assert at is not None
    # FL150 on a standard day: z = r0 H / (r0 - H) with H = 4 572 m' (1 mm: table inversion)
    assert at["altitude_m"] == pytest.approx(geometric(15_000 * FT), abs=1e-3)
    assert at["t_s"] == pytest.approx(float(inp.time_at(geometric(15_000 * FT))[0]))
