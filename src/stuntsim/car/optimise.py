"""The planner's search, independent of the car: a max-min optimiser and tolerance bands.

The planner (:mod:`stuntsim.car.planner`) turns a vector of free plan parameters into a batch of
simulations and reads back, for every candidate and every jitter sample, the worst margin over
the fail-severity checks. This module only sees that function:

    evaluate(X) -> Evaluation,   X: (P, D) candidates, Evaluation.margin: (P, S)

where sample 0 is the nominal plan and samples 1..S-1 are the same plan with the driver's timing
jittered (the same S - 1 draws for every candidate: common random numbers, so the objective is
a deterministic function of the parameters and candidates are compared on equal terms).

**Objective** (maximised): the worst margin over the checks *and* over the jitter samples,

    J(x) = min_s min_c m_c(x, s)

so J >= 0 means that the nominal plan and every jittered copy pass every fail check, and a
larger J is a plan further inside all its limits even when the driver is a little early or late.

**Optimiser**: differential evolution (Storn & Price, J. Global Optim. 11, 1997;
``scipy.optimize.differential_evolution``), ``vectorized=True`` so each generation is one batch
of the simulator. Why DE and not a gradient method: J is a minimum of margins (not smooth where
the binding check changes), the simulator's outcome is piecewise (a wheel lands on one step or
the next), and the feasible region can be small and far from the user's first guess; DE needs
no gradients, searches the whole box and costs exactly one batch per generation.

**Tolerance bands** (:func:`bands`): from the optimum, each parameter alone is moved down and up
until the nominal plan first fails a fail check, found by bisection (all parameters and both
directions in one batch per bisection step). The band assumes the feasible set along each axis
is an interval around the optimum (bisection finds *a* boundary; the planner reports the
failing check just outside it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from stuntsim.checks import CheckBatch

MARGIN_FLOOR = -10.0  # margins are clipped here (and NaN read as this): a failed run ranks low


@dataclass(frozen=True)
class Param:
    """One free plan parameter: a name, SI bounds and the plan's own (starting) value."""

    name: str
    lo: float
    hi: float
    start: float | None = None


@dataclass
class Evaluation:
    """Outcome of a batch of P candidates x S samples."""

    margin: NDArray[np.float64]  # (P, S) worst fail-check margin per candidate and sample
    feasible: NDArray[np.bool_]  # (P, S) every fail check passes
    binding: NDArray[np.int64]  # (P, S) index into check_ids of the check with the worst margin
    check_ids: list[str]

    def objective(self) -> NDArray[np.float64]:
        m = np.nan_to_num(self.margin, nan=MARGIN_FLOOR)
        return np.maximum(np.min(m, axis=1), MARGIN_FLOOR)


Evaluator = Callable[[NDArray[np.float64]], Evaluation]


def evaluation_from_checks(batches: Sequence[CheckBatch], P: int, S: int) -> Evaluation:
    """The planner's reading of a simulated batch: P candidates x S samples, sample-major
    within each candidate (row p * S + s), checked by the same CheckBatch functions as ``run``.

    Feasible = every check of severity fail passes (``ok``, the authority); the margin is the
    smallest fail-check margin. Caution checks do not enter (they are briefed, not stops).
    """
    fails = [b for b in batches if b.severity == "fail"]
    if not fails:
        raise ValueError("no fail-severity checks to plan against")
    ok = np.stack([np.asarray(b.ok, dtype=bool) for b in fails])  # (C, P*S)
    m = np.stack([np.asarray(b.margin, dtype=float) for b in fails])
    m = np.clip(np.nan_to_num(m, nan=MARGIN_FLOOR), MARGIN_FLOOR, None)
    # a check that fails with a non-negative margin still counts as failing
    m = np.where(~ok & (m >= 0.0), -1e-6, m)
    binding = np.argmin(m, axis=0)
    return Evaluation(
        margin=np.min(m, axis=0).reshape(P, S),
        feasible=np.all(ok, axis=0).reshape(P, S),
        binding=binding.reshape(P, S).astype(np.int64),
        check_ids=[b.id for b in fails],
    )


@dataclass
class OptimumResult:
    x: NDArray[np.float64]  # (D,) best parameters
    objective: float
    evaluation: Evaluation  # of the best candidate alone, (1, S)
    n_evaluations: int  # candidates simulated (each S samples)
    generations: int
    history_x: list[NDArray[np.float64]] = field(default_factory=list)
    history_j: list[NDArray[np.float64]] = field(default_factory=list)
    binding_counts: dict[str, int] = field(default_factory=dict)  # check -> candidates it bound


def optimise(
    evaluate: Evaluator,
    params: Sequence[Param],
    popsize: int = 8,
    maxiter: int = 12,
    seed: int = 1,
    tol: float = 0.0,
) -> OptimumResult:
    """Maximise J(x) = min over samples and checks of the margin, x in the parameter box.

    ``popsize`` is scipy's multiplier: each generation simulates popsize x D candidates in one
    batch; ``maxiter`` generations at most (the run also stops once the population's spread of
    J is below ``tol`` times its mean, scipy's criterion). The plan's own values (``Param.start``)
    seed one member of the first population, so the result is never worse than the plan given.
    """
    from scipy.optimize import differential_evolution

    lo = np.array([p.lo for p in params], dtype=float)
    hi = np.array([p.hi for p in params], dtype=float)
    hist_x: list[NDArray[np.float64]] = []
    hist_j: list[NDArray[np.float64]] = []
    counts: dict[str, int] = {}

    def f(xt: NDArray[np.float64]) -> NDArray[np.float64]:
        X = np.atleast_2d(np.asarray(xt, dtype=float).T)  # scipy passes (D, S)
        ev = evaluate(X)
        j = ev.objective()
        hist_x.append(X.copy())
        hist_j.append(j.copy())
        worst = np.argmin(np.nan_to_num(ev.margin, nan=MARGIN_FLOOR), axis=1)
        for p, s in enumerate(worst):
            cid = ev.check_ids[int(ev.binding[p, s])]
            counts[cid] = counts.get(cid, 0) + 1
        return -j

    x0 = None
    if all(p.start is not None for p in params):
        x0 = np.clip(np.array([p.start for p in params], dtype=float), lo, hi)
    res = differential_evolution(
        f,
        list(zip(lo, hi, strict=True)),
        popsize=popsize,
        maxiter=maxiter,
        tol=tol,
        seed=seed,
        vectorized=True,
        updating="deferred",
        polish=False,
        init="sobol",
        x0=x0,
    )
    # the best point ever simulated (DE's population keeps it, but be explicit)
    allx = np.concatenate(hist_x)
    allj = np.concatenate(hist_j)
    k = int(np.argmax(allj))
    best = allx[k]
    ev = evaluate(best[None, :])
    return OptimumResult(
        x=best,
        objective=float(allj[k]),
        evaluation=ev,
        n_evaluations=len(allj),
        generations=int(res.nit),
        history_x=hist_x,
        history_j=hist_j,
        binding_counts=dict(sorted(counts.items(), key=lambda kv: -kv[1])),
    )


@dataclass
class Band:
    """How far one parameter may move from the optimum with the nominal plan still feasible."""

    name: str
    value: float  # at the optimum
    lo_ok: float  # lowest value found feasible (the parameters' bound if feasible there)
    hi_ok: float
    lo_fail: float | None  # nearest infeasible value below (None: feasible down to the bound)
    hi_fail: float | None


def bands(
    feasible: Callable[[NDArray[np.float64]], NDArray[np.bool_]],
    params: Sequence[Param],
    x: NDArray[np.float64],
    steps: int = 6,
) -> list[Band]:
    """Bisection, one parameter at a time from ``x``, in both directions at once.

    ``feasible(X)`` -> (P,) bool for candidates X (P, D): the nominal plan passes every fail
    check. First the bounds themselves are tried (feasible there: the band reaches the bound);
    otherwise ``steps`` halvings of [optimum, bound] locate the edge to (bound - optimum)/2^steps.
    Each step is one batch of 2 D candidates.
    """
    D = len(params)
    x = np.asarray(x, dtype=float)
    lo = np.array([p.lo for p in params])
    hi = np.array([p.hi for p in params])
    # inner (known feasible) and outer (to test) ends for each of the 2D directions
    inner = np.concatenate([x, x])
    outer = np.concatenate([lo, hi])

    def batch(vals: NDArray[np.float64]) -> NDArray[np.bool_]:
        X = np.tile(x, (2 * D, 1))
        for k in range(2 * D):
            X[k, k % D] = vals[k]
        return np.asarray(feasible(X), dtype=bool)

    ok_outer = batch(outer)
    fail = np.where(ok_outer, np.nan, outer)
    for _ in range(steps):
        todo = ~ok_outer
        if not todo.any():
            break
        mid = 0.5 * (inner + np.where(np.isnan(fail), outer, fail))
        res = batch(np.where(todo, mid, np.concatenate([x, x])))
        inner = np.where(todo & res, mid, inner)
        fail = np.where(todo & ~res, mid, fail)
    out = []
    for d, p in enumerate(params):
        lo_ok = float(outer[d]) if ok_outer[d] else float(inner[d])
        hi_ok = float(outer[D + d]) if ok_outer[D + d] else float(inner[D + d])
        lo_f = None if ok_outer[d] else float(fail[d])
        hi_f = None if ok_outer[D + d] else float(fail[D + d])
        out.append(Band(p.name, float(x[d]), lo_ok, hi_ok, lo_f, hi_f))
    return out
