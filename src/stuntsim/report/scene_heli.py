"""The viewer's scene of a helicopter chase: the DEM as a surface, the path coloured by its
tightest margin, the aircraft with heading and bank and its camera rigs, the clearance to the
terrain below it at the current time.

Tightest margin at a path sample: the smallest of the dimensionless margins that vary along
the path (>= 0 passes), each on the basis of its check: terrain clearance (c - c_req) / c_req,
power (P_avail - P_req) / P_avail, load factor (n_lim - n) / n_lim and the vortex-ring-state
margin of the scenario's criterion. Colours: red < 0, orange < 0.1, yellow < 0.25, green
otherwise. Pitch is not part of the path model (a point-mass path with coordinated turns), so
the aircraft is drawn level in pitch, banked by the path's bank angle.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from stuntsim.report.viewer import MARGIN_PALETTE, check_rows, deg, presenter, r

GRID = 72  # terrain samples per side of the surface


def _col(tr: Any, key: str) -> np.ndarray | None:
    return np.asarray(tr[key], float) if key in tr else None


def tightest_margin(tr: Any, plan: Any) -> np.ndarray:
    """The smallest dimensionless margin at each path sample (see the module docstring)."""
    n = len(tr["t_s"])
    margins = [np.full(n, np.inf)]
    clear = _col(tr, "clearance_m")
    req = float(getattr(getattr(plan, "limits", None), "required_clearance", 0.0) or 0.0)
    if clear is not None and req > 0:
        margins.append((clear - req) / req)
    pr, pa = _col(tr, "power_required_w"), _col(tr, "power_available_w")
    if pr is not None and pa is not None:
        margins.append((pa - pr) / np.where(pa > 0, pa, np.nan))
    nz = _col(tr, "load_factor")
    nlim = float(getattr(getattr(plan, "aircraft", None), "load_factor_limit", 0.0) or 0.0)
    if nz is not None and nlim > 0:
        margins.append((nlim - nz) / nlim)
    vrs = _col(tr, "vrs_margin")
    if vrs is not None:
        margins.append(vrs)
    m = np.min(np.vstack([np.nan_to_num(x, nan=np.inf) for x in margins]), axis=0)
    return m


def margin_class(m: np.ndarray) -> list[int]:
    return np.select([m < 0.0, m < 0.1, m < 0.25], [0, 1, 2], 3).astype(int).tolist()


def _terrain(plan: Any, e: np.ndarray, n: np.ndarray) -> dict[str, Any] | None:
    terrain = getattr(plan, "terrain", None)
    if terrain is None or not hasattr(terrain, "height"):
        return None
    pad = max(400.0, 0.15 * max(np.ptp(e), np.ptp(n)))
    e0, e1 = float(np.min(e)) - pad, float(np.max(e)) + pad
    n0, n1 = float(np.min(n)) - pad, float(np.max(n)) + pad
    ge, gn = np.meshgrid(np.linspace(e0, e1, GRID), np.linspace(n0, n1, GRID))
    z = np.asarray(terrain.height(ge, gn), float)
    if hasattr(terrain, "covers"):
        z = np.where(np.asarray(terrain.covers(ge, gn), bool), z, np.nan)
    if not np.isfinite(z).any():
        return None
    z = np.where(np.isfinite(z), z, float(np.nanmin(z)))
    return {
        "type": "surface",
        "e0": round(e0, 1),
        "n0": round(n0, 1),
        "de": round((e1 - e0) / (GRID - 1), 3),
        "dn": round((n1 - n0) / (GRID - 1), 3),
        "nx": GRID,
        "ny": GRID,
        "z": np.round(z, 1).ravel().tolist(),
        "low": "#5a7d3a",
        "high": "#e8e2d0",
    }


def _body(plan: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    ac = getattr(plan, "aircraft", None)
    R = float(getattr(ac, "rotor_radius", 5.35))
    hub = float(getattr(ac, "hub_height", 3.3))
    parts: list[dict[str, Any]] = [
        {"shape": "box", "at": [0, 0.3, 1.1], "size": [1.6, 4.0, 1.8], "color": "#cf222e"},
        {"shape": "box", "at": [0, -3.8, 1.6], "size": [0.4, 4.8, 0.5], "color": "#cf222e"},
        {"shape": "box", "at": [0, -6.0, 2.3], "size": [0.2, 0.9, 1.5], "color": "#cf222e"},
        {"shape": "box", "at": [0, 0.4, 0.05], "size": [2.1, 3.2, 0.1], "color": "#24292f"},
        {
            "shape": "disc",
            "at": [0, 0, hub],
            "radius": R,
            "thickness": 0.05,
            "color": "#8c959f",
            "opacity": 0.35,
        },
    ]
    mounts: dict[str, Any] = {}
    for rig in getattr(plan, "rigs", []) or []:
        fwd, right, down = (float(x) for x in getattr(rig, "position", (0.0, 0.0, 0.0)))
        at = [right, fwd, hub - down]
        parts.append({"shape": "box", "at": at, "size": [0.5, 0.6, 0.5], "color": "#0969da"})
        name = f"rig: {getattr(rig, 'name', 'camera')}"
        if name not in mounts:
            side = abs(right) > 0.5 and abs(right) > abs(fwd)
            # a side mount looks outwards, a nose or belly mount ahead; both 12 deg down
            look = [math.copysign(1.0, right), 0.35, 0.0] if side else [0.0, 1.0, 0.0]
            look[2] = -math.tan(math.radians(12.0)) * math.hypot(look[0], look[1])
            eye = [
                at[0] + (math.copysign(0.4, right) if side else 0.0),
                at[1] + (0.0 if side else 0.4),
                at[2] - 0.3,
            ]
            mounts[name] = {"at": eye, "look": look, "fov_deg": 60, "hide_body": False}
    return {"size_m": 2 * R, "parts": parts}, mounts


def build_scene(res: Any, display: Any) -> dict[str, Any]:
    kind = presenter("heli")
    tr = kind.trajectory(res)
    doc = kind.to_json(res)
    plan = res.plan
    t = np.asarray(tr["t_s"], float)
    e = np.asarray(tr["east_m"], float)
    n = np.asarray(tr["north_m"], float)
    u = np.asarray(tr["altitude_m"], float)
    heading = np.degrees(np.unwrap(np.radians(deg(tr, "heading"))))
    bank = deg(tr, "bank") if ("bank_rad" in tr or "bank_deg" in tr) else np.zeros(len(t))
    margin = tightest_margin(tr, plan)
    objs: list[dict[str, Any]] = []
    surf = _terrain(plan, e, n)
    if surf is not None:
        objs.append(surf)
    body, mounts = _body(plan)
    seg = np.asarray(tr.get("segment", np.ones(len(t))), int)
    events: list[dict[str, Any]] = []
    segs = doc.get("segments") or []
    for i in range(len(t)):
        if i == 0 or seg[i] != seg[i - 1]:
            k = int(seg[i]) - 1
            name = segs[k]["kind"] if 0 <= k < len(segs) and isinstance(segs[k], dict) else ""
            events.append({"t": float(t[i]), "label": f"{k + 1} {name}".strip()})
    named: list[dict[str, Any]] = [
        {"t": float(ev["t_s"]), "label": str(ev.get("name", ""))}
        for ev in doc.get("events") or []
        if isinstance(ev, dict) and "t_s" in ev
    ]
    if any("segment" in ev["label"] for ev in named):  # the kind marks its segments itself
        events = named
    else:
        events += named
    events.sort(key=lambda x: x["t"])
    waypoints: list[dict[str, Any]] = []
    for ev in events:
        i = min(int(np.searchsorted(t, ev["t"])), len(t) - 1)
        waypoints.append(
            {"name": ev["label"], "t": ev["t"], "at": [float(e[i]), float(n[i]), float(u[i])]}
        )
    la, ls = display.label("altitude"), display.label("speed")
    req = float(getattr(getattr(plan, "limits", None), "required_clearance", 0.0) or 0.0)
    channels: list[dict[str, Any]] = [
        {
            "label": "segment",
            "categories": [str(i) for i in range(int(seg.max()) + 1)],
            "values": seg.tolist(),
        },
        {
            "label": "altitude MSL",
            "unit": la,
            "digits": 0,
            "values": r(display.value(u, "altitude"), 1),
        },
    ]
    if "clearance_m" in tr:
        channels.append(
            {
                "label": "terrain clearance",
                "unit": la,
                "digits": 0,
                "values": r(display.value(tr["clearance_m"], "altitude"), 1),
                "limit": float(display.value(req, "altitude")),
                "sense": "min",
            }
        )
    for key, label, digits in (
        ("airspeed_m_s", "airspeed", 1),
        ("true_airspeed_m_s", "true airspeed", 1),
    ):
        if key in tr:
            channels.append(
                {
                    "label": label,
                    "unit": ls,
                    "digits": digits,
                    "values": r(display.value(tr[key], "speed"), 2),
                }
            )
    channels += [
        {"label": "heading", "unit": "°", "digits": 0, "values": r(deg(tr, "heading") % 360.0, 1)},
        {"label": "bank", "unit": "°", "digits": 0, "values": r(bank, 1)},
    ]
    if "load_factor" in tr:
        nlim = float(getattr(plan.aircraft, "load_factor_limit", 0.0) or 0.0)
        channels.append(
            {
                "label": "load factor",
                "unit": "g",
                "digits": 2,
                "values": r(tr["load_factor"], 3),
                "limit": nlim or None,
                "sense": "max",
            }
        )
    if "power_required_w" in tr and "power_available_w" in tr:
        channels.append(
            {
                "label": "power required / available",
                "unit": "%",
                "digits": 0,
                "values": r(
                    100
                    * np.asarray(tr["power_required_w"], float)
                    / np.asarray(tr["power_available_w"], float),
                    1,
                ),
                "limit": 100.0,
                "sense": "max",
            }
        )
    if "vrs_margin" in tr:
        channels.append(
            {
                "label": "VRS margin",
                "unit": "",
                "digits": 2,
                "values": r(tr["vrs_margin"], 3),
                "limit": 0.0,
                "sense": "min",
            }
        )
    channels.append(
        {
            "label": "tightest margin",
            "unit": "",
            "digits": 2,
            "values": r(np.where(np.isfinite(margin), margin, np.nan), 3),
            "limit": 0.0,
            "sense": "min",
        }
    )
    duration = float(t[-1] - t[0])
    ground = _col(tr, "terrain_m")
    o = [
        round(float(e[0]), 1),
        round(float(n[0]), 1),
        round(float(np.min(ground if ground is not None else u)), 1),
    ]
    return {
        "kind": "heli",
        "waypoints": waypoints,
        "title": str(getattr(res, "name", "")),
        "origin_m": o,
        "track": {
            "t": r(t, 6),
            "east": r(e),
            "north": r(n),
            "up": r(u),
            "heading": r(heading, 3),
            "pitch": [0.0],
            "roll": r(bank, 3),
            "colour": margin_class(margin),
            **({"ground": r(ground, 2)} if ground is not None else {}),
        },
        "palette": list(MARGIN_PALETTE),
        "legend": [
            [MARGIN_PALETTE[0], "tightest margin < 0 (fails)"],
            [MARGIN_PALETTE[1], "< 0.1"],
            [MARGIN_PALETTE[2], "< 0.25"],
            [MARGIN_PALETTE[3], "≥ 0.25"],
            ["#bf3989", "clearance to the terrain below"],
            ["#0969da", "camera rigs"],
        ],
        "body": body,
        "objects": objs,
        "events": events,
        "spans": [],
        "channels": channels,
        "checks": check_rows(getattr(res, "checks", [])),
        "check_window_s": max(0.02 * duration, 1.0),
        "cameras": {
            "default": "chase",
            "chase_distance_m": 45.0,
            "side_azimuth_deg": float(heading[0]) + 90.0,
            "mounts": mounts,
        },
        "default_speed": 5 if duration > 120 else 1,
    }
