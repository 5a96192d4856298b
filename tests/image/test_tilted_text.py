"""An app's watermark: rows of text laid at a tilt across the document's print."""

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from idcheck.image import text_evidence, tilted_text
from idcheck.image.checks.watermark import check_watermark

from .conftest import context

needs_detector = pytest.mark.skipif(not text_evidence._DETECTOR.available(), reason="rapidocr/onnxruntime missing")


def _line(cx, cy, length, height, angle_deg):
    """A text line's box: a rotated rectangle's 4 corners."""
    return cv2.boxPoints(((cx, cy), (length, height), angle_deg)).astype(np.float32)


def _print(n=6, angle=0.0):
    return [_line(400, 100 + 60 * i, 500, 30, angle) for i in range(n)]


def _rows(n=5, angle=-30.0, height=40):
    return [_line(300 + 40 * i, 150 + 110 * i, 700, height, angle) for i in range(n)]


def test_tilted_rows_across_the_print_are_found():
    found = tilted_text.tilted_rows(_print() + _rows())
    assert found is not None and len(found.lines) == 5 and found.reference == "print"
    assert abs(found.angle_deg - (-30)) <= 1 and found.crossing_deg >= 29
    # against an outline's sides instead of other print
    outline = np.array([[50, 50], [950, 50], [950, 700], [50, 700]], np.float32)
    found = tilted_text.tilted_rows(_rows(), outline)
    assert found is not None and found.reference == "outline"


def test_the_reference_print_may_be_words_listed_before_the_rows():
    # the page's own print found as short boxes (single words, too short to be rows) ahead of the tiled rows in the
    # detector's list: they still set the reference direction (a scan whose faint print gave 3 word boxes, p0087)
    words = [_line(200 + 150 * i, 80, 90, 30, 0.0) for i in range(3)]
    found = tilted_text.tilted_rows(words + _rows())
    assert found is not None and found.reference == "print" and len(found.lines) == 5
    assert tilted_text.tilted_rows(words[:2] + _rows()) is None  # two words are no direction


def test_no_watermark_without_a_family_or_a_direction_to_cross():
    assert tilted_text.tilted_rows(_print(n=12)) is None  # the document's own rows: no tilt
    assert tilted_text.tilted_rows(_print() + _rows(n=3)) is None  # three tilted lines are a paragraph, not a tiling
    # a document photographed at a tilt, nothing else in the picture: its own rows have nothing to cross
    assert tilted_text.tilted_rows(_rows(n=8)) is None
    # ... and with its outline, they run along its sides
    outline = cv2.boxPoints(((500, 400), (900, 600), -30)).astype(np.float32)
    assert tilted_text.tilted_rows(_rows(n=8), outline) is None
    # rows of very different heights are not one phrase tiled in one font size
    mixed = [_line(300 + 40 * i, 150 + 110 * i, 2000 * (i + 1) / 5, 10 + 40 * i, -30) for i in range(5)]
    assert tilted_text.tilted_rows(_print() + mixed) is None
    # short boxes (a word, a stamp) are no rows of a repeated phrase
    assert tilted_text.tilted_rows(_print() + _rows(height=200)) is None


def test_a_page_turned_sideways_is_no_watermark_whatever_its_outline():
    """A page uploaded sideways has its own print at 90 degrees to the picture; a doubtful outline (a wrong small
    quad, sides at any angle) must not make those rows "tilted": an app draws its rows across the picture's axes."""
    sideways = _print(n=10, angle=90.0)
    wrong_outline = np.array([[58, 400], [174, 396], [77, 494], [-2, 515]], np.float32)  # sides at 2-60 degrees
    assert tilted_text.tilted_rows(sideways, wrong_outline) is None
    assert tilted_text.tilted_rows(sideways) is None
    # an app's rows at 30 degrees over the same sideways page are still found, against either reference
    assert tilted_text.tilted_rows(sideways + _rows(), wrong_outline) is not None
    assert tilted_text.tilted_rows(sideways + _rows()) is not None


def _watermarked_page(alpha: float) -> np.ndarray:
    """A printed page filling the frame, with a phrase tiled over it at 30 degrees, as watermark apps do."""
    w, h = 1000, 1400
    page = np.full((h, w, 3), 236, np.uint8)
    rng = np.random.default_rng(3)
    words = ["Name", "Address", "Number", "Registered", "Capital", "Date", "Business", "Scope"]
    for i in range(12):
        cv2.putText(page, " ".join(rng.choice(words, 3)), (60, 100 + i * 105), cv2.FONT_HERSHEY_SIMPLEX, 1.3,
                    (25, 25, 25), 3)
    if alpha > 0:
        layer = Image.new("RGBA", (2400, 2400), (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        for row in range(0, 2400, 160):
            for x in range(-(row // 160 % 2) * 350, 2400, 700):
                draw.text((x, row), "FOR VERIFICATION ONLY", fill=(90, 90, 90, int(255 * alpha)),
                          font_size=44)
        layer = layer.rotate(30).crop((700, 500, 700 + w, 500 + h))
        base = Image.fromarray(page).convert("RGBA")
        base.alpha_composite(layer)
        page = np.asarray(base.convert("RGB"))
    return np.clip(page + rng.normal(0, 3, page.shape), 0, 255).astype(np.uint8)


@needs_detector
def test_a_watermarked_page_without_outline_is_found_and_the_clean_one_is_not():
    ctx = context(_watermarked_page(alpha=0.45))
    ctx.__dict__["document"] = None
    assert ctx.print_without_outline  # the document stage ran the text detector
    found = list(check_watermark(ctx))
    assert [f.code for f in found] == ["document.watermark"]
    # the page fills the picture: the whole picture is read as the document (its tilted period), before the rows
    assert ctx.frame_document and found[0].details["read"] == "the whole picture"
    clean = context(_watermarked_page(alpha=0.0))
    clean.__dict__["document"] = None
    assert clean.print_without_outline
    assert list(check_watermark(clean)) == []


def _on_desk(page):
    """``page`` lying on a dark desk that shows on every side."""
    h, w = page.shape[:2]
    desk = np.clip(np.random.default_rng(4).normal((70, 55, 40), 4, (int(1.25 * h), int(1.3 * w), 3)), 0, 255)
    desk[h // 8:h // 8 + h, w // 7:w // 7 + w] = page
    return desk.astype(np.uint8)


@needs_detector
def test_a_watermarked_page_on_a_desk_without_outline_is_found_by_its_rows():
    ctx = context(_on_desk(_watermarked_page(alpha=0.45)))
    ctx.__dict__["document"] = None
    assert ctx.print_without_outline and not ctx.frame_document  # the desk is in the picture: not the document
    found = list(check_watermark(ctx))
    assert [f.code for f in found] == ["document.watermark"]
    assert found[0].details["evidence"] == "tilted rows of text" and found[0].details["reference"] == "print"


@needs_detector
def test_the_detector_is_not_run_for_rows_unless_asked():
    ctx = context(_watermarked_page(alpha=0.45))
    ctx.__dict__["document"] = None
    assert ctx.text_lines_if_found is None  # nothing has run it yet
    assert list(check_watermark(ctx)) == []  # no outline, no lines found: nothing said, nothing run
    assert "text_lines" not in ctx.__dict__


@needs_detector
def test_print_without_outline_and_not_the_picture_says_the_watermark_was_not_judged():
    # a clean page on a desk, its outline withheld: the picture is not the document and no tilted rows are found, so
    # the watermark was not judged - said in image.not_judged, never a silent pass
    from idcheck.image.checks.document import check_document
    from idcheck.image.checks.not_judged import settle

    ctx = context(_on_desk(_watermarked_page(alpha=0.0)))
    ctx.__dict__["document"] = None
    findings = settle(list(check_document(ctx)) + list(check_watermark(ctx)))
    assert ctx.print_without_outline and not ctx.frame_document
    not_judged = {c for f in findings if f.code == "image.not_judged" for c in f.details.get("codes", [])}
    assert {"document.watermark", "image.screen_recapture"} <= not_judged
    # a page whose print fills the picture is the document: its watermark is judged from the whole picture
    from .test_watermark_frame import _page

    ctx = context(_page())
    ctx.__dict__["document"] = None
    findings = settle(list(check_document(ctx)) + list(check_watermark(ctx)))
    assert ctx.frame_document
    not_judged = {c for f in findings if f.code == "image.not_judged" for c in f.details.get("codes", [])}
    assert "document.watermark" not in not_judged
