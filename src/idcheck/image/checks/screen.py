"""image.screenshot and image.screen_recapture: not a photo or scan of the original.

**Screenshot** - three physical facts of a screen capture, each measured on the
whole picture:

* *flat share*: the share of 8 x 8 blocks whose pixels vary by less than one grey
  level (std < 0.6).  Screens draw UI backgrounds in exactly constant colour; a
  camera's sensor noise never leaves a block that flat (except clipped highlights,
  which are counted separately and not trusted).
* *noise*: the sensor-noise sigma (Immerkaer's Laplacian-of-differences estimate
  on the picture's smooth areas); phones leave >= 1 grey level, captures ~0.
* *proportions*: phone screens are 16:9-19.5:9 (long/short >= ``screen.phone_aspect``).
* *uniform rows* (:func:`idcheck.image.capture.uniform_rows`): rows of the picture that are one exact, unclipped
  colour across the full width - an app bar, a panel, a page background - or columns down the full height (a capture
  turned a quarter).  Exact: most of the row is the very same value (``capture.EXACT_SHARE``), which a camera's
  smooth surface, a blank card's face, never is; and between content, not in a run from the picture's edge (a frame
  or padding, laid around photos too).  A camera never records such a row; this
  is the strongest of the three (real photos: none in 46 pictures; real screenshots, JPEG camera-preview captures
  included: 5-94 rows away from the edges where rows decide)
  and the one reported as an **error** (``screen.min_uniform_rows``).
* *panel edges* (:func:`idcheck.image.capture.panel_edges`): an edge of 40 grey levels or more drawn along one pixel
  row or column across the whole picture (a bar or panel against the page, a shown photo's rectangle).  A lens
  spreads every edge over two rows or more and no camera holds one level to a row across a picture: desktop
  captures, whose white and black bars are clipped and so give no uniform row, show them.  Also an **error**
  (real photos: 8 of 12 screenshots, none of the 49 other pictures).  The flat-block evidence alone is a warning:
  dark night scenes and strongly compressed photos flatten blocks too.

A capture is reported when the flat share is high and the proportions are a phone
screen's, or when the flat share *without clipped white/black blocks and deep shadow*
is high on its own (a flatbed scan clips its white background, but has a page's
proportions; a camera crushes a night scene's shadows, under grey 24, into flat blocks:
``capture.SHADOW_LEVEL``)
and the file is not a coarsely quantised JPEG (below ``screen.min_jpeg_quality_for_flat``
a JPEG flattens smooth areas of a photo into exactly constant 8 x 8 blocks itself), nor
a lossy WebP or HEIC (their deblocking does the same at any quality).
The noise estimate is reported but not used to decide: in the reduced working copy
of a 12 MP photo the sensor noise is averaged down to well under one grey level.

**Screen recapture** - a photo of a monitor or phone showing the document: the
display's pixel grid (R, G, B sub-pixels) beats with the camera's sensor grid and
leaves moire.  Three measures on a 256 px crop at the document's centre:

* *colour texture* (:func:`colour_texture`): chroma high-pass on the brighter half -
  a screen's white is three coloured sub-pixels, paper's is white;
* *moire ratio* (:func:`moire_ratio`): the strongest peak of the luma or chroma
  spectrum in the 2-7 px period band over that band's median.  Guilloche and fine
  print also reach it, so it counts only together with some colour texture;
* *colour stripes* (:func:`moire_measures`): the amplitude of the strongest chroma
  sinusoid at 2-25 px periods whose hue *turns* (a rainbow), when it is one sharp
  peak: the bands that colour moire becomes once the working copy's reduction has
  folded it to coarser periods (the sub-pixel speckle that *colour texture* reads
  is then gone).  Print of one colour never turns the hue.

All are measured only where a document was found: on any other picture they
measure the scene.  Tuned on generated screen photos only, hence a warning, not an
error.

A fourth measure needs no document: the display's *pixel grid*
(:func:`idcheck.image.display_grid.display_grid`), a sharp ripple at a 2-6 px period along the picture's axes, at
one period in several places across the picture, on the full-resolution luminance.  Real photos of monitors show
it where the measures above, on a reduced central crop, see nothing (the reduction folds the pitch away).  Two
real cases so far, hence a warning too.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator
from typing import Any

import cv2
import numpy as np

from ... import codes
from ...report import Finding, Measure
from ..context import ImageContext
from ..display_grid import display_grid
from ..registry import image_check
from ..stats import median_f, median_u8


@functools.lru_cache(maxsize=4)
def _spectral_grid(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hann window (n x n), the 2-7 px band on rfft2's half plane and the 2-25 px band on the full plane."""
    win = np.outer(np.hanning(n), np.hanning(n)).astype(np.float32)
    f = np.fft.fftfreq(n)
    radius = np.sqrt(f[None, :] ** 2 + f[:, None] ** 2)
    fine = (radius[:, : n // 2 + 1] > 0.15) & (radius[:, : n // 2 + 1] < 0.45)
    wide = (radius > 0.04) & (radius < 0.45)
    for shared in (win, fine, wide):
        shared.flags.writeable = False  # cached: every call reads the same arrays
    return win, fine, wide


def moire_measures(rgb: np.ndarray, n: int = 256) -> dict[str, float]:
    """Spectral peaks of the central n x n crop, where a display's pixel grid beating with the sensor's shows.

    * ``moire``: the strongest peak of the luma, Cr or Cb spectrum at 0.15-0.45 cycles per pixel (periods of
      2-7 px, finer than print strokes and guilloche at the working size) over that band's median.
    * ``colour_stripes``: the amplitude, in Cr/Cb levels, of the strongest *rotating* chroma sinusoid at
      0.04-0.45 cycles per pixel (periods of 2-25 px): colour moire is a rainbow, its hue turning through red,
      green and blue along the bands (the three sub-pixel phases), so chroma ``Cr + i Cb`` is one complex
      exponential and has one peak, at +k only.  Print of one colour on white (blue rules, a red seal, coloured
      guilloche) swings chroma back and forth along one hue line: equal peaks at +k and -k, which cancel here.
    * ``stripe_ratio``: that peak over the band's median (one sharp period, not spread chroma edges).
    """
    h, w = rgb.shape[:2]
    if min(h, w) < n:
        return {"moire": 0.0, "colour_stripes": 0.0, "stripe_ratio": 0.0}
    y0, x0 = (h - n) // 2, (w - n) // 2
    ycc = cv2.cvtColor(np.ascontiguousarray(rgb[y0:y0 + n, x0:x0 + n]), cv2.COLOR_RGB2YCrCb).astype(np.float32)
    win, fine, wide = _spectral_grid(n)
    win_sum = float(win.sum())
    luma, cr, cb = (ycc[:, :, c] - ycc[:, :, c].mean() for c in (0, 1, 2))
    half = n // 2 + 1  # the first n/2 + 1 columns of a real signal's spectrum hold all of it (rfft2's layout)
    # one complex DFT carries both chroma channels: Cr^(k) = (Z(k) + conj Z(-k)) / 2, Cb^(k) = (Z(k) - conj Z(-k)) / 2i
    # (OpenCV's float32 DFT of the two planes read as one complex64 array: numpy's complex fft2 took 3.2 ms, this 0.2)
    z = cv2.dft(np.dstack([cr * win, cb * win]), flags=cv2.DFT_COMPLEX_OUTPUT).view(np.complex64)[:, :, 0]
    z_neg = np.roll(z[::-1, ::-1], 1, axis=(0, 1))  # Z(-k)
    zh, zh_neg = z[:, :half], np.conj(z_neg[:, :half])
    magnitudes = [np.abs(np.fft.rfft2(luma * win)), np.abs(zh + zh_neg) / 2, np.abs(zh - zh_neg) / 2]
    moire = max(float(m[fine].max()) / (median_f(m[fine]) + 1e-3) for m in magnitudes)
    turning, counter = np.abs(z[wide]), np.abs(z_neg[wide])
    peak = int(np.argmax(turning))
    # a rainbow of amplitude A per channel gives |Z| = A x the window's sum at one k, and nothing at -k
    stripes = float(turning[peak] - counter[peak]) / win_sum
    ratio = float(turning[peak]) / (median_f(turning) + 1e-3)
    return {"moire": moire, "colour_stripes": max(0.0, stripes), "stripe_ratio": ratio}


def moire_ratio(rgb: np.ndarray) -> float:
    """The ``moire`` measure of :func:`moire_measures` alone."""
    return moire_measures(rgb)["moire"]


def _smoothing_codec(ctx: ImageContext) -> bool:
    """Lossy WebP (VP8) and HEIC: their in-loop deblocking and prediction draw a photo's smooth, out-of-focus areas
    (a dark cloth behind a defocused licence measured 28% flat 8 x 8 blocks in a quality-85-95 WebP) as exactly flat
    colour.  Phones save screenshots as PNG (or JPEG); lossless WebP (VP8L) keeps a capture's flat colour honestly."""
    fmt = ctx.decoded.format
    if fmt in ("heic", "heif", "avif"):
        return True
    if fmt == "webp":
        head = (ctx.data or b"")[:4096]
        return b"VP8 " in head and b"VP8L" not in head
    return False


# A lossless file (PNG, BMP, TIFF) whose flat blocks lie on an 8 px grid is a JPEG decoded and saved again: shifted by
# half a block, under this share of its flat blocks stay flat.  A JPEG's blocks are flat only where quantisation left
# them so, and differ from their neighbours; a screen's flat colour is flat at any offset.  Real development photos
# saved losslessly: 0.07-0.13 (the three JPEGs with flat blocks: coarse JPEGs' smooth desk and paper); screenshots
# 0.29 (a coarse JPEG capture) to 1.0 (PNG captures 0.98-0.99).
JPEG_GRID_BOUND = 0.2


# A JPEG file decoded at its own size whose flat blocks lie on its 8 px grid: its flat colour is the quantiser's, as a
# chat app's recompression leaves a reduced photo's smooth wall and paper (WeChat-style forwarding, 1280 px at quality
# 78, of the 61 real development photos: 0.00-0.22 of the flat blocks stay flat shifted by half a block), while a
# screenshot stored as JPEG keeps its drawn flat colour at any offset (the real JPEG captures whose flat colour decides:
# 0.77-1.0; a capture's text and icons between small flat areas 0.25-0.54, decided by their rows and panels instead).
# Bound between the two, geometrically (0.22 x 0.77) ** 0.5 = 0.41.
JPEG_FILE_GRID_BOUND = 0.4


def _decoded_jpeg(ctx: ImageContext, feats: dict[str, float]) -> bool:
    """Whether the picture's flat colour is a JPEG's decoded flat blocks: a file not stored as JPEG that carries them
    (:data:`JPEG_GRID_BOUND`), or a JPEG decoded at its own size, whose block grid is then the working copy's
    (:data:`JPEG_FILE_GRID_BOUND`).  Its flat colour is compression, not a screen's drawing, as in a coarse JPEG.
    (A JPEG reduced in decoding, or turned upright, has its blocks elsewhere in the working copy: not told.)"""
    if not feats["flat_unclipped_share"]:
        return False
    if ctx.decoded.format == "jpeg":
        if ctx.scale_x != 1.0 or ctx.scale_y != 1.0 or ctx.file_facts.get("orientation", 1) not in (1, None):
            return False  # (turned upright, a width not a multiple of 8 moves the grid off the working origin)
        bound = JPEG_FILE_GRID_BOUND
    else:
        bound = JPEG_GRID_BOUND
    return feats["flat_unclipped_offset_share"] < bound * feats["flat_unclipped_share"]


def colour_texture(rgb: np.ndarray) -> float:
    """RMS of the chroma (Cr, Cb) high-pass over the brighter half of a central 256 px crop, in Cr/Cb levels.

    Paper is spectrally flat: its white and pale print carry no colour texture, and a phone's ISP removes chroma
    noise.  A display shows white as separate red, green and blue sub-pixels; the camera's colour mosaic samples
    them unevenly and leaves colour bands and speckle across the plain areas (colour moire).  The brighter half
    keeps the measure on paper, away from dark print and its colour fringes.
    """
    h, w = rgb.shape[:2]
    n = min(256, h, w)
    if n < 32:
        return 0.0
    y0, x0 = (h - n) // 2, (w - n) // 2
    ycc = cv2.cvtColor(np.ascontiguousarray(rgb[y0:y0 + n, x0:x0 + n]), cv2.COLOR_RGB2YCrCb).astype(np.float32)
    luma, cr, cb = cv2.split(ycc)
    bright = luma > median_u8(luma.astype(np.uint8))  # whole grey levels: the histogram median is numpy's
    hcr = cr - cv2.GaussianBlur(cr, (0, 0), 1.5)
    hcb = cb - cv2.GaussianBlur(cb, (0, 0), 1.5)
    if not bright.any():
        return 0.0
    return float(np.sqrt((hcr[bright] ** 2 + hcb[bright] ** 2).mean()))


@image_check("screen", codes=("image.screenshot", "image.screen_recapture", "image.composite"), section="screen")
def check_screen(ctx: ImageContext) -> Iterator[Finding]:
    cfg = ctx.config.screen
    feats = dict(ctx.screen_features)
    ow, oh = ctx.decoded.original_size
    aspect = max(ow, oh) / max(1, min(ow, oh))
    feats["aspect"] = aspect
    # (a composite's proportions are the collage's: two photos one above the other are as tall as a phone screen)
    phone = aspect >= cfg.phone_aspect and not ctx.composite_parts
    # without phone proportions, only flat colour that is not clipped white/black (a scanner's) counts; and not in a
    # coarsely quantised JPEG, whose smooth areas (paper, wall) decode to exactly flat blocks: a chat app's
    # recompression of a photo, not a screen
    quality = ctx.jpeg_quant.quality if ctx.jpeg_quant is not None else None
    on_jpeg_grid = _decoded_jpeg(ctx, feats)
    coarse = (quality is not None and quality < cfg.min_jpeg_quality_for_flat) or _smoothing_codec(ctx) \
        or on_jpeg_grid
    overwhelming = feats["flat_unclipped_share"] >= cfg.flat_share and not coarse
    # with phone proportions, clipped flat colour counts too (an app's white page is 255), but not unclipped flat
    # blocks lying on the file's own JPEG grid: the quantiser's, as a scanner app's crop of a photographed receipt
    # (phone-like 2.1 : 1) saved at quality 88 showed (26% flat, 0.29 of it flat half a block off, against 0.77-1.0
    # for real JPEG screenshots whose flat colour decides)
    synthetic = feats["flat_share"] - (feats["flat_unclipped_share"] if on_jpeg_grid else 0.0) >= cfg.flat_share
    if quality is not None:
        feats["jpeg_quality"] = float(quality)
    ctx.extra.setdefault("measures", {}).update({k: round(v, 4) for k, v in feats.items()})
    rows, columns = ctx.uniform_rows, ctx.uniform_columns
    feats["uniform_rows"] = float(rows)
    feats["uniform_columns"] = float(columns)
    drawn = ctx.drawn_on_screen
    panels = ctx.panel_edges
    feats["panel_edges"] = float(panels)
    if ctx.composite_parts:
        # photos stitched together (a front and back): the seams are an editor's lines, not a screen's drawing
        n = len(ctx.composite_parts)
        ctx.extra["measures"]["composite_parts"] = n
        # the seams are an editor's lines; a photo's own lines are a screen's still (a screenshot in a collage)
        rows, columns, panels = (max(counts) for counts in zip(*ctx.photo_lines, strict=True))
        boxes = [[[round(x, 1), round(y, 1)] for x, y in ctx.box_to_original(*box)] for box in ctx.composite_parts]
        yield codes.finding("image.composite", measured=Measure(n, "photos"), details={"parts": n, "photos": boxes})
    if (synthetic and phone) or overwhelming or drawn or panels:
        reasons, reasons_zh = [], []
        if rows >= cfg.min_uniform_rows:
            reasons.append(f"{rows} rows are one exact colour across the full width, as only a screen draws them")
            reasons_zh.append(f"有 {rows} 行像素整行是完全相同的颜色，只有屏幕才会这样显示")
        if columns >= cfg.min_uniform_rows:
            reasons.append(f"{columns} columns are one exact colour down the full height, as only a screen draws "
                           f"them (a capture turned a quarter)")
            reasons_zh.append(f"有 {columns} 列像素整列是完全相同的颜色，只有屏幕才会这样显示（截图被旋转了 90 度）")
        if panels:
            reasons.append(f"{panels} edge{'s' if panels > 1 else ''} run{'' if panels > 1 else 's'} exactly along "
                           f"a pixel row or column across the whole picture, as a screen draws a panel's edge")
            reasons_zh.append(f"有 {panels} 条边缘沿像素行或列精确贯穿整个画面，这是屏幕绘制界面面板的方式")
        if synthetic or overwhelming:
            reasons.append(f"{100 * feats['flat_share']:.0f}% of it is perfectly flat colour, without camera noise")
            reasons_zh.append(f"{100 * feats['flat_share']:.0f}% 的画面是完全均匀的纯色，没有相机噪点")
        if phone:
            reasons.append(f"phone-screen proportions {ow} x {oh}")
            reasons_zh.append(f"画面比例与手机屏幕相同（{ow} x {oh}）")
        yield codes.finding(
            "image.screenshot",
            severity="error" if drawn else "warning",
            measured=Measure(round(feats["flat_share"], 3), "flat share"),
            threshold=Measure(cfg.flat_share, "flat share", "<"),
            reason=", ".join(reasons),
            reason_zh="；".join(reasons_zh),
            details={k: round(v, 4) for k, v in feats.items()},
        )
        return
    # the display's own pixel lattice, resolved over the picture: needs no outline (a photo of a monitor seldom
    # shows a document's edge) and is measured on the full-resolution luminance where the file has one
    full = ctx.full_luma
    grid = display_grid(full if full is not None else ctx.gray)
    ctx.extra["measures"].update({"grid_tiles": grid.agreeing, "grid_period_px": grid.period_px})
    if grid.agreeing >= cfg.min_grid_tiles:
        yield codes.finding(
            "image.screen_recapture",
            measured=Measure(grid.agreeing, f"of {grid.tiles} places with the pixel grid"),
            threshold=Measure(cfg.min_grid_tiles, f"of {grid.tiles} places with the pixel grid", "<"),
            reason=f"a screen's pixel grid shows in {grid.agreeing} of {grid.tiles} places across the picture "
                   f"(a sharp ripple every {grid.period_px:.1f} px along its rows and columns)",
            reason_zh=f"画面中 {grid.tiles} 处有 {grid.agreeing} 处显示出屏幕的像素网格"
                      f"（沿行列每 {grid.period_px:.1f} 像素一次的清晰明暗纹）",
            details={"grid_tiles": grid.agreeing, "tiles": grid.tiles, "period_px": grid.period_px},
        )
        return
    # both measures read a document's plain paper: on a picture without one (a landscape, a texture, a colourful
    # scene) they measure the scene, and document.not_found already says what is wrong; from a doubtful outline they
    # read whatever it holds (a glare spot's red-white rim read as a screen's sub-pixels), and image.not_judged says
    # so.  On a composite, each photo's sure document is read (the whole picture's outline would span the seam)
    quads: list[tuple[int | None, np.ndarray]]
    if ctx.photo_documents is not None:
        quads = [(k, quad) for k, (quad, sure) in enumerate(ctx.photo_documents, 1) if sure]
    else:
        doc = ctx.document
        quads = [(None, doc.quad)] if doc is not None and ctx.document_confident else []
    for photo, quad in quads:
        found = _recapture_on(ctx, quad, cfg)
        if found is not None:
            yield found if photo is None else dataclasses.replace(
                found, details={**found.details, "photo": photo})
            return


def _recapture_on(ctx: ImageContext, quad: np.ndarray, cfg: Any) -> Finding | None:
    """``image.screen_recapture`` from the moire and colour texture of the document within ``quad`` (working-copy
    px), or None."""
    x, y, w, h = cv2.boundingRect(np.round(quad).astype(np.int32))
    x0, y0 = max(0, x), max(0, y)
    region = ctx.rgb[y0:min(ctx.height, y + h), x0:min(ctx.width, x + w)]
    spectral = moire_measures(region)
    ratio = spectral["moire"]
    texture = colour_texture(region)
    stripes = spectral["colour_stripes"] if spectral["stripe_ratio"] >= cfg.stripe_peak_ratio else 0.0
    measures = {"moire": round(ratio, 3), "colour_texture": round(texture, 3),
                "colour_stripes": round(spectral["colour_stripes"], 3),
                "stripe_ratio": round(spectral["stripe_ratio"], 1)}
    ctx.extra["measures"].update(measures)
    if texture >= cfg.min_colour_texture:
        measured = Measure(round(texture, 2), "Cr/Cb levels")
        threshold = Measure(cfg.min_colour_texture, "Cr/Cb levels", "<")
        reason = f"colour texture {texture:.1f} on the document's plain areas"
    elif ratio >= cfg.min_moire and texture >= cfg.moire_colour_texture:
        measured = Measure(round(texture, 2), "Cr/Cb levels")
        threshold = Measure(cfg.moire_colour_texture, "Cr/Cb levels", "<")
        reason = f"a pixel-grid peak {ratio:.0f}x the spectral floor, with colour texture {texture:.1f}"
    elif stripes >= cfg.min_colour_stripes:
        measured = Measure(round(stripes, 2), "Cr/Cb levels (stripe amplitude)")
        threshold = Measure(cfg.min_colour_stripes, "Cr/Cb levels (stripe amplitude)", "<")
        reason = f"regular colour bands of +/-{stripes:.1f} Cr/Cb levels across the document (colour moire)"
    else:
        return None
    return codes.finding(
        "image.screen_recapture", measured=measured, threshold=threshold, reason=reason, details=measures,
    )
