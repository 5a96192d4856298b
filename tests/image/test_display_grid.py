"""The display's pixel grid (idcheck.image.display_grid): found on a screen's lattice, not on paper, print,
halftones at screen angles or JPEG blocks; and reported as image.screen_recapture without a document outline."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from idcheck.image.display_grid import MIN_PERIOD_PX, TILE, display_grid

H, W = 1200, 1600


def _page(seed: int = 0) -> np.ndarray:
    """A grey page with text-like strokes and paper noise (float32, 0-255)."""
    rng = np.random.default_rng(seed)
    page = np.full((H, W), 222.0, np.float32)
    page += cv2.GaussianBlur(rng.normal(0, 5, (H, W)).astype(np.float32), (0, 0), 2.0)
    for y in range(90, H - 90, 38):
        for x in range(70, W - 90, 23):
            if rng.random() < 0.75:
                cv2.rectangle(page, (x, y), (x + 13 + int(rng.integers(0, 4)), y + 17), 45.0, 2)
    return page


def _lattice(period: float, angle_deg: float = 0.0, depth: float = 0.35) -> np.ndarray:
    """A multiplicative pixel lattice: bright cells, dark gaps between them every ``period`` px along two
    perpendicular directions turned by ``angle_deg``."""
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    a = np.radians(angle_deg)
    u = xx * np.cos(a) + yy * np.sin(a)
    v = -xx * np.sin(a) + yy * np.cos(a)
    cells = (0.5 + 0.5 * np.cos(2 * np.pi * u / period)) * (0.5 + 0.5 * np.cos(2 * np.pi * v / period))
    return (1 - depth) + depth * cells


def _camera(img: np.ndarray, seed: int = 1) -> np.ndarray:
    """Lens blur and sensor noise, then 8-bit."""
    rng = np.random.default_rng(seed)
    out = cv2.GaussianBlur(img, (0, 0), 0.6) + rng.normal(0, 2.0, img.shape).astype(np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("period", [2.4, 3.3, 4.5])
def test_a_screens_pixel_grid_is_found_across_the_picture(period):
    m = display_grid(_camera(_page() * _lattice(period, angle_deg=3.0)))
    assert m.tiles == 16
    assert m.agreeing >= 8  # of 16: the picture is all screen (the check asks for 6)
    assert m.period_px == pytest.approx(period, rel=0.1)


def test_paper_and_print_show_no_grid():
    m = display_grid(_camera(_page()))
    assert m.agreeing <= 2


def test_a_halftone_at_a_screen_angle_is_not_a_display():
    # printers turn the dark inks' dot lattice by 15-75 degrees; a screen is photographed square on
    m = display_grid(_camera(_page() * _lattice(3.3, angle_deg=45.0)))
    assert m.agreeing <= 2
    m = display_grid(_camera(_page() * _lattice(3.3, angle_deg=15.0)))
    assert m.agreeing <= 2


@pytest.mark.parametrize("quality", [20, 50])
@pytest.mark.parametrize("scale", [1.0, 0.75, 0.6])
def test_jpeg_blocks_at_any_scale_are_not_a_grid(quality, scale):
    ok, buf = cv2.imencode(".jpg", _camera(_page()), [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    dec = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    if scale != 1.0:
        dec = cv2.resize(dec, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    assert display_grid(dec).agreeing <= 2


def test_a_lattice_exactly_on_the_axes_is_digital_not_a_photographed_screen():
    # resampling (a resized JPEG's blocks, interpolation) keeps its ripple exactly on the axes; a hand never does
    assert display_grid(_camera(_page() * _lattice(3.3, angle_deg=0.0))).agreeing <= 2


def test_a_finer_pitch_than_the_sampling_can_hold_is_not_claimed():
    # a period under MIN_PERIOD_PX folds to another frequency; the measure does not look for it
    m = display_grid(_camera(_page() * _lattice(MIN_PERIOD_PX * 0.8)))
    assert m.period_px == 0.0 or m.period_px >= MIN_PERIOD_PX


def test_more_grid_contrast_never_finds_fewer_places():
    counts = [display_grid(_camera(_page() * _lattice(3.3, angle_deg=3.0, depth=d))).agreeing
              for d in (0.0, 0.05, 0.2, 0.4)]
    assert counts == sorted(counts)
    assert counts[0] <= 2 and counts[-1] >= 12


def test_a_small_picture_is_not_measured():
    small = _camera(_page()[: 2 * TILE - 1, : 2 * TILE - 1] * _lattice(3.3)[: 2 * TILE - 1, : 2 * TILE - 1])
    assert display_grid(small).tiles == 0


def test_a_monitor_photo_without_any_document_edge_is_reported_as_a_recapture():
    import idcheck

    shot = _camera(_page(3) * _lattice(3.0, angle_deg=-2.5))
    rgb = cv2.cvtColor(shot, cv2.COLOR_GRAY2RGB)
    rgb[:, :, 2] = np.clip(rgb[:, :, 2].astype(np.int16) + 6, 0, 255).astype(np.uint8)  # a screen's bluish white
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    report = idcheck.check(buf.tobytes())
    found = [f for f in report.findings if f.code == "image.screen_recapture"]
    assert found and found[0].severity == "warning"
    assert found[0].details["grid_tiles"] >= 6
    plain = _camera(_page(3))
    ok, buf = cv2.imencode(".jpg", plain, [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert not [f for f in idcheck.check(buf.tobytes()).findings if f.code == "image.screen_recapture"]


def test_the_outer_tiles_are_measured_only_when_the_centre_shows_the_grid():
    from idcheck.image.display_grid import CENTRAL

    plain = display_grid(_camera(_page()))
    assert plain.tiles == CENTRAL  # nothing at the centre: the other twelve are not measured
    screen = display_grid(_camera(_page() * _lattice(3.3, angle_deg=3.0)))
    assert screen.tiles == 16
