"""Real photos put together, as apps put a card's front and back: is each photo judged as it is alone?

    .venv/bin/python -m benchmarks.composite [--dir ../shared/photos-dev] [--list]

Users asked for both sides of a card often upload one picture with the two photos side by side or one above the
other, made by a collage app (and the development set, like the held-out sets, has none).  This benchmark pairs the
real development photos of documents (screenshots and pictures without a document aside: each with the next one,
in file order) and puts every pair together the way apps do (``ARRANGEMENTS``): one above the other with a light
grey gap, side by side with a grey gap, one above the other with a white gap; the photos scaled to one width (one
height side by side) of ``PHOTO_SIDE`` px, saved as JPEG quality ``QUALITY``.  Each photo is also saved alone the
same way.  Reported:

* composites found (``image.composite``), and screenshot findings (``image.screenshot``: there is no screen);
* per photo, whether what idcheck says of it in the composite (its ``Photo k of n`` findings and those about the
  whole picture) is what it says of the photo alone: same codes and severities (warnings and errors; ``file.*``,
  ``tamper.*`` and infos aside), and the errors gained or lost against the photo alone;
* without per-photo findings (an idcheck that judges the picture as one), every finding is taken as said of both.

Skips cleanly (exit 0) without the folder.  Writes JSON to ``benchmarks/results/composite.json``.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from .real import DEFAULT_DIR, ROOT

ARRANGEMENTS = ("above, grey gap", "beside, grey gap", "above, white gap")
PHOTO_SIDE = 1000  # px: each photo's width (above) or height (beside) in the collage, as collage apps scale them
GAP = 24  # px between the photos
GREY, WHITE = 210, 255
QUALITY = 90  # collage apps' JPEG export
IGNORED_PREFIXES = ("file.", "tamper.")
LEFT_OUT = ("image.screenshot", "document.not_found")  # label defects that are no photo of a document


def _scaled(rgb: np.ndarray, side: int, along: str) -> np.ndarray:
    import cv2

    h, w = rgb.shape[:2]
    f = side / (w if along == "width" else h)
    size = (max(8, round(w * f)), max(8, round(h * f)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC)


def put_together(a: np.ndarray, b: np.ndarray, arrangement: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The collage of ``a`` and ``b`` in ``arrangement``, and the two photos as scaled into it."""
    colour = WHITE if "white" in arrangement else GREY
    if arrangement.startswith("above"):
        a, b = _scaled(a, PHOTO_SIDE, "width"), _scaled(b, PHOTO_SIDE, "width")
        gap = np.full((GAP, PHOTO_SIDE, 3), colour, np.uint8)
        return np.vstack([a, gap, b]), a, b
    a, b = _scaled(a, PHOTO_SIDE, "height"), _scaled(b, PHOTO_SIDE, "height")
    gap = np.full((PHOTO_SIDE, GAP, 3), colour, np.uint8)
    return np.hstack([a, gap, b]), a, b


def _jpeg(rgb: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=QUALITY)
    return buf.getvalue()


def _codes(report: Any) -> list[tuple[str, int | None]]:
    """(``code:severity``, photo number or None) of the warnings and errors (file and edit traces aside)."""
    return [(f"{f.code}:{f.severity}", f.details.get("photo")) for f in report.findings
            if f.severity != "info" and not f.code.startswith(IGNORED_PREFIXES)]


def _job(args: tuple[str, str, str]) -> dict[str, Any]:
    from PIL import Image, ImageOps

    import idcheck

    path_a, path_b, arrangement = args
    photos = []
    for path in (path_a, path_b):
        with Image.open(path) as im:
            photos.append(np.asarray(ImageOps.exif_transpose(im).convert("RGB")))
    picture, a, b = put_together(photos[0], photos[1], arrangement)
    report = idcheck.check(_jpeg(picture))
    found = _codes(report)
    composite = next((f for f in report.findings if f.code == "image.composite"), None)
    out: dict[str, Any] = {"pair": [Path(path_a).name, Path(path_b).name], "arrangement": arrangement,
                           "composite": composite is not None, "codes": sorted(f"{c}@{k}" if k else c
                                                                              for c, k in found),
                           "screenshot": any(c.startswith("image.screenshot:") for c, _ in found), "photos": []}
    whole = {c for c, k in found if k is None}
    for k, alone_rgb in enumerate((a, b), 1):
        alone = sorted({c for c, _ in _codes(idcheck.check(_jpeg(alone_rgb)))})
        said = sorted(whole | {c for c, n in found if n == k}) if any(found_k for _, found_k in found) \
            else sorted({c for c, _ in found})
        out["photos"].append({
            "alone": alone, "said": said,
            "same": said == alone,
            "errors_gained": sorted(c for c in set(said) - set(alone) if c.endswith(":error")),
            "errors_lost": sorted(c for c in set(alone) - set(said) if c.endswith(":error")),
        })
    return out


def summarise(records: list[dict[str, Any]]) -> dict[str, Any]:
    photos = [p for r in records for p in r["photos"]]
    return {
        "pictures": len(records),
        "composites_found": sum(r["composite"] for r in records),
        "screenshot_findings": sum(r["screenshot"] for r in records),
        "photos": len(photos),
        "photos_judged_as_alone": sum(p["same"] for p in photos),
        "errors_gained": dict(Counter(c for p in photos for c in p["errors_gained"])),
        "errors_lost": dict(Counter(c for p in photos for c in p["errors_lost"])),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--list", action="store_true", help="one line per picture")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "composite.json")
    args = ap.parse_args(argv)
    labels_path = args.dir / "labels.jsonl"
    if not labels_path.is_file():
        print(f"{args.dir}: no labelled real photos here, skipped")
        return 0
    labels = [json.loads(line) for line in labels_path.read_text().splitlines() if line.strip()]
    files = [str(args.dir / lab["file"]) for lab in labels if lab["defect"] not in LEFT_OUT]
    pairs = list(zip(files[0::2], files[1::2], strict=False))  # an odd one out is left out
    jobs = [(a, b, arrangement) for a, b in pairs for arrangement in ARRANGEMENTS]
    if args.workers > 1:
        with ProcessPoolExecutor(args.workers) as pool:
            records = list(pool.map(_job, jobs))
    else:
        records = [_job(j) for j in jobs]
    s = summarise(records)
    if args.list:
        for r in records:
            marks = " ".join(("=" if p["same"] else "x") for p in r["photos"])
            print(f"  {r['pair'][0]:11s} {r['pair'][1]:11s} {r['arrangement']:17s} "
                  f"{'composite' if r['composite'] else 'one photo':9s} {marks}  {' '.join(r['codes'])}")
    print(f"{args.dir}: {len(pairs)} pairs of real photos x {len(ARRANGEMENTS)} arrangements = {s['pictures']} "
          f"pictures put together")
    print(f"composites found {s['composites_found']} of {s['pictures']}; "
          f"screenshot findings {s['screenshot_findings']}")
    print(f"photos judged as they are alone: {s['photos_judged_as_alone']} of {s['photos']}")
    print(f"errors gained against the photo alone: {s['errors_gained'] or 0}; lost: {s['errors_lost'] or 0}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"summary": s, "records": records}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
