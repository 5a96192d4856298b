"""One BLAS thread for the tamper analyses, in the calling thread only.

numpy's OpenBLAS splits every matrix product over all cores, and its threads spin
between calls.  The tamper analyses make many small products (block DCTs of
25 000 x 64 by 64 x 15, per-table sums): on 2 cores the threaded product of
the block DCT took 7.6 ms of CPU against 1.7 ms on one thread, slower in wall time
too, and ``tamper.local`` as a whole ran 230 ms against 418 ms (wall, both on a
loaded machine; issue 19).  The results are the same bit for bit.

OpenBLAS 0.3.27+ has ``openblas_set_num_threads_local``, which :func:`one_thread`
sets to 1 and restores.  In numpy's pthreads build it acts on the whole process
(measured: another thread's products ran on one thread meanwhile), so the setting
is counted: the first of concurrent analyses sets it, the last one out restores
what was there.  A program's own BLAS work in other threads runs single-threaded
only while an analysis runs.  Anything else (another BLAS, an older OpenBLAS, no
``/proc``) leaves BLAS as it is.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache


@lru_cache(maxsize=1)
def _set_local() -> Callable[[int], int] | None:
    """OpenBLAS's ``openblas_set_num_threads_local`` from the copy numpy loaded, or None."""
    try:
        import numpy  # noqa: F401  (loads its BLAS)

        with open("/proc/self/maps") as fh:
            paths = {line.split()[-1] for line in fh if "openblas" in line.lower() and ".so" in line}
    except (OSError, IndexError):
        return None
    for path in sorted(paths):
        try:
            fn = ctypes.CDLL(path).openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        fn.restype = ctypes.c_int
        fn.argtypes = [ctypes.c_int]
        return fn
    return None


_lock = threading.Lock()
_depth = 0  # analyses inside one_thread() now
_saved = 0  # the setting the first of them found


@contextmanager
def one_thread() -> Iterator[None]:
    """Run the body with one BLAS thread (no-op without OpenBLAS's setting); safe when nested or concurrent."""
    global _depth, _saved
    fn = _set_local()
    if fn is None:
        yield
        return
    with _lock:
        if _depth == 0:
            _saved = fn(1)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                fn(_saved)


def threads() -> int | None:
    """The calling thread's OpenBLAS thread count (None without OpenBLAS's per-thread setting)."""
    fn = _set_local()
    if fn is None:
        return None
    current = fn(1)
    fn(current)
    return current
