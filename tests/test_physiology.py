"""Physiology and exposure checks against the published figures they come from.

Every expected number below is taken from a published table or rule (cited next to it) or
worked out by hand from the synthetic profile's closed form (a piecewise-linear descent), never
from the code under test.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from stuntsim.checks import Check
from stuntsim.jump.physiology import (
    CHECK_IDS,
    FACE_TO_10M_WIND,
    LICENCES,
    JumpProfile,
    PhysiologyConfig,
    default_prebreathe_s,
    duration_below,
    oxygen_requirement,
    physiology_checks,
    time_above,
    time_below,
    time_below_agl,
    tuc_seconds,
    uspa_altitude_class,
    uspa_class_index,
    wind_chill_c,
    wind_chill_c_array,
    wind_chill_in_range,
)
from stuntsim.units import FT, MPH, parse_quantity

CM = 0.01  # 1 cm: beyond the 1 mm band-edge tolerance, far below any real altitude error


def f_to_c(t_f: float) -> float:
    return (t_f - 32.0) / 1.8


def c_to_f(t_c: float) -> float:
    return t_c * 1.8 + 32.0


# --- synthetic jump ---------------------------------------------------------------------------


def make_profile(
    exit_ft: float = 25_000.0,
    *,
    ground_m: float = 0.0,
    v_ff: float = 60.0,
    deploy_agl_m: float = 1_200.0,
    open_s: float = 3.0,
    sink: float = 5.0,
    canopy_speed: float = 11.0,
    temp_offset_k: float = 0.0,
    east0: float = -800.0,
    drift: float = 2.0,
    peak_g: float = 4.0,
    miss: float = 20.0,
    ground_profile: bool = False,
) -> JumpProfile:
    """A HALO-like jump made of straight lines, so every time and crossing has a closed form.

    Freefall at a constant ``v_ff`` from exit to deployment, the same rate for ``open_s``
    seconds of opening, then a steady canopy sink to the ground. Air temperature follows the
    standard tropospheric lapse, T = 288.15 K - 0.0065 K/m * z (+ offset), linear in z and so
    in t on each segment; the jumper drifts east at ``drift`` m/s from ``east0``.
    """
    z0 = exit_ft * FT
    z_dep = ground_m + deploy_agl_m
    t_dep = (z0 - z_dep) / v_ff
    t_open = t_dep + open_s
    z_open = z_dep - v_ff * open_s
    t_land = t_open + (z_open - ground_m) / sink
    knots_t = np.array([0.0, t_dep, t_open, t_land])
    knots_z = np.array([z0, z_dep, z_open, ground_m])
    t = np.unique(np.concatenate([np.arange(0.0, t_land, 0.5), knots_t]))
    z = np.interp(t, knots_t, knots_z)
    speed = np.where(t <= t_open, v_ff, canopy_speed)
    ground = np.full_like(t, ground_m) if ground_profile else ground_m
    return JumpProfile(
        t_s=t,
        altitude_m=z,
        speed_m_s=speed,
        temperature_k=288.15 - 0.0065 * z + temp_offset_k,
        east_m=east0 + drift * t,
        north_m=np.zeros_like(t),
        ground_elevation_m=ground,
        exit_altitude_m=z0,
        deploy_t_s=t_dep,
        deploy_altitude_m=z_dep,
        canopy_open_t_s=t_open,
        landing_t_s=t_land,
        peak_opening_g=peak_g,
        miss_distance_m=miss,
    )


def by_id(checks: list[Check]) -> dict[str, Check]:
    return {c.id: c for c in checks}


def run(profile: JumpProfile, **cfg) -> dict[str, Check]:
    return by_id(physiology_checks(profile, PhysiologyConfig(**cfg)))


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

# FAA table as in ../shared/reference/README.md section 4 (rows in s); 15,000 ft "30 min or
# more" (Wikipedia "Time of useful consciousness", FAA table). Exact at the rows: the
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


# --- time helpers -----------------------------------------------------------------------------


def test_duration_below_ramp_is_exact() -> None:
    t = np.array([0.0, 10.0, 20.0])
    x = np.array([0.0, 10.0, 0.0])  # up then down
    # x < 3.3 on [0, 3.3) and (16.7, 20]: 6.6 s (round-off only)
    assert duration_below(t, x, 3.3) == pytest.approx(6.6, abs=1e-12)
    assert duration_below(t, x, -1.0) == 0.0
    assert duration_below(t, x, 11.0) == pytest.approx(20.0, abs=1e-12)


signals = st.lists(
    st.floats(min_value=-100.0, max_value=100.0, allow_nan=False), min_size=2, max_size=30
)


@settings(max_examples=200)
@given(x=signals, thr=st.floats(min_value=-120.0, max_value=120.0), data=st.data())
def test_duration_below_plus_above_is_total(x: list[float], thr: float, data) -> None:
    dts = data.draw(st.lists(st.floats(0.01, 10.0), min_size=len(x) - 1, max_size=len(x) - 1))
    t = np.concatenate([[0.0], np.cumsum(dts)])
    v = np.asarray(x)
    assume(not np.any(v == thr))
    below = duration_below(t, v, thr)
    above = duration_below(t, -v, -thr)  # -x < -thr  <=>  x > thr
    # exact up to float round-off of the segment sums (1e-9 of the total)
    assert below + above == pytest.approx(t[-1], rel=1e-9, abs=1e-12)
    assert 0.0 <= below <= t[-1] + 1e-12


def test_time_helpers_on_the_synthetic_jump() -> None:
    p = make_profile(25_000.0)
    # T(z) = 15 degC - 0.0065 z: -20 degC at z = 35 / 0.0065 m, passed at 60 m/s from exit
    z20 = 35.0 / 0.0065
    assert time_below(p, -20.0) == pytest.approx((25_000 * FT - z20) / 60.0, abs=1e-9)
    assert time_above(p, 15_000 * FT) == pytest.approx((25_000 - 15_000) * FT / 60.0, abs=1e-9)
    # canopy opens at 1200 - 3*60 = 1020 m and sinks at 5 m/s: below 1000 m for 200 s
    assert time_below_agl(p, 1_000.0) == pytest.approx(200.0, abs=1e-9)


def test_time_helpers_stop_at_landing() -> None:
    p = make_profile(25_000.0)
    fields = {k: getattr(p, k) for k in p.__dataclass_fields__}
    cut = JumpProfile(**{**fields, "landing_t_s": p.landing_t_s - 50.0})
    # samples after landing are ignored: 50 s less of the 200 s canopy ride below 1,000 m
    assert time_below_agl(cut, 1_000.0) == pytest.approx(150.0, abs=1e-9)


# --- the checks -------------------------------------------------------------------------------


def test_every_check_is_cited_and_one_sentence() -> None:
    checks = physiology_checks(make_profile(25_000.0), PhysiologyConfig(lz_radius_m=50.0))
    assert [c.id for c in checks] == list(CHECK_IDS)
    for c in checks:
        assert c.source.strip(), c.id
        assert c.severity in ("fail", "caution")
        assert "\n" not in c.message and c.message.endswith("."), c.message
        assert c.message.count(". ") == 0, c.message  # one sentence
    json.dumps([c.to_dict() for c in checks])  # plain data, JSON-ready


def test_landing_accuracy_only_with_a_radius() -> None:
    assert "landing_accuracy" not in run(make_profile())
    c = run(make_profile(miss=20.0), lz_radius_m=50.0)["landing_accuracy"]
    assert c.ok and c.value == 20.0 and c.limit == 50.0
    c = run(make_profile(miss=80.0), lz_radius_m=50.0)["landing_accuracy"]
    assert not c.ok and c.severity == "fail"


@pytest.mark.parametrize(
    ("exit_ft", "oxygen", "ok"),
    [
        (12_000.0, False, True),
        (14_500.0, False, True),  # crew rule only; occupants from 15,000 ft
        (15_500.0, False, False),  # 91.211(a)(3): every occupant provided with oxygen
        (15_500.0, True, True),
        (25_000.0, True, True),
    ],
)
def test_oxygen_check(exit_ft: float, oxygen: bool, ok: bool) -> None:
    c = run(make_profile(exit_ft, deploy_agl_m=1_200.0), oxygen=oxygen)["oxygen"]
    assert c.ok is ok
    assert c.value == pytest.approx(exit_ft * FT)
    assert c.limit == pytest.approx(15_000 * FT)
    assert "91.211" in c.source


@pytest.mark.parametrize(
    ("exit_ft", "plus_m", "required_s"),
    [
        (18_000.0, 0.0, 0.0),  # AR 95-1: pre-breathing above 18,000 ft
        (18_000.0, CM, 30 * 60.0),
        (25_000.0, 0.0, 30 * 60.0),  # af.mil 138370: 30 min uninterrupted at 25,000 ft
        (25_000.0, CM, 45 * 60.0),  # estimate band (Eiken et al. 2023)
        (40_000.0, CM, 60 * 60.0),  # estimate band
    ],
)
def test_default_prebreathe_bands(exit_ft: float, plus_m: float, required_s: float) -> None:
    assert default_prebreathe_s(exit_ft * FT + plus_m) == required_s


def test_prebreathe_check_at_25000_ft() -> None:
    p = make_profile(25_000.0)
    c = run(p, oxygen=True, prebreathe_s=30 * 60.0)["prebreathe"]
    assert c.ok and c.limit == 30 * 60.0 and c.value == 30 * 60.0
    c = run(p, oxygen=True, prebreathe_s=29 * 60.0)["prebreathe"]
    assert not c.ok and c.severity == "fail"
    c = run(p, oxygen=False, prebreathe_s=30 * 60.0)["prebreathe"]
    assert not c.ok  # no oxygen on board: the pre-breathe cannot run unbroken to the door
    c = run(p, oxygen=True, prebreathe_s=30 * 60.0, prebreathe_required_s=60 * 60.0)
    assert not c["prebreathe"].ok and "configured" in c["prebreathe"].source
    c = run(make_profile(13_000.0), prebreathe_s=None)["prebreathe"]
    assert c.ok and c.limit == 0.0


def test_tuc_check_25000_ft() -> None:
    c = run(make_profile(25_000.0, v_ff=60.0), oxygen=True)["tuc"]
    # FAA table: 3-5 min at 25,000 ft; halved low end 90 s. Time above 15,000 ft at 60 m/s:
    # 10,000 ft / 60 m/s = 50.8 s (exact for the straight-line descent)
    assert c.limit == pytest.approx(90.0, rel=1e-12)
    assert c.value == pytest.approx(10_000 * FT / 60.0, abs=1e-9)
    assert c.ok and c.severity == "caution"
    assert c.at is not None and c.at["t_s"] == pytest.approx(10_000 * FT / 60.0, abs=1e-9)


def test_tuc_check_30000_ft_without_oxygen_fails() -> None:
    c = run(make_profile(30_000.0, v_ff=60.0), oxygen=False)["tuc"]
    # FAA table: 1-3 min at 30,000 ft; halved low end 30 s, against 15,000 ft / 60 m/s = 76 s
    assert c.limit == pytest.approx(30.0, rel=1e-12)
    assert c.value == pytest.approx(15_000 * FT / 60.0, abs=1e-9)
    assert not c.ok and c.severity == "fail"
    c = run(make_profile(30_000.0, v_ff=60.0), oxygen=False, tuc_factor=1.0)["tuc"]
    assert c.limit == pytest.approx(60.0, rel=1e-12)


def test_tuc_check_low_exit_not_limiting() -> None:
    c = run(make_profile(14_000.0))["tuc"]
    assert c.ok and c.value == 0.0 and c.limit is None


@pytest.mark.parametrize(
    ("exit_ft", "licence", "oxygen", "ok"),
    [
        (13_000.0, "student", False, True),
        (17_000.0, "A", True, False),  # intermediate: SIM 6-7 D recommends a B licence
        (17_000.0, "B", True, True),
        (25_000.0, "B", True, False),  # high: C licence
        (25_000.0, "C", True, True),
        (25_000.0, "D", False, False),  # high altitude without bailout oxygen
        (41_000.0, "C", True, False),  # extreme: D licence
        (41_000.0, "d", True, True),  # licence names are case-insensitive
        (25_000.0, "military", True, True),
    ],
)
def test_altitude_class_check(exit_ft: float, licence: str, oxygen: bool, ok: bool) -> None:
    c = run(make_profile(exit_ft), licence=licence, oxygen=oxygen)["altitude_class"]
    assert c.ok is ok
    assert c.severity == "caution"
    assert uspa_altitude_class(exit_ft * FT) in c.message


def test_altitude_class_limit_is_top_of_licence_class() -> None:
    assert run(make_profile(), licence="B")["altitude_class"].limit == pytest.approx(20_000 * FT)
    assert run(make_profile(), licence="C")["altitude_class"].limit == pytest.approx(40_000 * FT)
    assert run(make_profile(), licence="D")["altitude_class"].limit is None


def test_cold_check_standard_day() -> None:
    p = make_profile(25_000.0)
    c = run(p)["cold"]
    # standard lapse: 288.15 - 0.0065 * 7620 = 238.62 K (-34.53 degC) at exit, the coldest
    assert c.value == pytest.approx(288.15 - 0.0065 * 25_000 * FT, abs=1e-9)
    assert c.limit == pytest.approx(273.15 - 20.0)
    assert not c.ok and c.severity == "caution"
    assert c.at is not None and c.at["t_s"] == 0.0
    assert "-34.5 °C" in c.message
    # canopy at 11 m/s on the face -> 16.5 m/s formula wind (37 mph): in range where <= 50 degF
    assert "out of the NWS formula's range for" in c.message


def test_cold_check_reports_wind_chill_only_in_range() -> None:
    # freefall the whole way at 60 m/s: out of range throughout, no figure given
    p = make_profile(25_000.0, canopy_speed=60.0)
    assert "out of the NWS formula's range throughout" in run(p)["cold"].message
    # a cold day (-40 K): the worst in-range wind chill is at the top of the canopy ride
    p = make_profile(25_000.0, temp_offset_k=-40.0, canopy_speed=10.0)
    # the first sample flown at canopy speed is the first after opening (the highest, coldest)
    i = int(np.flatnonzero(p.t_s > p.canopy_open_t_s)[0])
    z_top = float(p.altitude_m[i])
    expected = wind_chill_c(288.15 - 0.0065 * z_top - 40.0 - 273.15, 10.0 * FACE_TO_10M_WIND)
    assert f"{expected:.1f} °C" in run(p)["cold"].message


def test_cold_check_passes_when_warm() -> None:
    c = run(make_profile(12_000.0, temp_offset_k=30.0))["cold"]
    assert c.ok


@pytest.mark.parametrize(
    ("licence", "deploy_ft", "ok"),
    [
        ("B", 2_400.0, False),  # USPA BSR 2-1.I: B licence 2,500 ft AGL
        ("B", 2_600.0, True),
        ("D", 2_600.0, True),  # C and D: 2,500 ft since 2013
        ("A", 2_900.0, False),  # students and A: 3,000 ft
        ("tandem", 4_900.0, False),  # tandem: 5,000 ft since 2019
        ("tandem", 5_100.0, True),
        ("military", 3_900.0, False),  # 4,000 ft AGL planning estimate
    ],
)
def test_opening_altitude_check(licence: str, deploy_ft: float, ok: bool) -> None:
    p = make_profile(13_000.0, deploy_agl_m=deploy_ft * FT, ground_m=500.0)
    c = run(p, licence=licence)["opening_altitude"]
    assert c.ok is ok
    assert c.value == pytest.approx(deploy_ft * FT, abs=1e-9)  # AGL, not MSL


def test_opening_altitude_override_and_terrain_array() -> None:
    p = make_profile(13_000.0, deploy_agl_m=900.0, ground_m=300.0, ground_profile=True)
    c = run(p, licence="D", min_open_altitude_agl_m=1_000.0)["opening_altitude"]
    assert not c.ok and c.limit == 1_000.0 and "configured" in c.source
    assert c.value == pytest.approx(900.0, abs=1e-9)


def test_opening_shock_check() -> None:
    assert run(make_profile(peak_g=4.0))["opening_shock"].ok
    c = run(make_profile(peak_g=12.0))["opening_shock"]
    assert not c.ok and c.limit == 10.0 and c.unit == "g"
    assert run(make_profile(peak_g=12.0), opening_shock_limit_g=15.0)["opening_shock"].ok


def test_exposure_check() -> None:
    p = make_profile(25_000.0, east0=-800.0, drift=2.0)
    c = run(p)["exposure"]
    # below 1,000 m AGL for 200 s (1000 m at 5 m/s); informational by default
    assert c.value == pytest.approx(200.0, abs=1e-9)
    assert c.ok and c.limit is None and c.severity == "caution"
    # stand-off at opening: |east0 + drift * t_open|; time under canopy 1020 m / 5 m/s = 204 s
    standoff = abs(-800.0 + 2.0 * p.canopy_open_t_s)
    assert f"{standoff:,.0f} m from the target" in c.message
    assert "204 s" in c.message
    c = run(p, exposure_limit_s=100.0)["exposure"]
    assert not c.ok and c.limit == 100.0
    c = run(p, detection_altitude_agl_m=500.0)["exposure"]
    assert c.value == pytest.approx(100.0, abs=1e-9)


def test_checks_without_a_canopy_opening() -> None:
    p = make_profile(13_000.0)
    p = JumpProfile(
        **{
            **{k: getattr(p, k) for k in p.__dataclass_fields__},
            "canopy_open_t_s": math.nan,
            "peak_opening_g": math.nan,
        }
    )
    checks = run(p)
    assert not checks["opening_shock"].ok
    assert checks["opening_shock"].to_dict()["value"] is None
    assert "never under open canopy" in checks["exposure"].message


def test_config_validation() -> None:
    assert PhysiologyConfig(licence="c").licence == "C"
    assert PhysiologyConfig(licence="Military").licence == "military"
    assert set(LICENCES) >= {"student", "A", "B", "C", "D", "tandem", "military"}
    with pytest.raises(ValueError, match="licence"):
        PhysiologyConfig(licence="E")
    with pytest.raises(ValueError, match="prebreathe_s"):
        PhysiologyConfig(prebreathe_s=-1.0)
    with pytest.raises(ValueError, match="tuc_factor"):
        PhysiologyConfig(tuc_factor=0.0)
