"""``stuntsim winds FILE --format fb|wyoming|csv [--station XXX] [--json] [--units ...]``.

Decodes a winds file and prints its levels, so a user can check the bulletin against what the
simulator will use. Heavy imports stay inside the function.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from stuntsim.cli.app import JsonOpt, Units, UnitsOpt, console, display_for, echo_json
from stuntsim.errors import StuntsimError


class WindsFormatOpt(StrEnum):
    fb = "fb"
    wyoming = "wyoming"
    csv = "csv"


def winds(
    file: Annotated[Path, typer.Argument(help="Winds file to decode.", show_default=False)],
    fmt: Annotated[
        WindsFormatOpt,
        typer.Option(
            "--format",
            "-f",
            help="fb (NWS winds aloft bulletin), wyoming (TEXT:LIST sounding) or csv.",
            show_default=False,
        ),
    ],
    station: Annotated[
        str | None, typer.Option("--station", "-s", help="FB station id, e.g. MKC.")
    ] = None,
    json_out: JsonOpt = False,
    units: UnitsOpt = Units.si,
) -> None:
    """Decode a winds file (FB bulletin, Wyoming sounding, CSV) and print its wind profile."""
    from stuntsim.io.winds import read_winds
    from stuntsim.report.summary import escape
    from stuntsim.report.winds import winds_table

    if station is not None and fmt is not WindsFormatOpt.fb:
        raise StuntsimError("--station is only used with --format fb")
    data = read_winds(file, fmt.value, station)
    if json_out:
        echo_json(data.rows())
        return
    con = console()
    con.print(winds_table(data, display_for(units)))
    if data.atmosphere is not None:
        con.print(f"Atmosphere: {escape(data.atmosphere.source)}")
    for note in data.notes:  # rows the reader dropped (blank heights, repeated levels)
        con.print(f"Note: {escape(note)}")


def register(app: typer.Typer) -> None:
    """Add ``winds`` to ``app``."""
    app.command("winds")(winds)
