"""``stuntsim mc``: Monte Carlo landing dispersion of a jump scenario with an [uncertainty] table.

Heavy modules (numpy, scipy, pyarrow, matplotlib, dask) are imported inside the command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stuntsim.cli.app import (
    JsonOpt,
    ReportOpt,
    ScenarioArg,
    Units,
    UnitsOpt,
    check_out,
    console,
    render_report,
)
from stuntsim.errors import ScenarioError, StuntsimError

SamplesOpt = Annotated[
    int, typer.Option("-n", "--samples", min=2, help="Number of simulated jumps.")
]
SeedOpt = Annotated[
    int | None,
    typer.Option("--seed", min=0, help="Seed of the random streams (default: a fresh one)."),
]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", help="Write every sample (inputs and outcomes) to this Parquet file."),
]
SchedulerOpt = Annotated[
    str | None, typer.Option("--scheduler", help="Run on a Dask scheduler: tcp://HOST:PORT.")
]
ClusterOpt = Annotated[
    str | None, typer.Option("--cluster", help="'local': start a Dask LocalCluster for the run.")
]
ChunkOpt = Annotated[
    int | None,
    typer.Option(
        "--chunk-size",
        min=1,
        help="Samples per task, rounded up to whole seed blocks of 4096 (results do not "
        "depend on it).",
    ),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option("--workers", min=1, help="Worker processes (default: one per core)."),
]


def mc(
    scenario: ScenarioArg,
    samples: SamplesOpt = 1000,
    seed: SeedOpt = None,
    json_out: JsonOpt = False,
    out: OutOpt = None,
    report: ReportOpt = None,
    units: UnitsOpt = Units.si,
    scheduler: SchedulerOpt = None,
    cluster: ClusterOpt = None,
    chunk_size: ChunkOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Monte Carlo landing dispersion: mean point, CEP, 95 % ellipse, P(in LZ), check rates."""
    import secrets

    from stuntsim.report.export import atomic_write, to_json_text
    from stuntsim.scenario import load
    from stuntsim.scenario.load import read_toml
    from stuntsim.units import Display

    check_out(out, ".parquet", "--out")
    check_out(report, ".html", "--report")
    if scheduler is not None and cluster is not None:
        raise StuntsimError("give --scheduler or --cluster, not both")
    if cluster is not None and cluster != "local":
        raise StuntsimError(f"--cluster {cluster}: only 'local' is supported")
    if scheduler is not None and not scheduler.startswith(("tcp://", "tls://", "inproc://")):
        raise StuntsimError(f"--scheduler {scheduler}: give an address such as tcp://HOST:8786")
    loaded = load(scenario)
    if loaded.kind.name != "jump":
        raise ScenarioError(scenario, "kind", "mc runs jump scenarios only")
    plan = loaded.plan
    unc = loaded.model.uncertainty
    if unc is None or not unc.keys():
        raise ScenarioError(
            scenario, "uncertainty", "a Monte Carlo run needs an [uncertainty] table with a key"
        )
    from stuntsim.jump.uncertainty import validate

    validate(unc, plan, scenario)
    seed = secrets.randbits(63) if seed is None else int(seed)
    display = Display(units.value)

    from stuntsim.report import montecarlo as rep
    from stuntsim.sim.backends import make_backend
    from stuntsim.sim.montecarlo import Job, limits_from_checks

    kind = loaded.kind
    nominal = kind.simulate(plan)  # the nominal plan (with its solved release point, if any)
    prov = rep.provenance(Path(scenario), plan, read_toml(scenario).get("uncertainty", {}))
    job = Job(
        plan=plan,
        uncertainty=unc,
        seed=seed,
        exit_east=float(nominal.outcome.exit_pos[0, 0]),
        exit_north=float(nominal.outcome.exit_pos[0, 1]),
        origin_east=float(nominal.landing_east_m),
        origin_north=float(nominal.landing_north_m),
        limits=limits_from_checks(nominal.checks, plan),
        full=out is not None,
    )
    sink = None
    if out is not None:
        meta = {
            "stuntsim.seed": str(seed),
            "stuntsim.n": str(samples),
            "stuntsim.seed_block": "4096",
            "stuntsim.scenario": prov["scenario"],
            "stuntsim.scenario_sha256": prov["scenario_sha256"],
            "stuntsim.version": prov["stuntsim_version"],
            "stuntsim.uncertainty": to_json_text(prov["uncertainty"]),
        }
        if "winds_file_sha256" in prov:
            meta["stuntsim.winds_file_sha256"] = prov["winds_file_sha256"]
        sink = rep.ParquetSink(out, meta)
    try:
        with make_backend(scheduler=scheduler, cluster=cluster, workers=workers) as backend:
            backend.start(job)  # worker processes start before the progress bar's thread
            disp = _run_with_progress(job, samples, backend, chunk_size, nominal, sink)
        if sink is not None:
            sink.close()
            sink = None
    finally:
        if sink is not None:
            sink.abort()
    outputs: list[tuple[Path, str]] = []
    if report is not None:
        extra = rep.report_sections(disp, plan, display)
        html = render_report(kind, nominal, display, f"{scenario} — Monte Carlo", extra=extra)
        outputs.append((report, html))
    if json_out:
        typer.echo(to_json_text(rep.to_json(disp, plan, prov, nominal)))
    else:
        rep.summary(disp, plan, console(), display)
    for path, text in outputs:
        atomic_write(path, text)
    if not json_out:
        for path in [p for p in (out, report) if p is not None]:
            console().print(f"wrote {path}")


def _run_with_progress(job, samples, backend, chunk_size, nominal, sink):
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from stuntsim.sim.montecarlo import run_montecarlo

    with Progress(
        TextColumn("[bold]jumps"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("mc", total=samples)
        return run_montecarlo(
            job,
            samples,
            backend,
            chunk_size=chunk_size,
            nominal_checks=nominal.checks,
            on_chunk=lambda res: progress.advance(task, res.stop - res.start),
            on_table=sink.write if sink is not None else None,
        )


def register(app: typer.Typer) -> None:
    """Add ``mc`` to ``app``."""
    app.command("mc")(mc)
