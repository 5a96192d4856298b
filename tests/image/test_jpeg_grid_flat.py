"""Flat colour a JPEG left, saved again losslessly, is compression, not a screen's drawing (image.screenshot)."""

import io

import numpy as np
import pytest
from PIL import Image

import idcheck
from idcheck.image import capture
from idcheck.image.checks import screen


def _wall(seed=0, h=900, w=1200):
    """A photo of a plain wall with a dark object: smooth, with a camera's faint noise (1.5 levels)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    # the light's fall-off and the wall's own unevenness: a few grey levels from one 8 px block to the next
    g = 140 + 12 * np.sin(xx / 37.0) + 12 * np.cos(yy / 41.0) + 20 * (xx / w) + rng.normal(0, 1.5, (h, w))
    g[300:600, 400:800] = 60 + rng.normal(0, 12, (300, 400))  # a textured object
    rgb = np.dstack([g, g * 0.97, g * 0.9])
    return np.clip(rgb, 0, 255).astype(np.uint8)


def _through(rgb, fmt, **kw):
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, fmt, **kw)
    return buf.getvalue()


def _decoded_jpeg_as_png(rgb, quality=30):
    jpeg = _through(rgb, "JPEG", quality=quality)
    return _through(np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB")), "PNG")


def _ui(h=900, w=1200):
    """A drawn interface: flat panels and text-like bars, exactly one colour each."""
    rgb = np.full((h, w, 3), (236, 240, 244), np.uint8)
    rgb[:90] = (40, 90, 200)
    rgb[90:, :260] = (210, 214, 220)
    for y in range(140, 860, 48):
        rgb[y:y + 14, 320:320 + 300 + (y * 7) % 400] = (70, 70, 80)
    return rgb


def test_a_jpegs_flat_blocks_lie_on_its_grid_and_a_screens_do_not():
    wall = np.asarray(Image.open(io.BytesIO(_decoded_jpeg_as_png(_wall()))).convert("L"))
    f = capture.screen_features(wall)
    assert f["flat_unclipped_share"] >= 0.2  # enough flat colour to be called a screen's before
    assert f["flat_unclipped_offset_share"] < screen.JPEG_GRID_BOUND * f["flat_unclipped_share"]
    ui = capture.screen_features(np.asarray(Image.fromarray(_ui()).convert("L")))
    assert ui["flat_unclipped_share"] >= 0.2
    assert ui["flat_unclipped_offset_share"] >= 0.8 * ui["flat_unclipped_share"]
    # no flat colour: nothing to shift
    noisy = np.random.default_rng(1).integers(0, 256, (64, 64), dtype=np.uint8)
    assert capture.screen_features(noisy)["flat_unclipped_offset_share"] == 0.0


def _screenshot(data):
    return [f for f in idcheck.check(data).findings if f.code == "image.screenshot"]


def test_a_photo_saved_as_png_after_a_jpeg_is_no_screenshot_and_a_drawn_ui_still_is():
    assert _screenshot(_decoded_jpeg_as_png(_wall())) == []
    assert _screenshot(_through(_ui(), "PNG"))  # the drawn interface, lossless: still a capture


def test_pictures_too_small_for_a_shifted_block_are_measured_without_one():
    for shape in ((8, 8), (10, 10), (11, 40), (9, 300), (12, 12), (12, 13)):
        f = capture.screen_features(np.full(shape, 120, np.uint8))
        assert f["flat_unclipped_share"] == 1.0
        assert f["flat_unclipped_offset_share"] == 1.0  # no grid can be told: as flat as the blocks themselves


def _smooth_wall(h=960, w=1280, seed=0):
    """A plainer wall than :func:`_wall` (0.8 levels of noise, slow light fall-off): at quality 78-85 a fifth of its
    blocks decode exactly flat, as a forwarded photo's wall and paper do."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    g = 150 + 6 * np.sin(xx / 90.0) + 6 * np.cos(yy / 110.0) + rng.normal(0, 0.8, (h, w))
    g[300:600, 400:800] = 60 + rng.normal(0, 12, (300, 400))
    return np.clip(np.dstack([g, g * 0.97, g * 0.9]), 0, 255).astype(np.uint8)


@pytest.mark.parametrize("quality", [78, 85])
def test_a_forwarded_photo_stored_as_jpeg_is_no_screenshot(quality):
    # a chat app's forward, decoded at its own size: its flat blocks lie on the file's own 8 px grid (before
    # JPEG_FILE_GRID_BOUND this was called a screenshot: 30% flat colour, no camera noise left)
    jpeg = _through(_smooth_wall(), "JPEG", quality=quality)
    f = capture.screen_features(np.asarray(Image.open(io.BytesIO(jpeg)).convert("L")))
    assert f["flat_unclipped_share"] >= 0.2
    assert f["flat_unclipped_offset_share"] < screen.JPEG_FILE_GRID_BOUND * f["flat_unclipped_share"]
    assert _screenshot(jpeg) == []


def test_a_drawn_interface_stored_as_jpeg_is_still_a_screenshot():
    # its flat panels stay flat at any offset
    assert _screenshot(_through(_ui(), "JPEG", quality=90))
