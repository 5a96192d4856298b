"""Soft glare: a reflection that lifts a patch of the document far above its paper without clipping it.

Real phone glare mostly rolls off below the sensor's clip level (the development photos' reflections peak at
193-247 grey levels): a lamp's or a window's image on a glossy page or a screen adds its light *on top of* the
print, so the paper there is much brighter than the rest of the document, the print under it is washed out, and the
added light fades softly into its surroundings.  What is white by design - a card's white panel, a portrait's white
background, the margin of a photo on a page - is no brighter than the paper's own white beyond the print it stands
beside, and it ends at a printed edge.

:func:`soft_spots` reads the **paper's level** with the print removed (a grey closing wider than strokes), and keeps
a spot that is

* bright: its core (95th percentile) at least ``SPOT_EXCESS`` grey levels above the document's paper (the median of
  the print-free grey);
* colourless (HSV saturation at most ``SPOT_MAX_SATURATION``): the light source's image, not a pale colour of print;
* large: ``min_share`` of the document or more, and clear of the document's rim (a spot that touches it is the
  light falling across the document from one side, or what lies beyond the outline);
* soft-edged: just outside it (within ``NEAR_RING`` of the short side) the light is still ``EDGE_SOFTNESS`` above the
  paper, and further out (``HALO_RING``) still ``HALO_EXCESS`` above it - the reflection's halo.  White print ends at
  a sharp edge: the light drops to the paper within a pixel or two.

Measured on the development photos (``../shared/photos-dev``) and on the 36 real ID and passport scans of
``../shared/mrz-dev`` (none with glare), with the document flattened along the found outline (800 px long): the two
unclipped reflections on a confident or frame-filling document (a hotspot on a magazine page, a veil on a photographed
screen) measured cores 60 and 66 levels above the paper, 1.9-2.2% of the document, halos 14 and 11 levels; every
other patch of 1% or more clear of the rim stayed under 50 levels (36-44: receipts' and pages' paler patches, a sheen
on a book page, screenshots' white panels, a light streak), or ended sharply (a white panel on a visa, 5 levels just
outside it), or fell below the paper further out (a white field on an ID card, -9).  The margin is narrow (44 to 50
to 60) and rests on two reflections: hence a warning.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .stats import median_u8, percentile_u8

# Width of the grey closing that lifts the print off the paper, as a share of the document's short side (12 px on an
# 800 px document): wider than the strokes of body text and most headings, narrower than a reflection
CLOSING = 0.015
# Smoothing of the print-free grey before it is read (Gaussian sigma, share of the short side): the closing leaves a
# grain of paper texture and JPEG blocks
SMOOTHING = 0.004
# Grey levels above the paper from which a pixel belongs to a bright patch (the patch is then judged as a whole)
PATCH_STEP = 30
# Grey levels above the paper the patch's core (95th percentile) must reach: the development photos' reflections
# 60 and 66, the brightest patch of 1% or more clear of the rim on a document without glare 44
SPOT_EXCESS = 50
# HSV saturation (0-255): a reflection of a white lamp or the sky is nearly colourless (paper's own white, 5-25)
SPOT_MAX_SATURATION = 50
# Within this share of the short side outside the patch, its light must still be EDGE_SOFTNESS grey levels above the
# paper (a reflection's edge spreads over several percent of the document; printed white ends within 1-2 px: 5
# levels measured just outside a visa's white panel, 21-28 outside reflections)
NEAR_RING = 0.01
EDGE_SOFTNESS = 15
# Between these shares of the short side out, the light must still be HALO_EXCESS above the paper: the halo
# (reflections 11-14 levels; white fields of an ID card's print -9, surrounded by darker print)
HALO_RING = (0.03, 0.05)
HALO_EXCESS = 5
# The paper must be at least this grey: a dark document's white areas are print (see checks.glare._DARKEST_PAPER)
DARKEST_PAPER = 60


@dataclass(frozen=True)
class SoftSpot:
    """A soft glare spot: its mask (H x W uint8, 1 on the spot), share of the document's area, and grey levels above
    the paper at its core, just outside its edge and in its halo."""

    mask: np.ndarray
    share: float
    excess: float
    edge: float
    halo: float


def print_free(gray: np.ndarray) -> np.ndarray:
    """``gray`` (H x W uint8) with the print closed over and smoothed: the light on the paper."""
    short = min(gray.shape)
    k = max(3, int(CLOSING * short) | 1)
    closed = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    return cv2.GaussianBlur(closed, (0, 0), max(1.0, SMOOTHING * short))


def light_around(light: np.ndarray, spot: np.ndarray, inside: np.ndarray,
                 box: tuple[int, int, int, int] | None = None) -> tuple[float, float] | None:
    """The print-free ``light`` (:func:`print_free`) just outside ``spot`` (within ``NEAR_RING`` of the short side)
    and in its halo (``HALO_RING``), medians in grey levels, within ``inside`` (bool); None where either ring holds
    nothing.  ``spot``: H x W uint8, 1 on the spot; ``box`` (x, y, w, h), the spot's bounding box when known."""
    h, w = light.shape
    short = min(h, w)
    x, y, bw, bh = box if box is not None else cv2.boundingRect(spot)
    # the rings lie within HALO_RING[1] of the spot: measure in that window only (the same distances: a shortest path
    # between two points of a rectangle stays in it)
    pad = int(np.ceil(HALO_RING[1] * short)) + 2
    win = slice(max(0, y - pad), min(h, y + bh + pad)), slice(max(0, x - pad), min(w, x + bw + pad))
    dist = cv2.distanceTransform(1 - spot[win], cv2.DIST_L2, 3)
    near = (dist > 0) & (dist <= max(1.5, NEAR_RING * short)) & inside[win]
    far = (dist > HALO_RING[0] * short) & (dist <= HALO_RING[1] * short) & inside[win]
    if not near.any() or not far.any():
        return None
    return median_u8(light[win], near.view(np.uint8)), median_u8(light[win], far.view(np.uint8))


def soft_spots(gray: np.ndarray, sat: np.ndarray, valid: np.ndarray, min_share: float) -> tuple[list[SoftSpot], float]:
    """Soft glare spots on a flattened document, and the paper's level (grey levels).

    ``gray`` and ``sat`` (HSV saturation) are the document's H x W uint8 planes, ``valid`` (H x W, non-zero inside
    the picture's frame) where it was seen; ``min_share`` is the smallest spot, as a share of the valid area."""
    inside = valid > 0
    area = int(np.count_nonzero(inside))
    if area == 0:
        return [], 0.0
    light = print_free(gray)
    paper = median_u8(light, valid)
    if paper < DARKEST_PAPER or paper + SPOT_EXCESS > 255:
        return [], paper
    patches = ((light >= paper + PATCH_STEP) & (sat <= SPOT_MAX_SATURATION) & inside).astype(np.uint8)
    if not cv2.countNonZero(patches):
        return [], paper
    h, w = gray.shape
    n, lab, stats, _ = cv2.connectedComponentsWithStats(patches, connectivity=8)
    found = []
    for i in range(1, n):
        x, y, bw, bh, size = (int(v) for v in stats[i])
        if size < min_share * area or x == 0 or y == 0 or x + bw >= w or y + bh >= h:
            continue
        core = (lab[y:y + bh, x:x + bw] == i).view(np.uint8)
        excess = percentile_u8(light[y:y + bh, x:x + bw], 95, core) - paper
        if excess < SPOT_EXCESS:
            continue
        spot = (lab == i).view(np.uint8)
        around = light_around(light, spot, inside, (x, y, bw, bh))
        if around is None:
            continue
        edge, halo = around[0] - paper, around[1] - paper
        if edge >= EDGE_SOFTNESS and halo >= HALO_EXCESS:
            found.append(SoftSpot(spot, size / area, excess, edge, halo))
    return found, paper
