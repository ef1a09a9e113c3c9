"""Presenter of a decoded winds file (``stuntsim winds``): its levels as a rich table."""

from __future__ import annotations

import math
from typing import Any


def winds_table(data: Any, display: Any) -> Any:
    """Rich table of the levels of a :class:`stuntsim.io.winds.WindsData`, in display units."""
    from rich.table import Table

    from stuntsim.report.summary import escape

    t = Table(title=f"Winds: {escape(data.source)}", expand=False)
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
            escape(lab),
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
