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

The judge scores each quad by how much of its in-frame perimeter lies on a real
edge (gradient across the side), and by how well the foreground fills it.
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
    labf = lab.astype(np.float32)
    # Lab distance with lightness down-weighted: shading changes L much more than a, b
    wgt = np.array([0.6, 1.0, 1.0], np.float32)
    dist = [np.sqrt(((labf - c) * wgt) ** 2 @ np.ones(3, np.float32)) for c in centres]
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
    for fg in _colour_foreground(lab, ring):
        fg = cv2.morphologyEx(fg, cv2.MORPH_OPEN, kernel)
        fg = cv2.morphologyEx(fg, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9)))
        proposals.append(("colour", fg))
        noskin = cv2.morphologyEx(cv2.bitwise_and(fg, cv2.bitwise_not(skin)), cv2.MORPH_OPEN, kernel)
        proposals.append(("colour-skin", noskin))
    for outline in _edge_outlines(gray, min_share * w * h):
        proposals.append(("edges", outline))

    best: DocumentQuad | None = None
    frame = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    for method, mask in proposals:
        quad, fill = _quad_from_mask(mask)
        if quad is None:
            continue
        quad = order_corners(quad)
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
        cand = DocumentQuad(quad, float(score), float(fill), method, share,
                            {"edge_support": round(support, 3), "sides": [round(s, 3) for s in per_side]})
        if best is None or cand.score > best.score:
            best = cand
    if best is None or best.score < min_score:
        return None
    return best
