"""Line-segment proposals: a white card on a white desk, with four or three visible borders."""

import cv2
import numpy as np
import pytest

from idcheck.image import document as D

CARD = np.array([[60, 50], [330, 62], [322, 235], [52, 222]], np.float32)  # TL, TR, BR, BL (ID-card proportions)


def light_card(seed: int, desk: float = 200.0, paper: float = 212.0, hide_top: bool = False,
               card: np.ndarray = CARD) -> np.ndarray:
    """A 384 x 288 picture (the detector's working size): a card only 12 grey levels lighter than the desk,
    with rows of characters and a portrait (rectangles crisper than the card's own border)."""
    rng = np.random.default_rng(seed)
    h, w = 288, 384
    img = np.full((h, w, 3), desk, np.float32)
    if hide_top:  # lit from above: the desk beyond the top border is as light as the card, that border vanishes
        above = np.array([[0, 0], [w, 0], [w, CARD[1][1] + (w - CARD[1][0]) * (CARD[1][1] - CARD[0][1]) / (CARD[1][0] - CARD[0][0])],
                          [0, CARD[0][1] - CARD[0][0] * (CARD[1][1] - CARD[0][1]) / (CARD[1][0] - CARD[0][0])]], np.float32)
        cv2.fillConvexPoly(img, np.round(above).astype(np.int32), (paper, paper, paper))
    mask = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(mask, np.round(card).astype(np.int32), 255)
    img[mask > 0] = paper
    dx, dy = np.round(card[0] - CARD[0]).astype(int)  # the print moves with the card
    for k in range(6):  # rows of characters: short dark blocks
        y = 88 + 22 * k + dy
        for x in range(90 + dx, 90 + dx + int(rng.integers(60, 130)), 11):
            cv2.rectangle(img, (x, y), (x + 7, y + 8), (40, 40, 40), -1)
    cv2.rectangle(img, (232 + dx, 92 + dy), (300 + dx, 178 + dy), (120, 100, 90), -1)  # the portrait
    img += rng.normal(0, 1.5, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_faint_card_is_found_by_its_lines_not_taken_for_its_portrait(seed):
    rgb = light_card(seed)
    found = D.detect(rgb)
    assert found is not None
    assert np.abs(found.quad - CARD).max() <= 3.0, found.quad  # the card, not the portrait inside it
    assert found.confidence >= 0.8


def test_the_line_proposal_is_what_finds_it(monkeypatch):
    rgb = light_card(1)
    monkeypatch.setattr(D, "_line_quads", lambda *a, **k: [])
    without = D.detect(rgb)
    assert without is None or np.abs(without.quad - CARD).max() > 20  # the older proposals miss this card


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_card_showing_three_borders_is_closed_where_its_sides_end(seed):
    # 16 grey levels of contrast: at 12 (the four-sided test) LSD misses one of the three borders on seed 1
    rgb = light_card(seed, paper=216.0, hide_top=True)
    found = D.detect(rgb)
    assert found is not None
    assert np.abs(found.quad - CARD).max() <= 4.0, found.quad
    assert found.details.get("implied_side") == 0  # the top side: seen only as where the left and right ones end
    assert found.details["straightness"][0] is None


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_card_cut_by_the_frame_is_closed_by_the_frame_edge(seed):
    cut = CARD - np.array([0, 70], np.float32)  # the top 8-20 px of the card above the picture
    # a clearer border (22 grey levels): this tests closing the quad at the frame, not LSD's contrast limit
    rgb = light_card(seed, paper=222.0, card=cut)
    found = D.detect(rgb)
    assert found is not None
    tl, tr, br, bl = found.quad
    assert tl[1] <= 1.0 and tr[1] <= 1.0  # the top corners on the frame edge: not in the picture
    assert np.abs(found.quad[2:] - cut[2:]).max() <= 4.0  # the bottom corners where they are
    assert 0 in found.details["frame_edge_sides"]


def test_line_quads_need_long_lines():
    flat = np.full((288, 384), 200, np.uint8)
    assert D._line_quads(flat, 0.04 * flat.size) == []
    noise = np.random.default_rng(0).integers(0, 255, (288, 384), dtype=np.uint8)
    assert D._line_quads(noise, 0.04 * noise.size) == []
