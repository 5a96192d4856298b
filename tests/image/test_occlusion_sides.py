"""document.occluded: the background seen along a side the outline misplaced is no finger (misplaced_sides)."""

import numpy as np

from idcheck.image.checks.occlusion import _other_surface, misplaced_sides


def _card(h=160, w=280, strip=10, finger=False):
    """A rectified white card whose top ``strip`` px are a brown desk (the outline's top side placed too high),
    optionally with a finger's tip entering from the bottom over a fifth of that side."""
    rgb = np.full((h, w, 3), (238, 236, 232), np.uint8)
    rgb[20:30, 40:200] = (30, 30, 30)  # a line of print
    rgb[:strip] = (110, 80, 60)
    if finger:
        rgb[h - 40:, 120:176] = (200, 150, 130)
    return rgb


def test_a_strip_of_background_along_a_whole_side_is_a_misplaced_side():
    rgb = _card()
    other = _other_surface(rgb, np.full(rgb.shape[:2], 255, np.uint8))
    assert other[:10].all() and not other[60:100].any()  # the desk, not the paper
    top, right, bottom, left = misplaced_sides(other, inset=2, max_depth=0.08 * 160)
    assert top == 11 and right == bottom == left == 0  # its depth (+1 px); the other sides are the card's


def test_a_finger_over_part_of_a_side_is_not_a_misplaced_side():
    rgb = _card(strip=0, finger=True)
    other = _other_surface(rgb, np.full(rgb.shape[:2], 255, np.uint8))
    assert other[-20:, 130:170].all()  # the finger is another surface ...
    assert misplaced_sides(other, inset=2, max_depth=0.08 * 160) == (0, 0, 0, 0)  # ... over a fifth of the side


def test_a_strip_deeper_than_the_limit_is_capped_and_a_gap_stops_the_run():
    rgb = _card(strip=40)
    other = _other_surface(rgb, np.full(rgb.shape[:2], 255, np.uint8))
    top = misplaced_sides(other, inset=2, max_depth=12.8)[0]
    assert top == 13  # capped at the limit (12 px rows + 1)
    other[5] = False  # a row of the document's own colour: the run from the edge stops there
    assert misplaced_sides(other, inset=2, max_depth=12.8)[0] == 6
