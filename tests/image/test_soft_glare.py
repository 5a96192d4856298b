"""Soft glare (idcheck.image.soft_glare): a reflection lifting part of the document far above its paper without
clipping it is found; what is as bright by design (a white panel), light falling from one side, a coloured patch, a
spot at the rim and a mild sheen are not."""

import cv2
import numpy as np
import pytest

from fixtures import docgen
from idcheck.image.soft_glare import SPOT_EXCESS, soft_spots

from .conftest import codes_of, place_card, run

PAPER = 165  # grey level of a page photographed indoors (development photos' paper: 115-230)


def _page(seed: int = 0, h: int = 600, w: int = 800) -> np.ndarray:
    """A flattened page: paper at ``PAPER`` with rows of dark text-like strokes and a camera's noise (RGB float)."""
    rng = np.random.default_rng(seed)
    g = np.full((h, w), float(PAPER), np.float32)
    for y in range(40, h - 40, 28):
        x = 40
        while x < w - 60:
            n = int(rng.integers(20, 70))
            g[y:y + 12, x:x + n] = np.where(rng.random((12, n)) < 0.45, 35.0, g[y:y + 12, x:x + n])
            x += n + int(rng.integers(8, 20))
    g += rng.normal(0, 2.0, g.shape).astype(np.float32)
    return np.repeat(g[..., None], 3, axis=2)


def _blob(h: int, w: int, cx: float, cy: float, sx: float, sy: float) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    return np.exp(-(((xx - cx) / sx) ** 2 + ((yy - cy) / sy) ** 2))


def _reflect(page: np.ndarray, amp: float, cx: float = 0.45, cy: float = 0.5, colour=(1.0, 1.0, 1.0)) -> np.ndarray:
    """``page`` with a lamp's reflection added on top of the print: ``amp`` grey levels at its peak, soft."""
    h, w = page.shape[:2]
    blob = _blob(h, w, cx * w, cy * h, 0.09 * w, 0.12 * h)
    return page + blob[..., None] * amp * np.asarray(colour, np.float32)


def _spots(rgb: np.ndarray):
    u8 = np.clip(rgb, 0, 255).astype(np.uint8)
    gray = cv2.cvtColor(u8, cv2.COLOR_RGB2GRAY)
    sat = cv2.cvtColor(u8, cv2.COLOR_RGB2HSV)[:, :, 1]
    return soft_spots(gray, sat, np.full(gray.shape, 255, np.uint8), 0.01)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_soft_reflection_over_the_print_is_found(seed):
    spots, paper = _spots(_reflect(_page(seed), 80))
    assert abs(paper - PAPER) <= 3
    assert len(spots) == 1
    s = spots[0]
    assert s.excess >= SPOT_EXCESS and s.halo >= 5 and 0.01 <= s.share <= 0.1
    # the spot is where the light was added
    ys, xs = np.nonzero(s.mask)
    assert abs(xs.mean() - 0.45 * 800) < 20 and abs(ys.mean() - 300) < 20


@pytest.mark.parametrize("seed", [0, 1])
def test_the_page_without_it_has_none(seed):
    assert _spots(_page(seed))[0] == []


def test_more_light_a_brighter_spot():
    excess = [_spots(_reflect(_page(0), amp))[0][0].excess for amp in (70, 85, 100)]
    assert excess[0] < excess[1] < excess[2]


@pytest.mark.parametrize("amp", [20, 35])
def test_a_mild_sheen_is_not_glare(amp):
    assert _spots(_reflect(_page(0), amp))[0] == []


def test_a_white_panel_as_bright_is_not_glare():
    # a card's white panel, 80 levels above the paper: as bright as a reflection, but it ends at a printed edge
    page = _page(0)
    page[200:380, 300:520] = PAPER + 80 + np.random.default_rng(3).normal(0, 2.0, (180, 220, 1))
    assert _spots(page)[0] == []


def test_light_falling_from_one_side_is_not_glare():
    # a lamp beside the page: the light grows 1.5x across it, print and paper alike
    page = _page(0)
    ramp = np.linspace(0.8, 1.2, page.shape[1], dtype=np.float32)[None, :, None]
    assert _spots(page * ramp)[0] == []


def test_a_coloured_patch_is_not_glare():
    # a pale yellow tint printed soft-edged (a security print's rainbow band): bright but coloured
    assert _spots(_reflect(_page(0), 80, colour=(1.0, 1.0, 0.0)))[0] == []


def test_a_spot_at_the_rim_is_not_judged_from_the_document():
    # light reaching in over the document's edge is the light across the scene, or what lies beyond the outline
    assert _spots(_reflect(_page(0), 80, cx=0.0))[0] == []


def _dim_card_photo(reflection: bool, seed: int = 0) -> np.ndarray:
    """An ID card photographed in dim light (its paper ~150 grey) on a dark desk, with or without an unclipped
    reflection (peak under 235) inside it."""
    rng = np.random.default_rng(seed)
    card, _ = docgen.render_document("id_card", rng)
    card = card.astype(np.float32) * 0.68
    h, w = card.shape[:2]
    if reflection:
        card = card + _blob(h, w, 0.6 * w, 0.45 * h, 0.1 * w, 0.14 * h)[..., None] * 80
    canvas = np.full((900, 1200, 3), 50.0, np.float32)
    place_card(canvas, card)
    canvas += rng.normal(0, 3, canvas.shape)
    return np.clip(canvas, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_check_reports_an_unclipped_reflection_on_a_card(seed):
    photo = _dim_card_photo(True, seed)
    assert photo.max() < 248 or np.mean(photo >= 248) < 1e-4  # not clipped: the clipped rule cannot see it
    ctx, findings = run(photo)
    assert ctx.document_confident
    glare = [f for f in findings if f.code == "image.glare"]
    assert len(glare) == 1 and glare[0].severity == "warning"
    assert "soft bright spot" in glare[0].details["evidence"]
    x_working = np.mean([p[0] for p in glare[0].region]) / 2  # the region is in the original's pixels (2x)
    assert 550 < x_working < 800  # where it was added (0.6 of the card's width: ~660 px)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_same_card_without_it_has_no_glare(seed):
    _, findings = run(_dim_card_photo(False, seed))
    assert "image.glare" not in codes_of(findings)
