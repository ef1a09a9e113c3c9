"""Presenters of ``stuntsim car-plan``: the plan as a driver uses it, and its JSON document.

The outcome comes from :func:`stuntsim.car.planner.plan_search` (SI). Distances are metres
from the top nosing (the first step edge) to the car's centre of mass, about the driver's seat;
speeds are shown in km/h; angles in degrees. No physics here.
"""

from __future__ import annotations

import math
from typing import Any

QUESTION = (
    "Which values of the free plan parameters pass every fail check of `stuntsim run` with the "
    "widest margin, for the nominal plan and for every jittered copy (driver timing and speed "
    "scatter)? How far may each be missed, and what happens just outside?"
)

_UNIT = {
    "speed": ("km/h", 3.6),
    "distance": ("m", 1.0),
    "angle": ("deg", 180.0 / math.pi),
    "time": ("s", 1.0),
}


def _fmt(key: str, v: float | None) -> str:
    from stuntsim.car.planner import FREE_UNITS

    if v is None or not math.isfinite(v):
        return "-"
    unit, k = _UNIT[FREE_UNITS[key]]
    return f"{v * k:.1f} {unit}"


def _outside_json(o: Any) -> dict[str, Any] | None:
    if o is None:
        return None
    from stuntsim.report.envelope import check_record

    return {
        "value": o.value,
        "failing": [check_record(c) for c in o.failing],
        "zone": o.zone,
        "end": o.end,
    }


def plan_to_json(out: Any) -> dict[str, Any]:
    """The planner's own keys (the CLI wraps them in the envelope of the best plan's run)."""
    from stuntsim.kinds import get_kind

    spec = out.spec
    return {
        "command": "car-plan",
        "question": QUESTION,
        "feasible": bool(out.feasible),
        "objective_margin": out.objective,
        "free": [
            {"name": fp.key, "low": fp.lo, "high": fp.hi, "start": fp.start, "value": float(v)}
            for fp, v in zip(spec.free, out.x, strict=True)
        ],
        "cues": out.cues,
        "bands": [
            {
                "name": b.param.key,
                "value": b.band.value,
                "works_from": b.band.lo_ok,
                "works_to": b.band.hi_ok,
                "fails_at_low": b.band.lo_fail,
                "fails_at_high": b.band.hi_fail,
                "below": _outside_json(b.below),
                "above": _outside_json(b.above),
            }
            for b in out.bands
        ],
        "robustness": out.robustness,
        "binding_counts": out.binding,
        "search": {
            "candidates": out.n_evaluated,
            "generations": out.generations,
            "jitter_rows": 1 + spec.jitter_samples,
            "jitter_source": spec.jitter_source,
            "seed": spec.seed,
        },
        "best": get_kind("car").presenter.to_json(out.result),
    }


def plan_summary(out: Any, console: Any, display: Any) -> None:
    """The plan in the words and units a stunt driver and coordinator use."""
    from rich.markup import escape
    from rich.table import Table

    from stuntsim.checks import verdict

    res = out.result
    v = verdict(res.checks)
    colour = {"GO": "green", "CAUTION": "yellow", "NO-GO": "red"}[v]
    plan = out.plan
    edge = getattr(plan.ground, "edge_north", None)
    console.print(f"[bold]{escape(plan.name)}[/]: car-plan")
    console.print(escape(QUESTION))
    describe = getattr(plan.ground, "describe", None)
    if callable(describe):
        console.print(f"ground: {escape(str(describe()))}")
    console.print(
        f"searched {out.n_evaluated} candidate plans in {out.generations} generations, each with "
        f"{1 + out.spec.jitter_samples} jitter rows ({escape(out.spec.jitter_source)})"
    )
    if out.feasible:
        console.print(
            f"best plan: [{colour}]{v}[/]; worst margin over the fail checks and the jitter rows "
            f"{out.objective:+.3f}"
        )
    else:
        console.print(
            f"[red]no GO plan found[/] in the ranges given: the best plan is {v} "
            f"(worst margin {out.objective:+.3f}). What binds there:"
        )
        for c in res.checks:
            if not c.ok and c.severity == "fail":
                limit = "" if c.limit is None else f" (limit {f'{c.limit:g} {c.unit}'.strip()})"
                console.print(
                    f"  [red]{c.id}[/]{escape(limit)}: {escape(c.message)}"
                    + (f" [italic]-> {escape(c.advice)}[/]" if c.advice else "")
                )
    # the plan
    t = Table(title="The plan as the driver uses it (distances: CG to the top nosing)")
    t.add_column("action")
    t.add_column("where", justify="right")
    t.add_column("when", justify="right")
    t.add_column("tolerance")
    band_by = {b.param.key: b for b in out.bands}
    for c in out.cues:
        d = c.get("distance_m")
        where = "" if d is None else (f"{d:.1f} m" if d >= 0 else f"{-d:.1f} m past")
        when = f"{c['t_s']:.2f} s" if c.get("t_s") is not None else ""
        tol = ""
        key = c.get("param")
        if key is not None and key in band_by:
            b = band_by[key].band
            tol = f"{_fmt(key, b.lo_ok)} .. {_fmt(key, b.hi_ok)}"
        if "lead_s" in c:
            tol = f"{c['lead_s']:.2f} s before the front axle is over the nosing"
        if "clutch_up_after_cue_s" in c:
            a, e = c["clutch_up_after_cue_s"]
            tol = (
                f"the clutch may come up {a:.2f}-{e:.2f} s after this cue (the shift takes "
                f"{c['shift_s']:.2f} s)" + (f"; the clutch-up delay works {tol}" if tol else "")
            )
            if "driven_wheels_off_s" in c:
                u0, u1 = c["driven_wheels_off_s"]
                tol += f"; driven wheels off {u1 - u0:.2f} s"
        t.add_row(escape(c["action"]), where, when, escape(tol))
    console.print(t)
    by_key = {fp.key: float(x) for fp, x in zip(out.spec.free, out.x, strict=True)}
    if "entry_speed" in by_key:
        sp = by_key["entry_speed"]
        line = f"entry speed {sp * 3.6:.1f} km/h reversing"
        if "entry_speed" in band_by:
            b = band_by["entry_speed"].band
            line += f" (works {b.lo_ok * 3.6:.1f} to {b.hi_ok * 3.6:.1f} km/h)"
        console.print(line)
    if out.bands:
        bt = Table(title="Tolerance bands (one parameter moved, the others as planned)")
        bt.add_column("parameter")
        bt.add_column("plan", justify="right")
        bt.add_column("works from", justify="right")
        bt.add_column("to", justify="right")
        for b in out.bands:
            key = b.param.key
            bt.add_row(
                escape(b.param.label),
                _fmt(key, b.band.value),
                _fmt(key, b.band.lo_ok),
                _fmt(key, b.band.hi_ok),
            )
        console.print(bt)
        console.print(
            "[bold]Just outside each band[/] (what fails, and where the car goes: keep crew "
            "and cameras out of these zones):"
        )
        for b in out.bands:
            key = b.param.key
            for word, o in (("low", b.below), ("high", b.above)):
                if o is not None:
                    console.print(
                        f"  {escape(b.param.label)}, too {word}: "
                        f"{escape(_outside_text(key, o, edge))}"
                    )
    r = out.robustness
    if r.get("n"):
        lo, hi = r["p_go_ci"]
        console.print(
            f"robustness: {r['passed']}/{r['n']} jittered copies pass every fail check "
            f"(P = {r['p_go']:.2f}, 95 % CI {lo:.2f}-{hi:.2f})"
            + (
                "; failures: " + ", ".join(f"{k} {n}" for k, n in r["binding"].items())
                if r["binding"]
                else ""
            )
        )
        if out.feasible and lo < 0.9:
            console.print(
                "[yellow]caution[/]: fewer than 90 % of the jittered copies pass (lower 95 % "
                f"bound {lo:.2f}): this plan needs cues hit more precisely than the scatter "
                "assumed; rehearse to the bands above, or change the ground for more margin"
            )
    if out.binding:
        total = sum(out.binding.values())
        console.print(
            "binding check over the search (the check with the worst margin, share of "
            "candidates): "
            + ", ".join(f"{k} {n / total:.0%}" for k, n in list(out.binding.items())[:5])
        )
    # the best plan's checks
    ct = Table(title=f"Checks of the best plan ({v})")
    ct.add_column("")
    ct.add_column("check")
    ct.add_column("finding")
    for c in res.checks:
        mark = "[green]✔[/]" if c.ok else ("[red]✘[/]" if c.severity == "fail" else "[yellow]![/]")
        text = escape(c.message) + (f"\n[italic]{escape(c.advice)}[/]" if c.advice else "")
        ct.add_row(mark, c.id, text)
    console.print(ct)


def _outside_text(key: str, o: Any, edge: float | None) -> str:
    """What fails just outside a band, where, and how far the car goes (the crew-free zone)."""
    if o is None:
        return "fine to the end of the range"
    fails = [c for c in o.failing if c.severity == "fail"]
    parts = []
    for c in fails:
        where = ""
        at = c.at or {}
        if "north_m" in at and edge is not None and math.isfinite(edge):
            d = at["north_m"] - edge
            side = "past" if d >= 0 else "before"
            where = f" {abs(d):.1f} m {side} the nosing"
            if "east_m" in at:
                where += f", east {at['east_m']:+.1f} m"
        elif "t_s" in at:
            where = f" at {at['t_s']:.2f} s"
        parts.append(c.id + (f" ({where.strip()})" if where else ""))
    txt = f"at {_fmt(key, o.value)}: " + ("; ".join(parts) or "(no fail check: bisection edge)")
    if o.zone is not None:
        z = o.zone
        txt += f"; the car covers east {z['east_min_m']:+.1f} to {z['east_max_m']:+.1f} m"
        if edge is not None and math.isfinite(edge):
            txt += f" and reaches {z['north_max_m'] - edge:.1f} m past the nosing"
    return txt


def plan_sections(out: Any) -> list[Any]:
    """The report's planner section: the cues and the tolerance bands (escaped HTML tables)."""
    from html import escape as h

    from stuntsim.report.html import Section

    rows = []
    for c in out.cues:
        d = c.get("distance_m")
        where = "" if d is None else (f"{d:.1f} m" if d >= 0 else f"{-d:.1f} m past")
        when = f"{c['t_s']:.2f} s" if c.get("t_s") is not None else ""
        rows.append(f"<tr><td>{h(c['action'])}</td><td>{where}</td><td>{when}</td></tr>")
    cues = (
        "<table><tr><th>action</th><th>where (CG to the top nosing)</th><th>when</th></tr>"
        + "".join(rows)
        + "</table>"
    )
    brows = []
    for b in out.bands:
        key = b.param.key

        def side(o: Any, key: str = key) -> str:
            if o is None:
                return "fine to the end of the range"
            fails = ", ".join(c.id for c in o.failing if c.severity == "fail")
            return f"at {_fmt(key, o.value)}: {fails or '-'}"

        brows.append(
            f"<tr><td>{h(b.param.label)}</td><td>{_fmt(key, b.band.value)}</td>"
            f"<td>{_fmt(key, b.band.lo_ok)}</td><td>{_fmt(key, b.band.hi_ok)}</td>"
            f"<td>{h(side(b.below))}</td><td>{h(side(b.above))}</td></tr>"
        )
    bands = (
        "<table><tr><th>parameter</th><th>plan</th><th>works from</th><th>to</th>"
        "<th>just below</th><th>just above</th></tr>" + "".join(brows) + "</table>"
        if brows
        else "<p>No bands: the best plan found is not feasible.</p>"
    )
    note = QUESTION
    r = out.robustness
    if r.get("n"):
        note += (
            f" Robustness: {r['passed']}/{r['n']} jittered copies pass every fail check "
            f"(95 % CI {r['p_go_ci'][0]:.2f}-{r['p_go_ci'][1]:.2f})."
        )
    return [Section("Planner: the plan as the driver uses it", html=cues + bands, note=note)]
