"""Presenters of a Monte Carlo dispersion: JSON, rich summary, Parquet records, HTML section."""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from stuntsim.report.summary import kv_table

# --- provenance ------------------------------------------------------------------------------


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def provenance(scenario: Path, plan: Any, raw_uncertainty: dict[str, Any]) -> dict[str, Any]:
    """Where a run came from: file hashes (scenario and winds file), version, the table."""
    from stuntsim import __version__
    from stuntsim.scenario.world import winds_file_path

    prov: dict[str, Any] = {
        "stuntsim_version": __version__,
        "scenario": str(scenario),
        "scenario_sha256": sha256_file(scenario),
        "uncertainty": raw_uncertainty,
    }
    wf = winds_file_path(plan.scenario.atmosphere, scenario)
    if wf is not None:
        prov["winds_file"] = str(wf)
        prov["winds_file_sha256"] = sha256_file(wf)
    return prov


# --- JSON ------------------------------------------------------------------------------------


def to_json(disp: Any, plan: Any, prov: dict[str, Any], nominal: Any) -> dict[str, Any]:
    lat, lon = plan.site.to_geodetic(disp.mean_east_m, disp.mean_north_m)
    return {
        "kind": "jump-montecarlo",
        "name": plan.name,
        "n": disp.n,
        "seed": disp.seed,
        "mean_east_m": disp.mean_east_m,
        "mean_north_m": disp.mean_north_m,
        "mean_lat": float(lat),
        "mean_lon": float(lon),
        "cep50_m": disp.cep50_m,
        "cep90_m": disp.cep90_m,
        "cep_about": "mean landing point",
        "ellipse95": disp.ellipse95,
        "covariance_m2": disp.cov.tolist(),
        "lz_radius_m": disp.lz_radius_m,
        "p_in_lz": disp.p_in_lz,
        "p_in_lz_ci": None if disp.p_in_lz_ci is None else list(disp.p_in_lz_ci),
        "p_in_lz_ci_method": "Clopper-Pearson exact, 95 %",
        "deploy_altitude_m": disp.deploy_altitude,
        "freefall_time_s": disp.freefall_time,
        "checks": disp.checks,
        "nominal": {
            "landing_east_m": nominal.landing_east_m,
            "landing_north_m": nominal.landing_north_m,
            "exit_east_m": float(nominal.outcome.exit_pos[0, 0]),
            "exit_north_m": float(nominal.outcome.exit_pos[0, 1]),
            "deploy_altitude_m": float(nominal.outcome.deploy_pos[0, 2]),
            "freefall_time_s": nominal.freefall_time_s,
        },
        "provenance": prov,
        "run": disp.run,
    }


# --- rich summary ----------------------------------------------------------------------------


def _ci(ci: Any) -> str:
    return "" if ci is None else f"  (95 % CI {ci[0]:.2%} – {ci[1]:.2%})"


def summary(disp: Any, plan: Any, console: Any, d: Any) -> None:
    from rich.table import Table

    e = disp.ellipse95
    console.print(f"[bold]{plan.name}[/]  —  Monte Carlo, {disp.n:,} jumps, seed {disp.seed}")
    rows = [
        (
            "mean landing point",
            f"{d.fmt(disp.mean_east_m, 'distance')} E, {d.fmt(disp.mean_north_m, 'distance')} N",
        ),
        (
            "CEP50 / CEP90 (about the mean)",
            f"{d.fmt(disp.cep50_m, 'distance')} / {d.fmt(disp.cep90_m, 'distance')}",
        ),
        (
            "95 % ellipse",
            f"{d.fmt(e['semi_major_m'], 'distance')} x {d.fmt(e['semi_minor_m'], 'distance')}"
            f" (semi-axes), major axis {e['azimuth_deg']:.0f}° true; holds "
            f"{e['coverage']:.1%} of the samples",
        ),
    ]
    if disp.p_in_lz is not None:
        rows.append(
            (
                f"in the LZ ({d.fmt(disp.lz_radius_m, 'distance')})",
                f"{disp.p_in_lz:.2%}{_ci(disp.p_in_lz_ci)}",
            )
        )
    for label, dist, qty in (
        ("deployment altitude", disp.deploy_altitude, "altitude"),
        ("freefall time", disp.freefall_time, None),
    ):
        if dist.get("n", 0) == 0:
            rows.append((label, "— (no sample deploys)"))
            continue
        q = dist["quantiles"]

        def f(v: float, qty: str | None = qty) -> str:
            return d.fmt(v, qty) if qty else f"{v:.1f} s"

        rows.append((label, f"median {f(q['p50'])}, 5–95 % {f(q['p05'])} – {f(q['p95'])}"))
    run = disp.run
    if run.get("jumps_per_s"):
        rows.append(
            (
                "run",
                f"{run['backend']}, {run['workers']} workers, {run['wall_s']:.1f} s, "
                f"{run['jumps_per_s']:,.0f} jumps/s",
            )
        )
    console.print(kv_table("Landing dispersion", rows))
    t = Table(title="Checks across the samples")
    for col in ("check", "failing", "95 % CI", "how"):
        t.add_column(col, justify="left" if col in ("check", "how") else "right")
    for cid, c in disp.checks.items():
        ci = c.get("rate_ci")
        style = "red" if c["rate"] > 0 and c["severity"] == "fail" else ""
        rate = f"[{style}]{c['rate']:.2%}[/]" if style else f"{c['rate']:.2%}"
        t.add_row(
            cid,
            rate,
            "—" if ci is None else f"{ci[0]:.2%} – {ci[1]:.2%}",
            "per sample" if c["per_sample"] else "nominal run",
        )
    console.print(t)


# --- Parquet ---------------------------------------------------------------------------------


class ParquetSink:
    """Streams chunk records into a Parquet file written beside the target and renamed into
    place at the end (the same atomic pattern as report.export.atomic_write), so a failed run
    leaves no partial file. File metadata: seed, scenario SHA-256 and the rest of the
    provenance (keys ``stuntsim.*``)."""

    def __init__(self, path: str | Path, metadata: dict[str, str]) -> None:
        try:
            import pyarrow  # noqa: F401
        except ImportError:  # pragma: no cover - the parquet extra is not installed
            from stuntsim.errors import StuntsimError

            raise StuntsimError("--out needs pyarrow: pip install 'stuntsim[parquet]'") from None
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )
        os.close(fd)
        self.metadata = {k.encode(): v.encode() for k, v in metadata.items()}
        self.writer = None
        self.schema = None
        self.rows = 0

    def write(self, table: dict[str, np.ndarray]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        cols = {
            k: (pa.array(list(v)) if v.dtype == object else pa.array(v)) for k, v in table.items()
        }
        t = pa.table(cols)
        if self.writer is None:
            self.schema = t.schema.with_metadata(self.metadata)
            self.writer = pq.ParquetWriter(self.tmp, self.schema, compression="zstd")
        self.writer.write_table(t.cast(self.schema))
        self.rows += t.num_rows

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.tmp, 0o666 & ~umask)  # mkstemp makes it private; a result file is not
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        if self.writer is not None:
            try:
                self.writer.close()
            finally:
                self.writer = None
        Path(self.tmp).unlink(missing_ok=True)


# --- HTML ------------------------------------------------------------------------------------


def ellipse_points(disp: Any, m: int = 181) -> tuple[np.ndarray, np.ndarray]:
    """The 95 % ellipse as (east, north) points: mean + sqrt(chi2) L (cos t, sin t), L L^T = S."""
    t = np.linspace(0.0, 2.0 * math.pi, m)
    lam, vec = np.linalg.eigh(disp.cov)
    lam = np.maximum(lam, 0.0)
    pts = vec @ (
        np.sqrt(disp.ellipse95["chi2_factor"] * lam)[:, None] * np.stack([np.cos(t), np.sin(t)])
    )
    return disp.mean_east_m + pts[0], disp.mean_north_m + pts[1]


def report_sections(disp: Any, plan: Any, d: Any) -> list[Any]:
    from matplotlib.patches import Circle

    from stuntsim.report.html import Section, new_figure, table_html

    ld = d.label("distance")
    fig = new_figure(6.8, 6.2)
    ax = fig.subplots()
    m = len(disp.plot_east)
    ax.plot(
        d.value(disp.plot_east, "distance"),
        d.value(disp.plot_north, "distance"),
        ".",
        ms=1.5,
        alpha=0.35 if m > 2000 else 0.7,
        color="#0969da",
        label=f"landings ({m:,} of {disp.n:,})",
        rasterized=m > 5000,
    )
    ee, en = ellipse_points(disp)
    ax.plot(
        d.value(ee, "distance"),
        d.value(en, "distance"),
        color="#cf222e",
        lw=1.6,
        label="95 % ellipse",
    )
    ax.plot(
        [d.value(disp.mean_east_m, "distance")],
        [d.value(disp.mean_north_m, "distance")],
        marker="+",
        ms=12,
        color="#cf222e",
        ls="",
        label="mean landing point",
    )
    ax.plot([0], [0], marker="*", ms=14, color="#bf8700", ls="", label="target")
    if disp.lz_radius_m:
        ax.add_patch(
            Circle(
                (0, 0),
                d.value(disp.lz_radius_m, "distance"),
                fill=False,
                ec="#bf8700",
                ls="--",
                lw=1.4,
                label="landing zone",
            )
        )
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel(f"east ({ld})")
    ax.set_ylabel(f"north ({ld})")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    e = disp.ellipse95
    rows = [
        ["samples", f"{disp.n:,} (seed {disp.seed})"],
        [
            "mean landing point",
            f"{d.fmt(disp.mean_east_m, 'distance')} E, {d.fmt(disp.mean_north_m, 'distance')} N",
        ],
        [
            "CEP50 / CEP90 about the mean",
            f"{d.fmt(disp.cep50_m, 'distance')} / {d.fmt(disp.cep90_m, 'distance')}",
        ],
        [
            "95 % ellipse (chi² 2 dof = 5.991)",
            f"{d.fmt(e['semi_major_m'], 'distance')} × {d.fmt(e['semi_minor_m'], 'distance')}, "
            f"major axis {e['azimuth_deg']:.0f}° true, holds {e['coverage']:.1%}",
        ],
    ]
    if disp.p_in_lz is not None:
        rows.append(["P(in landing zone)", f"{disp.p_in_lz:.2%}{_ci(disp.p_in_lz_ci)}"])
    sections = [
        Section(
            "Monte Carlo landing dispersion",
            figures=[fig],
            html=table_html(["", "value"], rows),
            note=(
                "Every sample flies the same kernel as the nominal plan with its own wind, exit, "
                "deployment, drag and canopy drawn from the scenario's [uncertainty] table. "
                "The ellipse is the 95 % contour of the normal with the samples' covariance; "
                "the P(in LZ) interval is Clopper-Pearson exact."
            ),
        )
    ]
    fig2 = None
    if disp.deploy_altitude.get("n", 0) and disp.freefall_time.get("n", 0):
        la = d.label("altitude")
        fig2 = new_figure(7.5, 3.2)
        ax1, ax2 = fig2.subplots(1, 2)
        for ax_, dist, lab in (
            (ax1, disp.deploy_altitude, f"deployment altitude ({la} MSL)"),
            (ax2, disp.freefall_time, "freefall time (s)"),
        ):
            hist = dist["histogram"]
            edges = np.asarray(hist["edges"])
            if "altitude" in lab:
                edges = d.value(edges, "altitude")
            ax_.stairs(hist["counts"], edges, fill=True, color="#0969da", alpha=0.6)
            med = dist["quantiles"]["p50"]
            ax_.axvline(
                d.value(med, "altitude") if "altitude" in lab else med,
                color="#cf222e",
                lw=1.2,
                label="median",
            )
            ax_.set_ylabel("samples")
            ax_.set_xlabel(lab)
            ax_.grid(alpha=0.3)
        chk_rows = [
            [
                cid,
                f"{c['rate']:.2%}",
                "—"
                if c.get("rate_ci") is None
                else f"{c['rate_ci'][0]:.2%} – {c['rate_ci'][1]:.2%}",
                "per sample" if c["per_sample"] else "nominal run",
            ]
            for cid, c in disp.checks.items()
        ]
        sections.append(
            Section(
                "Monte Carlo distributions and failing checks",
                figures=[fig2],
                html=table_html(["check", "failing", "95 % CI", "evaluated"], chk_rows),
            )
        )
    return sections
