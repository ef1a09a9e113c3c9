"""``stuntsim car-plan SCENARIO.toml``: the timing / entry-speed search of a car stunt.

Registered on the main typer app in :mod:`stuntsim.cli`. Heavy imports stay inside the
function so ``stuntsim --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stuntsim.cli import JsonOpt, ScenarioArg, Units, UnitsOpt


def car_plan(
    scenario: ScenarioArg,
    units: UnitsOpt = Units.si,
    json_out: JsonOpt = False,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Write the HTML report of the most robust plan."),
    ] = None,
) -> None:
    """Search entry speed and keyframe timing of a car stunt; print the feasible windows."""
    from stuntsim.car.planner import candidate_plan, search
    from stuntsim.car.result import simulate
    from stuntsim.cli import _check_out, console, render_report
    from stuntsim.errors import ScenarioError
    from stuntsim.report.car import search_summary, search_to_json
    from stuntsim.report.export import atomic_write, to_json_text
    from stuntsim.scenario import load
    from stuntsim.units import Display

    _check_out(report, ".html", "--report")
    loaded = load(scenario)
    if loaded.kind.name != "car":
        raise ScenarioError(
            scenario, "kind", f'car-plan needs kind = "car", not {loaded.kind.name!r}'
        )
    plan = loaded.plan
    sr = search(plan, plan.search)
    best = simulate(candidate_plan(sr, sr.best)) if sr.best is not None else None
    if report is not None and best is None:
        raise ScenarioError(scenario, "search", "no feasible plan on the grid: no report written")
    display = Display(units.value)
    if json_out:
        typer.echo(to_json_text(search_to_json(sr, best)))
    else:
        search_summary(sr, best, console(), display)
    if report is not None:
        atomic_write(report, render_report(loaded.kind, best, display, f"{scenario} (car-plan)"))
        if not json_out:
            console().print(f"wrote {report}")
