"""The sharpness measure shared by the blur check and the document check (idcheck.image.sharpness)."""

import cv2
import numpy as np
import pytest

from fixtures import docgen
from idcheck.image import sharpness

from .conftest import codes_of, context, photo, run


@pytest.mark.parametrize("seed", [11, 12])
def test_more_motion_blur_reads_as_more_edge_blur(seed):
    # metamorphic: the same photo smeared further is measured blurrier, never sharper
    values = []
    for length in (0.0, 8.0, 20.0):
        img, _ = photo("business_license", defects=[("motion", length)] if length else (), seed=seed)
        values.append(context(img).sharpness.value)
    assert values[0] < values[1] < values[2]


def test_a_document_too_blurred_to_show_print_is_blurry_not_missing():
    # a licence smeared by a 30 px motion: no line of print can be read, so the doubtful outline has no print in it;
    # that is the blur's doing, and the user is told to retake a sharp photo, not that no document was found
    seen = 0
    for index in range(8):
        rng = np.random.default_rng([2, 14, index])
        img, _ = docgen.make_photo("business_license", rng, [("motion", 30.0)],
                                   background=docgen.BACKGROUNDS[index % len(docgen.BACKGROUNDS)], out_size=(1200, 900))
        ctx, findings = run(img)
        if not ctx.sharpness.blurred:
            continue
        seen += 1
        assert "image.blurry" in codes_of(findings)
        assert "document.not_found" not in codes_of(findings)
        blurry = next(f for f in findings if f.code == "image.blurry")
        # the message names what was measured (a doubtful outline: the picture)
        subject = {"document": ("The document", "证件图像"), "picture": ("The picture", "图片")}[ctx.sharpness.where]
        assert blurry.render().startswith(subject[0] + " is blurred")
        assert blurry.render(lang="zh").startswith(subject[1] + "模糊")
    assert seen >= 4


def test_sharpness_is_measured_once_and_shared():
    img, _ = photo("id_card", seed=3)
    ctx = context(img)
    first = ctx.sharpness
    assert ctx.sharpness is first
    assert isinstance(first, sharpness.Sharpness) and first.where in ("document", "picture")
    assert first.sigma is not None and not first.blurred


@pytest.mark.parametrize("factor", [0.5, 0.35, 0.25])
def test_a_sharp_photo_reduced_stays_sharp_and_a_defocused_one_stays_blurred(factor):
    """A phone's sharp edge is already ~1.6 px soft at full size (demosaicing, sharpening, compression); reduced as a
    collage or a chat app reduces it, it sits on the sampling floor, which must not read as blur however small the
    document gets.  Defocus of 2.6 px per 1000 px of the picture is found at every reduction."""
    sharp, _ = photo("id_card", seed=4, out_size=(2400, 1800))
    for sigma, blurred in ((1.6, False), (2.6 * 2.4, True)):
        soft = cv2.GaussianBlur(sharp, (0, 0), sigma)
        small = cv2.resize(soft, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        measured = context(small, (2400, 1800)).sharpness
        assert measured.where == "document"
        assert measured.blurred is blurred, (sigma, measured.value, measured.sigma)
