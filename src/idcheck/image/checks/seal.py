"""document.seal_missing: a business licence or certificate without its red round seal.

A business licence (and most Chinese certificates: 统一社会信用代码证书, 事业单位法人证书, 社会团体法人登记证书 ...)
carries the issuer's red round seal (登记机关 / 发证机关, ~42 mm) over its issue date.  A licence photo without
one is a photocopy, a draft, a cut page or an electronic licence's print-out: worth telling the user (a
warning - a page may carry its seal outside the photo, and nothing here was measured on real licences).

Where it runs: only when the document is a licence or certificate -

* the caller named it (``kind="business_license"`` or ``"certificate"``): the image check below;
* otherwise the OCR stage (:func:`after_reading`, called by :mod:`idcheck.ocr.crosscheck`) when the profile's
  document type is an organisation's mainland certificate or the reading confirms a licence (a valid credit
  code, or the licence's printed labels).  The picture's own red-disc classification (ocr.rectify) is never
  used for this: it *is* a seal test.

How (:func:`find_seals`, on the document rectified at :data:`WORK_LONG_SIDE` px, or on the whole picture when
no outline was found):

1. the paper's colour is divided out (von Kries on the brightest half of the pixels), so a warm or cool light
   does not turn the paper red or the red orange;
2. red pixels: hue within :data:`RED_HUE` of pure red, saturation >= :data:`MIN_SATURATION`, and red over
   green and blue by :data:`MIN_RED_EXCESS` (a pale, faded seal keeps both);
3. candidate circles from the red regions' outlines (a closed blob of about the right size and roundness)
   and from a Hough transform of the red mask (a ring broken by overprinted text or fading);
4. a candidate is a seal when its red ring is seen around :data:`MIN_RING_COVERAGE` of the circle, the
   ring is a thin stroke (red density in the ring band at least :data:`MIN_RING_CONTRAST` times the band just
   inside it and outside it), and its inside is not filled (<= :data:`MAX_INSIDE_FILL`: a solid red emblem or
   roundel is no seal).  A square stamp touches its circumscribed circle only at its corners; red title text
   has no ring.

A greyscale picture (``image.grayscale`` from the picture's own colour) cannot show a red seal: reported as
``image.not_judged`` (info), never as a missing seal.  A grey document in a colour photo (a photocopy) is
what a missing seal looks like, and is reported.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from ... import codes
from ...report import Finding, Measure
from ..context import ImageContext
from ..registry import image_check

# -- thresholds -------------------------------------------------------------------------------------------
# The document is searched at this long side (px): a 42 mm seal on an A4 page is then ~160 px across, its ring
# stroke (~1 mm) 3-4 px - enough to see the ring, 6x cheaper than the rectified 1600 px copy.
WORK_LONG_SIDE = 800
# Hue band of red (OpenCV hue, 0-179 for 0-358 degrees): within 9 units (18 degrees) of pure red either side.
# Seal inks measured 174-179 and 0-5 on the generated licences, a pale faded seal 3-6; the paper under a warm
# light (after the paper's colour is divided out) and wood desks lie at 10-25, skin at 5-20 (excluded by shape).
RED_HUE = 9
# Saturation (0-255) at least 30: a faded seal on white paper measured 40-90; white and grey paper after the
# white balance stays under 20.
MIN_SATURATION = 30
# Red over max(green, blue) (0-255 units, after the white balance) at least 25: pale pink ink keeps 30-60 over
# the paper; JPEG chroma bleeding at black text edges stays under ~15.
MIN_RED_EXCESS = 25
# Seal diameter as a share of the searched region's short side.  A 38-45 mm seal is 0.13-0.21 of an A4/A3
# page's short side (0.19 on the generated A4 licence); a card carries none.  On the whole picture (no outline)
# the document may fill a third of it: 0.04.
MIN_DIAMETER = 0.09
MIN_DIAMETER_PICTURE = 0.04
MAX_DIAMETER = 0.40
# The ring must be seen around at least half of the circle (48 sectors, a sector counts when >= 8% of its ring
# band is red): generated seals measure 100% (67% for one faded and blurred); half leaves room for a seal partly
# cut, worn or printed over.  Coverage alone does not tell a ring: a square stamp's best circle measures up to
# 77%, a red title character's 100% - the contrast below does.
MIN_RING_COVERAGE = 0.50
SECTORS = 48
SECTOR_MIN_RED = 0.08
# The ring band's red density at least 4 times the bands just inside and just outside it: a thin round stroke,
# not a filled disc, a square frame or a block of red text.  Seed 7: generated seals 8.8-25 (faded 9.5-18); the
# best circle on seal-less licences (square stamps, red titles) 1.2-1.96 (the bands beside the ring: see _measure).
MIN_RING_CONTRAST = 4.0
# Red share of the disc inside 0.75 of the radius at most 40%: a seal's star and text fill 8-30% (seed 7); a
# solid red roundel or emblem 70-100%.
MAX_INSIDE_FILL = 0.40

# profile document types that are mainland certificates issued under a red seal
SEALED_TYPES = frozenset({
    "business_license", "uscc_certificate", "org_code_certificate", "institution_certificate",
    "social_org_certificate", "private_non_enterprise_certificate", "foundation_certificate",
    "social_service_org_certificate", "law_firm_license", "medical_institution_license", "private_school_license",
    "notary_office_license", "judicial_expertise_license", "religious_venue_certificate",
    "foreign_enterprise_office_certificate",
})
# check() kinds that name a licence or certificate
SEALED_KINDS = frozenset({"business_license", "certificate"})
# why the check does not apply to any other document (English, Chinese): the check list's "not applicable"
NOT_A_LICENCE = ("only licences and certificates carry a red seal, and the document was not named or read as one",
                 "只有执照和证书带有红色印章，该证件未被指定或识别为执照或证书")


@dataclass
class Circle:
    cx: float
    cy: float
    r: float
    coverage: float
    contrast: float
    fill: float
    source: str

    @property
    def is_seal(self) -> bool:
        return (self.coverage >= MIN_RING_COVERAGE and self.contrast >= MIN_RING_CONTRAST
                and self.fill <= MAX_INSIDE_FILL)

    def to_dict(self) -> dict[str, Any]:
        return {"centre": [round(self.cx, 1), round(self.cy, 1)], "radius": round(self.r, 1),
                "ring_coverage": round(self.coverage, 3), "ring_contrast": round(self.contrast, 2),
                "inside_fill": round(self.fill, 3), "source": self.source}


@dataclass
class SealSearch:
    seals: list[Circle] = field(default_factory=list)  # circles that are seals, best first
    best: Circle | None = None  # the best candidate (seal or not)
    candidates: int = 0
    red_share: float = 0.0  # share of the searched region that is red
    scale: float = 1.0  # searched px per input px

    @property
    def found(self) -> bool:
        return bool(self.seals)


def red_mask(rgb: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray:
    """uint8 mask (255 = red ink) of an RGB picture, after dividing out the paper's colour."""
    rgbf: np.ndarray = rgb.astype(np.float32)
    luma = rgbf @ np.array([0.299, 0.587, 0.114], np.float32)
    inside = valid > 0 if valid is not None else np.ones(luma.shape, bool)
    # the paper's colour from every 4th pixel of every 4th row (the median of the brighter half: plenty of samples)
    lum_s, rgb_s, in_s = luma[::4, ::4], rgbf[::4, ::4], inside[::4, ::4]
    if in_s.any():
        cut = np.median(lum_s[in_s])
        paper = rgb_s[in_s & (lum_s >= cut)]
        if paper.size:
            tint = np.median(paper, axis=0)
            rgbf = rgbf * (float(tint.mean()) / np.maximum(tint, 1.0))
    bal = np.clip(rgbf, 0, 255).astype(np.uint8)
    hsv = cv2.cvtColor(bal, cv2.COLOR_RGB2HSV)
    hue, sat = hsv[:, :, 0], hsv[:, :, 1]
    r = bal[:, :, 0].astype(np.int16)
    excess = r - np.maximum(bal[:, :, 1], bal[:, :, 2]).astype(np.int16)
    mask = ((hue <= RED_HUE) | (hue >= 180 - RED_HUE)) & (sat >= MIN_SATURATION) & (excess >= MIN_RED_EXCESS)
    if valid is not None:
        mask &= inside
    return mask.astype(np.uint8) * 255


def _measure(mask: np.ndarray, cx: float, cy: float, r: float) -> tuple[float, float, float, float]:
    """(radius refined to the ring, ring coverage, ring contrast, inside fill) of a candidate circle."""
    h, w = mask.shape
    R = int(math.ceil(r * 1.35)) + 2
    x0, x1 = max(0, int(cx) - R), min(w, int(cx) + R + 1)
    y0, y1 = max(0, int(cy) - R), min(h, int(cy) + R + 1)
    if x1 - x0 < 3 or y1 - y0 < 3:
        return r, 0.0, 0.0, 1.0
    sub = mask[y0:y1, x0:x1] > 0
    yy, xx = np.mgrid[y0:y1, x0:x1]
    dx, dy = xx - cx, yy - cy
    dist = np.hypot(dx, dy)
    # the ring's radius: where the red pixels' distance from the centre peaks, between 0.8 and 1.15 r
    red_d = dist[sub]
    band = red_d[(red_d >= 0.8 * r) & (red_d <= 1.15 * r)]
    if band.size >= 8:
        hist, edges = np.histogram(band, bins=max(6, int(0.35 * r)))
        k = int(np.argmax(hist))
        r = float((edges[k] + edges[k + 1]) / 2)
    t = max(1.5, 0.06 * r)
    ring = (dist >= r - t) & (dist <= r + t)
    # the bands beside the ring keep a gap of t/2 from it: a ring spread by blur stays a ring; the inner band stops
    # short of a seal's text along the arc (from 0.8 r inwards)
    inner = (dist >= r - 3.5 * t) & (dist < r - 1.5 * t)
    outer = (dist > r + 1.5 * t) & (dist <= r + 3.5 * t)
    core = dist <= 0.75 * r

    def density(m: np.ndarray) -> float:
        n = int(np.count_nonzero(m))
        return float(np.count_nonzero(sub & m)) / n if n else 0.0

    d_ring = density(ring)
    contrast = d_ring / max(density(inner), density(outer), 0.02)
    fill = density(core)
    ang = (np.arctan2(dy[ring], dx[ring]) + math.pi) / (2 * math.pi) * SECTORS
    sector = np.minimum(ang.astype(np.int32), SECTORS - 1)
    total = np.bincount(sector, minlength=SECTORS)
    red = np.bincount(sector[sub[ring]], minlength=SECTORS)
    # sectors outside the picture (a seal cut by the frame) count as unseen, not as missing ink
    seen = total > 0
    covered = (red >= SECTOR_MIN_RED * np.maximum(total, 1)) & seen
    coverage = float(np.count_nonzero(covered)) / SECTORS
    return r, coverage, contrast, fill


def find_seals(rgb: np.ndarray, valid: np.ndarray | None = None, *, whole_picture: bool = False) -> SealSearch:
    """Red round seals in ``rgb`` (H x W x 3 uint8: the rectified document, or the picture).  Pure function."""
    h, w = rgb.shape[:2]
    f = min(1.0, WORK_LONG_SIDE / max(h, w))
    if f < 1.0:
        size = (max(8, round(w * f)), max(8, round(h * f)))
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
        if valid is not None:
            valid = cv2.resize(valid, size, interpolation=cv2.INTER_NEAREST)
    mask = red_mask(rgb, valid)
    out = SealSearch(scale=f)
    sh, sw = mask.shape
    out.red_share = float(np.count_nonzero(mask)) / mask.size
    short = min(sh, sw)
    r_min = 0.5 * (MIN_DIAMETER_PICTURE if whole_picture else MIN_DIAMETER) * short
    r_max = 0.5 * MAX_DIAMETER * short
    if np.count_nonzero(mask) < 2 * math.pi * r_min * 0.6 * 2:  # not even a faint ring's worth of red
        return out
    cands: list[tuple[float, float, float, str]] = []
    # 1. closed red blobs of seal size and roughly round
    k = max(3, int(r_min * 0.25) | 1)
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    for i in range(1, n):
        x, y, bw, bh, _area = stats[i]
        d = (bw + bh) / 2
        if 2 * r_min <= d <= 2 * r_max and max(bw, bh) <= 1.5 * min(bw, bh):
            cands.append((x + bw / 2, y + bh / 2, d / 2, "blob"))
    # 2. circles in the red mask (a ring broken by fading or by black print over it)
    blurred = cv2.GaussianBlur(mask, (0, 0), 1.5)
    circles = cv2.HoughCircles(blurred, cv2.HOUGH_GRADIENT, dp=1.5, minDist=max(8, int(r_min)), param1=100,
                               param2=max(12, int(r_min * 0.6)), minRadius=int(r_min), maxRadius=int(r_max) + 1)
    if circles is not None:
        for cx, cy, r in circles[0][:12]:
            cands.append((float(cx), float(cy), float(r), "hough"))
    out.candidates = len(cands)
    scored = []
    for cx, cy, r, src in cands:
        rr, cov, con, fill = _measure(mask, cx, cy, r)
        if not (r_min * 0.9 <= rr <= r_max * 1.1):
            continue
        scored.append(Circle(cx / f, cy / f, rr / f, cov, con, fill, src))
    scored.sort(key=lambda c: (c.is_seal, c.coverage * min(c.contrast, 4.0)), reverse=True)
    out.best = scored[0] if scored else None
    seals: list[Circle] = []
    for c in scored:
        if c.is_seal and all(math.hypot(c.cx - s.cx, c.cy - s.cy) > 0.5 * s.r for s in seals):
            seals.append(c)
    out.seals = seals
    return out


# -- reporting ----------------------------------------------------------------------------------------------

def _grey_picture(ctx: Any) -> float | None:
    """The picture's chroma when it is below image.grayscale's threshold (no colour at all), else None."""
    chroma = (ctx.extra.get("measures") or {}).get("picture_chroma")
    if chroma is None:
        from .colour import picture_chroma

        chroma = picture_chroma(ctx.small)
    return float(chroma) if chroma < ctx.config.colour.max_picture_chroma else None


def judge(ctx: Any, why: str, why_zh: str) -> tuple[list[Finding], dict[str, Any]]:
    """The seal findings for the document in ``ctx`` (an ImageContext) and what was measured."""
    grey = _grey_picture(ctx)
    if grey is not None:
        return [codes.finding(
            "image.not_judged", severity="info", what="whether the document carries its red seal",
            what_zh="证件上是否有红色印章", reason="the picture has no colour", reason_zh="图片没有颜色",
            details={"codes": ["document.seal_missing"], "picture_chroma": round(grey, 3)},
        )], {"judged": False, "reason": "greyscale picture"}
    doc = ctx.document
    rect = ctx.rectified_any if doc is not None else None
    if rect is not None:
        search = find_seals(rect.rgb, rect.valid)
        where = "document"
    else:
        search = find_seals(ctx.rgb, whole_picture=True)
        where = "picture"
    info: dict[str, Any] = {"judged": True, "found": search.found, "searched": where, "because": why,
                            "candidates": search.candidates, "red_share": round(search.red_share, 4),
                            "seals": [c.to_dict() for c in search.seals[:3]],
                            "best": search.best.to_dict() if search.best else None}
    if search.found:
        return [], info
    best = search.best
    return [codes.finding(
        "document.seal_missing",
        measured=Measure(round(100 * best.coverage, 1) if best else 0.0, "% of a red ring"),
        threshold=Measure(round(100 * MIN_RING_COVERAGE, 1), "% of a red ring", ">="),
        because=why, because_zh=why_zh,
        details={"searched": where, "candidates": search.candidates, "red_share": round(search.red_share, 4),
                 "best": best.to_dict() if best else None},
    )], info


def after_reading(ctx: Any, label: str, confirmed: bool,
                  document_type: str | None) -> tuple[list[Finding], dict | None]:
    """The OCR stage's seal judgement: when the image check did not run (no licence kind named) and the
    profile names a sealed certificate or the reading confirms a licence.  (findings, extra or None)."""
    if ctx is None or not hasattr(ctx, "extra") or "seal" in ctx.extra:
        return [], None
    if getattr(ctx, "requested_kind", "auto") in SEALED_KINDS:
        return [], None
    if document_type in SEALED_TYPES:
        why, why_zh = "the profile's document type", "资料中的证件类型"
    elif label == "business_license" and confirmed:
        why, why_zh = "the document read as a business licence", "识别为营业执照"
    else:
        return [], None
    try:
        findings, info = judge(ctx, why, why_zh)
    except Exception as exc:  # never lose the OCR findings over the seal
        return [], {"judged": False, "error": type(exc).__name__}
    ctx.extra["seal"] = info
    return findings, info


@image_check("seal", codes=("document.seal_missing", "image.not_judged"), section="colour")
def check_seal(ctx: ImageContext) -> Iterator[Finding]:
    if ctx.requested_kind not in SEALED_KINDS:  # not applicable (idcheck.checkrun), unless the OCR stage judges it
        ctx.extra.setdefault("not_applicable", {})["seal"] = NOT_A_LICENCE
        return
    findings, info = judge(ctx, "the document is named a licence or certificate", "证件类型为执照或证书")
    ctx.extra["seal"] = info
    yield from findings
