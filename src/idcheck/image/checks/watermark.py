"""document.watermark: text tiled diagonally across the document ("仅供实名认证使用").

Measure: the **tilted lattice index** of the rectified document: the strongest peak of
the spectrum of its contrast-limited stroke layer, in directions tilted 15-75 degrees
from the document's axes and at periods of 1/16-1/3 of the document, divided by the
median of that period band over all directions.

It must also beat the weaker of its two projections on the axes by
``watermark.min_over_cross_term`` (it must not be a cross term of the document's own
row-and-column lattice), and be at least ``watermark.min_tilt_over_axis`` times the
strongest peak on the axes.

Physically: a phone app's watermark repeats one line of text in rows across the whole
document - over the portrait, the margins and the print alike - rotated 20-45 degrees.
Its strokes are faint (semi-transparent), so the layer keeps every fine stroke at
equal weight: the high-pass of the grey document (minus a 1.5 px gaussian) is clipped
at a few grey levels, and the document's own black print (far darker than any
semi-transparent stroke) and blown-out glare are left out of it.  The rows of text then
make that layer periodic along a tilted direction: one sharp spectral peak off the axes.  The document's own print is
set in rows and columns parallel to its sides (peaks on the axes, which are excluded) and its
guilloche, seal and portrait have no tilted period.  That lattice of print does have
tilted peaks, its cross terms: a row period (0, b) and a column period (a, 0) give
(a, b), which stands out once blur removes the fine detail.  A cross term is no
stronger than either of its parents (the layer of print is rows times columns, and
non-negative), while a watermark's rows have no parents on the axes.  A watermark's
rows are also the strongest period of the band, but only just when a licence's evenly
spaced rows of text are about as strong: asking a margin over the axis peak misses it.
The document is resized to a square before the FFT: that keeps its axes as axes and
makes the period band relative to the document's size.

On a sure outline whose lattice index stays low, the faint strokes' directions are read too
(:mod:`idcheck.image.stroke_tilt`): a phrase at a tilt puts them at one angle and its perpendicular, off the
document's axes.

A picture that *is* the document (``ImageContext.frame_document``: a scan or a scanner app's crop, its print
reaching the frame square to it, or its edges running along the frame) has no outline to be sure of, but none is
needed: the whole picture is read as the flattened document (``ImageContext.frame_rectified``), by the same two
measures.

When the spectrum and the strokes' directions say nothing, the faint strokes' repeat at a tilted shift is sought, in
grey and then in the chroma (:mod:`idcheck.image.phrase_repeat`), on the flattened document, the whole picture when
it is the document, and the picture as taken (its print's directions from the outline when it is sure, else from
the text lines the document stage read: :func:`print_direction`).  Rows of text at a tilt
(:mod:`idcheck.image.tilted_text`) need no sure outline.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import cv2
import numpy as np

from ... import codes
from ...report import Finding, Measure
from ..context import ImageContext, Rectified
from ..phrase_repeat import PhraseRepeat, colour_phrase_repeat, phrase_repeat
from ..registry import image_check
from ..stats import percentile_u8
from ..stroke_tilt import TiltPeak, tilted_strokes
from ..tilted_text import MIN_FAMILY, tilted_rows

_N = 256  # FFT size (the document resized to N x N)


@lru_cache(maxsize=2)
def _masks(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    fy, fx = np.mgrid[-(n // 2):n - n // 2, -(n // 2):n - n // 2]
    r = np.hypot(fx, fy)  # cycles per document side
    ang = np.degrees(np.arctan2(fy, fx)) % 90.0
    band = (r >= 3) & (r <= 16)  # row periods of 1/16 to 1/3 of the document
    tilt = band & (ang >= 15) & (ang <= 75)
    win = np.outer(np.hanning(n), np.hanning(n)).astype(np.float32)
    return band, tilt, win


def lattice_index(gray: np.ndarray, clip: float = 4.0, print_below_paper: float = 110.0) -> tuple[float, dict]:
    """Tilted-periodicity index of a rectified grey document, and the peak's angle, period and its ratios to the
    strongest axis peak and to the weaker of its own two axis projections (``over_cross_term``).

    ``clip`` (grey levels) limits the stroke layer; pixels darker than the paper by ``print_below_paper``
    grey levels (the document's own black print) and blown-out ones (>= 248, glare), with 2 px around them,
    are left out of it.
    """
    if min(gray.shape[:2]) < 32:
        return 0.0, {}
    n = _N
    small = cv2.resize(gray, (n, n), interpolation=cv2.INTER_AREA)
    g = small.astype(np.float32)
    hp = g - cv2.GaussianBlur(g, (0, 0), 1.5)
    layer = np.minimum(np.abs(hp), clip)  # contrast-limited stroke layer
    # the document's black print sets rows and columns of characters (their cross terms are tilted peaks too)
    # and a glare spot's rim is a strong ring: neither is a semi-transparent watermark stroke, which is lighter
    # than print (alpha 0.2-0.6 over the paper) and never clipped.  Left out, set to the layer's mean
    paper = percentile_u8(small, 75) if small.dtype == np.uint8 else float(np.percentile(g, 75))
    other = cv2.dilate(((g < paper - print_below_paper) | (g >= 248)).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    if (~other).any():
        layer[other] = float(layer[~other].mean())
    band, tilt, win = _masks(n)
    spec = np.abs(np.fft.fftshift(np.fft.fft2((layer - layer.mean()) * win)))
    floor = float(np.median(spec[band])) + 1e-6
    vals = np.where(tilt, spec, 0.0)
    k = int(np.argmax(vals))
    ky, kx = divmod(k, n)
    fy, fx = ky - n // 2, kx - n // 2
    index = float(vals.flat[k]) / floor
    # the document's own rows and columns of characters make a lattice too, whose strongest peaks lie on
    # the axes (tilted peaks are its weaker cross terms, prominent once blur or binarisation removes the
    # fine print); a watermark's rows are themselves tilted, so its peak is the strongest of the band
    axis_peak = float(np.where(band & ~tilt, spec, 0.0).max()) + 1e-6
    # a cross term (a, b) of that lattice needs both parents, (a, 0) and (0, b), so the peak is compared with the
    # weaker one (+-1 bin: the peak's own frequency falls between bins)
    c = n // 2
    # (max(.., 0): a flat layer has an all-zero spectrum, argmax 0, and kx - 1 = -1 made an empty slice)
    parents = min(float(spec[c - 1:c + 2, max(kx - 1, 0):kx + 2].max()),
                  float(spec[max(ky - 1, 0):ky + 2, c - 1:c + 2].max()))
    return index, {"angle_deg": round(float(np.degrees(np.arctan2(fy, fx)) % 180), 1),
                   "period_share": round(1.0 / max(np.hypot(fx, fy), 1e-6), 3),
                   "tilted_over_axis": round(float(vals.flat[k]) / axis_peak, 3),
                   "over_cross_term": round(float(vals.flat[k]) / (parents + 1e-6), 3)}


@image_check("watermark", codes=("document.watermark",), section="watermark")
def check_watermark(ctx: ImageContext) -> Iterator[Finding]:
    found = list(_outline_or_rows(ctx))
    if not found:
        found = _picture_repeat(ctx)
    yield from found


def _picture_repeat(ctx: ImageContext) -> list[Finding]:
    """document.watermark from the whole picture's faint strokes repeating at a tilted shift: an app tiles its phrase
    in the picture's own frame, over the document and what lies around it alike, so the repeat is an exact
    translation there - where the flattened document (a homography of it, and often less than one phrase across)
    keeps none.  Looked for when nothing else was found, never on an app's capture (its interface is drawn on a grid).
    The document's own print runs along its outline's sides, turned as it was photographed: its parents are sought
    along them; without a sure outline, along the print the document stage read (:func:`print_direction`), and not at
    all when it read none."""
    if ctx.drawn_on_screen:
        return []
    doc = ctx.document
    if doc is not None and ctx.document_confident:
        # the document's print runs along its outline's sides, turned in the picture as it was photographed: its rows
        # and columns repeat at their sums along those directions, not the picture's axes
        q = np.asarray(doc.quad, np.float64)
        across = (q[1] - q[0]) + (q[2] - q[3])
        down = (q[3] - q[0]) + (q[2] - q[1])
        axes = (float(np.degrees(np.arctan2(across[1], across[0]))), float(np.degrees(np.arctan2(down[1], down[0]))))
    else:
        # no sure outline: the print the document stage read tells the directions it runs in (without them, a
        # receipt scanned at a turn, its rows and columns repeating at a tilt to the picture, was called watermarked
        # as a lossy WebP); with no print read, nothing is looked for
        along = print_direction(ctx.text_lines_if_found, ctx.config.document.min_text_lines)
        if along is None:
            return []
        axes = (along, along + 90.0)
    return _phrase_repeat(ctx, None, _frame_quad(ctx), "the whole picture as taken", key="watermark_picture",
                          axes_deg=axes)


# Lines within this many degrees of one another run in one direction (a family): a photo's perspective turns a page's
# lines by a few degrees between its top and bottom
LINE_FAMILY_DEG = 5.0
# A family holding this share of the lines' length or more is the print's or a watermark's rows; fewer are stray boxes
MIN_FAMILY_SHARE = 0.2


def print_direction(lines: list[np.ndarray] | None, min_lines: int) -> float | None:
    """The direction the print runs in (degrees in [-45, 45) from the picture's axes), from text-line boxes; None with
    fewer than ``min_lines`` lines (at least 1).

    The lines' long sides fall in families (``LINE_FAMILY_DEG``): the print's, and an app's watermark rows when the
    detector found those in place of the print they cross (on the development documents with a phrase over them, most
    of the lines it found).  A watermark is laid at 15-60 degrees; a document is photographed or scanned near square:
    the family of ``MIN_FAMILY_SHARE`` of the length or more nearest the axes is taken, its length-weighted median."""
    if not lines or len(lines) < max(1, min_lines):
        return None
    angles, lengths = [], []
    for box in lines:
        b = np.asarray(box, np.float64).reshape(-1, 2)
        e1, e2 = b[1] - b[0], b[2] - b[1]
        e = e1 if float(np.hypot(*e1)) >= float(np.hypot(*e2)) else e2
        a = float(np.degrees(np.arctan2(e[1], e[0]))) % 90.0
        angles.append(a - 90.0 if a >= 45.0 else a)
        lengths.append(float(np.hypot(*e)))
    ang, length = np.asarray(angles), np.asarray(lengths)

    def gap(a: np.ndarray, b: float) -> np.ndarray:  # degrees between directions, modulo 90
        d = np.abs(a - b) % 90.0
        return np.minimum(d, 90.0 - d)

    support = np.array([length[gap(ang, one) <= LINE_FAMILY_DEG].sum() for one in ang])
    families = np.flatnonzero(support >= MIN_FAMILY_SHARE * length.sum())
    centre = float(ang[families[np.argmin(np.abs(ang[families]))]])
    member = gap(ang, centre) <= LINE_FAMILY_DEG
    # folded next to the centre (a family at +-44 degrees straddles the fold), then the weighted median
    near = centre + ((ang[member] - centre + 45.0) % 90.0 - 45.0)
    order = np.argsort(near)
    cum = np.cumsum(length[member][order])
    return float(near[order][np.searchsorted(cum, cum[-1] / 2.0)])


def _outline_or_rows(ctx: ImageContext) -> Iterator[Finding]:
    cfg = ctx.config.watermark
    rect = ctx.rectified
    doc = ctx.document
    if rect is not None and doc is not None and doc.confidence >= cfg.min_outline_confidence:
        yield from _lattice_or_strokes(ctx, rect, doc.quad, "the document")
    elif ctx.frame_document:
        # no outline sure enough for it, but the picture is the document (a scan, a scanner app's crop; an outline
        # found there is its printed frame or a part of it): the picture's frame is read as the document's edges
        # (its print is read already: the rows at a tilt are asked for whenever the other two say nothing)
        yield from _lattice_or_strokes(ctx, ctx.frame_rectified, _frame_quad(ctx), "the whole picture",
                                       rows_always=True)
    elif ctx.print_fills_picture:
        # the print reaches the frame all round but does not run square to it: a document turned in a tight crop, or
        # an app's rows, which the detector found in place of the print they cross (on the development documents cut
        # out flat with a phrase over them: 10-14 of the 13-14 lines found).  The spectrum and the strokes' directions
        # take the picture's axes for the document's; the phrase's repeat needs no axes but for its parents test, and
        # a turned document's own print does not repeat glyph for glyph.  image.not_judged still names the watermark
        # unless it is found
        found = _phrase_repeat(ctx, ctx.frame_rectified, _frame_quad(ctx), "the whole picture")
        yield from found or _tilted_rows(ctx)
    else:
        # no sure outline for the spectrum (image.not_judged from the document check says so); the print the text
        # detector found there may still show an app's watermark: rows of text at a tilt across it
        yield from _tilted_rows(ctx)


def _frame_quad(ctx: ImageContext) -> np.ndarray:
    w, h = float(ctx.width), float(ctx.height)
    return np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)


def _lattice_or_strokes(ctx: ImageContext, rect: Rectified, quad: np.ndarray, read: str,
                        rows_always: bool = False) -> Iterator[Finding]:
    """document.watermark from the tilted lattice of ``rect`` (the flattened document, or the whole picture when it
    is the document), else from its faint strokes at one tilt, else - when they lean at a tilt, or ``rows_always`` -
    from rows of text at a tilt.  ``quad`` (working px) is the finding's region; ``read`` says in the details what
    was read."""
    cfg = ctx.config.watermark
    index, details = lattice_index(rect.gray, cfg.stroke_clip, cfg.print_below_paper)
    ctx.extra.setdefault("measures", {})["watermark_index"] = round(index, 3)
    ctx.extra["measures"]["watermark_tilt_ratio"] = details.get("tilted_over_axis", 0.0)
    ctx.extra["measures"]["watermark_cross_ratio"] = details.get("over_cross_term", 0.0)
    if (index >= cfg.min_lattice and details.get("over_cross_term", 0.0) >= cfg.min_over_cross_term
            and details.get("tilted_over_axis", 0.0) >= cfg.min_tilt_over_axis):
        yield codes.finding(
            "document.watermark",
            measured=Measure(round(index, 2), "x spectral floor (tilted period)"),
            threshold=Measure(cfg.min_lattice, "x", "<"),
            region=ctx.to_original(quad),
            details={**details, "read": read},
        )
    else:
        strokes, peak = _tilted_strokes(ctx, rect, quad, read)
        if not strokes:
            strokes = _phrase_repeat(ctx, rect, quad, read)
        if strokes:
            yield from strokes
        elif rows_always or cfg.text_rows_on_every_picture or (
                peak is not None and peak.prominence >= cfg.rows_from_stroke_tilt):
            # strokes leaning at one tilt, too weakly to say on their own (a grey phrase over a dim page, a faint
            # one over dense print): the text detector is asked whether they are rows of text at a tilt
            yield from _tilted_rows(ctx, run_detector=True)


def _tilted_strokes(ctx: ImageContext, rect: Rectified, quad: np.ndarray,
                    read: str) -> tuple[list[Finding], TiltPeak | None]:
    """document.watermark from the faint strokes of the flattened document ``rect`` at one tilt and its perpendicular
    (:mod:`idcheck.image.stroke_tilt`): a phrase laid over it at an angle, too few or too uneven rows for the
    lattice.  Also returns the peak measured (None: too few faint edges)."""
    cfg = ctx.config.watermark
    peak = tilted_strokes(rect.gray, rect.valid, cfg.print_below_paper)
    if peak is None:
        return [], None
    ctx.extra.setdefault("measures", {})["watermark_stroke_tilt"] = round(peak.prominence, 3)
    if peak.prominence < cfg.min_stroke_tilt or peak.pair_prominence < cfg.min_stroke_pair:
        return [], peak
    return [codes.finding(
        "document.watermark",
        measured=Measure(round(peak.prominence, 2), "x the strokes' other directions (at one tilt)"),
        threshold=Measure(cfg.min_stroke_tilt, "x", "<"),
        region=ctx.to_original(quad),
        details={"evidence": "faint strokes at one tilt and its perpendicular", "read": read,
                 "angle_deg": peak.angle_deg,
                 "prominence": round(peak.prominence, 3), "pair_prominence": round(peak.pair_prominence, 3)},
    )], peak


def _phrase_repeat(ctx: ImageContext, rect: Rectified | None, quad: np.ndarray, read: str,
                   key: str = "watermark_phrase", axes_deg: tuple[float, float] = (0.0, 90.0)) -> list[Finding]:
    """document.watermark from the faint strokes of the flattened document ``rect`` (None: the picture as taken)
    repeating at a tilted shift (:mod:`idcheck.image.phrase_repeat`): one phrase tiled over it, too faint over dense
    print for the other measures; in grey first, then in the chroma (a red or blue phrase).  Its measures are kept
    as ``key``_repeat, _parents, _fine and _spread (``key``_colour_... for the chroma)."""
    cfg = ctx.config.watermark
    # the picture as taken: its chroma read from the detection copy (already made; JPEG halves the chroma's resolution
    # anyway, and reducing a 2000 px working copy's three channels to 512 px cost 7.5 ms of CPU)
    gray, rgb = (ctx.gray, ctx.small) if rect is None else (rect.gray, rect.rgb)
    # (the spread, 9 shifted products a layer, is measured only for a peak that passes the other tests)
    floor, parents = cfg.min_phrase_repeat, cfg.min_phrase_over_parents
    found = _repeat_finding(ctx, phrase_repeat(gray, cfg.print_below_paper, floor, axes_deg, parents), quad, read,
                            key, "faint strokes")
    if not found:
        found = _repeat_finding(ctx, colour_phrase_repeat(rgb, cfg.print_below_paper, floor, axes_deg, parents),
                                quad, read, f"{key}_colour", "faint coloured strokes")
    return found


def _repeat_finding(ctx: ImageContext, rep: PhraseRepeat | None, quad: np.ndarray, read: str, key: str,
                    what: str) -> list[Finding]:
    if rep is None:
        return []
    cfg = ctx.config.watermark
    measures = ctx.extra.setdefault("measures", {})
    measures[f"{key}_repeat"] = round(rep.peak, 3)
    measures[f"{key}_parents"] = round(rep.parents, 3)
    measures[f"{key}_fine"] = round(rep.fine, 3)
    measures[f"{key}_spread"] = round(rep.spread, 2)
    if (rep.peak < cfg.min_phrase_repeat or rep.peak < cfg.min_phrase_over_parents * rep.parents
            or not rep.phrase_like or rep.spread < cfg.min_phrase_spread):
        return []
    return [codes.finding(
        "document.watermark",
        measured=Measure(round(rep.peak, 3), "autocorrelation peak of the faint strokes (tilted repeat)"),
        threshold=Measure(cfg.min_phrase_repeat, "", "<"),
        region=ctx.to_original(quad),
        details={"evidence": f"{what} repeating at a tilted shift", "read": read,
                 "shift_px_512": [int(rep.shift[0]), int(rep.shift[1])],
                 "over_parents": round(rep.peak / max(rep.parents, 1e-3), 2),
                 "over_fine": round(rep.peak / max(rep.fine, 1e-3), 2), "spread": round(rep.spread, 2)},
    )]


def _tilted_rows(ctx: ImageContext, run_detector: bool = False) -> Iterator[Finding]:
    """document.watermark from rows of text laid at a tilt across the document (:mod:`idcheck.image.tilted_text`),
    when the text detector has already run on this picture (or ``run_detector``: run it now)."""
    lines = ctx.text_lines if run_detector else ctx.text_lines_if_found
    if not lines:
        return
    doc = ctx.document
    found = tilted_rows(lines, None if doc is None else doc.quad)
    if found is None:
        return
    pts = np.concatenate([np.asarray(q, np.float32) for q in found.lines])
    hull = cv2.convexHull(pts).reshape(-1, 2)
    yield codes.finding(
        "document.watermark",
        measured=Measure(len(found.lines), "rows of text at a tilt"),
        threshold=Measure(MIN_FAMILY, "rows", "<"),
        region=ctx.to_original(hull),
        details={"evidence": "tilted rows of text", "angle_deg": round(found.angle_deg, 1),
                 "crossing_deg": round(found.crossing_deg, 1), "reference": found.reference},
    )
