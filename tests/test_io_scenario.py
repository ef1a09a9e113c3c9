"""Scenario files a user (or a fuzzer) can write that must end as one clean error line:
huge integers, deep nesting, long or control-character strings, NaN and infinity, quantities
out of any physical range, and unit strings that make pint overflow."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from stuntsim.errors import ScenarioError
from stuntsim.scenario.common import SiteSection, WindLayer
from stuntsim.scenario.load import MAX_DEPTH, MAX_TEXT, read_toml
from stuntsim.units import RANGES, UnitParseError, parse_quantity


def _toml_error(tmp_path: Path, text: str) -> ScenarioError:
    f = tmp_path / "s.toml"
    f.write_text(text)
    with pytest.raises(ScenarioError) as info:
        read_toml(f)
    assert "\n" not in str(info.value) and len(str(info.value)) < 600
    return info.value


def test_integer_of_4301_digits(tmp_path):
    err = _toml_error(tmp_path, 'kind = "jump"\nx = ' + "1" * 4301 + "\n")
    assert "integer" in err.message


def test_integer_beyond_2_53(tmp_path):
    err = _toml_error(tmp_path, 'kind = "jump"\n[jumper]\ncount = 99999999999999999999\n')
    assert err.field == "jumper.count" and "2^53" in err.message


def test_nesting_600_deep(tmp_path):
    err = _toml_error(tmp_path, 'kind = "jump"\nx = ' + "[" * 600 + "]" * 600 + "\n")
    assert "nested" in err.message
    err = _toml_error(tmp_path, 'kind = "jump"\nx = ' + "[" * 40 + "]" * 40 + "\n")
    assert "nested" in err.message and str(MAX_DEPTH) in err.message
    inline = "x = " + "{a = " * 40 + "1" + "}" * 40
    assert "nested" in _toml_error(tmp_path, inline + "\n").message


def test_long_and_control_strings(tmp_path):
    err = _toml_error(tmp_path, 'kind = "jump"\nname = "' + "x" * (MAX_TEXT + 1) + '"\n')
    assert err.field == "name" and "characters" in err.message
    err = _toml_error(tmp_path, 'kind = "jump"\nname = "bold\\u001b[1m"\n')
    assert "control character" in err.message


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "+nan"])
def test_nan_and_inf_in_toml(tmp_path, value):
    err = _toml_error(tmp_path, f'kind = "jump"\n[site]\nlat = {value}\n')
    assert err.field == "site.lat" and "finite" in err.message


def test_binary_and_not_toml(tmp_path):
    f = tmp_path / "s.toml"
    f.write_bytes(b"\xff\xfe\x00kind")
    with pytest.raises(ScenarioError, match="not UTF-8"):
        read_toml(f)
    f.write_text("root:$6$secret-hash:19000:0:99999:7:::\n")
    with pytest.raises(ScenarioError) as info:
        read_toml(f)
    assert "secret" not in str(info.value)


@pytest.mark.parametrize(
    ("value", "kind", "fragment"),
    [
        ("1e999 m", "length", "too large"),
        ("1 km**400", "length", "not a length"),
        ("1e9 km", "length", "beyond any physical length"),
        ("3.4e38 %", "fraction", "beyond any physical fraction"),
        ("1e-308 deg", "angle", "too small"),
        ("1e30 deg", "angle", "beyond"),
        ("4.6e18 m/s", "speed", "beyond"),
        ("x" * 10_000, "angle", "characters long"),
        ("1 m; rm -rf /", "length", "is not a unit"),
        ("10 kg", "length", "not a length"),
    ],
)
def test_quantities_outside_any_physical_range(value, kind, fragment):
    with pytest.raises(UnitParseError) as info:
        parse_quantity(value, kind)
    assert fragment in str(info.value)
    assert len(str(info.value)) < 200  # the 10 000-character value is not echoed


def test_ranges_keep_real_values():
    # the limits of RANGES leave every real figure: a 39 km exit, 377 m/s, a 56 t helicopter
    assert parse_quantity("38969.4 m", "length") == pytest.approx(38969.4)
    assert parse_quantity("377 m/s", "speed") == 377.0
    assert parse_quantity("56000 kg", "mass") == 56000.0
    assert parse_quantity("0 deg", "angle") == 0.0
    assert parse_quantity("-15 %", "fraction") == pytest.approx(-0.15)
    assert all(top > tiny > 0 for top, tiny in RANGES.values())


def test_fields_refuse_non_finite_and_out_of_range():
    with pytest.raises(ValidationError):
        SiteSection.model_validate({"lat": float("nan")})
    with pytest.raises(ValidationError, match=r"beyond"):
        WindLayer.model_validate({"altitude": "1e8 km", "from": "270 deg", "speed": "10 kt"})
    layer = WindLayer.model_validate({"altitude": "3000 ft", "from": "270 deg", "speed": "10 kt"})
    assert layer.altitude == pytest.approx(914.4)
