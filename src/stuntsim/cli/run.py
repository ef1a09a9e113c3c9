"""``stuntsim run SCENARIO``: simulate the nominal plan of any kind and show its verdict.

The same code serves every kind in :data:`stuntsim.kinds.REGISTRY`: the kind's simulator gives
the result, its presenter the summary, the trajectory columns and the report sections, and
:func:`stuntsim.report.envelope.envelope` the JSON document (one envelope for every kind).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from stuntsim.cli.app import (
    FailOn,
    FailOnOpt,
    JsonOpt,
    Output,
    QuietOpt,
    ReportOpt,
    ScenarioArg,
    Units,
    UnitsOpt,
    check_out,
    console,
    display_for,
    echo_json,
    exit_for_verdict,
    print_written,
    render_report,
    set_quiet,
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
    fail_on: FailOnOpt = FailOn.never,
    quiet: QuietOpt = False,
) -> None:
    """Simulate a scenario (jump, heli or car) and print its summary and checks."""
    from stuntsim.report.envelope import envelope
    from stuntsim.report.export import csv_text, guard_finite, guard_physical
    from stuntsim.scenario import load

    set_quiet(quiet)

    check_out(trajectory, ".csv", "--trajectory")
    check_out(report, ".html", "--report")
    check_out(kml, ".kml", "--kml")
    check_out(gpx, ".gpx", "--gpx")
    loaded = load(scenario)
    kind = loaded.kind
    result = kind.simulate(loaded.plan)
    display = display_for(units)
    outputs: list[Output] = []
    columns = kind.presenter.trajectory(result)
    guard_physical(columns, f"the {kind.name} trajectory")  # the solver left the model: error
    if trajectory is not None:
        outputs.append((trajectory, csv_text(columns)))
    if report is not None:
        outputs.append((report, render_report(kind, result, display, str(scenario))))
    if kml is not None or gpx is not None:
        from stuntsim.report import geo_export

        if kml is not None:
            outputs.append((kml, geo_export.kml_text(kind.name, result)))
        if gpx is not None:
            outputs.append((gpx, geo_export.gpx_text(kind.name, result)))
    doc = envelope(kind, result)
    guard_finite(doc, f"the result of {kind.name}")  # NaN/inf: an error, before any output
    notes = data_notices(loaded.plan, columns)
    if notes and "notices" not in doc:
        doc["notices"] = notes
    write_outputs(outputs)
    if json_out:
        echo_json(doc)
    elif not quiet:
        con = console()
        kind.presenter.summary(result, con, display)
        for note in notes:
            con.print(f"Note: {note}", markup=False)
        print_written([p for p, _ in outputs])
    exit_for_verdict(str(doc["verdict"]), fail_on)


def data_notices(plan: object, columns: Mapping[str, Any]) -> list[str]:
    """What the user should know about the data the air was built from: rows a winds reader
    dropped, and winds or a sounding's temperatures that stop below the highest altitude
    flown (scenario.world.coverage_notices; the kinds' ``data_coverage`` check cautions)."""
    import numpy as np

    from stuntsim.scenario.world import Air, coverage_notices

    air = getattr(plan, "air", None)
    if not isinstance(air, Air):
        return []
    notes = list(air.winds_data.notes) if air.winds_data is not None else []
    z = np.asarray(columns.get("altitude_m", []), dtype=float)
    z = z[np.isfinite(z)]
    if z.size:
        notes += coverage_notices(air, float(z.max()))
    return notes


def register(app: typer.Typer) -> None:
    """Add ``run`` to ``app``."""
    app.command("run")(run)
