"""Small array helpers the tamper analyses share: the same results as the plain numpy idiom, for less time."""

from __future__ import annotations

import cv2
import numpy as np


def median(x: np.ndarray) -> np.floating:
    """``np.median(x)`` of a 1-d array without NaN, the same value bit for bit: the same partition and mean of the
    middle one or two values, without np.median's extra partition for NaN (~40 against ~100 us on 16 000 values)."""
    n = len(x)
    h = n // 2
    if n % 2:
        return np.partition(x, h)[h]
    return np.mean(np.partition(x, [h - 1, h])[h - 1:h + 1])


def mask_box(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1), ends exclusive, of a mask's non-zero pixels, or None (one C pass, ``cv2.boundingRect``,
    where ``np.nonzero(mask.any(axis))`` took ~0.5 ms on a working copy)."""
    x, y, w, h = cv2.boundingRect(mask if mask.dtype == np.uint8 else mask.astype(np.uint8))
    return None if w == 0 or h == 0 else (x, y, x + w, y + h)
