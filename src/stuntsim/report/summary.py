"""Rich tables shared by every kind: the verdict, the checks, the events."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from stuntsim.checks import Check, verdict

_VERDICT_STYLE = {"GO": "bold green", "CAUTION": "bold yellow", "NO-GO": "bold red"}

# How to show a check's value and limit: the check's SI unit -> display quantity.
UNIT_QUANTITY = {
    "m": "altitude",
    "m/s": "speed",
    "N": "force",
    "W": "power",
    "K": "temperature",
    "kg": "mass",
}


def fmt_check_value(
    value: float | None, unit: str, display: Any, quantity: str | None = None
) -> str:
    if value is None:
        return "—"
    q = quantity or UNIT_QUANTITY.get(unit)
    if q is not None:
        shown = abs(display.value(value, q))
        return display.fmt(value, q, digits=1 if shown < 100 else 0)
    if unit == "rad":  # SI inside; degrees are for people
        return f"{math.degrees(value):.1f}°"
    if unit == "rad/s":
        return f"{math.degrees(value):.1f} °/s"
    if unit in ("", "1", "bool"):
        return f"{value:.3g}"
    if unit == "s":
        if abs(value) >= 120:
            return f"{value / 60:.0f} min"
        return f"{value:.0f} s" if abs(value) >= 10 else f"{value:.2g} s"
    if unit == "g":
        return f"{value:.1f} g"
    return f"{value:.3g} {unit}"


def verdict_line(checks: Sequence[Check]) -> str:
    v = verdict(checks)
    n_fail = sum(1 for c in checks if not c.ok and c.severity == "fail")
    n_caut = sum(1 for c in checks if not c.ok and c.severity != "fail")
    return (
        f"[{_VERDICT_STYLE[v]}]{v}[/]  ({len(checks)} checks, {n_fail} failing, {n_caut} cautions)"
    )


def escape(text: str) -> str:
    """Escape rich markup in text that may come from users (names, messages)."""
    from rich.markup import escape as _escape

    return _escape(str(text))


def checks_table(checks: Iterable[Check], display: Any) -> Any:
    from rich.table import Table

    t = Table(title="Checks", show_lines=True, expand=False)
    t.add_column("", no_wrap=True)
    t.add_column("check", no_wrap=True)
    t.add_column("value", justify="right", no_wrap=True)
    t.add_column("limit", justify="right", no_wrap=True)
    t.add_column("what it means (source)", ratio=1)
    for c in checks:
        mark = "[green]✔[/]" if c.ok else ("[red]✘[/]" if c.severity == "fail" else "[yellow]![/]")
        t.add_row(
            mark,
            c.id,
            fmt_check_value(c.value, c.unit, display, c.quantity),
            fmt_check_value(c.limit, c.unit, display, c.quantity),
            f"{escape(c.message)}\n[dim]{escape(c.source)}[/]",
        )
    return t


def kv_table(title: str, rows: Iterable[tuple[str, str]]) -> Any:
    from rich.table import Table

    t = Table(title=title, show_header=False, expand=False)
    t.add_column("", style="bold")
    t.add_column("", justify="right")
    for k, v in rows:
        t.add_row(escape(k), escape(v))
    return t
