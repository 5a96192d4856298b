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
