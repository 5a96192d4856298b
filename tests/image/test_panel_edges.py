"""Edges a screen draws across the whole picture (idcheck.image.capture.panel_edges)."""

import cv2
import numpy as np
import pytest

from idcheck.image import capture

from .conftest import codes_of, run


def _panels(h=600, w=900, at=0.4, top=250, bottom=40, noise=0.0, seed=0):
    """A capture: a bright panel over a dark one, their edge along row ``at`` x h, with optional camera-like noise."""
    g = np.full((h, w), bottom, np.float32)
    g[: int(at * h)] = top
    if noise:
        g += np.random.default_rng(seed).normal(0, noise, g.shape)
    return np.clip(g, 0, 255).astype(np.uint8)


def test_an_edge_drawn_along_one_pixel_row_across_the_picture_is_a_panel_edge():
    assert capture.panel_edges(_panels()) == 1
    assert capture.panel_edges(_panels().T.copy()) == 1  # a vertical panel edge, as a desktop's side bar draws it
    assert capture.panel_edges(_panels(noise=2.0)) == 1  # a JPEG's noise does not move a drawn edge


@pytest.mark.parametrize("sigma", [0.8, 1.5, 3.0])
def test_a_lens_spreads_the_same_edge_over_rows_and_it_no_longer_counts(sigma):
    # metamorphic: the drawn edge, as a camera would record it (blurred by its optics), is no panel edge
    soft = cv2.GaussianBlur(_panels(), (0, 0), sigma)
    assert capture.panel_edges(soft) == 0


@pytest.mark.parametrize("degrees", [0.1, 0.5, 2.0])
def test_an_edge_not_exactly_level_is_no_panel_edge(degrees):
    g = _panels(h=800, w=1200)
    M = cv2.getRotationMatrix2D((600, 400), degrees, 1.0)
    tilted = cv2.warpAffine(g, M, (1200, 800), flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_REPLICATE)
    assert capture.panel_edges(tilted) == 0


def test_edges_at_the_picture_border_and_short_edges_do_not_count():
    assert capture.panel_edges(_panels(at=0.01)) == 0  # a card cropped to its edge, a scanner's border line
    short = _panels()
    short[:, int(0.8 * short.shape[1]):] = 40  # the step runs along 80% of the width only
    assert capture.panel_edges(short) == 0
    assert capture.panel_edges(_panels(top=70, bottom=40)) == 0  # a step of 30 grey levels: shading, not a panel


def test_a_capture_with_panel_edges_is_a_screenshot_at_error():
    # a photo (camera-like noise) under an app's panel drawn in exact colour, with a dark mark every 20 px along each
    # of its rows (its text), so that no row is uniform and the panel's edge alone decides
    rgb = np.dstack([_panels(noise=1.5, seed=s) for s in range(3)])
    rgb[:240] = 250
    rgb[:240, ::20] = 40
    ctx, findings = run(rgb)
    assert ctx.uniform_rows == 0 and ctx.panel_edges >= 1
    assert ctx.drawn_on_screen and not ctx.composite_parts
    assert "image.screenshot" in codes_of(findings, ("error",))


def test_two_photographs_meeting_along_one_row_are_a_composite():
    # the same edge between two noisy (photographic) halves: what a screen draws, but nothing drawn around it
    rgb = np.dstack([_panels(noise=1.5, seed=s) for s in range(3)])
    ctx, findings = run(rgb)
    assert ctx.panel_edges >= 1 and len(ctx.composite_parts) == 2 and not ctx.drawn_on_screen
    assert "image.screenshot" not in codes_of(findings, ("error",))
