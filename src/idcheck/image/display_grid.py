"""A display's pixel grid resolved by the camera: the evidence of a photo of a screen that needs no outline.

A monitor or a phone shows everything, white included, as a lattice of pixels (each three coloured
sub-pixels) with a dark gap between them.  Photographed close enough, at full resolution, that lattice is
resolved: the picture carries a brightness ripple of one fixed period along the screen's rows and columns, the
same wherever the screen shows, and its spectrum a sharp line at that period on (or within a few degrees of) the
picture's axes - people face a screen square on to photograph it.  Paper has no such lattice: print, paper fibre
and guilloche give broad or scattered peaks that differ from place to place; a halftone's dots form a lattice too,
but printed at screen angles (15-75 degrees for the dark inks), not along the page's axes.

Measured on tiles spread over the whole picture (no outline needed: a photo of a monitor usually shows no
document edge at all), on the full-resolution luminance (a 12 MP phone photo of a monitor resolves a 0.27 mm
pixel pitch as 2-5 px; the working copy's 1/2 reduction folds it away).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import cv2
import numpy as np

# Tile side (px at the analysed resolution) and the tiles' centres as fractions of the picture (a 4 x 4 grid from
# 20% to 80%: inside a screen filling a photo, clear of its bezel), the central four first: a screen photographed
# to show a document covers the picture's centre, so when none of those four shows the grid the other twelve are
# not measured (3 of the ~8 ms of a quiet 12 MP picture instead of all of it; the two real photos of screens show
# it in all four central tiles).
TILE = 256
_CENTRES = tuple([(y, x) for y in (0.4, 0.6) for x in (0.4, 0.6)]
                 + [(y, x) for y in (0.2, 0.4, 0.6, 0.8) for x in (0.2, 0.4, 0.6, 0.8)
                    if not (y in (0.4, 0.6) and x in (0.4, 0.6))])
CENTRAL = 4
# The pixel pitch looked for, in px per period: 2.1 (just under the Nyquist limit) to 6 (a monitor photographed
# from 15 cm; closer, and the sub-pixels themselves show).  Coarser ripples are print (strokes, lines, halftones).
MIN_PERIOD_PX, MAX_PERIOD_PX = 2.1, 6.0
# Digital resampling keeps a pixel-lattice artefact exactly on the picture's axes: a JPEG's 8 x 8 blocks (their
# spectrum lies on the points (k/8, l/8), and within MAX_AXIS_DEG of an axis only l = 0 or k = 0), the same blocks
# after a resize (every 8 s px), interpolation ripples.  A screen photographed by hand is never held that square: its
# lattice sits a degree or more off the axes.  Bins within this many of either axis (a 256 px tile's Hann window
# spreads an exact axis line over +-1 bin) are left out; the price is that a screen photographed within about 1
# degree (2.3 px pitch) to 2 degrees (6 px pitch) of square is not seen by this measure.
_AXIS_BINS = 1.6
# The lattice's angle from the nearest picture axis, at most (degrees): a screen photographed square on.
MAX_AXIS_DEG = 7.0
# Sharpness of the strongest peak: its log magnitude above the mean of its 9 x 9 spectral neighbourhood, in
# natural-log units (2.3 = 10x the local spectral level).  Real photos of paper: a tile's peak in the band reached
# it in at most 3 of 16 tiles (and never at one period in more than 2); two photos of screens: 10 and 12 tiles.
MIN_SHARPNESS = 2.3
_NEIGHBOURHOOD = 9
# The lattice must be there on the plain background as well, not only in the print: a printed text's own lattice
# (Chinese characters on a fixed pitch, table rules) has sharp harmonics near the axes too, but the paper between
# the characters carries none of them, while a screen draws its white with the same pixel lattice.  "Background":
# pixels within _PAPER_DROP grey levels of the tile's 80th percentile, at least _PRINT_GAP px from anything darker.
_PAPER_DROP = 25.0
_PRINT_GAP = 3
# ... at least this many of them (of the tile's 65 536) to measure the ripple on
_MIN_PAPER_PX = 2000
# The ripple's amplitude at the peak's frequency over those pixels, over the amplitude noise alone gives there
# (2 sigma / sqrt(N)): generated licences with a character lattice 0.3-1.0, the tiles of two real photos of screens
# 1.5-40 (median 10).
MIN_PAPER_RIPPLE = 4.0
# Tiles agree on one screen when their periods are within this share of each other (perspective changes the pitch
# across a screen photographed slightly askew; a 15% spread is a 4:3 screen at about 25 degrees)
PERIOD_AGREEMENT = 0.15


@dataclass(frozen=True)
class GridMeasure:
    """What :func:`display_grid` found.

    tiles        tiles measured (16; the :data:`CENTRAL` four alone when none of them shows the grid; none on a
                 picture under twice :data:`TILE` px on its short side, where the tiles would overlap and vote
                 for the same pixels - and a screen's pitch is not resolved there anyway)
    grid_tiles   tiles with a sharp, axis-aligned peak at :data:`MIN_PERIOD_PX`-:data:`MAX_PERIOD_PX` px
                 that ripples the plain background too
    agreeing     the largest number of those whose periods agree (:data:`PERIOD_AGREEMENT`): one screen
    period_px    the median period of the agreeing tiles (0 when none)
    """

    tiles: int
    grid_tiles: int
    agreeing: int
    period_px: float


@functools.lru_cache(maxsize=2)
def _spectral_masks(n: int) -> tuple[np.ndarray, ...]:
    """Hann window, the analysed band on rfft's half plane, each bin's radius (cycles/px) and axis angle (degrees),
    and its two frequencies (cycles/px)."""
    win = np.outer(np.hanning(n), np.hanning(n)).astype(np.float32)
    fx, fy = np.meshgrid(np.fft.rfftfreq(n), np.fft.fftfreq(n))
    radius = np.hypot(fx, fy)
    angle = np.degrees(np.arctan2(np.minimum(np.abs(fx), np.abs(fy)), np.maximum(np.abs(fx), np.abs(fy))))

    exact_axis = (np.abs(fx) * n < _AXIS_BINS) | (np.abs(fy) * n < _AXIS_BINS)
    # only near the axes: a lattice's diagonal harmonics (a product of row and column ripples has them) are not asked
    band = (radius >= 1 / MAX_PERIOD_PX) & (radius <= 1 / MIN_PERIOD_PX) & ~exact_axis & (angle <= MAX_AXIS_DEG)
    radius, angle = radius.astype(np.float32), angle.astype(np.float32)
    for shared in (win, band, radius, angle, fx, fy):
        shared.flags.writeable = False  # cached: every call reads the same arrays
    return win, band, radius, angle, fx, fy


def tile_peaks(gray: np.ndarray, n: int = TILE, tiles: slice = slice(None)) -> np.ndarray:
    """K x 4 float array, one row per tile: the period (px), axis angle (degrees) and sharpness (log units) of the
    sharpest peak of the tile's luminance spectrum in the analysed band (near the axes), and (for a sharp peak)
    its ripple over the tile's plain background (:func:`_paper_ripple`; else 0).  Empty on a picture under
    ``2 n`` px."""
    h, w = gray.shape[:2]
    if min(h, w) < 2 * n:
        return np.zeros((0, 4), np.float32)
    win, band, radius, angle, fx, fy = _spectral_masks(n)
    half = n // 2 + 1
    rows = []
    for cy, cx in _CENTRES[tiles]:
        y0 = min(max(0, int(cy * h - n / 2)), h - n)
        x0 = min(max(0, int(cx * w - n / 2)), w - n)
        tile = gray[y0:y0 + n, x0:x0 + n].astype(np.float32)
        tile -= float(tile.mean())
        spec = cv2.dft(tile * win, flags=cv2.DFT_COMPLEX_OUTPUT)
        mag = np.log(cv2.magnitude(spec[:, :, 0], spec[:, :, 1]) + 1e-3)
        # the neighbourhood mean on the centred (fftshift) spectrum, so that it does not wrap across DC
        centred = np.fft.fftshift(mag)
        local = cv2.blur(centred, (_NEIGHBOURHOOD, _NEIGHBOURHOOD), borderType=cv2.BORDER_REFLECT)
        sharp = np.fft.ifftshift(centred - local)[:, :half]
        values = sharp[band]
        i = int(np.argmax(values))
        sharpness, deg = float(values[i]), float(angle[band][i])
        ripple = 0.0
        if sharpness >= MIN_SHARPNESS and deg <= MAX_AXIS_DEG:
            ripple = _paper_ripple(tile, float(fx[band][i]), float(fy[band][i]))
        rows.append((1.0 / float(radius[band][i]), deg, sharpness, ripple))
    return np.asarray(rows, np.float32).reshape(-1, 4)


def _paper_ripple(tile: np.ndarray, fx: float, fy: float) -> float:
    """The amplitude of the sinusoid (fx, fy) (cycles/px) over the tile's plain background (``tile`` is the
    mean-removed float tile), in units of the amplitude noise alone would give there (:data:`MIN_PAPER_RIPPLE`)."""
    flat = tile.ravel()
    level = float(np.partition(flat, int(0.8 * (flat.size - 1)))[int(0.8 * (flat.size - 1))])
    darker = (tile < level - _PAPER_DROP).astype(np.uint8)
    near_print = cv2.dilate(darker, np.ones((2 * _PRINT_GAP + 1, 2 * _PRINT_GAP + 1), np.uint8))
    paper = near_print == 0
    count = int(np.count_nonzero(paper))
    if count < _MIN_PAPER_PX:
        return 0.0
    values = np.where(paper, tile - float(tile[paper].mean()), 0.0).astype(np.float64)
    sigma = float(np.sqrt((values * values).sum() / count))
    if sigma <= 0:
        return 0.0
    # the sum of values x exp(-2 pi i (fx x + fy y)) over the tile, separable: rows' phases x (values @ columns' phases)
    n = tile.shape[0]
    coords = np.arange(n)
    along_x = np.exp(-2j * np.pi * fx * coords)
    along_y = np.exp(-2j * np.pi * fy * coords)
    amplitude = 2 * abs(complex(along_y @ (values @ along_x))) / count
    return amplitude / (2 * sigma / np.sqrt(count))


def display_grid(gray: np.ndarray) -> GridMeasure:
    """The display-pixel-grid evidence of a greyscale picture (uint8, H x W, full resolution when available)."""
    def with_grid(peaks: np.ndarray) -> np.ndarray:
        return peaks[(peaks[:, 1] <= MAX_AXIS_DEG) & (peaks[:, 2] >= MIN_SHARPNESS)
                     & (peaks[:, 3] >= MIN_PAPER_RIPPLE)]

    peaks = tile_peaks(gray, tiles=slice(0, CENTRAL))
    if not len(with_grid(peaks)):
        return GridMeasure(len(peaks), 0, 0, 0.0)  # not at the centre: no screen showing a document (see _CENTRES)
    peaks = np.concatenate([peaks, tile_peaks(gray, tiles=slice(CENTRAL, None))])
    grid = with_grid(peaks)
    agreeing, period = 0, 0.0
    for p in grid[:, 0]:
        members = grid[np.abs(grid[:, 0] / p - 1) <= PERIOD_AGREEMENT, 0]
        if len(members) > agreeing:
            agreeing, period = len(members), float(np.median(members))
    return GridMeasure(len(peaks), len(grid), agreeing, round(period, 2))
