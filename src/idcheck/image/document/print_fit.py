"""The outline must hold the document's print: choosing among the search's outlines by the text lines found.

A document's edges hold all of its print.  On real photos the search often returns a rectangle inside the
document instead: the fold across a crumpled receipt, the portrait of an ID card that fills the picture, the block of
fields on a passport page whose own edges run along the frame.  Its sides are straight and its edges real, so
nothing in the search tells it from the document; the print does.  Given the text lines the text detector found
(:mod:`idcheck.image.text_evidence`, in the same coordinates), an outline that leaves much of the print outside is
replaced by the best-ranked outline the search also judged plausible that holds it; when none does, the outline is
kept but marked (``details["print_outside"]``) so that nothing is judged from it (``ImageContext.document_confident``).
Print lying on a second document beside the outline (another judged outline apart from it holds most of that print:
a card's two sides photographed together) leaves the outline as it is (``details["second_document"]``).

Only the caller decides when the detector's cost is worth paying (:func:`worth_asking`); these functions are pure.
"""

from __future__ import annotations

import cv2
import numpy as np

from .quad import DocumentQuad

# Share of the print's area (text-line boxes, counted by their centres) lying outside an outline from which it is
# not the document's.  On the 61 real development photos the outlines that were right (IoU >= 0.9 with the hand
# label) left at most 0.09 of the print outside (a label on the desk, a second paper beside the document), apart
# from app screenshots, which are never judged here; the inner rectangles left 0.18-1.0, mostly 0.5 and more.
PRINT_OUTSIDE_WRONG = 0.3
MIN_LINES_OUTSIDE = 3  # text lines: fewer outside is a caption or a stray label, not the document's print
# Share of the print an outline chosen in its place may leave outside (the same desk labels and second papers).
PRINT_OUTSIDE_HOLDS = 0.1
# Area ratio from which another judged outline counts as "around" the best one: the best may then be a part of the
# document (its portrait, its table of fields), and the print is asked for even when the best is confident.  The
# same ratio as the detector's own CONTAINS_AREA (a confident line quad around the best one replaces it).
AROUND_AREA = 1.3
# Share of the frame's width (height) the print may leave free on every side for the document to fill the picture:
# the print of an ID card, a passport page or a licence stops 3-8% of the document's width short of its edges, and a
# close photo or a scan leaves a little of the desk or scanner lid beyond them.  On the real development photos the
# documents filling the picture left 0.00-0.09; documents lying on a desk 0.04-0.6 on at least one side.
FILLS_FRAME_MARGIN = 0.1


def print_outside(quad: np.ndarray, lines: list[np.ndarray]) -> tuple[float, int]:
    """(share of the print's area, number of text lines) whose centres lie outside ``quad`` (4 x 2)."""
    poly = np.asarray(quad, np.float32).reshape(-1, 1, 2)
    total = outside = 0.0
    count = 0
    for box in lines:
        area = abs(float(cv2.contourArea(np.asarray(box, np.float32))))
        cx, cy = np.asarray(box, np.float32).mean(axis=0)
        total += area
        if cv2.pointPolygonTest(poly, (float(cx), float(cy)), False) < 0:
            outside += area
            count += 1
    return (outside / total if total > 0 else 0.0), count


def _area(q: np.ndarray) -> float:
    return abs(float(cv2.contourArea(np.asarray(q, np.float32))))


def worth_asking(best: DocumentQuad, confident: float) -> bool:
    """Whether the print should be looked at for ``best``: it is doubtful (below ``confident``), or another
    outline the search judged plausible lies around it (the best may be a part of the document)."""
    if best.confidence < confident:
        return True
    centre = tuple(map(float, best.quad.mean(axis=0)))
    area = _area(best.quad)
    return any(c is not best and _area(c.quad) > AROUND_AREA * area
               and cv2.pointPolygonTest(np.asarray(c.quad, np.float32).reshape(-1, 1, 2), centre, False) > 0
               for c in best.alternatives)


# A second document beside the best outline (the card's other side photographed with it): another outline the
# search judged plausible, overlapping the best by at most this share of the smaller one's area ...
BESIDE_OVERLAP = 0.05
# ... holds at least this share of the print lying outside the best.
BESIDE_HOLDS = 0.7
# Both outlines must be sure ones (the detector's CONFIDENT): two whole documents, each with straight sides seen.  A
# doubtful best outline with print outside it is a part of the document far more often (a card's portrait, a fold).
BESIDE_CONFIDENT = 0.8


def second_document(best: DocumentQuad, lines: list[np.ndarray]) -> DocumentQuad | None:
    """Another sure outline, apart from a sure ``best``, holding most of the print outside it; None when there is
    none."""
    if best.confidence < BESIDE_CONFIDENT:
        return None
    poly = np.asarray(best.quad, np.float32).reshape(-1, 1, 2)
    outside = [b for b in lines if cv2.pointPolygonTest(
        poly, tuple(map(float, np.asarray(b, np.float32).mean(axis=0))), False) < 0]
    if not outside:
        return None
    for cand in best.alternatives:
        if cand is best or cand.confidence < BESIDE_CONFIDENT:
            continue
        inter, _ = cv2.intersectConvexConvex(np.asarray(best.quad, np.float32), np.asarray(cand.quad, np.float32))
        if float(inter) > BESIDE_OVERLAP * min(_area(best.quad), _area(cand.quad)):
            continue
        if 1.0 - print_outside(cand.quad, outside)[0] >= BESIDE_HOLDS:
            return cand
    return None


def fit_to_print(best: DocumentQuad, lines: list[np.ndarray], frame: tuple[int, int]) -> DocumentQuad:
    """``best``, or the best-ranked alternative holding the print when ``best`` leaves much of it outside.

    ``frame``: the picture's (width, height) in the same coordinates.  The outline returned says what was done in
    ``details["print_fit"]`` (the share of the print the first choice left outside).  When no alternative holds
    the print, ``details["print_outside"]`` says so: the outline is the picture's frame (confidence 0) if the print
    fills the picture, else ``best``; nothing is judged from either."""
    share, count = print_outside(best.quad, lines)
    if share < PRINT_OUTSIDE_WRONG or count < MIN_LINES_OUTSIDE:
        return best
    beside = second_document(best, lines)
    if beside is not None:  # the print outside is another document's: an outline around both would be neither's
        best.details["second_document"] = {"print_outside": round(share, 2), "method": beside.method}
        return best
    for cand in best.alternatives:  # best first (the search's rank)
        if cand is best:
            continue
        if print_outside(cand.quad, lines)[0] <= PRINT_OUTSIDE_HOLDS:
            cand.details["print_fit"] = {"replaced": best.method, "print_outside_before": round(share, 2)}
            cand.alternatives = best.alternatives
            return cand
    best.details["print_outside"] = round(share, 2)
    framed = _frame_if_filled(best, lines, frame)
    return framed if framed is not None else best


def print_fills_frame(lines: list[np.ndarray], frame: tuple[int, int]) -> bool:
    """Whether the print (``lines``, text-line quads) reaches within ``FILLS_FRAME_MARGIN`` of every side of
    ``frame`` (the picture's width, height in the same coordinates): the document fills the picture."""
    if not lines:
        return False
    w, h = frame
    pts = np.vstack([np.asarray(b, np.float32).reshape(-1, 2) for b in lines])
    x0, y0 = pts.min(axis=0)
    x1, y1 = pts.max(axis=0)
    return max(x0 / w, 1 - x1 / w, y0 / h, 1 - y1 / h) <= FILLS_FRAME_MARGIN


# An ID card (ISO/IEC 7810 ID-1: 85.6 x 54 mm, 1.585) cut out along its edges: the picture's own proportions within this
# share of the card's, which no camera's frame has (4:3 1.333, 3:2 1.5, 16:9 1.778) ...
ID1_ASPECT = 85.6 / 54.0
ID1_ASPECT_TOLERANCE = 0.03
# ... and its print reaching within this share of three of its sides: a card's fields stop short of its edges by 0-16%
# on the side they leave widest (the real ID-1 cards of ../shared/mrz-dev: 4-16%; the generated resident ID's front: 6%
# left, 13% top, 14% bottom), its portrait takes the fourth side (36% free on the resident ID's front)
CARD_PRINT_MARGIN = 0.15


def print_fills_card(lines: list[np.ndarray], frame: tuple[int, int]) -> bool:
    """Whether ``frame`` (width, height) has an ID card's proportions and the print (``lines``) reaches within
    ``CARD_PRINT_MARGIN`` of three of its sides: a card cut out along its edges, its portrait side free of text."""
    if not lines:
        return False
    w, h = frame
    if abs(max(w, h) / max(1, min(w, h)) / ID1_ASPECT - 1.0) > ID1_ASPECT_TOLERANCE:
        return False
    pts = np.vstack([np.asarray(b, np.float32).reshape(-1, 2) for b in lines])
    x0, y0 = pts.min(axis=0)
    x1, y1 = pts.max(axis=0)
    margins = [x0 / w, 1 - x1 / w, y0 / h, 1 - y1 / h]
    return sum(m <= CARD_PRINT_MARGIN for m in margins) >= 3


# A document square to the frame: its own lines run within SQUARE_DEG of the picture's axes (scanners and scanner apps
# leave 0-2 degrees: the 36 real MRZ documents and the development photos flattened along their labelled corners:
# 0.0-1.4 degrees) - at least SQUARE_LINES of them, and most of the print near the axes (within NEAR_AXES_DEG).  A
# document turned in the frame has its lines at its turn (a card photographed at 30 degrees: 32.6; one turned 5
# degrees: none within 3); an app's watermark over a square document adds rows at 15-75 degrees, which are no
# evidence either way (they may outnumber the document's own lines: 92% of the print's length on a generated card).
SQUARE_DEG = 3.0
SQUARE_LINES = 3
NEAR_AXES_DEG = 15.0


def _fold_deg(box: np.ndarray) -> tuple[float, float]:
    """(direction of a text-line box's long side, degrees from the nearest axis in [-45, 45); its length)."""
    q = np.asarray(box, np.float32).reshape(-1, 2)
    e1, e2 = q[1] - q[0], q[2] - q[1]
    e = e1 if float(np.hypot(*e1)) >= float(np.hypot(*e2)) else e2
    a = float(np.degrees(np.arctan2(e[1], e[0]))) % 90.0
    return (a - 90.0 if a >= 45.0 else a), float(np.hypot(*e))


def print_square(lines: list[np.ndarray]) -> bool:
    """Whether the print runs square to the picture: ``SQUARE_LINES`` lines or more within ``SQUARE_DEG`` of its
    axes, holding at least half the length of the lines within ``NEAR_AXES_DEG`` of them."""
    folded = [_fold_deg(b) for b in lines]
    square = [n for a, n in folded if abs(a) <= SQUARE_DEG]
    near = sum(n for a, n in folded if abs(a) < NEAR_AXES_DEG)
    return len(square) >= SQUARE_LINES and sum(square) >= 0.5 * near


def _frame_if_filled(best: DocumentQuad, lines: list[np.ndarray], frame: tuple[int, int]) -> DocumentQuad | None:
    """The picture's own frame as the outline, doubtful, when the print reaches within ``FILLS_FRAME_MARGIN`` of it on
    every side (the document fills the picture, its edges at or beyond the frame); else None."""
    if not print_fills_frame(lines, frame):
        return None
    w, h = frame
    quad = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    return DocumentQuad(quad, 0.0, 1.0, "frame", 1.0,
                        {"fills_frame": True, "print_outside": best.details["print_outside"],
                         "frame_edge_sides": [0, 1, 2, 3]},
                        confidence=0.0, alternatives=best.alternatives)
