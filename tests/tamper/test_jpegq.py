import io

import numpy as np
import pytest
from PIL import Image

from idcheck.tamper import jpegq


def _jpeg(q, **kw):
    buf = io.BytesIO()
    pixels = (np.random.default_rng(0).random((32, 32, 3)) * 255).astype(np.uint8)
    Image.fromarray(pixels).save(buf, "JPEG", quality=q, **kw)
    return buf.getvalue()


@pytest.mark.parametrize("q", [30, 50, 75, 85, 90, 95, 97])
def test_ijg_quality_is_exact(q):
    info = jpegq.read(_jpeg(q))
    assert info.family == "ijg" and info.quality == q


def test_custom_tables_are_non_ijg():
    luma = [max(1, int(v * 0.3)) for v in jpegq.STD_LUMA[::-1]]  # a different shape, not IJG-scaled
    info = jpegq.read(_jpeg(90, qtables=[luma, luma]))
    assert info.family == "non-ijg"
    assert 1 <= info.quality <= 100


def test_not_a_jpeg():
    assert jpegq.read(b"\x89PNG\r\n\x1a\n") is None
