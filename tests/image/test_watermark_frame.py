"""A picture that is the document (a scan, a scanner app's crop): its watermarks are read from the whole picture."""

import cv2
import numpy as np
import pytest

from fixtures import docgen
from idcheck.image import text_evidence

from .conftest import run

needs_detector = pytest.mark.skipif(not text_evidence._DETECTOR.available(), reason="rapidocr/onnxruntime missing")

_WORDS = ["Name", "Address", "Number", "Registered", "Capital", "Date", "Business", "Scope", "Valid", "until"]


def _page(size=(1000, 1300), seed=3):
    """A page cut out along its edges: lines of print from 5% to 95% of the frame each way, no paper edge."""
    w, h = size
    rng = np.random.default_rng(seed)
    page = np.full((h, w, 3), (236, 233, 226), np.uint8)
    for y in range(int(0.06 * h), int(0.95 * h), 64):
        x = int(0.05 * w)
        while x < 0.9 * w:
            word = str(rng.choice(_WORDS))
            (tw, _), _ = cv2.getTextSize(word, cv2.FONT_HERSHEY_SIMPLEX, 1.1, 2)
            if x + tw > 0.95 * w:
                break
            cv2.putText(page, word, (x, y), cv2.FONT_HERSHEY_SIMPLEX, 1.1, (35, 35, 40), 2)
            x += tw + 22
    return np.clip(page + rng.normal(0, 2.5, page.shape), 0, 255).astype(np.uint8)


def _watermarked(page, seed=5, alpha=0.4):
    return np.clip(docgen._watermark(page.astype(np.float32), np.random.default_rng(seed), alpha), 0, 255).astype(
        np.uint8)


def _not_judged_codes(findings):
    return {c for f in findings if f.code == "image.not_judged" for c in f.details.get("codes", [])}


@needs_detector
def test_a_page_filling_the_picture_is_read_for_watermarks_from_the_whole_picture():
    ctx, findings = run(_page())
    assert ctx.frame_document and not ctx.document_confident
    assert "document.watermark" not in {f.code for f in findings}
    # judged, so not among what could not be judged (its corners still are)
    assert "document.watermark" not in _not_judged_codes(findings)
    assert "document.corner_missing" in _not_judged_codes(findings)

    ctx, findings = run(_watermarked(_page()))
    assert ctx.frame_document
    marks = [f for f in findings if f.code == "document.watermark"]
    assert marks and marks[0].details["read"] == "the whole picture"
    # the region is the whole picture (in the original's pixels: the working copy stands for one twice its size)
    xs = [p[0] for p in marks[0].region]
    assert min(xs) == 0 and max(xs) == 2 * ctx.width


@needs_detector
def test_a_page_turned_in_the_frame_or_lying_on_a_desk_is_not_read_from_the_whole_picture():
    page = _watermarked(_page())
    h, w = page.shape[:2]
    turned = cv2.warpAffine(page, cv2.getRotationMatrix2D((w / 2, h / 2), 12, 1.0), (w, h),
                            borderMode=cv2.BORDER_REPLICATE)
    ctx, _ = run(turned)
    assert not ctx.frame_document  # its rows are not the picture's axes: the picture cannot stand for its outline
    desk = np.full((int(h * 1.6), int(w * 1.6), 3), (90, 60, 40), np.uint8)
    desk[100:100 + h, 120:120 + w] = page
    ctx, _ = run(desk)
    assert not ctx.frame_document


def _card_cut_to_its_edges(page):
    """``page`` with its right 40% free of print (an ID card's portrait side) and its edge showing as a dark band
    4-10 px inside the frame on every side (1-3 px at the detection size): a scan cropped to the card's edges."""
    card = page.copy()
    h, w = card.shape[:2]
    card[:, int(0.6 * w):] = (228, 226, 220)
    for d in (card[4:10, :], card[h - 10:h - 4, :], card[:, 4:10], card[:, w - 10:w - 4]):
        d[...] = (70, 70, 70)
    noise = np.random.default_rng(9).normal(0, 2.5, card.shape)  # a scanner's noise: no flat colour of a screen
    return np.clip(card + noise, 0, 255).astype(np.uint8)


@needs_detector
def test_a_card_cut_to_its_edges_is_read_for_watermarks_though_its_print_leaves_a_side_free():
    card = _card_cut_to_its_edges(_page())
    ctx, findings = run(card)
    assert ctx.document is not None and ctx.document.method == "frame-edges"
    assert ctx.frame_document
    assert "document.watermark" not in {f.code for f in findings} | _not_judged_codes(findings)
    ctx, findings = run(_card_cut_to_its_edges(_watermarked(_page())))
    assert ctx.frame_document
    assert "document.watermark" in {f.code for f in findings}


@needs_detector
def test_an_outline_too_doubtful_for_watermarks_gives_way_to_the_whole_picture_when_it_is_the_document():
    from idcheck.image.checks.document import check_document
    from idcheck.image.checks.watermark import check_watermark
    from idcheck.image.document import DocumentQuad

    from .conftest import context

    for rgb, marked in ((_page(), False), (_watermarked(_page()), True)):
        ctx = context(rgb)
        assert ctx.text_lines  # as the document stage reads them on a doubtful outline
        h, w = rgb.shape[:2]
        inner = np.array([[0.04 * w, 0.03 * h], [0.96 * w, 0.03 * h], [0.96 * w, 0.97 * h], [0.04 * w, 0.97 * h]],
                         np.float32)  # the page's printed frame: sure enough for corners, not for watermarks (0.8)
        ctx.__dict__["document"] = DocumentQuad(inner, 0.9, 1.0, "lines", 0.85, {}, confidence=0.65)
        assert ctx.document_confident and ctx.frame_document
        found = list(check_watermark(ctx))
        assert [f.details["read"] for f in found] == (["the whole picture"] if marked else [])
        said = list(check_document(ctx))
        assert not any("document.watermark" in f.details.get("codes", []) for f in said if f.code == "image.not_judged")
