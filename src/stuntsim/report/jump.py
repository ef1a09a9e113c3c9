"""Presenters of a jump result: JSON, trajectory CSV columns, rich summary, HTML sections."""

from __future__ import annotations

from typing import Any

import numpy as np

from stuntsim.report.summary import checks_table, kv_table, verdict_line

TRAJECTORY_COLUMNS = (
    "t_s",
    "east_m",
    "north_m",
    "altitude_m",
    "speed_m_s",
    "v_east_m_s",
    "v_north_m_s",
    "v_up_m_s",
    "airspeed_m_s",
    "mach",
    "temperature_k",
    "density_kg_m3",
    "phase",
)


def _deg(rad: float) -> float | None:
    return float(np.degrees(rad) % 360.0) if np.isfinite(rad) else None


def _f(x: float) -> float | None:
    """A finite float, or None (JSON null) for a figure that does not exist on this path (the
    opening of a canopy that never opens)."""
    return float(x) if np.isfinite(x) else None


def to_json(res: Any) -> dict[str, Any]:
    """The jump's own keys of the JSON document (the CLI adds the envelope), SI; angles in
    degrees true."""
    plan = res.plan
    ld = res.landing
    doc: dict[str, Any] = {
        "events": [e.to_dict() for e in res.events],
        "max_speed_m_s": res.max_speed_m_s,
        "max_mach": res.max_mach,
        "max_fall_rate_m_s": res.max_fall_rate_m_s,
        "max_fall_rate_altitude_m": res.max_fall_rate_altitude_m,
        "freefall_time_s": res.freefall_time_s,
        "canopy_time_s": res.canopy_time_s,
        "total_time_s": res.total_time_s,
        "peak_opening_g": _f(res.peak_opening_g),
        "deploy_airspeed_m_s": _f(res.deploy_airspeed_m_s),
        "opening_duration_s": _f(res.opening_duration_s),
        "landing": {
            "east_m": ld.east_m,
            "north_m": ld.north_m,
            "lat": ld.lat,
            "lon": ld.lon,
            "miss_distance_m": ld.miss_distance_m,
            "ground_speed_m_s": ld.ground_speed_m_s,
            "heading_deg": _deg(ld.heading_rad),
            "descent_rate_m_s": ld.descent_rate_m_s,
            "surface_wind_m_s": ld.surface_wind_m_s,
            "surface_wind_from_deg": _deg(ld.surface_wind_from_rad),
        },
        "exit": {
            "altitude_m": plan.exit_altitude,
            "east_m": plan.exit_east,
            "north_m": plan.exit_north,
            "aircraft_speed_m_s": plan.aircraft_speed,
            "aircraft_heading_deg": _deg(plan.aircraft_heading),
        },
        "jumper": {
            "mass_kg": plan.mass,
            "drag": plan.drag_label,
            "drag_area_m2": float(plan.drag.cda[0]),
            "sea_level_fall_rate_m_s": plan.drag.sea_level_fall_rate(plan.mass),
            "positions": [
                {"position": st.name, "after_s": st.after_s, "below_m": st.below_m}
                for st in plan.stages
            ],
        },
        "atmosphere": plan.air.atmosphere.source,
        "winds": plan.air.wind.source,
    }
    if res.reachable is not None:
        r = res.reachable
        doc["reachable"] = {
            "centre_east_m": r.centre_east_m,
            "centre_north_m": r.centre_north_m,
            "radius_m": r.radius_m,
            "target_reachable": r.target_reachable,
        }
    if plan.pattern is not None:
        pat = plan.pattern
        g = plan.site.elevation
        doc["pattern"] = {
            "downwind_agl_m": pat.levels[0] - g,
            "base_agl_m": pat.levels[1] - g,
            "final_agl_m": pat.levels[2] - g,
            "headings_deg": [_deg(h) for h in pat.headings],
            "entry_east_m": pat.entry_east,
            "entry_north_m": pat.entry_north,
            "turns": pat.turns,
            "source": pat.source,
        }
    if res.release_point is not None:
        doc["release_point"] = res.release_point.to_json()
    return doc


def trajectory(res: Any) -> dict[str, Any]:
    return {k: res.trajectory[k] for k in TRAJECTORY_COLUMNS}


def summary(res: Any, console: Any, d: Any) -> None:
    from rich.table import Table

    plan = res.plan
    from rich.markup import escape

    console.print(f"[bold]{escape(res.name)}[/]  —  jump  " + verdict_line(res.checks))
    if plan.scenario.description:
        console.print(plan.scenario.description)
    rows = [
        ("exit", f"{d.fmt(plan.exit_altitude, 'altitude')} MSL"),
        ("max speed", f"{d.fmt(res.max_speed_m_s, 'speed')}  (Mach {res.max_mach:.2f})"),
        (
            "max fall rate",
            f"{d.fmt(res.max_fall_rate_m_s, 'speed')} at "
            f"{d.fmt(res.max_fall_rate_altitude_m, 'altitude')}",
        ),
        ("freefall time", f"{res.freefall_time_s:.1f} s"),
        ("deployment airspeed", d.fmt(res.deploy_airspeed_m_s, "speed")),
        (
            "peak opening shock",
            f"{res.peak_opening_g:.1f} g  (opening {res.opening_duration_s:.1f} s)",
        ),
        ("canopy time", f"{res.canopy_time_s:.0f} s"),
        ("total time", f"{res.total_time_s:.0f} s"),
        (
            "landing",
            f"{d.fmt(res.landing_east_m, 'distance')} E, {d.fmt(res.landing_north_m, 'distance')} N"
            f"  ({res.landing_lat:.5f}, {res.landing_lon:.5f})",
        ),
        ("miss distance", d.fmt(res.miss_distance_m, "distance")),
        (
            "touchdown",
            f"{d.fmt(res.landing.ground_speed_m_s, 'speed')} over the ground"
            + (
                f", heading {np.degrees(res.landing.heading_rad) % 360:03.0f}°"
                if np.isfinite(res.landing.heading_rad)
                else ""
            )
            + f"; surface wind {d.fmt(res.landing.surface_wind_m_s, 'speed')}",
        ),
    ]
    if res.reachable is not None:
        rows.append(
            (
                "target reachable from opening",
                ("yes" if res.reachable.target_reachable else "NO")
                + f" (disc radius {d.fmt(res.reachable.radius_m, 'distance')})",
            )
        )
    rp = res.release_point.to_json() if res.release_point is not None else None
    if rp:
        rows.insert(
            0,
            (
                "release point (solved)",
                f"{d.fmt(rp['east_m'], 'distance')} E, {d.fmt(rp['north_m'], 'distance')} N, "
                f"jump run {rp['heading_deg']:05.1f}°",
            ),
        )
    console.print(kv_table("Jump", rows))
    ev = Table(title="Events")
    for col in ("event", "t", "altitude", "speed", "east", "north"):
        ev.add_column(col, justify="left" if col == "event" else "right")
    for e in res.events:
        ev.add_row(
            e.name,
            f"{e.t_s:.1f} s",
            d.fmt(e.altitude_m, "altitude"),
            d.fmt(e.speed_m_s, "speed"),
            d.fmt(e.east_m, "distance"),
            d.fmt(e.north_m, "distance"),
        )
    console.print(ev)
    console.print(checks_table(res.checks, d))


# --- HTML ----------------------------------------------------------------------------------

_PHASE_COLOURS = {"freefall": "#0969da", "opening": "#cf222e", "canopy": "#1a7f37"}


def _by_phase(ax: Any, x: Any, y: Any, phase: Any) -> None:
    for name, colour in _PHASE_COLOURS.items():
        m = phase == name
        if m.any():
            idx = np.flatnonzero(m)
            lo, hi = max(idx[0] - 1, 0), idx[-1] + 1
            ax.plot(x[lo:hi], y[lo:hi], color=colour, label=name, lw=1.8)


def report_sections(res: Any, d: Any) -> list[Any]:
    from stuntsim.report.html import Section, new_figure, table_html

    tr = res.trajectory
    t = tr["t_s"]
    ph = tr["phase"]
    alt = d.value(tr["altitude_m"], "altitude")
    spd = d.value(tr["speed_m_s"], "speed")
    la, ls, ld = d.label("altitude"), d.label("speed"), d.label("distance")
    sections = []

    events = table_html(
        ["event", "t (s)", f"altitude ({la})", f"speed ({ls})", f"east ({ld})", f"north ({ld})"],
        [
            [
                e.name,
                f"{e.t_s:.1f}",
                f"{d.value(e.altitude_m, 'altitude'):,.0f}",
                f"{d.value(e.speed_m_s, 'speed'):.1f}",
                f"{d.value(e.east_m, 'distance'):,.0f}",
                f"{d.value(e.north_m, 'distance'):,.0f}",
            ]
            for e in res.events
        ],
    )
    sections.append(Section("Events", html=events))

    fig = new_figure(7.5, 5.0)
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    _by_phase(ax1, t, alt, ph)
    ax1.set_ylabel(f"altitude ({la} MSL)")
    ax1.legend(loc="upper right")
    ax1.grid(alpha=0.3)
    _by_phase(ax2, t, spd, ph)
    ax2.set_ylabel(f"speed ({ls})")
    ax2.set_xlabel("time since exit (s)")
    ax2.grid(alpha=0.3)
    for e in res.events:
        if e.name in ("deploy", "canopy_open", "max_speed"):
            ax1.axvline(e.t_s, color="0.6", lw=0.8, ls="--")
            ax2.axvline(e.t_s, color="0.6", lw=0.8, ls="--")
            ax2.annotate(e.name, (e.t_s, ax2.get_ylim()[1]), fontsize=7, rotation=90, va="top")
    sections.append(Section("Altitude and speed against time", figures=[fig]))

    fig = new_figure(7.5, 4.2)
    ax = fig.subplots()
    ff = ph != "canopy"
    ax.plot(spd[ff], alt[ff], color="#0969da", label="speed")
    ax.set_xlabel(f"speed ({ls})")
    ax.set_ylabel(f"altitude ({la} MSL)")
    ax.grid(alpha=0.3)
    axm = ax.twiny()
    axm.plot(tr["mach"][ff], alt[ff], color="#8250df", ls=":", label="Mach")
    axm.set_xlabel("Mach number (dotted)")
    sections.append(Section("Speed and Mach against altitude (freefall)", figures=[fig]))

    fig = new_figure(6.5, 6.0)
    ax = fig.subplots()
    e = d.value(tr["east_m"], "distance")
    n = d.value(tr["north_m"], "distance")
    _by_phase(ax, e, n, ph)
    ax.plot([0], [0], marker="*", ms=14, color="#bf8700", ls="", label="target")
    ax.plot([e[0]], [n[0]], marker="^", ms=9, color="k", ls="", label="exit")
    ax.plot([e[-1]], [n[-1]], marker="o", ms=7, color="#1a7f37", ls="", label="landing")
    plan = res.plan
    # jump run: the aircraft's track through the exit point, 2 km either side
    hd = plan.aircraft_heading
    run = np.array([-2000.0, 2000.0])
    ax.plot(
        d.value(plan.exit_east + run * np.sin(hd), "distance"),
        d.value(plan.exit_north + run * np.cos(hd), "distance"),
        color="0.5",
        ls="--",
        lw=1,
        label="jump run",
    )
    rp = res.release_point.to_json() if res.release_point is not None else None
    if rp:
        ax.plot(
            [d.value(rp["east_m"], "distance")],
            [d.value(rp["north_m"], "distance")],
            marker="X",
            ms=10,
            color="#cf222e",
            ls="",
            label="release point",
        )
    if rp and rp.get("haho"):
        from matplotlib.patches import Circle

        h = rp["haho"]
        ax.add_patch(
            Circle(
                (
                    d.value(h["reachable_centre_east_m"], "distance"),
                    d.value(h["reachable_centre_north_m"], "distance"),
                ),
                d.value(h["reachable_radius_m"], "distance"),
                fc="#1a7f37",
                alpha=0.08,
                ec="#1a7f37",
                ls="--",
                label="exits that can reach the target",
            )
        )
    oe, on = (
        d.value(tr["east_m"][ph == "canopy"][:1], "distance"),
        d.value(tr["north_m"][ph == "canopy"][:1], "distance"),
    )
    if len(oe):
        ax.plot(oe, on, marker="D", ms=7, color="#cf222e", ls="", label="canopy open")
    if plan.lz_radius:
        from matplotlib.patches import Circle

        ax.add_patch(
            Circle((0, 0), d.value(plan.lz_radius, "distance"), fill=False, ec="#bf8700", ls=":")
        )
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel(f"east ({ld})")
    ax.set_ylabel(f"north ({ld})")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    sections.append(Section("Ground track", figures=[fig]))

    if rp:
        c = rp["classic_estimate"]
        rows = [
            [
                "release point",
                f"{d.fmt(rp['east_m'], 'distance')} E, "
                f"{d.fmt(rp['north_m'], 'distance')} N ({rp['lat']:.5f}, {rp['lon']:.5f})",
                "—",
            ],
            ["jump-run heading", f"{rp['heading_deg']:05.1f}° true", "—"],
            [
                "forward throw",
                d.fmt(rp["forward_throw_m"], "distance"),
                d.fmt(c["forward_throw_m"], "distance"),
            ],
            [
                "freefall drift",
                d.fmt(rp["freefall_drift_m"], "distance"),
                d.fmt(c["freefall_drift_m"], "distance") + " (K·A·V, K = 3)",
            ],
            [
                "canopy drift (drifting)",
                d.fmt(rp["canopy_drift_m"], "distance"),
                d.fmt(c["canopy_drift_m"], "distance"),
            ],
            ["reachable area radius", d.fmt(rp["haho"]["reachable_radius_m"], "distance"), "—"],
            ["re-simulated miss", d.fmt(rp["verified_miss_m"], "distance", digits=1), "—"],
        ]
        sections.append(
            Section(
                f"Release point ({rp['mode'].upper()})",
                html=table_html(["", "full simulation", "classic estimate (cross-check)"], rows),
                note="The exit is solved with the full simulation and the canopy drifting with "
                "the wind, which leaves the whole glide range as margin; any exit inside the "
                "reachable area can still reach the target under canopy.",
            )
        )

    wind = plan.air.wind
    top = plan.exit_altitude + 0.08 * (plan.exit_altitude - plan.site.elevation)
    z = np.linspace(plan.site.elevation, top, 200)
    frm, sp = wind.direction_speed(z)
    fig = new_figure(7.5, 3.8)
    ax1, ax2 = fig.subplots(1, 2, sharey=True)
    ax1.plot(d.value(sp, "speed"), d.value(z, "altitude"), color="#0969da")
    ax1.set_xlabel(f"wind speed ({ls})")
    ax1.set_ylabel(f"altitude ({la} MSL)")
    ax1.grid(alpha=0.3)
    ax2.plot(np.where(sp > 0.01, frm, np.nan), d.value(z, "altitude"), ".", ms=2, color="#cf222e")
    wd = getattr(plan.air, "winds_data", None)
    if wd is not None:  # the levels as read from the file
        ax1.plot(
            d.value(wd.speed_m_s, "speed"),
            d.value(wd.altitude_m, "altitude"),
            "o",
            ms=4,
            color="#0969da",
            label="file levels",
        )
        ax2.plot(wd.from_deg, d.value(wd.altitude_m, "altitude"), "o", ms=4, color="#cf222e")
        ax1.legend(loc="lower right", fontsize=8)
    for ax in (ax1, ax2):
        ax.set_ylim(d.value(plan.site.elevation, "altitude"), d.value(top, "altitude"))
    ax2.set_xlabel("direction FROM (deg true)")
    ax2.set_xlim(0, 360)
    ax2.set_xticks([0, 90, 180, 270, 360])
    ax2.grid(alpha=0.3)
    sections.append(Section(f"Wind profile ({wind.source})", figures=[fig]))
    return sections


# --- Monte Carlo (the landing statistics of jump/montecarlo.py summarize()) --------------------


def _pct(p: float | None, ci: Any = None) -> str:
    if p is None:
        return "—"
    s = f"{100 * p:.1f} %"
    if ci:
        s += f"  (95 % CI {100 * ci[0]:.1f}–{100 * ci[1]:.1f} %)"
    return s


def _mc_rows(s: dict[str, Any], d: Any) -> list[tuple[str, str]]:
    land = s.get("landing", {})
    rows: list[tuple[str, str]] = []
    if "cep50_m" in land:
        e = land["ellipse95"]
        rows += [
            (
                "mean landing point",
                f"{d.fmt(abs(land['mean_east_m']), 'distance')} "
                f"{'E' if land['mean_east_m'] >= 0 else 'W'}, "
                f"{d.fmt(abs(land['mean_north_m']), 'distance')} "
                f"{'N' if land['mean_north_m'] >= 0 else 'S'} of the target",
            ),
            (
                "CEP50 / CEP90",
                f"{d.fmt(land['cep50_m'], 'distance')} / {d.fmt(land['cep90_m'], 'distance')}",
            ),
            (
                "95 % ellipse",
                f"{d.fmt(e['semi_major_m'], 'distance')} x {d.fmt(e['semi_minor_m'], 'distance')},"
                f" major axis {np.degrees(e['azimuth_rad']):.0f}° true",
            ),
        ]
    if s.get("lz_radius_m") is not None:
        rows.append(
            (
                f"in the {d.fmt(s['lz_radius_m'], 'distance')} landing zone",
                _pct(s.get("p_in_lz"), s.get("p_in_lz_ci")),
            )
        )
    rows.append(
        (
            "target reachable from the opening point",
            _pct(s.get("p_target_reachable"), s.get("p_target_reachable_ci")),
        )
    )
    op = s.get("opening", {})
    if "cep50_m" in op:
        r = op.get("reachable_radius_m", {}).get("quantiles", {})
        rows.append(
            (
                "opening points",
                f"CEP50 {d.fmt(op['cep50_m'], 'distance')}, CEP90 "
                f"{d.fmt(op['cep90_m'], 'distance')}; reachable disc radius (median) "
                f"{d.fmt(r.get('p50', float('nan')), 'distance')}",
            )
        )
    dep = s.get("deploy_altitude_m", {}).get("quantiles")
    if dep:
        rows.append(
            (
                "deployment altitude p05 / p50 / p95",
                " / ".join(d.fmt(dep[k], "altitude") for k in ("p05", "p50", "p95")) + " MSL",
            )
        )
    return rows


def mc_summary(plan: Any, stats: Any, console: Any, d: Any) -> None:
    """The landing dispersion of a Monte Carlo run (after the generic summary)."""
    console.print(
        kv_table(
            "Landing dispersion (the pilot steers on the forecast)", _mc_rows(stats.summary, d)
        )
    )


def mc_report_sections(plan: Any, stats: Any, d: Any) -> list[Any]:
    """The landing-dispersion section of the Monte Carlo report: table and scatter plot."""
    from matplotlib.patches import Circle, Ellipse

    from stuntsim.report.html import Section, new_figure, table_html

    s = stats.summary
    rows = [[k, v] for k, v in _mc_rows(s, d)]
    fig = new_figure(6.5, 6.0)
    ax = fig.subplots()
    pe = np.asarray(s.get("plot", {}).get("landing_east_m", []), dtype=float)
    pn = np.asarray(s.get("plot", {}).get("landing_north_m", []), dtype=float)
    ax.plot(d.value(pe, "distance"), d.value(pn, "distance"), ".", ms=2, alpha=0.4,
            color="#0969da", label=f"landings (first {pe.size:,})")  # fmt: skip
    ax.plot([0], [0], marker="*", ms=14, color="#bf8700", ls="", label="target")
    land = s.get("landing", {})
    if "ellipse95" in land:
        e = land["ellipse95"]
        ax.add_patch(
            Ellipse(
                (
                    d.value(land["mean_east_m"], "distance"),
                    d.value(land["mean_north_m"], "distance"),
                ),
                2 * d.value(e["semi_major_m"], "distance"),
                2 * d.value(e["semi_minor_m"], "distance"),
                angle=90.0 - float(np.degrees(e["azimuth_rad"])),
                fill=False, ec="#cf222e", label="95 % ellipse",
            )
        )  # fmt: skip
    if s.get("lz_radius_m"):
        ax.add_patch(
            Circle(
                (0, 0),
                d.value(s["lz_radius_m"], "distance"),
                fill=False,
                ec="#bf8700",
                ls=":",
                label="landing zone",
            )
        )
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel(f"east ({d.label('distance')})")
    ax.set_ylabel(f"north ({d.label('distance')})")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    return [
        Section(
            "Landing dispersion",
            figures=[fig],
            html=table_html(["", ""], rows),
            note="The canopy pilot steers on the forecast winds while each sample flies its own "
            "perturbed wind, and adds a landing error of their own (pilot_landing_error).",
        )
    ]
