"""The car kind's own commands: ``stuntsim car-plan SCENARIO``, the timing / entry-speed search.

Registered through ``REGISTRY["car"].commands_module``: :func:`register` adds the commands to
the application. Heavy imports stay inside the function so ``stuntsim --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stuntsim.cli.app import (
    JsonOpt,
    ScenarioArg,
    Units,
    UnitsOpt,
    check_out,
    console,
    display_for,
    echo_json,
    print_written,
    render_report,
    write_outputs,
)


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
    from stuntsim.errors import ScenarioError
    from stuntsim.report.car import search_summary, search_to_json
    from stuntsim.scenario import load

    check_out(report, ".html", "--report")
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
    display = display_for(units)
    if report is not None and best is not None:
        html = render_report(loaded.kind, best, display, f"{scenario} (car-plan)")
        write_outputs([(report, html)])
    if json_out:
        echo_json(search_to_json(sr, best))
    else:
        search_summary(sr, best, console(), display)
        print_written([report])


def register(app: typer.Typer) -> None:
    """Add the car's commands to ``app``."""
    app.command("car-plan")(car_plan)
