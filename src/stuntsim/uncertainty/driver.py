"""The generic Monte Carlo driver: seed blocks, chunks, backends, and the statistics of a run.

Any kind's :class:`~stuntsim.kinds.MonteCarlo` plugs in. A run of ``n`` samples with seed ``s``:

1. The samples are cut into **seed blocks** of ``B`` samples (``montecarlo.seed_block`` if the
   kind sets it, else :data:`SEED_BLOCK`). Block ``b`` holds samples ``[bB, min(n, (b+1)B))``
   and has its own generator ``numpy.random.default_rng(SeedSequence(s, spawn_key=(b,)))``:
   the b-th child of ``SeedSequence(s)`` (numpy's spawn-key scheme, identical to
   ``SeedSequence(s).spawn(b + 1)[b]``). The driver calls ``montecarlo.sample(plan,
   uncertainty, rng, m)`` once per block (m = the block's sample count), then
   ``montecarlo.simulate_batch(plan, samples)`` on that block alone.
2. Blocks are grouped into **chunks** (whole blocks) that run on a backend
   (:mod:`stuntsim.uncertainty.backends`: a local process pool or Dask). A chunk's result
   depends only on the job and its block range, and each block is simulated as its own batch,
   so the result is the same, bit for bit, whatever the chunk size, the number of workers or
   the backend, and after a lost worker's chunk is computed again (on one platform: numpy's
   transcendental functions may differ in the last bit between CPU types).
3. The driver gathers, in sample order: each sample's verdict code
   (:func:`stuntsim.checks.verdict_codes`), each check's margin (float32) and failure count,
   and the kind's per-sample ``columns``; then computes:

   - ``p_go``: the fraction of samples whose verdict is GO, with its Clopper-Pearson 95 %
     interval ``p_go_ci`` (stuntsim.uncertainty.stats);
   - ``check_failure_rates`` ``{id: rate}`` and their intervals ``check_failure_rates_ci``;
   - ``margins`` ``{id: {p05, p50, p95, min, max}}``;
   - the kind's own statistics ``montecarlo.summarize(plan, columns)``.

A kind that wants a sample's inputs to depend only on (seed, sample index), whatever ``n``,
draws each random input from its own stream spawned from the block's seed sequence
(``rng.bit_generator.seed_seq.spawn(...)`` or ``SeedSequence(s, spawn_key=(b, key))``): numpy's
generators fill arrays in order, so the first m draws of a stream do not depend on how many
follow.

Memory: the driver keeps 1 byte (verdict) + 4 bytes per check (margin) per sample, plus the
kind's columns; the kernel's working set is one block per worker.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from stuntsim.checks import VERDICTS, verdict_codes
from stuntsim.uncertainty.stats import clopper_pearson, margin_summary

if TYPE_CHECKING:
    from stuntsim.kinds import MonteCarlo, StuntKind

SEED_BLOCK = 4096
"""Samples per seed block unless the kind's MonteCarlo sets ``seed_block`` (a slow kernel, such
as the car's, may choose smaller blocks so that a short run still spreads over the workers)."""


# =============================================================================================
# The job and its chunks
# =============================================================================================


@dataclass(frozen=True)
class CheckInfo:
    """What the driver keeps of a check besides its per-sample arrays."""

    id: str
    severity: str
    unit: str
    source: str


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to compute any chunk (pickled, sent once per worker).

    ``kind_module`` is the dotted name of the module that defines ``KIND`` (the kind itself
    holds modules and is not pickled); ``full`` asks every chunk for its full per-sample table
    (the Parquet file).
    """

    kind_module: str
    plan: Any
    uncertainty: Any
    seed: int
    seed_block: int = SEED_BLOCK
    full: bool = False

    def montecarlo(self) -> MonteCarlo[Any]:
        return kind_from_module(self.kind_module).montecarlo


@dataclass
class ChunkResult:
    """One chunk's samples [start, stop): compact arrays in sample order."""

    start: int
    stop: int
    checks: list[CheckInfo]
    codes: NDArray[np.int8]  # verdict code per sample (index into checks.VERDICTS)
    margins: NDArray[np.float32]  # (n_checks, m)
    failures: NDArray[np.int64]  # (n_checks,) samples failing each check
    columns: dict[str, NDArray[Any]]
    table: dict[str, NDArray[Any]] | None = None
    seconds: float = 0.0


def kind_from_module(module: str) -> StuntKind[Any, Any, Any]:
    """The ``KIND`` of a kind module (imported on first use, in each worker)."""
    from stuntsim.kinds import StuntKind

    kind = importlib.import_module(module).KIND
    if not isinstance(kind, StuntKind):
        raise TypeError(f"{module}.KIND is not a StuntKind")
    return kind


def kind_module_of(kind: StuntKind[Any, Any, Any]) -> str:
    """The dotted name of the module defining ``kind``: the registry's entry for its name, or
    (a kind outside the registry, such as a test's) the loaded module whose ``KIND`` it is."""
    import sys

    from stuntsim.kinds import REGISTRY

    entry = REGISTRY.get(kind.name)
    if entry is not None:
        return entry.kind_module
    for name, mod in list(sys.modules.items()):
        if getattr(mod, "KIND", None) is kind:
            return name
    raise LookupError(f"kind {kind.name!r}: no module defines it")


def seed_block_of(montecarlo: Any) -> int:
    block = int(getattr(montecarlo, "seed_block", SEED_BLOCK))
    if block < 1:
        raise ValueError(f"seed_block must be at least 1, got {block}")
    return block


def block_rng(seed: int, block: int) -> np.random.Generator:
    """The generator of seed block ``block``: child ``block`` of ``SeedSequence(seed)``."""
    return np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(int(block),)))


def chunk_ranges(n: int, chunk_size: int, seed_block: int = SEED_BLOCK) -> list[tuple[int, int]]:
    """[start, stop) ranges of about ``chunk_size`` samples, rounded up to whole seed blocks."""
    size = max(seed_block, -(-int(chunk_size) // seed_block) * seed_block)
    return [(a, min(n, a + size)) for a in range(0, n, size)]


def default_chunk_size(n: int, workers: int, seed_block: int = SEED_BLOCK) -> int:
    """About four chunks per worker, 1 to 16 seed blocks each (results do not depend on it)."""
    per = -(-n // max(1, 4 * workers))
    blocks = min(16, max(1, -(-per // seed_block)))
    return blocks * seed_block


def run_chunk(job: Job, start: int, stop: int) -> ChunkResult:
    """Sample, simulate and reduce samples [start, stop) (whole seed blocks but the last)."""
    t0 = time.perf_counter()
    mc = job.montecarlo()
    block = job.seed_block
    if start % block:
        raise ValueError(f"chunk start {start} is not on a seed block of {block}")
    infos: list[CheckInfo] | None = None
    codes: list[NDArray[np.int8]] = []
    margins: list[NDArray[np.float32]] = []
    failures: NDArray[np.int64] | None = None
    columns: dict[str, list[NDArray[Any]]] = {}
    tables: list[dict[str, NDArray[Any]]] = []
    for a in range(start, stop, block):
        m = min(block, stop - a)
        samples = mc.sample(job.plan, job.uncertainty, block_rng(job.seed, a // block), m)
        out = mc.simulate_batch(job.plan, samples)
        here = [CheckInfo(b.id, b.severity, b.unit, b.source) for b in out.checks]
        if infos is None:
            infos = here
            failures = np.zeros(len(here), dtype=np.int64)
        elif [c.id for c in here] != [c.id for c in infos]:
            raise RuntimeError("simulate_batch returned different checks for different blocks")
        oks = [np.asarray(b.ok, dtype=bool).reshape(m) for b in out.checks]
        code = verdict_codes(out.checks).reshape(m)
        codes.append(code)
        margins.append(
            np.stack([np.asarray(b.margin, dtype=np.float32).reshape(m) for b in out.checks])
        )
        assert failures is not None
        failures += np.array([m - int(np.count_nonzero(ok)) for ok in oks], dtype=np.int64)
        for key, col in out.columns.items():
            arr = np.asarray(col)
            if arr.shape != (m,):
                raise RuntimeError(f"column {key!r} has shape {arr.shape}, expected ({m},)")
            columns.setdefault(key, []).append(arr)
        if job.full:
            t: dict[str, NDArray[Any]] = {
                "sample": np.arange(a, a + m, dtype=np.int64),
                "seed_block": np.full(m, a // block, dtype=np.int64),
                "verdict_code": code,
            }
            for b, ok in zip(out.checks, oks, strict=True):
                t[f"{b.id}_ok"] = ok
                t[f"{b.id}_margin"] = np.asarray(b.margin, dtype=np.float64).reshape(m)
            for key, col in out.columns.items():
                if key not in t:
                    t[key] = np.asarray(col)
            tables.append(t)
    assert infos is not None and failures is not None
    table = None
    if job.full:
        table = {k: np.concatenate([t[k] for t in tables]) for k in tables[0]}
    return ChunkResult(
        start=start,
        stop=stop,
        checks=infos,
        codes=np.concatenate(codes),
        margins=np.concatenate(margins, axis=1),
        failures=failures,
        columns={k: np.concatenate(v) for k, v in columns.items()},
        table=table,
        seconds=time.perf_counter() - t0,
    )


# =============================================================================================
# The run
# =============================================================================================


@dataclass
class MonteCarloStats:
    """The outcome of a run (plain data; stuntsim.report.montecarlo presents it).

    ``codes``, ``columns`` and :meth:`margin_values` give the per-sample arrays, in sample
    order, for the kind's own report sections (where the failed samples went); they are not JSON.
    A check whose margin is the same in every sample (one that the random inputs do not touch)
    is stored as that one value.
    """

    kind: str
    n: int
    seed: int
    seed_block: int
    p_go: float
    p_go_ci: tuple[float, float]
    verdict_counts: dict[str, int]
    checks: list[CheckInfo]
    check_failure_rates: dict[str, float]
    check_failure_rates_ci: dict[str, tuple[float, float]]
    margins: dict[str, dict[str, float | None]]
    summary: dict[str, Any]
    codes: NDArray[np.int8] = field(repr=False)
    margin_store: dict[str, NDArray[np.float32] | float] = field(repr=False)
    columns: dict[str, NDArray[Any]] = field(repr=False)
    run: dict[str, Any] = field(default_factory=dict)

    def margin_values(self, check_id: str) -> NDArray[np.float32]:
        """The margin of check ``check_id`` in every sample (float32, sample order)."""
        m = self.margin_store[check_id]
        if isinstance(m, np.ndarray):
            return m
        return np.full(self.n, m, dtype=np.float32)

    def margin_varies(self, check_id: str) -> bool:
        """Whether the check's margin differs between samples."""
        return isinstance(self.margin_store[check_id], np.ndarray)

    def to_json(self) -> dict[str, Any]:
        """The generic Monte Carlo keys, then the kind's ``summarize`` keys (which may not
        replace a generic one)."""
        doc: dict[str, Any] = {
            "n": self.n,
            "seed": self.seed,
            "seed_block": self.seed_block,
            "p_go": self.p_go,
            "p_go_ci": list(self.p_go_ci),
            "p_go_ci_method": "Clopper-Pearson exact, 95 %",
            "verdict_counts": self.verdict_counts,
            "check_failure_rates": self.check_failure_rates,
            "check_failure_rates_ci": {k: list(v) for k, v in self.check_failure_rates_ci.items()},
            "margins": self.margins,
        }
        for key, value in self.summary.items():
            doc.setdefault(key, value)
        return doc


def prepare(
    kind: StuntKind[Any, Any, Any], plan: Any, uncertainty: Any, seed: int, full: bool = False
) -> Job:
    """The job of a run of ``kind`` on ``plan`` with the scenario's uncertainty table."""
    return Job(
        kind_module=kind_module_of(kind),
        plan=plan,
        uncertainty=uncertainty,
        seed=int(seed),
        seed_block=seed_block_of(kind.montecarlo),
        full=full,
    )


def run_montecarlo(
    job: Job,
    n: int,
    backend: Any,
    chunk_size: int | None = None,
    on_chunk: Callable[[ChunkResult], None] | None = None,
    on_table: Callable[[dict[str, NDArray[Any]]], None] | None = None,
) -> MonteCarloStats:
    """Run ``n`` samples of ``job`` on ``backend`` (stuntsim.uncertainty.backends).

    ``on_chunk`` is called after each chunk, in sample order (progress); ``on_table`` receives
    every chunk's full table, in sample order, when ``job.full``.
    """
    if n < 2:
        raise ValueError("a Monte Carlo run needs at least 2 samples")
    block = job.seed_block
    size = chunk_size or default_chunk_size(n, backend.workers, block)
    ranges = chunk_ranges(n, size, block)
    codes = np.empty(n, dtype=np.int8)
    margins: list[_MarginColumn] | None = None
    failures: NDArray[np.int64] | None = None
    infos: list[CheckInfo] = []
    columns: dict[str, NDArray[Any]] = {}
    t0 = time.perf_counter()
    busy = 0.0
    done = 0
    for res in backend.imap(job, ranges):
        sl = slice(res.start, res.stop)
        if res.start != done:
            raise RuntimeError(f"chunk {res.start} arrived out of order (expected {done})")
        done = res.stop
        if margins is None:
            infos = res.checks
            margins = [_MarginColumn(n) for _ in infos]
            failures = np.zeros(len(infos), dtype=np.int64)
            columns = {k: np.empty(n, dtype=v.dtype) for k, v in res.columns.items()}
        codes[sl] = res.codes
        for col, row in zip(margins, res.margins, strict=True):
            col.put(sl, row)
        assert failures is not None
        failures += res.failures
        for k, v in res.columns.items():
            columns[k][sl] = v
        busy += res.seconds
        if on_table is not None and res.table is not None:
            on_table(res.table)
        if on_chunk is not None:
            on_chunk(res)
    if margins is None or failures is None or done != n:
        raise RuntimeError(f"the backend returned {done} of {n} samples")
    wall = time.perf_counter() - t0
    store = {c.id: col.value() for c, col in zip(infos, margins, strict=True)}
    stats = summarize_run(job, n, infos, codes, store, failures, columns)
    stats.run = {
        "backend": backend.name,
        "workers": backend.workers,
        "chunk_size": ranges[0][1] - ranges[0][0],
        "chunks": len(ranges),
        "seed_block": block,
        "wall_s": wall,
        "samples_per_s": n / wall if wall > 0 else None,
        "worker_busy_s": busy,
    }
    return stats


class _MarginColumn:
    """One check's margins over the run: a single value while every chunk so far held only
    that value (checks the random inputs do not touch cost no memory), else a float32 array."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.const: float | None = None
        self.array: NDArray[np.float32] | None = None

    def put(self, sl: slice, row: NDArray[np.float32]) -> None:
        if self.array is None and row.size:
            first = row[0]
            same = bool(np.all((row == first) | (np.isnan(row) & np.isnan(first))))
            if same and (sl.start == 0 or _same_float(self.const, float(first))):
                self.const = float(first)
                return
            self.array = np.empty(self.n, dtype=np.float32)
            if sl.start:
                self.array[: sl.start] = np.float32(self.const)
        if self.array is not None:
            self.array[sl] = row

    def value(self) -> NDArray[np.float32] | float:
        if self.array is not None:
            return self.array
        return float("nan") if self.const is None else self.const


def _same_float(a: float | None, b: float) -> bool:
    return a is not None and (a == b or (a != a and b != b))


def summarize_run(
    job: Job,
    n: int,
    infos: Iterable[CheckInfo],
    codes: NDArray[np.int8],
    margins: Mapping[str, NDArray[np.float32] | float],
    failures: NDArray[np.int64],
    columns: Mapping[str, NDArray[Any]],
) -> MonteCarloStats:
    """The statistics of a run from its per-sample arrays (in sample order; a constant margin
    as one value)."""
    infos = list(infos)
    counts = np.bincount(codes.astype(np.int64), minlength=len(VERDICTS))
    n_go = int(counts[0])
    rates: dict[str, float] = {}
    rates_ci: dict[str, tuple[float, float]] = {}
    summ: dict[str, dict[str, float | None]] = {}
    for i, c in enumerate(infos):
        k = int(failures[i])
        rates[c.id] = k / n
        rates_ci[c.id] = clopper_pearson(k, n)
        m = margins[c.id]
        summ[c.id] = margin_summary(m if isinstance(m, np.ndarray) else np.array([m]))
    kind_stats = job.montecarlo().summarize(job.plan, columns)
    return MonteCarloStats(
        kind=kind_from_module(job.kind_module).name,
        n=n,
        seed=job.seed,
        seed_block=job.seed_block,
        p_go=n_go / n,
        p_go_ci=clopper_pearson(n_go, n),
        verdict_counts={v: int(counts[i]) for i, v in enumerate(VERDICTS)},
        checks=infos,
        check_failure_rates=rates,
        check_failure_rates_ci=rates_ci,
        margins=summ,
        summary=dict(kind_stats),
        codes=codes,
        margin_store=dict(margins),
        columns=dict(columns),
    )
