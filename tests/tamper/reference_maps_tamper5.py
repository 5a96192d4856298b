"""The JPEG maps as :func:`idcheck.tamper.local.jpeg_maps` computed them before the tamper5 round (main
``da1c8bf``), with the helpers they used then, frozen here as the reference the faster code must equal bit for
bit (``test_fast_paths``).  Not used by idcheck."""

from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np

from idcheck.tamper.jpegq import STD_LUMA, ijg_table
from idcheck.tamper.local import DQ_MIN_COEFS, FREQ, GHOST_FREQS, GHOST_QUALITIES, NB, NF, JpegMaps, K


def median(x: np.ndarray) -> np.floating:
    """``np.median(x)`` of a 1-d array without NaN, the same value bit for bit: the same partition and mean of the
    middle one or two values, without np.median's extra partition for NaN (~40 against ~100 us on 16 000 values)."""
    n = len(x)
    h = n // 2
    if n % 2:
        return np.partition(x, h)[h]
    return np.mean(np.partition(x, [h - 1, h])[h - 1:h + 1])


def median_ratio(num: np.ndarray, den: np.ndarray, ok: np.ndarray, bound: int) -> np.floating | None:
    """``median(num[ok] / den[ok])`` (float32, bit for bit as :func:`median` of those float32 ratios) where ``num``
    and ``den`` hold whole counts below ``bound`` (as float32), ``den`` >= 1 where ``ok``; None when nothing is ok.

    By counting instead of selecting and partitioning (~130 us for 16 000 windows): each (num, den) pair's ratio
    has a precomputed rank among all ratios of counts below ``bound``; the middle ranks are read off the
    cumulated counts of the ranks."""
    ratio, rank = _ratios(bound)
    key = num.astype(np.int32) * bound + den.astype(np.int32)
    r = np.where(ok, rank[key], len(ratio))  # not ok: one bin past the ranks
    cum = np.cumsum(np.bincount(r.ravel(), minlength=len(ratio) + 1)[:len(ratio)])
    n = int(cum[-1])
    if n == 0:
        return None
    lo = int(np.searchsorted(cum, (n - 1) // 2, side="right"))
    if n % 2:
        return ratio[lo]
    hi = int(np.searchsorted(cum, n // 2, side="right"))
    return np.mean(ratio[[lo, hi]])


@lru_cache(maxsize=4)
def _ratios(bound: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct float32 values of ``h / n`` for whole counts 0 <= h, n < ``bound`` (n = 0 taken as 1), sorted,
    and for each ``h * bound + n`` the rank of its value among them."""
    h, n = np.divmod(np.arange(bound * bound, dtype=np.int32), bound)
    v = h.astype(np.float32) / np.maximum(n, 1).astype(np.float32)
    ratio, rank = np.unique(v, return_inverse=True)
    return ratio, rank.astype(np.int32).ravel()


def _dct_matrix() -> np.ndarray:
    d = np.zeros((8, 8), np.float64)
    for u in range(8):
        c = math.sqrt(1 / 8) if u == 0 else math.sqrt(2 / 8)
        for x in range(8):
            d[u, x] = c * math.cos((2 * x + 1) * u * math.pi / 16)
    return d


_D = _dct_matrix()


def sampled_blocks(y: np.ndarray, rows: slice, cols: slice, step: int) -> tuple[np.ndarray, int, int]:
    """The 8x8 blocks in block rows/cols (every ``step``-th), gathered once into an (n, 64) uint8 array
    (row-major pixels), with the sampled grid's shape.  A strided view avoids copying the unsampled blocks."""
    by0, by1 = rows.start, rows.stop
    bx0, bx1 = cols.start, cols.stop
    y = np.ascontiguousarray(y)
    rs, cs = y.strides
    base = y[by0 * 8:, bx0 * 8:]
    view = np.lib.stride_tricks.as_strided(base, shape=(by1 - by0, bx1 - bx0, 8, 8),
                                           strides=(8 * rs, 8 * cs, rs, cs), writeable=False)
    v = view[::step, ::step]
    nr, nc = v.shape[:2]
    return v.reshape(nr * nc, 64), nr, nc


def block_dct(y: np.ndarray, freqs: np.ndarray, rows: slice, cols: slice, step: int) -> np.ndarray:
    """DCT coefficients ``freqs`` (natural indices) of the 8x8 blocks in block rows/cols (every ``step``-th).

    Returns (n_block_rows, n_block_cols, len(freqs)) float32.
    """
    blocks, nr, nc = sampled_blocks(y, rows, cols, step)
    return _dct_of(blocks, freqs).reshape(nr, nc, len(freqs))


def _dct_of(blocks: np.ndarray, freqs: np.ndarray) -> np.ndarray:
    basis = np.einsum("ux,vy->uvxy", _D, _D).reshape(64, 64)[freqs].astype(np.float32)  # (nf, 64)
    # the DCT of (x - 128) is the DCT of x minus 128 * the basis sum (non-zero for DC only)
    return blocks.astype(np.float32) @ basis.T - 128.0 * basis.sum(axis=1)


@lru_cache(maxsize=16)
def _ghost_tables(qg: bytes, ratio: float) -> tuple[tuple[int, ...], np.ndarray, list[tuple[int, float]]]:
    """The distinct IJG tables (quality 50-90) the ghost map tests for a file whose first ``GHOST_FREQS`` luma
    steps are ``qg`` (float32 bytes): (their qualities, membership matrix (pairs, tables) over the
    (frequency, step) pairs they use, those pairs)."""
    Qg = np.frombuffer(qg, np.float32)
    tables: list[tuple[int, np.ndarray]] = []
    seen: set[bytes] = set()
    for q in range(GHOST_QUALITIES[0], GHOST_QUALITIES[-1] + 1):
        T = ijg_table(STD_LUMA, q)[FREQ[:GHOST_FREQS]].astype(np.float32)
        use = T >= ratio * Qg
        key = (T * use).tobytes()
        if use.sum() < 2 or key in seen:
            continue
        seen.add(key)
        tables.append((q, T * use))
    steps = sorted({(f, float(Tm[f])) for _, Tm in tables for f in range(GHOST_FREQS) if Tm[f] > 0})
    member = np.zeros((len(steps), len(tables)), np.float32)
    for j, (_, Tm) in enumerate(tables):
        for f in np.flatnonzero(Tm):
            member[steps.index((int(f), float(Tm[f]))), j] = 1.0
    return tuple(q for q, _ in tables), member, steps


def jpeg_maps_before_tamper5(y: np.ndarray, luma_q: np.ndarray, roi_stored: np.ndarray | None, *,
                             max_blocks: int = 30_000, window_px: int = 48, min_coefs: int = 60,
                             ghost_ratio: float = 2.0) -> JpegMaps | None:
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

    # -- aligned double quantisation: log(h / smoothed h) per coefficient; the histograms of all frequencies in
    #    one bincount (frequency f's bins at f * NB), the score of every coefficient in one table look-up
    k = np.rint(C / Q).astype(np.int32)
    ak = np.abs(k)
    valid = (ak >= 1) & (ak < K) & usable[..., None] & (Q <= 12)
    valid &= valid.sum(axis=(0, 1)) >= DQ_MIN_COEFS
    # every unused coefficient points to one extra bin past the histograms, whose score is 0: one bincount and
    # one look-up over the whole array, no boolean selection (a valid |k| < K needs no clipping)
    idx = np.where(valid, k + (K + NB * np.arange(NF, dtype=np.int32)), np.int32(NF * NB))
    h = np.bincount(idx.ravel(), minlength=NF * NB + 1)[:NF * NB].reshape(NF, NB).astype(np.float64)
    hh = h + 0.5
    hh[:, K] = np.nan
    pad = np.pad(hh, ((0, 0), (3, 3)), constant_values=np.nan)
    hs = np.nanmean(np.lib.stride_tricks.sliding_window_view(pad, 7, axis=1), axis=2)
    r = np.log((h + 0.5) / hs)
    r[:, K] = 0.0
    lut = np.append(np.clip(np.nan_to_num(r), -2.5, 2.5).astype(np.float32).ravel(), np.float32(0.0))
    llr = lut[idx]
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
    #    saved at a lower quality keeps its lattice through the final, finer quantisation).  Hits per (frequency,
    #    step) are counted once and summed per table by one matrix product; then table by table (stacking all
    #    tables in one array was slower: it leaves the cache) the window sums of the document's windows improve on
    #    the best z so far (the first best table wins, as before).
    nfg = GHOST_FREQS
    Cg = C[..., :nfg]
    Qg = Q[:nfg]
    textured = usable & ((np.abs(Cg) >= 3 * Qg).sum(-1) >= 2)
    flat_idx = np.flatnonzero(textured)
    Ct = Cg.reshape(-1, nfg)[flat_idx]  # (n, nfg)
    best_z = np.zeros((rows, cols), np.float32)
    best_frac = np.zeros((rows, cols), np.float32)
    best_q = np.zeros((rows, cols), np.int16)
    tol = 0.5 * Qg + 1.0
    qs, member, steps = _ghost_tables(Qg.tobytes(), float(ghost_ratio))
    if len(Ct) >= 16 and qs:
        sel_cols, hit_cols, p0s = [], [], []
        for f, t in steps:  # (frequency, step) pairs some table uses
            c = Ct[:, f]
            sel = np.abs(c) >= t * 0.75
            r = c * (1.0 / t)
            sel_cols.append(sel)
            hit_cols.append(sel & (np.abs(r - np.rint(r)) <= tol[f] / t))
            p0s.append(min(2 * tol[f] / t, 0.9))
        S = np.stack(sel_cols).astype(np.float32)  # (pairs, n)
        Hm = np.stack(hit_cols).astype(np.float32)
        p0 = np.asarray(p0s, np.float32)
        mt = np.ascontiguousarray(member.T)  # (tables, pairs)
        per_table = (mt @ S, mt @ Hm, (mt * p0) @ S)  # (tables, n) each: selected, hits, expected hits
        # table by table over the whole sampled grid (a window outside the document is never judged: z = 0 there),
        # one grid buffer per sum, whose textured blocks every table overwrites (the other blocks stay 0); the best
        # z so far is updated in place (the first best table wins)
        grids = [np.zeros(rows * cols, np.float32) for _ in range(3)]
        inside = roi.ravel()
        bz, bf, bq = best_z.ravel(), best_frac.ravel(), best_q.ravel()
        one = np.float32(1.0)
        bound = wb * wb * nfg + 1  # window sums of selected coefficients are whole counts below this
        for j, q in enumerate(qs):
            sums = []
            for g, v in zip(grids, per_table, strict=True):
                g[flat_idx] = v[j]
                sums.append(cv2.boxFilter(g.reshape(rows, cols), -1, (wb, wb), normalize=False,
                                          borderType=cv2.BORDER_CONSTANT).ravel())
            wn, wh, we = sums
            ok = (wn >= 24) & inside
            share = median_ratio(wh, wn, ok, bound) if np.count_nonzero(ok) >= 4 else None
            if share is None:
                continue
            den = np.maximum(wn, one)  # = wn where judged
            frac = wh / den
            pe = we / den
            base = np.maximum(pe, share)  # the document's own lattice (camera at this quality) is no anomaly
            excess = frac - base
            z = excess / np.sqrt(np.maximum(base * (1 - base), 0.02) / den)
            better = (z > bz) & ok
            np.copyto(bz, z, where=better)
            np.copyto(bf, excess, where=better)
            bq[better] = q
    best_dip, best_level = best_z, best_frac
    maps.ghost_dip, maps.ghost_q, maps.ghost_level = best_dip, best_q, best_level
    t3 = time.perf_counter()
    maps.timings = {"dct": (t1 - t0) * 1000, "dq": (t2 - t1) * 1000, "ghost": (t3 - t2) * 1000}
    return maps
