"""The document's proportions undone from perspective (verification.flat_aspect, _slanted) and their use in the
outline's confidence."""

from __future__ import annotations

import math

import numpy as np
import pytest

from idcheck.image.document import verification as V

W, H = 1000, 750  # a 4:3 picture


def _photograph(aspect: float, tilt_deg: float, axis: str = "x", width_m: float = 0.6, distance: float = 1.0,
                focal: float = V.PHONE_FOCAL * W) -> np.ndarray:
    """The image (TL, TR, BR, BL px) of a flat rectangle ``aspect`` long / short (long side horizontal), tilted by
    ``tilt_deg`` about the horizontal (``x``) or vertical (``y``) axis through its centre, ``distance`` in front of a
    pinhole camera with ``focal`` px and its principal point at the picture's centre."""
    w, h = width_m, width_m / aspect
    corners = np.array([(-w / 2, -h / 2, 0), (w / 2, -h / 2, 0), (w / 2, h / 2, 0), (-w / 2, h / 2, 0)], float)
    t = math.radians(tilt_deg)
    if axis == "x":
        rot = np.array([[1, 0, 0], [0, math.cos(t), -math.sin(t)], [0, math.sin(t), math.cos(t)]])
    else:
        rot = np.array([[math.cos(t), 0, math.sin(t)], [0, 1, 0], [-math.sin(t), 0, math.cos(t)]])
    pts = corners @ rot.T + np.array([0, 0, distance])
    return np.array([(focal * x / z + W / 2, focal * y / z + H / 2) for x, y, z in pts], np.float32)


def _image_aspect(q: np.ndarray) -> float:
    s1 = (np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
    s2 = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
    return float(max(s1, s2) / min(s1, s2))


@pytest.mark.parametrize("aspect", [1.414, 1.586])
@pytest.mark.parametrize("tilt,axis", [(30, "x"), (40, "x"), (-35, "x"), (30, "y"), (40, "y")])
def test_the_flat_proportions_come_back_from_a_slanted_photo(aspect, tilt, axis):
    quad = _photograph(aspect, tilt, axis)
    image = _image_aspect(quad)
    assert abs(image - aspect) > 0.05  # the slant changed what the picture shows
    assert V._slanted(quad, (W, H))
    assert V.flat_aspect(quad, (W, H)) == pytest.approx(aspect, rel=0.02)


def test_a_view_straight_on_keeps_its_image_proportions():
    quad = _photograph(1.586, 0.0)
    assert not V._slanted(quad, (W, H))
    assert V.flat_aspect(quad, (W, H)) == pytest.approx(_image_aspect(quad), rel=1e-6)


def test_a_small_quad_or_one_barely_off_square_is_not_taken_for_a_slant():
    """1 px of outline error on a small quad reads as perspective: a portrait inside a card must keep its own
    proportions (it would otherwise outrank the card)."""
    portrait = np.array([(231.4, 92.1), (300.0, 91.7), (300.4, 178.8), (232.1, 177.8)], np.float32)  # 384 x 288
    assert not V._slanted(portrait, (384, 288))
    small = _photograph(1.586, 40, width_m=0.12)  # strongly slanted, but a fifth of the frame
    assert not V._slanted(small, (W, H))


def test_a_wrong_focal_length_or_a_degenerate_quad_gives_no_answer_rather_than_a_wild_one():
    assert V.flat_aspect(np.zeros((4, 2), np.float32), (W, H)) is None
    quad = _photograph(1.586, 40, "x")
    # a focal length far too long for the slant the quad shows (12.5x the true one): undone with it, the rectangle
    # would be far from the picture's own 2.0 : 1 - too far to be believed
    assert V.flat_aspect(quad, (W, H), focal=12.5 * V.PHONE_FOCAL * W) is None
    assert V.flat_aspect(quad, (W, H)) == pytest.approx(1.586, rel=0.02)
    # and beyond a 1.35x change even the right focal length is not believed: a 45 degree slant (2.15 : 1) keeps its
    # image proportions (a guard against a wrong quad, paid for by the steepest slants)
    assert V.flat_aspect(_photograph(1.586, 45, "x"), (W, H)) is None


def test_a_slanted_card_is_trusted_for_its_proportions():
    """verify(): a card photographed at a 40 degree slant looks 2.0 : 1 in the picture, outside a document's
    proportions; its flat proportions are an ID card's."""
    quad = _photograph(1.586, 40, "x")
    assert _image_aspect(quad) > 1.9
    conf, why = V.verify(quad, [1.0, 1.0, 1.0, 1.0], (W, H))
    assert why["aspect"] == pytest.approx(1.586, rel=0.02)
    assert why["image_aspect"] > 1.9
    assert conf == pytest.approx(1.0, abs=1e-6) or conf > 0.9
