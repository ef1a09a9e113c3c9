"""Ground you can build: ramps, a surveyed profile, surfaces.

- Ramp flight against the ballistic closed form: a car rolls up a kicker of angle beta (no drive,
  no losses) and leaves its lip at v_lip = sqrt(v0^2 - 2 g h m / m_eff) along the ramp
  (m_eff = m + 4 I_w / R^2: the wheels' spin energy), then flies the parabola of its take-off
  velocity (u, w): apex w^2 / (2 g) higher, u w / g further on.
- The profile envelope: level segments give exactly the stairs' envelope; a plank between two
  nosings gives the disc-on-a-line height z + R sqrt(1 + s^2).
- The CSV reader: one-line errors naming the file and the line.
- Surfaces: the locked-wheel friction of the tyre on a named surface is its drag factor
  (Noon 1994: dry asphalt 0.65).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from test_car_ballistics import _point_car

from stuntsim.car.driver import Keyframe, Timeline
from stuntsim.car.dynamics import CarModel, simulate
from stuntsim.car.ground import ProfileGround, Ramp, read_profile, with_ramp
from stuntsim.car.stairs import FlatGround, Stairs
from stuntsim.car.surface import locked_wheel_mu, mu_scale
from stuntsim.car.tyre import PAC2002_LOAD_SENSITIVE, forces
from stuntsim.car.vehicle import BMW_E28_M5, G
from stuntsim.errors import ScenarioError


def _ground(stairs: Stairs, *ramps: Ramp) -> ProfileGround:
    seg, _ = stairs.segments()
    for r in ramps:
        seg = with_ramp(seg, r)
    return ProfileGround(
        seg, stairs, edge_north=stairs.edge_north, bottom_north=stairs.bottom_north, width=10.0
    )


@pytest.mark.parametrize("v0", [8.0, 11.0])
def test_kicker_ramp_flight_is_ballistic(v0):
    veh = _point_car()
    # a kicker ending at the platform edge (north 3 m): a 1 m transition of 20 planks whose
    # slope grows to 0.3 (as a built kicker's curve: a car hitting a sharp kink at speed is
    # thrown up at the kink, not at the lip), then 1 m straight at 0.3: beta = 16.7 deg
    slope, n = 0.3, 20
    planks, z, y = [], 0.0, 1.0
    for k in range(n):
        s_k = slope * (k + 0.5) / n
        planks.append(Ramp(position=y, length=1.0 / n, height=s_k / n, base=z))
        z += s_k / n
        y += 1.0 / n
    planks.append(Ramp(position=2.0, length=1.0, height=slope, base=z))
    h = z + slope
    stairs = Stairs(platform_length=3.0, riser=3.0, tread=30.0, steps=2, width=10.0)
    ground = _ground(stairs, *planks)
    model = CarModel(veh, ground, aero=False)
    x0 = model.initial_state(*(np.array([v]) for v in (0.0, 0.5, 0.0, v0, 0.0, 1.0)))
    tl = Timeline((Keyframe(0.0, (("clutch", 1.0), ("gear", 0.0))),), (), 0)
    out = simulate(model, tl, x0, 0.4 + 2.0 * v0 / G * 0.3 + 2.5 / v0, 1e-4, 1)
    x = out.x[0]
    # centre of mass of body + wheels (the point car's flight is that of its CM)
    zc = (model.ms * x[:, 6] + x[:, 12:16] @ model.mu) / veh.mass
    beta = np.arctan(slope)
    m_eff = veh.mass + 4.0 * veh.wheel_inertia / veh.wheel_radius**2
    v_lip = np.sqrt(v0**2 - 2.0 * G * h * veh.mass / m_eff)
    airborne = np.all(out.fz[0] == 0.0, axis=1)
    i_lip = int(np.searchsorted(x[:, 1], 3.0))  # CM over the lip
    # take-off: the last wheel leaves the lip (airborne from then on, for at least 0.1 s)
    i_off = i_lip + int(np.argmax(airborne[i_lip:]))
    assert airborne[i_off : i_off + 1000].all()
    vz = (model.ms * x[:, 9] + x[:, 16:20] @ model.mu) / veh.mass
    u_off, w_off = x[i_off, 3], vz[i_off]
    # launch: the energy speed, along the ramp. 1 %: the kinks between the planks and the
    # car's own 10 cm length (it pitches over the lip) cost or turn a little of it
    assert np.hypot(u_off, w_off) == pytest.approx(v_lip, rel=0.01)
    assert np.arctan2(w_off, u_off) == pytest.approx(beta, abs=np.radians(1.5))
    # flight: the parabola from the take-off state (1e-3: the integrator's O(g dt) offset)
    apex = i_off + int(np.argmax(zc[i_off:]))
    assert zc[apex] - zc[i_off] == pytest.approx(w_off**2 / (2.0 * G), rel=1e-3)
    assert x[apex, 1] - x[i_off, 1] == pytest.approx(u_off * w_off / G, rel=1e-3)
    assert x[apex, 3] == pytest.approx(u_off, rel=1e-9)  # no drag: u is kept


def test_landing_ramp_bridges_the_nosings():
    stairs = Stairs(platform_length=5.0, riser=0.16, tread=0.32, steps=20, width=10.0)
    # a plank from the top nosing down the line of the nosings, 10 treads long
    ramp = Ramp(position=5.0, length=3.2, height=-1.6, base=0.0)
    ground = _ground(stairs, ramp)
    y = np.array([5.5, 6.3, 7.7])
    R = 0.31
    h, s = ground.envelope(np.zeros(3), y, R)
    slope = -1.6 / 3.2
    # a disc on an inclined line: centre R sqrt(1 + s^2) above the line, slope of the line
    expect = (y - 5.0) * slope + R * np.sqrt(1.0 + slope**2) - R
    assert h == pytest.approx(expect, abs=1e-12)
    assert s == pytest.approx(np.full(3, slope), abs=1e-12)
    # a ramp from the top nosing without a base starts at the nosing (the riser's upper side)
    h_default, _ = _ground(stairs, replace(ramp, base=None)).envelope(np.zeros(3), y, R)
    assert h_default == pytest.approx(h, abs=1e-12)
    # without the ramp the wheel would ride the nosings (a different, lower height)
    h0, _ = stairs.envelope(np.zeros(3), y, R)
    assert np.all(h > h0)
    # level segments only: exactly the stairs' own envelope
    plain = _ground(stairs)
    yy = np.linspace(0.0, 15.0, 3001)
    for r in (0.31, 0.05):
        a = plain.envelope(np.zeros_like(yy), yy, r)
        b = stairs.envelope(np.zeros_like(yy), yy, r)
        assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])


def test_kernel_envelope_matches_numpy_on_ramps():
    from stuntsim.car.kernel import _envelope

    stairs = Stairs(platform_length=5.0, riser=0.16, tread=0.32, steps=20, width=10.0)
    ground = _ground(
        stairs, Ramp(4.0, 1.0, 0.25), Ramp(5.0, 3.2, -1.6, base=0.0), Ramp(9.0, 2.0, 0.1)
    )
    seg, min_len = ground.segments()
    yy = np.linspace(0.0, 14.0, 2801)
    for r in (0.31, 0.05):
        h, s = ground.envelope(np.zeros_like(yy), yy, r)
        k = np.array([_envelope(seg, min_len, float(y), r) for y in yy])
        assert k[:, 0] == pytest.approx(h, abs=1e-12)
        assert k[:, 1] == pytest.approx(s, abs=1e-12)


def test_surveyed_profile_and_its_errors(tmp_path):
    good = tmp_path / "steps.csv"
    good.write_text("distance_m,height_m\n0,0\n0,-0.16\n0.32,-0.16\n0.32,-0.32\n# end\n1.0,-0.32\n")
    d, h = read_profile(good)
    assert d.tolist() == [0.0, 0.0, 0.32, 0.32, 1.0]
    assert h.tolist() == [0.0, -0.16, -0.16, -0.32, -0.32]
    for body, where in (
        ("0,0\n0.3\n", "line 2"),
        ("0,0\n0.3,x\n", "line 2"),
        ("0,0\n0.5,-1\n0.4,-1\n", "line 3"),
        ("0,0\n0.5,nan\n", "line 2"),
    ):
        bad = tmp_path / "bad.csv"
        bad.write_text(body)
        with pytest.raises(ScenarioError) as e:
            read_profile(bad)
        text = str(e.value)
        assert "bad.csv" in text and where in text and "\n" not in text


def test_surface_sets_the_locked_wheel_friction():
    tyre = PAC2002_LOAD_SENSITIVE
    for name, mu in (("asphalt_dry", 0.65), ("concrete_wet", 0.60)):
        lam = mu_scale(name, None, tyre)
        fx, _, _ = forces(np.array([-1.0]), np.zeros(1), np.array([tyre.fz0]), tyre.scaled(lam))
        assert abs(fx[0]) / tyre.fz0 == pytest.approx(mu, rel=1e-12)
    assert mu_scale("tyre_data", None, tyre) == 1.0
    # a measured drag factor wins over the named surface
    assert mu_scale("stone_dry", 0.5, tyre) == mu_scale("asphalt_wet", None, tyre)
    # the stand-in tyre slides at about 0.84 on its own test surface, peaks at 1.17
    assert locked_wheel_mu(tyre) == pytest.approx(0.842, abs=0.002)


def test_flat_ground_has_one_segment():
    seg, min_len = FlatGround().segments()
    assert seg.shape == (1, 4) and not np.isfinite(min_len)


def test_oblique_approach_drops_one_front_wheel_first():
    """Stairs at an angle to the approach (the car's heading off the steps' axis by a): the
    front wheels reach the top nosing T tan(a) / v apart (T the front track), the left one first
    when the car heads east of north (its left wheel is the further north)."""
    veh = replace(BMW_E28_M5, body_points=())
    stairs = Stairs(platform_length=8.0, riser=0.16, tread=0.32, steps=10, width=20.0)
    model = CarModel(veh, stairs, engine_running=False, aero=False)
    a, v = np.radians(25.0), 6.0
    x0 = model.initial_state(*(np.array([q]) for q in (0.0, 3.0, -a, v, 0.0, 1.0)))
    tl = Timeline((Keyframe(0.0, (("clutch", 1.0), ("gear", 0.0))),), (), 0)
    out = simulate(model, tl, x0, 1.6, 5e-4, 1)
    t = out.t
    fz = out.fz[0]
    static = model.fz0[0]
    # the moment each front tyre's load first drops below half its static load (over the edge)
    drop = [t[int(np.argmax(fz[:, i] < 0.5 * static))] for i in (0, 1)]
    assert drop[0] < drop[1]  # front left first
    # the left wheel is T sin(a) further north; the car moves north at v cos(a)
    dt_expect = veh.track_front * np.tan(a) / v
    # 10 % (seen 7.5 %, the second wheel later): each wheel rolls round the nosing on its
    # 0.31 m arc and unloads through its own spring; once the left wheel has dropped the car
    # rolls onto the right one, which then keeps its load a little longer
    assert drop[1] - drop[0] == pytest.approx(dt_expect, rel=0.10)


def test_scenario_with_ramp_profile_and_surface_runs_and_bad_input_is_one_line(tmp_path):
    """Through the command line: a surveyed profile with a landing ramp on stone runs; a bad
    CSV row, a ramp on flat ground and a profile given with risers are one-line errors."""
    from car_reference import STAIRS_TOML

    from conftest import assert_clean_error, run_cli

    rows = "".join(
        f"{0.32 * k:.2f},{-0.16 * k:.2f}\n{0.32 * k:.2f},{-0.16 * (k + 1):.2f}\n" for k in range(30)
    )
    (tmp_path / "steps.csv").write_text("distance_m,height_m\n" + rows)
    surveyed = STAIRS_TOML.replace(
        'riser = "0.16 m"\ntread = "0.32 m"\nsteps = 30\n', 'profile = "steps.csv"\n'
    )
    extra = (
        '\n[surface]\ntype = "stone_dry"\n\n[[ramp]]\nposition = "30 m"\nlength = "3.2 m"\n'
        'height = "-1.6 m"\nbase = "0 m"\n'
    )
    good = tmp_path / "good.toml"
    good.write_text(surveyed.replace('[sim]\nduration = "6 s"', '[sim]\nduration = "1 s"') + extra)
    res = run_cli("run", good, "--json")
    assert res.returncode == 0, res.stderr
    import json

    doc = json.loads(res.stdout)
    assert doc["surface"] == "stone_dry"
    assert "surveyed profile steps.csv" in doc["ground"] and "ramp" in doc["ground"]
    (tmp_path / "steps.csv").write_text("distance_m,height_m\n0,0\n0.32,oops\n")
    assert_clean_error(run_cli("run", good), "steps.csv", "line 3")
    flat = tmp_path / "flat.toml"
    flat.write_text(
        STAIRS_TOML[: STAIRS_TOML.index("[stairs]")]
        + STAIRS_TOML[STAIRS_TOML.index("[start]") :]
        + extra
    )
    assert_clean_error(run_cli("run", flat), "ramp")
    both = tmp_path / "both.toml"
    both.write_text(STAIRS_TOML.replace("steps = 30\n", 'steps = 30\nprofile = "steps.csv"\n'))
    assert_clean_error(run_cli("run", both), "stairs.profile")
