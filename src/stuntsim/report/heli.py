"""Presenters of a helicopter chase plan: JSON, trajectory CSV columns, rich summary, HTML."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from stuntsim.report.summary import checks_table, kv_table, verdict_line
from stuntsim.units import FT

_SEG_COLOURS = ("#0969da", "#cf222e", "#1a7f37", "#8250df", "#bf8700", "#1b7c83", "#e16f24")


def _colour(i: int) -> str:
    return _SEG_COLOURS[i % len(_SEG_COLOURS)]


def _fnone(v: Any) -> float | None:
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) else None


# --- JSON and CSV ---------------------------------------------------------------------------------
def _segment_json(sg: Any) -> dict[str, Any]:
    from dataclasses import asdict

    d = asdict(sg)
    d["radius_m"] = _fnone(d["radius_m"])
    return d


def to_json(res: Any) -> dict[str, Any]:
    """The heli kind's own keys (SI); the CLI adds the envelope (kind, name, verdict, checks)."""
    from dataclasses import asdict

    from stuntsim.heli.aircraft import H125_HOVER_CEILING_OGE

    plan = res.plan
    ac = plan.aircraft
    s = res.samples
    b = res.balance
    return {
        "description": plan.description,
        "aircraft": {
            "name": ac.name,
            "mass_kg": ac.mass,
            "mass_without_rigs_kg": plan.base_mass,
            "max_mass_kg": ac.max_mass,
            "doors_off": ac.doors_off,
            "rotor_radius_m": ac.rotor_radius,
            "tip_speed_m_s": ac.tip_speed,
            "solidity": ac.solidity,
            "power_rating_w": ac.power_rating,
            "flat_plate_area_m2": ac.flat_plate_area,
            "flat_plate_area_without_rigs_m2": plan.base_flat_plate,
            "sources": dict(ac.sources),
        },
        "weight_and_balance": {
            "mass_start_kg": float(b.mass_start[0]),
            "mass_end_kg": float(b.mass_end[0]),
            "fuel_burnt_kg": float(b.fuel_burnt[0]),
            "cg_forward_start_m": float(b.x_start[0]),
            "cg_forward_end_m": float(b.x_end[0]),
            "cg_right_start_m": float(b.y_start[0]),
            "cg_right_end_m": float(b.y_end[0]),
            "cg_forward_limit_m": ac.cg_forward_limit,
            "cg_aft_limit_m": ac.cg_aft_limit,
            "cg_lateral_limit_m": ac.cg_lateral_limit,
        },
        "hover_induced_velocity_m_s": res.hover_induced_velocity,
        "hover_ceiling_oge_m": _fnone(res.hover_ceiling_oge),
        "hover_ceiling_published_m": H125_HOVER_CEILING_OGE if ac.name.startswith("H125") else None,
        "autorotation": asdict(res.autorotation),
        "max_load_factor": res.max_load_factor,
        "min_terrain_clearance_m": res.min_terrain_clearance,
        "terrain": {
            "source": plan.terrain.source,
            "vertical_error_m": plan.vertical_error,
            "required_clearance_m": plan.limits.required_clearance,
            "navigation_error_m": plan.limits.navigation_error,
        },
        "vrs_criterion": plan.limits.vrs.name,
        "duration_s": float(s["t_s"][-1]),
        "segments": [_segment_json(sg) for sg in res.segments],
        "rig_loads": [
            {
                "name": r.name,
                "limit_load_n": r.limit_load,
                "ultimate_load_n": r.ultimate_load,
                "rated_load_n": r.rated_load,
                "margin": r.margin,
                "case": r.case,
                "t_s": float(s["t_s"][r.index]),
                "air_load_n": r.air_load,
                "inertial_load_n": r.inertial_load,
                "dynamic_pressure_pa": r.dynamic_pressure,
                "in_downwash": r.in_downwash,
                "certification": {
                    "limit_n": list(c.limit_n),
                    "ultimate_n": list(c.ultimate_n),
                    "moment_n_m": list(c.moment_n_m),
                    "margin": c.margin,
                    "case": c.case,
                    "ultimate_allowable_n": c.ultimate_allowable,
                    "speed_limit_m_s": c.speed_limit,
                    "fitting_factor": rig.fitting_factor,
                    "rating_basis": rig.rating_basis,
                    "cases": dict(c.cases),
                },
            }
            for r, c, rig in zip(res.rig_loads, res.certifications, plan.rigs, strict=True)
        ],
        "atmosphere": plan.air.atmosphere.source,
        "winds": plan.air.wind.source,
        "events": [asdict(e) for e in res.events],
    }


def trajectory(res: Any) -> dict[str, Any]:
    s = res.samples
    lat, lon = res.plan.site.to_geodetic(s["east_m"], s["north_m"], 0.0)
    return {
        "t_s": s["t_s"],
        "east_m": s["east_m"],
        "north_m": s["north_m"],
        "altitude_m": s["altitude_m"],
        "lat_deg": np.asarray(lat),
        "lon_deg": np.asarray(lon),
        "v_east_m_s": s["v_east_m_s"],
        "v_north_m_s": s["v_north_m_s"],
        "v_up_m_s": s["v_up_m_s"],
        "airspeed_m_s": s["airspeed_m_s"],
        "true_airspeed_m_s": s["true_airspeed_m_s"],
        "indicated_airspeed_m_s": s["indicated_airspeed_m_s"],
        "heading_deg": np.degrees(s["heading_rad"]) % 360.0,
        "bank_deg": np.degrees(s["bank_rad"]),
        "load_factor": s["load_factor"],
        "descent_rate_m_s": s["descent_rate_m_s"],
        "density_kg_m3": s["density_kg_m3"],
        "power_required_w": s["power_required_w"],
        "power_available_w": s["power_available_w"],
        "v_h_m_s": s["v_h_m_s"],
        "vrs_x": s["vrs_x"],
        "vrs_z": s["vrs_z"],
        "vrs_margin": s["vrs_margin"],
        "vrs_margin_johnson": s["vrs_margin_johnson"],
        "vrs_margin_faa": s["vrs_margin_faa"],
        "terrain_m": s["terrain_m"],
        "clearance_m": s["clearance_m"],
        "skid_height_m": s["skid_height_m"],
        "hv_margin": s["hv_margin"],
        "transition": s["transition"].astype(int),
        "segment": s["segment"] + 1,
    }


# --- rich summary ---------------------------------------------------------------------------------
def _ceiling_text(res: Any, d: Any) -> str:
    from stuntsim.heli.aircraft import H125_HOVER_CEILING_OGE

    c = res.hover_ceiling_oge
    txt = d.fmt(c, "altitude") if math.isfinite(c) else "cannot hover OGE at sea level"
    if res.plan.aircraft.name.startswith("H125"):
        txt += f"  (published {d.fmt(H125_HOVER_CEILING_OGE, 'altitude')}, unsure)"
    return txt


def summary(res: Any, console: Any, d: Any) -> None:
    from rich.markup import escape
    from rich.table import Table

    plan = res.plan
    ac = plan.aircraft
    console.print(f"[bold]{escape(res.name)}[/]  —  heli  " + verdict_line(res.checks))
    if plan.description:
        console.print(escape(plan.description))
    a = res.autorotation
    rows = [
        ("aircraft", f"{ac.name}{', doors off' if ac.doors_off else ''}"),
        ("mass", d.fmt(ac.mass, "mass") + f"  (rigs {d.fmt(ac.mass - plan.base_mass, 'mass')})"),
        (
            "CG (take-off / end)",
            f"{res.balance.x_start[0]:+.3f} / {res.balance.x_end[0]:+.3f} m fwd, "
            f"{res.balance.y_start[0]:+.3f} / {res.balance.y_end[0]:+.3f} m right of the mast",
        ),
        ("hover induced velocity v_h", f"{res.hover_induced_velocity:.2f} m/s (at the start)"),
        ("hover ceiling OGE (this mass and day)", _ceiling_text(res, d)),
        (
            "autorotation, sea level",
            f"{d.fmt(a.min_descent_rate_sea_level_m_s, 'vertical_speed')} at "
            f"{d.fmt(a.at_airspeed_m_s, 'speed')}",
        ),
        ("duration", f"{res.samples['t_s'][-1]:.0f} s"),
        ("max load factor", f"{res.max_load_factor:.2f} g"),
        (
            "min terrain clearance",
            d.fmt(res.min_terrain_clearance, "altitude")
            + (
                f"  (DEM vertical error {d.fmt(plan.vertical_error, 'altitude')})"
                if plan.vertical_error
                else ""
            ),
        ),
        ("terrain", plan.terrain.source),
    ]
    console.print(kv_table("Helicopter", rows))
    t = Table(title="Segments")
    for col in ("#", "kind", "airspeed", "bank", "radius", "descent", "n", "power", "VRS"):
        t.add_column(col, justify="left" if col in ("kind",) else "right")
    for sg in res.segments:
        t.add_row(
            str(sg.index + 1),
            escape(sg.kind + (f" ({sg.name})" if sg.name else "")),
            d.fmt(sg.airspeed_m_s, "speed"),
            f"{math.degrees(sg.bank_rad):.0f}°",
            d.fmt(sg.radius_m, "distance") if sg.radius_m else "—",
            d.fmt(sg.descent_rate_m_s, "vertical_speed"),
            f"{sg.load_factor:.2f}",
            f"{d.fmt(sg.power_required_w, 'power')} / {d.fmt(sg.power_available_w, 'power')}",
            "[red]yes[/]" if sg.in_vrs else "no",
        )
    console.print(t)
    if res.rig_loads:
        t = Table(title="Camera rigs (certification basis, and on the planned path)")
        for col in ("rig", "limit", "ultimate", "allowable", "MS", "governing case", "path", "MS"):
            t.add_column(col, justify="left" if col in ("rig", "governing case") else "right")
        for r, c in zip(res.rig_loads, res.certifications, strict=True):
            t.add_row(
                escape(r.name),
                d.fmt(c.limit_magnitude, "force"),
                d.fmt(c.demanded_ultimate, "force"),
                d.fmt(c.ultimate_allowable, "force"),
                f"{c.margin:+.2f}",
                escape(c.case),
                d.fmt(r.limit_load, "force"),
                f"{r.margin:+.2f}",
            )
        console.print(t)
    console.print(checks_table(res.checks, d))


# --- HTML ----------------------------------------------------------------------------------------
def _segment_lines(ax: Any, res: Any) -> None:
    seg = res.samples["segment"]
    t = res.samples["t_s"]
    starts = np.flatnonzero(np.diff(seg)) + 1
    for k in starts:
        ax.axvline(t[k], color="0.6", lw=0.7, ls="--")


def _by_segment(ax: Any, res: Any, x: Any, y: Any, **kw: Any) -> None:
    seg = res.samples["segment"]
    for i in np.unique(seg):
        idx = np.flatnonzero(seg == i)
        hi = min(idx[-1] + 2, len(seg))  # join to the next segment's first sample
        info = res.plan.segments[int(i)]
        label = f"{int(i) + 1}: {info.kind}" + (f" ({info.name})" if info.name else "")
        ax.plot(x[idx[0] : hi], y[idx[0] : hi], color=_colour(int(i)), label=label, **kw)


def _terrain_grid(res: Any, n: int = 80, mask: Any = None, pad_min: float = 300.0) -> Any:
    """Terrain heights on a regular east/north grid around the path, or the samples in
    ``mask`` (None for flat ground)."""
    from stuntsim.heli.terrain import DemTerrain

    terrain = res.plan.terrain
    if not isinstance(terrain, DemTerrain):
        return None
    s = res.samples
    m = slice(None) if mask is None else mask
    e0, e1 = float(np.min(s["east_m"][m])), float(np.max(s["east_m"][m]))
    n0, n1 = float(np.min(s["north_m"][m])), float(np.max(s["north_m"][m]))
    pad = max(pad_min, 0.12 * max(e1 - e0, n1 - n0))
    e = np.linspace(e0 - pad, e1 + pad, n)
    nn = np.linspace(n0 - pad, n1 + pad, n)
    ee, nnn = np.meshgrid(e, nn)
    h = terrain.height(ee.ravel(), nnn.ravel()).reshape(ee.shape)
    return ee, nnn, h


def _plan_view(res: Any, d: Any, mask: Any, pad_min: float, title: str = "") -> Any:
    """Plan view of the samples in ``mask`` over terrain contours (display units)."""
    from stuntsim.report.html import new_figure

    s = res.samples
    la, ld = d.label("altitude"), d.label("distance")
    e = d.value(s["east_m"], "distance")
    nn = d.value(s["north_m"], "distance")
    grid = _terrain_grid(res, mask=mask, pad_min=pad_min)
    if grid is not None:
        ge, gn, gh = (d.value(grid[0], "distance"), d.value(grid[1], "distance"), grid[2])
        x0, x1, y0, y1 = float(ge.min()), float(ge.max()), float(gn.min()), float(gn.max())
    else:
        pad = d.value(pad_min, "distance")
        x0, x1 = float(e[mask].min() - pad), float(e[mask].max() + pad)
        y0, y1 = float(nn[mask].min() - pad), float(nn[mask].max() + pad)
    aspect = (y1 - y0) / max(x1 - x0, 1e-9)
    fig = new_figure(7.0, float(np.clip(5.6 * aspect + 1.6, 3.4, 8.0)))
    ax = fig.subplots()
    if grid is not None:
        hv = d.value(gh, "altitude")
        cf = ax.contourf(ge, gn, hv, levels=14, cmap="terrain", alpha=0.75)
        ax.contour(ge, gn, hv, levels=14, colors="k", linewidths=0.3, alpha=0.5)
        fig.colorbar(cf, ax=ax, label=f"terrain ({la} MSL)", shrink=0.8)
    seg = s["segment"]
    for i in np.unique(seg[mask]):
        idx = np.flatnonzero((seg == i) & mask)
        hi = min(idx[-1] + 2, len(seg))
        info = res.plan.segments[int(i)]
        label = f"{int(i) + 1}: {info.kind}" + (f" ({info.name})" if info.name else "")
        ax.plot(e[idx[0] : hi], nn[idx[0] : hi], color=_colour(int(i)), lw=2.0, label=label)
    first, last = int(np.flatnonzero(mask)[0]), int(np.flatnonzero(mask)[-1])
    ax.plot([e[first]], [nn[first]], marker="^", ms=9, color="k", ls="", label="start")
    ax.plot([e[last]], [nn[last]], marker="s", ms=7, color="k", ls="", label="end")
    idx = np.flatnonzero(mask)
    k = int(idx[np.argmin(s["clearance_m"][idx])])
    ax.plot([e[k]], [nn[k]], marker="X", ms=10, color="#cf222e", ls="", label="min clearance")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel(f"east ({ld})")
    ax.set_ylabel(f"north ({ld})")
    if title:
        ax.set_title(title, fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=7, framealpha=0.8)
    return fig


def report_sections(res: Any, d: Any) -> list[Any]:
    from stuntsim.report.html import Section, new_figure, table_html

    plan = res.plan
    ac = plan.aircraft
    s = res.samples
    t = s["t_s"]
    la, ld = d.label("altitude"), d.label("distance")
    lv, lp = d.label("vertical_speed"), d.label("power")
    sections = []

    a = res.autorotation
    perf_rows = [
        ["aircraft", ac.name + (" (doors off)" if ac.doors_off else "")],
        ["mass", d.fmt(ac.mass, "mass")],
        [
            "rotor",
            f"R = {ac.rotor_radius:.2f} m, {ac.blade_count} blades, "
            f"tip speed {ac.tip_speed:.0f} m/s, solidity {ac.solidity:.3f}",
        ],
        ["hover induced velocity v_h (start)", f"{res.hover_induced_velocity:.2f} m/s"],
        ["hover ceiling OGE (this mass and day)", _ceiling_text(res, d)],
        [
            "autorotation (sea level)",
            f"{d.fmt(a.min_descent_rate_sea_level_m_s, 'vertical_speed')} at "
            f"{d.fmt(a.at_airspeed_m_s, 'speed')}; vertical "
            f"{d.fmt(a.vertical_descent_rate_sea_level_m_s, 'vertical_speed')}",
        ],
        ["atmosphere", plan.air.atmosphere.source],
        ["winds", plan.air.wind.source],
    ]
    src_rows = [[k, v] for k, v in ac.sources.items()]
    sections.append(
        Section(
            "Aircraft and performance",
            html=table_html(["", ""], perf_rows) + table_html(["figure", "source"], src_rows),
            note="Momentum theory with Glauert inflow; figures marked estimate should be replaced "
            "by the flight manual's. Ideal autorotation (no tail-rotor or gearbox losses): the "
            "real descent rate is higher.",
        )
    )

    seg_rows = [
        [
            sg.index + 1,
            sg.kind
            + (f" ({sg.name})" if sg.name else "")
            + (" [ground-referenced]" if sg.reference == "ground" else ""),
            f"{sg.t_start_s:.0f}–{sg.t_end_s:.0f}"
            + (f" (transition {sg.transition_s:.0f} s)" if sg.transition_s > 0 else ""),
            d.fmt(sg.airspeed_m_s, "speed")
            + (f" (min {d.fmt(sg.airspeed_min_m_s, 'speed')})" if sg.reference == "ground" else ""),
            f"{math.degrees(sg.bank_rad):.0f}°",
            d.fmt(sg.radius_m, "distance") if sg.radius_m else "—",
            d.fmt(sg.descent_rate_m_s, "vertical_speed"),
            f"{sg.load_factor:.2f}",
            d.fmt(sg.power_required_w, "power"),
            d.fmt(sg.power_available_w, "power"),
            "yes" if sg.in_vrs else "no",
        ]
        for sg in res.segments
    ]
    sections.append(
        Section(
            "Segments",
            html=table_html(
                [
                    "#",
                    "kind",
                    "t (s)",
                    "airspeed",
                    "bank",
                    "radius",
                    "descent (max)",
                    "n max",
                    "power req. (max)",
                    "power avail. (min)",
                    "VRS",
                ],
                seg_rows,
            ),
        )
    )

    # plan view over terrain, and a close-up of each spiral
    figs = [_plan_view(res, d, np.ones(len(s["t_s"]), dtype=bool), pad_min=300.0)]
    for i, info in enumerate(plan.segments):
        m = s["segment"] == i
        if info.kind == "spiral" and m.any():
            figs.append(_plan_view(res, d, m, pad_min=150.0, title=f"close-up: segment {i + 1}"))
    note = (
        f"Terrain: {plan.terrain.source}"
        + (
            f", vertical error {plan.vertical_error:.0f} m."
            if plan.vertical_error
            else (" (vertical error unknown)." if plan.vertical_error is None else ".")
        )
        + " Straight, turn and spiral segments are flown in the air mass and drift with the "
        "wind; waypoint chases hold their ground track."
    )
    sections.append(Section("Path over the terrain (plan view)", figures=figs, note=note))

    # 3-D view
    import mpl_toolkits.mplot3d  # type: ignore[import-untyped]  # noqa: F401  (3d projection)

    e = d.value(s["east_m"], "distance")
    nn = d.value(s["north_m"], "distance")
    fig = new_figure(7.0, 5.6)
    ax3 = fig.add_subplot(projection="3d")
    grid3 = _terrain_grid(res, n=30)
    if grid3 is not None:
        ge, gn, gh = grid3
        ax3.plot_surface(
            d.value(ge, "distance"),
            d.value(gn, "distance"),
            d.value(gh, "altitude"),
            cmap="terrain",
            alpha=0.35,
            linewidth=0,
            antialiased=False,
        )
    else:
        ge = np.array([[e.min(), e.max()], [e.min(), e.max()]])
        gn = np.array([[nn.min(), nn.min()], [nn.max(), nn.max()]])
        ax3.plot_surface(
            ge,
            gn,
            np.full(ge.shape, d.value(plan.terrain.elevation, "altitude")),
            color="#c9d7c0",
            alpha=0.5,
        )
    seg = s["segment"]
    alt = d.value(s["altitude_m"], "altitude")
    for i in np.unique(seg):
        idx = np.flatnonzero(seg == i)
        hi = min(idx[-1] + 2, len(seg))
        ax3.plot(e[idx[0] : hi], nn[idx[0] : hi], alt[idx[0] : hi], color=_colour(int(i)), lw=2)
    ax3.set_xlabel(f"east ({ld})")
    ax3.set_ylabel(f"north ({ld})")
    ax3.set_zlabel(f"altitude ({la})")
    floor = np.full_like(e, d.value(float(np.min(s["terrain_m"])), "altitude"))
    ax3.plot(e, nn, floor, color="0.35", lw=0.8, ls=":")
    ax3.view_init(elev=48, azim=-115)
    sections.append(Section("3-D view", figures=[fig]))

    # along the path
    fig = new_figure(7.5, 8.0)
    ax1, ax2, ax3b, ax4 = fig.subplots(4, 1, sharex=True)
    _by_segment(ax1, res, t, s["load_factor"])
    ax1.axhline(plan.limits.max_load_factor, color="#cf222e", ls=":", lw=1, label="limit")
    ax1.set_ylabel("load factor (g)")
    ax1.legend(loc="best", fontsize=7)
    _by_segment(ax2, res, t, d.value(s["power_required_w"], "power"))
    (h_av,) = ax2.plot(t, d.value(s["power_available_w"], "power"), color="k", ls="--", lw=1)
    ax2.set_ylabel(f"power required ({lp})")
    ax2.legend([h_av], ["available"], loc="best", fontsize=7)
    _by_segment(ax3b, res, t, d.value(s["descent_rate_m_s"], "vertical_speed"))
    if plan.limits.max_descent_rate is not None:
        h_lim = ax3b.axhline(
            d.value(plan.limits.max_descent_rate, "vertical_speed"), color="#cf222e", ls=":"
        )
        ax3b.legend([h_lim], ["limit"], loc="best", fontsize=7)
    else:
        (h_lim,) = ax3b.plot(
            t, d.value(s["autorotation_rate_m_s"], "vertical_speed"), color="#cf222e", ls=":"
        )
        ax3b.legend([h_lim], ["power-off (autorotation) limit"], loc="best", fontsize=7)
    ax3b.set_ylabel(f"descent ({lv})")
    ax4.plot(t, d.value(s["altitude_m"], "altitude"), color="#0969da", label="aircraft (hub)")
    ax4.plot(
        t,
        d.value(s["lowest_point_m"], "altitude"),
        color="#0969da",
        lw=0.8,
        ls=":",
        label="lowest point (tip or skids)",
    )
    ax4.plot(t, d.value(s["terrain_m"], "altitude"), color="#6e4b1f", label="highest terrain")
    ax4.fill_between(
        t,
        d.value(s["terrain_m"], "altitude"),
        d.value(s["terrain_m"] + plan.limits.required_clearance, "altitude"),
        color="#cf222e",
        alpha=0.2,
        label="required clearance",
    )
    ax4.set_ylabel(f"altitude ({la})")
    ax4.set_xlabel("time (s)")
    ax4.legend(loc="best", fontsize=7)
    for axx in (ax1, ax2, ax3b, ax4):
        _segment_lines(axx, res)
        axx.grid(alpha=0.3)
    sections.append(
        Section(
            "Load factor, power, descent rate and terrain along the path",
            figures=[fig],
            note="Dashed vertical lines mark segment changes; between segments the airspeed, "
            "bank and descent rate change at no more than the limits' roll rate, acceleration "
            "and descent-rate change (the transitions are part of the path and of every check)"
            if plan.limits.transitions is not None
            else "Dashed vertical lines mark segment changes, taken as instantaneous "
            "(limits.transitions = false).",
        )
    )

    # VRS
    crit = plan.limits.vrs
    fig = new_figure(6.5, 5.0)
    ax = fig.subplots()
    bx, bz = crit.boundary(float(np.median(s["v_h_m_s"])))
    ax.fill(bx, bz, color="#cf222e", alpha=0.18, label=f"VRS region ({crit.name})")
    ax.plot(bx, bz, color="#cf222e", lw=1)
    for i in np.unique(seg):
        idx = np.flatnonzero(seg == i)
        # thin long segments, but keep every point near or inside the region
        step = max(1, idx.size // 250)
        keep = np.union1d(idx[::step], idx[s["vrs_margin"][idx] < 0.5])
        ax.plot(
            s["vrs_x"][keep],
            s["vrs_z"][keep],
            ".",
            ms=3,
            color=_colour(int(i)),
            label=f"segment {int(i) + 1}",
        )
    ax.set_xlim(0, max(3.0, float(min(np.max(s["vrs_x"]), 8.0)) * 1.05))
    zmin = min(-0.5, float(np.min(s["vrs_z"])) - 0.1)
    ax.set_ylim(max(zmin, -3.0), max(2.2, float(np.max(s["vrs_z"])) + 0.2))
    ax.invert_yaxis()
    ax.set_xlabel("edgewise speed / v_h")
    ax.set_ylabel("descent through the disc / v_h (down is faster)")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=7)
    sections.append(
        Section(
            "Vortex ring state",
            figures=[fig],
            note=f"{crit.source}. Each point is a path sample in the rotor frame, normalised by "
            "the local v_h = sqrt(T / (2 rho A)), which grows with sqrt(n) in turns.",
        )
    )

    if res.rig_loads:
        from stuntsim.heli.loads import SOURCE as LOAD_SOURCE

        rows = []
        for r, c, rig in zip(res.rig_loads, res.certifications, plan.rigs, strict=True):
            lim = c.limit_n
            rows.append(
                [
                    r.name,
                    c.case,
                    f"{lim[0]:+,.0f} / {lim[1]:+,.0f} / {lim[2]:+,.0f}",
                    f"{c.demanded_ultimate:,.0f}",
                    f"{c.ultimate_allowable:,.0f} ({rig.rating_basis} {rig.rating:,.0f} N)",
                    f"{rig.fitting_factor:.2f}",
                    " / ".join(f"{m:+,.0f}" for m in c.moment_n_m),
                    f"{c.margin:+.2f}",
                    f"{r.limit_load:,.0f} ({r.case}, t = {t[r.index]:.0f} s)",
                    f"{r.margin:+.2f}",
                ]
            )
        fig = new_figure(7.5, 3.4)
        ax = fig.subplots()
        for j, r in enumerate(res.rig_loads):
            ax.plot(t, d.value(r.load, "force"), color=_colour(j), label=r.name)
            ax.axhline(d.value(r.rated_load, "force"), color=_colour(j), ls=":", lw=1)
        ax.set_xlabel("time (s)")
        ax.set_ylabel(f"mount load on the path ({d.label('force')})")
        ax.grid(alpha=0.3)
        ax.legend(loc="best", fontsize=7)
        sections.append(
            Section(
                "Camera rigs",
                figures=[fig],
                html=table_html(
                    [
                        "rig",
                        "governing certification case",
                        "limit x / y / z (N)",
                        "ultimate (N)",
                        "allowable ultimate (N)",
                        "fitting factor",
                        "moment at hardpoint x / y / z (N·m)",
                        "MS",
                        "planned-path peak (N)",
                        "MS (path)",
                    ],
                    rows,
                ),
                note=f"Certification basis: {LOAD_SOURCE}. Airframe axes x forward, y right, z "
                "down; forces are what the rig applies to its hardpoint. MS = allowable ultimate "
                "/ (1.5 × fitting factor × limit) − 1. The planned-path peak (air load plus "
                f"inertia, {plan.limits.gust_speed / FT:.0f} ft/s gusts) is the second figure; "
                "dotted lines: ratings as limit loads.",
            )
        )

    # weight and balance, and the height-velocity diagram
    b = res.balance
    sections.append(
        Section(
            "Weight and balance",
            html=table_html(
                ["", "take-off", "end of flight"],
                [
                    [
                        "mass",
                        d.fmt(float(b.mass_start[0]), "mass"),
                        d.fmt(float(b.mass_end[0]), "mass"),
                    ],
                    ["CG forward of the mast", f"{b.x_start[0]:+.3f} m", f"{b.x_end[0]:+.3f} m"],
                    ["CG right of the mast", f"{b.y_start[0]:+.3f} m", f"{b.y_end[0]:+.3f} m"],
                ],
            ),
            note=f"Envelope {ac.cg_aft_limit:+.2f} to {ac.cg_forward_limit:+.2f} m, lateral "
            f"±{ac.cg_lateral_limit:.2f} m: {ac.sources.get('cg_limits', '')}. Fuel burnt "
            f"{float(b.fuel_burnt[0]):.0f} kg ({ac.sources.get('fuel', '')}).",
        )
    )
    if ac.hv_speed:
        from stuntsim.heli.hv import boundary

        fig = new_figure(6.5, 4.2)
        ax = fig.subplots()
        bx, by = boundary(ac.hv_speed, ac.hv_upper, ac.hv_lower)
        ax.fill(
            d.value(bx, "speed"),
            d.value(by, "altitude"),
            color="#cf222e",
            alpha=0.2,
            label="avoid (estimate)",
        )
        _by_segment(
            ax,
            res,
            d.value(s["indicated_airspeed_m_s"], "speed"),
            d.value(s["skid_height_m"], "altitude"),
            ls="",
            marker=".",
            ms=2,
        )
        ax.set_xlim(0, d.value(max(60.0, float(np.max(s["indicated_airspeed_m_s"]))), "speed"))
        ax.set_ylim(
            0, d.value(max(200.0, float(np.percentile(s["skid_height_m"], 95))), "altitude")
        )
        ax.set_xlabel(f"indicated airspeed ({d.label('speed')})")
        ax.set_ylabel(f"skid height above the DEM ({la})")
        ax.grid(alpha=0.3)
        ax.legend(loc="best", fontsize=7)
        sections.append(
            Section(
                "Height-velocity diagram",
                figures=[fig],
                note=ac.sources.get("height_velocity", ""),
            )
        )

    ev = table_html(
        ["event", "t (s)", f"altitude ({la})", f"east ({ld})", f"north ({ld})"],
        [
            [
                e_.name,
                f"{e_.t_s:.1f}",
                f"{d.value(e_.altitude_m, 'altitude'):,.0f}",
                f"{d.value(e_.east_m, 'distance'):,.0f}",
                f"{d.value(e_.north_m, 'distance'):,.0f}",
            ]
            for e_ in res.events
        ],
    )
    sections.append(Section("Events", html=ev))
    return sections


# --- Monte Carlo ----------------------------------------------------------------------------------
_MC_ROWS = (
    ("max_load_factor", "largest load factor", None),
    ("max_power_fraction", "largest power fraction", None),
    ("min_clearance_m", "smallest terrain clearance", "altitude"),
    ("min_vrs_margin", "smallest VRS margin", None),
    ("max_descent_rate_m_s", "largest descent rate", "vertical_speed"),
    ("min_airspeed_m_s", "lowest airspeed", "speed"),
)


def _mc_rows(stats: Any, d: Any) -> list[list[str]]:
    path = (stats.summary or {}).get("path", {})
    rows = []
    for key, label, q in _MC_ROWS:
        p = path.get(key)
        if not p:
            continue

        def f(v: float, q: str | None = q) -> str:
            return d.fmt(v, q) if q else f"{v:.2f}"

        rows.append([label, f(p["p05"]), f(p["p50"]), f(p["p95"])])
    return rows


def mc_summary(plan: Any, stats: Any, console: Any, d: Any) -> None:
    """The path statistics of a helicopter Monte Carlo (p05 / p50 / p95)."""
    from rich.table import Table

    t = Table(title="Along the path (p05 / p50 / p95 over the samples)")
    for col in ("", "p05", "p50", "p95"):
        t.add_column(col, justify="left" if not col else "right")
    for row in _mc_rows(stats, d):
        t.add_row(*row)
    console.print(t)


def mc_report_sections(plan: Any, stats: Any, d: Any) -> list[Any]:
    """Where the samples' paths end, by verdict, and the path statistics."""
    from stuntsim.report.html import Section, new_figure, table_html

    cols = stats.columns
    sections = []
    if "end_east_m" in cols and "end_north_m" in cols:
        fig = new_figure(6.0, 4.6)
        ax = fig.subplots()
        codes = np.asarray(stats.codes)
        e = d.value(np.asarray(cols["end_east_m"]), "distance")
        n = d.value(np.asarray(cols["end_north_m"]), "distance")
        for code, label, colour in (
            (0, "GO", "#1a7f37"),
            (1, "CAUTION", "#bf8700"),
            (2, "NO-GO", "#cf222e"),
        ):
            m = codes == code
            if m.any():
                ax.plot(e[m], n[m], ".", ms=4, color=colour, label=f"{label} ({int(m.sum())})")
        pe = d.value(float(plan.path.pos[-1, 0]), "distance")
        pn = d.value(float(plan.path.pos[-1, 1]), "distance")
        ax.plot([pe], [pn], "k+", ms=12, label="nominal end")
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_xlabel(f"east ({d.label('distance')})")
        ax.set_ylabel(f"north ({d.label('distance')})")
        ax.grid(alpha=0.3)
        ax.legend(loc="best", fontsize=7)
        sections.append(
            Section(
                "Where the paths end",
                figures=[fig],
                note="Each sample flies the plan with its own wind, pilot errors and "
                "atmosphere; its end point is coloured by its verdict.",
            )
        )
    rows = _mc_rows(stats, d)
    if rows:
        sections.append(
            Section(
                "Along the path (Monte Carlo)",
                html=table_html(["", "p05", "p50", "p95"], rows),
            )
        )
    return sections
