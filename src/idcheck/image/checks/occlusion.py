"""document.occluded: a finger, thumb or hand over the document.

Measure: the share of the document's area covered by **smooth, skin-coloured regions
that cross the document's outline** (reach within ``occlusion.border_band`` of it, past the ignored inset),
reach at least 3% of its short side inwards, **and go on outside it** (:func:`_continues_outside`: more skin of
the same colour beyond the edge, or the frame's edge itself).  A finger comes from outside the document; warm
shading at a margin, a punch hole showing a wooden desk or a red table row stop at the outline (on real photos
those were 11 false alarms of the old rule, which looked only at the inside).

Physically: fingers hold a document at its edge and cover corners, edges and the
print next to them; the portrait's face is skin-coloured too, but it is printed well
inside the border.  Skin is detected in YCrCb, relative to the paper's own colour,
and must be smooth (see :func:`skin_mask`): red print and watermark text are strokes.  The outermost
``occlusion.inset`` of the document is ignored: the found outline is accurate to
about 1%, and a wooden table showing there is not a finger.  Only skin is detected:
a pen or another paper lying on the document is not found by this check.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import cv2
import numpy as np

from ... import codes
from ...report import Finding, Measure
from ..context import ImageContext
from ..registry import image_check
from ..stats import median_u8
from ._common import (
    APP_CAPTURE,
    NO_DOCUMENT,
    PLACE_ZH,
    component_hull,
    join_words,
    not_applicable,
    place_of,
    rectified_polygon_to_original,
)


def skin_mask(rgb: np.ndarray, valid: np.ndarray | None = None, max_texture: float = 5.0,
              gray: np.ndarray | None = None, sat: np.ndarray | None = None) -> np.ndarray:
    """Smooth, skin-coloured pixels, relative to the document's own paper colour.

    * the YCrCb box that holds all skin tones under daylight and warm light (Cr 133-180, Cb 77-127);
    * redder (Cr +8) and less blue (Cb -3) than the document's median colour, and not grey (HSV S >= 25):
      cream paper under warm light falls in the box, but never stands out from itself;
    * smooth: grey-level standard deviation over 5 x 5 px at most ``max_texture``.  Skin carries no print;
      red or orange print (seal, watermark text, tinted guilloche) is made of strokes and is never smooth.

    ``gray`` and ``sat`` (HSV saturation) may be passed in when already computed (``Rectified``).
    """
    ycc = cv2.cvtColor(rgb, cv2.COLOR_RGB2YCrCb)
    inside = valid is None or cv2.countNonZero(valid) > 0
    cr_paper = median_u8(ycc[:, :, 1], valid) if inside else 128.0
    cb_paper = median_u8(ycc[:, :, 2], valid) if inside else 128.0
    # the box and the "redder and less blue than the paper" test in one inRange: for whole Cr, Cb levels,
    # Cr >= cr_paper + 8 is Cr >= ceil(cr_paper + 8) and Cb <= cb_paper - 3 is Cb <= floor(cb_paper - 3)
    cr_low = max(133, math.ceil(cr_paper + 8))
    cb_high = min(127, math.floor(cb_paper - 3))
    if cr_low > 180 or cb_high < 77:  # an empty range (inRange would clip the bounds to 0-255, not empty it)
        return np.zeros(rgb.shape[:2], np.uint8)
    box = cv2.inRange(ycc, (40, cr_low, 77), (250, 180, cb_high))
    if sat is None:
        sat = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)[:, :, 1]
    if gray is None:
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    grey = gray.astype(np.float32)
    mean = cv2.blur(grey, (5, 5))
    texture = np.sqrt(np.maximum(cv2.blur(grey * grey, (5, 5)) - mean * mean, 0.0))
    return cv2.bitwise_and(box, ((sat >= 25) & (texture <= max_texture)).astype(np.uint8) * 255)


# A side of the outline found a little outside the document shows the background along it as a strip: on a brown
# desk that strip is skin-coloured and goes on outside, like a finger.  A finger covers a part of a side (a fingertip
# is 15-20 mm of a card's 85 mm side, a thumb and two fingers together under half of it); the background seen
# through a misplaced side runs along most of it.  A side along which another surface than the document's runs in
# from the edge, past the inset, over this share of its length is taken as misplaced, and that strip (its depth at
# the 90th percentile) is left out like the inset.  Real photo: a 290 px card turned or mirrored (p0100) showed the
# desk along 97% of its top side, 12 px deep; its other sides 2-13%.
_MISPLACED_SHARE = 0.6
# ... up to this depth (share of the document's short side): a deeper strip is no small misplacement of a side
_MISPLACED_MAX_DEPTH = 0.08
# Lab distance (OpenCV 8-bit Lab) from the document's median colour at which a pixel is another surface: paper
# against a desk differs by 20 or more (idcheck.image.document.framing's BAND_OTHER_SURFACE); print and shading
# inside a strip only a few px deep along a side are not continuous along most of it
_OTHER_SURFACE = 25.0


def _other_surface(rgb: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """H x W bool: pixels of the rectified document at least :data:`_OTHER_SURFACE` from its median colour."""
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)
    inside = valid > 0
    if not inside.any():
        return np.zeros(rgb.shape[:2], bool)
    med = np.array([median_u8(np.ascontiguousarray(lab[:, :, c]), valid) for c in range(3)], np.float32)
    d = lab.astype(np.float32) - med
    return (np.einsum("ijk,ijk->ij", d, d) >= _OTHER_SURFACE ** 2) & inside


# A skin region with at least this share of its pixels in a misplaced side's strip is that strip's background
_MISPLACED_REGION = 0.5


def _inside_share(lab: np.ndarray, stats: np.ndarray, i: int, strip: np.ndarray) -> float:
    """Share of component ``i``'s pixels (``lab``, ``stats`` from connectedComponentsWithStats) inside ``strip``."""
    x, y, bw, bh = stats[i, :4]
    comp = lab[y:y + bh, x:x + bw] == i
    return float(np.count_nonzero(comp & strip[y:y + bh, x:x + bw])) / max(1, int(np.count_nonzero(comp)))


def misplaced_sides(other: np.ndarray, inset: int, max_depth: float) -> tuple[int, int, int, int]:
    """Depth in px (top, right, bottom, left) of the strip to leave out along each side of the rectified
    document, from ``other`` (H x W, true where another surface shows): 0 for a side where it does not run in from
    the edge past ``inset`` along :data:`_MISPLACED_SHARE` of its length, else the 90th percentile of how deep it
    runs there (at most ``max_depth`` px)."""
    cap = max(1, int(max_depth))
    out = []
    for strip in (other[:cap], other[:, -cap:].T[::-1], other[-cap:][::-1], other[:, :cap].T):
        # rows of ``strip`` go inwards from the side; per position along the side, how many px of the other
        # surface from the edge in, without a gap (the strip's first row of the document's own surface)
        run = np.argmin(strip > 0, axis=0)
        run[(strip > 0).all(axis=0)] = cap
        along = run > inset  # the skin reaches past the inset there
        out.append(int(np.percentile(run[along], 90)) + 1 if along.mean() >= _MISPLACED_SHARE else 0)
    return out[0], out[1], out[2], out[3]


# How far beyond the outline the rest of a finger is looked for, as a share of the document's short side: a
# fingertip's width (~15 mm on a 54 mm card side, ~4% on an A4 page) is more than enough to see it continue.
_OUTSIDE_REACH = 0.04
# The part of that strip which must be skin of the same colour as the region inside: a finger crosses the edge,
# the hand it belongs to lies beyond it; warm paper shading or a red print block stops at the document's edge.
_MIN_OUTSIDE_SKIN = 0.3
# Same object on both sides of the edge: luma and chroma within these many levels (8-bit YCrCb) of the inside
# region's median - the same finger, lit the same way (a dark wooden desk beside warm-shaded paper differs by 80+).
_SAME_SKIN_Y, _SAME_SKIN_C = 45, 12


def _continues_outside(ctx: ImageContext, lab: np.ndarray, stats: np.ndarray, i: int, rgb: np.ndarray) -> bool:
    """Whether skin region ``i`` (rectified coordinates) goes on beyond the document's outline.

    A finger over a document comes from outside it: past the edge it touches, the picture shows more of the same
    skin (or the frame's edge, when the document fills the picture).  Paper shaded warm at a margin, a portrait,
    a red table row or a magazine's photograph stop at the outline.  The strip just outside the touched edge is
    read from the working picture through the same homography, extended beyond the quad.
    """
    rect = ctx.rectified
    assert rect is not None, "skin is placed only on a rectified document"
    h, w = rgb.shape[:2]
    reach = max(3, int(round(_OUTSIDE_REACH * min(h, w))))
    x, y, bw, bh = stats[i, :4]
    comp = (lab[y:y + bh, x:x + bw] == i)
    ycc = cv2.cvtColor(rgb[y:y + bh, x:x + bw], cv2.COLOR_RGB2YCrCb)[comp]
    med = np.median(ycc, axis=0)
    # the canvas: the rectified document with a ring of ``reach`` px around it, warped from the working picture
    shift = np.array([[1, 0, reach], [0, 1, reach], [0, 0, 1]], np.float64)
    M = shift @ rect.matrix
    size = (w + 2 * reach, h + 2 * reach)
    canvas = cv2.warpPerspective(ctx.rgb, M, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    inframe = cv2.warpPerspective(np.full((ctx.height, ctx.width), 255, np.uint8), M, size, flags=cv2.INTER_NEAREST,
                                  borderMode=cv2.BORDER_CONSTANT)
    mask = np.zeros((size[1], size[0]), np.uint8)
    mask[reach + y:reach + y + bh, reach + x:reach + x + bw][comp] = 255
    near = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1, 2 * reach + 1)))
    outside = np.full_like(mask, 255)
    outside[reach:reach + h, reach:reach + w] = 0
    strip = cv2.bitwise_and(near, outside)
    n_strip = cv2.countNonZero(strip)
    if n_strip == 0:
        return False
    off_frame = cv2.countNonZero(cv2.bitwise_and(strip, cv2.bitwise_not(inframe)))
    if off_frame >= 0.5 * n_strip:
        return True  # the finger enters from beyond the picture's edge: nothing more can be seen of it
    ycc_c = cv2.cvtColor(canvas, cv2.COLOR_RGB2YCrCb)
    lo = (max(0, med[0] - _SAME_SKIN_Y), max(0, med[1] - _SAME_SKIN_C), max(0, med[2] - _SAME_SKIN_C))
    hi = (min(255, med[0] + _SAME_SKIN_Y), min(255, med[1] + _SAME_SKIN_C), min(255, med[2] + _SAME_SKIN_C))
    same = cv2.inRange(ycc_c, lo, hi)
    visible = cv2.bitwise_and(strip, inframe)
    share = cv2.countNonZero(cv2.bitwise_and(same, visible)) / max(1, cv2.countNonZero(visible))
    return share >= _MIN_OUTSIDE_SKIN


@image_check("occlusion", codes=("document.occluded",), section="occlusion")
def check_occlusion(ctx: ImageContext) -> Iterator[Finding]:
    cfg = ctx.config.occlusion
    rect = ctx.rectified
    if ctx.drawn_on_screen:  # an app's capture: image.screenshot says what is wrong
        not_applicable(ctx, "occlusion", APP_CAPTURE)
        return
    if rect is None:  # no document (said so), or a doubtful outline (image.not_judged names this check)
        if ctx.document is None and not ctx.print_without_outline:
            not_applicable(ctx, "occlusion", NO_DOCUMENT)
        return
    rgb = rect.rgb
    h, w = rgb.shape[:2]
    short = min(h, w)
    valid = rect.valid.copy()
    inset = max(1, int(round(cfg.inset * short)))
    valid[:inset] = 0
    valid[-inset:] = 0
    valid[:, :inset] = 0
    valid[:, -inset:] = 0
    skin_all = skin_mask(rgb, rect.valid, cfg.max_skin_texture, rect.gray, rect.saturation)
    skin = cv2.bitwise_and(skin_all, valid)
    # drop specks, then join the finger's parts that its shading or nail split
    skin = cv2.morphologyEx(skin, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    skin = cv2.morphologyEx(skin, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    area = float(np.count_nonzero(rect.valid))
    if not cv2.countNonZero(skin):  # no skin at all (most photos): nothing to measure, skip the distances
        ctx.extra.setdefault("measures", {})["occluded_share"] = 0.0
        return
    band = inset + cfg.border_band * short
    depth_needed = 0.03 * short + inset
    n, lab, stats, cent = cv2.connectedComponentsWithStats(skin, connectivity=8)
    sizeable = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= 0.0005 * area]
    if sizeable:
        # distance of each pixel from the document's border (the frame edge counts as border too); only needed
        # when there is a sizeable skin region to place
        border: np.ndarray = np.zeros((h, w), np.uint8)
        border[1:-1, 1:-1] = 255
        border = cv2.bitwise_and(border, rect.valid)
        dist = cv2.distanceTransform(border, cv2.DIST_L2, 3)
    hits = []
    for i in sizeable:
        # the component's distances, read within its bounding box (not a comparison over the whole document)
        x, y, bw, bh = stats[i, :4]
        d = dist[y:y + bh, x:x + bw][lab[y:y + bh, x:x + bw] == i]
        if d.min() <= band and d.max() >= depth_needed:
            hits.append(i)
    if hits:
        # a side the outline placed outside the document shows the background along it (misplaced_sides): a skin
        # region lying mostly in that strip is the background, not a finger
        depths = misplaced_sides(_other_surface(rgb, rect.valid), inset, _MISPLACED_MAX_DEPTH * short)
        if any(depths):
            ctx.extra.setdefault("measures", {})["occlusion_misplaced_sides_px"] = list(depths)
            strip = np.zeros((h, w), bool)
            top, right, bottom, left = depths
            strip[:top] = True
            strip[h - bottom:] = True
            strip[:, :left] = True
            strip[:, w - right:] = True
            hits = [i for i in hits if _inside_share(lab, stats, i, strip) < _MISPLACED_REGION]
    hits = [i for i in hits if _continues_outside(ctx, lab, stats, i, rgb)]
    covered = float(sum(stats[i, cv2.CC_STAT_AREA] for i in hits))
    if hits:
        # a finger found inside the inset also covers the outer strip it came through: count the skin there that
        # joins it (within the inset's width), or a fingertip at the edge measures only half its size
        found = np.isin(lab, hits).astype(np.uint8) * 255
        reach = cv2.dilate(found, np.ones((2 * inset + 3, 2 * inset + 3), np.uint8))
        strip = cv2.bitwise_and(cv2.bitwise_and(skin_all, rect.valid), cv2.bitwise_not(valid))
        covered += float(np.count_nonzero(cv2.bitwise_and(strip, reach)))
    share = covered / area if area else 0.0
    ctx.extra.setdefault("measures", {})["occluded_share"] = round(share, 5)
    if share < cfg.min_share:
        return
    big = max(hits, key=lambda i: stats[i, cv2.CC_STAT_AREA])
    hull = component_hull((lab == big).astype(np.uint8))
    places = []
    for i in sorted(hits, key=lambda i: -stats[i, cv2.CC_STAT_AREA]):
        p = place_of(cent[i][0] / w, cent[i][1] / h)
        if p not in places:
            places.append(p)
    yield codes.finding(
        "document.occluded",
        measured=Measure(round(100 * share, 2), "%"),
        threshold=Measure(round(100 * cfg.min_share, 2), "%", "<"),
        region=rectified_polygon_to_original(ctx, hull),
        where=join_words([p if "edge" in p or p == "middle" else p + " corner" for p in places]),
        where_zh=join_words([PLACE_ZH[p] for p in places], zh=True),
        details={"places": places, "regions": len(hits)},
    )
