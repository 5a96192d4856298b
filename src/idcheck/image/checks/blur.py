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

from collections.abc import Iterator

from ... import codes
from ...report import Finding, Measure
from ..context import ImageContext
from ..registry import image_check
from ..sharpness import edge_blur

__all__ = ["check_blur", "edge_blur"]


@image_check("blur", codes=("image.blurry", "image.not_judged"), section="blur")
def check_blur(ctx: ImageContext) -> Iterator[Finding]:
    cfg = ctx.config.blur
    sharp = ctx.sharpness
    where, details = sharp.where, sharp.details
    if sharp.sigma is None:
        yield codes.finding(
            "image.not_judged", what="sharpness", what_zh="清晰度",
            reason=f"only {details.get('edges', 0)} high-contrast edges on the {where}, {cfg.min_edges} needed",
            reason_zh=f"{where == 'document' and '证件' or '图片'}上高对比度边缘仅 {details.get('edges', 0)} 个，"
                      f"需要 {cfg.min_edges} 个",
            details={"code": "image.blurry", "edges": details.get("edges", 0), "measured_on": where},
        )
        return
    ctx.extra.setdefault("measures", {})["edge_blur"] = round(sharp.value, 3)
    ctx.extra["measures"]["edge_sigma_px"] = round(sharp.sigma_original, 3)
    if sharp.blurred:
        length = sharp.length
        yield codes.finding(
            "image.blurry",
            measured=Measure(round(sharp.value, 2), f"px per 1000 px of {where}"),
            threshold=Measure(round(sharp.limit, 2), f"px per 1000 px of {where}", "<="),
            subject=f"The {where}", subject_zh="证件图像" if where == "document" else "图片",
            details={"measured_on": where,
                     **{k: (round(v, 3) if isinstance(v, float) else v) for k, v in details.items()
                        if k != "by_direction"},
                     "sigma_px": round(sharp.sigma, 3), "measured_px": length,
                     "sigma_original_px": round(sharp.sigma_original, 3),
                     "by_direction": {k: round(v * 1000.0 / length, 2)
                                      for k, v in details.get("by_direction", {}).items()}},
        )
