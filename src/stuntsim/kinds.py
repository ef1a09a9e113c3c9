"""The stunt kinds and the one interface every kind implements.

Every stunt is the same pipeline::

    TOML --schema--> validated model --build--> Plan --simulate--> Result --> presenters
                                                 |                  (summary, JSON, CSV, HTML)
                                                 +--sample--> Samples --simulate_batch-->
                                                     BatchOutcome (the Monte Carlo, the searches)

Each kind package (``jump/``, ``heli/``, ``car/``) has the same modules with the same roles:

- ``scenario.py``: the pydantic schema only;
- ``plan.py``: the fully resolved SI plan and ``build_plan(model, path) -> Plan``;
- ``simulate.py``: ``simulate(plan) -> Result`` (a batch of one) and
  ``simulate_batch(plan, samples) -> BatchOutcome`` (N samples);
- ``result.py``: typed result fields (SI, no pre-serialised dicts);
- ``checks.py``: one function per check, each evaluated on a batch (returns a
  :class:`stuntsim.checks.CheckBatch`), documented with its equation and source;
- ``montecarlo.py``: the kind's :class:`MonteCarlo` (``[uncertainty]`` sampling, per-sample
  columns, kind-specific statistics);
- ``kind.py``: ``KIND = StuntKind(...)``, real callables, imported only when the kind is used.

The registry maps a kind name to its ``kind`` module and to the light module that contributes
its own commands to the CLI (``stuntsim.cli.<kind>``), so that ``import stuntsim`` and
``stuntsim --help`` import neither numpy nor any physics. ``tests/test_contract.py`` holds every
kind to this interface; a new kind that passes it plugs into ``run``, ``mc``, the report and the
viewer with no special case (docs/architecture.md says how to add one).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from pydantic import BaseModel

    from stuntsim.checks import Check, CheckBatch
    from stuntsim.units import Display

ModelT = TypeVar("ModelT", bound="BaseModel")
PlanT = TypeVar("PlanT")
ResultT = TypeVar("ResultT", bound="Result")
SamplesT = TypeVar("SamplesT")
UncertaintyT = TypeVar("UncertaintyT")
PlanT_contra = TypeVar("PlanT_contra", contravariant=True)
ResultT_contra = TypeVar("ResultT_contra", bound="Result", contravariant=True)


@runtime_checkable
class Result(Protocol):
    """What every kind's result offers the shared presenters: a name and its checks."""

    name: str
    checks: list[Check]


@dataclass(frozen=True)
class BatchOutcome:
    """What a batch of N samples produced: the checks on the batch and per-sample columns.

    ``columns`` are float or integer arrays of shape (N,), SI, named with their unit
    (``landing_east_m``); the Monte Carlo keeps them per sample (Parquet, statistics), so keep
    them few and compact. ``checks`` come from the kind's ``checks.py``.
    """

    checks: list[CheckBatch]
    columns: Mapping[str, NDArray[Any]] = field(default_factory=dict)


class Section(Protocol):
    """One section of the HTML report (stuntsim.report.html)."""

    title: str
    html: str


class Presenter(Protocol[ResultT_contra]):
    """The presenters of one kind (a module or an object): SI data in, text out.

    ``to_json`` returns the kind's own part of the JSON document; the CLI wraps it in the common
    envelope (schema_version, stuntsim_version, kind, name, verdict, checks: see
    stuntsim.report.envelope); it must not set an envelope key. ``trajectory`` returns equal-length
    columns for the CSV, ``t_s`` first.

    Optional Monte Carlo hooks (looked up with ``getattr``; stuntsim.report.montecarlo):

    - ``mc_summary(plan, stats, console, display) -> None``: lines printed after the generic
      Monte Carlo summary (the jump's landing dispersion);
    - ``mc_report_sections(plan, stats, display) -> list[Section]``: report sections placed
      before the generic ones (the jump's landing plot, where the car's failed samples went).

    ``stats`` is a :class:`stuntsim.uncertainty.driver.MonteCarloStats`: the generic figures,
    ``stats.summary`` (what ``summarize`` returned) and the per-sample arrays in sample order
    (``stats.columns``, ``stats.codes``: verdict codes, ``stats.margin_values(check_id)``).
    """

    def to_json(self, result: ResultT_contra) -> dict[str, Any]: ...

    def trajectory(self, result: ResultT_contra) -> Mapping[str, Any]: ...

    def summary(self, result: ResultT_contra, console: Any, display: Display) -> None: ...

    def report_sections(self, result: ResultT_contra, display: Display) -> Sequence[Any]: ...


class MonteCarlo(Protocol[PlanT_contra]):
    """One kind's part of the Monte Carlo; the driver (stuntsim.uncertainty) is generic.

    The driver cuts N samples into seed blocks; for each block it calls ``sample`` with that
    block's own generator, then ``simulate_batch`` on a chunk of whole blocks, so the result is
    the same whatever the chunking, the workers or the backend.

    - ``uncertainty(model)``: the scenario's ``[uncertainty]`` section (None when absent).
    - ``sample(plan, uncertainty, rng, n)``: n perturbed samples (a kind-specific batch).
    - ``nominal(plan, n)``: n copies of the unperturbed sample (the contract test compares a
      batch of one with a batch of N).
    - ``simulate_batch(plan, samples)``: the batched simulation, a :class:`BatchOutcome`.
    - ``summarize(plan, columns)``: the kind's own statistics from the gathered per-sample
      columns (the jump's landing dispersion), JSON-ready, SI; merged into the ``mc --json``
      document after the generic keys (n, seed, p_go, p_go_ci, verdict_counts,
      check_failure_rates, check_failure_rates_ci, margins), which it cannot replace.

    ``sample`` gets ``rng = default_rng(SeedSequence(seed, spawn_key=(block,)))`` and ``n`` = the
    block's sample count (the last block may be short); to make a sample's inputs independent of
    the run's size, draw each input from its own child stream
    (``rng.bit_generator.seed_seq.spawn(k)``). ``simulate_batch`` must treat samples
    independently (sample i's checks do not depend on the others in the batch).

    Optional attributes and hooks (looked up with ``getattr``; stuntsim.uncertainty.driver,
    stuntsim.cli.mc):

    - ``seed_block: int``: samples per seed block (default 4096); a slow kernel may choose fewer
      so that a short run still spreads over the workers;
    - ``validate(plan, uncertainty, path) -> None``: raise ScenarioError for what the schema
      cannot check (a spread that would make a quantity unphysical for this plan);
    - ``provenance(plan, path) -> dict[str, str]``: more provenance entries (a data file and its
      ``*_sha256``), written into the JSON and the Parquet metadata.
    """

    def uncertainty(self, model: Any) -> Any | None: ...

    def sample(
        self, plan: PlanT_contra, uncertainty: Any, rng: np.random.Generator, n: int
    ) -> Any: ...

    def nominal(self, plan: PlanT_contra, n: int) -> Any: ...

    def simulate_batch(self, plan: PlanT_contra, samples: Any) -> BatchOutcome: ...

    def summarize(
        self, plan: PlanT_contra, columns: Mapping[str, NDArray[Any]]
    ) -> dict[str, Any]: ...


@dataclass(frozen=True)
class StuntKind(Generic[ModelT, PlanT, ResultT]):
    """One stunt kind: its schema, builder, simulator, presenters and Monte Carlo.

    - ``build(model, path)`` turns the validated model into SI objects and raises
      :class:`stuntsim.errors.ScenarioError` for what the schema cannot catch;
    - ``simulate(plan)`` runs the nominal plan (a batch of one) and returns the result, with its
      checks as :class:`~stuntsim.checks.Check` records;
    - ``presenter`` gives JSON, CSV, summary and report sections;
    - ``montecarlo`` runs batches of perturbed samples with the same check code.
    """

    name: str
    model: type[ModelT]
    build: Callable[[ModelT, Path], PlanT]
    simulate: Callable[[PlanT], ResultT]
    presenter: Presenter[ResultT]
    montecarlo: MonteCarlo[PlanT]

    def title(self, result: ResultT) -> str:
        return result.name or self.name


@dataclass(frozen=True)
class KindEntry:
    """A registry row: dotted names only, so that the registry itself imports nothing."""

    kind_module: str  # defines KIND: StuntKind
    commands_module: str | None = None  # stuntsim.cli.<kind>: register(app) adds its commands


REGISTRY: dict[str, KindEntry] = {
    "jump": KindEntry("stuntsim.jump.kind", "stuntsim.cli.jump"),
    "heli": KindEntry("stuntsim.heli.kind", None),
    "car": KindEntry("stuntsim.car.kind", "stuntsim.cli.car"),
}
KIND_NAMES = tuple(REGISTRY)


def get_kind(name: str) -> StuntKind[Any, Any, Any]:
    """The kind called ``name`` (imports its package on first use)."""
    module = importlib.import_module(REGISTRY[name].kind_module)
    kind = module.KIND
    if not isinstance(kind, StuntKind):
        raise TypeError(f"{REGISTRY[name].kind_module}.KIND is not a StuntKind")
    return kind
