"""The self-contained HTML report: one file, inline SVG plots, no request to any host.

Kinds contribute :class:`Section` objects (a title, matplotlib figures, optional HTML tables);
this module lays them out with the verdict and the checks table. Figures are rendered to inline
SVG so the file opens offline and stays sharp when printed for a briefing.

With ``scene`` (stuntsim.report.viewer) the report opens with the interactive 3-D viewer; with
``brief`` (stuntsim.report.brief) it carries the crew's one-page card, and the print stylesheet
prints that card alone, on one page (docs/viewer.md).
"""

from __future__ import annotations

import datetime as _dt
import html
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from stuntsim import __version__
from stuntsim.checks import Check, verdict
from stuntsim.report.summary import fmt_check_value

_METADATA = re.compile(r"<metadata>.*?</metadata>", re.S)


@dataclass
class Section:
    title: str
    figures: list[Any] = field(default_factory=list)  # matplotlib Figures
    html: str = ""  # trusted HTML made by stuntsim (tables); user text must be escaped
    note: str = ""  # plain text, escaped


def new_figure(width: float = 7.5, height: float = 3.6, **kw: Any) -> Any:
    """A matplotlib Figure on the Agg backend, without touching pyplot's global state."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained", **kw)


def figure_svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    svg = buf.getvalue()
    start = svg.find("<svg")  # drop the XML prolog and DOCTYPE: inline SVG needs neither
    svg = svg[start:] if start >= 0 else svg
    return _METADATA.sub("", svg)  # matplotlib's RDF block: namespaces, no content


def table_html(header: Sequence[str], rows: Iterable[Sequence[Any]], cls: str = "") -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def checks_html(checks: Sequence[Check], display: Any) -> str:
    rows = []
    for c in checks:
        state = "pass" if c.ok else ("fail" if c.severity == "fail" else "caution")
        rows.append(
            f'<tr class="{state}"><td>{"✔" if c.ok else "✘" if state == "fail" else "!"}</td>'
            f"<td><code>{html.escape(c.id)}</code></td>"
            f"<td>{html.escape(fmt_check_value(c.value, c.unit, display, c.quantity))}</td>"
            f"<td>{html.escape(fmt_check_value(c.limit, c.unit, display, c.quantity))}</td>"
            f"<td>{html.escape(c.message)}</td><td class=src>{html.escape(c.source)}</td></tr>"
        )
    return (
        '<table class="checks"><thead><tr><th></th><th>check</th><th>value</th><th>limit</th>'
        "<th>what it means</th><th>source</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:1100px;color:#1b1f24;padding:0 1rem}
h1{margin-bottom:.2rem}.sub{color:#57606a;margin-top:0}
.verdict{display:inline-block;padding:.4rem 1rem;border-radius:6px;font-weight:700;
font-size:1.3rem;color:#fff}.GO{background:#1a7f37}.CAUTION{background:#bf8700}
.NO-GO{background:#cf222e}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
th,td{border-bottom:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}tr.fail td{background:#ffebe9}tr.caution td{background:#fff8c5}
td.src{color:#57606a;font-size:.8rem}section{margin-top:2rem}
figure{margin:.5rem 0}svg{max-width:100%;height:auto}
footer{margin-top:3rem;color:#57606a;font-size:.8rem}
h2,h3{break-after:avoid}figure,table{break-inside:avoid}
.brief{border:2px solid #24292f;border-radius:6px;padding:.6rem 1rem;margin-top:2rem}
.brief h2{margin:.2rem 0 .4rem}.brief table{font-size:.82rem;margin:.3rem 0}
.brief .cols{display:flex;gap:1.2rem;flex-wrap:wrap}.brief .cols>div{flex:1 1 300px}
.brief td.num{white-space:nowrap}.brief td.src{font-size:.7rem}
@media print{
@page{size:A4;margin:10mm}
body{margin:0;max-width:none;padding:0;font-size:8.5pt}
body>:not(.brief){display:none!important}
.brief{display:block!important;border:none;padding:0;margin:0;break-inside:avoid}
.brief table{font-size:7.5pt;margin:.15rem 0}.brief th,.brief td{padding:.1rem .3rem}
.brief td.src{font-size:6.5pt}.brief h2{font-size:13pt}
.brief h3{font-size:9.5pt;margin:.3rem 0 .1rem}
.verdict{font-size:11pt;padding:.15rem .6rem;-webkit-print-color-adjust:exact;
print-color-adjust:exact}
tr.fail td,tr.caution td{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""


def render(
    title: str,
    subtitle: str,
    checks: Sequence[Check],
    sections: Sequence[Section],
    display: Any,
    *,
    scene: dict[str, Any] | None = None,
    brief: str = "",
) -> str:
    """The whole report as one HTML string.

    ``scene``: the 3-D viewer's scene (stuntsim.report.viewer.build_scene), drawn first;
    ``brief``: the crew's card (stuntsim.report.brief.brief_html), the only thing printed.
    """
    v = verdict(checks)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)} — stuntsim</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="sub">{html.escape(subtitle)}</p>',
        f'<p><span class="verdict {v}" id="verdict">{v}</span></p>',
    ]
    if scene is not None:
        from stuntsim.report.viewer import viewer_html

        parts.append(viewer_html(scene))
    parts += ["<section><h2>Checks</h2>", checks_html(checks, display), "</section>"]
    for s in sections:
        parts.append(f"<section><h2>{html.escape(s.title)}</h2>")
        if s.note:
            parts.append(f"<p>{html.escape(s.note)}</p>")
        if s.html:
            parts.append(s.html)
        for fig in s.figures:
            parts.append(f"<figure>{figure_svg(fig)}</figure>")
        parts.append("</section>")
    if brief:
        parts.append(brief)
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts.append(
        f"<footer>stuntsim {__version__} · units: {html.escape(display.system)} · {stamp}. "
        "A planning aid: every limit names its source; the crew decides.</footer></body></html>"
    )
    return "\n".join(parts)
