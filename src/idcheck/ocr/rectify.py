"""Rectify the detected document for OCR and classify it.

:func:`rectify` warps the document quadrilateral (working-copy coordinates, TL TR BR BL as seen)
to a flat, upright picture at a resolution fit for OCR: an ID card 1000 px wide (its 3 mm name
characters become ~38 px high), a page 1600 px on its long side (4 mm characters ~30 px).  When
the working copy holds fewer pixels than that and the original file is larger, the document is
cut from a fresh decode of the original (JPEG DCT-scaled to just the size needed).  A card
photographed in portrait orientation is turned to landscape; which of the two turns (or 0/180) is
right is decided later by the reading itself (:func:`orientations`).

:func:`classify` tells the kind of document from the picture alone (no OCR):

    id_card_front   resident ID card, photo side (name and number)      85.6 x 54 mm, portrait right
    id_card_back    resident ID card, emblem side (issuer, validity)    85.6 x 54 mm, red emblem top left
    business_license  business licence (营业执照)                       A4/A3, red seal, frame
    passport        passport data page                                  125 x 88 mm, MRZ at the bottom
    other           anything else, or not sure

with a confidence ("strong" / "weak").  The cross-check upgrades it with what was read (a valid
identity number confirms an ID card's photo side, a valid credit code a licence, a valid MRZ a
passport) and reports ``profile.document_type_mismatch`` only on strong evidence.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageOps

CARD_ASPECT = 85.6 / 54.0  # 1.585
PAGE_ASPECT = 297.0 / 210.0  # 1.414
PASSPORT_ASPECT = 125.0 / 88.0  # 1.42
CARD_WIDTH = 1000
PAGE_LONG_SIDE = 1600
LABELS = ("id_card_front", "id_card_back", "business_license", "passport", "other")


@dataclass
class Classification:
    label: str  # one of LABELS
    strength: str  # "strong" | "weak"
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def shape(self) -> str:
        return "card" if self.label.startswith("id_card") else "page" if self.label != "other" else "unknown"


def quad_sides(quad: np.ndarray) -> tuple[float, float]:
    q = np.asarray(quad, np.float32)
    wa = (np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
    ha = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
    return float(wa), float(ha)


def shape_of(quad: np.ndarray, scale: tuple[float, float] = (1.0, 1.0)) -> tuple[str, float]:
    """("card" | "page", long/short aspect) from the quad's sides in original proportions."""
    q = np.asarray(quad, np.float32) * np.array(scale, np.float32)
    wa, ha = quad_sides(q)
    ratio = max(wa, ha) / max(1.0, min(wa, ha))
    return ("card" if ratio >= (CARD_ASPECT + PAGE_ASPECT) / 2 else "page"), ratio


def target_size(quad: np.ndarray, shape: str) -> tuple[int, int]:
    """Output (W, H) of the rectified document, keeping its measured proportions."""
    wa, ha = quad_sides(quad)
    ratio = wa / max(1.0, ha)
    if shape == "card":
        long_px = CARD_WIDTH
    else:
        long_px = PAGE_LONG_SIDE
    if ratio >= 1:
        return long_px, max(16, round(long_px / ratio))
    return max(16, round(long_px * ratio)), long_px


def rectify(rgb: np.ndarray, quad: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Warp ``quad`` (TL TR BR BL in ``rgb`` coordinates) to ``size`` (W, H)."""
    W, H = size
    q = np.asarray(quad, np.float32)
    dst = np.array([[0, 0], [W - 1, 0], [W - 1, H - 1], [0, H - 1]], np.float32)
    M = cv2.getPerspectiveTransform(q, dst)
    wa, ha = quad_sides(q)
    shrink = W < wa * 0.9
    return cv2.warpPerspective(rgb, M, (W, H), flags=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC,
                               borderMode=cv2.BORDER_REPLICATE)


def _turn_matrix(degrees: int, size: tuple[int, int]) -> np.ndarray:
    """Rectified (W x H) -> turned clockwise by ``degrees`` (as :func:`turn` does), as a 3 x 3 matrix."""
    W, H = size
    d = degrees % 360
    if d == 0:
        return np.eye(3)
    if d == 90:
        return np.array([[0, -1, H - 1], [1, 0, 0], [0, 0, 1]], np.float64)
    if d == 180:
        return np.array([[-1, 0, W - 1], [0, -1, H - 1], [0, 0, 1]], np.float64)
    return np.array([[0, 1, 0], [-1, 0, W - 1], [0, 0, 1]], np.float64)


def warp_windows(rgb: np.ndarray, quad: np.ndarray, size: tuple[int, int], degrees: int,
                 windows: list[tuple[float, float, float, float]], margin: float = 0.04) -> np.ndarray:
    """The rectified document turned by ``degrees``, warped only inside ``windows`` (shares of the turned
    document's width and height, plus ``margin``); paper white elsewhere.

    What :func:`rectify` then :func:`turn` give inside the windows, at a fraction of the cost: the field
    windows of a licence cover a third of the page, and warping a 1600 px page costs ~40 ms."""
    W, H = size
    Wu, Hu = (W, H) if degrees % 180 == 0 else (H, W)
    q = np.asarray(quad, np.float32)
    dst = np.array([[0, 0], [W - 1, 0], [W - 1, H - 1], [0, H - 1]], np.float32)
    M = _turn_matrix(degrees, size) @ cv2.getPerspectiveTransform(q, dst).astype(np.float64)
    wa, ha = quad_sides(q)
    shrink = W < wa * 0.9
    flags = cv2.INTER_AREA if shrink else cv2.INTER_CUBIC
    out = np.full((Hu, Wu) + rgb.shape[2:], 255, np.uint8)
    for x0, y0, x1, y1 in windows:
        a0, b0 = max(0, int((x0 - margin) * Wu)), max(0, int((y0 - margin) * Hu))
        a1, b1 = min(Wu, int(np.ceil((x1 + margin) * Wu))), min(Hu, int(np.ceil((y1 + margin) * Hu)))
        if a1 - a0 < 2 or b1 - b0 < 2:
            continue
        T = np.array([[1, 0, -a0], [0, 1, -b0], [0, 0, 1]], np.float64)
        out[b0:b1, a0:a1] = cv2.warpPerspective(rgb, T @ M, (a1 - a0, b1 - b0), flags=flags,
                                                borderMode=cv2.BORDER_REPLICATE)
    return out


def rectify_small(rgb: np.ndarray, quad: np.ndarray, size: tuple[int, int], long_side: int = 480) -> np.ndarray:
    """The whole rectified document at ``long_side`` px (for :func:`classify`), from a source first reduced
    by area averaging so the warp samples it about 1:1."""
    f = long_side / max(size)
    wa, ha = quad_sides(quad)
    k = 1.2 * long_side / max(wa, ha, 1.0)
    q = np.asarray(quad, np.float32)
    if k < 0.8:
        h0, w0 = rgb.shape[:2]
        rgb = cv2.resize(rgb, (max(8, round(w0 * k)), max(8, round(h0 * k))), interpolation=cv2.INTER_AREA)
        q = q * np.array([rgb.shape[1] / w0, rgb.shape[0] / h0], np.float32)
    small = (max(8, round(size[0] * f)), max(8, round(size[1] * f)))
    return rectify(rgb, q, small)


def source_for(ctx: Any, quad: np.ndarray, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, str]:
    """The best picture to cut the document from: (rgb, quad in its coordinates, "working" | "original").

    The working copy when it already holds enough pixels; otherwise the original file decoded again,
    reduced by JPEG DCT scaling to no more than the size needed.
    """
    wa, ha = quad_sides(quad)
    need = max(size) / max(wa, ha, 1.0)
    sx, sy = getattr(ctx, "scale_x", 1.0), getattr(ctx, "scale_y", 1.0)
    data = getattr(ctx, "data", None)
    if need <= 1.05 or max(sx, sy) <= 1.05 or not data:
        return ctx.rgb, quad, "working"
    try:
        with Image.open(io.BytesIO(data)) as im:
            w0, h0 = im.size
            factor = min(max(sx, sy), need)  # how much larger than the working copy we want it
            want = (int(ctx.width * factor), int(ctx.height * factor))
            if im.format == "JPEG":
                # draft works in the file's own orientation: ask for enough in both axes
                im.draft("RGB", (max(want), max(want)))
            pic: Image.Image = im
            if im.getexif().get(0x0112, 1) not in (None, 1):
                pic = ImageOps.exif_transpose(im)
            if pic.mode != "RGB":  # a JPEG decodes to RGB already: converting it copied the picture and left numpy
                pic = pic.convert("RGB")  # a slower copy to make (a 2227 x 1670 licence: 34 -> 16 ms of CPU)
            if pic.size[0] > want[0] * 1.5:
                pic = pic.resize(want, Image.Resampling.BOX)
            rgb = np.asarray(pic)
    except Exception:
        return ctx.rgb, quad, "working"
    h1, w1 = rgb.shape[:2]
    q = np.asarray(quad, np.float32) * np.array([w1 / ctx.width, h1 / ctx.height], np.float32)
    return rgb, q, "original"


def orientations(shape: str, size: tuple[int, int]) -> list[int]:
    """Clockwise turns (degrees) to try, most likely first: a card is read landscape, a page as found."""
    W, H = size
    if shape == "card":
        return [0, 180] if W >= H else [90, 270]
    return [0, 180]


def turn(img: np.ndarray, degrees: int) -> np.ndarray:
    if degrees % 360 == 0:
        return img
    code = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}[degrees % 360]
    return cv2.rotate(img, code)


# -- classification ---------------------------------------------------------------------------------

def _red_mask(rgb: np.ndarray) -> np.ndarray:
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.int16)
    return (lab[..., 1] > 128 + 28) & (lab[..., 0] > 40)


def _share(mask: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> float:
    h, w = mask.shape[:2]
    part = mask[int(y0 * h):int(y1 * h), int(x0 * w):int(x1 * w)]
    return float(part.mean()) if part.size else 0.0


def _portrait_score(rgb: np.ndarray) -> float:
    """Share of the portrait window (right part of an ID card's photo side) covered by large solid
    non-paper areas (hair, face, clothes); text strokes are removed by a wide opening."""
    h, w = rgb.shape[:2]
    part = rgb[int(0.08 * h):int(0.72 * h), int(0.62 * w):int(0.95 * w)]
    if part.size == 0:
        return 0.0
    lab = cv2.cvtColor(part, cv2.COLOR_RGB2LAB).astype(np.float32)
    paper = np.median(lab.reshape(-1, 3), axis=0)
    dist = np.sqrt(((lab - paper) ** 2).sum(axis=2))
    solid = (dist > 30).astype(np.uint8)
    k = max(3, int(0.03 * h)) | 1
    solid = cv2.morphologyEx(solid, cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
    return float(solid.mean())


def _mrz_score(gray: np.ndarray) -> float:
    """Width share of the longest text-like row band in the bottom quarter (an MRZ spans ~90%)."""
    h, w = gray.shape
    band = gray[int(0.72 * h):, :]
    if band.size == 0:
        return 0.0
    k = max(3, int(0.012 * w)) | 1
    black = cv2.morphologyEx(band, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (k * 3, k)))
    gx = np.abs(cv2.Sobel(black, cv2.CV_32F, 1, 0, ksize=3))
    gx[:, :k] = 0  # the picture's edges are not text
    gx[:, -k:] = 0
    gx = (255 * gx / max(1.0, float(gx.max()))).astype(np.uint8)
    gx = cv2.morphologyEx(gx, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k * 3, 3)))
    _, t = cv2.threshold(gx, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    t = cv2.morphologyEx(t, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k * 5, 1)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(t)
    best = 0.0
    for i in range(1, n):
        x, y, ww, hh, area = stats[i]
        if hh < 0.25 * band.shape[0] and ww > 0:  # a line (an MRZ line is ~12% of the band), not a block
            best = max(best, ww / w)
    return best


def classify(rgb: np.ndarray, shape: str) -> Classification:
    """What the rectified (upright) document is, from the picture alone (measured on a 480 px copy)."""
    h, w = rgb.shape[:2]
    f = 480 / max(h, w)
    if f < 1:
        rgb = cv2.resize(rgb, (max(8, round(w * f)), max(8, round(h * f))), interpolation=cv2.INTER_AREA)
        h, w = rgb.shape[:2]
    aspect = max(w, h) / max(1, min(w, h))
    red = _red_mask(rgb)
    ev: dict[str, Any] = {"aspect": round(aspect, 3), "shape": shape}
    if shape == "card":
        emblem = _share(red, 0.03, 0.04, 0.30, 0.45)
        portrait = _portrait_score(rgb)
        ev.update(emblem_red=round(emblem, 4), portrait=round(portrait, 3))
        if portrait >= 0.15 and emblem < 0.05:
            return Classification("id_card_front", "weak", ev)
        if emblem >= 0.08 and portrait < 0.08:
            return Classification("id_card_back", "strong" if emblem >= 0.12 else "weak", ev)
        return Classification("other", "weak", ev)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    mrz = _mrz_score(gray)
    seal = _share(red, 0.0, 0.45, 1.0, 1.0)
    ev.update(mrz_width=round(mrz, 3), red_lower=round(seal, 4))
    if mrz >= 0.75 and seal < 0.01:
        return Classification("passport", "weak", ev)
    if seal >= 0.004:
        return Classification("business_license", "weak", ev)
    return Classification("other", "weak", ev)
