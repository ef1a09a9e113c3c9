"""Checks: a plan's verdict is its list of checks, each a plain record with its source.

A check compares one figure with one limit. ``ok`` says whether the plan passes it; ``severity``
says what a failure means: ``"fail"`` (the plan must change) or ``"caution"`` (a margin to brief,
not a stop). ``at`` optionally locates the worst point (time, position) along the path;
``quantity`` tells presenters which display unit suits the value (ft/min for a descent rate).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

Severity = Literal["fail", "caution"]
VERDICTS = ("GO", "CAUTION", "NO-GO")  # index = the verdict code of verdict_codes()


@dataclass(frozen=True)
class Check:
    """One check of one plan (or of one Monte Carlo sample), as the user sees it.

    ``advice`` says, for a failing check, what change would make it pass ("bank at most 38°",
    "a mount rated at least 3 300 N"): computed from the numbers, never canned. ``margin`` is the
    check's dimensionless margin (>= 0 passes; see :class:`CheckBatch`).
    """

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
    advice: str | None = None
    margin: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("quantity")
        for key in ("value", "limit"):
            v = d[key]
            if v is not None:
                v = float(v)
                d[key] = v if math.isfinite(v) else None
        m = d.get("margin")
        if m is not None:
            m = float(m)
            d["margin"] = m if math.isfinite(m) else None
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


@dataclass(frozen=True)
class CheckBatch:
    """One check evaluated on a batch of B samples (a run is a batch of one).

    Every kind's ``checks.py`` returns these, so ``run``, the searches and the Monte Carlo use
    the same code. Arrays have shape (B,); value and limit are SI (NaN where not applicable).

    ``margin`` is dimensionless, >= 0 where the sample passes and < 0 where it fails, and
    documented by each check (for a load, the margin of safety rating/load - 1; for an upper
    limit, (limit - value)/|limit|; for a yes/no check, +1 or -1). ``ok`` is the authority;
    ``margin`` ranks how far inside or outside the limit a sample is.

    ``describe(i)`` returns the message and the advice (None when the sample passes) for sample i;
    it is only called for the samples a user sees, so it may be slow. It must be picklable only
    if the caller sends it across processes (the Monte Carlo sends ``ok`` and ``margin`` only).
    """

    id: str
    ok: NDArray[np.bool_]
    margin: NDArray[np.float64]
    value: NDArray[np.float64]
    limit: NDArray[np.float64]
    unit: str
    source: str
    severity: Severity
    describe: Callable[[int], tuple[str, str | None]]
    quantity: str | None = None
    at: Callable[[int], dict[str, float] | None] | None = None

    def record(self, i: int = 0) -> Check:
        """The :class:`Check` of sample ``i``."""
        message, advice = self.describe(i)
        ok = bool(self.ok[i])
        return Check(
            id=self.id,
            ok=ok,
            value=_finite_or_none(self.value[i]),
            limit=_finite_or_none(self.limit[i]),
            unit=self.unit,
            message=message,
            source=self.source,
            severity=self.severity,
            at=self.at(i) if self.at is not None else None,
            quantity=self.quantity,
            advice=None if ok else advice,
            margin=_finite_or_none(self.margin[i]),
        )


def _finite_or_none(x: Any) -> float | None:
    v = float(x)
    return v if math.isfinite(v) else None


def verdict_codes(batches: Iterable[CheckBatch]) -> NDArray[np.int8]:
    """Per-sample verdict codes, indices into :data:`VERDICTS`: 2 (NO-GO) where a check of
    severity fail fails, 1 (CAUTION) where only cautions fail, 0 (GO) otherwise."""
    import numpy as np

    code: NDArray[np.int8] | None = None
    for b in batches:
        bad = ~np.asarray(b.ok, dtype=bool)
        level = np.where(bad, 2 if b.severity == "fail" else 1, 0).astype(np.int8)
        code = level if code is None else np.maximum(code, level)
    if code is None:
        raise ValueError("no checks")
    return code
