"""The document found and classified by its own print: the engine's text detector, then its fixed labels.

When the kind of document was not given (``idcheck check --ocr`` without a profile kind), or its outline is weak or
absent (a card on a desk of the same colour, a card that fills the picture), the picture's text lines are found by
the text detector (DBNet, :mod:`idcheck.image.text_evidence`, computed once per picture and shared with the image
checks through ``ctx.text_lines``), the lines that may be labels are recognised in one batch, and:

* **classified** (:func:`classify`): each kind's fixed labels (``text_labels`` in ``data/document_types.toml``: a
  resident ID's 姓名 ... 公民身份号码, a licence's 营业执照, 统一社会信用代码 ...) are looked for at the start of the
  lines read, through the engine's confusions (a label of 4 characters or more with one character misread,
  dropped or added; a shorter one exactly).  A kind needs two different labels, one of them of 4 characters or
  more: stray print, a scene's signs or junk never classify.  The labels found are the evidence (in the report).
* **located** (:func:`locate`): the labels are printed at known places of their layout (:data:`ANCHORS`, shares of
  the document's width and height, measured on the generated documents and the GB 19104 card design).  The
  label lines give the document's reading direction (which way up), and the places of two labels or more its
  scale; the document's quadrilateral follows from the layout's proportions, upright (TL, TR, BR, BL as read).
  The reader (:mod:`.read`) then cuts its field windows from that quadrilateral as from an outline.

Nothing here decides a number or a name: those are read from the located document by the layout reader and pass
the same checks (check characters, confidences, the glyph check) as any reading.
"""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from .. import doctypes
from ..image import text_evidence
from .engines import LineCrop, ReadLine

__all__ = ["Survey", "survey", "classify", "locate", "ANCHORS", "WEAK_OUTLINE"]

WEAK_OUTLINE = 0.8  # outline confidence under which the document is also looked for from its print (the image
#                     engine's own "doubtful" bound, text_evidence.DOUBTFUL_BELOW)
REGION_LONG_SIDE = 512  # px: the detector's input when it reads only a confident outline's box
MAX_ASPECT = 12.0  # lines longer than this for their height are values (an address, a business scope), not labels
MAX_CANDIDATES = 14  # label candidates recognised per orientation (the engine reads them in one batch)
MARGIN_SHARE = 0.06  # a line starts at the left margin when it starts within this share of the text's width of it
LABEL_START = 2  # a label starts its line: at most this many characters (a stray mark, a bullet) before it
TEXT_LABELS = doctypes.TEXT_LABELS

# Where each label is printed: (x, y) as shares of the upright document's width and height, of the label line's
# left end at its middle height ("left") or of its centre ("centre").  ID card: the generated card (fixtures/
# docgen.py) and the GB 19104 design (a real mock-up) differ by up to 0.08 of the height on the middle rows; the
# midpoints are kept (the field windows of fields.py are wider than that).  Licence: the generated 2019 template.
ANCHORS: dict[str, dict[str, tuple[float, float, str]]] = {
    "id_card_front": {
        "姓名": (0.07, 0.18, "left"), "性别": (0.07, 0.29, "left"), "出生": (0.07, 0.41, "left"),
        "住址": (0.07, 0.52, "left"), "公民身份号码": (0.07, 0.835, "left"),
    },
    "business_license/landscape": {
        "统一社会信用代码": (0.068, 0.168, "left"), "营业执照": (0.5, 0.253, "centre"), "名称": (0.079, 0.41, "left"),
        "类型": (0.079, 0.46, "left"), "法定代表人": (0.079, 0.51, "left"), "注册资本": (0.079, 0.56, "left"),
        "成立日期": (0.079, 0.61, "left"), "住所": (0.079, 0.66, "left"), "经营范围": (0.079, 0.70, "left"),
        "登记机关": (0.70, 0.80, "left"),
    },
    "business_license/portrait": {
        "统一社会信用代码": (0.096, 0.119, "left"), "营业执照": (0.5, 0.203, "centre"), "名称": (0.111, 0.29, "left"),
        "类型": (0.111, 0.366, "left"), "法定代表人": (0.111, 0.443, "left"), "注册资本": (0.111, 0.519, "left"),
        "成立日期": (0.111, 0.596, "left"), "住所": (0.111, 0.672, "left"), "经营范围": (0.111, 0.749, "left"),
        "登记机关": (0.576, 0.858, "left"),
    },
}
ASPECT = {"id_card_front": 85.6 / 54.0, "business_license/landscape": 297.0 / 210.0,
          "business_license/portrait": 210.0 / 297.0}


@dataclass
class Found:
    """A label found in a line read: which, how many edits away, the line's index."""

    label: str
    errors: int
    line: int


@dataclass
class Survey:
    """What the document's print says: ``label`` (an OCR document label, or None), ``confidence`` (0..1), the
    document's clockwise turn in the picture (``degrees``), the labels found per kind, and the located quadrilateral
    (working coordinates, upright TL TR BR BL; None when fewer than two labels place it)."""

    label: str | None
    confidence: float
    degrees: int
    found: dict[str, list[Found]] = field(default_factory=dict)
    quad: np.ndarray | None = None
    lines: int = 0
    read: int = 0
    ms: float = 0.0
    # the lines read so far, by turn: {degrees: (line indices, texts)} (a first look resumed by the whole survey)
    seen: dict[int, tuple[list[int], list[str]]] = field(default_factory=dict, repr=False)
    complete: bool = True  # False: a first look only (see survey's ``first_look``)

    def evidence(self) -> dict[str, Any]:
        """For the report: no text that was read (a name may stand beside its label), only which labels."""
        best = self.found.get(self.label or "", [])
        return {"text_label": self.label, "text_confidence": round(self.confidence, 2),
                "text_labels": [f.label + ("~" * f.errors) for f in best], "text_lines": self.lines,
                "text_read": self.read, "text_degrees": self.degrees, "located_from_text": self.quad is not None}


# -- classification -------------------------------------------------------------------------------------

def _clean(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace() and ch not in ":：")


def _distance(a: str, b: str) -> int:
    """Levenshtein distance."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def label_errors(label: str, text: str) -> int | None:
    """Edits between ``label`` and the start of ``text`` (within :data:`LABEL_START` characters), or None when it
    is not there: a label of 4 characters or more may have one character misread, dropped or added; a shorter one
    must be exact."""
    t = _clean(text)
    n = len(label)
    allowed = 1 if n >= 4 else 0
    best: int | None = None
    for a in range(0, min(LABEL_START, max(0, len(t) - 1)) + 1):
        for m in range(max(1, n - allowed), n + allowed + 1):
            if a + m > len(t):
                break
            d = _distance(label, t[a:a + m])
            if d <= allowed and (best is None or d < best):
                best = d
    return best


def classify(texts: list[str]) -> tuple[str | None, float, dict[str, list[Found]]]:
    """(label, confidence, labels found per kind) from the lines read.  A kind needs two different labels, one of
    them of 4 characters or more; the kind with the most wins (a tie: none).  Confidence: 1 - 0.5^k over the labels
    found, a long label counting 1, a long one with a misread character or a short one 0.5."""
    found: dict[str, list[Found]] = {}
    for kind, labels in TEXT_LABELS.items():
        seen: dict[str, Found] = {}
        for i, text in enumerate(texts):
            for lab in labels:
                e = label_errors(lab, text)
                if e is not None and (lab not in seen or e < seen[lab].errors):
                    seen[lab] = Found(lab, e, i)
        if seen:
            found[kind] = sorted(seen.values(), key=lambda f: labels.index(f.label))

    def weight(f: Found) -> float:
        return 1.0 if len(f.label) >= 4 and f.errors == 0 else 0.5

    scores = {k: sum(weight(f) for f in fs) for k, fs in found.items()
              if len(fs) >= 2 and any(len(f.label) >= 4 for f in fs)}
    if not scores:
        return None, 0.0, found
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if len(ranked) > 1 and ranked[1][1] >= ranked[0][1]:
        return None, 0.0, found
    kind, score = ranked[0]
    return kind, 1.0 - 0.5 ** score, found


# -- the lines -----------------------------------------------------------------------------------------

def _text_corners(box: np.ndarray, degrees: int) -> np.ndarray:
    """A detector box (clockwise from its top-left in the picture) -> its corners as the text reads (TL TR BR BL)
    when the document is turned clockwise by ``degrees`` in the picture."""
    return np.roll(np.asarray(box, np.float32), -(degrees // 90) % 4, axis=0)


def _sides(q: np.ndarray) -> tuple[float, float]:
    w = (np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
    h = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
    return float(w), float(h)


def line_crop(rgb: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The line inside ``corners`` (TL TR BR BL as the text reads) warped flat and upright."""
    w, h = _sides(corners)
    W, H = max(4, round(w)), max(4, round(h))
    dst = np.array([[0, 0], [W - 1, 0], [W - 1, H - 1], [0, H - 1]], np.float32)
    M = cv2.getPerspectiveTransform(np.asarray(corners, np.float32), dst)
    return cv2.warpPerspective(rgb, M, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _candidates(boxes: list[np.ndarray], degrees: int) -> list[list[int]]:
    """Batches of the lines that may be labels (not too long for their height), by index, read in turn until the
    document is classified: first the tallest line (a licence's title) and, of the lines starting at the text's
    left margin (labels start rows), the top-most and the bottom-most (a card's 姓名 and 公民身份号码, a licence's
    统一社会信用代码 and its last row: two labels at different heights also place the document); then the second
    top-most and second bottom-most; then the rest, nearest the margin first, up to MAX_CANDIDATES in all."""
    corners = {i: _text_corners(b, degrees) for i, b in enumerate(boxes)}
    cands = [i for i, c in corners.items() if _sides(c)[1] >= 4 and _sides(c)[0] / _sides(c)[1] <= MAX_ASPECT]
    if not cands:
        return []
    u = _unit(np.sum([corners[i][1] - corners[i][0] for i in cands], axis=0))
    v = np.array([-u[1], u[0]])
    lefts = {i: float(corners[i][0] @ u) for i in cands}
    tops = {i: float(corners[i].mean(axis=0) @ v) for i in cands}
    all_pts = np.concatenate(list(corners.values()))
    span = float((all_pts @ u).max() - (all_pts @ u).min())
    margin = min(lefts.values())
    tallest = max(cands, key=lambda i: _sides(corners[i])[1])
    column = sorted((i for i in cands if lefts[i] - margin <= MARGIN_SHARE * span), key=lambda i: tops[i])
    first = list(dict.fromkeys([tallest] + column[:1] + column[-1:]))
    second = [i for i in dict.fromkeys(column[1:2] + column[-2:-1]) if i not in first]
    rest = sorted((i for i in cands if i not in first and i not in second), key=lambda i: lefts[i])
    rest = rest[:max(0, MAX_CANDIDATES - len(first) - len(second))]
    return [b for b in (first, second, rest) if b]


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return np.asarray(v, np.float64) / n if n > 1e-6 else np.array([1.0, 0.0])


def _orientations(boxes: list[np.ndarray]) -> list[int]:
    """The document's likely turns in the picture: lines lying flat -> 0 then 180; standing -> 90 then 270."""
    flat = sum(1 for b in boxes if _sides(np.asarray(b))[0] >= _sides(np.asarray(b))[1])
    return [0, 180] if flat * 2 >= len(boxes) else [90, 270]


# -- locating ------------------------------------------------------------------------------------------

def _layout_key(label: str, boxes: list[np.ndarray], degrees: int) -> str:
    if label != "business_license":
        return label
    pts = np.concatenate([_text_corners(b, degrees) for b in boxes])
    c0 = _text_corners(boxes[0], degrees)
    u = _unit(c0[1] - c0[0])
    v = np.array([-u[1], u[0]])
    along, across = pts @ u, pts @ v
    span_u, span_v = float(along.max() - along.min()), float(across.max() - across.min())
    return "business_license/landscape" if span_u >= 1.1 * span_v else "business_license/portrait"


def locate(label: str, found: list[Found], boxes: list[np.ndarray], line_boxes: list[int], degrees: int,
           size: tuple[int, int] | None = None) -> np.ndarray | None:
    """The document's quadrilateral (upright TL TR BR BL, the boxes' coordinates) from the labels ``found`` (their
    line indices into ``line_boxes``, which index ``boxes``), or None: two labels at different heights of the layout
    are needed (one label gives no scale)."""
    key = _layout_key(label, [boxes[i] for i in line_boxes], degrees)
    anchors = ANCHORS.get(key)
    if not anchors:
        return None
    pts: list[tuple[np.ndarray, float, float]] = []
    for f in found:
        if f.label not in anchors:
            continue
        fx, fy, where = anchors[f.label]
        c = _text_corners(boxes[line_boxes[f.line]], degrees)
        p = (c[0] + c[3]) / 2 if where == "left" else c.mean(axis=0)
        pts.append((p.astype(np.float64), fx, fy))
    if len(pts) < 2:
        return None
    # the reading direction: the label lines' own (their mean, weighted by length)
    dirs = [_text_corners(boxes[line_boxes[f.line]], degrees) for f in found if f.label in anchors]
    u = _unit(np.sum([c[1] - c[0] + c[2] - c[3] for c in dirs], axis=0))
    v = np.array([-u[1], u[0]])  # down the page (image y grows downwards)
    ys = np.array([float(p @ v) for p, _, _ in pts])
    xs = np.array([float(p @ u) for p, _, _ in pts])
    fys = np.array([fy for _, _, fy in pts])
    fxs = np.array([fx for _, fx, _ in pts])
    if float(fys.max() - fys.min()) < 0.2:
        return None  # all on one row: no height
    A = np.stack([np.ones_like(fys), fys], axis=1)
    (y0, H), *_ = np.linalg.lstsq(A, ys, rcond=None)
    if H <= 0:
        return None  # the labels are in the wrong order for this layout
    if float(fxs.max() - fxs.min()) >= 0.2:
        (x0, W), *_ = np.linalg.lstsq(np.stack([np.ones_like(fxs), fxs], axis=1), xs, rcond=None)
        if W <= 0:
            return None
        W = float(np.clip(W, 0.7 * H * ASPECT[key], 1.4 * H * ASPECT[key]))
    else:
        W = H * ASPECT[key]
    x0 = float(np.mean(xs - W * fxs))
    tl = x0 * u + y0 * v
    quad = np.array([tl, tl + W * u, tl + W * u + H * v, tl + H * v], np.float32)
    return quad


# -- the survey ----------------------------------------------------------------------------------------

def _lines(ctx: Any) -> list[np.ndarray] | None:
    """The picture's text lines, from one detector pass: the image checks' own (``ctx.text_lines``) when they asked
    for it already; else, with a confident outline, only the outline's box (at most :data:`REGION_LONG_SIDE` px: the
    document fills it, so its print is as large as in the whole picture at 640 px, for half the pixels); else the
    whole picture (``ctx.text_lines``, shared with the checks)."""
    if "text_lines" in getattr(ctx, "__dict__", {}):
        return ctx.text_lines
    doc = getattr(ctx, "document", None)
    if doc is None or float(getattr(doc, "confidence", 0.0)) < WEAK_OUTLINE:
        return getattr(ctx, "text_lines", None)
    rgb = ctx.rgb
    H, W = rgb.shape[:2]
    q = np.asarray(doc.quad, np.float32)
    m = 0.03 * float(max(q[:, 0].max() - q[:, 0].min(), q[:, 1].max() - q[:, 1].min()))
    x0, y0 = max(0, int(q[:, 0].min() - m)), max(0, int(q[:, 1].min() - m))
    x1, y1 = min(W, int(np.ceil(q[:, 0].max() + m))), min(H, int(np.ceil(q[:, 1].max() + m)))
    if x1 - x0 < 32 or y1 - y0 < 32:
        return getattr(ctx, "text_lines", None)
    found = text_evidence.text_lines(rgb[y0:y1, x0:x1], REGION_LONG_SIDE)
    if found is None:
        return None
    return [b + np.array([x0, y0], np.float32) for b in found]


def survey(ctx: Any, eng: Any, *, timeout: float = 10.0, first_look: bool = False,
           resume: Survey | None = None) -> Survey | None:
    """Find, read and classify the picture's print (see the module's docstring); None when no text detector is
    available or no line was found.

    ``first_look``: only the first batch of lines the first way up (the tallest line and the left margin's top and
    bottom lines: what classifies and places most cards and licences, ~45 ms of recognition); the result says
    ``complete`` when that settled it (classified and placed, exactly what the whole survey would have returned).
    ``resume``: a first look whose lines are not read again."""
    started = time.perf_counter()
    boxes = _lines(ctx)
    if not boxes:
        return None
    rgb = ctx.rgb
    best: Survey | None = None
    read = resume.read if resume is not None else 0
    seen: dict[int, tuple[list[int], list[str]]] = {}
    for degrees in _orientations(boxes)[:1] if first_look else _orientations(boxes):
        idx: list[int] = []
        texts: list[str] = []
        s: Survey | None = None
        known = resume.seen.get(degrees) if resume is not None else None
        batches = _candidates(boxes, degrees)
        for k, batch in enumerate(batches[:1] if first_look else batches):
            if known is not None and known[0][len(idx):len(idx) + len(batch)] == batch:
                read_texts = known[1][len(idx):len(idx) + len(batch)]  # read by the first look
            else:
                # read as compact lines (no padding to the recogniser's least width): only matched against the labels
                crops = [LineCrop(line_crop(rgb, _text_corners(boxes[i], degrees)), "zh", compact=True)
                         for i in batch]
                lines: list[ReadLine] = eng.read_lines(crops, timeout=timeout)
                read += len(batch)
                read_texts = [ln.text for ln in lines]
            idx += batch
            texts += read_texts
            seen[degrees] = (list(idx), list(texts))
            label, conf, found = classify(texts)
            s = Survey(label, conf, degrees, found, lines=len(boxes))
            if label is not None:
                s.quad = locate(label, found[label], boxes, idx, degrees)
                if s.quad is not None or k >= 1:
                    break  # classified; the second batch only to place it (two labels at different heights)
                continue
            if k >= 1 and not any(found.values()):
                break  # no label at all this way up: the other way, rather than more lines
        if s is None:
            continue
        if s.label is not None:
            best = s
            break
        if best is None or sum(len(v) for v in s.found.values()) > sum(len(v) for v in best.found.values()):
            best = s
    if best is None:
        return None
    best.read = read
    best.seen = seen
    best.complete = not first_look or (best.label is not None and best.quad is not None)
    best.ms = (time.perf_counter() - started) * 1000.0 + (resume.ms if resume is not None else 0.0)
    return best
