"""Print cut by the frame: a document's text running into the picture's edge means its corners are out of it."""

import cv2
import numpy as np
import pytest

from idcheck.image import cut_print, text_evidence
from idcheck.image.checks.document import check_document

from .conftest import context

needs_detector = pytest.mark.skipif(not text_evidence._DETECTOR.available(), reason="rapidocr/onnxruntime missing")

WORDS = ["Name", "Address", "Number", "Registered", "Capital", "Date", "Business", "Scope", "Valid", "until"]


def _page(x0: int, lines: int = 12, size=(1000, 1400), seed: int = 1) -> np.ndarray:
    """A printed page filling the frame, its lines starting at ``x0`` px (negative: they start left of the frame,
    so the frame cuts their first glyphs); no edge of the paper in the picture."""
    w, h = size
    rng = np.random.default_rng(seed)
    canvas = np.full((h, w + 400, 3), 236, np.uint8)  # drawn 400 px wider, then cropped: glyphs cut, not clipped
    for i in range(lines):
        text = " ".join(rng.choice(WORDS, 4))
        cv2.putText(canvas, text, (400 + x0, 100 + i * 100), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (25, 25, 25), 4)
    page = canvas[:, 400:]
    return np.clip(page + rng.normal(0, 3, page.shape), 0, 255).astype(np.uint8)


def _quads(boxes):
    return [np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32) for x0, y0, x1, y1 in boxes]


def test_ink_in_the_outermost_pixels_is_a_cut_line_paper_there_is_not():
    gray = np.full((400, 600), 230, np.uint8)
    for y in (50, 150, 250):
        gray[y:y + 30, 0:200:12] = 20  # glyph strokes running into the left edge, every 12 px
        gray[y:y + 30, 0:200:12 + 1] = 20
    boxes = _quads([(0, y - 4, 210, y + 34) for y in (50, 150, 250)])
    assert len(cut_print.cut_lines_per_side(gray, boxes)["left"]) == 3
    assert set(cut_print.sides_cut(gray, boxes)) == {"left"}
    # the same lines starting 6 px in: their boxes still reach the edge, but paper is what lies there
    inset = np.full_like(gray, 230)
    inset[:, 6:] = gray[:, :-6]
    assert cut_print.cut_lines_per_side(inset, boxes)["left"] == []
    # two cut lines are not enough (a caption, a background): the side is not called cut
    assert cut_print.sides_cut(gray, boxes[:2]) == {}
    # a box without print (paper and ink closer than the contrast needed) is never a cut line
    assert cut_print.cut_lines_per_side(np.full_like(gray, 128), boxes)["left"] == []


@needs_detector
def test_a_page_whose_lines_the_frame_cuts_has_corners_missing():
    ctx = context(_page(x0=-60))
    ctx.__dict__["document"] = None  # no outline: the page fills the frame
    found = {f.code: f for f in check_document(ctx)}
    corner = found["document.corner_missing"]
    assert corner.severity == "warning" and corner.details["evidence"] == "print cut by the frame"
    assert corner.details["sides"] == ["left"] and corner.details["cut_lines"]["left"] >= 3
    assert set(corner.details["corners"]) == {"top-left", "bottom-left"}
    ow = ctx.decoded.original_size[0]
    assert all(x <= 0.05 * ow for x, _ in corner.region)  # drawn along the left edge
    # the other checks that need the outline still say they could not judge, corners no longer among them
    assert "document.corner_missing" not in found["image.not_judged"].details["codes"]


@needs_detector
def test_a_page_whose_lines_start_in_a_margin_is_not_called_cut():
    ctx = context(_page(x0=40))
    ctx.__dict__["document"] = None
    found = {f.code: f for f in check_document(ctx)}
    assert "document.corner_missing" not in found
    assert "document.corner_missing" in found["image.not_judged"].details["codes"]
