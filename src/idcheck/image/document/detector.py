"""The search: every proposal refined, verified and judged; the best outline, or None (:func:`detect`)."""

from __future__ import annotations

import cv2
import numpy as np

from .lines import _line_quads
from .proposals import _all_edges_outline, _canny, _colour_foreground, _edge_outlines, _quad_from_mask
from .quad import DocumentQuad, _on_frame_edge, order_corners
from .refinement import _edge_support, cut_support, recover_side, refine
from .verification import _dark_rim, verify


def detect(rgb_small: np.ndarray, *, min_share: float = 0.04, min_score: float = 0.45,
           _inside_frame: bool = False) -> DocumentQuad | None:
    """Find the document in ``rgb_small`` (a reduced RGB copy); quad in the same coordinates, or None.

    An outline with a dark rim all round (:func:`_dark_rim`: a monitor's or phone's bezel) is not the document;
    when nothing else is found, the document is looked for once more inside it."""
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
    edges = _canny(gray)  # one edge map for both edge proposals
    for outline in _edge_outlines(gray, min_share * w * h, edges=edges):
        proposals.append(("edges", outline))
    allq = _all_edges_outline(gray, min_share * w * h, edges=edges)
    if allq is not None:
        proposals.append(("all-edges", allq))
    # for judging a side on the frame edge, only clearly skin-coloured pixels: the skin-tone box, red (Cr >= 140)
    # and saturated (HSV S >= 55).  Cream or pinkish licence paper under warm light is in the box too, but measures
    # Cr 132-139 and S 25-35; hands measure Cr 148-157 and S ~100 (seed-1 fixtures)
    sat = cv2.cvtColor(rgb_small, cv2.COLOR_RGB2HSV)[:, :, 1]
    skin_any = cv2.bitwise_and(skin, ((ycc[:, :, 1] >= 140) & (sat >= 55)).astype(np.uint8) * 255)

    seen: list[np.ndarray] = []
    dark_frames: list[np.ndarray] = []
    frame = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    step = max(3.0, 0.012 * max(h, w))

    def seen_support(quad: np.ndarray, per_side: list[float], unseen: int) -> float:
        """Edge support of the sides other than ``unseen``, weighted by length."""
        lengths = [float(np.linalg.norm(quad[(i + 1) % 4] - quad[i])) for i in range(4)]
        sides = [i for i in range(4) if i != unseen and per_side[i] >= 0]
        return sum(per_side[i] * lengths[i] for i in sides) / max(1e-6, sum(lengths[i] for i in sides))

    def judge(method: str, quad: np.ndarray, fill: float, implied: np.ndarray | None = None) -> DocumentQuad | None:
        """Refine and verify one proposed outline; the candidate, or None when it is no document's outline.

        ``implied``: the end points of a side seen only as where two other sides end (see
        :func:`_three_line_quads`); its straightness is not asked for."""
        # the two-surfaces test of edge support guards region and edge-structure outlines against texture; a quad of
        # four LSD lines is already straight and aligned, and a white licence's border on a white desk separates
        # surfaces only 3-10 Lab units apart
        contrast = 3.0 if method == "lines" else 10.0
        # ... and its borders were found by LSD's a-contrario test, not by a gradient threshold: a faint border's
        # step (5-12 grey levels) is measured against half the picture's "strong" gradient
        strong_here = max(3.0, 0.5 * strong) if method == "lines" else strong
        quad = order_corners(quad)
        if any(np.abs(quad - q).max() < 1.5 for q in seen):
            return None  # the same outline from another proposal (colour with and without skin, often)
        seen.append(quad)
        area = abs(cv2.contourArea(quad))
        clipped, _ = cv2.intersectConvexConvex(quad, frame)
        share = float(clipped) / (w * h)
        if share < min_share or area > 4.0 * w * h:
            return None
        support, per_side = _edge_support(quad, gx, gy, strong_here, lab, step, contrast)
        # a quad glued to the whole frame is the frame, not a document
        if share > 0.97:
            support *= 0.5
        score = support * min(1.0, fill / 0.85)
        if share < abs(area) / (w * h) - 1e-3:
            score *= 0.97  # corners outside the frame: prefer an equally good quad inside it
        if score < 0.6 * min_score:  # hopeless even if refinement moved a side onto its edge
            return None
        keep = None
        if implied is not None:  # the side whose corners are the implied side's ends
            near = sorted(int(np.argmin(np.linalg.norm(quad - e, axis=1))) for e in implied)
            keep = near[0] if near[1] - near[0] == 1 else 3
            score = support = seen_support(quad, per_side, keep)
        rq, straight = refine(quad, gx, gy, strong_here, keep=keep)
        conf, why = verify(rq, straight, (w, h), skin_any)
        if keep is not None:
            why["implied_side"] = keep
        elif conf < 0.8:  # a side far off its edge (hull of a broken outline): look further, twice
            wq, ws = refine(quad, gx, gy, strong_here, reach=0.08)
            wq, ws = refine(wq, gx, gy, strong_here)
            wconf, wwhy = verify(wq, ws, (w, h), skin_any)
            if wconf > conf + 0.1:
                rq, straight, conf, why = wq, ws, wconf, {**wwhy, "wide_search": True}
        if conf < 0.5 and keep is None:
            fixed = recover_side(order_corners(rq), straight, gx, gy, strong_here)
            if fixed is not None:
                fq, fs = refine(fixed, gx, gy, strong_here)
                fconf, fwhy = verify(fq, fs, (w, h), skin_any)
                if fconf > conf + 0.1:
                    rq, straight, conf, why = fq, fs, fconf, {**fwhy, "recovered_side": True}
        rq = order_corners(rq)
        # side i joins corners i and i+1 of the *ordered* quad (TL, TR, BR, BL)
        why["frame_edge_sides"] = [i for i in range(4) if _on_frame_edge(rq[i], rq[(i + 1) % 4], w, h)]
        run_out = cut_support(rq, gx, gy, strong_here)
        if run_out is not None:
            why["cut_support"] = round(run_out, 3)
            # 1 from 60% of the last stretch on an edge, 0 at 30%: below that the document's side stops before the
            # frame edge - its corner is in the picture, and a hand or finger carried the outline out to the edge
            conf *= float(np.clip((run_out - 0.3) / 0.3, 0.0, 1.0))
        clipped, _ = cv2.intersectConvexConvex(rq, frame)
        if not np.allclose(rq, quad):  # judge the refined outline, not the first guess
            support, per_side = _edge_support(rq, gx, gy, strong_here, lab, step, contrast)
            if keep is not None:
                support = seen_support(rq, per_side, keep)
            score = support * min(1.0, fill / 0.85) * (0.5 if float(clipped) / (w * h) > 0.97 else 1.0)
        if score < min_score:
            return None
        if _dark_rim(rq, gray):
            dark_frames.append(rq)
            return None
        return DocumentQuad(rq, float(score), float(fill), method, float(clipped) / (w * h),
                            {"edge_support": round(support, 3), "sides": [round(s, 3) for s in per_side], **why},
                            confidence=conf)

    def rank(c: DocumentQuad) -> float:
        # the judge: a confidently straight outline first, then edge support; a side only implied is weaker
        # evidence than one seen (a border seen on all four sides wins over a three-sided reading of it)
        return c.score * (0.4 + 0.6 * c.confidence) * (0.85 if "implied_side" in c.details else 1.0)

    best: DocumentQuad | None = None
    for method, mask in proposals:
        quad, fill = _quad_from_mask(mask)
        if quad is None:
            continue
        cand = judge(method, quad, fill)
        if cand is not None and (best is None or rank(cand) > rank(best)):
            best = cand
    if best is None or best.confidence < 0.8:
        # no confident outline from regions and edge structures (a light card on a light desk, a document held
        # in a hand that merges with it): try quads made of four long straight lines
        quads = _line_quads(gray, min_share * w * h, chroma=lab[:, :, 2])
        found = [c for c in (judge("lines", quad, 1.0, implied) for quad, implied in quads) if c is not None]
        for cand in found:
            if best is None or rank(cand) > rank(best):
                best = cand
        # a document's outline contains its own rectangles (portrait, printed frame, a table of fields): a
        # confident line quad around the best one is the document, the best one a part of it
        for cand in sorted(found, key=lambda c: -abs(cv2.contourArea(c.quad))):
            if (best is not None and cand is not best and cand.confidence >= 0.8
                    and abs(cv2.contourArea(cand.quad)) > 1.3 * abs(cv2.contourArea(best.quad))
                    and cv2.pointPolygonTest(cand.quad.reshape(-1, 1, 2), tuple(map(float, best.quad.mean(axis=0))),
                                             False) > 0):
                best = cand
                break
    if (best is None or best.confidence < 0.5) and dark_frames and not _inside_frame:
        outer = max(dark_frames, key=lambda q: abs(cv2.contourArea(q)))
        c = outer.mean(axis=0)
        x, y, bw, bh = cv2.boundingRect(np.round(c + (outer - c) * 0.96).astype(np.int32))
        x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + bw), min(h, y + bh)
        if x1 - x0 >= 32 and y1 - y0 >= 32:
            crop = np.ascontiguousarray(rgb_small[y0:y1, x0:x1])
            inner = detect(crop, min_share=min_share * w * h / ((x1 - x0) * (y1 - y0)), min_score=min_score,
                           _inside_frame=True)
            if inner is not None:
                inner.quad = inner.quad + np.array([x0, y0], np.float32)
                clipped, _ = cv2.intersectConvexConvex(inner.quad, frame)
                inner.frame_share = float(clipped) / (w * h)
                inner.details["inside_dark_frame"] = True
                inner.details["frame_edge_sides"] = [i for i in range(4)
                                                     if _on_frame_edge(inner.quad[i], inner.quad[(i + 1) % 4], w, h)]
                best = inner
    return best
