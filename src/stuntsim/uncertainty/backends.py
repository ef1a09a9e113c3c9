"""Where Monte Carlo chunks run: a local process pool, or a Dask distributed cluster.

Both backends take the same :class:`~stuntsim.uncertainty.driver.Job` of any kind (sent to
each worker once) and a list of sample ranges (whole seed blocks), and yield the chunk results
**in range order**, with a bounded number of chunks in flight so that memory stays bounded
however many chunks there are. Since a chunk's result depends only on the job and its range,
the results are identical on every backend; a chunk lost with a worker is simply computed
again.

- ``LocalBackend(workers)``: ``concurrent.futures.ProcessPoolExecutor`` with one process per
  core by default (``os.cpu_count()``); one worker runs in-process. On Linux the workers are
  forked (fast start, the job is inherited); they are started before any other thread exists.
- ``DaskBackend(scheduler=...)`` connects to a running scheduler (``tcp://HOST:PORT``);
  ``DaskBackend(cluster="local")`` starts a ``LocalCluster`` of worker processes (one thread
  each) and closes it afterwards. Dask is imported only here, only then. The job is a task
  (not scattered data), so the scheduler can recompute it if the worker holding it dies; chunk
  tasks are submitted with ``retries`` for errors inside a task, and the scheduler reschedules
  the tasks of a worker that dies (up to ``distributed.scheduler.allowed-failures`` times).
"""

from __future__ import annotations

import collections
import os
import pickle
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from stuntsim.errors import StuntsimError

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from stuntsim.uncertainty.driver import ChunkResult

RETRIES = 3
"""Times a lost local worker's chunks are computed again before the run gives up (Dask:
``retries`` per task)."""

_JOB: Any = None  # the job inside a local worker process


def _die_with_parent() -> None:
    """Ask the kernel to end this worker when the parent process dies (Linux prctl
    PR_SET_PDEATHSIG), so a killed ``stuntsim mc`` leaves no orphaned workers; and stop if the
    parent is already gone."""
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        pass
    if os.getppid() != parent or parent == 1:
        os._exit(1)


def _init_worker(job_bytes: bytes) -> None:
    """Worker start: the job, death with the parent, Ctrl-C left to the parent (which ends the
    workers itself), SIGTERM's default action restored."""
    import signal

    global _JOB
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None:
            signal.signal(sig, signal.SIG_DFL)
    _die_with_parent()
    _JOB = pickle.loads(job_bytes)


def _local_chunk(start: int, stop: int) -> ChunkResult:
    from stuntsim.uncertainty.driver import run_chunk

    return run_chunk(_JOB, start, stop)


def check_workers(workers: int | None) -> int:
    """``workers`` (default: one per core) if between 1 and the cap
    (:func:`stuntsim.errors.max_workers`); else a one-line StuntsimError."""
    from stuntsim.errors import check_cap, max_workers

    n = int(workers or os.cpu_count() or 1)
    if n < 1:
        raise StuntsimError("--workers must be at least 1")
    check_cap("workers", n, f"--workers {n:,}", limit=max_workers())
    return n


class LocalBackend:
    """Process pool on this machine (every core by default).

    A worker that dies (killed, out of memory) breaks a ``ProcessPoolExecutor``; the backend
    then ends the broken pool's processes, starts a new pool and submits again every chunk that
    had not come back, up to :data:`RETRIES` times. Each chunk depends only on the job and its
    range, so the result is bit-identical to a run without the loss. Workers end with the
    parent (:func:`_die_with_parent`) and are terminated when the run is interrupted.
    """

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = check_workers(workers)
        self._pool: ProcessPoolExecutor | None = None
        self._job_id: int | None = None
        self.restarts = 0  # pools started again after a lost worker (tests read it)

    def __enter__(self) -> LocalBackend:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is not None:
            self.terminate()  # interrupted or failed: do not wait for running chunks
        self.close()

    def start(self, job: Any) -> None:
        """Start the worker processes with ``job`` (before any progress thread runs)."""
        if self.workers == 1 or self._job_id == id(job):
            return
        self.close()
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        methods = mp.get_all_start_methods()
        if "fork" in methods and threading.active_count() == 1:
            method: str | None = "fork"
        elif "forkserver" in methods:
            method = "forkserver"  # a restart while the progress bar's thread runs
        else:
            method = None
        ctx = mp.get_context(method)
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL),),
        )
        # start every worker now
        list(self._pool.map(_noop_wait, range(self.workers)))
        self._job_id = id(job)

    def worker_pids(self) -> list[int]:
        """Process ids of the pool's workers (tests kill one mid-run)."""
        procs = getattr(self._pool, "_processes", None) or {}
        return [int(pid) for pid in procs]

    def imap(self, job: Any, ranges: list[tuple[int, int]]) -> Iterator[ChunkResult]:
        from concurrent.futures.process import BrokenProcessPool

        from stuntsim.uncertainty.driver import run_chunk

        if self.workers == 1 or len(ranges) == 1:
            for a, b in ranges:
                yield run_chunk(job, a, b)
            return
        self.start(job)
        window = 2 * self.workers + 1
        pending: collections.deque[tuple[tuple[int, int], Future[ChunkResult] | None]]
        pending = collections.deque()
        it = iter(ranges)

        def submit(r: tuple[int, int]) -> None:
            pool = self._pool
            assert pool is not None
            try:
                pending.append((r, pool.submit(_local_chunk, *r)))
            except BrokenProcessPool:
                pending.append((r, None))  # recovered below, with the others

        for r in it:
            submit(r)
            if len(pending) >= window:
                break
        lost = 0
        while pending:
            r, fut = pending[0]
            try:
                if fut is None:
                    raise BrokenProcessPool("a worker died")
                res = fut.result()
            except BrokenProcessPool:
                lost += 1
                if lost > RETRIES:
                    raise StuntsimError(
                        f"worker processes died {lost} times (out of memory? killed?); "
                        "try fewer --workers"
                    ) from None
                redo = [q for q, _ in pending]
                pending.clear()
                self.terminate()
                self.restarts += 1
                self.start(job)
                for q in redo:
                    submit(q)
                continue
            pending.popleft()
            nxt = next(it, None)
            if nxt is not None:
                submit(nxt)
            yield res

    def terminate(self) -> None:
        """End the worker processes now (a lost worker, an interrupt), without waiting."""
        pool = self._pool
        if pool is None:
            return
        procs = list((getattr(pool, "_processes", None) or {}).values())
        for proc in procs:
            try:
                proc.terminate()
            except (OSError, AttributeError, ValueError):
                pass
        try:
            pool.shutdown(wait=False, cancel_futures=True)
        except Exception:  # a broken pool may raise while shutting down
            pass
        for proc in procs:
            try:
                proc.join(timeout=5)
                if proc.is_alive():
                    proc.kill()
            except (OSError, AttributeError, ValueError, AssertionError):
                pass
        self._pool = None
        self._job_id = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            self._job_id = None


def _noop_wait(_: int) -> int:
    import time

    time.sleep(0.05)  # long enough that every worker takes one
    return os.getpid()


# --- Dask ------------------------------------------------------------------------------------


def _dask_job(job_bytes: bytes) -> Any:
    return pickle.loads(job_bytes)


def _dask_chunk(job: Any, start: int, stop: int) -> ChunkResult:
    from stuntsim.uncertainty.driver import run_chunk

    return run_chunk(job, start, stop)


class DaskBackend:
    """Chunks as tasks on a Dask distributed cluster."""

    name = "dask"

    def __init__(
        self,
        scheduler: str | None = None,
        cluster: str | None = None,
        workers: int | None = None,
    ) -> None:
        if (scheduler is None) == (cluster is None):
            raise StuntsimError("give --scheduler tcp://HOST:PORT or --cluster local")
        if cluster is not None and cluster != "local":
            raise StuntsimError(f"--cluster {cluster}: only 'local' is supported")
        try:
            import logging

            import distributed
        except ImportError:  # pragma: no cover - the dask extra is not installed
            raise StuntsimError(
                "the Dask backend needs dask and distributed: pip install 'stuntsim[dask]'"
            ) from None
        self._cluster: Any = None
        self.client: Any = None
        if cluster == "local":
            n = check_workers(workers)
            self._cluster = distributed.LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            address: Any = self._cluster
        else:
            address = scheduler
        try:
            self.client = distributed.Client(address, timeout="20s")
        except OSError as exc:
            self.close()
            raise StuntsimError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))
        self._job_future: Any = None
        self._job_id: int | None = None

    def __enter__(self) -> DaskBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self, job: Any) -> None:
        if self._job_id == id(job):
            return
        import uuid

        blob = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        self._job_future = self.client.submit(
            _dask_job, blob, key=f"stuntsim-mc-job-{uuid.uuid4().hex}", pure=False
        )
        self._job_id = id(job)

    def imap(self, job: Any, ranges: list[tuple[int, int]]) -> Iterator[ChunkResult]:
        self.start(job)
        window = 2 * max(self.workers, 1) + 2
        pending: collections.deque[Any] = collections.deque()
        it = iter(ranges)

        def submit(a: int, b: int) -> Any:
            return self.client.submit(
                _dask_chunk, self._job_future, a, b, retries=RETRIES, pure=False
            )

        for a, b in it:
            pending.append(submit(a, b))
            if len(pending) >= window:
                break
        while pending:
            fut = pending.popleft()
            res = fut.result()
            fut.release()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(submit(*nxt))
            yield res

    def worker_pids(self) -> dict[str, int]:
        """Process id of each worker (tests use it to kill one mid-run)."""
        pids: dict[str, int] = self.client.run(os.getpid)
        return pids

    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is not None:
            try:
                client.close()
            except Exception:  # closing a broken connection
                pass
            self.client = None
        if self._cluster is not None:
            try:
                self._cluster.close()
            except Exception:  # the cluster may already be gone
                pass
            self._cluster = None


def make_backend(
    scheduler: str | None = None, cluster: str | None = None, workers: int | None = None
) -> LocalBackend | DaskBackend:
    """``--scheduler``/``--cluster`` pick Dask; otherwise the local process pool."""
    if scheduler is not None or cluster is not None:
        return DaskBackend(scheduler=scheduler, cluster=cluster, workers=workers)
    return LocalBackend(workers)
