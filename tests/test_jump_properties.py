"""Properties of the jump model that must hold for any plan (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from stuntsim.errors import ScenarioError
from stuntsim.jump.kernel import simulate_batch
from stuntsim.jump.plan import build_plan
from stuntsim.jump.scenario import JumpScenario
from stuntsim.scenario import load

WINDS = [
    {"altitude": "0 ft", "from": "250 deg", "speed": "10 kt"},
    {"altitude": "10000 ft", "from": "270 deg", "speed": "30 kt"},
    {"altitude": "25000 ft", "from": "280 deg", "speed": "50 kt"},
]


def plan_for(position="belly", exit_ft=13500.0, open_ft=4000.0, mass=90.0, speed_kt=0.0):
    doc = {
        "kind": "jump",
        "winds": WINDS,
        "jumper": {"mass": f"{mass} kg", "position": position},
        "canopy": {"steering": "drift"},
        "jump": {
            "exit_altitude": f"{exit_ft} ft",
            "open_altitude": f"{open_ft} ft",
            "aircraft_speed": f"{round(speed_kt, 3)} kt",  # no denormal speeds (units.py)
            "aircraft_heading": "270 deg",
        },
    }
    return build_plan(JumpScenario.model_validate(doc), Path("prop.toml"))


@settings(max_examples=15, deadline=None)
@given(st.floats(0.0, 2.0), st.floats(0.05, 1.0))
def test_more_wind_more_drift(k, dk):
    # Exit at rest in the air into a wind that only grows: freefall and canopy drift grow.
    plan = plan_for()
    b = plan.batch(2)
    b = replace(b, wind_scale=np.array([k, k + dk]))
    from stuntsim.jump.plan import with_exit_state

    b = with_exit_state(b, plan, np.zeros(2), np.zeros(2))
    out = simulate_batch(b)
    drift = np.hypot(out.land_pos[:, 0], out.land_pos[:, 1])
    assert drift[1] > drift[0]


@settings(max_examples=15, deadline=None)
@given(
    st.sampled_from(["belly", "head_down", "track", "halo_belly"]),
    st.floats(6000.0, 30000.0),
    st.floats(0.15, 0.8),
    st.floats(50.0, 200.0),
    st.floats(0.0, 200.0),
)
def test_never_below_ground_and_lands_once(position, exit_ft, open_frac, mass, speed):
    open_ft = 1500.0 + open_frac * (exit_ft - 1500.0)
    plan = plan_for(position, exit_ft, open_ft, mass, speed)
    out = simulate_batch(plan.batch(1), record=True)
    z = out.trajectory["y"][:, 2]
    assert z.min() >= plan.site.elevation - 1e-6
    assert abs(out.land_pos[0, 2] - plan.site.elevation) < 1e-6
    t = out.trajectory["t"]
    assert np.all(np.diff(t) >= 0)
    # events in order: exit < deploy < open < landing
    assert out.exit_t[0] < out.deploy_t[0] < out.open_t[0] < out.land_t[0]


@settings(max_examples=15, deadline=None)
@given(st.floats(0.0, 250.0), st.sampled_from(["belly", "head_down"]), st.floats(60.0, 160.0))
def test_energy_never_created_in_still_air(speed_kt, position, mass):
    # Calm air, constant gravity, no lift: drag only removes mechanical energy, so
    # E = v^2/2 + g z never increases along the freefall (rounding-level slack).
    plan = plan_for(position, 20000.0, 3000.0, mass, speed_kt)
    calm = replace(plan, air=replace(plan.air, wind=type(plan.air.wind).calm()))
    b = replace(calm.batch(1), gravity=9.80665)
    out = simulate_batch(b, record=True)
    y = out.trajectory["y"]
    ff = out.trajectory["t"] <= out.deploy_t[0] + 1e-9
    e = 0.5 * (y[ff, 3:6] ** 2).sum(axis=1) + 9.80665 * y[ff, 2]
    assert np.all(np.diff(e) <= 1e-6 * np.abs(e[:-1]))


BASE = (Path(__file__).resolve().parents[1] / "examples" / "sport-13500.toml").read_text()


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_mutated_scenario_loads_or_fails_cleanly(tmp_path_factory, data):
    # Replace one value with arbitrary text or a number: the loader either accepts it or
    # raises ScenarioError naming the file; never another exception.
    lines = BASE.splitlines()
    idx = [i for i, ln in enumerate(lines) if "=" in ln and not ln.lstrip().startswith("#")]
    i = data.draw(st.sampled_from(idx))
    key = lines[i].split("=")[0]
    value = data.draw(
        st.one_of(
            st.text(max_size=12).map(lambda s: '"' + s.replace('"', "").replace("\\", "") + '"'),
            st.floats(allow_nan=False, allow_infinity=False).map(repr),
            st.sampled_from(['"-5 kg"', '"1e9 ft"', '"0 m"', '"nan m"', "true", "[]", '"0 s"']),
        )
    )
    lines[i] = f"{key}= {value}"
    p = tmp_path_factory.mktemp("fz") / "s.toml"
    p.write_text("\n".join(lines))
    try:
        load(p)
    except ScenarioError as exc:
        assert str(p) in str(exc)
        assert "\n" not in str(exc)
