"""Statistics of a Monte Carlo run: binomial intervals and quantile summaries.

- :func:`clopper_pearson`: the exact (conservative) binomial confidence interval of Clopper &
  Pearson (Biometrika 26:404-413, 1934), from the beta quantiles
  ``lower = B(a/2; k, n-k+1)``, ``upper = B(1-a/2; k+1, n-k)``, a = 1 - level; ``lower = 0`` for
  k = 0 and ``upper = 1`` for k = n. It never covers less than the nominal level, which is the
  side a safety figure should err on.
- :func:`margin_summary`: the 5 %, 50 % and 95 % quantiles of a check's margin over the
  samples (empirical quantiles with linear interpolation between order statistics, Hyndman &
  Fan 1996 type 7, numpy's default), and the minimum and maximum.
- :func:`quantile_summary`: mean, standard deviation, quantiles and a histogram of one
  per-sample quantity (the kinds use it in their ``summarize``).

All are computed from the full per-sample arrays in sample order, so they are exact and do not
depend on how the run was cut into chunks.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

CONFIDENCE = 0.95
MARGIN_QUANTILES = (0.05, 0.50, 0.95)
QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
HIST_BINS = 40


def clopper_pearson(k: int, n: int, level: float = CONFIDENCE) -> tuple[float, float]:
    """Exact binomial confidence interval for k successes in n trials (see the module doc)."""
    from scipy.stats import beta

    if n <= 0 or not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n and n > 0, got k={k}, n={n}")
    a = 1.0 - level
    lo = 0.0 if k == 0 else float(beta.ppf(a / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(beta.ppf(1 - a / 2, k + 1, n - k))
    return lo, hi


def _pname(p: float) -> str:
    return f"p{round(p * 100):02d}"


def margin_summary(margin: ArrayLike) -> dict[str, float | None]:
    """``{p05, p50, p95, min, max}`` of a check's margins (non-finite values left out; all
    None when no sample has a finite margin)."""
    x = np.asarray(margin, dtype=np.float64)
    x = x[np.isfinite(x)]
    keys = [_pname(p) for p in MARGIN_QUANTILES]
    if x.size == 0:
        return {**dict.fromkeys(keys), "min": None, "max": None}
    q = np.quantile(x, MARGIN_QUANTILES)
    out: dict[str, float | None] = {k: float(v) for k, v in zip(keys, q, strict=True)}
    out["min"] = float(np.min(x))
    out["max"] = float(np.max(x))
    return out


def quantile_summary(values: ArrayLike, bins: int = HIST_BINS) -> dict[str, Any]:
    """n, mean, std, min, max, quantiles ``p01 ... p99`` and a histogram of the finite values
    (``{"n": 0}`` when there are none)."""
    x = np.asarray(values)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return {"n": 0}
    q = np.quantile(x, QUANTILES)
    lo, hi = float(np.min(x)), float(np.max(x))
    counts, edges = np.histogram(x, bins=bins, range=(lo, hi if hi > lo else lo + 1.0))
    return {
        "n": int(x.size),
        "mean": float(np.mean(x, dtype=np.float64)),
        "std": float(np.std(x, dtype=np.float64)),
        "min": lo,
        "max": hi,
        "quantiles": {_pname(p): float(v) for p, v in zip(QUANTILES, q, strict=True)},
        "histogram": {"edges": edges.tolist(), "counts": counts.tolist()},
    }
