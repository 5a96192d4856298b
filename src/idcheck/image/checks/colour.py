"""image.grayscale: black-and-white scans, photocopies and greyscale photos.

Two measures, because an eye tells a copy from an original only by what the original has:

* **the picture** (always): a black-and-white file or a grey scan has no colour anywhere, whereas every colour
  camera photo has some - the desk, a hand, the light's tint changing across the scene, sensor noise.  The 99th
  percentile of the picture's chroma after removing its one global tint (:func:`picture_chroma`) is 0-1.1 Lab units
  on real greyscale scans and files, 3.0 or more on every real colour photo of the development set, a white page
  on black cloth included.  Below ``colour.max_picture_chroma``: a **warning**; an **error** only below
  ``colour.grey_file_chroma``, where the file carries no colour information at all (stored grey: 0.0).  A colour
  photo of a black-and-white page cropped to the page (what a scanner app makes) has no desk or hand left in it
  and measured 1.6-2.5: it is told from a grey file only by the sensor's own colour noise.
* **the document** (only when the caller names a kind whose originals are printed in colour: ID card, licence,
  passport, permit): the share of its area in colour.  A black-on-white page, receipt or letter has no colour
  either, so in ``auto`` mode a grey document in a colour photo says nothing; for a named kind it is a photocopy
  photographed in colour - a **warning** (the evidence has not been measured on real photocopies yet).

The document measure: the share of the document's area in **colour**: Lab chroma of at least
``colour.min_chroma`` after a *local white balance*.  The slowly varying colour of the
light on the paper (a gaussian of 1/8 of the document) is divided out of each channel
(von Kries), so grey and black print under a warm or a cool light are neutral again;
the a*, b* planes are then smoothed over 5 x 5 px, which removes JPEG chroma noise and
the 1-2 px colour fringes that demosaicing and chromatic aberration put on black print.

Physically: an original colour document always has some print that is coloured
against the paper around it - the red seal and emblem of a licence, the blue labels,
tinted background and portrait of an ID card - even when it is mostly white and
faded.  A photocopy photographed in colour has a tint that changes only slowly
across it (warm light at one side, daylight at the other): that is the light, divided
out, and what remains is chroma noise.  Without a found document the
whole picture is measured.
"""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np

from ... import codes
from ...report import Finding, Measure
from ..context import ImageContext
from ..registry import image_check
from ..stats import median_u8

_WORK = 480.0  # px, long side the measure runs at: colour is a property of areas, not of fine detail


def coloured_share(rgb: np.ndarray, valid: np.ndarray | None, min_chroma: float) -> float:
    """Share of ``valid`` pixels whose smoothed chroma, after a local white balance, is ``min_chroma`` or more.

    Pure function: ``rgb`` (H x W x 3 uint8), ``valid`` (H x W, non-zero inside the document, or None
    for the whole picture), ``min_chroma`` in Lab chroma units.
    """
    h, w = rgb.shape[:2]
    f = min(1.0, _WORK / max(h, w))
    if f < 1.0:
        rgb = cv2.resize(rgb, (max(8, int(w * f)), max(8, int(h * f))), interpolation=cv2.INTER_AREA)
        if valid is not None:
            valid = cv2.resize(valid, (rgb.shape[1], rgb.shape[0]), interpolation=cv2.INTER_NEAREST)
    inside = (valid > 0) if valid is not None else np.ones(rgb.shape[:2], bool)
    if not inside.any():
        return 0.0
    h, w = rgb.shape[:2]
    # the light's colour, per channel, varies slowly (a gaussian of 1/8 of the document): computed on a 1/8 copy
    # (as exact for it, 60x cheaper) and over the document only (normalised convolution: the table around it
    # does not bleed in)
    low = (max(2, w // 8), max(2, h // 8))
    sigma_low = max(h, w) / 8.0 / 8.0
    weight = cv2.GaussianBlur(cv2.resize(inside.astype(np.float32), low, interpolation=cv2.INTER_AREA), (0, 0),
                              sigma_low)
    rgbf = rgb.astype(np.float32)
    # zero outside the document, on the 8-bit picture (the same values as a float multiply by the mask, 3x cheaper)
    if valid is None:
        masked = rgbf
    elif valid.dtype == np.uint8:
        masked = cv2.bitwise_and(rgb, rgb, mask=valid).astype(np.float32)
    else:
        masked = rgbf * inside[..., None]
    light = cv2.GaussianBlur(cv2.resize(masked, low, interpolation=cv2.INTER_AREA), (0, 0), sigma_low)
    light = cv2.resize(light / np.maximum(weight, 1e-3)[..., None], (w, h), interpolation=cv2.INTER_LINEAR)
    # von Kries: divide each channel by the light's, so that grey and black print under a warm or cool light
    # become neutral again, whatever their lightness (a plain cast subtraction leaves dark print "coloured").
    # The channels' mean summed plane by plane in numpy's order (R + G) + B, then / 3, in float32: bit for bit
    # light.mean(axis=2), without a reduction over a 3-long strided axis (4x slower)
    grey_light = light[:, :, 0] + light[:, :, 1]
    grey_light += light[:, :, 2]
    grey_light /= 3
    balanced = rgbf * grey_light[..., None] / np.maximum(light, 1.0)
    lab = cv2.cvtColor(np.clip(balanced, 0, 255).astype(np.uint8), cv2.COLOR_RGB2LAB).astype(np.float32)
    a = cv2.blur(lab[:, :, 1] - 128.0, (5, 5))
    b = cv2.blur(lab[:, :, 2] - 128.0, (5, 5))
    coloured = (a * a + b * b >= min_chroma * min_chroma) & inside
    return float(np.count_nonzero(coloured)) / float(np.count_nonzero(inside))


_COLOUR_KINDS = frozenset({"id_card", "id_card_back", "business_license", "passport", "permit"})


def picture_chroma(rgb: np.ndarray) -> float:
    """99th percentile of the picture's Lab chroma (5 x 5 px smoothed) around its median tint, Lab units.

    Pure function over ``rgb`` (H x W x 3 uint8), measured at :data:`_WORK` px: a greyscale picture with a tint
    (a scanner's warm grey) measures ~0, because only the spread of colour around the global cast counts.
    """
    h, w = rgb.shape[:2]
    f = min(1.0, _WORK / max(h, w))
    if f < 1.0:
        rgb = cv2.resize(rgb, (max(8, int(w * f)), max(8, int(h * f))), interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)
    a: np.ndarray = cv2.blur(lab[:, :, 1].astype(np.float32), (5, 5))
    b: np.ndarray = cv2.blur(lab[:, :, 2].astype(np.float32), (5, 5))
    # the global tint: the median of each chroma plane, from its 8-bit histogram (np.median sorts: 4x slower)
    a -= median_u8(lab[:, :, 1])
    b -= median_u8(lab[:, :, 2])
    chroma = np.sqrt(a * a + b * b).ravel()
    k = int(round(0.99 * (chroma.size - 1)))
    return float(np.partition(chroma, k)[k])


@image_check("colour", codes=("image.grayscale",), section="colour")
def check_colour(ctx: ImageContext) -> Iterator[Finding]:
    cfg = ctx.config.colour
    measures = ctx.extra.setdefault("measures", {})
    chroma = picture_chroma(ctx.small)  # the detection copy (~400 px), shared with the document search
    measures["picture_chroma"] = round(chroma, 3)
    if chroma < cfg.max_picture_chroma:
        yield codes.finding(
            "image.grayscale",
            severity="error" if chroma < cfg.grey_file_chroma else "warning",
            measured=Measure(round(chroma, 2), "Lab chroma units of colour across the picture"),
            threshold=Measure(cfg.max_picture_chroma, "Lab chroma units", ">="),
            details={"measured_on": "picture", "mode": ctx.decoded.mode},
        )
        return
    if ctx.requested_kind not in _COLOUR_KINDS:
        return  # a grey document in a colour photo: a black-on-white page looks the same as a copy
    doc = ctx.document
    rect = ctx.rectified_any if doc is not None and doc.confidence >= cfg.min_region_confidence else None
    if rect is None:
        return
    share = coloured_share(rect.rgb, rect.valid, cfg.min_chroma)
    measures["coloured_share"] = round(share, 5)
    if share < cfg.min_coloured_share:
        yield codes.finding(
            "image.grayscale",
            severity="warning",
            measured=Measure(round(100 * share, 3), "% of the document in colour"),
            threshold=Measure(round(100 * cfg.min_coloured_share, 3), "%", ">="),
            details={"measured_on": "document", "kind": ctx.requested_kind},
        )
