"""The image checks that run on every picture, in the order they run: one explicit list.

``document`` runs first: it finds the document (``ctx.document``), which every later
check reuses through the context's cached views.  The edit traces run last: the
local-edit detectors reuse the document found above.

This module sits above ``image/`` and ``tamper/`` (both below it import nothing
from here); :func:`idcheck.image.registry.run_checks` runs the list it is given.
To add a check: write it under ``image/checks/`` (or ``tamper/``) with
``@image_check``, add its codes to the catalogue, and list it here.
"""

from __future__ import annotations

from typing import Any

from .config import Config
from .deadline import Deadline
from .image.checks import (
    blur,
    colour,
    document,
    glare,
    not_judged,
    occlusion,
    resolution,
    screen,
    seal,  # the red seal of a licence (seal branch): after colour
    watermark,
)
from .image.context import ImageContext
from .image.registry import ImageCheck, check_of
from .image.registry import run_checks as _run
from .intake import jpegtables
from .intake.decoded import DecodedImage
from .report import Finding
from .tamper import checks as tamper

CHECKS: tuple[ImageCheck, ...] = tuple(check_of(fn) for fn in (
    document.check_document,
    resolution.check_resolution,
    blur.check_blur,
    glare.check_glare,
    colour.check_colour,
    occlusion.check_occlusion,
    watermark.check_watermark,
    screen.check_screen,
    seal.check_seal,
    tamper.check_metadata,
    tamper.check_local,
))


def make_context(
    decoded: DecodedImage, config: Config, file_facts: dict[str, Any] | None = None, data: bytes | None = None
) -> ImageContext:
    """The checks' shared context for one decoded picture, with the JPEG-table reader the checks use."""
    return ImageContext(decoded, config, file_facts, data=data, read_jpeg_tables=jpegtables.read)


def run_checks(ctx: ImageContext, timings: dict[str, float], deadline: Deadline | None = None) -> list[Finding]:
    """Run :data:`CHECKS` on ``ctx`` (see :func:`idcheck.image.registry.run_checks`).  A check that found its
    defect although the document check said it could not judge it is taken out of that ``image.not_judged``
    (:func:`idcheck.image.checks.not_judged.settle`)."""
    return not_judged.settle(_run(ctx, CHECKS, timings, deadline))
