"""How sharp the document's print is: the edge-blur measure, once per picture (:func:`measure`, shared by the blur
check and by the document check, which must not take a picture too blurred to show print for one without a
document).  See :mod:`idcheck.image.checks.blur` for the measure's physics."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from ..config import BlurConfig

_SQRT_2PI = math.sqrt(2 * math.pi)


def edge_blur(gray: np.ndarray, valid: np.ndarray | None = None, min_edges: int = 150,
              min_share: float = 0.5) -> tuple[float | None, dict]:
    """Edge-blur sigma (px of ``gray``) in the worst gradient direction, and per-direction details.

    ``min_share``: an edge pixel's gradient must be at least this share of the strongest one within the
    9 x 9 window its step height is taken from.
    """
    # the magnitude by numpy's square root, which IEEE 754 rounds correctly: cv2.magnitude's vectorised one is not,
    # and its last bit depended on the arrays' memory alignment, so the same picture measured a different edge
    # count between runs and thread counts (issue 17); this way every run gives the same bits
    g = gray.astype(np.float32)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    mag = np.sqrt(gx * gx + gy * gy)
    k = np.ones((9, 9), np.uint8)
    if gray.dtype == np.uint8:
        # the 9 x 9 range on the 8-bit picture: max and min are exact in any type, 4x less memory traffic
        step = cv2.subtract(cv2.dilate(gray, k), cv2.erode(gray, k)).astype(np.float32)
    else:
        step = cv2.dilate(g, k) - cv2.erode(g, k)
    peak = mag >= cv2.dilate(mag, np.ones((3, 3), np.uint8))
    sel = peak & (step >= 40) & (mag > 0.02 * step)
    # the step is the 9 x 9 range: it belongs to this pixel only if no much steeper edge shares the window.  A faint
    # texture maximum beside a watermark stroke or a print edge passes the 3 x 3 peak test but would borrow that
    # neighbour's step (a sigma of 3-10 px on a sharp photo); a blurred step's own centre is its window's steepest
    # point however soft it is, and both edges of a thin stroke are equally steep, so true edges are kept
    sel &= mag >= min_share * cv2.dilate(mag, k)
    if valid is not None and cv2.countNonZero(valid) < valid.size:  # (an all-valid mask erodes to itself)
        sel &= cv2.erode(valid, np.ones((15, 15), np.uint8)) > 0
    # ignore the outermost 3% (the document's own border against the background)
    h, w = g.shape
    bh, bw = max(2, int(0.03 * h)), max(2, int(0.03 * w))
    sel[:bh] = False
    sel[-bh:] = False
    sel[:, :bw] = False
    sel[:, -bw:] = False
    ys, xs = np.nonzero(sel)
    if len(xs) < min_edges:
        return None, {"edges": int(len(xs))}
    ratio = mag[ys, xs] / step[ys, xs]
    sigma = 1.0 / (np.clip(ratio, 1e-3, None) * _SQRT_2PI)
    ang = (np.degrees(np.arctan2(gy[ys, xs], gx[ys, xs])) + 180.0) % 180.0
    bins = ((ang + 22.5) // 45).astype(np.int32) % 4
    per = {}
    for b in range(4):
        s = sigma[bins == b]
        if len(s) >= min_edges // 3:
            per[("0", "45", "90", "135")[b]] = float(np.median(s))
    if not per:
        return float(np.median(sigma)), {"edges": int(len(xs))}
    return max(per.values()), {"edges": int(len(xs)), "by_direction": per}


@dataclass(frozen=True)
class Sharpness:
    """The edge blur of the document (or of the whole picture without a sure outline), and the limit it is held to.

    ``value``: px per 1000 px of the measured length (the sampling floor removed); ``sigma``: the edge sigma in the
    measured copy's px, ``sigma_original`` the same in the original picture's px; ``sigma is None`` when too few
    strong edges were found to measure (``details["edges"]`` says how many)."""

    where: str  # "document" or "picture"
    length: int  # px of the measured copy's long side
    sigma: float | None
    sigma_original: float
    value: float
    limit: float
    details: dict[str, Any] = field(default_factory=dict)
    min_sigma_original: float = 0.0  # blur.min_sigma_px: softer edges in the original's own pixels are blur

    @property
    def blurred(self) -> bool:
        """Over the limit, and the edges soft in the original picture's own pixels too (``blur.min_sigma_px``)."""
        return self.sigma is not None and self.value > self.limit and self.sigma_original > self.min_sigma_original


def measure(rect: Any, gray: np.ndarray, original_size: tuple[int, int], scale: float,
            cfg: BlurConfig) -> Sharpness:
    """The sharpness of the document (``rect``: the context's rectified document, or None without a sure outline,
    when the whole picture ``gray`` is measured: motion and defocus blur all of it).  ``original_size`` and ``scale``
    (original px per working px) put the edges in the original picture's pixels."""
    if rect is not None:
        gray, valid, length = rect.gray, rect.valid, max(rect.gray.shape)
        original_length = rect.doc_long_side * scale
        where = "document"
    else:
        h, w = gray.shape
        f = min(1.0, cfg.canonical_long_side / max(h, w))
        gray = cv2.resize(gray, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA) if f < 1 else gray
        valid, length = None, max(gray.shape)
        original_length = float(max(original_size))
        where = "picture"
    sigma, details = edge_blur(gray, valid, cfg.min_edges, cfg.min_share_of_window_gradient)
    # without a document the picture's long side stands in for the document's, and whatever print, table or hand
    # makes its strong edges, and a background may be out of focus: a rough proxy, so only a picture that is soft
    # all over is reported
    limit = cfg.max_edge_blur * (1.0 if where == "document" else cfg.picture_factor)
    if sigma is None:
        return Sharpness(where, length, None, 0.0, 0.0, limit, details, cfg.min_sigma_px)
    # the same edge in the original picture's pixels: an edge spread over a pixel or so is crisp however small the
    # document is (that is image.low_resolution's finding)
    sigma_original = sigma * original_length / length
    # the sampling floor (a perfectly sharp edge still spreads ~1 px) is removed in quadrature: what is left is the
    # blur of the scene, which scales with the document; the floor does not, and would make small documents "blurry"
    value = math.sqrt(max(sigma * sigma - cfg.sampling_floor ** 2, 0.0)) * 1000.0 / length
    return Sharpness(where, length, sigma, sigma_original, value, limit, details, cfg.min_sigma_px)
