"""Two outlines the search gets wrong by the document's framing, told from the picture's own surfaces.

* **An outline running past the document across its background** (:func:`shed_background_band`): a card on a desk
  whose far edge is straight and parallel to the card's own makes a larger rectangle of card plus desk, with three
  sides on real edges.  The strip between it and a smaller outline the search also judged plausible is then the same
  surface as the outline's surroundings, and unlike the smaller outline's inside: that strip is background, and the
  smaller outline is the document.  A passport's data page around its portrait, or a page around a table of fields,
  is the other way round: the strip between them is paper, unlike the desk around the page.
* **A document whose edges run along the picture's frame** (:func:`edges_along_frame`): a card cropped to its edges
  (a scan or a phone photo cut to the card) has its outline 1-3 px inside the frame on all four sides, where the
  search, which looks for edges with surfaces on both sides of them, cannot see it.

Pure functions over the detection copy's arrays.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..stats import median_u8
from .quad import DocumentQuad

# -- the background band -------------------------------------------------------------------------------------------
# An inner outline is considered only when its rank is within 15% of the best's: the band rule breaks near ties
# between two well-founded outlines; it never promotes an outline the search judged clearly worse.
BAND_RANK_SHARE = 0.85
BAND_AREA = (0.3, 0.95)  # inner outline's area / best's: a strip, not the same outline nor a small part of it
BAND_INNER_OUTSIDE = 0.03  # share of the inner outline's area allowed outside the best (corners rounded off)
# Width of the ring of surroundings sampled just outside the best outline, share of the picture's long side (the
# detector's BORDER_RING for the colour proposal is 3% of the short side).
BAND_RING = 0.03
# Lab distance (OpenCV 8-bit Lab, L scaled to 0-255) between the medians of the strip and of the surroundings under
# which they are one surface.  A desk or table top photographed in one light varies by 3-8 units across a picture;
# paper against a desk differs by 20 or more (on the real development photos: 22-180 where the strip was paper).
BAND_SAME_SURFACE = 10.0
# ... and the strip must differ from the inner outline's inside by at least this much and by 3 times its difference
# to the surroundings: the inner outline holds something else than the background (a card, a page).
BAND_OTHER_SURFACE = 20.0
BAND_OTHER_FACTOR = 3.0
MIN_SAMPLES = 50  # px of the detection copy in the strip and in the ring: fewer cannot give a median colour

# -- edges along the frame -----------------------------------------------------------------------------------------
# Depth searched from each side of the frame for the document's edge, share of the long side (>= 4 px): a tight crop
# leaves 1-3 px of background beyond the edge at the detection size (384 px long side).
HUG_DEPTH = 0.012
# Share of each side's length along which a step of at least ``strong`` (the detector's own strong gradient) runs
# parallel to it, at one depth (within 1 px of the side's median depth).  A card's rounded corners take ~6% of each
# side at each end and a compressed picture's outline fades in places: the one tight crop of the 61 real development
# photos shows its edge along 79-100% of its sides; no other picture reaches 30% on all four (print or a desk edge
# touches one or two sides).
HUG_MIN_RUN = 0.7
# Parallel: across the side the step is this many times the gradient along it (a line along the side changes nothing
# along it; texture touching the frame changes as much both ways).
HUG_ACROSS_ALONG = 2.0


def _median_lab(lab: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per-channel median of the uint8 Lab picture over ``mask`` (a 256-bin histogram each: 10x np.median's speed)."""
    m = mask.astype(np.uint8)
    return np.array([median_u8(np.ascontiguousarray(lab[:, :, c]), m) for c in range(3)], np.float32)


def _fill(shape: tuple[int, int], quad: np.ndarray) -> np.ndarray:
    m = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(m, np.round(np.asarray(quad, np.float32)).astype(np.int32), 1)
    return m


def shed_background_band(best: DocumentQuad, candidates: list[DocumentQuad], lab: np.ndarray,
                         rank_of: dict[int, float]) -> DocumentQuad:
    """``best``, or the inner outline among ``candidates`` when the strip between the two is the background.

    ``lab``: the detection copy in OpenCV's 8-bit Lab (H x W x 3); ``rank_of``: each candidate's rank by ``id``.
    The outline returned records the choice in ``details["background_band"]`` (the two colour distances)."""
    h, w = lab.shape[:2]
    outer = _fill((h, w), best.quad)
    a_outer = int(outer.sum())
    if a_outer == 0:
        return best
    r = max(3, int(BAND_RING * max(h, w)))
    ring = cv2.dilate(outer, np.ones((2 * r + 1, 2 * r + 1), np.uint8)).astype(bool) & ~outer.astype(bool)
    if ring.sum() < MIN_SAMPLES:
        return best  # the outline fills the picture: no surroundings to compare with
    outer_b = outer.astype(bool)
    around = _median_lab(lab, ring)
    best_rank = rank_of[id(best)]
    for cand in sorted(candidates, key=lambda c: -rank_of[id(c)]):
        if cand is best or rank_of[id(cand)] < BAND_RANK_SHARE * best_rank:
            continue
        inner = _fill((h, w), cand.quad).astype(bool)
        a_inner = int(inner.sum())
        if not BAND_AREA[0] * a_outer <= a_inner <= BAND_AREA[1] * a_outer:
            continue
        if (inner & ~outer_b).sum() > BAND_INNER_OUTSIDE * a_inner:
            continue
        band = outer_b & ~inner
        if band.sum() < MIN_SAMPLES:
            continue
        strip = _median_lab(lab, band)
        to_around = float(np.linalg.norm(strip - around))
        to_inside = float(np.linalg.norm(strip - _median_lab(lab, inner)))
        if (to_around <= BAND_SAME_SURFACE and to_inside >= BAND_OTHER_SURFACE
                and to_inside >= BAND_OTHER_FACTOR * to_around):
            cand.details["background_band"] = {"replaced": best.method, "strip_to_surroundings": round(to_around, 1),
                                               "strip_to_inside": round(to_inside, 1)}
            return cand
    return best


def edges_along_frame(gx: np.ndarray, gy: np.ndarray, strong: float) -> tuple[np.ndarray, float] | None:
    """The outline of a document cropped to its edges: (quad (TL, TR, BR, BL) at the steps found along the four
    sides of the frame, the shortest share of a side the steps run along), or None when one side shows no line.

    ``gx``, ``gy``: the detection copy's gradients (grey levels per px); ``strong``: the step counted as an edge."""
    h, w = gx.shape
    d = max(4, int(round(HUG_DEPTH * max(h, w))))
    if min(h, w) <= 4 * d:
        return None
    ax, ay = np.abs(gx), np.abs(gy)
    # (across, along) each side in rows (columns) 1..d from it, axis 0 = depth from the frame (row 0 is Sobel's
    # reflected border): top, right, bottom, left
    bands = ((ay[1:d + 1, :], ax[1:d + 1, :]),
             (ax[:, w - d - 1:w - 1].T[::-1], ay[:, w - d - 1:w - 1].T[::-1]),
             (ay[h - d - 1:h - 1, :][::-1], ax[h - d - 1:h - 1, :][::-1]),
             (ax[:, 1:d + 1].T, ay[:, 1:d + 1].T))
    depth, runs = [], []
    for across, along in bands:
        edge = (across >= strong) & (across >= HUG_ACROSS_ALONG * along)
        seen = edge.any(axis=0)
        if seen.mean() < HUG_MIN_RUN:
            return None
        med = int(np.median(np.argmax(np.where(edge, across, 0.0), axis=0)[seen]))  # the step's peak, not its foot
        near = edge[max(0, med - 1):med + 2].any(axis=0)  # the step at that depth, give or take a pixel
        runs.append(float(near.mean()))
        if runs[-1] < HUG_MIN_RUN:
            return None
        depth.append(med + 1.0)
    top, right, bottom, left = depth
    quad = np.array([[left, top], [w - 1 - right, top], [w - 1 - right, h - 1 - bottom], [left, h - 1 - bottom]],
                    np.float32)
    return quad, min(runs)
