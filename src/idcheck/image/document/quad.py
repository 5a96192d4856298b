"""The found document (:class:`DocumentQuad`), corner order, and small line and frame geometry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
    # The other outlines the search judged plausible (the best first, this one included), for a later choice
    # by evidence the search does not have (:mod:`.print_fit`: the printed text the outline must contain).
    alternatives: list[DocumentQuad] = field(default_factory=list, repr=False, compare=False)

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
    return np.concatenate((pts[start:], pts[:start]))  # np.roll(pts, -start, axis=0), without its overhead


def _line_intersection(l1: tuple[np.ndarray, np.ndarray], l2: tuple[np.ndarray, np.ndarray]) -> np.ndarray | None:
    (p, d), (q, e) = l1, l2
    den = d[0] * e[1] - d[1] * e[0]
    if abs(den) < 1e-6:
        return None
    t = ((q[0] - p[0]) * e[1] - (q[1] - p[1]) * e[0]) / den
    return p + t * d


def _meet(P: np.ndarray, U: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Intersections of lines i and j (arrays of indices into points ``P`` and unit directions ``U``)."""
    den = U[i, 0] * U[j, 1] - U[i, 1] * U[j, 0]
    dp = P[j] - P[i]
    t = (dp[:, 0] * U[j, 1] - dp[:, 1] * U[j, 0]) / np.where(np.abs(den) < 1e-9, 1e-9, den)
    return P[i] + t[:, None] * U[i]


def _covered(intervals: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Length of lo..hi (positions along a line) that the line's segment ``intervals`` (... x K x 2) cover."""
    return np.clip(np.minimum(hi[..., None], intervals[..., 1]) - np.maximum(lo[..., None], intervals[..., 0]),
                   0, None).sum(-1)


def _on_frame_edge(p: np.ndarray, q: np.ndarray, w: int, h: int, tol: float = 6.0) -> bool:
    return bool((p[0] <= tol and q[0] <= tol) or (p[1] <= tol and q[1] <= tol)
                or (p[0] >= w - tol and q[0] >= w - tol) or (p[1] >= h - tol and q[1] >= h - tol))
