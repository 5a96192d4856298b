"""image.low_resolution and image.document_small: are there enough pixels on the document?

The measure is the document's long side in ORIGINAL pixels (the full-resolution
picture, not the working copy), compared with what the smallest print needs to stay
legible: 10 px per character height, the floor below which Chinese characters lose strokes - 480 px for an ID
card's 1.8 mm back-side print over 85.6 mm, 850 px for a licence's 3.5 mm body print over 297 mm.  Without a found
document, or with a doubtful outline (which may be a part of the document, such as a licence's inner frame),
the whole picture is measured against the card threshold (the most lenient); with no document at all
nothing is measured (``document.not_found`` is the finding).  A document
cut by the frame edge is measured only from the sides that are in the picture, which is
a lower bound: too short a lower bound is not reported (document.corner_missing is).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ... import codes
from ...report import Finding, Measure
from ..context import ImageContext
from ..registry import image_check
from ._common import NO_DOCUMENT, not_applicable


def document_long_side(ctx: ImageContext) -> float | None:
    """Mean length of the document's longer pair of sides, original px."""
    doc = ctx.document
    if doc is None:
        return None
    q = np.asarray(ctx.to_original(doc.quad), np.float32)
    a = (np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
    b = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
    return float(max(a, b))


@image_check("resolution", codes=("image.low_resolution", "image.document_small"), section="resolution")
def check_resolution(ctx: ImageContext) -> Iterator[Finding]:
    cfg = ctx.config.resolution
    long_side = document_long_side(ctx)
    kind = ctx.document_kind
    doc = ctx.document
    # a side lying on the frame edge: the document is cut there, and its length across is a lower bound only
    cut = bool(doc is not None and doc.details.get("frame_edge_sides"))
    if long_side is None:
        # no document: document.not_found says so; a picture's size alone says nothing of a document's.  (Print
        # without an outline: image.not_judged from the document check names this check)
        if not ctx.print_without_outline:
            not_applicable(ctx, "resolution", NO_DOCUMENT)
        return
    if not ctx.document_confident:
        long_side = float(max(ctx.decoded.original_size))
        need = cfg.min_long_side_card
        subject = "picture"
    else:
        need = cfg.min_long_side_card if kind == "card" else cfg.min_long_side_page
        subject = "document"
    why = ("an ID card's smallest print gets 10 px per character" if need == cfg.min_long_side_card
           else "a licence's small print gets 10 px per character")
    if long_side < need and not (cut and subject == "document"):
        yield codes.finding(
            "image.low_resolution",
            measured=Measure(int(round(long_side)), f"px on the {subject}'s long side"),
            threshold=Measure(need, "px", ">="),
            why=why,
            details={"kind": kind, "long_side_px": round(long_side, 1), "why": why},
        )
        return
    if doc is not None and ctx.document_confident and doc.frame_share < cfg.small_share:
        yield codes.finding(
            "image.document_small",
            measured=Measure(round(100 * doc.frame_share, 1), "% of the picture"),
            threshold=Measure(round(100 * cfg.small_share, 1), "%", ">="),
            details={"frame_share": round(doc.frame_share, 4), "long_side_px": round(long_side, 1)},
        )
