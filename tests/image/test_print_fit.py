"""The outline must hold the document's print (idcheck.image.document.print_fit)."""

import cv2
import numpy as np

from idcheck.image.document import DocumentQuad, print_fit

from .conftest import context


def _rect(x0, y0, x1, y1):
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)


def _quad(box, confidence=0.9, method="colour"):
    return DocumentQuad(_rect(*box), 1.0, 1.0, method, 0.3, {}, confidence=confidence)


def _lines(rows, x0, x1, height=10):
    """Text-line boxes, one per row, from x0 to x1."""
    return [_rect(x0, y, x1, y + height) for y in rows]


def _with(best, *others):
    best.alternatives = [best, *others]
    return best


def test_print_outside_counts_lines_by_their_centres_and_shares_by_area():
    quad = _rect(0, 0, 100, 100)
    inside = _lines([10, 30], 10, 90)  # 80 x 10 each
    outside = _lines([150], 10, 50)  # 40 x 10
    share, count = print_outside = print_fit.print_outside(quad, inside + outside)
    assert count == 1
    assert share == 400 / (400 + 1600)
    assert print_fit.print_outside(quad, []) == (0.0, 0)
    assert print_outside == (share, count)


def test_an_inner_rectangle_gives_way_to_the_outline_that_holds_the_print():
    inner = _quad((100, 100, 300, 200), confidence=0.95)  # a portrait or a box of fields
    page = _quad((50, 50, 500, 650), confidence=0.5)  # ranked lower by the search, but holds every line
    lines = _lines(range(60, 640, 40), 60, 480)
    chosen = print_fit.fit_to_print(_with(inner, page), lines, (600, 700))
    assert chosen is page
    assert chosen.details["print_fit"]["replaced"] == "colour"
    assert chosen.details["print_fit"]["print_outside_before"] >= print_fit.PRINT_OUTSIDE_WRONG


def test_an_outline_holding_its_print_is_kept_and_a_few_stray_lines_change_nothing():
    card = _quad((100, 100, 500, 350))
    larger = _quad((20, 20, 580, 580), confidence=0.3)
    own = _lines(range(120, 330, 30), 120, 480)
    assert print_fit.fit_to_print(_with(card, larger), own, (600, 600)) is card
    # two labels on the desk beside the card: under MIN_LINES_OUTSIDE, whatever their share
    stray = _lines([400, 450], 20, 590, height=40)
    kept = print_fit.fit_to_print(_with(card, larger), own[:2] + stray, (600, 600))
    assert kept is card and "print_outside" not in kept.details


def test_no_outline_holding_the_print_marks_the_first_and_a_filled_frame_becomes_the_outline():
    inner = _quad((200, 200, 400, 400))
    # print all over the picture: the document fills it
    everywhere = _lines(range(10, 590, 40), 10, 590)
    framed = print_fit.fit_to_print(_with(inner), everywhere, (600, 600))
    assert framed.method == "frame" and framed.confidence == 0.0
    assert framed.details["fills_frame"] and framed.details["print_outside"] >= print_fit.PRINT_OUTSIDE_WRONG
    assert np.allclose(framed.quad, _rect(0, 0, 600, 600))
    # print outside the outline but far from the frame's right side: no frame, the outline is only marked
    left = _lines(range(10, 590, 40), 10, 300)
    marked = print_fit.fit_to_print(_with(_quad((250, 200, 400, 400))), left, (600, 600))
    assert marked.method == "colour" and marked.details["print_outside"] >= print_fit.PRINT_OUTSIDE_WRONG


def test_the_print_is_asked_for_when_the_outline_is_doubtful_or_has_a_larger_outline_around_it():
    card = _quad((100, 100, 300, 250), confidence=0.95)
    assert not print_fit.worth_asking(_with(card), 0.8)
    assert print_fit.worth_asking(_with(_quad((100, 100, 300, 250), confidence=0.6)), 0.8)
    around = _quad((50, 50, 400, 400), confidence=0.2)
    assert print_fit.worth_asking(_with(card, around), 0.8)
    beside = _quad((350, 300, 700, 650), confidence=0.2)  # larger, but not around it
    assert not print_fit.worth_asking(_with(card, beside), 0.8)


def test_the_context_distrusts_a_box_inside_a_page_that_fills_the_picture():
    """A page filling the picture whose only strong rectangle is a printed box of fields: without print the box is
    the confident outline; with the page's lines all over the picture it is not the document."""
    h, w = 900, 1200
    page = np.full((h, w, 3), 238, np.uint8)
    cv2.rectangle(page, (420, 300), (800, 600), (150, 190, 235), -1)  # a tinted block of fields ...
    cv2.rectangle(page, (420, 300), (800, 600), (30, 30, 30), 6)  # ... in a printed frame
    rows = list(range(40, h - 40, 60))
    for y in rows:
        if not 280 <= y <= 620:
            # stand-ins for lines of print, a little off level as a camera records them (a line drawn exactly along
            # a pixel row across the picture is a screen's panel edge: capture.panel_edges)
            cv2.line(page, (40, y), (w - 40, y + 5), (90, 90, 90), 3)
    boxes = [_rect(40, y - 12, w - 40, y + 12) for y in rows if not 280 <= y <= 620]
    # a camera's noise: a flat, noiseless picture is an app's capture, whose outline is found another way
    page = np.clip(page + np.random.default_rng(3).normal(0, 3, page.shape), 0, 255).astype(np.uint8)

    plain = context(page)
    plain.__dict__["text_lines"] = []  # the detector found nothing: the box stands
    assert plain.document is not None and plain.document.method != "frame"
    box_area = abs(cv2.contourArea(plain.document.quad))
    assert box_area < 0.3 * w * h

    printed = context(page)
    printed.__dict__["text_lines"] = boxes
    doc = printed.document
    assert doc is not None
    assert "print_outside" in doc.details or abs(cv2.contourArea(doc.quad)) > 0.8 * w * h
    assert not printed.document_confident


def _camera_page():
    """Plain paper with a camera's noise (a noiseless flat picture is an app's capture, judged another way)."""
    return np.clip(230 + np.random.default_rng(5).normal(0, 3, (600, 800, 3)), 0, 255).astype(np.uint8)


def test_the_report_says_why_nothing_was_judged_from_the_frame_or_a_part_of_the_document():
    from idcheck.image.checks.document import check_document

    ctx = context(_camera_page())
    inner = _quad((200, 200, 400, 350), confidence=0.7)
    ctx.__dict__["text_lines"] = _lines(range(10, 590, 40), 10, 790)  # print all over: the document fills it
    ctx.__dict__["document"] = print_fit.fit_to_print(_with(inner), ctx.text_lines, (800, 600))
    said = [f for f in check_document(ctx) if f.code == "image.not_judged"]
    assert said and "fills the picture" in said[0].message
    part = context(_camera_page())
    part.__dict__["text_lines"] = _lines(range(10, 590, 40), 10, 300)  # print on the left only
    part.__dict__["document"] = print_fit.fit_to_print(_with(_quad((250, 200, 400, 400), confidence=0.7)),
                                                       part.text_lines, (800, 600))
    said = [f for f in check_document(part) if f.code == "image.not_judged"]
    assert said and "of the print lies outside the outline" in said[0].message


def test_print_on_a_second_document_beside_the_outline_keeps_it():
    # the card's two sides photographed side by side: the search judged both, and the hull around both
    front = _quad((40, 100, 280, 250), confidence=0.95)
    back = _quad((320, 100, 560, 250), confidence=0.9)
    both = _quad((30, 90, 570, 260), confidence=0.0)
    lines = _lines(range(110, 240, 30), 60, 260) + _lines(range(110, 240, 30), 340, 540)
    kept = print_fit.fit_to_print(_with(front, both, back), lines, (600, 350))
    assert kept is front
    assert kept.details["second_document"]["print_outside"] >= print_fit.PRINT_OUTSIDE_WRONG
    assert "print_outside" not in kept.details
    # the same print with no second outline apart from the first: the hull that holds it all is taken
    taken = print_fit.fit_to_print(_with(_quad((40, 100, 280, 250), confidence=0.95), both), lines, (600, 350))
    assert taken.method == "colour" and taken is not front and "print_fit" in taken.details


def test_an_outline_overlapping_the_best_is_no_second_document():
    inner = _quad((100, 100, 300, 200), confidence=0.95)
    overlapping = _quad((250, 80, 550, 400), confidence=0.5)  # shares a strip with the inner one
    page = _quad((50, 50, 580, 650), confidence=0.4)
    lines = _lines(range(60, 640, 40), 300, 540)
    assert print_fit.second_document(_with(inner, overlapping, page), lines) is None


def _turned(box, deg, centre=(200.0, 150.0)):
    """``box`` (x0, y0, x1, y1) turned by ``deg`` degrees about ``centre``."""
    t = np.radians(deg)
    rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]], np.float32)
    return (_rect(*box) - centre) @ rot.T + centre


def test_the_print_fills_the_frame_only_when_it_reaches_near_every_side():
    frame = (400, 300)
    full = _lines([10, 100, 280], 15, 385)  # 10 px from the top, 10 from the bottom, 15 from the sides
    assert print_fit.print_fills_frame(full, frame)
    # the same print with a desk showing beyond its right side: 26% of the width free
    assert not print_fit.print_fills_frame(_lines([10, 100, 280], 15, 295), frame)
    assert not print_fit.print_fills_frame([], frame)


def test_the_print_is_square_to_the_picture_when_its_own_lines_run_along_the_axes():
    rows = [(20, y, 380, y + 12) for y in range(20, 280, 30)]
    assert print_fit.print_square([_rect(*r) for r in rows])
    # a page turned a quarter is square again: its lines stand upright
    assert print_fit.print_square([_turned(r, 90.0) for r in rows])
    for deg in (5.0, -7.5, 30.0, -40.0):  # a document turned in the frame
        assert not print_fit.print_square([_turned(r, deg) for r in rows])
    # an app's rows at 30 degrees over a square page may outnumber its lines: they are no evidence either way
    wm = [_turned((0, y, 400, y + 14), 30.0) for y in range(0, 300, 20)]
    assert print_fit.print_square([_rect(*r) for r in rows[:3]] + wm)
    assert not print_fit.print_square([_turned(r, 5.0) for r in rows] + wm)
    assert not print_fit.print_square([_rect(*r) for r in rows[:2]])  # two lines are no print to go by
    assert not print_fit.print_square([])


def test_a_card_cut_out_fills_its_picture_with_its_portrait_side_free():
    card = (1012, 638)  # ID-1 proportions, 1.586
    fields = [_rect(60, y, 640, y + 30) for y in (80, 150, 220, 290, 360)] + [_rect(60, 520, 640, 560)]
    assert not print_fit.print_fills_frame(fields, card)  # the portrait leaves 37% of the width free
    assert print_fit.print_fills_card(fields, card)
    assert not print_fit.print_fills_card(fields, (1012, 760))  # a 4:3 photo is no card cut out
    assert not print_fit.print_fills_card(fields, (1012, 675))  # nor a 3:2 one
    # a card lying in the middle of a card-shaped picture leaves more than one side free
    assert not print_fit.print_fills_card([_rect(250, y, 700, y + 20) for y in (200, 260, 320, 380)], card)
    assert not print_fit.print_fills_card([], card)
