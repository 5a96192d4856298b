"""The faster outline search samples exactly what the code it replaced sampled.

Equality tests against the frozen pre-change code (:mod:`.reference_outline`): edge support, refine, a re-found
side, support along a line, the grouping of segments into lines and the corner order, on random pictures (smooth
gradients with a drawn quadrilateral, noise) and random quads - inside the frame, partly outside it, tiny, in float32
and float64.  Every number must come out the same (the quads bit for bit): a last-bit change can flip a borderline
decision of the search.  The whole search is checked on real and generated photos by ``benchmarks.outline_speed``.
"""

import cv2
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from idcheck.image.document import lines, quad, refinement
from tests.strategies import examples

from .reference_outline import (
    edge_support_reference,
    group_reference,
    order_corners_reference,
    recover_side_reference,
    refine_reference,
    support_along_reference,
)

CASES = settings(max_examples=examples(60), deadline=None)


def _picture(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A small noisy picture with a light quadrilateral on it: (rgb, its Lab, grey, gx, gy) as the detector has them."""
    rng = np.random.default_rng(seed)
    h, w = int(rng.integers(120, 260)), int(rng.integers(120, 260))
    rgb = rng.integers(0, 90, (h, w, 3), dtype=np.uint8)
    corners = np.array([[w * 0.2, h * 0.2], [w * 0.8, h * 0.15], [w * 0.85, h * 0.8], [w * 0.15, h * 0.85]])
    corners += rng.normal(0, 0.04 * min(h, w), corners.shape)
    cv2.fillConvexPoly(rgb, np.round(corners).astype(np.int32), tuple(int(v) for v in rng.integers(150, 255, 3)))
    rgb = cv2.GaussianBlur(rgb, (3, 3), 0)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)
    gs = gray.astype(np.float32)
    gx = cv2.Sobel(gs, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(gs, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    return rgb, lab, gray, gx, gy


def _quad(rng: np.random.Generator, h: int, w: int, dtype: type) -> np.ndarray:
    """Near the drawn quadrilateral, anywhere in (and beyond) the frame, or tiny."""
    kind = rng.integers(0, 3)
    if kind == 0:
        q = np.array([[w * 0.2, h * 0.2], [w * 0.8, h * 0.15], [w * 0.85, h * 0.8], [w * 0.15, h * 0.85]])
        q += rng.normal(0, 6, q.shape)
    elif kind == 1:
        q = rng.uniform([-0.3 * w, -0.3 * h], [1.3 * w, 1.3 * h], (4, 2))
    else:
        q = rng.uniform(0, 1, 2) * [w, h] + rng.uniform(-3, 3, (4, 2))
    return quad.order_corners(q).astype(dtype)


@CASES
@given(st.integers(0, 10_000), st.booleans(), st.floats(2.0, 15.0))
def test_edge_support_equals_the_reference(seed, f32, strong):
    _, lab, _, gx, gy = _picture(seed)
    q = _quad(np.random.default_rng(seed + 1), *gx.shape, np.float32 if f32 else np.float64)
    step = max(3.0, 0.012 * max(gx.shape))
    for contrast in (3.0, 10.0):
        assert (refinement._edge_support(q, gx, gy, strong, lab, step, contrast)
                == edge_support_reference(q, gx, gy, strong, lab, step, contrast))


@CASES
@given(st.integers(0, 10_000), st.floats(2.0, 15.0), st.sampled_from([None, 0, 1, 2, 3]),
       st.sampled_from([0.025, 0.08]))
def test_refine_equals_the_reference(seed, strong, keep, reach):
    _, _, _, gx, gy = _picture(seed)
    q = _quad(np.random.default_rng(seed + 2), *gx.shape, np.float32)
    got, got_straight = refinement.refine(q, gx, gy, strong, reach=reach, keep=keep)
    want, want_straight = refine_reference(q, gx, gy, strong, reach=reach, keep=keep)
    assert got.dtype == want.dtype and np.array_equal(got, want) and got_straight == want_straight


@CASES
@given(st.integers(0, 10_000), st.floats(2.0, 15.0), st.integers(0, 3))
def test_recovered_side_equals_the_reference(seed, strong, bad):
    _, _, _, gx, gy = _picture(seed)
    q = _quad(np.random.default_rng(seed + 3), *gx.shape, np.float32)
    straight = [0.9, 0.9, 0.9, 0.9]
    straight[bad] = 0.2
    got = refinement.recover_side(q, straight, gx, gy, strong)
    want = recover_side_reference(q, straight, gx, gy, strong)
    assert (got is None and want is None) or (got is not None and want is not None and np.array_equal(got, want))


@CASES
@given(st.integers(0, 10_000), st.floats(2.0, 15.0), st.floats(0.0, 0.5), st.floats(0.5, 1.0))
def test_support_along_equals_the_reference(seed, strong, t0, t1):
    _, _, _, gx, gy = _picture(seed)
    q = _quad(np.random.default_rng(seed + 4), *gx.shape, np.float32)
    d = q[2] - q[0]
    assert (refinement._support_along(q[0], d, t0, t1, gx, gy, strong)
            == support_along_reference(q[0], d, t0, t1, gx, gy, strong))


@settings(max_examples=examples(20), deadline=None)
@given(st.integers(0, 10_000))
def test_line_grouping_equals_the_reference(seed):
    _, lab, gray, _, _ = _picture(seed)
    segs = lines._segments(gray)
    rng = np.random.default_rng(seed)
    # and broken copies of the segments along their own lines (one border in pieces), shifted within the tolerance
    shift = rng.uniform(-1.5, 1.5, segs.shape)
    segs = np.concatenate([segs, segs + shift]) if len(segs) else segs
    if len(segs) == 0:
        return
    got, want = lines._group(segs, 8.0), group_reference(segs, 8.0)
    assert len(got) == len(want)
    for (p, u, iv, n), (rp, ru, riv, rn) in zip(got, want, strict=True):
        assert np.array_equal(p, rp) and np.array_equal(u, ru) and iv == riv and n == rn


@CASES
@given(st.integers(0, 10_000))
def test_corner_order_equals_the_reference(seed):
    pts = np.random.default_rng(seed).uniform(-50, 500, (4, 2))
    assert np.array_equal(quad.order_corners(pts), order_corners_reference(pts))
