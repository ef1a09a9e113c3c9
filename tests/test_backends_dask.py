"""The Dask backend on a real LocalCluster (2 worker processes): same results as the local
backend for the same seed, and a run that loses a worker mid-way still completes with
identical results."""

from __future__ import annotations

import os
import signal
import tomllib

import numpy as np
import pytest

pytest.importorskip("distributed")

from stuntsim.jump.plan import build_plan
from stuntsim.jump.scenario import JumpScenario
from stuntsim.jump.uncertainty import SEED_BLOCK
from stuntsim.sim.backends import DaskBackend, LocalBackend
from stuntsim.sim.montecarlo import CheckLimits, Job, run_montecarlo

from conftest import EXAMPLES

pytestmark = pytest.mark.dask

N = 12 * SEED_BLOCK


@pytest.fixture(scope="module")
def job():
    doc = tomllib.loads((EXAMPLES / "sport-13500.toml").read_text())
    doc["uncertainty"] = {
        "wind_speed": {"sigma": "20 %"},
        "wind_direction": {"sigma": "15 deg"},
        "exit_delay": {"sigma": "2 s"},
        "open_altitude": {"sigma": "100 ft"},
        "wind_speed_layer": {"sigma": "10 %"},
    }
    model = JumpScenario.model_validate(doc)
    plan = build_plan(model, EXAMPLES / "sport-13500.toml")
    return Job(
        plan=plan,
        uncertainty=model.uncertainty,
        seed=2026,
        exit_east=plan.exit_east,
        exit_north=plan.exit_north,
        origin_east=0.0,
        origin_north=0.0,
        limits=CheckLimits(914.4, 10.0, plan.lz_radius),
        full=True,
    )


@pytest.fixture(scope="module")
def local_result(job):
    tables = []
    with LocalBackend(1) as backend:
        disp = run_montecarlo(job, N, backend, chunk_size=3 * SEED_BLOCK, on_table=tables.append)
    return disp, tables


@pytest.fixture(scope="module")
def cluster():
    backend = DaskBackend(cluster="local", workers=2)
    yield backend
    backend.close()


def _same(a, b) -> None:
    assert (a.mean_east_m, a.mean_north_m, a.cep50_m, a.cep90_m) == (
        b.mean_east_m,
        b.mean_north_m,
        b.cep50_m,
        b.cep90_m,
    )
    assert a.ellipse95 == b.ellipse95
    assert a.checks == b.checks
    assert a.deploy_altitude == b.deploy_altitude and a.freefall_time == b.freefall_time
    np.testing.assert_array_equal(a.plot_east, b.plot_east)


def _landings(tables) -> np.ndarray:
    return np.concatenate([t["landing_east_m"] for t in tables])


def test_dask_local_cluster_equals_the_local_backend(job, local_result, cluster):
    assert cluster.workers == 2
    tables = []
    disp = run_montecarlo(job, N, cluster, chunk_size=SEED_BLOCK, on_table=tables.append)
    _same(disp, local_result[0])
    np.testing.assert_array_equal(_landings(tables), _landings(local_result[1]))
    assert disp.run["backend"] == "dask" and disp.run["chunks"] == 12


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
    disp = run_montecarlo(
        job, N, cluster, chunk_size=SEED_BLOCK, on_chunk=kill_once, on_table=tables.append
    )
    assert killed
    _same(disp, local_result[0])
    np.testing.assert_array_equal(_landings(tables), _landings(local_result[1]))
    # the nanny started a new worker process in place of the killed one
    assert victim not in cluster.worker_pids().values()
