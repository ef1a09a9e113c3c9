"""The Dask backend on a real LocalCluster (2 worker processes): the same bits as the local
process pool for the same seed, and a run that loses a worker mid-way still completes with
identical results. The driver is generic; the toy kind (tests/toy_kind.py) keeps the test fast,
with a short sleep per block so that chunks are still in flight when a worker is killed."""

from __future__ import annotations

import math
import os
import signal
from dataclasses import replace

import numpy as np
import pytest

pytest.importorskip("distributed")

from stuntsim.uncertainty.backends import DaskBackend, LocalBackend
from stuntsim.uncertainty.driver import SEED_BLOCK, prepare, run_montecarlo

from toy_kind import KIND, ToyPlan, ToyUncertainty

pytestmark = pytest.mark.dask

N = 12 * SEED_BLOCK + 77
PLAN = ToyPlan("toy", 20.0, math.radians(20.0), 20.0, 32.0, 7.5, delay_s=0.05)


@pytest.fixture(scope="module")
def job():
    return prepare(KIND, PLAN, ToyUncertainty(speed_sigma_m_s=1.0, angle_sigma_deg=2.0), 2026, True)


@pytest.fixture(scope="module")
def local_result(job):
    tables = []
    with LocalBackend(2) as backend:
        stats = run_montecarlo(job, N, backend, chunk_size=3 * SEED_BLOCK, on_table=tables.append)
    return stats, tables


@pytest.fixture(scope="module")
def cluster():
    backend = DaskBackend(cluster="local", workers=2)
    yield backend
    backend.close()


def _same(a, b) -> None:
    assert a.to_json() == b.to_json()
    np.testing.assert_array_equal(a.codes, b.codes)
    for ck in a.checks:
        np.testing.assert_array_equal(a.margin_values(ck.id), b.margin_values(ck.id))
    for k in a.columns:
        np.testing.assert_array_equal(a.columns[k], b.columns[k])


def _table(tables) -> dict:
    return {k: np.concatenate([t[k] for t in tables]) for k in tables[0]}


def test_dask_local_cluster_equals_the_local_backend(job, local_result, cluster):
    assert cluster.workers == 2
    tables = []
    stats = run_montecarlo(job, N, cluster, chunk_size=SEED_BLOCK, on_table=tables.append)
    _same(stats, local_result[0])
    a, b = _table(tables), _table(local_result[1])
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
    assert stats.run["backend"] == "dask" and stats.run["chunks"] == 13


def test_a_killed_worker_is_replaced_and_the_run_is_identical(job, local_result, cluster):
    pids = cluster.worker_pids()
    assert len(pids) == 2
    victim = sorted(pids.values())[0]
    killed = []

    def kill_once(res) -> None:
        # after the first chunk comes back, others are queued or running on both workers
        if not killed:
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    tables = []
    stats = run_montecarlo(
        job, N, cluster, chunk_size=SEED_BLOCK, on_chunk=kill_once, on_table=tables.append
    )
    assert killed
    _same(stats, local_result[0])
    np.testing.assert_array_equal(_table(tables)["range_m"], _table(local_result[1])["range_m"])
    # the nanny started a new worker process in place of the killed one
    assert victim not in cluster.worker_pids().values()


def test_a_different_seed_differs_on_dask_too(job, local_result, cluster):
    stats = run_montecarlo(replace(job, seed=7, full=False), N, cluster)
    assert stats.columns["range_m"][0] != local_result[0].columns["range_m"][0]


def test_an_external_scheduler_gives_the_same_bits(job, local_result):
    import logging

    import distributed

    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
        silence_logs=logging.ERROR,
    ) as external:  # fmt: skip
        with DaskBackend(scheduler=external.scheduler_address) as backend:
            assert backend.workers == 2
            stats = run_montecarlo(replace(job, full=False), N, backend, chunk_size=SEED_BLOCK)
    _same(stats, local_result[0])
