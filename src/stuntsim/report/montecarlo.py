"""Presenters of a Monte Carlo run, the same for every kind: JSON, rich summary, HTML sections.

The generic part shows what every kind's run has (stuntsim.uncertainty.driver.MonteCarloStats):
the probability that the plan goes right (``p_go`` with its Clopper-Pearson interval), how often
each check fails, and the distribution of each check's margin. A kind adds its own parts through
optional hooks of its presenter (looked up with ``getattr``; docs/architecture.md):

- ``mc_summary(plan, stats, console, display)``: more summary lines (the jump's dispersion);
- ``mc_report_sections(plan, stats, display) -> list[Section]``: more report sections (the
  jump's landing plot, where the car's failed samples went).

Degrees, percent and rounding live here; the stats are SI and fractions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stuntsim.report.summary import escape, kv_table

if TYPE_CHECKING:
    from stuntsim.checks import Check
    from stuntsim.uncertainty.driver import MonteCarloStats

MAX_HISTOGRAMS = 6  # margin histograms in the report: the checks failing most often first

# --- provenance ------------------------------------------------------------------------------


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def provenance(
    scenario: Path, raw_uncertainty: Mapping[str, Any], extra: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Where a run came from: the scenario's SHA-256, the version, the ``[uncertainty]`` table
    as written, and what the kind adds (``montecarlo.provenance(plan, path)``: data files and
    their hashes)."""
    from stuntsim import __version__

    prov: dict[str, Any] = {
        "stuntsim_version": __version__,
        "scenario": str(scenario),
        "scenario_sha256": sha256_file(scenario),
        "uncertainty": dict(raw_uncertainty),
    }
    prov.update(extra or {})
    return prov


# --- JSON ------------------------------------------------------------------------------------


def to_json(
    kind_name: str,
    name: str,
    nominal_checks: list[Check],
    stats: MonteCarloStats,
    prov: Mapping[str, Any],
) -> dict[str, Any]:
    """The envelope of the nominal plan (kind, name, verdict, checks), the Monte Carlo keys
    (n, seed, p_go, p_go_ci, check_failure_rates, margins, ...), the kind's own statistics,
    then provenance and run."""
    from stuntsim.report.envelope import head, merge

    doc = head(kind_name, name, nominal_checks)
    doc["verdict_of"] = "the nominal plan; p_go is the fraction of samples whose verdict is GO"
    merge(doc, stats.to_json())
    doc["provenance"] = dict(prov)
    doc["run"] = dict(stats.run)
    return doc


# --- rich summary ----------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{x:.2%}"


def _ci(ci: tuple[float, float] | list[float]) -> str:
    return f"{ci[0]:.2%} – {ci[1]:.2%}"


def _margin(v: float | None) -> str:
    return "—" if v is None else f"{v:+.3g}"


def summary(
    stats: MonteCarloStats, name: str, console: Any, nominal_checks: list[Check] | None = None
) -> None:
    """The generic summary: the nominal plan's verdict, P(GO) and the verdict counts, then every
    check's failure rate and margin quantiles."""
    from rich.table import Table

    from stuntsim.report.summary import verdict_line

    console.print(
        f"[bold]{escape(name)}[/]  —  Monte Carlo, {stats.n:,} samples, seed {stats.seed}"
    )
    if nominal_checks is not None:
        console.print("nominal plan: " + verdict_line(nominal_checks))
    vc = stats.verdict_counts
    rows = [
        ("P(GO)", f"{_pct(stats.p_go)}  (95 % CI {_ci(stats.p_go_ci)})"),
        ("verdicts", f"GO {vc['GO']:,}, CAUTION {vc['CAUTION']:,}, NO-GO {vc['NO-GO']:,}"),
    ]
    run = stats.run
    if run.get("samples_per_s"):
        rows.append(
            (
                "run",
                f"{run['backend']}, {run['workers']} worker{'s' if run['workers'] != 1 else ''}, "
                f"{run['wall_s']:.1f} s, "
                f"{run['samples_per_s']:,.0f} samples/s",
            )
        )
    console.print(kv_table("Monte Carlo", rows))
    t = Table(title="Checks across the samples (! caution; margin >= 0 passes)")
    t.add_column("check", no_wrap=True)
    t.add_column("failing", justify="right", no_wrap=True)
    t.add_column("95 % CI", justify="right", no_wrap=True)
    t.add_column("margin p05 / p50 / p95", justify="right", no_wrap=True)
    for c in stats.checks:
        rate = stats.check_failure_rates[c.id]
        m = stats.margins[c.id]
        style = "red" if rate > 0 and c.severity == "fail" else ("yellow" if rate > 0 else "")
        shown = f"[{style}]{_pct(rate)}[/]" if style else _pct(rate)
        t.add_row(
            escape(c.id) + (" !" if c.severity == "caution" else ""),
            shown,
            _ci(stats.check_failure_rates_ci[c.id]),
            " / ".join(_margin(m[k]) for k in ("p05", "p50", "p95")),
        )
    console.print(t)


# --- HTML ------------------------------------------------------------------------------------


def report_sections(stats: MonteCarloStats, display: Any) -> list[Any]:
    """P(GO), the failure-rate table, the margin ranges of every check, and histograms of the
    margins of the checks that fail most often."""
    import numpy as np

    from stuntsim.report.html import Section, new_figure, table_html

    vc = stats.verdict_counts
    head_rows = [
        ["samples", f"{stats.n:,} (seed {stats.seed}, seed blocks of {stats.seed_block:,})"],
        ["P(GO)", f"{_pct(stats.p_go)} (95 % CI {_ci(stats.p_go_ci)}, Clopper-Pearson)"],
        ["GO / CAUTION / NO-GO", f"{vc['GO']:,} / {vc['CAUTION']:,} / {vc['NO-GO']:,}"],
    ]
    rows = []
    for c in stats.checks:
        m = stats.margins[c.id]
        rows.append(
            [
                c.id,
                c.severity,
                _pct(stats.check_failure_rates[c.id]),
                _ci(stats.check_failure_rates_ci[c.id]),
                _margin(m["p05"]),
                _margin(m["p50"]),
                _margin(m["p95"]),
                c.source,
            ]
        )
    header = ["check", "severity", "failing", "95 % CI", "margin p05", "p50", "p95", "source"]
    sections = [
        Section(
            "Monte Carlo: how likely the plan goes right",
            html=table_html(["", "value"], head_rows) + table_html(header, rows, cls="mc-checks"),
            note=(
                "Every sample runs the same checks as the nominal plan, on inputs drawn from the "
                "scenario's [uncertainty] table. P(GO) is the fraction of samples with no "
                "failing check and no caution. A check's margin is dimensionless: >= 0 passes, "
                "< 0 fails (each check documents its own)."
            ),
        )
    ]
    if stats.checks:
        k = len(stats.checks)
        fig = new_figure(7.5, 0.9 + 0.32 * k)
        ax = fig.subplots()
        for i, c in enumerate(stats.checks):
            m = stats.margins[c.id]
            y = k - 1 - i
            if m["p05"] is None:
                continue
            colour = "#cf222e" if stats.check_failure_rates[c.id] > 0 else "#1a7f37"
            ax.plot([m["min"], m["max"]], [y, y], color="#8c959f", lw=1)
            ax.plot([m["p05"], m["p95"]], [y, y], color=colour, lw=5, solid_capstyle="butt")
            ax.plot([m["p50"]], [y], "|", color="#1b1f24", ms=12, mew=2)
        ax.axvline(0.0, color="#1b1f24", lw=1, ls="--")
        ax.set_yticks(range(k), [c.id for c in reversed(stats.checks)])
        ax.set_xlabel("margin (>= 0 passes): 5-95 % bar, median tick, min-max line")
        lo = min((stats.margins[c.id]["p05"] or 0.0) for c in stats.checks)
        hi = max((stats.margins[c.id]["p95"] or 0.0) for c in stats.checks)
        span = max(hi - lo, 1e-3)
        ax.set_xlim(lo - 0.5 * span, hi + 0.5 * span)
        ax.grid(alpha=0.3, axis="x")
        figures = [fig]
        varied = [
            c
            for c in stats.checks
            if stats.margin_varies(c.id) and stats.margins[c.id]["min"] is not None
        ]
        varied.sort(key=lambda c: -stats.check_failure_rates[c.id])
        varied = varied[:MAX_HISTOGRAMS]
        if varied:
            cols = min(3, len(varied))
            rws = -(-len(varied) // cols)
            fig2 = new_figure(7.5, 2.4 * rws)
            axes = np.atleast_1d(fig2.subplots(rws, cols)).ravel()
            for ax2, c in zip(axes, varied, strict=False):
                x = stats.margin_values(c.id)
                x = x[np.isfinite(x)]
                ax2.hist(x, bins=40, color="#0969da", alpha=0.7)
                ax2.axvline(0.0, color="#cf222e", lw=1.2)
                ax2.set_title(c.id, fontsize=9)
                ax2.set_xlabel("margin", fontsize=8)
                ax2.tick_params(labelsize=7)
            for ax2 in axes[len(varied) :]:
                ax2.set_visible(False)
            figures.append(fig2)
        sections.append(
            Section(
                "Monte Carlo margins",
                figures=figures,
                note="Margins left of the dashed line fail. Histograms: the checks whose margin "
                "varies across the samples, those failing most often first.",
            )
        )
    return sections
