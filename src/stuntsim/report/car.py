"""Presenters of a car result: JSON, trajectory CSV columns, rich summary, HTML sections.

The ``car-plan`` presenters are in :mod:`stuntsim.report.car_plan`. No physics here.
"""

from __future__ import annotations

from html import escape
from typing import Any

import numpy as np

from stuntsim.report.summary import checks_table, kv_table, verdict_line

WHEELS = ("fl", "fr", "rl", "rr")
GEAR_NAMES = {-1: "R", 0: "N"}


def _gear(g: float) -> str:
    g = round(g)
    return GEAR_NAMES.get(g, str(g))


def _pair(a: float, b: float) -> dict[str, float]:
    return {"t_start_s": float(a), "t_end_s": float(b)}


# --- JSON ------------------------------------------------------------------------------------


def _dc(obj: Any) -> dict[str, Any] | None:
    from dataclasses import asdict

    return None if obj is None else asdict(obj)


def to_json(res: Any) -> dict[str, Any]:
    """The car's own part of the JSON document (the CLI adds the envelope), SI units."""
    plan = res.plan
    veh = plan.vehicle
    return {
        "final_yaw_rad": res.final_yaw_rad,
        "final_heading_rad": res.final_heading_rad,
        "heading_error_rad": res.heading_error_rad,
        "turn_rad": res.turn_rad,
        "turn_time_s": res.turn_time_s,
        "airborne": [_pair(a, b) for a, b in res.airborne],
        "max_vertical_g": res.max_vertical_g,
        "max_wheel_load_factor": res.max_wheel_factor,
        "max_axle_load_factor": res.max_axle_factor,
        "max_load_transfer_ratio": res.max_load_transfer_ratio,
        "min_wall_clearance_m": res.min_wall_clearance_m,
        "max_roll_rad": res.max_roll_rad,
        "max_pitch_rad": res.max_pitch_rad,
        "max_lateral_g": res.max_lateral_g,
        "static_stability_factor": veh.static_stability_factor,
        "landings": [_dc(d) for d in res.landings],
        "body_strike": _dc(res.body_strike),
        "edge_crossing": _dc(res.edge),
        "duration_s": float(res.t[-1]),
        "surface": plan.surface,
        "vehicle": {
            "name": veh.name,
            "mass_kg": veh.mass,
            "wheelbase_m": veh.wheelbase,
            "track_m": 0.5 * (veh.track_front + veh.track_rear),
            "cg_height_m": veh.cg_height,
            "tyre": veh.tyre.name,
        },
        "ground": plan.ground.describe(),
        "start": {
            "east_m": plan.start.east,
            "north_m": plan.start.north,
            "heading_rad": float(plan.start.heading % (2.0 * np.pi)),
            "speed_m_s": plan.start.speed,
            "gear": _gear(plan.start.gear),
        },
    }


# --- trajectory -----------------------------------------------------------------------------


def trajectory(res: Any) -> dict[str, Any]:
    """Columns at up to 100 Hz, SI units, ``t_s`` first."""
    dt = float(res.t[1] - res.t[0]) if len(res.t) > 1 else 0.01
    k = max(1, round(0.01 / dt))
    sl = slice(None, None, k)
    x = res.x[sl]
    inp = res.inputs[sl]
    R = res.plan.vehicle.wheel_radius
    airborne = np.zeros(len(res.t), dtype=int)
    for a, b in res.airborne:
        airborne[(res.t >= a) & (res.t <= b)] = 1
    cols: dict[str, Any] = {
        "t_s": res.t[sl],
        "east_m": x[:, 0],
        "north_m": x[:, 1],
        "height_m": x[:, 6],
        "heading_rad": np.mod(-x[:, 2], 2.0 * np.pi),
        "yaw_rad": res.yaw[sl],
        "yaw_rate_rad_s": x[:, 5],
        "speed_m_s": np.hypot(x[:, 3], x[:, 4]),
        "u_m_s": x[:, 3],
        "v_m_s": x[:, 4],
        "pitch_rad": x[:, 7],
        "roll_rad": x[:, 8],
        "steer_rad": inp[:, 0],
        "handbrake": inp[:, 1],
        "throttle": inp[:, 2],
        "brake": inp[:, 3],
        "clutch": inp[:, 4],
        "gear": inp[:, 5].astype(int),
        "engine_rad_s": x[:, 24],
        "clutch_torque_nm": res.clutch_torque[sl],
    }
    for i, w in enumerate(WHEELS):
        cols[f"wheel_speed_{w}_m_s"] = x[:, 20 + i] * R
    for i, w in enumerate(WHEELS):
        cols[f"fz_{w}_n"] = res.fz[sl][:, i]
    for i, w in enumerate(WHEELS):
        cols[f"slip_ratio_{w}"] = res.kappa[sl][:, i]
    for i, w in enumerate(WHEELS):
        cols[f"slip_angle_{w}_rad"] = res.alpha[sl][:, i]
    cols["vertical_g"] = res.vertical_g[sl]
    cols["body_contact_n"] = res.body_force[sl]
    cols["load_transfer_ratio"] = res.ltr[sl]
    clear = res.clearance[sl]
    cols["wall_clearance_m"] = np.where(np.isfinite(clear), clear, np.nan)
    cols["airborne"] = airborne[sl]
    return cols


# --- rich summary -----------------------------------------------------------------------------


def _fmt_t(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f} s"


def _deg(v: float) -> float:
    return float(np.degrees(v))


def summary(res: Any, console: Any, display: Any) -> None:
    plan = res.plan
    from rich.markup import escape as rich_escape

    console.print(
        f"[bold]{rich_escape(res.name)}[/]  "
        + rich_escape(f"({plan.vehicle.name}; {plan.ground.describe()})")
    )
    rows = [
        (
            "entry speed",
            display.fmt(abs(plan.start.speed), "road_speed")
            + (" (reversing)" if plan.start.speed < 0 else ""),
        ),
        ("surface", plan.surface.replace("_", " ")),
        ("rotation", f"{_deg(res.final_yaw_rad):+.0f} deg (turn {_deg(res.turn_rad):+.0f} deg)"),
        (
            "final heading",
            f"{_deg(res.final_heading_rad):.0f} deg ({_deg(res.heading_error_rad):.1f} deg off)",
        ),
        ("turn time", _fmt_t(res.turn_time_s)),
    ]
    if res.edge is not None:
        e = res.edge
        rows.append(
            (
                "over the first step",
                f"{e.t_s:.2f} s, heading {_deg(e.heading_rad):.0f} deg, "
                + display.fmt(abs(e.speed_along_nose_m_s), "road_speed")
                + (" nose first" if e.nose_first else " backwards/sideways"),
            )
        )
    air = ", ".join(f"{a:.2f}-{b:.2f} s" for a, b in res.airborne) or "none"
    rows.append(("airborne (4 wheels off)", air))
    rows += [
        (
            "peak wheel / axle load",
            f"{res.max_wheel_factor:.1f} / {res.max_axle_factor:.1f} x static "
            f"(body {res.max_vertical_g:.1f} g)",
        ),
        ("peak pitch vs ground", f"{_deg(res.max_pitch_rad):+.0f} deg"),
        (
            "body strike",
            "none"
            if res.body_strike is None
            else f"{res.body_strike.point} at {res.body_strike.t_s:.2f} s, "
            + display.fmt(res.body_strike.peak_force_n, "force"),
        ),
        ("peak load-transfer ratio", f"{res.max_load_transfer_ratio:.2f}"),
        (
            "closest to a wall",
            "—"
            if res.min_wall_clearance_m is None
            else display.fmt(res.min_wall_clearance_m, "distance", digits=2),
        ),
    ]
    console.print(kv_table("Car stunt", rows))
    console.print(checks_table(res.checks, display))
    console.print(verdict_line(res.checks))


# --- HTML sections ----------------------------------------------------------------------------


def _shade_airborne(ax: Any, res: Any) -> None:
    for i, (a, b) in enumerate(res.airborne):
        ax.axvspan(a, b, color="#8ecae6", alpha=0.35, lw=0, label="airborne" if i == 0 else None)
    sw = res.shift
    if sw is not None and sw.at is not None and "t_s" in sw.at:
        ax.axvline(sw.at["t_s"], color="#ffb703", lw=1.0, label="shift cue")


def _top_down(res: Any, display: Any) -> Any:
    from matplotlib.patches import Polygon

    from stuntsim.report.html import new_figure

    plan = res.plan
    ground = plan.ground
    unit = display.label("distance")

    def d(v):
        return display.value(np.asarray(v, dtype=float), "distance")

    fig = new_figure(7.5, 6.0)
    ax = fig.add_subplot(1, 1, 1)
    x = res.x
    if hasattr(ground, "edge_north"):
        half = 0.5 * ground.width
        y_noses, _ = ground.nosings()
        for k, yn in enumerate(y_noses):
            ax.plot(
                d([ground.centre_east - half, ground.centre_east + half]),
                d([yn, yn]),
                color="#adb5bd",
                lw=0.6,
                label="step edges" if k == 0 else None,
            )
        y1 = ground.bottom_north
        for s in (-1, 1):
            ax.plot(
                d([ground.centre_east + s * half] * 2),
                d([ground.edge_north, y1]),
                color="#495057",
                lw=2.0,
                label=ground.sides if s < 0 else None,
            )
    ax.plot(d(x[:, 0]), d(x[:, 1]), color="#6c757d", lw=0.8, ls="--", label="CG path")
    corners = plan.vehicle.outline()
    n_out = 16
    idx = np.unique(np.linspace(0, len(res.t) - 1, n_out).astype(int))
    cmap = _cmap()
    for j, i in enumerate(idx):
        psi = x[i, 2]
        s, c = np.sin(psi), np.cos(psi)
        ce = x[i, 0] - corners[:, 0] * s - corners[:, 1] * c
        cn = x[i, 1] + corners[:, 0] * c - corners[:, 1] * s
        col = cmap(j / max(1, len(idx) - 1))
        ax.add_patch(
            Polygon(np.column_stack([d(ce), d(cn)]), closed=True, fill=False, ec=col, lw=1.2)
        )
        # nose marker
        ax.plot(d([0.5 * (ce[0] + ce[1])]), d([0.5 * (cn[0] + cn[1])]), "o", color=col, ms=2.5)
        if j % 3 == 0:
            ax.annotate(f"{res.t[i]:.1f} s", (d(x[i, 0]), d(x[i, 1])), fontsize=7, color=col)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel(f"east ({unit})")
    ax.set_ylabel(f"north ({unit}); the steps descend northwards")
    ax.legend(loc="upper left", fontsize=7)
    step = res.t[idx[1]] - res.t[idx[0]] if len(idx) > 1 else 0.0
    ax.set_title(
        f"Car outline every {step:.2f} s (dot = nose)",
        fontsize=9,
    )
    return fig


def _cmap() -> Any:
    from matplotlib import colormaps

    return colormaps["viridis"]


def report_sections(res: Any, display: Any) -> list[Any]:
    from stuntsim.report.html import Section, new_figure, table_html

    t = res.t
    sections = []
    sections.append(
        Section(
            "Top-down view",
            [_top_down(res, display)],
            note=(
                "The car's outline at regular intervals over the stairs (north up), its CG path, "
                "the step edges and the side walls. Positions are of the body's plan outline; "
                "pitch and roll are not drawn."
            ),
        )
    )
    # yaw and yaw rate
    fig = new_figure(7.5, 4.2)
    ax1 = fig.add_subplot(2, 1, 1)
    ax1.plot(t, np.degrees(res.yaw), color="#1d3557", label="yaw since start")
    ax1.axhline(np.degrees(res.turn_rad), color="#e63946", lw=0.8, ls="--", label="target turn")
    _shade_airborne(ax1, res)
    ax1.set_ylabel("yaw (deg)")
    ax1.legend(fontsize=7, loc="best")
    ax2 = fig.add_subplot(2, 1, 2, sharex=ax1)
    ax2.plot(t, np.degrees(res.x[:, 5]), color="#457b9d")
    _shade_airborne(ax2, res)
    ax2.set_ylabel("yaw rate (deg/s)")
    ax2.set_xlabel("time (s)")
    sections.append(
        Section(
            "Yaw and yaw rate",
            [fig],
            note="Shaded: airborne phases (blue); amber line: the shift cue (the last 10 deg of "
            "the turn begins).",
        )
    )
    # wheel loads
    fig = new_figure(7.5, 3.6)
    ax = fig.add_subplot(1, 1, 1)
    funit = display.label("force")
    for i, w in enumerate(WHEELS):
        ax.plot(t, display.value(res.fz[:, i], "force"), lw=0.9, label=w.upper())
    _shade_airborne(ax, res)
    ax.set_ylabel(f"vertical tyre load ({funit})")
    ax.set_xlabel("time (s)")
    ax.legend(fontsize=7, ncol=4)
    rows = [
        (
            f"{d.t_s:.2f}",
            f"{d.vertical_g:.1f}",
            display.fmt(d.max_wheel_load_n, "force"),
            f"{d.wheel_factor:.1f}",
            f"{d.axle_factor:.1f}",
        )
        for d in res.landings
    ]
    html = (
        table_html(
            [
                "landing at (s)",
                "peak body vertical g",
                "peak wheel load",
                "wheel x static",
                "axle x static",
            ],
            rows,
        )
        if rows
        else ""
    )
    sections.append(Section("Wheel loads", [fig], html=html))
    # wheel speeds vs engine speed
    fig = new_figure(7.5, 3.8)
    ax = fig.add_subplot(1, 1, 1)
    R = res.plan.vehicle.wheel_radius
    sunit = display.label("road_speed")
    for i, w in enumerate(WHEELS):
        ax.plot(
            t, display.value(res.x[:, 20 + i] * R, "road_speed"), lw=0.8, label=f"wheel {w.upper()}"
        )
    ax.plot(
        t,
        display.value(np.hypot(res.x[:, 3], res.x[:, 4]), "road_speed"),
        color="0.5",
        lw=0.8,
        ls=":",
        label="car speed",
    )
    ax.set_ylabel(f"wheel speed x R ({sunit})")
    ax.set_xlabel("time (s)")
    axr = ax.twinx()
    axr.plot(t, res.x[:, 24] * 60.0 / (2.0 * np.pi), color="k", lw=1.3, label="engine")
    w_c = 0.5 * (res.x[:, 22] + res.x[:, 23])
    gin = np.where(res.ratio != 0, res.ratio * w_c * 60 / (2 * np.pi), np.nan)
    axr.plot(t, gin, color="#7209b7", lw=1.0, ls="--", label="gearbox input")
    axr.set_ylabel("rpm")
    for c in res.clutch:
        if c.at is not None and "t_s" in c.at:
            ax.axvline(c.at["t_s"], color="#6a4c93", lw=0.8)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = axr.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=7, ncol=3, loc="upper left")
    html = "".join(f"<p>{escape(c.message)}</p>" for c in res.clutch)
    sections.append(
        Section(
            "Wheel speeds and engine speed",
            [fig],
            html=html,
            note="Gearbox input = overall ratio x rear-axle speed; where it differs from the "
            "engine speed when the clutch comes up (purple lines), the clutch slips at its "
            "capacity and the rear wheels take the torque spike.",
        )
    )
    # pitch against the ground, body contact
    fig = new_figure(7.5, 3.8)
    axp = fig.add_subplot(2, 1, 1)
    axp.plot(t, np.degrees(res.x[:, 7]), color="#1d3557", label="body pitch (+ nose down)")
    lim = np.degrees(res.plan.targets.max_pitch)
    axp.axhline(lim, color="#e63946", lw=0.8, ls="--", label="pitch limit vs ground")
    _shade_airborne(axp, res)
    axp.set_ylabel("pitch (deg)")
    axp.legend(fontsize=7, loc="best")
    axb = fig.add_subplot(2, 1, 2, sharex=axp)
    axb.plot(t, display.value(res.body_force, "force"), color="#6f42c1")
    axb.set_ylabel(f"body contact ({display.label('force')})")
    axb.set_xlabel("time (s)")
    strike = res.body_strike
    note = "No part of the body touches the ground."
    if strike is not None:
        note = (
            f"The {strike.point} strikes the ground at {strike.t_s:.2f} s with "
            f"{display.fmt(strike.peak_force_n, 'force')} (east {strike.east_m:.1f} m, north "
            f"{strike.north_m:.1f} m)."
        )
    sections.append(Section("Pitch and body contact", [fig], note=note))
    # airborne phases and driver inputs
    fig = new_figure(7.5, 3.8)
    ax = fig.add_subplot(2, 1, 1)
    off = np.sum(res.fz <= 0.0, axis=1)
    ax.step(t, off, where="post", color="#264653", lw=0.8)
    _shade_airborne(ax, res)
    ax.set_ylabel("wheels off")
    ax.set_yticks([0, 1, 2, 3, 4])
    if ax.get_legend_handles_labels()[0]:  # the airborne shading is labelled only when airborne
        ax.legend(fontsize=7, loc="upper left")
    ax2 = fig.add_subplot(2, 1, 2, sharex=ax)
    inp = res.inputs
    ax2.plot(
        t, np.degrees(inp[:, 0]) / np.degrees(res.plan.vehicle.max_steer), label="steer / lock"
    )
    ax2.plot(t, inp[:, 2], label="throttle")
    ax2.plot(t, inp[:, 4], label="clutch")
    ax2.plot(t, inp[:, 1], label="handbrake")
    ax2.plot(t, inp[:, 5] / 5.0, drawstyle="steps-post", label="gear / 5")
    ax2.set_xlabel("time (s)")
    ax2.legend(fontsize=7, ncol=5)
    arows = [(f"{a:.2f}", f"{b:.2f}", f"{b - a:.2f}") for a, b in res.airborne]
    sections.append(
        Section(
            "Airborne phases and driver inputs",
            [fig],
            html=table_html(["start (s)", "end (s)", "duration (s)"], arows) if arows else "",
        )
    )
    return sections


# --- Monte Carlo (hooks of stuntsim.report.montecarlo) -------------------------------------------

_VERDICT_COLOURS = ((0, "GO", "#1a7f37"), (1, "CAUTION", "#bf8700"), (2, "NO-GO", "#cf222e"))


def _end_rows(summary: dict[str, Any], display: Any) -> list[list[str]]:
    rows = []
    for key, label in (("end_go", "GO"), ("end_caution", "CAUTION"), ("end_no_go", "NO-GO")):
        d = summary.get(key, {})
        if not d.get("n"):
            continue
        e, n = d["east_m"], d["north_m"]
        rows.append(
            [
                f"{label} ({d['n']:,})",
                f"{display.fmt(e['p05'], 'distance', 1)} to {display.fmt(e['p95'], 'distance', 1)}",
                f"{display.fmt(n['p05'], 'distance', 1)} to {display.fmt(n['p95'], 'distance', 1)}",
                f"{np.degrees(d['mean_heading_rad']):.0f} deg",
            ]
        )
    return rows


def mc_summary(plan: Any, stats: Any, console: Any, display: Any) -> None:
    """Where the cars ended, by verdict (5-95 % of east and north), and the body strikes."""
    from rich.table import Table

    s = stats.summary
    t = Table(title="Where the cars ended (5-95 % of the samples)")
    for col in ("verdict", "east", "north", "mean heading"):
        t.add_column(col)
    for row in _end_rows(s, display):
        t.add_row(*row)
    console.print(t)
    frac = s.get("body_strike_fraction")
    if frac is not None:
        console.print(f"body strikes the ground in {100.0 * frac:.1f} % of the samples")


def mc_report_sections(plan: Any, stats: Any, display: Any) -> list[Any]:
    """Where the cars ended, coloured by verdict, over the stairs; where the body struck."""
    from stuntsim.report.html import Section, new_figure, table_html

    cols = stats.columns
    if "final_east_m" not in cols:
        return []
    codes = np.asarray(stats.codes)
    fig = new_figure(6.5, 5.0)
    ax = fig.subplots()
    ground = plan.ground

    def d(v: Any) -> Any:
        return display.value(np.asarray(v, dtype=float), "distance")

    if hasattr(ground, "edge_north"):
        half = 0.5 * ground.width
        for s in (-1, 1):
            ax.plot(
                d([ground.centre_east + s * half] * 2),
                d([ground.edge_north, ground.bottom_north]),
                color="#495057",
                lw=1.5,
            )
        ax.axhline(float(d(ground.edge_north)), color="#adb5bd", lw=0.8, label="top nosing")
    e, n = d(cols["final_east_m"]), d(cols["final_north_m"])
    for code, label, colour in _VERDICT_COLOURS:
        m = codes == code
        if m.any():
            ax.plot(e[m], n[m], ".", ms=3, color=colour, label=f"{label} ({int(m.sum())})")
    se = np.asarray(cols.get("body_strike_east_m", []), dtype=float)
    sn = np.asarray(cols.get("body_strike_north_m", []), dtype=float)
    hit = np.isfinite(sn)
    if hit.any():
        ax.plot(d(se[hit]), d(sn[hit]), "x", ms=3, color="#6f42c1", label="body strike")
    ax.set_aspect("equal", adjustable="datalim")
    unit = display.label("distance")
    ax.set_xlabel(f"east ({unit})")
    ax.set_ylabel(f"north ({unit}); the steps descend northwards")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=7)
    rows = _end_rows(stats.summary, display)
    html = table_html(["verdict", "east (5-95 %)", "north (5-95 %)", "mean heading"], rows)
    return [
        Section(
            "Where the cars ended (Monte Carlo)",
            figures=[fig],
            html=html,
            note="Each sample drives the plan with its own timing, speed, grip and car; its "
            "final CG position is coloured by its verdict, and crosses mark where the body "
            "struck the ground: keep crew and cameras out of where the failed samples go.",
        )
    ]
