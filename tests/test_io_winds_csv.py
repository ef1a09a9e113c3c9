"""Winds CSV: the header names the units; conversions against exact factors; errors name the
line; fuzzing; the command line.

Reference factors are exact by definition: 1 ft = 0.3048 m (1959 international foot),
1 kt = 1852 m / 3600 s, 1 km/h = 1/3.6 m/s, °F = °C * 9/5 + 32.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stuntsim.errors import DataFileError
from stuntsim.io.winds import winds_from_bytes
from stuntsim.io.winds_csv import parse_winds_csv

from conftest import EXAMPLES, assert_clean_error, run_cli

SAMPLE = EXAMPLES / "data" / "winds-dz.csv"


def _read(text: str):
    return winds_from_bytes(text.encode(), "w.csv", "csv")


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        ("altitude_ft,from_deg,speed_kt", "10000,270,20", (3048.0, 270.0, 20 * 1852 / 3600)),
        ("altitude (m), from (deg), speed (m/s)", "3048, 270, 10", (3048.0, 270.0, 10.0)),
        ("Altitude [ft],From [degrees],Speed [knots]", "1000,90,5", (304.8, 90.0, 5 * 1852 / 3600)),
        ("altitude_m,from_deg,speed_kmh", "500,180,36", (500.0, 180.0, 10.0)),
        ("speed_mps,altitude_km,from_rad", "7,1.5,3.141592653589793", (1500.0, 180.0, 7.0)),
        ("altitude_ft,from_deg,speed_mph", "1000,45,10", (304.8, 45.0, 4.4704)),
    ],
)
def test_header_forms_and_units(header, row, expected):
    c = parse_winds_csv(f"{header}\n{row}\n")
    got = (c.altitude_m[0], c.from_deg[0], c.speed_m_s[0])
    np.testing.assert_allclose(got, expected, rtol=1e-12)  # exact factors, float rounding only
    assert math.isnan(c.temperature_c[0])


@pytest.mark.parametrize(
    ("unit", "value", "celsius"),
    [("c", "-9", -9.0), ("degC", "15", 15.0), ("F", "14", -10.0), ("K", "273.15", 0.0)],
)
def test_temperature_units(unit, value, celsius):
    c = parse_winds_csv(f"altitude_ft,from_deg,speed_kt,temperature_{unit}\n6000,270,26,{value}\n")
    assert c.temperature_c[0] == pytest.approx(celsius, abs=1e-9)


def test_sample_file_comments_blank_cells_and_order():
    data = winds_from_bytes(SAMPLE.read_bytes(), SAMPLE, "csv")
    assert len(data.altitude_m) == 8
    assert data.altitude_m[0] == pytest.approx(304.8, rel=1e-12)
    assert math.isnan(data.temperature_c[1]) and data.temperature_c[0] == pytest.approx(14.0)
    # rows in any order are sorted; a byte-order mark and CRLF line ends are fine
    text = "\ufeff# note\r\naltitude_ft,from_deg,speed_kt\r\n9000,270,28\r\n\r\n3000,240,15\r\n"
    d = _read(text)
    np.testing.assert_allclose(d.altitude_m, [914.4, 2743.2], rtol=1e-12)
    np.testing.assert_allclose(d.from_deg, [240.0, 270.0])
    assert d.label == ("line 5", "line 3")


def test_profile_components():
    d = _read("altitude_m,from_deg,speed_m_s\n1000,90,10\n2000,0,5\n")
    e, n = d.profile.at(np.array([1000.0, 2000.0]))
    # from 090 at 10 m/s: air moves west; from 000 (north) at 5 m/s: air moves south
    np.testing.assert_allclose(e, [-10.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(n, [0.0, -5.0], atol=1e-12)


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("altitude,from_deg,speed_kt\n1000,1,1\n", "line 1", "needs a unit"),
        ("altitude_ft,from_deg\n1000,1\n", "line 1", "lacks speed"),
        ("altitude_ft,from_deg,speed_kt,gust_kt\n", "line 1", "gust_kt"),
        ("altitude_ft,from_deg,speed_parsec\n1,1,1\n", "line 1", "not a unit of speed"),
        ("altitude_kg,from_deg,speed_kt\n1,1,1\n", "line 1", "not a unit of length"),
        ("altitude_ft,from_deg,speed_kt,speed_kt\n", "line 1", "twice"),
        ("# c\naltitude_ft,from_deg,speed_kt\n1000,270,x\n", "line 3", "'x' is not a number"),
        ("altitude_ft,from_deg,speed_kt\n1000,270,\n", "line 2", "'speed' is empty"),
        ("altitude_ft,from_deg,speed_kt\n1000,370,5\n", "line 2", "outside 0-360"),
        ("altitude_ft,from_deg,speed_kt\n1000,270,-5\n", "line 2", "plausible"),
        ("altitude_ft,from_deg,speed_kt\n1000,270,5,9\n", "line 2", "more cells"),
        ("altitude_ft,from_deg,speed_kt\n1000,270,5\n\n1000,90,3\n", "line 4", "also on line 2"),
        ("altitude_ft,from_deg,speed_kt\n", None, "no rows"),
        ("# only a comment\n", None, "empty file"),
    ],
)
def test_errors_name_the_line(text, line, fragment):
    with pytest.raises(DataFileError) as info:
        _read(text)
    err = info.value
    assert err.path == "w.csv" and err.field == line and fragment in err.message
    assert "\n" not in str(err)


_FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FUZZ
@given(st.text(alphabet=st.sampled_from('altitude_ftfromdegspeedkt(m/s)[],"#0123456789.-e \n'),
               max_size=200))  # fmt: skip
def test_fuzz(text):
    try:
        d = _read(text)
    except DataFileError as exc:
        assert exc.path == "w.csv"
        return
    assert np.all(np.diff(d.profile.altitude) > 0) and np.all(d.speed_m_s >= 0)


@_FUZZ
@given(st.binary(max_size=200))
def test_fuzz_bytes_after_header(raw):
    try:
        d = winds_from_bytes(b"altitude_ft,from_deg,speed_kt\n" + raw, "w.csv", "csv")
    except DataFileError as exc:
        assert exc.path == "w.csv"
        return
    assert np.all(np.diff(d.profile.altitude) > 0)


def test_cli(tmp_path: Path):
    res = run_cli("winds", SAMPLE, "--format", "csv", "--units", "imperial")
    assert res.returncode == 0, res.stderr
    assert "25,000" in res.stdout and "mph" in res.stdout
    res = run_cli("winds", SAMPLE, "--format", "csv", "--json")
    rows = res.json()
    assert rows[1] == {
        "altitude_m": pytest.approx(914.4),
        "from_deg": 240.0,
        "speed_m_s": pytest.approx(15 * 1852 / 3600),
        "temperature_c": None,
    }
    bad = tmp_path / "w.csv"
    bad.write_text("altitude_ft,from_deg,speed_kt\n1000,270,fast\n")
    assert_clean_error(run_cli("winds", bad, "--format", "csv"), "w.csv", "line 2", "fast")
    assert_clean_error(run_cli("winds", tmp_path / "none.csv", "--format", "csv"), "not found")


def test_scenario_csv_winds_file(tmp_path: Path):
    from stuntsim.scenario.common import AtmosphereSection
    from stuntsim.scenario.world import build_air

    (tmp_path / "w.csv").write_text("altitude_ft,from_deg,speed_kt\n3000,240,15\n9000,270,28\n")
    sec = AtmosphereSection.model_validate({"winds_file": "w.csv", "format": "csv"})
    air = build_air(sec, None, tmp_path / "s.toml")
    np.testing.assert_allclose(air.wind.altitude, [914.4, 2743.2], rtol=1e-12)
    frm, spd = air.wind.direction_speed(2743.2)
    assert float(frm) == pytest.approx(270.0) and float(spd) == pytest.approx(28 * 1852 / 3600)
