"""A phrase tiled over a document: its faint strokes repeat, glyph for glyph, at a tilted shift.

A watermark app lays one phrase in rows over the whole picture, rotated, semi-transparent.  Every copy of the phrase
is the same set of strokes, so the document's faint-stroke layer correlates with itself shifted by a vector of the
tiling (the next phrase along a row, the same phrase a row or two on): one sharp, isolated autocorrelation peak off
the document's axes.  The spectral measure of :mod:`idcheck.image.checks.watermark` sees only the rows' period, which
a grey or faint phrase over dense security print (guilloche, microprint, a tinted background) drowns; the repeat of
the whole phrase is a far more specific signal: a document's own print does not repeat glyph for glyph at a tilt.
Its rows and columns of print do repeat along the axes, and their tilted cross terms (a, b) = (a, 0) + (0, b) are
told apart by their parents (:mod:`idcheck.image.autocorr`).

The layer is the one the spectral measure reads: the high-pass of the grey document clipped at a few grey levels
(every faint stroke weighs alike), with the document's black print and blown-out glare left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from .autocorr import RING, autocorrelation, isolated_peak, over_ring
from .stats import percentile_u8

LONG_SIDE = 512  # px: the document reduced to this long side first (a CJK glyph of a 3-7% font is 11-27 px there)
HP_SIGMA = 1.5  # px at LONG_SIDE: keeps glyph strokes, drops shading
CLIP = 4.0  # grey levels: every stroke of a faint overlay weighs alike, dense print no more
# shift band, share of the short side: the strongest repeat of a phrase tiled over a document is a whole phrase
# along its row (4 glyphs and a gap or more) or a row or two on (rows 2.2-5 glyph heights apart, glyphs of 3-7% of
# the short side in the apps' output tried): 0.09 or more.  Security print repeats closer: a real passport's diamond
# lattice at 0.05, the generator's guilloche at 0.04-0.10 (see FINE_BAND)
MIN_SHIFT, MAX_SHIFT = 0.09, 0.6
# a document's fine security print (guilloche, diamond lattices) repeats at tilted shifts too, first at short ones and
# then at their sums, some of which reach MIN_SHIFT: a repeat found is a phrase's only when it is FINE_RATIO times
# as strong as the strongest repeat at the short shifts of FINE_BAND (share of the short side).  Measured on the 80
# generated ID cards and licences of benchmarks.watermark_scans (guilloche, scanned): 22 repeat at 0.09 or more as a
# watermark would (spread over the whole card, no parents), at most 1.74x as strongly as at shorter shifts (1.83x
# with the spectrum not whitened); the same card measured 2.09x where the check reads it (the picture reduced to 800
# px first, then to 512): the ratio moves by some 0.3 with the reading path.  2.5 keeps that margin above the cards'
# highest; a phrase over the real scans repeats 2-10x more strongly than any short shift (at 2.0 one of those 80
# cards was called watermarked)
FINE_BAND = (0.02, 0.09)
FINE_RATIO = 2.5
# degrees from both axes: a flattened document's own print runs within a few degrees of them (a page photographed at a
# slight turn repeats its lines at 7 degrees), an app tilts its rows 15-75 degrees
MIN_OFF_AXIS_DEG = 10.0
# the power spectrum's exponent before it is transformed back (autocorr.autocorrelation): 0.75 partly whitens it, so
# the print's few strong periods (rows of text, a tinted screen) weigh less against the many weak ones of a repeated
# phrase.  Measured with watermark.min_phrase_repeat re-chosen for it (noise alone peaks at 0.006-0.009 either way)
# and FINE_RATIO 2.5 (2.0 before): app-style phrases over the real scans, cut-out documents and photos 228 -> 234
# of 327 found, held-out styles 312 -> 322 of 436, no false alarm on any original (at 0.5 the phrases' peaks sink
# toward the noise: 57 of 252 over the scans at 0.04, 128 at 0.75)
SPECTRUM_POWER = 0.75
CELLS = 3  # the grid over which the repeat must hold (repeat_spread)
EMPTY_CELL = 0.25  # a cell with less than this share of the cells' mean stroke energy has nothing to repeat
GLARE = 248  # grey level from which a pixel is blown out
# CIELAB a*/b* units (OpenCV's 8-bit scale, 1:1): the chroma layers clipped as the grey one is, every stroke of a
# coloured phrase weighing alike whatever its opacity, a saturated seal or portrait no more
CHROMA_CLIP = 4.0


def stroke_layer(gray: np.ndarray, print_below_paper: float) -> np.ndarray:
    """The faint-stroke layer of a grey document (uint8), reduced to :data:`LONG_SIDE`: zero-mean float32."""
    small = _reduced(gray)
    g = small.astype(np.float32)
    return _clipped_high_pass(g, CLIP, _left_out(small, print_below_paper))


def colour_layers(rgb: np.ndarray, print_below_paper: float) -> tuple[np.ndarray, np.ndarray]:
    """The faint-stroke layers of a colour document's chroma (CIELAB a* and b*), reduced to :data:`LONG_SIDE`, with
    the same print and glare left out as :func:`stroke_layer`: a red or blue phrase blended over the paper shifts
    its chroma by the phrase's opacity times its colour (0.28 x a strong red: some 20 units), far above what it
    changes in grey, while the grey print under it has none."""
    small = _reduced(rgb)
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB)
    other = _left_out(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), print_below_paper)
    # (a* and b* made float one by one: L* is not read)
    return (_clipped_high_pass(lab[:, :, 1].astype(np.float32), CHROMA_CLIP, other),
            _clipped_high_pass(lab[:, :, 2].astype(np.float32), CHROMA_CLIP, other))


def _reduced(img: np.ndarray) -> np.ndarray:
    h, w = img.shape[:2]
    f = min(1.0, LONG_SIDE / max(h, w))
    return img if f >= 1.0 else cv2.resize(img, (max(8, round(w * f)), max(8, round(h * f))),
                                           interpolation=cv2.INTER_AREA)


def _left_out(small_gray: np.ndarray, print_below_paper: float) -> np.ndarray:
    """Where the layers are zeroed: black print is far darker than any semi-transparent stroke, and a glare spot's
    rim is a strong ring; neither is a watermark's stroke (2 px around them too)."""
    paper = percentile_u8(small_gray, 75)
    # (compared as it is: against a float the uint8 grey is promoted per element, no float copy of the picture)
    dark_or_blown = (small_gray < paper - print_below_paper) | (small_gray >= GLARE)
    return cv2.dilate(dark_or_blown.astype(np.uint8), np.ones((5, 5), np.uint8))


def _clipped_high_pass(channel: np.ndarray, clip: float, left_out: np.ndarray) -> np.ndarray:
    hp = channel - cv2.GaussianBlur(channel, (0, 0), HP_SIGMA)
    np.clip(hp, -clip, clip, out=hp)
    hp[left_out > 0] = 0.0
    hp -= hp.mean()
    return hp


@dataclass(frozen=True)
class PhraseRepeat:
    """The faint strokes' strongest isolated repeat at a tilted shift."""

    peak: float  # autocorrelation peak prominence (share of the zero-shift energy)
    shift: tuple[int, int]  # (dx, dy), px at LONG_SIDE
    parents: float  # the weaker autocorrelation at the shift's components along the print's directions (its parents)
    fine: float  # the strongest isolated repeat at FINE_BAND's short tilted shifts (security print's own)
    spread: float  # share of the CELLS x CELLS grid where the repeat holds (repeat_spread); 0 when not measured

    @property
    def phrase_like(self) -> bool:
        """Not the echo of a fine security lattice (:data:`FINE_RATIO`)."""
        return self.peak >= FINE_RATIO * self.fine


def phrase_repeat(gray: np.ndarray, print_below_paper: float = 110.0, spread_from: float = 0.0,
                  axes_deg: tuple[float, float] = (0.0, 90.0), over_parents: float = 0.0) -> PhraseRepeat | None:
    """The faint-stroke layer's strongest isolated repeat at a tilted shift
    (:func:`idcheck.image.autocorr.isolated_peak`), the strongest at shorter shifts, and where the first holds
    (:func:`repeat_spread`, measured only for a phrase-like peak of ``spread_from`` or more and ``over_parents`` times
    its parents: it costs 9 shifted products).  ``axes_deg``: the directions the document's print runs in (the
    picture's axes for a flattened document; its outline's sides in a picture as taken), for the parents test.  None
    for a document under 64 px."""
    if min(gray.shape[:2]) < 64:
        return None
    return _repeat((stroke_layer(gray, print_below_paper),), spread_from, axes_deg, over_parents)


def colour_phrase_repeat(rgb: np.ndarray, print_below_paper: float = 110.0, spread_from: float = 0.0,
                         axes_deg: tuple[float, float] = (0.0, 90.0), over_parents: float = 0.0) -> PhraseRepeat | None:
    """As :func:`phrase_repeat`, over the chroma's two layers (:func:`colour_layers`) read as one field: a coloured
    phrase, too faint in grey over dense print (a red one at 45 degrees over the 36 real scans: 24 found in grey,
    29 in colour, 32 by either)."""
    if min(rgb.shape[:2]) < 64:
        return None
    return _repeat(colour_layers(rgb, print_below_paper), spread_from, axes_deg, over_parents)


def _repeat(layers: tuple[np.ndarray, ...], spread_from: float, axes_deg: tuple[float, float],
            over_parents: float) -> PhraseRepeat:
    ac = autocorrelation(*layers, spectrum_power=SPECTRUM_POWER)
    # (the peaks of both bands stand over the same ring around them: its dilation is taken once)
    excess = None if ac is None else over_ring(ac)
    peak, shift, parents = isolated_peak(ac, MIN_SHIFT, MAX_SHIFT, MIN_OFF_AXIS_DEG, axes_deg, excess)
    fine, _, _ = isolated_peak(ac, FINE_BAND[0], FINE_BAND[1], MIN_OFF_AXIS_DEG, excess=excess)
    rep = PhraseRepeat(peak, shift, parents, fine, 0.0)
    if peak > 0 and peak >= spread_from and peak >= over_parents * parents and rep.phrase_like:
        rep = PhraseRepeat(peak, shift, parents, fine, repeat_spread(layers, shift, CELLS))
    return rep


def repeat_spread(layer: np.ndarray | Sequence[np.ndarray], shift: tuple[int, int], cells: int = 3) -> float:
    """The share of a ``cells`` x ``cells`` grid over ``layer`` (or a field of several: the sum of their products)
    where it correlates with itself at ``shift`` more than at the shifts a ring of
    :data:`idcheck.image.autocorr.RING` around it: a phrase tiled over the whole document repeats everywhere, over the
    print and the portrait alike; a patch of security print only where it is."""
    layers = (layer,) if isinstance(layer, np.ndarray) else tuple(layer)
    h, w = layers[0].shape
    dx, dy = shift
    rho = max(3, round(RING * min(h, w)))
    # the overlap of the layer with itself shifted by (dx, dy): cell sums of the product, normalised by the energy
    ys = [round(i * h / cells) for i in range(cells + 1)]
    xs = [round(i * w / cells) for i in range(cells + 1)]
    energy = _cell_sums(sum(c * c for c in layers), ys, xs)

    def cell_corr(sx: int, sy: int) -> np.ndarray:
        prod = np.zeros((h, w), np.float32)
        y0, y1 = max(0, -sy), min(h, h - sy)
        x0, x1 = max(0, -sx), min(w, w - sx)
        if y1 > y0 and x1 > x0:
            for c in layers:
                prod[y0:y1, x0:x1] += c[y0:y1, x0:x1] * c[y0 + sy:y1 + sy, x0 + sx:x1 + sx]
        return _cell_sums(prod, ys, xs) / np.maximum(energy, 1e-9)

    at = cell_corr(dx, dy)
    ring = [cell_corr(dx + round(rho * np.cos(t)), dy + round(rho * np.sin(t))) for t in np.arange(8) * np.pi / 4]
    around = np.max(ring, axis=0)
    # cells whose shifted partner lies mostly outside the layer say nothing
    y0, y1 = max(0, -dy), min(h, h - dy)
    x0, x1 = max(0, -dx), min(w, w - dx)
    covered = np.zeros((h, w), np.float32)
    covered[max(y0, 0):max(y1, 0), max(x0, 0):max(x1, 0)] = 1.0
    cover = np.array([[covered[ys[i]:ys[i + 1], xs[j]:xs[j + 1]].mean() for j in range(cells)] for i in range(cells)])
    # ... and so do cells with hardly any faint strokes (a dark desk, left out with the print: see stroke_layer)
    use = cover >= 0.5
    if use.any():
        use &= energy >= EMPTY_CELL * float(energy[use].mean())
    return float(np.mean((at > around)[use])) if use.any() else 0.0


def _cell_sums(a: np.ndarray, ys: list[int], xs: list[int]) -> np.ndarray:
    return np.array([[float(a[ys[i]:ys[i + 1], xs[j]:xs[j + 1]].sum()) for j in range(len(xs) - 1)]
                     for i in range(len(ys) - 1)])
