"""image.blurry: is the print sharp, relative to the document's size?

Measure: the **edge blur** of the document's print, as the gaussian sigma of its
high-contrast edges, in pixels per 1000 px of the document's long side.

How: the document is rectified (``ctx.rectified``, at most ``blur.canonical_long_side``
px).  At every edge pixel that is a local maximum of the gradient and sits on a
strong step (local range >= 40 grey levels), the slope divided by the step height
is 1 / (sigma * sqrt(2 pi)) for a blurred step, so each edge gives its own sigma
regardless of the print's contrast.  Only edges that carry at least
``blur.min_share_of_window_gradient`` of the strongest gradient within the window the
step is measured in are used: the step must be this edge's own.  A weak local maximum
of the paper's texture (guilloche) a few pixels beside a strong edge - along every
stroke of a semi-transparent watermark, which lies over the textured paper - would
otherwise pair its faint slope with the neighbour's step and read as a very soft edge.
Medians are taken per gradient direction (4 bins) and the worst direction is reported:
motion blur smears edges across the motion only, defocus smears all.  Dividing by the
rectified document length makes the number independent of how big the document is in
the picture, once the sampling floor (a perfectly sharp edge still spreads ~1 px,
whatever the document's size; ``blur.sampling_floor``) has been removed in quadrature.
Only the document is measured (a blurred background - shallow depth of field - is fine).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import cv2
import numpy as np

from ... import codes
from ...report import Finding, Measure
from ..context import ImageContext
from ..registry import image_check

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


@image_check("blur", codes=("image.blurry", "image.not_judged"), section="blur")
def check_blur(ctx: ImageContext) -> Iterator[Finding]:
    cfg = ctx.config.blur
    rect = ctx.rectified
    if rect is not None:
        gray, valid, length = rect.gray, rect.valid, max(rect.gray.shape)
        original_length = rect.doc_long_side * max(ctx.scale_x, ctx.scale_y)
        where = "document"
    else:  # no document, or a doubtful outline: judge the picture (motion and defocus blur the whole of it)
        h, w = ctx.height, ctx.width
        f = min(1.0, cfg.canonical_long_side / max(h, w))
        gray = cv2.resize(ctx.gray, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA) if f < 1 else ctx.gray
        valid, length = None, max(gray.shape)
        original_length = float(max(ctx.decoded.original_size))
        where = "picture"
    sigma, details = edge_blur(gray, valid, cfg.min_edges, cfg.min_share_of_window_gradient)
    if sigma is None:
        yield codes.finding(
            "image.not_judged", what="sharpness", what_zh="清晰度",
            reason=f"only {details.get('edges', 0)} high-contrast edges on the {where}, {cfg.min_edges} needed",
            reason_zh=f"{where == 'document' and '证件' or '图片'}上高对比度边缘仅 {details.get('edges', 0)} 个，"
                      f"需要 {cfg.min_edges} 个",
            details={"code": "image.blurry", "edges": details.get("edges", 0), "measured_on": where},
        )
        return
    # the same edge in the original picture's pixels: an edge spread over a pixel or so is crisp however small the
    # document is (that is image.low_resolution's finding)
    sigma_original = sigma * original_length / length
    # the sampling floor (a perfectly sharp edge still spreads ~1 px) is removed in quadrature: what is left is the
    # blur of the scene, which scales with the document; the floor does not, and would make small documents "blurry"
    value = math.sqrt(max(sigma * sigma - cfg.sampling_floor ** 2, 0.0)) * 1000.0 / length
    ctx.extra.setdefault("measures", {})["edge_blur"] = round(value, 3)
    # without a document the picture's long side stands in for the document's, and whatever print, table or hand
    # makes its strong edges, and a background may be out of focus: a rough proxy, so only a picture that is soft
    # all over is reported
    limit = cfg.max_edge_blur * (1.0 if where == "document" else cfg.picture_factor)
    ctx.extra["measures"]["edge_sigma_px"] = round(sigma_original, 3)
    if value > limit and sigma_original > cfg.min_sigma_px:
        yield codes.finding(
            "image.blurry",
            measured=Measure(round(value, 2), f"px per 1000 px of {where}"),
            threshold=Measure(round(limit, 2), f"px per 1000 px of {where}", "<="),
            details={"measured_on": where,
                     **{k: (round(v, 3) if isinstance(v, float) else v) for k, v in details.items()
                        if k != "by_direction"},
                     "sigma_px": round(sigma, 3), "measured_px": length,
                     "sigma_original_px": round(sigma_original, 3),
                     "by_direction": {k: round(v * 1000.0 / length, 2)
                                      for k, v in details.get("by_direction", {}).items()}},
        )
