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
    add_completion=True,  # --install-completion, --show-completion (README, docs/errors.md)
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


class FailOn(StrEnum):
    never = "never"
    nogo = "nogo"
    caution = "caution"


FailOnOpt = Annotated[
    FailOn,
    typer.Option(
        "--fail-on",
        help="Exit with status 1 when the verdict is NO-GO (nogo) or CAUTION or worse (caution).",
    ),
]
QuietOpt = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Print nothing but errors (and --json's document)."),
]
QUIET = False  # set by --quiet for the current command


def is_quiet() -> bool:
    """Whether --quiet was given to the current command."""
    return QUIET


def set_quiet(quiet: bool) -> None:
    """Record --quiet for the helpers (print_written, progress bars)."""
    global QUIET
    QUIET = bool(quiet)


def exit_for_verdict(verdict: str, fail_on: FailOn | str) -> None:
    """Status 1 (typer.Exit(1)) when ``verdict`` meets ``--fail-on``; otherwise return."""
    level = {"GO": 0, "CAUTION": 1, "NO-GO": 2}.get(verdict, 2)
    need = {"never": 3, "nogo": 2, "caution": 1}[str(getattr(fail_on, "value", fail_on))]
    if level >= need:
        raise typer.Exit(1)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"stuntsim {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """stuntsim: plan stunts and jumps with real physics; every limit names its source."""


# --- console and outputs ---------------------------------------------------------------------


def console(stderr: bool = False) -> Any:
    """A rich console (imported on use); no automatic highlighting of numbers."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def check_out(path: Path | None, suffix: str, option: str) -> None:
    """Refuse, before any work, an output file whose name does not end in ``suffix`` or that
    cannot be written (a folder, a device, a read-only folder: report.export.target_of)."""
    if path is None:
        return
    from stuntsim.errors import shown_path
    from stuntsim.report.export import target_of

    if path.suffix.lower() != suffix:
        raise StuntsimError(f"{option} {shown_path(path)}: the file name must end in {suffix}")
    target_of(path)


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
    cues: Sequence[Any] | None = None,
) -> str:
    """The HTML report of one result: the 3-D viewer, the kind's sections, then ``extra`` ones,
    and the printed brief (``montecarlo``: the Monte Carlo statistics, drawn in the viewer;
    ``cues``: a planner's cue list, printed as the car's cone plan)."""
    from stuntsim.report import html as report_html
    from stuntsim.report.viewer import report_extras

    sections = [*kind.presenter.report_sections(result, display), *(extra or ())]
    extras = report_extras(kind.name, result, display, montecarlo, list(cues or ()))
    return report_html.render(
        kind.title(result), subtitle, result.checks, sections, display, **extras
    )


Output = tuple[Path, str | bytes]


def write_outputs(outputs: Sequence[Output | tuple[Path, Any]]) -> None:
    """Write every requested file, all or none (report.export.write_all), before anything is
    printed; an output that would replace an input of the run is refused."""
    from stuntsim.errors import inputs_read
    from stuntsim.report.export import write_all

    write_all(outputs, inputs_read())


def print_written(paths: Sequence[Path | None], quiet: bool = False) -> None:
    """Tell the user which files were written (not with --json: stdout is the document)."""
    if quiet or QUIET:
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


EXIT_OK, EXIT_FAIL_ON, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
_SIGNAL_EXIT = {"SIGINT": 130, "SIGTERM": 143, "SIGHUP": 129}


class Interrupted(KeyboardInterrupt):
    """A signal (SIGINT, SIGTERM, SIGHUP) that ends the run; ``name`` is the signal's."""

    def __init__(self, name: str = "SIGINT") -> None:
        super().__init__(name)
        self.name = name


_LAST_SIGNAL: list[str] = []  # the signal that ended the run (click may wrap the exception)


def _on_signal(signum: int, frame: Any) -> None:
    import signal

    name = signal.Signals(signum).name
    _LAST_SIGNAL.append(name)
    raise Interrupted(name)


def _interrupted(name: str | None = None) -> int:
    """Remove temporary outputs, say "interrupted" in one line, return the signal's status."""
    from stuntsim.report.export import remove_live_temps

    remove_live_temps()
    name = name or (_LAST_SIGNAL[-1] if _LAST_SIGNAL else "SIGINT")
    _err("interrupted" if name == "SIGINT" else f"interrupted ({name})")
    return _SIGNAL_EXIT.get(name, 130)


def _install_signal_handlers() -> list[tuple[int, Any]]:
    """SIGTERM and SIGHUP end the run like Ctrl-C (temporary files removed, workers ended)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return []
    old = []
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        try:
            old.append((sig, signal.signal(sig, _on_signal)))
        except (OSError, ValueError):
            pass
    return old


def _is_click_exception(exc: BaseException, name: str) -> bool:
    """Whether ``exc`` is click's (or typer's vendored click's) class ``name``, by the class
    hierarchy's names: typer >= 0.16 ships its own copy of click whose classes differ from
    the installed click's."""
    return any(
        c.__name__ == name and c.__module__.split(".")[0] in ("click", "typer")
        for c in type(exc).__mro__
    )


def _one_line(text: str) -> str:
    from stuntsim.errors import MAX_MESSAGE_SHOWN, _clip

    return _clip(" ".join(str(text).split()), MAX_MESSAGE_SHOWN)


def _err(text: str) -> None:
    try:
        print(f"stuntsim: {text}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def _usage_message(exc: BaseException) -> str:
    fmt = getattr(exc, "format_message", None)
    msg = fmt() if callable(fmt) else str(exc)
    ctx = getattr(exc, "ctx", None)
    where = getattr(ctx, "command_path", None) or "stuntsim"
    msg = str(msg).replace("Value error, ", "")
    return f"error: {_one_line(msg)} (see '{where} --help')"


def _stdout_is_devnull() -> bool:
    """Whether stdout was pointed at the null device (what rich does on a broken pipe)."""
    import os

    try:
        a, b = os.fstat(sys.__stdout__.fileno()), os.stat(os.devnull)  # type: ignore[union-attr]
    except (OSError, ValueError, AttributeError):
        return False
    return (a.st_dev, a.st_ino, a.st_rdev) == (b.st_dev, b.st_ino, b.st_rdev)


def _quiet_stdout() -> None:
    """After a broken pipe: send the rest of stdout nowhere so the exit is quiet."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def run_main(argv: Sequence[str] | None = None) -> int:
    """Run the command line on ``argv`` (default ``sys.argv[1:]``) and return the exit status;
    never raises (a traceback is for ``STUNTSIM_DEBUG=1`` only).

    0 done; 1 ``--fail-on`` met; 2 a usage error or bad input (one line on stderr); 3 an
    internal error (a bug: one line, please report it); 130/143/129 interrupted by SIGINT,
    SIGTERM, SIGHUP; 141 stdout closed (a broken pipe) after every file was written.
    """
    import os

    import stuntsim.cli  # noqa: F401  (importing the package registers every command)
    from stuntsim.errors import forget_inputs
    from stuntsim.report.export import remove_live_temps

    args = list(sys.argv[1:] if argv is None else argv)
    forget_inputs()
    set_quiet(False)
    _LAST_SIGNAL.clear()
    if not args:
        args = ["--help"]  # `stuntsim` alone prints the help, status 0
    old_handlers = _install_signal_handlers()
    try:
        rc = app(args=args, prog_name="stuntsim", standalone_mode=False)
        if rc == 130:  # typer returns 130 for a KeyboardInterrupt it caught
            return _interrupted()
        return rc if isinstance(rc, int) else EXIT_OK
    except StuntsimError as exc:
        _err(f"error: {exc}")
        return EXIT_USAGE
    except Interrupted as exc:
        return _interrupted(exc.name)
    except KeyboardInterrupt:
        return _interrupted()
    except BrokenPipeError:
        remove_live_temps()
        _quiet_stdout()
        return 141
    except SystemExit as exc:
        if type(sys.stdout).__name__ == "PacifyFlushWrapper" or _stdout_is_devnull():
            # click's and rich's own handling of a closed stdout (EPIPE) exit with 1; 141 here,
            # so a script can tell a closed pipe from --fail-on
            _quiet_stdout()
            return 141
        code = exc.code
        return code if isinstance(code, int) else (EXIT_OK if code is None else EXIT_USAGE)
    except MemoryError:
        remove_live_temps()
        _err("error: out of memory; lower the number of samples (-n) or the problem size")
        return EXIT_USAGE
    except BaseException as exc:
        remove_live_temps()
        if _is_click_exception(exc, "Exit"):
            return int(getattr(exc, "exit_code", 0) or 0)
        if _is_click_exception(exc, "Abort"):  # click's wrapper of a KeyboardInterrupt
            return _interrupted()
        if _is_click_exception(exc, "ClickException"):
            _err(_usage_message(exc))
            return EXIT_USAGE
        if os.environ.get("STUNTSIM_DEBUG"):
            raise
        _err(
            f"internal error: {type(exc).__name__}: {_one_line(str(exc))} (a bug; please "
            "report it with the scenario; STUNTSIM_DEBUG=1 shows the traceback)"
        )
        return EXIT_INTERNAL
    finally:
        _restore_signal_handlers(old_handlers)
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _quiet_stdout()
        except (OSError, ValueError):
            pass


def _restore_signal_handlers(old: list[tuple[int, Any]]) -> None:
    import signal

    for sig, handler in old:
        try:
            signal.signal(sig, handler)
        except (OSError, ValueError, TypeError):
            pass


def main() -> None:
    """Console entry point: the exit status of :func:`run_main`."""
    sys.exit(run_main())
