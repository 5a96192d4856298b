"""Finding the document (ID card, licence, passport page) in a photo: its four corners.

The search runs on a small copy (``detect_long_side`` px, default 512), where a
card filling a third of the frame still spans 200+ px, and returns the
quadrilateral in working-copy coordinates.

Two independent proposals, then one judge:

* **colour proposal** - the background is what lies along the picture's border.
  Its dominant colours (k-means on the outer ring) define "background"; pixels far
  from all of them (in Lab) are foreground.  Works for wood, fabric, dark cloth,
  a hand under the document, and keeps working when a corner leaves the frame.
* **edge proposal** - Canny edges, closed, and the biggest closed outline.  Works
  when the background has the paper's colour but the document's border makes an
  edge (a white card on a light desk; its shadow).

Each proposal is cleaned (largest component, holes filled), its convex hull taken
(so a finger biting into the outline does not bend the quad) and reduced to the
smallest enclosing quadrilateral (:func:`cv2.approxPolyN`).  When the document is
cut by the frame, the hull is a pentagon or a quad with a side on the frame edge;
the enclosing quad then extends past the frame, which is exactly the evidence
``document.corner_missing`` needs.

A third proposal, **all edges**, is the hull of every sizeable Canny structure away
from the frame border: on a plain light desk the document's outline is faint, but its
print is the only thing making edges.

Every proposal is then **refined and verified** (:func:`refine`, :func:`verify`): each
side is snapped to the straight edge beside it (strongest gradient across the side,
Huber line fit) and gets a *straightness* (share of the side on that line); corners
become intersections of the fitted lines.  A side bent by a finger or a hand is
re-found as the best-supported line nearly parallel to its opposite side
(:func:`recover_side`).  The **confidence** is the weakest in-frame side's straightness,
times plausibility of the corner angles (within ~25 degrees of square) and of the
proportions (ID card 1.586, page 1.414, with perspective), and zero when a side lying on
the frame edge is skin (a hand merged with the document).

The judge prefers confident outlines, then edge support (how much of the in-frame
perimeter lies on a real edge) and fill.  Checks that read the document from the quad
report errors only when ``confidence >= document.min_confidence``
(``ImageContext.document_confident``): a finding from a doubtful quad is worse than none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

CORNER_NAMES = ("top-left", "top-right", "bottom-right", "bottom-left")


@dataclass
class DocumentQuad:
    """A found document: corners in working-copy coordinates, ordered TL, TR, BR, BL as seen in the picture."""

    quad: np.ndarray  # 4 x 2 float32, working coordinates
    score: float  # 0..1, share of in-frame perimeter on a strong edge
    fill: float  # foreground area / quad area
    method: str
    frame_share: float  # quad area (clipped to the frame) / frame area
    details: dict[str, Any] = field(default_factory=dict)
    # 0..1: how far the outline is a real document's (straight sides, plausible angles and proportions);
    # see :func:`verify`.  Checks that would report an error from the quad require ``confidence >= min_confidence``.
    confidence: float = 1.0

    @property
    def long_side(self) -> float:
        """The longer of the two side pairs' mean lengths, working px."""
        a = (np.linalg.norm(self.quad[1] - self.quad[0]) + np.linalg.norm(self.quad[2] - self.quad[3])) / 2
        b = (np.linalg.norm(self.quad[3] - self.quad[0]) + np.linalg.norm(self.quad[2] - self.quad[1])) / 2
        return float(max(a, b))

    @property
    def short_side(self) -> float:
        a = (np.linalg.norm(self.quad[1] - self.quad[0]) + np.linalg.norm(self.quad[2] - self.quad[3])) / 2
        b = (np.linalg.norm(self.quad[3] - self.quad[0]) + np.linalg.norm(self.quad[2] - self.quad[1])) / 2
        return float(min(a, b))


def order_corners(pts: np.ndarray) -> np.ndarray:
    """Four points -> TL, TR, BR, BL (clockwise in image coordinates, starting nearest the top-left)."""
    pts = np.asarray(pts, np.float32).reshape(4, 2)
    c = pts.mean(axis=0)
    ang = np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0])
    pts = pts[np.argsort(ang)]  # clockwise on screen (y down), starting at the left-most angle (-pi)
    start = int(np.argmin(pts[:, 0] + pts[:, 1]))
    return np.roll(pts, -start, axis=0)


def _fill_holes(mask: np.ndarray) -> np.ndarray:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = np.zeros_like(mask)
    if contours:
        cv2.drawContours(out, contours, -1, 255, -1)
    return out


def _largest_component(mask: np.ndarray) -> tuple[np.ndarray | None, int]:
    n, lab, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n <= 1:
        return None, 0
    i = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    return (lab == i).astype(np.uint8) * 255, int(stats[i, cv2.CC_STAT_AREA])


def _colour_foreground(lab: np.ndarray, ring: int, keep_shares: tuple[float, ...] = (0.04, 0.15)) -> list[np.ndarray]:
    """Pixels whose colour is far from every dominant colour of the picture's outer ring.

    One mask per ``keep_shares`` value: a colour counts as background when at least
    that share of the ring has it.  A low share also removes a hand that touches
    the border only briefly; a high share keeps a document whose side runs along
    the border from being taken for background.  The judge picks between them.
    """
    h, w = lab.shape[:2]
    border = np.concatenate([
        lab[:ring].reshape(-1, 3), lab[-ring:].reshape(-1, 3),
        lab[ring:-ring, :ring].reshape(-1, 3), lab[ring:-ring, -ring:].reshape(-1, 3),
    ]).astype(np.float32)
    k = 4
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 12, 1.0)
    cv2.setRNGSeed(7)
    _, labels, centres = cv2.kmeans(border[:: max(1, len(border) // 4000)], k, None, criteria, 2, cv2.KMEANS_PP_CENTERS)
    counts = np.bincount(labels.ravel(), minlength=k) / labels.size
    ll, aa, bb = (ch.astype(np.float32) for ch in cv2.split(lab))
    # Lab distance with lightness down-weighted: shading changes L much more than a, b (per channel, not over a
    # strided last axis: 3x faster)
    dist = [cv2.sqrt(cv2.multiply(ll - float(c[0]), ll - float(c[0]), scale=0.36)
                     + cv2.multiply(aa - float(c[1]), aa - float(c[1]))
                     + cv2.multiply(bb - float(c[2]), bb - float(c[2]))) for c in centres]
    masks = []
    seen: set[tuple[bool, ...]] = set()
    for share in keep_shares:
        keep = tuple(bool(c >= share) for c in counts)
        if keep in seen or not any(keep):
            continue
        seen.add(keep)
        d = np.min(np.stack([dist[i] for i in range(k) if keep[i]]), axis=0)
        d8 = np.clip(d * 2, 0, 255).astype(np.uint8)
        t, _ = cv2.threshold(d8, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        t = max(t, 30.0)  # at least ~15 Lab units from the background
        masks.append((d8 > t).astype(np.uint8) * 255)
    return masks


def _edge_outlines(gray: np.ndarray, min_area: float, limit: int = 3) -> list[np.ndarray]:
    """Convex hulls of the biggest connected Canny-edge structures (after a median that removes fine texture).

    Hulls, not closed contours: a document's outline often has a gap (a faint rounded
    corner, a finger), and its hull is still the document.
    """
    g = cv2.medianBlur(gray, 5)
    med = float(np.median(g))
    edges = cv2.Canny(g, max(10.0, 0.25 * med), max(25.0, 0.6 * med))
    edges = cv2.morphologyEx(edges, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    hulls = [cv2.convexHull(c) for c in contours if len(c) >= 5]
    hulls = sorted((hh for hh in hulls if cv2.contourArea(hh) >= min_area), key=cv2.contourArea, reverse=True)
    outs = []
    for hh in hulls[:limit]:
        out = np.zeros_like(gray)
        cv2.fillConvexPoly(out, hh, 255)
        outs.append(out)
    return outs


def _all_edges_outline(gray: np.ndarray, min_area: float) -> np.ndarray | None:
    """Convex hull of every sizeable Canny structure away from the frame border.

    On a plain light desk the document's own outline is faint and broken, but its print makes edges
    all over it and the desk makes none: the hull of all edges is then the document.  On textured
    backgrounds this proposal is junk, and the judge (edge support, straightness) drops it.
    """
    h, w = gray.shape
    g = cv2.medianBlur(gray, 5)
    med = float(np.median(g))
    edges = cv2.Canny(g, max(10.0, 0.25 * med), max(25.0, 0.6 * med))
    ring = max(3, int(0.02 * min(h, w)))
    edges[:ring] = 0
    edges[-ring:] = 0
    edges[:, :ring] = 0
    edges[:, -ring:] = 0
    n, lab, stats, _ = cv2.connectedComponentsWithStats(edges, connectivity=8)
    keep = np.zeros(n, bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= 12
    pts = cv2.findNonZero((keep[lab]).astype(np.uint8))
    if pts is None or len(pts) < 50:
        return None
    hull = cv2.convexHull(pts)
    if cv2.contourArea(hull) < min_area:
        return None
    out = np.zeros_like(gray)
    cv2.fillConvexPoly(out, hull, 255)
    return out


def _quad_from_mask(mask: np.ndarray) -> tuple[np.ndarray | None, float]:
    comp, area = _largest_component(mask)
    if comp is None:
        return None, 0.0
    comp = _fill_holes(comp)
    contours, _ = cv2.findContours(comp, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    cnt = max(contours, key=cv2.contourArea)
    hull = cv2.convexHull(cnt)
    if len(hull) < 4:
        return None, 0.0
    try:
        quad = cv2.approxPolyN(hull, 4, epsilon_percentage=-1.0, ensure_convex=True)
    except cv2.error:
        return None, 0.0
    quad = np.asarray(quad, np.float32).reshape(-1, 2)
    if quad.shape[0] != 4:
        return None, 0.0
    qa = abs(cv2.contourArea(quad))
    fill = float(cv2.contourArea(cnt)) / qa if qa > 0 else 0.0
    return quad, fill


def _edge_support(quad: np.ndarray, gx: np.ndarray, gy: np.ndarray, strong: float, lab: np.ndarray,
                  step: float) -> tuple[float, list[float]]:
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
        best = np.zeros(len(xs), np.float32)
        for off in (-2, -1, 0, 1, 2):  # tolerate a couple of pixels of misfit
            xo = np.clip((xs + off * nx).astype(np.int32), 0, w - 1)
            yo = np.clip((ys + off * ny).astype(np.int32), 0, h - 1)
            best = np.maximum(best, np.abs(gx[yo, xo] * nx + gy[yo, xo] * ny))
        xi = np.clip((xs + step * nx).astype(np.int32), 0, w - 1)
        yi = np.clip((ys + step * ny).astype(np.int32), 0, h - 1)
        xo = np.clip((xs - step * nx).astype(np.int32), 0, w - 1)
        yo = np.clip((ys - step * ny).astype(np.int32), 0, h - 1)
        diff = lab[yi, xi].astype(np.float32) - lab[yo, xo].astype(np.float32)
        contrast = np.sqrt((diff * diff).sum(axis=1))
        hits = int(np.count_nonzero((best > strong) & (contrast > 10)))
        on += hits
        total += len(xs)
        per_side.append(hits / len(xs))
    return (on / total if total else 0.0), per_side


def _line_intersection(l1: tuple[np.ndarray, np.ndarray], l2: tuple[np.ndarray, np.ndarray]) -> np.ndarray | None:
    (p, d), (q, e) = l1, l2
    den = d[0] * e[1] - d[1] * e[0]
    if abs(den) < 1e-6:
        return None
    t = ((q[0] - p[0]) * e[1] - (q[1] - p[1]) * e[0]) / den
    return p + t * d


def refine(quad: np.ndarray, gx: np.ndarray, gy: np.ndarray, strong: float,
           reach: float = 0.025) -> tuple[np.ndarray, list[float | None]]:
    """Snap each side of ``quad`` to the straight edge next to it and say how straight that edge is.

    Along each side (its middle 84%, away from rounded corners) the strongest gradient across the side
    is looked for within +-``search`` px; a line is fitted through those edge points (Huber), and the side's
    *straightness* is the share of its in-frame sample points that have a strong edge within 1.5 px of
    that line.  A real document side is one straight edge over its whole length (a finger over it costs
    the part it covers); an outline that followed a hand, a shadow or background texture is not.
    Corners are re-computed as intersections of the fitted lines.  Sides outside the frame (or with too
    little of them in it) keep their position and get ``None``.
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
        inside = (pts[:, 0] >= search + 1) & (pts[:, 0] < w - search - 2) & (pts[:, 1] >= search + 1) & (pts[:, 1] < h - search - 2)
        if inside.sum() < max(8, 0.3 * n):
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
        inl = res <= 1.5
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


def _on_frame_edge(p: np.ndarray, q: np.ndarray, w: int, h: int, tol: float = 6.0) -> bool:
    return bool((p[0] <= tol and q[0] <= tol) or (p[1] <= tol and q[1] <= tol)
                or (p[0] >= w - tol and q[0] >= w - tol) or (p[1] >= h - tol and q[1] >= h - tol))


def recover_side(quad: np.ndarray, straight: list[float | None], gx: np.ndarray, gy: np.ndarray,
                 strong: float) -> np.ndarray | None:
    """Re-find one side that follows no straight edge (a finger or a hand bent the outline there).

    Only when exactly one in-frame side is bad and its opposite and both neighbours are straight: the
    missing side is searched as the line, nearly parallel to the opposite side (+-4 degrees of
    perspective), between the two neighbouring side lines, with the most strong edge along it.
    """
    bad = [i for i, st in enumerate(straight) if st is not None and st < 0.5]
    if len(bad) == 2 and (bad[1] - bad[0]) in (1, 3):
        return _recover_corner(quad, straight, bad, gx, gy, strong)
    if len(bad) != 1:
        return None
    i = bad[0]
    if any(straight[k] is not None and straight[k] < 0.7 for k in ((i + 1) % 4, (i + 2) % 4, (i + 3) % 4)):
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
    best, best_sup = None, 0.6
    t = np.linspace(0.1, 0.9, 60, dtype=np.float32)
    offs = np.arange(0.3 * olen, 1.9 * olen, 1.0, dtype=np.float32)
    pa0, da = side_a
    pb0, db = side_b
    for deg in (-4.0, -2.0, 0.0, 2.0, 4.0):  # all offsets at once for each angle
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


def _support_along(p: np.ndarray, d: np.ndarray, t0: float, t1: float, gx: np.ndarray, gy: np.ndarray,
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


def _recover_corner(quad: np.ndarray, straight: list[float | None], bad: list[int], gx: np.ndarray,
                    gy: np.ndarray, strong: float) -> np.ndarray | None:
    """Two neighbouring sides bent by something over their common corner (a thumb on a corner): each is
    re-found as the line from its good far corner, nearly parallel (+-6 degrees) to its opposite side,
    with the most edge along the part nearest that good corner; the corner is their intersection."""
    i, j = (bad[0], bad[1]) if (bad[1] - bad[0]) == 1 else (bad[1], bad[0])  # side i then side j = i + 1
    if any(straight[k] is None or straight[k] < 0.7 for k in ((i + 2) % 4, (i + 3) % 4)):
        return None
    c = (i + 1) % 4  # the shared (covered) corner
    lines = []
    for side, start, opp in ((i, quad[i], ((i + 2) % 4, (i + 3) % 4)), (j, quad[(j + 1) % 4], ((j + 2) % 4, (j + 3) % 4))):
        od = quad[opp[0]] - quad[opp[1]]  # opposite side, pointing the same way as start -> covered corner
        if float(np.dot(od, quad[c] - start)) < 0:
            od = -od
        best, best_sup = None, 0.6
        for deg in np.arange(-6.0, 6.5, 1.0):
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


def verify(quad: np.ndarray, straight: list[float | None], frame: tuple[int, int],
           skin: np.ndarray | None = None) -> tuple[float, dict[str, Any]]:
    """Confidence (0..1) that ``quad`` is a real document's outline, and why.

    * the weakest in-frame side's straightness (see :func:`refine`);
    * corner angles: a flat rectangle photographed from a phone's usual viewpoints keeps every corner
      within ~25 degrees of square;
    * proportions: after averaging opposite sides, long/short must be near an ID card's 1.586 or a
      page's 1.414 (1.2-1.9 allows for perspective foreshortening); for a document cut by the frame
      only an upper bound holds (see the code);
    * a side on the frame edge must not be lined with skin (a hand merged with the document): ``skin`` is
      a mask of clearly skin-coloured pixels (see :func:`detect`).
    """
    sides = [s for s in straight if s is not None]
    side_conf = min(sides) if sides else 0.0
    angles = []
    for i in range(4):
        a = quad[(i - 1) % 4] - quad[i]
        b = quad[(i + 1) % 4] - quad[i]
        cosang = float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-6))
        angles.append(float(np.degrees(np.arccos(np.clip(cosang, -1, 1)))))
    worst_angle = max(abs(a - 90.0) for a in angles)
    angle_conf = float(np.clip((35.0 - worst_angle) / 10.0, 0.0, 1.0))  # 1 up to 25 deg off square, 0 at 35
    s1 = (np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])) / 2
    s2 = (np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])) / 2
    ratio = float(max(s1, s2) / max(1e-6, min(s1, s2)))
    w, h = frame
    on_edge = [i for i in range(4) if _on_frame_edge(quad[i], quad[(i + 1) % 4], w, h)]
    side_len = [float(np.linalg.norm(quad[(i + 1) % 4] - quad[i])) for i in range(4)]
    if len(on_edge) == 1:
        # one side lies on the frame edge: the document is cut there.  The side opposite is whole; the two sides
        # across the cut are shorter than the document by an unknown amount, so they may be as short as they like,
        # but not longer than a document's proportions allow against the whole side
        i = on_edge[0]
        whole = max(1e-6, side_len[(i + 2) % 4])
        across = (side_len[(i + 1) % 4] + side_len[(i + 3) % 4]) / 2
        aspect_conf = float(np.clip((2.1 - across / whole) / 0.2, 0.0, 1.0))
    elif on_edge:
        # cut in two directions (a corner off the frame's corner): proportions unknown; but a small sliver in the
        # frame's corner (a hand, a patch of table) is not what the picture is of - full trust from 15% of the frame
        clipped, _ = cv2.intersectConvexConvex(quad.astype(np.float32),
                                               np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32))
        aspect_conf = float(np.clip(float(clipped) / (w * h) / 0.15, 0.0, 1.0))
    else:
        # 1 within 1.3-1.75 (A4 1.414 and ID card 1.586, +-8% of perspective), 0 beyond 1.2 / 1.85
        aspect_conf = float(np.clip(min(ratio - 1.2, 1.85 - ratio) / 0.1, 0.0, 1.0))
    skin_share = 0.0
    if skin is not None and on_edge:
        # ... unless what lies along that side is skin: a hand holding the document, merged with it
        c = quad.mean(axis=0)
        for i in on_edge:
            p, q = quad[i], quad[(i + 1) % 4]
            strip = np.array([p, q, q + 0.12 * (c - q), p + 0.12 * (c - p)], np.float32)
            m = np.zeros(skin.shape, np.uint8)
            cv2.fillConvexPoly(m, np.round(strip).astype(np.int32), 255)
            n = np.count_nonzero(m)
            if n:
                skin_share = max(skin_share, np.count_nonzero(skin[m > 0]) / n)
    skin_conf = float(np.clip((0.35 - skin_share) / 0.15, 0.0, 1.0))
    conf = side_conf * angle_conf * aspect_conf * skin_conf
    return conf, {"straightness": [None if s is None else round(s, 3) for s in straight],
                  "worst_angle_deg": round(worst_angle, 1), "aspect": round(ratio, 3),
                  "frame_edge_sides": on_edge, "edge_skin": round(skin_share, 3)}


def detect(rgb_small: np.ndarray, *, min_share: float = 0.04, min_score: float = 0.45) -> DocumentQuad | None:
    """Find the document in ``rgb_small`` (a reduced RGB copy); quad in the same coordinates, or None."""
    h, w = rgb_small.shape[:2]
    gray = cv2.cvtColor(rgb_small, cv2.COLOR_RGB2GRAY)
    lab = cv2.cvtColor(cv2.GaussianBlur(rgb_small, (5, 5), 0), cv2.COLOR_RGB2LAB)
    ring = max(3, int(0.03 * min(h, w)))
    gs = cv2.GaussianBlur(gray, (3, 3), 0).astype(np.float32)
    gx = cv2.Sobel(gs, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(gs, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    # "strong" = a step of ~12 grey levels; scaled down in dark, low-contrast pictures
    strong = max(3.0, min(12.0, float(np.percentile(np.hypot(gx, gy), 90)) * 0.8))

    proposals: list[tuple[str, np.ndarray]] = []
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    # skin tones (YCrCb box): a hand around or under the document is not part of it
    ycc = cv2.cvtColor(rgb_small, cv2.COLOR_RGB2YCrCb)
    skin = cv2.inRange(ycc, (40, 137, 77), (250, 180, 125))
    for fg in _colour_foreground(lab, ring, (0.04, 0.15, 0.35)):
        fg = cv2.morphologyEx(fg, cv2.MORPH_OPEN, kernel)
        fg = cv2.morphologyEx(fg, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9)))
        proposals.append(("colour", fg))
        noskin = cv2.morphologyEx(cv2.bitwise_and(fg, cv2.bitwise_not(skin)), cv2.MORPH_OPEN, kernel)
        proposals.append(("colour-skin", noskin))
    for outline in _edge_outlines(gray, min_share * w * h):
        proposals.append(("edges", outline))
    allq = _all_edges_outline(gray, min_share * w * h)
    if allq is not None:
        proposals.append(("all-edges", allq))
    # for judging a side on the frame edge, only clearly skin-coloured pixels: the skin-tone box, red (Cr >= 140)
    # and saturated (HSV S >= 55).  Cream or pinkish licence paper under warm light is in the box too, but measures
    # Cr 132-139 and S 25-35; hands measure Cr 148-157 and S ~100 (seed-1 fixtures)
    sat = cv2.cvtColor(rgb_small, cv2.COLOR_RGB2HSV)[:, :, 1]
    skin_any = cv2.bitwise_and(skin, ((ycc[:, :, 1] >= 140) & (sat >= 55)).astype(np.uint8) * 255)

    best: DocumentQuad | None = None
    seen: list[np.ndarray] = []
    frame = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    for method, mask in proposals:
        quad, fill = _quad_from_mask(mask)
        if quad is None:
            continue
        quad = order_corners(quad)
        if any(np.abs(quad - q).max() < 1.5 for q in seen):
            continue  # the same outline from another proposal (colour with and without skin, often)
        seen.append(quad)
        area = abs(cv2.contourArea(quad))
        clipped, _ = cv2.intersectConvexConvex(quad, frame)
        share = float(clipped) / (w * h)
        if share < min_share or area > 4.0 * w * h:
            continue
        support, per_side = _edge_support(quad, gx, gy, strong, lab, max(3.0, 0.012 * max(h, w)))
        # a quad glued to the whole frame is the frame, not a document
        if share > 0.97:
            support *= 0.5
        score = support * min(1.0, fill / 0.85)
        if share < abs(area) / (w * h) - 1e-3:
            score *= 0.97  # corners outside the frame: prefer an equally good quad inside it
        if score < 0.6 * min_score:  # hopeless even if refinement moved a side onto its edge
            continue
        rq, straight = refine(quad, gx, gy, strong)
        conf, why = verify(rq, straight, (w, h), skin_any)
        if conf < 0.8:  # a side far off its edge (hull of a broken outline): look further, twice
            wq, ws = refine(quad, gx, gy, strong, reach=0.08)
            wq, ws = refine(wq, gx, gy, strong)
            wconf, wwhy = verify(wq, ws, (w, h), skin_any)
            if wconf > conf + 0.1:
                rq, straight, conf, why = wq, ws, wconf, {**wwhy, "wide_search": True}
        if conf < 0.5:
            fixed = recover_side(order_corners(rq), straight, gx, gy, strong)
            if fixed is not None:
                fq, fs = refine(fixed, gx, gy, strong)
                fconf, fwhy = verify(fq, fs, (w, h), skin_any)
                if fconf > conf + 0.1:
                    rq, straight, conf, why = fq, fs, fconf, {**fwhy, "recovered_side": True}
        rq = order_corners(rq)
        # side i joins corners i and i+1 of the *ordered* quad (TL, TR, BR, BL)
        why["frame_edge_sides"] = [i for i in range(4) if _on_frame_edge(rq[i], rq[(i + 1) % 4], w, h)]
        clipped, _ = cv2.intersectConvexConvex(rq, frame)
        if not np.allclose(rq, quad):  # judge the refined outline, not the first guess
            support, per_side = _edge_support(rq, gx, gy, strong, lab, max(3.0, 0.012 * max(h, w)))
            score = support * min(1.0, fill / 0.85) * (0.5 if float(clipped) / (w * h) > 0.97 else 1.0)
        if score < min_score:
            continue
        cand = DocumentQuad(rq, float(score), float(fill), method, float(clipped) / (w * h),
                            {"edge_support": round(support, 3), "sides": [round(s, 3) for s in per_side], **why},
                            confidence=conf)
        # the judge: a confidently straight outline first, then edge support
        if best is None or (cand.score * (0.4 + 0.6 * conf)) > (best.score * (0.4 + 0.6 * best.confidence)):
            best = cand
    return best
