"""Winds aloft interpolation, unit parsing, display conversions and the site frame."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stuntsim.units import KT, Display, UnitParseError, parse_quantity
from stuntsim.world.geo import Site
from stuntsim.world.wind import WindProfile


def test_wind_from_west_blows_east():
    w = WindProfile.from_direction_speed([0.0], [math.radians(270.0)], [10.0])
    e, n = w.at(100.0)
    assert float(e) == pytest.approx(10.0)
    assert float(n) == pytest.approx(0.0, abs=1e-12)


def test_interpolates_components_not_angles():
    # from 350 at 10 and from 010 at 10: the mean is from 360 at 10 cos(10 deg), not from 180
    w = WindProfile.from_direction_speed(
        [0.0, 1000.0], [math.radians(350.0), math.radians(10.0)], [10.0, 10.0]
    )
    frm, spd = w.direction_speed(500.0)
    assert float(frm) % 360.0 == pytest.approx(0.0, abs=1e-9) or float(frm) == pytest.approx(360.0)
    assert float(spd) == pytest.approx(10.0 * math.cos(math.radians(10.0)))


def test_held_constant_beyond_the_data():
    w = WindProfile.from_direction_speed(
        [1000.0, 2000.0], [math.radians(270.0), math.radians(180.0)], [5.0, 20.0]
    )
    assert np.allclose(w.at(0.0), w.at(1000.0))
    assert np.allclose(w.at(30_000.0), w.at(2000.0))


@given(st.floats(0, 360), st.floats(0, 80))
def test_direction_speed_round_trip(frm, spd):
    w = WindProfile.from_direction_speed([0.0], [math.radians(frm)], [spd])
    f2, s2 = w.direction_speed(0.0)
    assert float(s2) == pytest.approx(spd, abs=1e-9)
    if spd > 1e-6:
        d = (float(f2) - frm + 180.0) % 360.0 - 180.0
        assert abs(d) < 1e-6


@pytest.mark.parametrize(
    ("text", "kind", "si"),
    [
        ("25000 ft", "length", 7620.0),
        ("130 kt", "speed", 130 * 1852 / 3600),
        ("270 deg", "angle", math.radians(270)),
        ("090 deg", "angle", math.radians(90)),
        ("0.45 m^2", "area", 0.45),
        ("30 min", "time", 1800.0),
        ("1500 ft/min", "speed", 7.62),
        ("20 %", "fraction", 0.2),
        ("847 shp", "power", 847 * 745.6998715822702),
        ("-34.5 degC", "temperature", 238.65),
    ],
)
def test_parse_quantity(text, kind, si):
    assert parse_quantity(text, kind) == pytest.approx(si, rel=1e-12)


@pytest.mark.parametrize(
    ("value", "kind", "fragment"),
    [
        ("25000 kg", "length", "not a length"),
        (25000, "length", "no unit"),
        ("fast", "speed", "not a number"),
        ("20 %", "angle", "not an angle"),
        ("12 furlongz", "length", "unknown unit"),
    ],
)
def test_parse_quantity_errors(value, kind, fragment):
    with pytest.raises(UnitParseError, match=fragment):
        parse_quantity(value, kind)


def test_display_systems():
    assert Display("aviation").fmt(7620.0, "altitude") == "25,000 ft"
    assert Display("imperial").fmt(100 * 0.44704, "speed") == "100.0 mph"
    assert Display("aviation").fmt(50 * KT, "speed") == "50.0 kt"
    assert Display("si").fmt(238.65, "temperature") == "-34.5 °C"
    assert Display("imperial").fmt(233.15, "temperature") == "-40.0 °F"


def test_site_enu_round_trip():
    site = Site(24.06, 54.62, 100.0)
    lat, lon = site.to_geodetic(1000.0, -2000.0)
    e, n = site.to_enu(float(lat), float(lon))
    assert e == pytest.approx(1000.0, abs=1e-3)
    assert n == pytest.approx(-2000.0, abs=1e-3)
    # 1 km north is about 1/110.8 deg of latitude at 24 deg N (WGS 84 meridian arc)
    lat2, _ = site.to_geodetic(0.0, 1000.0)
    assert float(lat2) - 24.06 == pytest.approx(1000.0 / 110_790.0, rel=2e-3)
