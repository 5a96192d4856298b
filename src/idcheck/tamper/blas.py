"""One BLAS thread for the tamper analyses, in the calling thread only.

numpy's OpenBLAS splits every matrix product over all cores, and its threads spin
between calls.  The tamper analyses make many small products (block DCTs of
25 000 x 64 by 64 x 15, per-table sums): on 2 cores the threaded product of
the block DCT took 7.6 ms of CPU against 1.7 ms on one thread, slower in wall time
too, and ``tamper.local`` as a whole ran 230 ms against 418 ms (wall, both on a
loaded machine; issue 19).  The results are the same bit for bit.

OpenBLAS 0.3.27+ has ``openblas_set_num_threads_local``: a thread count for the
calling thread, which :func:`one_thread` sets to 1 and restores, so a program
that calls idcheck from several threads (or uses BLAS itself) keeps its own
setting.  Anything else (another BLAS, an older OpenBLAS, no ``/proc``) leaves
BLAS as it is.
"""

from __future__ import annotations

import ctypes
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


@contextmanager
def one_thread() -> Iterator[None]:
    """Run the body with one BLAS thread in this thread (no-op without OpenBLAS's per-thread setting)."""
    fn = _set_local()
    if fn is None:
        yield
        return
    previous = fn(1)
    try:
        yield
    finally:
        fn(previous)


def threads() -> int | None:
    """The calling thread's OpenBLAS thread count (None without OpenBLAS's per-thread setting)."""
    fn = _set_local()
    if fn is None:
        return None
    current = fn(1)
    fn(current)
    return current
