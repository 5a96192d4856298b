"""Running checks in parallel: a local pool of worker processes, or a Dask cluster.

Both take an iterator of paths and yield ``(path, json_line)`` as results
finish, with at most a bounded number of files in flight, so memory stays flat
however many files there are.

The local pool gives every file a deadline: a worker that overruns it is
killed and replaced, and the file gets a ``file.timeout`` record; a worker that
dies (a decoder crash) is replaced and the file gets ``file.checker_crashed``.
Workers are started by a forkserver that has imported idcheck once, so a
replacement costs milliseconds, not an interpreter start-up.
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
import os
import time
from collections.abc import Iterable, Iterator
from multiprocessing.connection import wait
from typing import Any

from ..image import text_evidence
from .worker import ScanOptions, Task, check_path_with_deadline, failure_record, task_path, timeout_record, worker_main

Result = tuple[Task, str, "bytes | None"]  # (path or thumbnail task, JSON record, annotated thumbnail or None)
STARTUP_SECONDS = 60.0  # a worker's start-up (imports, warm-up) is not part of any file's time limit


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class _Worker:
    def __init__(self, ctx, options: ScanOptions, single_thread: bool = True):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=worker_main, args=(child, options, single_thread), daemon=True)
        self.process.start()
        child.close()
        self.task: tuple[int, Task] | None = None
        self.deadline = 0.0
        if not self.conn.poll(STARTUP_SECONDS) or self.conn.recv() != "ready":
            self.kill()
            raise RuntimeError(f"a worker process did not start within {STARTUP_SECONDS} s")

    def assign(self, task_id: int, path: Task, timeout: float) -> None:
        self.conn.send((task_id, path))
        self.task = (task_id, path)
        self.deadline = time.monotonic() + timeout

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.process.join(5)
        if self.process.is_alive():
            self.kill()
        else:
            self.conn.close()


def _context():
    methods = mp.get_all_start_methods()
    if "forkserver" in methods:
        ctx = mp.get_context("forkserver")
        # the text detector's library too: imported in each worker, it cost every worker 0.6-0.9 s at its first
        # picture that needs the detector (the forkserver skips a module that is not installed)
        ctx.set_forkserver_preload(["idcheck.api", "idcheck.bulk.worker", *text_evidence.DETECTOR_MODULES])
        start_forkserver()
        return ctx
    return mp.get_context("spawn")


def start_forkserver() -> None:
    """Start the forkserver (if it is not running) with one thread per native library in its environment.

    It imports numpy and OpenCV before any worker exists, and OpenBLAS / OpenMP size their thread pools from the
    environment when they load: set later, in the worker, the variables came too late, and each worker's BLAS ran
    on every core (a threaded block-DCT product cost 3.5x the CPU; issue 19).  The caller's own environment is
    restored at once; variables the caller set are kept as they are."""
    from multiprocessing import forkserver

    from .worker import THREAD_ENV

    added = [name for name in THREAD_ENV if name not in os.environ]
    for name in added:
        os.environ[name] = "1"
    try:
        forkserver.ensure_running()
    finally:
        for name in added:
            os.environ.pop(name, None)


def run_local(paths: Iterable[Task], options: ScanOptions, jobs: int | None = None) -> Iterator[Result]:
    """Check ``paths`` on ``jobs`` worker processes (default: every core), yielding results as they finish."""
    jobs = jobs or default_jobs()
    ctx = _context()
    todo = iter(paths)
    counter = itertools.count()
    single = jobs > 1  # several workers share the cores: one thread each; a lone worker keeps OpenCV's threads
    workers = [_Worker(ctx, options, single) for _ in range(jobs)]
    try:
        exhausted = False
        while True:
            for w in workers:  # keep every worker busy: one file each in flight
                if w.task is None and not exhausted:
                    path = next(todo, None)
                    if path is None:
                        exhausted = True
                    else:
                        w.assign(next(counter), path, options.timeout)
            busy = [w for w in workers if w.task is not None]
            if not busy:
                return
            now = time.monotonic()
            ready = wait([w.conn for w in busy], timeout=max(0.0, min(w.deadline for w in busy) - now))
            for i, w in enumerate(workers):
                if w.task is None:
                    continue
                _, path = w.task
                if w.conn in ready:
                    try:
                        _, (line, thumbnail) = w.conn.recv()
                    except (EOFError, OSError):  # the worker died mid-file
                        w.process.join(1)
                        code = w.process.exitcode
                        reason = f"signal {-code}" if code is not None and code < 0 else f"exit status {code}"
                        w.kill()
                        workers[i] = _Worker(ctx, options, single)
                        yield path, failure_record(task_path(path), "file.checker_crashed", options=options,
                                                         reason=reason), None
                        continue
                    w.task = None
                    yield path, line, thumbnail
                elif time.monotonic() >= w.deadline:
                    w.kill()
                    workers[i] = _Worker(ctx, options, single)
                    yield path, timeout_record(task_path(path), options.timeout, options=options), None
    except BaseException:  # Ctrl-C, a write error in the caller: stop now, do not wait for files in flight
        for w in workers:
            w.kill()
        workers = []
        raise
    finally:
        for w in workers:
            w.stop()


def run_dask(paths: Iterable[Task], options: ScanOptions, scheduler,
             max_in_flight: int | None = None) -> Iterator[Result]:
    """The same work on a Dask distributed cluster.

    ``scheduler`` is an address ("tcp://host:8786") or a ``distributed.Client``.
    The files must be readable at the same paths on every worker (a shared
    filesystem).  Tasks cannot be killed, so a file over the time limit gets its
    ``file.timeout`` record while its thread finishes in the background.
    """
    try:
        from distributed import Client, as_completed  # lazy: the optional dask extra
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise RuntimeError("Dask support needs the optional extra: pip install 'idcheck[dask]'") from exc
    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    own_client = client is not scheduler
    try:
        if max_in_flight is None:
            cores = sum(client.nthreads().values()) or 1
            max_in_flight = cores * 4
        todo = iter(paths)
        futures = as_completed()
        owner: dict[Any, Task] = {}  # a Dask future's key -> its task
        for path in itertools.islice(todo, max_in_flight):
            fut = client.submit(check_path_with_deadline, path, options, pure=False)
            owner[fut.key] = path
            futures.add(fut)
        for fut in futures:
            path = owner.pop(fut.key)
            try:
                line, thumbnail = fut.result()
            except Exception as exc:  # a worker lost with the task, or a task error
                line, thumbnail = failure_record(task_path(path), "file.checker_crashed", options=options,
                                                 reason=type(exc).__name__), None
            fut.release()
            yield path, line, thumbnail
            nxt = next(todo, None)
            if nxt is not None:
                new = client.submit(check_path_with_deadline, nxt, options, pure=False)
                owner[new.key] = nxt
                futures.add(new)
    finally:
        if own_client:
            client.close()
