"""Copy-move: a block of the document pasted elsewhere on the same document.

Two stages:

1. **Candidates** (working copy, or for a document drawn small on it a 2 x 2
   average of the full-resolution JPEG: see :data:`DOC_PX`).  ORB keypoints at a
   single scale (a copied block is not resized) with unsteered descriptors (nor
   turned) inside the document; pairs of near-identical
   descriptors are found by multi-index hashing (pairs sharing one 32-bit
   chunk of the 256-bit descriptor, see :func:`near_pairs`): ~4 ms where a
   brute-force match of 3000 keypoints costs 30-50 ms.  Every pair votes for its displacement (3 px bins,
   sign-normalised, 3 x 3 neighbourhood summed); displacements with many votes
   whose source keypoints sit together (one block, not scattered repeats)
   become candidates.

2. **Verification** (full resolution for JPEG: ``ctx.full_luma``; the working
   copy otherwise).  Repeated printed glyphs, a security pattern or a repeated
   word all give keypoint clusters with one displacement, but each print
   carries its own sensor noise.  A copied block carries the *same* noise.  So
   the exact displacement is found from the high-pass residual
   (``cv2.matchTemplate`` over a part of the window, :data:`SEARCH_PX`),
   then the residuals of the two blocks are correlated
   over *flat* pixels only (away from any edge: two prints of one glyph have
   correlated edges, never correlated flat-paper noise), per 16 px cell.  The
   copied area is the connected set of cells whose correlation is high; it must
   hold enough flat pixels, and the document's flat pixels must carry noise at
   all (a noiseless synthetic image repeats exactly and is not judged).

Which of the two blocks is the copy: the pasted one has a seam along its
border (the content inside comes from elsewhere), the source continues
smoothly into its surroundings.  The seam is measured on the exact extent of
the identical area (where the two blocks differ by JPEG error only).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from .arrays import mask_box, median, sorted_unique

# -- tuning constants (moved from config.TamperConfig, issue 18: an operator never sets them; the decision
#    thresholds that grade a finding stay in Config.tamper).  Each: unit, then why this value.
# keypoint pairs: A copied block of text gives many keypoint pairs with one and the same displacement
MIN_MATCHES = 8

# keypoints: single-scale ORB on the keypoint image; a 2-3 glyph block must keep several beside a busy pattern
KEYPOINTS = 3000

# keypoint-image pixels: where the working copy shows the document's long side shorter than this and the file has
# the resolution (a JPEG at least VIEW_MIN_SCALE x the working copy, e.g. 12 MP against 1600 x 1200), the keypoints
# are found on the full-resolution luminance averaged over whole f x f blocks instead (f >= 2, the coarsest keeping
# the document at least this long, else 2).  Two prints of one glyph differ by the print, the perspective and the
# rendering, a copy by JPEG error and its sub-pixel phase only: on a document drawn small (a portrait page in a
# landscape 12 MP frame: 760-930 px long on the working copy) those differences fall under a pixel, repeated
# glyphs of fixed-pitch text outvote the copy (98-141 pairs against the copy's 14-29 on the small documents of the
# 12 MP forgery benchmark, unsteered) and the copy's cluster is not among the CLUSTERS verified.  With the 2 x 2
# average for those, the copy's cluster ranked first on 10 of the 12 copies, second on the other two.  The
# benchmark's default sizes show documents 960-1370 px long on the working copy, where 10 of 12 are found.  A
# whole-block average is one filter for every position (a copy keeps its pixels up to a half-pixel phase) and
# costs ~0.3 ms on a 12 MP document, where area resampling by a fraction cost 4-8 ms
DOC_PX = 1100.0

# working-copy scale (full-resolution pixels per working pixel): below this the f = 2 view is less than 1.2 x finer
# than the working copy and not worth its ~1.5 x keypoint cost (an 8 MP file: 2.04); an f x f view needs f / 2
# times this
VIEW_MIN_SCALE = 2.4

# bits (of 256): A copied keypoint and its source differ only by the final JPEG save and resampling (4-12 bits
# measured)
MAX_HAMMING = 15

# working-copy pixels: Neighbouring keypoints on one stroke match each other at a few pixels
MIN_SHIFT_PX = 10.0

# displacements: At most this many displacement clusters are verified (strongest first)
CLUSTERS = 6

# working-copy pixels: Source keypoints of one cluster are grouped on cells this size
GROUP_PX = 48.0

# working-copy pixels: A candidate is verified over at most this window around its keypoints' median (copied fields
# on the tuning seed spanned up to ~310 px)
MAX_BLOCK_PX = 400.0

# working-copy pixels: the exact displacement is searched with a square this wide around the candidate's keypoints
# (the smallest copied blocks of the forgery benchmark: 40 x 33 px; 128 px hold them and their surroundings)
SEARCH_PX = 128.0

# working-copy pixels: the keypoints sit on the glyphs; the verified window reaches this far to the block's margins
GROW_PX = 24.0

# correlation (0-1): A 16 px cell belongs to the copied area when the flat-pixel noise of the two blocks correlates
# above 0.5
CELL_CORR = 0.5

# correlation (0-1): sensor noise is white: a copied cell correlates at the exact displacement, not one pixel off
CELL_EXCESS = 0.25

# correlation of the residual with itself 2-8 px away (0-1): Sensor noise is white (self-correlation ~0 at any
# shift)
MAX_SELF_CORR = 0.3

# |A - B| / |A - B shifted 1 px|: The copied area extends as far as the two blocks differ by JPEG error only (ratio
# 0.15-0.5 on text, 0.6-0.77 on flat paper)
SAME_RATIO = 0.85

# grey levels (robust sigma of the high-pass residual): Below this the paper carries no sensor noise (synthetic or
# heavily denoised image)
MIN_NOISE = 0.5

# grey levels (3x3 gradient of the blurred picture): Pixels within ~3 px of any stroke, pattern line or shading edge
# above this step are left out of the noise comparison
EDGE_GREY = 8.0

# correlation (0-1): Over the whole copied area, the noise correlation at the exact displacement must exceed the
# best one pixel off by this much (copies measured 0.25-1.0 after a final save at 85-95)
MIN_EXCESS = 0.2

# ratio of outline steps: The block whose outline steps are 1.3x those of the other is taken as the pasted one (13
# of 13 decided cases right on the tuning seed)
SEAM_RATIO = 1.3

# cells (16 px at 1.5x the working copy): One cell of correlated noise happens by chance on untouched photos (3 of
# ~100 photos on the tuning seed, all single cells of 20-36 flat pixels)
MIN_CELLS = 2

# noise correlation x sqrt(flat pixels): The copied area's correlation must be this far beyond chance for its number
# of flat pixels
MIN_Z = 5.0


def near_pairs(des: np.ndarray, max_dist: int, max_run: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) of binary descriptors (n x 32 uint8) within ``max_dist`` bits, and their distances.

    Candidates share one 32-bit chunk of the 256-bit descriptor exactly: certain up to 7 differing bits
    (pigeonhole over 8 chunks), and most pairs up to 15 bits (about 4 in 5 at 12 bits).  Descriptors in runs
    of more than ``max_run`` sharing a chunk are paired only with their ``max_run`` neighbours (common,
    uninformative chunks; other chunks still pair them).  16-bit chunks would be exact to 15 bits but collide
    so often (~650k candidates for 3000 keypoints) that they cost 30 ms.
    """
    n = len(des)
    des = np.ascontiguousarray(des, np.uint8)
    d32 = des.view(np.uint32)
    cand = []
    rows = np.arange(n, dtype=np.uint64)
    for c in range(d32.shape[1]):
        # the chunks in stable order: each chunk with its row in the low 32 bits, one plain sort of distinct
        # 64-bit keys (a stable argsort of the 32-bit chunks is a merge sort: ~120 against ~16 us of CPU for 3000)
        keyed = np.sort((d32[:, c].astype(np.uint64) << np.uint64(32)) | rows)
        order = (keyed & np.uint64(0xFFFFFFFF)).astype(np.intp)
        ks = keyed >> np.uint64(32)
        for off in range(1, max_run):
            eq = ks[off:] == ks[:-off]
            if not eq.any():
                break
            i = order[:-off][eq]
            j = order[off:][eq]
            cand.append(np.minimum(i, j).astype(np.int64) * n + np.maximum(i, j))
    if not cand:
        return np.zeros((0, 2), np.int64), np.zeros(0, np.int32)
    u = sorted_unique(np.concatenate(cand))
    i, j = u // n, u % n
    d64 = des.view(np.uint64)  # 4 words of 64 bits: one popcount per word
    dist = np.bitwise_count(d64[i] ^ d64[j]).sum(1, dtype=np.int32)
    keep = dist <= max_dist
    return np.stack([i[keep], j[keep]], 1), dist[keep]


@dataclass
class Candidate:
    src: np.ndarray  # (n, 2) source keypoints (working coordinates)
    dst: np.ndarray  # (n, 2) their partners
    votes: int


def candidates(gray: np.ndarray, mask: np.ndarray, cfg: Any, px: float = 1.0) -> list[Candidate]:
    """Displacement clusters of near-identical keypoints inside ``mask`` on the keypoint image ``gray`` (the working
    copy, or a finer view of the document: ``px`` of its pixels per working-copy pixel; the lengths given in
    working-copy pixels above are scaled by it, the 3 px displacement bins are not: they are about where ORB places
    a keypoint, in its own image's pixels)."""
    orb = cv2.ORB_create(nfeatures=int(KEYPOINTS), scaleFactor=1.2, nlevels=1,  # type: ignore[attr-defined]
                         edgeThreshold=15, patchSize=15, fastThreshold=8)
    box = mask_box(mask)
    if box is None:
        return []
    m = 16  # ORB's border: keep a margin of picture around the document's box
    oy, ox = max(0, box[1] - m), max(0, box[0] - m)
    ey, ex = box[3] + m, box[2] + m
    crop = gray[oy:ey, ox:ex]
    kps = orb.detect(crop, mask[oy:ey, ox:ex])
    # descriptors without ORB's steering: a copy is not turned, while a keypoint's own orientation (the intensity
    # centroid of its 15 px patch) moves by up to ~10 degrees with the copy's sub-pixel phase on a resampled image
    # and turns every test of its descriptor: on the working copy the 12 MP forgery benchmark's copies gave 5-74
    # pairs steered against 14-119 unsteered (the copy's keypoints 15-30 bits apart against mostly under 10).
    # KeyPoint_convert there and back gives every keypoint one fixed
    # angle (-1 degree: the same tests as 0)
    kps, des = orb.compute(crop, cv2.KeyPoint_convert(cv2.KeyPoint_convert(kps)))  # type: ignore[attr-defined]
    if des is None or len(kps) < 20:
        return []
    # keypoint coordinates in C (a Python loop over 3000 keypoints cost ~1 ms)
    pts = cv2.KeyPoint_convert(kps).reshape(-1, 2) + np.array([ox, oy], np.float32)  # type: ignore[attr-defined]
    pairs, _ = near_pairs(des, int(MAX_HAMMING))
    if len(pairs) < MIN_MATCHES:
        return []
    a, b = pairs[:, 0], pairs[:, 1]
    d = pts[b] - pts[a]
    far = np.hypot(d[:, 0], d[:, 1]) >= MIN_SHIFT_PX * px
    a, b, d = a[far], b[far], d[far]
    if len(a) < MIN_MATCHES:
        return []
    key = np.rint(d / 3.0).astype(np.int64)
    flip = (key[:, 0] < 0) | ((key[:, 0] == 0) & (key[:, 1] < 0))
    key[flip] *= -1
    a, b = np.where(flip, b, a), np.where(flip, a, b)
    # votes on a 2-D grid of displacement bins (x >= 0), summed over 3 x 3 neighbouring bins
    H, W = gray.shape
    ry = int(H / 3) + 3
    kx, ky = key[:, 0], key[:, 1] + ry
    grid = np.zeros((2 * ry + 1, int(W / 3) + 3), np.float32)
    np.add.at(grid, (ky, kx), 1.0)
    smooth_grid = cv2.boxFilter(grid, -1, (3, 3), normalize=False, borderType=cv2.BORDER_CONSTANT)
    ukeys = sorted_unique(ky * grid.shape[1] + kx)
    uy, ux = ukeys // grid.shape[1], ukeys % grid.shape[1]
    smooth = smooth_grid[uy, ux]
    out: list[Candidate] = []
    chosen: list[tuple[int, int]] = []
    cell = float(GROUP_PX) * px
    for idx in np.argsort(-smooth, kind="stable"):
        if smooth[idx] < MIN_MATCHES or len(out) >= CLUSTERS:
            break
        cxk, cyk = int(ux[idx]), int(uy[idx])
        if any(abs(cxk - cx) <= 2 and abs(cyk - cy) <= 2 for cx, cy in chosen):
            continue
        chosen.append((cxk, cyk))
        near = (np.abs(kx - cxk) <= 1) & (np.abs(ky - cyk) <= 1)
        src, dst = pts[a[near]], pts[b[near]]
        # the densest spatial group of source points: a copied block, not repeats scattered over the document
        g = np.floor(src / cell).astype(np.int64)
        gmin = g.min(axis=0)
        g -= gmin
        occ = np.zeros((int(g[:, 1].max()) + 1, int(g[:, 0].max()) + 1), np.uint8)
        occ[g[:, 1], g[:, 0]] = 1
        n, lab = cv2.connectedComponents(occ, connectivity=8)
        comp = lab[g[:, 1], g[:, 0]]
        best = np.bincount(comp).argmax()
        sel = comp == best
        # a periodic pattern can chain cells over the whole document: verify at most a block-sized window
        # around the group's median point (a copied field is far smaller)
        half = 0.5 * float(MAX_BLOCK_PX) * px
        med = np.median(src[sel], axis=0)
        sel &= (np.abs(src - med) <= half).all(axis=1)
        if sel.sum() < MIN_MATCHES:
            continue
        out.append(Candidate(src[sel], dst[sel], int(sel.sum())))
    return out


@dataclass
class Verified:
    corr: float  # noise correlation over the copied area's flat pixels
    box_a: tuple[int, int, int, int]  # x0, y0, x1, y1 (analysis coordinates), first block
    shift: tuple[int, int]  # exact displacement (analysis pixels): box_b = box_a + shift
    flat_px: int
    cells: int
    seam_a: float
    seam_b: float
    off_corr: float  # the same correlation one pixel off the exact displacement (the best of four)

    @property
    def z(self) -> float:
        """Significance of the correlation: r * sqrt(n) (about N(0, 1) for independent noise)."""
        return self.corr * math.sqrt(self.flat_px)

    @property
    def box_b(self) -> tuple[int, int, int, int]:
        x0, y0, x1, y1 = self.box_a
        dx, dy = self.shift
        return (x0 + dx, y0 + dy, x1 + dx, y1 + dy)


def _hp(y: np.ndarray) -> np.ndarray:
    f = y.astype(np.float32)
    return f - cv2.GaussianBlur(f, (0, 0), 1.0)


def verify(y: np.ndarray, src: np.ndarray, dst: np.ndarray, scale: float, cfg: Any) -> Verified | None:
    """Check one candidate on ``y`` (analysis image); ``src``/``dst`` in analysis coordinates."""
    H, W = y.shape
    d = np.median(dst - src, axis=0)
    cell = max(8, int(round(16 * max(1.0, scale / 1.5))))
    grow = int(round(GROW_PX * scale))
    x0, y0 = np.floor(src.min(axis=0)).astype(int) - grow
    x1, y1 = np.ceil(src.max(axis=0)).astype(int) + grow
    r = int(math.ceil(scale)) + 2
    dxi, dyi = int(round(d[0])), int(round(d[1]))
    pad = 4  # the high-pass filter's border, cut off again after filtering
    # keep the source box and its displaced copy, plus the search margin *and* the filter pad, inside
    # the picture (a margin without the pad gave negative or clipped slices near the border: an empty
    # block reached cv2.GaussianBlur)
    m = r + pad + 1
    x0 = max(x0, m, m - dxi)
    y0 = max(y0, m, m - dyi)
    x1 = min(x1, W - m, W - m - dxi)
    y1 = min(y1, H - m, H - m - dyi)
    if x1 - x0 < 2 * cell or y1 - y0 < 2 * cell:
        return None
    # exact displacement: the noise residuals line up at one integer shift only.  Searched with the part of the
    # window around the keypoints' median, filtered on its own first (the 9-tap filter within the pad gives the same
    # residual as over the whole window): a copied block's noise lines up on any part of it, and most candidates
    # (repeats) end at this search, which over the whole window of a chained repeat (up to 1000 x 1000 px at 12 MP)
    # cost 10-15 ms each
    h, w = y1 - y0, x1 - x0
    t = int(round(SEARCH_PX * scale))
    mx, my = np.median(src, axis=0) - (x0, y0)
    tx0 = x0 + int(min(max(0, round(mx) - t // 2), max(0, w - t)))
    ty0 = y0 + int(min(max(0, round(my) - t // 2), max(0, h - t)))
    tw, th = min(t, w), min(t, h)
    hs = _hp(y[ty0 - pad:ty0 + th + pad, tx0 - pad:tx0 + tw + pad])[pad:-pad, pad:-pad]
    hbs = _hp(y[ty0 + dyi - r - pad:ty0 + th + dyi + r + pad, tx0 + dxi - r - pad:tx0 + tw + dxi + r + pad])
    res = cv2.matchTemplate(hbs[pad:-pad, pad:-pad], hs, cv2.TM_CCORR_NORMED)
    _, _, _, loc = cv2.minMaxLoc(res)
    lx, ly = loc
    if not (1 <= lx <= 2 * r - 1 and 1 <= ly <= 2 * r - 1):
        return None  # the best match sits on the search border: no copy at this displacement
    sx, sy = lx - r + dxi, ly - r + dyi
    # the same part first: without one cell of flat pixels whose noise correlates at the exact displacement there,
    # no copy (repeated print lines up here too, and passed the search; the whole window costs 5-15 ms more)
    if not _any_cell(hs, hbs[pad + ly:pad + ly + th, pad + lx:pad + lx + tw], y[ty0:ty0 + th, tx0:tx0 + tw],
                     y[ty0 + sy:ty0 + sy + th, tx0 + sx:tx0 + sx + tw], cell):
        return None
    # a texture repeating at this displacement (embossed paper, a woven pattern) is no single copy; asked only of the
    # candidates the cell test above kept (both only reject, so the order changes no result)
    if _repeats_beyond(y, hs, (tx0, ty0), (sx, sy), r, pad, float(res[ly, lx])):
        return None
    A = y[y0 - pad:y1 + pad, x0 - pad:x1 + pad]
    B = y[y0 + dyi - r - pad:y1 + dyi + r + pad, x0 + dxi - r - pad:x1 + dxi + r + pad]
    ha = _hp(A)[pad:-pad, pad:-pad]
    hbw = _hp(B)[pad:-pad, pad:-pad]  # the displaced block with an r-pixel search margin
    Ab = y[y0:y1, x0:x1]
    Bb = y[y0 + sy:y1 + sy, x0 + sx:x1 + sx]
    ga, gb = _edges(Ab), _edges(Bb)
    # the paper's own noise (robust, flat pixels of the first block): "noisy" is judged against it
    calm = (ga < EDGE_GREY) & (Ab > 8) & (Ab < 247)
    if calm.sum() < 50:
        return None
    noise_sigma = 1.4826 * float(median(np.abs(ha[calm])))
    if noise_sigma < MIN_NOISE:
        return None  # no sensor noise to compare (synthetic or heavily denoised): exact repeats prove nothing
    # "flat" = away from any edge in *both* blocks: two prints of a glyph have correlated edges, never
    # correlated flat-paper noise
    flat = (ga < EDGE_GREY) & (gb < EDGE_GREY) & (Ab > 8) & (Ab < 247) & (Bb > 8) & (Bb < 247)
    rows, cols = h // cell, w // cell
    if rows < 1 or cols < 1:
        return None
    hc, wc = rows * cell, cols * cell

    def cells(v: np.ndarray) -> np.ndarray:
        return v[:hc, :wc].reshape(rows, cell, cols, cell).sum(axis=(1, 3))

    fa = flat[:hc, :wc].astype(np.float32)
    pa = ha[:hc, :wc] * fa
    n = cells(fa)
    saa = cells(pa * pa)

    def corr_at(ox: int, oy: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        hb = hbw[ly + oy:ly + oy + hc, lx + ox:lx + ox + wc] * fa
        sab, sbb = cells(pa * hb), cells(hb * hb)
        return sab / np.sqrt(saa * sbb + 1e-6), sab, sbb

    # cells with noise on both sides that correlate at the exact displacement: without any, no copy (checked
    # first: most candidates on untouched photos end here, before the self-correlation and one-pixel-off passes;
    # every test below only rejects, so the order changes no result)
    corr, sab, sbb = corr_at(0, 0)
    level = 0.25 * noise_sigma ** 2
    noisy = (saa >= level * n) & (sbb >= level * n) & (n >= 20)
    hi = noisy & (corr >= CELL_CORR)
    if not hi.any():
        return None
    # sensor noise is white: it does not correlate with itself a few pixels away.  A photo of a screen (its pixel
    # grid), halftone print or moire leaves a *periodic* residual that repeats at every multiple of its period,
    # so two places a period apart "share noise" without any copying: no evidence then
    energy = float((pa * pa).sum()) + 1e-6
    self_corr = max(max(float((pa[:, :-k] * pa[:, k:]).sum()), float((pa[:-k] * pa[k:]).sum())) / energy
                    for k in range(2, 9))
    if self_corr >= MAX_SELF_CORR:
        return None
    # white sensor noise correlates at the exact displacement only; smooth structure (glyph tails, shading)
    # that leaks into "flat" pixels still correlates one pixel off
    offs = [corr_at(ox, oy) for ox, oy in ((1, 0), (-1, 0), (0, 1), (0, -1))]
    off = np.max([o[0] for o in offs], axis=0)
    hi &= corr - off >= CELL_EXCESS
    if not hi.any():
        return None
    nl, lab, stats, _ = cv2.connectedComponentsWithStats(hi.astype(np.uint8), connectivity=8)
    best = 1 + int(np.argmax([n[lab == i].sum() for i in range(1, nl)]))
    comp = lab == best
    tot = float(sab[comp].sum() / math.sqrt(saa[comp].sum() * sbb[comp].sum() + 1e-6))
    off_tot = max(float(o[1][comp].sum() / math.sqrt(saa[comp].sum() * o[2][comp].sum() + 1e-6)) for o in offs)
    flat_px = int(n[comp].sum())
    # exact extent: from the verified cells outwards, as far as the two blocks agree far better at the exact
    # displacement than one pixel off (|A - B| over |A - B(+1 px)|: JPEG error against content + noise, which
    # holds on text as on paper)
    D0 = cv2.absdiff(Ab, Bb).astype(np.float32)
    D1 = 0.5 * (cv2.absdiff(Ab, y[y0 + sy:y1 + sy, x0 + sx + 1:x1 + sx + 1]).astype(np.float32)
                + cv2.absdiff(Ab, y[y0 + sy + 1:y1 + sy + 1, x0 + sx:x1 + sx]).astype(np.float32))
    cx, cy, cw, ch = (int(v) for v in stats[best][:4])
    core = (cx * cell, cy * cell, (cx + cw) * cell, (cy + ch) * cell)
    k5 = np.ones(5, np.float32)

    def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:  # over 5 neighbouring lines
        return np.convolve(num, k5, "same") / (np.convolve(den, k5, "same") + 1e-3)

    bx0, by0, bx1, by1 = core
    for _ in range(2):  # columns over the rows found so far, then rows over those columns, twice
        bx0, bx1 = _walk(ratio(D0[by0:by1].sum(axis=0), D1[by0:by1].sum(axis=0)), bx0, bx1, SAME_RATIO)
        by0, by1 = _walk(ratio(D0[:, bx0:bx1].sum(axis=1), D1[:, bx0:bx1].sum(axis=1)), by0, by1,
                         SAME_RATIO)
    box = (x0 + bx0, y0 + by0, x0 + bx1, y0 + by1)
    seam_a, seam_b = _seams(Ab, Bb, D0, D1, (bx0, by0, bx1, by1))
    return Verified(tot, box, (int(sx), int(sy)), flat_px, int(comp.sum()), seam_a, seam_b, off_tot)


# share of the match at the candidate's displacement that the same part must also reach one displacement back (or
# twice it on): a copied block is pasted once, so its residual matches at d only; a texture with period d (embossed
# or corrugated paper, a woven card, a printed background pattern) matches at -d and 2d as well.  A real embossed
# sheet photographed untouched (p0050 of the development photos, emboss every 57 px) was a copy-move error when
# saved as PNG: its five candidates matched 0.15-0.29 at d and 0.7-1.1 times that at -d; a block pasted on plain
# noisy paper (tests) matches 1.0 at d and 0.03 at -d.
PERIODIC_SHARE = 0.6


def _repeats_beyond(y: np.ndarray, hs: np.ndarray, origin: tuple[int, int], shift: tuple[int, int], r: int,
                    pad: int, exact: float) -> bool:
    """Whether the search part ``hs`` (high-pass of ``y`` at ``origin``) also matches, within ``r`` px, at minus the
    ``shift`` or at twice it with at least :data:`PERIODIC_SHARE` of its ``exact`` match (normalised correlation)."""
    H, W = y.shape
    th, tw = hs.shape
    tx0, ty0 = origin
    for k in (-1, 2):
        bx, by = tx0 + k * shift[0], ty0 + k * shift[1]
        if bx - r - pad < 0 or by - r - pad < 0 or bx + tw + r + pad > W or by + th + r + pad > H:
            continue
        hb = _hp(y[by - r - pad:by + th + r + pad, bx - r - pad:bx + tw + r + pad])[pad:-pad, pad:-pad]
        if float(cv2.matchTemplate(hb, hs, cv2.TM_CCORR_NORMED).max()) >= PERIODIC_SHARE * exact:
            return True
    return False


def _any_cell(ha: np.ndarray, hb: np.ndarray, a: np.ndarray, b: np.ndarray, cell: int) -> bool:
    """Whether any ``cell``-px cell of two aligned blocks (residuals ``ha``/``hb``, pixels ``a``/``b``) holds 20 flat
    pixels whose residuals correlate at CELL_CORR or more: the first test of :func:`verify`, over part of its window
    and without its noise-level condition."""
    rows, cols = a.shape[0] // cell, a.shape[1] // cell
    if rows < 1 or cols < 1:
        return True  # too small to judge here: the whole window decides
    hc, wc = rows * cell, cols * cell
    flat = ((_edges(a) < EDGE_GREY) & (_edges(b) < EDGE_GREY) & (a > 8) & (a < 247) & (b > 8) & (b < 247))[:hc, :wc]
    fa = flat.astype(np.float32)
    pa, pb = ha[:hc, :wc] * fa, hb[:hc, :wc] * fa

    def cells(v: np.ndarray) -> np.ndarray:
        return v.reshape(rows, cell, cols, cell).sum(axis=(1, 3))

    n = cells(fa)
    corr = cells(pa * pb) / np.sqrt(cells(pa * pa) * cells(pb * pb) + 1e-6)
    return bool(((n >= 20) & (corr >= CELL_CORR)).any())


def _edges(a: np.ndarray) -> np.ndarray:
    """Edge strength that ignores sensor noise: the 3x3 morphological gradient of a blurred copy, spread by
    2 px so that pixels next to an edge count as edge too."""
    b = cv2.GaussianBlur(a, (0, 0), 1.5)
    g = cv2.morphologyEx(b, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    return cv2.dilate(g, np.ones((5, 5), np.uint8))


def _walk(p: np.ndarray, a: int, b: int, thr: float) -> tuple[int, int]:
    """Extend [a, b) over profile ``p`` while it stays at or below ``thr`` (stop at 2 px running above)."""
    k0 = a
    while k0 - 2 >= 0 and not (p[k0 - 1] > thr and p[k0 - 2] > thr):
        k0 -= 1
    k1 = b
    while k1 + 1 < len(p) and not (p[k1] > thr and p[k1 + 1] > thr):
        k1 += 1
    return k0, k1


def _seams(A: np.ndarray, B: np.ndarray, D0: np.ndarray, D1: np.ndarray, box: tuple[int, int, int, int],
           reach: int = 3) -> tuple[float, float]:
    """Which of the two identical blocks is pasted: (step score of block A, of block B), window coordinates.

    Each side of the identical area is placed exactly (within ``reach`` px of ``box``) at the sharpest
    change of the per-line ratio |A - B| / |A - B(+1 px)| from "identical" to "unrelated".  There the line
    just inside is the same in both places, and the line just outside is each place's own surroundings: the
    source continues smoothly (strokes carry on, same lighting), the pasted block jumps.  A block's score is
    its mean absolute step across the outline, length-weighted over the sides."""
    h, w = A.shape
    x0, y0, x1, y1 = box
    a16, b16 = A.astype(np.int16), B.astype(np.int16)
    tot_a = tot_b = 0.0
    weight = 0
    for axis in (1, 0):
        lo_, hi_ = (y0, y1) if axis == 1 else (x0, x1)
        if axis == 1:
            r = D0[y0:y1].sum(axis=0) / (D1[y0:y1].sum(axis=0) + 1e-3)
        else:
            r = D0[:, x0:x1].sum(axis=1) / (D1[:, x0:x1].sum(axis=1) + 1e-3)
        n = len(r)
        for edge, outward in (((x0 if axis == 1 else y0), -1), ((x1 if axis == 1 else y1), 1)):
            best, k_best = -1.0, None
            for k in range(edge - reach, edge + reach + 1):
                inside, outside = (k, k - 1) if outward < 0 else (k - 1, k)
                if 0 <= inside < n and 0 <= outside < n and r[outside] - r[inside] > best:
                    best, k_best = r[outside] - r[inside], (inside, outside)
            if k_best is None or best < 0.2:
                continue
            i_in, i_out = k_best
            if axis == 1:
                sa = float(np.abs(a16[lo_:hi_, i_out] - a16[lo_:hi_, i_in]).mean())
                sb = float(np.abs(b16[lo_:hi_, i_out] - b16[lo_:hi_, i_in]).mean())
            else:
                sa = float(np.abs(a16[i_out, lo_:hi_] - a16[i_in, lo_:hi_]).mean())
                sb = float(np.abs(b16[i_out, lo_:hi_] - b16[i_in, lo_:hi_]).mean())
            tot_a += sa * (hi_ - lo_)
            tot_b += sb * (hi_ - lo_)
            weight += hi_ - lo_
    if not weight:
        return 0.0, 0.0
    return tot_a / weight, tot_b / weight
