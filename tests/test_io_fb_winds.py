"""NWS FB winds-aloft bulletins: every encoding, blank levels, altitudes, errors, fuzzing.

Expected values come from the encoding rules and worked examples published in FAA AC 00-45
(Aviation Weather Services) and in
Wikipedia "Winds aloft" (731960, 7799), and from decoding real bulletins by hand.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stuntsim.errors import DataFileError, ScenarioError
from stuntsim.io.fb_winds import (
    FT,
    KT,
    decode_group,
    level_altitude,
    parse_fb,
    pressure_altitude_to_geometric,
)
from stuntsim.io.winds import read_winds, winds_from_bytes

from conftest import EXAMPLES, assert_clean_error, run_cli

SAMPLE = EXAMPLES / "data" / "fb-fbus31-kwno-180158.txt"

# A sample in the FAA AC 00-45 layout (MKC), verbatim (its FT line is one column
# off the groups from 9000 ft on, as hand-copied bulletins often are).
README_SAMPLE = """\
FT  3000    6000   9000    12000   18000   24000  30000  34000  39000
MKC 2426 2726-09 2826-14 2930-21 2744-32 2751-41 275550 276050 276547
"""

# Real rows (FBUS31 KWNO 032000, FD1US1) with the two lowest levels blank at ABQ (elevation
# 5 355 ft) and the lowest at ABI.
BLANK_ROWS = """\
000
FBUS31 KWNO 032000
FD1US1
DATA BASED ON 031800Z
VALID 040000Z   FOR USE 2000-0300Z. TEMPS NEG ABV 24000

FT  3000    6000    9000   12000   18000   24000  30000  34000  39000
ABI      0517+06 3209+02 3221-05 2941-18 2953-31 295947 288253 770853
ABQ              3325+03 3427-02 3343-16 3347-30 355547 354956 285561
ABR 3214 3431-04 3540-09 3536-15 3431-28 3335-41 312756 323555 344353
"""


def _levels(text: str, station: str) -> dict[int, object]:
    return {lv.level_ft: lv.wind for lv in parse_fb(text).station(station).levels}


# --- the encodings ------------------------------------------------------------------------


def test_reference_readme_sample_line():
    """README section 5: 3 000 ft 240° 26 kt; 6 000 ft 270° 26 kt -9 °C; 30 000 ft 270° 55 kt
    -50 °C. The other levels follow the same rules (decoded by hand)."""
    w = _levels(README_SAMPLE, "MKC")
    assert (w[3000].from_deg, w[3000].speed_kt) == (240.0, 26.0)
    assert math.isnan(w[3000].temperature_c)  # no temperature at 3 000 ft
    assert (w[6000].from_deg, w[6000].speed_kt, w[6000].temperature_c) == (270.0, 26.0, -9.0)
    assert (w[30000].from_deg, w[30000].speed_kt, w[30000].temperature_c) == (270.0, 55.0, -50.0)
    by_hand = {
        9000: (280, 26, -14),
        12000: (290, 30, -21),
        18000: (270, 44, -32),
        24000: (270, 51, -41),
        34000: (270, 60, -50),
        39000: (270, 65, -47),
    }
    for level, expected in by_hand.items():
        got = (w[level].from_deg, w[level].speed_kt, w[level].temperature_c)
        assert got == expected, level


@pytest.mark.parametrize(
    ("group", "level", "expected"),
    [
        # AC 00-45 / Wikipedia worked example: 731960 = 230° at 119 kt, -60 °C
        ("731960", 34000, (230.0, 119.0, -60.0, False, False)),
        # 7799 = 270° at 199 kt or more
        ("7799", 39000, (270.0, 199.0, math.nan, False, True)),
        # 9900 = light and variable, decoded as calm
        ("9900", 3000, (math.nan, 0.0, math.nan, True, False)),
        ("9900+05", 9000, (math.nan, 0.0, 5.0, True, False)),  # ICT, real bulletin
        ("990045", 30000, (math.nan, 0.0, -45.0, True, False)),
        # humbleaviation.com worked example: 750456 at 39 000 ft = 250° at 104 kt, -56 °C
        ("750456", 39000, (250.0, 104.0, -56.0, False, False)),
        # 100+ kt below the unsigned levels, with a signed temperature (ECK 24 000 ft)
        ("8202-29", 24000, (320.0, 102.0, -29.0, False, False)),
        ("5100", 30000, (10.0, 100.0, math.nan, False, False)),
        ("3600", 3000, (360.0, 0.0, math.nan, False, False)),
        ("0116", 3000, (10.0, 16.0, math.nan, False, False)),
        ("2022+03", 9000, (200.0, 22.0, 3.0, False, False)),
        ("2119+00", 12000, (210.0, 19.0, 0.0, False, False)),
        ("236539", 30000, (230.0, 65.0, -39.0, False, False)),
    ],
)
def test_decode_group(group, level, expected):
    w = decode_group(group, level, 24000)
    got = (w.from_deg, w.speed_kt, w.temperature_c, w.light_variable, w.speed_at_least)
    np.testing.assert_equal(got, expected)


@pytest.mark.parametrize(
    ("group", "level", "fragment"),
    [
        ("275550", 24000, "unsigned temperature"),  # unsigned at or below TEMPS NEG ABV
        ("272050", 18000, "unsigned temperature"),
        ("9905", 3000, "9900"),  # 99 is only used for light and variable
        ("3720", 3000, "direction code 37"),
        ("0020", 3000, "direction code 00"),
        ("5020", 3000, "direction code 50"),
        ("8720", 3000, "direction code 87"),
        ("27", 3000, "is not DDff"),
        ("27A5", 3000, "is not DDff"),
        ("2726*09", 6000, "is not DDff"),
        ("2726-9", 6000, "is not DDff"),
        ("２７２６", 3000, "is not DDff"),  # full-width digits are not ASCII digits
    ],
)
def test_decode_group_refuses(group, level, fragment):
    with pytest.raises(ValueError, match=fragment):
        decode_group(group, level, 24000)


def test_temps_neg_above_comes_from_the_header():
    text = "TEMPS NEG ABV 30000\nFT  3000    6000   30000  34000\nXYZ 2426 2726-09 2755-50 276050\n"
    w = _levels(text, "XYZ")
    assert w[34000].temperature_c == -50.0
    bad = text.replace("2755-50", "275550")  # 30 000 ft is not above 30 000 ft
    with pytest.raises(DataFileError, match="unsigned temperature"):
        parse_fb(bad)


# --- blank levels and column slicing --------------------------------------------------------


def test_blank_levels_near_the_station_keep_their_columns():
    """ABQ's first group is under 9000 ft; a whitespace split would put it at 3000 ft."""
    abq = parse_fb(BLANK_ROWS).station("ABQ")
    assert [lv.level_ft for lv in abq.levels] == [
        9000, 12000, 18000, 24000, 30000, 34000, 39000
    ]  # fmt: skip
    w = {lv.level_ft: lv.wind for lv in abq.levels}
    assert (w[9000].from_deg, w[9000].speed_kt, w[9000].temperature_c) == (330.0, 25.0, 3.0)
    assert (w[39000].from_deg, w[39000].speed_kt, w[39000].temperature_c) == (280.0, 55.0, -61.0)
    abi = {lv.level_ft: lv.wind for lv in parse_fb(BLANK_ROWS).station("ABI").levels}
    assert 3000 not in abi
    assert (abi[6000].from_deg, abi[6000].speed_kt, abi[6000].temperature_c) == (50.0, 17.0, 6.0)
    # 770853 at 39 000 ft: 270° at 108 kt, -53 °C
    assert (abi[39000].from_deg, abi[39000].speed_kt, abi[39000].temperature_c) == (
        270.0,
        108.0,
        -53.0,
    )


def test_wind_only_group_left_in_a_temperature_column():
    """GLD: 3000 ft blank, and 6000 ft has a wind but no temperature (within 2 500 ft of the
    station), printed as a 4-character group at the left of the 7-character column."""
    b = parse_fb(SAMPLE.read_text())
    gld = {lv.level_ft: lv for lv in b.station("GLD").levels}
    assert 3000 not in gld
    assert gld[6000].group == "1923"
    assert (gld[6000].wind.from_deg, gld[6000].wind.speed_kt) == (190.0, 23.0)
    assert math.isnan(gld[6000].wind.temperature_c)
    assert gld[9000].wind.temperature_c == 3.0


def test_sample_bulletin_decodes_every_station():
    b = parse_fb(SAMPLE.read_text())
    assert len(b.stations) == 41
    assert sum(len(s.levels) for s in b.stations.values()) == 41 * 9 - 9  # 9 rows lack 3000 ft
    mkc = b.station("MKC")
    assert mkc.valid == "180600Z" and mkc.for_use == "0200-0900Z" and mkc.based_on == "180000Z"
    w = {lv.level_ft: lv.wind for lv in mkc.levels}
    assert w[3000].light_variable and w[3000].speed_kt == 0.0
    assert (w[39000].from_deg, w[39000].speed_kt, w[39000].temperature_c) == (260.0, 108.0, -55.0)
    # ICAO-style and lower-case ids find the same row
    assert b.station("KMKC") is mkc and b.station("mkc") is mkc


# --- altitudes ------------------------------------------------------------------------------


def test_levels_up_to_12000_ft_are_msl():
    for ft in (3000, 6000, 9000, 12000):
        z, is_pa = level_altitude(ft)
        assert not is_pa
        assert z == pytest.approx(ft * 0.3048, abs=1e-9)  # exact international foot


@pytest.mark.parametrize("ft", [18000, 24000, 30000, 34000, 39000, 45000, 53000])
def test_pressure_altitude_levels_convert_through_the_standard_atmosphere(ft):
    """Independent path: ISA pressure from the ICAO closed form (geopotential H, troposphere and
    the isothermal layer 11-20 km), then ambiance's inverse (geometric altitude for a pressure).
    Tolerance 0.1 m: ambiance and USSA 1976 agree to ~5e-6 in p (README section 1), i.e.
    about 0.04 m of altitude."""
    import ambiance

    h = ft * 0.3048
    if h <= 11000.0:
        p = 101325.0 * (1.0 - 0.0065 * h / 288.15) ** 5.255877
    else:
        p = 22632.06 * math.exp(-9.80665 / (287.05287 * 216.65) * (h - 11000.0))
    z_ref = float(ambiance.Atmosphere.from_pressure([p]).h[0])
    z, is_pa = level_altitude(ft)
    assert is_pa
    assert z == pytest.approx(z_ref, abs=0.1)
    # and the size of the conversion: z - H = H^2 / (r0 - H), r0 = 6 356 766 m (USSA 1976)
    assert z - h == pytest.approx(h * h / (6_356_766.0 - h), abs=0.01)


def test_conversion_size_at_39000_ft():
    # documented: +22 m at 39 000 ft (H^2 / (r0 - H) = 22.3 m)
    assert pressure_altitude_to_geometric(39000 * FT) - 39000 * FT == pytest.approx(22.3, abs=0.1)


def test_read_winds_profile_and_display_arrays():
    data = read_winds(SAMPLE, "fb", "MKC")
    assert data.atmosphere is None
    assert "MKC" in data.source and "180600Z" in data.source
    assert len(data.altitude_m) == 9
    assert np.all(np.diff(data.altitude_m) > 0)
    # 3000 ft: light and variable -> calm, direction undefined
    assert math.isnan(data.from_deg[0]) and data.speed_m_s[0] == 0.0
    e, n = data.profile.at(3000 * FT)
    assert float(e) == 0.0 and float(n) == 0.0
    # 39000 ft: 260° at 108 kt -> air moves toward 080°: east = -V sin(260°), north = -V cos(260°)
    v = 108 * KT
    e, n = data.profile.at(data.altitude_m[-1])
    assert float(e) == pytest.approx(-v * math.sin(math.radians(260)), rel=1e-12)
    assert float(n) == pytest.approx(-v * math.cos(math.radians(260)), rel=1e-12)
    assert data.temperature_c[-1] == -55.0 and math.isnan(data.temperature_c[0])
    assert data.label[0] == "3000 ft MSL, L&V" and data.label[-1] == "FL390"
    rows = data.rows()
    assert set(rows[0]) == {"altitude_m", "from_deg", "speed_m_s", "temperature_c"}
    assert rows[0]["from_deg"] is None and rows[0]["temperature_c"] is None


# --- errors -------------------------------------------------------------------------------


def _error(text: str, station: str = "ABR") -> DataFileError:
    with pytest.raises(DataFileError) as info:
        winds_from_bytes(text.encode(), "bulletin.txt", "fb", station)
    err = info.value
    assert "\n" not in str(err)
    return err


def test_bad_group_names_line_station_and_level():
    text = BLANK_ROWS.replace("3431-04", "3431x04")
    err = _error(text)
    assert err.path == "bulletin.txt" and err.field == "line 10"
    assert "ABR 6000 ft" in err.message and "3431x04" in err.message


def test_group_straddling_two_levels_is_refused():
    text = BLANK_ROWS.replace("ABR 3214 3431-04", "ABR 3214    3431-04")
    err = _error(text)
    assert err.field == "line 10"


def test_text_beyond_the_last_level():
    err = _error(BLANK_ROWS.replace("344353", "344353 123456"))
    assert err.field == "line 10" and "beyond the last level" in err.message


def test_tab_is_refused_with_its_line():
    err = _error(BLANK_ROWS.replace("ABR 3214", "ABR\t3214"))
    assert err.field == "line 10" and "tab" in err.message


def test_not_a_station_row():
    err = _error(BLANK_ROWS + "this is not a row\n")
    assert err.field == "line 11" and "not a station row" in err.message


def test_bad_ft_line():
    err = _error(BLANK_ROWS.replace("12000   18000", "12000   1800O"))
    assert err.field == "line 7" and "1800O" in err.message
    err = _error(BLANK_ROWS.replace("12000   18000", "18000   12000"))
    assert err.field == "line 7" and "increase" in err.message


def test_duplicate_station():
    text = BLANK_ROWS + "ABR 3214 3431-04 3540-09 3536-15 3431-28 3335-41 312756 323555 344353\n"
    err = _error(text)
    assert err.field == "line 11" and "first on line 10" in err.message


def test_unknown_station_lists_stations_that_exist():
    err = _error(BLANK_ROWS, station="ABX")
    assert err.field is None
    assert "ABX" in err.message and "ABI, ABQ, ABR" in err.message
    assert "did you mean" in err.message


def test_missing_station_and_no_ft_line():
    assert "needs a station" in _error(BLANK_ROWS, station=None).message
    assert "no 'FT' level line" in _error("DATA BASED ON 031800Z\n").message


def test_non_utf8_bytes_name_the_line():
    raw = BLANK_ROWS.encode().replace(b"ABR 3214", b"ABR \xff214")
    with pytest.raises(DataFileError) as info:
        winds_from_bytes(raw, "b.txt", "fb", "ABR")
    assert info.value.field == "line 10"


def test_data_file_error_is_a_scenario_error():
    # the CLI prints ScenarioError (and so DataFileError) as one line, exit status 2
    assert issubclass(DataFileError, ScenarioError)


# --- fuzzing ------------------------------------------------------------------------------

_FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _decodes_or_clean_error(raw: bytes, station: str | None) -> None:
    try:
        data = winds_from_bytes(raw, "fuzz.txt", "fb", station)
    except DataFileError as exc:
        assert exc.path == "fuzz.txt"
        assert "\n" not in str(exc)
        return
    assert np.all(np.diff(data.profile.altitude) > 0)
    assert np.all(np.isfinite(data.profile.east)) and np.all(np.isfinite(data.profile.north))
    assert np.all(data.speed_m_s >= 0)


@_FUZZ
@given(st.binary(max_size=400))
def test_fuzz_random_bytes(raw):
    _decodes_or_clean_error(raw, "ABR")


@_FUZZ
@given(st.text(alphabet=st.sampled_from("FT ABR0123456789+-\n\t.Z9"), max_size=300))
def test_fuzz_bulletin_like_text(text):
    _decodes_or_clean_error(text.encode(), "ABR")


@_FUZZ
@given(st.text(max_size=300))
def test_fuzz_random_text_after_ft_line(text):
    _decodes_or_clean_error(("FT  3000    6000\n" + text).encode(), "ABR")


@_FUZZ
@given(st.data())
def test_fuzz_mutated_valid_bulletins(data):
    """Replace, insert or delete a few characters of a valid bulletin."""
    text = data.draw(st.sampled_from([BLANK_ROWS, README_SAMPLE, SAMPLE.read_text()]))
    chars = st.sampled_from(list("0123456789+- \nABRFTZ9\t.é\x00"))
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text)))
        op = data.draw(st.sampled_from(["replace", "insert", "delete"]))
        c = data.draw(chars)
        if op == "replace":
            text = text[:i] + c + text[i + 1 :]
        elif op == "insert":
            text = text[:i] + c + text[i:]
        else:
            text = text[:i] + text[i + 1 :]
    station = data.draw(st.sampled_from(["ABR", "MKC", "ABQ", "BRL", None]))
    _decodes_or_clean_error(text.encode(), station)


# --- the command line and the scenario ------------------------------------------------------


def test_cli_table_and_json():
    res = run_cli("winds", SAMPLE, "--format", "fb", "--station", "MKC", "--units", "aviation")
    assert res.returncode == 0, res.stderr
    assert "MKC" in res.stdout and "FL390" in res.stdout and "calm" in res.stdout
    assert "39,073" in res.stdout  # FL390 is 39 073 ft geometric MSL (+22 m)
    res = run_cli("winds", SAMPLE, "--format", "fb", "--station", "MKC", "--json")
    assert res.returncode == 0, res.stderr
    rows = res.json()
    assert [set(r) for r in rows] == [{"altitude_m", "from_deg", "speed_m_s", "temperature_c"}] * 9
    assert rows[0]["from_deg"] is None and rows[0]["speed_m_s"] == 0.0
    assert rows[-1]["from_deg"] == 260.0
    assert rows[-1]["speed_m_s"] == pytest.approx(108 * 1852 / 3600, rel=1e-12)
    assert rows[-1]["temperature_c"] == -55.0


def test_cli_bad_bulletin_is_one_line_naming_file_and_line(tmp_path: Path):
    bad = tmp_path / "bad.txt"
    bad.write_text(BLANK_ROWS.replace("3431-04", "3431x04"))
    res = run_cli("winds", bad, "--format", "fb", "--station", "ABR")
    assert_clean_error(res, "bad.txt", "line 10", "3431x04")
    res = run_cli("winds", SAMPLE, "--format", "fb", "--station", "XYZ")
    assert_clean_error(res, "XYZ", "ABR")


def test_scenario_winds_file_fb(tmp_path: Path):
    from stuntsim.scenario.common import AtmosphereSection
    from stuntsim.scenario.world import build_air
    from stuntsim.world.atmosphere import standard

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "fb.txt").write_text(SAMPLE.read_text())
    scenario = tmp_path / "jump.toml"
    sec = AtmosphereSection.model_validate(
        {"winds_file": "data/fb.txt", "format": "fb", "station": "MKC"}
    )
    air = build_air(sec, None, scenario)
    assert sec.model == "standard"
    np.testing.assert_array_equal(air.atmosphere.lnp, standard().lnp)
    ref = read_winds(SAMPLE, "fb", "MKC").profile
    np.testing.assert_array_equal(air.wind.altitude, ref.altitude)
    np.testing.assert_array_equal(air.wind.east, ref.east)
    assert air.winds_data is not None and "MKC" in air.winds_data.source


def test_scenario_fb_errors(tmp_path: Path):
    from pydantic import ValidationError

    from stuntsim.scenario.common import AtmosphereSection, WindLayer
    from stuntsim.scenario.world import build_air

    with pytest.raises(ValidationError, match="station"):
        AtmosphereSection.model_validate({"winds_file": "x.txt", "format": "fb"})
    with pytest.raises(ValidationError, match="format"):
        AtmosphereSection.model_validate({"winds_file": "x.txt"})
    with pytest.raises(ValidationError, match="only used with"):
        AtmosphereSection.model_validate({"winds_file": "x.csv", "format": "csv", "station": "ABR"})
    sec = AtmosphereSection.model_validate(
        {"winds_file": "missing.txt", "format": "fb", "station": "MKC"}
    )
    with pytest.raises(ScenarioError) as info:
        build_air(sec, None, tmp_path / "s.toml")
    assert info.value.field == "atmosphere.winds_file"
    (tmp_path / "fb.txt").write_text(BLANK_ROWS.replace("3431-04", "3431x04"))
    sec = AtmosphereSection.model_validate(
        {"winds_file": "fb.txt", "format": "fb", "station": "ABR"}
    )
    with pytest.raises(DataFileError) as info:
        build_air(sec, None, tmp_path / "s.toml")
    assert info.value.path == str(tmp_path / "fb.txt") and info.value.field == "line 10"
    layer = WindLayer.model_validate({"altitude": "1000 ft", "from": "270 deg", "speed": "5 kt"})
    (tmp_path / "ok.txt").write_text(BLANK_ROWS)
    sec = AtmosphereSection.model_validate(
        {"winds_file": "ok.txt", "format": "fb", "station": "ABR"}
    )
    with pytest.raises(ScenarioError, match="not both") as info:
        build_air(sec, [layer], tmp_path / "s.toml")
    assert info.value.field == "winds"
