"""``stuntsim winds FILE --format fb|wyoming|csv [--station XXX] [--json] [--units ...]``.

Decodes a winds file and prints its levels, so a user can check the bulletin against what the
simulator will use. Registered in :mod:`stuntsim.cli`; heavy imports stay inside the function.
"""

from __future__ import annotations

import math
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from stuntsim.errors import StuntsimError


class WindsFormatOpt(StrEnum):
    fb = "fb"
    wyoming = "wyoming"
    csv = "csv"


class UnitsOpt(StrEnum):
    si = "si"
    imperial = "imperial"
    aviation = "aviation"


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
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the levels as JSON (SI) on stdout.")
    ] = False,
    units: Annotated[
        UnitsOpt, typer.Option("--units", "-u", help="Display units: si, imperial, aviation.")
    ] = UnitsOpt.si,
) -> None:
    """Decode a winds file (FB bulletin, Wyoming sounding, CSV) and print its wind profile."""
    from stuntsim.io.winds import read_winds

    if station is not None and fmt is not WindsFormatOpt.fb:
        raise StuntsimError("--station is only used with --format fb")
    data = read_winds(file, fmt.value, station)
    if json_out:
        import json

        typer.echo(json.dumps(data.rows(), indent=2, allow_nan=False))
        return
    from rich.console import Console

    from stuntsim.units import Display

    console = Console(highlight=False)
    console.print(winds_table(data, Display(units.value)))
    if data.atmosphere is not None:
        console.print(f"Atmosphere: {data.atmosphere.source}")


def winds_table(data: Any, display: Any) -> Any:
    """Rich table of the levels of a :class:`stuntsim.io.winds.WindsData`, in display units."""
    from rich.table import Table

    t = Table(title=f"Winds: {data.source}", expand=False)
    t.add_column("level", style="dim")
    t.add_column(f"altitude ({display.label('altitude')})", justify="right")
    t.add_column("from (°true)", justify="right")
    t.add_column(f"speed ({display.label('speed')})", justify="right")
    t.add_column(f"temperature ({display.label('temperature')})", justify="right")
    labels = data.label or ("",) * len(data.altitude_m)
    for lab, z, d, v, tc in zip(
        labels,
        data.altitude_m.tolist(),
        data.from_deg.tolist(),
        data.speed_m_s.tolist(),
        data.temperature_c.tolist(),
        strict=True,
    ):
        if math.isfinite(d):
            frm = f"{d:03.0f}"
        elif v == 0.0:
            frm = "calm"
        else:
            frm = "—"
        t.add_row(
            lab,
            _num(display, z, "altitude"),
            frm,
            _num(display, v, "speed"),
            _num(display, tc + 273.15, "temperature"),
        )
    return t


def _num(display: Any, si: float, quantity: str) -> str:
    if not math.isfinite(si):
        return "—"
    u = display.unit(quantity)
    return f"{display.value(si, quantity):,.{u.digits}f}"
