"""image.glare: specular blow-outs that wipe out print inside the document.

Measure: the share of the document's area that is **clipped** (grey >= ``glare.clip_level``),
**colourless** (HSV saturation <= 60: a reflection of the lamp, not a white print
area of a colour) and **brighter than the document's own paper** (its median grey
plus ``glare.above_paper``).  Specks under 0.05% of the document are ignored, and so
is a blown-out strip that lies only along the outline's rim (``glare.rim_inset``).

Physically: a reflection off a laminate or a plastic sleeve adds the light source's
image on top of the print; where the sensor saturates, nothing of the print is left.
A mild sheen raises the brightness without clipping and leaves print readable; an
evenly overexposed white licence has its paper at the clip level too, so nothing
stands out above the paper.  The found outline is accurate to about 1% of the
document, so the rim may show what lies beyond it - a white desk, a sheet of paper, an
app's white background around a card in a screenshot: a spot must reach into the
document past that rim (and is then counted whole, rim included).
"""

from __future__ import annotations

import math
from typing import Iterator

import cv2
import numpy as np

from ... import codes
from ...report import Finding, Measure
from ..context import ImageContext
from ..registry import image_check
from ..stats import median_u8
from ._common import component_hull, place_of, rectified_polygon_to_original


def glare_mask(rgb: np.ndarray, valid: np.ndarray, clip_level: int, above_paper: int,
               gray: np.ndarray | None = None, sat: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """The blown-out mask inside ``valid`` and the paper level used.  ``gray`` and ``sat`` (the HSV saturation)
    may be passed in when already computed (``Rectified.gray``, ``Rectified.saturation``)."""
    if gray is None:
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if sat is None:
        sat = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)[:, :, 1]
    inside = valid if valid.dtype == np.uint8 else (valid > 0).astype(np.uint8) * 255
    paper = median_u8(gray, inside) if cv2.countNonZero(inside) else 255.0
    if paper + above_paper > 255.0:
        # the paper itself is at the sensor's (or the screen's) white: nothing can stand out above it, and what is
        # clipped is the paper, not a reflection (white copy paper, an app's white page around a card)
        return np.zeros(gray.shape, np.uint8), paper
    level = max(clip_level, paper + above_paper)
    # whole grey levels: gray >= level is gray >= ceil(level) (level <= 254); all three tests on 8-bit planes
    mask = cv2.bitwise_and(cv2.inRange(gray, math.ceil(level), 255), cv2.inRange(sat, 0, 60), mask=inside)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    return mask, paper


def blown_spots(mask: np.ndarray, area: float, rim_inset: float, min_speck: float = 0.0005):
    """Connected spots of the blown-out ``mask`` that count as glare, and their share of the document's ``area``
    (px).  A spot counts when it has ``min_speck`` of the area in all and as much inside the document's rim (the
    outer ``rim_inset`` of its short side); it is then counted whole, its part in the rim included.

    Returns ``(share, kept_labels, labels, stats, centroids)`` (the last three from connectedComponentsWithStats).
    """
    if not cv2.countNonZero(mask):  # nothing blown out (most photos): no spots, skip the labelling
        return 0.0, [], None, None, None
    n, lab, stats, cent = cv2.connectedComponentsWithStats(mask, connectivity=8)
    h, w = mask.shape
    inset = max(1, int(round(rim_inset * min(h, w))))
    inner = np.bincount(lab[inset:h - inset, inset:w - inset].ravel(), minlength=n)
    need = min_speck * area
    keep = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= need and inner[i] >= need]
    blown = float(sum(stats[i, cv2.CC_STAT_AREA] for i in keep))
    return (blown / area if area else 0.0), keep, lab, stats, cent


@image_check("glare", codes=("image.glare",), needs=("rectified",), section="glare")
def check_glare(ctx: ImageContext) -> Iterator[Finding]:
    cfg = ctx.config.glare
    rect = ctx.rectified
    if rect is None or ctx.drawn_on_screen:  # (an app's capture: image.screenshot says what is wrong)
        return
    mask, paper = glare_mask(rect.rgb, rect.valid, cfg.clip_level, cfg.above_paper, rect.gray, rect.saturation)
    area = float(np.count_nonzero(rect.valid))
    share, keep, lab, stats, cent = blown_spots(mask, area, cfg.rim_inset)
    ctx.extra.setdefault("measures", {})["glare_share"] = round(share, 5)
    if share <= cfg.max_share or not keep:
        return
    big = max(keep, key=lambda i: stats[i, cv2.CC_STAT_AREA])
    hull = component_hull((lab == big).astype(np.uint8))
    h, w = mask.shape
    cx, cy = cent[big]
    yield codes.finding(
        "image.glare",
        measured=Measure(round(100 * share, 2), "%"),
        threshold=Measure(round(100 * cfg.max_share, 2), "%", "<="),
        region=rectified_polygon_to_original(ctx, hull),
        details={"spots": len(keep), "paper_level": round(paper, 1), "where": place_of(cx / w, cy / h)},
    )
