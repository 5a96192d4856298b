"""Drawing what idcheck saw: the document outline, and every finding's region labelled with its code.

Rendering decodes the picture again, reduced to the display size: this is an
output step after the checks, never part of them.  Regions in a report are in
full-resolution upright pixels; they are scaled to the drawing here.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ..config import Config, DecodeConfig
from ..intake.decode import decode
from ..intake.sniff import sniff
from ..intake.source import read_source

COLOURS = {"error": (230, 40, 40), "warning": (245, 160, 0), "info": (40, 150, 230), "document": (40, 200, 90)}
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)


@lru_cache(maxsize=8)
def _font(size: int):
    for path in FONT_CANDIDATES:
        if os.path.exists(path):
            try:
                return ImageFont.truetype(path, size)
            except OSError:
                continue
    return ImageFont.load_default(size)


def load_picture(source: Any, long_side: int) -> Image.Image | None:
    """The upright picture of ``source`` reduced to ``long_side`` pixels, or None if it cannot be read."""
    config = Config(decode=DecodeConfig(work_long_side=long_side))
    src = read_source(source, config)
    if src.data is None or src.size == 0:
        return None
    spec = sniff(src.head).spec
    if spec is None or not spec.decodable:
        return None
    result = decode(src.data, spec, config)
    return Image.fromarray(result.image.rgb) if result.image is not None else None


def annotate(report_or_dict: Any, source: Any = None, *, long_side: int = 1600, reveal: bool = False,
             mask: bool = False) -> Image.Image:
    """The picture with the document outline and every finding's region drawn and labelled.

    ``source`` defaults to the report's path.  A file that cannot be decoded gives a
    plain card listing its findings, so every report can be shown.  ``mask`` blurs the whole picture
    before drawing (no print stays legible: names and numbers are personal data), keeping what a reader
    needs to see - framing, glare, the outline and the regions.
    """
    data = report_or_dict if isinstance(report_or_dict, dict) else report_or_dict.to_dict(reveal)
    source = source if source is not None else data.get("path")
    picture = load_picture(source, long_side) if source is not None else None
    if picture is None:
        return _text_card(data, long_side)
    facts = data.get("file") or {}
    full_w = facts.get("width") or picture.width
    sx = picture.width / full_w
    sy = picture.height / (facts.get("height") or picture.height)
    canvas = picture.convert("RGB")
    if mask:
        canvas = masked(canvas)
    draw = ImageDraw.Draw(canvas, "RGBA")
    line = max(2, round(max(canvas.size) / 400))
    font = _font(max(14, round(max(canvas.size) / 55)))

    def scaled(points: Iterable[Iterable[float]]) -> list[tuple[float, float]]:
        return [(x * sx, y * sy) for x, y in points]

    extra = data.get("extra") or {}
    # the document's outline; on a composite (photos put together), each photo's
    documents = [extra.get("document") or {}] + [p.get("document") or {} for p in extra.get("photos") or ()]
    for document in documents:
        quad = document.get("quad")
        if quad:
            pts = scaled(quad)
            draw.line(pts + [pts[0]], fill=COLOURS["document"] + (255,), width=line)
    for finding in data.get("findings", []):
        region = finding.get("region")
        if not region:
            continue
        colour = COLOURS.get(finding["severity"], COLOURS["info"])
        pts = scaled(region)
        draw.polygon(pts, fill=colour + (50,), outline=colour + (255,), width=line)
        _label(draw, pts, finding["code"], colour, font, canvas.size)
    _banner(draw, data, font, canvas.size)
    return canvas


def masked(picture: Image.Image) -> Image.Image:
    """The picture blurred over its whole area: at any size, print (a character is at least ~1/60 of a
    document's long side) is smeared past reading, shapes and light stay."""
    radius = max(3.0, max(picture.size) / 70)
    return picture.filter(ImageFilter.GaussianBlur(radius))


def _label(draw, pts, text, colour, font, size) -> None:
    x = max(0.0, min(p[0] for p in pts))
    y = min(p[1] for p in pts)
    box = draw.textbbox((0, 0), text, font=font)
    w, h = box[2] - box[0] + 8, box[3] - box[1] + 8
    y = y - h if y - h >= 0 else min(size[1] - h, max(p[1] for p in pts))
    x = min(x, size[0] - w)
    draw.rectangle([x, y, x + w, y + h], fill=colour + (230,))
    draw.text((x + 4, y + 4 - box[1]), text, fill=(255, 255, 255), font=font)


def _banner(draw, data, font, size) -> None:
    """The verdict and the codes without a region, across the top."""
    verdict = data.get("verdict", "?")
    colour = {"fail": COLOURS["error"], "warn": COLOURS["warning"], "pass": COLOURS["document"]}.get(
        verdict, (90, 90, 90)
    )
    loose = [f["code"] for f in data.get("findings", []) if not f.get("region") and f["severity"] != "info"]
    text = verdict.upper() + ("  " + ", ".join(dict.fromkeys(loose)) if loose else "")
    box = draw.textbbox((0, 0), text, font=font)
    draw.rectangle([0, 0, min(size[0], box[2] - box[0] + 16), box[3] - box[1] + 12], fill=colour + (220,))
    draw.text((8, 6 - box[1]), text, fill=(255, 255, 255), font=font)


def _text_card(data: dict, long_side: int) -> Image.Image:
    width = max(480, long_side // 2)
    font = _font(18)
    lines = [f"{data.get('verdict', '?').upper()}  {os.path.basename(data.get('path') or '(bytes)')}",
             "(the picture could not be decoded)"] + [f"{f['severity']}: {f['code']}" for f in data.get("findings", [])]
    card = Image.new("RGB", (width, 40 + 28 * len(lines)), (245, 245, 245))
    draw = ImageDraw.Draw(card)
    for i, text in enumerate(lines):
        draw.text((16, 16 + 28 * i), text[:90], fill=(30, 30, 30), font=font)
    return card


def thumbnail_jpeg(report_or_dict: Any, source: Any = None, *, long_side: int = 480, quality: int = 80,
                   reveal: bool = False) -> bytes:
    """An annotated thumbnail as JPEG bytes (for the HTML report); blurred (:func:`masked`) unless ``reveal``."""
    image = annotate(report_or_dict, source, long_side=long_side, mask=not reveal)
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=quality)
    return buf.getvalue()
