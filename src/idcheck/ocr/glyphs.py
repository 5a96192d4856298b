"""Glyph check: does the printed character look more like what OCR read or like what was typed?

OCR engines misread some characters *confidently and consistently*: Tesseract's chi_sim model reads
霞 as 起 (confidence 0.96, the same at every scale) and 鑫 as 奔, 森 or 大.  A confidence threshold alone
cannot tell such a misread from a real difference, so before a name is reported as different from
the profile, each differing character of the line picture is compared with the two candidates
rendered in a CJK font (Noto Sans/Serif CJK, WenQuanYi, or the system's Chinese fonts):

    score(cell, ch) = normalised cross-correlation of the cell's ink and the rendered ch, both cut to
                      their ink, centred in a square and scaled to 32 x 32 (best over the fonts found)

The difference is believed only when the read character scores clearly better than the typed one.
This is a *veto* (it can only turn a mismatch into "could not verify"): a typed character whose
shape fits the picture as well as the reading never becomes ``profile.name_mismatch``.

Measured on the name crops of 72 generated documents (benchmarks/ocr.py, tuning seed 101, Tesseract's
readings): its five confident misreads scored 0.16-0.70 *worse* than the true (typed) character; the
66 real one-character differences scored 0.07 or more better.
The fixtures print with Noto fonts, so real documents (other typefaces) score lower on both sides;
the veto then errs towards "could not verify".
"""

from __future__ import annotations

import glob
import os
import threading
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

SIDE = 32
# (path pattern, face index of the Simplified Chinese face in a collection)
FONT_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/System/Library/Fonts/STHeiti Light.ttc", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
    ("C:/Windows/Fonts/simsun.ttc", 0),
    ("C:/Windows/Fonts/msyh.ttc", 0),
)
_lock = threading.Lock()


@lru_cache(maxsize=1)
def fonts() -> tuple:
    """The CJK fonts found here (PIL FreeType fonts at 64 px), at most three."""
    found = []
    for pattern, index in FONT_CANDIDATES:
        for path in sorted(glob.glob(pattern)):
            if not os.path.isfile(path):
                continue
            try:
                font = ImageFont.truetype(path, 64, index=index)
                if font.getbbox("国")[2] > 0:
                    found.append(font)
            except (OSError, ValueError):
                continue
        if len(found) >= 3:
            break
    return tuple(found)


def available() -> bool:
    return bool(fonts())


def _normalise(ink: np.ndarray) -> np.ndarray | None:
    """Binary ink (uint8 0/1) -> unit-norm 32 x 32 descriptor, or None for no ink."""
    ys, xs = np.nonzero(ink)
    if len(xs) < 4:
        return None
    b = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(np.float32) * 255.0
    h, w = b.shape
    side = max(h, w)
    sq = np.zeros((side, side), np.float32)
    sq[(side - h) // 2:(side - h) // 2 + h, (side - w) // 2:(side - w) // 2 + w] = b
    v = cv2.resize(sq, (SIDE, SIDE), interpolation=cv2.INTER_AREA)
    v = cv2.GaussianBlur(v, (0, 0), 1.0)
    v -= v.mean()
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else None


@lru_cache(maxsize=8192)
def _rendered(ch: str) -> tuple[np.ndarray, ...]:
    out = []
    for font in fonts():
        im = Image.new("L", (112, 112), 255)
        with _lock:  # FreeType faces are not thread-safe
            ImageDraw.Draw(im).text((16, 8), ch, font=font, fill=0)
        v = _normalise((np.asarray(im) < 128).astype(np.uint8))
        if v is not None:
            out.append(v)
    return tuple(out)


SPECK_SHARE = 0.1  # ink blobs smaller than (this share of the line's height)^2 px are specks (the paper's grain,
#                   a sheen's texture), not print: they do not mark where the print starts or ends
CORE_SHARE = 0.8  # the strokes' cores: ink darker than this share of the way from the darkest ink to Otsu's
#                   threshold.  On a blurred line Otsu's ink fills a character's inner white (限 a solid blob on a
#                   generated licence blurred 1.2 px per 1000 px: 0.19 for 限, 0.31 for the typed 英); its cores keep
#                   the strokes apart (0.45 against 0.31).  Both cuts are scored (see compare)
MERGED_CELLS = 1.1  # cells: an ink blob wider than this spans neighbours (blurred strokes touching): it is cut at
#                     the cell's edges instead of being kept whole in one cell and lost from the others


def cell(line: np.ndarray, count: int, index: int, shift: float = 0.0, core: bool = False) -> np.ndarray:
    """Ink (0/1) of character ``index`` of ``count`` equally wide characters in a grey line crop (paper white):
    the ink span is divided evenly (Chinese print is monospaced) and only the strokes whose centre
    falls in the character's cell are kept (a neighbour's strokes reaching in are dropped).

    The span runs from the first to the last ink that is not a speck, however thin (a 上's or 司's horizontal
    stroke is 2-3 px high: a column threshold cut it off and shifted every cell); a blob of strokes blurred
    together across cells (wider than :data:`MERGED_CELLS`) is cut at the cell's edges.  ``shift`` moves the cell
    by that share of its width (see :data:`SHIFTS`); ``core`` keeps only the strokes' dark cores
    (:data:`CORE_SHARE`)."""
    # Otsu's threshold over the line: on a blurred line a fixed one fattens strokes until neighbours touch
    t, ink = cv2.threshold(line, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if core:
        darkest = float(np.percentile(line, 1))
        _, ink = cv2.threshold(line, darkest + CORE_SHARE * (t - darkest), 1, cv2.THRESH_BINARY_INV)
    if count <= 0:
        return np.zeros((1, 1), np.uint8)
    n_all, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    speck = (SPECK_SHARE * line.shape[0]) ** 2
    print_ = [j for j in range(1, n_all) if stats[j, cv2.CC_STAT_AREA] >= speck]
    if not print_:
        return np.zeros((1, 1), np.uint8)
    a0 = int(min(stats[j, cv2.CC_STAT_LEFT] for j in print_))
    a1 = int(max(stats[j, cv2.CC_STAT_LEFT] + stats[j, cv2.CC_STAT_WIDTH] for j in print_))
    cw = (a1 - a0) / count
    lo, hi = a0 + (index + shift) * cw, a0 + (index + 1 + shift) * cw
    x0, x1 = int(max(0, lo - 0.2 * cw)), int(min(ink.shape[1], hi + 0.2 * cw))
    part = ink[:, x0:x1]
    n, lab, st, cents = cv2.connectedComponentsWithStats(part, connectivity=8)
    keep = np.zeros_like(part)
    inside = np.zeros(part.shape[1], bool)
    inside[max(0, int(np.floor(lo)) - x0):max(0, int(np.ceil(hi)) - x0)] = True
    for j in range(1, n):
        if st[j, cv2.CC_STAT_WIDTH] > MERGED_CELLS * cw:
            keep[(lab == j) & inside[None, :]] = 1
        elif lo <= x0 + cents[j][0] < hi:
            keep[lab == j] = 1
    return keep


def score(ink: np.ndarray, ch: str) -> float:
    """How well the cell's ink fits ``ch`` (normalised cross-correlation, best over the fonts; -1..1)."""
    v = _normalise(ink)
    refs = _rendered(ch)
    if v is None or not refs:
        return 0.0
    return max(float((v * r).sum()) for r in refs)


SHIFTS = (0.0, -0.1, 0.1, -0.2, 0.2, -0.3, 0.3)  # shares of a cell's width: the evenly cut cells drift off the
#   characters when the pitch is not quite even (a line warped from a document placed from its labels, a radical
#   blurred into its neighbour: a blurred generated licence's 北 fitted 0.29 on the even cut, 0.76 within 0.3 of a
#   cell), so each candidate is scored at the cut that fits it best, the read and the typed character alike (the
#   comparison stays fair: a confident misread's true character finds its best cut too)


def compare(line: np.ndarray, count: int, index: int, read: str, typed: str) -> tuple[float, float] | None:
    """(score of the read character, score of the typed one) at ``index``, or None without a font; each the best
    over the cells cut at :data:`SHIFTS`, of Otsu's ink and of the strokes' cores (:data:`CORE_SHARE`)."""
    if not available():
        return None
    s_read = s_typed = -1.0
    for core in (False, True):
        for shift in SHIFTS:
            ink = cell(line, count, index, shift, core)
            s_read, s_typed = max(s_read, score(ink, read)), max(s_typed, score(ink, typed))
    return s_read, s_typed
