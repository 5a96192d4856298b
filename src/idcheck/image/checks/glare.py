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
document past that rim (and is then counted whole, rim included).  On a white ground (a flatbed scanner's lid:
the ring around the outline clipped white, :func:`white_ground`) a spot touching the rim is not counted at all: a
pale band of the card at its edge, clipped by the scanner, runs into the lid there.

Without a confident outline (the document fills the frame, or its outline is doubtful) the **picture** is judged
instead, for the one kind of glare that needs no outline (:func:`hotspots`): a clipped, colourless spot of at least
``glare.min_hotspot`` of the picture whose brightness falls off *softly* around it - the lamp's or flash's image
on a glossy surface, which spreads its light into what surrounds it.  A white page, label or screen area is as
clipped, but ends at a sharp edge.  Real photos: the one reflection of this kind in the development set measured
a 3.8% spot still at 239 grey levels just outside it; no photo without glare has a clipped colourless spot of
0.2% or more (screenshots do: they are left to image.screenshot).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import cv2
import numpy as np

from ... import codes
from ...report import Finding, Measure
from ..context import ImageContext, Rectified
from ..registry import image_check
from ..soft_glare import soft_spots
from ..stats import median_u8
from ._common import APP_CAPTURE, component_hull, not_applicable, place_of, rectified_polygon_to_original


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


# Paper darker than this (median grey level inside the outline) is no document's paper under any usable light
# (real photos' paper: 115-230): what the outline holds is a dark object, and its white areas are print
_DARKEST_PAPER = 60
# Around a reflection, within 1% of the picture's short side, the light is still this bright (grey levels): it
# spreads into the surface; a white page or label on a darker background drops at its edge (real photos: a hotspot
# 239, screenshots' white panels and pages 80-210 - and those are left to image.screenshot)
_HOTSPOT_HALO = 225
# ... and it falls off further out (grey levels lost between the 1% ring and the 4-8% ring): a soft peak, not a
# uniformly bright area
_HOTSPOT_FALLOFF = 15


# Share of the ring just outside the outline (1.5% of the picture's short side wide) that must be clipped white for
# the document to lie on a white ground (a flatbed scanner's lid, a sheet of paper): a pale band of the document at
# its edge then runs into the ground, and the outline's 1% inaccuracy lets the ground in, so a blown-out spot touching
# the document's rim cannot be told from them.  On the real development photos: 0.96 around a flatbed scan of a card
# whose pale top band reached the clip level, 0.73-0.97 around other scans and screenshots; photos of documents on
# desks and in hands 0.00-0.09.
_WHITE_GROUND = 0.5
_GROUND_RING = 0.015


def white_ground(gray: np.ndarray, quad: np.ndarray, clip_level: int) -> float:
    """Share of the ring just outside ``quad`` (in ``gray``'s pixels), within the frame, that is clipped white."""
    h, w = gray.shape
    inside = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(inside, np.round(np.asarray(quad, np.float32)).astype(np.int32), 1)
    r = max(2, int(round(_GROUND_RING * min(h, w))))
    ring = cv2.dilate(inside, np.ones((2 * r + 1, 2 * r + 1), np.uint8)) - inside
    n = cv2.countNonZero(ring)
    if n == 0:
        return 0.0
    return cv2.countNonZero(cv2.bitwise_and(cv2.inRange(gray, clip_level, 255), cv2.inRange(ring, 1, 1))) / n


def hotspots(gray: np.ndarray, sat: np.ndarray, clip_level: int, min_share: float) -> list[tuple[float, np.ndarray]]:
    """Clipped, colourless spots with a soft halo in a whole picture: ``[(share of the picture, spot mask)]``.

    ``gray`` and ``sat`` (HSV saturation) are H x W uint8; ``min_share`` is the smallest spot, as a share of the
    picture's area.  A spot touching the frame edge is left out (its halo cannot be seen whole)."""
    h, w = gray.shape
    mask = cv2.bitwise_and(cv2.inRange(gray, clip_level, 255), cv2.inRange(sat, 0, 40))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    if not cv2.countNonZero(mask):
        return []
    n, lab, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    found = []
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if area < min_share * h * w or x == 0 or y == 0 or x + bw >= w or y + bh >= h:
            continue
        spot = (lab == i).astype(np.uint8)
        if soft_halo(gray, spot):
            found.append((float(area) / (h * w), spot))
    return found


def soft_halo(gray: np.ndarray, spot: np.ndarray) -> bool:
    """Whether the light around ``spot`` (H x W, non-zero on the spot) is still bright within 1% of the short side
    (``_HOTSPOT_HALO``) and falls off further out (``_HOTSPOT_FALLOFF`` by 4-8%): a reflection's halo, not the
    sharp edge of white print, a label or a page."""
    short = min(gray.shape)
    dist = cv2.distanceTransform((spot == 0).astype(np.uint8), cv2.DIST_L2, 3)
    near = gray[(dist > 0) & (dist <= max(1.5, 0.01 * short))]
    far = gray[(dist > 0.04 * short) & (dist <= 0.08 * short)]
    if near.size == 0 or far.size == 0:
        return False
    halo, outer = float(near.mean()), float(far.mean())
    return halo >= _HOTSPOT_HALO and halo - outer >= _HOTSPOT_FALLOFF


def _picture_glare(ctx: ImageContext, cfg) -> Iterator[Finding]:
    small = ctx.small
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    sat = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)[:, :, 1]
    spots = hotspots(gray, sat, cfg.clip_level - 3, cfg.min_hotspot)
    if not spots:
        return
    share = sum(s for s, _ in spots)
    ctx.extra.setdefault("measures", {})["glare_hotspot_share"] = round(share, 5)
    big = max(spots, key=lambda s: s[0])[1]
    hull = component_hull(big)
    fx, fy = ctx.width / small.shape[1], ctx.height / small.shape[0]
    h, w = gray.shape
    cx, cy = hull.mean(axis=0)
    yield codes.finding(
        "image.glare",
        measured=Measure(round(100 * share, 2), "% of the picture"),
        threshold=Measure(round(100 * cfg.min_hotspot, 2), "%", "<"),
        region=ctx.to_original(hull * np.array([fx, fy], np.float32)),
        details={"spots": len(spots), "measured_on": "picture", "where": place_of(cx / w, cy / h)},
    )


def _soft_glare(ctx: ImageContext, cfg, rect: Rectified) -> Iterator[Finding]:
    """image.glare for a reflection that lifts part of the flattened document ``rect`` far above its paper without
    clipping it (:func:`idcheck.image.soft_glare.soft_spots`)."""
    spots, paper = soft_spots(rect.gray, rect.saturation, rect.valid, cfg.min_soft_spot)
    if not spots:
        return
    share = sum(s.share for s in spots)
    big = max(spots, key=lambda s: s.share)
    ctx.extra.setdefault("measures", {}).update(
        glare_soft_share=round(share, 5), glare_soft_excess=round(big.excess, 1), glare_soft_halo=round(big.halo, 1))
    hull = component_hull(big.mask)
    h, w = big.mask.shape
    cx, cy = hull.mean(axis=0)
    yield codes.finding(
        "image.glare",
        measured=Measure(round(100 * share, 2), "% of the document"),
        threshold=Measure(round(100 * cfg.min_soft_spot, 2), "%", "<"),
        region=rectified_polygon_to_original(ctx, hull, rect),
        details={"spots": len(spots), "paper_level": round(paper, 1), "where": place_of(cx / w, cy / h),
                 "evidence": f"a soft bright spot {big.excess:.0f} grey levels above the paper, not clipped"},
    )


@image_check("glare", codes=("image.glare",), section="glare")
def check_glare(ctx: ImageContext) -> Iterator[Finding]:
    cfg = ctx.config.glare
    feats = ctx.screen_features
    if ctx.drawn_on_screen or feats["flat_share"] - feats["flat_white_share"] >= ctx.config.screen.flat_share:
        # an app's capture (image.screenshot says what is wrong): its white panels are no reflection.  (A flatbed
        # scan's flat blocks are its clipped white background: a scan is still judged)
        not_applicable(ctx, "glare", APP_CAPTURE)
        return
    rect = ctx.rectified
    if rect is None:
        if ctx.frame_document:
            # the picture is the document (a page filling the frame): its paper is the picture's
            found = list(_soft_glare(ctx, cfg, ctx.frame_rectified))
            if found:
                yield from found
                return
        yield from _picture_glare(ctx, cfg)
        return
    mask, paper = glare_mask(rect.rgb, rect.valid, cfg.clip_level, cfg.above_paper, rect.gray, rect.saturation)
    if paper < _DARKEST_PAPER:
        # the outline holds a dark area (a camera preview, a dark cover): its white is print, not a reflection
        mask = np.zeros_like(mask)
    area = float(np.count_nonzero(rect.valid))
    share, keep, lab, stats, cent = blown_spots(mask, area, cfg.rim_inset)
    if keep and ctx.document is not None:
        ground = white_ground(ctx.gray, ctx.document.quad, cfg.clip_level)
        if ground >= _WHITE_GROUND:
            # on a white ground only a spot clear of the document's rim is a reflection (see _WHITE_GROUND)
            h, w = mask.shape
            inset = max(1, int(round(cfg.rim_inset * min(h, w))))
            rim = np.ones((h, w), bool)
            rim[inset:h - inset, inset:w - inset] = False  # the rim as blown_spots reads it
            touching = set(np.unique(lab[rim & (mask > 0)]).tolist())
            keep = [i for i in keep if i not in touching]
            share = float(sum(stats[i, cv2.CC_STAT_AREA] for i in keep)) / area if area else 0.0
            ctx.extra.setdefault("measures", {})["glare_white_ground"] = round(ground, 3)
    ctx.extra.setdefault("measures", {})["glare_share"] = round(share, 5)
    if share <= cfg.max_share or not keep:
        yield from _soft_glare(ctx, cfg, rect)
        return
    big = max(keep, key=lambda i: stats[i, cv2.CC_STAT_AREA])
    hull = component_hull((lab == big).astype(np.uint8))
    h, w = mask.shape
    cx, cy = cent[big]
    yield codes.finding(
        "image.glare",
        measured=Measure(round(100 * share, 2), "% of the document"),
        threshold=Measure(round(100 * cfg.max_share, 2), "%", "<="),
        region=rectified_polygon_to_original(ctx, hull),
        details={"spots": len(keep), "paper_level": round(paper, 1), "where": place_of(cx / w, cy / h)},
    )
