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

import dataclasses
import time
from typing import Any

import numpy as np

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
from .image.registry import MIN_JUDGED_SIDE, ImageCheck, check_of
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


# The checks that judge one photographed document (its outline and corners, what lies over it, its size, sharpness
# and colour, a licence's seal): on a picture put together from several photos (a card's front and back stitched by
# an app) they run on each photo, whose frame is its own edges (a grey copy of the back beside a colour photo of the
# front is still a grey copy).  The others judge the picture or the file as a whole: the screen check (reading each
# photo's document for a screen's traces) and the edit traces (inside each photo's document).
PER_PHOTO = frozenset({"document", "resolution", "blur", "glare", "colour", "occlusion", "watermark", "seal"})


def run_checks(ctx: ImageContext, timings: dict[str, float], deadline: Deadline | None = None) -> list[Finding]:
    """Run :data:`CHECKS` on ``ctx`` (see :func:`idcheck.image.registry.run_checks`).  A check that found its
    defect although the document check said it could not judge it is taken out of that ``image.not_judged``
    (:func:`idcheck.image.checks.not_judged.settle`).  On a composite (``ctx.composite_parts``: two or more photos
    put together) the :data:`PER_PHOTO` checks run on each photo, and what they find names the photo
    (:func:`_on_photo`)."""
    start = time.perf_counter()
    photos = _composite_parts(ctx)  # the screen's lines it needs are the screen check's too (computed once)
    ctx.timings["composite"] = (time.perf_counter() - start) * 1000.0
    if not photos:
        return not_judged.settle(_run(ctx, CHECKS, timings, deadline))
    findings: list[Finding] = []
    per_photo = tuple(c for c in CHECKS if c.name in PER_PHOTO)
    extra: list[dict[str, Any]] = []
    not_applicable: dict[str, list[Any]] = {}
    ctx.photo_documents = []
    lines: list[tuple[int, int, int]] = []
    for k, box in enumerate(photos, 1):
        sub = ctx.photo(box)
        sub_timings: dict[str, float] = {}
        origin = ctx.box_origin(box)
        found = not_judged.settle(_run(sub, per_photo, sub_timings, deadline))
        findings.extend(_on_photo(f, k, len(photos), origin) for f in found)
        for name, ms in sub_timings.items():
            timings[name] = timings.get(name, 0.0) + ms
        for name, ms in sub.timings.items():
            ctx.timings[name] = ctx.timings.get(name, 0.0) + ms
        for name, reason in sub.extra.get("not_applicable", {}).items():
            not_applicable.setdefault(name, []).append(reason)
        try:
            found_doc = sub.document
            sure = found_doc is not None and bool(sub.document_confident)
        except Exception:  # noqa: BLE001 - the photo's document check reported it (internal.check_failed)
            found_doc, sure = None, False
        if found_doc is not None and found_doc.method != "frame":
            ctx.photo_documents.append((found_doc.quad + np.asarray(box[:2], found_doc.quad.dtype), sure))
        # the photo's own lines, as its context counted them (the screen check asks: a screenshot in a collage)
        lines.append((sub.uniform_rows, sub.uniform_columns, sub.panel_edges))
        document = sub.extra.get("document")
        if document and document.get("quad"):
            document = {**document, "quad": [[round(x + origin[0], 1), round(y + origin[1], 1)]
                                             for x, y in document["quad"]]}
        extra.append({"box": [[round(x, 1), round(y, 1)] for x, y in ctx.box_to_original(*box)],
                      "document": document})
    ctx.extra["photos"] = extra
    ctx.photo_lines = lines  # the same crops' counts: not counted twice (see ImageContext.photo_lines)
    for name, reasons in not_applicable.items():
        if len(reasons) == len(photos):  # nothing to judge in any photo
            ctx.extra.setdefault("not_applicable", {})[name] = reasons[0]
    whole = tuple(c for c in CHECKS if c.name not in PER_PHOTO)
    return findings + not_judged.settle(_run(ctx, whole, timings, deadline))


def _composite_parts(ctx: ImageContext) -> tuple[tuple[int, int, int, int], ...]:
    """``ctx.composite_parts``, or none on a picture too small to judge (the runner says so) or when looking for them
    fails (the screen check, which reads the same evidence, then reports the failure: never a silent pass)."""
    if min(ctx.width, ctx.height) < MIN_JUDGED_SIDE:
        return ()
    try:
        return ctx.composite_parts
    except Exception:  # noqa: BLE001 - reported by the screen check as internal.check_failed
        return ()


def _on_photo(finding: Finding, k: int, n: int, origin: tuple[float, float]) -> Finding:
    """``finding`` of photo ``k`` of ``n`` in a composite: its message begins with the photo, its region is placed in
    the picture (``origin``: the photo's top-left corner, full-resolution px) and ``details["photo"]`` is ``k``."""
    ox, oy = origin
    return dataclasses.replace(
        finding,
        template="Photo {photo} of {photos}: " + finding.template,
        template_zh=f"第 {{photo}} 张照片（共 {{photos}} 张）：{finding.template_zh}" if finding.template_zh else None,
        params={**finding.params, "photo": k, "photos": n},
        region=tuple((x + ox, y + oy) for x, y in finding.region) if finding.region else None,
        details={**finding.details, "photo": k},
    )
