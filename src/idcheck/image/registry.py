"""The registry of image checks: one entry per check, in the order they run.

Each entry names the codes the check may emit, the context views it reads and
its config section.  A check is a plain function ``fn(ctx) -> iterable of
Finding``; register it with :func:`image_check` in a module under
``idcheck.image.checks`` and list that module in ``checks/__init__.py``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

from .. import codes
from ..report import Finding, Measure
from .context import ImageContext

if TYPE_CHECKING:
    from ..deadline import Deadline

CheckFn = Callable[[ImageContext], Iterable[Finding]]

# A picture narrower than this (px, short side) is not judged at all: at 10 px per character no document's
# smallest print fits, and the checks' filters (9 x 9 windows, 8 x 8 blocks, a 32 px spectrum) need the room.
MIN_JUDGED_SIDE = 32


@dataclass(frozen=True)
class ImageCheck:
    name: str
    codes: tuple[str, ...]
    needs: tuple[str, ...]
    section: str | None
    fn: CheckFn


REGISTRY: list[ImageCheck] = []


def image_check(
    name: str, *, codes: Iterable[str], needs: Iterable[str] = (), section: str | None = None
) -> Callable[[CheckFn], CheckFn]:
    """Decorator: add ``fn`` to the registry under ``name``."""

    def register(fn: CheckFn) -> CheckFn:
        if any(c.name == name for c in REGISTRY):
            raise ValueError(f"image check {name!r} registered twice")
        REGISTRY.append(ImageCheck(name, tuple(codes), tuple(needs), section, fn))
        return fn

    return register


def run_checks(ctx: ImageContext, timings: dict[str, float], deadline: "Deadline | None" = None) -> list[Finding]:
    """Run every registered check on ``ctx``; a check that crashes becomes ``internal.check_failed``.

    That finding is an error (fail closed): what the crashed check looks for was never looked at,
    so the picture cannot pass; the remaining checks still run.  With a ``deadline``, it is looked at
    before each check (:class:`idcheck.deadline.DeadlineExceeded` propagates to ``check``, which
    reports ``file.timeout``; the checks that ran are in ``timings``).
    """
    from . import checks  # noqa: F401  (importing registers the checks)

    findings: list[Finding] = []
    if min(ctx.width, ctx.height) < MIN_JUDGED_SIDE:
        # a few pixels hold no document: none of the checks can judge them (and their filters need room)
        ow, oh = ctx.decoded.original_size
        return [codes.finding(
            "image.low_resolution", severity="error",
            measured=Measure(int(max(ow, oh)), "px on the picture's long side"),
            threshold=Measure(MIN_JUDGED_SIDE, "px on the short side", ">="),
            why="no document fits in so few pixels",
            details={"too_small_to_judge": True, "size": [ow, oh]},
        )]
    for check in REGISTRY:
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
