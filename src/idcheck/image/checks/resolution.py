"""image.low_resolution and image.document_small: are there enough pixels on the document?

The measure is the document's long side in ORIGINAL pixels (the full-resolution
picture, not the working copy), compared with what the smallest print needs to stay
legible: 10 px per character height, the floor below which Chinese characters lose strokes - 480 px for an ID
card's 1.8 mm back-side print over 85.6 mm, 850 px for a licence's 3.5 mm body print over 297 mm.  Without a found
document, or with a doubtful outline (which may be a part of the document, such as a licence's inner frame),
the whole picture is measured against the card threshold (the most lenient); so is a picture whose print was found
without an outline (the document fills it: the picture's size bounds the document's) when the print's own height
says nothing; with no document at all nothing is measured (``document.not_found`` is the finding).  A document
cut by the frame edge is measured only from the sides that are in the picture, which is
a lower bound: too short a lower bound is not reported (document.corner_missing is).

Where the outline cannot measure the document (none found but print is there, a doubtful outline, or a cut
document whose lower bound is too short to tell), the print itself is measured: the height of the lines the text
detector found (:mod:`idcheck.image.text_evidence`), in original pixels, at their lower quartile, converted from the
detector's line boxes to glyph height (``GLYPH_PER_BOX``), against ``resolution.min_print_char_px``.  The detector
runs for this only on a cut document it has not already read (about 160 ms of CPU).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ... import codes
from ...report import Finding, Measure
from ..context import ImageContext
from ..registry import image_check
from ._common import NO_DOCUMENT, not_applicable

# Glyph height over the text detector's line-box height (its boxes are the text kernel widened by the unclip ratio):
# lines of Noto Sans CJK rendered at 14, 18, 24 and 32 px gave boxes of 20, 26, 36 and 43 px (glyph ink 15-32 px),
# 0.67-0.75 of the box.
GLYPH_PER_BOX = 0.72
PRINT_QUANTILE = 25  # percent of the lines found: the small print, and not one stray tiny box
MIN_PRINT_LINES = 5  # text lines: fewer make no quantile (a caption, a logo's word); the document check's own count


def print_char_height(ctx: ImageContext, lines: list[np.ndarray] | None) -> tuple[float, int] | None:
    """The print's character height at its lower quartile, original px, and the number of lines measured; None with
    fewer than ``MIN_PRINT_LINES`` lines (or none found)."""
    if not lines or len(lines) < MIN_PRINT_LINES:
        return None
    scale = np.array([ctx.scale_x, ctx.scale_y], np.float32)
    heights = []
    for box in lines:
        b = np.asarray(box, np.float32).reshape(4, 2) * scale
        heights.append(min(float(np.linalg.norm(b[1] - b[0])), float(np.linalg.norm(b[3] - b[0]))))
    return float(np.percentile(heights, PRINT_QUANTILE)) * GLYPH_PER_BOX, len(heights)


def _small_print(ctx: ImageContext, lines: list[np.ndarray] | None) -> Finding | None:
    """image.low_resolution from the print's own height, or None (too few lines, or the print is tall enough)."""
    need = ctx.config.resolution.min_print_char_px
    measured = print_char_height(ctx, lines)
    if measured is None or measured[0] >= need:
        return None
    height, n = measured
    why = "every stroke of the small print can be read"
    return codes.finding(
        "image.low_resolution",
        measured=Measure(round(height, 1), "px per character of its small print"),
        threshold=Measure(need, "px", ">="),
        why=why, subject="The document",
        details={"measured_on": "print", "char_px": round(height, 1), "text_lines": n, "why": why},
    )


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
    if long_side is None or not ctx.document_confident:
        if long_side is None and not ctx.print_without_outline:
            # no document: document.not_found says so; a picture's size alone says nothing of a document's
            not_applicable(ctx, "resolution", NO_DOCUMENT)
            return
        # print without an outline is measured itself, and so is a doubtful outline's when the detector ran
        small = _small_print(ctx, ctx.text_lines if long_side is None else ctx.text_lines_if_found)
        if small is not None:
            yield small
            return
        # the document fills the picture, runs out of it, or has a doubtful outline: the picture's own size bounds
        # the document's, measured against the most lenient threshold (an ID card's)
        long_side = float(max(ctx.decoded.original_size))
        need = cfg.min_long_side_card
        subject = "picture"
    else:
        need = cfg.min_long_side_card if kind == "card" else cfg.min_long_side_page
        subject = "document"
    why = ("an ID card's smallest print gets 10 px per character" if need == cfg.min_long_side_card
           else "a licence's small print gets 10 px per character")
    if long_side < need and cut and subject == "document":
        # the part in the picture is too short, but the document goes on past the frame: its print tells
        small = _small_print(ctx, ctx.text_lines if ctx.config.document.min_text_lines > 0 else None)
        if small is not None:
            yield small
            return
    if long_side < need and not (cut and subject == "document"):
        yield codes.finding(
            "image.low_resolution",
            measured=Measure(int(round(long_side)), f"px on the {subject}'s long side"),
            threshold=Measure(need, "px", ">="),
            why=why, subject=f"The {subject}",
            details={"measured_on": subject, "kind": kind, "long_side_px": round(long_side, 1), "why": why},
        )
        return
    if doc is not None and ctx.document_confident and doc.frame_share < cfg.small_share:
        yield codes.finding(
            "image.document_small",
            measured=Measure(round(100 * doc.frame_share, 1), "% of the picture"),
            threshold=Measure(round(100 * cfg.small_share, 1), "%", ">="),
            details={"frame_share": round(doc.frame_share, 4), "long_side_px": round(long_side, 1)},
        )
