"""Metamorphic properties of the checks."""

import cv2
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fixtures.formats import encode
from idcheck.image.checks.blur import edge_blur
from idcheck.image.checks.glare import glare_mask
from tests.strategies import examples

from .conftest import codes_of, photo, run

FAST = settings(max_examples=examples(10), deadline=None)


@FAST
@given(st.integers(0, 1000), st.floats(0.5, 3.0), st.floats(0.3, 2.0))
def test_more_blur_never_lowers_the_blur_score(seed, sigma, extra):
    rng = np.random.default_rng(seed)
    doc, _ = __import__("fixtures.docgen", fromlist=["x"]).render_document("id_card", rng, scale=0.6)
    gray = cv2.cvtColor(doc, cv2.COLOR_RGB2GRAY)
    a, _ = edge_blur(cv2.GaussianBlur(gray, (0, 0), sigma))
    b, _ = edge_blur(cv2.GaussianBlur(gray, (0, 0), sigma + extra))
    assert a is not None and b is not None and b >= a - 0.02


@FAST
@given(st.integers(0, 1000), st.integers(10, 60), st.integers(5, 40))
def test_a_larger_glare_spot_never_lowers_the_glare_share(seed, r, grow):
    rng = np.random.default_rng(seed)
    doc, _ = __import__("fixtures.docgen", fromlist=["x"]).render_document("id_card", rng, scale=0.5)
    doc = (doc.astype(np.float32) * 0.85).astype(np.uint8)
    valid = np.full(doc.shape[:2], 255, np.uint8)
    c = (int(rng.integers(100, 400)), int(rng.integers(80, 240)))

    def share(radius):
        img = doc.copy()
        cv2.circle(img, c, radius, (255, 255, 255), -1)
        mask, _ = glare_mask(img, valid, 248, 8)
        return np.count_nonzero(mask)

    assert share(r + grow) >= share(r)


@settings(max_examples=examples(4), deadline=None)
@given(st.sampled_from([("clean", None), ("glare", 0.04), ("defocus", 4.5), ("corner_cut", 0.08)]), st.integers(0, 50))
def test_rotating_by_90_degrees_keeps_the_verdict(case, seed):
    name, strength = case
    img, _ = photo("id_card", [] if name == "clean" else [(name, strength)], seed=seed, background="dark_cloth")
    _, f0 = run(img)
    _, f1 = run(np.ascontiguousarray(np.rot90(img)))
    quad_level = {"document.corner_missing", "image.glare", "image.blurry", "image.grayscale", "document.not_found"}
    assert codes_of(f0) & quad_level == codes_of(f1) & quad_level


@settings(max_examples=examples(4), deadline=None)
@given(st.integers(85, 98), st.integers(0, 50), st.sampled_from([None, ("glare", 0.04), ("grayscale", 1.0)]))
def test_reencoding_at_jpeg_quality_85_plus_keeps_the_verdict(quality, seed, defect):
    import io

    from PIL import Image

    # a working-size picture (1600 x 1200, standing for a 3200 x 2400 photo): at 1200 x 900 a clean licence is only
    # 540-700 px long and its blur measure sits at the threshold, where any re-encoding may tip it
    img, _ = photo("business_license", [] if defect is None else [defect], seed=seed, background="wood",
                   out_size=(1600, 1200))
    _, f0 = run(img, (3200, 2400))
    again = np.asarray(Image.open(io.BytesIO(encode(img, "jpeg", quality=quality))).convert("RGB"))
    _, f1 = run(again, (3200, 2400))
    # the reject decision (errors); image.screen_recapture is a warning whose moire ratio is known to move with
    # re-encoding (seed 20 at quality 85) - reported in the benchmark, not hidden here
    assert codes_of(f0, ("error",)) == codes_of(f1, ("error",))


@settings(max_examples=examples(6), deadline=None)
@given(st.integers(0, 3), st.integers(0, 100))
def test_moving_the_document_out_of_the_frame_names_the_corner(corner, seed):
    """Shift the picture so that one chosen corner of the document leaves the frame."""
    img, labels = photo("id_card", seed=seed, background="dark_cloth", fill=0.6, angle=0.0)
    q = np.array(labels["quad"])
    h, w = img.shape[:2]
    x, y = q[corner]
    dx = int(-x + 25) if corner in (0, 3) else int(w - x - 25)
    # move only horizontally: the corner goes 25 px past the side of the frame
    dx = dx - 50 if corner in (0, 3) else dx + 50
    M = np.float32([[1, 0, dx], [0, 1, 0]])
    # the uncovered strip repeats the background's edge (a reflection would mirror the card itself into the picture
    # when it moves far: two cards, seed 93)
    moved = cv2.warpAffine(img, M, (w, h), borderMode=cv2.BORDER_REPLICATE)
    _, findings = run(moved)
    f = next((f for f in findings if f.code == "document.corner_missing"), None)
    assert f is not None
    names = ("top-left", "top-right", "bottom-right", "bottom-left")
    assert names[corner] in f.details["corners"]
