"""``stuntsim run SCENARIO``: simulate the nominal plan of any kind and show its verdict.

The same code serves every kind in :data:`stuntsim.kinds.REGISTRY`: the kind's simulator gives
the result, its presenter the summary, the trajectory columns and the report sections, and
:func:`stuntsim.report.envelope.envelope` the JSON document (one envelope for every kind).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stuntsim.cli.app import (
    JsonOpt,
    Output,
    ReportOpt,
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

TrajectoryOpt = Annotated[
    Path | None, typer.Option("--trajectory", help="Write the trajectory to this CSV file.")
]
KmlOpt = Annotated[
    Path | None, typer.Option("--kml", help="Write the track and key points as KML (Google Earth).")
]
GpxOpt = Annotated[
    Path | None, typer.Option("--gpx", help="Write the track and key points as GPX (GPS devices).")
]


def run(
    scenario: ScenarioArg,
    units: UnitsOpt = Units.si,
    json_out: JsonOpt = False,
    trajectory: TrajectoryOpt = None,
    report: ReportOpt = None,
    kml: KmlOpt = None,
    gpx: GpxOpt = None,
) -> None:
    """Simulate a scenario (jump, heli or car) and print its summary and checks."""
    from stuntsim.report.envelope import envelope
    from stuntsim.report.export import csv_text
    from stuntsim.scenario import load

    check_out(trajectory, ".csv", "--trajectory")
    check_out(report, ".html", "--report")
    check_out(kml, ".kml", "--kml")
    check_out(gpx, ".gpx", "--gpx")
    loaded = load(scenario)
    kind = loaded.kind
    result = kind.simulate(loaded.plan)
    display = display_for(units)
    outputs: list[Output] = []
    if trajectory is not None:
        outputs.append((trajectory, csv_text(kind.presenter.trajectory(result))))
    if report is not None:
        outputs.append((report, render_report(kind, result, display, str(scenario))))
    if kml is not None or gpx is not None:
        from stuntsim.report import geo_export

        if kml is not None:
            outputs.append((kml, geo_export.kml_text(kind.name, result)))
        if gpx is not None:
            outputs.append((gpx, geo_export.gpx_text(kind.name, result)))
    doc = envelope(kind, result) if json_out else None
    write_outputs(outputs)
    if doc is not None:
        echo_json(doc)
    else:
        kind.presenter.summary(result, console(), display)
        print_written([p for p, _ in outputs])


def register(app: typer.Typer) -> None:
    """Add ``run`` to ``app``."""
    app.command("run")(run)
