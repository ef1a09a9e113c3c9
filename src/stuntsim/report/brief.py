"""The crew's printed brief: one card per stunt, the only part of the report that prints.

- jump: the jump-run card (true and magnetic heading, release point in lat/lon and MGRS, green
  and red light, opening point, groups, winds table, checks and verdict);
- heli: the segment card (speeds, banks, heights, limits);
- car: the cone plan (speeds and cues) when the planner gave one, else the driver's inputs.

Each builder reads the kind's JSON document (``presenter.to_json``) and looks for optional
parts by their keys, so a part another module adds later (the jump-run block with magnetic
headings and green/red light: any dict carrying ``heading_true_deg``; the car's cone plan:
``cones`` or ``cone_plan``) shows up without a change here. Adding a kind: a function
``(result, display, doc) -> str`` in :data:`CARDS`.
"""

from __future__ import annotations

import datetime as _dt
import html
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from stuntsim.checks import verdict
from stuntsim.report.summary import fmt_check_value


def _e(x: Any) -> str:
    return html.escape(str(x))


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _find(doc: Any, key: str) -> dict[str, Any] | None:
    """The first dict (depth first) in ``doc`` that has ``key``."""
    if isinstance(doc, dict):
        if key in doc:
            return doc
        for v in doc.values():
            found = _find(v, key)
            if found is not None:
                return found
    elif isinstance(doc, list):
        for v in doc:
            found = _find(v, key)
            if found is not None:
                return found
    return None


def _ang(doc: dict[str, Any], base: str) -> float | None:
    """An angle in degrees from ``<base>_deg`` or ``<base>_rad`` of a JSON block."""
    if doc.get(f"{base}_deg") is not None:
        return float(doc[f"{base}_deg"])
    if doc.get(f"{base}_rad") is not None:
        return math.degrees(float(doc[f"{base}_rad"]))
    return None


def mgrs_of(lat: float, lon: float) -> str:
    """MGRS grid reference, 1 m precision (the ``mgrs`` package, NGA's GEOTRANS algorithms)."""
    try:
        import mgrs

        ref = mgrs.MGRS().toMGRS(lat, lon, MGRSPrecision=5)
        ref = ref.decode() if isinstance(ref, bytes) else str(ref)
        # 33UXP0412345678 -> 33U XP 04123 45678
        return f"{ref[:3]} {ref[3:5]} {ref[5:10]} {ref[10:]}"
    except Exception:  # outside MGRS (polar caps) or the package missing
        return "—"


def latlon(lat: float, lon: float) -> str:
    return f"{abs(lat):.5f}°{'N' if lat >= 0 else 'S'} {abs(lon):.5f}°{'E' if lon >= 0 else 'W'}"


def _value(v: Any, unit: str, display: Any, quantity: str | None) -> str:
    try:
        return str(fmt_check_value(v, unit, display, quantity))
    except (KeyError, ValueError, TypeError):  # a quantity the display does not know
        if v is None:
            return "—"
        if unit == "rad":  # angles are SI inside, degrees for the crew
            return f"{math.degrees(float(v)):.1f}°"
        return f"{float(v):.3g} {unit}".strip()


def _checks(checks: Sequence[Any], display: Any) -> str:
    rows = []
    for c in checks:
        state = "pass" if c.ok else ("fail" if c.severity == "fail" else "caution")
        mark = "✔" if c.ok else ("✘" if state == "fail" else "!")
        note = c.message if c.ok or not getattr(c, "advice", None) else f"{c.message} → {c.advice}"
        rows.append(
            f'<tr class="{state}"><td>{mark}</td><td><code>{_e(c.id)}</code></td>'
            f'<td class="num">{_e(_value(c.value, c.unit, display, c.quantity))}</td>'
            f'<td class="num">{_e(_value(c.limit, c.unit, display, c.quantity))}</td>'
            f"<td>{_e(note if len(note) <= 240 else note[:239] + '…')}</td></tr>"
        )
    return (
        "<table><thead><tr><th></th><th>check</th><th>value</th><th>limit</th><th>note</th>"
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _card(title: str, kind: str, checks: Sequence[Any], display: Any, body: str) -> str:
    v = verdict(checks)
    day = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d")
    return (
        f'<section class="brief" id="brief"><h2>{_e(title)} — {_e(kind)} '
        f'<span class="verdict {v}">{v}</span></h2>'
        f'<p class="sub">crew brief printed from stuntsim, {day}; units {display.system}. '
        "Every limit names its source in the full report.</p>"
        f"{body}<h3>Checks</h3>{_checks(checks, display)}</section>"
    )


# --- jump --------------------------------------------------------------------------------------


def jump_card(res: Any, d: Any, doc: dict[str, Any]) -> str:
    plan = res.plan
    rp = doc.get("release_point") or getattr(res, "extras", {}).get("release_point") or {}
    run = _find(doc, "heading_true_deg") or {}
    ex = doc.get("exit") or {}
    rows: list[list[str]] = []
    true_hd = run.get("heading_true_deg")
    if true_hd is None:
        true_hd = _ang(rp, "heading")
    if true_hd is None:
        true_hd = _ang(ex, "aircraft_heading")
    if true_hd is not None:
        rows.append(["jump run, true", f"{float(true_hd) % 360:05.1f}°"])
    mag = run.get("heading_magnetic_deg")
    rows.append(
        [
            "jump run, magnetic",
            "—"
            if mag is None
            else f"{float(mag):05.1f}° (declination "
            f"{float(run.get('declination_deg') or 0.0):+.1f}°, WMM)",
        ]
    )
    rows.append(
        ["exit altitude", f"{d.fmt(ex.get('altitude_m', plan.exit_altitude), 'altitude')} MSL"]
    )
    if ex.get("aircraft_speed_m_s") is not None:
        rows.append(["aircraft true airspeed", d.fmt(ex["aircraft_speed_m_s"], "speed")])
    if run.get("ground_speed_m_s") is not None:
        rows.append(["ground speed on the run", d.fmt(run["ground_speed_m_s"], "speed")])
    if rp.get("lat") is not None:
        rows.append(["release point", f"{latlon(rp['lat'], rp['lon'])}"])
        rows.append(["release point MGRS", mgrs_of(rp["lat"], rp["lon"])])
    else:
        lat, lon = plan.site.to_geodetic(ex.get("east_m", 0.0), ex.get("north_m", 0.0))
        rows.append(
            [
                "exit point",
                f"{latlon(float(lat), float(lon))}  MGRS {mgrs_of(float(lat), float(lon))}",
            ]
        )
    for key, label in (("green_light", "green light"), ("red_light", "red light")):
        g = run.get(key)
        if isinstance(g, dict) and g.get("lat") is not None:
            rows.append(
                [label, f"{latlon(g['lat'], g['lon'])}  MGRS {mgrs_of(g['lat'], g['lon'])}"]
            )
        else:
            rows.append([label, "— (no jump-run solution in this scenario)"])
    ev = {e["name"]: e for e in doc.get("events", []) if isinstance(e, dict)}
    op = ev.get("canopy_open") or ev.get("deploy")
    if op:
        lat, lon = plan.site.to_geodetic(op["east_m"], op["north_m"])
        rows.append(
            [
                "opening point",
                f"{d.fmt(op['altitude_m'], 'altitude')} MSL at "
                f"{latlon(float(lat), float(lon))}, {op['t_s']:.0f} s after exit",
            ]
        )
    land = doc.get("landing") or {}
    if land:
        rows.append(
            [
                "landing (nominal)",
                f"{d.fmt(land.get('miss_distance_m'), 'distance')} from "
                f"the target, {res.total_time_s:.0f} s after exit",
            ]
        )
    card = _table(["jump run", ""], rows)
    groups = run.get("groups") or []
    if groups:
        card += _table(
            ["group", "exit at", "after green", "along run"],
            [
                [
                    g.get("index"),
                    latlon(g["lat"], g["lon"]),
                    f"{g.get('t_after_green_s', 0):.1f} s",
                    d.fmt(g.get("along_run_m"), "distance"),
                ]
                for g in groups[:12]
                if isinstance(g, dict)
            ],
        )
    elif isinstance(rp.get("jumpers"), list) and len(rp["jumpers"]) > 1:
        spread = d.fmt(rp.get("spread_m"), "distance")
        card += f"<p>{len(rp['jumpers'])} jumpers, stick spread {spread}.</p>"
    # winds table at round altitudes
    wind = getattr(getattr(plan, "air", None), "wind", None)
    if wind is not None and hasattr(wind, "direction_speed"):
        import numpy as np

        g0 = float(plan.site.elevation)
        z = np.linspace(g0, float(plan.exit_altitude), 8)
        frm, sp = wind.direction_speed(z)
        frm, sp = np.broadcast_to(frm, z.shape), np.broadcast_to(sp, z.shape)
        wt = _table(
            ["altitude MSL", "from (true)", "speed"],
            [
                [d.fmt(float(zi), "altitude"), f"{float(f) % 360:03.0f}°", d.fmt(float(s), "speed")]
                for zi, f, s in zip(z[::-1], frm[::-1], sp[::-1], strict=True)
            ],
        )
        card = f'<div class="cols"><div>{card}</div><div><h3>Winds</h3>{wt}</div></div>'
    return _card(res.name, "jump-run card", res.checks, d, card)


# --- heli --------------------------------------------------------------------------------------


def _segment_heights(res: Any) -> dict[int, tuple[float, float, float]]:
    """Per segment (0-based): altitude MSL at its start and end, lowest terrain clearance."""
    import numpy as np

    from stuntsim.report.viewer import presenter

    tr = presenter("heli").trajectory(res)
    if "segment" not in tr or "altitude_m" not in tr:
        return {}
    seg = np.asarray(tr["segment"], int) - 1  # the trajectory numbers segments from 1
    alt = np.asarray(tr["altitude_m"], float)
    clear = np.asarray(tr.get("clearance_m", np.full(len(alt), np.nan)), float)
    out = {}
    for k in np.unique(seg):
        m = np.flatnonzero(seg == k)
        out[int(k)] = (float(alt[m[0]]), float(alt[m[-1]]), float(np.nanmin(clear[m])))
    return out


def heli_card(res: Any, d: Any, doc: dict[str, Any]) -> str:
    segs = doc.get("segments") or []
    heights = _segment_heights(res)
    rows: list[list[Any]] = []
    for s in segs:
        if not isinstance(s, dict):
            continue
        h = heights.get(int(s.get("index", len(rows))))
        rows.append(
            [
                int(s.get("index", len(rows))) + 1,
                s.get("kind", "") + (f" ({s['name']})" if s.get("name") else ""),
                d.fmt(s.get("airspeed_m_s"), "speed"),
                f"{math.degrees(float(s.get('bank_rad') or 0)):.0f}°"
                if "bank_rad" in s
                else f"{float(s.get('bank_deg') or 0):.0f}°",
                d.fmt(s.get("radius_m"), "distance") if s.get("radius_m") else "—",
                d.fmt(s.get("descent_rate_m_s"), "vertical_speed")
                if s.get("descent_rate_m_s") is not None
                else "—",
                f"{float(s.get('load_factor') or 1):.2f}",
                "—" if h is None else f"{d.fmt(h[0], 'altitude')} → {d.fmt(h[1], 'altitude')}",
                "—" if h is None else d.fmt(h[2], "altitude"),
                "yes" if s.get("in_vrs") else "no",
            ]
        )
    card = _table(
        [
            "#",
            "segment",
            "airspeed",
            "bank",
            "radius",
            "descent",
            "n",
            "height MSL",
            "min clearance",
            "VRS",
        ],
        rows,
    )
    plan = res.plan
    ac = plan.aircraft
    tr = doc.get("terrain") or {}
    lim = [
        ["aircraft", f"{ac.name}{', doors off' if ac.doors_off else ''}, {d.fmt(ac.mass, 'mass')}"],
        [
            "heights",
            f"min terrain clearance {d.fmt(doc.get('min_terrain_clearance_m'), 'altitude')}"
            f" (required {d.fmt(tr.get('required_clearance_m'), 'altitude')})",
        ],
        [
            "max load factor",
            f"{float(doc.get('max_load_factor') or 0):.2f} g (limit "
            f"{float(getattr(ac, 'load_factor_limit', 0) or 0):.2f} g)",
        ],
        [
            "VNE",
            f"{d.fmt(getattr(ac, 'vne_sea_level', None), 'speed')} sea level"
            + (
                f", doors off {d.fmt(ac.vne_doors_off, 'speed')}"
                if getattr(ac, "vne_doors_off", None)
                else ""
            ),
        ],
        ["VRS criterion", str(doc.get("vrs_criterion", "—"))],
    ]
    for rl in doc.get("rig_loads") or []:
        lim.append(
            [
                f"rig {rl.get('name')}",
                f"limit load {d.fmt(rl.get('limit_load_n'), 'force')}"
                f" vs rated {d.fmt(rl.get('rated_load_n'), 'force')} ({rl.get('case')})",
            ]
        )
    card += _table(["limits", ""], lim)
    return _card(res.name, "segment card", res.checks, d, card)


# --- car ---------------------------------------------------------------------------------------


def _planner_cues(cues: list[Any], d: Any) -> str:
    """The car-plan search's cues (stuntsim.car.planner: action, distance_m from the top
    nosing, t_s, speed_m_s) as the cone plan."""
    rows = []
    for c in cues:
        if not isinstance(c, dict):
            continue
        dist = c.get("distance_m")
        rows.append(
            [
                c.get("action", ""),
                "—" if dist is None else d.fmt(dist, "distance"),
                "—" if c.get("t_s") is None else f"{float(c['t_s']):.2f} s",
                "—" if c.get("speed_m_s") is None else d.fmt(c["speed_m_s"], "speed"),
            ]
        )
    return "<p>Cone plan of the most robust plan found by car-plan:</p>" + _table(
        ["cue", "before the top nosing", "time", "speed"], rows
    )


def car_card(res: Any, d: Any, doc: dict[str, Any], cues: list[Any] | None = None) -> str:
    cones = doc.get("cones") or doc.get("cone_plan") or getattr(res, "extras", {}).get("cones")
    rows = []
    if cues:
        card = _planner_cues(cues, d)
    elif isinstance(cones, list) and cones:
        for c in cones:
            if isinstance(c, dict):
                rows.append(
                    [
                        c.get("name", c.get("label", "")),
                        d.fmt(c.get("east_m"), "distance"),
                        d.fmt(c.get("north_m"), "distance"),
                        d.fmt(c.get("speed_m_s"), "speed")
                        if c.get("speed_m_s") is not None
                        else "—",
                        c.get("cue", c.get("action", "")),
                    ]
                )
        card = _table(["cone", "east", "north", "speed", "cue"], rows)
    else:
        # no cone plan from the planner: the driver's cues from the simulated inputs
        import numpy as np

        from stuntsim.report.viewer import deg, presenter

        tr = presenter("car").trajectory(res)
        t = np.asarray(tr["t_s"], float)
        heading = deg(tr, "heading")
        found: list[tuple[float, str, int]] = []
        for key, label in (("handbrake", "handbrake"), ("clutch", "clutch"), ("brake", "brake")):
            v = np.asarray(tr[key], float) > 0.5
            for i in np.flatnonzero(np.diff(v.astype(int)) != 0)[:6]:
                found.append((float(t[i + 1]), f"{label} {'on' if v[i + 1] else 'off'}", i + 1))
        g = np.asarray(tr["gear"], int)
        for i in np.flatnonzero(np.diff(g) != 0)[:6]:
            found.append(
                (
                    float(t[i + 1]),
                    f"gear {('R', 'N', '1', '2', '3', '4', '5')[g[i + 1] + 1]}",
                    i + 1,
                )
            )
        found.sort()
        for tc, what, i in found:
            rows.append(
                [
                    f"{tc:.2f} s",
                    what,
                    d.fmt(float(tr["east_m"][i]), "distance"),
                    d.fmt(float(tr["north_m"][i]), "distance"),
                    d.fmt(float(tr["speed_m_s"][i]), "speed"),
                    f"{float(heading[i]) % 360:.0f}°",
                ]
            )
        card = (
            "<p>No cone plan in this result (the car-plan command gives one); the driver's "
            "cues from the simulated inputs:</p>"
            + _table(["time", "cue", "east", "north", "speed", "heading"], rows)
        )
    st = doc.get("start") or {}
    info = [
        [
            "start",
            f"{d.fmt(st.get('speed_m_s'), 'speed')} in gear {st.get('gear', '—')}, heading "
            f"{(_ang(st, 'heading') or 0.0) % 360:.0f}°",
        ],
        ["ground", str(doc.get("ground", "—"))],
        ["shift (R -> 1st)", _shift_text(res, doc)],
        [
            "turn",
            f"{_ang(doc, 'final_yaw') or 0.0:+.0f}°, heading error "
            f"{_ang(doc, 'heading_error') or 0.0:.1f}°",
        ],
    ]
    card += _table(["plan", ""], info)
    return _card(res.name, "cone plan", res.checks, d, card)


def _shift_text(res: Any, doc: dict[str, Any]) -> str:
    """The shift window as the crew needs it: the cue and when the clutch may come up."""
    chk = next((c for c in getattr(res, "checks", []) if c.id == "shift_window"), None)
    if chk is not None:
        text = chk.message if chk.ok or not chk.advice else f"{chk.message} → {chk.advice}"
        return text if len(text) <= 300 else text[:299] + "…"
    sw = doc.get("shift_window") or {}
    if sw.get("start_s") is None:
        return "none"
    return f"{sw['start_s']:.2f}–{sw['end_s']:.2f} s " + (
        "(feasible)" if sw.get("feasible") else "(too short)"
    )


CARDS: dict[str, Callable[[Any, Any, dict[str, Any]], str]] = {
    "jump": jump_card,
    "heli": heli_card,
    "car": car_card,
}


def montecarlo_line(stats: Any) -> str:
    """One line of a Monte Carlo run for the card: P(GO) with its Clopper-Pearson interval
    and the checks that fail most often (the driver's MonteCarloStats)."""
    p = getattr(stats, "p_go", None)
    if p is None:
        return ""
    ci = getattr(stats, "p_go_ci", None) or (math.nan, math.nan)
    rates = getattr(stats, "check_failure_rates", None) or {}
    worst = sorted(((r, k) for k, r in rates.items() if r > 0), reverse=True)[:3]
    fails = ", ".join(f"{k} {r:.1%}" for r, k in worst) or "none"
    n = getattr(stats, "n", 0)
    return (
        f'<p class="mc"><b>Monte Carlo, {n:,} runs: P(GO) {p:.1%}</b> (95 % CI '
        f"{ci[0]:.1%}–{ci[1]:.1%}, Clopper-Pearson); most frequent failures: {_e(fails)}</p>"
    )


def brief_html(
    kind: str,
    result: Any,
    display: Any,
    cues: list[Any] | None = None,
    montecarlo: Any = None,
) -> str:
    """The kind's card, or "" when the kind has none; ``cues``: a planner's cue list (the
    car's cone plan from car-plan); ``montecarlo``: the statistics of a Monte Carlo run."""
    card = CARDS.get(kind)
    if card is None:
        return ""
    from stuntsim.report.viewer import presenter

    doc = presenter(kind).to_json(result)
    if cues and kind == "car":
        html_text = car_card(result, display, doc, cues)
    else:
        html_text = card(result, display, doc)
    if montecarlo is not None:  # after the card's subtitle
        line = montecarlo_line(montecarlo)
        html_text = html_text.replace(
            "in the full report.</p>", "in the full report.</p>" + line, 1
        )
    return html_text
