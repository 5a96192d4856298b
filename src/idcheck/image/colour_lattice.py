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

from functools import lru_cache

import cv2
import numpy as np

LONG_SIDE = 512
HP_SIGMA = 2.0  # px at LONG_SIDE: keeps glyph strokes, drops the colour of large areas
CLIP = 4.0  # chroma levels: every stroke of a faint overlay weighs alike, a saturated object no more
MIN_SHIFT, MAX_SHIFT = 0.04, 0.6  # displacement band, share of the short side
MIN_OFF_AXIS_DEG = 6.0
RING = 0.012  # share of the short side
# the peak must be this many times its parents: watermarks on the real photos keep every finding up to 2x; a
# synthetic coloured guilloche's and a red table's tilted cross terms have parents 1.8x and 2.2x above them
PARENT_RATIO = 1.5


@lru_cache(maxsize=4)
def _geometry(h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    yy, xx = np.mgrid[-(h // 2):h - h // 2, -(w // 2):w - w // 2]
    r = np.hypot(xx, yy)
    s = min(h, w)
    ang = np.degrees(np.arctan2(yy, xx)) % 90.0
    band = (r >= MIN_SHIFT * s) & (r <= MAX_SHIFT * s) & (np.minimum(ang, 90.0 - ang) >= MIN_OFF_AXIS_DEG)
    rho = max(3, round(RING * s))
    ring = np.zeros((2 * rho + 1, 2 * rho + 1), np.uint8)
    cv2.circle(ring, (rho, rho), rho, 1, 1)
    return band, ring


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
    spec = cv2.dft(hp, flags=cv2.DFT_COMPLEX_OUTPUT)
    power = spec[..., 0] ** 2 + spec[..., 1] ** 2
    raw = cv2.idft(power, flags=cv2.DFT_SCALE | cv2.DFT_REAL_OUTPUT)
    zero = float(raw[0, 0])
    if zero <= 1e-6:
        return 0.0, (0, 0), 0.0
    ac = (np.fft.fftshift(raw) / zero).astype(np.float32)
    band, ring = _geometry(h, w)
    prom = np.where(band, ac - cv2.dilate(ac, ring), -1.0)
    k = int(np.argmax(prom))
    ky, kx = divmod(k, w)
    # a lattice along the axes (a coloured table, tiled security print) has tilted vectors too, its cross terms
    # (a, b) = (a, 0) + (0, b): both parents are lattice vectors, so it correlates there as well
    parents = min(float(ac[h // 2 - 1:h // 2 + 2, max(kx - 1, 0):kx + 2].max()),
                  float(ac[max(ky - 1, 0):ky + 2, w // 2 - 1:w // 2 + 2].max()))
    return max(0.0, float(prom.flat[k])), (kx - w // 2, ky - h // 2), max(0.0, parents)
