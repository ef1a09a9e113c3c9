"""Presenting a release-point solution: the integrated answer beside the classic estimate."""

from __future__ import annotations

from typing import Any

from stuntsim.report.summary import kv_table


def spot_summary(plan: Any, sol: Any, console: Any, d: Any) -> None:
    from rich.markup import escape
    from rich.table import Table

    from stuntsim.report.summary import verdict_line

    head = f"[bold]{escape(plan.name)}[/]  —  release point ({sol.mode.upper()})"
    console.print(head + ("  " + verdict_line(sol.checks) if sol.checks else ""))
    if not sol.feasible:
        console.print(f"[bold red]No release point: {escape(sol.reason)}[/]")
    rows = [
        ("release point", f"{d.fmt(sol.east_m, 'distance')} E, {d.fmt(sol.north_m, 'distance')} N"),
        ("lat, lon", f"{sol.lat:.5f}, {sol.lon:.5f}"),
        ("jump-run heading", f"{sol.heading_deg:05.1f}° true ({plan.heading_source})"),
        ("forward throw", d.fmt(sol.forward_throw_m, "distance")),
        ("freefall drift", d.fmt(sol.freefall_drift_m, "distance")),
        ("canopy drift (drifting, no steering)", d.fmt(sol.canopy_drift_m, "distance")),
        ("check: re-simulated miss", d.fmt(sol.verified_miss_m, "distance", digits=1)),
    ]
    if sol.haho:
        h = sol.haho
        rows += [
            ("reachable area radius", d.fmt(h["reachable_radius_m"], "distance")),
            (
                "canopy wind drift",
                d.fmt(
                    (h["wind_drift_east_m"] ** 2 + h["wind_drift_north_m"] ** 2) ** 0.5, "distance"
                ),
            ),
            ("time under canopy", f"{h['canopy_descent_time_s'] / 60:.1f} min"),
        ]
    console.print(kv_table("Integrated solution (full simulation)", rows))
    c = sol.classic
    crows = [
        (
            "freefall drift D = K·A·V",
            f"{d.fmt(c['freefall_drift_m'], 'distance')}  (K = 3, A = {c['thousands_of_feet']:.1f}"
            f" kft, V = {c['mean_wind_kt']:.0f} kt)",
        ),
        ("forward throw (rule of thumb)", d.fmt(c["forward_throw_m"], "distance")),
        ("canopy drift (mean wind x time)", d.fmt(c["canopy_drift_m"], "distance")),
    ]
    console.print(kv_table("Classic military estimate (cross-check only)", crows))
    if getattr(sol, "jump_run", None) is not None:
        jump_run_summary(sol.jump_run, console, d)
    if sol.jumpers:
        t = Table(title=f"Stick of {len(sol.jumpers)}: spread {d.fmt(sol.spread_m, 'distance')}")
        for col in ("#", "exit east", "exit north", "landing east", "landing north", "miss"):
            t.add_column(col, justify="right")
        for j in sol.jumpers:
            t.add_row(
                str(j["index"]),
                d.fmt(j["exit_east_m"], "distance"),
                d.fmt(j["exit_north_m"], "distance"),
                d.fmt(j["landing_east_m"], "distance"),
                d.fmt(j["landing_north_m"], "distance"),
                d.fmt(j["miss_distance_m"], "distance"),
            )
        console.print(t)
    failing = [c for c in sol.checks if not c.ok]
    if failing:
        from stuntsim.report.summary import checks_table

        console.print(checks_table(failing, d))


def jump_run_summary(run: Any, console: Any, d: Any) -> None:
    """The jump run a jumpmaster briefs: headings true and magnetic, ground speed, green and
    red light and each group's exit (jump/jumpmaster.py ``JumpRun``)."""
    from rich.table import Table

    mag = (
        f"{run.heading_magnetic_deg:05.1f}° magnetic (declination {run.declination_deg:+.1f}°, "
        "WMM2025)"
        if run.heading_magnetic_deg is not None
        else "no magnetic heading"
    )
    rows = [
        ("heading", f"{run.heading_true_deg:05.1f}° true, {mag}"),
        ("ground speed", d.fmt(run.ground_speed_m_s, "speed")),
    ]
    if run.indicated_airspeed_m_s is not None and run.true_airspeed_m_s is not None:
        rows.append(
            (
                "airspeed",
                f"{d.fmt(run.true_airspeed_m_s, 'speed')} true = "
                f"{d.fmt(run.indicated_airspeed_m_s, 'speed')} indicated (calibrated)",
            )
        )
    if run.exit_pressure_altitude_m is not None:
        fl = run.exit_pressure_altitude_m / 30.48
        rows.append(
            (
                "exit",
                f"{d.fmt(run.exit_altitude_msl_m, 'altitude')} MSL, "
                f"{d.fmt(run.exit_altitude_agl_m, 'altitude')} AGL, FL{fl:03.0f} "
                "(pressure altitude)",
            )
        )
    rows += [
        (
            "separation",
            f"{d.fmt(run.separation_m, 'distance')} = {run.separation_s:.1f} s at the ground speed",
        ),
        ("green light", f"{run.green_light.lat:.5f}, {run.green_light.lon:.5f}"),
        (
            "red light",
            f"{run.red_light.lat:.5f}, {run.red_light.lon:.5f} "
            f"(+{run.red_light.t_after_green_s:.0f} s)",
        ),
    ]
    rows += [("note", n) for n in ([run.declination_warning] if run.declination_warning else [])]
    rows += [("note", n) for n in run.notes]
    console.print(kv_table("Jump run (green light to red light)", rows))
    if len(run.groups) > 1:
        t = Table(title=f"{len(run.groups)} groups of {run.group_size} ({run.separation_source})")
        for col in ("group", "exit after green", "east", "north", "within reach"):
            t.add_column(col, justify="right")
        for g in run.groups:
            reach = "—" if g.within_reach is None else ("yes" if g.within_reach else "NO")
            t.add_row(
                str(g.index),
                f"{g.t_after_green_s:.1f} s",
                d.fmt(g.east_m, "distance"),
                d.fmt(g.north_m, "distance"),
                reach,
            )
        console.print(t)
