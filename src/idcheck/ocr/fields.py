"""Field crops per document layout: where the name and the number are printed.

Each layout lists its fields as *search windows* in relative coordinates of the rectified,
upright document (x0, y0, x1, y1 as shares of width and height), wide enough for the printing
tolerance of real documents and for a quad found a few pixels off.  Inside a window the text lines
are found from the ink (:func:`find_lines`), and the field's line is chosen by position ("first",
the top-most line; "all", every line: the reader keeps the one that fits the format).

Ink is measured on the *value* channel (max of R, G, B) divided by a local estimate of the paper:
black print stays dark, while the blue labels of an ID card, the light security pattern, a red
seal, an uneven light and a mild sheen all become paper.

Layouts (the first two after GB 19104-2015/ the 2004 card design, the licence after the 2019
national licence template; the generated fixtures follow the same positions)::

    id_card_front      name (right of 姓名), number (right of 公民身份号码)
    business_license   name (the 名称 row, label included and removed after reading),
                       credit code (under 统一社会信用代码, top left)
    passport           the two MRZ lines at the bottom
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class FieldSpec:
    name: str  # "name" | "number" | "mrz"
    script: str  # engine script hint
    window: tuple[float, float, float, float]
    pick: str = "first"  # "first" | "all" | "last2" | "last"
    max_left: float = 1.0  # the line must start left of this share of the width (rows start at the label column)
    label: bool = False  # the row starts with a printed label (名称): the crop starts after the gap that ends it


LAYOUTS: dict[str, tuple[FieldSpec, ...]] = {
    "id_card_front": (
        FieldSpec("name", "zh", (0.15, 0.08, 0.63, 0.24), "first"),
        FieldSpec("number", "digits", (0.25, 0.72, 0.98, 0.93), "first"),
    ),
    "business_license/landscape": (
        FieldSpec("number", "uscc", (0.03, 0.10, 0.50, 0.30), "all"),
        FieldSpec("name", "zh", (0.05, 0.33, 0.75, 0.47), "first", max_left=0.3, label=True),
        # the issue date under the registration seal, below 登记机关 (for document.recently_issued; ocr/dates.py)
        FieldSpec("issued", "zh", (0.60, 0.78, 0.97, 0.94), "last"),
    ),
    "business_license/portrait": (
        FieldSpec("number", "uscc", (0.05, 0.05, 0.60, 0.175), "all"),
        FieldSpec("name", "zh", (0.07, 0.23, 0.92, 0.34), "first", max_left=0.35, label=True),
        FieldSpec("issued", "zh", (0.50, 0.82, 0.97, 0.95), "last"),
    ),
    "passport": (
        FieldSpec("mrz", "mrz", (0.0, 0.70, 1.0, 1.0), "last2"),
    ),
    # the emblem side: the validity period (有效期限 2015.03.01-2035.03.01, or ...-长期) right of its label
    "id_card_back": (
        FieldSpec("validity", "zh", (0.31, 0.76, 0.99, 0.95), "last"),
    ),
}


def layout_for(label: str, size: tuple[int, int]) -> tuple[str, tuple[FieldSpec, ...]] | None:
    W, H = size
    if label == "business_license":
        key = "business_license/landscape" if W >= H else "business_license/portrait"
    else:
        key = label
    spec = LAYOUTS.get(key)
    return (key, spec) if spec else None


@dataclass
class FieldCrop:
    field: str
    script: str
    image: np.ndarray  # grey, normalised (paper white, ink dark), padded
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in the rectified document
    clipped: bool = False  # the line reaches its window's left or right end: it may go on beyond it


def value_channel(rgb: np.ndarray) -> np.ndarray:
    """max(R, G, B) per pixel (a grey picture unchanged).  Two element-wise maxima: numpy's ``max(axis=2)`` over
    the 3-byte pixels costs ~20x as much (49 vs 2 ms on a 1600 x 1200 picture)."""
    if rgb.ndim != 3:
        return rgb
    return np.maximum(np.maximum(rgb[..., 0], rgb[..., 1]), rgb[..., 2])


def ink_map(rgb: np.ndarray, ref: int | None = None) -> np.ndarray:
    """Normalised darkness: uint8, paper ~255, black print ~0 (see the module docstring).

    ``ref`` is the document's short side (px) when ``rgb`` is only a part of it."""
    v = value_channel(rgb)
    h, w = v.shape[:2]
    k = max(15, int((ref or min(h, w)) * 0.06)) | 1
    small = cv2.resize(v, (max(8, w // 4), max(8, h // 4)), interpolation=cv2.INTER_AREA)
    ks = max(3, k // 4) | 1
    paper = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (ks, ks)))
    paper = cv2.GaussianBlur(paper, (ks, ks), 0)
    paper = cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    norm = np.clip(v.astype(np.float32) / np.maximum(paper, 1.0) * 255.0, 0, 255)
    return norm.astype(np.uint8)


def window_ink(rgb: np.ndarray, windows: list[tuple[float, float, float, float]]) -> np.ndarray:
    """The ink map computed only inside the windows (plus a margin); paper (255) elsewhere."""
    H, W = rgb.shape[:2]
    out = np.full((H, W), 255, np.uint8)
    for x0, y0, x1, y1 in windows:
        mx, my = int(0.03 * W), int(0.03 * H)
        a0, b0 = max(0, int(x0 * W) - mx), max(0, int(y0 * H) - my)
        a1, b1 = min(W, int(x1 * W) + mx), min(H, int(y1 * H) + my)
        out[b0:b1, a0:a1] = np.minimum(out[b0:b1, a0:a1], ink_map(rgb[b0:b1, a0:a1], ref=min(H, W)))
    return out


def _ink_mask(norm: np.ndarray) -> np.ndarray:
    return (norm < 150).astype(np.uint8)


def find_lines(norm: np.ndarray, window: tuple[int, int, int, int], *, min_h: int,
               max_h: int) -> list[tuple[int, int, int, int]]:
    """Text line boxes (x0, y0, x1, y1, document coordinates) inside ``window``, top to bottom.

    Ink blobs are glued into characters, then chained into lines: a blob joins a line when its
    height is compatible (ratio < 1.8), its centre lies within the line's band and the horizontal
    gap is under four line heights.  So a big title beside a small code stays apart, while the
    widely spaced label "名          称" stays with its value.
    """
    x0, y0, x1, y1 = window
    part = _ink_mask(norm[y0:y1, x0:x1])
    if part.size == 0:
        return []
    kx = max(3, min_h) | 1  # closes the gaps between the strokes of 三 兰 二 and between characters
    glued = cv2.morphologyEx(part, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (kx, kx)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(glued, connectivity=8)
    blobs = [tuple(int(v) for v in s[:4]) for s in stats[1:]
             # (a glued MRZ line is ~30 wide for 1 high; a rule is thinner than min_h)
             if s[3] >= min_h * 0.5 and s[3] <= max_h * 1.5 and s[4] >= 0.05 * s[2] * s[3] and s[2] <= 60 * s[3]]
    blobs.sort(key=lambda b: b[0])
    lines: list[list[int]] = []  # [x0, y0, x1, y1, count]
    for bx, by, bw, bh in blobs:
        cy = by + bh / 2
        best = None
        for ln in lines:
            lh = ln[3] - ln[1]
            lcy = (ln[1] + ln[3]) / 2
            if max(bh, lh) / max(1, min(bh, lh)) >= 1.8:
                continue
            if abs(cy - lcy) > 0.45 * max(bh, lh):
                continue
            gap = bx - ln[2]
            if gap > 4 * max(bh, lh):
                continue
            if best is None or gap < best[0]:
                best = (gap, ln)
        if best is None:
            lines.append([bx, by, bx + bw, by + bh, 1])
        else:
            ln = best[1]
            ln[0] = min(ln[0], bx)
            ln[1] = min(ln[1], by)
            ln[2] = max(ln[2], bx + bw)
            ln[3] = max(ln[3], by + bh)
            ln[4] += 1
    out = []
    for lx0, ly0, lx1, ly1, _count in lines:
        hgt = ly1 - ly0
        if hgt < min_h or hgt > max_h or (lx1 - lx0) < 1.5 * hgt:
            continue
        out.append((x0 + lx0, y0 + ly0, x0 + lx1, y0 + ly1))
    out.sort(key=lambda b: (b[1], b[0]))
    return out


def _first_character(ink: np.ndarray, width: int) -> int:
    """The first column of the first run of ``width`` or more inked columns (0 when there is none)."""
    run = 0
    for x, has in enumerate(ink):
        run = run + 1 if has else 0
        if run >= width:
            return x - width + 1
    return 0


def after_label(norm: np.ndarray, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The part of a row right of its label: the row is cut after the last wide gap (>= 0.8 line heights of
    paper) that starts within 6 line heights of the row's first character; the label "名          称" is spaced
    wide, a value never is.  The row unchanged when there is no such gap.

    The 6 line heights are counted from the row's first character, its first run of ink columns at least a quarter
    line height wide: a thin stroke before it (a frame line a page located a little off brings into the window)
    moved the row's start 2 line heights to the left on a generated licence, and the gap after 称 fell beyond the
    limit.  A gap after such a stroke still counts (it may be the end of a label character cut by the window)."""
    x0, y0, x1, y1 = box
    h = max(1, y1 - y0)
    ink = _ink_mask(norm[y0:y1, x0:x1]).sum(axis=0) > max(1, h // 12)  # a speck is not a character
    origin = _first_character(ink, max(2, h // 4))
    cut = None
    run_start = None
    for x, has in enumerate(ink):
        if not has:
            if run_start is None:
                run_start = x
            continue
        if run_start is not None and run_start > 0 and x - run_start >= 0.8 * h and run_start - origin <= 6 * h:
            cut = x
        run_start = None
    if cut is None or x1 - (x0 + cut) < 1.5 * h:
        return box
    return (x0 + cut, y0, x1, y1)


def crop_line(norm: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """The line with a margin of a third of its height, paper-padded."""
    x0, y0, x1, y1 = box
    h, w = norm.shape
    m = max(3, (y1 - y0) // 3)
    c = norm[max(0, y0 - m):min(h, y1 + m), max(0, x0 - m):min(w, x1 + m)]
    return cv2.copyMakeBorder(c, 4, 4, 8, 8, cv2.BORDER_CONSTANT, value=255)


def field_crops(rgb: np.ndarray, specs: tuple[FieldSpec, ...], norm: np.ndarray | None = None) -> list[FieldCrop]:
    """Crops of every field's candidate lines (a field may give several candidates with pick="all")."""
    if norm is None:
        norm = window_ink(rgb, [s.window for s in specs])
    H, W = norm.shape
    out: list[FieldCrop] = []
    min_h = max(8, int(0.011 * max(W, H)))  # ~1 mm on a card, ~3 mm on a page: smaller is not our print
    max_h = int(0.075 * max(W, H))
    for spec in specs:
        wx0, wy0, wx1, wy1 = spec.window
        window = (int(wx0 * W), int(wy0 * H), int(wx1 * W), int(wy1 * H))
        lines = [b for b in find_lines(norm, window, min_h=min_h, max_h=max_h) if b[0] <= spec.max_left * W]
        if spec.name == "number":  # 18 characters of half width: a title or a stray mark is not a number
            lines = [b for b in lines if (b[2] - b[0]) >= 5 * (b[3] - b[1])]
        if spec.pick == "first":
            lines = lines[:1]
        elif spec.pick == "last2":
            lines = lines[-2:]
        elif spec.pick == "last":
            lines = lines[-1:]
        for box in lines:
            if spec.label:
                box = after_label(norm, box)
            edge = max(2, (box[3] - box[1]) // 4)
            clipped = box[0] <= window[0] + edge or box[2] >= window[2] - edge
            out.append(FieldCrop(spec.name, spec.script, crop_line(norm, box), box, clipped))
    return out
