"""A cooperative deadline for one ``check()`` call.

``check(..., timeout=S)`` (default ``Config.intake.timeout``) starts a :class:`Deadline`; the stages
of ``check`` and the image-check registry look at it *between* stages and checks, and the OCR stage
gets at most the time left.  When it has passed, ``check`` stops and reports ``file.timeout`` with
the stages and checks that ran.

What a cooperative deadline cannot bound: one call that does not return (a native decode inside
Pillow, one OpenCV call, one check's own loop).  Those are bounded by budgets *before* they start
(pixels, decoded bytes per input byte, scans per progressive JPEG, metadata size: see
``idcheck.intake.budget``), so no single call can run long on a file within the budgets; a process
that must be bounded absolutely runs ``check`` in a worker it can kill (``idcheck scan`` does).
"""

from __future__ import annotations

import math
import time


class DeadlineExceeded(Exception):
    """Raised inside ``check`` when the deadline has passed; turned into ``file.timeout``, never escapes."""

    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where


class Deadline:
    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.started = time.perf_counter()
        self.end = math.inf if seconds is None else self.started + seconds

    def remaining(self) -> float:
        return self.end - time.perf_counter()

    def expired(self) -> bool:
        return time.perf_counter() >= self.end

    def check(self, where: str) -> None:
        """Raise :class:`DeadlineExceeded` if the deadline has passed (``where``: what was about to run)."""
        if time.perf_counter() >= self.end:
            raise DeadlineExceeded(where)
