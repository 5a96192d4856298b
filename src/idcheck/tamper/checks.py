"""The tamper image checks; importing this module registers them.

``tamper.metadata``  header evidence (no pixels): ``tamper.editing_software``
                     (warning: an editor is named, with the field), ``tamper.evidence``
                     (info: converters, Photoshop/Adobe structures that name no tool),
                     the JPEG tables' quality and family go to the report's file facts
                     (``report.file["jpeg_quality"]``, ``["jpeg_tables"]``), not to a finding.
``tamper.local``     ``tamper.local_edit`` with the region in original coordinates
                     (detectors ``ghost``, ``grid``, ``dq``, ``noise``, ``copy``: see
                     :mod:`.local`), measured value and threshold: an error only when
                     one detector is far beyond its untouched-photo range (its
                     ``error_threshold`` in the details), or two independent detectors
                     agree on the same place; otherwise a warning.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from .. import codes
from ..image.registry import image_check
from ..report import Finding, Measure
from . import blas, jpegq, local, metadata

if TYPE_CHECKING:
    from ..image.context import ImageContext


def _state(ctx: ImageContext) -> dict[str, Any]:
    st = getattr(ctx, "_tamper_state", None)
    if st is None:
        st = {}
        setattr(ctx, "_tamper_state", st)  # noqa: B010  (an attribute the context does not declare)
    return st


def _meta(ctx: ImageContext) -> metadata.Metadata:
    st = _state(ctx)
    if "meta" not in st:
        st["meta"] = metadata.read(ctx.data)
    return st["meta"]


def _quant(ctx: ImageContext) -> jpegq.QuantInfo | None:
    # the context's cached header read, which the screen check uses too: the tables are parsed once per file
    return ctx.jpeg_quant


@image_check("tamper.metadata", codes=("tamper.editing_software", "tamper.evidence"), section="tamper")
def check_metadata(ctx: ImageContext) -> Iterator[Finding]:
    meta = _meta(ctx)
    q = _quant(ctx)
    quant = q.to_dict() if q is not None and q.luma is not None else None
    summary: dict[str, Any] = {"camera": meta.camera, "software": meta.software[:8],
                               "evidence": [e.to_dict() for e in meta.evidence][:12]}
    if quant:
        summary["jpeg_tables"] = quant
    if meta.photoshop_quality is not None:
        summary["photoshop_quality"] = meta.photoshop_quality
    ctx.extra["tamper"] = summary

    editors = meta.editors
    if editors:
        first = editors[0]
        tools = sorted({e.tool for e in editors if e.tool})
        where = "; ".join(f"{e.where}: \u201c{e.value[:60]}\u201d" for e in editors[:3])
        details = {"tools": tools, "evidence": [e.to_dict() for e in editors][:8],
                   "hints": [e.to_dict() for e in meta.hints][:6], "camera": meta.camera}
        if meta.xmp_actions:
            details["xmp_history"] = meta.xmp_actions[:10]
        if quant:
            details["jpeg_tables"] = quant
        yield codes.finding("tamper.editing_software", tool=", ".join(tools) or first.tool, where=where,
                            measured=Measure(first.tool, "tool"), details=details)
    others = meta.converters + meta.hints
    if others:
        named = sorted({e.tool or e.where for e in others})
        yield codes.finding("tamper.evidence", what=", ".join(named[:4]),
                            where="; ".join(e.where for e in others[:3]),
                            details={"evidence": [e.to_dict() for e in others][:10], "camera": meta.camera})
    if quant and quant.get("quality") is not None:
        # a fact about the file, not a finding: an info line on every JPEG was noise in every summary
        ctx.file_facts["jpeg_quality"] = quant["quality"]
        ctx.file_facts["jpeg_tables"] = quant["family"]


@image_check("tamper.local", codes=("tamper.local_edit",), section="tamper")
def check_local(ctx: ImageContext) -> Iterator[Finding]:
    cfg = ctx.config.tamper
    timings: dict[str, float] = {}
    anomalies: list[local.Anomaly] = []
    facts: dict[str, Any] = {}
    q = _quant(ctx)
    # photos put together (a front and back stitched by an app) each bring their own JPEG history, on their own
    # block grid: the compression analyses would find every photo but the first "pasted" (the same 61 development
    # photos stitched in pairs: 9 such errors).  They are not run on a composite (said in the report's extra);
    # the noise and copy-move detectors compare within the photos
    photos = _photo_boxes(ctx)
    with blas.one_thread():  # many small matrix products: threaded BLAS cost 2x the time (see .blas)
        t = time.perf_counter()
        if photos:
            ctx.extra.setdefault("tamper", {})["not_compared"] = "jpeg history: photos put together"
        elif ctx.decoded.format == "jpeg" and q is not None and q.quality is not None \
                and q.quality >= local.MIN_QUALITY:
            found, facts = local.detect_jpeg(ctx, cfg)
            anomalies += found
        timings["jpeg"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        # a JPEG below noise_min_quality has lost its sensor noise unevenly (flat paper quantised to exactly flat
        # blocks, textured areas keeping some): "no noise here" is then the codec's doing, not an edit's.  A photo
        # re-sent through a chat app (downscaled, saved at 45-75) gave noise-only warnings on 28 of 96 untouched copies
        # ... and a screen capture has no sensor noise anywhere: a region "without the camera's noise" is every region
        # of it (a real phone screenshot gave three noise warnings over its text)
        if not (ctx.decoded.format == "jpeg" and q is not None and q.quality is not None
                and q.quality < local.NOISE_MIN_QUALITY) and not ctx.drawn_on_screen:
            for within in (ctx.composite_parts or (None,)):  # a composite's photos each against its own paper
                anomalies += local.detect_noise(ctx, cfg, within)
        timings["noise"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        anomalies += local.detect_copy_move(ctx, cfg)
        timings["copy"] = (time.perf_counter() - t) * 1000
    ctx.timings.update({f"tamper.{k}": v for k, v in timings.items()})  # into Report.timings, not extra
    if photos:
        # a block and its copy in two different photos is the same thing photographed twice (or the same photo
        # put in twice), not an edit of either
        anomalies = [a for a in anomalies if not _across_photos(ctx, a, photos)]
    if not anomalies:
        return
    boxes = [(_original_box(ctx, a), a) for a in anomalies]
    editors = _meta(ctx).editors
    used: set[int] = set()
    for i, (box, a) in enumerate(sorted(boxes, key=lambda ba: -_rank(ba[1], cfg))):
        if i in used:
            continue
        agreeing = [b for b, other in boxes
                    if other is not a and other.detector != a.detector and _overlap(box, b) > 0.3]
        severity: Literal["error", "warning"] = "error" if _strong(a, cfg) or agreeing else "warning"
        what, measured, threshold, error_at = _describe(a, cfg)
        details = {"detector": a.detector, "score": round(float(a.score), 3), **a.details,
                   "agreeing_detectors": sorted({o.detector for b, o in boxes
                                                 if o is not a and _overlap(box, b) > 0.3})}
        if a.partner is not None:
            partner = _poly(_box_original(ctx, a.partner, a.space))
            details["copied_from"] = [[round(x, 1), round(y, 1)] for x, y in partner]
        if editors:
            details["editor_named"] = sorted({e.tool for e in editors if e.tool})
        if q is not None:
            details["jpeg_quality"] = q.quality
        details["graded"] = "strong" if _strong(a, cfg) else ("detectors agree" if agreeing else "single detector")
        if error_at is not None:
            details["error_threshold"] = error_at
        yield codes.finding("tamper.local_edit", severity=severity, measured=measured, threshold=threshold,
                            what=what, what_zh=_WHAT_ZH.get(a.detector, "局部区域与证件其余部分不一致"),
                            region=_poly(box), details=details)
        used.add(i)
        if len(used) >= 3:
            break


def _photo_boxes(ctx: ImageContext) -> list[tuple[float, float, float, float]]:
    """The photos of a composite (``ctx.composite_parts``) as (x0, y0, x1, y1) boxes in original pixels; none for a
    picture that is one photo."""
    out = []
    for box in getattr(ctx, "composite_parts", ()) or ():
        pts = ctx.box_to_original(*box)
        out.append((pts[0][0], pts[0][1], pts[2][0], pts[2][1]))
    return out


def _photo_of(box: tuple[float, ...], photos: list[tuple[float, float, float, float]]) -> int | None:
    """The index of the photo holding ``box``'s centre, or None (a seam)."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return next((i for i, (x0, y0, x1, y1) in enumerate(photos) if x0 <= cx <= x1 and y0 <= cy <= y1), None)


def _across_photos(ctx: ImageContext, a: local.Anomaly, photos: list[tuple[float, float, float, float]]) -> bool:
    """Whether ``a`` is a copy-move whose block (``a.partner``) and copy (the block moved by its displacement) lie
    in two different photos of a composite."""
    if a.detector != "copy" or a.partner is None:
        return False
    block = _box_original(ctx, tuple(float(v) for v in a.partner), a.space)
    region = _original_box(ctx, a)  # the copy, or both blocks when the seams did not tell which is the copy
    # the displacement is in upright original px, its sign relative to the block not stated: the copy is the end
    # that lies in the region
    dx, dy = (float(v) for v in a.details.get("displacement_px", (0.0, 0.0)))
    ends = [(block[0] + sx * dx, block[1] + sx * dy, block[2] + sx * dx, block[3] + sx * dy) for sx in (1.0, -1.0)]
    copy = next((e for e in ends if _photo_of(e, [region]) is not None), ends[0])
    return _photo_of(block, photos) != _photo_of(copy, photos)


def _rank(a: local.Anomaly, cfg: Any) -> float:
    return 2.0 if _strong(a, cfg) else {"ghost": 1.5, "grid": 1.4, "dq": 1.2, "copy": 1.1, "noise": 1.0}.get(
        a.detector, 1.0)


def _strong(a: local.Anomaly, cfg: Any) -> bool:
    if a.detector == "ghost":
        return a.score >= cfg.ghost_error
    if a.detector == "grid":
        return a.score >= cfg.grid_error
    if a.detector == "copy":
        return a.details.get("z", 0.0) >= cfg.copy_error_z
    return False


_WHAT_ZH = {  # what each detector found, for a Chinese message (the English one names the quality and grid)
    "ghost": "该区域带有证件其余部分没有的早先 JPEG 压缩痕迹",
    "grid": "该区域带有早先 JPEG 压缩的痕迹",
    "dq": "该区域缺少证件其余部分都有的二次压缩痕迹",
    "noise": "文字所在背景缺少证件其余部分都有的传感器噪点",
    "copy": "证件中有一块区域被复制到了别处，噪点完全相同（复制粘贴）",
}


def _describe(a: local.Anomaly, cfg: Any) -> tuple[str, Measure, Measure, dict[str, Any] | None]:
    """(what, measured, threshold for a warning, the error grade's threshold or None) of an anomaly."""
    if a.detector == "ghost":
        q = a.details.get("earlier_quality")
        unit = "lattice z-score"
        return (f"content carrying an earlier JPEG compression at quality ~{q} that the rest of the document does "
                f"not have", Measure(round(float(a.score), 1), unit), Measure(cfg.ghost_warn, unit, ">="),
                {"value": cfg.ghost_error, "unit": unit, "op": ">="})
    if a.detector == "grid":
        q = a.details.get("earlier_quality")
        sx, sy = a.details.get("grid_shift", (0, 0))
        unit = "lattice z-score"
        where = "on the file's own block grid" if (sx, sy) == (0, 0) else \
            f"on a block grid shifted by ({sx}, {sy}) px from the file's own (pasted off the grid)"
        return (f"content carrying an earlier JPEG compression at quality ~{q} {where}",
                Measure(round(float(a.score), 1), unit), Measure(cfg.grid_z, unit, ">="),
                {"value": cfg.grid_error, "unit": unit, "op": ">="})
    if a.detector == "dq":
        unit = "z below the document's double-compression signature"
        return ("content without the double-compression trace the rest of the document has",
                Measure(round(float(a.score), 1), unit), Measure(cfg.dq_z, unit, ">="), None)
    if a.detector == "noise":
        unit = "local / document noise"
        return ("text on a background without the sensor noise the rest of the document has",
                Measure(round(float(a.details.get("noise_ratio", 0.0)), 2), unit),
                Measure(cfg.noise_ratio, unit, "<="), None)
    unit = "noise correlation"
    return ("a block of the document repeated elsewhere with identical sensor noise (copy-move)",
            Measure(round(float(a.score), 2), unit), Measure(cfg.copy_noise_corr, unit, ">="),
            {"value": cfg.copy_error_z, "unit": "noise correlation x sqrt(flat pixels)", "op": ">="})


def _wh(box: tuple[float, ...]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in box)
    return x0, y0, x1 - x0, y1 - y0


def _original_box(ctx: ImageContext, a: local.Anomaly) -> tuple[float, float, float, float]:
    return _box_original(ctx, a.box, a.space)


def _box_original(ctx: ImageContext, box: tuple[float, ...], space: str) -> tuple[float, float, float, float]:
    if space == "stored":
        x0, y0, x1, y1 = box
        pts = local.stored_to_original(ctx, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
    else:
        pts = ctx.box_to_original(*_wh(box))
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


def _poly(box: tuple[float, float, float, float]) -> list[tuple[float, float]]:
    x0, y0, x1, y1 = box
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return inter / small if small > 0 else 0.0
