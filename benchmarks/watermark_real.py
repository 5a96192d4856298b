"""Watermarks made the way people make them, laid over real photographs: does document.watermark see them?

    .venv/bin/python -m benchmarks.watermark_real [--dir ../shared/photos-dev] [--long-side 2000] [--list]
    .venv/bin/python -m benchmarks.watermark_real --bases crop          # over the documents cut out and flattened
    .venv/bin/python -m benchmarks.watermark_real --dir ../shared/mrz-dev   # over real ID and passport scans

No real watermarked document is in the development set, and a generator's own watermarks share its author's blind
spots.  This benchmark takes every real photo of a document in ``--dir`` (screenshots and "no document" pictures
aside) and lays over it what watermark apps and editors lay over an ID photo: one phrase tiled in rows over the whole
picture, rotated 20-45 degrees, semi-transparent, in grey, red or blue, then saved as a phone would (JPEG, q 90).
It reports, for each style, how many watermarked pictures were found, missed, or not judged (no usable outline:
``image.not_judged`` names the watermark among what it could not judge), and the false alarms on the same pictures
without a watermark.  People lay watermarks over scans and scanner apps' crops as often as over photos: ``--bases
crop`` lays them over each labelled document cut out along its hand-labelled corners and flattened (as a scanner app
exports it), and a ``--dir`` without ``labels.jsonl`` (the real ID and passport scans of ``../shared/mrz-dev``) takes
every picture in it.  Skips cleanly without the folder (exit 0).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

import idcheck
from idcheck.config import Config

DEFAULT_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "photos-dev")
_FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
          "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")


@dataclass(frozen=True)
class Style:
    name: str
    text: str
    angle_deg: float  # rotation of the rows, counter-clockwise
    alpha: float  # opacity of the text, 0-1
    colour: tuple[int, int, int]
    size: float  # font size, share of the picture's short side
    row_gap: float = 3.2  # distance between rows, in font sizes
    gap: float = 2.0  # space between two phrases of a row, in font sizes
    stagger: float = 0.5  # shift of every other row, in phrase steps
    font: int = 0  # index into _FONTS


STYLES = (
    Style("grey 30deg", "仅供域名实名认证使用 他用无效", 30, 0.30, (128, 128, 128), 0.05),
    Style("red 45deg", "仅供域名实名认证使用", 45, 0.45, (200, 30, 30), 0.06),
    Style("faint blue 25deg", "仅供XX公司办理业务使用", 25, 0.22, (60, 60, 160), 0.04),
)
# Held out (``--style heldout``): never used to tune; other phrases, tilts (negative ones, 15 and 60 degrees), sizes,
# spacings, opacities and colours, rows not staggered, a bold font
HELDOUT = (
    Style("grey -35deg latin", "FOR DOMAIN VERIFICATION ONLY", -35, 0.35, (90, 90, 90), 0.035, row_gap=4.5, gap=3.0,
          stagger=0.0),
    Style("red 60deg sparse", "仅限本次实名认证使用", 60, 0.28, (220, 40, 40), 0.045, row_gap=5.0, gap=4.0,
          stagger=0.3),
    Style("blue -20deg big bold", "此件仅供备案使用", -20, 0.40, (40, 80, 200), 0.07, row_gap=2.6, gap=1.5, font=1),
    Style("black 15deg small", "仅供域名注册 2026.12", 15, 0.25, (0, 0, 0), 0.03, row_gap=3.5, gap=2.5,
          stagger=0.0),
)


def _font(size: int, first: int = 0) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in _FONTS[first:] + _FONTS[:first]:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def overlay(im: Image.Image, style: Style) -> Image.Image:
    """``im`` with ``style``'s phrase tiled in rotated rows over the whole picture (as watermark apps do)."""
    w, h = im.size
    fs = max(12, int(style.size * min(w, h)))
    font = _font(fs, style.font)
    span = int((w * w + h * h) ** 0.5) * 2
    layer = Image.new("RGBA", (span, span), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    step = draw.textlength(style.text, font=font) + style.gap * fs
    fill = style.colour + (int(255 * style.alpha),)
    y, row = 0, 0
    while y < span:
        x = -(row % 2) * step * style.stagger  # rows staggered (by half a phrase, as most apps do)
        while x < span:
            draw.text((x, y), style.text, font=font, fill=fill)
            x += step
        y += int(fs * style.row_gap)
        row += 1
    layer = layer.rotate(style.angle_deg, resample=Image.BICUBIC)
    cx, cy = span // 2, span // 2
    layer = layer.crop((cx - w // 2, cy - h // 2, cx - w // 2 + w, cy - h // 2 + h))
    out = im.convert("RGBA")
    out.alpha_composite(layer)
    return out.convert("RGB")


def _bases(folder: str, bases: str) -> list[dict] | None:
    """The pictures to lay watermarks over: the folder's labelled photos of documents (screenshots and pictures
    without a document aside), or every picture of a folder without labels (scans such as ../shared/mrz-dev);
    ``bases == "crop"``: only the documents with four labelled corners.  None: no such folder."""
    if not os.path.isdir(folder):
        return None
    labels_path = os.path.join(folder, "labels.jsonl")
    if os.path.exists(labels_path):
        labels = [json.loads(line) for line in open(labels_path, encoding="utf-8") if line.strip()]
        pictures = [lab for lab in labels if lab["defect"] not in ("image.screenshot", "document.not_found")]
    else:
        pictures = [{"file": f} for f in sorted(os.listdir(folder))
                    if f.lower().endswith((".jpg", ".jpeg", ".png", ".webp", ".bmp", ".heic"))]
    if bases == "crop":
        from pathlib import Path

        from .real import load_outlines

        outlines = load_outlines(Path(folder))
        pictures = [dict(lab, quad=outlines[lab["file"]]["quad"]) for lab in pictures
                    if outlines.get(lab["file"], {}).get("all_corners_visible") and outlines[lab["file"]].get("quad")]
    return pictures


def _base_picture(folder: str, lab: dict, bases: str) -> Image.Image:
    from PIL import ImageOps

    with Image.open(os.path.join(folder, lab["file"])) as src:
        im = (ImageOps.exif_transpose(src) if bases == "crop" else src).convert("RGB")
    if bases == "crop":
        import numpy as np

        from .real_variants import flatten

        im = Image.fromarray(flatten(np.asarray(im), lab["quad"]))
    return im


def _jpeg(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _outcome(report) -> str:
    if any(f.code == "document.watermark" for f in report.findings):
        return "found"
    for f in report.findings:
        if f.code == "image.not_judged" and "document.watermark" in (f.details or {}).get("codes", []):
            return "not judged"
    return "missed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=DEFAULT_DIR)
    parser.add_argument("--long-side", type=int, default=2000, help="pictures are reduced to this long side (px) first")
    parser.add_argument("--list", action="store_true", help="one line per picture")
    parser.add_argument("--every-picture", action="store_true",
                        help="watermark.text_rows_on_every_picture on: run the text detector on every picture")
    parser.add_argument("--style", choices=("default", "heldout"), default="default",
                        help="heldout: other phrases, tilts, sizes, spacings and colours, never used to tune")
    parser.add_argument("--bases", choices=("photos", "crop"), default="photos",
                        help="crop: each document cut out along its hand-labelled corners and flattened, as a scanner "
                             "app exports it (benchmarks/labels/<folder>-outlines.jsonl), the watermark laid over that")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a watermark setting for this run (e.g. min_phrase_repeat=0.03), to measure a change")
    parser.add_argument("--out", default="")
    args = parser.parse_args(argv)
    styles = HELDOUT if args.style == "heldout" else STYLES
    wm: dict[str, object] = {}
    for pair in args.set:
        name, _, value = pair.partition("=")
        wm[name.strip()] = value.strip().lower() == "true" if value.strip().lower() in ("true", "false") \
            else float(value)
    if args.every_picture:
        wm["text_rows_on_every_picture"] = True
    config = Config.from_dict({"watermark": wm}) if wm else Config()
    pictures = _bases(args.dir, args.bases)
    if pictures is None:
        print(f"watermark_real: {args.dir} not found, skipped")
        return 0
    tally = {s.name: {"found": 0, "missed": 0, "not judged": 0} for s in styles}
    false_alarms: list[str] = []
    rows = []
    for lab in pictures:
        im = _base_picture(args.dir, lab, args.bases)
        im.thumbnail((args.long_side, args.long_side))
        original = _outcome(idcheck.check(_jpeg(im), config=config))
        if original == "found":
            false_alarms.append(lab["file"])
        outcomes = [_outcome(idcheck.check(_jpeg(overlay(im, s)), config=config)) for s in styles]
        for s, o in zip(styles, outcomes, strict=True):
            tally[s.name][o] += 1
        rows.append({"file": lab["file"], "original": original, **dict(zip([s.name for s in styles], outcomes,
                                                                              strict=True))})
        if args.list:
            print(f"  {lab['file']:11s} original {original:10s} " + "  ".join(f"{o:10s}" for o in outcomes),
                  flush=True)
    n = len(pictures)
    what = "documents cut out and flattened" if args.bases == "crop" else "pictures of documents"
    print(f"{args.dir}: {n} real {what}, {len(styles)} watermark styles laid over each"
          + (" (text detector on every picture)" if args.every_picture else "")
          + "".join(f" ({pair})" for pair in args.set))
    print(f"{'style':18s} {'found':>6s} {'missed':>7s} {'not judged':>11s} {'recall':>7s}")
    for s in styles:
        t = tally[s.name]
        print(f"{s.name:18s} {t['found']:6d} {t['missed']:7d} {t['not judged']:11d} {t['found'] / n:7.2f}")
    found = sum(t["found"] for t in tally.values())
    print(f"all styles: recall {found / (n * len(styles)):.2f}; false alarms on the originals: {len(false_alarms)} "
          f"{' '.join(false_alarms)}")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump({"pictures": n, "tally": tally, "false_alarms": false_alarms, "rows": rows}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
