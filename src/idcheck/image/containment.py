"""Is the found outline the document's, or a rectangle inside it?

On real photos the detector often returns an inner rectangle - a logo box on a card, a photo frame in a passport
or magazine page, a table on a form - because its printed border is a straighter edge than the document's own.
A document's outline has *another surface* beyond it (the desk, a hand, the frame's edge); an inner rectangle has
*more of the same paper* beyond it.  :func:`paper_continues` names the sides of a quad beyond which the paper
goes on; when two or more do, the quad is not the document's outline and its confidence is capped below
``document.min_confidence`` (the checks that read the document from it then say they could not judge it).

Real development photos: beyond every side of the 15 clean documents' outlines, 0% of the ring matched their
paper except one receipt (89% on one side, where its outline really does stop short of the receipt's end);
inner rectangles on a card, a sheet filling the frame, a book page and a phone's camera preview matched 34-100%
on two or three sides.
"""

from __future__ import annotations

import cv2
import numpy as np

# The ring read beyond each side: from 3% to 10% of the quad's short side outside it (the outline is accurate to
# ~1-2%, so the first 3% may still be the document's own edge or shadow).
RING_NEAR, RING_FAR = 0.03, 0.10
# Paper: the brighter half of the smooth pixels inside the quad (grey std over 5 x 5 px below this, Lab L units):
# paper carries no texture, print and photographs do.
SMOOTH_STD = 3.0
# A ring pixel is "the same paper" within this Lab distance of the paper's median colour: the same sheet under
# the light's slow gradient stays within ~6; a desk or cloth differs by 15+ even when pale.
SAME_PAPER_DE = 10.0
# A side continues when this share of its ring is the same paper.
MIN_SHARE = 0.3


def paper_continues(rgb: np.ndarray, quad: np.ndarray) -> list[int]:
    """Sides (0 top .. 3 left, of a TL-TR-BR-BL ``quad`` in ``rgb``'s pixel coordinates) beyond which the quad's
    own paper goes on.  Pure function: ``rgb`` H x W x 3 uint8 (a small copy, ~400-500 px, is enough)."""
    h, w = rgb.shape[:2]
    q = np.asarray(quad, np.float32).reshape(4, 2)
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)
    light = lab[:, :, 0]
    mean = cv2.blur(light, (5, 5))
    std = np.sqrt(np.maximum(cv2.blur(light * light, (5, 5)) - mean * mean, 0.0))
    inside = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(inside, np.round(q).astype(np.int32), 1)
    core = cv2.erode(inside, np.ones((5, 5), np.uint8)) > 0
    smooth = core & (std < SMOOTH_STD)
    if np.count_nonzero(smooth) < 50:
        return []
    bright = smooth & (light >= np.median(light[smooth]))
    paper = np.median(lab[bright], axis=0)
    short = min(np.linalg.norm(q[1] - q[0]), np.linalg.norm(q[3] - q[0]),
                np.linalg.norm(q[2] - q[1]), np.linalg.norm(q[2] - q[3]))
    centre = q.mean(axis=0)
    sides = []
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        normal = np.array([-(b - a)[1], (b - a)[0]], np.float32)
        normal /= max(float(np.linalg.norm(normal)), 1e-6)
        if float(np.dot(normal, (a + b) / 2 - centre)) < 0:
            normal = -normal
        ring_poly = np.array([a + normal * RING_NEAR * short, b + normal * RING_NEAR * short,
                              b + normal * RING_FAR * short, a + normal * RING_FAR * short])
        ring = np.zeros((h, w), np.uint8)
        cv2.fillConvexPoly(ring, np.round(ring_poly).astype(np.int32), 1)
        ring = (ring > 0) & (inside == 0)
        if np.count_nonzero(ring) < 30:  # the side lies on (or beyond) the frame edge: nothing to see beyond it
            continue
        same = np.linalg.norm(lab[ring] - paper, axis=1) < SAME_PAPER_DE
        if float(same.mean()) >= MIN_SHARE:
            sides.append(i)
    return sides
