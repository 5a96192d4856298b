"""Rows of text laid at a tilt across a document's print: the app-made watermark ("仅供...使用", tiled at 20-45°).

A watermark app repeats one phrase in rows over the whole picture, rotated, in one font size.  A text detector finds
those rows as long text lines, all parallel, all of one height.  A document's own print runs along the document's
sides; so a family of such lines that crosses the print (or the document's outline) at 15 degrees or more is text
laid over the document after it was printed.

Without a reference direction (no outline, no other print in the picture) a family of tilted lines is just as well a
document photographed at a tilt: nothing is said then.  The rows must also cross the picture's own axes: an app draws
them in the picture's frame, and a page turned sideways has its own print at 90 degrees to the picture, which the
sides of a doubtful outline may cross at any angle (a book's back cover turned by 90 degrees, outlined by a wrong
small quad, was called watermarked before).

Measured on the real development photos with app-style watermarks laid over them (benchmarks/watermark_real.py): no
original picture has such a family crossing a reference direction; a rotated document's own print (8 lines at 33
degrees, no other print) has no reference and is left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

# A line of a watermark repeats a phrase: at least this many times as long as it is high (a 4-character phrase
# with its spacing; a lone word or a box around a stamp is shorter)
MIN_ASPECT = 4.0
# Lines within this many degrees of each other are one family (the detector's boxes of one straight row of text
# scatter by about 1 degree)
FAMILY_SPREAD_DEG = 3.0
# ... of this many lines at least: two or three parallel lines are a paragraph of tilted print; an app's watermark
# tiles the picture with 4 rows or more (on the overlays tried: 4-18 rows found)
MIN_FAMILY = 4
# ... whose heights agree within this share of the family's median: one font size, but a row's box grows where it
# crosses the print and the detector merges the two (real photos with app-style watermarks: up to +57%)
HEIGHT_TOLERANCE = 0.6
# The family must cross the reference direction (the outline's sides, the other print) by this many degrees at least
MIN_CROSSING_DEG = 15.0
# Other print that sets a reference direction: this many lines in one direction at least
MIN_REFERENCE_LINES = 3


@dataclass(frozen=True)
class TiltedRows:
    """A family of parallel text rows crossing the document's own directions."""

    lines: list[np.ndarray]  # the family's quads (working px)
    angle_deg: float  # their direction, degrees in (-90, 90], image y down
    crossing_deg: float  # the smallest angle between them and a reference direction
    reference: str  # "outline" or "print"


def _line_geometry(quad: np.ndarray) -> tuple[float, float, float]:
    """(angle in degrees in (-90, 90], length, height) of a text line's box."""
    (_, _), (w, h), a = cv2.minAreaRect(np.asarray(quad, np.float32))
    if w < h:
        w, h, a = h, w, a + 90.0
    return ((a + 90.0) % 180.0) - 90.0, float(w), float(h)


def _angle_between(a: float, b: float) -> float:
    """The angle between two undirected lines, degrees (0-90)."""
    d = abs(a - b) % 180.0
    return min(d, 180.0 - d)


def side_angles(quad: np.ndarray) -> list[float]:
    """The directions of a quad's four sides, degrees."""
    q = np.asarray(quad, np.float64)
    out = []
    for i in range(4):
        dx, dy = q[(i + 1) % 4] - q[i]
        out.append(float(np.degrees(np.arctan2(dy, dx))))
    return out


def tilted_rows(lines: Sequence[np.ndarray], outline: np.ndarray | None = None) -> TiltedRows | None:
    """The largest family of long, parallel, equally high text lines that crosses the document's directions by
    :data:`MIN_CROSSING_DEG` or more, or None.

    ``lines``: text-line quads (4 x 2); ``outline``: the document's quad in the same px, when one was found (even a
    doubtful one: only its directions are used).  Without an outline, the family must cross both the picture's axes
    and the other print in the picture (:data:`MIN_REFERENCE_LINES` lines in one direction, outside the family).
    """
    geo = [(q, *_line_geometry(q)) for q in lines]
    # (quad, angle, height, index in ``lines``) of the long lines
    long_lines = [(q, a, h, i) for i, (q, a, w, h) in enumerate(geo) if h > 0 and w >= MIN_ASPECT * h]
    if len(long_lines) < MIN_FAMILY:
        return None
    angles = np.array([a for _, a, _, _ in long_lines])
    heights = np.array([h for _, _, h, _ in long_lines])
    # the directions a watermark's rows must cross: the picture's own axes always (an app tiles its rows in the
    # picture's frame, tilted 20-45 degrees to it; a page photographed or uploaded sideways has its own print at 90
    # degrees, which a doubtful outline's sides may cross at any angle), and the outline's sides, or without one the
    # other print's direction (below)
    axes = [0.0, 90.0] + (side_angles(outline) if outline is not None else [])
    best: list[int] = []
    for a in angles:
        if min(_angle_between(a, r) for r in axes) < MIN_CROSSING_DEG:
            continue
        near = np.array([_angle_between(a, b) <= FAMILY_SPREAD_DEG for b in angles])
        if near.sum() < MIN_FAMILY:
            continue
        med = float(np.median(heights[near]))
        member = near & (np.abs(heights - med) <= HEIGHT_TOLERANCE * med)
        if member.sum() > len(best):
            best = [int(i) for i in np.flatnonzero(member)]
    if len(best) < MIN_FAMILY:
        return None
    angle = float(np.median(angles[best]))
    if outline is not None:
        refs, reference = side_angles(outline), "outline"
    else:
        # (the family's own lines left out by their index in ``lines``, not in ``long_lines``)
        family = {long_lines[i][3] for i in best}
        others = [a for i, (_, a, _, _) in enumerate(geo) if i not in family]
        others = [a for a in others if _angle_between(a, angle) >= MIN_CROSSING_DEG]
        if not others:
            return None
        # the other print's direction: the most common one among the other lines
        counts = [sum(_angle_between(a, b) <= FAMILY_SPREAD_DEG for b in others) for a in others]
        k = int(np.argmax(counts))
        if counts[k] < MIN_REFERENCE_LINES:
            return None
        refs, reference = [others[k]], "print"
    crossing = min(_angle_between(angle, r) for r in refs)
    if crossing < MIN_CROSSING_DEG:
        return None
    return TiltedRows([long_lines[i][0] for i in best], angle, crossing, reference)
