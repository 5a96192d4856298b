"""Faint strokes at one tilt: the direction signature of text laid over a document at an angle.

A watermark app tiles a phrase over the picture in rows turned 15-60 degrees from the document's sides.  Characters
are drawn with strokes along their own baseline and across it (CJK strokes are almost all horizontal and vertical;
Latin capitals mostly vertical and horizontal too), so a phrase turned by an angle puts its edges at that angle and
at that angle plus 90 degrees.  The document's own print is set along its sides: on the flattened document its
edges lie at 0 and 90 degrees.  Guilloche is curves (every direction), a portrait or a seal has no direction, and a
logo's slanted side is one direction, not a perpendicular pair.

Measure, on the flattened grey document: the direction of every faint edge (gradient between ``EDGE_MIN`` and
``EDGE_MAX``: a semi-transparent stroke, not the document's black print, which is left out with 2 px around it) is
histogrammed over 0-180 degrees, each edge weighted by its strength.  Folded onto 0-90 (a direction and its
perpendicular together), the strongest local peak at least ``AXIS_MARGIN_DEG`` from the document's axes is compared
with the histogram 5-15 degrees either side of it (its *prominence*).  Its two halves (the peak's direction and its
perpendicular, unfolded) must each stand out too: ``pair_prominence`` is the weaker one's prominence.

This reads the direction of strokes, not their period: it keeps a watermark whose rows are too few or too uneven for
the spectral lattice of :mod:`idcheck.image.checks.watermark`, and it is blind to what is parallel to the sides.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .stats import percentile_u8

# Sobel units (3 x 3 Sobel of the grey document smoothed by a 1 px gaussian; a step of d grey levels gives ~4 d): a
# stroke of a watermark at alpha 0.2-0.45 over paper is a step of ~20-90 grey levels (80-360); paper grain and JPEG
# noise stay under ~8
EDGE_MIN = 8.0
# Sobel units: stronger edges are left out: the print's own edges (grey and coloured print too, which
# ``print_below_paper`` keeps), whose directions are the document's axes and would only dilute the faint strokes
# (measured on the development photos: with them kept, the watermarked pictures' peaks stood out less)
EDGE_MAX = 120.0
# degrees: peaks closer than this to the document's axes belong to its own print (rows and columns, with the
# perspective the flattening left, up to a few degrees)
AXIS_MARGIN_DEG = 10
# degrees: the peak is compared with the histogram this far either side of it (a phrase's strokes spread over ~+-3
# degrees)
_NEAR, _FAR = 5, 15
# whole degree (0-360, from OpenCV's phase: under 360, or 360.0 itself rounded) -> its bin 0-179 of the directions
# folded onto 0-180 (a direction and its opposite are one stroke edge)
_DEGREE_BIN = np.arange(361, dtype=np.intp) % 180


@dataclass(frozen=True)
class TiltPeak:
    angle_deg: float  # direction of the peak, degrees from the document's horizontal (0-90, folded)
    prominence: float  # folded histogram at the peak / its median 5-15 degrees either side
    pair_prominence: float  # the weaker of the two unfolded halves' prominences (the direction, its perpendicular)


def _prominence(h: np.ndarray, k: int) -> float:
    """``h[k]`` over the median of ``h`` 5-15 bins either side of ``k`` (circular)."""
    n = len(h)
    around = [(k + d) % n for d in range(-_FAR, _FAR + 1) if abs(d) >= _NEAR]
    return float(h[k] / (np.median(h[around]) + 1e-6))


def tilted_strokes(gray: np.ndarray, valid: np.ndarray | None = None,
                   print_below_paper: float = 110.0) -> TiltPeak | None:
    """The strongest tilted direction of the faint strokes of a flattened grey document (H x W uint8), or None
    when it has too few faint edges to say (fewer than 500 px).  ``valid``: mask of the document's pixels (non-zero);
    ``print_below_paper`` (grey levels): pixels this much darker than the paper are the document's own print."""
    if min(gray.shape[:2]) < 32:
        return None
    g = gray.astype(np.float32)
    inside = np.ones(g.shape, bool) if valid is None else valid > 0
    if np.count_nonzero(inside) < 1024:
        return None
    smooth = cv2.GaussianBlur(g, (0, 0), 1.0)
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3)
    mag = cv2.magnitude(gx, gy)
    paper = percentile_u8(gray, 75, None if valid is None else inside)
    dark = cv2.dilate((g < paper - print_below_paper).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    edges = np.flatnonzero(inside & ~dark & (mag >= EDGE_MIN) & (mag < EDGE_MAX))  # flat indices of the faint edges
    if len(edges) < 500:
        return None
    # OpenCV's phase (0-360 degrees, accurate to ~0.3 degree) over the whole plane costs 0.2 ms where numpy's arctan2
    # over the selected edges cost 4.4 ms (220 000 of them on a generated card); 0.2% of the edges fall in the
    # neighbouring whole-degree bin, which the +-1 degree smoothing below absorbs.  Whole-degree bins over 0-180:
    # each edge's truncated degree folded by a table (:data:`_DEGREE_BIN`), the same bins as its float angle modulo 180
    # truncated; with the edges taken by their indices 5.9 -> 3.1 ms on that card
    deg = cv2.phase(gx, gy, angleInDegrees=True).ravel()[edges].astype(np.intp)
    h180 = np.bincount(_DEGREE_BIN[deg], weights=mag.ravel()[edges], minlength=180)
    h180 = h180 + np.roll(h180, 1) + np.roll(h180, -1)  # +-1 degree
    h90 = h180[:90] + h180[90:]
    best: TiltPeak | None = None
    for k in range(AXIS_MARGIN_DEG, 90 - AXIS_MARGIN_DEG + 1):
        if not (h90[k] > h90[k - 1] and h90[k] >= h90[k + 1]):
            continue  # a local peak only: the shoulder of the axes' own peaks rises towards them
        p = _prominence(h90, k)
        if best is None or p > best.prominence:
            pair = min(_prominence(h180, k), _prominence(h180, k + 90))
            best = TiltPeak(float(k), p, pair)
    return best
