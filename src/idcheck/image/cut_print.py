"""Print cut by the frame: lines of text whose glyphs run into the picture's edge.

A document's print lies inside the document.  When lines of it are cut by the frame (the ink reaches the picture's
outermost pixels), the document goes on beyond the frame, so its corners on that side cannot be in the picture,
whether or not its edges were found.  This is what a page that fills the frame shows: no edge of it, but text cut
mid-glyph along one side.

Text that merely comes close to the edge (an app's labels a few px from a screenshot's border, a line ending in a
margin) leaves paper in the outermost pixels; a cut line leaves ink there.  One cut line can be anything (a
newspaper under the card, a caption); several on the same side are the document's own print running on.

Measured on the real development photos (text lines from :mod:`idcheck.image.text_evidence`): pictures of pages and
cards cut by the frame had 3-17 cut lines on one side (6 of 6 with no usable outline or a wrong one); whole
documents and screenshots had at most 1 per side, except status-bar text along a phone screenshot's top (pictures a
screen drew are not judged here).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SIDES = ("left", "top", "right", "bottom")

# The least number of cut lines on one side that says "the document's print runs on beyond the frame": real cut
# pages and cards showed 3-17; whole documents at most 1 (a stray line of a background or a caption)
MIN_CUT_LINES = 3
# A line "reaches" a side when its box comes within this share of the picture's short side of it (text boxes are
# drawn a little wider than the glyphs)
_REACH = 0.01
# The outermost pixels looked at for ink (working px): the frame's own last columns or rows
_EDGE_PX = 2
# A line is read only with this much contrast between its paper and its ink (grey levels, 90th vs 5th percentile
# in its box): below it, what is in the box is not print that can be told from paper
_MIN_LINE_CONTRAST = 30
# Share of the outermost pixels, over the line's extent, that must be ink (darker than half-way between the line's
# paper and ink): a cut glyph's strokes, not a speck of noise
_MIN_INK_AT_EDGE = 0.05


def cut_lines_per_side(gray: np.ndarray, lines: Sequence[np.ndarray]) -> dict[str, list[tuple[float, float]]]:
    """For each side of the picture, the text lines whose ink runs into it, as ``(start, end)`` spans along that side
    (working px).

    ``gray``: H x W uint8 picture; ``lines``: text-line quads (4 x 2, x/y in the same px).
    """
    h, w = gray.shape
    reach = _REACH * min(h, w)
    found: dict[str, list[tuple[float, float]]] = {s: [] for s in SIDES}
    for quad in lines:
        q = np.asarray(quad, np.float32)
        x0, y0 = (int(v) for v in np.floor(q.min(axis=0)))
        x1, y1 = (int(v) for v in np.ceil(q.max(axis=0)))
        x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w - 1), min(y1, h - 1)
        box = gray[y0:y1 + 1, x0:x1 + 1]
        if box.size < 20:
            continue
        paper, ink = np.percentile(box, 90), np.percentile(box, 5)
        if paper - ink < _MIN_LINE_CONTRAST:
            continue
        ink_level = (paper + ink) / 2
        edges = (
            ("left", x0 <= reach, gray[y0:y1 + 1, :_EDGE_PX], (y0, y1)),
            ("top", y0 <= reach, gray[:_EDGE_PX, x0:x1 + 1], (x0, x1)),
            ("right", x1 >= w - 1 - reach, gray[y0:y1 + 1, w - _EDGE_PX:], (y0, y1)),
            ("bottom", y1 >= h - 1 - reach, gray[h - _EDGE_PX:, x0:x1 + 1], (x0, x1)),
        )
        for side, reaches, strip, span in edges:
            if reaches and strip.size and float(np.mean(strip < ink_level)) >= _MIN_INK_AT_EDGE:
                found[side].append((float(span[0]), float(span[1])))
    return found


def sides_cut(gray: np.ndarray, lines: Sequence[np.ndarray], min_lines: int = MIN_CUT_LINES
              ) -> dict[str, list[tuple[float, float]]]:
    """The sides of the picture that cut ``min_lines`` lines of print or more (see :func:`cut_lines_per_side`)."""
    return {side: spans for side, spans in cut_lines_per_side(gray, lines).items() if len(spans) >= min_lines}
