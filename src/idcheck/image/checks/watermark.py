"""document.watermark: text tiled diagonally across the document ("仅供实名认证使用").

Measure: the **diagonal stroke index** of the rectified document: the excess of
edge energy at one common diagonal orientation over the document's background level.

Physically: once the document is rectified, its own print is upright - the strokes
of Chinese characters and digits run at 0 and 90 degrees - and the guilloche
background is curved (all orientations equally).  Watermarks added by phone apps
repeat one line of text rotated by 20-45 degrees across the whole picture, so a
large number of stroke edges share one tilted orientation.  In the 4-theta
orientation histogram (which folds the two stroke directions of a character, theta
and theta + 90, onto one bin) upright print peaks at 0, guilloche is flat, and a
watermark adds a peak in the diagonal half (theta mod 90 between 20 and 70 degrees).
The index is that peak's height above the flat level, as a share of all edge energy.
"""

from __future__ import annotations

from typing import Iterator

import cv2
import numpy as np

from ... import codes
from ...report import Finding, Measure
from ..context import ImageContext
from ..registry import image_check

_BINS = 72  # 5 degrees of 4-theta each


def diagonal_index(gray: np.ndarray, valid: np.ndarray | None = None) -> tuple[float, dict]:
    g = cv2.GaussianBlur(gray.astype(np.float32), (0, 0), 1.0)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    mag = cv2.magnitude(gx, gy)
    sel = mag >= 1.5
    h, w = g.shape
    bh, bw = max(2, int(0.04 * h)), max(2, int(0.04 * w))
    sel[:bh] = False
    sel[-bh:] = False
    sel[:, :bw] = False
    sel[:, -bw:] = False
    if valid is not None:
        sel &= cv2.erode(valid, np.ones((9, 9), np.uint8)) > 0
    if np.count_nonzero(sel) < 200:
        return 0.0, {}
    m = np.minimum(mag[sel], 40.0)  # cap: one bold line must not outweigh many faint strokes
    theta4 = (4.0 * np.arctan2(gy[sel], gx[sel])) % (2 * np.pi)
    hist = np.bincount((theta4 / (2 * np.pi) * _BINS).astype(np.int32) % _BINS, weights=m, minlength=_BINS)
    hist = np.convolve(np.concatenate([hist[-2:], hist, hist[:2]]), np.ones(5) / 5.0, mode="valid")
    total = float(hist.sum()) or 1.0
    deg = (np.arange(_BINS) + 0.5) * 360.0 / _BINS  # 4-theta in degrees
    diag = (deg >= 80) & (deg <= 280)  # theta mod 90 in [20, 70] degrees
    dh = hist[diag]
    peak = float(dh.max())
    floor = float(np.percentile(dh, 30))
    index = (peak - floor) * diag.sum() / total / 4.0  # peak excess, as a share of edge energy (5 bins wide)
    angle = float(deg[diag][int(np.argmax(dh))] / 4.0)
    return index, {"angle_deg": round(angle % 90, 1), "edge_px": int(np.count_nonzero(sel))}


@image_check("watermark", codes=("document.watermark",), needs=("rectified",), section="watermark")
def check_watermark(ctx: ImageContext) -> Iterator[Finding]:
    cfg = ctx.config.watermark
    rect = ctx.rectified
    if rect is None:
        return
    index, details = diagonal_index(rect.gray, rect.valid)
    ctx.extra.setdefault("measures", {})["watermark_index"] = round(index, 4)
    if index >= cfg.min_diagonal:
        yield codes.finding(
            "document.watermark",
            measured=Measure(round(index, 3), "diagonal stroke index"),
            threshold=Measure(cfg.min_diagonal, "", "<"),
            region=ctx.to_original(ctx.document.quad),
            details=details,
        )
