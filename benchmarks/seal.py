"""document.seal_missing on generated business licences: precision and recall.

    .venv/bin/python -m benchmarks.seal [--count 6] [--seed 7] [--out benchmarks/results/seal.json]

For each variant below, ``count`` phone photos of a licence (fixtures.docgen, ``document=`` options), saved
as JPEG q90 and decoded like ``check()``; the document is found by the image engine and the seal judged
(:func:`idcheck.image.checks.seal.judge`, as for ``kind="business_license"``).

Variants: the seal ``red`` or ``faded`` (pale, thin ink) or ``none``; each with nothing else red, a red
title, a red square stamp (no seal), or both; the seal-bearing ones also under mild sheen and mild blur.

The code's positive class is *a missing seal*: precision = fired on seal-less licences / all firings;
recall = fired / seal-less licences.  Thresholds in seal.py were set on ``--seed 7``; report another seed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from idcheck.config import DEFAULT
from idcheck.image.checks import seal
from idcheck.image.context import ImageContext
from idcheck.intake.decode import decode
from idcheck.intake.sniff import sniff

ROOT = Path(__file__).resolve().parent.parent
EXTRAS = {"plain": {}, "red_title": {"red_title": True}, "square": {"square_stamp": True},
          "title+square": {"red_title": True, "square_stamp": True}}


def variants() -> list[tuple[str, dict[str, Any], str]]:
    out = []
    for s in ("red", "faded", "none"):
        for name, opts in EXTRAS.items():
            out.append((f"{s}/{name}", {"seal": s, **opts}, "clean"))
    for s in ("red", "faded"):
        for cond in ("sheen", "blur"):
            out.append((f"{s}/plain/{cond}", {"seal": s}, cond))
    return out


def sample(opts: dict[str, Any], condition: str, rng: np.random.Generator) -> bytes:
    from fixtures.docgen import make_photo

    defects = [("sheen", 0.25)] if condition == "sheen" else []
    photo, labels = make_photo("business_license", rng, defects, document=opts)
    if condition == "blur":
        q = np.asarray(labels["quad"], np.float32)
        photo = cv2.GaussianBlur(photo, (0, 0), 1.2 * float(np.linalg.norm(q[1] - q[0])) / 1000.0)
    buf = io.BytesIO()
    Image.fromarray(photo).save(buf, format="JPEG", quality=90)
    return buf.getvalue()


def judge(data: bytes) -> tuple[bool | None, dict[str, Any]]:
    s = sniff(data[:65536])
    r = decode(data, s.spec, DEFAULT)
    ctx = ImageContext(r.image, DEFAULT, {}, data=data)
    ctx.requested_kind = "business_license"
    findings, info = seal.judge(ctx, "benchmark", "benchmark")
    fired = [f.code for f in findings]
    if "image.not_judged" in fired:
        return None, info
    return "document.seal_missing" in fired, info


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=6)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "seal.json"))
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    rows: dict[str, dict[str, int]] = defaultdict(lambda: {"n": 0, "fired": 0, "not_judged": 0})
    tp = fp = fn = tn = 0
    times = []
    for name, opts, cond in variants():
        for _ in range(args.count):
            data = sample(opts, cond, rng)
            t0 = time.perf_counter()
            fired, info = judge(data)
            times.append((time.perf_counter() - t0) * 1000)
            row = rows[name]
            row["n"] += 1
            if fired is None:
                row["not_judged"] += 1
                continue
            row["fired"] += int(fired)
            missing = opts["seal"] == "none"
            tp += int(fired and missing)
            fp += int(fired and not missing)
            fn += int(missing and not fired)
            tn += int(not missing and not fired)
            if args.verbose and fired != missing:
                print(f"  wrong: {name} {json.dumps(info.get('best'))}", file=sys.stderr)
    print(f"seed {args.seed}, {args.count} per variant")
    print(f"{'variant':28} {'n':>3} {'fired':>5} {'n/j':>4}")
    for name, row in rows.items():
        print(f"{name:28} {row['n']:3d} {row['fired']:5d} {row['not_judged']:4d}")
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    times.sort()
    print(f"seal-less licences: {tp + fn}, fired on {tp} (recall {recall:.3f}); licences with a seal: {fp + tn}, "
          f"fired on {fp}; precision {precision:.3f}")
    print(f"judge time (decode excluded: no; includes outline and rectify): median {times[len(times) // 2]:.0f} ms")
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump({"seed": args.seed, "count": args.count, "rows": rows, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
                   "precision": precision, "recall": recall}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
