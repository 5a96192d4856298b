"""The strongest isolated repeat of a texture layer: the peak of its normalised autocorrelation at a tilted shift.

A phrase tiled over a picture (a watermark app's rows) makes the picture correlate with itself shifted by a vector of
the tiling: the next phrase along a row, the row after next.  Read by :mod:`idcheck.image.phrase_repeat` (the faint
strokes of any watermark, in grey and in the chroma).

The peak is measured against a ring around it (a ridge, from an edge or a row of text, is as high on the ring: it
scores ~0), and its **parents** are reported: a lattice along the picture's axes (rows and columns of print, a table,
tiled security print) has tilted vectors too, but each is a cross term (a, b) of the lattice vectors (a, 0) and
(0, b), where the layer correlates as well.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

RING = 0.012  # share of the short side: the ring's radius around a peak (3 px at least)


@lru_cache(maxsize=8)
def _geometry(h: int, w: int, min_shift: float, max_shift: float,
              min_off_axis_deg: float) -> np.ndarray:
    # (built for every new shape - a picture's - so without trigonometry: a shift's angle from the nearer axis is
    # atan(min(|dx|, |dy|) / max(|dx|, |dy|)); 5 ms -> under 1 on a 512 x 384 layer)
    yy, xx = np.ogrid[-(h // 2):h - h // 2, -(w // 2):w - w // 2]
    ax, ay = np.abs(xx).astype(np.float32), np.abs(yy).astype(np.float32)
    r2 = xx * xx + yy * yy
    s = min(h, w)
    band = ((r2 >= (min_shift * s) ** 2) & (r2 <= (max_shift * s) ** 2)
            & (np.minimum(ax, ay) >= np.tan(np.radians(min_off_axis_deg)) * np.maximum(ax, ay)))
    return band


@lru_cache(maxsize=8)
def _ring(h: int, w: int) -> np.ndarray:
    """The ring of :data:`RING` around a shift, as a dilation kernel, for an H x W autocorrelation."""
    rho = max(3, round(RING * min(h, w)))
    ring = np.zeros((2 * rho + 1, 2 * rho + 1), np.uint8)
    cv2.circle(ring, (rho, rho), rho, 1, 1)
    return ring


def over_ring(ac: np.ndarray) -> np.ndarray:
    """Each shift's autocorrelation minus its maximum on the ring of :data:`RING` around it (what
    :func:`isolated_peak` reads): computed once for an autocorrelation read over several bands."""
    return ac - cv2.dilate(ac, _ring(*ac.shape))


def autocorrelation(*layers: np.ndarray, spectrum_power: float = 1.0) -> np.ndarray | None:
    """The normalised circular autocorrelation of one layer, or of a field of several channels (the sum of theirs:
    the repeat of the vector at each pixel), each H x W float32 with zero mean, zero-padded by a few px to a fast
    DFT size H' x W'; zero shift at (H' // 2, W' // 2) and 1 there.  None for a flat layer.

    ``spectrum_power`` < 1 partly whitens it: the power spectrum is raised to that power before it is transformed
    back, so a few strong periods (rows of print, a screen of dots) weigh less against the many weak ones of a
    repeated shape, whose peak sharpens."""
    h, w = layers[0].shape
    # zero-padded to sizes the DFT factors well (355 rows took 7 ms, 360 about 1.5), real input in OpenCV's packed
    # (CCS) form: |F|^2 by mulSpectrums with the conjugate, back by the inverse real DFT
    padded = np.zeros((cv2.getOptimalDFTSize(h), cv2.getOptimalDFTSize(w)), np.float32)
    power = np.zeros_like(padded)
    for layer in layers:
        padded[:h, :w] = layer
        spec = cv2.dft(padded)
        power += cv2.mulSpectrums(spec, spec, 0, conjB=True)
    if spectrum_power != 1.0:
        # (the packed form's imaginary slots hold |F|^2's, zero but for rounding: clamped before the power)
        # (in place: the same float32 values without two temporaries)
        np.maximum(power, 0.0, out=power)
        np.power(power, spectrum_power, out=power)
    raw = cv2.idft(power, flags=cv2.DFT_SCALE | cv2.DFT_REAL_OUTPUT)
    zero = float(raw[0, 0])
    if not zero > 1e-6:
        return None
    ac = np.fft.fftshift(raw)
    return np.divide(ac, zero, out=ac)  # in place: float32 divided by float32(zero), as ``raw / zero`` is


def isolated_peak(ac: np.ndarray | None, min_shift: float, max_shift: float, min_off_axis_deg: float,
                  axes_deg: tuple[float, float] = (0.0, 90.0),
                  excess: np.ndarray | None = None) -> tuple[float, tuple[int, int], float]:
    """(peak, its shift (dx, dy) in px, parents) of an autocorrelation ``ac`` (:func:`autocorrelation`): its
    largest value minus its maximum on a ring of :data:`RING` around it, over shifts of ``min_shift`` - ``max_shift``
    of the short side at least ``min_off_axis_deg`` degrees from both axes; parents: the weaker of the
    autocorrelation at the shift's two components along ``axes_deg`` (the directions, in degrees with y down, of the
    lattice the print is set in: the picture's axes for a flattened document, the outline's sides for a document
    photographed at a turn), +-1 px.  Zeros for None (a flat layer).  ``excess``: :func:`over_ring` of ``ac`` when
    the caller has it already (the same values: it is computed here otherwise)."""
    if ac is None:
        return 0.0, (0, 0), 0.0
    h, w = ac.shape
    band = _geometry(h, w, min_shift, max_shift, min_off_axis_deg)
    prom = np.where(band, over_ring(ac) if excess is None else excess, -1.0)
    k = int(np.argmax(prom))
    ky, kx = divmod(k, w)
    dx, dy = kx - w // 2, ky - h // 2
    # (dx, dy) = a u + b v over the lattice's two directions: its parents are a u and b v
    u = np.array([np.cos(np.radians(axes_deg[0])), np.sin(np.radians(axes_deg[0]))])
    v = np.array([np.cos(np.radians(axes_deg[1])), np.sin(np.radians(axes_deg[1]))])
    basis = np.stack([u, v], axis=1)
    if abs(float(np.linalg.det(basis))) < 0.2:  # directions within 12 degrees of each other: no lattice
        basis = np.eye(2)
        u, v = basis[:, 0], basis[:, 1]
    a, b = np.linalg.solve(basis, np.array([dx, dy], np.float64))

    def at(p: np.ndarray) -> float:
        x, y = int(round(p[0])) + w // 2, int(round(p[1])) + h // 2
        return float(ac[max(y - 1, 0):y + 2, max(x - 1, 0):x + 2].max()) if 0 <= x < w and 0 <= y < h else 0.0

    parents = min(at(a * u), at(b * v))
    return max(0.0, float(prom.flat[k])), (dx, dy), max(0.0, parents)
