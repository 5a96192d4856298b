"""The tamper analyses' array helpers give numpy's own results bit for bit (they only take less time)."""

import cv2
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from idcheck.tamper import arrays


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 400), st.integers(0, 2**31 - 1))
def test_median_is_numpys_median(n, seed):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(n) * rng.choice([0.01, 1.0, 300.0])).astype(np.float32)
    if n > 3:
        x[: n // 3] = x[-1]  # ties
    got, want = arrays.median(x), np.median(x)
    assert got.dtype == want.dtype and got.tobytes() == want.tobytes()


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([25, 73, 289]), st.integers(1, 3000), st.floats(0.0, 1.0), st.integers(0, 2**31 - 1))
def test_median_ratio_is_the_median_of_the_ratios(bound, n, ok_share, seed):
    """Window counts as the ghost map has them (whole numbers as float32, hits <= selected < bound)."""
    rng = np.random.default_rng(seed)
    den = rng.integers(0, bound, n).astype(np.float32)
    num = np.floor(den * rng.random(n)).astype(np.float32)
    ok = (rng.random(n) < ok_share) & (den >= 1)
    got = arrays.median_ratio(num, den, ok, bound)
    if not ok.any():
        assert got is None
        return
    want = np.median(num[ok] / den[ok])
    assert got is not None and got.dtype == want.dtype and got.tobytes() == want.tobytes()


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 3000), st.sampled_from([1, 50, 10**7]), st.integers(0, 2**31 - 1))
def test_sorted_unique_is_numpys_unique(n, spread, seed):
    x = np.random.default_rng(seed).integers(0, spread, n, dtype=np.int64)
    got, want = arrays.sorted_unique(x), np.unique(x)
    assert got.dtype == want.dtype and np.array_equal(got, want)


def test_mask_box_is_the_bounding_box_of_the_non_zero_pixels():
    rng = np.random.default_rng(4)
    for _ in range(30):
        mask = np.zeros((rng.integers(1, 60), rng.integers(1, 60)), np.uint8)
        if rng.random() < 0.8:
            pts = rng.integers(0, [mask.shape[1], mask.shape[0]], (3, 2)).astype(np.int32)
            cv2.fillConvexPoly(mask, pts, 255)
        ys, xs = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
        want = None if len(ys) == 0 else (int(xs[0]), int(ys[0]), int(xs[-1]) + 1, int(ys[-1]) + 1)
        assert arrays.mask_box(mask) == want
        assert arrays.mask_box(mask > 0) == want


def test_the_document_mask_eroded_over_its_box_equals_the_whole_picture_erosion():
    """local._erode_doc_mask erodes the mask's box plus a margin only: the same pixels as eroding the whole mask,
    also for documents cut by the picture's edges, tiny ones and none."""
    from types import SimpleNamespace

    from idcheck.tamper import local

    rng = np.random.default_rng(8)
    for i in range(40):
        h, w = int(rng.integers(40, 300)), int(rng.integers(40, 300))
        mask = np.zeros((h, w), np.uint8)
        if i % 10:
            quad = rng.uniform([-0.3 * w, -0.3 * h], [1.3 * w, 1.3 * h], (4, 2))
            hull = cv2.convexHull(np.round(quad).astype(np.int32))
            cv2.fillConvexPoly(mask, hull, 255)
        ctx = SimpleNamespace(doc_mask=mask, height=h, width=w)
        side = min(h, w) * np.sqrt(max(float((mask > 0).mean()), 1e-6))
        k = max(9, int(0.04 * side) | 1)
        want = cv2.erode(mask, np.ones((k, k), np.uint8))
        np.testing.assert_array_equal(local._erode_doc_mask(ctx), want)


def test_the_seams_of_a_composite_are_left_out_of_the_document_mask():
    """Photos put together: the padding between them carries no sensor noise by construction, so the edit-trace
    detectors compare the photos only, staying as clear of the seam as of the outline."""
    from types import SimpleNamespace

    from idcheck.tamper import local

    h, w = 200, 430
    mask = np.full((h, w), 255, np.uint8)
    photos = ((0, 0, 200, 200), (230, 0, 200, 200))  # a 30 px gap between them
    ctx = SimpleNamespace(doc_mask=mask, height=h, width=w, composite_parts=photos)
    out = local._erode_doc_mask(ctx)
    assert out.max() == 255 and not out[:, 200:230].any()
    k = max(9, int(0.04 * min(h, w) * np.sqrt(400 / 430)) | 1)
    assert not out[:, 200 - k // 2:230 + k // 2].any()  # clear of the seam by the erosion's reach
    assert out[100, 200 - k // 2 - 1] and out[100, 230 + k // 2]  # and only that
    plain = local._erode_doc_mask(SimpleNamespace(doc_mask=mask, height=h, width=w))
    assert plain[:, 200:230].all()  # the same picture not put together: the middle is the document's


def test_the_noise_of_each_photo_of_a_composite_is_compared_with_its_own_paper():
    """A camera photo (sensor noise) beside a noiseless picture (a scan, an app's render): over the two, the noiseless
    one's text reads as "text without the noise the rest of the document has"; each against its own paper, neither
    is an edit (a noiseless picture alone has nothing to compare)."""
    from types import SimpleNamespace

    from idcheck.config import Config
    from idcheck.tamper import local

    h, w_photo, w_scan = 480, 640, 320
    page = np.full((h, w_photo + w_scan), 200.0)
    for y in range(20, h - 20, 24):  # rows of small dark glyphs
        for x in range(10, w_photo + w_scan - 20, 14):
            page[y:y + 10, x:x + 3] = 60
            page[y + 4:y + 6, x:x + 9] = 60
    noise = np.concatenate([np.random.default_rng(0).normal(0, 1.5, (h, w_photo)), np.zeros((h, w_scan))], axis=1)
    gray = np.clip(page + noise, 0, 255).astype(np.uint8)

    def ctx():
        return SimpleNamespace(gray=gray, doc_mask=np.full(gray.shape, 255, np.uint8), height=h,
                               width=w_photo + w_scan)

    cfg = Config().tamper
    together = local.detect_noise(ctx(), cfg)
    assert len(together) == 1 and together[0].box[0] >= w_photo - 16  # the noiseless part, against the photo's paper
    assert local.detect_noise(ctx(), cfg, (w_photo, 0, w_scan, h)) == []
    assert local.detect_noise(ctx(), cfg, (0, 0, w_photo, h)) == []
