"""ImageContext: everything the checks share about one decoded picture.

The picture is decoded once (``idcheck.intake.decode``), reduced to the working
size the checks need, with EXIF orientation applied.  Derived views (grey,
HSV, the document quadrilateral, ...) are computed on first use and cached, so
no check decodes again or recomputes what another already computed.

Coordinates: the working copy is ``rgb`` (H x W x 3, uint8, RGB order).  A point
(x, y) in the working copy is (x * scale_x, y * scale_y) in the full-resolution
upright picture; findings report regions in those full-resolution coordinates
(use :meth:`ImageContext.to_original`).

A context belongs to one call of ``check()`` and is not shared between threads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterable, Sequence

import cv2
import numpy as np

from ..config import Config
from ..report import Point


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


class ImageContext:
    def __init__(
        self,
        decoded: DecodedImage,
        config: Config,
        file_facts: dict[str, Any] | None = None,
        data: bytes | None = None,
    ):
        self.decoded = decoded
        self.config = config
        self.file_facts = file_facts or {}
        # The file's bytes, for checks that read headers (metadata, JPEG tables) without decoding.
        self.data = data
        # The document kind the caller named ("auto" when unknown); see idcheck.api.KINDS.
        self.requested_kind = "auto"
        self.rgb = decoded.rgb
        self.height, self.width = decoded.rgb.shape[:2]
        ow, oh = decoded.original_size
        self.scale_x = ow / self.width
        self.scale_y = oh / self.height
        # What checks add for the report's "extra" (e.g. the document quad).
        self.extra: dict[str, Any] = {}

    # -- coordinates -------------------------------------------------------
    def to_original(self, points: Iterable[Sequence[float]]) -> list[Point]:
        """Working-copy points -> full-resolution upright pixel coordinates."""
        return [(float(x) * self.scale_x, float(y) * self.scale_y) for x, y in points]

    def box_to_original(self, x: float, y: float, w: float, h: float) -> list[Point]:
        """An axis-aligned working-copy box -> its polygon in original coordinates."""
        return self.to_original([(x, y), (x + w, y), (x + w, y + h), (x, y + h)])

    # -- shared views (computed once, on first use) -------------------------
    @cached_property
    def gray(self) -> np.ndarray:
        """H x W uint8 luma (BT.601)."""
        return cv2.cvtColor(self.rgb, cv2.COLOR_RGB2GRAY)

    @cached_property
    def hsv(self) -> np.ndarray:
        """H x W x 3 uint8 HSV (OpenCV ranges: H 0-179, S 0-255, V 0-255)."""
        return cv2.cvtColor(self.rgb, cv2.COLOR_RGB2HSV)
