"""The viewer's scene of a jump: the path by phase, aircraft and jump run, key points, winds.

Reads the result through the kind's presenter (``trajectory``, ``to_json``) and a few plan
fields, each looked up defensively so that a missing optional part (no release point, no LZ,
no wind profile) leaves that layer out instead of breaking the report. The jumper's attitude
shown is the direction of the velocity (path heading and flight-path angle): the simulation
is a point mass, it has no body attitude. The stick is drawn as the same path shifted along the
jump run by the exit separation (every jumper in the same air mass), an approximation.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from stuntsim.report.viewer import PHASE_PALETTE, check_rows, circle, ellipse, presenter, r

PHASES = ("freefall", "opening", "canopy", "landed")
LABELS = {
    "exit": "exit",
    "deploy": "deploy",
    "canopy_open": "canopy open",
    "landing": "landing",
    "max_speed": "max speed",
    "drogue": "drogue",
}


def _find(doc: Any, key: str) -> dict[str, Any] | None:
    """The first dict (depth first) in ``doc`` that has ``key`` (the jump-run block)."""
    if isinstance(doc, dict):
        if key in doc:
            return doc
        doc = list(doc.values())
    if isinstance(doc, list):
        for v in doc:
            found = _find(v, key)
            if found is not None:
                return found
    return None


def _plan(res: Any) -> Any:
    return getattr(res, "plan", None)


def _elevation(plan: Any) -> float:
    site = getattr(plan, "site", None)
    return float(getattr(site, "elevation", 0.0) or 0.0)


def _events(res: Any, doc: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for e in doc.get("events") or []:
        if isinstance(e, dict) and "t_s" in e:
            out.append(
                {
                    "t": float(e["t_s"]),
                    "label": LABELS.get(e.get("name", ""), e.get("name", "")),
                    "name": e.get("name", ""),
                    "at": [e.get("east_m"), e.get("north_m"), e.get("altitude_m")],
                }
            )
    return out


def _winds(
    plan: Any, top: float, ground: float, at: tuple[float, float], scale: float
) -> list[dict[str, Any]]:
    wind = getattr(getattr(plan, "air", None), "wind", None)
    if wind is None or not hasattr(wind, "direction_speed"):
        return []
    z = np.linspace(ground + 0.02 * (top - ground), top, 9)
    frm, sp = wind.direction_speed(z)
    frm, sp = np.broadcast_to(frm, z.shape), np.broadcast_to(sp, z.shape)
    objs: list[dict[str, Any]] = []
    vmax = float(np.max(sp)) if len(sp) else 0.0
    if vmax <= 0:
        return objs
    for zi, f, s in zip(z, frm, sp, strict=True):
        to = math.radians(float(f) + 180.0)  # the wind blows towards from + 180 deg
        length = scale * float(s) / vmax
        objs.append(
            {
                "type": "arrow",
                "from": [at[0], at[1], round(float(zi), 1)],
                "vector": [length * math.sin(to), length * math.cos(to), 0.0],
                "color": "#8250df",
                "layer": "wind",
            }
        )
    return objs


def _aircraft(
    e: float, n: float, u: float, heading_deg: float, v_east: float, v_north: float, t0: float
) -> dict[str, Any]:
    """The jump aircraft as a mover: boxes of about a C-130's size (29.8 m long, 40.4 m span),
    nose along the jump run, flying at the exit's ground velocity from 30 s before the exit to
    60 s after it (a straight jump run at constant speed: drawn, not simulated)."""
    parts = [
        {"shape": "box", "at": [0, 0, 0], "size": [4.0, 29.0, 4.0], "color": "#57606a"},
        {"shape": "box", "at": [0, 4.0, 2.0], "size": [40.0, 4.0, 1.0], "color": "#57606a"},
        {"shape": "box", "at": [0, -12.0, 0.0], "size": [14.0, 3.0, 0.8], "color": "#57606a"},
        {"shape": "box", "at": [0, -13.0, 4.0], "size": [0.6, 3.0, 6.0], "color": "#57606a"},
    ]
    return {
        "from": [e, n, u],
        "velocity": [v_east, v_north, 0.0],
        "t_ref": t0,
        "t0": t0 - 30.0,
        "t1": t0 + 60.0,
        "heading_deg": heading_deg,
        "parts": parts,
    }


def build_scene(res: Any, display: Any) -> dict[str, Any]:
    kind = presenter("jump")
    tr = kind.trajectory(res)
    doc = kind.to_json(res)
    plan = _plan(res)
    t = np.asarray(tr["t_s"], float)
    e = np.asarray(tr["east_m"], float)
    n = np.asarray(tr["north_m"], float)
    u = np.asarray(tr["altitude_m"], float)
    ve, vn, vu = (np.asarray(tr[k], float) for k in ("v_east_m_s", "v_north_m_s", "v_up_m_s"))
    vh = np.hypot(ve, vn)
    heading = np.degrees(np.unwrap(np.arctan2(ve, vn)))
    pitch = np.degrees(np.arctan2(vu, vh))
    phase = np.asarray(tr.get("phase", ["freefall"] * len(t))).astype(str)
    colour = [PHASES.index(p) if p in PHASES else 0 for p in phase]
    ground = _elevation(plan)
    top = float(np.max(u))
    span = float(max(np.ptp(e), np.ptp(n), top - ground, 100.0))

    objs: list[dict[str, Any]] = [
        {
            "type": "disc",
            "centre": [0.0, 0.0, ground],
            "radius": 1.5 * span,
            "color": "#9fbf7f",
            "opacity": 0.35,
        },
        {"type": "marker", "at": [0.0, 0.0, ground], "color": "#bf8700", "size": 7},
        {"type": "label", "at": [0.0, 0.0, ground], "text": "target", "color": "#9a6700"},
    ]
    lz = getattr(plan, "lz_radius", None)
    if lz:
        objs.append(
            {
                "type": "line",
                "points": circle(0, 0, ground + 0.5, float(lz)),
                "closed": True,
                "color": "#bf8700",
            }
        )
        objs.append(
            {
                "type": "disc",
                "centre": [0.0, 0.0, ground + 0.3],
                "radius": float(lz),
                "color": "#f2cc60",
                "opacity": 0.35,
            }
        )
    # the jump run: the aircraft's track through the exit point, with its direction
    hd_rad = float(getattr(plan, "aircraft_heading", math.atan2(ve[0], vn[0])))
    hd = math.degrees(hd_rad) % 360.0
    ex, ey, ez = float(e[0]), float(n[0]), float(u[0])
    run = max(2000.0, 0.25 * span)  # half-length of the drawn jump run, m
    jrun = _find(doc, "heading_true_deg") or {}  # the jumpmaster's jump-run block
    mag = jrun.get("heading_magnetic_deg")
    run_text = f"jump run {hd:05.1f}° true" + (
        "" if mag is None else f", {float(mag) % 360:05.1f}° magnetic"
    )
    s, c = math.sin(hd_rad), math.cos(hd_rad)
    moving = float(getattr(plan, "aircraft_speed", np.hypot(ve[0], vn[0])) or 0.0) > 1.0
    movers: list[dict[str, Any]] = []
    if moving:  # an aircraft on a jump run (a balloon gondola has none)
        objs.append(
            {
                "type": "line",
                "points": [[ex - run * s, ey - run * c, ez], [ex + run * s, ey + run * c, ez]],
                "color": "#57606a",
            }
        )
        objs.append(
            {
                "type": "arrow",
                "from": [ex + 0.3 * run * s, ey + 0.3 * run * c, ez],
                "vector": [0.5 * run * s, 0.5 * run * c, 0.0],
                "color": "#24292f",
            }
        )
        objs.append(
            {
                "type": "label",
                "at": [ex + 0.8 * run * s, ey + 0.8 * run * c, ez],
                "text": run_text,
                "color": "#24292f",
            }
        )
        # at the exit the ramp (about 12 m behind the aircraft's centre) is at the exit point
        movers.append(
            _aircraft(
                ex + 12.0 * s, ey + 12.0 * c, ez + 2.0, hd, float(ve[0]), float(vn[0]), float(t[0])
            )
        )

    events = _events(res, doc)
    colours = {
        "exit": "#24292f",
        "deploy": "#cf222e",
        "canopy_open": "#cf222e",
        "landing": "#1a7f37",
    }
    waypoints = [{"name": "target", "at": [0.0, 0.0, ground]}]
    for ev in events:
        if ev["name"] in colours and None not in ev["at"]:
            waypoints.append({"name": ev["label"], "at": ev["at"], "t": ev["t"]})
            objs.append({"type": "marker", "at": ev["at"], "color": colours[ev["name"]]})
            objs.append(
                {"type": "label", "at": ev["at"], "text": ev["label"], "color": colours[ev["name"]]}
            )

    rp = doc.get("release_point") or getattr(res, "extras", {}).get("release_point")
    for key, label in (("green_light", "green light"), ("red_light", "red light")):
        g = jrun.get(key)
        if isinstance(g, dict) and "east_m" in g:
            at = [float(g["east_m"]), float(g["north_m"]), ez]
            waypoints.append({"name": label, "at": at})
            light = "#1a7f37" if key == "green_light" else "#cf222e"
            objs.append({"type": "marker", "at": at, "color": light, "size": 5})
            objs.append({"type": "label", "at": at, "text": label, "color": light})
    followers = []
    if isinstance(rp, dict):
        waypoints.append({"name": "release point", "at": [rp["east_m"], rp["north_m"], ez]})
        objs.append(
            {
                "type": "marker",
                "at": [rp["east_m"], rp["north_m"], ez],
                "color": "#cf222e",
                "size": 5,
            }
        )
        objs.append(
            {
                "type": "label",
                "at": [rp["east_m"], rp["north_m"], ez + 1],
                "text": "release point",
                "color": "#cf222e",
            }
        )
        h = rp.get("haho")
        if isinstance(h, dict) and h.get("reachable_radius_m"):
            ce, cn = h["reachable_centre_east_m"], h["reachable_centre_north_m"]
            objs.append(
                {
                    "type": "disc",
                    "centre": [ce, cn, ez],
                    "radius": h["reachable_radius_m"],
                    "color": "#1a7f37",
                    "opacity": 0.12,
                }
            )
            objs.append(
                {
                    "type": "line",
                    "points": circle(ce, cn, ez, h["reachable_radius_m"]),
                    "closed": True,
                    "color": "#1a7f37",
                }
            )
            objs.append(
                {
                    "type": "label",
                    "at": [ce, cn + h["reachable_radius_m"], ez],  # on the circle, north
                    "text": "exits that reach the target",
                    "color": "#1a7f37",
                }
            )
        gs = float(np.hypot(ve[0], vn[0]))
        for j in rp.get("jumpers") or []:
            if not isinstance(j, dict) or "exit_east_m" not in j:
                continue
            de, dn = float(j["exit_east_m"]) - ex, float(j["exit_north_m"]) - ey
            dist = math.hypot(de, dn)
            if dist < 0.5 or gs < 1.0:
                continue
            along = (de * ve[0] + dn * vn[0]) / gs  # + further along the run: exits later
            followers.append(
                {
                    "delay_s": round(float(along / gs), 3),
                    "offset_m": [de, dn, 0.0],
                    "color": "#8250df",
                }
            )
            if "landing_east_m" in j:
                objs.append(
                    {
                        "type": "marker",
                        "at": [j["landing_east_m"], j["landing_north_m"], ground],
                        "color": "#8250df",
                        "size": 4,
                    }
                )
    objs += _winds(plan, top, ground, (0.0, 0.0), 0.08 * span)

    la, ls = display.label("altitude"), display.label("speed")
    channels = [
        {"label": "phase", "categories": list(PHASES), "values": colour},
        {
            "label": "altitude MSL",
            "unit": la,
            "digits": 0,
            "values": r(display.value(u, "altitude"), 1),
        },
        {
            "label": "height AGL",
            "unit": la,
            "digits": 0,
            "values": r(display.value(u - ground, "altitude"), 1),
        },
        {
            "label": "speed",
            "unit": ls,
            "digits": 1,
            "values": r(display.value(np.hypot(vh, vu), "speed"), 2),
        },
        {
            "label": "fall rate",
            "unit": ls,
            "digits": 1,
            "values": r(display.value(-vu, "speed"), 2),
        },
        {
            "label": "east",
            "unit": display.label("distance"),
            "digits": 0,
            "values": r(display.value(e, "distance"), 1),
        },
        {
            "label": "north",
            "unit": display.label("distance"),
            "digits": 0,
            "values": r(display.value(n, "distance"), 1),
        },
        {
            "label": "to target",
            "unit": display.label("distance"),
            "digits": 0,
            "values": r(display.value(np.hypot(e, n), "distance"), 1),
        },
    ]
    if "mach" in tr:
        channels.append({"label": "Mach", "unit": "", "digits": 2, "values": r(tr["mach"], 3)})
    spans = []
    for p, col in (("opening", PHASE_PALETTE[1]), ("canopy", PHASE_PALETTE[2])):
        m = phase == p
        if m.any():
            spans.append({"t0": float(t[m][0]), "t1": float(t[m][-1]), "label": p, "color": col})

    duration = float(t[-1] - t[0])
    return {
        "kind": "jump",
        "waypoints": waypoints,
        "title": str(getattr(res, "name", "")),
        "origin_m": [round(ex, 1), round(ey, 1), round(ground, 1)],
        "track": {
            "t": r(t, 6),
            "east": r(e),
            "north": r(n),
            "up": r(u),
            "heading": r(heading, 3),
            "pitch": r(pitch, 3),
            "roll": [0.0],
            "colour": colour,
            "ground": [ground],
        },
        "palette": list(PHASE_PALETTE),
        "legend": [
            [PHASE_PALETTE[0], "freefall"],
            [PHASE_PALETTE[1], "opening"],
            [PHASE_PALETTE[2], "canopy"],
            ["#8250df", "winds (towards), the stick"],
            ["#bf8700", "target and LZ"],
        ],
        "body": {
            "size_m": 3.0,  # jumper and canopy: the size the far-view enlargement keeps
            "parts": [
                {"shape": "box", "at": [0, 0, 0], "size": [0.5, 1.8, 0.3], "color": "#0969da"},
                {"shape": "box", "at": [0, 0, 0], "size": [1.6, 0.25, 0.2], "color": "#0969da"},
                {"shape": "sphere", "at": [0, 0.95, 0.05], "radius": 0.15, "color": "#24292f"},
                # the canopy (a 2.7 m span ram-air wing, drawn over the jumper) once open
                {
                    "shape": "box",
                    "at": [0, 0.4, 3.2],
                    "size": [2.7, 1.1, 0.3],
                    "color": "#cf222e",
                    "show": {"channel": 0, "in": [1, 2, 3]},
                },
            ],
        },
        "followers": followers,
        "movers": movers,
        "objects": objs,
        "events": [{"t": ev["t"], "label": ev["label"]} for ev in events],
        "spans": spans,
        "channels": channels,
        "checks": check_rows(getattr(res, "checks", [])),
        "check_window_s": max(0.02 * duration, 1.0),
        "cameras": {"default": "chase", "chase_distance_m": 25.0, "side_azimuth_deg": hd + 90.0},
        "extent_m": [[0.0, 0.0, ground]],
        "default_speed": 10 if duration > 120 else 1,
    }


def _ellipse_layer(
    objs: list[dict[str, Any]], block: dict[str, Any], z: float, colour: str, text: str
) -> None:
    """A dispersion's 95 % ellipse (``ellipse95``: semi-axes, azimuth in rad or deg) about its
    mean point, at height z."""
    el = block.get("ellipse95")
    if not isinstance(el, dict) or "semi_major_m" not in el:
        return
    if el.get("azimuth_deg") is not None:
        az = float(el["azimuth_deg"])
    else:
        az = math.degrees(float(el.get("azimuth_rad") or 0.0))
    me = float(block.get("mean_east_m", el.get("centre_east_m", 0.0)) or 0.0)
    mn = float(block.get("mean_north_m", el.get("centre_north_m", 0.0)) or 0.0)
    a, b = float(el["semi_major_m"]), float(el["semi_minor_m"])
    if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(me) and math.isfinite(mn)):
        return
    objs.append(
        {"type": "line", "closed": True, "color": colour, "points": ellipse(me, mn, z, a, b, az)}
    )
    objs.append({"type": "label", "at": [me, mn, z + 0.5], "text": text, "color": colour})


def add_montecarlo(scene: dict[str, Any], columns: Any, summary: dict[str, Any]) -> dict[str, Any]:
    """The Monte Carlo layer: the cloud of landings (and opening points when the driver kept
    them) and the 95 % ellipse about the mean landing point. Columns are the per-sample arrays
    of the jump's ``simulate_batch``; at most 4000 points are drawn."""
    ground = float(scene["track"]["ground"][0])
    objs = scene["objects"]

    def cloud(ke: str, kn: str, ku: str | None, colour: str, z: float) -> None:
        if ke not in columns or kn not in columns:
            return
        ce, cn = np.asarray(columns[ke], float), np.asarray(columns[kn], float)
        cu = np.asarray(columns[ku], float) if ku and ku in columns else np.full(len(ce), z)
        step = max(1, -(-len(ce) // 4000))  # ceil: at most 4000 points
        pts = np.column_stack([ce, cn, cu])[::step]
        pts = pts[np.all(np.isfinite(pts), axis=1)]
        objs.append(
            {
                "type": "points",
                "points": np.round(pts, 1).tolist(),
                "color": colour,
                "size": 3,
                "layer": "montecarlo",
            }
        )

    cloud("landing_east_m", "landing_north_m", None, "#cf222e", ground + 1.0)
    cloud("open_east_m", "open_north_m", "open_altitude_m", "#0969da", ground)
    cloud("deploy_east_m", "deploy_north_m", "deploy_altitude_m", "#0969da", ground)
    if not isinstance(summary, dict):
        summary = {}
    # the landing dispersion: summary["landing"] (the jump's summarize) or the summary itself
    landing: dict[str, Any] = summary.get("landing") or summary
    if not isinstance(landing, dict):
        landing = summary
    _ellipse_layer(objs, landing, ground + 1.5, "#cf222e", "95 % ellipse (landings)")
    opening = summary.get("opening")
    if isinstance(opening, dict):
        z = summary.get("open_altitude_m")
        zo = float(z.get("p50", ground)) if isinstance(z, dict) else ground
        _ellipse_layer(objs, opening, zo, "#0969da", "95 % ellipse (openings)")
    scene["legend"].append(["#cf222e", "Monte Carlo landings, 95 % ellipse"])
    scene["legend"].append(["#0969da", "Monte Carlo opening points"])
    return scene
