"""The jump kind's own commands: ``stuntsim spot SCENARIO`` (the release point, HARP).

Registered through ``REGISTRY["jump"].commands_module``: :func:`register` adds the commands to
the application. Heavy imports stay inside the command body.
"""

from __future__ import annotations

from typing import Annotated

import typer

from stuntsim.cli.app import (
    JsonOpt,
    ScenarioArg,
    Units,
    UnitsOpt,
    console,
    display_for,
    echo_json,
)
from stuntsim.errors import ScenarioError, StuntsimError


def spot(
    scenario: ScenarioArg,
    units: UnitsOpt = Units.si,
    json_out: JsonOpt = False,
    mode: Annotated[
        str | None, typer.Option("--mode", help="halo, haho or auto (default: the scenario's).")
    ] = None,
    jumpers: Annotated[
        int | None, typer.Option("--jumpers", "-n", min=1, max=40, help="Jumpers in the stick.")
    ] = None,
    separation: Annotated[
        float | None, typer.Option("--separation", min=0.0, help="Seconds between exits.")
    ] = None,
) -> None:
    """Solve the release point (HARP) that puts the jumper on the target in today's winds."""
    from stuntsim.jump.spot import solve_release
    from stuntsim.report.spot import spot_summary
    from stuntsim.scenario import load

    loaded = load(scenario)
    if loaded.kind.name != "jump":
        raise ScenarioError(scenario, "kind", "spot solves jump scenarios only")
    cfg = loaded.model.spot
    mode = mode or (cfg.mode if cfg else "auto")
    if mode not in ("auto", "halo", "haho"):
        raise StuntsimError(f"--mode {mode}: choose halo, haho or auto")
    n = jumpers or (cfg.jumpers if cfg else 1)
    sep = separation if separation is not None else (cfg.separation if cfg else 1.0)
    sol = solve_release(loaded.plan, mode, n, sep)
    if json_out:
        echo_json({"name": loaded.plan.name, "release_point": sol.to_json()})
    else:
        spot_summary(loaded.plan, sol, console(), display_for(units))


def register(app: typer.Typer) -> None:
    """Add the jump's commands to ``app``."""
    app.command("spot")(spot)
