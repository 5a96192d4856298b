"""Region and edge-structure proposals: a mask of the document from colour, from Canny edges or from all
edges, and the quad enclosing a mask."""

from __future__ import annotations

import cv2
import numpy as np

from ..stats import median_u8

LIGHTNESS_WEIGHT = 0.36  # on squared L in the colour distance: shading changes L much more than a, b (L counts 0.6)
MIN_COLOUR_STEP = 30.0  # distance units (2 x Lab): foreground is at least ~15 Lab units from the background


def _fill_holes(mask: np.ndarray) -> np.ndarray:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = np.zeros_like(mask)
    if contours:
        cv2.drawContours(out, contours, -1, 255, -1)
    return out


def _largest_component(mask: np.ndarray) -> tuple[np.ndarray | None, int]:
    # plain labelling and a bincount of the labels: the same labels and areas as connectedComponentsWithStats,
    # whose statistics pass (boxes, centroids) cost 5x the labelling itself
    n, lab = cv2.connectedComponents(mask, connectivity=8)
    if n <= 1:
        return None, 0
    areas = np.bincount(lab.ravel(), minlength=n)
    i = 1 + int(np.argmax(areas[1:]))
    # 255 where lab == i (OpenCV's stubs want an array where a scalar operand is allowed)
    return cv2.compare(lab, i, cv2.CMP_EQ), int(areas[i])  # type: ignore[call-overload]


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
    planes = [ch.astype(np.float32) for ch in cv2.split(lab)]

    def distance(centre: np.ndarray) -> np.ndarray:
        # Lab distance with lightness down-weighted: shading changes L much more than a, b (per channel, not over a
        # strided last axis: 3x faster; each channel's difference taken once and squared in place)
        dl, da, db = (plane - float(v) for plane, v in zip(planes, centre, strict=True))
        cv2.multiply(dl, dl, dst=dl, scale=LIGHTNESS_WEIGHT)
        cv2.multiply(da, da, dst=da)
        cv2.multiply(db, db, dst=db)
        return cv2.sqrt(dl + da + db)

    dist = [distance(c) for c in centres]
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
        t = max(t, MIN_COLOUR_STEP)
        masks.append((d8 > t).astype(np.uint8) * 255)
    return masks


def _canny(gray: np.ndarray) -> np.ndarray:
    """Canny edges after a 5 x 5 median that removes fine texture, thresholds relative to the median grey."""
    g = cv2.medianBlur(gray, 5)
    med = median_u8(g) if g.dtype == np.uint8 else float(np.median(g))
    return cv2.Canny(g, max(10.0, 0.25 * med), max(25.0, 0.6 * med))


def _edge_outlines(gray: np.ndarray, min_area: float, limit: int = 3,
                   edges: np.ndarray | None = None) -> list[np.ndarray]:
    """Convex hulls of the biggest connected Canny-edge structures (after a median that removes fine texture).

    Hulls, not closed contours: a document's outline often has a gap (a faint rounded
    corner, a finger), and its hull is still the document.  ``edges``: :func:`_canny` of ``gray``, when the
    caller has it already (it is not modified).
    """
    if edges is None:
        edges = _canny(gray)
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


def _all_edges_outline(gray: np.ndarray, min_area: float, edges: np.ndarray | None = None) -> np.ndarray | None:
    """Convex hull of every sizeable Canny structure away from the frame border.

    On a plain light desk the document's own outline is faint and broken, but its print makes edges
    all over it and the desk makes none: the hull of all edges is then the document.  On textured
    backgrounds this proposal is junk, and the judge (edge support, straightness) drops it.  ``edges``: as
    for :func:`_edge_outlines` (not modified either).
    """
    h, w = gray.shape
    edges = _canny(gray) if edges is None else edges.copy()
    ring = max(3, int(0.02 * min(h, w)))
    edges[:ring] = 0
    edges[-ring:] = 0
    edges[:, :ring] = 0
    edges[:, -ring:] = 0
    n, lab = cv2.connectedComponents(edges, connectivity=8)  # areas by bincount (see _largest_component)
    keep = np.zeros(n, bool)
    keep[1:] = np.bincount(lab.ravel(), minlength=n)[1:] >= 12
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
