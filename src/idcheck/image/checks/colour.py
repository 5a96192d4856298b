"""image.grayscale: black-and-white scans, photocopies and greyscale photos.

Measure: the share of the document's area in **clear colour**: Lab chroma >=
``colour.min_chroma`` after removing the picture's colour cast (the median a*, b* of
the document), with 1-2 px colour fringes (demosaicing, chromatic aberration at
black print edges) removed by a 3 x 3 opening.

Physically: an original colour document always has some clearly coloured print -
the red seal and emblem of a licence, the blue labels, tinted background and portrait
of an ID card - even when it is mostly white.  A photocopy photographed in colour
has a uniform tint (removed as cast) and no coloured print.  Without a found
document the whole picture is measured.
"""

from __future__ import annotations

from typing import Iterator

import cv2
import numpy as np

from ... import codes
from ...report import Finding, Measure
from ..context import ImageContext
from ..registry import image_check


def coloured_share(rgb: np.ndarray, valid: np.ndarray | None, min_chroma: float) -> float:
    h, w = rgb.shape[:2]
    f = min(1.0, 480.0 / max(h, w))
    if f < 1.0:
        rgb = cv2.resize(rgb, (max(8, int(w * f)), max(8, int(h * f))), interpolation=cv2.INTER_AREA)
        if valid is not None:
            valid = cv2.resize(valid, (rgb.shape[1], rgb.shape[0]), interpolation=cv2.INTER_NEAREST)
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)
    inside = (valid > 0) if valid is not None else np.ones(rgb.shape[:2], bool)
    if not inside.any():
        return 0.0
    a = lab[:, :, 1] - np.median(lab[:, :, 1][inside])
    b = lab[:, :, 2] - np.median(lab[:, :, 2][inside])
    chroma = np.sqrt(a * a + b * b)
    mask = ((chroma >= min_chroma) & inside).astype(np.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    return float(np.count_nonzero(mask)) / float(np.count_nonzero(inside))


@image_check("colour", codes=("image.grayscale",), needs=("rectified_any",), section="colour")
def check_colour(ctx: ImageContext) -> Iterator[Finding]:
    cfg = ctx.config.colour
    rect = ctx.rectified_any  # colours need the document's region only roughly: a doubtful quad will do
    if rect is not None:
        share = coloured_share(rect.rgb, rect.valid, cfg.min_chroma)
        where = "document"
    else:
        share = coloured_share(ctx.small, None, cfg.min_chroma)
        where = "picture"
    ctx.extra.setdefault("measures", {})["coloured_share"] = round(share, 5)
    if share < cfg.min_coloured_share:
        yield codes.finding(
            "image.grayscale",
            measured=Measure(round(100 * share, 3), f"% of the {where} in colour"),
            threshold=Measure(round(100 * cfg.min_coloured_share, 3), "%", ">="),
            details={"measured_on": where},
        )
