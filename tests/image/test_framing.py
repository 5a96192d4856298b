"""Outlines told apart by the picture's surfaces (idcheck.image.document.framing) and the detector's use of them."""

import cv2
import numpy as np
import pytest

from idcheck.image import capture
from idcheck.image.document import DocumentQuad, detect, framing

from .conftest import context

DESK, CARD, FLOOR, PAPER, PORTRAIT = (70, 60, 50), (235, 235, 230), (20, 20, 25), (240, 238, 230), (150, 110, 90)


def _rect(x0, y0, x1, y1):
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)


def _quad(box, method="lines", confidence=0.8):
    return DocumentQuad(_rect(*box), 0.9, 1.0, method, 0.5, {}, confidence=confidence)


def _lab(rgb):
    return cv2.cvtColor(cv2.GaussianBlur(rgb, (5, 5), 0), cv2.COLOR_RGB2LAB)


def _scene(card_colour, band_colour, around_colour, size=(300, 400)):
    """A picture whose outer outline (40..360 x 30..270) holds an inner one (40..360 x 100..270) and a strip above
    it (the "band"), surrounded by ``around_colour``."""
    h, w = size
    rgb = np.full((h, w, 3), around_colour, np.uint8)
    rgb[30:270, 40:360] = band_colour
    rgb[100:270, 40:360] = card_colour
    return rgb


def test_a_strip_of_background_inside_the_outline_gives_way_to_the_document():
    # a card on a desk, the outline running past its top edge to the desk's far edge: the strip is desk
    rgb = _scene(CARD, DESK, DESK)
    best, card = _quad((40, 30, 360, 270)), _quad((40, 100, 360, 270), method="colour")
    ranks = {id(best): 0.80, id(card): 0.77}
    chosen = framing.shed_background_band(best, [best, card], _lab(rgb), ranks)
    assert chosen is card
    assert chosen.details["background_band"]["replaced"] == "lines"
    assert chosen.details["background_band"]["strip_to_surroundings"] <= framing.BAND_SAME_SURFACE


def test_a_strip_of_paper_around_a_part_of_the_document_keeps_the_document():
    # a passport page around its portrait: the strip between them is paper, unlike the desk around the page
    rgb = _scene(PORTRAIT, PAPER, DESK)
    best, portrait = _quad((40, 30, 360, 270)), _quad((40, 100, 360, 270))
    chosen = framing.shed_background_band(best, [best, portrait], _lab(rgb), {id(best): 0.8, id(portrait): 0.8})
    assert chosen is best
    assert "background_band" not in best.details


def test_a_clearly_worse_inner_outline_is_never_promoted():
    rgb = _scene(CARD, DESK, DESK)
    best, card = _quad((40, 30, 360, 270)), _quad((40, 100, 360, 270))
    ranks = {id(best): 0.80, id(card): 0.80 * framing.BAND_RANK_SHARE - 0.01}
    assert framing.shed_background_band(best, [best, card], _lab(rgb), ranks) is best


@pytest.mark.parametrize("strip", [(60, 50, 40), (90, 75, 60), (140, 120, 100)])
def test_the_further_the_strip_is_from_the_surroundings_the_less_it_is_taken_for_background(strip):
    # metamorphic: the same scene with the strip's colour moving away from the desk's; once it is another surface,
    # the outer outline stays
    rgb = _scene(CARD, strip, DESK)
    best, card = _quad((40, 30, 360, 270)), _quad((40, 100, 360, 270))
    lab = _lab(rgb)
    chosen = framing.shed_background_band(best, [best, card], lab, {id(best): 0.8, id(card): 0.8})
    distance = float(np.linalg.norm(lab[60, 200].astype(float) - lab[5, 5].astype(float)))
    assert (chosen is card) == (distance <= framing.BAND_SAME_SURFACE)


def _tight_crop(size=(240, 384), inset=2, sides=(True, True, True, True), seed=0):
    """A card cropped to its edges: light card, thin dark outline ``inset`` px inside the frame, a little print."""
    h, w = size
    rng = np.random.default_rng(seed)
    rgb = np.clip(rng.normal(228, 3, (h, w, 3)), 0, 255).astype(np.uint8)
    for y in range(60, 200, 30):  # lines of "print": dashes of varied length, not one block
        x = 150 + int(rng.integers(0, 30))
        while x < 330:
            n = int(rng.integers(4, 14))
            rgb[y:y + 8, x:x + n] = 40
            x += n + int(rng.integers(3, 9))
    top, right, bottom, left = sides
    colour = (60, 60, 60)
    if top:
        rgb[inset, :] = colour
    if bottom:
        rgb[h - 1 - inset, :] = colour
    if left:
        rgb[:, inset] = colour
    if right:
        rgb[:, w - 1 - inset] = colour
    return rgb


def _gradients(rgb):
    gray = cv2.GaussianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), (3, 3), 0).astype(np.float32)
    return (cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3) / 8.0, cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3) / 8.0)


@pytest.mark.parametrize("inset", [1, 2, 3])
def test_a_card_cropped_to_its_edges_is_outlined_along_the_frame(inset):
    rgb = _tight_crop(inset=inset)
    found = framing.edges_along_frame(*_gradients(rgb), strong=8.0)
    assert found is not None
    quad, run = found
    h, w = rgb.shape[:2]
    assert run >= framing.HUG_MIN_RUN
    expected = _rect(inset, inset, w - 1 - inset, h - 1 - inset)
    assert np.abs(quad - expected).max() <= 1.5


@pytest.mark.parametrize("missing", range(4))
def test_one_side_without_an_edge_is_no_crop_to_the_document(missing):
    sides = [True] * 4
    sides[missing] = False
    assert framing.edges_along_frame(*_gradients(_tight_crop(sides=tuple(sides))), strong=8.0) is None


def test_texture_touching_the_frame_is_not_an_edge_along_it():
    rng = np.random.default_rng(3)
    noise = rng.integers(0, 256, (240, 384, 3), dtype=np.uint8)  # steps everywhere, at random depths
    assert framing.edges_along_frame(*_gradients(noise), strong=8.0) is None


def test_the_detector_gives_a_tight_crop_the_frame_outline_and_judges_no_corners_from_it():
    rgb = _tight_crop()
    found = detect(rgb)
    assert found is not None and found.method == "frame-edges"
    assert found.details["edges_on_frame"] and found.confidence == 0.0
    ctx = context(rgb)
    assert ctx.document is not None and not ctx.document_confident


def test_flat_blocks_in_deep_shadow_are_not_drawn_colour():
    # a night scene crushed to flat black-ish blocks by the camera; the same flatness at a UI's grey is drawn colour
    shadow = np.full((256, 256), capture.SHADOW_LEVEL - 10, np.uint8)
    panel = np.full((256, 256), 200, np.uint8)
    assert capture.screen_features(shadow)["flat_unclipped_share"] == 0.0
    assert capture.screen_features(shadow)["flat_share"] == 1.0
    assert capture.screen_features(panel)["flat_unclipped_share"] == 1.0
