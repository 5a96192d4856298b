"""Do the findings on real photographs hold when the same picture reaches idcheck another way?

    .venv/bin/python -m benchmarks.real_variants                   # ../shared/photos-dev, all variants
    .venv/bin/python -m benchmarks.real_variants --variants crop   # one variant

A generator shares its author's blind spots, and the real development photos are few; but each of them stands for
the same picture uploaded differently, which the held-out sets certainly contain:

* ``rot90``, ``rot180``, ``mirror``: the picture turned (a phone held sideways, a scan fed upside down) or mirrored
  (a selfie camera).  No check's judgement should depend on it.
* ``crop``: the document cut out along its hand-labelled corners and flattened, as a scanner app does
  (``benchmarks/labels/<folder>-outlines.jsonl``, documents with four corners visible).  Nothing the original
  did not show may become an error; corners cannot be judged any more (the crop is the edge).
* ``crop_inside``: the same, 1% inside the corners (apps crop a little inside to lose the background).
* ``messenger``: the picture as a chat app forwards it (reduced to ``MESSENGER_LONG_SIDE`` px on its long side,
  JPEG quality ``MESSENGER_QUALITY``): nothing about the document may change; only the file's own facts may.
* ``heic``, ``webp``: the picture as an iPhone (HEIC) or a web app (WebP) stores it, lossy at quality
  ``LOSSY_QUALITY``: the formats the registrar accepts besides JPEG and PNG.
* ``stitched``: the picture twice in one, with a grey gap between (beside itself when it is taller than wide, else
  above itself), saved as JPEG quality ``STITCH_QUALITY``: as apps put an ID card's front and back together.  Its
  seam is an editor's line, not a screen's drawing: no error may come of it; and each photo, judged on its own, is
  compared with the picture alone (a gain or loss says "(photo k)").
* ``soft``: the picture mildly out of focus (a Gaussian of ``SOFT_SIGMA`` px per 1000 px of its long side, then the
  sensor's noise; the print stays legible to a person): it may gain ``image.blurry``, but never a finding about the
  document itself (a soft photo of a document is not a picture without one).

Every variant is encoded losslessly (PNG) except the crops (JPEG quality 88, as apps save) and the forwarded, HEIC
and WebP copies (lossy, as said above); each is compared with the
same picture encoded as PNG at its own orientation, so that only the variant differs.  ``file.*`` and ``tamper.*``
findings are left out (re-encoding changes them by design), and so are infos.

Reports, per variant, the pictures whose warnings or errors changed (codes gained, codes lost) and the errors
gained by any picture: the figure a change must not raise.  Skips cleanly (exit 0) without the folder.  Writes
JSON to ``benchmarks/results/real_variants.json``.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from .real import DEFAULT_DIR, ROOT, load_outlines

VARIANTS = ("rot90", "rot180", "mirror", "crop", "crop_inside", "messenger", "heic", "webp", "stitched", "soft")
IGNORED_PREFIXES = ("file.", "tamper.")
CROP_QUALITY = 88  # JPEG quality a scanner app saves at (CamScanner-style exports: 85-92)
CROP_INSIDE = 0.01  # share of the document's side an app crops inside its corners
# A chat app's forwarded photo (WeChat's and WhatsApp's "standard quality": 1280 px long side, JPEG quality 70-85)
MESSENGER_LONG_SIDE = 1280
MESSENGER_QUALITY = 78
LOSSY_QUALITY = 80  # HEIC and WebP: a phone's and a web encoder's usual setting
STITCH_QUALITY = 90  # collage apps' JPEG export
STITCH_GAP = 0.02  # the gap between the two photos, share of the stitched side's length
STITCH_GREY = 210  # the gap's colour: a light grey (white gaps are clipped and say less)
# Gaussian sigma of the "soft" variant, px per 1000 px of the picture's long side: a focus miss a reviewer still
# reads (a 12 MP photo's 8 px; a card's 2 mm print filling half the frame is ~45 px high), which the whole-picture
# edge-blur measure reads as 1.6-2.1 px per 1000 px on these photos, under image.blurry's 3
SOFT_SIGMA = 2.0
SOFT_NOISE = 1.5  # grey levels of sensor noise added after the blur (a phone's photo of plain paper: 1-2.5)


# The channel the pictures are checked under: the console's formats without its 5 MB ceiling.  A 12 MP photo saved
# as PNG is 5-19 MB, which the console refuses unread (file.not_analysed); the pixels are what is compared here, not
# the file's size, and 19 of the 61 development photos would otherwise compare nothing with nothing.
BENCH_CHANNEL = "benchmark"


def _bench_channel() -> None:
    from types import MappingProxyType

    import idcheck.api as api
    from idcheck.config import CHANNELS, Channel

    if BENCH_CHANNEL not in api.CHANNELS:
        console = CHANNELS["console"]
        api.CHANNELS = MappingProxyType({**CHANNELS, BENCH_CHANNEL: Channel(
            BENCH_CHANNEL, console.formats, 0, 1 << 40, "benchmarks.real_variants: no size window")})


def judged(data: bytes) -> list[str]:
    """``code:severity`` of the warnings and errors idcheck gives for ``data`` (file and edit traces aside), checked
    whatever the file's size (:data:`BENCH_CHANNEL`); a finding about one photo of a composite ends in ``@k``."""
    import idcheck

    _bench_channel()
    report = idcheck.check(data, channel=BENCH_CHANNEL)
    return sorted({f"{f.code}:{f.severity}" + (f"@{f.details['photo']}" if f.details.get("photo") else "")
                   for f in report.findings if f.severity != "info" and not f.code.startswith(IGNORED_PREFIXES)})


def per_photo(found: list[str]) -> dict[int, list[str]]:
    """What was said of each photo of a composite (``@k`` findings, and those about the whole picture), or ``{0:
    found}`` when nothing names a photo (the picture was judged as one)."""
    photos = sorted({int(c.rsplit("@", 1)[1]) for c in found if "@" in c})
    if not photos:
        return {0: found}
    whole = [c for c in found if "@" not in c]
    return {k: sorted(whole + [c.rsplit("@", 1)[0] for c in found if c.endswith(f"@{k}")]) for k in photos}


def _encode(rgb: np.ndarray, fmt: str, quality: int = CROP_QUALITY) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    if fmt == "JPEG":
        Image.fromarray(rgb).save(buf, "JPEG", quality=quality)
    else:
        Image.fromarray(rgb).save(buf, "PNG", compress_level=1)
    return buf.getvalue()


def flatten(rgb: np.ndarray, quad: Any, inside: float = 0.0) -> np.ndarray:
    """The document within ``quad`` (TL, TR, BR, BL, px of ``rgb``) warped flat to its own size; ``inside`` (a share
    of each side) cuts that much more off every side."""
    import cv2

    q = np.asarray(quad, np.float32)
    w = float(max(np.linalg.norm(q[1] - q[0]), np.linalg.norm(q[2] - q[3])))
    h = float(max(np.linalg.norm(q[3] - q[0]), np.linalg.norm(q[2] - q[1])))
    dx, dy = inside * w, inside * h
    dst = np.float32([[-dx, -dy], [w - dx, -dy], [w - dx, h - dy], [-dx, h - dy]])
    size = (max(8, int(round(w - 2 * dx))), max(8, int(round(h - 2 * dy))))
    return cv2.warpPerspective(rgb, cv2.getPerspectiveTransform(q, dst), size, flags=cv2.INTER_AREA)


def variant_bytes(rgb: np.ndarray, variant: str, quad: Any = None) -> bytes | None:
    """The picture as ``variant`` would upload it (None: the variant needs the document's corners, not labelled)."""
    if variant == "rot90":
        return _encode(np.ascontiguousarray(np.rot90(rgb)), "PNG")
    if variant == "rot180":
        return _encode(np.ascontiguousarray(rgb[::-1, ::-1]), "PNG")
    if variant == "mirror":
        return _encode(np.ascontiguousarray(rgb[:, ::-1]), "PNG")
    if variant in ("crop", "crop_inside"):
        if quad is None:
            return None
        return _encode(flatten(rgb, quad, CROP_INSIDE if variant == "crop_inside" else 0.0), "JPEG")
    if variant == "messenger":
        import cv2

        h, w = rgb.shape[:2]
        f = min(1.0, MESSENGER_LONG_SIDE / max(h, w))
        small = rgb if f >= 1.0 else cv2.resize(rgb, (round(w * f), round(h * f)), interpolation=cv2.INTER_AREA)
        return _encode(small, "JPEG", MESSENGER_QUALITY)
    if variant in ("heic", "webp"):
        from PIL import Image

        if variant == "heic":
            import pillow_heif

            pillow_heif.register_heif_opener()
        buf = io.BytesIO()
        Image.fromarray(rgb).save(buf, "HEIF" if variant == "heic" else "WEBP", quality=LOSSY_QUALITY)
        return buf.getvalue()
    if variant == "stitched":
        h, w = rgb.shape[:2]
        if h > w:
            gap = np.full((h, max(2, round(STITCH_GAP * w)), 3), STITCH_GREY, np.uint8)
            return _encode(np.hstack([rgb, gap, rgb]), "JPEG", STITCH_QUALITY)
        gap = np.full((max(2, round(STITCH_GAP * h)), w, 3), STITCH_GREY, np.uint8)
        return _encode(np.vstack([rgb, gap, rgb]), "JPEG", STITCH_QUALITY)
    if variant == "soft":
        import cv2

        sigma = SOFT_SIGMA * max(rgb.shape[:2]) / 1000.0
        # the lens blurs before the sensor adds its noise: a defocused photo is still grainy, never drawn flat
        noise = np.random.default_rng(0).normal(0.0, SOFT_NOISE, rgb.shape)
        soft = np.clip(cv2.GaussianBlur(rgb, (0, 0), sigma).astype(np.float32) + noise, 0, 255).astype(np.uint8)
        return _encode(soft, "PNG")
    raise ValueError(f"unknown variant {variant!r}")


def compare(base: list[str], other: list[str]) -> dict[str, list[str]]:
    """Codes (``code:severity``) ``other`` gained and lost against ``base``; a severity change is both."""
    return {"gained": sorted(set(other) - set(base)), "lost": sorted(set(base) - set(other))}


def _job(args: tuple[str, list[str], Any]) -> dict[str, Any]:
    from PIL import Image, ImageOps

    path, variants, quad = args
    with Image.open(path) as im:
        rgb = np.asarray(ImageOps.exif_transpose(im).convert("RGB"))
    base = judged(_encode(rgb, "PNG"))
    out: dict[str, Any] = {"file": Path(path).name, "base": base, "variants": {}}
    for v in variants:
        data = variant_bytes(rgb, v, quad)
        if data is not None:
            found = judged(data)
            # each photo of a composite (the stitched picture's two copies) is compared with the picture alone
            diffs = {k: compare(base, codes) for k, codes in per_photo(found).items()}
            out["variants"][v] = {"codes": found,
                                  **{key: sorted({c + (f" (photo {k})" if k else "") for k, d in diffs.items()
                                                  for c in d[key]}) for key in ("gained", "lost")}}
    return out


def summarise(records: list[dict[str, Any]], variants: list[str]) -> dict[str, Any]:
    """Per variant: pictures run, pictures whose judgement changed, errors gained (``file: [codes]``)."""
    summary = {}
    for v in variants:
        ran = [r for r in records if v in r["variants"]]
        changed = {r["file"]: r["variants"][v] for r in ran if r["variants"][v]["gained"] or r["variants"][v]["lost"]}
        errors = {f: [c for c in d["gained"] if c.split(" (photo")[0].endswith(":error")] for f, d in changed.items()}
        summary[v] = {"pictures": len(ran), "changed": len(changed),
                      "errors_gained": {f: c for f, c in errors.items() if c},
                      "gained": {f: d["gained"] for f, d in changed.items() if d["gained"]},
                      "lost": {f: d["lost"] for f, d in changed.items() if d["lost"]}}
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated: " + ", ".join(VARIANTS))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "real_variants.json")
    args = ap.parse_args(argv)
    folder: Path = args.dir
    if not (folder / "labels.jsonl").is_file():
        print(f"{folder}: no labelled real photos here, skipped")
        return 0
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    for v in variants:
        if v not in VARIANTS:
            ap.error(f"unknown variant {v!r}")
    labels = [json.loads(line) for line in (folder / "labels.jsonl").read_text().splitlines() if line.strip()]
    outlines = load_outlines(folder)
    jobs = []
    for lab in labels:
        o = outlines.get(lab["file"]) or {}
        quad = o.get("quad") if o.get("all_corners_visible") else None
        jobs.append((str(folder / lab["file"]), variants, quad))
    if args.workers > 1:
        with ProcessPoolExecutor(args.workers) as pool:
            records = list(pool.map(_job, jobs))
    else:
        records = [_job(j) for j in jobs]
    summary = summarise(records, variants)
    print(f"{folder}: {len(records)} real pictures, each compared with itself as PNG")
    for v, s in summary.items():
        print(f"{v:12s} {s['changed']:3d} of {s['pictures']:3d} pictures changed; errors gained: "
              f"{len(s['errors_gained'])} {s['errors_gained'] or ''}")
        for f in sorted(set(s["gained"]) | set(s["lost"])):
            print(f"    {f:12s} +{s['gained'].get(f, [])} -{s['lost'].get(f, [])}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"summary": summary, "records": records}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
