"""A bounded pool of expensive engine objects shared by threads, released when idle.

An OCR engine object (an initialised libtesseract API: ~54 MB with chi_sim) is too expensive to make per
call and too big to keep one per thread: a service whose threads come and go (a thread pool behind plain
``def`` endpoints) would keep one per thread that ever read a document.  The pool keeps at most ``size``
objects per key (a language), lends one to a thread for one read, and ends the objects nobody borrowed for
``idle`` seconds (a daemon thread, running only while the pool holds idle objects).

``size`` defaults to the cores this process may use, ``idle`` to 60 s; both are set by
``IDCHECK_OCR_POOL`` / ``IDCHECK_OCR_IDLE``, by :func:`configure` (``idcheck.ocr.engines.pool.configure``), or
from the ``[ocr_pool]`` section of a :class:`idcheck.Config` (an ``idcheck.toml`` or ``[tool.idcheck]``) by
:func:`configure_from`, which ``idcheck serve`` calls at start.  The same ``size`` bounds RapidOCR's concurrent
runs (``idcheck.ocr.engines.rapid``), read when its engine is first made.
A child process made by ``fork`` starts with an empty pool (the parent's objects are not touched).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any

DEFAULT_IDLE = 60.0


def cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _env_number(name: str, kind: type, default: Any) -> Any:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        return default
    return value if value > 0 else default


_settings: dict[str, Any] = {}


def configure(*, size: int | None = None, idle: float | None = None) -> None:
    """Set the size (engines per language) and idle time (seconds) of every engine pool made or resized
    after this call; existing pools take the new values at once (extra idle engines are ended)."""
    if size is not None:
        if int(size) < 1:
            raise ValueError("pool size must be >= 1")
        _settings["size"] = int(size)
    if idle is not None:
        if float(idle) <= 0:
            raise ValueError("idle time must be > 0 seconds")
        _settings["idle"] = float(idle)
    for pool in list(_pools):
        pool.resize(_settings.get("size"), _settings.get("idle"))


def configure_from(config: Any) -> None:
    """Apply a :class:`idcheck.Config`'s ``ocr_pool`` section (0 leaves a setting at its default: the
    environment's, else the cores and 60 s)."""
    section = getattr(config, "ocr_pool", None)
    if section is None:
        return
    configure(size=section.size or None, idle=section.idle or None)


def default_size() -> int:
    return _settings.get("size") or _env_number("IDCHECK_OCR_POOL", int, cores())


def default_idle() -> float:
    return _settings.get("idle") or _env_number("IDCHECK_OCR_IDLE", float, DEFAULT_IDLE)


_pools: list[EnginePool] = []


class EnginePool:
    """At most ``size`` objects per key, made by ``make(key)`` (None: the key cannot be made; remembered),
    ended by ``destroy(obj)`` after ``idle`` seconds unused or at :meth:`close`."""

    def __init__(self, make: Callable[[Hashable], Any], destroy: Callable[[Any], None], *,
                 size: int | None = None, idle: float | None = None) -> None:
        self._make = make
        self._destroy = destroy
        self.size = size or default_size()
        self.idle = idle or default_idle()
        self._cond = threading.Condition()
        self._free: dict[Hashable, list[tuple[Any, float]]] = {}
        self._alive: dict[Hashable, int] = {}
        self._failed: set[Hashable] = set()
        self._pid = os.getpid()
        self._reaper: threading.Thread | None = None
        self.created = 0  # statistics, for tests and benchmarks
        self.ended = 0
        _pools.append(self)

    def _check_fork(self) -> None:  # under self._cond
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._free, self._alive, self._reaper = {}, {}, None

    def alive(self, key: Hashable | None = None) -> int:
        with self._cond:
            self._check_fork()
            return sum(self._alive.values()) if key is None else self._alive.get(key, 0)

    def idle_count(self) -> int:
        with self._cond:
            return sum(len(v) for v in self._free.values())

    @contextmanager
    def borrow(self, key: Hashable, timeout: float | None = None) -> Iterator[Any]:
        """One object for ``key`` for the ``with`` block; None if it cannot be made or none came free
        within ``timeout`` seconds."""
        obj = self._take(key, timeout)
        try:
            yield obj
        finally:
            if obj is not None:
                self._give(key, obj)

    def _take(self, key: Hashable, timeout: float | None) -> Any:
        end = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            self._check_fork()
            while True:
                if key in self._failed:
                    return None
                free = self._free.get(key)
                if free:
                    return free.pop()[0]
                if self._alive.get(key, 0) < self.size:
                    self._alive[key] = self._alive.get(key, 0) + 1
                    break
                left = None if end is None else end - time.monotonic()
                if left is not None and left <= 0:
                    return None
                self._cond.wait(left)
        try:  # made outside the lock: loading a model takes a while
            obj = self._make(key)
        except Exception:
            obj = None
        with self._cond:
            if obj is None:
                self._alive[key] -= 1
                self._failed.add(key)
                self._cond.notify_all()
            else:
                self.created += 1
        return obj

    def _give(self, key: Hashable, obj: Any) -> None:
        with self._cond:
            if self._pid != os.getpid():
                return  # borrowed in the parent, returned in a child: not ours
            if self._alive.get(key, 0) > self.size:  # the pool was made smaller meanwhile
                self._alive[key] -= 1
                extra = obj
            else:
                extra = None
                self._free.setdefault(key, []).append((obj, time.monotonic()))
                if self._reaper is None or not self._reaper.is_alive():
                    self._reaper = threading.Thread(target=self._reap, name="idcheck-ocr-pool", daemon=True)
                    self._reaper.start()
            self._cond.notify()
        if extra is not None:
            self._end([extra])

    def _end(self, objs: list[Any]) -> None:
        for obj in objs:
            try:
                self._destroy(obj)
            except Exception:  # interpreter shutting down
                pass
        with self._cond:
            self.ended += len(objs)

    def _expired(self, older_than: float) -> list[Any]:  # under self._cond
        out = []
        for key, free in self._free.items():
            keep = [(o, t) for o, t in free if t > older_than]
            for o, t in free:
                if t <= older_than:
                    out.append(o)
                    self._alive[key] -= 1
            free[:] = keep
        return out

    def _reap(self) -> None:
        while True:
            with self._cond:
                if self._pid != os.getpid():
                    return
                if not any(self._free.values()):
                    self._reaper = None
                    return
                oldest = min(t for free in self._free.values() for _, t in free)
                wait = oldest + self.idle - time.monotonic()
                if wait > 0:
                    self._cond.wait(min(wait, self.idle) + 0.01)
                    continue
                expired = self._expired(time.monotonic() - self.idle)
            self._end(expired)

    def resize(self, size: int | None = None, idle: float | None = None) -> None:
        with self._cond:
            if idle:
                self.idle = float(idle)
            extra: list[Any] = []
            if size:
                self.size = int(size)
                for key, free in self._free.items():
                    while free and self._alive[key] > self.size:
                        extra.append(free.pop()[0])
                        self._alive[key] -= 1
            self._cond.notify_all()
        self._end(extra)

    def close(self) -> None:
        """End every idle object now (borrowed ones are ended when returned after this only by idle time)."""
        with self._cond:
            if self._pid != os.getpid():
                return
            objs = self._expired(float("inf"))
            self._cond.notify_all()
        self._end(objs)
