"""A side of the outline beyond which the document runs on to the frame (idcheck.image.runs_on)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from idcheck.image import runs_on

H, W = 600, 800
PAPER = (225, 215, 190)  # a cream page
DESK = (90, 60, 40)  # dark wood


def _print_rows(img: np.ndarray, x0: int, x1: int, y0: int, y1: int, pitch: int = 24) -> None:
    """Rows of 'print' (dark dashes, like words) between x0-x1, y0-y1."""
    rng = np.random.default_rng(7)
    for y in range(y0 + 6, y1 - 10, pitch):
        x = x0 + 10
        while x < x1 - 30:
            n = int(rng.integers(15, 60))
            img[y:y + 10, x:min(x + n, x1 - 10)] = (30, 30, 30)
            x += n + int(rng.integers(8, 16))


def _page_running_off_the_bottom() -> tuple[np.ndarray, np.ndarray]:
    """A printed page on a desk, its bottom running out of the frame; the outline's bottom side was found along a
    line of its print, 60 px (10% of the short side) above the frame."""
    img = np.zeros((H, W, 3), np.uint8)
    img[:] = DESK
    img[80:, 150:650] = PAPER
    _print_rows(img, 150, 650, 100, H)
    quad = np.array([(150, 80), (650, 80), (650, 540), (150, 540)], np.float32)
    return img, quad


def _page_on_the_desk(bottom: int = 540) -> tuple[np.ndarray, np.ndarray]:
    """The same page ending at ``bottom``: the desk lies between its bottom edge and the frame."""
    img = np.zeros((H, W, 3), np.uint8)
    img[:] = DESK
    img[80:bottom, 150:650] = PAPER
    _print_rows(img, 150, 650, 100, bottom)
    quad = np.array([(150, 80), (650, 80), (650, bottom), (150, bottom)], np.float32)
    return img, quad


def test_a_page_running_off_the_frame_past_a_side():
    img, quad = _page_running_off_the_bottom()
    found = runs_on.sides_running_on(img, quad)
    assert [r.side for r in found] == [2]  # BR-BL: the bottom
    r = found[0]
    assert r.gap == pytest.approx(60 / H, abs=0.01)
    assert r.colour_distance <= runs_on.SAME_SURFACE
    assert r.print_std >= runs_on.MIN_PRINT_STD


def test_a_true_edge_with_the_desk_beyond_it():
    img, quad = _page_on_the_desk()
    assert runs_on.sides_running_on(img, quad) == []


def test_an_edge_inside_the_strip_leaves_the_desk_in_its_outer_half():
    """The outline's side is a print line 30 px above the page's true bottom edge, which lies 30 px from the
    frame: the outer half of the strip is the desk, so the page does not run on to the frame."""
    img, _ = _page_on_the_desk(bottom=570)
    quad = np.array([(150, 80), (650, 80), (650, 540), (150, 540)], np.float32)
    assert runs_on.sides_running_on(img, quad) == []


def test_a_plain_surface_beyond_a_side_is_no_evidence():
    """The same colour beyond the side but no print on it (a wall, a screen's glass beside a wrong outline)."""
    img = np.zeros((H, W, 3), np.uint8)
    img[:] = PAPER
    _print_rows(img, 150, 650, 100, 520)
    quad = np.array([(150, 80), (650, 80), (650, 540), (150, 540)], np.float32)
    assert runs_on.sides_running_on(img, quad) == []


def test_sides_at_the_frame_or_far_from_it_are_not_looked_at():
    img, _ = _page_running_off_the_bottom()
    near = np.array([(150, 80), (650, 80), (650, H - 5), (150, H - 5)], np.float32)  # under 2% from the frame
    assert runs_on.sides_running_on(img, near) == []
    far = np.array([(150, 80), (650, 80), (650, 400), (150, 400)], np.float32)  # 33% from the frame
    assert runs_on.sides_running_on(img, far) == []
    img2, quad = _page_running_off_the_bottom()
    assert runs_on.sides_running_on(img2, quad, skip=[2]) == []  # a side already known to lie on the frame


@pytest.mark.parametrize("flip", ["lr", "ud", "transpose"])
def test_the_side_found_turns_with_the_picture(flip):
    """Metamorphic: mirrored or transposed, the run-on side is the mirrored or transposed side."""
    img, quad = _page_running_off_the_bottom()
    h, w = img.shape[:2]
    if flip == "lr":
        img2, q2, expect = img[:, ::-1], np.array([(w - x, y) for x, y in quad[[1, 0, 3, 2]]]), 2
    elif flip == "ud":
        img2, q2, expect = img[::-1], np.array([(x, h - y) for x, y in quad[[3, 2, 1, 0]]]), 0
    else:
        img2, q2, expect = img.transpose(1, 0, 2), np.array([(y, x) for x, y in quad[[0, 3, 2, 1]]]), 1
    found = runs_on.sides_running_on(np.ascontiguousarray(img2), q2.astype(np.float32))
    assert [r.side for r in found] == [expect]


def test_a_real_book_cover_cut_by_the_frame():
    """p0043 of the real development set: a book's back cover whose bottom runs out of the frame, outlined along a
    line of its print: its bottom corners are reported missing, from that evidence."""
    import idcheck

    path = Path(__file__).resolve().parents[3] / "shared" / "photos-dev" / "p0043.jpg"
    if not path.exists():
        pytest.skip("../shared/photos-dev is not beside the checkout")
    report = idcheck.check(str(path))
    corner = [f for f in report.findings if f.code == "document.corner_missing"]
    assert len(corner) == 1 and corner[0].severity == "warning"
    assert set(corner[0].details["corners"]) == {"bottom-left", "bottom-right"}
    assert [r["side"] for r in corner[0].details["runs_on"]] == [2]
