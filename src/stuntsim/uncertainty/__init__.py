"""Monte Carlo for every stunt kind: the generic driver, its backends and its statistics.

- :mod:`stuntsim.uncertainty.driver`: seed blocks, chunks, the run and its statistics
  (``p_go``, check failure rates, margin quantiles, the kind's own summary);
- :mod:`stuntsim.uncertainty.backends`: where chunks run (local process pool, Dask);
- :mod:`stuntsim.uncertainty.stats`: Clopper-Pearson intervals and quantile summaries.

A kind contributes only its :class:`stuntsim.kinds.MonteCarlo` (``[uncertainty]`` sampling,
the batched simulation, per-sample columns, its own statistics); docs/montecarlo.md and
docs/architecture.md describe the protocol. Nothing heavy is imported here.
"""
