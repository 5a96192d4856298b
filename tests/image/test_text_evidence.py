"""Print found by the text detector: a document whose edges were not found is not 'not found'."""

import cv2
import numpy as np
import pytest

from idcheck.image import text_evidence
from idcheck.image.checks.document import check_document

from .conftest import context, photo

needs_detector = pytest.mark.skipif(not text_evidence._DETECTOR.available(), reason="rapidocr/onnxruntime missing")


def _page(lines=14, size=(1000, 1400)):
    """A printed page filling the whole frame: lines of text, no edge of the paper in the picture."""
    w, h = size
    page = np.full((h, w, 3), 238, np.uint8)
    rng = np.random.default_rng(1)
    words = ["Name", "Address", "Number", "Registered", "Capital", "Date", "Business", "Scope", "Valid", "until"]
    for i in range(lines):
        text = " ".join(rng.choice(words, 4))
        cv2.putText(page, text, (60, 90 + i * 90), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (30, 30, 30), 3)
    # a camera's noise: no row of a photo is one exact colour (a screen capture's would be)
    return np.clip(page + rng.normal(0, 3, page.shape), 0, 255).astype(np.uint8)


def _scene(size=(1000, 1400)):
    """Smooth shading and soft blobs: a photo with no print in it."""
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.dstack([90 + 60 * np.sin(xx / 170.0), 120 + 40 * np.cos(yy / 210.0), 100 + 30 * np.sin((xx + yy) / 300.0)])
    return np.clip(img, 0, 255).astype(np.uint8)


@needs_detector
def test_print_is_found_on_a_page_and_not_in_a_scene():
    lines = text_evidence.text_lines(_page())
    assert lines is not None and len(lines) >= 10
    assert all(q.shape == (4, 2) for q in lines)
    # coordinates are the picture's own (the detector ran on a 640 px copy): every line inside the page
    assert max(float(q[:, 0].max()) for q in lines) <= 1000 + 2 and max(float(q[:, 1].max()) for q in lines) <= 1402
    assert text_evidence.text_lines(_scene()) == []
    # more lines of print, more lines found (metamorphic)
    assert len(text_evidence.text_lines(_page(lines=6))) < len(lines)


@needs_detector
def test_no_outline_with_print_is_not_judged_without_print_not_found():
    ctx = context(_page())
    ctx.__dict__["document"] = None  # the branch under test: no outline found
    found = list(check_document(ctx))
    assert [f.code for f in found] == ["image.not_judged"]
    assert found[0].severity == "warning" and found[0].details["text_lines"] >= 5
    assert "document.corner_missing" in found[0].details["codes"]
    ctx = context(_scene())
    ctx.__dict__["document"] = None
    assert [f.code for f in check_document(ctx)] == ["document.not_found"]
    # the detector switched off by the operator: the outline alone decides, as before
    from dataclasses import replace
    ctx = context(_page())
    ctx.config = replace(ctx.config, document=replace(ctx.config.document, min_text_lines=0))
    ctx.__dict__["document"] = None
    assert [f.code for f in check_document(ctx)] == ["document.not_found"]


def test_without_the_detector_the_outline_alone_decides(monkeypatch):
    monkeypatch.setattr(text_evidence._DETECTOR, "available", lambda: False)
    assert text_evidence.text_lines(_page()) is None
    ctx = context(_page())
    ctx.__dict__["document"] = None
    assert [f.code for f in check_document(ctx)] == ["document.not_found"]


@needs_detector
def test_a_found_outline_never_starts_the_detector(monkeypatch):
    calls = []
    monkeypatch.setattr(text_evidence, "text_lines", lambda rgb: calls.append(1) or [])
    img, _ = photo("id_card", seed=2, background="wood")
    ctx = context(img)
    assert ctx.document is not None
    list(check_document(ctx))
    assert calls == []


@needs_detector
def test_a_doubtful_outline_counts_only_with_print_inside():
    """A straight-sided quad of no document (a cupboard door) is not trusted from 0.5-0.8 confidence without print;
    the same quad round a printed page is."""
    from idcheck.image.document import DocumentQuad

    def with_doubtful_outline(rgb, box=(0.1, 0.1, 0.9, 0.9)):
        ctx = context(rgb)
        h, w = rgb.shape[:2]
        x0, y0, x1, y1 = box[0] * w, box[1] * h, box[2] * w, box[3] * h
        quad = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
        ctx.__dict__["document"] = DocumentQuad(quad, 0.9, 1.0, "lines", 0.64, {"frame_edge_sides": []},
                                                confidence=0.65)
        return ctx

    printed = with_doubtful_outline(_page())
    assert printed.document_confident
    # print round the quad (a page behind a cupboard door), none inside it
    door = _page()
    # (the door spans 80% of the width: a pasted rectangle exactly along the pixel rows across the whole picture is
    # what a screen draws, capture.panel_edges)
    door[420:980, 40:840] = _scene()[420:980, 40:840]
    blank = with_doubtful_outline(door, box=(0.04, 0.3, 0.84, 0.7))
    assert not blank.document_confident
    found = list(check_document(blank))
    assert [f.code for f in found] == ["image.not_judged"] and "no print" in found[0].message
    # a confident outline needs no print (a plain card back, a blank form): the detector is not asked
    sure = context(_scene())
    sure.__dict__["document"] = DocumentQuad(blank.document.quad, 0.9, 1.0, "lines", 0.64, {"frame_edge_sides": []},
                                             confidence=0.95)
    assert sure.document_confident and "rectified_any" not in sure.__dict__


@needs_detector
def test_a_doubtful_outline_without_print_in_a_picture_without_print_leaves_the_document_not_judged():
    # a scene - or a document whose print the detector cannot see (out of focus, forwarded small): not "no
    # document" but "could not tell", with the other outline checks (a warning either way)
    from idcheck.image.document import DocumentQuad

    ctx = context(_scene())
    h, w = ctx.rgb.shape[:2]
    quad = np.array([[0.2 * w, 0.2 * h], [0.8 * w, 0.2 * h], [0.8 * w, 0.8 * h], [0.2 * w, 0.8 * h]], np.float32)
    ctx.__dict__["document"] = DocumentQuad(quad, 0.9, 1.0, "lines", 0.36, {"frame_edge_sides": []}, confidence=0.7)
    found = list(check_document(ctx))
    assert [f.code for f in found] == ["image.not_judged"]
    assert found[0].severity == "warning"
    assert found[0].details["codes"][:2] == ["document.not_found", "document.corner_missing"]
    assert found[0].details["text_lines"] == 0
    assert "no document" in found[0].message and "too soft" in found[0].message


def test_a_doubtful_outline_too_small_to_read_counts_only_when_the_picture_holds_print():
    """Under MIN_CROP_PX the crop itself cannot be read: a picture without any print leaves even whether a document
    is there not judged (the chest of drawers in a room, or a soft document); one with print elsewhere keeps the
    outline (a small card far away)."""
    from idcheck.image.document import DocumentQuad

    def small_outline(lines):
        ctx = context(_scene())
        h, w = ctx.rgb.shape[:2]
        side = 0.8 * text_evidence.MIN_CROP_PX
        quad = np.array([[10, 10], [10 + side, 10], [10 + side, 10 + side / 1.5], [10, 10 + side / 1.5]], np.float32)
        ctx.__dict__["document"] = DocumentQuad(quad, 0.9, 1.0, "lines", side * side / 1.5 / (w * h),
                                                {"frame_edge_sides": []}, confidence=0.65)
        ctx.__dict__["text_lines"] = lines  # the whole picture's pass, as the outline's print check made it
        return ctx

    none_anywhere = small_outline([])
    assert none_anywhere.print_inside_outline is False and not none_anywhere.document_confident
    said = list(check_document(none_anywhere))
    assert [f.code for f in said] == ["image.not_judged"] and "document.not_found" in said[0].details["codes"]
    far = np.array([[400, 300], [600, 300], [600, 320], [400, 320]], np.float32)
    elsewhere = small_outline([far])
    assert elsewhere.print_inside_outline is None and elsewhere.document_confident


def _garbage_outline(ctx):
    """A quad the document stage found but could not believe (confidence 0.1, under ``document.min_confidence``)."""
    from idcheck.image.document.quad import DocumentQuad

    q = np.array([[100, 100], [700, 160], [650, 900], [80, 820]], np.float32)
    ctx.__dict__["document"] = DocumentQuad(q, 0.6, 0.5, "lines", 0.4, confidence=0.1)


@needs_detector
def test_an_unbelievable_outline_without_print_names_not_found_among_what_was_not_judged():
    """Outline confidence under min_confidence: the detector's finding no print anywhere adds "no document, or its
    print too soft to find" to what could not be judged; print there adds nothing."""
    ctx = context(_scene())
    _garbage_outline(ctx)
    found = [f for f in check_document(ctx) if f.code == "image.not_judged"]
    assert found and "document.not_found" in found[0].details["codes"]
    assert found[0].details["text_lines"] == 0 and "no print was found anywhere" in found[0].message
    ctx = context(_page())
    _garbage_outline(ctx)
    assert len(ctx.text_lines or ()) >= 5
    found = [f for f in check_document(ctx) if f.code == "image.not_judged"]
    assert found and "document.not_found" not in found[0].details["codes"]
