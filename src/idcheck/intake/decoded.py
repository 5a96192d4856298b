"""DecodedImage: what the one decode of a file hands to the checks (see :mod:`idcheck.intake.decode`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class DecodedImage:
    """The single decode of one file: a reduced, upright RGB working copy."""

    rgb: np.ndarray  # H x W x 3 uint8, RGB
    original_size: tuple[int, int]  # (width, height) of the full-resolution upright picture
    format: str  # our format name: jpeg, png, bmp, heic, webp
    mode: str  # Pillow mode of the file before conversion (RGB, CMYK, L, P, RGBA, I;16 ...)
    reduced_by: str = "none"  # "draft" (JPEG DCT scaling), "resize", or "none"
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> tuple[int, int]:
        h, w = self.rgb.shape[:2]
        return (w, h)
