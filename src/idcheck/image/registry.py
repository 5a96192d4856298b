"""The image check type and the runner.

A check is a plain function ``fn(ctx) -> iterable of Finding``, marked with
:func:`image_check`, which records its name, the codes it may emit and its
config section (``fn.image_check``, an :class:`ImageCheck`).  The checks that
run, and their order, are one explicit list in :mod:`idcheck.pipeline`;
:func:`run_checks` runs the list it is given.  This module imports no check.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .. import codes
from ..deadline import Deadline
from ..report import Finding, Measure
from .context import ImageContext

CheckFn = Callable[[ImageContext], Iterable[Finding]]

# A picture narrower than this (px, short side) is not judged at all: at 10 px per character no document's
# smallest print fits, and the checks' filters (9 x 9 windows, 8 x 8 blocks, a 32 px spectrum) need the room.
MIN_JUDGED_SIDE = 32


@dataclass(frozen=True)
class ImageCheck:
    name: str
    codes: tuple[str, ...]
    section: str | None  # the Config section holding its thresholds (tests/test_layers.py checks it exists)
    fn: CheckFn


def image_check(name: str, *, codes: Iterable[str], section: str | None = None) -> Callable[[CheckFn], CheckFn]:
    """Decorator: describe ``fn`` as the image check ``name`` (``fn.image_check``); it runs once it is
    listed in :data:`idcheck.pipeline.CHECKS`."""

    def describe(fn: CheckFn) -> CheckFn:
        fn.image_check = ImageCheck(name, tuple(codes), section, fn)  # type: ignore[attr-defined]
        return fn

    return describe


def check_of(fn: CheckFn) -> ImageCheck:
    """The :class:`ImageCheck` that :func:`image_check` attached to ``fn``."""
    check = getattr(fn, "image_check", None)
    if not isinstance(check, ImageCheck):
        raise TypeError(f"{fn!r} is not marked with @image_check")
    return check


def run_checks(
    ctx: ImageContext, checks: Sequence[ImageCheck], timings: dict[str, float], deadline: Deadline | None = None
) -> list[Finding]:
    """Run ``checks`` in order on ``ctx``; a check that crashes becomes ``internal.check_failed``.

    That finding is an error (fail closed): what the crashed check looks for was never looked at,
    so the picture cannot pass; the remaining checks still run.  With a ``deadline``, it is looked at
    before each check (:class:`idcheck.deadline.DeadlineExceeded` propagates to ``check``, which
    reports ``file.timeout``; the checks that ran are in ``timings``).
    """
    findings: list[Finding] = []
    if min(ctx.width, ctx.height) < MIN_JUDGED_SIDE:
        # a few pixels hold no document: none of the checks can judge them (and their filters need room)
        ow, oh = ctx.decoded.original_size
        return [codes.finding(
            "image.low_resolution", severity="error",
            measured=Measure(int(max(ow, oh)), "px on the picture's long side"),
            threshold=Measure(MIN_JUDGED_SIDE, "px on the short side", ">="),
            why="no document fits in so few pixels", subject="The picture",
            details={"too_small_to_judge": True, "size": [ow, oh]},
        )]
    for check in checks:
        if deadline is not None:
            deadline.check(f"check.{check.name}")
        start = time.perf_counter()
        try:
            for f in check.fn(ctx):
                if f.code not in check.codes:
                    raise RuntimeError(f"check {check.name} emitted {f.code}, not among its codes {check.codes}")
                findings.append(f)
        except Exception as exc:  # a bug in one check must not lose the rest of the report
            findings.append(
                codes.finding(
                    "internal.check_failed",
                    severity="error",
                    check=check.name,
                    error=f"{type(exc).__name__}: {exc}",
                    details={"check": check.name, "error": type(exc).__name__},
                )
            )
        timings[f"check.{check.name}"] = (time.perf_counter() - start) * 1000.0
    return findings
