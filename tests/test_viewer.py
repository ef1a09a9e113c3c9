"""The viewer's Python side: the vendored three.js, the scene of every example, the HTML that
carries it, the geometry helpers (closed forms) and the helicopter's tightest margin."""

from __future__ import annotations

import hashlib
import json
import math
import re

import numpy as np
import pytest

from stuntsim.kinds import REGISTRY
from stuntsim.report import viewer
from stuntsim.units import Display

from conftest import EXAMPLES

EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES.glob("*.toml"))


def test_vendored_three_is_the_recorded_build():
    data = (viewer.HERE / "vendor" / "three.min.js").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    assert digest == viewer.THREE_SHA256
    readme = (viewer.HERE / "vendor" / "README.md").read_text()
    assert digest in readme and viewer.THREE_VERSION in readme
    assert "MIT License" in (viewer.HERE / "vendor" / "three.LICENSE").read_text()
    js = viewer.three_js()
    assert "REVISION" in js and '"159"' in js  # r159 defines THREE.REVISION = "159"
    assert "</script" not in js.lower()  # safe to inline in a <script> element


def test_every_kind_has_a_scene_builder():
    assert set(viewer.SCENE_BUILDERS) == set(REGISTRY)
    assert viewer.scene_builder("no-such-kind") is None


def _scene(name: str) -> dict:
    from stuntsim.scenario import load

    loaded = load(EXAMPLES / f"{name}.toml")
    res = loaded.kind.simulate(loaded.plan)
    return viewer.build_scene(loaded.kind.name, res, Display("si"))


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_scene_is_consistent(name):
    scene = _scene(name)
    json.dumps(scene, allow_nan=False)  # strict JSON: NaN and inf became null
    tr = scene["track"]
    n = len(tr["t"])
    assert n >= 2 and np.all(np.diff(tr["t"]) >= 0)
    for key in ("east", "north", "up", "heading", "pitch", "roll"):
        assert len(tr[key]) in (1, n), key
    assert len(tr["colour"]) == n
    assert max(tr["colour"]) < len(scene["palette"])
    for ch in scene["channels"]:
        assert len(ch["values"]) == n, ch["label"]
        if "categories" in ch:
            assert max(ch["values"]) < len(ch["categories"]), ch["label"]
    t0, t1 = tr["t"][0], tr["t"][-1]
    for ev in scene["events"]:
        assert t0 - 1e-6 <= ev["t"] <= t1 + 1e-6, ev
    for g in scene["body"].get("gauges", []):
        assert 0 <= g["channel"] < len(scene["channels"])
    assert {c["id"] for c in scene["checks"]}  # the checks travel with the scene
    assert len(viewer.viewer_html(scene)) < 5 * 1024 * 1024


def test_scene_text_cannot_close_the_script_element():
    title = "</script><script>alert(1)</script><!--"
    scene = {
        "kind": "toy",
        "title": title,
        "track": {"t": [0.0, 1.0], "east": [0, 1], "north": [0, 0], "up": [0, 0]},
        "checks": [{"id": "x</li>", "ok": False, "severity": "fail", "t": None, "message": ""}],
        "events": [{"t": 0.5, "label": "<b>mark</b>"}],
    }
    page = viewer.viewer_html(scene)
    m = re.search(r'<script type="application/json" id="stuntsim-scene">(.*?)</script>', page, re.S)
    assert m is not None
    assert json.loads(m.group(1))["title"] == title  # JSON's \/ and \! escapes read back
    assert "<script>alert" not in page
    assert "<b>mark</b>" not in page and "x</li>" not in page  # escaped in the HTML


def test_circle_and_ellipse_closed_forms():
    pts = np.array(viewer.circle(100.0, -50.0, 10.0, 250.0))
    assert np.allclose(np.hypot(pts[:, 0] - 100.0, pts[:, 1] + 50.0), 250.0, atol=0.01)
    assert np.allclose(pts[:, 2], 10.0)
    # semi-major 300 m along azimuth 30 deg (clockwise from north), semi-minor 100 m
    el = np.array(viewer.ellipse(0.0, 0.0, 0.0, 300.0, 100.0, 30.0))
    az = math.radians(30.0)
    along = el[:, 0] * math.sin(az) + el[:, 1] * math.cos(az)
    across = el[:, 0] * math.cos(az) - el[:, 1] * math.sin(az)
    assert np.allclose((along / 300.0) ** 2 + (across / 100.0) ** 2, 1.0, atol=1e-3)
    assert np.max(np.abs(along)) == pytest.approx(300.0, abs=0.01)
    assert np.max(np.abs(across)) == pytest.approx(100.0, abs=0.5)


def test_heli_tightest_margin():
    from types import SimpleNamespace

    from stuntsim.report.scene_heli import margin_class, tightest_margin

    tr = {
        "t_s": np.array([0.0, 1.0, 2.0, 3.0]),
        "clearance_m": np.array([300.0, 160.0, 120.0, 90.0]),  # required 100 m
        "power_required_w": np.array([100.0, 100.0, 100.0, 100.0]),
        "power_available_w": np.array([400.0, 400.0, 400.0, 400.0]),  # margin 0.75
        "load_factor": np.array([1.0, 1.0, 1.0, 1.0]),  # limit 2: margin 0.5
        "vrs_margin": np.array([2.0, 2.0, 0.05, 2.0]),
    }
    plan = SimpleNamespace(
        limits=SimpleNamespace(required_clearance=100.0),
        aircraft=SimpleNamespace(load_factor_limit=2.0),
    )
    m = tightest_margin(tr, plan)
    # (300-100)/100 = 2 -> load 0.5; (160-100)/100 = 0.6 -> 0.5; VRS 0.05; (90-100)/100 = -0.1
    assert np.allclose(m, [0.5, 0.5, 0.05, -0.1])
    assert margin_class(m) == [3, 3, 1, 0]


def test_monte_carlo_layer_of_a_jump():
    from stuntsim.report.scene_jump import add_montecarlo

    scene = _scene("haho")
    ground = scene["track"]["ground"][0]
    rng = np.random.default_rng(7)
    n = 9000  # more than the 4000 drawn: every third sample
    cols = {
        "landing_east_m": rng.normal(50.0, 30.0, n),
        "landing_north_m": rng.normal(-20.0, 10.0, n),
        "open_east_m": rng.normal(0.0, 100.0, n),
        "open_north_m": rng.normal(0.0, 100.0, n),
        "open_altitude_m": rng.normal(7000.0, 50.0, n),
    }
    cols["landing_east_m"][0] = np.nan  # a failed sample is left out, not drawn at NaN
    summary = {  # the shape of the jump's summarize(): azimuth in rad
        "landing": {
            "mean_east_m": 50.0,
            "mean_north_m": -20.0,
            "ellipse95": {"semi_major_m": 73.4, "semi_minor_m": 24.5, "azimuth_rad": math.pi / 2},
        },
        "opening": {
            "mean_east_m": 0.0,
            "mean_north_m": 0.0,
            "ellipse95": {"semi_major_m": 245.0, "semi_minor_m": 244.0, "azimuth_rad": 0.3},
        },
        "open_altitude_m": {"p05": 6918.0, "p50": 7000.0, "p95": 7082.0},
    }
    add_montecarlo(scene, cols, summary)
    clouds = [o for o in scene["objects"] if o.get("layer") == "montecarlo"]
    assert [len(c["points"]) for c in clouds] == [2999, 3000]
    landings = np.array(clouds[0]["points"])
    assert np.allclose(landings[:, 2], ground + 1.0)  # on the ground
    assert np.mean(landings[:, 0]) == pytest.approx(50.0, abs=2.0)
    assert np.array(clouds[1]["points"])[:, 2].mean() == pytest.approx(7000.0, abs=5.0)
    ell = next(
        o
        for o in scene["objects"]
        if o["type"] == "line" and o.get("closed") and o["color"] == "#cf222e"
    )
    pts = np.array(ell["points"])
    # azimuth 90 deg: the major axis runs east-west about the mean landing point
    assert np.ptp(pts[:, 0]) == pytest.approx(2 * 73.4, abs=0.1)
    assert np.ptp(pts[:, 1]) == pytest.approx(2 * 24.5, abs=0.1)
    assert np.mean(pts[:, 0]) == pytest.approx(50.0, abs=0.1)
    opening = [o for o in scene["objects"] if o["type"] == "line" and o["color"] == "#0969da"]
    assert len(opening) == 1 and np.allclose(np.array(opening[0]["points"])[:, 2], 7000.0)
    json.dumps(scene, allow_nan=False)


def test_car_card_prints_the_planner_cues():
    from stuntsim.report.brief import brief_html
    from stuntsim.scenario import load

    loaded = load(EXAMPLES / "fallout-stairs.toml")
    res = loaded.kind.simulate(loaded.plan)
    cues = [
        {
            "action": "turn-in cone: lift off, clutch down",
            "distance_m": 19.0,
            "t_s": 0.8,
            "speed_m_s": 11.7,
        },
        {"action": "countersteer at 54 deg of rotation", "distance_m": None, "t_s": None},
    ]
    card = brief_html("car", res, Display("imperial"), cues)
    assert "Cone plan of the most robust plan" in card
    assert "turn-in cone: lift off, clutch down" in card and "countersteer" in card
    assert "62 ft" in card  # 19 m before the top nosing, in the display's units
    without = brief_html("car", res, Display("si"))
    assert "No cone plan" in without and "gear" in without  # the cues read from the inputs
