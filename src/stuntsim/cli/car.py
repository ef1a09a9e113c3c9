"""The car kind's own commands: ``stuntsim car-plan SCENARIO``, the optimising planner.

Registered through ``REGISTRY["car"].commands_module``: :func:`register` adds the commands to
the application. Heavy imports stay inside the function so ``stuntsim --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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
        typer.Option("--report", help="Write the HTML report of the best plan found."),
    ] = None,
) -> None:
    """Optimise the free plan parameters of a car stunt ([planner] section) and print the plan
    as a driver uses it: cones, entry speed, cues, tolerance bands and the zones outside them."""
    from stuntsim.car.planner import build_planner, plan_search
    from stuntsim.errors import ScenarioError
    from stuntsim.report.car_plan import plan_sections, plan_summary, plan_to_json
    from stuntsim.report.envelope import head, merge
    from stuntsim.scenario import load

    check_out(report, ".html", "--report")
    loaded = load(scenario)
    if loaded.kind.name != "car":
        raise ScenarioError(
            scenario, "kind", f'car-plan needs kind = "car", not {loaded.kind.name!r}'
        )
    plan = loaded.plan
    spec = build_planner(loaded.model, plan, scenario)
    _check_work(spec)
    out = plan_search(plan, spec, loaded.model)
    display = display_for(units)
    if report is not None:
        html = render_report(
            loaded.kind,
            out.result,
            display,
            f"{scenario} (car-plan)",
            plan_sections(out),
            cues=out.cues,
        )
        write_outputs([(report, html)])
    if json_out:
        doc = head("car", out.plan.name, out.result.checks)
        echo_json(merge(doc, plan_to_json(out)))
    else:
        plan_summary(out, console(), display)
        print_written([report])


def planner_work(spec: Any) -> int:
    """Simulations a ``car-plan`` search may run, before it starts: scipy's differential
    evolution evaluates popsize x D candidates per generation, for generations + 1 populations,
    each on 1 + jitter_samples rows; the tolerance bands bisect each parameter (about
    band_steps + 12 plans each); the robustness run adds robustness_samples."""
    d = max(1, len(spec.free))
    search = spec.population * d * (spec.generations + 1) * (1 + spec.jitter_samples)
    return int(search + d * (spec.band_steps + 12) * 2 + spec.robustness_samples)


def _check_work(spec: Any) -> None:
    from stuntsim.errors import check_cap

    n = planner_work(spec)
    check_cap("simulations", n, f"car-plan would run about {n:,} simulations")


def register(app: typer.Typer) -> None:
    """Add the car's commands to ``app``."""
    app.command("car-plan")(car_plan)
