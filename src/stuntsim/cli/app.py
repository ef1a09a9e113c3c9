"""The typer application, the options every command shares, and the output helpers.

Every command module (``run``, ``mc``, ``winds`` and each kind's own commands) imports from
here, never from :mod:`stuntsim.cli` itself, so the package has no import circle. Only typer
and the standard library are imported at module level: heavy modules (numpy, the physics, rich)
are imported inside the command bodies, so ``stuntsim --help`` stays light.

Every user error (a bad scenario, an unreadable data file) ends as one line on stderr naming the
file and the field, exit status 2, no traceback, and no output file written: outputs are
rendered in memory first, written (atomically) before anything is printed, and only then is the
summary or the JSON printed.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from stuntsim import __version__
from stuntsim.errors import StuntsimError

if TYPE_CHECKING:
    from stuntsim.kinds import Result, StuntKind
    from stuntsim.units import Display

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


# --- console and outputs ---------------------------------------------------------------------


def console(stderr: bool = False) -> Any:
    """A rich console (imported on use); no automatic highlighting of numbers."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def check_out(path: Path | None, suffix: str, option: str) -> None:
    """Refuse an output file whose name does not end in ``suffix`` (before any work)."""
    if path is not None and path.suffix.lower() != suffix:
        raise StuntsimError(f"{option} {path}: the file name must end in {suffix}")


def display_for(units: Units | str) -> Display:
    from stuntsim.units import Display

    return Display(units.value if isinstance(units, Units) else str(units))


def render_report(
    kind: StuntKind[Any, Any, Any],
    result: Result,
    display: Display,
    subtitle: str,
    extra: Sequence[Any] | None = None,
    montecarlo: Any = None,
) -> str:
    """The HTML report of one result: the 3-D viewer, the kind's sections, then ``extra`` ones,
    and the printed brief (``montecarlo``: the Monte Carlo statistics, drawn in the viewer)."""
    from stuntsim.report import html as report_html
    from stuntsim.report.viewer import report_extras

    sections = [*kind.presenter.report_sections(result, display), *(extra or ())]
    extras = report_extras(kind.name, result, display, montecarlo)
    return report_html.render(
        kind.title(result), subtitle, result.checks, sections, display, **extras
    )


Output = tuple[Path, str | bytes]


def write_outputs(outputs: Sequence[Output]) -> None:
    """Write every requested file (each atomically), before anything is printed."""
    from stuntsim.report.export import atomic_write

    for path, data in outputs:
        atomic_write(path, data)


def print_written(paths: Sequence[Path | None], quiet: bool = False) -> None:
    """Tell the user which files were written (not with --json: stdout is the document)."""
    if quiet:
        return
    con = console()
    for path in paths:
        if path is not None:
            con.print(f"wrote {path}", markup=False)


def echo_json(doc: Any) -> None:
    """Print a JSON document (SI, NaN -> null) on stdout."""
    from stuntsim.report.export import to_json_text

    typer.echo(to_json_text(doc))


# --- entry point -----------------------------------------------------------------------------


def main() -> None:
    """Console entry point: user errors -> one line on stderr, exit status 2."""
    import stuntsim.cli  # noqa: F401  (importing the package registers every command)

    try:
        rc = app(standalone_mode=False)
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
    sys.exit(rc if isinstance(rc, int) else 0)
