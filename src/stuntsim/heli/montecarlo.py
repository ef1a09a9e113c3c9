"""The helicopter's part of the Monte Carlo: its samples, their sampling and statistics.

A sample perturbs the nominal plan with (``[uncertainty]``, docs/montecarlo.md):

- the wind: one speed factor (1 + x) and one direction offset for the whole profile
  (``wind_speed``, ``wind_direction``), and independent ones per level (``*_layer``);
- ``gust``: a gust speed U = |x| whose quasi-steady load-factor increment adds to the load
  factor all along the path (a gust met at the worst moment);
- ``temperature``: an OAT offset dT (K) at every altitude, the pressure re-integrated
  hydrostatically from the site's (heli/simulate.py);
- ``mass``: the gross mass;
- ``airspeed``, ``bank``, ``descent_rate``: the pilot's errors, drawn independently for each
  segment (the same error held through the segment);
- ``rig_drag``: a factor (1 + x) on each rig's drag coefficient, independently per rig.

Draws are made from the block's generator in a fixed order of keys, so a block's samples depend
only on the seed and the block, whatever the chunking, workers or backend.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from stuntsim.kinds import BatchOutcome


@dataclass(frozen=True)
class HeliSamples:
    """N perturbations of a plan (arrays with N rows; zeros and ones are the nominal)."""

    wind_scale: NDArray[np.float64]  # (N,) factor on the whole profile
    wind_turn: NDArray[np.float64]  # (N,) rad, clockwise (veer)
    layer_scale: NDArray[np.float64]  # (N, L)
    layer_turn: NDArray[np.float64]  # (N, L)
    gust: NDArray[np.float64]  # (N,) m/s
    temperature: NDArray[np.float64]  # (N,) K offset
    mass: NDArray[np.float64]  # (N,) kg offset
    airspeed: NDArray[np.float64]  # (N, S) m/s
    bank: NDArray[np.float64]  # (N, S) rad
    descent_rate: NDArray[np.float64]  # (N, S) m/s
    rig_drag: NDArray[np.float64]  # (N, R) factor

    def __len__(self) -> int:
        return len(self.gust)

    def is_nominal(self, i: int) -> bool:
        return bool(
            self.wind_scale[i] == 1.0
            and self.wind_turn[i] == 0.0
            and np.all(self.layer_scale[i] == 1.0)
            and np.all(self.layer_turn[i] == 0.0)
            and np.all(self.airspeed[i] == 0.0)
            and np.all(self.bank[i] == 0.0)
            and np.all(self.descent_rate[i] == 0.0)
        )

    def path_nominal(self, i: int) -> bool:
        """Whether sample i flies the nominal path (no wind or pilot error)."""
        return self.is_nominal(i)


def _shape(plan: Any) -> tuple[int, int, int]:
    return len(plan.air.wind.altitude), len(plan.specs), len(plan.rigs)


def nominal(plan: Any, n: int) -> HeliSamples:
    """n copies of the unperturbed sample."""
    nl, ns, nr = _shape(plan)
    z = np.zeros(n)
    return HeliSamples(
        np.ones(n),
        z.copy(),
        np.ones((n, nl)),
        np.zeros((n, nl)),
        z.copy(),
        z.copy(),
        z.copy(),
        np.zeros((n, ns)),
        np.zeros((n, ns)),
        np.zeros((n, ns)),
        np.ones((n, nr)),
    )


def uncertainty(model: Any) -> Any | None:
    """The scenario's ``[uncertainty]`` section (None when absent)."""
    return getattr(model, "uncertainty", None)


def _draw(dist: Any, rng: np.random.Generator, shape: tuple[int, ...]) -> NDArray[np.float64]:
    if dist is None:
        return np.zeros(shape)
    if dist.sigma is not None:
        return (dist.mean or 0.0) + dist.sigma * rng.standard_normal(shape)
    return dist.low + (dist.high - dist.low) * rng.random(shape)


def sample(plan: Any, unc: Any, rng: np.random.Generator, n: int) -> HeliSamples:
    """n samples drawn from ``unc`` (a HeliUncertainty) with the block's generator ``rng``."""
    nl, ns, nr = _shape(plan)
    if unc is None:
        return nominal(plan, n)
    ws = 1.0 + _draw(unc.wind_speed, rng, (n,))
    wd = _draw(unc.wind_direction, rng, (n,))
    ls = 1.0 + _draw(unc.wind_speed_layer, rng, (n, nl))
    ld = _draw(unc.wind_direction_layer, rng, (n, nl))
    gust = np.abs(_draw(unc.gust, rng, (n,)))
    dt = _draw(unc.temperature, rng, (n,))
    dm = _draw(unc.mass, rng, (n,))
    dv = _draw(unc.airspeed, rng, (n, ns))
    db = _draw(unc.bank, rng, (n, ns))
    dvz = _draw(unc.descent_rate, rng, (n, ns))
    cd = 1.0 + _draw(unc.rig_drag, rng, (n, nr))
    return HeliSamples(
        np.maximum(ws, 0.0),
        wd,
        np.maximum(ls, 0.0),
        ld,
        gust,
        dt,
        np.maximum(dm, -0.5 * plan.aircraft.mass),
        dv,
        db,
        dvz,
        np.maximum(cd, 0.05),
    )


def simulate_batch(plan: Any, samples: HeliSamples) -> BatchOutcome:
    from stuntsim.heli.simulate import simulate_batch as run

    return run(plan, samples)


def summarize(plan: Any, columns: Mapping[str, NDArray[Any]]) -> dict[str, Any]:
    """Percentiles (p05, p50, p95) of the per-sample columns: the figures a pilot briefs."""
    out: dict[str, Any] = {}
    for key, col in columns.items():
        x = np.asarray(col, dtype=float)
        x = x[np.isfinite(x)]
        if x.size == 0:
            continue
        p05, p50, p95 = np.percentile(x, [5.0, 50.0, 95.0])
        out[key] = {"p05": float(p05), "p50": float(p50), "p95": float(p95)}
    return {"path": out}


class HeliMonteCarlo:
    """The :class:`stuntsim.kinds.MonteCarlo` of the heli kind.

    ``seed_block``: a helicopter sample flies and evaluates a whole path (about 0.15 s), so the
    seed blocks (the smallest unit of work the driver hands a worker) are 16 samples.
    """

    seed_block = 16

    def uncertainty(self, model: Any) -> Any | None:
        return uncertainty(model)

    def sample(self, plan: Any, unc: Any, rng: np.random.Generator, n: int) -> HeliSamples:
        return sample(plan, unc, rng, n)

    def nominal(self, plan: Any, n: int) -> HeliSamples:
        return nominal(plan, n)

    def simulate_batch(self, plan: Any, samples: Any) -> BatchOutcome:
        return simulate_batch(plan, samples)

    def summarize(self, plan: Any, columns: Mapping[str, NDArray[Any]]) -> dict[str, Any]:
        return summarize(plan, columns)


MONTECARLO = HeliMonteCarlo()
