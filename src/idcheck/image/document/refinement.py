"""Snapping an outline's sides to the straight edges beside them, re-finding a bent side or corner, and
measuring edge support (along the whole outline, and where it runs out of the picture)."""

from __future__ import annotations

import functools

import cv2
import numpy as np

from .quad import _line_intersection

REFINE_REACH = 0.025  # share of the short side searched across a side (the licence's printed frame line: 3.8% inside)
STRAIGHT_TOL_PX = 1.5  # px: an edge point this close to the fitted line counts for the side's straightness
BENT = 0.5  # straightness below which a side is taken as bent (by a finger or a hand) and re-found
STRAIGHT = 0.7  # straightness the other sides need for a bent side or corner to be re-found from them
RECOVER_MIN_SUPPORT = 0.6  # share of a re-found side's samples on a strong edge, at least
SIDE_TILTS_DEG = (-4.0, -2.0, 0.0, 2.0, 4.0)  # a re-found side against its opposite side (perspective)
CORNER_TILTS_DEG = np.arange(-6.0, 6.5, 1.0)  # the two sides at a covered corner against their opposite sides
CUT_STRETCH = (0.8, 0.97)  # the last in-frame stretch of a side running out of the picture, share of the way out


_OFFSETS = np.arange(-2, 3, dtype=np.float32)[:, None]  # across a side, px (see _edge_support)


@functools.lru_cache(maxsize=512)
def _fractions(start: float, stop: float, n: int, dtype: type = np.float64) -> np.ndarray:
    """``np.linspace(start, stop, n, dtype=dtype)``, read-only and computed once per arguments: the sample
    positions along a side (a side of the same length is sampled at the same fractions by every outline judged;
    cut_support's stretches vary, and the cache is bounded)."""
    t: np.ndarray = np.linspace(start, stop, n, dtype=dtype)
    t.flags.writeable = False
    return t


def _within(idx: np.ndarray, size: int) -> np.ndarray:
    """``np.clip(idx, 0, size - 1)`` for integer pixel indices, without np.clip's per-call overhead (~10 us,
    more than the clipping itself on a side's few hundred samples)."""
    return np.minimum(np.maximum(idx, 0), size - 1)


def _edge_support(quad: np.ndarray, gx: np.ndarray, gy: np.ndarray, strong: float, lab: np.ndarray,
                  step: float, min_contrast: float = 10.0) -> tuple[float, list[float]]:
    """How much of the in-frame perimeter is a real document border, 0..1.

    A sample point on a side counts when (a) the gradient across the side is strong
    within +-2 px (an edge is there) and (b) the colour a few pixels inside the quad
    differs from the colour a few pixels outside (the edge separates two surfaces,
    rather than crossing wood grain or fabric texture at random).
    """
    h, w = gx.shape
    c = quad.mean(axis=0)
    per_side = [0.0] * 4
    # every side's in-frame samples and their inward normal, sampled together below (one gather for the four sides)
    xs_all, ys_all, nx_all, ny_all, sampled = [], [], [], [], []
    for i in range(4):
        p, q = quad[i], quad[(i + 1) % 4]
        length = float(np.linalg.norm(q - p))
        if length < 4:
            continue  # too short to judge: 0
        t = _fractions(0.05, 0.95, int(length))
        xs = p[0] + (q[0] - p[0]) * t
        ys = p[1] + (q[1] - p[1]) * t
        inside = (xs >= 2) & (xs < w - 2) & (ys >= 2) & (ys < h - 2)
        if not inside.any():
            per_side[i] = -1.0  # side entirely outside the frame: no evidence either way
            continue
        xs = xs[inside]
        ys = ys[inside]
        nx, ny = (q[1] - p[1]) / length, -(q[0] - p[0]) / length
        if (c[0] - p[0]) * nx + (c[1] - p[1]) * ny < 0:  # make the normal point inwards
            nx, ny = -nx, -ny
        xs_all.append(xs)
        ys_all.append(ys)
        nx_all.append(np.full(len(xs), nx))  # the normal's own dtype (float32 for a float32 quad)
        ny_all.append(np.full(len(xs), ny))
        sampled.append(i)
    if not sampled:
        return 0.0, per_side
    xs, ys = np.concatenate(xs_all), np.concatenate(ys_all)
    nx, ny = np.concatenate(nx_all), np.concatenate(ny_all)
    # tolerate a couple of pixels of misfit: the strongest gradient across the side over offsets -2..2 (all five
    # sampled at once, 5 x n); pixels are read by flat index (one take, not a 2-D fancy index)
    at = (_within((ys[None, :] + _OFFSETS * ny).astype(np.int32), h) * w
          + _within((xs[None, :] + _OFFSETS * nx).astype(np.int32), w))
    best = np.abs(gx.take(at) * nx + gy.take(at) * ny).max(axis=0)
    at_in = (_within((ys + step * ny).astype(np.int32), h) * w + _within((xs + step * nx).astype(np.int32), w))
    at_out = (_within((ys - step * ny).astype(np.int32), h) * w + _within((xs - step * nx).astype(np.int32), w))
    colours = lab.reshape(-1, 3)
    diff = colours[at_in].astype(np.float32) - colours[at_out].astype(np.float32)
    contrast = np.sqrt((diff * diff).sum(axis=1))
    hit = (best > strong) & (contrast > min_contrast)
    counts = [len(x) for x in xs_all]
    hits = np.add.reduceat(hit.astype(np.int64), np.cumsum([0] + counts[:-1]))
    for i, n, k in zip(sampled, counts, hits.tolist(), strict=True):
        per_side[i] = k / n
    on, total = int(hits.sum()), len(xs)
    return (on / total if total else 0.0), per_side


def _refine_side_setup(quad: np.ndarray, c: np.ndarray, i: int, search: int, w: int, h: int) -> tuple[
        np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, int]:
    """Side ``i``'s start, unit direction, inward normal, in-frame sample points (None when too few of them are in
    the frame) and its number of samples, for :func:`refine`."""
    p, q = quad[i], quad[(i + 1) % 4]
    length = float(np.linalg.norm(q - p))
    d = (q - p) / max(length, 1e-6)
    nrm = np.array([d[1], -d[0]], np.float32)
    if float(np.dot(c - p, nrm)) < 0:
        nrm = -nrm  # inwards
    n = int(min(max(length / 2, 16), 160))  # np.clip(length / 2, 16, 160)
    t = _fractions(0.08, 0.92, n, np.float32)
    pts = p[None, :] + (q - p)[None, :] * t[:, None]
    inside = ((pts[:, 0] >= search + 1) & (pts[:, 0] < w - search - 2)
              & (pts[:, 1] >= search + 1) & (pts[:, 1] < h - search - 2))
    if inside.sum() < max(8, 0.3 * n):
        return p, d, nrm, None, n
    return p, d, nrm, pts[inside], n


def refine(quad: np.ndarray, gx: np.ndarray, gy: np.ndarray, strong: float,
           reach: float = REFINE_REACH, keep: int | None = None) -> tuple[np.ndarray, list[float | None]]:
    """Snap each side of ``quad`` to the straight edge next to it and say how straight that edge is.

    Along each side (its middle 84%, away from rounded corners) the strongest gradient across the side
    is looked for within +-``search`` px; a line is fitted through those edge points (Huber), and the side's
    *straightness* is the share of its in-frame sample points that have a strong edge within 1.5 px of
    that line.  A real document side is one straight edge over its whole length (a finger over it costs
    the part it covers); an outline that followed a hand, a shadow or background texture is not.
    Corners are re-computed as intersections of the fitted lines.  Sides outside the frame (or with too
    little of them in it), and side ``keep`` (one known only from where its neighbours end), keep their
    position and get ``None``.
    """
    h, w = gx.shape
    quad = quad.astype(np.float32)
    c = quad.mean(axis=0)
    short = min(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[1]))
    search = max(3, int(round(reach * short)))  # default 2.5%: the licence's printed frame line sits 3.8% inside
    offs = np.arange(-search, search + 1, dtype=np.float32)
    sides = [_refine_side_setup(quad, c, i, search, w, h) for i in range(4)]
    # the candidate edge points across every searched side, sampled at once (samples x offsets x 2)
    searched = {i: s[3] for i, s in enumerate(sides) if s[3] is not None and i != keep}  # side: its samples
    cand_of: dict[int, np.ndarray] = {}
    if searched:
        pts = np.concatenate(list(searched.values()))
        nrm = np.concatenate([np.broadcast_to(sides[i][2], p.shape) for i, p in searched.items()])
        cand = pts[:, None, :] + offs[None, :, None] * nrm[:, None, :]
        at = (_within(np.rint(cand[..., 1]).astype(np.int32), h) * w
              + _within(np.rint(cand[..., 0]).astype(np.int32), w))
        g = np.abs(gx.take(at) * nrm[:, 0:1] + gy.take(at) * nrm[:, 1:2])
        best = np.argmax(g, axis=1)
        rows = np.arange(len(pts))
        val = g[rows, best]
        peak = cand[rows, best]
        start = 0
        for i, p in searched.items():
            n_i = len(p)
            cand_of[i] = peak[start:start + n_i][val[start:start + n_i] >= strong]
            start += n_i
    lines: list[tuple[np.ndarray, np.ndarray]] = []
    straight: list[float | None] = []
    for i, (p, d, _, pts_i, _) in enumerate(sides):
        if i not in cand_of:
            lines.append((p, d))
            straight.append(None)
            continue
        assert pts_i is not None
        edge = cand_of[i]
        if len(edge) < max(6, 0.25 * len(pts_i)):
            lines.append((p, d))
            straight.append(0.0 if len(pts_i) else None)
            continue
        vx, vy, x0, y0 = cv2.fitLine(edge.reshape(-1, 1, 2), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        ld = np.array([vx, vy], np.float32)
        lp = np.array([x0, y0], np.float32)
        res = np.abs((edge[:, 0] - lp[0]) * ld[1] - (edge[:, 1] - lp[1]) * ld[0])
        inl = res <= STRAIGHT_TOL_PX
        if inl.sum() >= 6:  # refit on the inliers only
            vx, vy, x0, y0 = cv2.fitLine(edge[inl].reshape(-1, 1, 2), cv2.DIST_L2, 0, 0.01, 0.01).ravel()
            ld = np.array([vx, vy], np.float32)
            lp = np.array([x0, y0], np.float32)
        straight.append(float(inl.sum()) / len(pts_i))
        lines.append((lp, ld))
    out = quad.copy()
    for i in range(4):
        x = _line_intersection(lines[(i - 1) % 4], lines[i])
        # a corner may only move by the search distance plus a little (lines nearly parallel: keep it)
        if x is not None and np.all(np.isfinite(x)) and np.linalg.norm(x - quad[i]) <= 3 * search:
            out[i] = x
    return out, straight


def recover_side(quad: np.ndarray, straight: list[float | None], gx: np.ndarray, gy: np.ndarray,
                 strong: float) -> np.ndarray | None:
    """Re-find one side that follows no straight edge (a finger or a hand bent the outline there).

    Only when exactly one in-frame side is bad and its opposite and both neighbours are straight: the
    missing side is searched as the line, nearly parallel to the opposite side (+-4 degrees of
    perspective), between the two neighbouring side lines, with the most strong edge along it.
    """
    bad = [i for i, st in enumerate(straight) if st is not None and st < BENT]
    if len(bad) == 2 and (bad[1] - bad[0]) in (1, 3):
        return _recover_corner(quad, straight, bad, gx, gy, strong)
    if len(bad) != 1:
        return None
    i = bad[0]
    if any((s := straight[k]) is not None and s < STRAIGHT for k in ((i + 1) % 4, (i + 2) % 4, (i + 3) % 4)):
        return None
    h, w = gx.shape
    o0, o1 = quad[(i + 2) % 4], quad[(i + 3) % 4]  # the opposite side (runs the other way round)
    side_a = (quad[(i - 1) % 4], quad[i] - quad[(i - 1) % 4])  # the neighbour ending at corner i
    side_b = (quad[(i + 2) % 4], quad[(i + 1) % 4] - quad[(i + 2) % 4])  # the neighbour ending at corner i+1
    od = (o1 - o0) / max(float(np.linalg.norm(o1 - o0)), 1e-6)
    on = np.array([-od[1], od[0]], np.float32)
    if float(np.dot(quad[i] - o0, on)) < 0:
        on = -on  # towards the bad side
    olen = float(np.linalg.norm(o1 - o0))
    best, best_sup = None, RECOVER_MIN_SUPPORT
    t = _fractions(0.1, 0.9, 60, np.float32)
    offs = np.arange(0.3 * olen, 1.9 * olen, 1.0, dtype=np.float32)
    pa0, da = side_a
    pb0, db = side_b
    for deg in SIDE_TILTS_DEG:  # all offsets at once for each angle
        a = np.radians(deg)
        d = np.array([od[0] * np.cos(a) - od[1] * np.sin(a), od[0] * np.sin(a) + od[1] * np.cos(a)], np.float32)
        nrm = np.array([-d[1], d[0]], np.float32)
        base = ((o0 + o1) / 2)[None, :] + on[None, :] * offs[:, None]  # K x 2
        ends = []
        for p0, dd in ((pa0, da), (pb0, db)):
            den = dd[0] * d[1] - dd[1] * d[0]
            if abs(den) < 1e-6:
                break
            tt = ((base[:, 0] - p0[0]) * d[1] - (base[:, 1] - p0[1]) * d[0]) / den
            ends.append(p0[None, :] + tt[:, None] * dd[None, :])
        if len(ends) < 2:
            continue
        pa, pb = ends
        pts = pa[:, None, :] + (pb - pa)[:, None, :] * t[None, :, None]  # K x 60 x 2
        ok = (pts[..., 0] >= 1) & (pts[..., 0] < w - 2) & (pts[..., 1] >= 1) & (pts[..., 1] < h - 2)
        g = np.zeros(ok.shape, np.float32)
        for k in (-1.0, 0.0, 1.0):
            # clipped before the cast (a far-off line's points may lie beyond int32), read by flat index
            xi = np.minimum(np.maximum(np.rint(pts[..., 0] + k * nrm[0]), 0), w - 1).astype(np.int32)
            yi = np.minimum(np.maximum(np.rint(pts[..., 1] + k * nrm[1]), 0), h - 1).astype(np.int32)
            at = yi * w + xi
            g = np.maximum(g, np.abs(gx.take(at) * nrm[0] + gy.take(at) * nrm[1]))
        n_ok = ok.sum(axis=1)
        sup = np.where(n_ok >= 30, ((g >= strong) & ok).sum(axis=1) / np.maximum(n_ok, 1), 0.0)
        kbest = int(np.argmax(sup))
        if sup[kbest] > best_sup:
            best_sup, best = float(sup[kbest]), (pa[kbest], pb[kbest])
    if best is None:
        return None
    out = quad.copy()
    out[i], out[(i + 1) % 4] = best
    return out


def _support_along(p: np.ndarray, d: np.ndarray, t0: float, t1: float, gx: np.ndarray, gy: np.ndarray,
                   strong: float) -> float:
    h, w = gx.shape
    t = _fractions(t0, t1, 50, np.float32)
    pts = p[None, :] + d[None, :] * t[:, None]
    ok = (pts[:, 0] >= 1) & (pts[:, 0] < w - 2) & (pts[:, 1] >= 1) & (pts[:, 1] < h - 2)
    if ok.sum() < 25:
        return 0.0
    pts = pts[ok]
    nrm = np.array([-d[1], d[0]], np.float32) / max(float(np.linalg.norm(d)), 1e-6)
    g = np.zeros(len(pts), np.float32)
    for k in (-1.0, 0.0, 1.0):
        at = (_within(np.rint(pts[:, 1] + k * nrm[1]).astype(np.int32), h) * w
              + _within(np.rint(pts[:, 0] + k * nrm[0]).astype(np.int32), w))
        g = np.maximum(g, np.abs(gx.take(at) * nrm[0] + gy.take(at) * nrm[1]))
    return float(np.count_nonzero(g >= strong)) / len(pts)


def cut_support(quad: np.ndarray, gx: np.ndarray, gy: np.ndarray, strong: float, tol: float = 6.0) -> float | None:
    """How far a document said to run out of the picture really does, 0..1 (None: every corner is inside).

    Every side from a corner inside the picture to one outside it (or on its edge) must stay on a straight edge
    right up to the frame: the share of its last in-frame stretch (80-97% of the way to where it leaves the
    picture) with a strong edge across it.  A hand under the document, or a finger over its corner, merged
    with it and carried the outline out to the frame, leaves that stretch without the document's border: the
    document's own corner is in the picture.  The lowest of the stretches is returned.
    """
    h, w = gx.shape

    def out(p: np.ndarray) -> bool:
        return bool(p[0] <= tol or p[1] <= tol or p[0] >= w - tol or p[1] >= h - tol)

    worst: float | None = None
    t = _fractions(0.0, 1.0, 101, np.float32)
    for i in range(4):
        for a, b in ((i, (i + 1) % 4), ((i + 1) % 4, i)):
            p, q = quad[a], quad[b]
            if out(p) or not out(q):
                continue
            pts = p[None, :] + (q - p)[None, :] * t[:, None]
            inside = (pts[:, 0] > tol) & (pts[:, 1] > tol) & (pts[:, 0] < w - tol) & (pts[:, 1] < h - tol)
            t_exit = float(t[np.argmin(inside)]) if not inside.all() else 1.0  # first sample beyond the frame
            sup = _support_along(p, q - p, CUT_STRETCH[0] * t_exit, CUT_STRETCH[1] * t_exit, gx, gy, strong)
            worst = sup if worst is None else min(worst, sup)
    return worst


def _recover_corner(quad: np.ndarray, straight: list[float | None], bad: list[int], gx: np.ndarray,
                    gy: np.ndarray, strong: float) -> np.ndarray | None:
    """Two neighbouring sides bent by something over their common corner (a thumb on a corner): each is
    re-found as the line from its good far corner, nearly parallel (+-6 degrees) to its opposite side,
    with the most edge along the part nearest that good corner; the corner is their intersection."""
    i, j = (bad[0], bad[1]) if (bad[1] - bad[0]) == 1 else (bad[1], bad[0])  # side i then side j = i + 1
    if any((s := straight[k]) is None or s < STRAIGHT for k in ((i + 2) % 4, (i + 3) % 4)):
        return None
    c = (i + 1) % 4  # the shared (covered) corner
    lines = []
    for start, opp in ((quad[i], ((i + 2) % 4, (i + 3) % 4)), (quad[(j + 1) % 4], ((j + 2) % 4, (j + 3) % 4))):
        od = quad[opp[0]] - quad[opp[1]]  # opposite side, pointing the same way as start -> covered corner
        if float(np.dot(od, quad[c] - start)) < 0:
            od = -od
        best, best_sup = None, RECOVER_MIN_SUPPORT
        for deg in CORNER_TILTS_DEG:
            a = np.radians(deg)
            d = np.array([od[0] * np.cos(a) - od[1] * np.sin(a), od[0] * np.sin(a) + od[1] * np.cos(a)], np.float32)
            sup = _support_along(start, d, 0.1, 0.6, gx, gy, strong)
            if sup > best_sup:
                best_sup, best = sup, d
        if best is None:
            return None
        lines.append((start, best))
    x = _line_intersection(lines[0], lines[1])
    if x is None or not np.all(np.isfinite(x)):
        return None
    out = quad.copy()
    out[c] = x
    return out
