"""Atmosphere from a sounding: the file's rows, continuity at the top, the standard atmosphere
above and below, and the scenario keys that select it.

Independent references: the sounding rows themselves (rho = p / (R T), the ideal-gas law with
R = 287.05287 J/(kg K)), the USSA 1976 layer equations, and the closed-form pressure of a
constant-lapse-rate layer, p = p1 (T/T1)^(g0/(R L)).
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from stuntsim.errors import DataFileError, ScenarioError
from stuntsim.io.winds import read_winds
from stuntsim.io.wyoming import parse_wyoming
from stuntsim.world.atmosphere import geometric, gravity, standard, ussa76
from stuntsim.world.sounding import atmosphere_from_sounding

from conftest import EXAMPLES, run_cli

SAMPLE = EXAMPLES / "data" / "wyoming-72681-BOI-2010-12-09-12Z.txt"
R = 287.05287  # J/(kg K), dry air (ICAO Doc 7488/3; USSA 1976 R*/M0 to 7e-7)


def _rows():
    s = parse_wyoming(SAMPLE.read_text())
    m = np.isfinite(s.temperature_c)
    z = np.asarray(geometric(s.height_gpm[m]))
    return z, s.pressure_hpa[m] * 100.0, s.temperature_c[m] + 273.15


def test_density_at_the_file_rows_is_p_over_rt():
    z, p, t = _rows()
    atm = read_winds(SAMPLE, "wyoming").atmosphere
    assert atm is not None
    rel = atm.density(z) / (p / (R * t)) - 1.0
    # Bound: a row between two grid points is a kink of the piecewise-linear T(z) and ln p(z);
    # linear interpolation across it errs by at most dz/4 * (jump in slope). Sum of the
    # relative effects on T and on p, from the file's largest slope jumps.
    dT = np.diff(t) / np.diff(z)
    dlnp = np.diff(np.log(p)) / np.diff(z)
    bound = atm.dz / 4 * (np.max(np.abs(np.diff(dT))) / t.min() + np.max(np.abs(np.diff(dlnp))))
    assert np.max(np.abs(rel)) <= bound + 1e-9
    # and the bound is small: well under 0.1 % of density for this sounding
    assert bound < 1e-3


def test_temperature_and_pressure_at_the_rows():
    z, p, t = _rows()
    atm = read_winds(SAMPLE, "wyoming").atmosphere
    # same kink bound as above, in kelvin and in ln p (1 m grid: about 0.01 K)
    np.testing.assert_allclose(atm.temperature(z), t, atol=0.05)
    np.testing.assert_allclose(np.log(atm.pressure(z)), np.log(p), atol=1e-4)


def test_continuous_at_the_top_and_hydrostatic_above():
    z, p, t = _rows()
    atm = read_winds(SAMPLE, "wyoming").atmosphere
    top = z[-1]
    eps = np.array([-2.0, -1.0, 1.0, 2.0]) * atm.dz
    tt = atm.temperature(top + eps)
    lnp = np.log(atm.pressure(top + eps))
    # no step in T across the top (the lapse rates differ: allow the change over 2 cells of
    # the steepest of them, 0.01 K/m)
    assert np.max(np.abs(tt - t[-1])) < 0.01 * 2 * atm.dz + 1e-9
    # p continuous: the table holds the top row's pressure at the top, and ln p changes across
    # the top by no more than its slope allows (hydrostatic g/(R T) per metre, 1.6e-4/m here;
    # the rows below have a slightly smaller slope, since they print p to 0.1 hPa). A restart
    # of p at the top would show as a step of order 0.1.
    assert abs(float(np.log(atm.pressure(top))) - math.log(p[-1])) < 1e-5
    step = gravity(top) / (R * t[-1]) * atm.dz
    assert abs(lnp[1] - lnp[2]) <= 2 * step * 1.05
    # above: d ln p / dz = -g / (R T) (the table is built by trapezoidal integration of that)
    zz = np.linspace(top + 100.0, 60_000.0, 50)
    h = 0.5
    slope = (np.log(atm.pressure(zz + h)) - np.log(atm.pressure(zz - h))) / (2 * h)
    np.testing.assert_allclose(slope, -gravity(zz) / (R * atm.temperature(zz)), rtol=2e-3)
    # the standard lapse rates continue above, shifted by the deviation at the top
    offset = t[-1] - float(ussa76(top)[0])
    for zq in (40_000.0, 50_000.0, 70_000.0):
        assert float(atm.temperature(zq)) == pytest.approx(float(ussa76(zq)[0]) + offset, abs=0.01)


def test_isa_sounding_reproduces_the_standard_atmosphere():
    """Rows sampled from the USSA 1976 equations every 250 m to 15 km give back USSA 1976:
    inside (interpolation of ln p between rows: error ~ h^2/8 * |d2 ln p/dz2| ~ 2e-5), above
    (hydrostatic integration with T continuing; zero offset) and below (6.5 K/km lapse)."""
    # the tropopause (11 km geopotential) is a level, as in a real sounding's significant levels
    zs = np.union1d(np.arange(0.0, 15_000.0 + 1, 250.0), geometric(11_000.0))
    t, p, _, _ = ussa76(zs)
    atm = atmosphere_from_sounding(zs, p, t)
    zq = np.linspace(-900.0, 60_000.0, 400)
    t_ref, p_ref, rho_ref, _ = ussa76(zq)
    np.testing.assert_allclose(atm.density(zq), rho_ref, rtol=1e-4)
    np.testing.assert_allclose(atm.pressure(zq), p_ref, rtol=1e-4)
    np.testing.assert_allclose(atm.temperature(zq), t_ref, atol=0.02)


def test_below_the_lowest_level_uses_the_standard_lapse_rate():
    z0, p0, t0 = 874.0, 91_900.0, 273.05
    atm = atmosphere_from_sounding(
        np.array([z0, 3000.0]), np.array([p0, 70_000.0]), np.array([t0, 260.0])
    )
    zq = np.array([-500.0, 0.0, 500.0])
    tq = t0 + 0.0065 * (z0 - zq)
    np.testing.assert_allclose(atm.temperature(zq), tq, atol=1e-9)
    # closed form for a linear lapse with constant g0; g varies by 3e-4 over 1.4 km, so the
    # two differ by about 2e-5 in p
    L = 0.0065
    p_ref = p0 * (tq / t0) ** (9.80665 / (R * L))
    np.testing.assert_allclose(atm.pressure(zq), p_ref, rtol=1e-4)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="two levels"):
        atmosphere_from_sounding(np.array([0.0]), np.array([1e5]), np.array([288.0]))
    with pytest.raises(ValueError, match="increase"):
        atmosphere_from_sounding(
            np.array([0.0, 0.0]), np.array([1e5, 9e4]), np.array([288.0, 280.0])
        )
    with pytest.raises(ValueError, match="positive"):
        atmosphere_from_sounding(
            np.array([0.0, 10.0]), np.array([1e5, -9e4]), np.array([288.0, 280.0])
        )


# --- scenario keys --------------------------------------------------------------------------


def test_build_air_uses_the_sounding_by_default(tmp_path: Path):
    from stuntsim.scenario.common import AtmosphereSection
    from stuntsim.scenario.world import build_air

    shutil.copy(SAMPLE, tmp_path / "snd.txt")
    sec = AtmosphereSection.model_validate({"winds_file": "snd.txt", "format": "wyoming"})
    assert sec.model == "sounding"
    air = build_air(sec, None, tmp_path / "s.toml")
    z, _, t = _rows()
    assert float(air.atmosphere.temperature(z[10])) == pytest.approx(t[10], abs=0.05)
    assert "BOI" in air.atmosphere.source
    sec = AtmosphereSection.model_validate(
        {"winds_file": "snd.txt", "format": "wyoming", "model": "standard"}
    )
    air = build_air(sec, None, tmp_path / "s.toml")
    np.testing.assert_array_equal(air.atmosphere.t, standard().t)  # winds only
    assert len(air.wind.altitude) > 100


def test_atmosphere_section_combinations():
    from pydantic import ValidationError

    from stuntsim.scenario.common import AtmosphereSection

    with pytest.raises(ValidationError, match="needs a University of Wyoming sounding"):
        AtmosphereSection.model_validate({"model": "sounding"})
    with pytest.raises(ValidationError, match="needs a University of Wyoming sounding"):
        AtmosphereSection.model_validate(
            {"model": "sounding", "winds_file": "f.txt", "format": "fb", "station": "MKC"}
        )
    with pytest.raises(ValidationError, match="temperature_offset"):
        AtmosphereSection.model_validate(
            {"winds_file": "s.txt", "format": "wyoming", "temperature_offset": 5.0}
        )
    with pytest.raises(ValidationError, match="no winds_file"):
        AtmosphereSection.model_validate({"format": "csv"})
    ok = AtmosphereSection.model_validate(
        {"winds_file": "s.txt", "format": "wyoming", "model": "standard", "temperature_offset": 5}
    )
    assert ok.model == "standard" and ok.temperature_offset == 5.0
    assert AtmosphereSection().model == "standard"


JUMP = """
kind = "jump"
name = "winds_file test"

[site]
lat = 43.56
lon = -116.21
elevation = "874 m"

[atmosphere]
{atmosphere}

{winds}

[jumper]
mass = "90 kg"
position = "belly"

[jump]
exit_altitude = "13500 ft"
open_altitude = "4500 ft"
aircraft_speed = "85 kt"
aircraft_heading = "270 deg"
"""


def _jump(tmp_path: Path, atmosphere: str, winds: str = "") -> Path:
    (tmp_path / "data").mkdir(exist_ok=True)
    shutil.copy(SAMPLE, tmp_path / "data" / "boi.txt")
    f = tmp_path / "jump.toml"
    f.write_text(JUMP.format(atmosphere=atmosphere, winds=winds))
    return f


def test_jump_scenario_loads_a_sounding(tmp_path: Path):
    pytest.importorskip("stuntsim.jump.kind")
    from stuntsim.scenario import load

    f = _jump(tmp_path, 'winds_file = "data/boi.txt"\nformat = "wyoming"')
    loaded = load(f)
    air = loaded.plan.air
    ref = read_winds(SAMPLE, "wyoming")
    np.testing.assert_array_equal(air.wind.east, ref.profile.east)
    np.testing.assert_array_equal(air.atmosphere.lnp, ref.atmosphere.lnp)
    # at 13 500 ft the sounding is 2.5 K colder than standard (-14.2 °C against -11.7 °C),
    # the density 1.4 % higher: the density the jumper falls through comes from the file
    z = 13500 * 0.3048
    assert float(air.atmosphere.density(z)) != pytest.approx(float(ussa76(z)[2]), rel=1e-3)
    res = run_cli("run", f, "--json")
    assert res.returncode == 0, res.stderr


def test_jump_scenario_errors(tmp_path: Path):
    pytest.importorskip("stuntsim.jump.kind")
    from stuntsim.scenario import load

    both = '[[winds]]\naltitude = "3000 ft"\nfrom = "240 deg"\nspeed = "12 kt"'
    f = _jump(tmp_path, 'winds_file = "data/boi.txt"\nformat = "wyoming"', both)
    with pytest.raises(ScenarioError, match="not both") as info:
        load(f)
    assert info.value.field == "winds"
    f = _jump(tmp_path, 'winds_file = "data/boi.txt"')
    with pytest.raises(ScenarioError, match="needs a format") as info:
        load(f)
    assert info.value.field == "atmosphere"
    text = (tmp_path / "data" / "boi.txt").read_text()
    (tmp_path / "data" / "boi.txt").write_text(text.replace("  909.0    962", "  909.0    9x2"))
    f = _jump(tmp_path, 'winds_file = "data/boi.txt"\nformat = "wyoming"')
    (tmp_path / "data" / "boi.txt").write_text(text.replace("  909.0    962", "  909.0    9x2"))
    with pytest.raises(DataFileError) as info:
        load(f)
    assert info.value.path.endswith("boi.txt") and info.value.field == "line 14"
    res = run_cli("run", f)
    assert res.returncode == 2 and "boi.txt: line 14" in res.stderr
