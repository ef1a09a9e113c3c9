"""University of Wyoming TEXT:LIST soundings: column slicing, blank fields, header and footer,
repeated levels, errors naming the line, fuzzing, and the command line.

Expected values are read off the rows by eye (the format is documented at
weather.uwyo.edu/upperair/columns.html).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stuntsim.errors import DataFileError
from stuntsim.io.winds import KT, read_winds, winds_from_bytes
from stuntsim.io.wyoming import parse_wyoming

from conftest import EXAMPLES, assert_clean_error, run_cli

SAMPLE = EXAMPLES / "data" / "wyoming-72681-BOI-2010-12-09-12Z.txt"
RULE = "-" * 77
HEADER = (
    "   PRES   HGHT   TEMP   DWPT   RELH   MIXR   DRCT   SKNT   THTA   THTE   THTV\n"
    "    hPa     m      C      C      %    g/kg    deg   knot     K      K      K \n"
)
# A sample row of the TEXT:LIST layout (150 hPa)
README_ROW = "  150.0  14020  -62.7  -69.7     38   0.02    260     57  361.9  362.0  361.9"


def table(*rows: str, footer: str = "") -> str:
    return f"{RULE}\n{HEADER}{RULE}\n" + "\n".join(rows) + "\n" + footer


def test_reference_readme_row():
    s = parse_wyoming(table(README_ROW))
    assert s.pressure_hpa[0] == 150.0 and s.height_gpm[0] == 14020.0
    assert s.temperature_c[0] == -62.7 and s.dewpoint_c[0] == -69.7
    assert s.direction_deg[0] == 260.0 and s.speed_kt[0] == 57.0


def test_blank_fields_are_sliced_by_column():
    """DWPT, RELH and MIXR blank: a whitespace split would read DRCT 270 as the dew point."""
    s = parse_wyoming(
        table(
            " 1000.0    185",
            "  598.0   4261  -14.7                         270     42  299.4         299.4",
            "    7.5  32485  -56.9                                     875.1         875.1",
        )
    )
    assert math.isnan(s.temperature_c[0]) and math.isnan(s.speed_kt[0])
    assert s.temperature_c[1] == -14.7 and math.isnan(s.dewpoint_c[1])
    assert (s.direction_deg[1], s.speed_kt[1]) == (270.0, 42.0)
    assert s.temperature_c[2] == -56.9
    assert math.isnan(s.direction_deg[2]) and math.isnan(s.speed_kt[2])


def test_sample_file_header_footer_and_station_block():
    s = parse_wyoming(SAMPLE.read_text(), SAMPLE)
    assert s.title == "72681 BOI Boise Observations at 12Z 09 Dec 2010"
    assert (s.station, s.station_number, s.observation_time) == ("BOI", "72681", "101209/1200")
    assert s.elevation_m == 874.0
    # 134 rows, two repeated levels dropped: 115.0 hPa at 15 237 m after 15 240 m, and
    # 20.0 hPa at 26 210 m after 26 213 m
    assert len(s.pressure_hpa) == 132
    assert len(s.dropped_lines) == 2
    lines = SAMPLE.read_text().split("\n")
    assert [lines[n - 1][:14] for n in s.dropped_lines] == ["  115.0  15237", "   20.0  26210"]
    assert np.all(np.diff(s.height_gpm) > 0)
    assert s.height_gpm[-1] == 32485.0 and s.pressure_hpa[-1] == 7.5
    # the first two rows are below the station (874 m): PRES and HGHT only
    assert s.height_gpm[0] == 185.0 and math.isnan(s.temperature_c[0])


def test_read_winds_converts_geopotential_height_and_knots():
    data = read_winds(SAMPLE, "wyoming")
    # geometric z = r0 H / (r0 - H), r0 = 6 356 766 m (USSA 1976): the top row, 32 485 gpm
    r0 = 6_356_766.0
    assert data.altitude_m[-1] == pytest.approx(r0 * 32485.0 / (r0 - 32485.0), rel=1e-12)
    # rows with neither wind nor temperature (below the ground) are not shown
    assert data.label[0] == "919 hPa"
    assert data.altitude_m[0] == pytest.approx(r0 * 874.0 / (r0 - 874.0), rel=1e-12)
    assert data.speed_m_s[0] == pytest.approx(3 * KT) and data.from_deg[0] == 240.0
    # the wind profile holds the wind rows only (the top row has none)
    assert len(data.profile.altitude) == len(data.altitude_m) - 1
    i = data.label.index("250 hPa")
    e, n = data.profile.at(data.altitude_m[i])
    v = 109 * KT  # 250 hPa: 280° at 109 kt
    assert float(e) == pytest.approx(-v * math.sin(math.radians(280)), rel=1e-9)
    assert float(n) == pytest.approx(-v * math.cos(math.radians(280)), rel=1e-9)
    assert data.atmosphere is not None and "BOI" in data.source


def test_direction_360_and_0_are_north():
    data = winds_from_bytes(
        table(
            "  850.0   1500   10.0    5.0     70   6.00    360     10  290.0  300.0  291.0",
            "  700.0   3000    0.0   -5.0     70   3.00      0     20  300.0  305.0  300.5",
        ).encode(),
        "s.txt",
        "wyoming",
    )
    assert list(data.from_deg) == [0.0, 0.0]
    e, n = data.profile.at(data.altitude_m)
    np.testing.assert_allclose(e, 0.0, atol=1e-12)
    np.testing.assert_allclose(n, [-10 * KT, -20 * KT], rtol=1e-12)


# --- errors -------------------------------------------------------------------------------

GOOD = "  850.0   1500   10.0    5.0     70   6.00    250     10  290.0  300.0  291.0"


def _error(text: str) -> DataFileError:
    with pytest.raises(DataFileError) as info:
        winds_from_bytes(text.encode(), "snd.txt", "wyoming")
    assert info.value.path == "snd.txt" and "\n" not in str(info.value)
    return info.value


def test_error_bad_number_names_line_and_column():
    err = _error(table(GOOD, "  700.0   3O00    0.0   -5.0     70   3.00    260     20"))
    assert err.field == "line 6" and "HGHT" in err.message and "3O00" in err.message


def test_error_pressure_rises_and_height_falls():
    err = _error(table(GOOD, "  900.0   2000    0.0"))
    assert err.field == "line 6" and "pressure rises" in err.message
    err = _error(table(GOOD, "  700.0   1000    0.0"))
    assert err.field == "line 6" and "height falls" in err.message


def test_error_out_of_range_and_missing_pressure():
    assert "TEMP" in _error(table(GOOD, "  700.0   3000  -130.0")).message
    err = _error(table(GOOD, "          3000    0.0"))
    assert err.field == "line 6" and "PRES" in err.message


def test_blank_height_row_is_dropped_and_reported():
    """A surface row with a blank HGHT (as the Wyoming server writes some) is dropped with a
    note beside the repeated levels, not refused whole."""
    text = table(
        "  925.0          4.0    2.0     87   5.00    270      5",
        GOOD,
        "  700.0   3000    0.0   -5.0     70   3.00    260     20",
        "  700.0   2995    0.0   -5.0     70   3.00    260     20",
    )
    s = parse_wyoming(text)
    assert s.pressure_hpa.tolist() == [850.0, 700.0]
    assert s.blank_height_lines == (5,) and s.dropped_lines == (8,)
    assert s.notes == (
        "dropped 1 row with a blank height (HGHT) (line 5)",
        "dropped 1 row repeating the level below (line 8)",
    )
    data = winds_from_bytes(text.encode(), "snd.txt", "wyoming")
    assert data.notes == s.notes
    assert "no rows with a height" in _error(table("  925.0          4.0")).message


def test_missing_station_fields_are_missing_not_minus_9999():
    footer = (
        "Station information and sounding indices\n"
        "                         Station number: 72681\n"
        "                      Station elevation: -9999.0\n"
        "                       Station latitude: -9999.0\n"
    )
    s = parse_wyoming(table(GOOD, footer=footer))
    assert s.elevation_m is None
    assert s.station_number == "72681"
    assert s.name == "72681"
    # a -9999 in the table is a blank, never -9999 m
    s = parse_wyoming(table(GOOD, "  700.0   3000-9999.0   -5.0     70   3.00    260     20"))
    assert math.isnan(s.temperature_c[1])


def test_untitled_sounding_is_not_sounding_sounding():
    data = winds_from_bytes(table(GOOD).encode(), "snd.txt", "wyoming")
    assert data.source == "University of Wyoming sounding, snd.txt"


def test_error_layout():
    assert "no sounding table" in _error("just some text\n").message
    err = _error(table(GOOD).replace("   PRES   HGHT", "  PRES    HGHT"))
    assert err.field == "line 2" and "7-character" in err.message
    assert "tab" in _error(table(GOOD.replace("  850.0", "\t850.0"))).message
    assert "beyond" in _error(table(GOOD + "   12.3")).message
    err = _error(table(GOOD, footer="\n" + table(GOOD)))
    assert "second sounding" in err.message
    assert "no winds" in _error(table("  850.0   1500   10.0")).message
    assert "no rows" in _error(table()).message


# --- fuzzing ------------------------------------------------------------------------------

_FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _decodes_or_clean_error(raw: bytes) -> None:
    try:
        data = winds_from_bytes(raw, "fuzz.txt", "wyoming")
    except DataFileError as exc:
        assert exc.path == "fuzz.txt" and "\n" not in str(exc)
        return
    assert np.all(np.diff(data.profile.altitude) > 0)
    if data.atmosphere is not None:
        assert np.all(np.isfinite(data.atmosphere.t)) and np.all(data.atmosphere.t > 0)


@_FUZZ
@given(st.binary(max_size=300))
def test_fuzz_random_bytes_after_header(raw):
    _decodes_or_clean_error(table().encode() + raw)


@_FUZZ
@given(st.data())
def test_fuzz_mutated_sounding(data):
    text = table(
        " 1000.0    185",
        GOOD,
        "  700.0   3000    0.0   -5.0     70   3.00    260     20  300.0  305.0  300.5",
        README_ROW,
        footer="</PRE><H3>Station information and sounding indices</H3><PRE>\n",
    )
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text)))
        c = data.draw(st.sampled_from(list("0123456789.- \n-+xE\t")))
        op = data.draw(st.sampled_from(["replace", "insert", "delete"]))
        if op == "replace":
            text = text[:i] + c + text[i + 1 :]
        elif op == "insert":
            text = text[:i] + c + text[i:]
        else:
            text = text[:i] + text[i + 1 :]
    _decodes_or_clean_error(text.encode())


# --- command line -------------------------------------------------------------------------


def test_cli_table_and_json():
    res = run_cli("winds", SAMPLE, "--format", "wyoming")
    assert res.returncode == 0, res.stderr
    assert "BOI" in res.stdout and "250 hPa" in res.stdout and "Atmosphere:" in res.stdout
    res = run_cli("winds", SAMPLE, "--format", "wyoming", "--json")
    assert res.returncode == 0, res.stderr
    rows = res.json()
    assert len(rows) == 130  # 132 kept rows, minus the two below the ground
    assert rows[-1]["from_deg"] is None and rows[-1]["temperature_c"] == -56.9


def test_cli_errors(tmp_path: Path):
    bad = tmp_path / "snd.txt"
    bad.write_text(table(GOOD, "  700.0   3O00    0.0"))
    assert_clean_error(run_cli("winds", bad, "--format", "wyoming"), "snd.txt", "line 6")
    res = run_cli("winds", SAMPLE, "--format", "wyoming", "--station", "BOI")
    assert_clean_error(res, "--station")
