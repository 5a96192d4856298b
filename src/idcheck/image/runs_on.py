"""A side of the outline that is no edge: the document's surface runs on past it to the frame.

An outline's side found a little inside the frame can be the document's edge, or a line on the document (a text
line's baseline, a fold, a colour band's border) taken for it while the document itself goes on out of the picture.
What lies between that side and the frame tells them apart: beyond a real edge lies the desk, a hand, the background
(a different colour); beyond a line on the document lies more of the document - the same paper or card, with print
on it - all the way to the frame.  Then the document's corners on that side are not in the picture, whatever the
outline says.

The strip between the side and the frame is compared with the document just inside the side in four steps from
the side out to the frame, each by its median colour: a real edge lying within the strip (the document ends a
little past the side, a monitor's bezel surrounds a document shown on it) leaves another surface in at least one
step.  The strip must also hold print (its grey levels vary as print does): a scene's plain surface (a wall, a
screen's glass) beside a wrongly outlined patch of the same colour says nothing about a document.

Measured on the 61 real development photos and the 36 real MRZ documents (detection copy, sides 2-15% of the
picture's short side from the frame, sure outlines): the one side beyond which the document runs on (a book cover
cut by the frame, outlined along a line of its print) measured 7.1 Lab units at the strip's farthest step from the
inside; the nearest true edges 10.0 (a passport page on a plain ground: no print beyond it) and 13.3 (a pale card on
a white page, a caption below it), photographed documents on desks 20 or more, clean photos 52 or more; a generated
monitor's bezel around a card shown on it 146.  Few cases: the threshold lies between the nearest ones, and the
finding is a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from .stats import median_u8

# A side at least this far from the frame (share of the picture's short side) is looked at: closer, the strip is
# within the outline's own inaccuracy (about 1%) and the side is already "at the frame" (document.corner_margin)
MIN_GAP = 0.02
# ... and at most this far: further out, what lies between may be another object (the development photos' run-on
# side lay 9.6% from the frame; pages and cards cut by the frame whose sides were found lay 2.8-14% from it)
MAX_GAP = 0.15
# Each step of the strip and the band just inside the side are one surface when their median colours differ by at
# most this much (Euclidean distance in OpenCV's 8-bit Lab, L scaled to 0-255): the book cover running on past a
# line of its print 7.1; the nearest true edges 10.0 (no print beyond it) and 13.3 (a pale card on a white page)
SAME_SURFACE = 9.0
# The strip holds print when its grey levels' standard deviation reaches this (grey levels): the book cover's strip
# 40.3; plain surfaces beyond sides of the same colour 5.2-12.5 (a scene's wall, a plain ground around a passport)
MIN_PRINT_STD = 20.0
# The strip is compared with the inside in this many steps from the side out to the frame (each step's median)
_STEPS = 4
# The ends of each side are left out (share of its length at each end): near the corners the strip meets the other
# sides' strips and the background
_END_TRIM = 0.1


@dataclass(frozen=True)
class RunOn:
    side: int  # index of the side: 0 = TL-TR, 1 = TR-BR, 2 = BR-BL, 3 = BL-TL
    gap: float  # distance from the side's midpoint to the frame, share of the picture's short side
    colour_distance: float  # the largest Lab distance between a step of the strip and the band inside the side
    print_std: float  # grey-level standard deviation over the strip


def _distance_to_frame(point: np.ndarray, normal: np.ndarray, w: int, h: int) -> float:
    """How far from ``point`` along the unit ``normal`` the frame is (px)."""
    ts = []
    for p, n, size in ((point[0], normal[0], w), (point[1], normal[1], h)):
        if n < -1e-6:
            ts.append(-p / n)
        elif n > 1e-6:
            ts.append((size - p) / n)
    return min(ts) if ts else float("inf")


def _band(shape: tuple[int, int], a: np.ndarray, b: np.ndarray, offset0: float, offset1: float,
          normal: np.ndarray) -> np.ndarray:
    """Mask of the band along side a-b between ``offset0`` and ``offset1`` px along ``normal``, ends trimmed."""
    trim = _END_TRIM * (b - a)
    a, b = a + trim, b - trim
    poly = np.array([a + normal * offset0, b + normal * offset0, b + normal * offset1, a + normal * offset1])
    mask = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(mask, np.round(poly).astype(np.int32), 1)
    return mask > 0


def _median_lab(planes: Sequence[np.ndarray], mask: np.ndarray) -> np.ndarray:
    """Per-channel median (float64, as ``np.median(lab[mask], axis=0)``) of the uint8 Lab ``planes`` over the boolean
    ``mask``, from a 256-bin histogram each (:func:`idcheck.image.stats.median_u8`): the same values, read through
    the mask in place instead of sorting a copy of the band's pixels."""
    return np.array([median_u8(plane, mask) for plane in planes])


def sides_running_on(rgb: np.ndarray, quad: np.ndarray, skip: tuple[int, ...] | list[int] = ()) -> list[RunOn]:
    """The sides of ``quad`` (4 x 2, TL TR BR BL, px of ``rgb``: H x W x 3 uint8) beyond which the document's
    surface and print run on to the frame; ``skip``: sides not to look at (those lying on the frame edge)."""
    h, w = rgb.shape[:2]
    short = min(h, w)
    q = np.asarray(quad, np.float64)
    centre = q.mean(axis=0)
    lab: Sequence[np.ndarray] | None = None  # the L, a and b planes
    gray: np.ndarray | None = None
    found = []
    for i in range(4):
        if i in skip:
            continue
        a, b = q[i], q[(i + 1) % 4]
        d = b - a
        length = float(np.hypot(*d))
        if length < 8:
            continue
        normal = np.array([d[1], -d[0]]) / length
        mid = (a + b) / 2
        if np.dot(centre - mid, normal) > 0:
            normal = -normal  # outward
        gap = _distance_to_frame(mid, normal, w, h)
        if not MIN_GAP * short <= gap <= MAX_GAP * short:
            continue
        inner = _band((h, w), a, b, -gap / 2, 0.0, normal)
        steps = [_band((h, w), a, b, gap * k / _STEPS, gap * (k + 1) / _STEPS, normal) for k in range(_STEPS)]
        if np.count_nonzero(inner) < 30 or min(np.count_nonzero(m) for m in steps) < 30:
            continue
        if lab is None or gray is None:
            lab = cv2.split(cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB))
            gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        inside = _median_lab(lab, inner)
        # every step of the strip, from the side out to the frame, must be the document's surface: a real edge
        # anywhere in it (the document ending a little past the side, a monitor's bezel) leaves another surface there
        dist = max(float(np.linalg.norm(_median_lab(lab, m) - inside)) for m in steps)
        std = float(np.std(gray[np.logical_or.reduce(steps)]))
        if dist <= SAME_SURFACE and std >= MIN_PRINT_STD:
            found.append(RunOn(i, float(gap / short), dist, std))
    return found
