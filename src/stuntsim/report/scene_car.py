"""The viewer's scene of a car stunt: the stairs (platform, steps, landings, walls), the car
body and wheels with its attitude, the wheel loads at the contact points, the shift window.

Attitude: the simulation's pitch is + nose down and its roll + left side up (car/dynamics.py,
ISO 8855 axes); the viewer's convention is pitch + nose up, roll + right side down, so
pitch_viewer = -pitch and roll_viewer = roll. Wheels are drawn at their static places in the
body (suspension travel is not drawn); the load bars stand on the contact points below them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from stuntsim.report.viewer import check_rows, deg, presenter, r

WHEELS = ("fl", "fr", "rl", "rr")
LOAD_SCALE = 1.0 / 10000.0  # m of bar per newton: 1 m per 10 kN (about 2.7 x static load)


def _stairs(ground: Any, e_mid: float, n_lo: float, n_hi: float) -> list[dict[str, Any]]:
    """Boxes for the ground profile the simulation uses (``ground.segments()``: platform,
    treads, landings, kickers and landing ramps, surveyed profiles), and the side walls."""
    objs: list[dict[str, Any]] = []
    seg = np.asarray(ground.segments()[0], dtype=float)
    if len(seg) == 1 and not np.isfinite(seg[0, 0]) and seg[0, 3] == 0.0:  # flat ground
        objs.append(
            {
                "type": "box",
                "centre": [e_mid, 0.5 * (n_lo + n_hi), float(seg[0, 2]) - 0.05],
                "size": [60.0, max(n_hi - n_lo, 10.0) + 20.0, 0.1],
                "color": "#a8a29a",
            }
        )
        return objs
    width = float(getattr(ground, "width", 10.0))
    ce = float(getattr(ground, "centre_east", 0.0))
    lo, hi = n_lo - 15.0, n_hi + 15.0
    ends_z = []
    for a, b, z0, slope in seg:
        s0, s1 = max(float(a), lo), min(float(b), hi)
        if s1 > s0:
            za = float(z0) + float(slope) * (s0 - float(a) if np.isfinite(a) else 0.0)
            ends_z += [za, za + float(slope) * (s1 - s0)]
    bottom = min(ends_z) if ends_z else 0.0
    for k, (a, b, z0, slope) in enumerate(seg):
        s0, s1 = max(float(a), lo), min(float(b), hi)
        if s1 <= s0:
            continue
        off = s0 - float(a) if np.isfinite(a) else 0.0
        za = float(z0) + float(slope) * off
        zb = za + float(slope) * (s1 - s0)
        outer = k == 0 or k == len(seg) - 1
        colour = "#b5aea3" if k % 2 else "#c9c2b6"
        if slope == 0.0:
            depth = za - bottom + 0.3
            objs.append(
                {
                    "type": "box",
                    "centre": [ce, 0.5 * (s0 + s1), za - 0.5 * depth],
                    "size": [width + (8.0 if outer else 0.0), s1 - s0, depth],
                    "color": colour,
                }
            )
        else:  # a ramp: a plank 0.1 m thick laid along its slope
            length = math.hypot(s1 - s0, zb - za)
            objs.append(
                {
                    "type": "box",
                    "centre": [ce, 0.5 * (s0 + s1), 0.5 * (za + zb) - 0.05],
                    "size": [width, length, 0.1],
                    "pitch_deg": math.degrees(math.atan(float(slope))),
                    "color": "#9a7b55",
                }
            )
    if getattr(ground, "has_walls", False) and getattr(ground, "sides", "walls") == "walls":
        n0, n1 = float(ground.edge_north), float(ground.bottom_north)
        for side in (-1, 1):
            objs.append(
                {
                    "type": "box",
                    "centre": [
                        ce + side * (0.5 * width + 0.15),
                        0.5 * (n0 + n1),
                        0.5 * (bottom + 1.2),
                    ],
                    "size": [0.3, n1 - n0, 1.2 - bottom],
                    "color": "#8c6d5a",
                    "opacity": 0.55,
                }
            )
    return objs


def _body(veh: Any) -> dict[str, Any]:
    a = float(veh.cg_to_front)
    b = float(veh.wheelbase) - a
    h = float(veh.cg_height)
    rw = float(veh.wheel_radius)
    length, width = float(veh.length), float(veh.width)
    front = a + float(veh.front_overhang)
    mid = front - 0.5 * length  # body centre along the car, from the CG
    zc = rw - h  # wheel centres below the CG
    parts: list[dict[str, Any]] = [
        {
            "shape": "box",
            "at": [0, mid, zc + 0.45],
            "size": [width, length, 0.55],
            "color": "#1f4e8c",
        },
        {
            "shape": "box",
            "at": [0, mid - 0.25, zc + 0.95],
            "size": [width * 0.9, 2.3, 0.45],
            "color": "#2f5fa0",
            "opacity": 0.85,
        },
    ]
    wheel_at = []
    for w in WHEELS:
        x = a if w[0] == "f" else -b
        half = 0.5 * float(veh.track_front if w[0] == "f" else veh.track_rear)
        right = 1.0 if w[1] == "r" else -1.0
        wheel_at.append([right * half, x, zc])
        parts.append(
            {
                "shape": "wheel",
                "at": [right * half, x, zc],
                "radius": rw,
                "width": 0.2,
                "color": "#24292f",
            }
        )
    gauges = [
        {"at": [p[0], p[1], p[2] - rw], "channel": 0, "scale": LOAD_SCALE, "color": "#cf222e"}
        for p in wheel_at
    ]
    return {"size_m": length, "parts": parts, "gauges": gauges, "wheels_body_m": wheel_at}


def shift_spans(res: Any, doc: dict[str, Any], spans: list[Any], events: list[Any]) -> None:
    """The shift window on the timeline: from the ``shift_window`` check's ``at`` (the cue,
    the shift time, the span where the clutch may come up), or from an older
    ``shift_window`` block of the JSON document."""
    chk = next((c for c in getattr(res, "checks", []) if c.id == "shift_window"), None)
    at = getattr(chk, "at", None) or {}
    ok = bool(getattr(chk, "ok", False))
    if "clutch_up_from_s" in at and "clutch_up_to_s" in at:
        spans.append(
            {
                "t0": at["clutch_up_from_s"],
                "t1": at["clutch_up_to_s"],
                "label": "clutch up (driven wheels unloaded)",
                "color": "#1a7f37" if ok else "#cf222e",
            }
        )
        events.append({"t": float(at["clutch_up_from_s"]), "label": "clutch-up window"})
    if "cue_s" in at:
        events.append({"t": float(at["cue_s"]), "label": "shift cue"})
        if "shift_s" in at:
            spans.append(
                {
                    "t0": at["cue_s"],
                    "t1": float(at["cue_s"]) + float(at["shift_s"]),
                    "label": "shift R -> 1",
                    "color": "#bf8700",
                }
            )
    sw = doc.get("shift_window") or {}
    if not at and sw.get("start_s") is not None and sw.get("end_s") is not None:
        spans.append(
            {
                "t0": sw["start_s"],
                "t1": sw["end_s"],
                "label": "shift window",
                "color": "#1a7f37" if sw.get("feasible") else "#cf222e",
            }
        )
        events.append({"t": float(sw["start_s"]), "label": "shift window"})


def build_scene(res: Any, display: Any) -> dict[str, Any]:
    kind = presenter("car")
    tr = kind.trajectory(res)
    doc = kind.to_json(res)
    plan = res.plan
    veh = plan.vehicle
    t = np.asarray(tr["t_s"], float)
    e = np.asarray(tr["east_m"], float)
    n = np.asarray(tr["north_m"], float)
    u = np.asarray(tr["height_m"], float)
    heading_deg = deg(tr, "heading")
    heading = np.degrees(np.unwrap(np.radians(heading_deg)))
    pitch = -deg(tr, "pitch")
    roll = deg(tr, "roll")
    airborne = np.asarray(tr.get("airborne", np.zeros(len(t))), int)

    if "engine_rpm" in tr:
        rpm = np.asarray(tr["engine_rpm"], float)
    else:
        rpm = np.asarray(tr["engine_rad_s"], float) * 60.0 / (2.0 * np.pi)
    body = _body(veh)
    channels: list[dict[str, Any]] = []
    for i, w in enumerate(WHEELS):  # channels 0-3: wheel loads in N (the gauges)
        body["gauges"][i]["channel"] = len(channels)
        channels.append(
            {
                "label": f"load {w.upper()}",
                "unit": "N",
                "digits": 0,
                "values": r(tr[f"fz_{w}_n"], 0),
            }
        )
    ls = display.label("speed")
    channels += [
        {
            "label": "state",
            "categories": ["on the ground", "airborne"],
            "values": airborne.tolist(),
        },
        {
            "label": "speed",
            "unit": ls,
            "digits": 1,
            "values": r(display.value(tr["speed_m_s"], "speed"), 2),
        },
        {"label": "heading", "unit": "°", "digits": 0, "values": r(heading_deg % 360.0, 1)},
        {"label": "yaw since start", "unit": "°", "digits": 0, "values": r(deg(tr, "yaw"), 1)},
        {"label": "roll (+ left up)", "unit": "°", "digits": 1, "values": r(roll, 2)},
        {"label": "pitch (+ nose down)", "unit": "°", "digits": 1, "values": r(-pitch, 2)},
        {"label": "steer", "unit": "°", "digits": 0, "values": r(deg(tr, "steer"), 1)},
        {
            "label": "gear",
            "categories": ["R", "N", "1", "2", "3", "4", "5"],
            "values": (np.asarray(tr["gear"], int) + 1).clip(0, 6).tolist(),
        },
        {"label": "clutch pedal", "unit": "", "digits": 2, "values": r(tr["clutch"], 2)},
        {"label": "engine", "unit": "rpm", "digits": 0, "values": r(rpm, 0)},
    ]
    if "vertical_g" in tr:
        channels.append(
            {"label": "vertical load", "unit": "g", "digits": 2, "values": r(tr["vertical_g"], 3)}
        )
    if "wall_clearance_m" in tr:
        tg = getattr(plan, "targets", None)
        channels.append(
            {
                "label": "wall clearance",
                "unit": "m",
                "digits": 2,
                "values": r(tr["wall_clearance_m"], 3),
                "limit": float(getattr(tg, "wall_margin", 0.0)),
                "sense": "min",
            }
        )

    spans = []
    for a in doc.get("airborne") or []:
        spans.append(
            {"t0": a["t_start_s"], "t1": a["t_end_s"], "label": "airborne", "color": "#0969da"}
        )
    events: list[dict[str, Any]] = [{"t": float(t[0]), "label": "start"}]
    shift_spans(res, doc, spans, events)
    edge = doc.get("edge_crossing")
    if isinstance(edge, dict) and "t_s" in edge:
        events.append({"t": float(edge["t_s"]), "label": "step edge"})
    for ld in doc.get("landings") or []:
        events.append({"t": float(ld["t_s"]), "label": "landing"})
    events.sort(key=lambda x: x["t"])

    objs = _stairs(plan.ground, float(np.mean(e)), float(np.min(n)), float(np.max(n)))
    st = getattr(plan, "start", None)
    if st is not None:
        objs.append(
            {
                "type": "label",
                "at": [float(e[0]), float(n[0]), 1.6],
                "text": "start",
                "color": "#24292f",
            }
        )
    tg = getattr(plan, "targets", None)
    if tg is not None and getattr(tg, "heading", None) is not None:
        hd = float(tg.heading)
        objs.append(
            {
                "type": "arrow",
                "from": [float(e[-1]), float(n[-1]), float(u[-1]) + 1.5],
                "vector": [3 * np.sin(hd), 3 * np.cos(hd), 0.0],
                "color": "#1a7f37",
            }
        )
    duration = float(t[-1] - t[0])
    ang = float(np.radians(heading[0]))
    return {
        "kind": "car",
        "title": str(getattr(res, "name", "")),
        "origin_m": [0.0, 0.0, 0.0],
        "track": {
            "t": r(t, 6),
            "east": r(e, 4),
            "north": r(n, 4),
            "up": r(u, 4),
            "heading": r(heading, 3),
            "pitch": r(pitch, 3),
            "roll": r(roll, 3),
            "colour": airborne.tolist(),
        },
        "palette": ["#57606a", "#0969da"],
        "legend": [
            ["#57606a", "path of the CG on the ground"],
            ["#0969da", "airborne"],
            ["#cf222e", "wheel loads (1 m = 10 kN)"],
            ["#1a7f37", "shift window, target heading"],
        ],
        "body": body,
        "objects": objs,
        "events": events,
        "spans": spans,
        "channels": channels,
        "checks": check_rows(getattr(res, "checks", [])),
        "check_window_s": max(0.02 * duration, 0.05),
        "cameras": {
            "default": "chase",
            "chase_distance_m": 9.0,
            "side_azimuth_deg": float(np.degrees(ang)) + 90.0,
            "mounts": {
                # left-hand drive: the seat 0.37 m left of the centre line, eyes about
                # 1.2 m above the ground (0.72 m above a 0.52 m CG); an estimate
                "driver": {
                    "at": [-0.37, -0.1, 0.72],
                    "look": [0, 1, -0.06],
                    "fov_deg": 75,
                    "hide_body": False,
                }
            },
        },
        "default_speed": 0.25,
        "sky": "#dfe9f3",
    }
