"""The outline search's sampling as it was before it was made faster (idcheck ``74eee2e``), frozen: the reference
:mod:`.test_outline_sampling` compares the faster code with.  Not to be edited: the copies must stay what they were.
"""

import cv2
import numpy as np

from idcheck.image.document.quad import _line_intersection
from idcheck.image.document.refinement import (
    BENT,
    RECOVER_MIN_SUPPORT,
    REFINE_REACH,
    SIDE_TILTS_DEG,
    STRAIGHT,
    STRAIGHT_TOL_PX,
)

_OFFSETS = np.arange(-2, 3, dtype=np.float32)[:, None]

def edge_support_reference(quad: np.ndarray, gx: np.ndarray, gy: np.ndarray, strong: float, lab: np.ndarray,
                  step: float, min_contrast: float = 10.0) -> tuple[float, list[float]]:
    """How much of the in-frame perimeter is a real document border, 0..1.

    A sample point on a side counts when (a) the gradient across the side is strong
    within +-2 px (an edge is there) and (b) the colour a few pixels inside the quad
    differs from the colour a few pixels outside (the edge separates two surfaces,
    rather than crossing wood grain or fabric texture at random).
    """
    h, w = gx.shape
    c = quad.mean(axis=0)
    on = 0
    total = 0
    per_side = []
    for i in range(4):
        p, q = quad[i], quad[(i + 1) % 4]
        length = float(np.linalg.norm(q - p))
        if length < 4:
            per_side.append(0.0)
            continue
        n = int(length)
        t = np.linspace(0.05, 0.95, n)
        xs = p[0] + (q[0] - p[0]) * t
        ys = p[1] + (q[1] - p[1]) * t
        inside = (xs >= 2) & (xs < w - 2) & (ys >= 2) & (ys < h - 2)
        if not inside.any():
            per_side.append(-1.0)  # side entirely outside the frame: no evidence either way
            continue
        xs = xs[inside]
        ys = ys[inside]
        nx, ny = (q[1] - p[1]) / length, -(q[0] - p[0]) / length
        if (c[0] - p[0]) * nx + (c[1] - p[1]) * ny < 0:  # make the normal point inwards
            nx, ny = -nx, -ny
        # tolerate a couple of pixels of misfit: the strongest gradient across the side over offsets -2..2 (all five
        # sampled at once, 5 x n)
        xo = np.clip((xs[None, :] + _OFFSETS * nx).astype(np.int32), 0, w - 1)
        yo = np.clip((ys[None, :] + _OFFSETS * ny).astype(np.int32), 0, h - 1)
        best = np.abs(gx[yo, xo] * nx + gy[yo, xo] * ny).max(axis=0)
        xi = np.clip((xs + step * nx).astype(np.int32), 0, w - 1)
        yi = np.clip((ys + step * ny).astype(np.int32), 0, h - 1)
        xo = np.clip((xs - step * nx).astype(np.int32), 0, w - 1)
        yo = np.clip((ys - step * ny).astype(np.int32), 0, h - 1)
        diff = lab[yi, xi].astype(np.float32) - lab[yo, xo].astype(np.float32)
        contrast = np.sqrt((diff * diff).sum(axis=1))
        hits = int(np.count_nonzero((best > strong) & (contrast > min_contrast)))
        on += hits
        total += len(xs)
        per_side.append(hits / len(xs))
    return (on / total if total else 0.0), per_side


def refine_reference(quad: np.ndarray, gx: np.ndarray, gy: np.ndarray, strong: float,
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
    lines: list[tuple[np.ndarray, np.ndarray]] = []
    straight: list[float | None] = []
    for i in range(4):
        p, q = quad[i], quad[(i + 1) % 4]
        length = float(np.linalg.norm(q - p))
        d = (q - p) / max(length, 1e-6)
        nrm = np.array([d[1], -d[0]], np.float32)
        if float(np.dot(c - p, nrm)) < 0:
            nrm = -nrm  # inwards
        n = int(np.clip(length / 2, 16, 160))
        t = np.linspace(0.08, 0.92, n, dtype=np.float32)
        pts = p[None, :] + (q - p)[None, :] * t[:, None]
        inside = ((pts[:, 0] >= search + 1) & (pts[:, 0] < w - search - 2)
                  & (pts[:, 1] >= search + 1) & (pts[:, 1] < h - search - 2))
        if inside.sum() < max(8, 0.3 * n) or i == keep:
            lines.append((p, d))
            straight.append(None)
            continue
        pts = pts[inside]
        cand = pts[:, None, :] + offs[None, :, None] * nrm[None, None, :]  # samples x offsets x 2
        xi = np.clip(np.round(cand[..., 0]).astype(np.int32), 0, w - 1)
        yi = np.clip(np.round(cand[..., 1]).astype(np.int32), 0, h - 1)
        g = np.abs(gx[yi, xi] * nrm[0] + gy[yi, xi] * nrm[1])
        best = np.argmax(g, axis=1)
        val = g[np.arange(len(pts)), best]
        edge = cand[np.arange(len(pts)), best][val >= strong]
        if len(edge) < max(6, 0.25 * len(pts)):
            lines.append((p, d))
            straight.append(0.0 if len(pts) else None)
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
        straight.append(float(inl.sum()) / len(pts))
        lines.append((lp, ld))
    out = quad.copy()
    for i in range(4):
        x = _line_intersection(lines[(i - 1) % 4], lines[i])
        # a corner may only move by the search distance plus a little (lines nearly parallel: keep it)
        if x is not None and np.all(np.isfinite(x)) and np.linalg.norm(x - quad[i]) <= 3 * search:
            out[i] = x
    return out, straight


def recover_side_reference(quad: np.ndarray, straight: list[float | None], gx: np.ndarray, gy: np.ndarray,
                 strong: float) -> np.ndarray | None:
    """Re-find one side that follows no straight edge (a finger or a hand bent the outline there).

    Only when exactly one in-frame side is bad and its opposite and both neighbours are straight: the
    missing side is searched as the line, nearly parallel to the opposite side (+-4 degrees of
    perspective), between the two neighbouring side lines, with the most strong edge along it.
    """
    bad = [i for i, st in enumerate(straight) if st is not None and st < BENT]
    if len(bad) == 2 and (bad[1] - bad[0]) in (1, 3):
        return None  # two bad sides: not compared here
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
    t = np.linspace(0.1, 0.9, 60, dtype=np.float32)
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
            xi = np.clip(np.rint(pts[..., 0] + k * nrm[0]), 0, w - 1).astype(np.int32)
            yi = np.clip(np.rint(pts[..., 1] + k * nrm[1]), 0, h - 1).astype(np.int32)
            g = np.maximum(g, np.abs(gx[yi, xi] * nrm[0] + gy[yi, xi] * nrm[1]))
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


def support_along_reference(p: np.ndarray, d: np.ndarray, t0: float, t1: float, gx: np.ndarray, gy: np.ndarray,
                   strong: float) -> float:
    h, w = gx.shape
    t = np.linspace(t0, t1, 50, dtype=np.float32)
    pts = p[None, :] + d[None, :] * t[:, None]
    ok = (pts[:, 0] >= 1) & (pts[:, 0] < w - 2) & (pts[:, 1] >= 1) & (pts[:, 1] < h - 2)
    if ok.sum() < 25:
        return 0.0
    pts = pts[ok]
    nrm = np.array([-d[1], d[0]], np.float32) / max(float(np.linalg.norm(d)), 1e-6)
    g = np.zeros(len(pts), np.float32)
    for k in (-1.0, 0.0, 1.0):
        xi = np.clip(np.round(pts[:, 0] + k * nrm[0]).astype(np.int32), 0, w - 1)
        yi = np.clip(np.round(pts[:, 1] + k * nrm[1]).astype(np.int32), 0, h - 1)
        g = np.maximum(g, np.abs(gx[yi, xi] * nrm[0] + gy[yi, xi] * nrm[1]))
    return float(np.count_nonzero(g >= strong)) / len(pts)


def group_reference(segs: np.ndarray, min_len: float, angle_tol: float = 3.0,
           dist_tol: float = 2.5) -> list[tuple[np.ndarray, np.ndarray, list[list[float]], float]]:
    """Segments on one straight line (within ``angle_tol`` degrees and ``dist_tol`` px) joined, longest first:
    (point, unit direction, covered intervals along it, covered length) per line.  A border broken by a finger,
    a glint or a rounded print is one line with gaps."""
    p, q = segs[:, :2], segs[:, 2:]
    d = q - p
    L = np.hypot(d[:, 0], d[:, 1])
    keep = L >= min_len
    p, q, d, L = p[keep], q[keep], d[keep], L[keep]
    order = np.argsort(-L)
    P0: list[np.ndarray] = []
    U: list[np.ndarray] = []
    IV: list[list[tuple[float, float]]] = []
    cos_tol = np.cos(np.radians(angle_tol))
    for k in order:
        u = d[k] / L[k]
        placed = False
        if P0:
            points, dirs = np.array(P0), np.array(U)
            normals = np.stack([-dirs[:, 1], dirs[:, 0]], 1)
            par = np.abs(dirs @ u) >= cos_tol
            off_p = np.abs(((p[k] - points) * normals).sum(1))
            off_q = np.abs(((q[k] - points) * normals).sum(1))
            hit = np.flatnonzero(par & (off_p <= dist_tol) & (off_q <= dist_tol))
            if len(hit):
                i = hit[0]
                t0, t1 = sorted(((p[k] - P0[i]) @ U[i], (q[k] - P0[i]) @ U[i]))
                IV[i].append((t0, t1))
                placed = True
        if not placed:
            P0.append((p[k] + q[k]) / 2)
            U.append(u)
            IV.append([(-L[k] / 2, L[k] / 2)])
    out = []
    for p0, u, iv in zip(P0, U, IV, strict=True):
        iv.sort()
        merged = [list(iv[0])]
        for a, b in iv[1:]:
            if a <= merged[-1][1] + 2:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        out.append((p0, u, merged, sum(b - a for a, b in merged)))
    return out


def order_corners_reference(pts: np.ndarray) -> np.ndarray:
    """Four points -> TL, TR, BR, BL (clockwise in image coordinates, starting nearest the top-left)."""
    pts = np.asarray(pts, np.float32).reshape(4, 2)
    c = pts.mean(axis=0)
    ang = np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0])
    pts = pts[np.argsort(ang)]  # clockwise on screen (y down), starting at the left-most angle (-pi)
    start = int(np.argmin(pts[:, 0] + pts[:, 1]))
    return np.roll(pts, -start, axis=0)
