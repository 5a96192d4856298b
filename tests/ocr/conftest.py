"""Shared helpers for the OCR tests."""

import io

import numpy as np
from PIL import Image

from idcheck.config import DEFAULT
from idcheck.image.context import ImageContext
from idcheck.intake.decode import decode
from idcheck.intake.sniff import sniff


def jpeg_context(photo: np.ndarray) -> ImageContext:
    """The image context ``check()`` would build for ``photo`` saved as a quality-90 JPEG."""
    buf = io.BytesIO()
    Image.fromarray(photo).save(buf, format="JPEG", quality=90)
    data = buf.getvalue()
    spec = sniff(data[:65536]).spec
    assert spec is not None
    r = decode(data, spec, DEFAULT)
    assert r.image is not None
    return ImageContext(r.image, DEFAULT, {}, data=data)
