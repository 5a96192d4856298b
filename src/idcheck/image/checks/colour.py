"""image.grayscale: black-and-white scans, photocopies and greyscale photos.

Measure: the share of the document's area in **local colour**: Lab chroma of at least
``colour.min_chroma`` *relative to the colour around it*.  The a*, b* planes are
smoothed over 5 x 5 px (which removes JPEG chroma noise and the 1-2 px colour fringes
that demosaicing and chromatic aberration put on black print), then the slowly varying
colour of the light and the paper (a gaussian of 1/8 of the document) is subtracted.

Physically: an original colour document always has some print that is coloured
against the paper around it - the red seal and emblem of a licence, the blue labels,
tinted background and portrait of an ID card - even when it is mostly white and
faded.  A photocopy photographed in colour has a tint that changes only slowly
across it (warm light at one side, daylight at the other): that is removed with the
local background, and what remains is chroma noise.  Without a found document the
whole picture is measured.
"""

from __future__ import annotations

from typing import Iterator

import cv2
import numpy as np

from ... import codes
from ...report import Finding, Measure
from ..context import ImageContext
from ..registry import image_check

_WORK = 480.0  # px, long side the measure runs at: colour is a property of areas, not of fine detail


def coloured_share(rgb: np.ndarray, valid: np.ndarray | None, min_chroma: float) -> float:
    """Share of ``valid`` pixels whose smoothed chroma stands ``min_chroma`` above the local background.

    Pure function: ``rgb`` (H x W x 3 uint8), ``valid`` (H x W, non-zero inside the document, or None
    for the whole picture), ``min_chroma`` in Lab chroma units.
    """
    h, w = rgb.shape[:2]
    f = min(1.0, _WORK / max(h, w))
    if f < 1.0:
        rgb = cv2.resize(rgb, (max(8, int(w * f)), max(8, int(h * f))), interpolation=cv2.INTER_AREA)
        if valid is not None:
            valid = cv2.resize(valid, (rgb.shape[1], rgb.shape[0]), interpolation=cv2.INTER_NEAREST)
    inside = (valid > 0) if valid is not None else np.ones(rgb.shape[:2], bool)
    if not inside.any():
        return 0.0
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)
    h, w = rgb.shape[:2]
    # the background colour varies slowly (a gaussian of 1/8 of the document): computed on a 1/8 copy, which is as
    # exact for it and 60x cheaper than a 60 px gaussian at full size
    low = (max(2, w // 8), max(2, h // 8))
    sigma_low = max(h, w) / 8.0 / 8.0
    weight = cv2.GaussianBlur(cv2.resize(inside.astype(np.float32), low, interpolation=cv2.INTER_AREA), (0, 0), sigma_low)
    chroma2 = np.zeros((h, w), np.float32)
    for ch in (1, 2):
        plane = lab[:, :, ch] - float(np.median(lab[:, :, ch][inside]))
        plane = np.where(inside, plane, 0.0).astype(np.float32)
        smooth = cv2.blur(plane, (5, 5))
        # averaged over the document only (normalised convolution), so the table around it does not bleed in
        blurred = cv2.GaussianBlur(cv2.resize(plane, low, interpolation=cv2.INTER_AREA), (0, 0), sigma_low)
        background = cv2.resize(blurred / np.maximum(weight, 1e-3), (w, h), interpolation=cv2.INTER_LINEAR)
        chroma2 += np.square(smooth - background)
    coloured = (chroma2 >= min_chroma * min_chroma) & inside
    return float(np.count_nonzero(coloured)) / float(np.count_nonzero(inside))


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
