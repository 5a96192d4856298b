"""A coloured watermark tiled over the picture: its chroma repeats at a tilted displacement.

A watermark app lays one phrase in rows over the whole photo, semi-transparent, often red or blue.  Alpha blending
shifts paper and print alike toward that colour, so the picture's chroma (the larger of |Cr - 128| and |Cb - 128|)
carries the phrase's strokes almost alone: a document's own print is mostly black or grey, and what colour it has
(a portrait, a seal, a coloured background) does not repeat glyph for glyph.  The phrase does: the chroma high-pass
correlates with itself shifted by a lattice vector of the tiling (the next phrase along a row, the row after next).

Measure: the **colour lattice peak**, the strongest isolated peak of that high-pass's normalised autocorrelation at a
displacement of 4-60% of the short side, tilted 6 degrees or more from the picture's axes, minus the highest value on
a ring of 1.2% of the short side around it (a ridge, from an edge or a line, is as high on the ring: it scores ~0).
A lattice along the picture's axes (a coloured table, tiled security print, guilloche) has tilted vectors too, but
each is a cross term (a, b) of the lattice vectors (a, 0) and (0, b), where the picture correlates as well: the peak
must be 1.5x the weaker of those two "parents" (the spectral check's argument, applied to displacements).
The picture is first reduced to 512 px on the long side (a CJK glyph of a 3-7% font is 11-27 px there).

Measured (benchmarks/watermark_real.py, features on the working copy): all 61 development photos <= 0.09; red and
blue app-style overlays on the 44 real document photos mostly 0.2-0.5; grey and black overlays carry no chroma and
score like the originals (this measure does not see them).
"""

from __future__ import annotations

import cv2
import numpy as np

from .autocorr import autocorrelation, isolated_peak

LONG_SIDE = 512
HP_SIGMA = 2.0  # px at LONG_SIDE: keeps glyph strokes, drops the colour of large areas
CLIP = 4.0  # chroma levels: every stroke of a faint overlay weighs alike, a saturated object no more
MIN_SHIFT, MAX_SHIFT = 0.04, 0.6  # displacement band, share of the short side
MIN_OFF_AXIS_DEG = 6.0
# the peak must be this many times its parents: watermarks on the real photos keep every finding up to 2x; a
# synthetic coloured guilloche's and a red table's tilted cross terms have parents 1.8x and 2.2x above them
PARENT_RATIO = 1.5


def chroma(rgb: np.ndarray) -> np.ndarray:
    """The picture reduced to :data:`LONG_SIDE` px, as float32 chroma: max(|Cr - 128|, |Cb - 128|)."""
    h, w = rgb.shape[:2]
    f = min(1.0, LONG_SIDE / max(h, w))
    small = rgb if f >= 1.0 else cv2.resize(rgb, (max(8, round(w * f)), max(8, round(h * f))),
                                             interpolation=cv2.INTER_AREA)
    ycc = cv2.cvtColor(small, cv2.COLOR_RGB2YCrCb)
    cr = np.abs(ycc[..., 1].astype(np.int16) - 128)
    cb = np.abs(ycc[..., 2].astype(np.int16) - 128)
    return np.maximum(cr, cb).astype(np.float32)


def lattice_peak(rgb: np.ndarray) -> tuple[float, tuple[int, int]]:
    """(the colour lattice peak, its displacement (dx, dy) in px at :data:`LONG_SIDE`) of an RGB picture: 0 when
    the peak is a cross term of a lattice along the picture's axes (see :func:`lattice_measures`)."""
    peak, shift, parents = lattice_measures(rgb)
    return (peak if peak >= PARENT_RATIO * parents else 0.0), shift


def lattice_measures(rgb: np.ndarray) -> tuple[float, tuple[int, int], float]:
    """(the colour lattice peak, its displacement (dx, dy) in px at :data:`LONG_SIDE`, its parents: the weaker of
    the autocorrelation at its two projections on the picture's axes, (dx, 0) and (0, dy))."""
    c = chroma(rgb)
    h, w = c.shape
    if min(h, w) < 64:
        return 0.0, (0, 0), 0.0
    hp = np.clip(c - cv2.GaussianBlur(c, (0, 0), HP_SIGMA), -CLIP, CLIP)
    hp -= hp.mean()
    return isolated_peak(autocorrelation(hp), MIN_SHIFT, MAX_SHIFT, MIN_OFF_AXIS_DEG)
