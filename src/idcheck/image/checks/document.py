"""document.not_found and document.corner_missing: is the whole document in the picture?

Uses the shared detection (``ctx.document``, see :mod:`idcheck.image.document`).
A corner is *missing* when the document's corner lies outside the frame or closer to
the frame edge than ``document.corner_margin``: the physical corner (rounded on an
ID card, the border line on a licence) is then not visible.  Because a convex
document cut by the frame always has at least one corner outside, this also
covers "the document is cut by the frame edge"; so does a side of the outline found
lying along the frame edge (both its corners are then missing).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ... import codes
from ...report import Finding, Measure
from .. import cut_print, runs_on
from ..context import ImageContext
from ..registry import image_check
from . import not_judged
from ._common import CORNER_NAMES, CORNER_ZH, join_words

# A corner this far beyond the frame (share of the picture's short side) is an error: real cut documents measured
# 1.3-6% outside; real screenshots whose content touches the border measured 0 to +1.7% (inside).
_CLEARLY_OUTSIDE = 0.01


@image_check("document", codes=("document.not_found", "document.corner_missing", "image.not_judged"),
             section="document")
def check_document(ctx: ImageContext) -> Iterator[Finding]:
    cfg = ctx.config.document
    doc = ctx.document
    if doc is None:
        ctx.extra["document"] = None
        if ctx.print_without_outline:
            # lines of print all over the picture: the document is there, its edges are not (it fills the picture
            # or runs out of it) - "not found" would be wrong.  Print cut by the frame still tells its corners are
            # not all in the picture; otherwise they cannot be judged: say so
            n_lines = len(ctx.text_lines or ())
            cut = _print_cut_by_frame(ctx)
            if cut is not None:
                yield cut
            yield not_judged.finding(
                (["document.corner_missing"] if cut is None else []) + ["document.occluded", "image.glare"]
                # the watermark is read from the whole picture only when it is the document, and from rows of text at
                # a tilt otherwise (a finding takes it out of this list: not_judged.settle); the screen's moire and
                # colour texture only inside a sure outline
                + ([] if ctx.frame_document else ["document.watermark"]) + ["image.screen_recapture"],
                reason=f"the document's print was found ({n_lines} lines of text) but not its edges: it may fill the "
                       f"picture or run out of it",
                reason_zh=f"找到了证件上的文字（{n_lines} 行），但没有找到证件边缘：证件可能占满画面或超出画面",
                measured=Measure(n_lines, "text lines"),
                # (image.low_resolution is judged from the print's own height: idcheck.image.checks.resolution)
                details={"text_lines": n_lines},
            )
            return
        yield codes.finding("document.not_found", details={"searched_at_px": cfg.detect_long_side})
        return
    quad_orig = ctx.to_original(doc.quad)
    ctx.extra["document"] = {
        "quad": [[round(x, 1), round(y, 1)] for x, y in quad_orig],
        "frame_share": round(doc.frame_share, 4),
        "kind": ctx.document_kind,
        "edge_support": round(doc.score, 3),
        "method": doc.method,
        "confidence": round(doc.confidence, 3),
        "confident": ctx.document_confident,
        **{k: doc.details[k] for k in ("straightness", "worst_angle_deg", "aspect") if k in doc.details},
    }
    if ctx.drawn_on_screen:
        return  # an app's capture (image.screenshot): no photographed document's corners to judge
    no_print = False
    if not ctx.document_confident and doc.confidence >= cfg.min_confidence and "print_outside" not in doc.details:
        # distrusted for want of print inside it, and no print anywhere in the picture either: a scene (a building,
        # a room, a dog on a rug) - or a document whose print the text detector cannot see.  Not said as "no
        # document" (a warning): said as not judged.  Measured on the 61 real development photos and the same photos
        # uploaded another way (benchmarks.real_variants: turned, mirrored, forwarded, out of focus): this path
        # called 1 scene "not found" (a video frame of a dog) against 12 pictures of documents - a magazine, and
        # documents turned, mildly out of focus (the detector at 640 px loses a page's print under a blur of
        # 0.75-1 px there) or forwarded by a chat app.  No sharpness measure tells the two apart (edge blur: the
        # scene 1.78 px per 1000 px, softened documents 1.5-2.0; the detector's own scale barely moves it).
        lines = ctx.text_lines
        no_print = lines is not None and len(lines) < cfg.min_text_lines
    elif doc.confidence < cfg.min_confidence and "print_outside" not in doc.details:
        # an outline not worth the name, and no print in the picture either: the same two readings as above, said
        # the same way (a close-up of a phone's glass, a 416 px picture with no document, got only "the outline is
        # uncertain").  No extra cost: the document stage has run the detector on such an outline, and the print
        # cut by the frame below reads it anyway
        lines = ctx.text_lines
        no_print = lines is not None and len(lines) < cfg.min_text_lines
    if not ctx.document_confident:
        # the checks that read the document from its outline stay silent on a doubtful one: say so, so that their
        # silence is never taken for a pass.  Print cut by the frame needs no outline to tell that corners are out
        cut = _print_cut_by_frame(ctx)
        if cut is not None:
            yield cut
        yield not_judged.finding(
            (["document.not_found"] if no_print and cut is None else [])
            + (["document.corner_missing"] if cut is None else [])
            + ["document.occluded", "image.glare"]
            # a picture that is the document (a scan, a scanner app's crop) has its watermarks read from the whole
            # picture (idcheck.image.checks.watermark)
            + ([] if ctx.frame_document else ["document.watermark"])
            + ["image.screen_recapture"],
            reason=("the document's edges run along the picture's frame (it was cropped to them), so whether the "
                    "crop cut its corners cannot be told") if doc.details.get("edges_on_frame") else
                   "the document's print fills the picture, so its edges are at or beyond the frame"
                   if doc.details.get("fills_frame") else
                   (f"the document's outline is uncertain: confidence {doc.confidence:.2f}, "
                    f"{cfg.min_confidence:.2f} needed"
                    + (", and no print was found anywhere in the picture: either no document is in it, or its print "
                       "is too soft or too small to be found" if no_print else ""))
                   if doc.confidence < cfg.min_confidence else
                   (f"{100 * doc.details['print_outside']:.0f}% of the print lies outside the outline found "
                    f"(confidence {doc.confidence:.2f}), so it is at most a part of the document")
                   if "print_outside" in doc.details else
                   (f"the outline found (confidence {doc.confidence:.2f}) has no print inside it, and none was "
                    f"found anywhere in the picture: either no document is in it, or its print is too soft or too "
                    f"small to be found") if no_print else
                   (f"the outline found (confidence {doc.confidence:.2f}) has no print inside it, so it may be "
                    f"something other than the document"),
            reason_zh="证件边缘紧贴画面边缘（图片按证件边缘裁剪），无法判断裁剪是否切掉了四角"
                      if doc.details.get("edges_on_frame") else
                      "证件上的文字占满画面，证件边缘在画面边缘或画面之外" if doc.details.get("fills_frame") else
                      (f"证件轮廓不确定：置信度 {doc.confidence:.2f}，需要 {cfg.min_confidence:.2f}"
                       + ("，整张图片中也没有找到文字：图片中可能没有证件，也可能证件文字太模糊或太小而无法识别"
                          if no_print else "")
                       if doc.confidence < cfg.min_confidence else
                       f"{100 * doc.details['print_outside']:.0f}% 的文字位于找到的轮廓（置信度 "
                       f"{doc.confidence:.2f}）之外，它至多是证件的一部分" if "print_outside" in doc.details else
                       f"找到的轮廓（置信度 {doc.confidence:.2f}）内没有文字，整张图片中也没有找到文字："
                       f"图片中可能没有证件，也可能证件文字太模糊或太小而无法识别" if no_print else
                       f"找到的轮廓（置信度 {doc.confidence:.2f}）内没有文字，可能不是证件"),
            measured=Measure(round(doc.confidence, 3), "outline confidence"),
            threshold=Measure(cfg.min_confidence, "outline confidence", ">="),
            details={"confidence": round(doc.confidence, 3),
                     **({"text_lines": len(ctx.text_lines or ())} if no_print else {})},
        )
    elif doc.confidence < ctx.config.watermark.min_outline_confidence and not ctx.frame_document:
        # watermarks are looked for only inside a surely outlined document; said, not alarmed (info): the checks
        # that matter most for this picture did run
        yield not_judged.finding(
            ["document.watermark"], severity="info",
            reason=f"the document's outline is not sure enough for it: confidence {doc.confidence:.2f}, "
                   f"{ctx.config.watermark.min_outline_confidence:.2f} needed",
            reason_zh=f"证件轮廓置信度 {doc.confidence:.2f}，需要 {ctx.config.watermark.min_outline_confidence:.2f}",
            details={"confidence": round(doc.confidence, 3)},
        )
    ow, oh = ctx.decoded.original_size
    margin = cfg.corner_margin * min(ow, oh)
    # signed distance of each corner to the nearest frame edge (negative: outside), original px
    dist = [min(x, y, ow - x, oh - y) for x, y in quad_orig]
    # a side lying along the frame edge is where the frame cuts the document: both its corners are missing, even
    # when the line fitted there stops a few px short of the edge
    cut_sides = doc.details.get("frame_edge_sides", [])
    # a side a little inside the frame beyond which the document's surface and print go on to the frame is a line on
    # the document, not its edge: the frame cuts the document there too (:mod:`idcheck.image.runs_on`)
    run_on = _sides_running_on(ctx, doc, cut_sides) if ctx.document_confident else []
    run_on_sides = [r.side for r in run_on]
    on_cut = {i for s in list(cut_sides) + run_on_sides for i in (s, (s + 1) % 4)}
    missing = [CORNER_NAMES[i] for i in range(4) if dist[i] < margin or i in on_cut]
    # the outline must be sure where it is seen: the sides that lie on the frame edge (or run on to it) are where the
    # frame cuts the document, not edges of it, so only the other sides' support counts (a page filling the frame
    # shows one or two real sides, and the frame for the rest)
    per_side = doc.details.get("sides") or []
    seen = [v for i, v in enumerate(per_side) if v >= 0 and i not in cut_sides and i not in run_on_sides]
    support = float(np.mean(seen)) if seen else doc.score
    if not missing or support < cfg.corner_min_support or not ctx.document_confident:
        return
    worst = min(dist[CORNER_NAMES.index(m)] for m in missing)
    q = np.asarray(quad_orig, np.float32)
    if len(missing) == 1:
        i = CORNER_NAMES.index(missing[0])
        p, a, b = q[i], q[(i + 1) % 4], q[(i - 1) % 4]
        da, db = 0.2 * (a - p), 0.2 * (b - p)
        region = [tuple(p), tuple(p + da), tuple(p + da + db), tuple(p + db)]
    else:
        region = [tuple(pt) for pt in q]
    words = [f"{m}" for m in missing]
    # the severity policy: a corner extrapolated clearly beyond the frame from two straight sides is an error; one
    # at or just inside the frame edge is also what content touching a screenshot's border looks like: a warning
    beyond = -_CLEARLY_OUTSIDE * min(ow, oh)
    yield codes.finding(
        "document.corner_missing",
        severity="error" if worst < beyond else "warning",
        measured=Measure(round(float(worst), 1), "px from the picture edge (negative: outside)"),
        threshold=Measure(round(margin, 1), "px", ">="),
        region=[(float(x), float(y)) for x, y in region],
        corners=join_words(words) + (" corner" if len(words) == 1 else " corners"),
        corners_zh=join_words([CORNER_ZH[m] for m in missing], zh=True),
        verb="is" if len(words) == 1 else "are",
        details={"corners": missing, "corner_distance_px": [round(float(d), 1) for d in dist],
                 "edge_support": round(doc.score, 3), "seen_sides_support": round(support, 3),
                 "frame_edge_sides": list(cut_sides),
                 **({"evidence": "the document runs on past a side of its outline to the frame",
                     "runs_on": [{"side": r.side, "gap_share": round(r.gap, 3),
                                  "colour_distance_lab": round(r.colour_distance, 1),
                                  "print_std": round(r.print_std, 1)} for r in run_on]} if run_on else {})},
    )


def _sides_running_on(ctx: ImageContext, doc, cut_sides) -> list[runs_on.RunOn]:
    """The outline's sides beyond which the document runs on to the frame, measured on the detection copy."""
    small = ctx.small
    f = small.shape[1] / ctx.width
    return runs_on.sides_running_on(small, np.asarray(doc.quad, np.float32) * f, list(cut_sides))


# The corners at the two ends of each side of the picture
_SIDE_CORNERS = {"left": ("top-left", "bottom-left"), "top": ("top-left", "top-right"),
                 "right": ("top-right", "bottom-right"), "bottom": ("bottom-left", "bottom-right")}
_SIDE_ZH = {"left": "左", "top": "上", "right": "右", "bottom": "下"}
# The region drawn for a cut side: a strip this deep (share of the picture's short side) along it, over the cut lines
_CUT_STRIP = 0.04


def _print_cut_by_frame(ctx: ImageContext) -> Finding | None:
    """document.corner_missing (warning) from print the frame cuts (:mod:`idcheck.image.cut_print`), for pictures
    whose outline is missing or doubtful; None when no side cuts enough lines, or there is no text detector."""
    lines = ctx.text_lines
    if not lines or ctx.drawn_on_screen:
        return None  # a screen's own bars and labels run to its border: image.screenshot speaks for those
    gray = ctx.gray
    cut = cut_print.sides_cut(gray, lines)
    if not cut:
        return None
    h, w = gray.shape
    depth = _CUT_STRIP * min(h, w)
    side = max(cut, key=lambda s: len(cut[s]))  # the region shows the side that cuts the most lines
    lo, hi = min(a for a, _ in cut[side]), max(b for _, b in cut[side])
    strip = {"left": [(0, lo), (depth, lo), (depth, hi), (0, hi)],
             "right": [(w - depth, lo), (w, lo), (w, hi), (w - depth, hi)],
             "top": [(lo, 0), (hi, 0), (hi, depth), (lo, depth)],
             "bottom": [(lo, h - depth), (hi, h - depth), (hi, h), (lo, h)]}[side]
    region = ctx.to_original(np.asarray(strip, np.float32))
    missing = [c for c in CORNER_NAMES if any(c in _SIDE_CORNERS[s] for s in cut)]
    count = max(len(v) for v in cut.values())
    return codes.finding(
        "document.corner_missing",
        severity="warning",
        measured=Measure(count, "lines of print cut by the picture's edge"),
        threshold=Measure(cut_print.MIN_CUT_LINES, "lines", "<"),
        region=[(float(x), float(y)) for x, y in region],
        corners=join_words(missing) + (" corner" if len(missing) == 1 else " corners"),
        corners_zh=join_words([CORNER_ZH[m] for m in missing], zh=True),
        verb="is" if len(missing) == 1 else "are",
        details={"corners": missing, "evidence": "print cut by the frame",
                 "cut_lines": {s: len(v) for s, v in cut.items()},
                 "sides": list(cut), "sides_zh": [_SIDE_ZH[s] for s in cut]},
    )
