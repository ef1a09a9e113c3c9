"""Checks: a plan's verdict is its list of checks, each a plain record with its source.

A check compares one figure with one limit. ``ok`` says whether the plan passes it; ``severity``
says what a failure means: ``"fail"`` (the plan must change) or ``"caution"`` (a margin to brief,
not a stop). ``at`` optionally locates the worst point (time, position) along the path;
``quantity`` tells presenters which display unit suits the value (ft/min for a descent rate).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Check:
    id: str
    ok: bool
    value: float | None
    limit: float | None
    unit: str
    message: str
    source: str
    severity: str = "fail"
    at: dict[str, float] | None = field(default=None)
    # how presenters should show value and limit ("altitude", "distance", "vertical_speed", ...
    # of units.Display); None = guessed from ``unit``. Not part of the JSON record.
    quantity: str | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("quantity")
        for key in ("value", "limit"):
            v = d[key]
            if v is not None:
                v = float(v)
                d[key] = v if math.isfinite(v) else None
        if d["at"] is not None:
            d["at"] = {k: float(v) for k, v in d["at"].items()}
        return d


def verdict(checks: Iterable[Check]) -> str:
    """``NO-GO`` if a failing check has severity fail; ``CAUTION`` if only cautions fail; else
    ``GO``."""
    worst = "GO"
    for c in checks:
        if not c.ok:
            if c.severity == "fail":
                return "NO-GO"
            worst = "CAUTION"
    return worst
