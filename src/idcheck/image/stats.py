"""Order statistics with exactly numpy's results, cheaper: of 8-bit data from a 256-bin histogram, of float data from
one partition.

``np.median`` and ``np.percentile`` sort (partition) a copy of their input: on the hundreds of thousands of
pixels of a document that is 1-3 ms each.  For uint8 data a histogram (``np.bincount``) and its running sum
name the k-th smallest value directly, ~5x cheaper, with exactly numpy's results (same order statistics,
same linear interpolation between them).  For float data, see :func:`median_f`.
"""

from __future__ import annotations

import cv2
import numpy as np


def _kth(cum: np.ndarray, k: int) -> int:
    """The k-th smallest value (0-based) given the running sum ``cum`` of a 256-bin histogram."""
    return int(np.searchsorted(cum, k, side="right"))


def _cumulative(values: np.ndarray, mask: np.ndarray | None) -> tuple[np.ndarray, int]:
    if values.dtype != np.uint8:
        raise TypeError(f"expected uint8 data, got {values.dtype}")
    if values.ndim == 2 and values.size < 1 << 24:
        # cv2.calcHist reads the picture in place, through the mask, with no intp copy (np.bincount's); its float32
        # counts are exact below 2**24 pixels
        m = None if mask is None else mask.view(np.uint8) if mask.dtype == np.bool_ else mask
        hist = cv2.calcHist([values], [0], m, [256], [0, 256]).ravel().astype(np.int64)
    else:
        hist = np.bincount((values if mask is None else values[mask != 0]).ravel(), minlength=256)
    cum = np.cumsum(hist)
    return cum, int(cum[-1])


def median_u8(values: np.ndarray, mask: np.ndarray | None = None) -> float:
    """``np.median(values)`` (or ``np.median(values[mask != 0])``) for uint8 data with at least one value: the
    mean of the two middle values when their count is even."""
    cum, n = _cumulative(values, mask)
    if n == 0:
        raise ValueError("median of no values")
    hi = _kth(cum, n // 2)
    if n % 2:
        return float(hi)
    return (_kth(cum, n // 2 - 1) + hi) / 2.0


def percentile_u8(values: np.ndarray, q: float, mask: np.ndarray | None = None) -> float:
    """``np.percentile(values, q)`` (its default, linear interpolation) for uint8 data with at least one value."""
    cum, n = _cumulative(values, mask)
    if n == 0:
        raise ValueError("percentile of no values")
    pos = (q / 100.0) * (n - 1)
    lo = int(np.floor(pos))
    t = pos - lo
    a = float(_kth(cum, lo))
    b = float(_kth(cum, min(lo + 1, n - 1)))
    # numpy's lerp: from the nearer end, so that t = 1 gives b exactly
    return b - (b - a) * (1.0 - t) if t >= 0.5 else a + (b - a) * t


# -- float data: one partition ---------------------------------------------------------------------------------------
# ``np.median`` and ``np.percentile`` partition their copy at two (or more) points at once, and numpy's partition at
# several points costs ~10x its partition at one (2.0 against 0.18 ms on 110 000 float32 values).  The functions below
# partition once, at the upper of the two order statistics they need, and take the lower one as the largest value
# below it (or the upper as the smallest above): the same two values, then combined exactly as numpy combines them.
# For data without NaN (numpy would return NaN; these do not look).


def median_f(values: np.ndarray) -> float:
    """``float(np.median(values))`` for float data without NaN, at least one value: the middle value, or numpy's mean
    (in the data's own precision) of the two middle values when their count is even."""
    flat = values.ravel()
    n = flat.size
    part = np.partition(flat, n // 2)
    hi = part[n // 2]
    if n % 2:
        return float(hi)
    return float(np.mean(np.array([part[: n // 2].max(), hi], flat.dtype)))


def percentile_f(values: np.ndarray, q: float) -> float:
    """``float(np.percentile(values, q))`` (its default, linear interpolation; ``q`` a Python number) for float data
    without NaN, at least one value."""
    flat = values.ravel()
    n = flat.size
    virtual = float((n - 1) * np.true_divide(q, 100))  # numpy's index for its linear method
    lo = int(np.floor(virtual))
    if lo < 0 or lo >= n - 1:  # at (or clipped to) the first or last value: no interpolation
        k = min(max(lo, 0), n - 1)
        return float(np.partition(flat, k)[k])
    part = np.partition(flat, lo)
    a, b = part[lo], part[lo + 1:].min()
    t = virtual - lo
    # numpy's lerp, in the data's precision (``t`` a Python float): from the nearer end, so that t = 1 gives b exactly
    diff = b - a
    return float(b - diff * (1 - t) if t >= 0.5 else a + diff * t)
