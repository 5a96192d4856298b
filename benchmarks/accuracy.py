"""Accuracy of the image checks on a generated, labelled set of document photos.

    .venv/bin/python -m benchmarks.accuracy --seed 2 --per-class 40 --out benchmarks/results/accuracy.json

Generates ``--clean`` clean photos and ``--per-class`` photos of every defect class
(graded strengths from borderline to obvious, both document kinds, all
backgrounds), encodes them in the accepted formats (mostly JPEG; some PNG, WebP,
BMP, HEIC; screenshots mostly PNG), runs them through ``idcheck.check`` (or the
ImageContext directly when the API is not importable) and prints precision and
recall per code and the false-reject rate on clean photos.  Thresholds were tuned
on seed 1; report on a seed you did not tune on.

A finding counts as a false positive unless the image is labelled with its code or
the code is *tolerated* for that class (listed in TOLERATED, printed with the
table: e.g. a 300 px document may also be found blurry).  ``image.low_resolution`` is
also tolerated wherever the generated document's true long side (from its label quad)
is below the configured minimum for its kind: a licence shown at 700 px on a phone
screenshot really is too small, whatever its class.  A generated watermark whose strokes
stand out from what they cover by less than ``INVISIBLE_WATERMARK`` grey levels (white
text on white paper at a low alpha: docgen's ``watermark_contrast`` label) cannot be
seen by a reviewer either: it is neither a positive nor a false positive, and the
table says how many there were.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from fixtures import docgen
from fixtures.formats import encode

SCORED = ("document.not_found", "document.corner_missing", "document.occluded", "document.watermark",
          "image.blurry", "image.glare", "image.grayscale", "image.low_resolution", "image.screenshot",
          "image.screen_recapture")

# defect classes: name -> defects passed to compose_photo (strength cycles over DEFECTS[name][1])
# (new classes go last: a picture's random stream is seeded by its class's place, so the others stay the same pictures)
CLASSES = ("corner_cut", "finger", "watermark", "defocus", "motion", "glare", "grayscale", "photocopy",
           "low_res", "screenshot", "recapture", "soft_glare")
NEGATIVE_CLASSES = ("clean", "sheen", "dim")

# codes that may legitimately fire besides the labelled one
TOLERATED: dict[str, set[str]] = {
    "low_res": {"image.blurry", "document.not_found", "image.document_small"},
    "screenshot": {"document.not_found", "document.corner_missing", "image.blurry"},
    # the generated monitor shows the document at 30-55% of the resolution it is photographed at: the
    # print really is soft (each screen pixel spans 2-3 camera pixels), so image.blurry is a true finding
    "recapture": {"image.blurry"},
    "corner_cut": {"document.occluded"},  # a hand background can show at a cut corner
}


INVISIBLE_WATERMARK = 10.0  # grey levels (90th percentile over the stroke pixels)


def draw(seed: int, cls: str, index: int) -> dict[str, Any]:
    """Picture ``index`` of class ``cls`` for ``seed``, generated and encoded: ``data`` (the file's bytes), ``kind``,
    ``background``, ``format``, ``defects``, ``labels`` (docgen's) and ``gen_ms``.  Shared with
    ``benchmarks.outline_speed``, which must see the very pictures this benchmark scores."""
    rng = np.random.default_rng(
        [seed, CLASSES.index(cls) + 10 if cls in CLASSES else NEGATIVE_CLASSES.index(cls), index]
    )
    kind = docgen.KINDS[index % 2]
    background = docgen.BACKGROUNDS[(index // 2) % len(docgen.BACKGROUNDS)]
    defects: list[tuple[str, float]] = []
    if cls != "clean":
        levels = docgen.DEFECTS[cls][1]
        defects = [(cls, levels[index % len(levels)])]
    kw: dict[str, Any] = {}
    if index % 13 == 5 and cls not in ("low_res", "screenshot"):
        kw["out_size"] = (4000, 3000) if kind == "id_card" or rng.random() < 0.5 else (3000, 4000)  # 12 MP
        kw["scale"] = 2.0
    t0 = time.perf_counter()
    photo, labels = docgen.make_photo(kind, rng, defects, background=background, **kw)
    gen_ms = (time.perf_counter() - t0) * 1000
    fmt_roll = index % 20
    if cls == "screenshot":
        fmt = "png" if fmt_roll % 3 else "jpeg"
    else:
        fmt = {0: "png", 7: "webp", 11: "heic", 15: "bmp", 17: "webp", 19: "heic"}.get(fmt_roll, "jpeg")
    quality = int(rng.integers(85, 96))
    opts: dict[str, Any] = {"quality": quality} if fmt in ("jpeg", "webp", "heic") else {}
    # fastest encoder settings (same format, same decoder path): HEIC's default x265 preset took 5 s per photo
    opts.update({"heic": {"enc_params": {"preset": "ultrafast"}}, "webp": {"method": 0},
                 "png": {"compress_level": 1}}.get(fmt, {}))
    return {"data": encode(photo, fmt, **opts), "kind": kind, "background": background, "format": fmt,
            "defects": defects, "labels": labels, "gen_ms": gen_ms}


def _job(args: tuple[int, str, int, int]) -> dict[str, Any]:
    seed, cls, index, total = args
    drawn = draw(seed, cls, index)
    data, kind, background, fmt = drawn["data"], drawn["kind"], drawn["background"], drawn["format"]
    defects, labels, gen_ms = drawn["defects"], drawn["labels"], drawn["gen_ms"]
    t0 = time.perf_counter()
    # a grey document in a colour photo is a photocopy only if the caller says which document it is (a
    # black-on-white page looks the same): the photocopy class is checked as a service with document slots would
    # check it, naming the kind; every other class in auto mode
    codes_fired, severities, measures, timings = _run(data, kind if cls == "photocopy" else "auto")
    check_ms = (time.perf_counter() - t0) * 1000
    return {
        "class": cls, "index": index, "kind": kind, "background": background, "format": fmt,
        "size": list(labels["out_size"]), "strength": defects[0][1] if defects else None,
        "labels": sorted(labels["defects"]), "corners_cut": labels.get("corners_cut", []),
        "true_long_side": _long_side(labels.get("quad")),
        "invisible_watermark": labels.get("watermark_contrast", 255.0) < INVISIBLE_WATERMARK,
        "fired": codes_fired, "severities": severities, "measures": measures, "timings": timings,
        "gen_ms": round(gen_ms, 1), "check_ms": round(check_ms, 1),
    }


def _long_side(quad: Any) -> float | None:
    """Mean length of the longer pair of sides of a label quad (output px)."""
    if not quad:
        return None
    q = np.asarray(quad, np.float64)
    a = (np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
    b = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
    return round(float(max(a, b)), 1)


def _truly_small(r: dict[str, Any]) -> bool:
    from idcheck.config import DEFAULT

    need = DEFAULT.resolution.min_long_side_card if r["kind"] == "id_card" else DEFAULT.resolution.min_long_side_page
    return r.get("true_long_side") is not None and r["true_long_side"] < need


def _lift_size_window() -> None:
    """This benchmark measures the image checks, so no generated picture may be refused for its file size: a
    12 MP PNG or BMP is over the console channel's 5 MB, and check() types such a file and refuses it without
    analysing it (the file checks have their own tests).  The console channel's window is widened in this
    process only."""
    import dataclasses
    import types

    import idcheck.api as api

    wide = dict(api.CHANNELS)
    wide["console"] = dataclasses.replace(wide["console"], max_bytes=1 << 40)
    api.CHANNELS = types.MappingProxyType(wide)


def _run(data: bytes, kind: str = "auto") -> tuple[list[str], dict[str, str], dict[str, Any], dict[str, float]]:
    try:
        import idcheck.api as api

        _lift_size_window()
        report = api.check(data, kind=kind)  # docgen's kinds (id_card, business_license) are idcheck's
        findings = report.findings
        measures = dict(report.extra.get("measures", {}))
        doc = report.extra.get("document")
        timings = dict(report.timings)
    except ImportError:  # the API is not there yet: decode here and drive the checks directly
        from PIL import Image

        from idcheck.config import Config
        from idcheck.image.context import DecodedImage, ImageContext
        from idcheck.pipeline import run_checks

        im = Image.open(io.BytesIO(data)).convert("RGB")
        w, h = im.size
        f = min(1.0, 1600 / max(w, h))
        small = np.asarray(im.resize((max(1, round(w * f)), max(1, round(h * f))), Image.Resampling.BILINEAR))
        ctx = ImageContext(DecodedImage(small, (w, h), "jpeg", "RGB"), Config())
        timings = {}
        findings = run_checks(ctx, timings)
        measures = dict(ctx.extra.get("measures", {}))
        doc = ctx.extra.get("document")
    fired = sorted({f.code for f in findings if f.code in SCORED or f.code.startswith("internal.")})
    severities = {f.code: f.severity for f in findings}
    if doc:
        measures["frame_share"] = doc.get("frame_share")
        measures["edge_support"] = doc.get("edge_support")
    details = {f.code: dict(f.details) for f in findings if f.code in SCORED}
    measures["details"] = details
    return fired, severities, measures, timings


def score(records: list[dict[str, Any]]) -> dict[str, Any]:
    per_code: dict[str, dict[str, int]] = {c: {"tp": 0, "fp": 0, "fn": 0} for c in SCORED}
    fp_examples: dict[str, list[str]] = defaultdict(list)
    for r in records:
        labels = set(r["labels"])
        tolerated = TOLERATED.get(r["class"], set())
        if r.get("invisible_watermark"):
            labels.discard("document.watermark")
            tolerated = tolerated | {"document.watermark"}
        if _truly_small(r):
            tolerated = tolerated | {"image.low_resolution"}
        for code in SCORED:
            fired = code in r["fired"]
            if code in labels:
                per_code[code]["tp" if fired else "fn"] += 1
            elif fired and code not in tolerated:
                per_code[code]["fp"] += 1
                fp_examples[code].append(f"{r['class']}#{r['index']}")
    table = {}
    for code, c in per_code.items():
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else None
        rc = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else None
        table[code] = {**c, "precision": p, "recall": rc, "fp_examples": fp_examples[code][:8]}
    by_class: dict[str, dict[str, Any]] = {}
    for cls in NEGATIVE_CLASSES + CLASSES:
        rs = [r for r in records if r["class"] == cls]
        if not rs:
            continue
        if cls in NEGATIVE_CLASSES:
            rejected = [r for r in rs if any(r["severities"].get(c) in ("error", "warning") for c in r["fired"])]
            by_class[cls] = {"n": len(rs), "false_reject_rate": len(rejected) / len(rs),
                             "rejected": [f"#{r['index']}:{','.join(r['fired'])}" for r in rejected][:12]}
        else:
            code = docgen.DEFECTS[cls][0]
            skipped = [r for r in rs if r.get("invisible_watermark")]
            rs = [r for r in rs if not r.get("invisible_watermark")]
            levels: dict[str, list[int]] = defaultdict(lambda: [0, 0])
            for r in rs:
                key = str(r["strength"])
                levels[key][1] += 1
                levels[key][0] += int(code in r["fired"])
            by_class[cls] = {"n": len(rs), "code": code, "recall": sum(v[0] for v in levels.values()) / len(rs),
                             "recall_by_strength": {k: f"{v[0]}/{v[1]}" for k, v in sorted(levels.items())},
                             "missed": [f"#{r['index']}(s={r['strength']},{r['kind']},{r['background']},{r['format']})"
                                        for r in rs if code not in r["fired"]][:10]}
            if skipped:
                by_class[cls]["not_scored_invisible"] = [f"#{r['index']}" for r in skipped]
    return {"per_code": table, "by_class": by_class}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--per-class", type=int, default=40)
    ap.add_argument("--clean", type=int, default=100)
    ap.add_argument("--only", default="", help="comma-separated classes to run (for tuning)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default="benchmarks/results/accuracy.json")
    args = ap.parse_args(argv)
    only = set(filter(None, args.only.split(",")))
    jobs = []
    for cls in NEGATIVE_CLASSES + CLASSES:
        if only and cls not in only:
            continue
        n = args.clean if cls == "clean" else max(8, args.per_class // 2) if cls in ("sheen", "dim") else args.per_class
        if cls in ("grayscale", "photocopy"):
            n = max(4, args.per_class // 2)  # the two make one class for image.grayscale
        jobs += [(args.seed, cls, i, n) for i in range(n)]
    started = time.perf_counter()
    if args.workers > 1:
        with ProcessPoolExecutor(args.workers) as pool:
            records = list(pool.map(_job, jobs, chunksize=4))
    else:
        records = [_job(j) for j in jobs]
    wall = time.perf_counter() - started
    result = score(records)
    print(f"seed {args.seed}: {len(records)} images in {wall:.0f} s")
    print(f"{'code':28} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>9} {'recall':>7}")
    for code, c in result["per_code"].items():
        if c["tp"] + c["fp"] + c["fn"] == 0:
            continue
        p = "-" if c["precision"] is None else f"{c['precision']:.3f}"
        r = "-" if c["recall"] is None else f"{c['recall']:.3f}"
        print(f"{code:28} {c['tp']:>4} {c['fp']:>4} {c['fn']:>4} {p:>9} {r:>7}  {' '.join(c['fp_examples'][:4])}")
    for cls, c in result["by_class"].items():
        if "false_reject_rate" in c:
            print(f"{cls:12} false-reject rate {c['false_reject_rate']:.3f} (n={c['n']}) {' '.join(c['rejected'][:6])}")
        else:
            print(
                f"{cls:12} recall {c['recall']:.3f} by strength {c['recall_by_strength']}  "
                f"missed {' '.join(c['missed'][:4])}"
            )
    checks_ms = [sum(v for k, v in r["timings"].items() if k.startswith("check.")) for r in records]
    decode_ms = [r["timings"].get("decode", 0.0) for r in records]
    big = [r for r in records if r["size"][0] * r["size"][1] >= 11_000_000]
    timing = {
        "checks_ms_median": float(np.median(checks_ms)),
        "decode_ms_median": float(np.median(decode_ms)),
        "per_check_ms_median": {
            k: float(np.median([r["timings"].get(k, 0.0) for r in records]))
            for k in sorted({k for r in records for k in r["timings"] if k.startswith("check.")})
        },
    }
    if big:
        timing["12mp"] = {
            "n": len(big),
            "checks_ms_median": float(
                np.median([sum(v for k, v in r["timings"].items() if k.startswith("check.")) for r in big])
            ),
            "decode_ms_median": float(np.median([r["timings"].get("decode", 0.0) for r in big])),
            "per_check_ms_median": {
                k: round(float(np.median([r["timings"].get(k, 0.0) for r in big])), 2)
                for k in sorted({k for r in big for k in r["timings"] if k.startswith("check.")})
            },
        }
    print("timing:", json.dumps(timing))
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump({"seed": args.seed, "per_class": args.per_class, "clean": args.clean, "wall_s": round(wall, 1),
                   "tolerated": {k: sorted(v) for k, v in TOLERATED.items()}, **result, "timing": timing,
                   "records": records}, fh, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
