"""The search: every proposal refined, verified and judged; the best outline, or None (:func:`detect`).

:class:`_Picture` holds one picture's measures (grey, Lab, gradients, skin) and judges proposed outlines
(:meth:`_Picture.judge`); :func:`rank` orders the candidates; :func:`detect` runs the region and edge proposals,
then the line proposals when no confident outline came of them, then looks inside a screen's dark frame.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..stats import percentile_f
from .framing import edges_along_frame, shed_background_band
from .lines import _line_quads
from .proposals import _all_edges_outline, _canny, _colour_foreground, _edge_outlines, _quad_from_mask
from .quad import DocumentQuad, _on_frame_edge, order_corners
from .refinement import _edge_support, cut_support, recover_side, refine
from .verification import _dark_rim, verify

# -- confidence (see verify) --------------------------------------------------------------------------------------
CONFIDENT = 0.8  # confidence from which an outline is taken as found; below it the wider search and the lines run
DOUBTFUL = 0.5  # confidence below which a bent side is re-found (recover_side) and a screen's dark frame looked inside
BETTER_BY = 0.1  # confidence a second reading (wider search, recovered side) must gain to replace the first

# -- the picture's measures ---------------------------------------------------------------------------------------
BORDER_RING = 0.03  # share of the short side: the outer ring whose colours are the background (colour proposal)
STRONG_MAX = 12.0  # grey levels per px (Sobel / 8): a "strong" gradient is a step of ~12 grey levels ...
STRONG_MIN = 3.0  # ... scaled down in dark, low-contrast pictures (0.8 x the 90th percentile), never below 3
LINES_STRONG = 0.5  # of "strong", for line quads: LSD found their borders, a faint border steps only 5-12 grey levels
# skin tones, YCrCb box: a hand around or under the document is not part of it
SKIN_YCRCB_LOW, SKIN_YCRCB_HIGH = (40, 137, 77), (250, 180, 125)
# clearly skin (for judging a side on the frame edge): red and saturated as well.  Cream or pinkish licence paper
# under warm light is in the box too, but measures Cr 132-139 and S 25-35; hands Cr 148-157 and S ~100 (seed-1 fixtures)
SKIN_CR_MIN = 140  # YCrCb Cr, 0-255
SKIN_S_MIN = 55  # HSV saturation, 0-255
COLOUR_KEEP_SHARES = (0.04, 0.15, 0.35)  # share of the border ring a background colour has (one mask per value)

# -- judging an outline -------------------------------------------------------------------------------------------
# Lab units the two sides of a border must differ by (edge support's two-surfaces test): it guards region and
# edge-structure outlines against texture; a quad of four LSD lines is already straight and aligned, and a white
# licence's border on a white desk separates surfaces only 3-10 Lab units apart
MIN_CONTRAST = 10.0
LINES_MIN_CONTRAST = 3.0
EDGE_STEP = 0.012  # share of the long side (>= 3 px): how far inside and outside a side its two surfaces are sampled
SAME_OUTLINE_PX = 1.5  # px: every corner this close to an outline already judged is that outline from another proposal
MAX_AREA = 4.0  # frames: a quad larger than this (corners far outside the picture) is no reading of it
FRAME_SHARE_IS_FRAME = 0.97  # share of the frame: a quad glued to the whole frame is the frame, not a document ...
FRAME_PENALTY = 0.5  # ... and its edge support is halved
FULL_FILL = 0.85  # region area / quad area from which a proposal's score is not reduced
OUTSIDE_PENALTY = 0.97  # score factor when corners are outside the frame: prefer an equally good quad inside it
HOPELESS = 0.6  # of min_score: a first guess scoring below is dropped, even if refinement moved a side onto its edge
WIDE_REACH = 0.08  # refine's search (share of the short side) for a side far off its edge (hull of a broken outline)
# cut support (see cut_support): 1 from 60% of the last stretch on an edge, 0 at 30%
CUT_SUPPORT_ZERO = 0.3
CUT_SUPPORT_RAMP = 0.3

# -- choosing ----------------------------------------------------------------------------------------------------
RANK_BASE = 0.4  # rank = score x (0.4 + 0.6 x confidence): a confidently straight outline first, then edge support
IMPLIED_SIDE_WEIGHT = 0.85  # rank factor for a quad with a side only implied: weaker evidence than a side seen
CONTAINS_AREA = 1.3  # area ratio from which a confident line quad around the best outline replaces it
DARK_FRAME_INNER = 0.96  # scale about its centre: the part of a dark frame searched again (inside its rim)
MIN_CROP_PX = 32  # px: a dark frame's inside smaller than this on either side is not searched

# -- the photo a screen capture shows (detect_in_screen_photo) ------------------------------------------------------
SCREEN_PHOTO_MARGIN = 0.1  # share of the region's short side searched beyond its box: the box is found on 4 px
#                            cells, widened by the flat-share window and narrowed by the opening, so it can miss
#                            the photo's edge by ~20 working px
SCREEN_PHOTO_MIN_SHARE = 0.5  # of the region: an outline found inside it that is smaller is a part of the photo (the
#                               portrait on a card), not the document
SCREEN_PHOTO_CONFIDENCE = 0.5  # the region's own box as the outline: where the screen shows a photo, not the
#                                document's own edges, so no check reports an error from it


def seen_support(quad: np.ndarray, per_side: list[float], unseen: int) -> float:
    """Edge support of the sides other than ``unseen``, weighted by length."""
    lengths = [float(np.linalg.norm(quad[(i + 1) % 4] - quad[i])) for i in range(4)]
    sides = [i for i in range(4) if i != unseen and per_side[i] >= 0]
    return sum(per_side[i] * lengths[i] for i in sides) / max(1e-6, sum(lengths[i] for i in sides))


def rank(c: DocumentQuad) -> float:
    """The judge: a confidently straight outline first, then edge support; a side only implied is weaker evidence
    than one seen (a border seen on all four sides wins over a three-sided reading of it)."""
    implied = IMPLIED_SIDE_WEIGHT if "implied_side" in c.details else 1.0
    return c.score * (RANK_BASE + (1 - RANK_BASE) * c.confidence) * implied


class _Picture:
    """One picture's measures for judging outlines, and what judging it has met so far (outlines seen, dark frames)."""

    def __init__(self, rgb_small: np.ndarray, min_share: float, min_score: float):
        self.rgb = rgb_small
        self.h, self.w = h, w = rgb_small.shape[:2]
        self.min_share, self.min_score = min_share, min_score
        self.gray = cv2.cvtColor(rgb_small, cv2.COLOR_RGB2GRAY)
        self.lab = cv2.cvtColor(cv2.GaussianBlur(rgb_small, (5, 5), 0), cv2.COLOR_RGB2LAB)
        gs = cv2.GaussianBlur(self.gray, (3, 3), 0).astype(np.float32)
        self.gx = cv2.Sobel(gs, cv2.CV_32F, 1, 0, ksize=3) / 8.0
        self.gy = cv2.Sobel(gs, cv2.CV_32F, 0, 1, ksize=3) / 8.0
        self.strong = max(STRONG_MIN, min(STRONG_MAX, percentile_f(np.hypot(self.gx, self.gy), 90) * 0.8))
        ycc = cv2.cvtColor(rgb_small, cv2.COLOR_RGB2YCrCb)
        self.skin = cv2.inRange(ycc, SKIN_YCRCB_LOW, SKIN_YCRCB_HIGH)
        sat = cv2.cvtColor(rgb_small, cv2.COLOR_RGB2HSV)[:, :, 1]
        clearly = (ycc[:, :, 1] >= SKIN_CR_MIN) & (sat >= SKIN_S_MIN)
        self.skin_any = cv2.bitwise_and(self.skin, clearly.astype(np.uint8) * 255)
        self.frame = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
        self.step = max(3.0, EDGE_STEP * max(h, w))
        self.seen: list[np.ndarray] = []
        self.judged: list[DocumentQuad] = []  # every outline judged plausible, in the order judged
        self.dark_frames: list[np.ndarray] = []

    def proposals(self) -> list[tuple[str, np.ndarray]]:
        """Region and edge-structure proposals, (method, mask): colour (with and without skin), edges, all edges."""
        h, w = self.h, self.w
        ring = max(3, int(BORDER_RING * min(h, w)))
        out: list[tuple[str, np.ndarray]] = []
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
        for fg in _colour_foreground(self.lab, ring, COLOUR_KEEP_SHARES):
            fg = cv2.morphologyEx(fg, cv2.MORPH_OPEN, kernel)
            fg = cv2.morphologyEx(fg, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9)))
            out.append(("colour", fg))
            noskin = cv2.morphologyEx(cv2.bitwise_and(fg, cv2.bitwise_not(self.skin)), cv2.MORPH_OPEN, kernel)
            out.append(("colour-skin", noskin))
        edges = _canny(self.gray)  # one edge map for both edge proposals
        for outline in _edge_outlines(self.gray, self.min_share * w * h, edges=edges):
            out.append(("edges", outline))
        allq = _all_edges_outline(self.gray, self.min_share * w * h, edges=edges)
        if allq is not None:
            out.append(("all-edges", allq))
        return out

    def share(self, quad: np.ndarray) -> float:
        """The quad's area clipped to the frame, in frames."""
        clipped, _ = cv2.intersectConvexConvex(quad, self.frame)
        return float(clipped) / (self.w * self.h)

    def frame_edge_sides(self, quad: np.ndarray) -> list[int]:
        """Sides (i joins corners i and i+1) lying on the frame edge."""
        return [i for i in range(4) if _on_frame_edge(quad[i], quad[(i + 1) % 4], self.w, self.h)]

    def judge(self, method: str, quad: np.ndarray, fill: float,
              implied: np.ndarray | None = None) -> DocumentQuad | None:
        """Refine and verify one proposed outline; the candidate, or None when it is no document's outline.

        ``implied``: the end points of a side seen only as where two other sides end (see
        :func:`_three_line_quads`); its straightness is not asked for."""
        w, h, gx, gy = self.w, self.h, self.gx, self.gy
        lines = method == "lines"
        contrast = LINES_MIN_CONTRAST if lines else MIN_CONTRAST
        strong = max(STRONG_MIN, LINES_STRONG * self.strong) if lines else self.strong
        quad = order_corners(quad)
        if any(np.abs(quad - q).max() < SAME_OUTLINE_PX for q in self.seen):
            return None  # the same outline from another proposal (colour with and without skin, often)
        self.seen.append(quad)
        area = abs(cv2.contourArea(quad))
        share = self.share(quad)
        if share < self.min_share or area > MAX_AREA * w * h:
            return None
        support, per_side = _edge_support(quad, gx, gy, strong, self.lab, self.step, contrast)
        if share > FRAME_SHARE_IS_FRAME:
            support *= FRAME_PENALTY
        score = support * min(1.0, fill / FULL_FILL)
        if share < abs(area) / (w * h) - 1e-3:
            score *= OUTSIDE_PENALTY
        if score < HOPELESS * self.min_score:
            return None
        keep = None
        if implied is not None:  # the side whose corners are the implied side's ends
            near = sorted(int(np.argmin(np.linalg.norm(quad - e, axis=1))) for e in implied)
            keep = near[0] if near[1] - near[0] == 1 else 3
            score = support = seen_support(quad, per_side, keep)
        rq, straight, conf, why = self._refine_and_verify(quad, strong, keep)
        rq = order_corners(rq)
        # side i joins corners i and i+1 of the *ordered* quad (TL, TR, BR, BL)
        why["frame_edge_sides"] = self.frame_edge_sides(rq)
        run_out = cut_support(rq, gx, gy, strong)
        if run_out is not None:
            why["cut_support"] = round(run_out, 3)
            # below 30% the document's side stops before the frame edge - its corner is in the picture, and a hand
            # or finger carried the outline out to the edge
            conf *= float(np.clip((run_out - CUT_SUPPORT_ZERO) / CUT_SUPPORT_RAMP, 0.0, 1.0))
        rshare = self.share(rq)
        if not np.allclose(rq, quad):  # judge the refined outline, not the first guess
            support, per_side = _edge_support(rq, gx, gy, strong, self.lab, self.step, contrast)
            if keep is not None:
                support = seen_support(rq, per_side, keep)
            score = support * min(1.0, fill / FULL_FILL) * (FRAME_PENALTY if rshare > FRAME_SHARE_IS_FRAME else 1.0)
        if score < self.min_score:
            return None
        if _dark_rim(rq, self.gray):
            self.dark_frames.append(rq)
            return None
        found = DocumentQuad(rq, float(score), float(fill), method, rshare,
                             {"edge_support": round(support, 3), "sides": [round(s, 3) for s in per_side], **why},
                             confidence=conf)
        self.judged.append(found)
        return found

    def _refine_and_verify(self, quad: np.ndarray, strong: float,
                           keep: int | None) -> tuple[np.ndarray, list[float | None], float, dict]:
        """Refine ``quad`` and verify it; when doubtful, a wider search and a re-found side are tried and kept if
        they are clearly better."""
        gx, gy, frame = self.gx, self.gy, (self.w, self.h)
        rq, straight = refine(quad, gx, gy, strong, keep=keep)
        conf, why = verify(rq, straight, frame, self.skin_any)
        if keep is not None:
            why["implied_side"] = keep
        elif conf < CONFIDENT:  # a side far off its edge (hull of a broken outline): look further, twice
            wq, ws = refine(quad, gx, gy, strong, reach=WIDE_REACH)
            wq, ws = refine(wq, gx, gy, strong)
            wconf, wwhy = verify(wq, ws, frame, self.skin_any)
            if wconf > conf + BETTER_BY:
                rq, straight, conf, why = wq, ws, wconf, {**wwhy, "wide_search": True}
        if conf < DOUBTFUL and keep is None:
            fixed = recover_side(order_corners(rq), straight, gx, gy, strong)
            if fixed is not None:
                fq, fs = refine(fixed, gx, gy, strong)
                fconf, fwhy = verify(fq, fs, frame, self.skin_any)
                if fconf > conf + BETTER_BY:
                    rq, straight, conf, why = fq, fs, fconf, {**fwhy, "recovered_side": True}
        return rq, straight, conf, why


def _best_with_lines(pic: _Picture, best: DocumentQuad | None) -> DocumentQuad | None:
    """No confident outline from regions and edge structures (a light card on a light desk, a document held in a
    hand that merges with it): quads made of four (or three) long straight lines are judged too."""
    quads = _line_quads(pic.gray, pic.min_share * pic.w * pic.h, chroma=pic.lab[:, :, 2])
    found = [c for c in (pic.judge("lines", quad, 1.0, implied) for quad, implied in quads) if c is not None]
    for cand in found:
        if best is None or rank(cand) > rank(best):
            best = cand
    # a document's outline contains its own rectangles (portrait, printed frame, a table of fields): a
    # confident line quad around the best one is the document, the best one a part of it
    for cand in sorted(found, key=lambda c: -abs(cv2.contourArea(c.quad))):
        if (best is not None and cand is not best and cand.confidence >= CONFIDENT
                and abs(cv2.contourArea(cand.quad)) > CONTAINS_AREA * abs(cv2.contourArea(best.quad))
                and cv2.pointPolygonTest(cand.quad.reshape(-1, 1, 2), tuple(map(float, best.quad.mean(axis=0))),
                                         False) > 0):
            return cand
    return best


def _inside_dark_frame(pic: _Picture) -> DocumentQuad | None:
    """The document looked for inside the largest dark frame met (a screen's bezel), in the picture's coordinates."""
    w, h = pic.w, pic.h
    outer = max(pic.dark_frames, key=lambda q: abs(cv2.contourArea(q)))
    c = outer.mean(axis=0)
    x, y, bw, bh = cv2.boundingRect(np.round(c + (outer - c) * DARK_FRAME_INNER).astype(np.int32))
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + bw), min(h, y + bh)
    if x1 - x0 < MIN_CROP_PX or y1 - y0 < MIN_CROP_PX:
        return None
    crop = np.ascontiguousarray(pic.rgb[y0:y1, x0:x1])
    inner = detect(crop, min_share=pic.min_share * w * h / ((x1 - x0) * (y1 - y0)), min_score=pic.min_score,
                   _inside_frame=True)
    if inner is None:
        return None
    inner.quad = inner.quad + np.array([x0, y0], np.float32)
    inner.frame_share = pic.share(inner.quad)
    inner.details["inside_dark_frame"] = True
    inner.details["frame_edge_sides"] = pic.frame_edge_sides(inner.quad)
    return inner


def detect_in_screen_photo(rgb_small: np.ndarray, box: tuple[float, float, float, float], fill: float, *,
                           min_score: float = 0.45) -> DocumentQuad:
    """The document in the photo a screen capture shows (``box``: x, y, w, h in ``rgb_small``'s pixels, from
    :func:`idcheck.image.capture.photo_regions`): a confident outline found in and around the box when it covers
    most of it (the card's own edges), else the box itself, with a doubtful confidence."""
    h, w = rgb_small.shape[:2]
    bx, by, bw, bh = box
    m = SCREEN_PHOTO_MARGIN * min(bw, bh)
    x0, y0 = max(0, int(bx - m)), max(0, int(by - m))
    x1, y1 = min(w, int(np.ceil(bx + bw + m))), min(h, int(np.ceil(by + bh + m)))
    frame = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    if x1 - x0 >= MIN_CROP_PX and y1 - y0 >= MIN_CROP_PX:
        crop = np.ascontiguousarray(rgb_small[y0:y1, x0:x1])
        inner = detect(crop, min_share=SCREEN_PHOTO_MIN_SHARE * bw * bh / ((x1 - x0) * (y1 - y0)),
                       min_score=min_score, _inside_frame=True)
        if inner is not None and inner.confidence >= CONFIDENT:
            inner.quad = inner.quad + np.array([x0, y0], np.float32)
            inner.frame_share = float(cv2.intersectConvexConvex(inner.quad, frame)[0]) / (w * h)
            inner.details["in_screen_photo"] = True
            inner.alternatives = [inner]  # the others are in the crop's coordinates
            inner.details["frame_edge_sides"] = [i for i in range(4) if _on_frame_edge(
                inner.quad[i], inner.quad[(i + 1) % 4], w, h)]
            return inner
    quad = np.array([[bx, by], [bx + bw, by], [bx + bw, by + bh], [bx, by + bh]], np.float32)
    return DocumentQuad(quad, 1.0, float(fill), "screen-photo", float(bw * bh) / (w * h),
                        {"in_screen_photo": True, "frame_edge_sides": []}, confidence=SCREEN_PHOTO_CONFIDENCE)


def detect(rgb_small: np.ndarray, *, min_share: float = 0.04, min_score: float = 0.45,
           _inside_frame: bool = False) -> DocumentQuad | None:
    """Find the document in ``rgb_small`` (a reduced RGB copy); quad in the same coordinates, or None.

    An outline with a dark rim all round (:func:`_dark_rim`: a monitor's or phone's bezel) is not the document;
    when nothing else is found, the document is looked for once more inside it."""
    pic = _Picture(rgb_small, min_share, min_score)
    best: DocumentQuad | None = None
    for method, mask in pic.proposals():
        quad, fill = _quad_from_mask(mask)
        if quad is None:
            continue
        cand = pic.judge(method, quad, fill)
        if cand is not None and (best is None or rank(cand) > rank(best)):
            best = cand
    if best is None or best.confidence < CONFIDENT:
        best = _best_with_lines(pic, best)
    if (best is None or best.confidence < DOUBTFUL) and pic.dark_frames and not _inside_frame:
        inner = _inside_dark_frame(pic)
        if inner is not None:
            best = inner
    if best is not None and any(c is best for c in pic.judged):
        best = shed_background_band(best, pic.judged, pic.lab, {id(c): rank(c) for c in pic.judged})
    if (best is None or best.confidence < CONFIDENT) and not _inside_frame:
        tight = edges_along_frame(pic.gx, pic.gy, pic.strong)
        if tight is not None:  # a crop to the document's edges: its outline is the frame's, its corners unjudged
            quad, run = tight
            best = DocumentQuad(quad, run, 1.0, "frame-edges", pic.share(quad),
                                {"fills_frame": True, "edges_on_frame": True},
                                confidence=0.0)
            pic.judged.append(best)
    if best is not None:  # an outline found inside a dark frame competes with nothing outside it
        best.alternatives = sorted(pic.judged, key=rank, reverse=True) if any(c is best for c in pic.judged) else [best]
    return best
