"""Small generated document photos (1200 x 900) shared by the image-check tests."""

import numpy as np
import pytest

from fixtures import docgen
from idcheck.config import Config
from idcheck.image.context import DecodedImage, ImageContext
from idcheck.pipeline import run_checks

SIZE = (1200, 900)


def photo(kind="id_card", defects=(), seed=0, background="wood", **kw):
    rng = np.random.default_rng(seed)
    kw.setdefault("out_size", SIZE)
    return docgen.make_photo(kind, rng, defects, background=background, **kw)


def context(rgb, original=None):
    h, w = rgb.shape[:2]
    # by default the working copy stands for a reduced decode of a photo twice its size
    return ImageContext(DecodedImage(np.ascontiguousarray(rgb), original or (2 * w, 2 * h), "jpeg", "RGB"), Config())


# Where the tests lay a card in a 1200 x 900 picture: slightly turned, in perspective (TL, TR, BR, BL)
CARD_CORNERS = np.float32([[210, 190], [990, 230], [960, 720], [180, 680]])


def place_card(canvas, card, corners=CARD_CORNERS):
    """Warp ``card`` (H x W x 3) onto ``canvas`` (modified in place) at ``corners``; returns the mask it covers."""
    import cv2

    h, w = card.shape[:2]
    size = (canvas.shape[1], canvas.shape[0])
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    M = cv2.getPerspectiveTransform(src, np.float32(corners))
    warped = cv2.warpPerspective(card, M, size)
    inside = cv2.warpPerspective(np.full((h, w), 255, np.uint8), M, size) > 0
    canvas[inside] = warped[inside]
    return inside


def run(rgb, original=None, kind="auto"):
    ctx = context(rgb, original)
    ctx.requested_kind = kind
    findings = run_checks(ctx, {})
    return ctx, findings


def codes_of(findings, severities=("error", "warning")):
    return {f.code for f in findings if f.severity in severities}


@pytest.fixture(scope="session")
def clean_card():
    return photo("id_card", seed=1, background="wood")


@pytest.fixture(scope="session")
def clean_licence():
    return photo("business_license", seed=2, background="dark_cloth")
