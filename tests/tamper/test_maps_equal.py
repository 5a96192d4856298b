"""The vectorised JPEG maps (issue 19) give the maps of the table-by-table code they replaced.

Metamorphic/equality tests: the same luminance, tables and document mask go through
:func:`idcheck.tamper.local.jpeg_maps` and the frozen pre-issue-19 code (:mod:`.reference_maps`).  The counts
(selected and lattice coefficients per window) are integers and come out equal; the expected hits are sums of
float32 probabilities added in another order, so the z-scores may differ in the last bits: compared at
``Z_TOL`` (z units), far below the thresholds (ghost_warn 6+, GHOST_Z 4.5) they are read against.
"""

import cv2
import numpy as np
import pytest

from fixtures import forgery
from idcheck.tamper import grid, jpegq, local

from .reference_maps import hf_level_reference, jpeg_maps_reference

Z_TOL = 1e-3  # z units: float32 summation order of the expected hits
DQ_TOL = 1e-6  # nats per coefficient: float32 window means


def _luma(data: bytes) -> np.ndarray:
    y = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE | cv2.IMREAD_IGNORE_ORIENTATION)
    assert y is not None
    return y


def _cases(base):
    out = {}
    for case in ("camera", "camera_resaved", "splice_jpeg", "splice_shifted", "typed", "editor_resave"):
        data, _ = forgery.make_case(case, np.random.default_rng(3), base)
        if data[:2] == b"\xff\xd8":
            out[case] = data
    return out


@pytest.fixture(scope="module")
def jpegs(base):
    return _cases(base)


@pytest.mark.parametrize("with_roi", [False, True])
def test_vectorised_maps_equal_the_reference(jpegs, with_roi):
    assert len(jpegs) >= 4
    for case, data in jpegs.items():
        y = _luma(data)
        q = jpegq.read(data).luma
        roi = None
        if with_roi:  # an off-centre document: a rotated rectangle over ~half the picture
            roi = np.zeros((y.shape[0] // 8, y.shape[1] // 8), np.uint8)
            h, w = roi.shape
            box = cv2.boxPoints(((w * 0.55, h * 0.5), (w * 0.7, h * 0.6), 7.0))
            cv2.fillConvexPoly(roi, np.round(box).astype(np.int32), 255)
        for max_blocks in (30_000, 4_000):  # step 1 and a strided grid
            new = local.jpeg_maps(y, q, roi, max_blocks=max_blocks, ghost_ratio=local.GHOST_TABLE_RATIO)
            ref = jpeg_maps_reference(y, q, roi, max_blocks=max_blocks, ghost_ratio=local.GHOST_TABLE_RATIO)
            assert (new is None) == (ref is None), case
            if new is None:
                continue
            assert (new.step, new.origin, new.shape) == (ref.step, ref.origin, ref.shape)
            assert new.dq_strength == pytest.approx(ref.dq_strength, abs=DQ_TOL), case
            assert new.dq_spread == pytest.approx(ref.dq_spread, abs=DQ_TOL), case
            if ref.dq_mean is None:
                assert new.dq_mean is None
            else:
                np.testing.assert_allclose(new.dq_mean, ref.dq_mean, atol=DQ_TOL, equal_nan=True, err_msg=case)
            np.testing.assert_allclose(new.ghost_dip, ref.ghost_dip, atol=Z_TOL, err_msg=case)
            np.testing.assert_allclose(new.ghost_level, ref.ghost_level, atol=Z_TOL, err_msg=case)
            # the quality may differ only where two tables tie within the tolerance
            diff = new.ghost_q != ref.ghost_q
            assert diff.mean() < 1e-3, (case, int(diff.sum()))
            assert (ref.ghost_dip >= local.GHOST_Z).any() == (new.ghost_dip >= local.GHOST_Z).any()


def test_noise_levels_over_the_document_box_equal_the_whole_picture_pass(jpegs):
    """grid.hf_level reads only the document's bounding box: the same sums, bit for bit, as the whole-picture
    pass masked afterwards (documents in the middle, at the picture's edge, none, and no mask)."""
    for data in jpegs.values():
        y = _luma(data)
        nr, nc = y.shape[0] // 32, y.shape[1] // 32
        masks = [None, np.zeros((nr, nc), bool), np.zeros((nr, nc), bool), np.zeros((nr, nc), bool)]
        masks[1][nr // 5:nr * 4 // 5, nc // 6:nc * 5 // 6] = True
        masks[2][:nr // 2, nc // 3:] = True
        for roi in masks:
            new, ref = grid.hf_level(y, roi), hf_level_reference(y, roi)
            assert new is not None and ref is not None
            for a, b in zip(new, ref, strict=True):
                np.testing.assert_array_equal(a, b)
