"""Off-grid splices: content that carries an earlier JPEG compression on another 8 x 8 grid.

A field cut from a JPEG (saved at quality 50-80) and pasted at a position that
is not a multiple of 8 keeps its own block grid: computed on *that* grid, its
DCT coefficients still sit on the lattice of the earlier quantisation table
(the final save, on the file's own grid and at a finer quality, moves them by
only ~1-2 units).  On the file's grid, or on any other, they do not.  This is
the non-aligned double-JPEG trace (Bianchi & Piva 2012); the aligned case is
the ``ghost`` detector of :mod:`.local`.

The pixel-domain blocking-artifact grid (BAG, Li et al. 2009) was measured
first and rejected: after the final save the donor's blocking edges are too
weak to show over text (per-tile phase contrast inside forged fields no
higher than in untouched ones).  The lattice is the trace that survives.

Searching the 63 grid shifts x the IJG quality range over the whole document
costs ~1 s at 12 MP, so the search runs on candidate windows only:

1. **Candidates** (``hf_level``): content compressed at quality 50-80 lost
   its high-frequency sensor noise, and typed or synthetic content never had
   any.  The horizontal second difference on flat pixels of one row in every
   eight (a ~2 ms pass at 5 MP) gives a noise level per 32 px cell; textured
   windows (text) far quieter than the document's median are candidates (the
   forged field ranked 0-18th among ~1000 windows on the tuning seed).
2. **Lattice search** per candidate (``lattice_scan``): a sliding DCT
   (``cv2.filter2D`` with the 8 lowest AC basis functions) gives the
   coefficients of the 8 x 8 blocks at every pixel offset at once; for each of
   the 64 grid shifts and each IJG table of quality 50-90 (those clearly
   coarser than the file's), the share of coefficients on the lattice is
   compared with chance (binomial z, as the ghost detector).  The best shift
   must stand far above the median of the other shifts (the same content on
   the wrong grids is the reference), and must not be the file's own grid.
3. **Global check**: the same shift and table are tested on the document's
   most ordinary windows; a document cropped and re-saved carries the
   shifted lattice everywhere, which is a history, not an edit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import cv2
import numpy as np

from .jpegq import STD_LUMA, ZIGZAG, ijg_table

# -- tuning constants (moved from config.TamperConfig, issue 18: an operator never sets them; the decision
#    thresholds that grade a finding stay in Config.tamper).  Each: unit, then why this value.
# window / document high-frequency noise: Content pasted from a JPEG saved at quality 50-80 (or typed in) lost its
# high-frequency sensor noise
NOISE_RATIO = 0.8

# edge samples per window: Candidates must hold text (a pasted field), not plain paper, whose noise varies with
# brightness alone
MIN_EDGES = 30

# windows: The quietest windows searched for a foreign grid (~1.5 ms each at 12 MP)
CANDIDATES = 8

# windows: Ordinary windows on which a found grid and table are re-tested
REFERENCES = 6

# earlier step / file's step: Only frequencies whose earlier quantisation step is 2.5x the file's own are read
TABLE_RATIO = 2.5

# binomial z-score (best shift - median of the other shifts): Forged windows on their donor's grid stood 4.1-16.7
# above the other shifts on the tuning seed
SEED = 3.5

# binomial z-score (above ordinary windows on the same lattice): 64 px tiles around a seed join the region when
# their z on the seed's grid and table exceeds what the document's ordinary windows show there (scaled to a tile) by
# this much
TILE_Z = 3.0


NFREQ = 8
FREQ = ZIGZAG[1:1 + NFREQ]
QUALITIES = tuple(range(50, 91))


@lru_cache(maxsize=1)
def _kernels() -> list[np.ndarray]:
    d = np.zeros((8, 8), np.float64)
    for u in range(8):
        c = math.sqrt(1 / 8) if u == 0 else math.sqrt(2 / 8)
        for x in range(8):
            d[u, x] = c * math.cos((2 * x + 1) * u * math.pi / 16)
    out = []
    for f in FREQ:
        v, u = divmod(int(f), 8)  # natural index: row v (vertical frequency), column u
        out.append(np.outer(d[v], d[u]).astype(np.float32))
    return out


@dataclass
class Window:
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in stored full-resolution pixels
    level: float  # noise level / document noise level


@dataclass
class Scan:
    shift: tuple[int, int]  # (sx, sy): block origins at x = sx (mod 8), y = sy (mod 8)
    quality: int  # IJG quality of the lattice
    z: float  # binomial z of the best shift
    z_median: float  # median over the other shifts of their best z
    blocks: int
    zmap: np.ndarray = field(repr=False, default_factory=lambda: np.zeros((8, 8)))
    z_aligned: float = -np.inf  # the best z on the file's own grid (an aligned paste leaks to 1 px shifts)
    q_aligned: int = 0  # its quality

    @property
    def contrast(self) -> float:
        return self.z - self.z_median


def hf_level(y: np.ndarray, roi: np.ndarray | None, cell: int = 32
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Per ``cell`` x ``cell`` cell: (sum of |horizontal 2nd difference| on flat pixels, flat pixel count,
    edge pixel count), from one row in every eight.  ``roi``: bool mask at cell resolution (or None); cells
    outside it are 0, and only the cell rows and columns of its bounding box are read."""
    H, W = y.shape
    nr, nc = H // cell, W // cell
    if nr < 4 or nc < 4:
        return None
    k = len(range(3, nr * cell, 8)) // nr  # sampled rows per cell
    r0, r1, c0, c1 = 0, nr, 0, nc
    if roi is not None:
        rr, cc = np.nonzero(roi)
        if len(rr) == 0:
            zero = np.zeros((nr, nc), np.float32)
            return zero, zero.copy(), zero.copy()
        r0, r1, c0, c1 = int(rr.min()), int(rr.max()) + 1, int(cc.min()), int(cc.max()) + 1
    # rows 3, 11, 19, ... : one row per 8 (inside a JPEG block, away from its horizontal edges), of the cell rows
    # r0..r1; the columns of cells c0..c1 plus the neighbour pixel on each side that the picture has inside its
    # whole cells (the filters see the same pixels as over the whole picture, which replicates at its edges)
    x0, x1 = c0 * cell, c1 * cell
    left, right = int(x0 > 0), int(x1 < nc * cell)
    Y = np.ascontiguousarray(y[3 + 8 * r0 * k:3 + 8 * r1 * k:8, x0 - left:x1 + right])
    d2 = cv2.convertScaleAbs(cv2.filter2D(Y, cv2.CV_16S, np.array([[-1, 2, -1]], np.float32),
                                          borderType=cv2.BORDER_REPLICATE))[:, left:left + x1 - x0]
    d1 = cv2.convertScaleAbs(cv2.filter2D(Y, cv2.CV_16S, np.array([[-1, 0, 1]], np.float32),
                                          borderType=cv2.BORDER_REPLICATE))[:, left:left + x1 - x0]
    Y = Y[:, left:left + x1 - x0]
    flat = d1 <= 10
    ok = flat & (Y > 30) & (Y < 245)
    okf = ok.astype(np.float32)
    area = float(k * cell)
    sr, sc = r1 - r0, c1 - c0

    def cellsum(v: np.ndarray) -> np.ndarray:  # exact per-cell sums (whole cells) by area averaging
        out = np.zeros((nr, nc), np.float32)
        out[r0:r1, c0:c1] = cv2.resize(v, (sc, sr), interpolation=cv2.INTER_AREA) * area
        return out

    s = cellsum(d2.astype(np.float32) * okf)
    n = np.rint(cellsum(okf))
    e = np.rint(cellsum((~flat).astype(np.float32)))
    if roi is not None:
        s, n, e = s * roi, n * roi, e * roi
    return s, n, e


def quiet_windows(y: np.ndarray, roi: np.ndarray | None, cfg: Any, cell: int = 32
                  ) -> tuple[list[Window], list[Window], float]:
    """(candidate windows: textured and far quieter than the document; ordinary windows; document level)."""
    maps = hf_level(y, roi, cell)
    if maps is None:
        return [], [], 0.0
    s, n, e = maps
    per = np.where(n >= 20, s / np.maximum(n, 1), np.nan)
    if np.isfinite(per).sum() < 12:
        return [], [], 0.0
    doc = float(np.nanmedian(per))
    if doc <= 0.5:  # no noise anywhere (scan, screenshot, heavy denoising): nothing to compare
        return [], [], doc
    kw = (3, 2)  # windows of 3 x 2 cells: a line of text
    S = cv2.boxFilter(s, -1, kw, normalize=False, borderType=cv2.BORDER_CONSTANT)
    N = cv2.boxFilter(n, -1, kw, normalize=False, borderType=cv2.BORDER_CONSTANT)
    E = cv2.boxFilter(e, -1, kw, normalize=False, borderType=cv2.BORDER_CONSTANT)
    inside = roi if roi is not None else np.ones(s.shape, bool)
    full = cv2.boxFilter(inside.astype(np.float32), -1, kw, normalize=False, borderType=cv2.BORDER_CONSTANT) >= 6
    ok = full & (N >= 50) & (E >= MIN_EDGES)
    lev = np.where(ok, S / np.maximum(N, 1) / doc, np.nan)
    ys, xs = np.nonzero(np.isfinite(lev))
    if len(ys) == 0:
        return [], [], doc
    vals = lev[ys, xs]
    order = np.argsort(vals)
    # the anchor of a box filter of even size: window (r, c) covers cells r-1..r (rows), c-1..c+1 (cols)
    def box(r: int, c: int) -> tuple[int, int, int, int]:
        return ((c - 1) * cell, (r - 1) * cell, (c + 2) * cell, (r + 1) * cell)

    cands: list[Window] = []
    taken = np.zeros(lev.shape, bool)
    for i in order:
        if vals[i] > NOISE_RATIO or len(cands) >= CANDIDATES:
            break
        r, c = int(ys[i]), int(xs[i])
        if taken[r, c]:
            continue
        taken[max(0, r - 1):r + 2, max(0, c - 2):c + 3] = True
        cands.append(Window(box(r, c), float(vals[i])))
    ordinary = []
    mid = order[len(order) // 2:]
    for i in mid[:: max(1, len(mid) // REFERENCES)][:REFERENCES]:
        ordinary.append(Window(box(int(ys[i]), int(xs[i])), float(vals[i])))
    return cands, ordinary, doc


def _tables(luma_q: np.ndarray, ratio: float) -> list[tuple[int, np.ndarray]]:
    """Distinct usable IJG tables (quality, use-masked table) for a file with luma table ``luma_q``."""
    return _tables_of(np.ascontiguousarray(luma_q[FREQ], np.int64).tobytes(), float(ratio))


@lru_cache(maxsize=16)
def _ijg_freq(quality: int) -> np.ndarray:
    """The IJG luma table of ``quality`` at :data:`FREQ` (float32; read-only, shared)."""
    t = ijg_table(STD_LUMA, quality)[FREQ].astype(np.float32)
    t.flags.writeable = False
    return t


@lru_cache(maxsize=16)
def _tables_of(luma_freq: bytes, ratio: float) -> list[tuple[int, np.ndarray]]:
    Qf = np.maximum(np.frombuffer(luma_freq, np.int64).astype(np.float32), 1.0)
    out, seen = [], set()
    for q in QUALITIES:
        T = _ijg_freq(q)
        use = T >= ratio * Qf
        Tm = T * use
        key = Tm.tobytes()
        if use.sum() < 2 or key in seen:
            continue
        seen.add(key)
        out.append((q, Tm))
    return out


def lattice_scan(y: np.ndarray, boxes: list[tuple[int, int, int, int]], luma_q: np.ndarray, ratio: float,
                 min_sel: int = 20) -> list[Scan | None]:
    """For each box: the best (grid shift, IJG quality) of its coefficients and its binomial z.

    The boxes are cut on the file's 8 x 8 grid and stacked, so that one sliding DCT per frequency gives the
    coefficients of the blocks at every origin of every box; hits are counted once per (frequency, step) over
    the stack, summed per box and grid shift, then combined per IJG table."""
    H, W = y.shape
    tables = _tables(luma_q, ratio)
    if not tables or not boxes:
        return [None] * len(boxes)
    crops, origins = [], []
    hc = max(b[3] - b[1] for b in boxes) // 8 * 8 + 8
    wc = max(b[2] - b[0] for b in boxes) // 8 * 8 + 8
    for x0, y0, _, _ in boxes:
        ax0, ay0 = max(0, x0 // 8 * 8), max(0, y0 // 8 * 8)
        crop = np.zeros((hc + 8, wc + 8), np.float32)
        part = y[ay0:ay0 + hc + 7, ax0:ax0 + wc + 7].astype(np.float32) - 128.0
        crop[:part.shape[0], :part.shape[1]] = part
        valid = np.zeros((hc + 8, wc + 8), bool)
        valid[:max(0, part.shape[0] - 7), :max(0, part.shape[1] - 7)] = True
        crops.append((crop, valid))
        origins.append((ax0, ay0))
    K = len(boxes)
    P = np.concatenate([c for c, _ in crops], axis=0)  # (K * (hc + 8), wc + 8)
    V = np.concatenate([v for _, v in crops], axis=0)
    Qf = np.maximum(luma_q[FREQ].astype(np.float32), 1.0)
    tol = 0.5 * Qf + 1.0
    kern = _kernels()

    colsel = np.tile(np.eye(8, dtype=np.float32), ((wc + 8) // 8, 1))  # (cols, 8): column -> its x mod 8

    def per_shift(a: np.ndarray) -> np.ndarray:  # (K, 8, 8) [box, sy, sx]; crops start on the grid
        s = a.astype(np.float32) @ colsel  # (K * rows, 8), BLAS: far cheaper than a strided reduction
        return s.reshape(K, (hc + 8) // 8, 8, 8).sum(axis=1, dtype=np.float64)

    per: dict[tuple[int, float], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for f in range(NFREQ):
        steps = sorted({float(Tm[f]) for _, Tm in tables if Tm[f] > 0})
        if not steps:
            continue
        c = cv2.filter2D(P, cv2.CV_32F, kern[f], anchor=(0, 0), borderType=cv2.BORDER_CONSTANT)
        a = np.abs(c)
        for t in steps:
            sel = (a >= 0.75 * t) & V
            r = c * (1.0 / t)
            hit = sel & (np.abs(r - np.rint(r)) <= tol[f] / t)
            p0 = min(2 * tol[f] / t, 0.9)
            ns = per_shift(sel)
            per[(f, t)] = (ns, per_shift(hit), ns * p0)
    best_z = np.full((K, 8, 8), -np.inf)
    best_q = np.zeros((K, 8, 8), np.int32)
    for q, Tm in tables:
        N = np.zeros((K, 8, 8))
        Hh = np.zeros((K, 8, 8))
        E = np.zeros((K, 8, 8))
        for fi in np.nonzero(Tm)[0]:
            ns, hs, es = per[(int(fi), float(Tm[fi]))]
            N += ns
            Hh += hs
            E += es
        var = np.maximum(E * (1 - E / np.maximum(N, 1)), 1.0)
        z = np.where(N >= min_sel, (Hh - E) / np.sqrt(var), -np.inf)
        better = z > best_z
        best_z = np.where(better, z, best_z)
        best_q = np.where(better, q, best_q)
    out: list[Scan | None] = []
    for k in range(K):
        zf = np.where(np.isfinite(best_z[k]), best_z[k], np.nan)
        z_aligned = float(zf[0, 0]) if np.isfinite(zf[0, 0]) else -np.inf
        zf[0, 0] = np.nan  # the file's own grid: the aligned (ghost) detector's business
        if not np.isfinite(zf).any():
            out.append(None)
            continue
        sy, sx = np.unravel_index(int(np.nanargmax(zf)), zf.shape)
        others = np.delete(zf.ravel(), sy * 8 + sx)
        med = float(np.nanmedian(others)) if np.isfinite(others).any() else 0.0
        out.append(Scan((int(sx), int(sy)), int(best_q[k, sy, sx]), float(zf[sy, sx]), med,
                        int(V[k * (hc + 8):(k + 1) * (hc + 8)].sum()) // 64, zf, z_aligned, int(best_q[k, 0, 0])))
    return out


def lattice_z(y: np.ndarray, box: tuple[int, int, int, int], luma_q: np.ndarray, shift: tuple[int, int],
              quality: int, ratio: float, min_sel: int = 20) -> float | None:
    """Binomial z of the lattice of IJG ``quality`` on grid ``shift`` inside ``box`` (None: too few
    coefficients)."""
    H, W = y.shape
    x0, y0, x1, y1 = box
    sx, sy = shift
    # first block origin at or after x0 with x = sx (mod 8)
    bx0 = x0 + ((sx - x0) % 8)
    by0 = y0 + ((sy - y0) % 8)
    nbx, nby = (min(W, x1) - bx0) // 8, (min(H, y1) - by0) // 8
    if nbx < 2 or nby < 2 or bx0 < 0 or by0 < 0:
        return None
    blocks = y[by0:by0 + nby * 8, bx0:bx0 + nbx * 8].astype(np.float32) - 128.0
    B = blocks.reshape(nby, 8, nbx, 8).transpose(0, 2, 1, 3).reshape(-1, 64)
    basis = np.stack([k.ravel() for k in _kernels()])  # (8, 64), same layout as the blocks (row-major)
    Cm = B @ basis.T
    Qf = np.maximum(luma_q[FREQ].astype(np.float32), 1.0)
    tol = 0.5 * Qf + 1.0
    T = _ijg_freq(quality)
    use = T >= ratio * Qf
    if use.sum() < 2:
        return None
    Cu, Tu, tu = Cm[:, use], T[use], tol[use]
    sel = np.abs(Cu) >= 0.75 * Tu
    hit = (np.abs(Cu - Tu * np.rint(Cu / Tu)) <= tu) & sel
    p0 = np.minimum(2 * tu / Tu, 0.9)
    n, h, e = float(sel.sum()), float(hit.sum()), float((sel * p0).sum())
    if n < min_sel:
        return None
    return (h - e) / math.sqrt(max(e * (1 - e / n), 1.0))


@dataclass
class Found:
    box: tuple[int, int, int, int]  # stored full-resolution pixels
    shift: tuple[int, int]
    quality: int
    z: float  # lattice z over the grown region
    contrast: float  # the seed window's z above the median of the other shifts
    reference_z: float  # median z of the same lattice on ordinary windows
    tiles: int
    level: float  # the seed window's noise level / document


def detect(y: np.ndarray, roi_cells: np.ndarray | None, luma_q: np.ndarray, cfg: Any,
           timings: dict[str, float] | None = None) -> list[Found]:
    """Regions of ``y`` (a JPEG's full-resolution luma, stored orientation) on a foreign 8 x 8 grid."""
    import time

    t0 = time.perf_counter()
    cands, ordinary, _ = quiet_windows(y, roi_cells, cfg)
    t1 = time.perf_counter()
    ratio = TABLE_RATIO
    scans = lattice_scan(y, [w.box for w in cands], luma_q, ratio) if cands else []
    t2 = time.perf_counter()
    # a seed: a window whose best grid (a foreign one, or the file's own with a coarser earlier table) stands
    # far above the other shifts
    seeds = []
    for w, s in zip(cands, scans, strict=True):
        if s is None:
            continue
        if s.z > s.z_aligned and s.contrast >= SEED:
            seeds.append((w, s))
        elif s.z_aligned - s.z_median >= SEED:
            seeds.append((w, Scan((0, 0), s.q_aligned, s.z_aligned, s.z_median, s.blocks, s.zmap, s.z_aligned,
                                  s.q_aligned)))
    seeds.sort(key=lambda ws: -ws[1].contrast)
    out: list[Found] = []
    H, W = y.shape
    tile = 64
    for w, s in seeds:
        cx, cy = (w.box[0] + w.box[2]) // 2, (w.box[1] + w.box[3]) // 2
        if any(f.box[0] <= cx <= f.box[2] and f.box[1] <= cy <= f.box[3] for f in out):
            continue
        refs = [z for z in (lattice_z(y, o.box, luma_q, s.shift, s.quality, ratio) for o in ordinary) if z is not None]
        ref = float(np.median(refs)) if refs else 0.0
        if ref >= s.z - SEED:  # the whole document carries this lattice: its history, not an edit
            continue
        # grow over 64 px tiles around the seed (a field is a line of text): keep tiles on the same lattice far
        # above what ordinary content shows on it (the binomial z of wrong lattices is not 0: coefficient
        # densities fall off, so windows off any lattice still score ~4-7)
        tile_min = TILE_Z + ref * math.sqrt(64 * 64 / (96 * 64))
        gx = range(-3, 4)
        gy = range(-1, 2)
        bx0 = w.box[0] // tile * tile
        by0 = w.box[1] // tile * tile
        keep = np.zeros((len(gy), len(gx)), bool)
        for i, dy in enumerate(gy):
            for j, dx in enumerate(gx):
                b = (bx0 + dx * tile, by0 + dy * tile, bx0 + (dx + 1) * tile, by0 + (dy + 1) * tile)
                if b[0] < 0 or b[1] < 0 or b[2] > W or b[3] > H:
                    continue
                if roi_cells is not None:
                    r0, c0 = b[1] // 32, b[0] // 32
                    rr0, cc0 = min(r0, roi_cells.shape[0] - 1), min(c0, roi_cells.shape[1] - 1)
                    if not roi_cells[rr0:r0 + 2, cc0:c0 + 2].all():
                        continue
                z = lattice_z(y, b, luma_q, s.shift, s.quality, ratio, min_sel=8)
                keep[i, j] = z is not None and z >= tile_min
        n, lab = cv2.connectedComponents(keep.astype(np.uint8), connectivity=8)
        seed_lab = lab[1, 3] if keep[1, 3] else 0
        if seed_lab == 0:
            # the seed's own tiles may straddle the field's edge: take the component nearest the seed
            seed_lab = int(np.bincount(lab[keep]).argmax()) if keep.any() else 0
        if seed_lab:
            ii, jj = np.nonzero(lab == seed_lab)
            box = (bx0 + (int(jj.min()) - 3) * tile, by0 + (int(ii.min()) - 1) * tile,
                   bx0 + (int(jj.max()) - 2) * tile, by0 + (int(ii.max())) * tile)
            box = (min(box[0], w.box[0]), min(box[1], w.box[1]), max(box[2], w.box[2]), max(box[3], w.box[3]))
            tiles = int((lab == seed_lab).sum())
        else:
            box, tiles = w.box, 0
        # one field found from several seeds: one region (same grid, boxes touching or within a tile)
        merged = True
        while merged:
            merged = False
            for k, f in enumerate(out):
                if f.shift == s.shift and box[0] <= f.box[2] + tile and f.box[0] <= box[2] + tile \
                        and box[1] <= f.box[3] + tile and f.box[1] <= box[3] + tile:
                    box = (min(box[0], f.box[0]), min(box[1], f.box[1]), max(box[2], f.box[2]),
                           max(box[3], f.box[3]))
                    tiles += f.tiles
                    del out[k]
                    merged = True
                    break
        zt = lattice_z(y, box, luma_q, s.shift, s.quality, ratio)
        if zt is None or zt < cfg.grid_z:
            continue
        out.append(Found(box, s.shift, s.quality, float(zt), float(s.contrast), ref, tiles, w.level))
    if timings is not None:
        timings.update({"grid_windows": (t1 - t0) * 1000, "grid_scan": (t2 - t1) * 1000,
                        "grid_grow": (time.perf_counter() - t2) * 1000})
    return out
