"""document.not_found and document.corner_missing: is the whole document in the picture?

Uses the shared detection (``ctx.document``, see :mod:`idcheck.image.document`).
A corner is *missing* when the document's corner lies outside the frame or closer to
the frame edge than ``document.corner_margin``: the physical corner (rounded on an
ID card, the border line on a licence) is then not visible.  Because a convex
document cut by the frame always has at least one corner outside, this also
covers "the document is cut by the frame edge"; so does a side of the outline found
lying along the frame edge (both its corners are then missing).
"""

from __future__ import annotations

from typing import Iterator

import numpy as np

from ... import codes
from ...report import Finding, Measure
from ..context import ImageContext
from ..registry import image_check
from ._common import CORNER_NAMES, CORNER_ZH, join_words


@image_check("document", codes=("document.not_found", "document.corner_missing"), needs=("document",), section="document")
def check_document(ctx: ImageContext) -> Iterator[Finding]:
    cfg = ctx.config.document
    doc = ctx.document
    if doc is None:
        ctx.extra["document"] = None
        yield codes.finding("document.not_found", details={"searched_at_px": cfg.detect_long_side})
        return
    quad_orig = ctx.to_original(doc.quad)
    ctx.extra["document"] = {
        "quad": [[round(x, 1), round(y, 1)] for x, y in quad_orig],
        "frame_share": round(doc.frame_share, 4),
        "kind": ctx.document_kind,
        "edge_support": round(doc.score, 3),
        "method": doc.method,
        "confidence": round(doc.confidence, 3),
        "confident": ctx.document_confident,
        **{k: doc.details[k] for k in ("straightness", "worst_angle_deg", "aspect") if k in doc.details},
    }
    ow, oh = ctx.decoded.original_size
    margin = cfg.corner_margin * min(ow, oh)
    # signed distance of each corner to the nearest frame edge (negative: outside), original px
    dist = [min(x, y, ow - x, oh - y) for x, y in quad_orig]
    # a side lying along the frame edge is where the frame cuts the document: both its corners are missing, even
    # when the line fitted there stops a few px short of the edge
    cut_sides = doc.details.get("frame_edge_sides", [])
    on_cut = {i for s in cut_sides for i in (s, (s + 1) % 4)}
    missing = [CORNER_NAMES[i] for i in range(4) if dist[i] < margin or i in on_cut]
    if not missing or doc.score < cfg.corner_min_support or not ctx.document_confident:
        return
    worst = min(dist[CORNER_NAMES.index(m)] for m in missing)
    q = np.asarray(quad_orig, np.float32)
    if len(missing) == 1:
        i = CORNER_NAMES.index(missing[0])
        p, a, b = q[i], q[(i + 1) % 4], q[(i - 1) % 4]
        region = [tuple(p), tuple(p + 0.2 * (a - p)), tuple(p + 0.2 * (a - p) + 0.2 * (b - p)), tuple(p + 0.2 * (b - p))]
    else:
        region = [tuple(pt) for pt in q]
    words = [f"{m}" for m in missing]
    yield codes.finding(
        "document.corner_missing",
        measured=Measure(round(float(worst), 1), "px from the picture edge (negative: outside)"),
        threshold=Measure(round(margin, 1), "px", ">="),
        region=[(float(x), float(y)) for x, y in region],
        corners=join_words(words) + (" corner" if len(words) == 1 else " corners"),
        corners_zh=join_words([CORNER_ZH[m] for m in missing], zh=True),
        verb="is" if len(words) == 1 else "are",
        details={"corners": missing, "corner_distance_px": [round(float(d), 1) for d in dist],
                 "edge_support": round(doc.score, 3)},
    )
