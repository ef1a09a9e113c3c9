"""The 3-D viewer inside the HTML report: a generic player fed by a per-kind scene.

A kind's *scene builder* (``stuntsim.report.scene_<kind>``) turns the kind's result into a
plain, JSON-ready **scene** dict; this module inlines three.js (vendored, see
``vendor/README.md``), the player (``viewer.js``) and the scene into the report, so the page
needs no request to any host. The player knows nothing about jumps, helicopters or cars.

Adding a kind: write ``stuntsim/report/scene_<kind>.py`` with ``build_scene(result, display)
-> dict`` and add a row to :data:`SCENE_BUILDERS`; nothing else changes.

The scene (SI, world frame x = east, y = north, z = up, metres)::

    kind, title          str
    origin_m             [e, n, u]: subtracted before drawing (float32 precision on the GPU)
    track                {t, east, north, up, heading, pitch, roll, colour?, ground?}: one
                         value per sample; heading deg clockwise from true north, pitch deg nose
                         up +, roll deg right side down +; colour = palette index per sample;
                         ground = height of the ground under the body (the drop line)
    palette, legend      colours of the track and their meaning [[colour, text], ...]
    body                 {parts: [{shape: box|sphere|disc|wheel, at, size|radius|width, color,
                          show?: {channel, in: [values]}}],
                          size_m, gauges: [{at (body frame), channel, scale, color}]}
                         body frame x = right, y = forward, z = up, origin = the track point
    followers            [{delay_s, offset_m, color}]: more bodies on the same path, later
    movers               [{from, velocity, t_ref, t0, t1, heading_deg, parts}]: rigid things at
                         constant velocity, at from + velocity (t - t_ref) for t0 <= t <= t1
    objects              static things: line (points, closed), points, marker, label, arrow
                         (from, vector), box (centre, size, heading_deg), disc (centre,
                         radius), surface (e0, n0, de, dn, nx, ny, z row-major by north)
    events               [{t, label}] marks on the timeline; spans [{t0, t1, label, color}]
    channels             [{label, unit, digits, values | categories, limit?, sense?}] shown
                         in the state panel, interpolated at the current time (display units)
    checks               [{id, ok, severity, t, message}]: highlighted near their time
    cameras              {default, chase_distance_m, side_azimuth_deg, mounts: {name: {at,
                         look, fov_deg, hide_body}}}; buttons: chase, top, side + the mounts
    extent_m             extra points the top and side views must include
    default_speed        playback speed factor
"""

from __future__ import annotations

import hashlib
import html
import importlib
import json
import math
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
THREE_VERSION = "0.159.0"
THREE_SHA256 = "7b1c5d75b28d9de15042e2b374f83566d8c7146697af8fdeb4558b0fb528a585"

# kind name -> module with build_scene(result, display) -> scene dict
SCENE_BUILDERS: dict[str, str] = {
    "jump": "stuntsim.report.scene_jump",
    "heli": "stuntsim.report.scene_heli",
    "car": "stuntsim.report.scene_car",
}

PHASE_PALETTE = ("#0969da", "#cf222e", "#1a7f37", "#57606a")
MARGIN_PALETTE = ("#cf222e", "#e16f24", "#bf8700", "#1a7f37")


@cache
def three_js() -> str:
    """The vendored three.js build, checked against its recorded SHA-256."""
    data = (HERE / "vendor" / "three.min.js").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != THREE_SHA256:
        raise RuntimeError(f"vendored three.min.js has SHA-256 {digest}, expected {THREE_SHA256}")
    return data.decode("utf-8")


@cache
def viewer_js() -> str:
    return (HERE / "viewer.js").read_text(encoding="utf-8")


def scene_builder(kind: str) -> Callable[[Any, Any], dict[str, Any]] | None:
    """The scene builder of a kind, or None when the kind has none (no viewer is drawn)."""
    name = SCENE_BUILDERS.get(kind)
    if name is None:
        return None
    builder: Callable[[Any, Any], dict[str, Any]] = importlib.import_module(name).build_scene
    return builder


def build_scene(kind: str, result: Any, display: Any) -> dict[str, Any] | None:
    builder = scene_builder(kind)
    return None if builder is None else builder(result, display)


# --- helpers for the scene builders ----------------------------------------------------------


def presenter(kind: str) -> Any:
    """The presenter of a kind (to_json, trajectory) by its registry name."""
    from stuntsim.kinds import get_kind

    k = get_kind(kind)
    return getattr(k, "presenter", k)


def r(values: Any, digits: int = 3) -> list[float | None]:
    """A JSON-ready list: rounded (1 mm for metres at 3 digits), NaN/inf as None."""
    out: list[float | None] = []
    for v in values:
        f = float(v)
        out.append(round(f, digits) if math.isfinite(f) else None)
    return out


def deg(tr: Any, base: str) -> Any:
    """An angle column in degrees, whether the presenter gives ``<base>_rad`` or ``_deg``."""
    if f"{base}_rad" in tr:
        return _np().degrees(_np().asarray(tr[f"{base}_rad"], float))
    return _np().asarray(tr[f"{base}_deg"], float)


def _np() -> Any:
    import numpy

    return numpy


def finite(values: Any, fill: float = 0.0) -> list[float]:
    return [float(v) if math.isfinite(float(v)) else fill for v in values]


def circle(e: float, n: float, u: float, radius: float, m: int = 96) -> list[list[float]]:
    return [
        [
            round(e + radius * math.sin(2 * math.pi * k / m), 2),
            round(n + radius * math.cos(2 * math.pi * k / m), 2),
            round(u, 2),
        ]
        for k in range(m)
    ]


def ellipse(
    e: float, n: float, u: float, a: float, b: float, azimuth_deg: float, m: int = 96
) -> list[list[float]]:
    """Points of an ellipse, semi-axes a (along azimuth, deg clockwise from north) and b."""
    az = math.radians(azimuth_deg)
    pts = []
    for k in range(m):
        th = 2 * math.pi * k / m
        x, y = a * math.cos(th), b * math.sin(th)  # x along the major axis
        pts.append(
            [
                round(e + x * math.sin(az) + y * math.cos(az), 2),
                round(n + x * math.cos(az) - y * math.sin(az), 2),
                round(u, 2),
            ]
        )
    return pts


def check_rows(checks: Sequence[Any]) -> list[dict[str, Any]]:
    rows = []
    for c in checks:
        at = getattr(c, "at", None) or {}
        t = at.get("t_s") if isinstance(at, dict) else None
        rows.append(
            {
                "id": c.id,
                "ok": bool(c.ok),
                "severity": c.severity,
                "t": None if t is None or not math.isfinite(float(t)) else float(t),
                "message": c.message,
            }
        )
    return rows


# --- HTML ------------------------------------------------------------------------------------

_CSS = """
.sv{margin-top:1rem}.sv-wrap{display:flex;gap:.8rem;align-items:flex-start;flex-wrap:wrap}
#sv-canvas{flex:1 1 640px;height:460px;min-width:320px;border:1px solid #d0d7de;
border-radius:6px;overflow:hidden;position:relative;background:#dfe9f3}
#sv-canvas canvas{display:block;width:100%;height:100%;touch-action:none}
.sv-side{flex:0 1 330px;font-size:.82rem}.sv-side table{margin:0;width:100%}
.sv-side th{background:none;font-weight:600;white-space:nowrap}
.sv-bad{color:#cf222e;font-weight:700}.sv-ok{color:#1a7f37}
#sv-checks{list-style:none;padding:0;margin:.4rem 0}#sv-checks li{padding:.15rem .3rem;
border-left:4px solid #d0d7de;margin:.15rem 0}#sv-checks li.fail{border-color:#cf222e}
#sv-checks li.caution{border-color:#bf8700}#sv-checks li.pass{border-color:#1a7f37}
#sv-checks li.sv-now{background:#fff8c5}#sv-checks li.sv-past{opacity:.75}
.sv-bar{display:flex;gap:.5rem;align-items:center;margin:.5rem 0;flex-wrap:wrap}
.sv-bar button{font:inherit;padding:.2rem .6rem;border:1px solid #d0d7de;border-radius:4px;
background:#f6f8fa;cursor:pointer}.sv-bar button.sv-active{background:#0969da;color:#fff}
.sv-time{position:relative;flex:1 1 100%;height:3.3rem}
#sv-slider{width:100%;margin:0;position:absolute;top:0;left:0}
#sv-marks{position:absolute;top:1.3rem;left:0;right:0;height:1.9rem;font-size:.68rem}
.sv-mark{position:absolute;top:0;border-left:2px solid #57606a;padding-left:2px;
white-space:nowrap;cursor:pointer;color:#57606a}
.sv-mark.sv-end{border-left:none;border-right:2px solid #57606a;padding:0 2px 0 0;
transform:translateX(-100%)}
.sv-span{position:absolute;top:-.9rem;height:.5rem;opacity:.6;border-radius:2px}
.sv-legend span{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;
margin:0 .2rem 0 .6rem;vertical-align:middle}
"""


def _timeline(scene: dict[str, Any]) -> str:
    t = scene["track"]["t"]
    t0, t1 = float(t[0]), float(t[-1])
    span = max(t1 - t0, 1e-9)
    out = []
    for s in scene.get("spans", []):
        left = 100 * (float(s["t0"]) - t0) / span
        width = max(100 * (float(s["t1"]) - float(s["t0"])) / span, 0.4)
        out.append(
            f'<div class="sv-span" title="{html.escape(s["label"])}" style="left:{left:.2f}%;'
            f'width:{width:.2f}%;background:{html.escape(s.get("color", "#8250df"))}"></div>'
        )
    last = [-100.0, -100.0, -100.0]  # left edge (%) of the last label on each of 3 rows
    for e in sorted(scene.get("events", []), key=lambda ev: float(ev["t"])):
        left = 100 * (float(e["t"]) - t0) / span
        width = 0.75 * len(str(e["label"])) + 1.0  # % of the bar, about 1000 px wide
        row = next((k for k in range(3) if left >= last[k]), None)
        label = html.escape(e["label"])
        text = label if row is not None else ""  # crowded: the tick alone, label on hover
        if row is not None:
            last[row] = left + width
        top = 0.62 * (row or 0)
        end = " sv-end" if left > 100 - width else ""  # near the end: label left of the tick
        out.append(
            f'<span class="sv-mark{end}" data-t="{float(e["t"]):.4f}" title="{label}" '
            f'style="left:{left:.2f}%;top:{top:.2f}rem">{text}</span>'
        )
    return "".join(out)


def viewer_html(scene: dict[str, Any]) -> str:
    """The viewer's section: canvas, controls, state panel, the scene and the scripts."""
    cams = ["chase", "top", "side", *scene.get("cameras", {}).get("mounts", {}).keys()]
    buttons = "".join(
        f'<button type="button" data-cam="{html.escape(c)}">{html.escape(c)}</button>' for c in cams
    )
    legend = "".join(
        f'<span style="background:{html.escape(col)}"></span>{html.escape(txt)}'
        for col, txt in scene.get("legend", [])
    )
    items = []
    for c in scene.get("checks", []):
        cls = "pass" if c["ok"] else c["severity"]
        at = "" if c["t"] is None else f"{c['t']:.3f}"
        when = "" if c["t"] is None else f" at {c['t']:.1f} s"
        mark = "✔" if c["ok"] else "✘"
        items.append(
            f'<li class="{html.escape(cls)}" data-t="{at}">{mark} '
            f"<code>{html.escape(c['id'])}</code>{when}</li>"
        )
    checks = "".join(items)
    speeds = "".join(
        f'<option value="{s}">{s}×</option>' for s in (0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50)
    )
    data = json.dumps(scene, separators=(",", ":"), allow_nan=False)
    data = data.replace("<", "\\u003c")  # no "</script" or "<!--" can end the element
    return (
        f"<style>{_CSS}</style>"
        '<section class="sv" id="viewer"><h2>3-D view</h2>'
        '<div class="sv-bar"><button type="button" id="sv-play">▶ play</button>'
        f'<label>speed <select id="sv-speed">{speeds}</select></label>'
        '<span id="sv-time"></span><span>camera:</span>'
        f'<span id="sv-cams" class="sv-bar">{buttons}</span></div>'
        '<div class="sv-bar"><div class="sv-time"><input type="range" id="sv-slider" '
        f'aria-label="time"><div id="sv-marks">{_timeline(scene)}</div></div></div>'
        '<div class="sv-wrap"><div id="sv-canvas"></div><div class="sv-side">'
        '<table id="sv-state"></table><h3>Checks</h3>'
        f'<ul id="sv-checks">{checks}</ul></div></div>'
        f'<p class="sv-legend">{legend}</p>'
        '<p class="sub">Drag to turn the view, wheel to zoom, space to play, arrows to step. '
        "Far from the camera the body is drawn larger than life so that it stays visible.</p>"
        f'<script type="application/json" id="stuntsim-scene">{data}</script>'
        f"<script>{three_js()}</script><script>{viewer_js()}</script></section>"
    )


def report_extras(
    kind: str, result: Any, display: Any, montecarlo: Any = None, cues: list[Any] | None = None
) -> dict[str, Any]:
    """Keyword arguments of :func:`stuntsim.report.html.render` for one result: the viewer's
    scene (with the Monte Carlo layer when ``montecarlo`` carries per-sample ``columns``) and
    the crew's printed brief (``cues``: a planner's cue list, the car's cone plan)."""
    from stuntsim.report.brief import brief_html

    scene = build_scene(kind, result, display)
    if scene is not None and montecarlo is not None:
        columns = getattr(montecarlo, "columns", None) or {}
        summary = getattr(montecarlo, "summary", None) or {}
        layer = SCENE_BUILDERS.get(kind)
        if layer is not None and columns:
            add = getattr(importlib.import_module(layer), "add_montecarlo", None)
            if add is not None:
                scene = add(scene, columns, summary)
    return {"scene": scene, "brief": brief_html(kind, result, display, cues, montecarlo)}
