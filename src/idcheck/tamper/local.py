"""Local manipulation: regions whose compression history, noise or content repeats differ from the rest.

Five independent detectors, each returning :class:`Anomaly` candidates in
*stored full-resolution* pixel coordinates (JPEG analyses) or working-copy
coordinates (the caller maps both to upright original coordinates):

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
             double-compressed (camera quality below the final save); a region
             must lie far below the document in units of its own window-to-window
             spread.  With the camera at or above the final quality the pattern
             is too weak (steps of 1-2 at quality 95-97): a never-compressed
             paste is then not found.
``ghost``    (JPEG) JPEG ghosts in the DCT domain: windows whose coefficients sit
             on the lattice of a coarser IJG table (quality 50-90) far more often
             than chance and than the rest of the document: content pasted from
             a JPEG saved at that quality, on the same 8 x 8 grid.  Names the
             earlier quality.
``grid``     (JPEG, :mod:`.grid`) the same lattice on *any* of the 64 block
             grids, searched on the document's quietest text windows (content
             compressed before has lost its high-frequency noise): a field
             pasted off the file's 8 x 8 grid keeps its own grid (non-aligned
             double JPEG), judged against the other 62 shifts of the same window.
             It also finds aligned pastes the ghost map misses (shift (0, 0)).
``noise``    (any format) a textured window (text) whose flat background has far
             less sensor noise than the rest of the document (typed-in text,
             clone-stamped or pasted synthetic content).
``copy``     (any format, :mod:`.copymove`) copy-move: keypoint clusters with
             one displacement, verified by identical sensor noise at the exact
             displacement (a natural repeat of a printed glyph has its own noise).

A pixel-domain blocking-artifact-grid (BAG) detector was tried for off-grid
pastes and dropped: the final save leaves the donor's blocking too weak to
read over text (see :mod:`.grid`).

Why a second decode (JPEG only): the shared decode is DCT-scaled to ~1600 px
(``Image.draft``), which averages 2 x 2 to 8 x 8 pixels and destroys the 8 x 8
grid and the quantisation lattice that ``dq``, ``ghost`` and ``grid`` read
(``copy`` verifies its candidates on it too).  The full-resolution luminance
is decoded once per context (OpenCV, grey only: no chroma upsampling or colour
conversion) and cached on the context: ~25-35 ms and 12 MB for a 12 MP JPEG.
See :func:`full_luma`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import cv2
import numpy as np

from .arrays import mask_box, median, median_ratio
from .jpegq import STD_LUMA, ZIGZAG, ijg_table

# -- tuning constants (moved from config.TamperConfig, issue 18: an operator never sets them; the decision
#    thresholds that grade a finding stay in Config.tamper).  Each: unit, then why this value.
# binomial z-score: A window is a ghost cell when clearly more of its DCT coefficients sit on the lattice of a
# coarser IJG table than chance (and than the document itself) allows
GHOST_Z = 4.5

# earlier step / file's step: On the file's own grid the final save moves a coefficient by at most half its step, so
# an earlier table twice as coarse still leaves its lattice
GHOST_TABLE_RATIO = 2.0

# windows: A pasted name or number spans several 48 px windows
MIN_CELLS = 3

# nats per coefficient: The double-quantisation map only means something when the document as a whole carries a
# clear DQ signature (camera quality below the final save, measured 0.55-0.7)
DQ_MIN_STRENGTH = 0.45

# share of the document's DQ signature (mean over the region): A region whose coefficients fall in the document's
# empty histogram bins (negative share) was not compressed with the rest
DQ_KEEP = -0.2

# window z (document spread): Windows this far below the document's median DQ signature, in units of its window-to-
# window spread, form candidate regions
DQ_CELL_Z = 4.0

# 8x8 blocks: A region without the document's DQ signature must cover at least a short name (~60 x 60 px)
DQ_MIN_BLOCKS = 60

# JPEG quality (IJG scale): Below ~80 quantisation removes sensor noise unevenly (flat paper becomes exactly flat
# blocks, print keeps some), so a quiet region is no evidence
NOISE_MIN_QUALITY = 80

# JPEG quality (IJG scale): Below quality 70 the final save's own quantisation erases the lattices the JPEG analyses
# read
MIN_QUALITY = 70


@dataclass
class Anomaly:
    detector: str  # "ghost" | "grid" | "dq" | "noise" | "copy"
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
GHOST_FREQS = 8  # AC frequencies the ghost map reads: zigzag 1..8 (the least quantised)
K = 40  # quantised-coefficient magnitude range of the DQ histograms: |k| < K
NB = 2 * K + 1  # histogram bins per frequency
DQ_MIN_COEFS = 200  # coefficients: a frequency with fewer usable ones in the document gives no histogram


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


_CLIP_LUT = np.zeros(256, np.uint8)
_CLIP_LUT[:3] = _CLIP_LUT[253:] = 1  # pixel values 0-2 and 253-255: clipped


def _clipped(blocks: np.ndarray) -> np.ndarray:
    """bool (n,): the blocks (rows of 64 uint8 pixels) with a pixel <= 2 or >= 253, the same as
    ``(blocks.max(1) >= 253) | (blocks.min(1) <= 2)``: none when the whole array's extremes say so (one C pass),
    else each pixel flagged by a table look-up and a block's 64 flags OR-ed as 8 words (~0.7 against ~2 ms for
    the two row reductions on 28 000 blocks)."""
    blocks = np.ascontiguousarray(blocks)
    lo, hi = cv2.minMaxLoc(blocks)[:2]
    if lo > 2 and hi < 253:
        return np.zeros(len(blocks), bool)
    w = cv2.LUT(blocks, _CLIP_LUT).view(np.uint64)  # (n, 8): 8 flag bytes per word
    return (w[:, 0] | w[:, 1] | w[:, 2] | w[:, 3] | w[:, 4] | w[:, 5] | w[:, 6] | w[:, 7]) != 0


def _table_pairs(member: np.ndarray) -> list[np.ndarray]:
    """Per table (column of the membership matrix), the indices of its (frequency, step) pairs."""
    return [np.flatnonzero(member[:, j]) for j in range(member.shape[1])]


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
    # the document's block box in one C pass each (np.nonzero of the block mask cost ~0.6 ms)
    if cv2.countNonZero(roi_full.view(np.uint8)) < 64:
        return None
    bx0, by0, bx1, by1 = mask_box(roi_full.view(np.uint8))  # type: ignore[misc]
    n = (by1 - by0) * (bx1 - bx0)
    step = 1
    while n / (step * step) > max_blocks:
        step += 1
    blocks, rows, cols = sampled_blocks(y, slice(by0, by1), slice(bx0, bx1), step)
    C = _dct_of(blocks, FREQ).reshape(rows, cols, NF)
    roi = roi_full[by0:by1:step, bx0:bx1:step][:rows, :cols]
    usable = roi & ~_clipped(blocks).reshape(rows, cols)  # clipped blocks leave the quantisation lattice
    t1 = time.perf_counter()
    maps = JpegMaps(step=step, origin=(bx0, by0), shape=(rows, cols), roi=roi)
    wb = max(3, int(round(window_px / (8 * step))))
    Q = np.maximum(luma_q[FREQ].astype(np.float32), 1.0)

    # -- aligned double quantisation: log(h / smoothed h) per coefficient; the histograms of all frequencies in
    #    one bincount (frequency f's bins at f * NB), the score of every coefficient in one table look-up
    k = np.rint(C / Q).astype(np.int32)
    ak = np.abs(k)
    valid = (ak >= 1) & (ak < K) & usable[..., None] & (Q <= 12)
    # whole counts per frequency and per block by float32 products of the 0/1 flags (exact below 2**24; ~0.2
    # against ~1 ms for numpy's sums over the short axes)
    vf = valid.reshape(-1, NF).astype(np.float32)
    few = np.ones(len(vf), np.float32) @ vf < DQ_MIN_COEFS
    if (few & (Q <= 12)).any():  # a frequency with too few coefficients gives no histogram
        valid &= ~few
        vf *= ~few
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
    cnt = (vf @ np.ones(NF, np.float32)).reshape(rows, cols)
    ssum = llr.sum(-1).astype(np.float32)
    ncnt = cv2.boxFilter(cnt, -1, (wb, wb), normalize=False, borderType=cv2.BORDER_CONSTANT)
    nsum = cv2.boxFilter(ssum, -1, (wb, wb), normalize=False, borderType=cv2.BORDER_CONSTANT)
    ok = (ncnt >= min_coefs) & roi
    if np.count_nonzero(ok) >= 8:
        m = np.where(ok, nsum / np.maximum(ncnt, 1), np.nan)
        if m.size >= 600:  # np.nanmedian's own path there: np.median of the values that are not NaN (= ok)
            mo = m[ok]
            med = float(median(mo))
            spread = float(median(np.abs(mo - med)) * 1.4826)
        else:
            med = float(np.nanmedian(m))
            spread = float(np.nanmedian(np.abs(m - med)) * 1.4826)
        maps.dq_mean = m
        maps.dq_strength = med
        maps.dq_spread = spread
    t2 = time.perf_counter()

    # -- JPEG ghosts: coefficients sitting on the lattice of a coarser IJG table (content pasted from a JPEG
    #    saved at a lower quality keeps its lattice through the final, finer quantisation).  Hits per (frequency,
    #    step) are counted once and summed per table by one matrix product; then table by table (stacking all
    #    tables in one array was slower: it leaves the cache) the window sums of the document's windows improve on
    #    the best z so far (the first best table wins, as before).
    nfg = GHOST_FREQS
    Cg = C[..., :nfg]
    Qg = Q[:nfg]
    # blocks with two or more strong coefficients (the count by a float32 product of the flags: whole numbers)
    strong = (np.abs(Cg) >= 3 * Qg).reshape(-1, nfg).astype(np.float32) @ np.ones(nfg, np.float32)
    textured = usable & (strong.reshape(rows, cols) >= 2)
    flat_idx = np.flatnonzero(textured)
    # |coefficient| of the textured blocks, one contiguous row per frequency (the lattice distance of -c is that
    # of c: rint is symmetric)
    At = np.abs(Cg.reshape(-1, nfg)[flat_idx].T)  # (nfg, n)
    best_z = np.zeros((rows, cols), np.float32)
    best_frac = np.zeros((rows, cols), np.float32)
    best_q = np.zeros((rows, cols), np.int16)
    tol = 0.5 * Qg + 1.0
    qs, member, steps = _ghost_tables(Qg.tobytes(), float(ghost_ratio))
    if At.shape[1] >= 16 and qs:
        sel_cols, hit_cols, p0s = [], [], []
        for f, t in steps:  # (frequency, step) pairs some table uses
            a = At[f]
            sel = a >= t * 0.75
            r = a * (1.0 / t)
            sel_cols.append(sel)
            hit_cols.append(sel & (np.abs(r - np.rint(r)) <= tol[f] / t))
            p0s.append(min(2 * tol[f] / t, 0.9))
        S = np.stack(sel_cols)  # (pairs, n) bool
        Hm = np.stack(hit_cols)
        p0 = np.asarray(p0s, np.float32)
        mt = np.ascontiguousarray(member.T)  # (tables, pairs)
        # expected hits (float32) by one matrix product (its sums, bit for bit, are the earlier code's); the
        # whole counts (selected, hits) per table as uint8 sums of its <= GHOST_FREQS pairs, 2x cheaper than the
        # float32 products that gave the same integers
        expected = (mt * p0) @ S.astype(np.float32)  # (tables, n)
        pairs_of = _table_pairs(member)
        # table by table over the whole sampled grid (a window outside the document is never judged: z = 0 there),
        # one grid buffer per sum, whose textured blocks every table overwrites (the other blocks stay 0); the best
        # z so far is updated in place (the first best table wins)
        grids: list[np.ndarray] = [np.zeros(rows * cols, np.uint8), np.zeros(rows * cols, np.uint8),
                                   np.zeros(rows * cols, np.float32)]
        inside = roi.ravel()
        bz, bf, bq = best_z.ravel(), best_frac.ravel(), best_q.ravel()
        bound = wb * wb * nfg + 1  # window sums of selected coefficients are whole counts below this
        for j, q in enumerate(qs):
            pj = pairs_of[j]
            per_table = (np.add.reduce(S[pj], axis=0, dtype=np.uint8), np.add.reduce(Hm[pj], axis=0, dtype=np.uint8),
                         expected[j])
            sums = []
            for g, v in zip(grids, per_table, strict=True):  # counts on uint8 grids, their window sums in float32
                g[flat_idx] = v
                sums.append(cv2.boxFilter(g.reshape(rows, cols), cv2.CV_32F, (wb, wb), normalize=False,
                                          borderType=cv2.BORDER_CONSTANT).ravel())
            # only the judged windows (about half of the grid per table), gathered once: the same float32
            # operations on each as over the whole grid
            judged = np.flatnonzero((sums[0] >= 24) & inside)
            if len(judged) < 4:
                continue
            wn, wh, we = (v[judged] for v in sums)
            share = median_ratio(wh, wn, None, bound)
            if share is None:  # pragma: no cover - judged windows are there
                continue
            frac = wh / wn  # wn >= 24 here (= max(wn, 1))
            base = np.maximum(we / wn, share)  # the document's own lattice (camera at this quality) is no anomaly
            excess = frac - base
            z = excess / np.sqrt(np.maximum(base * (1 - base), 0.02) / wn)
            better = z > bz[judged]
            at = judged[better]
            bz[at] = z[better]
            bf[at] = excess[better]
            bq[at] = q
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
    y = full_luma(ctx)
    info: dict[str, Any] = {}
    if y is None:
        return [], info
    qi = ctx.jpeg_quant  # the context's one read of the header's tables
    if qi is None or qi.luma is None:
        return [], info
    roi = document_roi_stored(ctx, (y.shape[0] // 8, y.shape[1] // 8))
    maps = jpeg_maps(y, qi.luma, roi, ghost_ratio=GHOST_TABLE_RATIO)
    if maps is None:
        return [], info
    info["timings"] = {k: round(v, 1) for k, v in maps.timings.items()}
    info["dq_strength"] = round(maps.dq_strength, 3)
    out: list[Anomaly] = []
    # ghosts
    if maps.ghost_dip is not None:
        cells = maps.ghost_dip >= GHOST_Z
        for comp, box in components(cells, MIN_CELLS):
            peak = float(maps.ghost_dip[comp].max())
            if peak < cfg.ghost_warn:
                continue
            assert maps.ghost_q is not None and maps.ghost_level is not None  # set with ghost_dip
            qs = maps.ghost_q[comp & (maps.ghost_dip >= peak * 0.8)]
            q = int(np.bincount(qs.astype(np.int64)).argmax()) if qs.size else None
            out.append(Anomaly("ghost", peak, grid_box_to_stored(maps, box), "stored",
                               {"earlier_quality": q, "cells": int(comp.sum()),
                                "lattice_excess": round(float(maps.ghost_level[comp].max()), 3)}))
    # content on a foreign 8 x 8 grid (pasted off the file's grid from an earlier, coarser JPEG)
    from . import grid

    roi_c = document_roi_stored(ctx, (y.shape[0] // 32, y.shape[1] // 32))
    gt: dict[str, float] = {}
    for g in grid.detect(y, None if roi_c is None else roi_c > 0, qi.luma, cfg, gt):
        out.append(Anomaly("grid", g.z, g.box, "stored",
                           {"grid_shift": list(g.shift), "earlier_quality": g.quality, "lattice_z": round(g.z, 1),
                            "shift_contrast": round(g.contrast, 1), "reference_z": round(g.reference_z, 1),
                            "tiles": g.tiles, "noise_level": round(g.level, 2)}))
    info["timings"].update({k: round(v, 1) for k, v in gt.items()})
    # double quantisation missing where the document has it
    if maps.dq_mean is not None and maps.dq_strength >= DQ_MIN_STRENGTH:
        m = maps.dq_mean
        spread = max(maps.dq_spread, 0.02)
        z = (m - maps.dq_strength) / spread  # windows in units of the document's own window-to-window spread
        cells = np.isfinite(z) & (z <= -DQ_CELL_Z)
        for comp, box in components(cells, MIN_CELLS + 1):
            kept = float(np.nanmean(m[comp])) / maps.dq_strength
            zc = float(np.nanmean(z[comp]))
            if zc > -cfg.dq_z or kept > DQ_KEEP or comp.sum() * maps.step ** 2 < DQ_MIN_BLOCKS:
                continue
            out.append(Anomaly("dq", -zc, grid_box_to_stored(maps, box), "stored",
                               {"dq_kept": round(kept, 3), "dq_z": round(zc, 1), "cells": int(comp.sum()),
                                "document_dq": round(maps.dq_strength, 3)}))
    return out, info


def _doc_mask_working(ctx: Any) -> np.ndarray | None:
    cached = getattr(ctx, "_tamper_doc_mask", False)
    if cached is not False:
        return cached if isinstance(cached, np.ndarray) else None
    out = _erode_doc_mask(ctx)
    try:
        ctx._tamper_doc_mask = out
    except AttributeError:  # pragma: no cover - a context that takes no attributes
        pass
    return out


def _erode_doc_mask(ctx: Any) -> np.ndarray | None:
    mask = getattr(ctx, "doc_mask", None)
    if mask is None:
        return None
    # stay clear of the outline (rounded corners, the background showing at an imprecise edge)
    mask = mask if mask.dtype == np.uint8 else (mask > 0).astype(np.uint8)
    photos = getattr(ctx, "composite_parts", ())
    if photos:
        # photos put together: the seams between them are an editor's flat padding, without sensor noise by
        # construction (read as "text on a background without noise" on a real pair); only the photos are compared,
        # and the erosion below keeps clear of their edges too
        inside = np.zeros_like(mask)
        for x, y, w, h in photos:
            inside[y:y + h, x:x + w] = 1
        mask = cv2.bitwise_and(mask, mask, mask=inside)
    box = mask_box(mask)
    if box is None:
        return np.zeros_like(mask)
    side = min(ctx.height, ctx.width) * math.sqrt(max(cv2.countNonZero(mask) / mask.size, 1e-6))
    k = max(9, int(0.04 * side) | 1)
    # eroded over the mask's box and a margin wider than the kernel's reach only (the same pixels: everything
    # outside the box is 0 and stays 0; at the picture's edges the crop's border is the picture's)
    m = k // 2 + 1
    H, W = mask.shape
    x0, y0, x1, y1 = max(0, box[0] - m), max(0, box[1] - m), min(W, box[2] + m), min(H, box[3] + m)
    out = np.zeros_like(mask)
    out[y0:y1, x0:x1] = cv2.erode(mask[y0:y1, x0:x1], np.ones((k, k), np.uint8))
    return out


def detect_noise(ctx: Any, cfg: Any, within: tuple[int, int, int, int] | None = None) -> list[Anomaly]:
    """Textured cells whose flat pixels carry far less noise than the document's paper (working copy); ``within``:
    only the document's part inside this working-copy box (x, y, width, height: one photo of a composite, whose
    noise is compared with its own paper's, not with another camera's)."""
    mask = _doc_mask_working(ctx)
    if mask is not None and within is not None:
        x, y, w, h = within
        part = np.zeros_like(mask)
        part[y:y + h, x:x + w] = mask[y:y + h, x:x + w]
        mask = part
    if mask is None:
        return []
    cell = 16
    # only the document's bounding box, on a 16 px grid (box coordinates are shifted back at the end)
    box = mask_box(mask)
    if box is None:
        return []
    ox, oy = box[0] // cell * cell, box[1] // cell * cell
    gray = ctx.gray[oy:box[3], ox:box[2]]
    mask = mask[oy:box[3], ox:box[2]]
    H, W = gray.shape
    rows, cols = H // cell, W // cell
    if rows < 4 or cols < 4:
        return []
    hc, wc = rows * cell, cols * cell
    gc = gray[:hc, :wc]
    # |g - 3x3 mean| in integer arithmetic, then per-cell sums by area averaging (exact for whole cells)
    s9 = cv2.boxFilter(gc, cv2.CV_16S, (3, 3), normalize=False, borderType=cv2.BORDER_REFLECT_101)
    a = cv2.absdiff(gc.astype(np.int16) * 9, s9).astype(np.float32) * (1.0 / 9.0)
    grad = cv2.morphologyEx(gc, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    mc = mask[:hc, :wc]
    flat = ((grad <= 6) & (mc > 0) & (gc > 40) & (gc < 245)).astype(np.float32)
    area = float(cell * cell)

    def cellsum(v: np.ndarray) -> np.ndarray:
        return cv2.resize(v, (cols, rows), interpolation=cv2.INTER_AREA) * area

    nflat = np.rint(cellsum(flat))
    sabs = cellsum(a * flat)
    edges = np.rint(cellsum((grad >= 40).astype(np.float32)))
    inside = cv2.resize((mc > 0).astype(np.float32), (cols, rows), interpolation=cv2.INTER_AREA) >= 1.0 - 1e-6
    g = gray.astype(np.float32)
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
    for comp, (x0, y0, x1, y1) in components(low, MIN_CELLS):
        ratio = float(np.nanmean(wlev[comp])) / doc_level
        out.append(Anomaly("noise", 1.0 - ratio, (ox + x0 * cell, oy + y0 * cell, ox + (x1 + 1) * cell,
                                                  oy + (y1 + 1) * cell), "working",
                           {"noise_ratio": round(ratio, 3), "document_noise": round(doc_level, 2),
                            "cells": int(comp.sum())}))
    return out


def detect_copy_move(ctx: Any, cfg: Any) -> list[Anomaly]:
    """Copy-move inside the document (see :mod:`.copymove`): keypoint clusters with one displacement on the
    working copy, verified by identical noise at full resolution (JPEG) or on the working copy (other formats)."""
    from . import copymove

    mask = _doc_mask_working(ctx)
    if mask is None:
        return []
    y = full_luma(ctx) if ctx.decoded.format == "jpeg" else None
    view = None if y is None else _keypoint_view(ctx, mask, y)
    if view is not None:  # the document too small on the working copy: keypoints on a finer view of the file
        img, kmask, px, to_space = view
        found = copymove.candidates(img, kmask, cfg, px)
        space, scale = "stored", float(math.sqrt(ctx.scale_x * ctx.scale_y))
    else:
        found = copymove.candidates(ctx.gray, mask, cfg)
        if not found:
            return []
        y = full_luma(ctx)
        if y is not None:
            space, scale = "stored", float(math.sqrt(ctx.scale_x * ctx.scale_y))
            to_space = lambda p: working_to_stored(ctx, p)  # noqa: E731
        else:
            y, space, scale = ctx.gray, "working", 1.0
            to_space = lambda p: np.asarray(p, np.float64)  # noqa: E731
    if not found:
        return []
    assert y is not None
    out: list[Anomaly] = []
    for cand in found:
        v = copymove.verify(y, to_space(cand.src), to_space(cand.dst), scale, cfg)
        if v is None or v.corr < cfg.copy_noise_corr or v.corr - v.off_corr < copymove.MIN_EXCESS \
                or v.cells < copymove.MIN_CELLS or v.z < copymove.MIN_Z:
            continue
        # the pasted block shows a seam along its outline; the source continues into its surroundings.  When
        # the seams do not tell them apart, the region covers both blocks.
        hi_s, lo_s = max(v.seam_a, v.seam_b), min(v.seam_a, v.seam_b)
        decided = hi_s > 0 and hi_s >= copymove.SEAM_RATIO * lo_s
        a, b = (v.box_b, v.box_a) if v.seam_b >= v.seam_a else (v.box_a, v.box_b)
        sx, sy = v.shift if a == v.box_b else (-v.shift[0], -v.shift[1])
        if not decided:
            a = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
        if any(_box_iou(a, o.box) > 0.3 for o in out):
            continue
        if space == "stored":  # the displacement in upright original pixels
            sx, sy = stored_geometry(ctx)[0][:2, :2] @ np.array([sx, sy], np.float64)
        else:
            sx, sy = sx * ctx.scale_x, sy * ctx.scale_y
        out.append(Anomaly("copy", v.corr, a, space,
                           {"pairs": cand.votes, "noise_correlation": round(v.corr, 3), "flat_pixels": v.flat_px,
                            "z": round(v.z, 1), "cells": v.cells,
                            "noise_correlation_1px_off": round(v.off_corr, 3),
                            "seam_steps": [round(hi_s, 2), round(lo_s, 2)], "copy_side_known": bool(decided),
                            "displacement_px": [round(float(sx), 1), round(float(sy), 1)]},
                           partner=b))
    return out


def _keypoint_view(ctx: Any, mask: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, Any] | None:
    """The document's box of the full-resolution luminance ``y`` (stored orientation) averaged over f x f blocks
    (see :data:`.copymove.DOC_PX`): (image, the eroded document mask on it, its pixels per working-copy pixel,
    keypoint-image points -> stored points).  None when the working copy shows the document large enough or the
    file has no resolution to spare (then the keypoints are found on the working copy)."""
    from . import copymove

    doc = getattr(ctx, "document", None)
    box = mask_box(mask)
    scale = math.sqrt(ctx.scale_x * ctx.scale_y)
    if doc is None or box is None or scale < copymove.VIEW_MIN_SCALE:
        return None
    quad = np.asarray(doc.quad, np.float64)
    long_work = float(max(np.hypot(*(quad[(i + 1) % 4] - quad[i])) for i in range(4)))
    if long_work >= copymove.DOC_PX:
        return None
    f = max(2, int(long_work * scale / copymove.DOC_PX))  # full-resolution pixels per keypoint-image pixel
    if scale < f * copymove.VIEW_MIN_SCALE / 2:  # not finer than the working copy by enough to pay its cost
        return None
    m, _, _ = stored_geometry(ctx)
    ws = np.linalg.inv(m) @ np.diag([ctx.scale_x, ctx.scale_y, 1.0])  # working -> stored (as working_to_stored)
    x0, y0, x1, y1 = box
    corners = apply(ws, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
    H, W = y.shape
    margin = 16 * f  # ORB's border: a margin of picture around the document's box
    # the crop on whole f x f blocks (the averaging's fast path, every keypoint pixel one whole block)
    sx0, sy0 = (max(0, int(v - margin)) for v in corners.min(axis=0))
    nw = (min(W, int(corners[:, 0].max() + margin)) - sx0) // f
    nh = (min(H, int(corners[:, 1].max() + margin)) - sy0) // f
    if nw < 32 or nh < 32:
        return None
    img = cv2.resize(y[sy0:sy0 + nh * f, sx0:sx0 + nw * f], (nw, nh), interpolation=cv2.INTER_AREA)
    # keypoint pixel j averages stored pixels sx0 + [j f, (j + 1) f): its centre is at sx0 + (j + 0.5) f - 0.5
    ks = np.array([[1 / f, 0, (0.5 - sx0) / f - 0.5], [0, 1 / f, (0.5 - sy0) / f - 0.5], [0, 0, 1]])
    kmask = cv2.warpAffine(mask, (ks @ ws)[:2], (nw, nh), flags=cv2.INTER_NEAREST)
    sk = np.linalg.inv(ks)
    return img, kmask, scale / f, lambda p: apply(sk, p)


def _box_iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0
