"""``stuntsim mc SCENARIO -n N --seed S``: the Monte Carlo of any kind with an [uncertainty] table.

The kind contributes its :class:`~stuntsim.kinds.MonteCarlo`; the driver
(stuntsim.uncertainty.driver) and the presenters (stuntsim.report.montecarlo) are the same for
every kind. Heavy modules (numpy, scipy, pyarrow, matplotlib, dask) are imported inside the
command.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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
from stuntsim.errors import ScenarioError, StuntsimError

if TYPE_CHECKING:
    from stuntsim.report.parquet import ParquetSink
    from stuntsim.uncertainty.driver import Job, MonteCarloStats

SamplesOpt = Annotated[int, typer.Option("-n", "--samples", min=2, help="Number of samples.")]
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
        help="Samples per task, rounded up to whole seed blocks (results do not depend on it).",
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
    fail_on: FailOnOpt = FailOn.never,
    quiet: QuietOpt = False,
) -> None:
    """Monte Carlo of a scenario: P(GO), each check's failure rate and margins, and the kind's
    own statistics (the jump's landing dispersion)."""
    import secrets

    from stuntsim.errors import check_cap, max_workers
    from stuntsim.report import montecarlo as rep
    from stuntsim.report.export import Prepared, guard_finite, guard_physical, to_json_text
    from stuntsim.report.parquet import ParquetSink
    from stuntsim.scenario import load
    from stuntsim.scenario.load import read_toml
    from stuntsim.uncertainty.backends import make_backend
    from stuntsim.uncertainty.driver import prepare

    set_quiet(quiet)
    check_cap("samples", samples, f"-n {samples:,}")
    if workers is not None:
        check_cap("workers", workers, f"--workers {workers:,}", limit=max_workers())
    check_out(out, ".parquet", "--out")
    check_out(report, ".html", "--report")
    if scheduler is not None and cluster is not None:
        raise StuntsimError("give --scheduler or --cluster, not both")
    if cluster is not None and cluster != "local":
        raise StuntsimError(f"--cluster {cluster}: only 'local' is supported")
    if scheduler is not None and not scheduler.startswith(("tcp://", "tls://", "inproc://")):
        raise StuntsimError(f"--scheduler {scheduler}: give an address such as tcp://HOST:8786")
    loaded = load(scenario)
    kind, plan = loaded.kind, loaded.plan
    montecarlo = kind.montecarlo
    unc = montecarlo.uncertainty(loaded.model)
    if unc is None:
        raise ScenarioError(
            scenario, "uncertainty", "a Monte Carlo run needs an [uncertainty] table with a key"
        )
    validate = getattr(montecarlo, "validate", None)
    if validate is not None:
        validate(plan, unc, scenario)
    seed = secrets.randbits(63) if seed is None else int(seed)
    display = display_for(units)

    nominal = kind.simulate(plan)
    _check_memory(kind, plan, samples, len(nominal.checks))
    extra_prov = getattr(montecarlo, "provenance", None)
    prov = rep.provenance(
        Path(scenario),
        read_toml(scenario).get("uncertainty", {}),
        extra_prov(plan, Path(scenario)) if extra_prov is not None else None,
    )
    job = prepare(kind, plan, unc, seed, full=out is not None)
    sink = None
    if out is not None:
        meta = {
            "stuntsim.kind": kind.name,
            "stuntsim.seed": str(seed),
            "stuntsim.n": str(samples),
            "stuntsim.seed_block": str(job.seed_block),
            "stuntsim.verdict_codes": "0 GO, 1 CAUTION, 2 NO-GO",
            "stuntsim.scenario": prov["scenario"],
            "stuntsim.scenario_sha256": prov["scenario_sha256"],
            "stuntsim.version": prov["stuntsim_version"],
            "stuntsim.uncertainty": to_json_text(prov["uncertainty"]),
        }
        for key, value in prov.items():
            if key.endswith("_sha256") and f"stuntsim.{key}" not in meta:
                meta[f"stuntsim.{key}"] = str(value)
        sink = ParquetSink(out, meta)
    try:
        with make_backend(scheduler=scheduler, cluster=cluster, workers=workers) as backend:
            backend.start(job)  # worker processes start before the progress bar's thread
            stats = _run_with_progress(job, samples, backend, chunk_size, sink)
        prepared = Prepared(sink.finish()) if sink is not None else None
        sink = None
    finally:
        if sink is not None:
            sink.abort()
    name = kind.title(nominal)
    outputs: list[Output | tuple[Path, Prepared]] = []
    if out is not None and prepared is not None:
        outputs.append((out, prepared))
    if report is not None:
        sections = rep.report_sections(stats, display)
        hook = getattr(kind.presenter, "mc_report_sections", None)
        if hook is not None:
            sections = [*hook(plan, stats, display), *sections]
        subtitle = f"{scenario} — Monte Carlo, {stats.n:,} samples, seed {stats.seed}"
        html = render_report(kind, nominal, display, subtitle, extra=sections, montecarlo=stats)
        outputs.append((report, html))
    doc = rep.to_json(kind.name, name, nominal.checks, stats, prov)
    try:
        guard_finite(doc, "the Monte Carlo statistics")  # before any file is written
        guard_physical(stats.columns, "the Monte Carlo samples", series=False)
    except StuntsimError:
        if prepared is not None:
            from stuntsim.report.export import discard_temp

            discard_temp(prepared.tmp)
        raise
    write_outputs(outputs)
    if json_out:
        echo_json(doc)
    elif not quiet:
        con = console()
        rep.summary(stats, name, con, nominal.checks)
        hook = getattr(kind.presenter, "mc_summary", None)
        if hook is not None:
            hook(plan, stats, con, display)
        print_written([out, report])
    exit_for_verdict(str(doc.get("verdict", "NO-GO")), fail_on)


def _check_memory(kind: Any, plan: Any, samples: int, n_checks: int) -> None:
    """Refuse, before allocating, a run whose per-sample arrays would not fit in memory.

    The driver keeps per sample 1 byte (verdict) + 4 bytes per check (margin) + the kind's
    columns (their dtypes, read off a batch of one); the statistics copy one margin row at a
    time, so x1.25 covers them.
    """
    from stuntsim.errors import check_memory

    per_sample = 1.0 + 4.0 * n_checks
    try:
        mc = kind.montecarlo
        outcome = mc.simulate_batch(plan, mc.nominal(plan, 1))
        per_sample += sum(
            getattr(v, "itemsize", 8) if getattr(v, "ndim", 1) <= 1 else v[0].nbytes
            for v in outcome.columns.values()
        )
    except Exception:  # a kind without a cheap batch of one: assume 16 float64 columns
        per_sample += 16 * 8.0
    check_memory(1.25 * per_sample * samples, f"-n {samples:,}")


def _run_with_progress(
    job: Job, samples: int, backend: Any, chunk_size: int | None, sink: ParquetSink | None
) -> MonteCarloStats:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from stuntsim.cli.app import QUIET  # read now: set_quiet() ran for this command
    from stuntsim.uncertainty.driver import run_montecarlo

    err_console = console(stderr=True)
    with Progress(
        TextColumn("[bold]samples"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=QUIET or not err_console.is_terminal,  # no bar (nor its blank line) in logs
    ) as progress:
        task = progress.add_task("mc", total=samples)
        return run_montecarlo(
            job,
            samples,
            backend,
            chunk_size=chunk_size,
            on_chunk=lambda res: progress.advance(task, res.stop - res.start),
            on_table=sink.write if sink is not None else None,
        )


def register(app: typer.Typer) -> None:
    """Add ``mc`` to ``app``."""
    app.command("mc")(mc)
