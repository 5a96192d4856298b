"""The tamper5 speed-ups give, bit for bit, what the code they replaced gave.

Each helper is compared with the plain numpy idiom it replaces on random and edge-case inputs; the whole JPEG
maps with a frozen copy of the code before the round (:mod:`.reference_maps_tamper5`) on generated JPEGs of
several qualities, with clipped patches, a document mask and without.
"""

import cv2
import numpy as np
import pytest

from idcheck.tamper import jpegq, local

from .reference_maps_tamper5 import jpeg_maps_before_tamper5


@pytest.mark.parametrize("seed", range(4))
def test_clipped_blocks_equal_the_row_min_max(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 3000))
    blocks = rng.integers(3, 253, size=(n, 64), dtype=np.uint8)
    # no clipped pixel at all: the fast path
    assert not local._clipped(blocks).any()
    # clipped pixels at every value 0-2 and 253-255 and every position of a block, plus the limits 3 and 252
    for v in (0, 1, 2, 3, 252, 253, 254, 255):
        rows = rng.choice(n, size=max(1, n // 10), replace=False)
        blocks[rows, rng.integers(0, 64, size=len(rows))] = v
    ref = (blocks.max(axis=1) >= 253) | (blocks.min(axis=1) <= 2)
    np.testing.assert_array_equal(local._clipped(blocks), ref)
    # a non-contiguous view (every second block)
    np.testing.assert_array_equal(local._clipped(blocks[::2]), ref[::2])


def test_table_pairs_are_the_membership_columns():
    rng = np.random.default_rng(0)
    member = (rng.random((60, 30)) < 0.12).astype(np.float32)
    for j, pj in enumerate(local._table_pairs(member)):
        np.testing.assert_array_equal(pj, np.flatnonzero(member[:, j]))
        assert np.all(np.diff(pj) > 0)


def _assert_maps_equal(new, ref, what):
    assert (new is None) == (ref is None), what
    if new is None:
        return
    assert (new.step, new.origin, new.shape) == (ref.step, ref.origin, ref.shape), what
    np.testing.assert_array_equal(new.roi, ref.roi, err_msg=what)
    assert (new.dq_strength, new.dq_spread) == (ref.dq_strength, ref.dq_spread), what
    assert (new.dq_mean is None) == (ref.dq_mean is None), what
    for a, b in ((new.dq_mean, ref.dq_mean), (new.ghost_dip, ref.ghost_dip), (new.ghost_q, ref.ghost_q),
                 (new.ghost_level, ref.ghost_level)):
        if a is not None:
            assert a.dtype == b.dtype and a.shape == b.shape, what
            # bit for bit (NaN where the reference has NaN)
            np.testing.assert_array_equal(a.view(np.uint8), b.view(np.uint8), err_msg=what)


@pytest.fixture(scope="module")
def encoded(camera_jpeg):
    """The camera photo re-encoded at several qualities, with a clipped (white) and a black patch, and two small
    crops (the smaller with fewer than 600 windows: numpy's own small-array median path)."""
    rgb = cv2.imdecode(np.frombuffer(camera_jpeg, np.uint8), cv2.IMREAD_COLOR)
    h, w = rgb.shape[:2]
    rgb[h // 3:h // 3 + 90, w // 4:w // 4 + 200] = 255
    rgb[h // 2:h // 2 + 40, w // 2:w // 2 + 300] = 0
    out = {}
    for q in (72, 80, 88, 93, 97):
        out[f"q{q}"] = cv2.imencode(".jpg", rgb, [cv2.IMWRITE_JPEG_QUALITY, q])[1].tobytes()
    out["small_q90"] = cv2.imencode(".jpg", rgb[h // 3:h // 3 + 200, w // 4:w // 4 + 240],
                                    [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()
    # 300 blocks: frequencies with too few coefficients for a histogram
    out["tiny_q90"] = cv2.imencode(".jpg", rgb[h // 3 - 40:h // 3 + 80, w // 4 - 40:w // 4 + 120],
                                   [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()
    return out


@pytest.mark.parametrize("with_roi", [False, True])
def test_jpeg_maps_equal_the_code_before_the_round(encoded, with_roi):
    for case, data in encoded.items():
        y = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
        q = jpegq.read(data).luma
        roi = None
        if with_roi:  # a rotated document over ~half the picture
            roi = np.zeros((y.shape[0] // 8, y.shape[1] // 8), np.uint8)
            rh, rw = roi.shape
            box = cv2.boxPoints(((rw * 0.5, rh * 0.5), (rw * 0.8, rh * 0.7), 5.0))
            cv2.fillConvexPoly(roi, np.round(box).astype(np.int32), 255)
        for max_blocks in (30_000, 4_000):  # step 1 and a strided grid
            new = local.jpeg_maps(y, q, roi, max_blocks=max_blocks, ghost_ratio=local.GHOST_TABLE_RATIO)
            ref = jpeg_maps_before_tamper5(y, q, roi, max_blocks=max_blocks, ghost_ratio=local.GHOST_TABLE_RATIO)
            _assert_maps_equal(new, ref, f"{case} roi={with_roi} max_blocks={max_blocks}")


@pytest.mark.parametrize("bound", [73, 289])
def test_median_ratio_of_selected_windows_equals_the_masked_call(bound):
    """The ghost map passes its judged windows already gathered (ok=None): the same median as the whole grid with
    the mask."""
    from idcheck.tamper import arrays

    rng = np.random.default_rng(bound)
    for n in (1, 2, 5, 1000, 20_000):
        den = rng.integers(0, bound, n).astype(np.float32)
        num = np.floor(den * rng.random(n)).astype(np.float32)
        ok = den >= 24
        if not ok.any():
            continue
        got = arrays.median_ratio(num[ok], den[ok], None, bound)
        want = arrays.median_ratio(num, den, ok, bound)
        assert got is not None and want is not None and got.tobytes() == want.tobytes()
