"""Local manipulation: regions whose compression history, noise or content repeats differ from the rest.

Four independent detectors, each returning :class:`Anomaly` candidates in
*stored full-resolution* pixel coordinates (the caller maps them to upright
original coordinates):

``dq``       (JPEG) aligned double quantisation.  The full-resolution
             luminance is cut into the file's own 8 x 8 grid and transformed
             (orthonormal DCT-II = JPEG's FDCT), then divided by the file's
             luminance table: ``k = round(C / Q)``.  When the document was
             compressed before (by the camera, or a re-save), the histograms of
             ``k`` per frequency carry a periodic pattern (empty or doubled
             bins).  Each coefficient is scored by ``log(h(k) / hs(k))`` (``h`` the
             document's histogram, ``hs`` the same smoothed): pasted content with
             another history lands in the "wrong" bins and scores low over a
             whole window.  Only read when the whole document is clearly
             double-compressed (camera quality below the final save).
``ghost``    (JPEG) JPEG ghosts in the DCT domain: windows whose coefficients sit
             on the lattice of a coarser IJG table (quality 50-90) far more often
             than chance and than the rest of the document: content pasted from
             a JPEG saved at that quality, on the same 8 x 8 grid.  Names the
             earlier quality.

``noise``    (any format) a textured window (text) whose flat background has far
             less sensor noise than the rest of the document (typed-in text,
             clone-stamped or pasted synthetic content).
``copy``     (any format) copy-move: two blocks of the document with the same
             content *and* the same noise (a natural repeat of a printed glyph
             has its own noise).

Not implemented (honest gap): a misaligned blocking-grid (BAG) detector for
content pasted off the 8 x 8 grid; such splices are found only by ``noise``
or not at all.

Why a second decode (JPEG only): the shared decode is DCT-scaled to ~1600 px
(``Image.draft``), which averages 2 x 2 to 8 x 8 pixels and destroys the 8 x 8
grid and the quantisation lattice that ``dq`` and ``ghost`` read.  The
full-resolution luminance is decoded once per context (OpenCV, grey only: no
chroma upsampling or colour conversion) and cached on the context: ~25-35 ms
and 12 MB for a 12 MP JPEG.  See :func:`full_luma`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from .jpegq import STD_LUMA, ZIGZAG, ijg_table



@dataclass
class Anomaly:
    detector: str  # "ghost" | "dq" | "noise" | "copy"
    score: float  # detector-specific strength (see the detector)
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in the coordinates of the analysed image
    space: str  # "stored" (full-resolution stored pixels) or "working" (ctx.rgb pixels)
    details: dict[str, Any] = field(default_factory=dict)
    partner: tuple[float, float, float, float] | None = None  # copy-move source box


def full_luma(ctx: Any) -> np.ndarray | None:
    """The file's full-resolution luminance (JPEG only): the context's cached ``full_luma`` view."""
    return ctx.full_luma


# ----------------------------------------------------------------- DCT ---
def _dct_matrix() -> np.ndarray:
    d = np.zeros((8, 8), np.float64)
    for u in range(8):
        c = math.sqrt(1 / 8) if u == 0 else math.sqrt(2 / 8)
        for x in range(8):
            d[u, x] = c * math.cos((2 * x + 1) * u * math.pi / 16)
    return d


_D = _dct_matrix()


def block_dct(y: np.ndarray, freqs: np.ndarray, rows: slice, cols: slice, step: int) -> np.ndarray:
    """DCT coefficients ``freqs`` (natural indices) of the 8x8 blocks in block rows/cols (every ``step``-th).

    Returns (n_block_rows, n_block_cols, len(freqs)) float32.
    """
    by0, by1 = rows.start, rows.stop
    bx0, bx1 = cols.start, cols.stop
    sub = y[by0 * 8:by1 * 8, bx0 * 8:bx1 * 8]
    nby, nbx = by1 - by0, bx1 - bx0
    blocks = sub.reshape(nby, 8, nbx, 8)[::step, :, ::step, :]
    blocks = blocks.transpose(0, 2, 1, 3).reshape(-1, 64).astype(np.float32) - 128.0
    basis = np.einsum("ux,vy->uvxy", _D, _D).reshape(64, 64)[freqs].astype(np.float32)  # (nf, 64)
    coefs = blocks @ basis.T
    return coefs.reshape(blocks.shape[0] // max(1, len(range(0, nbx, step))), len(range(0, nbx, step)), len(freqs))


# ------------------------------------------------------------ orientation ---
def orientation_matrix(orientation: int, stored_w: int, stored_h: int) -> np.ndarray:
    """3x3 affine map: stored (continuous) pixel coordinates -> upright coordinates for an EXIF orientation."""
    W, H = float(stored_w), float(stored_h)
    table = {
        1: [[1, 0, 0], [0, 1, 0]],
        2: [[-1, 0, W], [0, 1, 0]],
        3: [[-1, 0, W], [0, -1, H]],
        4: [[1, 0, 0], [0, -1, H]],
        5: [[0, 1, 0], [1, 0, 0]],
        6: [[0, -1, H], [1, 0, 0]],
        7: [[0, -1, H], [-1, 0, W]],
        8: [[0, 1, 0], [-1, 0, W]],
    }
    m = np.eye(3)
    m[:2] = np.array(table.get(int(orientation or 1), table[1]), np.float64)
    return m


def apply(m: np.ndarray, pts: Any) -> np.ndarray:
    p = np.asarray(pts, np.float64).reshape(-1, 2)
    return p @ m[:2, :2].T + m[:2, 2]


# ------------------------------------------------------------ JPEG analyses ---
NF = 15  # AC frequencies used: zigzag 1..15 (the ones that carry text and survive quality 85-95)
FREQ = ZIGZAG[1:1 + NF]
GHOST_QUALITIES = tuple(range(50, 91, 5))
K = 40


@dataclass
class JpegMaps:
    """Per-window maps over the analysed block grid (window centres every block of the sampled grid)."""

    step: int  # block sampling step
    origin: tuple[int, int]  # first block (bx, by)
    shape: tuple[int, int]  # sampled grid (rows, cols)
    roi: np.ndarray  # bool, sampled blocks inside the document
    dq_mean: np.ndarray | None = None  # window mean LLR per coefficient
    dq_strength: float = 0.0  # document-wide median window LLR (how strongly the document is double-compressed)
    dq_spread: float = 0.0
    ghost_dip: np.ndarray | None = None  # window relative dip of the best ghost quality (0 = none, 1 = perfect)
    ghost_q: np.ndarray | None = None  # its quality
    ghost_level: np.ndarray | None = None
    timings: dict[str, float] = field(default_factory=dict)


def jpeg_maps(y: np.ndarray, luma_q: np.ndarray, roi_stored: np.ndarray | None, *, max_blocks: int = 30_000,
              window_px: int = 48, min_coefs: int = 60) -> JpegMaps | None:
    """DQ log-likelihood and JPEG-ghost maps on the 8x8 grid of ``y`` (stored orientation).

    ``roi_stored``: a uint8 mask (stored coordinates, any resolution: it is resized to the block grid) of the
    document; None = the whole picture.
    """
    import time

    t0 = time.perf_counter()
    H, W = y.shape
    nby, nbx = H // 8, W // 8
    if nby < 8 or nbx < 8:
        return None
    roi_full = np.ones((nby, nbx), bool) if roi_stored is None else \
        cv2.resize(roi_stored, (nbx, nby), interpolation=cv2.INTER_NEAREST) > 0
    ys, xs = np.nonzero(roi_full)
    if len(ys) < 64:
        return None
    by0, by1, bx0, bx1 = int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1
    n = (by1 - by0) * (bx1 - bx0)
    step = 1
    while n / (step * step) > max_blocks:
        step += 1
    C = block_dct(y, FREQ, slice(by0, by1), slice(bx0, bx1), step)
    rows, cols = C.shape[:2]
    roi = roi_full[by0:by1:step, bx0:bx1:step][:rows, :cols]
    yb = y[by0 * 8:by1 * 8, bx0 * 8:bx1 * 8].reshape(by1 - by0, 8, bx1 - bx0, 8)[::step, :, ::step, :]
    bmax = yb.max(axis=(1, 3))
    bmin = yb.min(axis=(1, 3))
    usable = roi & (bmax < 253) & (bmin > 2)  # clipped blocks leave the quantisation lattice
    t1 = time.perf_counter()
    maps = JpegMaps(step=step, origin=(bx0, by0), shape=(rows, cols), roi=roi)
    wb = max(3, int(round(window_px / (8 * step))))
    Q = np.maximum(luma_q[FREQ].astype(np.float32), 1.0)

    # -- aligned double quantisation: log(h / smoothed h) per coefficient
    k = np.rint(C / Q).astype(np.int32)
    valid = (np.abs(k) >= 1) & (np.abs(k) < K) & usable[..., None] & (Q <= 12)
    kc = np.clip(k, -K, K) + K
    llr = np.zeros(k.shape, np.float32)
    for f in range(NF):
        sel = valid[..., f]
        if sel.sum() < 200:
            valid[..., f] = False
            continue
        h = np.bincount(kc[..., f][sel], minlength=2 * K + 1).astype(np.float64)
        hh = h + 0.5
        hh[K] = np.nan
        pad = np.pad(hh, 3, constant_values=np.nan)
        hs = np.nanmean(np.lib.stride_tricks.sliding_window_view(pad, 7), axis=1)
        r = np.log((h + 0.5) / hs)
        r[K] = 0.0
        llr[..., f] = np.clip(np.nan_to_num(r), -2.5, 2.5)[kc[..., f]]
    llr = np.where(valid, llr, 0.0)
    cnt = valid.sum(-1).astype(np.float32)
    ssum = llr.sum(-1).astype(np.float32)
    ncnt = cv2.boxFilter(cnt, -1, (wb, wb), normalize=False, borderType=cv2.BORDER_CONSTANT)
    nsum = cv2.boxFilter(ssum, -1, (wb, wb), normalize=False, borderType=cv2.BORDER_CONSTANT)
    ok = (ncnt >= min_coefs) & roi
    if ok.sum() >= 8:
        m = np.where(ok, nsum / np.maximum(ncnt, 1), np.nan)
        med = float(np.nanmedian(m))
        maps.dq_mean = m
        maps.dq_strength = med
        maps.dq_spread = float(np.nanmedian(np.abs(m - med)) * 1.4826)
    t2 = time.perf_counter()

    # -- JPEG ghosts: coefficients sitting on the lattice of a coarser IJG table (content pasted from a JPEG
    #    saved at a lower quality keeps its lattice through the final, finer quantisation)
    nfg = 8
    Cg = C[..., :nfg]
    Qg = Q[:nfg]
    textured = usable & ((np.abs(Cg) >= 3 * Qg).sum(-1) >= 2)
    ti = np.nonzero(textured)
    Ct = Cg[ti]  # (n, nfg)
    best_z = np.zeros((rows, cols), np.float32)
    best_frac = np.zeros((rows, cols), np.float32)
    best_q = np.zeros((rows, cols), np.int16)
    tol = 0.5 * Qg + 1.0
    seen: set[bytes] = set()
    if len(Ct) >= 16:
        for q in range(GHOST_QUALITIES[0], GHOST_QUALITIES[-1] + 1):
            T = ijg_table(STD_LUMA, q)[FREQ[:nfg]].astype(np.float32)
            use = T >= 3 * Qg
            key = (T * use).tobytes()
            if use.sum() < 2 or key in seen:
                continue
            seen.add(key)
            Tu, tu = T[use], tol[use]
            Cu = Ct[:, use]
            sel = np.abs(Cu) >= Tu * 0.75
            e = np.abs(Cu - Tu * np.rint(Cu / Tu))
            hit = (e <= tu) & sel
            p0 = np.minimum(2 * tu / Tu, 0.9)
            n_map = np.zeros((rows, cols), np.float32)
            h_map = np.zeros((rows, cols), np.float32)
            e_map = np.zeros((rows, cols), np.float32)
            n_map[ti] = sel.sum(-1)
            h_map[ti] = hit.sum(-1)
            e_map[ti] = (sel * p0).sum(-1)
            wn = cv2.boxFilter(n_map, -1, (wb, wb), normalize=False, borderType=cv2.BORDER_CONSTANT)
            wh = cv2.boxFilter(h_map, -1, (wb, wb), normalize=False, borderType=cv2.BORDER_CONSTANT)
            we = cv2.boxFilter(e_map, -1, (wb, wb), normalize=False, borderType=cv2.BORDER_CONSTANT)
            okq = (wn >= 24) & roi
            if okq.sum() < 4:
                continue
            frac = np.where(okq, wh / np.maximum(wn, 1), 0.0)
            pe = np.where(okq, we / np.maximum(wn, 1), 1.0)
            doc_frac = float(np.median(frac[okq]))
            base = np.maximum(pe, doc_frac)  # the document's own lattice (camera at this quality) is no anomaly
            z = np.where(okq, (frac - base) / np.sqrt(np.maximum(base * (1 - base), 0.02) / np.maximum(wn, 1)), 0.0)
            better = z > best_z
            best_z = np.where(better, z, best_z).astype(np.float32)
            best_frac = np.where(better, frac - base, best_frac).astype(np.float32)
            best_q = np.where(better, q, best_q)
    best_dip, best_level = best_z, best_frac
    maps.ghost_dip, maps.ghost_q, maps.ghost_level = best_dip, best_q, best_level
    t3 = time.perf_counter()
    maps.timings = {"dct": (t1 - t0) * 1000, "dq": (t2 - t1) * 1000, "ghost": (t3 - t2) * 1000}
    return maps


def components(mask: np.ndarray, min_cells: int) -> list[tuple[np.ndarray, tuple[int, int, int, int]]]:
    """Connected components (8-connected) of a bool grid with at least ``min_cells`` cells: (cell mask, bbox)."""
    n, lab, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        if area >= min_cells:
            out.append((lab == i, (int(x), int(y), int(x + w), int(y + h))))
    return out


def grid_box_to_stored(maps: JpegMaps, box: tuple[int, int, int, int]) -> tuple[float, float, float, float]:
    gx0, gy0, gx1, gy1 = box
    s = 8 * maps.step
    ox, oy = maps.origin[0] * 8, maps.origin[1] * 8
    return (ox + gx0 * s, oy + gy0 * s, ox + gx1 * s, oy + gy1 * s)


def stored_geometry(ctx: Any) -> tuple[np.ndarray, int, int]:
    """(stored -> upright matrix, stored width, stored height) for the context's file."""
    facts = ctx.file_facts or {}
    ow, oh = ctx.decoded.original_size
    orientation = int(facts.get("orientation", 1) or 1)
    if "original_orientation" in facts:  # pragma: no cover - HEIF applies its own transforms
        orientation = 1
    sw = int(facts.get("stored_width", ow if orientation < 5 else oh))
    sh = int(facts.get("stored_height", oh if orientation < 5 else ow))
    if ctx.decoded.format != "jpeg":
        orientation = 1
    return orientation_matrix(orientation, sw, sh), sw, sh


def working_to_stored(ctx: Any, pts: Any) -> np.ndarray:
    m, _, _ = stored_geometry(ctx)
    up = np.asarray(ctx.to_original(np.asarray(pts, np.float64).reshape(-1, 2)), np.float64)
    return apply(np.linalg.inv(m), up)


def stored_to_original(ctx: Any, pts: Any) -> list[tuple[float, float]]:
    m, _, _ = stored_geometry(ctx)
    return [(float(x), float(y)) for x, y in apply(m, pts)]


def document_roi_stored(ctx: Any, shape: tuple[int, int], shrink: float = 0.02) -> np.ndarray | None:
    """The document quad rasterised in stored coordinates at ``shape`` (rows, cols) resolution, or None."""
    doc = getattr(ctx, "document", None)
    if doc is None:
        return None
    quad = np.asarray(doc.quad, np.float64)
    c = quad.mean(axis=0)
    quad = c + (quad - c) * (1 - shrink)
    st = working_to_stored(ctx, quad)
    _, sw, sh = stored_geometry(ctx)
    rows, cols = shape
    pts = st * np.array([cols / sw, rows / sh])
    mask = np.zeros((rows, cols), np.uint8)
    cv2.fillConvexPoly(mask, np.round(pts).astype(np.int32), 255)
    return mask


# ------------------------------------------------------------ detectors ---
def detect_jpeg(ctx: Any, cfg: Any) -> tuple[list[Anomaly], dict[str, Any]]:
    """``dq`` and ghost anomalies of a JPEG (stored coordinates) plus facts for the details."""
    from . import jpegq

    y = full_luma(ctx)
    info: dict[str, Any] = {}
    if y is None:
        return [], info
    qi = jpegq.read(ctx.data)
    if qi is None or qi.luma is None:
        return [], info
    roi = document_roi_stored(ctx, (y.shape[0] // 8, y.shape[1] // 8))
    maps = jpeg_maps(y, qi.luma, roi)
    if maps is None:
        return [], info
    info["timings"] = {k: round(v, 1) for k, v in maps.timings.items()}
    info["dq_strength"] = round(maps.dq_strength, 3)
    out: list[Anomaly] = []
    # ghosts
    if maps.ghost_dip is not None:
        cells = maps.ghost_dip >= cfg.ghost_z
        for comp, box in components(cells, cfg.min_cells):
            peak = float(maps.ghost_dip[comp].max())
            if peak < cfg.ghost_warn:
                continue
            qs = maps.ghost_q[comp & (maps.ghost_dip >= peak * 0.8)]
            q = int(np.bincount(qs.astype(np.int64)).argmax()) if qs.size else None
            out.append(Anomaly("ghost", peak, grid_box_to_stored(maps, box), "stored",
                               {"earlier_quality": q, "cells": int(comp.sum()),
                                "lattice_excess": round(float(maps.ghost_level[comp].max()), 3)}))
    # double quantisation missing where the document has it
    if maps.dq_mean is not None and maps.dq_strength >= cfg.dq_min_strength:
        m = maps.dq_mean
        cells = np.isfinite(m) & (m <= maps.dq_strength * cfg.dq_keep)
        for comp, box in components(cells, cfg.min_cells + 1):
            kept = float(np.nanmean(m[comp])) / maps.dq_strength
            if 1.0 - kept < cfg.dq_min_score or comp.sum() * maps.step ** 2 < cfg.dq_min_blocks:
                continue
            out.append(Anomaly("dq", 1.0 - kept, grid_box_to_stored(maps, box), "stored",
                               {"dq_kept": round(kept, 3), "cells": int(comp.sum()),
                                "document_dq": round(maps.dq_strength, 3)}))
    return out, info


def _doc_mask_working(ctx: Any) -> np.ndarray | None:
    mask = getattr(ctx, "doc_mask", None)
    if mask is None:
        return None
    # stay clear of the outline (rounded corners, the background showing at an imprecise edge)
    side = min(ctx.height, ctx.width) * math.sqrt(max(float((mask > 0).mean()), 1e-6))
    k = max(9, int(0.04 * side) | 1)
    return cv2.erode(mask, np.ones((k, k), np.uint8))


def detect_noise(ctx: Any, cfg: Any) -> list[Anomaly]:
    """Textured cells whose flat pixels carry far less noise than the document's paper (working copy)."""
    g = ctx.gray.astype(np.float32)
    H, W = g.shape
    mask = _doc_mask_working(ctx)
    if mask is None:
        return []
    resid = g - cv2.blur(g, (3, 3))
    grad = cv2.morphologyEx(ctx.gray, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8)).astype(np.float32)
    flat = (grad <= 6) & (mask > 0) & (g > 40) & (g < 245)
    cell = 16
    rows, cols = H // cell, W // cell
    if rows < 4 or cols < 4:
        return []
    a = np.abs(resid[:rows * cell, :cols * cell]).reshape(rows, cell, cols, cell)
    f = flat[:rows * cell, :cols * cell].reshape(rows, cell, cols, cell)
    nflat = f.sum(axis=(1, 3))
    sabs = (a * f).sum(axis=(1, 3))
    edges = (grad[:rows * cell, :cols * cell] >= 40).reshape(rows, cell, cols, cell).sum(axis=(1, 3))
    inside = mask[:rows * cell, :cols * cell].reshape(rows, cell, cols, cell).min(axis=(1, 3)) > 0
    ok = inside & (nflat >= 40)
    if ok.sum() < 20:
        return []
    level = np.where(ok, sabs / np.maximum(nflat, 1), np.nan)
    doc_level = float(np.nanmedian(level))
    if doc_level < 0.25:  # the whole document is noiseless (scan, screenshot, heavy denoising): nothing to compare
        return []
    # 2x2-cell windows, textured (text strokes present)
    wl = cv2.boxFilter(np.nan_to_num(level) * ok, -1, (2, 2), normalize=False)
    wn = cv2.boxFilter(ok.astype(np.float32), -1, (2, 2), normalize=False)
    we = cv2.boxFilter(edges.astype(np.float32), -1, (2, 2), normalize=False)
    wlev = np.where(wn >= 3, wl / np.maximum(wn, 1), np.nan)
    # only paper-bright windows: sensor noise falls with brightness, so darker print areas are no reference
    bright = cv2.resize(g, (cols, rows), interpolation=cv2.INTER_AREA)
    paper = float(np.median(bright[ok]))
    wbright = cv2.boxFilter(bright, -1, (2, 2))
    low = np.isfinite(wlev) & (wlev <= doc_level * cfg.noise_ratio) & (we >= 30) & (wbright >= 0.7 * paper)
    out = []
    for comp, (x0, y0, x1, y1) in components(low, cfg.min_cells):
        ratio = float(np.nanmean(wlev[comp])) / doc_level
        out.append(Anomaly("noise", 1.0 - ratio, (x0 * cell, y0 * cell, (x1 + 1) * cell, (y1 + 1) * cell), "working",
                           {"noise_ratio": round(ratio, 3), "document_noise": round(doc_level, 2),
                            "cells": int(comp.sum())}))
    return out


def detect_copy_move(ctx: Any, cfg: Any) -> list[Anomaly]:
    """Copy-move inside the document: many ORB pairs sharing one displacement, confirmed by identical noise."""
    mask = _doc_mask_working(ctx)
    if mask is None:
        return []
    gray = ctx.gray
    orb = cv2.ORB_create(nfeatures=1000, scaleFactor=1.2, nlevels=3, edgeThreshold=15, patchSize=15, fastThreshold=12)
    kps, des = orb.detectAndCompute(gray, mask)
    if des is None or len(kps) < 20:
        return []
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    knn = matcher.knnMatch(des, des, k=3)
    pts = np.array([k.pt for k in kps], np.float32)
    votes: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for row in knn:
        for m in row[1:]:
            if m.distance > 40:
                continue
            a, b = m.queryIdx, m.trainIdx
            if a > b:
                a, b = b, a
            d = pts[b] - pts[a]
            if float(np.hypot(*d)) < 12:
                continue
            key = (int(round(d[0] / 2)), int(round(d[1] / 2)))
            votes.setdefault(key, []).append((a, b))
    out = []
    hp = gray.astype(np.float32) - cv2.GaussianBlur(gray.astype(np.float32), (0, 0), 1.0)
    # "flat" = far from any edge: a glyph's or a QR module's blurred edges would correlate between two prints
    grad = cv2.dilate(cv2.morphologyEx(gray, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8)), np.ones((5, 5), np.uint8))
    for key, pairs in sorted(votes.items(), key=lambda kv: -len(kv[1]))[:5]:
        pairs = list(set(pairs))
        if len(pairs) < cfg.copy_min_matches:
            break
        a_pts = pts[[p[0] for p in pairs]]
        b_pts = pts[[p[1] for p in pairs]]
        d = np.median(b_pts - a_pts, axis=0)
        x0, y0 = np.floor(a_pts.min(axis=0) - 16).astype(int)
        x1, y1 = np.ceil(a_pts.max(axis=0) + 16).astype(int)
        corr, shift = _best_noise_corr(hp, grad, (x0, y0, x1, y1), d)
        if corr < cfg.copy_noise_corr:
            continue
        dx, dy = shift
        out.append(Anomaly("copy", corr, (x0 + dx, y0 + dy, x1 + dx, y1 + dy), "working",
                           {"pairs": len(pairs), "noise_correlation": round(corr, 3),
                            "displacement_px": [round(float(dx) * ctx.scale_x, 1), round(float(dy) * ctx.scale_y, 1)]},
                           partner=(x0, y0, x1, y1)))
    return out


def _best_noise_corr(hp: np.ndarray, grad: np.ndarray, box: tuple[int, int, int, int], d: np.ndarray
                     ) -> tuple[float, tuple[int, int]]:
    H, W = hp.shape
    x0, y0, x1, y1 = box
    best, best_shift = -1.0, (int(round(d[0])), int(round(d[1])))
    for ddy in (-1, 0, 1):
        for ddx in (-1, 0, 1):
            dx, dy = int(round(d[0])) + ddx, int(round(d[1])) + ddy
            ax0, ay0 = max(0, x0, -dx), max(0, y0, -dy)
            ax1, ay1 = min(W, x1, W - dx), min(H, y1, H - dy)
            if ax1 - ax0 < 8 or ay1 - ay0 < 8:
                continue
            a = hp[ay0:ay1, ax0:ax1]
            b = hp[ay0 + dy:ay1 + dy, ax0 + dx:ax1 + dx]
            flat = (grad[ay0:ay1, ax0:ax1] < 12) & (grad[ay0 + dy:ay1 + dy, ax0 + dx:ax1 + dx] < 12)
            if flat.sum() < 30:
                continue
            av, bv = a[flat] - a[flat].mean(), b[flat] - b[flat].mean()
            if min(av.std(), bv.std()) < 0.5:  # noiseless pixels correlate trivially: no verdict
                continue
            c = float((av * bv).sum() / (np.sqrt((av * av).sum() * (bv * bv).sum()) + 1e-6))
            if c > best:
                best, best_shift = c, (dx, dy)
    return best, best_shift
