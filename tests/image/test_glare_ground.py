"""Glare on a white ground (idcheck.image.checks.glare.white_ground): a scan of a card whose pale band runs into the
scanner's white lid is no reflection; a hotspot inside the card still is."""

import numpy as np
import pytest

from fixtures import docgen

from .conftest import codes_of, place_card, run


def _scan(ground: int, pale_top: bool, hotspot: bool, seed: int = 0) -> np.ndarray:
    """A card lying on a plain ground of grey level ``ground`` (255: a flatbed scanner's lid), slightly turned."""
    rng = np.random.default_rng(seed)
    card, _ = docgen.render_document("id_card", rng)
    card = card.copy()
    h, w = card.shape[:2]
    if pale_top:  # the card's top band printed pale, scanned at the clip level
        card[: h // 9] = 255
    if hotspot:  # a lamp's reflection well inside the card: clipped, colourless, soft
        yy, xx = np.mgrid[0:h, 0:w]
        blob = np.exp(-(((xx - 0.55 * w) / (0.09 * w)) ** 2 + ((yy - 0.55 * h) / (0.12 * h)) ** 2))
        card = np.clip(card + blob[..., None] * 400, 0, 255).astype(np.uint8)
    canvas = np.full((900, 1200, 3), ground, np.uint8)
    inside = place_card(canvas, card)
    # a camera's or scanner's noise (a perfectly flat ground is what a screen draws); the white lid stays clipped
    noise = rng.normal(0, 3, canvas.shape)
    return np.clip(canvas + noise, 0, 255).astype(np.uint8) if ground < 255 else np.where(
        inside[..., None], np.clip(canvas + noise, 0, 255), canvas).astype(np.uint8)


@pytest.mark.parametrize("seed", [0, 1])
def test_a_pale_band_running_into_a_white_ground_is_no_reflection(seed):
    _, findings = run(_scan(255, pale_top=True, hotspot=False, seed=seed))
    assert "image.glare" not in codes_of(findings)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_same_band_on_a_dark_desk_is_still_blown_out(seed):
    # the white ground is what explains the band: without it the same clipped band is reported (the rule is not a
    # blanket exemption of card edges)
    ctx, findings = run(_scan(60, pale_top=True, hotspot=False, seed=seed))
    assert ctx.document_confident
    assert "image.glare" in codes_of(findings)


@pytest.mark.parametrize("seed", [0, 1])
def test_a_reflection_inside_the_card_is_found_on_a_white_ground(seed):
    ctx, findings = run(_scan(255, pale_top=True, hotspot=True, seed=seed))
    assert ctx.document_confident
    assert "image.glare" in codes_of(findings)
    assert ctx.extra["measures"]["glare_white_ground"] >= 0.5
