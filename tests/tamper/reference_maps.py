"""The JPEG maps as computed before issue 19 (one IJG table at a time, one frequency at a time) and the noise
levels of :mod:`idcheck.tamper.grid` over the whole picture, frozen here as the references the faster code is
compared with.  Not used by idcheck."""

from __future__ import annotations

import cv2
import numpy as np

from idcheck.tamper.jpegq import STD_LUMA, ijg_table
from idcheck.tamper.local import FREQ, GHOST_QUALITIES, NF, JpegMaps, K, _dct_of, sampled_blocks


def jpeg_maps_reference(y: np.ndarray, luma_q: np.ndarray, roi_stored: np.ndarray | None, *, max_blocks: int = 30_000,
              window_px: int = 48, min_coefs: int = 60, ghost_ratio: float = 2.0) -> JpegMaps | None:
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
    blocks, rows, cols = sampled_blocks(y, slice(by0, by1), slice(bx0, bx1), step)
    C = _dct_of(blocks, FREQ).reshape(rows, cols, NF)
    roi = roi_full[by0:by1:step, bx0:bx1:step][:rows, :cols]
    bmax = blocks.max(axis=1).reshape(rows, cols)
    bmin = blocks.min(axis=1).reshape(rows, cols)
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
    flat_idx = np.flatnonzero(textured)
    Ct = Cg.reshape(-1, nfg)[flat_idx]  # (n, nfg)
    best_z = np.zeros((rows, cols), np.float32)
    best_frac = np.zeros((rows, cols), np.float32)
    best_q = np.zeros((rows, cols), np.int16)
    tol = 0.5 * Qg + 1.0
    if len(Ct) >= 16:
        tables: list[tuple[int, np.ndarray]] = []
        seen: set[bytes] = set()
        for q in range(GHOST_QUALITIES[0], GHOST_QUALITIES[-1] + 1):
            T = ijg_table(STD_LUMA, q)[FREQ[:nfg]].astype(np.float32)
            use = T >= ghost_ratio * Qg
            key = (T * use).tobytes()
            if use.sum() < 2 or key in seen:
                continue
            seen.add(key)
            tables.append((q, T * use))
        # hits per (frequency, step) once; a table sums the ones it uses
        cache: dict[tuple[int, float], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for f in range(nfg):
            c = Ct[:, f]
            a = np.abs(c)
            for t in sorted({float(Tm[f]) for _, Tm in tables if Tm[f] > 0}):
                sel = a >= t * 0.75
                r = c * (1.0 / t)
                hit = sel & (np.abs(r - np.rint(r)) <= tol[f] / t)
                p0 = min(2 * tol[f] / t, 0.9)
                self_ = sel.astype(np.float32)
                cache[(f, t)] = (self_, hit.astype(np.float32), self_ * p0)
        n_map = np.zeros(rows * cols, np.float32)
        h_map = np.zeros(rows * cols, np.float32)
        e_map = np.zeros(rows * cols, np.float32)
        for q, Tm in tables:
            nv = np.zeros(len(Ct), np.float32)
            hv = np.zeros(len(Ct), np.float32)
            ev = np.zeros(len(Ct), np.float32)
            for fi in np.nonzero(Tm)[0]:
                sn, sh, se = cache[(int(fi), float(Tm[fi]))]
                nv += sn
                hv += sh
                ev += se
            n_map[flat_idx] = nv
            h_map[flat_idx] = hv
            e_map[flat_idx] = ev
            wn = cv2.boxFilter(n_map.reshape(rows, cols), -1, (wb, wb), normalize=False, borderType=cv2.BORDER_CONSTANT)
            wh = cv2.boxFilter(h_map.reshape(rows, cols), -1, (wb, wb), normalize=False, borderType=cv2.BORDER_CONSTANT)
            we = cv2.boxFilter(e_map.reshape(rows, cols), -1, (wb, wb), normalize=False, borderType=cv2.BORDER_CONSTANT)
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


def hf_level_reference(y: np.ndarray, roi: np.ndarray | None, cell: int = 32
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Per ``cell`` x ``cell`` cell: (sum of |horizontal 2nd difference| on flat pixels, flat pixel count,
    edge pixel count), from one row in every eight.  ``roi``: bool mask at cell resolution (or None)."""
    H, W = y.shape
    nr, nc = H // cell, W // cell
    if nr < 4 or nc < 4:
        return None
    # rows 3, 11, 19, ... : one row per 8 (inside a JPEG block, away from its horizontal edges)
    Y = np.ascontiguousarray(y[3:nr * cell:8, :nc * cell])
    k = Y.shape[0] // nr
    Y = Y[:nr * k]
    d2 = cv2.convertScaleAbs(cv2.filter2D(Y, cv2.CV_16S, np.array([[-1, 2, -1]], np.float32),
                                          borderType=cv2.BORDER_REPLICATE))
    d1 = cv2.convertScaleAbs(cv2.filter2D(Y, cv2.CV_16S, np.array([[-1, 0, 1]], np.float32),
                                          borderType=cv2.BORDER_REPLICATE))
    flat = d1 <= 10
    ok = flat & (Y > 30) & (Y < 245)
    okf = ok.astype(np.float32)
    area = float(k * cell)

    def cellsum(v: np.ndarray) -> np.ndarray:  # exact per-cell sums (whole cells) by area averaging
        return cv2.resize(v, (nc, nr), interpolation=cv2.INTER_AREA) * area

    s = cellsum(d2.astype(np.float32) * okf)
    n = np.rint(cellsum(okf))
    e = np.rint(cellsum((~flat).astype(np.float32)))
    if roi is not None:
        s, n, e = s * roi, n * roi, e * roi
    return s, n, e
