"""Real processes: a local pool worker killed mid-run (the chunk is computed again, the result
bit-identical), workers ending with a killed parent, and SIGINT/SIGTERM/SIGHUP on a running
``stuntsim mc --out --report`` (one line, the signal's status, no temporary file, no output,
no worker left)."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import psutil
import pytest

from conftest import EXAMPLES, ROOT

SCENARIO = EXAMPLES / "sport-13500.toml"
MC_SCENARIO = EXAMPLES / "fallout-heli-spiral.toml"  # any kind: the CLI and driver are shared


def _job(seed_block: int = 16):
    from stuntsim.scenario import load
    from stuntsim.uncertainty.driver import prepare

    loaded = load(SCENARIO)
    unc = loaded.kind.montecarlo.uncertainty(loaded.model)
    # small seed blocks: many chunks in a short run (the result depends on the block size, so
    # both runs below use the same job)
    return dataclasses.replace(prepare(loaded.kind, loaded.plan, unc, 11), seed_block=seed_block)


def _gone(pids: list[int], timeout: float = 15.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        alive = [p for p in pids if psutil.pid_exists(p) and _not_zombie(p)]
        if not alive:
            return True
        time.sleep(0.1)
    return False


def _not_zombie(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_local_worker_killed_mid_run_result_is_bit_identical():
    from stuntsim.uncertainty.backends import LocalBackend
    from stuntsim.uncertainty.driver import run_montecarlo

    job = _job()
    n = 320
    with LocalBackend(1) as one:
        ref = run_montecarlo(job, n, one, chunk_size=16)
    killed: list[int] = []
    with LocalBackend(2) as pool:
        pool.start(job)

        def kill_one(res):
            if not killed:
                pid = pool.worker_pids()[0]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                _gone([pid], 10.0)

        stats = run_montecarlo(job, n, pool, chunk_size=16, on_chunk=kill_one)
        restarts = pool.restarts
    assert killed and restarts >= 1
    np.testing.assert_array_equal(stats.codes, ref.codes)
    for c in ref.checks:
        np.testing.assert_array_equal(stats.margin_values(c.id), ref.margin_values(c.id))
    assert stats.p_go == ref.p_go
    for k, v in ref.columns.items():
        np.testing.assert_array_equal(stats.columns[k], v)


def test_workers_end_when_the_parent_is_killed(tmp_path: Path):
    code = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(ROOT / "tests")!r})
        from test_signals import _job
        from stuntsim.uncertainty.backends import LocalBackend
        b = LocalBackend(2)
        b.start(_job())
        print(" ".join(map(str, b.worker_pids())), flush=True)
        time.sleep(120)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        line = proc.stdout.readline()
        pids = [int(x) for x in line.split()]
        assert len(pids) == 2
        proc.kill()  # SIGKILL: no handler runs in the parent
        proc.wait(timeout=30)
        assert _gone(pids), "workers outlived their killed parent"
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.parametrize(("sig", "status"), [("SIGINT", 130), ("SIGTERM", 143), ("SIGHUP", 129)])
def test_signal_during_mc_leaves_nothing(tmp_path: Path, sig: str, status: int):
    out = tmp_path / "samples.parquet"
    report = tmp_path / "mc.html"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stuntsim",
            "mc",
            str(MC_SCENARIO),
            "-n",
            "400000",
            "--seed",
            "3",
            "--workers",
            "2",
            "--out",
            str(out),
            "--report",
            str(report),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        parent = psutil.Process(proc.pid)
        end = time.monotonic() + 120
        workers: list[int] = []
        # wait until the workers run and the Parquet file is being streamed to its temp file
        while time.monotonic() < end and proc.poll() is None:
            workers = [c.pid for c in parent.children(recursive=True)]
            if len(workers) >= 2 and any(p.suffix == ".tmp" for p in tmp_path.iterdir()):
                break
            time.sleep(0.1)
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.5)
        proc.send_signal(getattr(signal, sig))
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert proc.returncode == status, err
    assert len(lines) == 1 and lines[0].startswith("stuntsim: interrupted"), err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [], list(tmp_path.iterdir())
    assert _gone(workers), "worker processes left running"
