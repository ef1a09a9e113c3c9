"""The ``stuntsim`` command line (typer + rich).

Every user error (a bad scenario, an unreadable data file) ends as one line on stderr naming the
file and the field, exit status 2, no traceback, and no output file written: outputs are
rendered in memory first and written atomically at the end.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from stuntsim import __version__
from stuntsim.errors import StuntsimError

app = typer.Typer(
    name="stuntsim",
    help="Plan film stunts and high-altitude jumps with real physics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Units(StrEnum):
    si = "si"
    imperial = "imperial"
    aviation = "aviation"


UnitsOpt = Annotated[
    Units, typer.Option("--units", "-u", help="Display units: si, imperial, aviation (ft, kt).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON (SI) on stdout.")]
ReportOpt = Annotated[
    Path | None, typer.Option("--report", help="Write a self-contained HTML report to this file.")
]
ScenarioArg = Annotated[Path, typer.Argument(help="Scenario file (TOML).", show_default=False)]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"stuntsim {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """stuntsim: plan stunts and jumps with real physics; every limit names its source."""


def console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def _check_out(path: Path | None, suffix: str, option: str) -> None:
    if path is not None and path.suffix.lower() != suffix:
        raise StuntsimError(f"{option} {path}: the file name must end in {suffix}")


def render_report(kind: Any, result: Any, display: Any, subtitle: str, extra: list | None = None):
    from stuntsim.report import html as report_html

    sections = kind.report_sections(result, display) + list(extra or [])
    return report_html.render(kind.title(result), subtitle, result.checks, sections, display)


@app.command()
def run(
    scenario: ScenarioArg,
    units: UnitsOpt = Units.si,
    json_out: JsonOpt = False,
    trajectory: Annotated[
        Path | None, typer.Option("--trajectory", help="Write the trajectory to this CSV file.")
    ] = None,
    report: ReportOpt = None,
) -> None:
    """Simulate a scenario (jump, heli or car) and print its summary and checks."""
    from stuntsim.report.export import atomic_write, csv_text, to_json_text
    from stuntsim.scenario import load
    from stuntsim.units import Display

    _check_out(trajectory, ".csv", "--trajectory")
    _check_out(report, ".html", "--report")
    loaded = load(scenario)
    kind = loaded.kind
    result = kind.simulate(loaded.plan)
    display = Display(units.value)
    outputs: list[tuple[Path, str]] = []
    if trajectory is not None:
        outputs.append((trajectory, csv_text(kind.trajectory(result))))
    if report is not None:
        outputs.append((report, render_report(kind, result, display, str(scenario))))
    if json_out:
        typer.echo(to_json_text(kind.to_json(result)))
    else:
        kind.summary(result, console(), display)
    for path, text in outputs:
        atomic_write(path, text)
        if not json_out:
            console().print(f"wrote {path}")


@app.command()
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
    from stuntsim.report.export import to_json_text
    from stuntsim.report.spot import spot_summary
    from stuntsim.scenario import load
    from stuntsim.units import Display

    loaded = load(scenario)
    if loaded.kind.name != "jump":
        raise StuntsimError(f"{scenario}: kind: spot solves jump scenarios only")
    cfg = loaded.model.spot
    mode = mode or (cfg.mode if cfg else "auto")
    if mode not in ("auto", "halo", "haho"):
        raise StuntsimError(f"--mode {mode}: choose halo, haho or auto")
    n = jumpers or (cfg.jumpers if cfg else 1)
    sep = separation if separation is not None else (cfg.separation if cfg else 1.0)
    sol = solve_release(loaded.plan, mode, n, sep)
    if json_out:
        typer.echo(to_json_text({"name": loaded.plan.name, "release_point": sol.to_json()}))
    else:
        spot_summary(loaded.plan, sol, console(), Display(units.value))


# --- commands whose code lives with their stunt kind (heavy imports stay inside them) --------
from stuntsim.car.cli import car_plan  # noqa: E402
from stuntsim.io.winds_cli import winds  # noqa: E402
from stuntsim.sim.mc_cli import mc  # noqa: E402

app.command("winds")(winds)
app.command("mc")(mc)
app.command("car-plan")(car_plan)


def main() -> None:
    """Console entry point: user errors -> one line on stderr, exit status 2."""
    try:
        app(standalone_mode=False)
    except StuntsimError as exc:
        print(f"stuntsim: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("stuntsim: aborted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # click usage errors
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(2)
        raise
